//! fincase-pdf: a PDF's text, page by page, with every character's box.
//!
//! Reads a PDF's text page by page ([`read_pdf`]), CJK included (predefined and embedded
//! CMaps, ToUnicode, embedded TrueType/CFF/Type 1 fonts, Type 3 glyph names). PDF
//! parsing is lopdf's object model; content streams are walked by our own interpreter
//! (`content`), fonts decoded by `font`/`cmap`/`encoding`, and reading order rebuilt from glyph
//! positions by `layout` (which folds radical look-alikes such as `⽇` to `日`: `radicals`).
//! lopdf's own `extract_text` is not used.
//!
//! Invariants:
//! - No panic is reachable from a file's bytes, and every per-file cost is bounded (operators,
//!   glyphs, decompressed bytes, CMap sizes, nesting, time; see [`ReadLimits`]). Past a limit
//!   the filing fails with [`IngestError::LimitExceeded`] and its reason; CMaps past their own
//!   limit cost only their font, Form XObjects nested too deep only themselves (a warning).
//! - One bad page, font or stream costs that page/font/stream, never the document.
//! - This crate does not interpret the text (fincase-core's `extract` does) and writes nothing
//!   to disk. It knows nothing of courts or filings: it is a PDF text reader.
//!
//! # Layout
//!
//! The modules form a chain with no cycle; each uses only the modules listed after it
//! (leaves, which use no other module of the crate, first):
//!
//! - leaves: `lexer` (PDF tokens), `filters` (stream decoding), `encoding` (code → Unicode
//!   tables, glyph names, UTF-16), `sfnt` (TrueType/OpenType `cmap`/`post`), `fontfile`
//!   (embedded Type 1/CFF programs), `script` (which characters are CJK), `radicals`,
//!   `document` (the public page text);
//! - `cmap` (CMap programs) uses `lexer`, `encoding`;
//! - `font` (font dictionaries → decoded glyphs) uses `cmap`, `encoding`, `filters`,
//!   `fontfile`, `sfnt`;
//! - `content` (the content-stream interpreter) uses `font`, `lexer`, `script`;
//! - `layout` (reading order) uses `content`, `radicals`, `script`;
//! - `scan` (a scanned page's image decoded for OCR, or the page rendered by hayro when it
//!   draws no image: [`ScanImage`]) uses `font`;
//! - this file (pages, resources, annotations, limits) uses `content`, `layout`, `font`,
//!   `encoding`, `document`.
//!
//! A helper two modules need lives in the lower one or in a leaf, never in a module that
//! imports the other (`units_to_string` sits in `encoding`, `is_cjk` in `script`).

mod cmap;
mod content;
mod encoding;
mod filters;
mod font;
mod fontfile;
mod layout;
mod lexer;
mod radicals;
mod script;
mod sfnt;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use lopdf::{Dictionary, Document, Object, ObjectId};

mod document;
pub mod scan;
pub use document::{DocumentText, LineBox, PageBox, PageOcr, PageText};
pub use scan::{ScanFormat, ScanImage};

/// Why a filing (or a batch input) could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The bytes are not a PDF, or a PDF too damaged to open.
    #[error("文件不是有效的 PDF / not a readable PDF: {reason}")]
    Unreadable {
        /// What went wrong, one line.
        reason: String,
    },
    /// The PDF is encrypted and does not open with the empty user password.
    #[error("PDF 已加密，无法以空密码打开 / the PDF is encrypted and needs a password")]
    Encrypted,
    /// The file is empty or the PDF has no pages.
    #[error("文件为空或没有页面 / empty filing: {reason}")]
    Empty {
        /// What is missing, one line.
        reason: String,
    },
    /// Reading the PDF went past a resource limit (time, decoded bytes, operators, glyphs):
    /// a decompression bomb, or a file too complex to be a filing.
    #[error("文件超出处理限制 / the PDF exceeds a processing limit: {reason}")]
    LimitExceeded {
        /// Which limit, one line.
        reason: String,
    },
    /// The batch input does not exist or cannot be listed.
    #[error("输入无法读取 / cannot read input {path}: {reason}")]
    InputUnreadable {
        /// The input path as given.
        path: String,
        /// The OS error, one line.
        reason: String,
    },
    /// The zip archive itself cannot be opened (not its entries: those fail one by one).
    #[error("压缩包无法读取 / cannot read archive {path}: {reason}")]
    ArchiveUnreadable {
        /// The archive path as given.
        path: String,
        /// What went wrong, one line.
        reason: String,
    },
}

impl IngestError {
    /// A stable public code for this error (used by the CLI, HTTP and the batch summary).
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Unreadable { .. } => "FILING_UNREADABLE",
            IngestError::Encrypted => "FILING_ENCRYPTED",
            IngestError::Empty { .. } => "FILING_EMPTY",
            IngestError::LimitExceeded { .. } => "FILING_LIMIT_EXCEEDED",
            IngestError::InputUnreadable { .. } => "INPUT_UNREADABLE",
            IngestError::ArchiveUnreadable { .. } => "ARCHIVE_UNREADABLE",
        }
    }

    /// True when trying again may succeed (an IO problem), false when the input itself is bad.
    pub fn is_retryable(&self) -> bool {
        matches!(self, IngestError::InputUnreadable { .. })
    }
}

/// Most pages read from one document.
const MAX_PAGES: usize = 20_000;
/// Most page-tree nodes visited.
const MAX_PAGE_NODES: usize = 200_000;

/// Resource limits for reading one PDF; past any of them [`read_pdf_with`] fails with
/// [`IngestError::LimitExceeded`] and the process is unharmed.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Wall time for the whole document.
    pub time: Duration,
    /// Decoded content bytes of one page (its content streams and Form XObjects): a
    /// decompression bomb stops here, before it is inflated further.
    pub page_bytes: usize,
    /// Decoded content bytes of the whole document.
    pub document_bytes: usize,
    /// Operators run on one page.
    pub page_operators: usize,
    /// Glyphs shown on one page.
    pub page_glyphs: usize,
    /// Largest image (width × height pixels) kept for OCR on a page that needs it
    /// ([`PageText::scan`]); 0, the default, keeps none.
    pub scan_pixels: u64,
    /// The documents are Chinese (court filings): a page whose characters are implausible for
    /// Chinese (letters of other scripts, private-use or control code points, rare
    /// ideographs: what a font whose map points at glyph numbers gives) needs OCR. Off by
    /// default: a general reader must not take Russian or Greek for garbage.
    pub expect_chinese: bool,
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits {
            time: Duration::from_secs(10),
            page_bytes: 128 << 20,
            document_bytes: 1 << 30,
            page_operators: 2_000_000,
            page_glyphs: 1_000_000,
            scan_pixels: 0,
            expect_chinese: false,
        }
    }
}

/// Reads the text of every page of a PDF with the default [`ReadLimits`].
///
/// Fails only when the document as a whole cannot be read (not a PDF, encrypted, no pages, a
/// resource limit); anything else that goes wrong inside a page becomes a warning on that page.
pub fn read_pdf(bytes: &[u8]) -> Result<DocumentText, IngestError> {
    read_pdf_with(bytes, &ReadLimits::default())
}

/// [`read_pdf`] with explicit resource limits.
pub fn read_pdf_with(bytes: &[u8], limits: &ReadLimits) -> Result<DocumentText, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            reason: "the file has 0 bytes".into(),
        });
    }
    let head = &bytes[..bytes.len().min(64 << 10)];
    // A file whose header was damaged (`%âãÏÓ` without `%PDF-`) but that starts with PDF
    // objects is still read, as poppler does, with a header put back in front.
    let patched;
    let bytes = if head.windows(5).any(|w| w == b"%PDF-") {
        bytes
    } else if head.starts_with(b"%") && head.windows(4).take(1024).any(|w| w == b" obj") {
        patched = [b"%PDF-1.7\n".as_slice(), bytes].concat();
        patched.as_slice()
    } else {
        return Err(IngestError::Unreadable {
            reason: "no %PDF- header".into(),
        });
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| Document::load_mem(bytes)));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_))) => {
            return Err(IngestError::Encrypted);
        }
        Ok(Err(e)) => {
            return Err(IngestError::Unreadable {
                reason: one_line(&e.to_string()),
            });
        }
        Err(_) => {
            return Err(IngestError::Unreadable {
                reason: "the PDF parser failed on this file".into(),
            });
        }
    };
    if doc.trailer.has(b"Encrypt") {
        return Err(IngestError::Encrypted);
    }
    let deadline = Instant::now() + limits.time;
    let (pages, tree_warning) = collect_pages(&doc);
    if pages.is_empty() {
        return Err(IngestError::Empty {
            reason: "the PDF has no pages".into(),
        });
    }
    let mut out = DocumentText::default();
    let mut bytes_left = limits.document_bytes;
    for (i, page) in pages.iter().enumerate() {
        let number = i as u32 + 1;
        if Instant::now() > deadline {
            return Err(IngestError::LimitExceeded {
                reason: format!(
                    "time limit of {:.1} s reached at page {number}",
                    limits.time.as_secs_f64()
                ),
            });
        }
        let page_limits = content::Limits {
            max_ops: limits.page_operators,
            max_glyphs: limits.page_glyphs,
            max_bytes: limits.page_bytes.min(bytes_left),
            deadline: Some(deadline),
            ..content::Limits::default()
        };
        let mut text = match catch_unwind(AssertUnwindSafe(|| {
            read_page(
                &doc,
                bytes,
                page,
                i,
                page_limits,
                limits.scan_pixels,
                limits.expect_chinese,
            )
        })) {
            Ok(Ok((mut t, used))) => {
                bytes_left = bytes_left.saturating_sub(used);
                t.page = number;
                t
            }
            Ok(Err(why)) => {
                return Err(IngestError::LimitExceeded {
                    reason: format!("page {number}: {why}"),
                });
            }
            Err(_) => PageText {
                page: number,
                warnings: vec![INTERNAL_ERROR.into()],
                ..PageText::default()
            },
        };
        if i == 0
            && let Some(w) = &tree_warning
        {
            text.warnings.insert(0, w.clone());
        }
        out.pages.push(text);
    }
    Ok(out)
}

/// The warning a page gets when the reader itself failed on it (a bug, not the file's fault).
/// The warning a page gets when its reading failed inside the reader (a bug, never the file's
/// fault): the page is kept, empty, and the rest of the document is read.
pub const INTERNAL_ERROR: &str = "internal error while reading this page";

fn one_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("").trim();
    line.chars().take(200).collect()
}

/// A page found in the page tree, with what it inherits.
struct PageRef<'a> {
    dict: &'a Dictionary,
    resources: Option<&'a Dictionary>,
    media_box: Option<[f64; 4]>,
}

fn media_box(doc: &Document, dict: &Dictionary) -> Option<[f64; 4]> {
    let Some(Object::Array(a)) = font::get(doc, dict, b"MediaBox") else {
        return None;
    };
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f64> = a
        .iter()
        .filter_map(|o| font::resolve(doc, o).and_then(font::num))
        .collect();
    if v.len() != 4 {
        return None;
    }
    let b = [
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ];
    (b[2] - b[0] > 1.0 && b[3] - b[1] > 1.0).then_some(b)
}

fn is_pages_node(doc: &Document, d: &Dictionary) -> bool {
    match font::get_name(doc, d, b"Type") {
        Some(b"Pages") => true,
        Some(b"Page") => false,
        _ => matches!(font::get(doc, d, b"Kids"), Some(Object::Array(_))),
    }
}

/// Walks the page tree with a cycle guard; falls back to scanning for `/Type /Page` objects
/// when the tree yields nothing.
fn collect_pages(doc: &Document) -> (Vec<PageRef<'_>>, Option<String>) {
    let mut pages = Vec::new();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    let mut cycle = false;
    let root = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Pages").ok())
        .and_then(|o| o.as_reference().ok());
    type Frame<'a> = (ObjectId, Option<&'a Dictionary>, Option<[f64; 4]>, usize);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    if let Some(r) = root {
        stack.push((r, None, None, 0));
    }
    while let Some((id, res, mb, depth)) = stack.pop() {
        if pages.len() >= MAX_PAGES || visited.len() >= MAX_PAGE_NODES {
            break;
        }
        if !visited.insert(id) {
            cycle = true;
            continue;
        }
        let Ok(dict) = doc.get_dictionary(id) else {
            continue;
        };
        let res = font::get_dict(doc, dict, b"Resources").or(res);
        let mb = media_box(doc, dict).or(mb);
        if is_pages_node(doc, dict) {
            if depth > 256 {
                continue;
            }
            if let Some(Object::Array(kids)) = font::get(doc, dict, b"Kids") {
                for kid in kids.iter().rev() {
                    if let Ok(kid_id) = kid.as_reference() {
                        stack.push((kid_id, res, mb, depth + 1));
                    }
                }
            }
        } else {
            pages.push(PageRef {
                dict,
                resources: res,
                media_box: mb,
            });
        }
    }
    if !pages.is_empty() {
        let w = cycle.then(|| "page tree has a cycle; each page read once".to_string());
        return (pages, w);
    }
    // Fallback: every object that says it is a page, in object order.
    for obj in doc.objects.values() {
        if pages.len() >= MAX_PAGES {
            break;
        }
        if let Object::Dictionary(d) = obj
            && font::get_name(doc, d, b"Type") == Some(b"Page")
        {
            pages.push(PageRef {
                dict: d,
                resources: font::get_dict(doc, d, b"Resources"),
                media_box: media_box(doc, d),
            });
        }
    }
    let w = (!pages.is_empty())
        .then(|| "page tree unreadable; pages found by scanning objects".to_string());
    (pages, w)
}

/// Reads one page; Err(reason) when a resource limit stopped it. Also returns the decoded
/// bytes it used.
fn read_page(
    doc: &Document,
    file: &[u8],
    page: &PageRef<'_>,
    index: usize,
    limits: content::Limits,
    scan_pixels: u64,
    expect_chinese: bool,
) -> Result<(PageText, usize), String> {
    let scan_bytes = limits.max_bytes;
    let mut interp = content::Interpreter::new(doc, limits);
    let mut data: Vec<u8> = Vec::new();
    let mut warnings = Vec::new();
    let streams: Vec<&Object> = match font::get(doc, page.dict, b"Contents") {
        Some(Object::Array(a)) => a.iter().take(10_000).collect(),
        Some(Object::Stream(_)) => page.dict.get(b"Contents").ok().into_iter().collect(),
        Some(o) => vec![o],
        // A reference the parser could not load (a stream without a usable /Length).
        None => page.dict.get(b"Contents").ok().into_iter().collect(),
    };
    for s in streams {
        let lost = match font::resolve(doc, s) {
            None => true,
            // lopdf reads a stream without /Length as empty.
            Some(Object::Stream(st)) => st.content.is_empty() && !st.dict.has(b"Length"),
            Some(_) => false,
        };
        if let Object::Reference(id) = s
            && lost
        {
            match raw_stream(file, *id) {
                Some(d) if d.len() <= interp.bytes_left() => {
                    interp.charge_bytes(d.len() + 1);
                    data.extend_from_slice(&d);
                    data.push(b'\n');
                    warnings.push("content stream recovered from the file's bytes".into());
                }
                _ => warnings.push("page content stream missing or unreadable; skipped".into()),
            }
            continue;
        }
        match font::resolve(doc, s) {
            Some(Object::Stream(stream)) => match font::stream_data(stream, interp.bytes_left()) {
                Ok(d) => {
                    interp.charge_bytes(d.len() + 1);
                    data.extend_from_slice(&d);
                    data.push(b'\n');
                }
                Err(e @ (font::StreamError::TooLarge(_) | font::StreamError::Ratio)) => {
                    return Err(format!("content {e}"));
                }
                Err(e) => warnings.push(format!("content stream skipped: {e}")),
            },
            Some(Object::Null) | None => {}
            Some(_) => warnings.push("page /Contents is not a stream; skipped".into()),
        }
    }
    interp.run_page(&data, page.resources);
    let content_glyphs = interp.glyph_count();
    run_annotations(doc, page, &mut interp);
    let used = limits.max_bytes.saturating_sub(interp.bytes_left());
    let glyphs = interp.finish();
    if let Some(why) = glyphs.limit {
        return Err(why);
    }
    let laid = layout::page_text(&glyphs, page.media_box);
    warnings.extend(glyphs.warnings.iter().cloned());
    let (visible, junk) = text_quality(&laid.text);
    // Text that is mostly U+FFFD or private-use code points is a font without a usable map:
    // the page must be read from its image.
    let junk_text = visible > 0 && junk * 2 > visible;
    if junk_text {
        warnings.push(format!(
            "{junk} of {visible} characters are U+FFFD or private-use: text layer unusable"
        ));
    }
    // Chinese whose GBK bytes came out as Latin-1 letters (`Ä¿¡¡Â¼¹ØÓÚ`): wrong characters,
    // not text; the page must be read from its image.
    let mojibake = gbk_as_latin1(&laid.text);
    if mojibake {
        warnings.push(
            "text is GBK-encoded Chinese read as Latin-1 letters (a font without a usable map): \
             text layer unusable"
                .into(),
        );
    }
    // Most glyphs without any Unicode mapping (an Identity-encoded font with no ToUnicode and
    // no usable cmap): the text is only in the drawing, so the page must be read from its image.
    let drawn = glyphs.glyphs.len() + glyphs.unmapped_glyphs;
    let unmapped_text = glyphs.unmapped_glyphs * 2 > drawn;
    if unmapped_text {
        warnings.push(format!(
            "{} of {drawn} glyphs have no Unicode mapping: text layer unusable",
            glyphs.unmapped_glyphs
        ));
    }
    // A scan whose only text is an annotation's (an e-signature stamp, a form field, a note
    // put on the scanned page): the page itself is still an image.
    let scan = glyphs.images > 0 && (visible == 0 || content_glyphs == 0);
    if scan && visible > 0 {
        warnings
            .push("text only in annotations (signature stamp, fields) over a scanned page".into());
    }
    // Expected Chinese, the page shows other scripts' letters and rare ideographs (a font
    // whose map points at glyph numbers): wrong characters, not text.
    let implausible = expect_chinese
        && !junk_text
        && !mojibake
        && implausible_for_chinese(&laid.text)
            .inspect(|(bad, visible)| {
                warnings.push(format!(
                    "{bad} of {visible} characters are implausible in Chinese text (other scripts' \
                 letters, rare ideographs): text layer unusable"
                ));
            })
            .is_some();
    let needs_ocr = junk_text || mojibake || unmapped_text || implausible || scan;
    let scan_image = if needs_ocr && scan_pixels > 0 {
        // A scan (an image and no text) is read from its image as it is; a page whose text is
        // drawn with fonts that cannot be read, or whose image cannot be decoded here (JBIG2),
        // is rendered whole, text, images and all.
        let font_trouble = junk_text || mojibake || unmapped_text || implausible;
        let image = if font_trouble {
            Ok(None)
        } else {
            page_scan(doc, &glyphs.placed_images, scan_pixels, scan_bytes)
        };
        match image {
            Ok(Some(img)) => Some(img),
            other => {
                if let Err(why) = other {
                    warnings.push(format!(
                        "page image cannot be decoded for OCR ({why}): rendering the page"
                    ));
                }
                match scan::render_page(file, index, RENDER_DPI, scan_pixels) {
                    Ok(img) => Some(img),
                    Err(why) => {
                        warnings.push(format!("page cannot be rendered for OCR: {why}"));
                        None
                    }
                }
            }
        }
    } else {
        None
    };
    let mut out = PageText {
        page: 0,
        needs_ocr,
        text: laid.text,
        warnings,
        scan: scan_image,
        ..PageText::default()
    };
    for (start, boxes) in laid.lines {
        out.add_line(start, boxes);
    }
    Ok((out, used))
}

/// Resolution at which a page without an image is rendered for OCR.
const RENDER_DPI: f32 = 300.0;

/// The image of a scanned page for OCR: the largest image XObject drawn on it (by area on the
/// page), decoded by [`scan::decode`]. None when the page draws no image XObject.
fn page_scan(
    doc: &Document,
    placed: &[(ObjectId, content::Matrix)],
    max_pixels: u64,
    max_bytes: usize,
) -> Result<Option<ScanImage>, String> {
    let area = |m: &content::Matrix| (m[0] * m[3] - m[1] * m[2]).abs();
    let Some((id, ctm)) = placed
        .iter()
        .filter(|(_, m)| area(m).is_finite())
        .max_by(|a, b| area(&a.1).total_cmp(&area(&b.1)))
    else {
        return Ok(None);
    };
    let stream = doc
        .get_object(*id)
        .and_then(Object::as_stream)
        .map_err(|e| e.to_string())?;
    scan::decode(doc, stream, *ctm, max_pixels, max_bytes).map(Some)
}

/// Most bytes searched for a stream's end when it is recovered from the raw file.
const MAX_RAW_STREAM: usize = 16 << 20;

/// The data of stream object `id` read straight from the file's bytes, for a stream lopdf
/// could not load (no `/Length`, or a wrong one and no `endstream` where it points): from
/// the last `N G obj` … `stream` to the next `endstream`, as poppler recovers it. Unfiltered
/// or FlateDecode data only; None when not found.
fn raw_stream(file: &[u8], id: ObjectId) -> Option<Vec<u8>> {
    let head = format!("{} {} obj", id.0, id.1);
    let head = head.as_bytes();
    let at = file
        .windows(head.len())
        .enumerate()
        .filter(|(i, w)| *w == head && (*i == 0 || !file[i - 1].is_ascii_digit()))
        .map(|(i, _)| i)
        .next_back()?;
    let rest = &file[at + head.len()..];
    let kw = rest
        .windows(6)
        .take(64 << 10)
        .position(|w| w == b"stream")?;
    let dict = &rest[..kw];
    if dict.windows(6).any(|w| w == b"endobj") {
        return None;
    }
    let mut body = &rest[kw + 6..];
    if body.starts_with(b"\r\n") {
        body = &body[2..];
    } else if body.starts_with(b"\n") || body.starts_with(b"\r") {
        body = &body[1..];
    }
    let end = body
        .windows(9)
        .take(MAX_RAW_STREAM)
        .position(|w| w == b"endstream")?;
    let data = body[..end].to_vec();
    let filtered = dict.windows(7).any(|w| w == b"/Filter");
    if !filtered {
        return Some(data);
    }
    if !dict.windows(12).any(|w| w == b"/FlateDecode") {
        return None;
    }
    let stream = lopdf::Stream::new(lopdf::dictionary! { "Filter" => "FlateDecode" }, data);
    font::stream_data(&stream, MAX_RAW_STREAM).ok()
}

/// Visible (non-whitespace) characters and how many of them are U+FFFD or private-use.
fn text_quality(text: &str) -> (usize, usize) {
    let (mut visible, mut junk) = (0, 0);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        if matches!(c as u32, 0xFFFD | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF) {
            junk += 1;
        }
    }
    (visible, junk)
}

/// Whether a character is one Chinese text holds: ASCII, a common ideograph (GB 2312, the
/// simplified set, or Big5, the traditional one), CJK, full-width and general punctuation,
/// and the symbols filings print (×, ¥, №, ①, □, ■, √, ─).
fn plausible_in_chinese(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        return !c.is_ascii_control();
    }
    match u {
        // Latin-1 punctuation and signs (no letters), × and ÷.
        0xA0..=0xBF | 0xD7 | 0xF7 => true,
        // General punctuation, letterlike symbols, number forms, arrows, maths, enclosed
        // numerals, box drawing, geometric shapes, misc symbols, dingbats (☑ ✓).
        0x2000..=0x206F | 0x2100..=0x21FF | 0x2200..=0x22FF | 0x2460..=0x24FF => true,
        0x2500..=0x27BF => true,
        // CJK symbols and punctuation, Kangxi-free radicals aside, full-width forms.
        0x3000..=0x303F | 0xFF00..=0xFFEF | 0xFE30..=0xFE4F => true,
        // Ideographs: common when GB 2312 (two bytes, both ≥ 0xA1) or Big5 has them.
        0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF => {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            let (gbk, _, bad) = encoding_rs::GBK.encode(s);
            let gb2312 = !bad && gbk.len() == 2 && gbk[0] >= 0xA1 && gbk[1] >= 0xA1;
            let (big5, _, bad5) = encoding_rs::BIG5.encode(s);
            gb2312 || (!bad5 && big5.len() == 2)
        }
        _ => false,
    }
}

/// A page that should be Chinese but whose visible characters are implausible for it: at
/// least 30 visible characters and more than one in seven of them outside what Chinese text
/// holds ([`plausible_in_chinese`]), counting ASCII signs that no figure, date or code
/// explains (`!"#$&'+;<=>?@[]^{|}~` anywhere; `,:/%()` away from any letter or digit: what
/// glyph numbers 33–126 read as code points give, `!"#$ %&' ()* +,`) and letters that make no
/// word (four or more consonants in a row: `jjjkP`). Returns (implausible,
/// visible). Japanese and Korean pages (kana, hangul) are left alone: they are text, only not
/// Chinese.
fn implausible_for_chinese(text: &str) -> Option<(usize, usize)> {
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if visible.len() < 30
        || visible
            .iter()
            .any(|c| matches!(*c as u32, 0x3040..=0x30FF | 0xAC00..=0xD7AF))
    {
        return None;
    }
    let near_alnum = |i: usize| {
        let alnum = |j: Option<&char>| j.is_some_and(|c| c.is_ascii_alphanumeric());
        alnum(i.checked_sub(1).and_then(|j| visible.get(j))) || alnum(visible.get(i + 1))
    };
    // Accented Latin letters as European languages write them: a minority among the letters
    // (a fifth at most), not the glyph numbers 192–591 of a font read as code points.
    let accented = |c: char| matches!(c as u32, 0xC0..=0x24F) && c.is_alphabetic();
    let letters = visible
        .iter()
        .filter(|c| c.is_ascii_alphabetic() || accented(**c))
        .count();
    let latin_ok = visible.iter().filter(|c| accented(**c)).count() * 5 <= letters;
    let bad = (0..visible.len())
        .filter(|&i| {
            let c = visible[i];
            if latin_ok && accented(c) {
                false
            } else if "!\"#$&'+;<=>?@[\\]^`{|}~".contains(c) {
                true
            } else if ",:/%()".contains(c) {
                !near_alnum(i)
            } else {
                !plausible_in_chinese(c)
            }
        })
        .count();
    // Letters that make no word: four or more ASCII consonants in a row (`llkl`, and `jjjkP`
    // in `OjPijjjkP`) are what digits and words read as glyph numbers give; English and codes
    // (`LPR`, `JK`) rarely have them.
    let text: String = visible.iter().collect();
    let wordless: usize = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .flat_map(|run| run.split(|c: char| "aeiouyAEIOUY".contains(c)))
        .filter(|piece| piece.len() >= 4)
        .map(str::len)
        .sum();
    let bad = bad + wordless;
    (bad * 7 > visible.len()).then_some((bad, visible.len()))
}

/// True when a page's text is Chinese whose GBK bytes were taken one by one as Latin-1 letters
/// (a font whose encoding the PDF does not give: `Ä¿¡¡Â¼¹ØÓÚ` for `目　　录关于`): at least 20
/// visible characters, at least 60 % of them in U+00A1–U+00FE (no Latin-script language comes
/// close: accented letters stay under a fifth of a French, Polish or Icelandic page), nearly
/// all of those next to another one (a character's two bytes; a table of accented letters
/// spaced apart is not this), and, read as GBK, mostly Chinese characters and full-width
/// punctuation.
fn gbk_as_latin1(text: &str) -> bool {
    let is_high = |c: char| ('\u{A1}'..='\u{FE}').contains(&c);
    let chars: Vec<char> = text.chars().collect();
    let visible: Vec<char> = chars
        .iter()
        .copied()
        .filter(|c| !c.is_whitespace())
        .collect();
    let high = visible.iter().filter(|c| is_high(**c)).count();
    if visible.len() < 20 || high * 10 < visible.len() * 6 {
        return false;
    }
    let paired = (0..chars.len())
        .filter(|&i| {
            is_high(chars[i])
                && ((i > 0 && is_high(chars[i - 1]))
                    || chars.get(i + 1).is_some_and(|c| is_high(*c)))
        })
        .count();
    if paired * 10 < high * 8 {
        return false;
    }
    let bytes: Vec<u8> = visible
        .iter()
        .filter_map(|c| u8::try_from(u32::from(*c)).ok())
        .collect();
    let (decoded, _, _) = encoding_rs::GBK.decode(&bytes);
    let chinese = decoded
        .chars()
        .filter(|c| matches!(u32::from(*c), 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF))
        .count();
    // Each Chinese character takes two of the high bytes.
    chinese * 2 * 10 >= high * 7
}

/// Draws the normal appearance of each visible annotation (form fields, stamps, free text):
/// e-signature and seal text often lives there.
fn run_annotations<'a>(
    doc: &'a Document,
    page: &PageRef<'a>,
    interp: &mut content::Interpreter<'a>,
) {
    let Some(Object::Array(annots)) = font::get(doc, page.dict, b"Annots") else {
        return;
    };
    // `/NeedAppearances true`: the form's appearance streams are stale, viewers rebuild the
    // fields' appearances from their values (ISO 32000-1, 12.7.2).
    let rebuild_fields = doc
        .catalog()
        .ok()
        .and_then(|c| font::get_dict(doc, c, b"AcroForm"))
        .and_then(|f| font::get(doc, f, b"NeedAppearances"))
        .is_some_and(|o| matches!(o, Object::Boolean(true)));
    for a in annots.iter().take(2_000) {
        let Some(Object::Dictionary(annot)) = font::resolve(doc, a) else {
            continue;
        };
        let flags = font::get_num(doc, annot, b"F").unwrap_or(0.0) as i64;
        // Hidden (bit 2) or NoView (bit 6).
        if flags & 2 != 0
            || flags & 32 != 0
            || font::get_name(doc, annot, b"Subtype") == Some(b"Popup")
        {
            continue;
        }
        // An annotation in a hidden optional-content group is not shown.
        if let Ok(oc) = annot.get(b"OC")
            && !interp.oc_visible(oc)
        {
            continue;
        }
        let rect = match font::get(doc, annot, b"Rect") {
            Some(Object::Array(r)) if r.len() == 4 => {
                let v: Vec<f64> = r.iter().map(|o| font::num(o).unwrap_or(0.0)).collect();
                [
                    v[0].min(v[2]),
                    v[1].min(v[3]),
                    v[0].max(v[2]),
                    v[1].max(v[3]),
                ]
            }
            _ => continue,
        };
        if rebuild_fields
            && font::get_name(doc, annot, b"Subtype") == Some(b"Widget")
            && let Some((text, size)) =
                text_without_appearance(doc, annot).or_else(|| button_mark(doc, annot))
        {
            interp.add_plain_text(&text, rect, size);
            continue;
        }
        let Some(normal) = font::get_dict(doc, annot, b"AP").and_then(|ap| ap.get(b"N").ok())
        else {
            if let Some((text, size)) = text_without_appearance(doc, annot) {
                interp.add_plain_text(&text, rect, size);
            }
            continue;
        };
        let (id, obj) = match normal {
            Object::Reference(id) => (Some(*id), font::resolve(doc, normal)),
            other => (None, Some(other)),
        };
        let (id, stream) = match obj {
            Some(Object::Stream(s)) => (id, s),
            Some(Object::Dictionary(states)) => {
                let Some(state) = font::get_name(doc, annot, b"AS") else {
                    continue;
                };
                let Ok(entry) = states.get(state) else {
                    continue;
                };
                let sid = entry.as_reference().ok();
                match font::resolve(doc, entry) {
                    Some(Object::Stream(s)) => (sid, s),
                    _ => continue,
                }
            }
            _ => continue,
        };
        interp.run_annotation(stream, id, rect);
    }
}

/// The mark a viewer draws for a checked check box or a selected radio button when it rebuilds
/// the field's appearance (`/NeedAppearances`): the ZapfDingbats character of its `/MK /CA`;
/// without one ✓ for a check box (as poppler draws it) and nothing for a radio button (a
/// drawn dot, not text). None when the button is off or is a push button.
fn button_mark(doc: &Document, annot: &Dictionary) -> Option<(String, f64)> {
    if field_entry(doc, annot, b"FT").and_then(|o| o.as_name().ok()) != Some(b"Btn") {
        return None;
    }
    let flags = field_entry(doc, annot, b"Ff")
        .and_then(font::num)
        .unwrap_or(0.0) as i64;
    if flags & (1 << 16) != 0 {
        return None;
    }
    match font::get_name(doc, annot, b"AS") {
        None | Some(b"Off") => return None,
        Some(_) => {}
    }
    let radio = flags & (1 << 15) != 0;
    let caption = font::get_dict(doc, annot, b"MK")
        .and_then(|mk| font::get(doc, mk, b"CA"))
        .and_then(|o| o.as_str().ok())
        .and_then(|s| s.first().copied());
    let code = match caption {
        Some(c) => c,
        None if radio => return None,
        None => b'3',
    };
    let mark = encoding::symbolic_builtin("ZapfDingbats").and_then(|t| t[code as usize])?;
    Some((mark.to_string(), 0.0))
}

/// An entry of a form field, looked up on the field and then up its `/Parent` chain (field
/// attributes are inherited, ISO 32000-1, 12.7.3.1).
fn field_entry<'a>(doc: &'a Document, field: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut d = field;
    for _ in 0..32 {
        if let Some(v) = font::get(doc, d, key) {
            return Some(v);
        }
        d = font::get_dict(doc, d, b"Parent")?;
    }
    None
}

/// The text an annotation without an appearance stream shows, as viewers (and poppler) draw
/// it: a FreeText note's `/Contents`, a text field's or a combo box's value `/V` (a password
/// field's as asterisks). With the font size of its
/// `/DA` (0 = auto: then 12).
fn text_without_appearance(doc: &Document, annot: &Dictionary) -> Option<(String, f64)> {
    let text_obj = match font::get_name(doc, annot, b"Subtype")? {
        b"FreeText" => font::get(doc, annot, b"Contents")?,
        b"Widget" => {
            let combo = || {
                field_entry(doc, annot, b"Ff")
                    .and_then(font::num)
                    .is_some_and(|f| f as i64 & (1 << 17) != 0)
            };
            match field_entry(doc, annot, b"FT").and_then(|o| o.as_name().ok()) {
                Some(b"Tx") => field_entry(doc, annot, b"V")?,
                // A combo box shows its value (the first one when several are selected).
                Some(b"Ch") if combo() => match field_entry(doc, annot, b"V")? {
                    Object::Array(a) => font::resolve(doc, a.first()?)?,
                    v => v,
                },
                _ => return None,
            }
        }
        _ => return None,
    };
    let mut text = lopdf::decode_text_string(text_obj).ok()?;
    let field_flags = field_entry(doc, annot, b"Ff")
        .and_then(font::num)
        .unwrap_or(0.0) as i64;
    if field_flags & (1 << 13) != 0 {
        // A password field shows one '*' per character, never the value.
        text = "*".repeat(text.chars().count());
    }
    if text.trim().is_empty() {
        return None;
    }
    let da = field_entry(doc, annot, b"DA")
        .and_then(|o| o.as_str().ok())
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default();
    let words: Vec<&str> = da.split_whitespace().collect();
    let size = words
        .windows(2)
        .rev()
        .find(|w| w[1] == "Tf")
        .and_then(|w| w[0].parse::<f64>().ok())
        .unwrap_or(0.0);
    Some((text, size))
}

#[cfg(test)]
mod tests;
