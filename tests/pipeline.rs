//! Pipeline boundary: a folder or zip of filings in, facts/outcomes/drafts/index out, checked
//! against the generator's gold answers (not just "it ran").

use fincase::eval::Scoreboard;
use fincase::fixtures::{self, Gold};
use fincase::pipeline::{self, FilingStatus, ProcessOptions};
use fincase::search::CaseIndex;
use std::path::Path;

const SEED: u64 = 7;
const COUNT: usize = 60;

fn options(out: &Path, index: &Path) -> ProcessOptions {
    let mut o = ProcessOptions::new(out, index);
    o.progress = false;
    o.chunk_size = 16; // several chunks, to exercise chunking
    o
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> T {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(serde::Deserialize)]
struct FactsFile {
    #[serde(flatten)]
    facts: fincase::domain::CaseFacts,
    flags: Vec<fincase::domain::FindingCode>,
}

/// Runs the pipeline over generated filings plus three bad files and checks every output.
#[test]
fn batch_matches_gold_and_isolates_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fixtures::write_batch(&input, SEED, COUNT).unwrap();
    std::fs::write(input.join("zz-not-a-pdf.pdf"), b"this is not a PDF at all").unwrap();
    let good = std::fs::read(input.join(format!("f{SEED}-00000.pdf"))).unwrap();
    std::fs::write(input.join("zz-truncated.pdf"), &good[..good.len() / 3]).unwrap();
    std::fs::write(input.join("zz-notes.txt"), b"not a filing").unwrap();

    let out = tmp.path().join("out");
    let index = tmp.path().join("index");
    let summary = pipeline::process_batch(&input, &options(&out, &index)).unwrap();

    assert_eq!(summary.total, COUNT + 2, "PDFs counted, the .txt skipped");
    // The note is not a PDF: skipped and listed, not failed. The gold files beside the PDFs
    // are recognised as answers, not listed as skipped.
    assert_eq!(summary.skipped, vec!["zz-notes.txt".to_owned()]);
    assert_eq!(summary.gold_files, COUNT);
    assert!(
        summary.skipped.iter().any(|n| n == "zz-notes.txt"),
        "{:?}",
        summary.skipped
    );
    let failed: Vec<&str> = summary
        .not_drafted
        .iter()
        .filter(|e| e.status == FilingStatus::Failed)
        .map(|e| e.name.as_str())
        .collect();
    assert!(failed.contains(&"zz-not-a-pdf.pdf"), "{failed:?}");
    for e in summary
        .not_drafted
        .iter()
        .filter(|e| e.status == FilingStatus::Failed)
    {
        assert!(
            !e.reason.is_empty(),
            "a failed filing must say why: {}",
            e.name
        );
        assert!(
            e.name.starts_with("zz-"),
            "a generated filing failed: {} {}",
            e.name,
            e.reason
        );
    }

    let mut board = Scoreboard::default();
    for i in 0..COUNT {
        let id = format!("f{SEED}-{i:05}");
        let gold: Gold = read_json(&input.join(format!("{id}.gold.json")));
        let got: FactsFile = read_json(&out.join("filings").join(&id).join("facts.json"));
        board.add(&got.facts, &got.flags, &gold.facts, &gold.expected_flags);
        // A flag reckoned from facts quotes their sources (the words on the page).
        let raw: serde_json::Value = read_json(&out.join("filings").join(&id).join("facts.json"));
        for f in raw["findings"].as_array().into_iter().flatten() {
            if [
                "claims_total_mismatch",
                "interest_over_cap",
                "limitation_expired",
                "guarantee_period_expired",
            ]
            .contains(&f["code"].as_str().unwrap_or(""))
            {
                let quotes = f["quotes"].as_array().map_or(0, Vec::len);
                assert!(quotes > 0, "{id}: {f}");
            }
        }
        let drafted = out.join("filings").join(&id).join("draft.html").exists();
        if gold.expected_flags.is_empty() {
            assert!(drafted, "{id}: a clean filing must be drafted");
        }
    }
    eprintln!("{}", board.report());
    for field in fincase::eval::FIELDS {
        assert!(
            board.accuracy(field) >= 0.97,
            "{field}: {}\n{}",
            board.accuracy(field),
            board.report()
        );
    }
    assert!(
        board.flags_exact as f64 >= 0.95 * COUNT as f64,
        "{}",
        board.report()
    );

    // The index finds a defendant by name and reports the status.
    let gold: Gold = read_json(&input.join(format!("f{SEED}-00003.gold.json")));
    let name = &gold.facts.defendants[0].name;
    let idx = CaseIndex::open(&fincase::search::index_dir(&index)).unwrap();
    let hits = idx.search(name, 5).unwrap();
    assert!(
        hits.iter().any(|h| h.name == format!("f{SEED}-00003.pdf")),
        "{name}: {hits:?}"
    );
    assert!(out.join("summary.json").exists());
}

/// A zip of filings gives the same drafts as the folder, byte for byte (determinism).
#[test]
fn zip_input_and_determinism() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fixtures::write_batch(&input, SEED + 1, 8).unwrap();
    let zip_path = tmp.path().join("batch.zip");
    {
        let file = std::fs::File::create(&zip_path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let mut names: Vec<_> = std::fs::read_dir(&input)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for p in names {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            zip.start_file(
                format!("bank/{n}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            std::io::Write::write_all(&mut zip, &std::fs::read(&p).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    let a = pipeline::process_batch(
        &input,
        &options(&tmp.path().join("a"), &tmp.path().join("ia")),
    )
    .unwrap();
    let b = pipeline::process_batch(
        &zip_path,
        &options(&tmp.path().join("b"), &tmp.path().join("ib")),
    )
    .unwrap();
    assert_eq!(a.total, 8);
    assert_eq!(b.total, 8);
    assert_eq!(a.by_status, b.by_status);
    for i in 0..8 {
        let rel = format!("filings/f{}-{i:05}/draft.html", SEED + 1);
        let (pa, pb) = (
            tmp.path().join("a").join(&rel),
            tmp.path().join("b").join(&rel),
        );
        assert_eq!(pa.exists(), pb.exists(), "{rel}");
        if pa.exists() {
            assert_eq!(
                std::fs::read(pa).unwrap(),
                std::fs::read(pb).unwrap(),
                "{rel}"
            );
        }
    }
}
