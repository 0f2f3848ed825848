//! The HTTP boundary: the router driven through `tower::ServiceExt::oneshot` (no socket).
//! Uploads generated filings, lets the in-process workers process them, polls the batch, and
//! checks the facts the API returns against the generator's gold; hostile uploads each get a
//! clear 4xx with a stable code and a reason, and leave nothing behind; tenancy and roles.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use fincase::domain::CaseFacts;
use fincase::http::{Limits, ServiceConfig, issue_token, spawn_workers};
use fincase::store::Role;
use serde_json::Value;
use std::sync::Arc;

const SEED: u64 = 4242;

mod common;

struct App {
    svc: common::Service,
    bank_a: String,
    bank_b: String,
    admin: String,
}

impl std::ops::Deref for App {
    type Target = common::Service;
    fn deref(&self) -> &common::Service {
        &self.svc
    }
}

async fn app() -> App {
    let svc = common::Service::new(ServiceConfig {
        limits: Limits {
            max_file_bytes: 2 << 20,
            max_batch_bytes: 16 << 20,
            max_files: 50,
            max_zip_entries: 60,
            max_uncompressed_bytes: 32 << 20,
            ..Limits::default()
        },
        ..ServiceConfig::default()
    })
    .await;
    let store = &svc.store;
    let bank_a = issue_token(store, "bank-a", Role::Bank, "a").await.unwrap();
    let bank_b = issue_token(store, "bank-b", Role::Bank, "b").await.unwrap();
    let admin = issue_token(store, "court", Role::Admin, "ops")
        .await
        .unwrap();
    App {
        svc,
        bank_a,
        bank_b,
        admin,
    }
}

/// One multipart part: form field name, file name, bytes.
type Part<'a> = (&'a str, &'a str, &'a [u8]);

use common::{multipart, zip_of};

impl App {
    async fn send(&self, req: Request<Body>) -> (StatusCode, Value) {
        let a = common::send(&self.router, req).await;
        assert!(a.headers.contains_key("x-request-id"));
        (a.status, a.json_or_text())
    }

    async fn get(&self, token: Option<&str>, uri: &str) -> (StatusCode, Value) {
        let mut req = Request::get(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    async fn upload(&self, token: &str, parts: &[Part<'_>]) -> (StatusCode, Value) {
        let (ct, body) = multipart(parts);
        let req = Request::post("/api/v1/batches")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// An upload that must be refused whole: `status`, `code`, a reason, and nothing stored.
    async fn check_rejected(&self, parts: &[Part<'_>], status: StatusCode, code: &str) {
        let before = self.store.queue_counts(None).await.unwrap();
        let (got, body) = self.upload(&self.bank_a, parts).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(body["error"]["code"], code, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.len() > 5),
            "{body}"
        );
        assert_eq!(self.store.queue_counts(None).await.unwrap(), before);
        let uploads = self.index.join("uploads");
        let left = std::fs::read_dir(&uploads).map_or(0, |d| d.count());
        assert_eq!(left, 0, "staging folder left behind");
    }
}

fn pdf(i: usize) -> fincase::fixtures::GeneratedFiling {
    fincase::fixtures::generate_one(SEED, i).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_process_and_fetch_facts_against_gold() {
    let app = app().await;
    let filings: Vec<_> = (0..4).map(pdf).collect();
    let names: Vec<String> = filings.iter().map(|f| format!("{}.pdf", f.id)).collect();
    let manifest = format!("file,reference\n{},BANK-REF-0\n", names[0]);
    let mut parts: Vec<Part<'_>> = filings
        .iter()
        .zip(&names)
        .map(|(f, n)| ("files", n.as_str(), f.pdf.as_slice()))
        .collect();
    parts.push(("manifest", "manifest.csv", manifest.as_bytes()));
    let (status, body) = app.upload(&app.bank_a, &parts).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let batch_id = body["batch_id"].as_str().unwrap().to_owned();
    assert_eq!(body["filed"].as_array().unwrap().len(), 4);
    assert_eq!(body["filed"][0]["reference"], "BANK-REF-0");

    // Nothing processes until workers run: all queued.
    let (_, st) = app
        .get(Some(&app.bank_a), &format!("/api/v1/batches/{batch_id}"))
        .await;
    assert_eq!(st["counts"]["queued"], 4, "{st}");
    assert_eq!(st["finished"], false);

    let (tx, rx) = tokio::sync::watch::channel(false);
    let workers = spawn_workers(
        &app.store,
        Arc::new(fincase::rules::RulesConfig::default()),
        &fincase::http::WorkersConfig::default(),
        2,
        &rx,
    );
    let mut status = Value::Null;
    for _ in 0..600 {
        let (code, st) = app
            .get(Some(&app.bank_a), &format!("/api/v1/batches/{batch_id}"))
            .await;
        assert_eq!(code, StatusCode::OK);
        if st["finished"] == true {
            status = st;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    tx.send(true).unwrap();
    for w in workers {
        w.await.unwrap();
    }
    assert_eq!(status["total"], 4, "batch never finished: {status}");

    let (mut agree, mut fields) = (0, 0);
    for line in status["filings"].as_array().unwrap() {
        let id = line["filing_id"].as_str().unwrap();
        let (code, f) = app
            .get(Some(&app.bank_a), &format!("/api/v1/filings/{id}"))
            .await;
        assert_eq!(code, StatusCode::OK, "{f}");
        let gold = &filings[names.iter().position(|n| *n == f["name"]).unwrap()].gold;
        let facts: CaseFacts = serde_json::from_value(f["facts"].clone()).unwrap();
        for (_, ok) in fincase::eval::field_agreement(&facts, &gold.facts) {
            fields += 1;
            agree += usize::from(ok);
        }
        assert!(f["findings"].is_array() && f["outcome"].is_object(), "{f}");
        if f["status"] == "drafted" {
            let url = f["draft"]["html_url"].as_str().unwrap();
            let (code, html) = app.get(Some(&app.bank_a), url).await;
            assert_eq!(code, StatusCode::OK);
            assert!(html.as_str().is_some_and(|h| h.contains("<html")), "{html}");
        } else {
            assert!(line["reason"].is_string(), "{line}");
        }
        let view = app.store.filing_view(&id.into()).await.unwrap().unwrap();
        assert_eq!(view.processed_count, 1, "processed exactly once");
    }
    assert!(
        agree * 100 >= fields * 95,
        "{agree}/{fields} fields agree with gold"
    );

    // The same PDF again, from the same bank: a duplicate, not filed twice.
    let (status, body) = app
        .upload(&app.bank_a, &[("files", "again.pdf", &filings[1].pdf)])
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["filed"].as_array().unwrap().len(), 0);
    assert_eq!(body["duplicates"][0]["batch_id"], batch_id.as_str());
    let (_, again) = app
        .get(Some(&app.bank_a), body["status_url"].as_str().unwrap())
        .await;
    assert_eq!(again["duplicates"][0]["name"], "again.pdf");
    // Another bank filing the same PDF is its own filing.
    let (status, body) = app
        .upload(&app.bank_b, &[("files", "same.pdf", &filings[1].pdf)])
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(body["filed"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn zip_upload_with_manifest_inside() {
    let app = app().await;
    let (a, b) = (pdf(0), pdf(1));
    let zip = zip_of(&[
        ("批次/a.pdf", &a.pdf, true),
        ("批次/b.pdf", &b.pdf, false),
        ("__MACOSX/批次/._a.pdf", b"junk", false),
        (
            "manifest.csv",
            b"file,reference\na.pdf,R-A\nb.pdf,R-B\n",
            true,
        ),
    ]);
    let (status, body) = app
        .upload(&app.bank_a, &[("files", "batch.zip", &zip)])
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["filed"].as_array().unwrap().len(), 2);
    assert_eq!(body["filed"][0]["name"], "批次/a.pdf");
    assert_eq!(body["filed"][1]["reference"], "R-B");
    assert_eq!(body["skipped"][0], "__MACOSX/批次/._a.pdf");
    assert_eq!(app.store.queue_counts(None).await.unwrap().queued, 2);
}

#[tokio::test]
async fn hostile_uploads_are_refused_whole_with_a_reason() {
    let app = app().await;
    let good = pdf(0).pdf;
    let g = good.as_slice();
    app.check_rejected(
        &[(
            "files",
            "batch.zip",
            &zip_of(&[("ok.pdf", g, true), ("../../etc/evil.pdf", g, true)]),
        )],
        StatusCode::BAD_REQUEST,
        "ENTRY_UNSAFE_PATH",
    )
    .await;
    app.check_rejected(
        &[(
            "files",
            "batch.zip",
            &zip_of(&[("ok.pdf", g, true), ("inner.zip", b"PK\x03\x04", false)]),
        )],
        StatusCode::BAD_REQUEST,
        "NESTED_ARCHIVE",
    )
    .await;
    app.check_rejected(
        &[(
            "files",
            "batch.zip",
            &zip_of(&[("bomb.pdf", &vec![b'0'; 3 << 20][..], true)]),
        )],
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
    )
    .await;
    let mut ratio = b"%PDF-1.7\n".to_vec();
    ratio.resize(1 << 20, b' ');
    app.check_rejected(
        &[("files", "batch.zip", &zip_of(&[("bomb.pdf", &ratio, true)]))],
        StatusCode::UNPROCESSABLE_ENTITY,
        "ENTRY_COMPRESSION_RATIO",
    )
    .await;
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize((2 << 20) + 1, b'x');
    app.check_rejected(
        &[("files", "a.pdf", g), ("files", "big.pdf", &big)],
        StatusCode::PAYLOAD_TOO_LARGE,
        "FILE_TOO_LARGE",
    )
    .await;
    app.check_rejected(
        &[
            ("files", "a.pdf", g),
            ("files", "letter.pdf", b"Dear court, ..."),
        ],
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "NOT_A_PDF",
    )
    .await;
    app.check_rejected(
        &[(
            "files",
            "batch.zip",
            &zip_of(&[("ok.pdf", g, true), ("notes.docx", b"PK", true)]),
        )],
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "NOT_A_PDF",
    )
    .await;
    app.check_rejected(
        &[("files", "empty.pdf", b"")],
        StatusCode::BAD_REQUEST,
        "FILE_EMPTY",
    )
    .await;
    app.check_rejected(
        &[
            ("files", "a.pdf", g),
            (
                "manifest",
                "manifest.csv",
                b"file,reference\nmissing.pdf,R\n",
            ),
        ],
        StatusCode::UNPROCESSABLE_ENTITY,
        "MANIFEST_INVALID",
    )
    .await;
    app.check_rejected(
        &[
            ("files", "a.pdf", g),
            ("manifest", "manifest.csv", b"name;ref\n"),
        ],
        StatusCode::UNPROCESSABLE_ENTITY,
        "MANIFEST_INVALID",
    )
    .await;
    app.check_rejected(&[], StatusCode::BAD_REQUEST, "BATCH_EMPTY")
        .await;
    app.check_rejected(
        &[("files", "b.zip", b"not a zip at all")],
        StatusCode::BAD_REQUEST,
        "ARCHIVE_UNREADABLE",
    )
    .await;
    app.check_rejected(
        &[("files", "..\\x.pdf", g)],
        StatusCode::BAD_REQUEST,
        "ENTRY_UNSAFE_PATH",
    )
    .await;
    // Not multipart at all.
    let req = Request::post("/api/v1/batches")
        .header(header::AUTHORIZATION, format!("Bearer {}", app.bank_a))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let (status, body) = app.send(req).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::BAD_REQUEST, &Value::from("BAD_MULTIPART"))
    );
    // And after all that, a good upload still goes through.
    let (status, _) = app.upload(&app.bank_a, &[("files", "a.pdf", g)]).await;
    assert_eq!(status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn tokens_roles_and_tenancy() {
    let app = app().await;
    let (status, body) = app
        .upload(&app.bank_a, &[("files", "a.pdf", &pdf(2).pdf)])
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let batch = format!("/api/v1/batches/{}", body["batch_id"].as_str().unwrap());
    let filing = format!(
        "/api/v1/filings/{}",
        body["filed"][0]["filing_id"].as_str().unwrap()
    );

    for uri in [&batch, &filing] {
        assert_eq!(app.get(Some(&app.bank_a), uri).await.0, StatusCode::OK);
        // Another bank cannot tell it exists.
        let (code, body) = app.get(Some(&app.bank_b), uri).await;
        assert_eq!(
            (code, &body["error"]["code"]),
            (StatusCode::NOT_FOUND, &Value::from("NOT_FOUND"))
        );
        assert_eq!(app.get(Some(&app.admin), uri).await.0, StatusCode::OK);
        assert_eq!(app.get(None, uri).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(
            app.get(Some("fc_forged"), uri).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.get(
            Some(&app.bank_a),
            "/api/v1/batches/00000000-0000-4000-8000-000000000000"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Only banks submit; only admins issue tokens.
    let (code, _) = app
        .upload(&app.admin, &[("files", "a.pdf", &pdf(3).pdf)])
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
    let token_req = |t: &str| {
        Request::post("/api/v1/tokens")
            .header(header::AUTHORIZATION, format!("Bearer {t}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"org":"bank-c","role":"bank","label":"c"}"#))
            .unwrap()
    };
    assert_eq!(
        app.send(token_req(&app.bank_a)).await.0,
        StatusCode::FORBIDDEN
    );
    let (code, body) = app.send(token_req(&app.admin)).await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    let bank_c = body["token"].as_str().unwrap();
    assert_eq!(app.get(Some(bank_c), &batch).await.0, StatusCode::NOT_FOUND);
    // Stored hashed: the token itself is nowhere in the database.
    assert!(app.store.token(bank_c).await.unwrap().is_none());
    assert!(
        app.store
            .token(&fincase::http::hash_token(bank_c))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn health_readiness_and_unknown_routes() {
    let app = app().await;
    assert_eq!(
        app.get(None, "/healthz").await,
        (StatusCode::OK, Value::from("ok"))
    );
    let (code, body) = app.get(None, "/readyz").await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(body["backend"], "sqlite");
    assert_eq!(body["queue"]["queued"], 0);
    let (code, body) = app.get(None, "/api/v1/nope").await;
    assert_eq!(
        (code, &body["error"]["code"]),
        (StatusCode::NOT_FOUND, &Value::from("NOT_FOUND"))
    );
}

/// A GET with a bearer token.
fn get_as(path: &str, token: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// What `GET /api/v1/filings/{id}` shows of a filing, less what names the record itself (id,
/// batch, organisation, reference): what a judge reads.
fn as_shown(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        for k in ["filing_id", "batch_id", "reference", "draft"] {
            o.remove(k);
        }
    }
    v
}

/// One pipeline: a batch the command line recorded (`fincase process`, as `fincase demo` does)
/// reads through the service on the same index exactly as the service's own filings do. The
/// stats by case type and finding equal the batch summary's counts, creating a court assigns
/// the filings that address it, search hits come with snippets, and the same PDF submitted
/// through the API and processed by a worker shows the same facts, findings, outcome and draft.
#[test]
fn a_command_line_batch_reads_as_the_services_own_filings() {
    const COUNT: usize = 24;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let home = tmp.path().join("index");
    fincase::fixtures::write_batch(&input, SEED, COUNT).unwrap();
    let mut opts = fincase::pipeline::ProcessOptions::new(&out, &home);
    opts.progress = false;
    let summary = fincase::pipeline::process_batch(&input, &opts).unwrap();
    assert_eq!(summary.total, COUNT);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(summary.gold_files, COUNT, "the gold files are recognised");
    let written: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let golds: Vec<fincase::fixtures::Gold> = (0..COUNT)
        .map(|i| {
            let p = input.join(format!("f{SEED}-{i:05}.gold.json"));
            serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
        })
        .collect();

    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use fincase::http::{AppState, issue_token_as, router, spawn_follower};
        use fincase::store::{Actor, Store};
        let store = Store::open_sqlite(&home.join("cases.db")).await.unwrap();
        let (stop, rx) = tokio::sync::watch::channel(false);
        let (index, follower) =
            spawn_follower(&store, &home, std::time::Duration::from_millis(50), &rx).unwrap();
        let state =
            AppState::new(store.clone(), &home, ServiceConfig::default()).with_search(index);
        let app = router(state);
        let admin = issue_token(&store, "ops", Role::Admin, "ops")
            .await
            .unwrap();

        // The aggregates count what the batch counted.
        let stats = common::send(&app, get_as("/api/v1/stats", &admin))
            .await
            .json();
        assert_eq!(stats["total"], written["total"]);
        assert_eq!(stats["by_status"], written["by_status"]);
        assert_eq!(stats["by_case_type"], written["by_case_type"], "{stats}");
        assert_eq!(stats["by_finding"], written["by_flag"], "{stats}");
        assert!(
            stats["by_case_type"].get("unknown").is_none(),
            "every generated filing has a case type: {stats}"
        );

        // Creating the court most filings address assigns them; its judge sees them.
        let mut by_court: std::collections::BTreeMap<String, usize> = Default::default();
        for g in &golds {
            *by_court.entry(g.facts.court.clone().unwrap()).or_default() += 1;
        }
        let (court_name, addressed) = by_court.iter().max_by_key(|(_, n)| **n).unwrap();
        let made = common::send(
            &app,
            Request::post("/api/v1/courts")
                .header(header::AUTHORIZATION, format!("Bearer {admin}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    serde_json::json!({ "name": court_name }).to_string(),
                ))
                .unwrap(),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
        let court = fincase::domain::CourtId::new(made.json()["id"].as_str().unwrap());
        let judge = issue_token_as(
            &store,
            "court",
            Role::Judge,
            "王法官",
            Some(&court),
            &Actor::system(),
        )
        .await
        .unwrap();
        let listed = common::send(&app, get_as("/api/v1/filings?limit=1000", &judge))
            .await
            .json();
        let listed = listed["filings"].as_array().unwrap();
        assert_eq!(
            listed.len(),
            *addressed,
            "the judge sees the court's filings"
        );

        // Search: a defendant of a drafted filing is found, with a snippet.
        let drafted = golds
            .iter()
            .position(|g| g.expected_flags.is_empty())
            .unwrap();
        let name = golds[drafted].facts.defendants[0].name.clone();
        let q = percent_encoding::utf8_percent_encode(&name, percent_encoding::NON_ALPHANUMERIC);
        let hits = common::send(&app, get_as(&format!("/api/v1/search?q={q}"), &admin))
            .await
            .json();
        let hits = hits["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{name}: no hit");
        for h in hits {
            assert!(
                h["snippet_html"]
                    .as_str()
                    .is_some_and(|s| s.contains("<b>")),
                "an empty snippet: {h}"
            );
        }

        // The same PDF through the API and a worker reads the same.
        let bank = issue_token(&store, "bank-a", Role::Bank, "bank-a")
            .await
            .unwrap();
        let file = format!("f{SEED}-{drafted:05}.pdf");
        let bytes = std::fs::read(input.join(&file)).unwrap();
        let up = common::upload(&app, &bank, &[(file.as_str(), bytes.as_slice())]).await;
        assert_eq!(up.status, StatusCode::ACCEPTED, "{}", up.text());
        let worker = fincase::jobs::Worker::new(
            store.clone(),
            Arc::new(fincase::rules::RulesConfig::default()),
            fincase::jobs::WorkerConfig::new("w"),
        );
        while worker.step().await.unwrap() != fincase::jobs::Step::Idle {}
        let served = up.json()["filed"][0]["filing_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let cli = fincase::domain::FilingId::of_bytes(&bytes);
        let show = |id: String| {
            let app = app.clone();
            let admin = admin.clone();
            async move {
                common::send(&app, get_as(&format!("/api/v1/filings/{id}"), &admin))
                    .await
                    .json()
            }
        };
        let (a, b) = (show(cli.to_string()).await, show(served).await);
        assert_eq!(a["status"], "drafted");
        // The dossier (智能编目) is stored with the facts: the complaint first, then the other
        // documents, their page ranges following each other from page 1 without a gap (how well
        // the types are told apart is measured in tests/extract_generalise.rs).
        let dossier = a["dossier"].as_array().unwrap();
        assert_eq!(dossier[0]["kind"], "complaint", "{dossier:?}");
        let mut next = 1;
        for e in dossier {
            assert_eq!(e["first_page"], next, "{dossier:?}");
            next = e["last_page"].as_u64().unwrap() + 1;
        }
        assert!(next > 2, "more than one page catalogued: {dossier:?}");
        assert_eq!(as_shown(&a), as_shown(&b));
        assert_eq!(a["draft"]["kind"], b["draft"]["kind"]);
        let text = |v: &Value| {
            let url = v["draft"]["text_url"].as_str().unwrap().to_owned();
            let app = app.clone();
            let admin = admin.clone();
            async move { common::send(&app, get_as(&url, &admin)).await.text() }
        };
        let (ta, tb) = (text(&a).await, text(&b).await);
        assert!(!ta.is_empty());
        assert_eq!(ta, tb, "the same draft");

        let _ = stop.send(true);
        let _ = follower.await;
        store.close().await;
    });
}
