//! Similar cases (类案推送): which decided cases a judge should read beside a new one.
//!
//! - [`archive`]: a decided case as the archive keeps it (facts, elements, decision).
//! - [`elements`]: the legal elements of a case read from its text (parties, security,
//!   interest, amount band, repayment, defence, evidence).
//! - [`rank`]: pairwise features of two cases, the learned re-ranker
//!   (`models/similar/reranker.json`) and reciprocal rank fusion of ranked lists.
//! - [`scm`]: CAIL2019-SCM triplets ("is A closer to B or to C?"): reading, scoring each
//!   method, training and grouped cross-validation.
//!
//! Must not: open an index or a database (BM25 candidates come from `fincase_store::search`,
//! dense embeddings from [`crate::ml::e5`]); read a judgment's reasoning or orders when
//! comparing facts (only what a court had before deciding).

pub mod archive;
pub mod elements;
pub mod rank;
pub mod scm;

pub use elements::{CaseElements, Element};
pub use rank::{Reranker, TextScores, pair_features, rrf};
