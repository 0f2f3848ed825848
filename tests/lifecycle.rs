//! The lifecycle at the HTTP boundary (issue 25): a filing's history starts from its record,
//! the judge's acts are recorded or refused with the reason, each event is audited, papers come
//! in four formats, a bank follows its filing, and a bulk act stays inside the judge's court.
//! The machine's transitions and dates are tested step by step in `fincase_core::lifecycle`.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use fincase::domain::{CourtId, FilingStatus};
use fincase::http::{ServiceConfig, issue_token_as};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::store::{Actor, Role};
use serde_json::{Value, json};
use std::sync::Arc;

const SEED: u64 = 2525;

struct World {
    svc: common::Service,
    bank: String,
    judge_a: String,
    judge_b: String,
    /// Two filings, of courts A and B.
    filings: Vec<String>,
}

impl World {
    async fn new() -> World {
        let svc = common::Service::new(ServiceConfig::default()).await;
        let store = svc.store.clone();
        let ops = Actor::system();
        let pdfs: Vec<_> = (0..2)
            .map(|i| fincase::fixtures::generate_one(SEED, i).unwrap())
            .collect();
        let mut courts: Vec<CourtId> = Vec::new();
        for p in &pdfs {
            courts.push(common::court(&store, p.gold.facts.court.as_deref().unwrap()).await);
        }
        let token = |org: &'static str, role, court: Option<CourtId>| {
            let (store, ops) = (store.clone(), ops.clone());
            async move {
                issue_token_as(&store, org, role, org, court.as_ref(), &ops)
                    .await
                    .unwrap()
            }
        };
        let bank = token("bank-a", Role::Bank, None).await;
        let judge_a = token("court-a", Role::Judge, Some(courts[0].clone())).await;
        let judge_b = token("court-b", Role::Judge, Some(courts[1].clone())).await;
        let files: Vec<(String, Vec<u8>)> = pdfs
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("{i}.pdf"), p.pdf.clone()))
            .collect();
        let a = common::upload(&svc.router, &bank, &files).await;
        assert_eq!(a.status, StatusCode::ACCEPTED, "{}", a.text());
        let filed = a.json()["filed"].clone();
        let mut filings = vec![String::new(); 2];
        for f in filed.as_array().unwrap() {
            let i: usize = f["name"].as_str().unwrap()[..1].parse().unwrap();
            filings[i] = f["filing_id"].as_str().unwrap().to_owned();
        }
        let worker = Worker::new(
            store.clone(),
            Arc::new(fincase::rules::RulesConfig::default()),
            WorkerConfig::new("lifecycle-worker"),
        );
        while worker.step().await.unwrap() != Step::Idle {}
        for id in &filings {
            let v = store
                .filing_view(&fincase::domain::FilingId::new(id.as_str()))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(
                v.record.status,
                FilingStatus::Drafted,
                "{:?}",
                v.record.reason
            );
        }
        World {
            svc,
            bank,
            judge_a,
            judge_b,
            filings,
        }
    }

    async fn call(
        &self,
        token: &str,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let a = common::send(&self.svc.router, req.body(body).unwrap()).await;
        (a.status, a.json_or_text())
    }

    async fn act(&self, token: &str, filing: usize, event: Value) -> (StatusCode, Value) {
        let uri = format!("/api/v1/filings/{}/lifecycle", self.filings[filing]);
        self.call(token, Method::POST, &uri, Some(event)).await
    }

    async fn approve(&self, filing: usize) {
        let uri = format!("/api/v1/filings/{}/decision", self.filings[filing]);
        let (code, v) = self
            .call(
                &self.judge_a,
                Method::POST,
                &uri,
                Some(json!({ "action": "approve" })),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{v}");
    }

    async fn lifecycle(&self, token: &str, filing: usize) -> Value {
        let uri = format!("/api/v1/filings/{}/lifecycle", self.filings[filing]);
        let (code, v) = self.call(token, Method::GET, &uri, None).await;
        assert_eq!(code, StatusCode::OK, "{v}");
        v
    }
}

fn today() -> String {
    fincase::pipeline::lifecycle::court_today().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_judge_signs_serves_and_is_told_why_an_act_is_refused() {
    let w = World::new().await;
    let t = today();
    // Before any act, the history is the record's: drafted, not yet signed.
    let v = w.lifecycle(&w.judge_a, 0).await;
    assert_eq!(v["stage"], "drafted", "{v}");
    assert_eq!(v["history"][0]["event"], "drafted");
    assert!(v["history"][0]["seq"].is_null());

    // Service before signing is refused, in Chinese, with a stable code.
    let served = json!({ "type": "served", "on": t, "method": "electronic" });
    let (code, v) = w.act(&w.judge_a, 0, served.clone()).await;
    assert_eq!(code, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["code"], "LIFECYCLE_REFUSED");
    assert_eq!(v["error"]["details"]["reason"], "wrong_stage");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("文书草稿待审核"),
        "{v}"
    );

    // Signing is the judge's decision, through the review: not a lifecycle act.
    let (code, v) = w
        .act(&w.judge_a, 0, json!({ "type": "approved", "on": t }))
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["details"]["reason"], "invalid");
    w.approve(0).await;
    assert_eq!(w.lifecycle(&w.judge_a, 0).await["stage"], "approved");
    let (code, v) = w.act(&w.judge_a, 0, served).await;
    assert_eq!(
        (code, v["stage"].as_str()),
        (StatusCode::OK, Some("served")),
        "{v}"
    );
    // The window has just begun: effect is refused until it ends.
    let (code, v) = w
        .act(&w.judge_a, 0, json!({ "type": "effective", "on": t }))
        .await;
    assert_eq!(code, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["error"]["details"]["reason"], "too_early");
    // A date after today is refused; another court's judge does not see the filing.
    let (code, _) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "appealed", "on": "2099-01-01" }),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, _) = w
        .act(&w.judge_b, 0, json!({ "type": "appealed", "on": t }))
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    let v = w.lifecycle(&w.judge_a, 0).await;
    assert_eq!(v["stage"], "served");
    let stages: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["stage_after"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["drafted", "approved", "served"], "{v}");
    assert!(v["status"].as_str().unwrap().contains("期至"), "{v}");
    assert!(!v["deadlines"].as_array().unwrap().is_empty(), "{v}");
    // The bank follows its filing, without the judge's token label.
    let b = w.lifecycle(&w.bank, 0).await;
    assert_eq!(b["stage"], "served");
    let by: Vec<&str> = b["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["by"].as_str().unwrap())
        .collect();
    assert_eq!(by, ["系统", "系统", "法院"], "{b}");

    // Every event is in the audit chain, under the filing.
    let actions: Vec<String> = common::audit_actions(&w.svc.store)
        .await
        .into_iter()
        .filter(|(_, s)| s == &w.filings[0])
        .map(|(a, _)| a)
        .filter(|a| a.starts_with("lifecycle."))
        .collect();
    assert_eq!(
        actions,
        [
            "lifecycle.drafted",
            "lifecycle.approved",
            "lifecycle.served"
        ]
    );
    assert!(matches!(
        w.svc.store.verify_audit().await.unwrap(),
        fincase::store::AuditVerification::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawal_drafts_its_ruling_in_every_format() {
    let w = World::new().await;
    let t = today();
    let (code, v) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "withdrawn", "on": t, "reason": "被告已清偿全部欠款" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    assert_eq!(v["paper"], "withdrawal_ruling");
    let href = v["paper_href"].as_str().unwrap().to_owned();
    let (code, text) = w
        .call(&w.bank, Method::GET, &format!("{href}?format=text"), None)
        .await;
    assert_eq!(code, StatusCode::OK);
    let text = text.as_str().unwrap().to_owned();
    assert!(
        text.contains("民事裁定书") && text.contains("准许原告"),
        "{text}"
    );
    assert!(
        text.contains("减半收取"),
        "the fee is halved for a withdrawal: {text}"
    );
    for (fmt, magic) in [("docx", &b"PK"[..]), ("pdf", &b"%PDF"[..])] {
        let req = Request::get(format!("{href}?format={fmt}"))
            .header(header::AUTHORIZATION, format!("Bearer {}", w.judge_a))
            .body(Body::empty())
            .unwrap();
        let a = common::send(&w.svc.router, req).await;
        assert_eq!(a.status, StatusCode::OK, "{fmt}: {}", a.text());
        assert!(a.body.starts_with(magic), "{fmt}");
    }
    // A withdrawn case is not decided on any more.
    let uri = format!("/api/v1/filings/{}/decision", w.filings[0]);
    let (code, v) = w
        .call(
            &w.judge_a,
            Method::POST,
            &uri,
            Some(json!({ "action": "approve" })),
        )
        .await;
    assert_eq!(
        (code, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("CASE_ENDED")),
        "{v}"
    );
    // Nothing follows a withdrawal.
    let (code, _) = w
        .act(&w.judge_a, 0, json!({ "type": "approved", "on": t }))
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_act_records_each_filing_on_its_own_inside_the_court() {
    let w = World::new().await;
    let t = today();
    w.approve(0).await;
    // Judge A names both filings: its own is served, court B's is not found.
    let (code, v) = w
        .call(
            &w.judge_a,
            Method::POST,
            "/api/v1/lifecycle/bulk",
            Some(json!({
                "filing_ids": w.filings,
                "event": { "type": "served", "on": t, "method": "electronic" }
            })),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    assert_eq!(
        (v["recorded"].as_u64(), v["not_found"].as_u64()),
        (Some(1), Some(1)),
        "{v}"
    );
    // Certifying every served filing now is refused for each, with the reason.
    let (_, v) = w
        .call(
            &w.judge_a,
            Method::POST,
            "/api/v1/lifecycle/bulk",
            Some(json!({ "stage": "served", "event": { "type": "effective", "on": t } })),
        )
        .await;
    assert_eq!(
        (v["recorded"].as_u64(), v["refused"].as_u64()),
        (Some(0), Some(1)),
        "{v}"
    );
    assert_eq!(v["results"][0]["code"], "too_early");
    // Court B's filing was never touched.
    assert_eq!(w.lifecycle(&w.judge_b, 1).await["stage"], "drafted");
}

/// A local receiver: records each request's headers and body, and answers 500 to the first
/// `fail_first` requests, 200 after.
async fn receiver(
    fail_first: usize,
) -> (
    String,
    Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
) {
    let seen: Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let got = Arc::clone(&seen);
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let got = Arc::clone(&got);
            async move {
                let mut g = got.lock().unwrap();
                g.push((headers, body));
                if g.len() <= fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_is_told_by_webhook_with_retries_and_a_signature() {
    let w = World::new().await;
    let t = today();
    let (url, seen) = receiver(2).await;
    let (code, hook) = w
        .call(
            &w.bank,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": url })),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{hook}");
    let secret = hook["secret"].as_str().unwrap().to_owned();
    // A second endpoint that never answers (nothing listens on that port).
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/hook", dead.local_addr().unwrap());
    drop(dead);
    let (code, _) = w
        .call(
            &w.bank,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": dead_url })),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    let (code, _) = w
        .call(
            &w.bank,
            Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": "ftp://x" })),
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    w.approve(0).await;
    let (code, v) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "served", "on": t, "method": "postal" }),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{v}");
    let sender = fincase::http::Sender::new(
        w.svc.store.clone(),
        fincase::http::SenderConfig {
            backoff_base: std::time::Duration::from_millis(1),
            max_attempts: 4,
            timeout: std::time::Duration::from_secs(5),
            lease: std::time::Duration::from_secs(60),
        },
    );
    for _ in 0..200 {
        sender.deliver_due().await.unwrap();
        let states = w.svc.store.deliveries_of(&w.filings[0]).await.unwrap();
        if states
            .iter()
            .all(|s| s.delivered_ms.is_some() || s.failed_ms.is_some())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let states = w.svc.store.deliveries_of(&w.filings[0]).await.unwrap();
    assert_eq!(
        states.len(),
        2,
        "one event (the seeded ones are not announced), two endpoints"
    );
    let delivered: Vec<_> = states.iter().filter(|s| s.delivered_ms.is_some()).collect();
    let failed: Vec<_> = states.iter().filter(|s| s.failed_ms.is_some()).collect();
    assert_eq!((delivered.len(), failed.len()), (1, 1), "{states:?}");
    assert_eq!(delivered[0].attempts, 3, "two 500s, then 200");
    assert_eq!(failed[0].attempts, 4, "given up after max_attempts");
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap()
            .starts_with("connection"),
        "{failed:?}"
    );

    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let id = |h: &axum::http::HeaderMap| h["fincase-event-id"].to_str().unwrap().to_owned();
    assert!(
        seen.iter().all(|(h, _)| id(h) == id(&seen[0].0)),
        "the same event id on every retry"
    );
    for (h, body) in seen.iter() {
        let ts: i64 = h["fincase-timestamp"].to_str().unwrap().parse().unwrap();
        assert_eq!(
            h["fincase-signature"].to_str().unwrap(),
            fincase::http::signature(&secret, ts, body)
        );
        // An independent check of the HMAC with the hmac crate.
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{ts}.{body}").as_bytes());
        let hex = h["fincase-signature"]
            .to_str()
            .unwrap()
            .trim_start_matches("sha256=");
        mac.verify_slice(&hex_decode(hex)).unwrap();
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            (v["event"]["type"].as_str(), v["stage"].as_str()),
            (Some("served"), Some("served"))
        );
        assert_eq!(v["filing_id"], w.filings[0]);
    }
    // The bank lists its endpoints without their secrets; another bank's token sees none.
    let (_, list) = w.call(&w.bank, Method::GET, "/api/v1/webhooks", None).await;
    assert_eq!(list["webhooks"].as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&secret));
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_objection_ends_a_payment_order_and_the_case_is_drafted_again_as_a_lawsuit() {
    // A generated application for a payment order that the rules grant as one.
    let cfg = fincase::rules::RulesConfig::default();
    let order = (0..200)
        .map(|i| fincase::fixtures::generate_one(SEED, i).unwrap())
        .find(|f| {
            f.gold.facts.payment_order_requested
                && fincase::pipeline::process_filing("x.pdf", &f.pdf, &cfg)
                    .output()
                    .draft_kind
                    .as_deref()
                    == Some("payment_order")
        })
        .expect("a payment order among the first 200 generated filings");
    let svc = common::Service::new(ServiceConfig::default()).await;
    let store = svc.store.clone();
    let court = common::court(&store, order.gold.facts.court.as_deref().unwrap()).await;
    let ops = Actor::system();
    let bank = issue_token_as(&store, "bank-a", Role::Bank, "bank-a", None, &ops)
        .await
        .unwrap();
    let judge = issue_token_as(
        &store,
        "court-a",
        Role::Judge,
        "court-a",
        Some(&court),
        &ops,
    )
    .await
    .unwrap();
    let a = common::upload(&svc.router, &bank, &[("po.pdf", &order.pdf)]).await;
    let id = a.json()["filed"][0]["filing_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let worker = Worker::new(store.clone(), Arc::new(cfg.clone()), WorkerConfig::new("w"));
    while worker.step().await.unwrap() != Step::Idle {}
    let w = World {
        svc,
        bank,
        judge_a: judge.clone(),
        judge_b: judge,
        filings: vec![id.clone()],
    };
    let t = today();
    w.approve(0).await;
    for event in [
        json!({ "type": "served", "on": t, "method": "electronic" }),
        json!({ "type": "objection_filed", "on": t }),
    ] {
        let (code, v) = w.act(&w.judge_a, 0, event).await;
        assert_eq!(code, StatusCode::OK, "{v}");
    }
    let (code, v) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "objection_upheld", "on": t }),
        )
        .await;
    assert_eq!(
        (code, v["paper"].as_str()),
        (StatusCode::OK, Some("termination_ruling")),
        "{v}"
    );
    let href = v["paper_href"].as_str().unwrap().to_owned();
    let (_, ruling) = w
        .call(&w.bank, Method::GET, &format!("{href}?format=text"), None)
        .await;
    let ruling = ruling.as_str().unwrap().to_owned();
    assert!(
        ruling.contains("终结本案督促程序") && ruling.contains("申请费"),
        "{ruling}"
    );

    let (code, v) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "converted_to_litigation", "on": t }),
        )
        .await;
    assert_eq!(
        (code, v["stage"].as_str()),
        (StatusCode::OK, Some("drafted")),
        "{v}"
    );
    // The filing is back in review with a judgment draft, its earlier drafts kept as versions.
    let view = w
        .svc
        .store
        .filing_view(&fincase::domain::FilingId::new(id.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.review_state, None);
    assert_ne!(
        view.draft_kind.as_deref(),
        Some("payment_order"),
        "{:?}",
        view.draft_kind
    );
    let (_, draft) = w
        .call(
            &w.judge_a,
            Method::GET,
            &format!("/api/v1/filings/{id}/draft?format=text"),
            None,
        )
        .await;
    assert!(!draft.as_str().unwrap().contains("支付令"), "{draft}");
    let versions = w
        .svc
        .store
        .draft_versions(&fincase::domain::FilingId::new(id.as_str()))
        .await
        .unwrap();
    assert!(
        versions.iter().any(|v| v.stage == "litigation"),
        "{versions:?}"
    );
    // The judge decides on the new draft as on any other; the lifecycle follows.
    w.approve(0).await;
    let v = w.lifecycle(&w.judge_a, 0).await;
    assert_eq!(
        (v["stage"].as_str(), v["document"].as_str()),
        (Some("approved"), Some("民事判决书")),
        "{v}"
    );
    // And the case goes on from there: the decision joins the stored machine at the next act
    // (regression: the record's decision was once folded onto a new machine and refused).
    let (code, v) = w
        .act(
            &w.judge_a,
            0,
            json!({ "type": "served", "on": t, "method": "electronic" }),
        )
        .await;
    assert_eq!(
        (code, v["stage"].as_str()),
        (StatusCode::OK, Some("served")),
        "{v}"
    );
    let stages: Vec<String> = w.lifecycle(&w.judge_a, 0).await["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["stage_after"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        stages[stages.len() - 2..],
        ["approved", "served"],
        "{stages:?}"
    );
}

/// The store's side on both backends (PostgreSQL when `DATABASE_URL` is set): acts seeded from
/// the record, a write computed from a stale version refused, stage selection, papers, the
/// webhook registry and an empty outbox for command-line filings (no organisation).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_store_on_every_backend() {
    use fincase::domain::{BatchId, FilingId};
    use fincase::pipeline::lifecycle::{ActResult, act, court_today, plan};
    use fincase::store::{BatchFiling, BatchRecord, FilingScope, LifecycleWritten, ReviewAction};
    let f = fincase::fixtures::generate_one(SEED, 0).unwrap();
    let cfg = fincase::rules::RulesConfig::default();
    let out = fincase::pipeline::process_filing("f.pdf", &f.pdf, &cfg).output();
    common::on_every_backend(async |db| {
        let store = &db.store;
        let court = common::court(store, out.court_name.as_deref().unwrap()).await;
        let batch = BatchId::from("b".to_owned());
        store
            .begin_batch(&BatchRecord {
                id: batch.clone(),
                input: "t".into(),
                started_at: "2026-12-08T00:00:00Z".into(),
                summary_json: None,
            })
            .await
            .unwrap();
        let ids: Vec<FilingId> = (0..3).map(|i| FilingId::from(format!("lc-{i}"))).collect();
        let rows: Vec<BatchFiling> = ids
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
        for id in &ids[..2] {
            store
                .decide(id, &court, ReviewAction::Approve, None, &Actor::system())
                .await
                .unwrap();
        }
        let today = court_today();
        let scope = FilingScope::Court(court.clone());
        let served = fincase::lifecycle::Event::Served {
            on: today,
            method: fincase::lifecycle::ServiceMethod::Postal,
            party: None,
            abroad: false,
        };
        // A write planned from the record, then stored twice: the second is stale.
        let rec = store
            .lifecycle_record(&ids[0], &scope)
            .await
            .unwrap()
            .unwrap();
        let cal = fincase::lifecycle::Calendar::shipped();
        let (w, _) = plan(&rec, &served, today, cal, &cfg).unwrap();
        let got = store
            .record_lifecycle(&[w.clone(), w], &Actor::system())
            .await
            .unwrap();
        assert_eq!(
            got,
            [LifecycleWritten::Recorded, LifecycleWritten::Conflict]
        );
        // A bulk act over all three: one already served, one served now, one not signed.
        let r = act(store, &ids, &scope, &served, &Actor::system(), today, &cfg)
            .await
            .unwrap();
        let codes: Vec<String> = r
            .iter()
            .map(|(_, r)| match r {
                ActResult::Recorded { stage, .. } => stage.as_str().to_owned(),
                ActResult::Refused { code, .. } => format!("{code:?}"),
                ActResult::NotFound => "not found".to_owned(),
            })
            .collect();
        assert_eq!(codes, ["WrongStage", "served", "WrongStage"], "{r:?}");
        let at = store.filings_at_stage(&court, "served", 10).await.unwrap();
        assert_eq!(at, ids[..2].to_vec());
        let events = store.lifecycle_events(&ids[0]).await.unwrap();
        let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["drafted", "approved", "served"]);
        // The undecided one is withdrawn: its ruling is stored with the event.
        let withdrawn = fincase::lifecycle::Event::Withdrawn {
            on: today,
            reason: "和解".to_owned(),
        };
        let r = act(
            store,
            &ids[2..],
            &scope,
            &withdrawn,
            &Actor::system(),
            today,
            &cfg,
        )
        .await
        .unwrap();
        let ActResult::Recorded { seq, .. } = r[0].1 else {
            panic!("{r:?}")
        };
        let paper = store.lifecycle_paper(&ids[2], seq).await.unwrap().unwrap();
        assert_eq!(paper.kind, "withdrawal_ruling");
        assert!(paper.text.contains("准许原告"));
        let counts = store.lifecycle_stage_counts(&scope).await.unwrap();
        assert!(
            counts.contains(&(Some("served".to_owned()), 2)),
            "{counts:?}"
        );
        // Command-line filings belong to no organisation: nothing to announce.
        store
            .create_webhook(
                "h1",
                "bank-a",
                "http://127.0.0.1:9/hook",
                "s",
                &Actor::system(),
            )
            .await
            .unwrap();
        assert_eq!(store.webhooks(Some("bank-a")).await.unwrap().len(), 1);
        assert!(
            store
                .claim_deliveries(i64::MAX / 2, 1_000, 10)
                .await
                .unwrap()
                .is_empty()
        );
    })
    .await;
}
