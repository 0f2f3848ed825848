//! fincase: bulk adjudication aid for Chinese financial-loan cases.
//!
//! Banks, consumer-finance companies and asset-management companies file thousands of
//! near-identical complaints as PDFs. fincase reads them, extracts typed facts with provenance,
//! runs a pre-check and the legal rules (interest caps, court fees, limitation), suggests an
//! outcome with a calculation trail, drafts the judgment or payment order, and indexes it all.
//!
//! This package is the `fincase` binary. Its library is the product seen whole: it names each
//! workspace crate's modules once, under the stage names the command line, the tests, the
//! benches and the examples use, and adds no code of its own.
//!
//! # Layout
//! The crates, in the one direction their dependencies run (see ARCHITECTURE.md):
//! - `fincase-pdf` ([`pdf`]): PDF → page text with every character's box.
//! - `fincase-core`: [`domain`], [`ingest`], [`extract`], [`rules`], [`draft`], [`ml`],
//!   [`eval`], [`backtest`]; pure, no tokio, no database.
//! - `fincase-store`: [`store`] (SQLite/PostgreSQL, job queue, audit) and [`search`] (tantivy).
//! - `fincase-pipeline`: [`pipeline`] (one filing, one batch) and [`jobs`] (queue workers).
//! - `fincase-http`: [`http`], the axum service and the review screens.
//! - `fincase-fixtures` ([`fixtures`]): generated filings with gold answers, for the tests, the
//!   benches and the `fixtures` and `train tagger` commands; the core never depends on it.

pub use fincase_core::{
    backtest, domain, draft, eval, extract, ingest, lifecycle, ml, rules, similar, tokenizer,
};
pub use fincase_fixtures as fixtures;
pub use fincase_http as http;
pub use fincase_pdf as pdf;
pub use fincase_pipeline as pipeline;
pub use fincase_pipeline::jobs;
pub use fincase_store as store;
pub use fincase_store::search;
