//! Command-line boundary: the stable contract in README.md, run as a user would.

use std::path::Path;
use std::process::{Command, Output};

fn fincase(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fincase"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn pdf_text_reads_a_filing_and_refuses_a_broken_file_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fincase(
        &["fixtures", "--seed", "3", "--count", "2", "--out", "fx"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = fincase(&["pdf-text", "fx/f3-00000.pdf"], tmp.path());
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("原告") || text.contains("申请人"), "{text}");
    assert!(text.contains('\x0c'), "pages are separated by form feeds");

    let o = fincase(&["pdf-text", "--json", "fx/f3-00000.pdf"], tmp.path());
    let first: serde_json::Value =
        serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(first["page"], 1);
    assert_eq!(first["needs_ocr"], false);

    std::fs::write(tmp.path().join("bad.pdf"), b"%PDF-1.4 garbage").unwrap();
    let o = fincase(&["pdf-text", "bad.pdf"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one-line reason: {err}");
}

#[test]
fn extract_prints_json_lines_with_flags_and_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    fincase(
        &["fixtures", "--seed", "4", "--count", "2", "--out", "fx"],
        tmp.path(),
    );
    let o = fincase(
        &["extract", "fx/f4-00000.pdf", "fx/f4-00001.pdf"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for (i, v) in lines.iter().enumerate() {
        let gold: serde_json::Value = serde_json::from_slice(
            &std::fs::read(tmp.path().join(format!("fx/f4-{i:05}.gold.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(v["id"], gold["id"]);
        assert_eq!(v["claims"]["principal"], gold["claims"]["principal"]);
        assert!(v["flags"].is_array());
        let span = &v["provenance"]["claims.principal"];
        assert!(span["page"].as_u64().unwrap() >= 1, "{v}");
    }
}

#[test]
fn fixtures_are_byte_identical_for_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    fincase(
        &["fixtures", "--seed", "9", "--count", "3", "--out", "a"],
        tmp.path(),
    );
    fincase(
        &["fixtures", "--seed", "9", "--count", "3", "--out", "b"],
        tmp.path(),
    );
    for i in 0..3 {
        for ext in ["pdf", "gold.json"] {
            let n = format!("f9-{i:05}.{ext}");
            assert_eq!(
                std::fs::read(tmp.path().join("a").join(&n)).unwrap(),
                std::fs::read(tmp.path().join("b").join(&n)).unwrap(),
                "{n}"
            );
        }
    }
}

#[test]
fn process_then_search() {
    let tmp = tempfile::tempdir().unwrap();
    fincase(
        &["fixtures", "--seed", "5", "--count", "6", "--out", "in"],
        tmp.path(),
    );
    let o = fincase(
        &["process", "in", "--out", "out", "--index", "idx", "--quiet"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("summary.json"));
    let o = fincase(
        &["search", "人民法院", "--index", "idx", "--json"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).lines().count() >= 1);
    let o = fincase(&["search", "x", "--index", "missing"], tmp.path());
    assert!(!o.status.success());
}
