//! fincase: bulk adjudication aid for Chinese financial-loan cases.
//!
//! Banks, consumer-finance companies and asset-management companies file thousands of
//! near-identical complaints as PDFs. fincase reads them, extracts typed facts with provenance,
//! runs a pre-check and the legal rules (interest caps, court fees, limitation), suggests an
//! outcome with a calculation trail, drafts the judgment or payment order, and indexes it all.
//!
//! # Layout
//! One module per pipeline stage (see ARCHITECTURE.md for the invariants):
//! - [`domain`]: the shared vocabulary (money, rates, `CaseFacts`, findings). Plain data.
//! - [`ingest`]: folder/zip of filings → PDF bytes → page text (lopdf object model, our own
//!   content-stream walker).
//! - [`extract`]: page text → `CaseFacts` + provenance + findings (normalisers and field rules).
//! - [`rules`]: `CaseFacts` → pre-check findings, suggested outcome, court fee; pure, no IO.
//! - [`draft`]: outcome → 民事判决书 / 支付令 draft (minijinja templates); pure, no IO.
//! - [`search`]: the tantivy full-text index with a Chinese-aware tokenizer.
//! - [`store`]: the case database (SQLite by default, PostgreSQL to scale out), job queue, originals.
//! - [`jobs`]: the queue worker: claims jobs under a lease and runs them (`JobKind`).
//! - [`ml`]: small candle models trained on real judgments (loan elements, dispute focus),
//!   loaded once from `models/`; their labels are hints merged after the rules.
//! - [`http`]: the axum service (`fincase serve`): bulk intake, status, tokens and roles.
//! - [`pipeline`]: wires the stages for a batch (rayon across filings) and writes the outputs.
//! - [`eval`]: field-by-field agreement of extracted facts with gold answers.
//! - [`backtest`]: replays real judgments through the rules and compares with what was ordered.
//! - [`fixtures`]: the deterministic generator of fictitious filings with gold answers.

pub mod backtest;
pub mod domain;
pub mod draft;
pub mod eval;
pub mod extract;
pub mod fixtures;
pub mod http;
pub mod ingest;
pub mod jobs;
pub mod ml;
pub mod pipeline;
pub mod rules;
pub mod search;
pub mod store;
