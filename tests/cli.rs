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
    assert!(
        stdout(&o).contains("<b>"),
        "--json keeps the highlight tags"
    );
    // Piped (not a terminal): the highlight is plain text, no tags and no colour codes.
    let o = fincase(&["search", "人民法院", "--index", "idx"], tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = stdout(&o);
    assert!(text.contains("人民法院"), "{text}");
    assert!(!text.contains("<b>") && !text.contains('\x1b'), "{text}");
    let o = fincase(&["search", "x", "--index", "missing"], tmp.path());
    assert!(!o.status.success());
}

fn eval_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn field<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap()
}

#[test]
fn eval_extract_scores_generated_fixtures_and_reports_a_missing_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fincase(
        &["fixtures", "--seed", "6", "--count", "6", "--out", "fx"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = fincase(
        &["eval", "extract", "--gold", "fx", "--json", "out.json"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = stdout(&o);
    assert!(
        table.contains("6 gold filings, 6 predicted, 0 missing"),
        "{table}"
    );
    assert!(table.contains("claims.principal"), "{table}");

    let r = eval_json(&tmp.path().join("out.json"));
    assert_eq!(r["filings"], 6);
    assert_eq!(r["fields"].as_array().unwrap().len(), 20);
    let p = field(&r, "claims.principal");
    assert_eq!(p["accuracy"], 1.0);
    for key in ["precision", "recall", "f1", "misses", "miss_count"] {
        assert!(p.get(key).is_some(), "{key} in {p}");
    }
    assert!(r["flags"].is_array() && r["missing"].as_array().unwrap().is_empty());
    let by_type = r["by_case_type"].as_object().unwrap();
    let total: u64 = by_type
        .values()
        .map(|t| t["filings"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 6);

    std::fs::remove_file(tmp.path().join("fx/f6-00002.pdf")).unwrap();
    let o = fincase(
        &["eval", "extract", "--gold", "fx", "--json", "out.json"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout(&o).contains("  f6-00002: cannot read"),
        "{}",
        stdout(&o)
    );
    let r = eval_json(&tmp.path().join("out.json"));
    assert_eq!(
        (r["filings"].as_u64(), r["predicted"].as_u64()),
        (Some(6), Some(5))
    );
    assert_eq!(r["missing"][0]["id"], "f6-00002");
    assert!(field(&r, "claims.principal")["accuracy"].as_f64().unwrap() < 1.0);
}

#[test]
fn eval_extract_with_pred_finds_a_deliberately_wrong_line() {
    let tmp = tempfile::tempdir().unwrap();
    fincase(
        &["fixtures", "--seed", "7", "--count", "3", "--out", "fx"],
        tmp.path(),
    );
    let pdfs = ["fx/f7-00000.pdf", "fx/f7-00001.pdf", "fx/f7-00002.pdf"];
    let mut args = vec!["extract"];
    args.extend(pdfs);
    let o = fincase(&args, tmp.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    lines[1]["claims"]["principal"] = "1.00".into();
    let pred: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(tmp.path().join("pred.jsonl"), pred.join("\n")).unwrap();

    let o = fincase(
        &[
            "eval",
            "extract",
            "--gold",
            "fx",
            "--pred",
            "pred.jsonl",
            "--json",
            "out.json",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r = eval_json(&tmp.path().join("out.json"));
    assert_eq!(
        (r["filings"].as_u64(), r["predicted"].as_u64()),
        (Some(3), Some(3))
    );
    let p = field(&r, "claims.principal");
    assert_eq!(p["correct"], 2);
    assert_eq!(p["miss_count"], 1);
    assert_eq!(p["misses"][0]["id"], "f7-00001");
    assert_eq!(p["misses"][0]["predicted"], "Some(Yuan(1.00))");
    assert!(
        stdout(&o).contains("f7-00001: Some(Yuan(1.00)) vs"),
        "{}",
        stdout(&o)
    );
}
