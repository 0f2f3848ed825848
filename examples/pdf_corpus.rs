//! Corpus runner for the PDF reader: `cargo run --release --example pdf_corpus -- [DIR]`
//! (default `../shared/pdfcorpus`).
//!
//! For every PDF under DIR (searched three levels deep, sorted) it reads the file with
//! [`fincase::ingest::read_pdf`] and, when poppler's `pdftotext` is on the PATH, with
//! `pdftotext -raw` too, in the same run and one file at a time, and prints per file and in
//! total: pages, time, characters, agreement with `pdftotext -raw`, panics and errors. The
//! agreement is totalled over all files, over the pdf.js files, and over the pdf.js files none
//! of whose pages our reader flags `needs_ocr` (fonts that carry no text: there `pdftotext`
//! prints glyph codes, not text, and the page must be read from its image); both again over
//! the files where `pdftotext` gives at least 20 characters, the corpus baseline's
//! "text-bearing" (PROVENANCE.md).
//!
//! Agreement = 1 − edit distance / reference length, both texts with whitespace and Unicode
//! bidi controls (which `pdftotext` puts around right-to-left runs) removed, and NFKC-folded. NFKC here is a table of the compatibility mappings of the ranges that matter
//! for extracted text (Latin-1 and Latin Extended, spacing modifiers, general punctuation to
//! enclosed alphanumerics, CJK radicals and Kangxi radicals, CJK symbols and enclosed CJK
//! letters and months, CJK compatibility ideographs and their supplement, alphabetic
//! presentation forms (ligatures), vertical and small forms, half- and full-width forms),
//! generated once from Python's `unicodedata` (Unicode 14) and kept in `examples/common/textcmp.rs`
//! (shared with the `producers` example), so no new crate is
//! needed. Canonical composition (a letter followed by a combining accent) is not folded.
//!
//! Options: `--jsonl FILE` writes one JSON object per file; `--dump DIR` writes each file's
//! text; `--no-pdftotext` skips the comparison; `--warnings` prints each file's
//! first page warnings. Without `pdftotext` the comparison and the
//! speed ratio are skipped, the rest still runs. This is a measuring tool, not a test: it
//! never fails on a bad file, it counts it.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fincase::ingest::read_pdf;

#[path = "common/textcmp.rs"]
mod textcmp;
use textcmp::{Agreement, Folder, agreement};

/// Longest a single `pdftotext` run may take before it is killed.
const PDFTOTEXT_TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/pdfcorpus"));
    let mut jsonl: Option<PathBuf> = None;
    let mut dump: Option<PathBuf> = None;
    let mut use_pdftotext = true;
    let mut show_warnings = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--jsonl" => jsonl = args.next().map(PathBuf::from),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--no-pdftotext" => use_pdftotext = false,
            "--warnings" => show_warnings = true,
            "-h" | "--help" => {
                println!("usage: pdf_corpus [DIR] [--jsonl FILE] [--dump DIR] [--no-pdftotext]");
                return;
            }
            _ => dir = PathBuf::from(a),
        }
    }
    if !dir.is_dir() {
        eprintln!(
            "pdf_corpus: {} is not a folder; nothing to do",
            dir.display()
        );
        return;
    }
    let pdftotext = use_pdftotext && pdftotext_available();
    if !pdftotext {
        eprintln!("pdf_corpus: pdftotext not available: comparison and speed ratio skipped");
    }
    let mut files = Vec::new();
    collect(&dir, 0, &mut files);
    files.sort();
    let fold = Folder::new();
    let mut jsonl_out = jsonl.and_then(|p| std::fs::File::create(p).ok());
    let mut t = Totals::default();
    println!(
        "{:<48} {:>5} {:>9} {:>9} {:>8} {:>7}  status",
        "file", "pages", "ours_ms", "pt_ms", "chars", "agree"
    );
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        t.files += 1;
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| read_pdf(&bytes)));
        let ours = start.elapsed();
        t.ours += ours;
        if ours > Duration::from_secs(2) {
            t.over_2s.push(rel.clone());
        }
        t.slowest = t.slowest.max(ours);
        let mut needs_ocr = false;
        let (status, text, pages) = match result {
            Err(_) => {
                t.panics += 1;
                ("PANIC".to_string(), String::new(), 0)
            }
            Ok(Err(e)) => {
                t.errors += 1;
                (e.code().to_string(), String::new(), 0)
            }
            Ok(Ok(doc)) => {
                let internal = doc
                    .pages
                    .iter()
                    .any(|p| p.warnings.iter().any(|w| w.starts_with("internal error")));
                if internal {
                    t.internal += 1;
                }
                let s = if internal { "internal" } else { "ok" };
                needs_ocr = doc.pages.iter().any(|p| p.needs_ocr);
                if show_warnings {
                    let mut seen = std::collections::BTreeSet::new();
                    for w in doc.pages.iter().flat_map(|p| &p.warnings) {
                        if seen.insert(w.clone()) && seen.len() <= 8 {
                            println!("    warning: {w}");
                        }
                    }
                }
                (s.to_string(), doc.joined(), doc.pages.len())
            }
        };
        t.pages += pages;
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        t.chars += chars;
        if let Some(d) = &dump {
            let out = d.join(format!("{}.txt", rel.replace('/', "__")));
            let _ = std::fs::create_dir_all(d);
            let _ = std::fs::write(out, &text);
        }
        let mut agree: Option<Agreement> = None;
        let mut pt_ms = None;
        let mut ref_len = 0;
        let mut ref_cjk = false;
        if pdftotext && let Some((reference, el)) = run_pdftotext(path) {
            pt_ms = Some(el);
            t.pt += el;
            t.pt_pages += pages;
            t.pt_ours += ours;
            let r = fold.squash(&reference);
            ref_len = r.len();
            ref_cjk = r.iter().any(|&c| is_cjk_text(c));
            if ref_len > 0 {
                let o = fold.squash(&text);
                let a = agreement(&r, &o);
                let ok = a.value >= 0.99;
                let pdfjs = rel.starts_with("pdfjs");
                // The corpus baseline (PROVENANCE.md: 217 of 341 files, 64 %) counts a file as
                // text-bearing when pdftotext gives it at least 20 characters.
                let baseline_tb = pdfjs && ref_len >= 20;
                for (on, c) in [
                    (true, &mut t.all),
                    (pdfjs, &mut t.pdfjs),
                    (pdfjs && !needs_ocr, &mut t.pdfjs_usable),
                    (baseline_tb, &mut t.pdfjs_20),
                    (baseline_tb && !needs_ocr, &mut t.pdfjs_20_usable),
                ] {
                    if on {
                        c.0 += ok as usize;
                        c.1 += 1;
                    }
                }
                if ref_cjk {
                    t.cjk += 1;
                    if a.value >= 0.99 {
                        t.cjk_99 += 1;
                    }
                }
                agree = Some(a);
            }
        }
        let agree_s = match &agree {
            Some(a) if a.exact => format!("{:.4}", a.value),
            Some(a) => format!("≤{:.3}", a.value),
            None => "-".into(),
        };
        println!(
            "{:<48} {:>5} {:>9.1} {:>9} {:>8} {:>7}  {}{}{}",
            truncate(&rel, 48),
            pages,
            ours.as_secs_f64() * 1e3,
            pt_ms.map_or("-".into(), |d: Duration| format!(
                "{:.1}",
                d.as_secs_f64() * 1e3
            )),
            chars,
            agree_s,
            status,
            if ref_cjk { " cjk" } else { "" },
            if needs_ocr { " needs_ocr" } else { "" }
        );
        if let Some(f) = jsonl_out.as_mut() {
            let line = serde_json::json!({
                "file": rel, "pages": pages, "ours_s": ours.as_secs_f64(),
                "pdftotext_s": pt_ms.map(|d| d.as_secs_f64()), "chars": chars,
                "ref_chars": ref_len, "ref_cjk": ref_cjk,
                "agreement": agree.as_ref().map(|a| a.value),
                "agreement_exact": agree.as_ref().map(|a| a.exact), "status": status,
                "needs_ocr": needs_ocr,
            });
            let _ = writeln!(f, "{line}");
        }
    }
    t.report(pdftotext);
}

#[derive(Default)]
struct Totals {
    files: usize,
    pages: usize,
    chars: usize,
    panics: usize,
    errors: usize,
    internal: usize,
    ours: Duration,
    slowest: Duration,
    over_2s: Vec<String>,
    pt: Duration,
    pt_ours: Duration,
    pt_pages: usize,
    /// (files at >= 0.99, text-bearing files): all files, the pdf.js files, and the pdf.js
    /// files with no page flagged `needs_ocr` (the fonts carry the text).
    all: (usize, usize),
    pdfjs: (usize, usize),
    pdfjs_usable: (usize, usize),
    /// The same two over pdf.js files with >= 20 reference characters (the baseline's set).
    pdfjs_20: (usize, usize),
    pdfjs_20_usable: (usize, usize),
    cjk: usize,
    cjk_99: usize,
}

impl Totals {
    fn report(&self, pdftotext: bool) {
        let pct = |a: usize, b: usize| {
            if b == 0 {
                0.0
            } else {
                100.0 * a as f64 / b as f64
            }
        };
        println!();
        println!(
            "files {}  pages {}  chars {}  panics {}  errors {}  internal page errors {}",
            self.files, self.pages, self.chars, self.panics, self.errors, self.internal
        );
        println!(
            "ours: {:.2} s total, {:.0} pages/s, slowest file {:.0} ms, files over 2 s: {} {:?}",
            self.ours.as_secs_f64(),
            self.pages as f64 / self.ours.as_secs_f64().max(1e-9),
            self.slowest.as_secs_f64() * 1e3,
            self.over_2s.len(),
            self.over_2s
        );
        println!(
            "peak RSS of this process: {} MiB",
            peak_rss_mib().unwrap_or(0)
        );
        if !pdftotext {
            return;
        }
        let ours_ps = self.pt_pages as f64 / self.pt_ours.as_secs_f64().max(1e-9);
        let pt_ps = self.pt_pages as f64 / self.pt.as_secs_f64().max(1e-9);
        println!(
            "same files ({} pages): ours {:.2} s = {:.0} pages/s; pdftotext -raw {:.2} s = {:.0} \
             pages/s (process start included); ratio {:.2}x",
            self.pt_pages,
            self.pt_ours.as_secs_f64(),
            ours_ps,
            self.pt.as_secs_f64(),
            pt_ps,
            ours_ps / pt_ps.max(1e-9)
        );
        for (what, (ok, n)) in [
            ("text-bearing files", self.all),
            ("text-bearing pdf.js files", self.pdfjs),
            ("pdf.js files, no page needs OCR", self.pdfjs_usable),
            ("pdf.js files, >= 20 chars (baseline's set)", self.pdfjs_20),
            (
                "pdf.js files, >= 20 chars, no page needs OCR",
                self.pdfjs_20_usable,
            ),
        ] {
            println!("agreement >= 0.99: {ok}/{n} {what} ({:.1}%)", pct(ok, n));
        }
        println!("agreement >= 0.99: CJK files {}/{}", self.cjk_99, self.cjk);
    }
}

fn peak_rss_mib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let tail: String = s
            .chars()
            .rev()
            .take(n - 1)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    }
}

fn collect(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if depth < 3 {
                collect(&p, depth + 1, out);
            }
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
            out.push(p);
        }
    }
}

fn pdftotext_available() -> bool {
    Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Runs `pdftotext -raw -enc UTF-8 FILE -`; None when it fails or times out.
fn run_pdftotext(path: &Path) -> Option<(String, Duration)> {
    let start = Instant::now();
    let mut child = Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8", "-q"])
        .arg(path)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let el = start.elapsed();
                let buf = reader.join().ok()?;
                return status
                    .success()
                    .then(|| (String::from_utf8_lossy(&buf).into_owned(), el));
            }
            Ok(None) if start.elapsed() > PDFTOTEXT_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_micros(200)),
            Err(_) => return None,
        }
    }
}

/// CJK ideographs, kana and hangul (what makes a file a "CJK file").
fn is_cjk_text(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF
        | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}
