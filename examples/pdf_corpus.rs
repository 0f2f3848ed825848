//! Corpus runner for the PDF reader: `cargo run --release --example pdf_corpus -- [DIR]`
//! (default `../shared/pdfcorpus`).
//!
//! For every PDF under DIR (searched three levels deep, sorted) it reads the file with
//! [`fincase::ingest::read_pdf`] and, when poppler's `pdftotext` is on the PATH, with
//! `pdftotext -raw` too, in the same run and one file at a time, and prints per file and in
//! total: pages, time, characters, agreement with `pdftotext -raw`, panics and errors.
//!
//! Agreement = 1 − edit distance / reference length, both texts with whitespace and Unicode
//! bidi controls (which `pdftotext` puts around right-to-left runs) removed, and NFKC-folded. NFKC here is a table of the compatibility mappings of the ranges that matter
//! for extracted text (Latin-1 and Latin Extended, spacing modifiers, general punctuation to
//! enclosed alphanumerics, CJK radicals and Kangxi radicals, CJK symbols and enclosed CJK
//! letters and months, CJK compatibility ideographs and their supplement, alphabetic
//! presentation forms (ligatures), vertical and small forms, half- and full-width forms),
//! generated once from Python's `unicodedata` (Unicode 14) and kept below, so no new crate is
//! needed. Canonical composition (a letter followed by a combining accent) is not folded.
//!
//! Options: `--jsonl FILE` writes one JSON object per file; `--dump DIR` writes each file's
//! text; `--no-pdftotext` skips the comparison; `--warnings` prints each file's
//! first page warnings. Without `pdftotext` the comparison and the
//! speed ratio are skipped, the rest still runs. This is a measuring tool, not a test: it
//! never fails on a bad file, it counts it.

use std::collections::HashMap;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fincase::ingest::read_pdf;

/// Longest a single `pdftotext` run may take before it is killed.
const PDFTOTEXT_TIMEOUT: Duration = Duration::from_secs(60);
/// Most cells one banded edit-distance computation may visit before it settles for a bound.
const MAX_DP_CELLS: u64 = 400_000_000;

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
                t.text_bearing += 1;
                if a.value >= 0.99 {
                    t.agree_99 += 1;
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
            "{:<48} {:>5} {:>9.1} {:>9} {:>8} {:>7}  {}{}",
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
            if ref_cjk { " cjk" } else { "" }
        );
        if let Some(f) = jsonl_out.as_mut() {
            let line = serde_json::json!({
                "file": rel, "pages": pages, "ours_s": ours.as_secs_f64(),
                "pdftotext_s": pt_ms.map(|d| d.as_secs_f64()), "chars": chars,
                "ref_chars": ref_len, "ref_cjk": ref_cjk,
                "agreement": agree.as_ref().map(|a| a.value),
                "agreement_exact": agree.as_ref().map(|a| a.exact), "status": status,
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
    text_bearing: usize,
    agree_99: usize,
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
        println!(
            "agreement >= 0.99: {}/{} text-bearing files ({:.1}%); CJK files {}/{}",
            self.agree_99,
            self.text_bearing,
            pct(self.agree_99, self.text_bearing),
            self.cjk_99,
            self.cjk
        );
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

/// NFKC folding by table (see the module doc) plus whitespace removal.
struct Folder {
    map: HashMap<char, &'static str>,
}

impl Folder {
    fn new() -> Folder {
        let mut map = HashMap::new();
        for entry in NFKC_TABLE.split('|') {
            let mut it = entry.chars();
            if let Some(k) = it.next() {
                map.insert(k, it.as_str());
            }
        }
        Folder { map }
    }

    fn squash(&self, s: &str) -> Vec<char> {
        let mut out = Vec::with_capacity(s.len());
        for c in s.chars() {
            let code = c as u32;
            if (0xFF01..=0xFF5E).contains(&code) {
                // Full-width ASCII.
                out.push(char::from_u32(code - 0xFEE0).unwrap_or(c));
            } else if let Some(f) = self.map.get(&c) {
                out.extend(f.chars().filter(|c| !c.is_whitespace()));
            } else if !c.is_whitespace() && !is_bidi_control(c) {
                out.push(c);
            }
        }
        out
    }
}

/// Unicode bidi controls (LRM, RLM, ALM, the embeddings/overrides and the isolates): layout
/// markup, not text. `pdftotext` wraps every right-to-left run in RLE … PDF; both texts lose
/// them, as they lose whitespace.
fn is_bidi_control(c: char) -> bool {
    matches!(c as u32, 0x061C | 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069)
}

struct Agreement {
    value: f64,
    /// False when the edit distance was only bounded from below (value is an upper bound).
    exact: bool,
}

/// 1 − edit distance / reference length, floored at 0.
fn agreement(reference: &[char], ours: &[char]) -> Agreement {
    let (d, exact) = edit_distance(reference, ours);
    let value = (1.0 - d as f64 / reference.len().max(1) as f64).max(0.0);
    Agreement { value, exact }
}

/// Levenshtein distance by banded dynamic programming with a doubling band; returns
/// (distance, exact) where a non-exact distance is a lower bound.
fn edit_distance(a: &[char], b: &[char]) -> (usize, bool) {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[pre..], &b[pre..]);
    let suf = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suf], &b[..b.len() - suf]);
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return (n.max(m), true);
    }
    let full = n.max(m);
    let mut k = (n.abs_diff(m)).max(64).min(full);
    loop {
        if let Some(d) = banded(a, b, k) {
            return (d, true);
        }
        if k >= full {
            return (full, true);
        }
        let next = (k * 4).min(full);
        if (n.min(m) as u64) * (2 * next as u64 + 1) > MAX_DP_CELLS {
            return (k + 1, false);
        }
        k = next;
    }
}

/// Levenshtein distance when it is at most `k`, else None.
fn banded(a: &[char], b: &[char], k: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    const INF: usize = usize::MAX / 2;
    let mut prev = vec![INF; m + 1];
    let mut cur = vec![INF; m + 1];
    for (j, v) in prev.iter_mut().enumerate().take(k.min(m) + 1) {
        *v = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur[lo - 1] = if lo == 1 && i <= k { i } else { INF };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let del = prev[j] + 1;
            let ins = cur[j - 1] + 1;
            let v = sub.min(del).min(ins);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = INF;
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

/// NFKC compatibility mappings: `|`-separated entries, each the source character followed by
/// its folded form (generated from Python `unicodedata.normalize("NFKC", c)`, Unicode 14).
const NFKC_TABLE: &str = concat!(
    "\u{a0}\u{20}|¨\u{20}\u{308}|ªa|¯\u{20}\u{304}|²2|³3|´\u{20}\u{301}|µμ|¸\u{20}\u{327}|¹1|",
    "ºo|¼1⁄4|½1⁄2|¾3⁄4|ĲIJ|ĳij|ĿL·|ŀl·|ŉʼn|ſs|ǄDŽ|ǅDž|ǆdž|ǇLJ|ǈLj|ǉlj|ǊNJ|ǋNj|ǌnj|ǱDZ|ǲDz|ǳdz|",
    "ʰh|ʱɦ|ʲj|ʳr|ʴɹ|ʵɻ|ʶʁ|ʷw|ʸy|˘\u{20}\u{306}|˙\u{20}\u{307}|˚\u{20}\u{30a}|˛\u{20}\u{328}|",
    "˜\u{20}\u{303}|˝\u{20}\u{30b}|ˠɣ|ˡl|ˢs|ˣx|ˤʕ|\u{2000}\u{20}|\u{2001}\u{20}|\u{2002}\u{20}|",
    "\u{2003}\u{20}|\u{2004}\u{20}|\u{2005}\u{20}|\u{2006}\u{20}|\u{2007}\u{20}|\u{2008}\u{20}|",
    "\u{2009}\u{20}|\u{200a}\u{20}|‑‐|‗\u{20}\u{333}|․.|‥..|…...|\u{202f}\u{20}|″′′|‴′′′|‶‵‵|",
    "‷‵‵‵|‼!!|‾\u{20}\u{305}|⁇??|⁈?!|⁉!?|⁗′′′′|\u{205f}\u{20}|⁰0|ⁱi|⁴4|⁵5|⁶6|⁷7|⁸8|⁹9|⁺+|⁻−|⁼=|",
    "⁽(|⁾)|ⁿn|₀0|₁1|₂2|₃3|₄4|₅5|₆6|₇7|₈8|₉9|₊+|₋−|₌=|₍(|₎)|ₐa|ₑe|ₒo|ₓx|ₔə|ₕh|ₖk|ₗl|ₘm|ₙn|ₚp|ₛs|",
    "ₜt|₨Rs|℀a/c|℁a/s|ℂC|℃°C|℅c/o|℆c/u|ℇƐ|℉°F|ℊg|ℋH|ℌH|ℍH|ℎh|ℏħ|ℐI|ℑI|ℒL|ℓl|ℕN|№No|ℙP|ℚQ|ℛR|ℜR|",
    "ℝR|℠SM|℡TEL|™TM|ℤZ|ΩΩ|ℨZ|KK|ÅÅ|ℬB|ℭC|ℯe|ℰE|ℱF|ℳM|ℴo|ℵא|ℶב|ℷג|ℸד|ℹi|℻FAX|ℼπ|ℽγ|ℾΓ|ℿΠ|⅀∑|ⅅD|",
    "ⅆd|ⅇe|ⅈi|ⅉj|⅐1⁄7|⅑1⁄9|⅒1⁄10|⅓1⁄3|⅔2⁄3|⅕1⁄5|⅖2⁄5|⅗3⁄5|⅘4⁄5|⅙1⁄6|⅚5⁄6|⅛1⁄8|⅜3⁄8|⅝5⁄8|⅞7⁄8|",
    "⅟1⁄|ⅠI|ⅡII|ⅢIII|ⅣIV|ⅤV|ⅥVI|ⅦVII|ⅧVIII|ⅨIX|ⅩX|ⅪXI|ⅫXII|ⅬL|ⅭC|ⅮD|ⅯM|ⅰi|ⅱii|ⅲiii|ⅳiv|ⅴv|ⅵvi|",
    "ⅶvii|ⅷviii|ⅸix|ⅹx|ⅺxi|ⅻxii|ⅼl|ⅽc|ⅾd|ⅿm|↉0⁄3|∬∫∫|∭∫∫∫|∯∮∮|∰∮∮∮|〈〈|〉〉|①1|②2|③3|④4|⑤5|⑥6|⑦7|",
    "⑧8|⑨9|⑩10|⑪11|⑫12|⑬13|⑭14|⑮15|⑯16|⑰17|⑱18|⑲19|⑳20|⑴(1)|⑵(2)|⑶(3)|⑷(4)|⑸(5)|⑹(6)|⑺(7)|⑻(8)|",
    "⑼(9)|⑽(10)|⑾(11)|⑿(12)|⒀(13)|⒁(14)|⒂(15)|⒃(16)|⒄(17)|⒅(18)|⒆(19)|⒇(20)|⒈1.|⒉2.|⒊3.|⒋4.|",
    "⒌5.|⒍6.|⒎7.|⒏8.|⒐9.|⒑10.|⒒11.|⒓12.|⒔13.|⒕14.|⒖15.|⒗16.|⒘17.|⒙18.|⒚19.|⒛20.|⒜(a)|⒝(b)|⒞(c)|",
    "⒟(d)|⒠(e)|⒡(f)|⒢(g)|⒣(h)|⒤(i)|⒥(j)|⒦(k)|⒧(l)|⒨(m)|⒩(n)|⒪(o)|⒫(p)|⒬(q)|⒭(r)|⒮(s)|⒯(t)|⒰(u)|",
    "⒱(v)|⒲(w)|⒳(x)|⒴(y)|⒵(z)|ⒶA|ⒷB|ⒸC|ⒹD|ⒺE|ⒻF|ⒼG|ⒽH|ⒾI|ⒿJ|ⓀK|ⓁL|ⓂM|ⓃN|ⓄO|ⓅP|ⓆQ|ⓇR|ⓈS|ⓉT|ⓊU|",
    "ⓋV|ⓌW|ⓍX|ⓎY|ⓏZ|ⓐa|ⓑb|ⓒc|ⓓd|ⓔe|ⓕf|ⓖg|ⓗh|ⓘi|ⓙj|ⓚk|ⓛl|ⓜm|ⓝn|ⓞo|ⓟp|ⓠq|ⓡr|ⓢs|ⓣt|ⓤu|ⓥv|ⓦw|ⓧx|ⓨy|",
    "ⓩz|⓪0|⺟母|⻳龟|⼀一|⼁丨|⼂丶|⼃丿|⼄乙|⼅亅|⼆二|⼇亠|⼈人|⼉儿|⼊入|⼋八|⼌冂|⼍冖|⼎冫|⼏几|⼐凵|⼑刀|⼒力|⼓勹|⼔匕|⼕匚|⼖匸|⼗十|⼘卜|⼙卩|",
    "⼚厂|⼛厶|⼜又|⼝口|⼞囗|⼟土|⼠士|⼡夂|⼢夊|⼣夕|⼤大|⼥女|⼦子|⼧宀|⼨寸|⼩小|⼪尢|⼫尸|⼬屮|⼭山|⼮巛|⼯工|⼰己|⼱巾|⼲干|⼳幺|⼴广|⼵廴|⼶廾|⼷弋|",
    "⼸弓|⼹彐|⼺彡|⼻彳|⼼心|⼽戈|⼾戶|⼿手|⽀支|⽁攴|⽂文|⽃斗|⽄斤|⽅方|⽆无|⽇日|⽈曰|⽉月|⽊木|⽋欠|⽌止|⽍歹|⽎殳|⽏毋|⽐比|⽑毛|⽒氏|⽓气|⽔水|⽕火|",
    "⽖爪|⽗父|⽘爻|⽙爿|⽚片|⽛牙|⽜牛|⽝犬|⽞玄|⽟玉|⽠瓜|⽡瓦|⽢甘|⽣生|⽤用|⽥田|⽦疋|⽧疒|⽨癶|⽩白|⽪皮|⽫皿|⽬目|⽭矛|⽮矢|⽯石|⽰示|⽱禸|⽲禾|⽳穴|",
    "⽴立|⽵竹|⽶米|⽷糸|⽸缶|⽹网|⽺羊|⽻羽|⽼老|⽽而|⽾耒|⽿耳|⾀聿|⾁肉|⾂臣|⾃自|⾄至|⾅臼|⾆舌|⾇舛|⾈舟|⾉艮|⾊色|⾋艸|⾌虍|⾍虫|⾎血|⾏行|⾐衣|⾑襾|",
    "⾒見|⾓角|⾔言|⾕谷|⾖豆|⾗豕|⾘豸|⾙貝|⾚赤|⾛走|⾜足|⾝身|⾞車|⾟辛|⾠辰|⾡辵|⾢邑|⾣酉|⾤釆|⾥里|⾦金|⾧長|⾨門|⾩阜|⾪隶|⾫隹|⾬雨|⾭靑|⾮非|⾯面|",
    "⾰革|⾱韋|⾲韭|⾳音|⾴頁|⾵風|⾶飛|⾷食|⾸首|⾹香|⾺馬|⾻骨|⾼高|⾽髟|⾾鬥|⾿鬯|⿀鬲|⿁鬼|⿂魚|⿃鳥|⿄鹵|⿅鹿|⿆麥|⿇麻|⿈黃|⿉黍|⿊黑|⿋黹|⿌黽|⿍鼎|",
    "⿎鼓|⿏鼠|⿐鼻|⿑齊|⿒齒|⿓龍|⿔龜|⿕龠|\u{3000}\u{20}|〶〒|〸十|〹卄|〺卅|゛\u{20}\u{3099}|゜\u{20}\u{309a}|ゟより|",
    "ヿコト|ㄱᄀ|ㄲᄁ|ㄳᆪ|ㄴᄂ|ㄵᆬ|ㄶᆭ|ㄷᄃ|ㄸᄄ|ㄹᄅ|ㄺᆰ|ㄻᆱ|ㄼᆲ|ㄽᆳ|ㄾᆴ|ㄿᆵ|ㅀᄚ|ㅁᄆ|ㅂᄇ|ㅃᄈ|ㅄᄡ|ㅅᄉ|ㅆᄊ|ㅇᄋ|ㅈᄌ|ㅉᄍ|ㅊᄎ|ㅋᄏ|ㅌᄐ|",
    "ㅍᄑ|ㅎᄒ|ㅏᅡ|ㅐᅢ|ㅑᅣ|ㅒᅤ|ㅓᅥ|ㅔᅦ|ㅕᅧ|ㅖᅨ|ㅗᅩ|ㅘᅪ|ㅙᅫ|ㅚᅬ|ㅛᅭ|ㅜᅮ|ㅝᅯ|ㅞᅰ|ㅟᅱ|ㅠᅲ|ㅡᅳ|ㅢᅴ|ㅣᅵ|ㅤᅠ|ㅥᄔ|ㅦᄕ|ㅧᇇ|ㅨᇈ|ㅩᇌ|ㅪᇎ|",
    "ㅫᇓ|ㅬᇗ|ㅭᇙ|ㅮᄜ|ㅯᇝ|ㅰᇟ|ㅱᄝ|ㅲᄞ|ㅳᄠ|ㅴᄢ|ㅵᄣ|ㅶᄧ|ㅷᄩ|ㅸᄫ|ㅹᄬ|ㅺᄭ|ㅻᄮ|ㅼᄯ|ㅽᄲ|ㅾᄶ|ㅿᅀ|ㆀᅇ|ㆁᅌ|ㆂᇱ|ㆃᇲ|ㆄᅗ|ㆅᅘ|ㆆᅙ|ㆇᆄ|ㆈᆅ|",
    "ㆉᆈ|ㆊᆑ|ㆋᆒ|ㆌᆔ|ㆍᆞ|ㆎᆡ|㆒一|㆓二|㆔三|㆕四|㆖上|㆗中|㆘下|㆙甲|㆚乙|㆛丙|㆜丁|㆝天|㆞地|㆟人|㈀(ᄀ)|㈁(ᄂ)|㈂(ᄃ)|㈃(ᄅ)|㈄(ᄆ)|㈅(ᄇ)|",
    "㈆(ᄉ)|㈇(ᄋ)|㈈(ᄌ)|㈉(ᄎ)|㈊(ᄏ)|㈋(ᄐ)|㈌(ᄑ)|㈍(ᄒ)|㈎(가)|㈏(나)|㈐(다)|㈑(라)|㈒(마)|㈓(바)|㈔(사)|㈕(아)|㈖(자)|㈗(차)|",
    "㈘(카)|㈙(타)|㈚(파)|㈛(하)|㈜(주)|㈝(오전)|㈞(오후)|㈠(一)|㈡(二)|㈢(三)|㈣(四)|㈤(五)|㈥(六)|㈦(七)|㈧(八)|㈨(九)|㈩(十)|",
    "㈪(月)|㈫(火)|㈬(水)|㈭(木)|㈮(金)|㈯(土)|㈰(日)|㈱(株)|㈲(有)|㈳(社)|㈴(名)|㈵(特)|㈶(財)|㈷(祝)|㈸(労)|㈹(代)|㈺(呼)|㈻(学)|",
    "㈼(監)|㈽(企)|㈾(資)|㈿(協)|㉀(祭)|㉁(休)|㉂(自)|㉃(至)|㉄問|㉅幼|㉆文|㉇箏|㉐PTE|㉑21|㉒22|㉓23|㉔24|㉕25|㉖26|㉗27|㉘28|",
    "㉙29|㉚30|㉛31|㉜32|㉝33|㉞34|㉟35|㉠ᄀ|㉡ᄂ|㉢ᄃ|㉣ᄅ|㉤ᄆ|㉥ᄇ|㉦ᄉ|㉧ᄋ|㉨ᄌ|㉩ᄎ|㉪ᄏ|㉫ᄐ|㉬ᄑ|㉭ᄒ|㉮가|㉯나|㉰다|㉱라|㉲마|㉳바|",
    "㉴사|㉵아|㉶자|㉷차|㉸카|㉹타|㉺파|㉻하|㉼참고|㉽주의|㉾우|㊀一|㊁二|㊂三|㊃四|㊄五|㊅六|㊆七|㊇八|㊈九|㊉十|㊊月|㊋火|㊌水|㊍木|㊎金|㊏土|㊐日|㊑株|",
    "㊒有|㊓社|㊔名|㊕特|㊖財|㊗祝|㊘労|㊙秘|㊚男|㊛女|㊜適|㊝優|㊞印|㊟注|㊠項|㊡休|㊢写|㊣正|㊤上|㊥中|㊦下|㊧左|㊨右|㊩医|㊪宗|㊫学|㊬監|㊭企|㊮資|㊯協|",
    "㊰夜|㊱36|㊲37|㊳38|㊴39|㊵40|㊶41|㊷42|㊸43|㊹44|㊺45|㊻46|㊼47|㊽48|㊾49|㊿50|㋀1月|㋁2月|㋂3月|㋃4月|㋄5月|㋅6月|",
    "㋆7月|㋇8月|㋈9月|㋉10月|㋊11月|㋋12月|㋌Hg|㋍erg|㋎eV|㋏LTD|㋐ア|㋑イ|㋒ウ|㋓エ|㋔オ|㋕カ|㋖キ|㋗ク|㋘ケ|㋙コ|㋚サ|㋛シ|㋜ス|㋝セ|㋞ソ|",
    "㋟タ|㋠チ|㋡ツ|㋢テ|㋣ト|㋤ナ|㋥ニ|㋦ヌ|㋧ネ|㋨ノ|㋩ハ|㋪ヒ|㋫フ|㋬ヘ|㋭ホ|㋮マ|㋯ミ|㋰ム|㋱メ|㋲モ|㋳ヤ|㋴ユ|㋵ヨ|㋶ラ|㋷リ|㋸ル|㋹レ|㋺ロ|㋻ワ|㋼ヰ|",
    "㋽ヱ|㋾ヲ|㋿令和|㌀アパート|㌁アルファ|㌂アンペア|㌃アール|㌄イニング|㌅インチ|㌆ウォン|㌇エスクード|㌈エーカー|㌉オンス|㌊オーム|㌋カイリ|㌌カラット|㌍カロリー|",
    "㌎ガロン|㌏ガンマ|㌐ギガ|㌑ギニー|㌒キュリー|㌓ギルダー|㌔キロ|㌕キログラム|㌖キロメートル|㌗キロワット|㌘グラム|㌙グラムトン|㌚クルゼイロ|㌛クローネ|㌜ケース|",
    "㌝コルナ|㌞コーポ|㌟サイクル|㌠サンチーム|㌡シリング|㌢センチ|㌣セント|㌤ダース|㌥デシ|㌦ドル|㌧トン|㌨ナノ|㌩ノット|㌪ハイツ|㌫パーセント|㌬パーツ|㌭バーレル|",
    "㌮ピアストル|㌯ピクル|㌰ピコ|㌱ビル|㌲ファラッド|㌳フィート|㌴ブッシェル|㌵フラン|㌶ヘクタール|㌷ペソ|㌸ペニヒ|㌹ヘルツ|㌺ペンス|㌻ページ|㌼ベータ|㌽ポイント|",
    "㌾ボルト|㌿ホン|㍀ポンド|㍁ホール|㍂ホーン|㍃マイクロ|㍄マイル|㍅マッハ|㍆マルク|㍇マンション|㍈ミクロン|㍉ミリ|㍊ミリバール|㍋メガ|㍌メガトン|㍍メートル|㍎ヤード|",
    "㍏ヤール|㍐ユアン|㍑リットル|㍒リラ|㍓ルピー|㍔ルーブル|㍕レム|㍖レントゲン|㍗ワット|㍘0点|㍙1点|㍚2点|㍛3点|㍜4点|㍝5点|㍞6点|㍟7点|㍠8点|㍡9点|",
    "㍢10点|㍣11点|㍤12点|㍥13点|㍦14点|㍧15点|㍨16点|㍩17点|㍪18点|㍫19点|㍬20点|㍭21点|㍮22点|㍯23点|㍰24点|㍱hPa|㍲da|㍳AU|",
    "㍴bar|㍵oV|㍶pc|㍷dm|㍸dm2|㍹dm3|㍺IU|㍻平成|㍼昭和|㍽大正|㍾明治|㍿株式会社|㎀pA|㎁nA|㎂μA|㎃mA|㎄kA|㎅KB|㎆MB|㎇GB|㎈cal|",
    "㎉kcal|㎊pF|㎋nF|㎌μF|㎍μg|㎎mg|㎏kg|㎐Hz|㎑kHz|㎒MHz|㎓GHz|㎔THz|㎕μl|㎖ml|㎗dl|㎘kl|㎙fm|㎚nm|㎛μm|㎜mm|㎝cm|",
    "㎞km|㎟mm2|㎠cm2|㎡m2|㎢km2|㎣mm3|㎤cm3|㎥m3|㎦km3|㎧m∕s|㎨m∕s2|㎩Pa|㎪kPa|㎫MPa|㎬GPa|㎭rad|㎮rad∕s|",
    "㎯rad∕s2|㎰ps|㎱ns|㎲μs|㎳ms|㎴pV|㎵nV|㎶μV|㎷mV|㎸kV|㎹MV|㎺pW|㎻nW|㎼μW|㎽mW|㎾kW|㎿MW|㏀kΩ|㏁MΩ|㏂a.m.|㏃Bq|",
    "㏄cc|㏅cd|㏆C∕kg|㏇Co.|㏈dB|㏉Gy|㏊ha|㏋HP|㏌in|㏍KK|㏎KM|㏏kt|㏐lm|㏑ln|㏒log|㏓lx|㏔mb|㏕mil|㏖mol|㏗PH|",
    "㏘p.m.|㏙PPM|㏚PR|㏛sr|㏜Sv|㏝Wb|㏞V∕m|㏟A∕m|㏠1日|㏡2日|㏢3日|㏣4日|㏤5日|㏥6日|㏦7日|㏧8日|㏨9日|㏩10日|㏪11日|㏫12日|",
    "㏬13日|㏭14日|㏮15日|㏯16日|㏰17日|㏱18日|㏲19日|㏳20日|㏴21日|㏵22日|㏶23日|㏷24日|㏸25日|㏹26日|㏺27日|㏻28日|㏼29日|㏽30日|",
    "㏾31日|㏿gal|豈豈|更更|車車|賈賈|滑滑|串串|句句|龜龜|龜龜|契契|金金|喇喇|奈奈|懶懶|癩癩|羅羅|蘿蘿|螺螺|裸裸|邏邏|樂樂|洛洛|烙烙|珞珞|落落|酪酪|",
    "駱駱|亂亂|卵卵|欄欄|爛爛|蘭蘭|鸞鸞|嵐嵐|濫濫|藍藍|襤襤|拉拉|臘臘|蠟蠟|廊廊|朗朗|浪浪|狼狼|郎郎|來來|冷冷|勞勞|擄擄|櫓櫓|爐爐|盧盧|老老|蘆蘆|虜虜|路路|",
    "露露|魯魯|鷺鷺|碌碌|祿祿|綠綠|菉菉|錄錄|鹿鹿|論論|壟壟|弄弄|籠籠|聾聾|牢牢|磊磊|賂賂|雷雷|壘壘|屢屢|樓樓|淚淚|漏漏|累累|縷縷|陋陋|勒勒|肋肋|凜凜|凌凌|",
    "稜稜|綾綾|菱菱|陵陵|讀讀|拏拏|樂樂|諾諾|丹丹|寧寧|怒怒|率率|異異|北北|磻磻|便便|復復|不不|泌泌|數數|索索|參參|塞塞|省省|葉葉|說說|殺殺|辰辰|沈沈|拾拾|",
    "若若|掠掠|略略|亮亮|兩兩|凉凉|梁梁|糧糧|良良|諒諒|量量|勵勵|呂呂|女女|廬廬|旅旅|濾濾|礪礪|閭閭|驪驪|麗麗|黎黎|力力|曆曆|歷歷|轢轢|年年|憐憐|戀戀|撚撚|",
    "漣漣|煉煉|璉璉|秊秊|練練|聯聯|輦輦|蓮蓮|連連|鍊鍊|列列|劣劣|咽咽|烈烈|裂裂|說說|廉廉|念念|捻捻|殮殮|簾簾|獵獵|令令|囹囹|寧寧|嶺嶺|怜怜|玲玲|瑩瑩|羚羚|",
    "聆聆|鈴鈴|零零|靈靈|領領|例例|禮禮|醴醴|隸隸|惡惡|了了|僚僚|寮寮|尿尿|料料|樂樂|燎燎|療療|蓼蓼|遼遼|龍龍|暈暈|阮阮|劉劉|杻杻|柳柳|流流|溜溜|琉琉|留留|",
    "硫硫|紐紐|類類|六六|戮戮|陸陸|倫倫|崙崙|淪淪|輪輪|律律|慄慄|栗栗|率率|隆隆|利利|吏吏|履履|易易|李李|梨梨|泥泥|理理|痢痢|罹罹|裏裏|裡裡|里里|離離|匿匿|",
    "溺溺|吝吝|燐燐|璘璘|藺藺|隣隣|鱗鱗|麟麟|林林|淋淋|臨臨|立立|笠笠|粒粒|狀狀|炙炙|識識|什什|茶茶|刺刺|切切|度度|拓拓|糖糖|宅宅|洞洞|暴暴|輻輻|行行|降降|",
    "見見|廓廓|兀兀|嗀嗀|塚塚|晴晴|凞凞|猪猪|益益|礼礼|神神|祥祥|福福|靖靖|精精|羽羽|蘒蘒|諸諸|逸逸|都都|飯飯|飼飼|館館|鶴鶴|郞郞|隷隷|侮侮|僧僧|免免|勉勉|",
    "勤勤|卑卑|喝喝|嘆嘆|器器|塀塀|墨墨|層層|屮屮|悔悔|慨慨|憎憎|懲懲|敏敏|既既|暑暑|梅梅|海海|渚渚|漢漢|煮煮|爫爫|琢琢|碑碑|社社|祉祉|祈祈|祐祐|祖祖|祝祝|",
    "禍禍|禎禎|穀穀|突突|節節|練練|縉縉|繁繁|署署|者者|臭臭|艹艹|艹艹|著著|褐褐|視視|謁謁|謹謹|賓賓|贈贈|辶辶|逸逸|難難|響響|頻頻|恵恵|𤋮𤋮|舘舘|並並|况况|",
    "全全|侀侀|充充|冀冀|勇勇|勺勺|喝喝|啕啕|喙喙|嗢嗢|塚塚|墳墳|奄奄|奔奔|婢婢|嬨嬨|廒廒|廙廙|彩彩|徭徭|惘惘|慎慎|愈愈|憎憎|慠慠|懲懲|戴戴|揄揄|搜搜|摒摒|",
    "敖敖|晴晴|朗朗|望望|杖杖|歹歹|殺殺|流流|滛滛|滋滋|漢漢|瀞瀞|煮煮|瞧瞧|爵爵|犯犯|猪猪|瑱瑱|甆甆|画画|瘝瘝|瘟瘟|益益|盛盛|直直|睊睊|着着|磌磌|窱窱|節節|",
    "类类|絛絛|練練|缾缾|者者|荒荒|華華|蝹蝹|襁襁|覆覆|視視|調調|諸諸|請請|謁謁|諾諾|諭諭|謹謹|變變|贈贈|輸輸|遲遲|醙醙|鉶鉶|陼陼|難難|靖靖|韛韛|響響|頋頋|",
    "頻頻|鬒鬒|龜龜|𢡊𢡊|𢡄𢡄|𣏕𣏕|㮝㮝|䀘䀘|䀹䀹|𥉉𥉉|𥳐𥳐|𧻓𧻓|齃齃|龎龎|ﬀff|ﬁfi|ﬂfl|ﬃffi|ﬄffl|ﬅst|ﬆst|ﬓմն|ﬔմե|ﬕմի|ﬖվն|",
    "ﬗմխ|יִי\u{5b4}|ײַײ\u{5b7}|ﬠע|ﬡא|ﬢד|ﬣה|ﬤכ|ﬥל|ﬦם|ﬧר|ﬨת|﬩+|שׁש\u{5c1}|שׂש\u{5c2}|",
    "שּׁש\u{5bc}\u{5c1}|שּׂש\u{5bc}\u{5c2}|אַא\u{5b7}|אָא\u{5b8}|אּא\u{5bc}|בּב\u{5bc}|גּג\u{5bc}|",
    "דּד\u{5bc}|הּה\u{5bc}|וּו\u{5bc}|זּז\u{5bc}|טּט\u{5bc}|יּי\u{5bc}|ךּך\u{5bc}|כּכ\u{5bc}|לּל\u{5bc}|",
    "מּמ\u{5bc}|נּנ\u{5bc}|סּס\u{5bc}|ףּף\u{5bc}|פּפ\u{5bc}|צּצ\u{5bc}|קּק\u{5bc}|רּר\u{5bc}|שּש\u{5bc}|",
    "תּת\u{5bc}|וֹו\u{5b9}|בֿב\u{5bf}|כֿכ\u{5bf}|פֿפ\u{5bf}|ﭏאל|︐,|︑、|︒。|︓:|︔;|︕!|︖?|︗〖|︘〗|︙...|︰..|",
    "︱—|︲–|︳_|︴_|︵(|︶)|︷{|︸}|︹〔|︺〕|︻【|︼】|︽《|︾》|︿〈|﹀〉|﹁「|﹂」|﹃『|﹄』|﹇[|﹈]|﹉\u{20}\u{305}|",
    "﹊\u{20}\u{305}|﹋\u{20}\u{305}|﹌\u{20}\u{305}|﹍_|﹎_|﹏_|﹐,|﹑、|﹒.|﹔;|﹕:|﹖?|﹗!|﹘—|﹙(|﹚)|﹛{|﹜}|",
    "﹝〔|﹞〕|﹟#|﹠&|﹡*|﹢+|﹣-|﹤<|﹥>|﹦=|﹨\u{5c}|﹩$|﹪%|﹫@|｟⦅|｠⦆|｡。|｢「|｣」|､、|･・|ｦヲ|ｧァ|ｨィ|ｩゥ|ｪェ|ｫォ|ｬャ|",
    "ｭュ|ｮョ|ｯッ|ｰー|ｱア|ｲイ|ｳウ|ｴエ|ｵオ|ｶカ|ｷキ|ｸク|ｹケ|ｺコ|ｻサ|ｼシ|ｽス|ｾセ|ｿソ|ﾀタ|ﾁチ|ﾂツ|ﾃテ|ﾄト|ﾅナ|ﾆニ|ﾇヌ|ﾈネ|ﾉノ|ﾊハ|",
    "ﾋヒ|ﾌフ|ﾍヘ|ﾎホ|ﾏマ|ﾐミ|ﾑム|ﾒメ|ﾓモ|ﾔヤ|ﾕユ|ﾖヨ|ﾗラ|ﾘリ|ﾙル|ﾚレ|ﾛロ|ﾜワ|ﾝン|ﾞ\u{3099}|ﾟ\u{309a}|ﾠᅠ|ﾡᄀ|ﾢᄁ|ﾣᆪ|",
    "ﾤᄂ|ﾥᆬ|ﾦᆭ|ﾧᄃ|ﾨᄄ|ﾩᄅ|ﾪᆰ|ﾫᆱ|ﾬᆲ|ﾭᆳ|ﾮᆴ|ﾯᆵ|ﾰᄚ|ﾱᄆ|ﾲᄇ|ﾳᄈ|ﾴᄡ|ﾵᄉ|ﾶᄊ|ﾷᄋ|ﾸᄌ|ﾹᄍ|ﾺᄎ|ﾻᄏ|ﾼᄐ|ﾽᄑ|ﾾᄒ|ￂᅡ|ￃᅢ|ￄᅣ|",
    "ￅᅤ|ￆᅥ|ￇᅦ|ￊᅧ|ￋᅨ|ￌᅩ|ￍᅪ|ￎᅫ|ￏᅬ|ￒᅭ|ￓᅮ|ￔᅯ|ￕᅰ|ￖᅱ|ￗᅲ|ￚᅳ|ￛᅴ|ￜᅵ|￠¢|￡£|￢¬|￣\u{20}\u{304}|￤¦|￥¥|￦₩|￨│|",
    "￩←|￪↑|￫→|￬↓|￭■|￮○|丽丽|丸丸|乁乁|𠄢𠄢|你你|侮侮|侻侻|倂倂|偺偺|備備|僧僧|像像|㒞㒞|𠘺𠘺|免免|兔兔|兤兤|具具|𠔜𠔜|㒹㒹|內內|再再|𠕋𠕋|冗冗|",
    "冤冤|仌仌|冬冬|况况|𩇟𩇟|凵凵|刃刃|㓟㓟|刻刻|剆剆|割割|剷剷|㔕㔕|勇勇|勉勉|勤勤|勺勺|包包|匆匆|北北|卉卉|卑卑|博博|即即|卽卽|卿卿|卿卿|卿卿|𠨬𠨬|灰灰|",
    "及及|叟叟|𠭣𠭣|叫叫|叱叱|吆吆|咞咞|吸吸|呈呈|周周|咢咢|哶哶|唐唐|啓啓|啣啣|善善|善善|喙喙|喫喫|喳喳|嗂嗂|圖圖|嘆嘆|圗圗|噑噑|噴噴|切切|壮壮|城城|埴埴|",
    "堍堍|型型|堲堲|報報|墬墬|𡓤𡓤|売売|壷壷|夆夆|多多|夢夢|奢奢|𡚨𡚨|𡛪𡛪|姬姬|娛娛|娧娧|姘姘|婦婦|㛮㛮|㛼㛼|嬈嬈|嬾嬾|嬾嬾|𡧈𡧈|寃寃|寘寘|寧寧|寳寳|𡬘𡬘|",
    "寿寿|将将|当当|尢尢|㞁㞁|屠屠|屮屮|峀峀|岍岍|𡷤𡷤|嵃嵃|𡷦𡷦|嵮嵮|嵫嵫|嵼嵼|巡巡|巢巢|㠯㠯|巽巽|帨帨|帽帽|幩幩|㡢㡢|𢆃𢆃|㡼㡼|庰庰|庳庳|庶庶|廊廊|𪎒𪎒|",
    "廾廾|𢌱𢌱|𢌱𢌱|舁舁|弢弢|弢弢|㣇㣇|𣊸𣊸|𦇚𦇚|形形|彫彫|㣣㣣|徚徚|忍忍|志志|忹忹|悁悁|㤺㤺|㤜㤜|悔悔|𢛔𢛔|惇惇|慈慈|慌慌|慎慎|慌慌|慺慺|憎憎|憲憲|憤憤|",
    "憯憯|懞懞|懲懲|懶懶|成成|戛戛|扝扝|抱抱|拔拔|捐捐|𢬌𢬌|挽挽|拼拼|捨捨|掃掃|揤揤|𢯱𢯱|搢搢|揅揅|掩掩|㨮㨮|摩摩|摾摾|撝撝|摷摷|㩬㩬|敏敏|敬敬|𣀊𣀊|旣旣|",
    "書書|晉晉|㬙㬙|暑暑|㬈㬈|㫤㫤|冒冒|冕冕|最最|暜暜|肭肭|䏙䏙|朗朗|望望|朡朡|杞杞|杓杓|𣏃𣏃|㭉㭉|柺柺|枅枅|桒桒|梅梅|𣑭𣑭|梎梎|栟栟|椔椔|㮝㮝|楂楂|榣榣|",
    "槪槪|檨檨|𣚣𣚣|櫛櫛|㰘㰘|次次|𣢧𣢧|歔歔|㱎㱎|歲歲|殟殟|殺殺|殻殻|𣪍𣪍|𡴋𡴋|𣫺𣫺|汎汎|𣲼𣲼|沿沿|泍泍|汧汧|洖洖|派派|海海|流流|浩浩|浸浸|涅涅|𣴞𣴞|洴洴|",
    "港港|湮湮|㴳㴳|滋滋|滇滇|𣻑𣻑|淹淹|潮潮|𣽞𣽞|𣾎𣾎|濆濆|瀹瀹|瀞瀞|瀛瀛|㶖㶖|灊灊|災災|灷灷|炭炭|𠔥𠔥|煅煅|𤉣𤉣|熜熜|𤎫𤎫|爨爨|爵爵|牐牐|𤘈𤘈|犀犀|犕犕|",
    "𤜵𤜵|𤠔𤠔|獺獺|王王|㺬㺬|玥玥|㺸㺸|㺸㺸|瑇瑇|瑜瑜|瑱瑱|璅璅|瓊瓊|㼛㼛|甤甤|𤰶𤰶|甾甾|𤲒𤲒|異異|𢆟𢆟|瘐瘐|𤾡𤾡|𤾸𤾸|𥁄𥁄|㿼㿼|䀈䀈|直直|𥃳𥃳|𥃲𥃲|𥄙𥄙|",
    "𥄳𥄳|眞眞|真真|真真|睊睊|䀹䀹|瞋瞋|䁆䁆|䂖䂖|𥐝𥐝|硎硎|碌碌|磌磌|䃣䃣|𥘦𥘦|祖祖|𥚚𥚚|𥛅𥛅|福福|秫秫|䄯䄯|穀穀|穊穊|穏穏|𥥼𥥼|𥪧𥪧|𥪧𥪧|竮竮|䈂䈂|𥮫𥮫|",
    "篆篆|築築|䈧䈧|𥲀𥲀|糒糒|䊠䊠|糨糨|糣糣|紀紀|𥾆𥾆|絣絣|䌁䌁|緇緇|縂縂|繅繅|䌴䌴|𦈨𦈨|𦉇𦉇|䍙䍙|𦋙𦋙|罺罺|𦌾𦌾|羕羕|翺翺|者者|𦓚𦓚|𦔣𦔣|聠聠|𦖨𦖨|聰聰|",
    "𣍟𣍟|䏕䏕|育育|脃脃|䐋䐋|脾脾|媵媵|𦞧𦞧|𦞵𦞵|𣎓𣎓|𣎜𣎜|舁舁|舄舄|辞辞|䑫䑫|芑芑|芋芋|芝芝|劳劳|花花|芳芳|芽芽|苦苦|𦬼𦬼|若若|茝茝|荣荣|莭莭|茣茣|莽莽|",
    "菧菧|著著|荓荓|菊菊|菌菌|菜菜|𦰶𦰶|𦵫𦵫|𦳕𦳕|䔫䔫|蓱蓱|蓳蓳|蔖蔖|𧏊𧏊|蕤蕤|𦼬𦼬|䕝䕝|䕡䕡|𦾱𦾱|𧃒𧃒|䕫䕫|虐虐|虜虜|虧虧|虩虩|蚩蚩|蚈蚈|蜎蜎|蛢蛢|蝹蝹|",
    "蜨蜨|蝫蝫|螆螆|䗗䗗|蟡蟡|蠁蠁|䗹䗹|衠衠|衣衣|𧙧𧙧|裗裗|裞裞|䘵䘵|裺裺|㒻㒻|𧢮𧢮|𧥦𧥦|䚾䚾|䛇䛇|誠誠|諭諭|變變|豕豕|𧲨𧲨|貫貫|賁賁|贛贛|起起|𧼯𧼯|𠠄𠠄|",
    "跋跋|趼趼|跰跰|𠣞𠣞|軔軔|輸輸|𨗒𨗒|𨗭𨗭|邔邔|郱郱|鄑鄑|𨜮𨜮|鄛鄛|鈸鈸|鋗鋗|鋘鋘|鉼鉼|鏹鏹|鐕鐕|𨯺𨯺|開開|䦕䦕|閷閷|𨵷𨵷|䧦䧦|雃雃|嶲嶲|霣霣|𩅅𩅅|𩈚𩈚|",
    "䩮䩮|䩶䩶|韠韠|𩐊𩐊|䪲䪲|𩒖𩒖|頋頋|頋頋|頩頩|𩖶𩖶|飢飢|䬳䬳|餩餩|馧馧|駂駂|駾駾|䯎䯎|𩬰𩬰|鬒鬒|鱀鱀|鳽鳽|䳎䳎|䳭䳭|鵧鵧|𪃎𪃎|䳸䳸|𪄅𪄅|𪈎𪈎|𪊑𪊑|麻麻|",
    "䵖䵖|黹黹|黾黾|鼅鼅|鼏鼏|鼖鼖|鼻鼻|𪘀𪘀|",
);
