//! The judges' review screens (`/ui`), end to end.
//!
//! `review_in_headless_chromium` drives Debian's `chromium` through `chromedriver`'s W3C
//! WebDriver HTTP protocol with a tiny client over `std::net::TcpStream` + serde_json (no extra
//! crates): log in with a judge's token, open the oldest case, edit the principal and see the
//! suggested outcome change, approve with the `a` key, and find the audit entries; a bank's
//! token cannot log in. It skips (printing why) when chromium or chromedriver is missing,
//! unless `CI=true`, where it fails. `FINCASE_UI_SCREENSHOTS=<dir>` saves the queue and case
//! screens as PNG (how `docs/ui-*.png` were made).
//!
//! The other tests need no browser: roles (a bank token gets 403, another court's judge 404),
//! cookies and CSRF, alike-case group approval (one decision and audit entry per filing), draft
//! versions and the approved DOCX/PDF, through the router with `oneshot`.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use fincase::http::{ServiceConfig, issue_token_as};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::store::{Actor, Role};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEED: u64 = 7311;

/// A processed batch of one bank, all of one court, with tokens.
struct World {
    svc: common::Service,
    judge: String,
    other_judge: String,
    bank: String,
    filings: Vec<String>,
    /// The standard generator's PDF of the scenario (other banks file it again in the group test).
    standard_pdf: Vec<u8>,
}

mod common;

async fn world(n: usize) -> World {
    let svc = common::Service::new(ServiceConfig::default()).await;
    let store = svc.store.clone();
    // Alike cases: one scenario (court, plaintiff, loan) written by the standard generator and
    // by each template family (other wording and layout, the same facts), as a bank files
    // similar cases in bulk.
    // A scenario without scanned pages (those wait for OCR, with no draft to review).
    let i = (0..100)
        .find(|&i| {
            let c = fincase::fixtures::compose(SEED, i);
            c.image_pages.is_empty() && c.gold.expected_flags.is_empty()
        })
        .unwrap();
    let first = fincase::fixtures::generate_one(SEED, i).unwrap();
    let court_name = first.gold.facts.court.clone().unwrap();
    let standard_pdf = first.pdf.clone();
    let mut files = vec![(format!("{}.pdf", first.id), first.pdf)];
    for fam in fincase::fixtures::styles::Family::ALL {
        let (f, pdf, _) = fincase::fixtures::styles::generate_family(SEED, i, fam).unwrap();
        if f.composed.gold.facts.court.as_deref() == Some(court_name.as_str()) {
            files.push((
                format!("{}.pdf", fincase::fixtures::styles::family_id(SEED, i, fam)),
                pdf,
            ));
        }
    }
    files.truncate(n);
    let ops = Actor::system();
    let court = common::court(&store, &court_name).await;
    let other = common::court(&store, "某某市测试区人民法院").await;
    let judge = issue_token_as(&store, "court-a", Role::Judge, "王法官", Some(&court), &ops)
        .await
        .unwrap();
    let other_judge = issue_token_as(&store, "court-b", Role::Judge, "李法官", Some(&other), &ops)
        .await
        .unwrap();
    let bank = issue_token_as(&store, "bank-a", Role::Bank, "bank-a", None, &ops)
        .await
        .unwrap();
    let up = common::upload(&svc.router, &bank, &files).await;
    assert_eq!(up.status, StatusCode::ACCEPTED);
    let worker = Worker::new(
        store.clone(),
        Arc::new(fincase::rules::RulesConfig::default()),
        WorkerConfig::new("ui-worker"),
    );
    while worker.step().await.unwrap() != Step::Idle {}
    let mut filings = Vec::new();
    for f in store
        .list_filings(&fincase::store::FilingScope::Court(court.clone()), "", 1000)
        .await
        .unwrap()
    {
        if f.status == "drafted" {
            filings.push((f.name, f.id));
        }
    }
    let all = store
        .list_filings(&fincase::store::FilingScope::All, "", 1000)
        .await
        .unwrap();
    assert!(
        filings.len() >= 2,
        "too few drafted filings: {:?}",
        all.iter()
            .map(|f| (&f.name, &f.status, &f.court_id))
            .collect::<Vec<_>>()
    );
    // The standard generator's filing first (a fixed one for the edit tests), then the others.
    filings.sort_by_key(|(name, _)| (!name.starts_with('f'), name.clone()));
    let filings: Vec<String> = filings.into_iter().map(|(_, id)| id).collect();
    World {
        svc,
        judge,
        other_judge,
        bank,
        filings,
        standard_pdf,
    }
}

/// An answer through the router: status, headers, body text.
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl std::ops::Deref for World {
    type Target = common::Service;
    fn deref(&self) -> &common::Service {
        &self.svc
    }
}

impl World {
    /// A page of a session (`cookie`).
    async fn page(&self, cookie: &str, uri: &str) -> Answer {
        self.send(Method::GET, uri, None, Some(cookie), None).await
    }

    /// A form posted in a session (`cookie`).
    async fn post_form(&self, cookie: &str, uri: &str, form: &str) -> Answer {
        self.send(Method::POST, uri, None, Some(cookie), Some(form))
            .await
    }

    /// A page by Bearer token (`None`: without credentials).
    async fn get_as(&self, auth: Option<&str>, uri: &str) -> Answer {
        self.send(Method::GET, uri, auth, None, None).await
    }

    /// A form posted by Bearer token.
    async fn post_as(&self, auth: Option<&str>, uri: &str, form: &str) -> Answer {
        self.send(Method::POST, uri, auth, None, Some(form)).await
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        auth: Option<&str>,
        cookie: Option<&str>,
        form: Option<&str>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = auth {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        let body = match form {
            Some(f) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f.to_owned())
            }
            None => Body::empty(),
        };
        let a = common::send(&self.router, req.body(body).unwrap()).await;
        Answer {
            body: a.text(),
            status: a.status,
            headers: a.headers,
        }
    }

    /// Logs in through the form; returns the session cookie (`fc_session=…`) and its form token.
    async fn login(&self, token: &str) -> Result<(String, String), Answer> {
        let page = self.send(Method::GET, "/ui/login", None, None, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let login_cookie = set_cookie(&page.headers, "fc_login").unwrap();
        let csrf = hidden(&page.body, "csrf").unwrap();
        let form = format!("csrf={csrf}&token={token}");
        let a = self.post_form(&login_cookie, "/ui/login", &form).await;
        if a.status != StatusCode::SEE_OTHER {
            return Err(a);
        }
        let cookie = set_cookie(&a.headers, "fc_session").unwrap();
        let queue = self.page(&cookie, "/ui").await;
        assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
        let csrf = hidden(&queue.body, "csrf").unwrap();
        Ok((cookie, csrf))
    }

    async fn actions_on(&self, id: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
        self.store
            .audit_of(id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.actor, e.before_json, e.after_json))
            .collect()
    }
}

/// `name=value` of a `Set-Cookie` for `name`, with its attributes checked (`HttpOnly`,
/// `SameSite=Strict`, `Path=/ui`).
fn set_cookie(h: &axum::http::HeaderMap, name: &str) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| cookie::Cookie::parse(v).ok())
        .find(|c| c.name() == name)
        .map(|c| {
            assert_eq!(c.http_only(), Some(true), "{c}");
            assert_eq!(c.same_site(), Some(cookie::SameSite::Strict), "{c}");
            assert_eq!(c.path(), Some("/ui"), "{c}");
            c.stripped().to_string()
        })
}

/// The value of the first hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn roles_cookies_and_csrf() {
    let rt = rt();
    rt.block_on(async {
        let w = world(3).await;
        let id = &w.filings[0];
        // No credential: to the login page. A bank's token: 403, by Bearer or at the login form.
        let a = w.send(Method::GET, "/ui", None, None, None).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(a.headers[header::LOCATION], "/ui/login");
        let a = w.get_as(Some(&w.bank), &format!("/ui/filings/{id}")).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        assert!(a.body.contains("仅供法官使用"), "{}", a.body);
        let denied = w
            .login(&w.bank)
            .await
            .expect_err("a bank token must not log in");
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
        assert!(set_cookie(&denied.headers, "fc_session").is_none());
        // The login form needs its double-submit token.
        let a = w
            .send(
                Method::POST,
                "/ui/login",
                None,
                None,
                Some(&format!("csrf=x&token={}", w.judge)),
            )
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        // Another court's judge: 404 as for a filing that does not exist.
        let a = w
            .get_as(Some(&w.other_judge), &format!("/ui/filings/{id}"))
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        let a = w
            .get_as(
                Some(&w.other_judge),
                &format!("/ui/filings/{id}/original.pdf"),
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);

        // A judge's session: pages carry a CSP, POSTs need the session's form token.
        let (cookie, csrf) = w.login(&w.judge).await.map_err(|a| a.body).unwrap();
        let page = w.page(&cookie, &format!("/ui/filings/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(
            page.body.contains("<mark id=\"hl\">"),
            "the principal's source span is highlighted"
        );
        let forged = w
            .post_form(
                &cookie,
                &format!("/ui/filings/{id}/decision"),
                "csrf=forged&action=approve",
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let none = w
            .post_form(
                &cookie,
                &format!("/ui/filings/{id}/decision"),
                "action=approve",
            )
            .await;
        assert_eq!(none.status, StatusCode::FORBIDDEN);
        assert!(
            !w.actions_on(id)
                .await
                .iter()
                .any(|a| a.0.starts_with("decision."))
        );
        // A reason is required to return a filing to the bank.
        let a = w
            .post_form(
                &cookie,
                &format!("/ui/filings/{id}/decision"),
                &format!("csrf={csrf}&action=return_to_bank&reason=+"),
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let a = w
            .post_form(
                &cookie,
                &format!("/ui/filings/{id}/decision"),
                &format!(
                    "csrf={csrf}&action=return_to_bank&reason=%E5%90%88%E5%90%8C%E7%BC%BA%E9%A1%B5"
                ),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let v = w.store.filing_view(id).await.unwrap().unwrap();
        assert_eq!(v.review_state.as_deref(), Some("returned_to_bank"));
        assert_eq!(v.review_reason.as_deref(), Some("合同缺页"));
        let acts = w.actions_on(id).await;
        let d = acts
            .iter()
            .find(|a| a.0 == "decision.return_to_bank")
            .unwrap();
        assert!(d.1.starts_with("judge:court-a:王法官#"), "{}", d.1);
        // Decided: no more edits.
        let a = w
            .post_form(
                &cookie,
                &format!("/ui/filings/{id}/facts"),
                &format!("csrf={csrf}&field=claims.principal&value=1000"),
            )
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);
        // Not approved: no approved document to download.
        let a = w
            .page(&cookie, &format!("/ui/filings/{id}/approved.docx"))
            .await;
        assert_eq!(a.status, StatusCode::CONFLICT);

        // Logout ends the session (and needs the form token too).
        let a = w
            .post_form(&cookie, "/ui/logout", &format!("csrf={csrf}"))
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        let a = w.page(&cookie, "/ui").await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        let acts: Vec<String> = w
            .store
            .audit_entries(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(acts.contains(&"ui.login".to_owned()) && acts.contains(&"ui.logout".to_owned()));
    });
}

#[test]
fn edit_versions_downloads_and_group_approval() {
    let rt = rt();
    rt.block_on(async {
        let w = world(6).await;
        let j = Some(w.judge.as_str());
        let id = &w.filings[0];
        let before: fincase::rules::Outcome = serde_json::from_str(
            &w.store
                .filing_view(id)
                .await
                .unwrap()
                .unwrap()
                .record
                .outcome_json
                .unwrap(),
        )
        .unwrap();
        let principal = before
            .award(fincase::rules::AwardItem::Principal)
            .unwrap()
            .claimed
            .unwrap();
        let lower = fincase::domain::Yuan::from_fen(principal.fen() / 2);
        // A bad value is refused with a reason; nothing is stored.
        let a = w
            .post_as(
                j,
                &format!("/ui/filings/{id}/facts"),
                "field=claims.principal&value=12abc",
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert!(a.body.contains("不是有效的"), "{}", a.body);
        assert!(w.store.draft_versions(id).await.unwrap().is_empty());
        // Halving the principal: the rules and the draft run again.
        let a = w
            .post_as(
                j,
                &format!("/ui/filings/{id}/facts"),
                &format!("field=claims.principal&value={lower}"),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let after_view = w.store.filing_view(id).await.unwrap().unwrap();
        let after: fincase::rules::Outcome =
            serde_json::from_str(after_view.record.outcome_json.as_deref().unwrap()).unwrap();
        assert_eq!(
            after
                .award(fincase::rules::AwardItem::Principal)
                .unwrap()
                .claimed,
            Some(lower)
        );
        assert!(after.total_awarded() < before.total_awarded());
        let (_, html, _) = w.store.draft_of(id).await.unwrap().unwrap();
        assert!(
            html.contains(&lower.grouped()),
            "the draft names the edited principal"
        );
        let versions = w.store.draft_versions(id).await.unwrap();
        let stages: Vec<&str> = versions.iter().map(|v| v.stage.as_str()).collect();
        assert_eq!(stages, ["ai", "edited"]);
        let page = w.get_as(j, &format!("/ui/filings/{id}")).await;
        assert!(page.body.contains("最近一次修改的影响") && page.body.contains(&lower.grouped()));
        let acts = w.actions_on(id).await;
        let edit = acts.iter().find(|a| a.0 == "review.fact_edited").unwrap();
        let b: Value = serde_json::from_str(edit.2.as_deref().unwrap()).unwrap();
        let a: Value = serde_json::from_str(edit.3.as_deref().unwrap()).unwrap();
        assert_eq!(b["value"], json!(principal.to_string()));
        assert_eq!(a["value"], json!(lower.to_string()));
        assert_eq!(
            a["outcome"]["total_awarded"],
            json!(after.total_awarded().to_string())
        );
        let entry = w
            .store
            .audit_of(id)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.action == "review.fact_edited")
            .unwrap();
        let vers: Value = serde_json::from_str(entry.versions_json.as_deref().unwrap()).unwrap();
        assert!(
            vers["rules"].is_string() && vers["template"].is_string() && vers["model"].is_string()
        );

        // Approve (Bearer: no form token needed) → approved version, DOCX and PDF.
        let a = w
            .post_as(j, &format!("/ui/filings/{id}/decision"), "action=approve")
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        let stages: Vec<String> = w
            .store
            .draft_versions(id)
            .await
            .unwrap()
            .into_iter()
            .map(|v| v.stage)
            .collect();
        assert_eq!(stages, ["ai", "edited", "approved"]);
        let docx = w
            .get_as(j, &format!("/ui/filings/{id}/approved.docx"))
            .await;
        assert_eq!(docx.status, StatusCode::OK);
        assert!(
            docx.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains(".docx")
        );
        let pdf = w.get_as(j, &format!("/ui/filings/{id}/approved.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let a = w
            .get_as(
                Some(&w.other_judge),
                &format!("/ui/filings/{id}/approved.pdf"),
            )
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);

        // The queue: counts per state; the approved filing has left the pending list.
        let q = w.get_as(j, "/ui").await;
        assert!(q.body.contains("id=\"count-approved\">1<"), "{}", q.body);
        assert!(!q.body.contains(&format!("data-id=\"{id}\"")));
        let q = w.get_as(j, "/ui?status=all&min=1&max=2").await;
        assert!(
            q.body.contains("id=\"shown\">0<"),
            "an amount range excludes every filing"
        );

        // Alike cases: two more banks file the same scenario; the group of the pending alike
        // filings is approved at once.
        for org in ["bank-b", "bank-c"] {
            let t = issue_token_as(&w.store, org, Role::Bank, org, None, &Actor::system())
                .await
                .unwrap();
            let up = common::upload(&w.router, &t, &[("copy.pdf", &w.standard_pdf)]).await;
            assert_eq!(up.status, StatusCode::ACCEPTED);
        }
        let worker = Worker::new(
            w.store.clone(),
            Arc::new(fincase::rules::RulesConfig::default()),
            WorkerConfig::new("ui-worker-2"),
        );
        while worker.step().await.unwrap() != Step::Idle {}
        let g = w.get_as(j, "/ui/groups").await;
        assert_eq!(g.status, StatusCode::OK);
        let group = hidden(&g.body, "group")
            .unwrap_or_else(|| panic!("no group of alike cases: {}", g.body));
        let ids = hidden(&g.body, "ids").unwrap();
        let members: Vec<&str> = ids.split(',').collect();
        assert!(members.len() >= 2 && !members.contains(&id.as_str()));
        assert!(g.body.contains("首件") && g.body.contains("中位数"));
        let a = w
            .post_as(j, "/ui/groups/approve", &format!("group={group}&ids={ids}"))
            .await;
        assert_eq!(
            a.status,
            StatusCode::BAD_REQUEST,
            "the sample must be marked as reviewed"
        );
        let a = w
            .post_as(
                j,
                "/ui/groups/approve",
                &format!("group={group}&ids={ids}&reviewed=1"),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER);
        assert_eq!(
            a.headers[header::LOCATION],
            format!("/ui/groups?done={}", members.len())
        );
        for m in members {
            let acts = w.actions_on(m).await;
            assert_eq!(
                acts.iter().filter(|a| a.0 == "decision.approve").count(),
                1,
                "{m}"
            );
        }
        assert!(matches!(
            w.store.verify_audit().await.unwrap(),
            fincase::store::AuditVerification::Intact { .. }
        ));
    });
}

// ---------------------------------------------------------------- WebDriver

/// A W3C WebDriver session on a local chromedriver.
struct Wd {
    port: u16,
    session: String,
}

/// One HTTP/1.1 exchange with chromedriver (`Connection: close`; chunked bodies decoded).
fn wd_http(port: u16, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).ok();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    )
    .map_err(|e| e.to_string())?;
    // chromedriver keeps the connection open: read the head, then Content-Length bytes (or
    // chunks up to the last one).
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let split = loop {
        if let Some(p) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed before the head".into());
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let mut body = raw[split + 4..].to_vec();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked =
        head.contains("transfer-encoding: chunked") || head.contains("transfer-encoding:chunked");
    loop {
        let done = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = s.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if chunked && length.is_none() {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or("bad chunk")?;
            let n = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16)
                .map_err(|e| e.to_string())?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + n]);
            rest = &rest[eol + 2 + n + 2..];
        }
        body = out;
    }
    let v: Value = serde_json::from_slice(&body)
        .map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&body)))?;
    if v["value"]["error"].is_string() {
        return Err(format!("{method} {path}: {}", v["value"]));
    }
    Ok(v["value"].clone())
}

impl Wd {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        wd_http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        )
        .unwrap()
    }
    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }
    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("find {css}: {v}"))
            .to_owned()
    }
    fn exists(&self, css: &str) -> bool {
        let v = self.cmd(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_array().is_some_and(|a| !a.is_empty())
    }
    /// The text of `css`, retried while the page is being replaced (a stale element).
    fn text(&self, css: &str) -> String {
        let t = Instant::now();
        loop {
            let got = wd_http(
                self.port,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(&json!({ "using": "css selector", "value": css })),
            )
            .and_then(|v| {
                let e = v["element-6066-11e4-a52e-4f735466cecf"]
                    .as_str()
                    .ok_or_else(|| format!("find {css}: {v}"))?
                    .to_owned();
                wd_http(
                    self.port,
                    "GET",
                    &format!("/session/{}/element/{e}/text", self.session),
                    None,
                )
            });
            match got {
                Ok(v) => return v.as_str().unwrap_or("").to_owned(),
                Err(e) if t.elapsed() > Duration::from_secs(10) => panic!("{e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
    fn click(&self, css: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }
    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.cmd("POST", &format!("/element/{e}/clear"), Some(json!({})));
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }
    fn key(&self, k: &str) {
        self.cmd(
            "POST",
            "/actions",
            Some(
                json!({ "actions": [{ "type": "key", "id": "kb", "actions": [
                    { "type": "keyDown", "value": k }, { "type": "keyUp", "value": k }
                ]}]}),
            ),
        );
        self.cmd("DELETE", "/actions", None);
    }
    fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
    /// Waits (≤ 10 s) until `css` is on the page.
    fn wait_for(&self, css: &str) {
        let t = Instant::now();
        while !self.exists(css) {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "{css} never appeared on {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        std::fs::write(path, base64_decode(b64.as_str().unwrap())).unwrap();
    }
}

impl Drop for Wd {
    fn drop(&mut self) {
        let _ = wd_http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
        );
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= u32::from(val(*c)) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}

fn on_path(names: &[&str]) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| names.iter().map(move |n| d.join(n)))
        .find(|p| p.is_file())
}

/// chromedriver on a free port, with its process (killed on drop).
struct Driver {
    child: std::process::Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_browser() -> Option<(Driver, Wd)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let browser = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = on_path(&["chromedriver"]);
    let (Some(browser), Some(driver)) = (browser, driver) else {
        assert!(
            !ci,
            "CI=true but chromium or chromedriver is missing (.ci/run installs them)"
        );
        eprintln!(
            "SKIPPED review_in_headless_chromium: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let d = Driver { child };
    let t = Instant::now();
    while wd_http(port, "GET", "/status", None).map(|v| v["ready"] == json!(true)) != Ok(true) {
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let caps = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": browser.to_string_lossy(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,1000", "--lang=zh-CN", "--force-device-scale-factor=1"]
        }
    }}});
    let v = wd_http(port, "POST", "/session", Some(&caps)).unwrap();
    let session = v["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("new session: {v}"))
        .to_owned();
    Some((d, Wd { port, session }))
}

#[test]
fn review_in_headless_chromium() {
    let rt = rt();
    let w = rt.block_on(world(4));
    let Some((_driver, wd)) = start_browser() else {
        return;
    };
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = w.router.clone();
    rt.spawn(async move { axum::serve(listener, app).await });
    let shots = std::env::var_os("FINCASE_UI_SCREENSHOTS").map(std::path::PathBuf::from);

    // A bank's token cannot open the judges' pages.
    wd.go(&format!("{base}/ui"));
    wd.wait_for("#login-form");
    wd.type_into("#token", &w.bank);
    wd.click("#login-button");
    wd.wait_for("#error-message");
    assert!(wd.text("#error-message").contains("仅供法官使用"));
    wd.go(&format!("{base}/ui"));
    wd.wait_for("#login-form");

    // The judge logs in and sees the queue, oldest first.
    wd.type_into("#token", &w.judge);
    wd.click("#login-button");
    wd.wait_for("#queue");
    let pending: usize = wd.text("#count-pending").parse().unwrap();
    assert_eq!(pending, w.filings.len());
    if let Some(dir) = &shots {
        wd.screenshot(&dir.join("ui-queue.png"));
    }
    // j selects the first row, Enter opens it.
    wd.key("j");
    wd.key("\u{E007}");
    wd.wait_for("#outcome-total");
    let id = wd.url().rsplit('/').next().unwrap().to_owned();
    assert!(w.filings.contains(&id), "{id}");
    assert!(
        wd.exists("mark#hl"),
        "the principal is highlighted in the page text"
    );
    let total_before = wd.text("#outcome-total");

    // Edit the principal: the outcome is recomputed and the change shown.
    let input = "input[data-field-input=\"claims.principal\"]";
    let e = wd.find(input);
    let old = wd
        .cmd("GET", &format!("/element/{e}/property/value"), None)
        .as_str()
        .unwrap()
        .to_owned();
    let old_y: fincase::domain::Yuan = old.parse().unwrap();
    let new_y = fincase::domain::Yuan::from_fen(old_y.fen() * 3 / 5);
    wd.type_into(input, &new_y.to_string());
    let form = format!("form.edit:has({input}) button");
    wd.click(&form);
    wd.wait_for("#changes");
    let total_after = wd.text("#outcome-total");
    assert_ne!(total_before, total_after, "the suggested outcome changed");
    assert!(wd.text("#changes").contains(&new_y.grouped()));
    if let Some(dir) = &shots {
        wd.screenshot(&dir.join("ui-case.png"));
    }

    // Approve with the keyboard.
    wd.key("a");
    let t = Instant::now();
    while !wd.text("#review-state").contains("已批准") {
        assert!(t.elapsed() < Duration::from_secs(10), "approval not shown");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(wd.exists("#download-docx") && wd.exists("#download-pdf"));

    // The audit log has the edit (before/after, versions) and the decision, by this judge.
    let entries = rt.block_on(w.store.audit_of(&id)).unwrap();
    let edit = entries
        .iter()
        .find(|e| e.action == "review.fact_edited")
        .expect("edit audited");
    let after: Value = serde_json::from_str(edit.after_json.as_deref().unwrap()).unwrap();
    assert_eq!(after["value"], json!(new_y.to_string()));
    assert!(edit.versions_json.as_deref().unwrap().contains("rules"));
    let approve = entries
        .iter()
        .find(|e| e.action == "decision.approve")
        .expect("approval audited");
    assert!(approve.actor.starts_with("judge:court-a:王法官#"));
    assert!(approve.seq > edit.seq);
    let v = rt.block_on(w.store.filing_view(&id)).unwrap().unwrap();
    assert_eq!(v.review_state.as_deref(), Some("approved"));
}
