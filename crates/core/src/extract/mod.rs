//! Extraction: a filing's text ([`DocumentText`]) → typed [`CaseFacts`] with per-field
//! provenance and findings.
//!
//! Two stages, as ripgrep splits its flags into low-level and high-level arguments:
//! 1. [`raw::read`]: rules over the text find the *strings* that hold each field, their spans
//!    and a confidence ([`RawExtraction`]). A tagging model (a later issue) can replace or
//!    complement this stage and produce the same type.
//! 2. `resolve`: the normalisers ([`amount`], [`date`], [`rate`]) type and validate those
//!    strings into [`CaseFacts`]; doubts become [`Finding`]s.
//!
//! This module owns reading facts from text. It must not apply legal rules (caps, limitation,
//! fees: `rules`), do IO, or fail: [`extract`] always returns an [`Extraction`], and a filing
//! it cannot read yields mostly empty facts plus `missing_field` findings.
//!
//! [`pii`] recognises and masks ID, credit-code, phone and card numbers for logs.

pub mod amount;
pub mod assignment;
pub mod catalogue;
pub mod date;
pub mod ocr;
pub mod pii;
pub mod rate;
pub mod raw;
mod resolve;
pub mod segment;
pub mod tagger;
mod text;

#[cfg(test)]
mod eval;

use crate::domain::lpr::LprTable;
use crate::domain::{CaseFacts, DocumentText, Finding, Provenance};
pub use raw::RawExtraction;

/// The result of extracting one filing.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    /// The typed facts.
    pub facts: CaseFacts,
    /// Per-field provenance: field path → page, char span, source text, confidence.
    pub provenance: Provenance,
    /// What the extractor doubts or could not read (`needs_ocr`, `amount_words_mismatch`,
    /// `missing_field`); legal findings are `rules`' job.
    pub findings: Vec<Finding>,
}

/// Extracts the facts of one filing with the shipped LPR table. Never fails: unreadable parts
/// become findings.
pub fn extract(id: &str, doc: &DocumentText) -> Extraction {
    extract_with(id, doc, LprTable::shipped())
}

/// Extracts the facts of one filing; contract rates written as "LPR + x 基点" read `lpr` (a
/// court's table: `RulesConfig::lpr`, its `[[lpr]]` override rows merged). Never fails.
pub fn extract_with(id: &str, doc: &DocumentText, lpr: &LprTable) -> Extraction {
    let raw = raw::read(doc);
    let mut ex = resolve::resolve(id, doc, raw, lpr);
    ocr::mark(&mut ex, doc);
    ex
}
