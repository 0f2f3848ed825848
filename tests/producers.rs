//! Another producer's PDF: a generated fictitious complaint (CJK text, amounts, a table) is
//! printed to PDF by headless chromium (Skia's PDF backend, which writes Noto CJK as Type 3
//! fonts with a ToUnicode map, as filings printed from a browser or a web form are), read back with `ingest::read_pdf`, and
//! checked against the source text and the gold facts (court, parties, principal, dates).
//!
//! Skips (printing why) when chromium is not installed, unless `CI=true`, where it must run
//! (`.ci/run` installs chromium and fonts-noto-cjk). `scripts/producers.sh` runs the wider
//! measurement (more producers and filings); this test is its fast guard.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fincase::fixtures;
use fincase::ingest::read_pdf;

// Shared with examples/producers.rs; this test prints no scan sections.
#[allow(dead_code)]
#[path = "../examples/common/print_html.rs"]
mod print_html;

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Prints `html_path` to `pdf_path` with headless chromium (killed after 60 s).
fn print_to_pdf(browser: &PathBuf, html_path: &std::path::Path, pdf_path: &std::path::Path) {
    let profile = html_path.with_file_name("profile");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf_path.display()))
        .arg(format!("file://{}", html_path.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match child.try_wait().expect("wait for chromium") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not print within 60 s");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

#[test]
fn chromium_printed_complaint_reads_and_extracts() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Some(browser) = on_path(&["chromium", "chromium-browser", "google-chrome"]) else {
        assert!(!ci, "CI=true but chromium is missing (.ci/run installs it)");
        eprintln!(
            "SKIPPED chromium_printed_complaint_reads_and_extracts: chromium is not installed \
             (apt-get install chromium fonts-noto-cjk)"
        );
        return;
    };
    // The first filing of the batch with a claims table in the complaint, a defendant and a
    // principal, and no scanned page (the text is the whole filing).
    let filing = (0..400)
        .map(|i| fixtures::compose(11, i))
        .find(|c| {
            c.image_pages.is_empty()
                && c.pages[0].contains('\t')
                && !c.gold.facts.defendants.is_empty()
                && c.gold.facts.claims.principal.is_some()
        })
        .expect("a filing with a claims table");
    let gold = &filing.gold.facts;
    let dir = tempfile::tempdir().expect("temp dir");
    let html_path = dir.path().join("complaint.html");
    let pdf_path = dir.path().join("complaint.pdf");
    let sections: Vec<print_html::Section> = filing
        .pages
        .iter()
        .map(|p| print_html::Section::Text(p.lines().map(str::to_owned).collect()))
        .collect();
    std::fs::write(&html_path, print_html::html(&sections)).expect("write html");
    print_to_pdf(&browser, &html_path, &pdf_path);
    let bytes = std::fs::read(&pdf_path).expect("chromium wrote the PDF");
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let producer = String::from_utf8_lossy(&bytes);
    assert!(
        producer.contains("Skia"),
        "expected chromium's Skia/PDF producer"
    );

    let doc = read_pdf(&bytes).expect("read chromium's PDF");
    let got = squash(&doc.joined());
    let want = squash(&filing.pages.join("\n"));
    assert!(
        got.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "no CJK text read"
    );
    if got != want {
        let at = got
            .chars()
            .zip(want.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let show = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(20))
                .take(60)
                .collect::<String>()
        };
        panic!(
            "text differs from the source at char {at}:\n  read:   {}\n  source: {}",
            show(&got),
            show(&want)
        );
    }
    // The table's cells come out as one row per line, cells separated by tabs.
    let first_row = filing.pages[0]
        .lines()
        .find(|l| l.contains('\t'))
        .unwrap_or_default();
    let cells: Vec<&str> = first_row.split('\t').collect();
    assert!(
        doc.pages[0]
            .text
            .lines()
            .any(|l| l.split('\t').map(str::trim).collect::<Vec<_>>() == cells),
        "table row {first_row:?} not read as a tab-separated row:\n{}",
        doc.pages[0].text
    );

    let facts = fincase::extract::extract(&gold.id, &doc).facts;
    assert_eq!(facts.court, gold.court, "court");
    assert_eq!(
        facts.plaintiff.as_ref().map(|p| &p.name),
        gold.plaintiff.as_ref().map(|p| &p.name),
        "plaintiff"
    );
    let names = |f: &fincase::domain::CaseFacts| {
        let mut v: Vec<String> = f.defendants.iter().map(|d| d.name.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(names(&facts), names(gold), "defendants");
    assert_eq!(facts.claims.principal, gold.claims.principal, "principal");
    assert_eq!(facts.contract_date, gold.contract_date, "contract date");
    assert_eq!(facts.default_date, gold.default_date, "default date");
    assert_eq!(facts.filing_date, gold.filing_date, "filing date");
}
