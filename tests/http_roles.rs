//! Roles and tenancy at the HTTP boundary: EVERY route is tried with EVERY kind of caller (a
//! bank on its own and on another organisation's records, a judge of the filing's court and of
//! another court, an analyst, an admin, no token, a forged token) against one table of expected
//! statuses. The routes are read from the source (`.route("…", get(…).post(…))` anywhere under
//! `src/http/`), so a route added without a line in [`EXPECTED`] fails this test.
//!
//! The rule the table follows (`src/http/auth.rs`): 401 without a known token; 403 when the role
//! may never do this; 404 when the record is outside the caller's tenancy (as for an id that
//! does not exist).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use fincase::domain::{CourtId, FilingId, FilingStatus};
use fincase::http::{ServiceConfig, issue_token, issue_token_as};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::store::{Actor, Role, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const SEED: u64 = 5151;

/// The callers, in the column order of [`EXPECTED`].
const CALLERS: [&str; 8] = [
    "bank_own",
    "bank_other",
    "judge_own",
    "judge_other",
    "analyst",
    "admin",
    "no_token",
    "bad_token",
];

/// (method, route as registered, expected status per caller in [`CALLERS`] order).
/// `{batch}` and `{filing}` are bank A's batch and filing, assigned to judge A's court.
/// Route-specific notes: the decision is sent without a reason (an authorised judge gets 400
/// `REASON_REQUIRED`: authorisation passed, validation did not); search has no index in this
/// router (an authorised caller gets 503 `SEARCH_UNAVAILABLE`), nor an archive (similar cases:
/// 503 `SIMILAR_UNAVAILABLE`); `/ui/archive/{id}` asks for a case the archive does not hold.
const EXPECTED: &[(&str, &str, [u16; 8])] = &[
    ("GET", "/healthz", [200, 200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/readyz", [200, 200, 200, 200, 200, 200, 200, 200]),
    (
        "GET",
        "/api/v1/openapi.json",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    ("GET", "/docs", [200, 200, 200, 200, 200, 200, 200, 200]),
    (
        "GET",
        "/docs/swagger-ui.css",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/docs/swagger-ui-bundle.js",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/docs/swagger-initializer.js",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    ("GET", "/metrics", [403, 403, 403, 403, 403, 200, 401, 401]),
    (
        "POST",
        "/api/v1/batches",
        [202, 202, 403, 403, 403, 403, 401, 401],
    ),
    (
        "GET",
        "/api/v1/batches/{id}",
        [200, 404, 403, 403, 403, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/filings",
        [200, 200, 200, 200, 200, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/filings/{id}",
        [200, 404, 200, 404, 200, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/filings/{id}/draft",
        [200, 404, 200, 404, 403, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/filings/{id}/similar",
        [503, 404, 503, 404, 503, 503, 401, 401],
    ),
    (
        "POST",
        "/api/v1/filings/{id}/decision",
        [403, 403, 400, 404, 403, 403, 401, 401],
    ),
    // The lifecycle (src/http/lifecycle.rs): the authorised judge's empty body answers 400;
    // the filing has no paper yet (404 for everyone who may read papers).
    (
        "GET",
        "/api/v1/filings/{id}/lifecycle",
        [200, 404, 200, 404, 403, 200, 401, 401],
    ),
    (
        "POST",
        "/api/v1/filings/{id}/lifecycle",
        [403, 403, 400, 404, 403, 403, 401, 401],
    ),
    (
        "GET",
        "/api/v1/filings/{id}/papers/{seq}",
        [404, 404, 404, 404, 403, 404, 401, 401],
    ),
    (
        "POST",
        "/api/v1/lifecycle/bulk",
        [403, 403, 400, 400, 403, 403, 401, 401],
    ),
    // Webhooks: a bank registers its own (the test's body is empty: 400 for a bank).
    (
        "POST",
        "/api/v1/webhooks",
        [400, 400, 403, 403, 403, 403, 401, 401],
    ),
    (
        "GET",
        "/api/v1/webhooks",
        [200, 200, 403, 403, 403, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/search",
        [503, 503, 503, 503, 403, 503, 401, 401],
    ),
    (
        "POST",
        "/api/v1/tokens",
        [403, 403, 403, 403, 403, 201, 401, 401],
    ),
    (
        "GET",
        "/api/v1/courts",
        [403, 403, 403, 403, 403, 200, 401, 401],
    ),
    (
        "POST",
        "/api/v1/courts",
        [403, 403, 403, 403, 403, 201, 401, 401],
    ),
    (
        "GET",
        "/api/v1/stats",
        [403, 403, 403, 403, 200, 200, 401, 401],
    ),
    (
        "GET",
        "/api/v1/audit",
        [403, 403, 403, 403, 403, 200, 401, 401],
    ),
    // The judges' review screens (src/http/ui/): a judge's Bearer token or session cookie; no
    // credential → 303 to the login page; any other role → 403; another court's filing → 404.
    // Bodies are empty here: the forms answer 400 (login: 403, its form token is missing).
    ("GET", "/ui", [403, 403, 200, 200, 403, 403, 303, 401]),
    ("GET", "/ui/login", [200, 200, 200, 200, 200, 200, 200, 200]),
    (
        "POST",
        "/ui/login",
        [403, 403, 403, 403, 403, 403, 403, 403],
    ),
    (
        "POST",
        "/ui/logout",
        [403, 403, 303, 303, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/groups",
        [403, 403, 200, 200, 403, 403, 303, 401],
    ),
    (
        "POST",
        "/ui/groups/approve",
        [403, 403, 400, 400, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}",
        [403, 403, 200, 404, 403, 403, 303, 401],
    ),
    (
        "POST",
        "/ui/filings/{id}/facts",
        [403, 403, 400, 400, 403, 403, 303, 401],
    ),
    (
        "POST",
        "/ui/filings/{id}/decision",
        [403, 403, 400, 404, 403, 403, 303, 401],
    ),
    (
        "POST",
        "/ui/filings/{id}/lifecycle",
        [403, 403, 400, 404, 403, 403, 303, 401],
    ),
    (
        "POST",
        "/ui/lifecycle/bulk",
        [403, 403, 400, 400, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}/papers/{seq}",
        [403, 403, 404, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/archive/{id}",
        [403, 403, 404, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}/draft.html",
        [403, 403, 200, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}/original.pdf",
        [403, 403, 200, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}/approved.docx",
        [403, 403, 409, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/filings/{id}/approved.pdf",
        [403, 403, 409, 404, 403, 403, 303, 401],
    ),
    (
        "GET",
        "/ui/assets/ui.css",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
    (
        "GET",
        "/ui/assets/ui.js",
        [200, 200, 200, 200, 200, 200, 200, 200],
    ),
];

mod common;

/// Every `(METHOD, path)` registered with `.route(` under `src/http/` (test modules excluded).
fn registered_routes() -> BTreeSet<(String, String)> {
    common::registered_routes()
        .into_iter()
        .map(|(m, path)| (m.to_uppercase(), path))
        .collect()
}

#[test]
fn every_registered_route_is_in_the_table() {
    let registered = registered_routes();
    let table: BTreeSet<(String, String)> = EXPECTED
        .iter()
        .map(|(m, r, _)| (m.to_string(), r.to_string()))
        .collect();
    assert!(
        registered.len() >= 15,
        "parser found too few: {registered:?}"
    );
    let missing: Vec<_> = registered.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes without a line in EXPECTED (add one per method): {missing:?}"
    );
    let stale: Vec<_> = table.difference(&registered).collect();
    assert!(
        stale.is_empty(),
        "EXPECTED lists routes that do not exist: {stale:?}"
    );
}

struct World {
    svc: common::Service,
    tokens: BTreeMap<&'static str, String>,
    batch: String,
    filing: String,
    court_a: CourtId,
    uploads: std::sync::atomic::AtomicUsize,
    courts_made: std::sync::atomic::AtomicUsize,
}

fn pdf(i: usize) -> fincase::fixtures::GeneratedFiling {
    fincase::fixtures::generate_one(SEED, i).unwrap()
}

async fn run_workers(store: &Store) {
    let worker = Worker::new(
        store.clone(),
        Arc::new(fincase::rules::RulesConfig::default()),
        WorkerConfig::new("roles-worker"),
    );
    while worker.step().await.unwrap() != Step::Idle {}
}

impl World {
    async fn new() -> World {
        let svc = common::Service::new(ServiceConfig::default()).await;
        let store = svc.store.clone();
        let admin = issue_token(&store, "ops", Role::Admin, "ops")
            .await
            .unwrap();
        let ops = Actor::system();
        let f = pdf(0);
        let court_a = common::court(&store, f.gold.facts.court.as_deref().unwrap()).await;
        let court_b = common::court(&store, "某某市测试区人民法院").await;
        let mut tokens = BTreeMap::new();
        let t = |org: &'static str, role, court: Option<&CourtId>| {
            let (store, ops) = (store.clone(), ops.clone());
            let court = court.cloned();
            async move {
                issue_token_as(&store, org, role, org, court.as_ref(), &ops)
                    .await
                    .unwrap()
            }
        };
        tokens.insert("bank_own", t("bank-a", Role::Bank, None).await);
        tokens.insert("bank_other", t("bank-b", Role::Bank, None).await);
        tokens.insert("judge_own", t("court-a", Role::Judge, Some(&court_a)).await);
        tokens.insert(
            "judge_other",
            t("court-b", Role::Judge, Some(&court_b)).await,
        );
        tokens.insert("analyst", t("data", Role::Analyst, None).await);
        tokens.insert("admin", admin);
        tokens.insert("bad_token", "fc_forged".to_owned());
        let mut w = World {
            svc,
            tokens,
            batch: String::new(),
            filing: String::new(),
            court_a,
            uploads: 100.into(),
            courts_made: 0.into(),
        };
        let (code, body) = w.upload("bank_own", &f.pdf).await;
        assert_eq!(code, StatusCode::ACCEPTED, "{body}");
        w.batch = body["batch_id"].as_str().unwrap().to_owned();
        w.filing = body["filed"][0]["filing_id"].as_str().unwrap().to_owned();
        run_workers(&w.svc.store).await;
        let v = w
            .svc
            .store
            .filing_view(&FilingId::new(w.filing.as_str()))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            v.record.status,
            FilingStatus::Drafted,
            "{:?}",
            v.record.reason
        );
        assert_eq!(v.court_id.as_ref(), Some(&w.court_a));
        w
    }

    async fn send(
        &self,
        caller: &str,
        method: Method,
        uri: &str,
        body: Body,
        ct: Option<String>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = self.tokens.get(caller) {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let a = common::send(&self.svc.router, req.body(body).unwrap()).await;
        (a.status, a.json())
    }

    async fn upload(&self, caller: &str, pdf: &[u8]) -> (StatusCode, Value) {
        let (ct, body) = common::multipart(&[("files", "a.pdf", pdf)]);
        self.send(
            caller,
            Method::POST,
            "/api/v1/batches",
            Body::from(body),
            Some(ct),
        )
        .await
    }

    /// One request of `route` by `caller`, with a body fit for the route.
    async fn call(&self, caller: &str, method: &str, route: &str) -> (StatusCode, Value) {
        let uri = route
            .replace("/batches/{id}", &format!("/batches/{}", self.batch))
            .replace("/filings/{id}", &format!("/filings/{}", self.filing))
            .replace("{seq}", "1");
        let json = |v: Value| {
            (
                Body::from(v.to_string()),
                Some("application/json".to_owned()),
            )
        };
        let (body, ct) = match (method, route) {
            ("POST", "/api/v1/batches") => {
                let i = self
                    .uploads
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                return self.upload(caller, &pdf(i).pdf).await;
            }
            ("POST", "/api/v1/filings/{id}/decision") => {
                json(serde_json::json!({ "action": "reject" }))
            }
            ("POST", "/api/v1/tokens") => {
                json(serde_json::json!({ "org": "bank-z", "role": "bank" }))
            }
            ("POST", "/api/v1/courts") => {
                let n = self
                    .courts_made
                    .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                json(serde_json::json!({ "name": format!("某某市第{n}测试区人民法院") }))
            }
            ("GET", "/api/v1/search") => {
                let uri = format!("{uri}?q=loan");
                return self
                    .send(caller, Method::GET, &uri, Body::empty(), None)
                    .await;
            }
            _ => (Body::empty(), None),
        };
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        self.send(caller, method, &uri, body, ct).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_with_every_role() {
    let w = World::new().await;
    let mut wrong = Vec::new();
    for (method, route, want) in EXPECTED {
        for (caller, want) in CALLERS.iter().zip(want) {
            let (got, body) = w.call(caller, method, route).await;
            if got.as_u16() != *want {
                wrong.push(format!(
                    "{method} {route} as {caller}: {got}, expected {want}: {body}"
                ));
            }
            // A denial always says why, with a stable code.
            // The review screens answer HTML pages for people, not API errors.
            if got.is_client_error() && !route.starts_with("/docs") && !route.starts_with("/ui") {
                assert!(
                    body["error"]["code"].is_string(),
                    "{method} {route} {caller}: {body}"
                );
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // Unknown ids answer exactly as other tenants' records do.
    let unknown = "/api/v1/filings/00000000-0000-4000-8000-000000000000";
    for caller in ["bank_own", "judge_own", "admin", "analyst"] {
        let (code, body) = w.call(caller, "GET", unknown).await;
        assert_eq!(
            (code, body["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
        );
    }
    let (code, _) = w
        .call(
            "analyst",
            "GET",
            "/api/v1/batches/00000000-0000-4000-8000-000000000000",
        )
        .await;
    assert_eq!(
        code,
        StatusCode::FORBIDDEN,
        "a role that may never read batches learns nothing"
    );
    // Unknown routes: 404 for everyone.
    for caller in CALLERS {
        assert_eq!(
            w.call(caller, "GET", "/api/v1/nope").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_masking_decisions_and_unassigned_filings() {
    let w = World::new().await;
    let get = |caller: &'static str, uri: String| {
        let w = &w;
        async move { w.send(caller, Method::GET, &uri, Body::empty(), None).await }
    };
    let listed = |v: &Value| -> Vec<String> {
        v["filings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["filing_id"].as_str().unwrap().to_owned())
            .collect()
    };
    for (caller, sees) in [
        ("bank_own", true),
        ("bank_other", false),
        ("judge_own", true),
        ("judge_other", false),
        ("analyst", true),
        ("admin", true),
    ] {
        let (code, body) = get(caller, "/api/v1/filings".into()).await;
        assert_eq!(code, StatusCode::OK);
        assert_eq!(listed(&body).contains(&w.filing), sees, "{caller}: {body}");
        if caller == "analyst" {
            assert!(body["filings"][0].get("name").is_none(), "{body}");
        }
    }

    // The analyst's filing: masked facts, no names of people, no provenance, outcome or draft.
    let gold = pdf(0).gold.facts;
    let (code, body) = get("analyst", format!("/api/v1/filings/{}", w.filing)).await;
    assert_eq!(code, StatusCode::OK);
    let text = body.to_string();
    for d in &gold.defendants {
        assert!(!text.contains(&d.name), "{} leaked: {text}", d.name);
    }
    for a in &gold.defendant_domiciles {
        assert!(!text.contains(a.as_str()), "{a} leaked: {text}");
    }
    for k in [
        "name",
        "provenance",
        "outcome",
        "draft",
        "sha256",
        "reference",
        "batch_id",
    ] {
        assert!(body.get(k).is_none(), "{k}: {text}");
    }
    assert!(body["facts"]["defendants"].is_array() && body["findings"].is_array());
    let (code, stats) = get("analyst", "/api/v1/stats".into()).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(stats["total"], 1);
    assert_eq!(stats["by_status"]["drafted"], 1);
    assert_eq!(stats["by_review_state"]["pending"], 1);

    // The judge decides: a reason is needed to reject or return; approve once.
    let uri = format!("/api/v1/filings/{}/decision", w.filing);
    let decide = |caller: &'static str, body: Value| {
        let (w, uri) = (&w, uri.clone());
        async move {
            w.send(
                caller,
                Method::POST,
                &uri,
                Body::from(body.to_string()),
                Some("application/json".into()),
            )
            .await
        }
    };
    let (code, body) = decide(
        "judge_own",
        serde_json::json!({ "action": "return_to_bank", "reason": " " }),
    )
    .await;
    assert_eq!(
        (code, body["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("REASON_REQUIRED"))
    );
    let (code, body) = decide("judge_own", serde_json::json!({ "action": "sign" })).await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{body}");
    let (code, body) = decide(
        "judge_own",
        serde_json::json!({ "action": "return_to_bank", "reason": "借款合同缺页" }),
    )
    .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["review_state"], "returned_to_bank");
    let (code, body) = decide("judge_own", serde_json::json!({ "action": "approve" })).await;
    assert_eq!(
        (code, body["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("ALREADY_DECIDED"))
    );
    // The bank sees the decision and its reason.
    let (_, body) = get("bank_own", format!("/api/v1/filings/{}", w.filing)).await;
    assert_eq!(body["review"]["state"], "returned_to_bank");
    assert_eq!(body["review"]["reason"], "借款合同缺页");
    let (_, stats) = get("admin", "/api/v1/stats".into()).await;
    assert_eq!(stats["by_review_state"]["returned_to_bank"], 1);

    // A filing addressed to a court that is not configured belongs to no court: its bank and
    // admins see it, no judge does, and there is nothing for a judge to decide.
    let other = (1..40)
        .map(pdf)
        .find(|f| {
            f.gold.facts.court != pdf(0).gold.facts.court
                && f.gold.facts.court.as_deref() != Some("某某市测试区人民法院")
        })
        .unwrap();
    let (code, up) = w.upload("bank_own", &other.pdf).await;
    assert_eq!(code, StatusCode::ACCEPTED);
    let id = up["filed"][0]["filing_id"].as_str().unwrap().to_owned();
    run_workers(&w.svc.store).await;
    let v = w
        .svc
        .store
        .filing_view(&FilingId::new(id.as_str()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v.court_id, None, "{:?}", v.court_name);
    for (caller, want) in [
        ("bank_own", StatusCode::OK),
        ("admin", StatusCode::OK),
        ("judge_own", StatusCode::NOT_FOUND),
        ("judge_other", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(
            get(caller, format!("/api/v1/filings/{id}")).await.0,
            want,
            "{caller}"
        );
    }
    let (code, _) = w
        .send(
            "judge_own",
            Method::POST,
            &format!("/api/v1/filings/{id}/decision"),
            Body::from(r#"{"action":"approve"}"#),
            Some("application/json".into()),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    // Token rules: a judge needs an existing court; other roles take none.
    let admin_post = |body: Value| {
        let w = &w;
        async move {
            w.send(
                "admin",
                Method::POST,
                "/api/v1/tokens",
                Body::from(body.to_string()),
                Some("application/json".into()),
            )
            .await
        }
    };
    let (code, body) = admin_post(serde_json::json!({ "role": "judge", "org": "x" })).await;
    assert_eq!(body["error"]["code"], "COURT_REQUIRED", "{code}");
    let (_, body) = admin_post(serde_json::json!({ "role": "judge", "court_id": "nope" })).await;
    assert_eq!(body["error"]["code"], "UNKNOWN_COURT");
    let (_, body) =
        admin_post(serde_json::json!({ "role": "bank", "org": "b", "court_id": w.court_a })).await;
    assert_eq!(body["error"]["code"], "COURT_NOT_ALLOWED");
    let (code, body) = admin_post(
        serde_json::json!({ "role": "judge", "court_id": w.court_a, "label": "审判员乙" }),
    )
    .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    assert_eq!(body["court_id"], w.court_a.as_str());

    // The audit log (admin) pages through what happened, decisions included.
    let (code, page) = get("admin", "/api/v1/audit?limit=5".into()).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(page["entries"].as_array().unwrap().len(), 5);
    assert_eq!(page["next_after"], 5);
    let (_, all) = get("admin", "/api/v1/audit?limit=1000".into()).await;
    assert!(
        all["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "decision.return_to_bank")
    );
}
