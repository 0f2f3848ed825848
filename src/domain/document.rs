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
                    warnings: Vec::new(),
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

    /// True when any page needs OCR.
    pub fn any_needs_ocr(&self) -> bool {
        self.pages.iter().any(|p| p.needs_ocr)
    }
}
