//! Other producers' PDFs of generated complaints, for `scripts/producers.sh` (which documents
//! the whole check). Two steps:
//!
//! - `prepare --out DIR [--seed N] [--count N] [--family NAME]…` writes, per generated
//!   fictitious filing (`NAME` = a template family of `fixtures::styles`, or `standard` for the
//!   standard generator), the source text `<id>.txt` (sections separated by a form feed, table
//!   cells by tabs), the same text as `<id>.html` (CJK font Noto CJK, paragraphs, tables with
//!   borders, each section on a new page, a grey PNG for a scanned page) and the gold
//!   `<id>.gold.json`. Other programs print the `.txt` / `.html` to PDF.
//! - `measure --src DIR [--jsonl FILE] PRODUCER_DIR…` reads every `<id>.pdf` of each producer
//!   folder with [`fincase::ingest::read_pdf`] and, when poppler's `pdftotext` is on the PATH,
//!   with `pdftotext -raw`, and prints per file and per producer the agreement of each with the
//!   source text `DIR/<id>.txt` (the ground truth) and with each other: 1 − edit distance /
//!   source length, whitespace removed and NFKC-folded (`common/textcmp.rs`, the measure of
//!   `pdf_corpus`). It writes the texts beside each PDF as `<id>.fincase.txt` and
//!   `<id>.pdftotext.txt`. A measuring tool: it never fails on a bad file, it counts it.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use fincase::fixtures::{self, styles};
use fincase::ingest::read_pdf;

#[path = "common/print_html.rs"]
mod print_html;
#[path = "common/textcmp.rs"]
mod textcmp;
use print_html::{Section, html};
use textcmp::{Folder, agreement};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("prepare") => prepare(&args[1..]),
        Some("measure") => measure(&args[1..]),
        _ => Err(
            "usage: producers prepare --out DIR [--seed N] [--count N] [--family NAME]… \
                  | producers measure --src DIR [--jsonl FILE] PRODUCER_DIR…"
                .to_owned(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("producers: {e}");
            ExitCode::from(2)
        }
    }
}

fn prepare(args: &[String]) -> Result<(), String> {
    let mut out: Option<PathBuf> = None;
    let mut seed = 9u64;
    let mut count = 20usize;
    let mut families: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--count" => count = value()?.parse().map_err(|e| format!("--count: {e}"))?,
            "--family" => families.push(value()?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    if families.is_empty() {
        families.push("standard".to_owned());
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut written = 0usize;
    for name in &families {
        for i in 0..count {
            let (gold, sections) = if name == "standard" {
                let c = fixtures::compose(seed, i);
                let sections = c
                    .pages
                    .iter()
                    .enumerate()
                    .map(|(p, text)| {
                        if c.image_pages.contains(&p) {
                            Section::Scan
                        } else {
                            Section::Text(text.lines().map(str::to_owned).collect())
                        }
                    })
                    .collect();
                (c.gold, sections)
            } else {
                let family = styles::Family::parse(name)
                    .ok_or(format!("unknown family {name:?} (or `standard`)"))?;
                let f = styles::compose_family(seed, i, family);
                let sections = family_sections(&f);
                (f.composed.gold, sections)
            };
            let id = gold.facts.id.clone();
            let mut json = serde_json::to_string_pretty(&gold).map_err(|e| e.to_string())?;
            json.push('\n');
            let txt = sections
                .iter()
                .filter_map(|s| match s {
                    Section::Text(lines) => Some(lines.join("\n")),
                    Section::Scan => None,
                })
                .collect::<Vec<_>>()
                .join("\n\u{c}\n");
            for (file, body) in [
                (format!("{id}.gold.json"), json),
                (format!("{id}.txt"), txt + "\n"),
                (format!("{id}.html"), html(&sections)),
            ] {
                let path = out.join(file);
                std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            written += 1;
        }
    }
    println!(
        "wrote {written} filings (.txt, .html, .gold.json) to {}",
        out.display()
    );
    Ok(())
}

/// A family filing's sections: its text lines (unwrapped blocks) split where each gold
/// document's first page title starts; scans where the gold has an image page.
fn family_sections(f: &styles::FamilyFiling) -> Vec<Section> {
    let lines: Vec<&str> = f.text.lines().collect();
    let mut starts: Vec<(usize, bool)> = Vec::new(); // (line index, scan before it)
    let mut pos = 0usize;
    let mut scan_pending = false;
    for d in &f.composed.gold.documents {
        let first = d.first_page.saturating_sub(1) as usize;
        if f.composed.image_pages.contains(&first) {
            scan_pending = true;
            continue;
        }
        let title = f
            .composed
            .pages
            .get(first)
            .and_then(|p| p.lines().next())
            .unwrap_or("");
        if let Some(k) = lines[pos..].iter().position(|l| *l == title) {
            starts.push((pos + k, scan_pending));
            pos += k + 1;
            scan_pending = false;
        }
    }
    let mut out = Vec::new();
    if starts.first().is_none_or(|s| s.0 != 0) {
        starts.insert(0, (0, false));
    }
    for (n, &(start, scan)) in starts.iter().enumerate() {
        if scan {
            out.push(Section::Scan);
        }
        let end = starts.get(n + 1).map_or(lines.len(), |s| s.0);
        out.push(Section::Text(
            lines[start..end].iter().map(|l| (*l).to_owned()).collect(),
        ));
    }
    if scan_pending {
        out.push(Section::Scan);
    }
    out
}

fn measure(args: &[String]) -> Result<(), String> {
    let mut src: Option<PathBuf> = None;
    let mut jsonl: Option<PathBuf> = None;
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--src" => src = it.next().map(PathBuf::from),
            "--jsonl" => jsonl = it.next().map(PathBuf::from),
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    let src = src.ok_or("--src DIR is required")?;
    let mut log = match &jsonl {
        Some(p) => Some(std::fs::File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => None,
    };
    let fold = Folder::new();
    let poppler = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    println!(
        "{:<12} {:>5} {:>4}  {:>21}  {:>21}  {:>21}",
        "producer",
        "files",
        "err",
        "fincase~source med/min",
        "pdftotext~src med/min",
        "fincase~pdftotext"
    );
    for dir in &dirs {
        let producer = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut pdfs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect();
        pdfs.sort();
        let (mut ours_src, mut pt_src, mut ours_pt) = (Vec::new(), Vec::new(), Vec::new());
        let mut errors = 0usize;
        for pdf in &pdfs {
            let id = pdf
                .file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
            let source = std::fs::read_to_string(src.join(format!("{id}.txt"))).unwrap_or_default();
            let source = fold.squash(&source);
            let bytes = std::fs::read(pdf).unwrap_or_default();
            let ours = match catch_unwind(AssertUnwindSafe(|| read_pdf(&bytes))) {
                Ok(Ok(doc)) => Ok(doc
                    .pages
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")),
                Ok(Err(e)) => Err(format!("[{}] {e}", e.code())),
                Err(_) => Err("panic".to_owned()),
            };
            let pt = if poppler { pdftotext(pdf) } else { None };
            if let Some(t) = &pt {
                let _ = std::fs::write(dir.join(format!("{id}.pdftotext.txt")), t);
            }
            let mut rec = serde_json::json!({"producer": producer, "id": id});
            match &ours {
                Ok(text) => {
                    let _ = std::fs::write(dir.join(format!("{id}.fincase.txt")), text);
                    let o = fold.squash(text);
                    let a = agreement(&source, &o).value;
                    ours_src.push(a);
                    rec["fincase_vs_source"] = a.into();
                    if let Some(t) = &pt {
                        let b = agreement(&fold.squash(t), &o).value;
                        ours_pt.push(b);
                        rec["fincase_vs_pdftotext"] = b.into();
                    }
                }
                Err(e) => {
                    errors += 1;
                    rec["error"] = e.clone().into();
                    println!("  {producer} {id}: {e}");
                }
            }
            if let Some(t) = &pt {
                let c = agreement(&source, &fold.squash(t)).value;
                pt_src.push(c);
                rec["pdftotext_vs_source"] = c.into();
            }
            if let Some(f) = log.as_mut() {
                let _ = writeln!(f, "{rec}");
            }
        }
        println!(
            "{:<12} {:>5} {:>4}  {:>21}  {:>21}  {:>21}",
            producer,
            pdfs.len(),
            errors,
            med_min(&mut ours_src),
            med_min(&mut pt_src),
            med_min(&mut ours_pt)
        );
    }
    Ok(())
}

fn med_min(v: &mut [f64]) -> String {
    if v.is_empty() {
        return "-".to_owned();
    }
    v.sort_by(f64::total_cmp);
    format!("{:.4} / {:.4}", v[v.len() / 2], v[0])
}

/// `pdftotext -raw FILE -` (UTF-8), or None when it fails.
fn pdftotext(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
