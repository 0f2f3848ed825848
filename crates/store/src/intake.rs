//! Batches submitted through the service: the batch, its filings and one `Ingest` job per new
//! filing in one transaction, and the intake report. Tenancy is a column (`org`) on batches and
//! filings; deciding who may submit is `http`'s job.

use super::JobKind;
use super::audit::{Actor, Pending, audited_tx};
use super::{Store, StoreError, db_query, now_ms, tx_query};
use fincase_core::domain::{BatchId, FilingId};
use sqlx::Row;

/// A batch submitted through the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// Batch id (uuid v4).
    pub id: BatchId,
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
    pub id: FilingId,
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
        filing_id: FilingId,
    },
    /// The organisation filed the same PDF before: not filed again.
    Duplicate {
        /// The filing it duplicates.
        filing_id: FilingId,
        /// The batch that filed it.
        batch_id: BatchId,
    },
}

impl Store {
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
                    batch.id.as_str(),
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
                        f.id.as_str(),
                        batch.id.as_str(),
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
                    let (filing_id, first_batch): (FilingId, BatchId) = (
                        r.get::<String, _>("id").into(),
                        r.get::<String, _>("batch_id").into(),
                    );
                    chain.push(Pending {
                        actor,
                        action: "filing.duplicate",
                        subject: filing_id.as_str(),
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
                        f.id.as_str(),
                        batch.id.as_str(),
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
                    subject: f.id.as_str(),
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
                subject: batch.id.as_str(),
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
    pub async fn set_intake_report(
        &self,
        batch_id: &BatchId,
        json: &str,
    ) -> Result<(), StoreError> {
        db_query!(
            &self.db,
            "UPDATE batches SET intake_json = ? WHERE id = ?",
            [json, batch_id.as_str()],
            execute,
            |_| ()
        )?;
        Ok(())
    }
}
