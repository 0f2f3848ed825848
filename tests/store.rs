//! The storage boundary: the same `check_*` helpers run against SQLite (always) and PostgreSQL
//! (when `DATABASE_URL` names one; each run gets a fresh random schema, dropped at the end).
//! Covers the batch API the pipeline uses, originals, intake with duplicates, tokens, and the
//! job queue: lease expiry and re-claim, retry with backoff then permanent failure, and
//! concurrent workers never processing the same job twice.

use fincase::jobs::JobKind;
use fincase::store::{
    Actor, Admitted, BatchRecord, FilingOutput, FilingRecord, JobState, NewBatch, NewFiling, Role,
    Store, TokenRecord, now_ms,
};

fn pg_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// Drops the test's PostgreSQL schema even when the check panicked.
struct DropSchema {
    url: String,
    schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(Store::drop_postgres_schema(&url, &schema))
        })
        .join();
    }
}

/// Runs `$check(&Store)` on a fresh SQLite database, then on a fresh PostgreSQL schema.
macro_rules! on_every_backend {
    ($name:ident, $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open_sqlite(&dir.path().join("cases.db"))
                .await
                .unwrap();
            assert_eq!(store.backend(), "sqlite");
            $check(&store).await;
            store.close().await;
            if let Some(url) = pg_url() {
                let schema = format!("fincase_test_{}", uuid::Uuid::new_v4().simple());
                let _guard = DropSchema {
                    url: url.clone(),
                    schema: schema.clone(),
                };
                let store = Store::open_postgres(&url, Some(&schema), 8).await.unwrap();
                assert_eq!(store.backend(), "postgres");
                $check(&store).await;
                store.close().await;
            }
        }
    };
}

on_every_backend!(pipeline_batch_api, check_pipeline_batch_api);
on_every_backend!(originals_round_trip, check_originals);
on_every_backend!(intake_is_idempotent_per_bank, check_admit_duplicates);
on_every_backend!(tokens_are_stored_hashed, check_tokens);
on_every_backend!(expired_lease_is_reclaimed, check_lease_expiry);
on_every_backend!(
    retry_with_backoff_then_permanent_failure,
    check_retry_then_fail
);
on_every_backend!(worker_dying_every_time_fails_for_good, check_reaped);
on_every_backend!(
    concurrent_workers_never_share_a_job,
    check_concurrent_claims
);

/// The same batch API on a private in-memory database.
#[tokio::test]
async fn in_memory_batch_api() {
    check_pipeline_batch_api(&Store::in_memory().await.unwrap()).await;
}

/// What a batch recorded on disk is still there after the database is closed and reopened.
#[tokio::test]
async fn on_disk_batch_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.db");
    let store = Store::open_sqlite(&path).await.unwrap();
    check_pipeline_batch_api(&store).await;
    store.close().await;
    let store = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(store.filings_of_batch("b1").await.unwrap().len(), 2);
}

fn filing(id: &str, status: &str) -> FilingRecord {
    FilingRecord {
        id: id.into(),
        batch_id: "b1".into(),
        name: format!("{id}.pdf"),
        sha256: "00".repeat(32),
        status: status.into(),
        reason: None,
        facts_json: Some("{}".into()),
        outcome_json: None,
        draft_path: None,
    }
}

/// What `pipeline::process_batch` relies on keeps working on every backend.
async fn check_pipeline_batch_api(store: &Store) {
    store
        .begin_batch(&BatchRecord {
            id: "b1".into(),
            input: "fixtures/demo".into(),
            started_at: "2026-11-26T00:00:00Z".into(),
            summary_json: None,
        })
        .await
        .unwrap();
    store
        .save_filings(&[filing("x", "drafted"), filing("y", "failed")])
        .await
        .unwrap();
    let mut again = filing("y", "drafted");
    again.reason = Some("重新处理".into());
    store
        .save_filings(std::slice::from_ref(&again))
        .await
        .unwrap();
    assert_eq!(store.filing("y").await.unwrap(), Some(again));
    assert_eq!(store.filing("nope").await.unwrap(), None);
    assert_eq!(store.filings_of_batch("b1").await.unwrap().len(), 2);
    assert_eq!(
        store.count_by_status().await.unwrap(),
        vec![("drafted".to_string(), 2)]
    );
    store.finish_batch("b1", "{\"ok\":2}").await.unwrap();
    let b = store.batch("b1").await.unwrap().unwrap();
    assert_eq!(b.summary_json.as_deref(), Some("{\"ok\":2}"));
    store.ping().await.unwrap();
}

async fn check_originals(store: &Store) {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("upload.pdf");
    std::fs::write(&tmp, b"%PDF-1.7 original").unwrap();
    let sha = fincase::store::OriginalStore::hash(b"%PDF-1.7 original");
    store.put_original_file(&tmp, &sha).await.unwrap();
    assert!(!tmp.exists(), "the staged file is consumed");
    // Storing the same content again is a no-op.
    std::fs::write(&tmp, b"%PDF-1.7 original").unwrap();
    store.put_original_file(&tmp, &sha).await.unwrap();
    assert_eq!(
        store.original(&sha).await.unwrap().as_deref(),
        Some(&b"%PDF-1.7 original"[..])
    );
    assert_eq!(store.original(&"ab".repeat(32)).await.unwrap(), None);
}

fn new_filing(name: &str, sha: &str) -> NewFiling {
    NewFiling {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.into(),
        sha256: sha.into(),
        reference: None,
    }
}

/// Admits a batch of `n` distinct filings for `org`; returns the batch id and filing ids.
async fn admit(store: &Store, org: &str, n: usize, max_attempts: i64) -> (String, Vec<String>) {
    let batch = uuid::Uuid::new_v4().to_string();
    let filings: Vec<NewFiling> = (0..n)
        .map(|i| new_filing(&format!("{i}.pdf"), &format!("{batch}-{i:05}")))
        .collect();
    let got = store
        .admit_batch(
            &NewBatch {
                id: batch.clone(),
                org: org.into(),
                input: format!("{n} files"),
                intake_json: None,
            },
            &filings,
            max_attempts,
            &Actor::system(),
        )
        .await
        .unwrap();
    let ids = got
        .into_iter()
        .map(|a| match a {
            Admitted::Queued { filing_id } => filing_id,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    (batch, ids)
}

async fn check_admit_duplicates(store: &Store) {
    let b1 = NewBatch {
        id: uuid::Uuid::new_v4().to_string(),
        org: "bank-a".into(),
        input: "2 files".into(),
        intake_json: None,
    };
    let first = new_filing("1.pdf", "aa");
    let twin = new_filing("1-copy.pdf", "aa");
    let got = store
        .admit_batch(&b1, &[first.clone(), twin], 5, &Actor::system())
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![
            Admitted::Queued {
                filing_id: first.id.clone()
            },
            Admitted::Duplicate {
                filing_id: first.id.clone(),
                batch_id: b1.id.clone()
            },
        ]
    );
    // Another batch of the same bank: a duplicate. Another bank: filed.
    let b2 = NewBatch {
        id: uuid::Uuid::new_v4().to_string(),
        ..b1.clone()
    };
    let got = store
        .admit_batch(&b2, &[new_filing("x.pdf", "aa")], 5, &Actor::system())
        .await
        .unwrap();
    assert!(matches!(&got[0], Admitted::Duplicate { batch_id, .. } if *batch_id == b1.id));
    let b3 = NewBatch {
        id: uuid::Uuid::new_v4().to_string(),
        org: "bank-b".into(),
        ..b1.clone()
    };
    let got = store
        .admit_batch(&b3, &[new_filing("x.pdf", "aa")], 5, &Actor::system())
        .await
        .unwrap();
    assert!(matches!(&got[0], Admitted::Queued { .. }));
    let view = store.filing_view(&first.id).await.unwrap().unwrap();
    assert_eq!(view.org.as_deref(), Some("bank-a"));
    assert_eq!(view.record.status, "queued");
    assert_eq!(store.queue_counts(None).await.unwrap().queued, 2);
    assert_eq!(store.queue_counts(Some(&b2.id)).await.unwrap().queued, 0);
    assert_eq!(
        store
            .batch_view(&b1.id)
            .await
            .unwrap()
            .unwrap()
            .org
            .as_deref(),
        Some("bank-a")
    );
}

async fn check_tokens(store: &Store) {
    let t = TokenRecord {
        token_hash: "f".repeat(64),
        org: "bank-a".into(),
        role: Role::Bank,
        label: "intake".into(),
        court_id: None,
    };
    store.put_token(&t).await.unwrap();
    assert_eq!(store.token(&t.token_hash).await.unwrap(), Some(t));
    // A judge token keeps its court.
    let j = TokenRecord {
        token_hash: "e".repeat(64),
        org: "court".into(),
        role: Role::Judge,
        label: "judge".into(),
        court_id: Some("c-1".into()),
    };
    store.put_token(&j).await.unwrap();
    assert_eq!(store.token(&j.token_hash).await.unwrap(), Some(j));
    assert_eq!(store.token(&"0".repeat(64)).await.unwrap(), None);
}

fn output(status: &str) -> FilingOutput {
    FilingOutput {
        status: status.into(),
        facts_json: Some("{}".into()),
        ..FilingOutput::default()
    }
}

async fn check_lease_expiry(store: &Store) {
    let (_, ids) = admit(store, "bank-a", 1, 5).await;
    let t0 = now_ms();
    let a = store
        .claim_job("worker-a", 1_000, t0)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((a.kind, a.attempts), (Some(JobKind::Ingest), 1));
    assert_eq!(
        store
            .filing_view(&ids[0])
            .await
            .unwrap()
            .unwrap()
            .record
            .status,
        "processing"
    );
    // Held: nobody else gets it.
    assert_eq!(
        store.claim_job("worker-b", 1_000, t0 + 10).await.unwrap(),
        None
    );
    // worker-a dies; its lease expires; worker-b re-claims it.
    let b = store
        .claim_job("worker-b", 1_000, t0 + 1_001)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((b.id.as_str(), b.attempts), (a.id.as_str(), 2));
    // worker-a comes back late: its result is refused; worker-b's is recorded once.
    assert!(
        !store
            .complete_job(
                &a.id,
                "worker-a",
                &a.filing_id,
                &output("drafted"),
                t0 + 1_100
            )
            .await
            .unwrap()
    );
    assert!(
        store
            .renew_lease(&b.id, "worker-b", 1_000, t0 + 1_200)
            .await
            .unwrap()
    );
    assert!(
        !store
            .renew_lease(&b.id, "worker-a", 1_000, t0 + 1_200)
            .await
            .unwrap()
    );
    assert!(
        store
            .complete_job(
                &b.id,
                "worker-b",
                &b.filing_id,
                &output("drafted"),
                t0 + 1_300
            )
            .await
            .unwrap()
    );
    let f = store.filing_view(&ids[0]).await.unwrap().unwrap();
    assert_eq!(
        (f.record.status.as_str(), f.processed_count),
        ("drafted", 1)
    );
    let job = store.job(&a.id).await.unwrap().unwrap();
    assert_eq!(job.state, Some(JobState::Done));
    assert_eq!(
        store
            .claim_job("worker-c", 1_000, t0 + 99_999)
            .await
            .unwrap(),
        None
    );
}

async fn check_retry_then_fail(store: &Store) {
    let (_, ids) = admit(store, "bank-a", 1, 3).await;
    let t = now_ms();
    let j = store.claim_job("w", 60_000, t).await.unwrap().unwrap();
    assert!(
        store
            .fail_job(&j, "w", "database busy", true, 1_000, t)
            .await
            .unwrap()
    );
    let queued = store.job(&j.id).await.unwrap().unwrap();
    assert_eq!(queued.state, Some(JobState::Queued));
    assert_eq!(queued.last_error.as_deref(), Some("database busy"));
    // Not before the backoff.
    assert_eq!(store.claim_job("w", 60_000, t + 500).await.unwrap(), None);
    let j = store
        .claim_job("w", 60_000, t + 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.attempts, 2);
    assert!(
        store
            .fail_job(&j, "w", "database busy", true, 2_000, t + 1_000)
            .await
            .unwrap()
    );
    let j = store
        .claim_job("w", 60_000, t + 3_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.attempts, 3);
    // Third attempt of three: retryable or not, it fails for good.
    assert!(
        store
            .fail_job(&j, "w", "[X] still busy", true, 4_000, t + 3_000)
            .await
            .unwrap()
    );
    let failed = store.job(&j.id).await.unwrap().unwrap();
    assert_eq!(failed.state, Some(JobState::Failed));
    let f = store.filing_view(&ids[0]).await.unwrap().unwrap();
    assert_eq!(f.record.status, "failed");
    assert_eq!(f.record.reason.as_deref(), Some("[X] still busy"));
    assert_eq!(
        store.claim_job("w", 60_000, t + 999_999).await.unwrap(),
        None
    );
    check_history(
        store,
        &ids[0],
        &[
            "filing.admitted",
            "job.claimed",
            "job.retry_scheduled",
            "job.claimed",
            "job.retry_scheduled",
            "job.claimed",
            "filing.failed",
        ],
        "worker:w",
    )
    .await;

    // A permanent error fails at once.
    let (_, ids) = admit(store, "bank-a", 1, 3).await;
    let t = now_ms();
    let j = store.claim_job("w", 60_000, t).await.unwrap().unwrap();
    assert!(
        store
            .fail_job(&j, "w", "[ORIGINAL_MISSING] gone", false, 1_000, t)
            .await
            .unwrap()
    );
    let f = store.filing_view(&ids[0]).await.unwrap().unwrap();
    assert_eq!(f.record.status, "failed");
    assert_eq!(store.jobs_of_filing(&ids[0]).await.unwrap()[0].attempts, 1);
    check_history(
        store,
        &ids[0],
        &["filing.admitted", "job.claimed", "filing.failed"],
        "worker:w",
    )
    .await;
}

/// The audit history of one filing: these actions in this order, the last by `last_actor`;
/// and the whole chain intact.
async fn check_history(store: &Store, filing: &str, actions: &[&str], last_actor: &str) {
    let h = store.audit_of(filing).await.unwrap();
    let got: Vec<&str> = h.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(got, actions);
    assert_eq!(h.last().unwrap().actor, last_actor);
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        fincase::store::AuditVerification::Intact { .. }
    ));
}

async fn check_reaped(store: &Store) {
    let (_, ids) = admit(store, "bank-a", 1, 2).await;
    let t = now_ms();
    store.claim_job("w1", 1_000, t).await.unwrap().unwrap();
    let j = store
        .claim_job("w2", 1_000, t + 1_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(j.attempts, 2);
    // The second worker dies too: no third claim; the job and the filing fail with a reason.
    assert_eq!(store.claim_job("w3", 1_000, t + 2_000).await.unwrap(), None);
    assert_eq!(
        store.job(&j.id).await.unwrap().unwrap().state,
        Some(JobState::Failed)
    );
    let f = store.filing_view(&ids[0]).await.unwrap().unwrap();
    assert_eq!(f.record.status, "failed");
    assert!(
        f.record
            .reason
            .unwrap_or_default()
            .contains("lease expired")
    );
    check_history(
        store,
        &ids[0],
        &[
            "filing.admitted",
            "job.claimed",
            "job.claimed",
            "filing.failed",
        ],
        "system",
    )
    .await;
}

async fn check_concurrent_claims(store: &Store) {
    const N: usize = 120;
    const WORKERS: usize = 4;
    let (batch, ids) = admit(store, "bank-a", N, 5).await;
    let mut tasks = Vec::new();
    for w in 0..WORKERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let owner = format!("worker-{w}");
            let mut done = Vec::new();
            while let Some(job) = store.claim_job(&owner, 60_000, now_ms()).await.unwrap() {
                let ok = store
                    .complete_job(
                        &job.id,
                        &owner,
                        &job.filing_id,
                        &output("drafted"),
                        now_ms(),
                    )
                    .await
                    .unwrap();
                assert!(ok, "a fresh lease is never lost");
                done.push(job.id);
            }
            done
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all.len(), N);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), N, "a job was processed twice");
    let counts = store.queue_counts(Some(&batch)).await.unwrap();
    assert_eq!(
        (counts.done, counts.queued, counts.running),
        (N as i64, 0, 0)
    );
    for id in &ids {
        let f = store.filing_view(id).await.unwrap().unwrap();
        assert_eq!(f.processed_count, 1);
        let jobs = store.jobs_of_filing(id).await.unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].attempts, 1);
    }
    // Concurrent workers still write one unbroken audit chain: admitted, claimed and drafted
    // once per filing, plus the batch.
    match store.verify_audit().await.unwrap() {
        fincase::store::AuditVerification::Intact { count, .. } => {
            assert_eq!(count, 3 * N as i64 + 1)
        }
        broken => panic!("{broken:?}"),
    }
    let entries = store.audit_entries(0, 10_000).await.unwrap();
    let drafted = entries
        .iter()
        .filter(|e| e.action == "filing.drafted")
        .count();
    assert_eq!(drafted, N);
}
