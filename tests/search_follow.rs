//! The search follower (`search::follow`) against the case database: filings submitted and
//! processed by queue workers become searchable once the follower catches up, limited to the
//! caller's organisation; a follower dropped part-way (a killed `serve`) resumes from the
//! position its index recorded, without duplicates; a second follower cannot open the same
//! index; a change to an indexed filing replaces its document. Runs on SQLite, and on
//! PostgreSQL when `DATABASE_URL` names one (a fresh schema each run, dropped at the end).

use fincase::domain::{FilingId, FilingStatus};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::rules::RulesConfig;
use fincase::search::SearchScope;
use fincase::search::follow::Follower;
use fincase::store::{Actor, Admitted, BatchFiling, FilingOutput, NewBatch, NewFiling, Store};
use std::path::Path;
use std::sync::Arc;

const SEED: u64 = 9_090;

mod common;

/// Runs `$check(&Store, &Path)` on every backend ([`common::on_every_backend`]); the path is an
/// empty folder for the search index.
macro_rules! on_every_backend {
    ($name:ident, $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            common::on_every_backend(async |db| $check(&db.store, &db.index.join("search")).await)
                .await;
        }
    };
}

on_every_backend!(processed_filings_become_searchable_per_org, check_search);
on_every_backend!(
    a_restarted_follower_resumes_without_duplicates,
    check_resume
);

/// Files generated filings `indices` for `org` as one batch (originals stored first, as intake
/// does). Returns the filing ids with the defendant names of each filing's gold.
async fn submit(store: &Store, org: &str, indices: &[usize]) -> Vec<(FilingId, Vec<String>)> {
    let tmp = tempfile::tempdir().unwrap();
    let mut filings = Vec::new();
    let mut names = Vec::new();
    for &i in indices {
        let g = fincase::fixtures::generate_one(SEED, i).unwrap();
        let sha = fincase::domain::sha256_hex(&g.pdf);
        let path = tmp.path().join(format!("{i}.pdf"));
        std::fs::write(&path, &g.pdf).unwrap();
        store.put_original_file(&path, &sha).await.unwrap();
        filings.push(NewFiling {
            id: uuid::Uuid::new_v4().to_string().into(),
            name: format!("{}.pdf", g.id),
            sha256: sha,
            reference: None,
        });
        names.push(
            g.gold
                .facts
                .defendants
                .iter()
                .map(|d| d.name.clone())
                .collect(),
        );
    }
    let batch = NewBatch {
        id: uuid::Uuid::new_v4().to_string().into(),
        org: org.into(),
        input: "test".into(),
        intake_json: None,
    };
    let admitted = store
        .admit_batch(&batch, &filings, 3, &Actor::system())
        .await
        .unwrap();
    admitted
        .into_iter()
        .zip(names)
        .map(|(a, n)| match a {
            Admitted::Queued { filing_id } => (filing_id, n),
            Admitted::Duplicate { .. } => panic!("fixture filed twice"),
        })
        .collect()
}

/// Runs a queue worker until the queue is empty; returns how many jobs finished.
async fn work(store: &Store) -> usize {
    let worker = Worker::new(
        store.clone(),
        Arc::new(RulesConfig::default()),
        WorkerConfig::new("test-worker"),
    );
    let mut done = 0;
    loop {
        match worker.step().await.unwrap() {
            Step::Idle => return done,
            Step::Done { .. } => done += 1,
            other => panic!("unexpected step {other:?}"),
        }
    }
}

async fn check_search(store: &Store, dir: &Path) {
    let a = submit(store, "bank-a", &[0, 1, 2, 3, 4]).await;
    let b = submit(store, "bank-b", &[5, 6]).await;
    // Queued filings have nothing to index yet.
    let mut follower = Follower::open(store.clone(), dir).unwrap();
    assert_eq!(follower.catch_up().await.unwrap(), 0);
    assert_eq!(work(store).await, 7);
    assert_eq!(follower.catch_up().await.unwrap(), 7);
    assert_eq!(
        follower.applied_seq(),
        store.last_change_seq().await.unwrap()
    );
    let index = follower.index();
    assert_eq!(index.len(), 7);

    // A bank-a filing whose draft names its first defendant: found by that name, for bank-a
    // and for everyone, never for bank-b.
    let mut checked = 0;
    for (id, defendants) in &a {
        let view = store.filing_view(id).await.unwrap().unwrap();
        let Some(name) = defendants.first() else {
            continue;
        };
        let text = store.draft_of(id).await.unwrap().map(|d| d.2);
        if !text.is_some_and(|t| t.contains(name.as_str())) {
            continue;
        }
        let ids = |scope| {
            index
                .search_in(name, 50, scope)
                .unwrap()
                .into_iter()
                .map(|h| h.filing_id)
                .collect::<Vec<_>>()
        };
        assert!(ids(SearchScope::Org("bank-a")).contains(id), "{name}");
        assert!(ids(SearchScope::All).contains(id), "{name}");
        assert!(!ids(SearchScope::Org("bank-b")).contains(id), "{name}");
        let hit = index
            .search_in(name, 50, SearchScope::Org("bank-a"))
            .unwrap()
            .into_iter()
            .find(|h| &h.filing_id == id)
            .unwrap();
        assert_eq!(hit.status, Some(view.record.status));
        assert_eq!(hit.org.as_deref(), Some("bank-a"));
        checked += 1;
    }
    assert!(
        checked >= 3,
        "only {checked} bank-a drafts name a defendant"
    );
    // Every hit bank-b can get is its own.
    for (_, defendants) in &b {
        for name in defendants {
            for h in index
                .search_in(name, 50, SearchScope::Org("bank-b"))
                .unwrap()
            {
                assert_eq!(h.org.as_deref(), Some("bank-b"));
            }
        }
    }
}

async fn check_resume(store: &Store, dir: &Path) {
    let filed = submit(store, "bank-a", &[10, 11, 12, 13, 14, 15, 16, 17]).await;
    assert_eq!(work(store).await, 8);

    // A follower that applies one step of 3 and is then dropped (the process dies after a
    // commit): the index records where it was.
    {
        let mut follower = Follower::open(store.clone(), dir).unwrap().with_batch(3);
        assert_eq!(follower.step().await.unwrap(), 3);
        assert_eq!(follower.index().len(), 3);
        // One writer per index folder: a second follower cannot open it meanwhile.
        assert!(Follower::open(store.clone(), dir).is_err());
    }
    let mut follower = Follower::open(store.clone(), dir).unwrap().with_batch(3);
    let resumed_from = follower.applied_seq();
    assert!(resumed_from > 0);
    assert_eq!(follower.catch_up().await.unwrap(), 5);
    assert_eq!(follower.index().len(), 8);

    // A change to an indexed filing (the command-line pipeline recording it again) gets a new
    // sequence number; the follower replaces its document: still 8, with the new status.
    let (id, _) = &filed[0];
    let view = store.filing_view(id).await.unwrap().unwrap();
    let before = store.last_change_seq().await.unwrap();
    store
        .save_filings(&[BatchFiling {
            id: view.record.id.clone(),
            batch_id: view.record.batch_id.clone(),
            name: view.record.name.clone(),
            sha256: view.record.sha256.clone(),
            draft_path: None,
            output: FilingOutput {
                reason: Some("复核：人工要求重新审查".into()),
                facts_json: view.record.facts_json.clone(),
                outcome_json: view.record.outcome_json.clone(),
                ..FilingOutput::nothing_read(FilingStatus::NeedsReview)
            },
        }])
        .await
        .unwrap();
    assert!(store.last_change_seq().await.unwrap() > before);
    assert_eq!(follower.catch_up().await.unwrap(), 1);
    let index = follower.index();
    assert_eq!(index.len(), 8);
    let hits = index.search_in("复核", 10, SearchScope::All).unwrap();
    assert!(
        hits.iter()
            .any(|h| &h.filing_id == id && h.status == Some(FilingStatus::NeedsReview)),
        "{hits:?}"
    );
    drop(follower);

    // Reopened with nothing new: nothing re-applied, nothing duplicated.
    let mut follower = Follower::open(store.clone(), dir).unwrap();
    assert_eq!(follower.catch_up().await.unwrap(), 0);
    assert_eq!(follower.index().len(), 8);

    // An index position ahead of a rebuilt database would hide changes: a fresh index folder
    // replays everything from zero, and ends with the same documents.
    let other = dir.with_file_name("search-rebuilt");
    let mut rebuilt = Follower::open(store.clone(), &other).unwrap();
    assert_eq!(rebuilt.applied_seq(), 0);
    assert_eq!(rebuilt.catch_up().await.unwrap(), 8);
    assert_eq!(rebuilt.index().len(), 8);
}

on_every_backend!(
    the_search_route_answers_from_the_followed_index,
    check_route
);

/// `GET /api/v1/search` through the router, with the follower spawned as `serve` spawns it:
/// a bank finds its own filing by a defendant's name, another bank does not, an admin does.
async fn check_route(store: &Store, dir: &Path) {
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use fincase::http::{AppState, ServiceConfig, issue_token, router, spawn_follower};
    use fincase::store::Role;

    let index_home = dir.with_file_name("home");
    let (tx, rx) = tokio::sync::watch::channel(false);
    let (index, follower) = spawn_follower(
        store,
        &index_home,
        std::time::Duration::from_millis(20),
        &rx,
    )
    .unwrap();
    let app = router(
        AppState::new(store.clone(), &index_home, ServiceConfig::default()).with_search(index),
    );
    let bank_a = issue_token(store, "bank-a", Role::Bank, "a").await.unwrap();
    let bank_b = issue_token(store, "bank-b", Role::Bank, "b").await.unwrap();
    let admin = issue_token(store, "ops", Role::Admin, "ops").await.unwrap();

    let filed = submit(store, "bank-a", &[20, 21, 22]).await;
    assert_eq!(work(store).await, 3);
    let (id, name) = filed
        .iter()
        .find_map(|(id, names)| names.first().map(|n| (id.to_string(), n.clone())))
        .unwrap();
    let search = |token: String, q: String| {
        let app = app.clone();
        async move {
            let uri = format!(
                "/api/v1/search?q={}",
                q.bytes()
                    .map(percent_encoding::percent_encode_byte)
                    .collect::<String>()
            );
            let req = Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            let a = common::send(&app, req).await;
            let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
            (a.status, v)
        }
    };
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["hits"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|h| h["filing_id"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    // The follower polls: wait (bounded) until bank-a's filing is searchable.
    let mut found = false;
    for _ in 0..250 {
        let (status, v) = search(bank_a.clone(), name.clone()).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        if ids(&v).contains(&id) {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(found, "bank-a never found its filing by {name}");
    let (status, v) = search(admin, name.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&v).contains(&id));
    let (status, v) = search(bank_b, name.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&v).is_empty(), "{v}");
    let (status, _) = search(bank_a, String::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    tx.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), follower)
        .await
        .unwrap()
        .unwrap();
}
