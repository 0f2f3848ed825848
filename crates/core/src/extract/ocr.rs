//! Values read from OCR'd pages: each span on a page read by OCR
//! ([`PageText::ocr`](crate::domain::DocumentText)) is marked `ocr` and its confidence capped
//! by the engine's confidence in the span's characters; one `ocr_read` finding tells the judge
//! which pages were read by OCR and, when a field a draft needs is missing or uncertain,
//! routes the filing to review.

use super::Extraction;
use crate::domain::{DocumentText, Finding, FindingCode, Severity};

/// The most an OCR'd value's confidence can be: a scan is never as sure as a text layer.
pub const OCR_CAP: f32 = 0.9;
/// A value read by OCR counts as read with high confidence from here (the least confidence
/// of the engine in the span's characters, scaled to 0–1 and capped by [`OCR_CAP`]).
pub const OCR_HIGH: f32 = 0.8;

/// The fields a draft needs, by provenance key (a key ending in `.name` under `defendants[`
/// stands for every defendant).
const REQUIRED: [(&str, &str); 4] = [
    ("claims.principal", "诉请本金"),
    ("plaintiff.name", "原告名称"),
    ("defendants[", "被告姓名"),
    ("court", "受诉法院"),
];

/// Marks the spans of `ex` that lie on OCR'd pages of `doc` and adds the `ocr_read` finding
/// (once; calling it again changes nothing). A document without OCR'd pages is left as it is.
pub fn mark(ex: &mut Extraction, doc: &DocumentText) {
    let ocr_pages: Vec<(u32, u8)> = doc
        .pages
        .iter()
        .filter_map(|p| p.ocr.as_ref().map(|o| (p.page, o.confidence)))
        .collect();
    if ocr_pages.is_empty() || ex.findings.iter().any(|f| f.code == FindingCode::OcrRead) {
        return;
    }
    for span in ex.provenance.values_mut() {
        let Some(ocr) = doc
            .pages
            .get(span.page.saturating_sub(1) as usize)
            .and_then(|p| p.ocr.as_ref())
        else {
            continue;
        };
        let engine = ocr
            .span_confidence(span.start, span.end)
            .map_or(0.0, |c| f32::from(c) / 100.0);
        span.ocr = true;
        span.confidence = span.confidence.min(OCR_CAP).min(engine);
    }
    // Required fields: missing, or read by OCR below OCR_HIGH.
    let mut doubtful: Vec<&str> = Vec::new();
    for (key, zh) in REQUIRED {
        let spans: Vec<_> = ex
            .provenance
            .iter()
            .filter(|(k, _)| {
                if key == "defendants[" {
                    k.starts_with(key) && k.ends_with("].name")
                } else {
                    k.as_str() == key
                }
            })
            .map(|(_, s)| s)
            .collect();
        if spans.is_empty() || spans.iter().any(|s| s.ocr && s.confidence < OCR_HIGH) {
            doubtful.push(zh);
        }
    }
    let pages: Vec<String> = ocr_pages.iter().map(|(p, _)| p.to_string()).collect();
    let mean = ocr_pages.iter().map(|(_, c)| u32::from(*c)).sum::<u32>() / ocr_pages.len() as u32;
    let read = format!(
        "第{}页为扫描件，文字经OCR识别（平均置信度{mean}%），取自这些页的要素已标注“OCR”",
        pages.join("、")
    );
    let (severity, message) = if doubtful.is_empty() {
        (Severity::Info, format!("{read}，必需要素均以高置信度读取"))
    } else {
        (
            Severity::Review,
            format!(
                "{read}；{}未能以高置信度读取，需对照扫描原件核对",
                doubtful.join("、")
            ),
        )
    };
    ex.findings
        .push(Finding::new(FindingCode::OcrRead, severity, None, message));
}
