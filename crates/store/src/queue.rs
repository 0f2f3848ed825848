//! The durable job queue, in the database: a job is claimed under a lease (owner + expiry), and
//! its result is recorded only while the lease is still held, in the same transaction that
//! marks the job done, so a filing's result is recorded exactly once even when two workers end
//! up computing it (a lease expired under a slow or dead worker).
//!
//! Claims: PostgreSQL picks the row with `FOR UPDATE SKIP LOCKED` (many workers, no waiting on
//! each other); SQLite runs the same `UPDATE … WHERE id = (SELECT …) RETURNING` as one statement
//! under its single-writer lock. An expired lease is claimable again (restart recovery); a job
//! whose leases expired `max_attempts` times is failed for good with the reason.
//!
//! Every time is passed in (`now_ms`), so tests move the clock without sleeping.

use super::audit::{Actor, Pending, audited_tx};
use super::record::{FilingOutput, write_output};
use super::{Store, StoreError, db_query, tx_query};
use fincase_core::domain::{BatchId, FilingId, JobId};
use sqlx::Row;

/// Every kind of work the queue carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Read, extract, check and draft one filing, and record the result.
    Ingest,
    /// Re-extract facts of a filing already read (a newer extractor). Not implemented yet.
    Extract,
    /// Re-draft from recorded facts (a newer template). Not implemented yet.
    Draft,
    /// Bring the search index up to date with the database. Not implemented yet.
    Reindex,
    /// Score extractions against gold answers. Not implemented yet.
    Evaluate,
}

impl JobKind {
    /// The kind as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ingest => "ingest",
            JobKind::Extract => "extract",
            JobKind::Draft => "draft",
            JobKind::Reindex => "reindex",
            JobKind::Evaluate => "evaluate",
        }
    }

    /// Parses a stored kind.
    pub fn parse(s: &str) -> Option<JobKind> {
        match s {
            "ingest" => Some(JobKind::Ingest),
            "extract" => Some(JobKind::Extract),
            "draft" => Some(JobKind::Draft),
            "reindex" => Some(JobKind::Reindex),
            "evaluate" => Some(JobKind::Evaluate),
            _ => None,
        }
    }
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for `next_run_ms`.
    Queued,
    /// Claimed by a worker under a lease.
    Running,
    /// Finished; its result is recorded.
    Done,
    /// Failed for good; the reason is recorded.
    Failed,
}

impl JobState {
    /// The state as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Parses a stored state.
    pub fn parse(s: &str) -> Option<JobState> {
        match s {
            "queued" => Some(JobState::Queued),
            "running" => Some(JobState::Running),
            "done" => Some(JobState::Done),
            "failed" => Some(JobState::Failed),
            _ => None,
        }
    }
}

/// A claimed (or inspected) job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    /// Job id (uuid v4).
    pub id: JobId,
    /// What to do.
    pub kind: Option<JobKind>,
    /// The kind as stored (kept when it names no [`JobKind`] this build knows).
    pub kind_str: String,
    /// The filing it works on.
    pub filing_id: FilingId,
    /// The batch the filing belongs to.
    pub batch_id: BatchId,
    /// Where it is.
    pub state: Option<JobState>,
    /// Claims so far (this one included).
    pub attempts: i64,
    /// Claims allowed before a permanent failure.
    pub max_attempts: i64,
    /// Who holds the lease.
    pub lease_owner: Option<String>,
    /// The last error, if any.
    pub last_error: Option<String>,
}

/// Number of jobs per state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct QueueCounts {
    /// Waiting.
    pub queued: i64,
    /// Leased.
    pub running: i64,
    /// Finished.
    pub done: i64,
    /// Failed for good.
    pub failed: i64,
}

/// The claim, one statement on both backends; `$lock` is the only dialect difference:
/// PostgreSQL adds `FOR UPDATE SKIP LOCKED` so that workers skip each other's rows.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE jobs SET state = 'running', lease_owner = ?,
        lease_expires_ms = ?, attempts = attempts + 1, updated_ms = ?
    WHERE id = (SELECT id FROM jobs
                WHERE (state = 'queued' AND next_run_ms <= ?)
                   OR (state = 'running' AND lease_expires_ms <= ? AND attempts < max_attempts)
                ORDER BY next_run_ms, id LIMIT 1",
            $lock,
            ")
    RETURNING id, kind, filing_id, batch_id, state, attempts, max_attempts, lease_owner,
              last_error"
        )
    };
}

const CLAIM_SQLITE: &str = claim_sql!("");

const CLAIM_PG: &str = claim_sql!(
    "
                FOR UPDATE SKIP LOCKED"
);

macro_rules! job_from_row {
    ($r:expr) => {{
        let kind_str: String = $r.get("kind");
        let state: String = $r.get("state");
        JobRecord {
            kind: JobKind::parse(&kind_str),
            kind_str,
            id: $r.get::<String, _>("id").into(),
            filing_id: $r.get::<String, _>("filing_id").into(),
            batch_id: $r.get::<String, _>("batch_id").into(),
            state: JobState::parse(&state),
            attempts: $r.get("attempts"),
            max_attempts: $r.get("max_attempts"),
            lease_owner: $r.get("lease_owner"),
            last_error: $r.get("last_error"),
        }
    }};
}

impl Store {
    /// Enqueues one job for a filing (the intake path enqueues in [`Store::admit_batch`]),
    /// audited `job.enqueued` by the system.
    pub async fn enqueue_job(
        &self,
        kind: JobKind,
        filing_id: &FilingId,
        batch_id: &BatchId,
        max_attempts: i64,
        now_ms: i64,
    ) -> Result<JobId, StoreError> {
        let id = JobId::new(uuid::Uuid::new_v4().to_string());
        audited_tx!(&self.db, now_ms, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO jobs (id, kind, filing_id, batch_id, state, attempts, max_attempts,
                                   next_run_ms, created_ms, updated_ms)
                 VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)",
                [
                    id.as_str(),
                    kind.as_str(),
                    filing_id.as_str(),
                    batch_id.as_str(),
                    max_attempts,
                    now_ms,
                    now_ms,
                    now_ms
                ],
                execute
            )?;
            chain.push(Pending {
                actor: &Actor::system(),
                action: "job.enqueued",
                subject: filing_id.as_str(),
                before: None,
                after: Some(serde_json::json!({
                    "job_id": id,
                    "kind": kind.as_str(),
                    "batch_id": batch_id,
                })),
                versions: None,
            });
            Ok(id.clone())
        })
    }

    /// Claims the next runnable job for `owner` for `lease_ms`: a queued job whose time has
    /// come, or a running one whose lease expired (its worker died). Before claiming, jobs whose
    /// leases expired `max_attempts` times are failed for good (see [`Store::reap_jobs`]).
    /// `None` when nothing is runnable. The claim, the filing's `processing` status and the
    /// `job.claimed` audit entry (actor `worker:<owner>`) are one transaction; an empty queue
    /// is seen without taking the audit lock.
    pub async fn claim_job(
        &self,
        owner: &str,
        lease_ms: i64,
        now_ms: i64,
    ) -> Result<Option<JobRecord>, StoreError> {
        self.reap_jobs(now_ms).await?;
        let runnable = db_query!(
            &self.db,
            "SELECT id FROM jobs
             WHERE (state = 'queued' AND next_run_ms <= ?)
                OR (state = 'running' AND lease_expires_ms <= ? AND attempts < max_attempts)
             LIMIT 1",
            [now_ms, now_ms],
            fetch_optional,
            |row| row.is_some()
        )?;
        if !runnable {
            return Ok(None);
        }
        let expires = now_ms.saturating_add(lease_ms);
        let sql = match &self.db {
            super::Db::Sqlite(_) => CLAIM_SQLITE,
            super::Db::Postgres(_) => CLAIM_PG,
        };
        let actor = Actor::worker(owner);
        audited_tx!(&self.db, now_ms, |tx, pg, chain| {
            let job = tx_query!(
                pg,
                tx,
                sql,
                [owner, expires, now_ms, now_ms, now_ms],
                fetch_optional
            )?
            .map(|r| job_from_row!(r));
            let Some(job) = job else {
                return Ok(None);
            };
            let before = tx_query!(
                pg,
                tx,
                "SELECT status FROM filings WHERE id = ?",
                [job.filing_id.as_str()],
                fetch_optional
            )?
            .map(|r| r.get::<String, _>("status"));
            tx_query!(
                pg,
                tx,
                "UPDATE filings SET status = 'processing', updated_ms = ?
                 WHERE id = ? AND status IN ('queued', 'processing')",
                [now_ms, job.filing_id.as_str()],
                execute
            )?;
            chain.push(Pending {
                actor: &actor,
                action: "job.claimed",
                subject: job.filing_id.as_str(),
                before: Some(serde_json::json!({ "status": before })),
                after: Some(serde_json::json!({
                    "status": "processing",
                    "job_id": job.id,
                    "kind": job.kind_str,
                    "attempt": job.attempts,
                    "lease_expires_ms": expires,
                })),
                versions: None,
            });
            Ok(Some(job))
        })
    }

    /// Fails for good every running job whose lease expired and that has used all its
    /// attempts (its worker died each time: a filing that kills workers must not loop forever),
    /// and its filing with the reason, each audited (`filing.failed`, by the system). Returns
    /// how many.
    pub async fn reap_jobs(&self, now_ms: i64) -> Result<u64, StoreError> {
        const WHY: &str = "处理进程多次中断，已停止重试 / the worker died on every attempt \
                           (lease expired); stopped retrying";
        let any = db_query!(
            &self.db,
            "SELECT id FROM jobs WHERE state = 'running' AND lease_expires_ms <= ?
                 AND attempts >= max_attempts LIMIT 1",
            [now_ms],
            fetch_optional,
            |row| row.is_some()
        )?;
        if !any {
            return Ok(0);
        }
        let actor = Actor::system();
        audited_tx!(&self.db, now_ms, |tx, pg, chain| {
            let reaped = tx_query!(
                pg,
                tx,
                "UPDATE jobs SET state = 'failed', last_error = ?, lease_owner = NULL,
                     updated_ms = ?
                 WHERE state = 'running' AND lease_expires_ms <= ? AND attempts >= max_attempts
                 RETURNING id, filing_id, attempts",
                [WHY, now_ms, now_ms],
                fetch_all
            )?;
            for r in &reaped {
                let (job_id, filing_id, attempts): (String, String, i64) =
                    (r.get("id"), r.get("filing_id"), r.get("attempts"));
                tx_query!(
                    pg,
                    tx,
                    "UPDATE filings SET status = 'failed', reason = ?, updated_ms = ? WHERE id = ?",
                    [WHY, now_ms, &filing_id],
                    execute
                )?;
                chain.push(Pending {
                    actor: &actor,
                    action: "filing.failed",
                    subject: &filing_id,
                    before: Some(serde_json::json!({ "status": "processing" })),
                    after: Some(serde_json::json!({
                        "status": "failed",
                        "reason": WHY,
                        "job_id": job_id,
                        "attempts": attempts,
                        "permanent": true,
                    })),
                    versions: None,
                });
            }
            Ok(reaped.len() as u64)
        })
    }

    /// Extends a held lease (a long job's heartbeat; not a state change, not audited). False
    /// when the lease was lost.
    pub async fn renew_lease(
        &self,
        job_id: &JobId,
        owner: &str,
        lease_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let n = db_query!(
            &self.db,
            "UPDATE jobs SET lease_expires_ms = ?, updated_ms = ?
             WHERE id = ? AND lease_owner = ? AND state = 'running'",
            [
                now_ms.saturating_add(lease_ms),
                now_ms,
                job_id.as_str(),
                owner
            ],
            execute,
            |r| r.rows_affected()
        )?;
        Ok(n == 1)
    }

    /// Records a filing's result and marks its job done, in one transaction, only while
    /// `owner` still holds the lease. False (nothing recorded) when the lease was lost: another
    /// worker has the job and will record it. The result is written as every pipeline result
    /// is (`record::write_output!`: the court it addresses, case type, finding codes, draft,
    /// versions), audited `filing.<status>` with actor `worker:<owner>`.
    pub async fn complete_job(
        &self,
        job_id: &JobId,
        owner: &str,
        filing_id: &FilingId,
        out: &FilingOutput,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let actor = Actor::worker(owner);
        audited_tx!(&self.db, now_ms, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "UPDATE jobs SET state = 'done', lease_owner = NULL, updated_ms = ?,
                     last_error = NULL
                 WHERE id = ? AND lease_owner = ? AND state = 'running'",
                [now_ms, job_id.as_str(), owner],
                execute
            )?
            .rows_affected();
            if n != 1 {
                return Ok(false);
            }
            let written = write_output!(pg, tx, filing_id, out, now_ms)?;
            let mut after = written.audit_after(out);
            after["job_id"] = serde_json::json!(job_id);
            chain.push(Pending {
                actor: &actor,
                action: &format!("filing.{}", out.status.as_str()),
                subject: filing_id.as_str(),
                before: Some(serde_json::json!({ "status": written.before })),
                after: Some(after),
                versions: out.versions(),
            });
            Ok(true)
        })
    }

    /// Records a failed attempt. A retryable error with attempts left puts the job back in the
    /// queue at `now + backoff_ms` (audited `job.retry_scheduled`); otherwise the job and its
    /// filing fail for good with `reason` (audited `filing.failed`). False when `owner` no
    /// longer held the lease (nothing recorded).
    pub async fn fail_job(
        &self,
        job: &JobRecord,
        owner: &str,
        reason: &str,
        retryable: bool,
        backoff_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let actor = Actor::worker(owner);
        if retryable && job.attempts < job.max_attempts {
            let next_run = now_ms.saturating_add(backoff_ms);
            return audited_tx!(&self.db, now_ms, |tx, pg, chain| {
                let n = tx_query!(
                    pg,
                    tx,
                    "UPDATE jobs SET state = 'queued', lease_owner = NULL,
                         lease_expires_ms = NULL, next_run_ms = ?, last_error = ?,
                         updated_ms = ?
                     WHERE id = ? AND lease_owner = ? AND state = 'running'",
                    [next_run, reason, now_ms, job.id.as_str(), owner],
                    execute
                )?
                .rows_affected();
                if n != 1 {
                    return Ok(false);
                }
                chain.push(Pending {
                    actor: &actor,
                    action: "job.retry_scheduled",
                    subject: job.filing_id.as_str(),
                    before: Some(serde_json::json!({ "job_state": "running" })),
                    after: Some(serde_json::json!({
                        "job_state": "queued",
                        "job_id": job.id,
                        "attempt": job.attempts,
                        "next_run_ms": next_run,
                        "error": reason,
                    })),
                    versions: None,
                });
                Ok(true)
            });
        }
        audited_tx!(&self.db, now_ms, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "UPDATE jobs SET state = 'failed', lease_owner = NULL, last_error = ?,
                     updated_ms = ?
                 WHERE id = ? AND lease_owner = ? AND state = 'running'",
                [reason, now_ms, job.id.as_str(), owner],
                execute
            )?
            .rows_affected();
            if n != 1 {
                return Ok(false);
            }
            tx_query!(
                pg,
                tx,
                "UPDATE filings SET status = 'failed', reason = ?, updated_ms = ? WHERE id = ?",
                [reason, now_ms, job.filing_id.as_str()],
                execute
            )?;
            chain.push(Pending {
                actor: &actor,
                action: "filing.failed",
                subject: job.filing_id.as_str(),
                before: Some(serde_json::json!({ "status": "processing" })),
                after: Some(serde_json::json!({
                    "status": "failed",
                    "reason": reason,
                    "job_id": job.id,
                    "attempts": job.attempts,
                    "permanent": true,
                })),
                versions: None,
            });
            Ok(true)
        })
    }

    /// One job by id.
    pub async fn job(&self, id: &JobId) -> Result<Option<JobRecord>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, kind, filing_id, batch_id, state, attempts, max_attempts, lease_owner,
                    last_error FROM jobs WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| job_from_row!(r))
        )?)
    }

    /// The jobs of a filing, oldest first.
    pub async fn jobs_of_filing(&self, filing_id: &FilingId) -> Result<Vec<JobRecord>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, kind, filing_id, batch_id, state, attempts, max_attempts, lease_owner,
                    last_error FROM jobs WHERE filing_id = ? ORDER BY created_ms, id",
            [filing_id.as_str()],
            fetch_all,
            |rows| rows.iter().map(|r| job_from_row!(r)).collect::<Vec<_>>()
        )?)
    }

    /// Jobs per state, over the whole queue (or one batch).
    pub async fn queue_counts(
        &self,
        batch_id: Option<&BatchId>,
    ) -> Result<QueueCounts, StoreError> {
        let rows: Vec<(String, i64)> = match batch_id {
            Some(b) => db_query!(
                &self.db,
                "SELECT state, COUNT(*) AS n FROM jobs WHERE batch_id = ? GROUP BY state",
                [b.as_str()],
                fetch_all,
                |rows| rows
                    .iter()
                    .map(|r| (r.get("state"), r.get("n")))
                    .collect::<Vec<_>>()
            )?,
            None => db_query!(
                &self.db,
                "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state",
                [],
                fetch_all,
                |rows| rows
                    .iter()
                    .map(|r| (r.get("state"), r.get("n")))
                    .collect::<Vec<_>>()
            )?,
        };
        let mut c = QueueCounts::default();
        for (state, n) in rows {
            match JobState::parse(&state) {
                Some(JobState::Queued) => c.queued = n,
                Some(JobState::Running) => c.running = n,
                Some(JobState::Done) => c.done = n,
                Some(JobState::Failed) => c.failed = n,
                None => {}
            }
        }
        Ok(c)
    }
}
