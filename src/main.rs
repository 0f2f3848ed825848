//! The `fincase` command line: the stable contract documented in README.md.
//!
//! Only the binary (this file and `similar_cmd.rs`) uses `anyhow`; every library module has its
//! own typed errors.
//!
//! `run` hands each command to one function. The research data files the model commands read
//! are outside the repository: they are named with `--data` (or found under the folder
//! `FINCASE_SHARED_DATA` names), never defaulted to a path outside the repository.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use fincase::pipeline::{self, ExtractReport, ProcessOptions};
use fincase::rules::RulesConfig;
use fincase::search::CaseIndex;
use fincase::{extract, fixtures, ingest, rules};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod similar_cmd;

#[derive(Parser)]
#[command(
    name = "fincase",
    version,
    about = "批量金融借款案件辅助审理 — bulk financial-case adjudication aid"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the text of every page of a PDF, pages separated by form feeds.
    PdfText {
        /// The PDF file.
        file: PathBuf,
        /// Per-page JSON: {page, text, needs_ocr, warnings}.
        #[arg(long)]
        json: bool,
        /// With --json: also each line's box and each character's box on the page.
        #[arg(long, requires = "json")]
        positions: bool,
        /// Read scanned pages by OCR (tesseract) instead of leaving them empty; with --json
        /// each OCR'd page says so (engine, dpi, confidence).
        #[arg(long)]
        ocr: bool,
    },
    /// Extract facts from filings: one JSON object per file (JSON Lines), with flags and provenance.
    Extract {
        /// PDF files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Court rules settings (TOML) for the pre-check flags.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Run the whole pipeline over a folder or zip of filings.
    Process {
        /// Folder or .zip of PDF filings.
        input: PathBuf,
        /// Output folder for drafts, per-filing JSON and summary.json.
        #[arg(long)]
        out: PathBuf,
        /// Case index home (SQLite database, tantivy index, originals).
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Court rules settings (TOML).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// No progress bar.
        #[arg(long)]
        quiet: bool,
        /// The court's draft template overrides: a folder of `<kind>.<version>.html.j2`.
        #[arg(long)]
        templates: Option<PathBuf>,
    },
    /// Full-text search over processed filings.
    Search {
        /// The query (words, names, numbers).
        query: String,
        /// Case index home.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Number of hits.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// JSON Lines output.
        #[arg(long)]
        json: bool,
    },
    /// The main job: process the bundled demo batch into index/ and say where the drafts are.
    Demo {
        /// Case index home.
        #[arg(long, default_value = "index")]
        index: PathBuf,
    },
    /// Generate fictitious filings (PDF + gold JSON), deterministically.
    Fixtures {
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of filings.
        #[arg(long, default_value_t = 50)]
        count: usize,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Write in another hand's style instead of the standard generator's: one of
        /// prose, element_form, sectioned, terse, letter, key_value, counsel.
        #[arg(long)]
        family: Option<String>,
        /// The filings address this many courts (a bank's batch at a few courts; the demo
        /// batch uses 3) instead of each its own (standard generator only).
        #[arg(long)]
        courts: Option<usize>,
        /// Write every page as a scanned image at this resolution (dpi; 150, 200, 300 …)
        /// instead of text, with `<id>.pages.txt` holding the text to score OCR against
        /// (standard generator only).
        #[arg(long)]
        scan_dpi: Option<u32>,
        /// Largest tilt of a scanned page, degrees.
        #[arg(long, default_value_t = 1.0, requires = "scan_dpi")]
        scan_skew: f32,
        /// Speckle noise of a scanned page: share of pixels flipped (0 clean, 0.01 dirty).
        #[arg(long, default_value_t = 0.002, requires = "scan_dpi")]
        scan_noise: f32,
    },
    /// Run the HTTP service (bulk intake, status, tokens) with in-process queue workers.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Case index home (SQLite database, originals, upload staging).
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Service configuration (TOML): database, limits, workers, rules.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Logs as JSON lines.
        #[arg(long)]
        json_logs: bool,
    },
    /// Backtest suggested outcomes against real judgments: JSON Lines in (CAIL sentence arrays
    /// or {"id","text"}), one JSON record per judgment out, the agreement summary to stderr.
    Backtest {
        /// The judgments: JSON Lines, one judgment per line (or one JSON array of them).
        file: PathBuf,
        /// Write the summary (markdown; JSON when the name ends in .json) here, not to stderr.
        #[arg(long)]
        summary: Option<PathBuf>,
        /// Court rules settings (TOML); national defaults when absent.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// The outcome model folder (its confidence, and abstention below its threshold);
        /// `none` for the rules alone; default: `models/outcome` when it is there.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Hand labels (JSON Lines keyed by input line): adds the hand check to the summary.
        #[arg(long)]
        hand: Option<PathBuf>,
    },
    /// Run queue workers only (scale-out: many processes share the PostgreSQL queue).
    Worker {
        /// Case index home (used for the SQLite database when no DATABASE_URL is set).
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Service configuration (TOML).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker tasks in this process.
        #[arg(long, default_value_t = 1)]
        tasks: usize,
        /// Logs as JSON lines.
        #[arg(long)]
        json_logs: bool,
    },
    /// The archive of decided cases for similar-case retrieval: `fincase archive import FILE`.
    Archive {
        #[command(subcommand)]
        what: ArchiveCommand,
    },
    /// The decided cases of the archive most like a complaint (a PDF or text file) or a filing
    /// (its id), with what each court decided and a one-line count (类案推送).
    Similar {
        /// A complaint PDF, a text file, or a filing id in the case index.
        what: String,
        /// Case index home (its `cases.db`, `archive/` and `tantivy/`).
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Database URL (`postgres://…`); overrides the SQLite file under --index.
        #[arg(long)]
        database: Option<String>,
        /// Number of cases.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// One JSON object (summary and cases) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The audit log: `fincase audit verify` walks its hash chain.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// Score extraction (and, later, other stages) against gold files.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Train a model of `src/ml` on the research data and write it under `models/` (the data
    /// files: `--data`, or the folder `FINCASE_SHARED_DATA` names).
    Train {
        #[command(subcommand)]
        what: TrainCommand,
    },
}

/// The environment variable naming the research data folder (the one holding
/// `cail2019-element-loan/`, `lawbench-2-2/`, `cjrc-cail2019-rc/`, `cail2021-dispute-focus/`).
const SHARED_DATA_ENV: &str = "FINCASE_SHARED_DATA";

// The research data files the model commands read, under the folder `FINCASE_SHARED_DATA` names.
const ELEMENTS_FILE: &str = "cail2019-element-loan/data_small_selected.json";
const LAWBENCH_FILE: &str = "lawbench-2-2/2-2.json";
const SCM_FILE: &str = "cail2019-scm/stage1_train.jsonl";
const CAIL2021_FILE: &str = "cail2021-dispute-focus/SMP-CAIL2021-focus_recognition-train.json";
const CJRC_DEV_FILE: &str = "cjrc-cail2019-rc/dev_ground_truth.json";
const CJRC_TEST_FILE: &str = "cjrc-cail2019-rc/test_ground_truth.json";

/// `rel` under the folder `FINCASE_SHARED_DATA` names, when it is set.
fn in_shared_data(rel: &str) -> Option<PathBuf> {
    std::env::var_os(SHARED_DATA_ENV)
        .filter(|dir| !dir.is_empty())
        .map(|dir| PathBuf::from(dir).join(rel))
}

/// A research data file the repository does not hold: the one `flag` gave, else `rel` under
/// `FINCASE_SHARED_DATA`. There is no default path outside the repository: when neither is
/// given, the error names the missing file and both ways to supply it.
fn shared_data(given: Option<PathBuf>, rel: &str, flag: &str) -> Result<PathBuf> {
    match given.or_else(|| in_shared_data(rel)) {
        Some(p) => Ok(p),
        None => bail!(
            "{rel} is needed: give the file with {flag} FILE, or set {SHARED_DATA_ENV} to the data folder holding it"
        ),
    }
}

/// Like [`shared_data`] for a file the command skips when it is absent.
fn shared_data_if_present(given: Option<PathBuf>, rel: &str) -> Option<PathBuf> {
    given.or_else(|| in_shared_data(rel)).filter(|p| p.exists())
}

#[derive(Subcommand)]
enum TrainCommand {
    /// The similar-case re-ranker (legal elements over BM25) on CAIL2019-SCM-style triplets;
    /// writes `<models>/similar/reranker.json`.
    Similar {
        /// JSON Lines of `{"A","B","C"}` with optional `"label"` (default:
        /// `$FINCASE_SHARED_DATA/cail2019-scm/stage1_train.jsonl`, with --swap-half).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Swap B and C on every odd line and label every line (stage-1 files have no labels:
        /// B is the more similar on every line). On by default for the default file.
        #[arg(long)]
        swap_half: bool,
        /// Models folder to write into.
        #[arg(long, default_value = "models")]
        out: PathBuf,
        /// Train with dense similarity too (needs scripts/install-e5.sh).
        #[arg(long)]
        dense: bool,
    },
    /// The extraction tagger (char-level BIO, candle) on generated filings of the training
    /// template families; scored on the held-out families.
    Tagger {
        /// Output folder.
        #[arg(long, default_value = "models/tagger")]
        out: PathBuf,
        /// The whole recipe as JSON (see metrics.json), overriding the defaults.
        #[arg(long)]
        recipe: Option<String>,
    },
    /// Loan element labels (CAIL2019 LN1–LN20): weights, config, vocabulary, metrics, model card.
    Elements {
        /// CAIL2019 loan `data_small_selected.json` (default:
        /// `$FINCASE_SHARED_DATA/cail2019-element-loan/data_small_selected.json`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "models/loan-elements")]
        out: PathBuf,
        /// Seed of initialisation, shuffling and dropout.
        #[arg(long)]
        seed: Option<u64>,
        /// The whole recipe as JSON (see metrics.json), overriding the defaults.
        #[arg(long)]
        recipe: Option<String>,
        /// Only stage 1: print the validation scores (fold 1) of the recipe and write nothing
        /// (for choosing a recipe without looking at the test documents).
        #[arg(long)]
        validation_only: bool,
        /// Also read the pretrained encoder's sentence embeddings (scripts/install-e5.sh):
        /// sets the recipe's e5_weight to 1 when it is 0 and, with the default --out, writes
        /// models/loan-elements-e5.
        #[arg(long)]
        e5: bool,
        /// Instead of training here, write the material for the GPU fine-tuning script
        /// `scripts/gpu/e5ft_train.py` (token ids, labels, folds, the encoder's tensors) into
        /// this folder (needs the encoder; the result goes to models/loan-elements-e5ft).
        #[arg(long, value_name = "DIR")]
        export_e5ft: Option<PathBuf>,
    },
    /// Outcome model (issue 19): from CAIL2019 loan judgments, labels from the order parser;
    /// grouped 5-fold cross-validation, then the model on all, with the fold models kept so a
    /// backtest of a training judgment is scored out of fold.
    Outcome {
        /// Judgments, JSON Lines (default: `$FINCASE_SHARED_DATA/cail2019-element-loan/data_small_selected.json`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = DEFAULT_OUTCOME_MODEL)]
        out: PathBuf,
        /// Court rules settings (TOML) for the replay; national defaults when absent.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Dispute focus (LawBench 2-2): 5-fold CV scores, then the model trained on all items.
    Focus {
        /// LawBench `2-2.json` (default: `$FINCASE_SHARED_DATA/lawbench-2-2/2-2.json`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// CAIL2021 focus file (second check; skipped when absent; default: under
        /// `$FINCASE_SHARED_DATA/cail2021-dispute-focus/`).
        #[arg(long)]
        cail2021: Option<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "models/dispute-focus")]
        out: PathBuf,
        /// Seed of initialisation, shuffling and dropout.
        #[arg(long)]
        seed: Option<u64>,
        /// The whole recipe as JSON (see metrics.json), overriding the defaults.
        #[arg(long)]
        recipe: Option<String>,
    },
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Import decided judgments: JSON Lines as `fincase backtest` reads them (CAIL sentence
    /// arrays or `{"id","text"}`), each split, order-parsed, stored and indexed. Importing a
    /// judgment again (same id, or same text without an id) replaces it.
    Import {
        /// The judgments file.
        file: PathBuf,
        /// Case index home.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Database URL (`postgres://…`); overrides the SQLite file under --index.
        #[arg(long)]
        database: Option<String>,
        /// Court rules settings (TOML) for reading the claims.
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the audit log's hash chain: OK with the count and head hash, or the first broken
    /// entry and why (edited, deleted, reordered); exit code 1 when broken.
    Verify {
        /// Case index home (its `cases.db`), when no --database is given.
        #[arg(long, default_value = "index")]
        index: PathBuf,
        /// Database URL (`postgres://…` or a SQLite path); overrides --index.
        #[arg(long)]
        database: Option<String>,
        /// A head hash recorded earlier: fail unless the chain still holds it (a truncated
        /// tail cannot be seen otherwise).
        #[arg(long)]
        expect_head: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Similar-case matching: for each triplet `{"A","B","C"}` (optional `"label": "B"|"C"`),
    /// which of B and C is more similar to A. Prints one JSON line per triplet `{"line",
    /// "choice", "score_b", "score_c"}` and, when labels are present, a last line with the
    /// accuracy.
    Scm {
        /// JSON Lines of triplets (default:
        /// `$FINCASE_SHARED_DATA/cail2019-scm/stage1_train.jsonl`, with --swap-half).
        file: Option<PathBuf>,
        /// Swap B and C on every odd line and label every line (for stage-1 files, where B is
        /// the more similar on every line by construction).
        #[arg(long)]
        swap_half: bool,
        /// reranker (the committed legal-element re-ranker over BM25), bm25, dense, hybrid
        /// (BM25 + dense, reciprocal rank fusion; dense needs scripts/install-e5.sh) or
        /// elements (untrained count of agreeing legal elements).
        #[arg(long, default_value = "reranker")]
        method: String,
        /// Instead of the lines, print every method's accuracy (the re-ranker
        /// cross-validated, grouped by A); needs labels.
        #[arg(long)]
        report: bool,
        /// Do not use the pretrained encoder even when it is installed.
        #[arg(long)]
        no_dense: bool,
        /// Models folder (default: as the pipeline finds it).
        #[arg(long)]
        models: Option<PathBuf>,
    },
    /// The tagger on real judgments: how often its amount/date spans contain the gold answers
    /// of CJRC questions whose answer is an amount or a date (the data is read, never copied).
    Cjrc {
        /// CJRC ground-truth JSON files (default: `dev_ground_truth.json` and
        /// `test_ground_truth.json` under `$FINCASE_SHARED_DATA/cjrc-cail2019-rc/`).
        #[arg(long, num_args = 1..)]
        data: Vec<PathBuf>,
    },
    /// Per-field accuracy, precision, recall and F1 of extraction against `*.gold.json` files,
    /// per flag and per case type, with example misses.
    Extract {
        /// Folder of `<id>.gold.json` files (with `<id>.pdf` beside them unless --pred is given).
        #[arg(long)]
        gold: PathBuf,
        /// Predictions as JSON Lines, as `fincase extract` prints them, matched to gold by `id`.
        #[arg(long)]
        pred: Option<PathBuf>,
        /// Example misses listed per field.
        #[arg(long, default_value_t = 5)]
        misses: usize,
        /// Also write the full report as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Court rules settings (TOML) for the pre-check flags (without --pred).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Which extractor (without --pred): rules, model (the tagger of models/tagger) or
        /// combined.
        #[arg(long, default_value = "rules")]
        extractor: String,
    },
    /// Score the committed loan-element model on the held-out CAIL2019 test documents.
    Elements {
        /// CAIL2019 loan `data_small_selected.json` (default:
        /// `$FINCASE_SHARED_DATA/cail2019-element-loan/data_small_selected.json`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// Model folder.
        #[arg(long, default_value = "models/loan-elements")]
        model: PathBuf,
    },
    /// Re-run the dispute-focus cross-validation (LawBench 2-2, CAIL2021) with the model's recipe.
    Focus {
        /// LawBench `2-2.json` (default: `$FINCASE_SHARED_DATA/lawbench-2-2/2-2.json`).
        #[arg(long)]
        data: Option<PathBuf>,
        /// CAIL2021 focus file (skipped when absent; default: under
        /// `$FINCASE_SHARED_DATA/cail2021-dispute-focus/`).
        #[arg(long)]
        cail2021: Option<PathBuf>,
        /// Model folder (its metrics.json holds the recipe).
        #[arg(long, default_value = "models/dispute-focus")]
        model: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fincase: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn load_rules(path: Option<&Path>) -> Result<RulesConfig> {
    match path {
        None => Ok(RulesConfig::default()),
        Some(p) => {
            let s =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            RulesConfig::from_toml(&s).with_context(|| format!("rules settings {}", p.display()))
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::PdfText {
            file,
            json,
            positions,
            ocr,
        } => pdf_text(&mut out, &file, json, positions, ocr),
        Command::Extract { files, rules } => extract_files(&mut out, &files, rules.as_deref()),
        Command::Process {
            input,
            out: out_dir,
            index,
            rules,
            quiet,
            templates,
        } => {
            let mut opts = ProcessOptions::new(&out_dir, &index);
            opts.rules = load_rules(rules.as_deref())?;
            opts.progress = !quiet;
            if let Some(dir) = templates {
                let set = fincase::draft::TemplateSet::load(&dir)?;
                opts.templates = Some(std::sync::Arc::new(set));
            }
            let summary = pipeline::process_batch(&input, &opts)?;
            print_summary(&mut out, &summary, &out_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            index,
            limit,
            json,
        } => search(&mut out, &query, &index, limit, json),
        Command::Demo { index } => demo(&mut out, &index),
        Command::Fixtures {
            seed,
            count,
            out: dir,
            family,
            courts,
            scan_dpi,
            scan_skew,
            scan_noise,
        } => {
            let scan = scan_dpi.map(|dpi| fixtures::ScanStyle {
                dpi,
                skew: scan_skew,
                noise: scan_noise,
            });
            write_fixtures(&mut out, &dir, seed, count, family.as_deref(), courts, scan)
        }
        Command::Serve {
            addr,
            index,
            config,
            json_logs,
        } => {
            fincase::http::init_tracing(json_logs);
            let (cfg, rules) = load_service_config(config.as_deref())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(serve(&addr, &index, cfg, rules))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backtest {
            file,
            summary,
            rules,
            model,
            hand,
        } => {
            let paths = BacktestPaths {
                summary: summary.as_deref(),
                rules: rules.as_deref(),
                model: match model.as_deref() {
                    None => ModelChoice::Default,
                    Some(p) if p.as_os_str() == "none" => ModelChoice::Off,
                    Some(p) => ModelChoice::Given(p),
                },
                hand: hand.as_deref(),
            };
            backtest_file(&mut out, &file, &paths)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker {
            index,
            config,
            tasks,
            json_logs,
        } => {
            fincase::http::init_tracing(json_logs);
            let (cfg, rules) = load_service_config(config.as_deref())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(work(&index, cfg, rules, tasks))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            what:
                AuditCommand::Verify {
                    index,
                    database,
                    expect_head,
                    json,
                },
        } => {
            let runtime = tokio::runtime::Runtime::new()?;
            let ok = runtime.block_on(audit_verify(
                &mut out,
                &index,
                database.as_deref(),
                expect_head.as_deref(),
                json,
            ))?;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Archive {
            what:
                ArchiveCommand::Import {
                    file,
                    index,
                    database,
                    rules,
                },
        } => {
            let rules = load_rules(rules.as_deref())?;
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(similar_cmd::archive_import(
                &mut out,
                &file,
                &index,
                database.as_deref(),
                &rules,
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Similar {
            what,
            index,
            database,
            limit,
            json,
        } => {
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(similar_cmd::similar(
                &mut out,
                &what,
                &index,
                database.as_deref(),
                limit,
                json,
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { what } => eval(&mut out, what),
        Command::Train { what } => train(&mut out, what),
    }
}

/// `fincase pdf-text`: exit 2 with a one-line reason when the file cannot be read.
fn pdf_text(
    out: &mut impl Write,
    file: &Path,
    json: bool,
    positions: bool,
    ocr: bool,
) -> Result<ExitCode> {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("fincase: cannot read {}: {e}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let read = if ocr {
        ingest::ocr::read_pdf(&bytes)
    } else {
        ingest::read_pdf(&bytes)
    };
    match read {
        Ok(doc) if json => {
            let doc = if positions {
                doc
            } else {
                doc.without_positions()
            };
            for page in &doc.pages {
                writeln!(out, "{}", serde_json::to_string(page)?)?;
            }
        }
        Ok(doc) => writeln!(out, "{}", doc.joined())?,
        Err(e) => {
            eprintln!("fincase: {}: [{}] {e}", file.display(), e.code());
            return Ok(ExitCode::from(2));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `fincase extract`: one JSON line per file; exit 2 when one could not be read.
fn extract_files(
    out: &mut impl Write,
    files: &[PathBuf],
    rules_path: Option<&Path>,
) -> Result<ExitCode> {
    let cfg = load_rules(rules_path)?;
    let mut failed = false;
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        match ingest::ocr::read_pdf(&bytes) {
            Ok(doc) => {
                let id = file
                    .file_stem()
                    .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
                let extraction = extract::extract_with(&id, &doc, &cfg.lpr);
                let report = ExtractReport::checked(extraction, &doc, &cfg);
                writeln!(out, "{}", serde_json::to_string(&report)?)?;
            }
            Err(e) => {
                failed = true;
                let line = serde_json::json!({
                    "id": file.file_stem().map(|s| s.to_string_lossy().into_owned()),
                    "error": {"code": e.code(), "message": e.to_string()},
                });
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `fincase search`: the hits with their snippets, or JSON Lines.
fn search(
    out: &mut impl Write,
    query: &str,
    index: &Path,
    limit: usize,
    json: bool,
) -> Result<ExitCode> {
    if !fincase::search::index_dir(index).exists() {
        bail!(
            "no case index at {} (run `fincase process` or `fincase demo` first)",
            index.display()
        );
    }
    let idx = CaseIndex::open(&fincase::search::index_dir(index))?;
    let hits = idx.search(query, limit)?;
    if json {
        for h in &hits {
            writeln!(out, "{}", serde_json::to_string(h)?)?;
        }
    } else {
        let colour = colour_wanted();
        writeln!(
            out,
            "{} hit(s) for {query:?} in {} filings",
            hits.len(),
            idx.len()
        )?;
        for h in hits {
            writeln!(
                out,
                "{:>6.2}  [{}]  {}  ({})",
                h.score,
                h.status.map_or("?", |s| s.as_str()),
                h.title,
                h.name
            )?;
            writeln!(
                out,
                "        {}",
                terminal_snippet(&h.snippet_html, colour).replace('\n', " ")
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// True when standard output is a terminal and `NO_COLOR` is unset (https://no-color.org).
fn colour_wanted() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A highlighted snippet (`<b>` around hits, HTML-escaped text) for a terminal: hits in bold
/// red when `colour`, else plain text; entities decoded either way.
fn terminal_snippet(html: &str, colour: bool) -> String {
    let (on, off) = if colour {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "")
    };
    html.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `fincase demo`: the committed demo batch through the whole pipeline, then ready for a judge:
/// the courts its filings address exist (and hold them) and a judge of the busiest one has a
/// token to log in with.
fn demo(out: &mut impl Write, index: &Path) -> Result<ExitCode> {
    let input = demo_input()?;
    let out_dir = index.join("demo-output");
    let opts = ProcessOptions::new(&out_dir, index);
    let summary = pipeline::process_batch(&input, &opts)?;
    print_summary(out, &summary, &out_dir)?;
    writeln!(
        out,
        "Search it, e.g.: cargo run --release -- search 连带清偿责任"
    )?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let login = runtime.block_on(async {
        let store = fincase::store::Store::open_sqlite(&index.join("cases.db")).await?;
        let login = fincase::http::review_login(&store, &summary.batch_id).await;
        store.close().await;
        login
    })?;
    if let Some(l) = login {
        let index_arg = if index == Path::new("index") {
            String::new()
        } else {
            format!(" --index {}", index.display())
        };
        writeln!(out)?;
        if !l.created.is_empty() {
            let n = l.created.len();
            let more = if n > 5 { "…" } else { "" };
            writeln!(
                out,
                "Courts created for the batch ({n}): {}{more}",
                l.created[..n.min(5)].join("、")
            )?;
        }
        writeln!(
            out,
            "Review the drafts as a judge of {} ({} filings):",
            l.court.name, l.filings
        )?;
        writeln!(out, "  1. cargo run --release -- serve{index_arg}")?;
        writeln!(
            out,
            "  2. open http://127.0.0.1:8080/ui and log in with this judge token:"
        )?;
        writeln!(out, "     {}", l.token)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `fincase fixtures`: the standard generator, or one template family.
fn write_fixtures(
    out: &mut impl Write,
    dir: &Path,
    seed: u64,
    count: usize,
    family: Option<&str>,
    courts: Option<usize>,
    scan: Option<fixtures::ScanStyle>,
) -> Result<ExitCode> {
    if let Some(s) = &scan
        && !(50..=1200).contains(&s.dpi)
    {
        bail!("--scan-dpi must be between 50 and 1200");
    }
    let written = match family {
        None => fixtures::write_batch_with(dir, seed, count, courts, scan.as_ref())?,
        Some(_) if courts.is_some() => bail!("--courts applies to the standard generator only"),
        Some(_) if scan.is_some() => bail!("--scan-dpi applies to the standard generator only"),
        Some(name) => {
            let Some(fam) = fixtures::styles::Family::parse(name) else {
                bail!(
                    "unknown family {name:?}: prose, element_form, sectioned, terse, letter, key_value, counsel"
                );
            };
            fixtures::styles::write_family_batch(dir, seed, count, fam)?
        }
    };
    writeln!(
        out,
        "wrote {} filings (PDF + gold JSON) to {}",
        written.ids.len(),
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `fincase eval …`.
fn eval(out: &mut impl Write, what: EvalCommand) -> Result<ExitCode> {
    match what {
        EvalCommand::Scm {
            file,
            swap_half,
            method,
            report,
            no_dense,
            models,
        } => {
            use fincase::similar::scm::{self, Method};
            let default_file = file.is_none();
            let file = shared_data(file, SCM_FILE, "FILE")?;
            let models = models.unwrap_or_else(fincase::ml::Models::default_dir);
            let method = match method.as_str() {
                "reranker" => Method::Reranker,
                "bm25" => Method::Bm25,
                "dense" => Method::Dense,
                "hybrid" => Method::Hybrid,
                "elements" => Method::Elements,
                other => {
                    bail!("unknown method {other:?}: reranker, bm25, dense, hybrid or elements")
                }
            };
            let (pool, sims) = scm_pool(&file, swap_half || default_file, &models, no_dense)?;
            let committed = fincase::similar::Reranker::load_from(&models)?;
            if report {
                let rows =
                    fincase::pipeline::similar::compare_methods(&pool, &sims, committed.as_ref())?;
                if rows.is_empty() {
                    bail!(
                        "{} has no labels: give --swap-half for a stage-1 file",
                        file.display()
                    );
                }
                writeln!(
                    out,
                    "{} triplets, {} distinct texts ({})",
                    pool.triplets.len(),
                    pool.texts.len(),
                    file.display()
                )?;
                for r in rows {
                    writeln!(
                        out,
                        "{:5.1} %  {:>3}/{:<3}  {}  [{}]",
                        100.0 * r.accuracy,
                        r.right,
                        r.labelled,
                        r.method,
                        r.note
                    )?;
                }
                return Ok(ExitCode::SUCCESS);
            }
            let scored = match method {
                Method::Reranker => {
                    let r = committed.with_context(|| {
                        format!(
                            "no re-ranker under {} (run `fincase train similar`)",
                            models.display()
                        )
                    })?;
                    if r.dense && sims.dense.is_none() {
                        bail!(
                            "the committed re-ranker needs the pretrained encoder (scripts/install-e5.sh)"
                        );
                    }
                    scm::score_reranker(&pool, &sims, &r)
                }
                Method::Dense if sims.dense.is_none() => {
                    bail!("dense similarity needs the pretrained encoder (scripts/install-e5.sh)")
                }
                m => scm::score_plain(&pool, &sims, m),
            };
            for s in &scored {
                writeln!(out, "{}", serde_json::to_string(s)?)?;
            }
            if let Some((right, n)) = scm::accuracy(&pool, &scored) {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"accuracy": right as f64 / n as f64, "right": right, "labelled": n})
                )?;
            }
        }
        EvalCommand::Extract {
            gold,
            pred,
            misses,
            json,
            rules,
            extractor,
        } => {
            let cfg = load_rules(rules.as_deref())?;
            use fincase::extract::tagger::combine::Mode;
            let mode = match extractor.as_str() {
                "rules" => Mode::Rules,
                "model" => Mode::Model,
                "combined" => Mode::Combined,
                other => bail!("unknown extractor {other:?}: rules, model or combined"),
            };
            let report = eval_extract(&gold, pred.as_deref(), misses, &cfg, mode)?;
            write!(out, "{}", report.to_table())?;
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)?)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
        EvalCommand::Cjrc { data } => {
            let data = if data.is_empty() {
                vec![
                    shared_data(None, CJRC_DEV_FILE, "--data")?,
                    shared_data(None, CJRC_TEST_FILE, "--data")?,
                ]
            } else {
                data
            };
            let tagger =
                fincase::extract::tagger::global().context("no tagger under models/tagger")?;
            let mut texts = Vec::new();
            for p in &data {
                texts.push(
                    std::fs::read_to_string(p)
                        .with_context(|| format!("reading {}", p.display()))?,
                );
            }
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let r = fincase::extract::tagger::cjrc::evaluate(tagger, &refs)
                .map_err(anyhow::Error::msg)?;
            write!(out, "{}", r.to_table())?;
        }
        EvalCommand::Elements { data, model } => {
            let data = shared_data(data, ELEMENTS_FILE, "--data")?;
            let r = match fincase::ml::e5ft::FineTuned::installed(&model)? {
                Some(ft) => fincase::ml::e5ft::evaluate_dir(&data, &model, &ft)?,
                None if model.join("adapter.safetensors").is_file() => anyhow::bail!(
                    "{} adapts the pretrained encoder, which is not installed (run scripts/install-e5.sh)",
                    model.display()
                ),
                None => {
                    let e5 = fincase::ml::e5::E5::installed_near(&model)?;
                    fincase::ml::elements::evaluate_dir(&data, &model, e5.as_ref())?
                }
            };
            write!(out, "{}", fincase::ml::elements::headline(&r))?;
            write!(out, "{}", fincase::ml::elements::per_label_table(&r))?;
        }
        EvalCommand::Focus {
            data,
            cail2021,
            model,
        } => {
            let data = shared_data(data, LAWBENCH_FILE, "--data")?;
            let cail = shared_data_if_present(cail2021, CAIL2021_FILE);
            let r = fincase::ml::focus::evaluate_dir(&data, cail.as_deref(), &model)?;
            write!(out, "{}", fincase::ml::focus::headline(&r))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a triplet file into a pool and computes its text similarities (BM25 always; dense
/// when the encoder is installed under `models` and `no_dense` is false).
fn scm_pool(
    file: &Path,
    swap_half: bool,
    models: &Path,
    no_dense: bool,
) -> Result<(
    fincase::similar::scm::Pool,
    fincase::similar::scm::Similarities,
)> {
    use fincase::similar::scm;
    let content =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut triplets = scm::read_triplets(&content).with_context(|| file.display().to_string())?;
    if swap_half {
        scm::swap_half(&mut triplets);
    }
    let pool = scm::Pool::new(&triplets);
    let e5 = if no_dense {
        None
    } else {
        fincase::ml::e5::E5::installed_near(&models.join("similar"))?
    };
    let sims = fincase::pipeline::similar::pool_similarities(&pool, e5.as_ref())?;
    Ok((pool, sims))
}

/// `fincase train …`.
fn train(out: &mut impl Write, what: TrainCommand) -> Result<ExitCode> {
    match what {
        TrainCommand::Similar {
            data,
            swap_half,
            out: dir,
            dense,
        } => {
            let default_file = data.is_none();
            let file = shared_data(data, SCM_FILE, "--data")?;
            let (pool, sims) = scm_pool(&file, swap_half || default_file, &dir, !dense)?;
            if dense && sims.dense.is_none() {
                bail!("--dense needs the pretrained encoder (scripts/install-e5.sh)");
            }
            let cfg = fincase::similar::scm::RerankConfig {
                dense,
                ..Default::default()
            };
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (r, score) =
                fincase::pipeline::similar::train_reranker(&pool, &sims, &cfg, &source)?;
            r.save_to(&dir)?;
            writeln!(out, "{}", r.trained_on)?;
            writeln!(
                out,
                "cross-validated accuracy {:.1} % ({}/{})",
                100.0 * score.accuracy,
                score.right,
                score.labelled
            )?;
            for (name, w) in r.strongest(12) {
                writeln!(out, "  {w:+.3}  {name}")?;
            }
            writeln!(
                out,
                "wrote {}",
                dir.join(fincase::similar::rank::RERANKER_FILE).display()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        TrainCommand::Tagger { out: dir, recipe } => train_tagger(out, &dir, recipe.as_deref()),
        TrainCommand::Elements {
            data,
            out: dir,
            seed,
            recipe,
            validation_only,
            e5,
            export_e5ft,
        } => {
            let data = shared_data(data, ELEMENTS_FILE, "--data")?;
            if let Some(to) = export_e5ft {
                return export_e5ft_material(out, &data, &to);
            }
            let mut rc: fincase::ml::elements::Recipe = match recipe {
                Some(j) => serde_json::from_str(&j).context("--recipe")?,
                None => Default::default(),
            };
            if let Some(s) = seed {
                rc.train.seed = s;
            }
            if e5 && rc.e5_weight <= 0.0 {
                rc.e5_weight = 1.0;
            }
            let dir = elements_out_dir(&dir, &rc);
            let (encoder, teacher) = element_helpers(&data, &dir, &rc)?;
            let (encoder, teacher) = (encoder.as_ref(), teacher.as_ref());
            if validation_only {
                validate_elements(out, &data, &rc, encoder, teacher)
            } else {
                train_elements(out, &data, &dir, &rc, encoder, teacher)
            }
        }
        TrainCommand::Outcome {
            data,
            out: dir,
            rules,
        } => {
            let data = shared_data(data, ELEMENTS_FILE, "--data")?;
            let t = std::time::Instant::now();
            let cfg = load_rules(rules.as_deref())?;
            write!(out, "{}", train_outcome(&data, &dir, &cfg)?)?;
            trained_in(out, t, &dir)
        }
        TrainCommand::Focus {
            data,
            cail2021,
            out: dir,
            seed,
            recipe,
        } => {
            let data = shared_data(data, LAWBENCH_FILE, "--data")?;
            let cail = shared_data_if_present(cail2021, CAIL2021_FILE);
            let mut rc: fincase::ml::focus::Recipe = match recipe {
                Some(j) => serde_json::from_str(&j).context("--recipe")?,
                None => Default::default(),
            };
            if let Some(s) = seed {
                rc.train.seed = s;
            }
            let t = std::time::Instant::now();
            let r = fincase::ml::focus::train_and_write(&data, cail.as_deref(), &dir, &rc)?;
            write!(out, "{}", fincase::ml::focus::headline(&r))?;
            trained_in(out, t, &dir)
        }
    }
}

/// `fincase train outcome`: the outcome model from the judgments of `data` (labels from the
/// order parser), with grouped cross-validation; returns the headline.
fn train_outcome(data: &Path, dir: &Path, cfg: &fincase::rules::RulesConfig) -> Result<String> {
    use fincase::ml::outcome;
    let content =
        std::fs::read_to_string(data).with_context(|| format!("reading {}", data.display()))?;
    let docs: Vec<fincase::backtest::Document> = fincase::backtest::read_documents(&content)
        .into_iter()
        .filter_map(|(_, d)| d.ok())
        .collect();
    let examples = fincase::backtest::learn::examples(&docs, cfg);
    let name = data
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let tc = outcome::OutcomeTrainConfig::default();
    let trained = outcome::train(
        &examples,
        &tc,
        &format!(
            "{} judgments of {name} with an outcome the order parser reads (of {})",
            examples.len(),
            docs.len()
        ),
    )?;
    trained.model.save(dir)?;
    let y: Vec<f32> = examples.iter().map(|e| e.y).collect();
    let hits = trained
        .oof
        .iter()
        .zip(&y)
        .filter(|(p, y)| (**p >= 0.5) == (**y >= 0.5))
        .count();
    let base = y.iter().filter(|y| **y >= 0.5).count();
    let base = base.max(y.len() - base);
    let (_, ece) = outcome::calibration(&trained.oof, &y, 10);
    Ok(format!(
        "outcome model: {} examples, {}-fold grouped cross-validation: cut/no-cut accuracy {}/{} out of fold (majority class {}/{}), calibration error {ece:.3}, abstains below confidence {:.3}\n",
        examples.len(),
        tc.folds,
        hits,
        y.len(),
        base,
        y.len(),
        trained.model.abstain_below
    ))
}

/// `fincase train tagger`: on generated filings, no research data needed.
fn train_tagger(out: &mut impl Write, dir: &Path, recipe: Option<&str>) -> Result<ExitCode> {
    let rc: fincase::fixtures::tagger_train::Recipe = match recipe {
        Some(j) => serde_json::from_str(j).context("--recipe")?,
        None => Default::default(),
    };
    let r = fincase::fixtures::tagger_train::train_and_write(dir, &rc, |l| {
        eprintln!("{l}");
    })?;
    writeln!(
        out,
        "trained {} steps in {:.1} s ({} parameters); span F1 {:?}; written to {}",
        r.steps_run,
        r.seconds,
        r.parameters,
        r.held_out_span_f1,
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `fincase train elements --export-e5ft DIR`: the GPU fine-tuning script's material.
fn export_e5ft_material(out: &mut impl Write, data: &Path, to: &Path) -> Result<ExitCode> {
    let e5 = fincase::ml::e5::E5::installed_near(Path::new("models/loan-elements"))?
        .context("the pretrained encoder is not installed (run scripts/install-e5.sh)")?;
    let s = fincase::ml::e5ft::export(data, &e5, to)?;
    writeln!(
        out,
        "exported {} labelled and {} distillation sentences ({} word pieces) to {}",
        s.sentences,
        s.distill,
        s.pieces,
        to.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The encoder and the distillation teacher the element recipe asks for, if any.
fn element_helpers(
    data: &Path,
    dir: &Path,
    rc: &fincase::ml::elements::Recipe,
) -> Result<(
    Option<fincase::ml::e5::E5>,
    Option<fincase::ml::elements::Teacher>,
)> {
    let encoder = if rc.e5_weight > 0.0 {
        fincase::ml::e5::E5::installed_near(dir)?
    } else {
        None
    };
    let teacher = if rc.distill > 0 {
        let f = Path::new("models").join(fincase::ml::elements::TEACHER_FILE);
        Some(fincase::ml::elements::load_teacher(data, &f)?)
    } else {
        None
    };
    Ok((encoder, teacher))
}

/// The element model's output folder: the e5 variant's own folder when the recipe reads the
/// encoder and the default folder was left.
fn elements_out_dir(dir: &Path, rc: &fincase::ml::elements::Recipe) -> PathBuf {
    if rc.e5_weight > 0.0 && dir == Path::new("models/loan-elements") {
        PathBuf::from("models").join(fincase::ml::elements::NAME_E5)
    } else {
        dir.to_path_buf()
    }
}

/// `fincase train elements --validation-only`: stage 1's validation scores; writes nothing.
fn validate_elements(
    out: &mut impl Write,
    data: &Path,
    rc: &fincase::ml::elements::Recipe,
    encoder: Option<&fincase::ml::e5::E5>,
    teacher: Option<&fincase::ml::elements::Teacher>,
) -> Result<ExitCode> {
    let t = std::time::Instant::now();
    let v = fincase::ml::elements::validate(data, rc, encoder, teacher)?;
    writeln!(
        out,
        "validation (fold 1, thresholds tuned there): micro-F1 {:.4} macro-F1 {:.4} ({:.0} s)",
        v.micro_f1,
        v.macro_f1,
        t.elapsed().as_secs_f64()
    )?;
    for (code, _, f1, support) in &v.per_label {
        if *support > 0 {
            write!(out, "{code} {f1:.2}  ")?;
        }
    }
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

/// `fincase train elements`: trains and writes the model folder.
fn train_elements(
    out: &mut impl Write,
    data: &Path,
    dir: &Path,
    rc: &fincase::ml::elements::Recipe,
    encoder: Option<&fincase::ml::e5::E5>,
    teacher: Option<&fincase::ml::elements::Teacher>,
) -> Result<ExitCode> {
    let t = std::time::Instant::now();
    let r = fincase::ml::elements::train_and_write(data, dir, rc, encoder, teacher)?;
    write!(out, "{}", fincase::ml::elements::headline(&r))?;
    trained_in(out, t, dir)
}

/// The last line of a training command: how long it took and where the model went.
fn trained_in(out: &mut impl Write, t: std::time::Instant, dir: &Path) -> Result<ExitCode> {
    writeln!(
        out,
        "trained in {:.1} s; written to {}",
        t.elapsed().as_secs_f64(),
        dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `fincase eval extract`: reads the gold files in `gold_dir` and the predictions (from
/// `pred_file`, or by extracting each `<id>.pdf` beside its gold file), then scores them.
fn eval_extract(
    gold_dir: &Path,
    pred_file: Option<&Path>,
    max_misses: usize,
    cfg: &RulesConfig,
    mode: fincase::extract::tagger::combine::Mode,
) -> Result<fincase::eval::ExtractionEval> {
    let tagger = if mode == fincase::extract::tagger::combine::Mode::Rules {
        None
    } else {
        Some(fincase::extract::tagger::global().context("no tagger under models/tagger")?)
    };
    use fincase::eval::{EvalItem, Prediction, evaluate_extraction};
    use rayon::prelude::*;
    let mut gold_paths = Vec::new();
    for entry in
        std::fs::read_dir(gold_dir).with_context(|| format!("reading {}", gold_dir.display()))?
    {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".gold.json"))
        {
            gold_paths.push(path);
        }
    }
    gold_paths.sort();
    if gold_paths.is_empty() {
        bail!("no *.gold.json files in {}", gold_dir.display());
    }
    let mut golds = Vec::with_capacity(gold_paths.len());
    for path in &gold_paths {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut g: fixtures::Gold =
            serde_json::from_str(&text).with_context(|| format!("gold file {}", path.display()))?;
        if g.facts.id.is_empty() {
            g.facts.id = gold_stem(path);
        }
        golds.push((path, g));
    }
    let items: Vec<(EvalItem, Option<OcrRead>)> = match pred_file {
        Some(file) => {
            let mut preds = read_predictions(file)?;
            let items: Vec<EvalItem> = golds
                .into_iter()
                .map(|(_, g)| EvalItem {
                    pred: preds
                        .remove(&g.facts.id)
                        .unwrap_or_else(|| Err(format!("no line in {}", file.display()))),
                    gold: g.facts,
                    gold_flags: g.expected_flags,
                })
                .collect();
            let mut report = evaluate_extraction(&items, max_misses);
            report.unmatched_predictions = preds.into_keys().collect();
            return Ok(report);
        }
        None => golds
            .into_par_iter()
            .map(|(path, g)| {
                let pdf = gold_dir.join(format!("{}.pdf", gold_stem(path)));
                // A scanned batch's true page texts, to score OCR against.
                let truth = std::fs::read_to_string(
                    gold_dir.join(format!("{}.pages.txt", gold_stem(path))),
                )
                .ok();
                let mut ocr = None;
                let pred = match std::fs::read(&pdf) {
                    Err(e) => Err(format!("cannot read {}: {e}", pdf.display())),
                    Ok(bytes) => match ingest::ocr::read_pdf(&bytes) {
                        Err(e) => Err(format!("[{}] {e}", e.code())),
                        Ok(doc) => {
                            if let Some(t) = &truth {
                                let read = doc.pages.iter().filter(|p| p.ocr.is_some()).count();
                                let unread = doc.pages.iter().filter(|p| p.needs_ocr).count();
                                ocr = Some((doc.joined(), t.clone(), read, unread));
                            }
                            let extraction = extract::tagger::combine::extract_in_mode(
                                &g.facts.id,
                                &doc,
                                mode,
                                tagger,
                                &cfg.lpr,
                            );
                            let precheck = rules::precheck(&extraction.facts, cfg);
                            let report = ExtractReport::new(extraction, precheck);
                            Ok(Prediction {
                                facts: report.facts,
                                flags: report.flags,
                            })
                        }
                    },
                };
                (
                    EvalItem {
                        gold: g.facts,
                        gold_flags: g.expected_flags,
                        pred,
                    },
                    ocr,
                )
            })
            .collect(),
    };
    let (items, ocr): (Vec<EvalItem>, Vec<_>) = items.into_iter().unzip();
    let mut report = evaluate_extraction(&items, max_misses);
    let mut score = fincase::eval::OcrScore::default();
    for (read, truth, pages_read, pages_unread) in ocr.into_iter().flatten() {
        score.add(&read, &truth, pages_read, pages_unread);
    }
    if score.filings > 0 {
        report.ocr = Some(score);
    }
    Ok(report)
}

/// A scanned filing as OCR read it, to score: (text read, true text, pages read by OCR,
/// scanned pages left unread).
type OcrRead = (String, String, usize, usize);

/// `<id>` of `<id>.gold.json`.
fn gold_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    name.strip_suffix(".gold.json").unwrap_or(&name).to_string()
}

/// The predictions of a `fincase extract` JSON Lines file by id; an error line is kept as the
/// reason its filing has no prediction.
fn read_predictions(
    file: &Path,
) -> Result<
    std::collections::BTreeMap<String, std::result::Result<fincase::eval::Prediction, String>>,
> {
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(flatten)]
        facts: fincase::domain::CaseFacts,
        #[serde(default)]
        flags: Vec<fincase::domain::FindingCode>,
    }
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut preds = std::collections::BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let where_ = || format!("{} line {}", file.display(), n + 1);
        let value: serde_json::Value = serde_json::from_str(line).with_context(where_)?;
        let id = value
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .with_context(|| format!("{}: no \"id\"", where_()))?;
        let pred = match value.get("error") {
            Some(err) => Err(format!("extraction failed: {err}")),
            None => {
                let l: Line = serde_json::from_value(value).with_context(where_)?;
                Ok(fincase::eval::Prediction {
                    facts: l.facts,
                    flags: l.flags,
                })
            }
        };
        preds.insert(id, pred);
    }
    Ok(preds)
}

/// Where `fincase backtest` and `fincase train outcome` keep the outcome model by default.
const DEFAULT_OUTCOME_MODEL: &str = "models/outcome";

/// Which outcome model `fincase backtest` uses.
enum ModelChoice<'a> {
    /// [`DEFAULT_OUTCOME_MODEL`] when it is there, else none.
    Default,
    /// None: the rules alone (`--model none`).
    Off,
    /// This folder (an error when it holds no model).
    Given(&'a Path),
}

/// The files `fincase backtest` reads and writes besides its input.
struct BacktestPaths<'a> {
    summary: Option<&'a Path>,
    rules: Option<&'a Path>,
    model: ModelChoice<'a>,
    hand: Option<&'a Path>,
}

/// `fincase backtest`: one JSON line per judgment to `out`, the summary to stderr or a file.
fn backtest_file(out: &mut impl Write, file: &Path, paths: &BacktestPaths<'_>) -> Result<()> {
    use fincase::backtest;
    let cfg = load_rules(paths.rules)?;
    let load = |dir: &Path| {
        fincase::ml::outcome::OutcomeModel::load(dir)
            .with_context(|| format!("loading the outcome model from {}", dir.display()))
    };
    let model = match paths.model {
        ModelChoice::Off => None,
        ModelChoice::Given(dir) if !dir.join("outcome.json").exists() => {
            bail!("no outcome model in {} (outcome.json)", dir.display())
        }
        ModelChoice::Given(dir) => Some(load(dir)?),
        ModelChoice::Default => {
            let dir = Path::new(DEFAULT_OUTCOME_MODEL);
            if dir.join("outcome.json").exists() {
                Some(load(dir)?)
            } else {
                None
            }
        }
    };
    let labels = match paths.hand {
        Some(p) => Some(backtest::read_labels(
            &std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?,
        )?),
        None => None,
    };
    let content =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let mut summary = backtest::Summary::default();
    let mut records = Vec::new();
    let mut with_claims_section = std::collections::BTreeSet::new();
    for (line, doc) in backtest::read_documents(&content) {
        match doc {
            Ok(doc) => {
                let b = backtest::backtest(&doc, line, &cfg, model.as_ref());
                summary.add(&b.record, b.has_orders, b.has_claims);
                writeln!(out, "{}", serde_json::to_string(&b.record)?)?;
                if b.has_claims_section {
                    with_claims_section.insert(line);
                }
                records.push(b.record);
            }
            Err(e) => {
                summary.add_unreadable();
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"line": line, "id": null, "error": e.to_string()})
                )?;
            }
        }
    }
    let hand = labels.map(|l| {
        backtest::HandSummary::score(&records, &l, |line| with_claims_section.contains(&line))
    });
    match paths.summary {
        Some(p) if p.extension().is_some_and(|e| e == "json") => {
            let json = serde_json::json!({"summary": summary, "hand": hand});
            std::fs::write(p, serde_json::to_string_pretty(&json)?)
                .with_context(|| format!("writing {}", p.display()))?;
        }
        Some(p) => std::fs::write(
            p,
            summary.to_markdown() + &hand.map(|h| h.to_markdown()).unwrap_or_default(),
        )
        .with_context(|| format!("writing {}", p.display()))?,
        None => eprint!(
            "{}",
            summary.to_markdown() + &hand.map(|h| h.to_markdown()).unwrap_or_default()
        ),
    }
    Ok(())
}

/// The bundled demo batch: `fixtures/demo` under the working directory, else under the source
/// tree this binary was built from.
fn demo_input() -> Result<PathBuf> {
    let local = PathBuf::from("fixtures/demo");
    if local.is_dir() {
        return Ok(local);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    if built.is_dir() {
        return Ok(built);
    }
    bail!("the demo batch fixtures/demo is missing (run from the repository root)")
}

fn print_summary(out: &mut impl Write, s: &pipeline::BatchSummary, out_dir: &Path) -> Result<()> {
    writeln!(
        out,
        "batch {}: {} filings from {}",
        s.batch_id, s.total, s.input
    )?;
    for (status, n) in &s.by_status {
        writeln!(out, "  {:<13} {n}", status.as_str())?;
    }
    if !s.by_flag.is_empty() {
        let flags: Vec<String> = s
            .by_flag
            .iter()
            .map(|(f, n)| format!("{}={n}", f.as_str()))
            .collect();
        writeln!(out, "  flags: {}", flags.join(", "))?;
    }
    for e in s.not_drafted.iter().take(10) {
        writeln!(out, "  - {} [{}]: {}", e.name, e.status.as_str(), e.reason)?;
    }
    if s.not_drafted.len() > 10 {
        writeln!(out, "  … {} more in summary.json", s.not_drafted.len() - 10)?;
    }
    writeln!(
        out,
        "  time: {} ms wall",
        s.timings_ms.get("wall").copied().unwrap_or(0)
    )?;
    if s.gold_files > 0 {
        writeln!(
            out,
            "  gold answers beside the PDFs: {} (generated filings' answers, not filings)",
            s.gold_files
        )?;
    }
    writeln!(out, "drafts:  {}", Path::new(&s.drafts_dir).display())?;
    writeln!(out, "summary: {}", out_dir.join("summary.json").display())?;
    Ok(())
}

fn load_service_config(
    path: Option<&Path>,
) -> Result<(fincase::http::ServiceConfig, std::sync::Arc<RulesConfig>)> {
    let mut cfg = match path {
        None => fincase::http::ServiceConfig::default(),
        Some(p) => {
            let s =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            fincase::http::ServiceConfig::from_toml(&s)?
        }
    };
    cfg.apply_env();
    let rules = load_rules(cfg.rules.as_deref())?;
    Ok((cfg, std::sync::Arc::new(rules)))
}

async fn open_service_store(
    index: &Path,
    cfg: &fincase::http::ServiceConfig,
) -> Result<fincase::store::Store> {
    let store = match &cfg.database_url {
        Some(url) => fincase::store::Store::open_url(url).await?,
        None => fincase::store::Store::open_sqlite(&index.join("cases.db")).await?,
    };
    Ok(store)
}

/// `fincase audit verify`: true when the chain is intact (and holds `expect_head`).
async fn audit_verify(
    out: &mut impl Write,
    index: &Path,
    database: Option<&str>,
    expect_head: Option<&str>,
    json: bool,
) -> Result<bool> {
    use fincase::store::{AuditVerification, Store};
    let store = match database {
        Some(url) => Store::open_url(url).await?,
        None => {
            let path = index.join("cases.db");
            if !path.exists() {
                bail!("no case database at {}", path.display());
            }
            Store::open_sqlite(&path).await?
        }
    };
    let report = store.verify_audit().await?;
    let missing_head = match (&report, expect_head) {
        (AuditVerification::Intact { .. }, Some(h)) => !store.audit_holds(h).await?,
        _ => false,
    };
    store.close().await;
    if json {
        let mut v = serde_json::to_value(&report)?;
        if missing_head {
            v["expected_head_missing"] = true.into();
        }
        writeln!(out, "{v}")?;
    } else {
        match &report {
            AuditVerification::Intact { count, head } if !missing_head => {
                writeln!(out, "audit log OK: {count} entries, head {head}")?;
            }
            AuditVerification::Intact { count, head } => writeln!(
                out,
                "audit log BROKEN: the expected head {} is gone ({count} entries now, head \
                 {head}): entries were deleted from the end",
                expect_head.unwrap_or_default()
            )?,
            AuditVerification::Broken { seq, problem } => {
                writeln!(out, "audit log BROKEN at seq {seq}: {problem}")?;
            }
        }
    }
    Ok(matches!(report, AuditVerification::Intact { .. }) && !missing_head)
}

async fn shutdown_signal(tx: tokio::sync::watch::Sender<bool>) {
    let _ = tokio::signal::ctrl_c().await;
    let _ = tx.send(true);
}

async fn serve(
    addr: &str,
    index: &Path,
    cfg: fincase::http::ServiceConfig,
    rules: std::sync::Arc<RulesConfig>,
) -> Result<()> {
    let store = open_service_store(index, &cfg).await?;
    fincase::http::bootstrap_admin(&store, &cfg).await?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let workers_cfg = cfg.workers.clone();
    // The search index's one writer follows the database (workers never index).
    let (search, follower) =
        fincase::http::spawn_follower(&store, index, std::time::Duration::from_secs(1), &rx)?;
    let archive = fincase::search::archive::ArchiveIndex::open(
        &fincase::search::archive::archive_dir(index),
    )?;
    let rebuilt = fincase::pipeline::similar::reconcile_archive(&store, &archive).await?;
    if rebuilt > 0 {
        tracing::info!(cases = rebuilt, "case archive re-indexed from the database");
    }
    let reranker = match fincase::similar::Reranker::load_from(&fincase::ml::Models::default_dir())
    {
        Ok(r) => r.map(std::sync::Arc::new),
        Err(e) => {
            tracing::warn!(error = %e, "similar cases ranked by BM25 only");
            None
        }
    };
    let state = fincase::http::AppState::new(store.clone(), index, cfg)
        .with_search(search)
        .with_archive(std::sync::Arc::new(archive), reranker)
        .with_rules(std::sync::Arc::clone(&rules));
    let workers = fincase::http::spawn_workers_counted(
        &store,
        rules,
        &workers_cfg,
        workers_cfg.in_process,
        &rx,
        &state.metrics,
    );
    // Lifecycle events announced to the banks' webhooks (the outbox is the database's).
    let sender = fincase::http::spawn_sender(&store, &rx);
    let app = fincase::http::router(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    tracing::info!(addr, backend = store.backend(), "serving");
    let mut stop = rx.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            tokio::select! {
                _ = shutdown_signal(tx) => {}
                _ = stop.changed() => {}
            }
        })
        .await?;
    for w in workers {
        let _ = w.await;
    }
    let _ = follower.await;
    let _ = sender.await;
    store.close().await;
    Ok(())
}

async fn work(
    index: &Path,
    cfg: fincase::http::ServiceConfig,
    rules: std::sync::Arc<RulesConfig>,
    tasks: usize,
) -> Result<()> {
    let store = open_service_store(index, &cfg).await?;
    let (tx, rx) = tokio::sync::watch::channel(false);
    let workers = fincase::http::spawn_workers(&store, rules, &cfg.workers, tasks.max(1), &rx);
    tracing::info!(tasks, backend = store.backend(), "worker started");
    shutdown_signal(tx).await;
    for w in workers {
        let _ = w.await;
    }
    store.close().await;
    Ok(())
}
