//! The service's records: API tokens (hashed), batches submitted through the API with their
//! filings and jobs (one transaction), what a worker computed for a filing, and originals.
//!
//! Tenancy is a column (`org`) on batches and filings; this module answers questions about one
//! organisation when asked, but deciding who may ask is `http`'s job.

use super::JobKind;
use super::audit::{Actor, Pending, audited_tx};
use super::{FilingRecord, Store, StoreError, db_query, now_ms, tx_query};
use sqlx::Row;
use std::path::{Path, PathBuf};

/// Builds a [`FilingView`] from a `SELECT *` row of either backend.
macro_rules! filing_view_from_row {
    ($r:expr) => {
        FilingView {
            record: FilingRecord {
                id: $r.get("id"),
                batch_id: $r.get("batch_id"),
                name: $r.get("name"),
                sha256: $r.get("sha256"),
                status: $r.get("status"),
                reason: $r.get("reason"),
                facts_json: $r.get("facts_json"),
                outcome_json: $r.get("outcome_json"),
                draft_path: $r.get("draft_path"),
            },
            org: $r.get("org"),
            reference: $r.get("reference"),
            draft_kind: $r.get("draft_kind"),
            processed_count: $r.get("processed_count"),
            court_id: $r.get("court_id"),
            court_name: $r.get("court_name"),
            review_state: $r.get("review_state"),
            review_reason: $r.get("review_reason"),
            versions_json: $r.get("versions_json"),
        }
    };
}

/// Builds a [`FilingSummary`] from a row of either backend.
macro_rules! summary_from_row {
    ($r:expr) => {
        FilingSummary {
            id: $r.get("id"),
            batch_id: $r.get("batch_id"),
            name: $r.get("name"),
            status: $r.get("status"),
            court_id: $r.get("court_id"),
            review_state: $r.get("review_state"),
        }
    };
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A bank (or other filer): submits batches, sees only its own organisation's records.
    Bank,
    /// A judge of one court: sees that court's filings, decides on their drafts.
    Judge,
    /// The data team: aggregates and masked facts only (no drafts, no originals).
    Analyst,
    /// Operators: tokens, courts, configuration; sees everything.
    Admin,
}

impl Role {
    /// The role as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Bank => "bank",
            Role::Judge => "judge",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored role.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "bank" => Some(Role::Bank),
            "judge" => Some(Role::Judge),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An API token as stored: only its SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// The organisation the token acts for.
    pub org: String,
    /// What it may do.
    pub role: Role,
    /// A human label ("XX银行 批量立案").
    pub label: String,
    /// The court a judge token belongs to (`None` for the other roles).
    pub court_id: Option<String>,
}

/// A court filings are assigned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Court {
    /// Court id (uuid v4).
    pub id: String,
    /// Its full name as filings address it (此致 杭州市西湖区人民法院).
    pub name: String,
}

/// A judge's decision on a drafted filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// The draft is right: the judge signs it.
    Approve,
    /// The claim is rejected (reason required).
    Reject,
    /// Sent back to the bank to correct or complete (reason required).
    ReturnToBank,
}

impl ReviewAction {
    /// The action as named on the wire and in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Approve => "approve",
            ReviewAction::Reject => "reject",
            ReviewAction::ReturnToBank => "return_to_bank",
        }
    }

    /// The review state the filing ends in.
    pub fn review_state(self) -> &'static str {
        match self {
            ReviewAction::Approve => "approved",
            ReviewAction::Reject => "rejected",
            ReviewAction::ReturnToBank => "returned_to_bank",
        }
    }

    /// True when a reason is required.
    pub fn needs_reason(self) -> bool {
        !matches!(self, ReviewAction::Approve)
    }
}

/// What became of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Recorded (with its audit entry).
    Recorded,
    /// No such filing in that court.
    NotFound,
    /// The filing has no draft to decide on (its status is given).
    NotReviewable(String),
    /// Already decided (the state is given).
    AlreadyDecided(String),
}

/// Who may see which filings in a listing or count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilingScope {
    /// Every filing.
    All,
    /// One organisation's.
    Org(String),
    /// One court's.
    Court(String),
}

/// One filing in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingSummary {
    /// Filing id.
    pub id: String,
    /// Its batch.
    pub batch_id: String,
    /// Name inside the batch.
    pub name: String,
    /// Processing status.
    pub status: String,
    /// Its court, once matched.
    pub court_id: Option<String>,
    /// Review state (`approved`, `rejected`, `returned_to_bank`), once decided.
    pub review_state: Option<String>,
}

/// Aggregates for the data team: filings per status, case type, finding code, review state.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Stats {
    /// Filings.
    pub total: i64,
    /// Per processing status.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Per case type (`unknown` when not read).
    pub by_case_type: std::collections::BTreeMap<String, i64>,
    /// Filings carrying each finding code.
    pub by_finding: std::collections::BTreeMap<String, i64>,
    /// Per review state (`pending` before a decision).
    pub by_review_state: std::collections::BTreeMap<String, i64>,
}

/// A court name as matched: whitespace (ASCII and full-width) removed.
pub fn normalize_court_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A batch submitted through the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// Batch id (uuid v4).
    pub id: String,
    /// Submitting organisation.
    pub org: String,
    /// What was uploaded (file names), for people.
    pub input: String,
    /// What intake reported (skipped entries, manifest), JSON.
    pub intake_json: Option<String>,
}

/// One filing of a submitted batch, its original already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFiling {
    /// Filing id (uuid v4).
    pub id: String,
    /// Name inside the batch.
    pub name: String,
    /// SHA-256 of the original.
    pub sha256: String,
    /// The bank's own reference (manifest.csv), if any.
    pub reference: Option<String>,
}

/// What intake did with one filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admitted {
    /// Filed and queued.
    Queued {
        /// The new filing's id.
        filing_id: String,
    },
    /// The organisation filed the same PDF before: not filed again.
    Duplicate {
        /// The filing it duplicates.
        filing_id: String,
        /// The batch that filed it.
        batch_id: String,
    },
}

/// A batch as the service shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    /// Batch id.
    pub id: String,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// What was uploaded.
    pub input: String,
    /// When (RFC 3339).
    pub started_at: String,
    /// Intake report JSON.
    pub intake_json: Option<String>,
}

/// A filing as the service shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingView {
    /// The stored record (status, reason, facts, outcome…).
    pub record: FilingRecord,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// The bank's reference.
    pub reference: Option<String>,
    /// Which document was drafted (`judgment`, `payment_order`, `none` for a notice).
    pub draft_kind: Option<String>,
    /// How many times a result was recorded (1 once processed: the exactly-once check).
    pub processed_count: i64,
    /// The court it is assigned to (`None`: not matched to a configured court; admin only).
    pub court_id: Option<String>,
    /// The court the filing addresses, as extracted.
    pub court_name: Option<String>,
    /// The judge's decision (`approved`, `rejected`, `returned_to_bank`), once made.
    pub review_state: Option<String>,
    /// The decision's reason.
    pub review_reason: Option<String>,
    /// Model, rules and template versions of the recorded result (JSON).
    pub versions_json: Option<String>,
}

/// A filing as the search follower indexes it ([`Store::filings_changed_after`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingChange {
    /// The change's sequence number (increasing in commit order).
    pub seq: i64,
    /// Filing id.
    pub id: String,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// The court the filing is for, once known.
    pub court_id: Option<String>,
    /// Name inside the batch.
    pub name: String,
    /// Status (`drafted`, `needs_review`, `needs_ocr`, `rejected`, `failed`).
    pub status: String,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags and findings (JSON).
    pub facts_json: Option<String>,
    /// Which document was drafted.
    pub draft_kind: Option<String>,
    /// Draft (or notice) plain text.
    pub draft_text: Option<String>,
}

/// One filing's line in a batch status page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFilingLine {
    /// Filing id.
    pub id: String,
    /// Name inside the batch.
    pub name: String,
    /// The bank's reference.
    pub reference: Option<String>,
    /// Status.
    pub status: String,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags, findings and provenance (JSON), once processed.
    pub facts_json: Option<String>,
}

/// What a worker computed for one filing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FilingOutput {
    /// Final status (`drafted`, `needs_review`, `needs_ocr`, `rejected`, `failed`).
    pub status: String,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags, findings and provenance (JSON).
    pub facts_json: Option<String>,
    /// Suggested outcome (JSON).
    pub outcome_json: Option<String>,
    /// Which document was drafted.
    pub draft_kind: Option<String>,
    /// Draft (or notice) HTML.
    pub draft_html: Option<String>,
    /// Draft (or notice) plain text.
    pub draft_text: Option<String>,
    /// The court the filing addresses (此致 …人民法院), as extracted; matched to a configured
    /// court when the result is recorded.
    pub court_name: Option<String>,
    /// The case type (serde name), for aggregates.
    pub case_type: Option<String>,
    /// The finding codes (serde names), for aggregates.
    pub finding_codes: Vec<String>,
    /// Model, rules and template versions (JSON object), recorded and audited.
    pub versions_json: Option<String>,
}

impl Store {
    /// Stores a token's hash with its organisation and role (replacing an earlier one),
    /// audited as done by the system (bootstrap, command line).
    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        self.put_token_as(t, &Actor::system()).await
    }

    /// [`Store::put_token`] by `actor` (an admin's token): the token and its audit entry
    /// (`token.created`, subject the first 12 hex digits of the hash) in one transaction.
    pub async fn put_token_as(&self, t: &TokenRecord, actor: &Actor) -> Result<(), StoreError> {
        let now = now_ms();
        let token_id = t.token_hash.get(..12).unwrap_or(&t.token_hash).to_owned();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO api_tokens (token_hash, org, role, label, created_ms, court_id)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (token_hash) DO UPDATE SET org = excluded.org,
                     role = excluded.role, label = excluded.label, court_id = excluded.court_id",
                [
                    &t.token_hash,
                    &t.org,
                    t.role.as_str(),
                    &t.label,
                    now,
                    &t.court_id
                ],
                execute
            )?;
            chain.push(Pending {
                actor,
                action: "token.created",
                subject: &token_id,
                before: None,
                after: Some(serde_json::json!({
                    "org": t.org,
                    "role": t.role.as_str(),
                    "label": t.label,
                    "court_id": t.court_id,
                })),
                versions: None,
            });
            Ok(())
        })
    }

    /// The token with this hash.
    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = db_query!(
            &self.db,
            "SELECT token_hash, org, role, label, court_id FROM api_tokens WHERE token_hash = ?",
            [token_hash],
            fetch_optional,
            |row| row.map(|r| {
                (
                    r.get::<String, _>("token_hash"),
                    r.get::<String, _>("org"),
                    r.get::<String, _>("role"),
                    r.get::<String, _>("label"),
                    r.get::<Option<String>, _>("court_id"),
                )
            })
        )?;
        Ok(row.and_then(|(token_hash, org, role, label, court_id)| {
            Some(TokenRecord {
                token_hash,
                org,
                role: Role::parse(&role)?,
                label,
                court_id,
            })
        }))
    }

    /// Stores an original from a file already on disk, whose SHA-256 the caller computed while
    /// writing it; `tmp` is consumed. See [`Store::put_original_files`].
    pub async fn put_original_file(&self, tmp: &Path, sha256: &str) -> Result<(), StoreError> {
        self.put_original_files(&[(tmp, sha256)]).await
    }

    /// Stores an upload's originals, durably once this returns (before the batch that names
    /// them is admitted). On disk (SQLite): moved into the content-addressed tree, each file and
    /// each changed folder fsynced ([`adopt`](super::OriginalStore::adopt), on a blocking thread). In the
    /// database otherwise, a transaction per 100 files or 16 MiB (one commit per file cost a
    /// 1,000-file upload to PostgreSQL about 3 s of commits; BENCHMARKS.md, "Service"); each
    /// file is removed once its transaction committed. The staged files are consumed either way.
    pub async fn put_original_files(&self, files: &[(&Path, &str)]) -> Result<(), StoreError> {
        if let Some(dir) = &self.originals {
            let dir = dir.clone();
            let owned: Vec<(PathBuf, String)> = files
                .iter()
                .map(|(p, s)| (p.to_path_buf(), (*s).to_owned()))
                .collect();
            return tokio::task::spawn_blocking(move || dir.adopt(&owned))
                .await
                .map_err(std::io::Error::other)?
                .map_err(StoreError::from);
        }
        const MAX_FILES: usize = 100;
        const MAX_BYTES: usize = 16 << 20;
        let mut rest = files;
        while !rest.is_empty() {
            let (mut blobs, mut bytes) = (Vec::new(), 0usize);
            while blobs.len() < rest.len() && blobs.len() < MAX_FILES && bytes < MAX_BYTES {
                let b = tokio::fs::read(rest[blobs.len()].0).await?;
                bytes += b.len();
                blobs.push(b);
            }
            let (chunk, tail) = rest.split_at(blobs.len());
            super::in_tx!(&self.db, |tx, pg| {
                for ((_, sha), b) in chunk.iter().zip(&blobs) {
                    tx_query!(
                        pg,
                        tx,
                        "INSERT INTO originals (sha256, bytes) VALUES (?, ?)
                         ON CONFLICT (sha256) DO NOTHING",
                        [*sha, b],
                        execute
                    )?;
                }
                Ok(())
            })?;
            for (tmp, _) in chunk {
                tokio::fs::remove_file(tmp).await?;
            }
            rest = tail;
        }
        Ok(())
    }

    /// Reads an original back (`None` when it is not stored).
    pub async fn original(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match &self.originals {
            Some(dir) => match std::fs::read(dir.path_of(sha256)) {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            },
            None => Ok(db_query!(
                &self.db,
                "SELECT bytes FROM originals WHERE sha256 = ?",
                [sha256],
                fetch_optional,
                |row| row.map(|r| r.get::<Vec<u8>, _>("bytes"))
            )?),
        }
    }

    /// Records a submitted batch, its filings and one `Ingest` job per new filing, all in one
    /// transaction: when this returns `Ok`, everything is durable. A filing whose hash the
    /// organisation already filed (in an earlier batch or earlier in this one) is not filed
    /// again: it comes back as [`Admitted::Duplicate`]. Originals must be stored first.
    /// Audited in the same transaction: `filing.admitted` or `filing.duplicate` per filing,
    /// then `batch.accepted`, all by `actor`.
    pub async fn admit_batch(
        &self,
        batch: &NewBatch,
        filings: &[NewFiling],
        max_attempts: i64,
        actor: &Actor,
    ) -> Result<Vec<Admitted>, StoreError> {
        let now = now_ms();
        let started_at = chrono::DateTime::from_timestamp_millis(now)
            .map_or_else(String::new, |t| {
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            });
        audited_tx!(&self.db, now, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO batches (id, input, started_at, org, intake_json)
                 VALUES (?, ?, ?, ?, ?)",
                [
                    &batch.id,
                    &batch.input,
                    &started_at,
                    &batch.org,
                    &batch.intake_json
                ],
                execute
            )?;
            let mut out = Vec::with_capacity(filings.len());
            for f in filings {
                let inserted = tx_query!(
                    pg,
                    tx,
                    "INSERT INTO filings (id, batch_id, name, sha256, status, org, reference,
                                          updated_ms)
                     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)
                     ON CONFLICT (org, sha256) WHERE org IS NOT NULL DO NOTHING",
                    [
                        &f.id,
                        &batch.id,
                        &f.name,
                        &f.sha256,
                        &batch.org,
                        &f.reference,
                        now
                    ],
                    execute
                )?
                .rows_affected();
                if inserted == 0 {
                    let r = tx_query!(
                        pg,
                        tx,
                        "SELECT id, batch_id FROM filings WHERE org = ? AND sha256 = ?",
                        [&batch.org, &f.sha256],
                        fetch_one
                    )?;
                    let (filing_id, first_batch): (String, String) =
                        (r.get("id"), r.get("batch_id"));
                    chain.push(Pending {
                        actor,
                        action: "filing.duplicate",
                        subject: &filing_id,
                        before: None,
                        after: Some(serde_json::json!({
                            "batch_id": batch.id,
                            "filed_in_batch": first_batch,
                            "sha256": f.sha256,
                        })),
                        versions: None,
                    });
                    out.push(Admitted::Duplicate {
                        filing_id,
                        batch_id: first_batch,
                    });
                    continue;
                }
                let job_id = uuid::Uuid::new_v4().to_string();
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO jobs (id, kind, filing_id, batch_id, state, attempts,
                                       max_attempts, next_run_ms, created_ms, updated_ms)
                     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)",
                    [
                        &job_id,
                        JobKind::Ingest.as_str(),
                        &f.id,
                        &batch.id,
                        max_attempts,
                        now,
                        now,
                        now
                    ],
                    execute
                )?;
                chain.push(Pending {
                    actor,
                    action: "filing.admitted",
                    subject: &f.id,
                    before: None,
                    after: Some(serde_json::json!({
                        "status": "queued",
                        "batch_id": batch.id,
                        "org": batch.org,
                        "sha256": f.sha256,
                        "reference": f.reference,
                        "job_id": job_id,
                    })),
                    versions: None,
                });
                out.push(Admitted::Queued {
                    filing_id: f.id.clone(),
                });
            }
            let queued = out
                .iter()
                .filter(|a| matches!(a, Admitted::Queued { .. }))
                .count();
            chain.push(Pending {
                actor,
                action: "batch.accepted",
                subject: &batch.id,
                before: None,
                after: Some(serde_json::json!({
                    "org": batch.org,
                    "input": batch.input,
                    "filed": queued,
                    "duplicates": out.len() - queued,
                })),
                versions: None,
            });
            Ok(out)
        })
    }

    /// Records what intake reported (duplicates, skipped entries) for a batch.
    pub async fn set_intake_report(&self, batch_id: &str, json: &str) -> Result<(), StoreError> {
        db_query!(
            &self.db,
            "UPDATE batches SET intake_json = ? WHERE id = ?",
            [json, batch_id],
            execute,
            |_| ()
        )?;
        Ok(())
    }

    /// A batch with its owner.
    pub async fn batch_view(&self, id: &str) -> Result<Option<BatchView>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, org, input, started_at, intake_json FROM batches WHERE id = ?",
            [id],
            fetch_optional,
            |row| row.map(|r| BatchView {
                id: r.get("id"),
                org: r.get("org"),
                input: r.get("input"),
                started_at: r.get("started_at"),
                intake_json: r.get("intake_json"),
            })
        )?)
    }

    /// One filing with its owner and service columns.
    pub async fn filing_view(&self, id: &str) -> Result<Option<FilingView>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT * FROM filings WHERE id = ?",
            [id],
            fetch_optional,
            |row| row.map(|r| filing_view_from_row!(r))
        )?)
    }

    /// The filings of a batch with their service columns, by name.
    pub async fn filing_views_of_batch(
        &self,
        batch_id: &str,
    ) -> Result<Vec<FilingView>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT * FROM filings WHERE batch_id = ? ORDER BY name, id",
            [batch_id],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| filing_view_from_row!(r))
                .collect::<Vec<_>>()
        )?)
    }

    /// Filings of a batch per status, the whole batch (one `GROUP BY`, however large).
    pub async fn batch_status_counts(
        &self,
        batch_id: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT status, COUNT(*) AS n FROM filings WHERE batch_id = ?
             GROUP BY status ORDER BY status",
            [batch_id],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get("status"), r.get("n")))
                .collect::<Vec<_>>()
        )?)
    }

    /// One page of a batch's filings, by name: at most `limit` lines from `offset`, with only
    /// the columns a batch status shows (the facts JSON carries the findings).
    pub async fn batch_filing_page(
        &self,
        batch_id: &str,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<BatchFilingLine>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, name, reference, status, reason, facts_json FROM filings
             WHERE batch_id = ? ORDER BY name, id LIMIT ? OFFSET ?",
            [batch_id, limit, offset],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| BatchFilingLine {
                    id: r.get("id"),
                    name: r.get("name"),
                    reference: r.get("reference"),
                    status: r.get("status"),
                    reason: r.get("reason"),
                    facts_json: r.get("facts_json"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// The draft (or notice) of a filing: `(kind, html, text)`.
    pub async fn draft_of(
        &self,
        filing_id: &str,
    ) -> Result<Option<(Option<String>, String, String)>, StoreError> {
        let row = db_query!(
            &self.db,
            "SELECT draft_kind, draft_html, draft_text FROM filings WHERE id = ?",
            [filing_id],
            fetch_optional,
            |row| row.map(|r| {
                (
                    r.get::<Option<String>, _>("draft_kind"),
                    r.get::<Option<String>, _>("draft_html"),
                    r.get::<Option<String>, _>("draft_text"),
                )
            })
        )?;
        Ok(row.and_then(|(k, h, t)| Some((k, h?, t.unwrap_or_default()))))
    }

    /// Filings whose indexed columns changed after sequence number `after` (see migration 4:
    /// every finished filing carries the `change_seq` of its latest change), in sequence
    /// order, at most `limit`. A filing changed twice appears once, with its latest number.
    pub async fn filings_changed_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<FilingChange>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT change_seq, id, org, court_id, name, status, reason, facts_json,
                    draft_kind, draft_text
             FROM filings WHERE change_seq > ? ORDER BY change_seq LIMIT ?",
            [after, limit.max(0)],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| FilingChange {
                    seq: r.get("change_seq"),
                    id: r.get("id"),
                    org: r.get("org"),
                    court_id: r.get("court_id"),
                    name: r.get("name"),
                    status: r.get("status"),
                    reason: r.get("reason"),
                    facts_json: r.get("facts_json"),
                    draft_kind: r.get("draft_kind"),
                    draft_text: r.get("draft_text"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// The highest change sequence number handed out so far (0 when none).
    pub async fn last_change_seq(&self) -> Result<i64, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT seq FROM change_counter WHERE id = 1",
            [],
            fetch_optional,
            |row| row.map_or(0, |r| r.get::<i64, _>("seq"))
        )?)
    }

    /// Total filings of one organisation per status (or of everyone with `None`).
    pub async fn org_count_by_status(
        &self,
        org: Option<&str>,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = match org {
            Some(org) => db_query!(
                &self.db,
                "SELECT status, COUNT(*) AS n FROM filings WHERE org = ?
                 GROUP BY status ORDER BY status",
                [org],
                fetch_all,
                |rows| rows
                    .iter()
                    .map(|r| (r.get("status"), r.get("n")))
                    .collect::<Vec<_>>()
            )?,
            None => self.count_by_status().await?,
        };
        Ok(rows)
    }
}

/// Courts, review decisions and what each role may list or count.
impl Store {
    /// Creates a court (its name normalised by [`normalize_court_name`]) and assigns it the
    /// filings already recorded that address it but had no court, all audited by `actor`
    /// (`court.created`, then `filing.court_assigned` per filing). `None` when a court of that
    /// name exists.
    pub async fn create_court(
        &self,
        name: &str,
        actor: &Actor,
    ) -> Result<Option<Court>, StoreError> {
        let now = now_ms();
        let court = Court {
            id: uuid::Uuid::new_v4().to_string(),
            name: normalize_court_name(name),
        };
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "INSERT INTO courts (id, name, created_ms) VALUES (?, ?, ?)
                 ON CONFLICT (name) DO NOTHING",
                [&court.id, &court.name, now],
                execute
            )?
            .rows_affected();
            if n == 0 {
                return Ok(None);
            }
            chain.push(Pending {
                actor,
                action: "court.created",
                subject: &court.id,
                before: None,
                after: Some(serde_json::json!({ "name": court.name })),
                versions: None,
            });
            let assigned: Vec<String> = tx_query!(
                pg,
                tx,
                "UPDATE filings SET court_id = ? WHERE court_id IS NULL AND court_name = ?
                 RETURNING id",
                [&court.id, &court.name],
                fetch_all
            )?
            .iter()
            .map(|r| r.get("id"))
            .collect();
            for id in &assigned {
                chain.push(Pending {
                    actor,
                    action: "filing.court_assigned",
                    subject: id,
                    before: Some(serde_json::json!({ "court_id": null })),
                    after: Some(serde_json::json!({ "court_id": court.id })),
                    versions: None,
                });
            }
            Ok(Some(court.clone()))
        })
    }

    /// Every court, by name.
    pub async fn courts(&self) -> Result<Vec<Court>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, name FROM courts ORDER BY name",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| Court {
                    id: r.get("id"),
                    name: r.get("name"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// One court by id.
    pub async fn court(&self, id: &str) -> Result<Option<Court>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, name FROM courts WHERE id = ?",
            [id],
            fetch_optional,
            |row| row.map(|r| Court {
                id: r.get("id"),
                name: r.get("name"),
            })
        )?)
    }

    /// Records a judge's decision on a drafted, undecided filing of `court_id`, with its audit
    /// entry (`decision.<action>`, before and after review state, the draft's versions), in one
    /// transaction. The conditions are checked in the same statement that writes, so two
    /// judges deciding at once cannot both succeed. Whether the caller may decide for that
    /// court is `http`'s question.
    pub async fn decide(
        &self,
        filing_id: &str,
        court_id: &str,
        action: ReviewAction,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<Decided, StoreError> {
        let now = now_ms();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "UPDATE filings SET review_state = ?, review_reason = ?, review_ms = ?
                 WHERE id = ? AND court_id = ? AND status = 'drafted'
                   AND review_state IS NULL",
                [action.review_state(), reason, now, filing_id, court_id],
                execute
            )?
            .rows_affected();
            let row = tx_query!(
                pg,
                tx,
                "SELECT status, review_state, versions_json FROM filings
                 WHERE id = ? AND court_id = ?",
                [filing_id, court_id],
                fetch_optional
            )?;
            let Some(row) = row else {
                return Ok(Decided::NotFound);
            };
            let status: String = row.get("status");
            let state: Option<String> = row.get("review_state");
            if n != 1 {
                return Ok(match state {
                    Some(s) => Decided::AlreadyDecided(s),
                    None => Decided::NotReviewable(status),
                });
            }
            let versions: Option<String> = row.get("versions_json");
            chain.push(Pending {
                actor,
                action: &format!("decision.{}", action.as_str()),
                subject: filing_id,
                before: Some(serde_json::json!({ "status": status, "review_state": null })),
                after: Some(serde_json::json!({
                    "status": status,
                    "review_state": action.review_state(),
                    "reason": reason,
                    "court_id": court_id,
                })),
                versions: versions.and_then(|v| serde_json::from_str(&v).ok()),
            });
            Ok(Decided::Recorded)
        })
    }

    /// Up to `limit` filings in `scope` whose id sorts after `after_id` (a cursor), by id.
    pub async fn list_filings(
        &self,
        scope: &FilingScope,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<FilingSummary>, StoreError> {
        let limit = limit.clamp(1, 1_000);
        let (filter, value) = match scope {
            FilingScope::All => ("", None),
            FilingScope::Org(o) => ("org = ? AND", Some(o.as_str())),
            FilingScope::Court(c) => ("court_id = ? AND", Some(c.as_str())),
        };
        let sql = format!(
            "SELECT id, batch_id, name, status, court_id, review_state FROM filings
             WHERE {filter} id > ? ORDER BY id LIMIT ?"
        );
        let rows = match value {
            None => db_query!(&self.db, &sql, [after_id, limit], fetch_all, |rows| rows
                .iter()
                .map(|r| summary_from_row!(r))
                .collect::<Vec<_>>())?,
            Some(v) => db_query!(&self.db, &sql, [v, after_id, limit], fetch_all, |rows| rows
                .iter()
                .map(|r| summary_from_row!(r))
                .collect::<Vec<_>>())?,
        };
        Ok(rows)
    }

    /// Aggregates over every filing (the data team's view: no names, no text).
    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let mut st = Stats::default();
        let groups = db_query!(
            &self.db,
            "SELECT status, COALESCE(case_type, 'unknown') AS case_type,
                    COALESCE(review_state, 'pending') AS review_state, COUNT(*) AS n
             FROM filings GROUP BY status, case_type, review_state",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    (
                        r.get::<String, _>("status"),
                        r.get::<String, _>("case_type"),
                        r.get::<String, _>("review_state"),
                        r.get::<i64, _>("n"),
                    )
                })
                .collect::<Vec<_>>()
        )?;
        for (status, case_type, review, n) in groups {
            st.total += n;
            *st.by_status.entry(status).or_insert(0) += n;
            *st.by_case_type.entry(case_type).or_insert(0) += n;
            *st.by_review_state.entry(review).or_insert(0) += n;
        }
        let codes = db_query!(
            &self.db,
            "SELECT finding_codes, COUNT(*) AS n FROM filings
             WHERE finding_codes IS NOT NULL AND finding_codes <> '' GROUP BY finding_codes",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get::<String, _>("finding_codes"), r.get::<i64, _>("n")))
                .collect::<Vec<_>>()
        )?;
        for (list, n) in codes {
            for code in list.split(' ').filter(|c| !c.is_empty()) {
                *st.by_finding.entry(code.to_owned()).or_insert(0) += n;
            }
        }
        Ok(st)
    }
}
