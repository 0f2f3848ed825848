//! The audit boundary: a batch goes through the service (upload, workers, court assignment, a
//! judge's decision), every state change leaves a chained entry, `verify_audit` (and, on
//! SQLite, `fincase audit verify`) says OK; then the log is tampered with (an edited entry, a
//! deleted entry, two entries swapped, a truncated tail) and each is found. Runs on SQLite and,
//! when `DATABASE_URL` names one, on PostgreSQL (a fresh schema each run, dropped at the end),
//! where concurrent appenders must still make one chain.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fincase::domain::{FilingId, FilingStatus};
use fincase::http::{ServiceConfig, issue_token};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::store::{Actor, AuditBreak, AuditVerification, Role, Store, TokenRecord};
use serde_json::Value;
use std::str::FromStr;
use std::sync::Arc;

const SEED: u64 = 9090;

mod common;

/// A second connection that bypasses `Store`, as someone tampering with the database would.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            Raw::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
            Raw::Pg(p) => sqlx::raw_sql(sql).execute(p).await.map(|_| ()),
        }
    }

    /// The raw connection to the database `db` tests.
    async fn open(db: &common::TestDb) -> Raw {
        match (&db.sqlite_path, &db.pg) {
            (Some(path), _) => Raw::Sqlite(
                sqlx::sqlite::SqlitePoolOptions::new()
                    .max_connections(1)
                    .connect_with(
                        sqlx::sqlite::SqliteConnectOptions::new()
                            .filename(path)
                            .busy_timeout(std::time::Duration::from_secs(10)),
                    )
                    .await
                    .unwrap(),
            ),
            (None, pg) => {
                let pg = pg.as_ref().unwrap();
                let opts = sqlx::postgres::PgConnectOptions::from_str(&pg.url)
                    .unwrap()
                    .options([("search_path", pg.schema.as_str())]);
                Raw::Pg(
                    sqlx::postgres::PgPoolOptions::new()
                        .max_connections(2)
                        .connect_with(opts)
                        .await
                        .unwrap(),
                )
            }
        }
    }

    fn is_pg(&self) -> bool {
        matches!(self, Raw::Pg(_))
    }
}

/// Runs `$check(&Store, &Raw, index, Option<cli index>)` on every backend
/// ([`common::on_every_backend`]); the command-line check runs on SQLite only.
macro_rules! on_every_backend {
    ($name:ident, $check:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            common::on_every_backend(async |db| {
                let raw = Raw::open(db).await;
                let cli = db.sqlite_path.as_ref().map(|_| db.index.as_path());
                $check(&db.store, &raw, &db.index, cli).await;
            })
            .await;
        }
    };
}

on_every_backend!(
    service_batch_is_audited_and_tampering_is_found,
    check_service_batch_then_tamper
);
on_every_backend!(concurrent_appends_make_one_chain, check_concurrent_appends);

async fn send(app: &axum::Router, req: Request<Body>) -> (StatusCode, Value) {
    let a = common::send(app, req).await;
    (a.status, a.json())
}

fn json_post(token: &str, uri: &str, body: Value) -> Request<Body> {
    Request::post(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

async fn check_service_batch_then_tamper(
    store: &Store,
    raw: &Raw,
    index: &std::path::Path,
    cli_index: Option<&std::path::Path>,
) {
    let filings: Vec<_> = (0..3)
        .map(|i| fincase::fixtures::generate_one(SEED, i).unwrap())
        .collect();
    let court_of = |i: usize| filings[i].gold.facts.court.clone().unwrap();
    let app = common::router_on(store, index, ServiceConfig::default());
    let admin = issue_token(store, "ops", Role::Admin, "ops").await.unwrap();

    // An admin creates the first filing's court and a judge and a bank token.
    let (code, court) = send(
        &app,
        json_post(
            &admin,
            "/api/v1/courts",
            serde_json::json!({ "name": court_of(0) }),
        ),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{court}");
    let court_id = court["id"].as_str().unwrap().to_owned();
    let (code, judge) = send(
        &app,
        json_post(
            &admin,
            "/api/v1/tokens",
            serde_json::json!({ "role": "judge", "court_id": court_id, "label": "审判员甲" }),
        ),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{judge}");
    let judge = judge["token"].as_str().unwrap().to_owned();
    let (_, bank) = send(
        &app,
        json_post(
            &admin,
            "/api/v1/tokens",
            serde_json::json!({ "role": "bank", "org": "bank-a", "label": "intake" }),
        ),
    )
    .await;
    let bank = bank["token"].as_str().unwrap().to_owned();

    // The bank uploads; the same PDF again is a duplicate.
    let names: Vec<String> = filings.iter().map(|f| format!("{}.pdf", f.id)).collect();
    let mut files: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&filings)
        .map(|(n, f)| (n.as_str(), f.pdf.as_slice()))
        .collect();
    let accepted = common::upload(&app, &bank, &files).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.text());
    let batch_id = accepted.json()["batch_id"].as_str().unwrap().to_owned();
    files.truncate(1);
    let again = common::upload(&app, &bank, &files).await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    let again = again.json();
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 1);

    // A worker processes everything.
    let worker = Worker::new(
        store.clone(),
        Arc::new(fincase::rules::RulesConfig::default()),
        WorkerConfig::new("audit-worker"),
    );
    let mut outcomes = Vec::new();
    loop {
        match worker.step().await.unwrap() {
            Step::Idle => break,
            Step::Done {
                filing_id, status, ..
            } => outcomes.push((filing_id, status)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(outcomes.len(), 3);

    // Court assignment: the first filing's court is configured, the others not (yet).
    let (mut first_id, mut second) = (FilingId::new(""), None);
    for (id, _) in &outcomes {
        let v = store.filing_view(id).await.unwrap().unwrap();
        let i = names.iter().position(|n| *n == v.record.name).unwrap();
        let configured = court_of(i) == court_of(0);
        assert_eq!(v.court_id.is_some(), configured, "{i}: {:?}", v.court_name);
        match i {
            0 => first_id = id.clone(),
            1 => second = Some(id.clone()),
            _ => {}
        }
    }
    // A court created later gets the filings already recorded that address it.
    if court_of(1) != court_of(0) {
        let (code, c2) = send(
            &app,
            json_post(
                &admin,
                "/api/v1/courts",
                serde_json::json!({ "name": court_of(1) }),
            ),
        )
        .await;
        assert_eq!(code, StatusCode::CREATED);
        let second = second.unwrap();
        let v = store.filing_view(&second).await.unwrap().unwrap();
        assert_eq!(v.court_id.as_ref().map(|c| c.as_str()), c2["id"].as_str());
        assert!(
            common::audit_actions(store)
                .await
                .contains(&("filing.court_assigned".into(), second.to_string()))
        );
    }

    // The judge decides on the first filing when it was drafted.
    let first_status = &outcomes.iter().find(|(id, _)| *id == first_id).unwrap().1;
    let uri = format!("/api/v1/filings/{first_id}/decision");
    let (code, body) = send(
        &app,
        json_post(&judge, &uri, serde_json::json!({ "action": "approve" })),
    )
    .await;
    if *first_status == FilingStatus::Drafted {
        assert_eq!(code, StatusCode::OK, "{body}");
        let (code, _) = send(
            &app,
            json_post(&judge, &uri, serde_json::json!({ "action": "approve" })),
        )
        .await;
        assert_eq!(code, StatusCode::CONFLICT, "decided once");
    } else {
        assert_eq!(code, StatusCode::CONFLICT, "{body}");
    }

    // Every state change left its entry, by the right actor, in the same order as it happened.
    let all = store.audit_entries(0, 10_000).await.unwrap();
    let acts: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    for want in [
        "token.created",
        "court.created",
        "batch.accepted",
        "filing.admitted",
        "filing.duplicate",
        "job.claimed",
    ] {
        assert!(acts.contains(&want), "{want} missing from {acts:?}");
    }
    for (id, status) in &outcomes {
        let history: Vec<String> = store
            .audit_of(id.as_str())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .filter(|a| a != "filing.duplicate")
            .collect();
        assert_eq!(
            &history[..3],
            &[
                "filing.admitted".to_string(),
                "job.claimed".into(),
                format!("filing.{}", status.as_str())
            ],
            "{history:?}"
        );
    }
    let recorded = store.audit_of(first_id.as_str()).await.unwrap();
    let outcome = recorded
        .iter()
        .find(|e| e.action == format!("filing.{}", first_status.as_str()))
        .unwrap();
    assert!(outcome.actor.starts_with("worker:audit-worker"));
    let versions: Value = serde_json::from_str(outcome.versions_json.as_deref().unwrap()).unwrap();
    assert!(versions["rules"].is_string(), "{versions}");
    if *first_status == FilingStatus::Drafted {
        let d = recorded.last().unwrap();
        assert_eq!(d.action, "decision.approve");
        assert!(d.actor.starts_with("judge:"), "{}", d.actor);
        assert!(d.versions_json.as_deref().unwrap().contains("template"));
    }
    let accepted_entry = all.iter().find(|e| e.action == "batch.accepted").unwrap();
    assert_eq!(accepted_entry.subject, batch_id);
    assert!(accepted_entry.actor.starts_with("bank:bank-a:intake#"));
    assert!(
        all.iter()
            .all(|e| !e.actor.contains(&bank) && !e.actor.contains(&judge)),
        "a token itself is never in the log"
    );

    // Intact.
    let n = all.len() as i64;
    let head = all.last().unwrap().hash.clone();
    assert_eq!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact {
            count: n,
            head: head.clone()
        }
    );
    if let Some(dir) = cli_index {
        let (ok, text) = cli_verify(dir, &[]);
        assert!(ok && text.contains(&format!("OK: {n} entries")), "{text}");
    }

    // The table is append-only: UPDATE and DELETE are refused by the database itself.
    assert!(
        raw.exec("UPDATE audit_log SET actor = 'x' WHERE seq = 2")
            .await
            .is_err()
    );
    assert!(
        raw.exec("DELETE FROM audit_log WHERE seq = 2")
            .await
            .is_err()
    );
    // Someone with the database's keys drops the guard: the chain still tells.
    if raw.is_pg() {
        raw.exec("DROP TRIGGER audit_log_append_only ON audit_log")
            .await
            .unwrap();
    } else {
        raw.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
            .await
            .unwrap();
    }
    raw.exec("CREATE TABLE audit_backup AS SELECT * FROM audit_log")
        .await
        .unwrap();
    let restore = "DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM audit_backup";
    let k = n / 2;

    // 1. An edited entry.
    raw.exec(&format!(
        "UPDATE audit_log SET after_json = '{{\"status\":\"approved\"}}' WHERE seq = {k}"
    ))
    .await
    .unwrap();
    check_broken(store, k, AuditBreak::Edited).await;
    if let Some(dir) = cli_index {
        let (ok, text) = cli_verify(dir, &[]);
        assert!(
            !ok && text.contains(&format!("BROKEN at seq {k}")),
            "{text}"
        );
    }
    raw.exec(restore).await.unwrap();
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact { .. }
    ));
    // Even the actor or the time alone.
    raw.exec(&format!(
        "UPDATE audit_log SET at_ms = at_ms + 1 WHERE seq = {k}"
    ))
    .await
    .unwrap();
    check_broken(store, k, AuditBreak::Edited).await;
    raw.exec(restore).await.unwrap();

    // 2. A deleted entry in the middle.
    raw.exec(&format!("DELETE FROM audit_log WHERE seq = {k}"))
        .await
        .unwrap();
    check_broken(store, k + 1, AuditBreak::Gap { expected: k }).await;
    raw.exec(restore).await.unwrap();
    // ... or the first one.
    raw.exec("DELETE FROM audit_log WHERE seq = 1")
        .await
        .unwrap();
    check_broken(store, 2, AuditBreak::Gap { expected: 1 }).await;
    raw.exec(restore).await.unwrap();

    // 3. Two entries swapped (renumbered so that seq has no gap).
    raw.exec(&format!(
        "UPDATE audit_log SET seq = -1 WHERE seq = {k};
         UPDATE audit_log SET seq = {k} WHERE seq = {k1};
         UPDATE audit_log SET seq = {k1} WHERE seq = -1",
        k1 = k + 1
    ))
    .await
    .unwrap();
    check_broken(store, k, AuditBreak::BadLink).await;
    raw.exec(restore).await.unwrap();

    // 4. A deleted entry whose successor was re-linked by hand (prev_hash rewritten, but not
    //    the successor's own hash).
    raw.exec(&format!(
        "UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE seq = {k})
             WHERE seq = {k1};
         DELETE FROM audit_log WHERE seq = {k};
         UPDATE audit_log SET seq = -seq WHERE seq > {k};
         UPDATE audit_log SET seq = -seq - 1 WHERE seq < 0",
        k1 = k + 1
    ))
    .await
    .unwrap();
    check_broken(store, k, AuditBreak::Edited).await;
    raw.exec(restore).await.unwrap();

    // 5. The newest entry deleted: only a head recorded elsewhere can tell.
    raw.exec(&format!("DELETE FROM audit_log WHERE seq = {n}"))
        .await
        .unwrap();
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Intact { count, .. } if count == n - 1
    ));
    assert!(!store.audit_holds(&head).await.unwrap());
    if let Some(dir) = cli_index {
        let (ok, text) = cli_verify(dir, &["--expect-head", &head]);
        assert!(!ok && text.contains("deleted from the end"), "{text}");
    }
    raw.exec(restore).await.unwrap();
    assert!(store.audit_holds(&head).await.unwrap());
    if let Some(dir) = cli_index {
        let (ok, text) = cli_verify(dir, &["--expect-head", &head, "--json"]);
        assert!(ok, "{text}");
        let v: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(
            (v["status"].as_str(), v["count"].as_i64()),
            (Some("intact"), Some(n))
        );
    }
}

async fn check_broken(store: &Store, seq: i64, problem: AuditBreak) {
    assert_eq!(
        store.verify_audit().await.unwrap(),
        AuditVerification::Broken { seq, problem }
    );
}

/// Runs `fincase audit verify --index DIR …`: (exit code 0, stdout).
fn cli_verify(index: &std::path::Path, extra: &[&str]) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fincase"))
        .args(["audit", "verify", "--index"])
        .arg(index)
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Many tasks appending at once (tokens issued, courts created, pipeline batches recorded)
/// still make one gap-free chain.
async fn check_concurrent_appends(
    store: &Store,
    _raw: &Raw,
    _index: &std::path::Path,
    _cli: Option<&std::path::Path>,
) {
    let tasks: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..10 {
                    let actor = Actor::token("admin", "ops", "load", &"cd".repeat(32));
                    store
                        .put_token_as(
                            &TokenRecord {
                                token_hash: format!("{t:02}{i:02}{}", "0".repeat(60)),
                                org: format!("bank-{t}"),
                                role: Role::Bank,
                                label: String::new(),
                                court_id: None,
                            },
                            &actor,
                        )
                        .await
                        .unwrap();
                    if i % 5 == 0 {
                        let name = format!("测试市第{t}{i}区人民法院");
                        assert!(store.create_court(&name, &actor).await.unwrap().is_some());
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    match store.verify_audit().await.unwrap() {
        AuditVerification::Intact { count, .. } => assert_eq!(count, 8 * 10 + 8 * 2),
        broken => panic!("{broken:?}"),
    }
}
