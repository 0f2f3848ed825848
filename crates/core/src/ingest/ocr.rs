//! OCR of scanned pages with Tesseract.
//!
//! A page without a usable text layer ([`PageText::needs_ocr`]) whose image the PDF reader
//! could decode ([`PageText::scan`]) is read by the `tesseract` command (Debian's
//! `tesseract-ocr` with `tesseract-ocr-chi-sim`), as TSV: each word with its box and
//! confidence. The page's text, its character boxes (mapped from image pixels to the page) and
//! a per-character confidence ([`PageOcr`]) replace the empty text layer, so extraction,
//! search and the case screen work on a scanned page as on a text page, and every value read
//! from it can say it came from OCR and how sure the engine was.
//!
//! Why the command and not a binding crate (`tesseract`/`leptess`): OCR is optional at run
//! time. The command needs nothing at build time (the bindings need libtesseract's headers and
//! clang for bindgen, which a newcomer's machine lacks, and `cargo build` would fail without
//! them); a missing engine is detected when the service starts and the filing keeps today's
//! `needs_ocr` status with a message that says how to enable OCR. The engine also runs in its
//! own process: a hang is killed at the page's time limit and a crash costs one page.
//!
//! Bounds: at most [`OcrEngine::max_pages`] pages per filing, [`OcrEngine::page_time`] per
//! page, one engine thread per page (`OMP_THREAD_LIMIT=1`: the pipeline's rayon pool already
//! uses every core). Callers run OCR on the CPU pool, never on the async runtime.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fincase_pdf::{DocumentText, IngestError, PageOcr, PageText, ReadLimits, ScanImage};

/// Pages OCR'd per filing at most (a bank's filing: complaint, contract, IOU, ID copies).
pub const MAX_OCR_PAGES: usize = 12;
/// Wall time per page at most.
pub const PAGE_TIME: Duration = Duration::from_secs(60);
/// Largest page image read (pixels): an A4 page at 600 dpi.
pub const MAX_SCAN_PIXELS: u64 = 4961 * 7016;
/// Fewest characters an OCR'd page must yield, at a mean confidence of at least
/// [`MIN_PAGE_CONFIDENCE`], to count as read; below that the page still needs OCR by a person
/// (a photo, a seal, an ID card, a blank page).
pub const MIN_PAGE_CHARS: usize = 20;
/// See [`MIN_PAGE_CHARS`].
pub const MIN_PAGE_CONFIDENCE: u8 = 70;

/// Tesseract's model of the Han (Simplified) script, used with `chi_sim` when installed.
pub const HANS: &str = "HanS";

/// Why OCR is not available in this process.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrUnavailable {
    /// Turned off (`FINCASE_OCR=off`).
    #[error("OCR 已关闭（FINCASE_OCR=off）；删除该设置即可启用")]
    Disabled,
    /// The command could not be run.
    #[error(
        "未安装 OCR 引擎（找不到 {command}）：安装 Debian 软件包 tesseract-ocr 与 \
         tesseract-ocr-chi-sim（或设置 FINCASE_TESSERACT 指向 tesseract 程序）后重新处理即可识别扫描页"
    )]
    NotInstalled {
        /// The command tried.
        command: String,
    },
    /// Installed without the language data.
    #[error(
        "OCR 引擎缺少简体中文语言包 {lang}：安装 Debian 软件包 tesseract-ocr-chi-sim 后重新处理"
    )]
    NoLanguage {
        /// The language wanted.
        lang: String,
    },
}

/// The Tesseract command and its limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrEngine {
    /// The program (`tesseract`, or `FINCASE_TESSERACT`).
    pub command: PathBuf,
    /// Language data (`chi_sim`, or `chi_sim+HanS` when the script model is installed).
    pub lang: String,
    /// `tesseract 5.3.0`, as the program reports itself.
    pub version: String,
    /// Pages per filing at most.
    pub max_pages: usize,
    /// Wall time per page.
    pub page_time: Duration,
    /// Tesseract's page segmentation mode (`FINCASE_OCR_PSM`, default [`DEFAULT_PSM`]).
    pub psm: u8,
}

/// Page segmentation: 4, one column of text of varying sizes (a complaint: a larger title,
/// right-aligned signature and date lines, tables), which keeps the right-aligned lines that
/// mode 6 (one uniform block) garbles.
pub const DEFAULT_PSM: u8 = 4;

/// What OCR made of one page image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// The text, lines separated by `\n`.
    pub text: String,
    /// Per line: its first char in `text` and one page box per char.
    pub lines: Vec<(u32, Vec<fincase_pdf::PageBox>)>,
    /// One confidence (0–100) per char of `text`.
    pub char_confidence: Vec<u8>,
}

impl OcrPage {
    /// Mean confidence of the page's non-space characters (0 for an empty page).
    pub fn confidence(&self) -> u8 {
        let (sum, n) = self
            .text
            .chars()
            .zip(&self.char_confidence)
            .filter(|(c, _)| !c.is_whitespace())
            .fold((0u64, 0u64), |(s, n), (_, v)| (s + u64::from(*v), n + 1));
        (sum / n.max(1)) as u8
    }

    /// Non-space characters read.
    pub fn chars(&self) -> usize {
        self.text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// The process's OCR engine: found once (`tesseract`, or the program `FINCASE_TESSERACT`
/// names; `FINCASE_OCR=off` turns OCR off), or why there is none.
pub fn engine() -> Result<&'static OcrEngine, &'static OcrUnavailable> {
    static ENGINE: OnceLock<Result<OcrEngine, OcrUnavailable>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            if std::env::var("FINCASE_OCR").is_ok_and(|v| v.eq_ignore_ascii_case("off")) {
                return Err(OcrUnavailable::Disabled);
            }
            let command = std::env::var_os("FINCASE_TESSERACT")
                .map_or_else(|| PathBuf::from("tesseract"), PathBuf::from);
            OcrEngine::detect(command, "chi_sim")
        })
        .as_ref()
}

impl OcrEngine {
    /// Runs `command --version` and `--list-langs`: the engine when it runs and has `lang`.
    pub fn detect(command: PathBuf, lang: &str) -> Result<OcrEngine, OcrUnavailable> {
        let not_installed = || OcrUnavailable::NotInstalled {
            command: command.display().to_string(),
        };
        let run = |arg: &str| {
            Command::new(&command)
                .arg(arg)
                .stdin(Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| {
                    // Tesseract 4 printed these on stderr, 5 on stdout.
                    let mut s = String::from_utf8_lossy(&o.stdout).into_owned();
                    s.push_str(&String::from_utf8_lossy(&o.stderr));
                    s
                })
        };
        let version = run("--version").ok_or_else(not_installed)?;
        let version = version
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim()
            .to_owned();
        let langs = run("--list-langs").ok_or_else(not_installed)?;
        let have = |l: &str| langs.lines().any(|x| x.trim() == l);
        if !have(lang) {
            return Err(OcrUnavailable::NoLanguage {
                lang: lang.to_owned(),
            });
        }
        // The Han (Simplified) script model beside the Chinese one, when installed (Debian's
        // tesseract-ocr-script-hans): on generated scans it makes 28 % fewer character errors
        // than chi_sim alone, for about 1.5× the time (BENCHMARKS.md, "OCR").
        let lang = if lang == "chi_sim" && have(HANS) {
            format!("{lang}+{HANS}")
        } else {
            lang.to_owned()
        };
        Ok(OcrEngine {
            command,
            lang,
            version,
            max_pages: MAX_OCR_PAGES,
            page_time: PAGE_TIME,
            psm: std::env::var("FINCASE_OCR_PSM")
                .ok()
                .and_then(|v| v.parse().ok())
                .filter(|p| (3..=13).contains(p))
                .unwrap_or(DEFAULT_PSM),
        })
    }

    /// `tesseract 5.3.0 chi_sim`: how a page's text says it was read.
    pub fn name(&self) -> String {
        format!("{} {}", self.version, self.lang)
    }

    /// Reads one page image: its text with boxes and confidences, or why not.
    pub fn read_image(&self, img: &ScanImage) -> Result<OcrPage, String> {
        let mut cmd = Command::new(&self.command);
        cmd.args([
            "stdin",
            "stdout",
            "-l",
            &self.lang,
            "--psm",
            &self.psm.to_string(),
        ]);
        if let Some(dpi) = img.dpi() {
            cmd.args(["--dpi", &dpi.to_string()]);
        }
        cmd.arg("tsv");
        cmd.env("OMP_THREAD_LIMIT", "1");
        let out = run_bounded(cmd, &img.bytes, self.page_time)?;
        Ok(parse_tsv(&String::from_utf8_lossy(&out), img))
    }

    /// OCRs the pages of `doc` that need it and whose image was kept (at most
    /// [`OcrEngine::max_pages`]). A page read well enough ([`MIN_PAGE_CHARS`],
    /// [`MIN_PAGE_CONFIDENCE`]) gets the OCR text and [`PageText::ocr`], and no longer needs
    /// OCR; any other keeps needing it, with a warning that says why.
    pub fn read_document(&self, doc: &mut DocumentText) {
        self.read_pages(doc, None);
    }

    /// [`OcrEngine::read_document`] limited to page `only` (1-based) when given: what a screen
    /// showing one page needs.
    pub fn read_pages(&self, doc: &mut DocumentText, only: Option<u32>) {
        let mut done = 0usize;
        for page in doc
            .pages
            .iter_mut()
            .filter(|p| p.needs_ocr && only.is_none_or(|n| n == p.page))
        {
            let Some(img) = page.scan.take() else {
                continue;
            };
            if done >= self.max_pages {
                page.warnings.push(format!(
                    "OCR 未执行：每件材料最多识别 {} 页扫描页",
                    self.max_pages
                ));
                continue;
            }
            done += 1;
            match self.read_image(&img) {
                Ok(read) => self.apply(page, &img, read),
                Err(why) => page.warnings.push(format!("OCR 失败：{why}")),
            }
        }
    }

    fn apply(&self, page: &mut PageText, img: &ScanImage, read: OcrPage) {
        let confidence = read.confidence();
        if read.chars() < MIN_PAGE_CHARS || confidence < MIN_PAGE_CONFIDENCE {
            page.warnings.push(format!(
                "OCR 未能识别出可用文字（{} 个字符，平均置信度 {confidence}%）：图片、印章或证件页需人工查看",
                read.chars()
            ));
            return;
        }
        page.text = read.text;
        page.lines.clear();
        for (start, boxes) in read.lines {
            page.add_line(start, boxes);
        }
        page.needs_ocr = false;
        page.ocr = Some(PageOcr {
            engine: self.name(),
            dpi: img.dpi(),
            confidence,
            char_confidence: read.char_confidence,
        });
    }
}

/// Reads a PDF like [`fincase_pdf::read_pdf`] and, when an OCR engine is available
/// ([`engine`]), OCRs its scanned pages ([`OcrEngine::read_document`]). Without an engine the
/// scanned pages keep needing OCR and say how to enable it.
pub fn read_pdf(bytes: &[u8]) -> Result<DocumentText, IngestError> {
    read_pdf_using(bytes, engine().map_err(Clone::clone), None)
}

/// [`read_pdf`] with an explicit engine (or the reason there is none), OCR'ing only page
/// `only` (1-based) when given.
pub fn read_pdf_using(
    bytes: &[u8],
    engine: Result<&OcrEngine, OcrUnavailable>,
    only: Option<u32>,
) -> Result<DocumentText, IngestError> {
    let limits = ReadLimits {
        scan_pixels: if engine.is_ok() { MAX_SCAN_PIXELS } else { 0 },
        // Court filings are Chinese: a page of other scripts' letters is a font read wrong.
        expect_chinese: true,
        ..ReadLimits::default()
    };
    let mut doc = fincase_pdf::read_pdf_with(bytes, &limits)?;
    match engine {
        Ok(e) => e.read_pages(&mut doc, only),
        Err(why) => {
            for p in doc.pages.iter_mut().filter(|p| p.needs_ocr) {
                p.warnings.push(why.to_string());
            }
        }
    }
    Ok(doc)
}

/// Runs `cmd` with `input` on its stdin and returns its stdout; kills it past `limit`.
fn run_bounded(mut cmd: Command, input: &[u8], limit: Duration) -> Result<Vec<u8>, String> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the OCR engine: {e}"))?;
    let mut stdin = child.stdin.take();
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            // A write error means the engine stopped reading; its exit status says why.
            let _ = s.write_all(&data);
        }
        drop(stdin);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(16 << 10).read_to_end(&mut out);
        }
        out
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the page took longer than {} s and was stopped",
                    limit.as_secs()
                ));
            }
            Err(e) => return Err(format!("waiting for the OCR engine: {e}")),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&err);
        let msg = msg.lines().last().unwrap_or("").trim();
        return Err(format!("the OCR engine failed ({status}): {msg}"));
    }
    Ok(out)
}

/// The punctuation a Chinese text writes for an ASCII mark the engine read, given its
/// neighbours on the line: `:` `;` `,` `?` `!` become full-width except between digits (times,
/// `250,000.00`), `(` `)` except around a digit or Latin letter (`(1)`, `(A)`). One char for
/// one char, so boxes and confidences stay aligned.
fn chinese_punctuation(prev: Option<char>, c: char, next: Option<char>) -> char {
    let digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
    let latin = |x: Option<char>| x.is_some_and(|x| x.is_ascii_alphanumeric());
    let chinese = prev.is_some_and(is_han) || next.is_some_and(is_han);
    match c {
        ',' | ':' if digit(prev) && digit(next) => c,
        // Latin text keeps its own punctuation (`Ltd., limited`).
        ',' | ':' | ';' | '?' | '!' if !chinese => c,
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' if !latin(next) => '（',
        ')' if !latin(prev) => '）',
        // The engine reads a full-width bracket as an angle bracket, which a complaint does
        // not use (titles are in 《》).
        '〈' => '（',
        '〉' => '）',
        _ => c,
    }
}

/// One line's characters with their boxes and confidences, normalised: `%` read together with
/// a following `o` or `O` (not part of a Latin word) is the per-mille sign `‰` that the
/// engine splits in two (one char, the two boxes' union, the lower confidence); then
/// [`chinese_punctuation`] char for char.
fn normalise_line(
    cells: Vec<(char, fincase_pdf::PageBox, u8)>,
) -> Vec<(char, fincase_pdf::PageBox, u8)> {
    let mut merged: Vec<(char, fincase_pdf::PageBox, u8)> = Vec::with_capacity(cells.len());
    let mut k = 0;
    while k < cells.len() {
        let (c, b, conf) = cells[k];
        let next = cells.get(k + 1).map(|x| x.0);
        let after = cells.get(k + 2).map(|x| x.0);
        if c == '%'
            && matches!(next, Some('o' | 'O'))
            && !after.is_some_and(|a| a.is_ascii_alphanumeric())
        {
            let (_, b2, conf2) = cells[k + 1];
            let union = [
                b[0].min(b2[0]),
                b[1].min(b2[1]),
                b[2].max(b2[2]),
                b[3].max(b2[3]),
            ];
            merged.push(('‰', union, conf.min(conf2)));
            k += 2;
            continue;
        }
        merged.push((c, b, conf));
        k += 1;
    }
    // Inside a number written in Chinese numerals (二〇二三年), a Latin letter or `@` is a
    // misread piece of a neighbouring 〇: such numbers hold no letters.
    let numeral = |c: char| "〇零一二三四五六七八九十".contains(c);
    let junk = |c: char| c.is_ascii_alphabetic() || c == '@';
    let mut keep = vec![true; merged.len()];
    for k in 0..merged.len() {
        if !junk(merged[k].0) {
            continue;
        }
        let before = merged[..k].iter().rev().find(|x| !junk(x.0));
        let after = merged[k + 1..].iter().find(|x| !junk(x.0));
        let run_len = merged[k..].iter().take_while(|x| junk(x.0)).count()
            + merged[..k].iter().rev().take_while(|x| junk(x.0)).count();
        if run_len <= 2
            && before.is_some_and(|x| numeral(x.0))
            && after.is_some_and(|x| numeral(x.0))
        {
            keep[k] = false;
        }
    }
    let mut merged: Vec<_> = merged
        .into_iter()
        .zip(keep)
        .filter_map(|(m, k)| k.then_some(m))
        .collect();
    // The yuan sign, read as a look-alike character (半, 羊, 关, 芊) between an opening
    // bracket or a colon and a figure: `（半112,795.82）` is `（￥112,795.82）`.
    for k in 1..merged.len().saturating_sub(1) {
        if "半羊关芊".contains(merged[k].0)
            && matches!(merged[k - 1].0, '（' | '(' | '〈' | '：' | ':')
            && merged[k + 1].0.is_ascii_digit()
        {
            merged[k].0 = '￥';
        }
    }
    let chars: Vec<char> = merged.iter().map(|x| x.0).collect();
    merged
        .into_iter()
        .enumerate()
        .map(|(i, (c, b, conf))| {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            (
                chinese_punctuation(prev, c, chars.get(i + 1).copied()),
                b,
                conf,
            )
        })
        .collect()
}

/// [`normalise_line`] of a bare string (boxes and confidences left out).
#[cfg(test)]
fn normalise_text(line: &str) -> String {
    let cells = line.chars().map(|c| (c, [0.0; 4], 100)).collect();
    normalise_line(cells).into_iter().map(|x| x.0).collect()
}

/// True when word `k` of a line is a piece of a neighbouring glyph that the engine read as a
/// separate symbol (`二O〇二三年`: a narrow, doubtful `O` against the `〇`): one character that
/// is neither Chinese nor a digit, less than half a character wide, read with confidence below
/// 60, and touching a Chinese character beside it.
fn is_fragment(line: &[Word], k: usize, em: f64) -> bool {
    let w = &line[k];
    let mut chars = w.text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    if is_han(c) || c.is_ascii_digit() || w.conf >= 60 || w.width >= 0.5 * em {
        return false;
    }
    let touches = |o: &Word, gap: f64| gap < 0.2 * em && o.text.chars().next().is_some_and(is_han);
    let before = k
        .checked_sub(1)
        .and_then(|i| line.get(i))
        .is_some_and(|p| touches(p, w.left - (p.left + p.width)));
    let after = line
        .get(k + 1)
        .is_some_and(|n| touches(n, n.left - (w.left + w.width)));
    before || after
}

/// One word of Tesseract's TSV: its line (block, paragraph, line), box in pixels, confidence
/// and text.
struct Word {
    line: (u32, u32, u32),
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    conf: u8,
    text: String,
}

/// A Chinese character (CJK ideographs, extension A, compatibility ideographs, 〇).
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

/// True when a Latin text puts a space between two words ending in `a` and starting with `b`:
/// letters or digits on both sides, a letter on one (`Bank of China`, `late 2017`, `No 12`);
/// never between two numbers (a figure the engine split stays one).
fn spaced(a: char, b: char) -> bool {
    a.is_ascii_alphanumeric()
        && b.is_ascii_alphanumeric()
        && (a.is_ascii_alphabetic() || b.is_ascii_alphabetic())
}

/// Tesseract's TSV (`level page block par line word left top width height conf text`) → text,
/// per-char boxes on the page and per-char confidences. Words of one line are joined without
/// a space unless both sides are Latin letters (Chinese has no spaces; tesseract reports each
/// character or run as a word).
pub(crate) fn parse_tsv(tsv: &str, img: &ScanImage) -> OcrPage {
    let mut words = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let n = |i: usize| cols[i].trim().parse::<f64>().unwrap_or(0.0);
        let text = cols[11..].join("\t").trim().to_owned();
        if text.is_empty() {
            continue;
        }
        words.push(Word {
            line: (n(2) as u32, n(3) as u32, n(4) as u32),
            left: n(6),
            top: n(7),
            width: n(8),
            height: n(9),
            conf: n(10).clamp(0.0, 100.0).round() as u8,
            text,
        });
    }
    // Reading order: lines top to bottom (by their middle), as a one-column filing reads.
    // The engine's block order can put a block found later (the court line under 此致, a
    // stamp) first; words keep their order inside a line.
    let mut lines: Vec<((u32, u32, u32), f64)> = Vec::new();
    for w in &words {
        let mid = w.top + w.height / 2.0;
        match lines.iter_mut().find(|(k, _)| *k == w.line) {
            Some((_, m)) => *m = m.min(mid),
            None => lines.push((w.line, mid)),
        }
    }
    lines.sort_by(|a, b| a.1.total_cmp(&b.1));
    let rank = |k: &(u32, u32, u32)| lines.iter().position(|(l, _)| l == k).unwrap_or(0);
    // A stable sort keeps each line's words in the engine's order.
    words.sort_by_key(|w| rank(&w.line));
    let mut page = OcrPage {
        text: String::new(),
        lines: Vec::new(),
        char_confidence: Vec::new(),
    };
    let mut i = 0;
    while i < words.len() {
        let key = words[i].line;
        let mut j = i;
        while j < words.len() && words[j].line == key {
            j += 1;
        }
        if !page.text.is_empty() {
            page.text.push('\n');
            page.char_confidence.push(100);
        }
        let start = page.char_confidence.len() as u32;
        // The line as (char, box, confidence), normalised before it joins the page.
        let mut cells: Vec<(char, fincase_pdf::PageBox, u8)> = Vec::new();
        let mut prev: Option<&Word> = None;
        // A gap wider than two of the line's characters separates table cells (or a label
        // from its value across the page): a tab, as the text reader writes between cells.
        let mut heights: Vec<f64> = words[i..j].iter().map(|w| w.height).collect();
        heights.sort_by(f64::total_cmp);
        let em = heights
            .get(heights.len() / 2)
            .copied()
            .unwrap_or(0.0)
            .max(1.0);
        let line_words = &words[i..j];
        for (k, w) in line_words.iter().enumerate() {
            if is_fragment(line_words, k, em) {
                continue;
            }
            if let Some(p) = prev {
                let gap_left = p.left + p.width;
                let gap = w.left - gap_left;
                let sep = if gap > 2.0 * em {
                    Some('\t')
                } else if let (Some(a), Some(b)) = (p.text.chars().last(), w.text.chars().next())
                    && spaced(a, b)
                {
                    Some(' ')
                } else {
                    None
                };
                if let Some(sep) = sep {
                    let b = img.pixel_box(gap_left, w.top, w.left.max(gap_left), w.top + w.height);
                    cells.push((sep, b, p.conf.min(w.conf)));
                }
            }
            let n = w.text.chars().count().max(1) as f64;
            for (k, c) in w.text.chars().enumerate() {
                let x0 = w.left + w.width * k as f64 / n;
                let x1 = w.left + w.width * (k + 1) as f64 / n;
                cells.push((c, img.pixel_box(x0, w.top, x1, w.top + w.height), w.conf));
            }
            prev = Some(w);
        }
        let mut boxes = Vec::with_capacity(cells.len());
        for (c, b, conf) in normalise_line(cells) {
            page.text.push(c);
            page.char_confidence.push(conf);
            boxes.push(b);
        }
        page.lines.push((start, boxes));
        i = j;
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use fincase_pdf::ScanFormat;

    fn image() -> ScanImage {
        ScanImage {
            width: 1000,
            height: 1000,
            bytes: Vec::new(),
            format: ScanFormat::Pgm,
            to_page: [500.0, 0.0, 0.0, 500.0, 0.0, 0.0],
        }
    }

    #[test]
    fn tsv_words_join_into_lines_with_boxes_and_confidences() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t1000\t1000\t-1\t\n\
            5\t1\t1\t1\t1\t1\t100\t100\t40\t20\t96.5\t借款\n\
            5\t1\t1\t1\t1\t2\t150\t100\t60\t20\t91\t10000\n\
            5\t1\t1\t1\t1\t3\t220\t100\t20\t20\t88\t元\n\
            5\t1\t1\t1\t2\t1\t100\t140\t40\t20\t90\tBank\n\
            5\t1\t1\t1\t2\t2\t150\t140\t20\t20\t80\tof\n";
        let page = parse_tsv(tsv, &image());
        assert_eq!(page.text, "借款10000元\nBank of");
        assert_eq!(page.char_confidence.len(), page.text.chars().count());
        assert_eq!(page.char_confidence[0], 97);
        assert_eq!(page.char_confidence[8], 100, "the line break");
        assert_eq!(
            page.char_confidence[13], 80,
            "the space takes the lower side"
        );
        assert_eq!(page.lines.len(), 2);
        assert_eq!(page.lines[1].0, 9);
        // 借 spans pixels 100..120 × 100..120 of a 1000 px image on 500 pt: 50..60 pt, y up.
        assert_eq!(page.lines[0].1[0], [50.0, 440.0, 60.0, 450.0]);
        assert_eq!(page.chars(), 14);
    }

    #[test]
    fn lines_are_read_top_to_bottom_whatever_the_block_order() {
        let tsv = "header\n\
            5\t1\t2\t1\t1\t1\t100\t900\t80\t20\t95\t此致法院\n\
            5\t1\t1\t1\t1\t1\t100\t100\t80\t20\t95\t民事起诉状\n\
            5\t1\t1\t1\t2\t1\t100\t140\t40\t20\t95\t原告\n\
            5\t1\t1\t1\t2\t2\t150\t140\t40\t20\t95\t张三\n";
        assert_eq!(
            parse_tsv(tsv, &image()).text,
            "民事起诉状\n原告张三\n此致法院"
        );
    }

    #[test]
    fn a_doubtful_sliver_against_a_chinese_character_is_dropped() {
        // 二 O 〇 二 三 年: the O is 12 px wide, read at 46 %, and touches the 〇.
        let row = |n: u32, left: u32, w: u32, conf: u32, t: &str| {
            format!("5\t1\t1\t1\t1\t{n}\t{left}\t100\t{w}\t45\t{conf}\t{t}\n")
        };
        let tsv = format!(
            "header\n{}{}{}{}{}{}",
            row(1, 100, 45, 92, "二"),
            row(2, 155, 12, 46, "O"),
            row(3, 166, 29, 88, "〇"),
            row(4, 205, 39, 90, "二"),
            row(5, 250, 33, 93, "三"),
            row(6, 290, 45, 95, "年")
        );
        assert_eq!(parse_tsv(&tsv, &image()).text, "二〇二三年");
        // A confident or a wide one stays: it may be a real letter.
        let tsv = format!(
            "header\n{}{}",
            row(1, 100, 45, 92, "借"),
            row(2, 146, 30, 90, "A")
        );
        assert_eq!(parse_tsv(&tsv, &image()).text, "借A");
    }

    #[test]
    fn a_wide_gap_between_words_is_a_cell_boundary() {
        let tsv = "header\n\
            5\t1\t1\t1\t1\t1\t100\t100\t80\t20\t95\t2020-12-23\n\
            5\t1\t1\t1\t1\t2\t400\t100\t90\t20\t95\t10,858.80\n\
            5\t1\t1\t1\t1\t3\t700\t100\t90\t20\t95\t69,345.49\n";
        assert_eq!(
            parse_tsv(tsv, &image()).text,
            "2020-12-23\t10,858.80\t69,345.49"
        );
    }

    #[test]
    fn ascii_marks_become_chinese_punctuation_but_numbers_keep_theirs() {
        assert_eq!(
            normalise_text("原告:张三(借款人);本金250,000.00元,(1)判令"),
            "原告：张三（借款人）；本金250,000.00元，(1)判令"
        );
        assert_eq!(
            normalise_text("月利率5%o,年利率10%。"),
            "月利率5‰，年利率10%。"
        );
        assert_eq!(normalise_text("100%Off"), "100%Off");
        assert_eq!(normalise_text("Ltd.,limited:yes"), "Ltd.,limited:yes");
        assert_eq!(normalise_text("〈半112,795.82)"), "（￥112,795.82)");
        assert_eq!(normalise_text("一半100人"), "一半100人");
        assert_eq!(
            normalise_text("二G@〇二五年二QO〇二二年"),
            "二〇二五年二〇二二年"
        );
        assert_eq!(normalise_text("二〇二三年ABC一"), "二〇二三年ABC一");
    }

    #[test]
    fn a_missing_engine_says_how_to_enable_it() {
        let e = OcrEngine::detect(PathBuf::from("/nonexistent/tesseract"), "chi_sim").unwrap_err();
        assert!(matches!(e, OcrUnavailable::NotInstalled { .. }));
        assert!(e.to_string().contains("tesseract-ocr-chi-sim"));
    }
}
