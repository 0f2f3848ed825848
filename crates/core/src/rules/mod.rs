//! The legal rules: pre-check findings (预查), the suggested outcome with a calculation trail for
//! every amount, the court fee (诉讼费), and the compiled-in tables they need (LPR, small-claims
//! thresholds).
//!
//! **Owns:** the legal arithmetic and its citations. The source of truth is the domain file
//! (`shared/domain/financial-cases.md`); every rule keeps its verification tag there in its doc
//! and in its trail text: **\[P\]** primary text checked, **\[S\]** secondary source, **\[M\]** from
//! memory, unverified.
//!
//! **Must not:** do IO, call a model, see an HTTP, DB or tensor type, or use `f64` for money.
//! It takes `CaseFacts` (+ findings + a [`RulesConfig`]) and returns plain data. Nothing here
//! panics on input data.
//!
//! # Layout
//! - [`config`]: [`RulesConfig`], per-court parameters with national defaults and a TOML override.
//! - [`tables`]: small-claims thresholds, embedded CSV (`include_str!`); the LPR history is
//!   [`crate::domain::lpr`], re-exported here as [`LprTable`].
//! - [`interest`]: the cap regime of a case, simple-interest arithmetic, the day count (contract
//!   over court) and period-by-period interest on a repayment ledger.
//! - [`fee`]: 案件受理费 / 支付令申请费 ([`court_fee`]), 保全费 ([`preservation_fee`]), 执行费
//!   ([`enforcement_fee`]), each a [`TieredSchedule`].
//! - [`precheck`](mod@precheck): the rule findings ([`precheck()`]).
//! - [`suggest`](mod@suggest): the outcome ([`suggest()`]); [`outcome`] holds its types.
//!
//! # Invariants
//! - Every [`Award`] and the [`CourtFee`] carry a trail; each step cites its rule.
//! - `awarded ≤ claimed` for every item; capped interest never exceeds the ceiling or the claim.
//! - Calendar arithmetic is chrono month arithmetic (2-29 + 1 year = 2-28).

pub mod config;
pub mod example;
pub mod fee;
pub mod interest;
pub mod outcome;
pub mod precheck;
pub mod suggest;
pub mod tables;

#[cfg(test)]
mod suggest_tests;

pub use crate::domain::lpr::{LprQuote, LprTable};
pub use config::RulesConfig;
pub use fee::{
    FeeRounding, FeeSlice, TieredSchedule, court_fee, court_fee_with, enforcement_fee,
    enforcement_fee_with, preservation_fee, preservation_fee_with,
};
pub use outcome::{
    Adjustment, AdjustmentReason, Assessment, Award, AwardItem, CaseEnding, CollateralPriority,
    ContinuingInterest, CourtFee, Disposition, DisputePoint, DocumentKind, FeeBearer, FeeKind,
    FeeShare, GuarantorDecision, InterestCap, Outcome, Procedure, RateCut, RefusedInterest,
    TrailStep,
};
pub use precheck::precheck;
pub use suggest::suggest;
pub use tables::SmallClaimsThreshold;

/// Version of the rules and their compiled-in tables, recorded in every [`Outcome`].
pub const RULES_VERSION: &str =
    "fincase-rules/1 (诉讼费用交纳办法2007; lpr-2026-02-24; small-claims-v1)";

/// Errors of the rules layer: only configuration and table data can be wrong; facts never are
/// (bad facts give findings, not errors).
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A court's TOML override could not be read; the message says which key.
    #[error("rules configuration: {0}")]
    Config(String),
    /// A data table (LPR, thresholds) has a malformed row.
    #[error("rules table: {0}")]
    Table(String),
}

impl RulesError {
    /// Never retryable: the configuration must be fixed.
    pub fn is_retryable(&self) -> bool {
        false
    }
}
