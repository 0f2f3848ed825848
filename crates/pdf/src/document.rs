//! [`DocumentText`]: the text of a filing, page by page, as `ingest` read it and `extract`
//! consumes it.

use serde::{Deserialize, Serialize};

/// The text of one page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageText {
    /// 1-based page number.
    pub page: u32,
    /// The page's text in reading order: lines separated by `\n`, table cells of one row
    /// separated by `\t`.
    pub text: String,
    /// True when the page carries no text layer but does show images (a scan): OCR needed.
    pub needs_ocr: bool,
    /// Problems met while reading this page (a font that could not be decoded, …); the text
    /// is still the best that could be read.
    pub warnings: Vec<String>,
    /// Where each line of `text` lies on the page, character by character (empty for text
    /// that did not come from a PDF, and left out of the JSON when empty). Maps a char span of
    /// `text` to page coordinates for highlighting: see [`PageText::span_boxes`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineBox>,
    /// Set when `text` was read from the page's image by OCR rather than from a text layer:
    /// the engine and how sure it was, character by character (left out of the JSON when
    /// the page has a text layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocr: Option<PageOcr>,
    /// The page's image, decoded for OCR, when the page needs OCR and the reader was asked to
    /// keep it ([`ReadLimits::scan_pixels`](crate::ReadLimits::scan_pixels)); never serialized.
    #[serde(skip)]
    pub scan: Option<crate::scan::ScanImage>,
}

/// How a page's text was read by OCR.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageOcr {
    /// The engine and language (`tesseract 5.3.0 chi_sim`).
    pub engine: String,
    /// The image's resolution on the page, pixels per inch, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpi: Option<u32>,
    /// Mean confidence of the page's characters, 0–100.
    pub confidence: u8,
    /// The engine's confidence in each char of the page text (0–100, one per `char`; the
    /// line breaks the reader put in count as 100).
    pub char_confidence: Vec<u8>,
}

impl PageOcr {
    /// The lowest confidence (0–100) of chars `start..end` of the page text; None for an empty
    /// or out-of-range span.
    pub fn span_confidence(&self, start: u32, end: u32) -> Option<u8> {
        self.char_confidence
            .get(start as usize..(end as usize).min(self.char_confidence.len()))
            .and_then(|s| s.iter().copied().min())
    }
}

/// An axis-aligned box on the page: `[x0, y0, x1, y1]` in PDF default user space (points, origin
/// at the bottom left of the page's coordinate system, y upwards; the page's `/Rotate` is not
/// applied), `x0 <= x1`, `y0 <= y1`.
pub type PageBox = [f32; 4];

/// One line of [`PageText::text`] and where its characters are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LineBox {
    /// First character of the line in the page text (inclusive), in chars as
    /// `SourceSpan::start` counts them.
    pub start: u32,
    /// End of the line (exclusive), in chars; the `\n` after it is not part of the line.
    pub end: u32,
    /// The union of the line's character boxes.
    pub bbox: PageBox,
    /// One box per character of the line (`end - start` of them). A glyph's box spans its
    /// advance and, across it, from 0.2 em below to 0.8 em above the baseline; a separator the
    /// reader inserted (a space or tab between glyphs) gets the gap between its neighbours.
    pub chars: Vec<PageBox>,
}

// Coordinates are always finite (the reader never stores NaN), so equality is total.
impl Eq for LineBox {}

impl PageText {
    /// Records where the line of `text` that starts at char `start` lies: one box per char
    /// (`chars.len()` chars). Non-finite coordinates are stored as 0.
    pub fn add_line(&mut self, start: u32, mut chars: Vec<PageBox>) {
        for b in &mut chars {
            for v in b.iter_mut() {
                if !v.is_finite() {
                    *v = 0.0;
                }
            }
        }
        let bbox = chars
            .iter()
            .copied()
            .reduce(|a, b| {
                [
                    a[0].min(b[0]),
                    a[1].min(b[1]),
                    a[2].max(b[2]),
                    a[3].max(b[3]),
                ]
            })
            .unwrap_or_default();
        self.lines.push(LineBox {
            start,
            end: start.saturating_add(chars.len() as u32),
            bbox,
            chars,
        });
    }

    /// The boxes that cover chars `start..end` of `text`: one per line the span touches (the
    /// union of that line's boxes inside the span). Empty when the page has no positions or
    /// the span covers no positioned character.
    pub fn span_boxes(&self, start: u32, end: u32) -> Vec<PageBox> {
        let mut out = Vec::new();
        for line in &self.lines {
            let (s, e) = (start.max(line.start), end.min(line.end));
            if s >= e {
                continue;
            }
            let from = (s - line.start) as usize;
            let to = (e - line.start) as usize;
            let mut acc: Option<PageBox> = None;
            for b in line.chars.get(from..to).unwrap_or(&[]) {
                acc = Some(match acc {
                    None => *b,
                    Some(a) => [
                        a[0].min(b[0]),
                        a[1].min(b[1]),
                        a[2].max(b[2]),
                        a[3].max(b[3]),
                    ],
                });
            }
            out.extend(acc);
        }
        out
    }
}

/// The text of a whole document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentText {
    /// Pages in order.
    pub pages: Vec<PageText>,
}

impl DocumentText {
    /// A document from plain page strings (used by tests and the text-only paths).
    pub fn from_pages<S: AsRef<str>>(pages: &[S]) -> DocumentText {
        DocumentText {
            pages: pages
                .iter()
                .enumerate()
                .map(|(i, t)| PageText {
                    page: i as u32 + 1,
                    text: t.as_ref().to_owned(),
                    needs_ocr: false,
                    ..PageText::default()
                })
                .collect(),
        }
    }

    /// All pages joined by form feeds (`\x0c`), the `pdf-text` output format.
    pub fn joined(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.pages.iter().enumerate() {
            if i > 0 {
                out.push('\x0c');
            }
            out.push_str(&p.text);
        }
        out
    }

    /// Drops the per-character positions of every page (for compact output, e.g. `pdf-text
    /// --json` without `--positions`).
    pub fn without_positions(mut self) -> DocumentText {
        for p in &mut self.pages {
            p.lines = Vec::new();
        }
        self
    }

    /// True when any page needs OCR.
    pub fn any_needs_ocr(&self) -> bool {
        self.pages.iter().any(|p| p.needs_ocr)
    }
}
