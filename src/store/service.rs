//! The service's records: API tokens (hashed), batches submitted through the API with their
//! filings and jobs (one transaction), what a worker computed for a filing, and originals.
//!
//! Tenancy is a column (`org`) on batches and filings; this module answers questions about one
//! organisation when asked, but deciding who may ask is `http`'s job.

use super::{FilingRecord, Store, StoreError, db_query, in_tx, now_ms, tx_query};
use crate::jobs::JobKind;
use sqlx::Row;
use std::path::Path;

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
        }
    };
}

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A bank (or other filer): submits batches, sees only its own organisation's records.
    Bank,
    /// Operators: tokens, configuration; sees everything.
    Admin,
}

impl Role {
    /// The role as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Bank => "bank",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored role.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "bank" => Some(Role::Bank),
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
}

impl Store {
    /// Stores a token's hash with its organisation and role (replacing an earlier one).
    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        db_query!(
            &self.db,
            "INSERT INTO api_tokens (token_hash, org, role, label, created_ms)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (token_hash) DO UPDATE SET org = excluded.org, role = excluded.role,
                 label = excluded.label",
            [&t.token_hash, &t.org, t.role.as_str(), &t.label, now_ms()],
            execute,
            |_| ()
        )?;
        Ok(())
    }

    /// The token with this hash.
    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = db_query!(
            &self.db,
            "SELECT token_hash, org, role, label FROM api_tokens WHERE token_hash = ?",
            [token_hash],
            fetch_optional,
            |row| row.map(|r| {
                (
                    r.get::<String, _>("token_hash"),
                    r.get::<String, _>("org"),
                    r.get::<String, _>("role"),
                    r.get::<String, _>("label"),
                )
            })
        )?;
        Ok(row.and_then(|(token_hash, org, role, label)| {
            Some(TokenRecord {
                token_hash,
                org,
                role: Role::parse(&role)?,
                label,
            })
        }))
    }

    /// Stores an original from a file already on disk, whose SHA-256 the caller computed while
    /// writing it. On disk (SQLite): moved into the content-addressed tree (kept once); in the
    /// database otherwise. `tmp` is consumed either way.
    pub async fn put_original_file(&self, tmp: &Path, sha256: &str) -> Result<(), StoreError> {
        match &self.originals {
            Some(dir) => {
                let dest = dir.path_of(sha256);
                if dest.exists() {
                    std::fs::remove_file(tmp)?;
                    return Ok(());
                }
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                // Same file system (both under the index home): an atomic rename.
                std::fs::rename(tmp, &dest)?;
                Ok(())
            }
            None => {
                let bytes = tokio::fs::read(tmp).await?;
                db_query!(
                    &self.db,
                    "INSERT INTO originals (sha256, bytes) VALUES (?, ?)
                     ON CONFLICT (sha256) DO NOTHING",
                    [sha256, &bytes],
                    execute,
                    |_| ()
                )?;
                tokio::fs::remove_file(tmp).await?;
                Ok(())
            }
        }
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
    pub async fn admit_batch(
        &self,
        batch: &NewBatch,
        filings: &[NewFiling],
        max_attempts: i64,
    ) -> Result<Vec<Admitted>, StoreError> {
        let now = now_ms();
        let started_at = chrono::DateTime::from_timestamp_millis(now)
            .map_or_else(String::new, |t| {
                t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
            });
        in_tx!(&self.db, |tx, pg| {
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
                    out.push(Admitted::Duplicate {
                        filing_id: r.get("id"),
                        batch_id: r.get("batch_id"),
                    });
                    continue;
                }
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO jobs (id, kind, filing_id, batch_id, state, attempts,
                                       max_attempts, next_run_ms, created_ms, updated_ms)
                     VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)",
                    [
                        uuid::Uuid::new_v4().to_string(),
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
                out.push(Admitted::Queued {
                    filing_id: f.id.clone(),
                });
            }
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
