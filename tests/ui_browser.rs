//! The judges' review screens (`/ui`), end to end.
//!
//! `review_in_headless_chromium` drives Debian's `chromium` through `chromedriver`'s W3C
//! WebDriver protocol with the `fantoccini` client (plain HTTP to 127.0.0.1): log in with a judge's token, open the oldest case, edit the principal and see the
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
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use fincase::domain::{FilingId, FilingStatus, ReviewState};
use fincase::http::{ServiceConfig, issue_token_as};
use fincase::jobs::{Step, Worker, WorkerConfig};
use fincase::store::{Actor, Role};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SEED: u64 = 7311;

/// A processed batch of one bank, all of one court, with tokens.
struct World {
    svc: common::Service,
    judge: String,
    other_judge: String,
    bank: String,
    filings: Vec<FilingId>,
    /// The judge's court, as the header names it.
    court_name: String,
    /// The standard generator's PDF of the scenario (other banks file it again in the group test).
    standard_pdf: Vec<u8>,
}

mod common;

async fn world(n: usize) -> World {
    let mut svc = common::Service::new(ServiceConfig::default()).await;
    let store = svc.store.clone();
    // The court's archive of decided cases (fictitious judgments), for the 类案推送 card.
    let archive = Arc::new(
        fincase::search::archive::ArchiveIndex::open(&fincase::search::archive::archive_dir(
            &svc.index,
        ))
        .unwrap(),
    );
    let decided = common::judgments::archived();
    store.archive_put(&decided).await.unwrap();
    archive
        .add_all(decided.iter().map(|c| (c.id.as_str(), c.facts.as_str())))
        .unwrap();
    let models = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let reranker = fincase::similar::Reranker::load_from(&models)
        .unwrap()
        .map(Arc::new);
    svc.state = svc.state.clone().with_archive(archive, reranker);
    svc.router = fincase::http::router(svc.state.clone());
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
        if f.status == FilingStatus::Drafted {
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
    let filings: Vec<FilingId> = filings.into_iter().map(|(_, id)| id).collect();
    World {
        svc,
        judge,
        other_judge,
        bank,
        filings,
        court_name,
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
            !w.actions_on(id.as_str())
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
        assert_eq!(v.review_state, Some(ReviewState::ReturnedToBank));
        assert_eq!(v.review_reason.as_deref(), Some("合同缺页"));
        let acts = w.actions_on(id.as_str()).await;
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
        let acts = w.actions_on(id.as_str()).await;
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
            .audit_of(id.as_str())
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

/// A W3C WebDriver session on a local chromedriver, through `fantoccini` (plain HTTP to
/// 127.0.0.1, no TLS). The test is synchronous: each command runs to completion on `rt`.
struct Wd<'a> {
    rt: &'a tokio::runtime::Runtime,
    client: Client,
}

impl Wd<'_> {
    fn run<T>(&self, f: impl Future<Output = Result<T, CmdError>>) -> T {
        self.rt
            .block_on(f)
            .unwrap_or_else(|e| panic!("webdriver: {e}"))
    }
    fn go(&self, url: &str) {
        self.run(self.client.goto(url));
    }
    fn find(&self, css: &str) -> Element {
        self.run(self.client.find(Locator::Css(css)))
    }
    fn exists(&self, css: &str) -> bool {
        !self.run(self.client.find_all(Locator::Css(css))).is_empty()
    }
    /// The text of `css`, retried while the page is being replaced (a stale element).
    fn text(&self, css: &str) -> String {
        let t = Instant::now();
        loop {
            let got = self
                .rt
                .block_on(async { self.client.find(Locator::Css(css)).await?.text().await });
            match got {
                Ok(v) => return v,
                Err(e) if t.elapsed() > Duration::from_secs(10) => panic!("{css}: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    }
    /// The DOM property `name` of the element `css` (an input's current `value`).
    fn prop(&self, css: &str, name: &str) -> String {
        let e = self.find(css);
        self.run(e.prop(name)).unwrap_or_default()
    }
    fn click(&self, css: &str) {
        let e = self.find(css);
        self.run(e.click());
    }
    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.run(e.clear());
        self.run(e.send_keys(text));
    }
    /// Presses and releases one key (a character, or a WebDriver code such as Enter `\u{E007}`).
    fn key(&self, k: char) {
        let keys = KeyActions::new("kb".into())
            .then(KeyAction::Down { value: k })
            .then(KeyAction::Up { value: k });
        self.run(self.client.perform_actions(keys));
        self.run(self.client.release_actions());
    }
    fn url(&self) -> String {
        self.run(self.client.current_url()).to_string()
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
    /// Saves a PNG of the window.
    fn screenshot(&self, path: &std::path::Path) {
        let png = self.run(self.client.screenshot());
        std::fs::write(path, png).unwrap();
    }
    /// Saves a PNG of one element.
    fn element_screenshot(&self, css: &str, path: &std::path::Path) {
        let e = self.find(css);
        let png = self.run(e.screenshot());
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Wd<'_> {
    fn drop(&mut self) {
        let _ = self.rt.block_on(self.client.clone().close());
    }
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

fn start_browser(rt: &tokio::runtime::Runtime) -> Option<(Driver, Wd<'_>)> {
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
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": browser.to_string_lossy(),
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1440,1000", "--lang=zh-CN", "--force-device-scale-factor=1"]
        }
    });
    let Value::Object(caps) = caps else {
        unreachable!("capabilities are an object")
    };
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(caps);
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver takes a moment to listen: retry the new session for up to 20 s.
    let t = Instant::now();
    let client = loop {
        match rt.block_on(builder.connect(&url)) {
            Ok(c) => break c,
            Err(e) if t.elapsed() > Duration::from_secs(20) => {
                panic!("chromedriver did not start: {e}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    Some((d, Wd { rt, client }))
}

#[test]
fn review_in_headless_chromium() {
    let rt = rt();
    let w = rt.block_on(world(4));
    let Some((_driver, wd)) = start_browser(&rt) else {
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
    // The header names the judge's court, not the token's organisation ("court-a").
    assert_eq!(wd.text("#who"), format!("{} · 王法官", w.court_name));
    if let Some(dir) = &shots {
        wd.screenshot(&dir.join("ui-queue.png"));
    }
    // j selects the first row, Enter opens it.
    wd.key('j');
    wd.key('\u{E007}');
    wd.wait_for("#outcome-total");
    let id = wd.url().rsplit('/').next().unwrap().to_owned();
    assert!(w.filings.contains(&FilingId::new(id.as_str())), "{id}");
    assert!(
        wd.exists("mark#hl"),
        "the principal is highlighted in the page text"
    );
    // 类案推送: what the archive's most similar decided cases got, each one openable, and back.
    let summary = wd.text("#similar-summary");
    assert!(
        summary.contains("件类案中") && summary.contains("全部支持"),
        "{summary}"
    );
    // Each case names its cause of action in Chinese (the archive holds private-lending cases).
    assert!(
        wd.text("#similar .similar-cases").contains("民间借贷纠纷"),
        "{}",
        wd.text("#similar .similar-cases")
    );
    if let Some(dir) = &shots {
        wd.element_screenshot("#similar", &dir.join("ui-similar.png"));
    }
    wd.click("#similar .similar-cases li a");
    wd.wait_for("#archive-class");
    assert!(
        !wd.text("#archive-case").contains("decision"),
        "plain Chinese only"
    );
    assert!(wd.text("#archive-case").contains("判决主文"));
    if let Some(dir) = &shots {
        wd.element_screenshot("#archive-case", &dir.join("ui-archive-case.png"));
    }
    wd.click("#back");
    wd.wait_for("#outcome-total");
    assert!(wd.url().ends_with(&id), "{}", wd.url());
    let total_before = wd.text("#outcome-total");
    // The outcome model's view reads as plain Chinese: how sure, or that the judge decides.
    let assessment = wd.text("#assessment");
    assert!(
        (assessment.contains("把握度") || assessment.contains("可能性"))
            && assessment.contains('%')
            && !assessment.contains("partial"),
        "{assessment}"
    );

    // The facts read as a judge reads a case: parties, contract and loan, claims, then the
    // court; the group headings in that order.
    let facts = wd.text("#facts");
    let at = |w: &str| facts.find(w).unwrap_or(usize::MAX);
    assert!(
        at("当事人") < at("合同与借款")
            && at("合同与借款") < at("诉讼请求")
            && at("诉讼请求") < at("法院与程序"),
        "{facts}"
    );
    if let Some(dir) = &shots {
        wd.element_screenshot("#facts", &dir.join("ui-facts.png"));
        wd.element_screenshot("#outcome", &dir.join("ui-outcome.png"));
    }

    // Edit the principal: the outcome is recomputed and the change shown.
    let input = "input[data-field-input=\"claims.principal\"]";
    let old = wd.prop(input, "value");
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
    wd.key('a');
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
    let v = rt
        .block_on(w.store.filing_view(&FilingId::new(id.as_str())))
        .unwrap()
        .unwrap();
    assert_eq!(v.review_state, Some(ReviewState::Approved));

    // After the decision the case goes on (案件流程): service is recorded on the case screen,
    // the window's end is shown, and certifying waits for it, saying why.
    wd.go(&format!("{base}/ui/filings/{id}#lifecycle"));
    wd.wait_for("#lifecycle-status");
    assert!(
        wd.text("#lifecycle-status").contains("已签发"),
        "{}",
        wd.text("#lifecycle-status")
    );
    wd.click("#act-served summary");
    wd.click("#act-served button");
    let t = Instant::now();
    while !wd.text("#lifecycle-status").contains("已送达") {
        assert!(t.elapsed() < Duration::from_secs(10), "service not shown");
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = wd.text("#lifecycle-status");
    assert!(status.contains("期至"), "the window's last day: {status}");
    assert!(
        wd.text("#lifecycle-deadlines").contains("民事诉讼法"),
        "each deadline cites its rule"
    );
    assert!(
        wd.text("#act-effective").contains("方可确认生效"),
        "{}",
        wd.text("#act-effective")
    );
    assert!(
        !wd.exists("#act-withdrawn"),
        "no withdrawal once the judgment is served"
    );
    let card = wd.text("#lifecycle");
    assert!(
        !card.contains("served") && !card.contains("approved"),
        "plain Chinese only: {card}"
    );
    if let Some(dir) = &shots {
        wd.element_screenshot("#lifecycle", &dir.join("ui-lifecycle.png"));
    }
    // Another filing of the court, not decided yet: the plaintiff withdraws, and the ruling that
    // allows it opens from the history.
    let other = w.filings.iter().find(|f| f.as_str() != id).unwrap().clone();
    wd.go(&format!("{base}/ui/filings/{}", other.as_str()));
    wd.wait_for("#act-withdrawn");
    wd.click("#act-withdrawn summary");
    wd.type_into("#act-withdrawn input[name=reason]", "被告已清偿全部欠款");
    wd.click("#act-withdrawn button");
    wd.wait_for("#lifecycle-history a.paper");
    assert!(wd.text("#lifecycle-status").contains("已准予撤诉"));
    assert!(!wd.exists("#approve"), "a withdrawn case is not approved");
    assert!(
        wd.text("#decide").contains("已准予撤诉"),
        "{}",
        wd.text("#decide")
    );
    let link = wd.find("#lifecycle-history a.paper");
    let href = wd.run(link.attr("href")).unwrap_or_default();
    wd.go(&format!("{base}{href}"));
    let t = Instant::now();
    while !wd.exists("article.paper") {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "the ruling did not open"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let ruling = wd.text("article.paper");
    assert!(
        ruling.contains("准许原告") && ruling.contains("减半收取"),
        "{ruling}"
    );
    if let Some(dir) = &shots {
        wd.screenshot(&dir.join("ui-withdrawal-ruling.png"));
    }
    let acts: Vec<String> = rt
        .block_on(w.store.audit_of(other.as_str()))
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("lifecycle."))
        .collect();
    assert_eq!(acts, ["lifecycle.drafted", "lifecycle.withdrawn"]);

    // Bulk from the queue: every signed filing shown is marked served on one date; one that is
    // served already is not recorded again, and the note says why.
    wd.go(&format!("{base}/ui?status=approved"));
    wd.wait_for("#bulk-served");
    wd.click("#bulk-served button");
    wd.wait_for("#bulk-note");
    let note = wd.text("#bulk-note");
    assert!(
        note.contains("已记录 0 件") && note.contains("1 件未记录") && note.contains("已送达"),
        "{note}"
    );
    // The withdrawn case has left the pending queue for its own tab.
    assert_eq!(wd.text("#count-ended"), "1");
    assert_eq!(wd.text("#count-pending"), (w.filings.len() - 2).to_string());
    if let Some(dir) = &shots {
        wd.screenshot(&dir.join("ui-bulk.png"));
    }
}

/// A child process killed on drop (the service under test).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The newcomer's path, as the README tells it: `fincase demo`, then `fincase serve` on the same
/// index, then the judge's screens with the token the demo printed: the demo court's filings
/// are in the queue and one opens with its facts.
#[test]
fn newcomer_demo_then_serve_then_review_in_chromium() {
    let rt = rt();
    let Some((_driver, wd)) = start_browser(&rt) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let index = tmp.path().join("index");
    let bin = env!("CARGO_BIN_EXE_fincase");
    let demo = std::process::Command::new(bin)
        .args(["demo", "--index"])
        .arg(&index)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&demo.stdout).into_owned();
    assert!(
        demo.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    // "Review the drafts as a judge of <court> (<n> filings):", the serve command, the token.
    let heading = printed
        .lines()
        .find_map(|l| l.strip_prefix("Review the drafts as a judge of "))
        .unwrap_or_else(|| panic!("no review line in:\n{printed}"));
    let (court, rest) = heading.split_once(" (").unwrap();
    let filings: usize = rest.split(' ').next().unwrap().parse().unwrap();
    assert!(filings > 0, "{printed}");
    assert!(
        printed.contains("cargo run --release -- serve --index"),
        "{printed}"
    );
    let token = printed
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("fc_"))
        .unwrap_or_else(|| panic!("no token in:\n{printed}"))
        .to_owned();
    assert!(
        !printed.contains("skipped"),
        "the gold files are not reported as skipped:\n{printed}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _serve = Child(
        std::process::Command::new(bin)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--index"])
            .arg(&index)
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "serve never listened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let base = format!("http://127.0.0.1:{port}");

    wd.go(&format!("{base}/ui"));
    wd.wait_for("#login-form");
    wd.type_into("#token", &token);
    wd.click("#login-button");
    wd.wait_for("#queue");
    assert!(wd.text("#who").starts_with(court), "{}", wd.text("#who"));
    if let Some(dir) = std::env::var_os("FINCASE_UI_SCREENSHOTS") {
        wd.screenshot(&std::path::Path::new(&dir).join("ui-demo-queue.png"));
    }
    let shown: usize = wd.text("#shown").parse().unwrap();
    assert!(
        shown > 0 && shown <= filings,
        "{shown} shown of the {filings} filings addressing {court}"
    );
    wd.key('j');
    wd.key('\u{E007}');
    wd.wait_for("#facts");
    assert!(wd.url().contains("/ui/filings/"), "{}", wd.url());
    let facts = wd.text("#facts");
    assert!(
        facts.contains("当事人") && facts.contains("原告"),
        "{facts}"
    );
    if let Some(dir) = std::env::var_os("FINCASE_UI_SCREENSHOTS") {
        wd.screenshot(&std::path::Path::new(&dir).join("ui-demo-case.png"));
    }
    // The dossier's table of contents, in Chinese, the complaint first.
    let dossier = wd.text("#dossier");
    assert!(dossier.starts_with("起诉状"), "{dossier}");

    // A filing with a finding: the finding quotes the words it rests on, with their page.
    wd.go(&format!("{base}/ui?status=all"));
    wd.wait_for("#queue");
    let flagged = wd.run(wd.client.find_all(Locator::XPath(
        "//tr[td[@class='codes']/span]//a[@class='open']",
    )));
    if let Some(link) = flagged.first() {
        let href = wd.run(link.attr("href")).unwrap_or_default();
        wd.go(&format!("{base}{href}"));
        wd.wait_for("ul.findings");
        if let Some(dir) = std::env::var_os("FINCASE_UI_SCREENSHOTS") {
            wd.element_screenshot(
                "ul.findings",
                &std::path::Path::new(&dir).join("ui-demo-findings.png"),
            );
        }
        let findings = wd.text("ul.findings");
        assert!(findings.contains("页）：“"), "{findings}");
    }
}
