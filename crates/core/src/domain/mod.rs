//! The domain vocabulary shared by every pipeline stage: money, rates, dates, parties, claims,
//! the typed facts of one filing (`CaseFacts`) and the findings raised about it.
//!
//! This module owns plain data only. It does no IO, knows nothing of PDFs, models, databases or
//! HTTP, and every other module speaks in these types. Field names of [`CaseFacts`] are the gold
//! JSON schema fixed in the foundation issue: data teams' gold files and our own output share it.
//!
//! Invariants:
//! - Money is never `f64`: amounts are [`Yuan`] (a `rust_decimal::Decimal` rounded to the fen).
//! - Rates are yearly fractions ([`Rate`], `0.0435` = 4.35 %/yr), also decimal.
//! - Dates are `chrono::NaiveDate`: no time zone anywhere.

mod doc_type;
mod facts;
mod field;
mod finding;
mod ids;
pub mod lpr;
mod money;

pub use doc_type::DocType;
pub use facts::{
    CaseFacts, CaseType, Claims, Collateral, Defendant, DefendantRole, EvidenceKind, Plaintiff,
    PlaintiffKind, Provenance, Repayment, SourceSpan,
};
pub use field::{FactField, FieldInputError, ValueKind, parse_money, parse_rate_percent};
/// The page text types are the PDF reader's (`fincase-pdf`), named here as the domain's words.
pub use fincase_pdf::{DocumentText, LineBox, PageBox, PageText};
pub use finding::{Finding, FindingCode, Quote, Severity};
pub use ids::{BatchId, CourtId, FilingId, FilingStatus, JobId, ReviewState};
pub use money::{Rate, Yuan};

/// 2024-07-02 → `2024年7月2日`, as court documents and screens write a date in body text.
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits: the one spelling of a content hash
/// (originals, token hashes, the audit chain, template overrides, model identities).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_hashes_are_lowercase_hex() {
        // FIPS 180-2's "abc" vector.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(sha256_hex(b"abc"), abc);
        assert_eq!(FilingId::of_bytes(b"abc").as_str(), &abc[..16]);
    }
}
