//! `jobs`: the worker side of the durable job queue (the queue itself is in `store`).
//!
//! A [`Worker`] claims one job at a time under a lease, runs it, and records the result in the
//! same transaction that marks the job done ([`Store::complete_job`]), so a filing is recorded
//! exactly once even when a lease expires under a slow worker and another worker runs it too.
//! Errors are sorted by [`JobError::is_retryable`]: retryable ones go back to the queue with
//! exponential backoff, the others fail the job and its filing for good with the reason.
//!
//! Everything a worker can be asked to do is the closed enum [`JobKind`] (STYLE §12). CPU work
//! (PDF parsing, extraction, rules, drafting) runs in `spawn_blocking`, never on a tokio worker
//! thread. Must not: know about HTTP, or write the tantivy index (one process owns it).

use crate::{FilingStatus, process_filing};
use fincase_core::domain::{FilingId, JobId};
use fincase_core::rules::RulesConfig;
pub use fincase_store::JobKind;
use fincase_store::{FilingOutput, JobRecord, Store, StoreError, now_ms};
use std::sync::Arc;
use std::time::Duration;

/// Why a job attempt failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The database failed (busy, unreachable…).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The filing the job names is not in the database.
    #[error("filing {0} not found")]
    FilingMissing(FilingId),
    /// The filing's original PDF is not stored.
    #[error("原件缺失 / the original PDF {0} is not stored")]
    OriginalMissing(String),
    /// This build does not run this kind of job.
    #[error("job kind {0:?} is not supported by this worker")]
    Unsupported(String),
    /// The blocking task running the pipeline died.
    #[error("processing task aborted: {0}")]
    Aborted(String),
}

impl JobError {
    /// True when trying the same job later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            JobError::Store(e) => e.is_retryable() || matches!(e, StoreError::Io(_)),
            JobError::FilingMissing(_)
            | JobError::OriginalMissing(_)
            | JobError::Unsupported(_)
            | JobError::Aborted(_) => false,
        }
    }

    /// A stable public code.
    pub fn code(&self) -> &'static str {
        match self {
            JobError::Store(_) => "STORE_UNAVAILABLE",
            JobError::FilingMissing(_) => "FILING_NOT_FOUND",
            JobError::OriginalMissing(_) => "ORIGINAL_MISSING",
            JobError::Unsupported(_) => "JOB_KIND_UNSUPPORTED",
            JobError::Aborted(_) => "JOB_ABORTED",
        }
    }
}

/// How a worker claims and retries.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Lease owner name (unique per worker: host, process and task).
    pub owner: String,
    /// How long a claim holds before another worker may take the job.
    pub lease: Duration,
    /// Sleep when the queue is empty.
    pub idle_poll: Duration,
    /// First retry delay; doubles per attempt.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_max: Duration,
}

impl WorkerConfig {
    /// Defaults: a 5-minute lease, 500 ms idle poll, backoff 2 s doubling up to 5 minutes.
    pub fn new(owner: impl Into<String>) -> WorkerConfig {
        WorkerConfig {
            owner: owner.into(),
            lease: Duration::from_secs(300),
            idle_poll: Duration::from_millis(500),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(300),
        }
    }

    /// The delay before attempt `attempts + 1` after a retryable failure of attempt `attempts`.
    pub fn backoff_ms(&self, attempts: i64) -> i64 {
        let base = self.backoff_base.as_millis() as i64;
        let shift = (attempts.max(1) - 1).min(20) as u32;
        base.saturating_mul(1i64 << shift)
            .min(self.backoff_max.as_millis() as i64)
    }
}

/// A unique lease-owner name for a worker in this process.
pub fn owner_name(task: usize) -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    format!(
        "{host}/{}/{task}/{}",
        std::process::id(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// What one step of a worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The queue had nothing runnable.
    Idle,
    /// A job finished and its result was recorded.
    Done {
        /// The job.
        job_id: JobId,
        /// Its filing.
        filing_id: FilingId,
        /// The filing's status.
        status: FilingStatus,
    },
    /// The lease was lost before the result could be recorded (another worker has it).
    LeaseLost {
        /// The job.
        job_id: JobId,
    },
    /// The attempt failed; retried later or failed for good.
    Failed {
        /// The job.
        job_id: JobId,
        /// The error code.
        code: &'static str,
        /// Whether it goes back to the queue.
        retrying: bool,
    },
}

/// A queue worker: claims jobs and runs them.
#[derive(Clone)]
pub struct Worker {
    store: Store,
    rules: Arc<RulesConfig>,
    cfg: WorkerConfig,
}

impl Worker {
    /// A worker on `store` with the court's rules.
    pub fn new(store: Store, rules: Arc<RulesConfig>, cfg: WorkerConfig) -> Worker {
        Worker { store, rules, cfg }
    }

    /// Claims and runs at most one job. Errors are the database's when claiming or recording
    /// (the job itself failing is a [`Step::Failed`]).
    pub async fn step(&self) -> Result<Step, StoreError> {
        let lease_ms = self.cfg.lease.as_millis() as i64;
        let Some(job) = self
            .store
            .claim_job(&self.cfg.owner, lease_ms, now_ms())
            .await?
        else {
            return Ok(Step::Idle);
        };
        let span = tracing::info_span!(
            "job",
            job_id = %job.id,
            batch_id = %job.batch_id,
            case_id = %job.filing_id,
            stage = job.kind_str.as_str(),
            attempt = job.attempts,
        );
        let _guard = span.enter();
        match self.run(&job).await {
            Ok(out) => {
                let status = out.status;
                let recorded = self
                    .store
                    .complete_job(&job.id, &self.cfg.owner, &job.filing_id, &out, now_ms())
                    .await?;
                if recorded {
                    tracing::info!(status = status.as_str(), "job done");
                    Ok(Step::Done {
                        job_id: job.id,
                        filing_id: job.filing_id,
                        status,
                    })
                } else {
                    tracing::warn!("lease lost before the result was recorded");
                    Ok(Step::LeaseLost { job_id: job.id })
                }
            }
            Err(e) => {
                let retrying = e.is_retryable() && job.attempts < job.max_attempts;
                let reason = format!(
                    "[{}] {}",
                    e.code(),
                    fincase_core::extract::pii::mask(&e.to_string())
                );
                tracing::warn!(
                    code = e.code(),
                    retrying,
                    reason = reason.as_str(),
                    "job failed"
                );
                self.store
                    .fail_job(
                        &job,
                        &self.cfg.owner,
                        &reason,
                        e.is_retryable(),
                        self.cfg.backoff_ms(job.attempts),
                        now_ms(),
                    )
                    .await?;
                Ok(Step::Failed {
                    job_id: job.id,
                    code: e.code(),
                    retrying,
                })
            }
        }
    }

    /// Runs jobs until `shutdown` turns true, sleeping `idle_poll` when the queue is empty and
    /// backing off when the database fails.
    pub async fn run_until(&self, shutdown: tokio::sync::watch::Receiver<bool>) {
        self.run_until_observed(shutdown, |_| {}).await;
    }

    /// [`Worker::run_until`], showing each step's result to `observe` (the service counts
    /// jobs done and failed for `/metrics` this way).
    pub async fn run_until_observed(
        &self,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
        mut observe: impl FnMut(&Result<Step, StoreError>),
    ) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let step = self.step().await;
            observe(&step);
            let pause = match step {
                Ok(Step::Idle) => Some(self.cfg.idle_poll),
                Ok(_) => None,
                Err(e) => {
                    tracing::error!(error = %fincase_core::extract::pii::mask(&e.to_string()), "queue unavailable");
                    Some(self.cfg.backoff_base)
                }
            };
            if let Some(d) = pause {
                tokio::select! {
                    _ = tokio::time::sleep(d) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    async fn run(&self, job: &JobRecord) -> Result<FilingOutput, JobError> {
        match job.kind {
            Some(JobKind::Ingest) => self.ingest(job).await,
            Some(
                k @ (JobKind::Extract | JobKind::Draft | JobKind::Reindex | JobKind::Evaluate),
            ) => Err(JobError::Unsupported(k.as_str().to_owned())),
            None => Err(JobError::Unsupported(job.kind_str.clone())),
        }
    }

    async fn ingest(&self, job: &JobRecord) -> Result<FilingOutput, JobError> {
        let filing = self
            .store
            .filing_view(&job.filing_id)
            .await?
            .ok_or_else(|| JobError::FilingMissing(job.filing_id.clone()))?;
        let sha = filing.record.sha256.clone();
        let bytes = self
            .store
            .original(&sha)
            .await?
            .ok_or(JobError::OriginalMissing(sha))?;
        let rules = Arc::clone(&self.rules);
        let name = filing.record.name.clone();
        let result = tokio::task::spawn_blocking(move || process_filing(&name, &bytes, &rules))
            .await
            .map_err(|e| JobError::Aborted(e.to_string()))?;
        Ok(result.output())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in [
            JobKind::Ingest,
            JobKind::Extract,
            JobKind::Draft,
            JobKind::Reindex,
            JobKind::Evaluate,
        ] {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(JobKind::parse("nope"), None);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let cfg = WorkerConfig::new("w");
        assert_eq!(cfg.backoff_ms(1), 2_000);
        assert_eq!(cfg.backoff_ms(2), 4_000);
        assert_eq!(cfg.backoff_ms(3), 8_000);
        assert_eq!(cfg.backoff_ms(60), 300_000);
    }

    #[test]
    fn only_transient_errors_retry() {
        assert!(!JobError::OriginalMissing("ab".into()).is_retryable());
        assert!(!JobError::Unsupported("x".into()).is_retryable());
        assert!(JobError::Store(StoreError::Db(sqlx::Error::PoolTimedOut)).is_retryable());
    }
}
