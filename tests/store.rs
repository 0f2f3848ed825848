//! The storage boundary: the same `check_*` helpers run against SQLite (always) and PostgreSQL
//! (when `DATABASE_URL` names one; each run gets a fresh random schema, dropped at the end).
//! Covers the batch API the pipeline uses, originals, intake with duplicates, tokens, and the
//! job queue: lease expiry and re-claim, retry with backoff then permanent failure, and
//! concurrent workers never processing the same job twice.

use fincase::domain::{BatchId, CourtId, FilingId, FilingStatus, ReviewState};
use fincase::jobs::JobKind;
use fincase::store::{
    Actor, Admitted, AuditVerification, BatchFiling, BatchRecord, Decided, Edited, EditedResult,
    FilingOutput, JobState, NewBatch, NewFiling, QueueFilter, ReviewAction, Role, SessionRecord,
    Store, TokenRecord, now_ms,
};

mod common;

/// Runs `$check(&Store)` on every backend ([`common::on_every_backend`]).
macro_rules! on_every_backend {
    ($name:ident, $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            common::on_every_backend(async |db| $check(&db.store).await).await;
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
on_every_backend!(review_sessions_login_and_logout, check_sessions);
on_every_backend!(review_queue_edits_and_versions, check_review);

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
    assert_eq!(
        store
            .filings_of_batch(&BatchId::new("b1"))
            .await
            .unwrap()
            .len(),
        2
    );
}

fn filing(id: &str, status: FilingStatus) -> BatchFiling {
    BatchFiling {
        id: id.into(),
        batch_id: "b1".into(),
        name: format!("{id}.pdf"),
        sha256: "00".repeat(32),
        draft_path: None,
        output: output(status),
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
        .save_filings(&[
            filing("x", FilingStatus::Drafted),
            filing("y", FilingStatus::Failed),
        ])
        .await
        .unwrap();
    let mut again = filing("y", FilingStatus::Drafted);
    again.output.reason = Some("重新处理".into());
    store
        .save_filings(std::slice::from_ref(&again))
        .await
        .unwrap();
    let y = store.filing(&FilingId::new("y")).await.unwrap().unwrap();
    assert_eq!(
        (y.status, y.reason.as_deref(), y.facts_json.as_deref()),
        (FilingStatus::Drafted, Some("重新处理"), Some("{}"))
    );
    assert_eq!(store.filing(&FilingId::new("nope")).await.unwrap(), None);
    assert_eq!(
        store
            .filings_of_batch(&BatchId::new("b1"))
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store.count_by_status().await.unwrap(),
        vec![(FilingStatus::Drafted, 2)]
    );
    store
        .finish_batch(&BatchId::new("b1"), "{\"ok\":2}")
        .await
        .unwrap();
    let b = store.batch(&BatchId::new("b1")).await.unwrap().unwrap();
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
        id: uuid::Uuid::new_v4().to_string().into(),
        name: name.into(),
        sha256: sha.into(),
        reference: None,
    }
}

/// Admits a batch of `n` distinct filings for `org`; returns the batch id and filing ids.
async fn admit(store: &Store, org: &str, n: usize, max_attempts: i64) -> (BatchId, Vec<FilingId>) {
    let batch = BatchId::new(uuid::Uuid::new_v4().to_string());
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
        id: uuid::Uuid::new_v4().to_string().into(),
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
        id: uuid::Uuid::new_v4().to_string().into(),
        ..b1.clone()
    };
    let got = store
        .admit_batch(&b2, &[new_filing("x.pdf", "aa")], 5, &Actor::system())
        .await
        .unwrap();
    assert!(matches!(&got[0], Admitted::Duplicate { batch_id, .. } if *batch_id == b1.id));
    let b3 = NewBatch {
        id: uuid::Uuid::new_v4().to_string().into(),
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
    assert_eq!(view.record.status, FilingStatus::Queued);
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

fn output(status: FilingStatus) -> FilingOutput {
    FilingOutput {
        facts_json: Some("{}".into()),
        ..FilingOutput::nothing_read(status)
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
        FilingStatus::Processing
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
                &output(FilingStatus::Drafted),
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
                &output(FilingStatus::Drafted),
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
    assert_eq!(f.record.status, FilingStatus::Failed);
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
    assert_eq!(f.record.status, FilingStatus::Failed);
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
async fn check_history(store: &Store, filing: &FilingId, actions: &[&str], last_actor: &str) {
    let h = store.audit_of(filing.as_str()).await.unwrap();
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
    assert_eq!(f.record.status, FilingStatus::Failed);
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
                        &output(FilingStatus::Drafted),
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

/// A judge's login sessions (`review.rs`): stored by hash, expired ones never returned, ended
/// once, each change audited.
async fn check_sessions(store: &Store) {
    let judge = Actor::token("judge", "court-a", "王法官", &"a1".repeat(32));
    let s = SessionRecord {
        id_hash: "c".repeat(64),
        token_hash: "a1".repeat(32),
        csrf: "form-token".into(),
        expires_ms: now_ms() + 60_000,
    };
    store.create_session(&s, &judge).await.unwrap();
    assert_eq!(store.session(&s.id_hash).await.unwrap(), Some(s.clone()));
    let expired = SessionRecord {
        id_hash: "d".repeat(64),
        expires_ms: now_ms() - 1,
        ..s.clone()
    };
    store.create_session(&expired, &judge).await.unwrap();
    assert_eq!(store.session(&expired.id_hash).await.unwrap(), None);
    store.end_session(&s.id_hash, &judge).await.unwrap();
    assert_eq!(store.session(&s.id_hash).await.unwrap(), None);
    // Ending it again changes nothing and records nothing.
    store.end_session(&s.id_hash, &judge).await.unwrap();
    let (c, d) = ("c".repeat(12), "d".repeat(12));
    let want = [("ui.login", &c), ("ui.login", &d), ("ui.logout", &c)];
    let got = common::audit_actions(store).await;
    assert_eq!(
        got.iter().map(|(a, s)| (a.as_str(), s)).collect::<Vec<_>>(),
        want
    );
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact { count: 3, .. }
    ));
}

/// The review screens' storage (`review.rs`): a court's queue and its filters, a judge's edit
/// with the AI draft kept as version 1, the conditions an edit needs (the court, a draft, no
/// decision yet), and the approved version recorded once.
async fn check_review(store: &Store) {
    let ops = Actor::system();
    let judge = Actor::token("judge", "court-a", "王法官", &"a2".repeat(32));
    let court = store
        .create_court("测试市第一人民法院", &ops)
        .await
        .unwrap()
        .unwrap()
        .id;
    let other = store
        .create_court("测试市第二人民法院", &ops)
        .await
        .unwrap()
        .unwrap()
        .id;
    let (batch_a, a) = admit(store, "bank-a", 3, 3).await;
    let (_, b) = admit(store, "bank-b", 1, 3).await;
    let out = |status: FilingStatus, court: &str, findings: &[&str], draft: &str| FilingOutput {
        court_name: Some(court.into()),
        finding_codes: findings.iter().map(|f| f.to_string()).collect(),
        draft_html: Some(draft.into()),
        draft_text: Some(draft.into()),
        outcome_json: Some(format!("{{\"draft\":\"{draft}\"}}")),
        versions_json: Some("{\"rules\":\"test-1\"}".into()),
        ..output(status)
    };
    let outputs = std::collections::HashMap::from([
        (
            a[0].clone(),
            out(
                FilingStatus::Drafted,
                "测试市第一人民法院",
                &["AMOUNT_MISMATCH"],
                "<p>AI 0</p>",
            ),
        ),
        (
            a[1].clone(),
            out(
                FilingStatus::Drafted,
                "测试市第一 人民法院",
                &[],
                "<p>AI 1</p>",
            ),
        ),
        (
            a[2].clone(),
            out(FilingStatus::Failed, "测试市第一人民法院", &[], ""),
        ),
        (
            b[0].clone(),
            out(
                FilingStatus::Drafted,
                "测试市第二人民法院",
                &[],
                "<p>AI b</p>",
            ),
        ),
    ]);
    while let Some(job) = store.claim_job("w", 60_000, now_ms()).await.unwrap() {
        let o = &outputs[&job.filing_id];
        assert!(
            store
                .complete_job(&job.id, "w", &job.filing_id, o, now_ms())
                .await
                .unwrap()
        );
    }

    // The court's queue: its processed filings, oldest batch first, then by name.
    let ids =
        |rows: &[fincase::store::QueueRow]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    let all = store
        .review_queue(&court, &QueueFilter::default(), 100)
        .await
        .unwrap();
    assert_eq!(ids(&all), [a[0].clone(), a[1].clone()]);
    let first = &all[0];
    assert_eq!(first.batch_id, batch_a);
    assert_eq!(first.org.as_deref(), Some("bank-a"));
    assert_eq!(
        (
            first.status.as_str(),
            first.review_state.map(ReviewState::as_str)
        ),
        ("drafted", None)
    );
    assert_eq!(first.finding_codes.as_deref(), Some("AMOUNT_MISMATCH"));
    assert!(!first.received_at.is_empty());
    let court_id: &CourtId = &court;
    let filtered =
        |f: QueueFilter| async move { ids(&store.review_queue(court_id, &f, 100).await.unwrap()) };
    let finding = QueueFilter {
        finding: Some("AMOUNT_MISMATCH".into()),
        ..QueueFilter::default()
    };
    assert_eq!(filtered(finding).await, [a[0].clone()]);
    let by_batch = QueueFilter {
        batch_id: Some(batch_a.clone()),
        ..QueueFilter::default()
    };
    assert_eq!(filtered(by_batch).await.len(), 2);
    let other_bank = QueueFilter {
        org: Some("bank-b".into()),
        ..QueueFilter::default()
    };
    assert!(filtered(other_bank).await.is_empty());
    assert_eq!(
        ids(&store
            .review_queue(&court, &QueueFilter::default(), 1)
            .await
            .unwrap()),
        [a[0].clone()]
    );
    assert_eq!(
        ids(&store
            .review_queue(&other, &QueueFilter::default(), 100)
            .await
            .unwrap()),
        [b[0].clone()]
    );

    // A judge's edit: the AI draft becomes version 1, the edit version 2.
    assert!(store.draft_versions(&a[0]).await.unwrap().is_empty());
    let edited = EditedResult {
        facts_json: "{\"principal\":\"1000\"}".into(),
        outcome_json: "{\"draft\":\"edited\"}".into(),
        draft_html: "<p>edited</p>".into(),
        draft_text: "edited".into(),
        versions_json: "{\"rules\":\"test-1\"}".into(),
        finding_codes: String::new(),
        note: "claims.principal: 2000 → 1000".into(),
        before: serde_json::json!({ "field": "claims.principal", "value": "2000" }),
        after: serde_json::json!({ "field": "claims.principal", "value": "1000" }),
    };
    let edit = |id: &FilingId, court: &CourtId| {
        let (id, court, edited, judge) = (id.clone(), court.clone(), &edited, &judge);
        async move { store.record_edit(&id, &court, edited, judge).await.unwrap() }
    };
    assert_eq!(edit(&a[0], &other).await, Edited::NotFound);
    assert_eq!(
        edit(&a[2], &court).await,
        Edited::NotDrafted(FilingStatus::Failed)
    );
    assert_eq!(edit(&a[0], &court).await, Edited::Recorded);
    let versions = store.draft_versions(&a[0]).await.unwrap();
    let stages: Vec<(i64, &str, &str)> = versions
        .iter()
        .map(|v| (v.version, v.stage.as_str(), v.actor.as_str()))
        .collect();
    assert_eq!(
        stages,
        [(1, "ai", "pipeline"), (2, "edited", judge.as_str())]
    );
    assert_eq!(versions[0].draft_html.as_deref(), Some("<p>AI 0</p>"));
    assert_eq!(versions[1].draft_html.as_deref(), Some("<p>edited</p>"));
    assert_eq!(versions[1].note.as_deref(), Some(edited.note.as_str()));
    let view = store.filing_view(&a[0]).await.unwrap().unwrap();
    assert_eq!(
        view.record.facts_json.as_deref(),
        Some(edited.facts_json.as_str())
    );
    assert_eq!(
        store.draft_of(&a[0]).await.unwrap().map(|d| d.1),
        Some("<p>edited</p>".to_owned())
    );
    let entry = store
        .audit_of(a[0].as_str())
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.action == "review.fact_edited")
        .unwrap();
    assert_eq!(entry.actor, judge.as_str());
    let after: serde_json::Value =
        serde_json::from_str(entry.after_json.as_deref().unwrap()).unwrap();
    assert_eq!(after["value"], "1000");
    assert_eq!(after["draft_version"], 2);
    // A second edit adds version 3; the finding no longer matches.
    assert_eq!(edit(&a[0], &court).await, Edited::Recorded);
    assert_eq!(store.draft_versions(&a[0]).await.unwrap().len(), 3);
    let finding = QueueFilter {
        finding: Some("AMOUNT_MISMATCH".into()),
        ..QueueFilter::default()
    };
    assert!(filtered(finding).await.is_empty());

    // Approved: no more edits; the approved version is recorded once.
    assert!(!store.record_approved_version(&a[0], &judge).await.unwrap());
    let decided = store
        .decide(&a[0], &court, ReviewAction::Approve, None, &judge)
        .await
        .unwrap();
    assert_eq!(decided, Decided::Recorded);
    assert_eq!(
        edit(&a[0], &court).await,
        Edited::AlreadyDecided(ReviewState::Approved)
    );
    assert!(store.record_approved_version(&a[0], &judge).await.unwrap());
    assert!(!store.record_approved_version(&a[0], &judge).await.unwrap());
    let last = store.draft_versions(&a[0]).await.unwrap();
    assert_eq!(
        last.iter().map(|v| v.stage.as_str()).collect::<Vec<_>>(),
        ["ai", "edited", "edited", "approved"]
    );
    assert_eq!(last[3].draft_html.as_deref(), Some("<p>edited</p>"));
    // Approved without an edit: the AI draft, then the approved version.
    store
        .decide(&a[1], &court, ReviewAction::Approve, None, &judge)
        .await
        .unwrap();
    assert!(store.record_approved_version(&a[1], &judge).await.unwrap());
    let v = store.draft_versions(&a[1]).await.unwrap();
    assert_eq!(
        v.iter()
            .map(|v| (v.stage.as_str(), v.draft_html.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("ai", Some("<p>AI 1</p>")),
            ("approved", Some("<p>AI 1</p>"))
        ]
    );
    let queue = store
        .review_queue(&court, &QueueFilter::default(), 100)
        .await
        .unwrap();
    assert!(
        queue
            .iter()
            .all(|r| r.review_state == Some(ReviewState::Approved))
    );
    let actions = common::audit_actions(store).await;
    let count = |what: &str| actions.iter().filter(|(a, _)| a == what).count();
    assert_eq!(count("review.fact_edited"), 2);
    assert_eq!(count("draft.approved_version"), 2);
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact { .. }
    ));
}
