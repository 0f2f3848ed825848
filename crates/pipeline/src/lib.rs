//! fincase-pipeline: wires the stages for one filing and for a whole batch, and the queue
//! workers ([`jobs`]) that run them in the service.
//!
//! ingest (PDF → text) → extract (text → facts) → rules (pre-check, outcome) → draft, then the
//! batch shell stores every result (`store`), indexes it (`search`) and writes the drafts and a
//! summary to the output folder. CPU work runs on rayon across filings; the database is driven
//! from a small tokio runtime owned by [`process_batch`], so the two never share threads.
//!
//! Invariants:
//! - One bad filing fails only itself: every error, and even a panic inside a stage, becomes that
//!   filing's `failed` status with a reason; the batch carries on.
//! - Filing bytes are held a chunk at a time, whole results one filing at a time: filings are
//!   listed first, then read and processed a chunk at a time; each filing's drafts are written
//!   and its text, report and drafts dropped on its rayon thread, and only what the store and
//!   the index take waits for the chunk's commit. What grows with the batch is small per filing
//!   (≈ 1.9 KB measured, `BENCHMARKS.md`): the listing, the folder names, the summary's lists and
//!   the 多案联审 sheet's keys (built at the end from the per-filing `group.json` files).
//! - Outputs are deterministic for the same inputs (names sorted; no clock in any draft).

pub mod jobs;
pub mod lifecycle;
pub mod similar;

/// Where a filing ended up: the domain's status, re-exported for the pipeline's callers.
pub use fincase_core::domain::FilingStatus;

use fincase_core::domain::{
    BatchId, CaseFacts, DocumentText, FilingId, Finding, FindingCode, Provenance, Severity,
};
use fincase_core::draft::{self, Draft};
use fincase_core::extract::catalogue::CatalogueEntry;
use fincase_core::extract::{self, Extraction};
use fincase_core::ingest::{self, FilingSource};
use fincase_core::rules::{self, Disposition, DocumentKind, Outcome, RulesConfig};
use fincase_store::search::{
    self,
    follow::{FollowError, Follower},
};
use fincase_store::{BatchFiling, BatchRecord, FilingOutput, OriginalStore, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Errors that stop a whole batch (never caused by one filing's content).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The input could not be listed (missing folder, unreadable zip).
    #[error(transparent)]
    Input(#[from] ingest::IngestError),
    /// The case database failed.
    #[error(transparent)]
    Store(#[from] fincase_store::StoreError),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] FollowError),
    /// Writing outputs failed.
    #[error("cannot write outputs to {path}: {source}")]
    Output {
        /// Path being written.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The async runtime for the database could not start.
    #[error("cannot start the database runtime: {0}")]
    Runtime(std::io::Error),
}

/// Wall time spent in each stage for one filing.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StageTimes {
    /// PDF → text.
    pub ingest: Duration,
    /// Text → facts.
    pub extract: Duration,
    /// Pre-check and outcome.
    pub rules: Duration,
    /// Draft rendering.
    pub draft: Duration,
}

/// The extraction as `fincase extract` prints it: the gold schema's fields, plus `flags` and
/// per-field `provenance`, plus the findings with their reasons.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractReport {
    /// The facts (flattened: the gold schema's fields at top level).
    #[serde(flatten)]
    pub facts: CaseFacts,
    /// Flag codes of all findings (extraction and pre-check), sorted, no duplicates.
    pub flags: Vec<FindingCode>,
    /// Where each field came from.
    pub provenance: Provenance,
    /// Findings with reasons.
    pub findings: Vec<Finding>,
    /// The dossier (智能编目): the filing's documents with their page ranges and types, when
    /// the pages were catalogued ([`ExtractReport::with_dossier`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dossier: Vec<CatalogueEntry>,
}

impl ExtractReport {
    /// Builds the report from an extraction and the pre-check findings; every finding quotes the
    /// sources of the facts it rests on (`Finding::quoting`).
    pub fn new(extraction: Extraction, precheck: Vec<Finding>) -> ExtractReport {
        let mut findings = extraction.findings;
        findings.extend(precheck);
        // Each finding quotes the sources of the facts it rests on.
        let findings: Vec<Finding> = findings
            .into_iter()
            .map(|f| f.quoting(&extraction.provenance))
            .collect();
        let mut flags: Vec<FindingCode> = findings
            .iter()
            .map(|f| f.code)
            // Notes on the reading, not flags of the case.
            .filter(|c| !matches!(c, FindingCode::MissingField | FindingCode::OcrRead))
            .collect();
        flags.sort();
        flags.dedup();
        ExtractReport {
            facts: extraction.facts,
            flags,
            provenance: extraction.provenance,
            findings,
            dossier: Vec::new(),
        }
    }

    /// The report with the filing's dossier (`extract::catalogue::catalogue` of its pages).
    pub fn with_dossier(mut self, dossier: Vec<CatalogueEntry>) -> ExtractReport {
        self.dossier = dossier;
        self
    }

    /// The report of an extraction from `doc`: its findings, the pre-check's under `cfg`, and
    /// the dossier of `doc`'s pages; what `process` stores and `fincase extract` prints.
    pub fn checked(extraction: Extraction, doc: &DocumentText, cfg: &RulesConfig) -> ExtractReport {
        let precheck = rules::precheck(&extraction.facts, cfg);
        ExtractReport::new(extraction, precheck).with_dossier(extract::catalogue::catalogue(doc))
    }
}

/// Everything the pipeline produced for one filing.
#[derive(Debug, Clone)]
pub struct FilingResult {
    /// Name inside the batch.
    pub name: String,
    /// Content-derived id.
    pub id: FilingId,
    /// Status.
    pub status: FilingStatus,
    /// Why there is no draft (for banks and judges), when there is none.
    pub reason: Option<String>,
    /// Page text, when the file could be read.
    pub text: Option<DocumentText>,
    /// Facts, flags and findings, when the file could be read.
    pub report: Option<ExtractReport>,
    /// Suggested outcome, when facts were read.
    pub outcome: Option<Outcome>,
    /// The draft (judgment or payment order) or, for a filing that gets none, the notice of
    /// reasons for the judge.
    pub draft: Option<Draft>,
    /// Stage timings.
    pub times: StageTimes,
    /// What the models of [`fincase_core::ml`] read in the complaint (element labels, focus
    /// candidates, which model), or why they are unavailable; `None` when no text was read.
    pub models: Option<fincase_core::ml::FilingAnnotations>,
}

impl FilingResult {
    /// A failed filing with nothing read yet (the stages fill in what they get).
    fn failed(name: &str, id: FilingId, reason: Option<String>) -> Self {
        FilingResult {
            name: name.to_owned(),
            id,
            status: FilingStatus::Failed,
            reason,
            text: None,
            report: None,
            outcome: None,
            draft: None,
            times: StageTimes::default(),
            models: None,
        }
    }
}

/// Reads, extracts, checks and drafts one filing. Pure: no IO. Never panics on any input
/// bytes (a panic inside a stage is caught and reported as `failed`).
pub fn process_filing(name: &str, bytes: &[u8], cfg: &RulesConfig) -> FilingResult {
    process_filing_with(name, bytes, cfg, None)
}

/// [`process_filing`] with a court's template overrides (`None`: the built-in templates).
/// The draft's figures link to the filing's source spans (its provenance) either way.
pub fn process_filing_with(
    name: &str,
    bytes: &[u8],
    cfg: &RulesConfig,
    templates: Option<&Arc<draft::TemplateSet>>,
) -> FilingResult {
    let id = FilingId::of_bytes(bytes);
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        process_filing_inner(name, &id, bytes, cfg, templates)
    }));
    caught.unwrap_or_else(|_| {
        FilingResult::failed(
            name,
            id,
            Some("内部错误：处理此文件时程序出错，已跳过（internal error; reported）".into()),
        )
    })
}

fn stem(name: &str) -> &str {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    file.rsplit_once('.').map_or(file, |(s, _)| s)
}

fn process_filing_inner(
    name: &str,
    id: &FilingId,
    bytes: &[u8],
    cfg: &RulesConfig,
    templates: Option<&Arc<draft::TemplateSet>>,
) -> FilingResult {
    let mut times = StageTimes::default();
    let mut result = FilingResult::failed(name, id.clone(), None);
    let t = Instant::now();
    let doc = match ingest::ocr::read_pdf(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            result.reason = Some(format!("[{}] {e}", e.code()));
            result.times.ingest = t.elapsed();
            return result;
        }
    };
    times.ingest = t.elapsed();

    let t = Instant::now();
    let extraction = extract::extract_with(stem(name), &doc, &cfg.lpr);
    times.extract = t.elapsed();

    let t = Instant::now();
    let report = ExtractReport::checked(extraction, &doc, cfg);
    let mut outcome = rules::suggest(&report.facts, &report.findings, cfg);
    times.rules = t.elapsed();
    // Model hints after the rules: they add dispute points the rules cannot see, never override.
    let complaint = fincase_core::ml::complaint_text(&doc);
    let models = fincase_core::ml::annotate_shared(&complaint);
    fincase_core::ml::merge_dispute_points(&mut outcome.dispute_points, &models);
    // How sure the suggestion is: a complaint has claims and the plaintiff's facts, no defence.
    let text = fincase_core::ml::outcome::CaseText {
        claims: &complaint,
        defence: "",
        facts: &complaint,
        appeal: false,
    };
    outcome.assessment = fincase_core::ml::assess_shared(&text, &report.facts, &outcome);
    result.models = Some(models);

    let all_pages_scanned = !doc.pages.is_empty() && doc.pages.iter().all(|p| p.needs_ocr);
    let blocking: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Reject)
        .map(|f| f.message.as_str())
        .collect();
    let (status, reason) = if all_pages_scanned
        || (doc.any_needs_ocr() && report.facts.claims.principal.is_none())
    {
        (
                FilingStatus::NeedsOcr,
                Some(match ingest::ocr::engine() {
                    Err(why) => format!("起诉材料为扫描件，无文字层；{why}"),
                    Ok(_) => "起诉材料为扫描件，OCR 未能读出可用文字（见各页说明），需人工录入或提交清晰的扫描件".to_owned(),
                }),
            )
    } else if doc.any_needs_ocr() {
        // The complaint was read, but a scanned page (an attachment) has not been: a judge
        // must not rely on the filing until it is read. The notice lists the page(s).
        let mut why: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.code == FindingCode::NeedsOcr)
            .map(|f| f.message.clone())
            .collect();
        why.push("其余页面的事实已读取，OCR 后即可生成文书".to_owned());
        (FilingStatus::NeedsOcr, Some(why.join("；")))
    } else {
        match outcome.disposition {
            Disposition::Rejected => (FilingStatus::Rejected, Some(outcome.reasons.join("；"))),
            Disposition::NeedsReview => {
                let mut why: Vec<String> = outcome.reasons.clone();
                why.extend(blocking.iter().map(|s| s.to_string()));
                (FilingStatus::NeedsReview, Some(why.join("；")))
            }
            Disposition::Full | Disposition::Partial => (FilingStatus::Drafted, None),
        }
    };

    // Every readable filing gets a document: the draft judgment or payment order when the
    // outcome allows one, otherwise a notice to the judge listing the reasons.
    let t = Instant::now();
    let draft_opts = draft::DraftOptions {
        provenance: Some(report.provenance.clone()),
        templates: templates.cloned(),
        ..Default::default()
    };
    match draft::render_with(&report.facts, &report.findings, &outcome, &draft_opts) {
        Ok(d) => result.draft = Some(d),
        Err(e) if status == FilingStatus::Drafted => {
            result.status = FilingStatus::NeedsReview;
            result.reason = Some(format!("文书生成失败：{e}"));
        }
        Err(_) => {}
    }
    times.draft = t.elapsed();
    if result.reason.is_none() {
        result.status = status;
        result.reason = reason;
    }
    result.text = Some(doc);
    result.report = Some(report);
    result.outcome = Some(outcome);
    result.times = times;
    result
}

/// Options of a batch run.
#[derive(Debug, Clone)]
pub struct ProcessOptions {
    /// Where drafts, per-filing JSON and the summary go.
    pub out_dir: PathBuf,
    /// The case index home: `cases.db`, `tantivy/`, `originals/`.
    pub index_dir: PathBuf,
    /// Rules configuration (court settings).
    pub rules: RulesConfig,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Filings held in memory at once.
    pub chunk_size: usize,
    /// The court's draft template overrides (`--templates DIR`); built-in ones when `None`.
    pub templates: Option<Arc<draft::TemplateSet>>,
}

impl ProcessOptions {
    /// Defaults: national rules, progress bar on, chunks of 256.
    pub fn new(out_dir: &Path, index_dir: &Path) -> ProcessOptions {
        ProcessOptions {
            out_dir: out_dir.to_owned(),
            index_dir: index_dir.to_owned(),
            rules: RulesConfig::default(),
            progress: true,
            chunk_size: 256,
            templates: None,
        }
    }
}

/// One failed or rejected filing in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryEntry {
    /// Name inside the batch.
    pub name: String,
    /// Status.
    pub status: FilingStatus,
    /// Reason.
    pub reason: String,
}

/// The batch summary (also written as `summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct BatchSummary {
    /// Batch id.
    pub batch_id: BatchId,
    /// Input as given.
    pub input: String,
    /// Filings seen (PDFs, and entries that could not be read).
    pub total: usize,
    /// Count per status.
    pub by_status: BTreeMap<FilingStatus, usize>,
    /// Count per flag.
    pub by_flag: BTreeMap<FindingCode, usize>,
    /// Count per case type (serde name, as `GET /api/v1/stats` counts them; `unknown` for a
    /// filing whose type was not read).
    pub by_case_type: BTreeMap<String, usize>,
    /// Every filing without a draft, with its reason.
    pub not_drafted: Vec<SummaryEntry>,
    /// Files that are neither filings nor answers (not PDFs), skipped.
    pub skipped: Vec<String>,
    /// Gold answer files beside generated filings (`*.gold.json`): recognised, not filings.
    pub gold_files: usize,
    /// Milliseconds summed over filings per stage (`ingest`, `extract`, `rules`, `draft` for
    /// HTML and text, `docx` and `pdf` for drafted filings), plus `store_and_index` and `wall`.
    pub timings_ms: BTreeMap<&'static str, u64>,
    /// Where the drafts are.
    pub drafts_dir: String,
}

fn out_err(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `value` as pretty JSON, streamed through a buffer (never the whole text in memory).
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), PipelineError> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(out_err(path))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer_pretty(&mut w, value).map_err(|e| PipelineError::Output {
        path: path.display().to_string(),
        source: std::io::Error::other(e),
    })?;
    w.flush().map_err(out_err(path))
}

/// A file-system-safe folder name for a filing.
fn folder_name(name: &str) -> String {
    let s: String = stem(name)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() { "filing".into() } else { s }
}

/// Renders a draft in one binary format.
type MakeFormat = fn(&Draft) -> Result<Vec<u8>, draft::DraftError>;

/// Writes one filing's outputs under `filings/<folder>/` and returns the draft's path relative
/// to the output folder. A drafted filing gets `draft.html`, `draft.txt`, `draft.docx`,
/// `draft.pdf` and its 多案联审 entry `group.json`; when DOCX or PDF cannot be made (a character
/// the PDF font lacks), the other formats are still written and `draft.errors.txt` says why.
/// Any other filing gets `notice.html` and `notice.txt`.
/// Also returns the time spent making the DOCX and the PDF (zero when not made).
fn write_filing(
    out_dir: &Path,
    folder: &str,
    r: &FilingResult,
) -> Result<(Option<String>, [Duration; 2]), PipelineError> {
    let mut format_times = [Duration::ZERO; 2];
    let dir = out_dir.join("filings").join(folder);
    std::fs::create_dir_all(&dir).map_err(out_err(&dir))?;
    if let Some(report) = &r.report {
        write_json(&dir.join("facts.json"), report)?;
    }
    if let Some(outcome) = &r.outcome {
        write_json(&dir.join("outcome.json"), outcome)?;
    }
    if let Some(models) = &r.models {
        write_json(&dir.join("models.json"), models)?;
    }
    if let Some(text) = &r.text {
        let p = dir.join("text.txt");
        std::fs::write(&p, text.joined()).map_err(out_err(&p))?;
    }
    let mut draft_path = None;
    if let Some(d) = &r.draft {
        // A draft only for drafted filings; anything else is a notice of reasons.
        let stem = if r.status == FilingStatus::Drafted && d.kind != DocumentKind::None {
            "draft"
        } else {
            "notice"
        };
        let p = dir.join(format!("{stem}.html"));
        std::fs::write(&p, &d.html).map_err(out_err(&p))?;
        let p = dir.join(format!("{stem}.txt"));
        std::fs::write(&p, &d.text).map_err(out_err(&p))?;
        let rel = format!("filings/{folder}/{stem}.html");
        // Outputs of an earlier run into the same folder must not survive a status change.
        for stale in ["group.json", "draft.errors.txt"] {
            let _ = std::fs::remove_file(dir.join(stale));
        }
        if stem == "draft" {
            let mut problems = Vec::new();
            let formats: [(&str, MakeFormat); 2] =
                [("docx", draft::to_docx), ("pdf", draft::to_pdf)];
            for ((ext, make), time) in formats.into_iter().zip(&mut format_times) {
                let p = dir.join(format!("draft.{ext}"));
                let t = Instant::now();
                let made = make(d);
                *time = t.elapsed();
                match made {
                    Ok(bytes) => std::fs::write(&p, bytes).map_err(out_err(&p))?,
                    Err(e) => {
                        let _ = std::fs::remove_file(&p);
                        problems.push(format!("{ext}: {e}"));
                    }
                }
            }
            if !problems.is_empty() {
                let p = dir.join("draft.errors.txt");
                std::fs::write(&p, problems.join("\n") + "\n").map_err(out_err(&p))?;
            }
            if let (Some(report), Some(outcome)) = (&r.report, &r.outcome)
                && let Some((key, entry)) =
                    draft::groups::group_entry(&r.name, &rel, &report.facts, outcome)
            {
                write_json(&dir.join("group.json"), &GroupFile { key, entry })?;
            }
        }
        draft_path = Some(rel);
    }
    Ok((draft_path, format_times))
}

impl FilingResult {
    /// What the database records of this result: the one record the command line's batches
    /// and the service's workers write alike (`fincase_store::record`).
    pub fn output(&self) -> FilingOutput {
        let facts_json = self
            .report
            .as_ref()
            .and_then(|x| serde_json::to_string(x).ok());
        let outcome_json = self
            .outcome
            .as_ref()
            .and_then(|x| serde_json::to_string(x).ok());
        let draft_kind = self.draft.as_ref().map(|d| {
            if self.status == FilingStatus::Drafted && d.kind != DocumentKind::None {
                match d.kind {
                    DocumentKind::Judgment => "judgment",
                    DocumentKind::PaymentOrder => "payment_order",
                    DocumentKind::None => "notice",
                }
            } else {
                "notice"
            }
            .to_owned()
        });
        let facts = self.report.as_ref().map(|rep| &rep.facts);
        // The versions the audit log records with the result (model, rules, template).
        let versions = match &self.draft {
            Some(d) => serde_json::json!({
                "model": d.model_version,
                "rules": d.rules_version,
                "template": d.template_version,
            }),
            None => serde_json::json!({
                "model": self.report.as_ref().map(|_| draft::EXTRACTOR_VERSION),
                "rules": self.outcome.as_ref().map(|o| o.rules_version.clone()),
            }),
        };
        FilingOutput {
            status: self.status,
            reason: self.reason.clone(),
            facts_json,
            outcome_json,
            draft_kind,
            draft_html: self.draft.as_ref().map(|d| d.html.clone()),
            draft_text: self.draft.as_ref().map(|d| d.text.clone()),
            court_name: facts.and_then(|f| f.court.clone()),
            case_type: facts
                .and_then(|f| f.case_type)
                .map(|c| c.as_str().to_owned()),
            finding_codes: self
                .report
                .iter()
                .flat_map(|rep| rep.flags.iter())
                .map(|c| c.as_str().to_owned())
                .collect(),
            versions_json: Some(versions.to_string()),
        }
    }
}

fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(
        || "1970-01-01T00:00:00Z".into(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// One filing after the parallel part of a chunk: only what the sequential part stores and
/// counts. The page text (with a box per character), the report and the draft are dropped on
/// the rayon thread as soon as the filing's files are written, so a chunk holds the few tens
/// of KB per filing that the store takes, not whole results.
struct Processed {
    flags: Vec<FindingCode>,
    filing: BatchFiling,
}

impl Processed {
    fn new(
        r: FilingResult,
        draft_path: Option<String>,
        sha256: String,
        batch_id: &BatchId,
    ) -> Processed {
        let output = r.output();
        Processed {
            flags: r.report.map(|rep| rep.flags).unwrap_or_default(),
            filing: BatchFiling {
                id: r.id,
                batch_id: batch_id.clone(),
                name: r.name,
                sha256,
                draft_path,
                output,
            },
        }
    }
}

/// Processes a folder or zip of filings: every stage for every filing, then stores, indexes
/// and writes the outputs. Returns the summary (also written to `<out>/summary.json`).
pub fn process_batch(input: &Path, opts: &ProcessOptions) -> Result<BatchSummary, PipelineError> {
    use rayon::prelude::*;
    let wall = Instant::now();
    let mut skipped = Vec::new();
    let mut gold_files = 0;
    let mut sources = Vec::new();
    // Names and sizes only: the bytes are read a chunk at a time below.
    let ingest::SourceList {
        entries,
        mut reader,
    } = ingest::list(input)?;
    for entry in entries {
        match entry {
            Err(e) if e.is_skipped() => skipped.push(e.name),
            Err(e) if e.is_gold_answers() => gold_files += 1,
            other => sources.push(other),
        }
    }
    std::fs::create_dir_all(&opts.out_dir).map_err(out_err(&opts.out_dir))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(PipelineError::Runtime)?;
    let store = runtime.block_on(Store::open_sqlite(&opts.index_dir.join("cases.db")))?;
    let originals = OriginalStore::new(&opts.index_dir.join("originals"));
    // The index is written as the service writes it: by the follower of the database, so a
    // filing's search entry is the same whichever path recorded it, and `fincase serve` on
    // this index resumes where the batch left it. While a service holds the index, its own
    // follower indexes what this batch records.
    let mut follower = match Follower::open(store.clone(), &search::index_dir(&opts.index_dir)) {
        Ok(f) => Some(f),
        Err(e) if e.is_locked() => None,
        Err(e) => return Err(e.into()),
    };

    let started_at = now_rfc3339();
    let batch_id = BatchId::new(format!(
        "b{}-{}",
        started_at.replace(['-', ':', 'T', 'Z'], ""),
        &OriginalStore::hash(input.display().to_string().as_bytes())[..6]
    ));
    runtime.block_on(store.begin_batch(&BatchRecord {
        id: batch_id.clone(),
        input: input.display().to_string(),
        started_at,
        summary_json: None,
    }))?;

    let mut summary = BatchSummary {
        batch_id: batch_id.clone(),
        input: input.display().to_string(),
        total: 0,
        by_status: BTreeMap::new(),
        by_flag: BTreeMap::new(),
        by_case_type: BTreeMap::new(),
        not_drafted: Vec::new(),
        skipped,
        gold_files,
        timings_ms: BTreeMap::new(),
        drafts_dir: opts.out_dir.join("filings").display().to_string(),
    };
    let bar = if opts.progress {
        let bar = indicatif::ProgressBar::new(sources.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{bar:40}] {pos}/{len} filings {per_sec} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    // ingest, extract, rules, draft (HTML + text), then the DOCX and PDF of drafted filings.
    let stage_ns: [AtomicU64; 6] = Default::default();
    let mut store_index = Duration::ZERO;
    let mut used_folders: std::collections::HashSet<String> = Default::default();

    for listed in sources.chunks(opts.chunk_size.max(1)) {
        // This chunk's bytes, read now and dropped when the chunk is done.
        let chunk: Vec<Result<FilingSource, ingest::SourceError>> = listed
            .iter()
            .map(|e| match e {
                Ok(e) => reader.read(e),
                Err(e) => Err(e.clone()),
            })
            .collect();
        // Folder names are decided up front (sequentially) so they are deterministic.
        let folders: Vec<String> = chunk
            .iter()
            .map(|e| {
                let name = match e {
                    Ok(s) => s.name.as_str(),
                    Err(e) => e.name.as_str(),
                };
                let mut f = folder_name(name);
                if !used_folders.insert(f.clone()) {
                    let mut n = 2;
                    while !used_folders.insert(format!("{f}-{n}")) {
                        n += 1;
                    }
                    f = format!("{f}-{n}");
                }
                f
            })
            .collect();
        let done: Vec<Result<Processed, PipelineError>> = chunk
            .par_iter()
            .zip(folders.par_iter())
            .map(|(entry, folder)| {
                let (r, sha) = match entry {
                    Ok(FilingSource { name, bytes }) => {
                        let r =
                            process_filing_with(name, bytes, &opts.rules, opts.templates.as_ref());
                        let sha = originals.put(bytes).map_err(out_err(&opts.index_dir))?;
                        (r, sha)
                    }
                    Err(e) => (
                        FilingResult::failed(
                            &e.name,
                            FilingId::of_bytes(e.name.as_bytes()),
                            Some(format!("[{}] {}", e.code(), e.reason)),
                        ),
                        String::new(),
                    ),
                };
                let (draft_path, [docx, pdf]) = write_filing(&opts.out_dir, folder, &r)?;
                for (slot, d) in stage_ns.iter().zip([
                    r.times.ingest,
                    r.times.extract,
                    r.times.rules,
                    r.times.draft,
                    docx,
                    pdf,
                ]) {
                    slot.fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
                }
                bar.inc(1);
                Ok(Processed::new(r, draft_path, sha, &batch_id))
            })
            .collect();

        let t = Instant::now();
        let mut records = Vec::with_capacity(done.len());
        for item in done {
            let p = item?;
            let status = p.filing.output.status;
            summary.total += 1;
            *summary.by_status.entry(status).or_default() += 1;
            for f in &p.flags {
                *summary.by_flag.entry(*f).or_default() += 1;
            }
            let case_type = p.filing.output.case_type.as_deref().unwrap_or("unknown");
            *summary
                .by_case_type
                .entry(case_type.to_owned())
                .or_default() += 1;
            if status != FilingStatus::Drafted {
                summary.not_drafted.push(SummaryEntry {
                    name: p.filing.name.clone(),
                    status,
                    reason: p.filing.output.reason.clone().unwrap_or_default(),
                });
            }
            records.push(p.filing);
        }
        runtime.block_on(store.save_filings(&records))?;
        if let Some(f) = follower.as_mut() {
            runtime.block_on(f.catch_up())?;
        }
        store_index += t.elapsed();
    }
    bar.finish_and_clear();

    for (name, slot) in ["ingest", "extract", "rules", "draft", "docx", "pdf"]
        .into_iter()
        .zip(&stage_ns)
    {
        summary
            .timings_ms
            .insert(name, slot.load(Ordering::Relaxed) / 1_000_000);
    }
    summary
        .timings_ms
        .insert("store_and_index", store_index.as_millis() as u64);
    summary
        .timings_ms
        .insert("wall", wall.elapsed().as_millis() as u64);
    let summary_path = opts.out_dir.join("summary.json");
    write_json(&summary_path, &summary)?;
    let json = serde_json::to_string(&summary).unwrap_or_default();
    runtime.block_on(store.finish_batch(&batch_id, &json))?;
    runtime.block_on(store.close());
    write_groups(&opts.out_dir, &used_folders)?;
    Ok(summary)
}

/// One drafted filing's 多案联审 entry as `write_filing` leaves it (`group.json`).
#[derive(Debug, Serialize, serde::Deserialize)]
struct GroupFile {
    key: draft::groups::GroupKey,
    entry: draft::groups::GroupEntry,
}

/// The drafted filings' `group.json` files, read back one entry at a time.
struct GroupFiles {
    filings_dir: PathBuf,
    folders: Vec<String>,
}

impl GroupFiles {
    fn read(&self, slot: usize) -> Result<Option<GroupFile>, PipelineError> {
        let folder = self.folders.get(slot).map_or("", String::as_str);
        let p = self.filings_dir.join(folder).join("group.json");
        let bytes = match std::fs::read(&p) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(out_err(&p)(e)),
        };
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| out_err(&p)(std::io::Error::other(e)))
    }
}

impl draft::groups::EntrySource for GroupFiles {
    fn entry(&self, slot: usize) -> Result<draft::groups::GroupEntry, String> {
        match self.read(slot) {
            Ok(Some(g)) => Ok(g.entry),
            Ok(None) => Err(format!("group entry {slot} disappeared")),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// 多案联审: writes `groups.json` and `groups.html`, grouping the batch's drafted filings per
/// plaintiff by outcome structure ([`draft::groups`]). Reads the small `group.json` each
/// drafted filing left, in folder order, so the sheet is the same whatever order rayon
/// finished in. Memory: only the group keys and each entry's name and path are held; the
/// entries are read back one at a time while the JSON and the HTML are written.
fn write_groups<'a>(
    out_dir: &Path,
    folders: impl IntoIterator<Item = &'a String>,
) -> Result<(), PipelineError> {
    let mut folders: Vec<String> = folders.into_iter().cloned().collect();
    folders.sort();
    let files = std::sync::Arc::new(GroupFiles {
        filings_dir: out_dir.join("filings"),
        folders,
    });
    let mut refs = Vec::new();
    for slot in 0..files.folders.len() {
        if let Some(g) = files.read(slot)? {
            let r = draft::groups::EntryRef {
                name: g.entry.name,
                draft_path: g.entry.draft_path,
                awarded_total: g.entry.awarded_total,
                slot,
            };
            refs.push((g.key, r));
        }
    }
    let plan = draft::groups::plan_groups(refs);
    let p = out_dir.join("groups.json");
    let file = std::fs::File::create(&p).map_err(out_err(&p))?;
    let mut w = std::io::BufWriter::new(file);
    draft::groups::write_sheet_json(&plan, files.as_ref(), &mut w)
        .map_err(|e| out_err(&p)(std::io::Error::other(e)))?;
    std::io::Write::flush(&mut w).map_err(out_err(&p))?;
    let p = out_dir.join("groups.html");
    let file = std::fs::File::create(&p).map_err(out_err(&p))?;
    let mut w = std::io::BufWriter::new(file);
    draft::groups::write_sheet_html(&plan, files, &mut w)
        .map_err(|e| out_err(&p)(std::io::Error::other(e)))?;
    std::io::Write::flush(&mut w).map_err(out_err(&p))?;
    Ok(())
}
