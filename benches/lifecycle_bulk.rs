//! Bulk lifecycle acts on 10,000 filings (issue 25): a court has signed 10,000 drafts (through
//! the review, not timed), marks them served electronically on one day (the first act also
//! starts each filing's machine from its record), then asks to certify them all while their
//! window runs and to record a withdrawal after service (each refused on its own). Against the baseline in the same process: the same
//! acts one filing per call, as 200 API calls would make them. The store is SQLite on disk
//! (the default) or PostgreSQL; every filing is a real pipeline result (one generated filing processed once,
//! recorded 10,000 times under distinct ids in one court). Checks its own result: every
//! filing recorded, every certification refused, and one audit entry per filing and event.
//!
//! `cargo bench --bench lifecycle_bulk` (`-- N` for another count); with `DATABASE_URL` naming
//! PostgreSQL it runs there, in a schema of its own that it drops at the end.

use fincase::domain::{BatchId, FilingId};
use fincase::lifecycle::Event;
use fincase::pipeline::lifecycle::{ActResult, act, court_today};
use fincase::rules::RulesConfig;
use fincase::store::{Actor, BatchFiling, BatchRecord, FilingScope, Store};
use std::time::Instant;

async fn store_with(
    n: usize,
    dir: &std::path::Path,
) -> (Store, fincase::domain::CourtId, Vec<FilingId>) {
    let store = match pg_url() {
        Some(url) => Store::open_postgres(&url, Some(&pg_schema()), 8)
            .await
            .unwrap(),
        None => Store::open_sqlite(&dir.join("cases.db")).await.unwrap(),
    };
    let f = fincase::fixtures::generate_one(7, 0).unwrap();
    let cfg = RulesConfig::default();
    let result = fincase::pipeline::process_filing("f.pdf", &f.pdf, &cfg);
    let out = result.output();
    assert_eq!(
        out.draft_kind.as_deref(),
        Some("judgment"),
        "{:?}",
        out.reason
    );
    let court = store
        .create_court(out.court_name.as_deref().unwrap(), &Actor::system())
        .await
        .unwrap()
        .unwrap()
        .id;
    let batch = BatchId::from("bench-batch".to_owned());
    store
        .begin_batch(&BatchRecord {
            id: batch.clone(),
            input: "bench".into(),
            started_at: "2026-12-08T00:00:00Z".into(),
            summary_json: None,
        })
        .await
        .unwrap();
    let ids: Vec<FilingId> = (0..n)
        .map(|i| FilingId::from(format!("bench-{i:06}")))
        .collect();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<BatchFiling> = chunk
            .iter()
            .map(|id| BatchFiling {
                id: id.clone(),
                batch_id: batch.clone(),
                name: format!("{}.pdf", id.as_str()),
                sha256: fincase::domain::sha256_hex(id.as_str().as_bytes()),
                draft_path: None,
                output: out.clone(),
            })
            .collect();
        store.save_filings(&rows).await.unwrap();
    }
    (store, court, ids)
}

/// `DATABASE_URL` when it names PostgreSQL: the bench then runs there, in a schema of its own.
fn pg_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

fn pg_schema() -> String {
    format!("fincase_bench_{}", std::process::id())
}

async fn run(
    store: &Store,
    court: &fincase::domain::CourtId,
    ids: &[FilingId],
    event: &Event,
    per_call: usize,
) -> (f64, Vec<ActResult>) {
    let cfg = RulesConfig::default();
    let actor = Actor::system();
    let scope = FilingScope::Court(court.clone());
    let t = Instant::now();
    let mut all = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(per_call) {
        let r = act(store, chunk, &scope, event, &actor, court_today(), &cfg)
            .await
            .unwrap();
        all.extend(r.into_iter().map(|(_, r)| r));
    }
    (t.elapsed().as_secs_f64(), all)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let today = court_today();
        let dir = tempfile::tempdir().unwrap();
        let (store, court, ids) = store_with(n, dir.path()).await;
        // Signing is the judges' decision (the review), made before the acts measured here.
        for id in &ids {
            let d = store
                .decide(id, &court, fincase::store::ReviewAction::Approve, None, &Actor::system())
                .await
                .unwrap();
            assert_eq!(d, fincase::store::Decided::Recorded);
        }
        let events = [
            (
                "serve",
                Event::Served {
                    on: today,
                    method: fincase::lifecycle::ServiceMethod::Electronic,
                    party: None,
                    abroad: false,
                },
            ),
            ("certify (refused)", Event::Effective { on: today }),
            (
                "withdraw (refused)",
                Event::Withdrawn {
                    on: today,
                    reason: "和解".to_owned(),
                },
            ),
        ];
        // Baseline: the first 200 filings one call each (an API client acting filing by filing).
        let base = &ids[..200.min(n)];
        let rest = &ids[base.len()..];
        println!(
            "lifecycle_bulk: {n} filings, {}, one court",
            if pg_url().is_some() { "PostgreSQL" } else { "SQLite" }
        );
        for (name, e) in &events {
            let (t1, r1) = run(&store, &court, base, e, 1).await;
            let (tb, rb) = run(&store, &court, rest, e, 10_000).await;
            let recorded = r1.iter().chain(&rb).filter(|r| matches!(r, ActResult::Recorded { .. })).count();
            let refused = r1.iter().chain(&rb).filter(|r| matches!(r, ActResult::Refused { .. })).count();
            if name.contains("refused") {
                assert_eq!(refused, n, "every certification refused while the window runs");
            } else {
                assert_eq!(recorded, n, "{name}: every filing recorded");
            }
            let one = base.len() as f64 / t1;
            let bulk = rest.len() as f64 / tb;
            println!(
                "  {name:<18} bulk {:>7.0} filings/s ({} in {:.2} s); one per call {:>6.0} filings/s; bulk / one = {:.1}",
                bulk,
                rest.len(),
                tb,
                one,
                bulk / one
            );
        }
        // One audit entry per filing and event: the seeded drafting and decision, the service
        // (the refusals change nothing).
        let (mut lifecycle, mut after) = (0, 0);
        loop {
            let page = store.audit_entries(after, 2_000).await.unwrap();
            let Some(last) = page.last() else { break };
            after = last.seq;
            lifecycle += page.iter().filter(|e| e.action.starts_with("lifecycle.")).count();
        }
        assert_eq!(lifecycle, 3 * n);
        println!("  audit: {lifecycle} lifecycle entries (3 per filing)");
        store.close().await;
        if let Some(url) = pg_url() {
            Store::drop_postgres_schema(&url, &pg_schema()).await.unwrap();
        }
    });
}
