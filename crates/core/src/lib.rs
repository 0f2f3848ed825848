//! fincase-core: the pure stages of fincase, from page text to a draft a judge reviews.
//!
//! No tokio, no database, no HTTP: everything here takes plain data and returns plain data,
//! so the same code serves the command line, the batch pipeline, the queue workers and the
//! review screens (ARCHITECTURE.md has each module's invariants).
//!
//! # Layout
//! - [`domain`]: the shared vocabulary (money, rates, `CaseFacts`, findings). Plain data.
//! - [`ingest`]: folder/zip of filings → PDF bytes (archive safety limits); PDF → page text
//!   is the `fincase-pdf` crate, re-exported here.
//! - [`extract`]: page text → `CaseFacts` + provenance + findings (normalisers and field rules).
//! - [`rules`]: `CaseFacts` → pre-check findings, suggested outcome, court fee; pure, no IO.
//! - [`draft`]: outcome → 民事判决书 / 支付令 draft (minijinja templates, DOCX, PDF); the
//!   papers after it (`draft::papers`: 终结督促程序裁定, 生效证明书, 调解书, 准予撤诉裁定).
//! - [`lifecycle`]: what happens after the draft, as a state machine: service, the objection
//!   and appeal windows, effect, enforcement, mediation, withdrawal; the periods of 民事诉讼法
//!   第八十五条 over a holiday calendar. Pure: the caller passes today.
//! - [`ml`]: small candle models trained on real judgments (loan elements, dispute focus),
//!   loaded once from `models/`; their labels are hints merged after the rules.
//! - [`eval`]: field-by-field agreement of extracted facts with gold answers.
//! - [`backtest`]: replays real judgments through the rules and compares with what was ordered.
//! - [`similar`]: similar cases (类案): legal elements of a case, the pairwise re-ranker, rank
//!   fusion and the CAIL2019-SCM triplet evaluation; the text indexes live in `fincase-store`.
//! - [`tokenizer`]: text → model ids through a Hugging Face `tokenizer.json` and the
//!   `tokenizers` crate (the tagger's and the e5 encoder's); the lowest layer beside `domain`.

/// Defines `fn $name() -> &'static Regex`, compiling the pattern once on first use. The pattern
/// is written in the source, never taken from input, so the `expect` cannot fire on a filing
/// (a pattern that did not compile would fail the extraction tests on their first filing).
macro_rules! static_regex {
    ($(#[$meta:meta])* $vis:vis fn $name:ident = $re:expr;) => {
        $(#[$meta])*
        $vis fn $name() -> &'static regex::Regex {
            static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            RE.get_or_init(|| regex::Regex::new($re).expect("static regex"))
        }
    };
}

pub mod backtest;
pub mod domain;
pub mod draft;
pub mod eval;
pub mod extract;
pub mod ingest;
pub mod lifecycle;
pub mod ml;
pub mod rules;
pub mod similar;
pub mod tokenizer;
