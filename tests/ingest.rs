//! PDF → page text on generated filings: the fixture generator's PDFs read back to the text it
//! drew, and mutated copies never panic. (The reader's own unit tests, on PDFs built with
//! lopdf, live beside it in `crates/pdf/src/tests.rs`; these need the generator, which the
//! reader does not depend on.)

use fincase::fixtures;
use fincase::pdf::{INTERNAL_ERROR, read_pdf};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Byte flips and truncations of generated filings (always) and of corpus files (when the
/// corpus is present), 200 mutations each: never a panic, never an internal page error.
#[test]
fn mutated_fixtures_and_corpus_files_never_panic() {
    let mut seeds: Vec<Vec<u8>> = (0..3)
        .filter_map(|i| fixtures::generate_one(7, i).ok().map(|g| g.pdf))
        .collect();
    assert_eq!(seeds.len(), 3);
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/pdfcorpus/pdfjs"
    ));
    for name in [
        "160F-2019.pdf",
        "issue840.pdf",
        "noembed-identity.pdf",
        "TAMReview.pdf",
    ] {
        if let Ok(b) = std::fs::read(root.join(name)) {
            seeds.push(b);
        }
    }
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (s, seed) in seeds.iter().enumerate() {
        for round in 0..200 {
            let mut m = seed.clone();
            if round % 4 == 3 {
                m.truncate((next() as usize) % m.len().max(1));
            } else {
                for _ in 0..(1 + next() % 16) {
                    let i = (next() as usize) % m.len().max(1);
                    if let Some(b) = m.get_mut(i) {
                        *b ^= (next() & 0xff) as u8 | 1;
                    }
                }
            }
            let r = catch_unwind(AssertUnwindSafe(|| read_pdf(&m)));
            assert!(r.is_ok(), "panic: seed {s} round {round}");
            if let Ok(Ok(doc)) = r {
                assert!(
                    doc.pages
                        .iter()
                        .all(|p| !p.warnings.iter().any(|w| w == INTERNAL_ERROR)),
                    "internal error: seed {s} round {round}"
                );
            }
        }
    }
}

/// The fixture generator's PDFs (krilla embedded font, STSong-Light UCS-2 and GBK) read back
/// to the text it says it drew, ignoring whitespace; its image-only pages need OCR.
#[test]
fn generated_fixtures_read_back() {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (mut pages, mut same, mut exact, mut ocr_ok, mut ocr_pages) = (0, 0, 0, 0, 0);
    let mut mismatches = Vec::new();
    for i in 0..30 {
        let g = match fixtures::generate_one(2024, i) {
            Ok(g) => g,
            Err(e) => panic!("fixture {i} not generated: {e}"),
        };
        let doc = match read_pdf(&g.pdf) {
            Ok(d) => d,
            Err(e) => panic!("fixture {i} ({:?}) unreadable: {e}", g.producer),
        };
        assert_eq!(doc.pages.len(), g.pages.len(), "fixture {i}");
        for (p, want) in doc.pages.iter().zip(&g.pages) {
            pages += 1;
            if want.is_empty() {
                ocr_pages += 1;
                if p.needs_ocr {
                    ocr_ok += 1;
                }
            }
            if squash(&p.text) == squash(want) {
                same += 1;
            } else if mismatches.len() < 3 {
                mismatches.push(format!(
                    "{} {:?} p{}:\n{}\n---\n{}",
                    g.id, g.producer, p.page, p.text, want
                ));
            }
            if p.text == *want {
                exact += 1;
            }
        }
    }
    eprintln!(
        "fixtures: {pages} pages, {same} equal ignoring whitespace, {exact} exactly equal, \
         {ocr_ok}/{ocr_pages} image pages flagged needs_ocr"
    );
    assert_eq!(same, pages, "{}", mismatches.join("\n====\n"));
    assert_eq!(ocr_ok, ocr_pages);
}
