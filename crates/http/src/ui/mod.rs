//! `/ui`: the judges' review screens, server-rendered by the same axum service (minijinja
//! templates under `templates/`, one stylesheet and one small hand-written script under
//! `assets/ui/`, nothing fetched from elsewhere).
//!
//! A judge logs in with their API token (see `session.rs`), sees the queue of their court's
//! processed filings (oldest first, filters, counts, 审限), opens a case (the filing's page text
//! with the figure under review highlighted at its source span, the original PDF, the facts with
//! their confidence, findings, dispute points labelled rules or model, the outcome with its
//! trail, the draft), corrects a fact (the rules and the draft run again at once:
//! `recompute.rs`, and the page shows what changed), and decides: approve, reject with a reason,
//! or return to the bank, through [`fincase_store::Store::decide`] like the API. Alike cases
//! (多案联审) are reviewed by sample and approved as a group, one decision and one audit entry
//! per filing. After the decision, the 案件流程 card (`lifecycle.rs`) follows the case: service,
//! the objection or appeal window, effect, enforcement, mediation and withdrawal, with the
//! papers each act drafts. Every action is audited by the store with before/after and versions.
//!
//! Must not: decide differently from the API (tenancy is the judge's court: another court's
//! filing answers 404 like one that does not exist), accept a cookie-session POST without its
//! form token, or run a pipeline stage on a tokio worker thread (`spawn_blocking`).

// Handlers answer early with a ready page (`Result<_, Response>`), the axum idiom; the size
// of `Response` in the `Err` variant does not matter on this path.
#![allow(clippy::result_large_err)]

mod lifecycle;
mod recompute;
mod session;
mod view;

use super::AppState;
use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use fincase_core::domain::FactField;
use fincase_core::domain::{
    BatchId, CaseFacts, FilingId, FilingStatus, Provenance, ReviewState, Yuan,
};
use fincase_core::lifecycle::Stage;
use fincase_core::rules::{DocumentKind, Outcome};
use fincase_store::{
    Decided, DraftVersion, Edited, EditedResult, FilingView, QueueFilter, QueueRow, ReviewAction,
};
use recompute::StoredReport;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use session::{Judge, judge, store_failed};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Most filings a queue page reads (a court's open cases; filters narrow it).
const QUEUE_LIMIT: i64 = 2_000;
/// Below this extraction confidence a fact is marked for attention.
const LOW_CONFIDENCE: f32 = 0.8;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/ui", get(queue_page))
        .route("/ui/login", get(login_page).post(login))
        .route("/ui/logout", post(logout))
        .route("/ui/groups", get(groups_page))
        .route("/ui/groups/approve", post(approve_group))
        .route("/ui/filings/{id}", get(case_page))
        .route("/ui/archive/{id}", get(archive_case_page))
        .route("/ui/filings/{id}/facts", post(edit_fact))
        .route("/ui/filings/{id}/decision", post(decide))
        .route("/ui/filings/{id}/lifecycle", post(lifecycle::post_act))
        .route("/ui/lifecycle/bulk", post(lifecycle::post_bulk))
        .route("/ui/filings/{id}/papers/{seq}", get(lifecycle::paper))
        .route("/ui/filings/{id}/draft.html", get(draft_html))
        .route("/ui/filings/{id}/original.pdf", get(original_pdf))
        .route("/ui/filings/{id}/approved.docx", get(approved_docx))
        .route("/ui/filings/{id}/approved.pdf", get(approved_pdf))
        .route("/ui/assets/ui.css", get(css))
        .route("/ui/assets/ui.js", get(js))
}

// ---------------------------------------------------------------- rendering

/// The templates, compiled once (HTML auto-escaping for all of them). Each page is rendered,
/// then set into `base.html` as `main` (minijinja is built without template inheritance).
fn env() -> &'static minijinja::Environment<'static> {
    static ENV: OnceLock<minijinja::Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        for (name, src) in [
            ("base.html", include_str!("templates/base.html")),
            ("login.html", include_str!("templates/login.html")),
            ("error.html", include_str!("templates/error.html")),
            ("queue.html", include_str!("templates/queue.html")),
            ("case.html", include_str!("templates/case.html")),
            ("groups.html", include_str!("templates/groups.html")),
            (
                "archive_case.html",
                include_str!("templates/archive_case.html"),
            ),
        ] {
            if let Err(e) = env.add_template(name, src) {
                tracing::error!(template = name, error = %e, "review template does not compile");
            }
        }
        env
    })
}

/// Security headers of every page: no framing (the draft frame is same-origin), nothing loaded
/// from elsewhere, no inline script.
fn page_headers(resp: &mut Response) {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; \
             base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// Renders a template into a page with `status`.
fn render(status: StatusCode, name: &str, mut ctx: Value) -> Response {
    let body = env()
        .get_template(name)
        .and_then(|t| t.render(&ctx))
        .and_then(|main| {
            ctx["main"] = Value::String(main);
            ctx["body_class"] = Value::String(name.trim_end_matches(".html").to_owned());
            env().get_template("base.html")?.render(&ctx)
        })
        .unwrap_or_else(|e| {
            tracing::error!(template = name, error = %e, "review page failed to render");
            "<!doctype html><meta charset=utf-8><p>页面生成失败。</p>".to_owned()
        });
    let mut resp = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    page_headers(&mut resp);
    resp
}

/// An error page with a message in Chinese.
pub(super) fn page_error(status: StatusCode, message: &str) -> Response {
    render(
        status,
        "error.html",
        json!({ "title": "出错了", "status": status.as_u16(), "message": message }),
    )
}

/// A page's answer: the rendered page, or an answer decided early (redirect, error).
type Page = Result<Response, Response>;

fn not_found() -> Response {
    page_error(StatusCode::NOT_FOUND, "没有这个案件，或它不属于本院。")
}

/// A filing of the judge's court (another court's answers 404, as a missing one).
async fn own_filing(state: &AppState, j: &Judge, id: &FilingId) -> Result<FilingView, Response> {
    let f = state
        .store
        .filing_view(id)
        .await
        .map_err(|e| store_failed(&e))?;
    f.filter(|f| f.court_id.as_ref() == Some(&j.court_id))
        .ok_or_else(not_found)
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// What a query-string value escapes: everything but RFC 3986's unreserved characters
/// (`A–Z a–z 0–9 - _ . ~`); non-ASCII bytes are always escaped.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A query-string value: unreserved ASCII kept, every other byte `%XX`.
fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

fn yuan_str(y: Yuan) -> String {
    y.grouped()
}

/// The judge as shown in the header.
fn who(j: &Judge) -> Value {
    json!({ "label": j.caller.label, "court": j.court_name, "csrf": j.csrf() })
}

// ---------------------------------------------------------------- login

#[derive(Debug, Deserialize)]
struct LoginQuery {
    expired: Option<String>,
}

async fn login_page(Query(q): Query<LoginQuery>) -> Response {
    let csrf = session::random_hex();
    let mut resp = render(
        StatusCode::OK,
        "login.html",
        json!({
            "title": "法官登录",
            "csrf": csrf,
            "notice": q.expired.map(|_| "登录已过期，请重新登录。"),
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&session::set_cookie(session::LOGIN_COOKIE, &csrf, 1800)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let form = form.ok().map(|Form(f)| f);
    let sent = form.as_ref().map(|f| f.csrf.as_str()).unwrap_or("");
    let expected = session::cookie(&headers, session::LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
        return page_error(
            StatusCode::FORBIDDEN,
            "登录表单已失效（CSRF 校验失败），请重新打开登录页。",
        );
    }
    let token = form.map(|f| f.token.trim().to_owned()).unwrap_or_default();
    if token.is_empty() || token.len() > 200 {
        return page_error(StatusCode::BAD_REQUEST, "请输入法官令牌。");
    }
    let rec = match state.store.token(&super::hash_token(&token)).await {
        Ok(r) => r,
        Err(e) => return store_failed(&e),
    };
    let Some(rec) = rec else {
        return page_error(StatusCode::UNAUTHORIZED, "令牌无效，请核对后重新登录。");
    };
    if rec.role != fincase_store::Role::Judge || rec.court_id.is_none() {
        return session::not_a_judge();
    }
    let id = session::random_hex();
    let record = fincase_store::SessionRecord {
        id_hash: super::hash_token(&id),
        token_hash: rec.token_hash.clone(),
        csrf: session::random_hex(),
        expires_ms: fincase_store::now_ms() + session::SESSION_TTL_MS,
    };
    let actor =
        fincase_store::Actor::token(rec.role.as_str(), &rec.org, &rec.label, &rec.token_hash);
    if let Err(e) = state.store.create_session(&record, &actor).await {
        return store_failed(&e);
    }
    let mut resp = Redirect::to("/ui").into_response();
    for c in [
        session::set_cookie(session::SESSION_COOKIE, &id, session::SESSION_TTL_MS / 1000),
        session::removal_cookie(session::LOGIN_COOKIE),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

#[derive(Debug, Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.csrf.as_deref()))?;
    if let Some(s) = &j.session {
        state
            .store
            .end_session(&s.id_hash, &j.caller.actor())
            .await
            .map_err(|e| store_failed(&e))?;
    }
    let mut resp = Redirect::to("/ui/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&session::removal_cookie(session::SESSION_COOKIE)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

// ---------------------------------------------------------------- queue

#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    batch: Option<String>,
    bank: Option<String>,
    status: Option<String>,
    finding: Option<String>,
    min: Option<String>,
    max: Option<String>,
    /// The result of a bulk act just made (`已记录 N 件，M 件未记录`), shown once.
    bulk: Option<String>,
}

/// The parts of the stored facts a queue line shows.
#[derive(Debug, Default, Deserialize)]
struct SlimFacts {
    #[serde(default)]
    plaintiff: Option<fincase_core::domain::Plaintiff>,
    #[serde(default)]
    defendants: Vec<fincase_core::domain::Defendant>,
}

/// A stored finding code as a judge reads it (a general label for one this build does not
/// know).
fn finding_zh(code: &str) -> &'static str {
    fincase_core::domain::FindingCode::parse(code).map_or("其他审查发现", |c| c.zh())
}

/// One queue line.
#[derive(Debug, Clone, Serialize)]
struct QueueItem {
    id: FilingId,
    batch_id: BatchId,
    name: String,
    org: String,
    received: String,
    plaintiff: String,
    defendants: String,
    amount: Option<String>,
    #[serde(skip)]
    amount_value: Option<Yuan>,
    awarded: Option<String>,
    procedure: String,
    disposition: String,
    status: FilingStatus,
    status_zh: &'static str,
    review: Option<ReviewState>,
    review_zh: &'static str,
    /// Finding codes (the filter's values).
    findings: Vec<String>,
    /// The same findings as a judge reads them.
    findings_zh: Vec<&'static str>,
    deadline: Option<view::Deadline>,
    pending: bool,
    /// Where the case stands after its draft (`已送达`, `已准予撤诉`…), once it moved on.
    stage_zh: Option<&'static str>,
    /// Ended without a decision on the draft (withdrawn, mediated, 督促程序 ended).
    ended: bool,
}

/// Which queue a line belongs to for the status filter.
fn status_key(item: &QueueItem) -> &'static str {
    match item.review {
        None if item.ended => "ended",
        Some(r) => r.as_str(),
        None if item.status == FilingStatus::Drafted => "pending",
        None => "needs_review",
    }
}

fn queue_item(r: &QueueRow, today: chrono::NaiveDate) -> QueueItem {
    let findings: Vec<String> = r
        .finding_codes
        .as_deref()
        .unwrap_or("")
        .split(' ')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    let facts: SlimFacts = r
        .facts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let outcome: Option<Outcome> = r
        .outcome_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let amount = outcome.as_ref().map(|o| o.total_claimed());
    let received = view::received_day(&r.received_at);
    let stage: Option<Stage> = r.stage.as_deref().and_then(|s| s.parse().ok());
    let ended = matches!(
        stage,
        Some(Stage::Withdrawn | Stage::Mediated | Stage::Terminated | Stage::Closed)
    );
    QueueItem {
        id: r.id.clone(),
        batch_id: r.batch_id.clone(),
        name: r.name.clone(),
        org: r.org.clone().unwrap_or_default(),
        received: received.map(|d| d.to_string()).unwrap_or_default(),
        plaintiff: facts
            .plaintiff
            .map(|p| p.name)
            .unwrap_or_else(|| "（原告不明）".into()),
        defendants: facts
            .defendants
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        amount: amount.map(yuan_str),
        amount_value: amount,
        awarded: outcome.as_ref().map(|o| yuan_str(o.total_awarded())),
        procedure: outcome
            .as_ref()
            .map(|o| o.procedure.zh().to_owned())
            .unwrap_or_default(),
        disposition: outcome
            .as_ref()
            .map(|o| view::disposition_zh(o.disposition).to_owned())
            .unwrap_or_default(),
        status: r.status,
        status_zh: r.status.zh(),
        review: r.review_state,
        review_zh: view::review_zh(r.review_state),
        findings_zh: findings.iter().map(|c| finding_zh(c)).collect(),
        findings,
        deadline: match (received, &outcome) {
            (Some(d), Some(o)) if r.review_state.is_none() && !ended => {
                Some(view::deadline(d, o.procedure, today))
            }
            _ => None,
        },
        pending: r.review_state.is_none() && r.status == FilingStatus::Drafted && !ended,
        stage_zh: stage.filter(|s| *s != Stage::Drafted).map(Stage::zh),
        ended,
    }
}

/// The court's queue under a filter, before the status filter: every line, in queue order.
async fn load_queue(
    state: &AppState,
    j: &Judge,
    q: &QueueQuery,
) -> Result<Vec<QueueItem>, Response> {
    let filter = QueueFilter {
        batch_id: nonempty(q.batch.clone()).map(BatchId::new),
        org: nonempty(q.bank.clone()),
        finding: nonempty(q.finding.clone()),
    };
    let rows = state
        .store
        .review_queue(&j.court_id, &filter, QUEUE_LIMIT)
        .await
        .map_err(|e| store_failed(&e))?;
    let today = fincase_pipeline::lifecycle::court_today();
    let min = nonempty(q.min.clone()).and_then(|s| fincase_core::domain::parse_money(&s));
    let max = nonempty(q.max.clone()).and_then(|s| fincase_core::domain::parse_money(&s));
    Ok(rows
        .iter()
        .map(|r| queue_item(r, today))
        .filter(|i| min.is_none_or(|m| i.amount_value.is_some_and(|a| a >= m)))
        .filter(|i| max.is_none_or(|m| i.amount_value.is_some_and(|a| a <= m)))
        .collect())
}

const STATUS_FILTERS: &[(&str, &str)] = &[
    ("pending", "待审核"),
    ("needs_review", "需人工审查"),
    ("approved", "已批准"),
    ("rejected", "已驳回"),
    ("returned_to_bank", "已退回银行"),
    ("ended", "撤诉、调解等"),
    ("all", "全部"),
];

async fn queue_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<QueueQuery>, QueryRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let all = load_queue(&state, &j, &q).await?;
    let status = nonempty(q.status.clone()).unwrap_or_else(|| "pending".into());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for i in &all {
        *counts.entry(status_key(i)).or_default() += 1;
    }
    let statuses: Vec<Value> = STATUS_FILTERS
        .iter()
        .map(|(k, zh)| {
            let n = if *k == "all" {
                all.len()
            } else {
                counts.get(k).copied().unwrap_or(0)
            };
            json!({ "key": k, "zh": zh, "count": n, "selected": *k == status })
        })
        .collect();
    // Filter choices come from the court's whole queue, not the filtered one.
    let whole = load_queue(&state, &j, &QueueQuery::default()).await?;
    // Filings recorded by the command line belong to no bank: no choice for them.
    let mut banks: Vec<String> = whole
        .iter()
        .filter(|i| !i.org.is_empty())
        .map(|i| i.org.clone())
        .collect();
    banks.sort();
    banks.dedup();
    let mut batches: Vec<(String, BatchId)> = whole
        .iter()
        .map(|i| (i.received.clone(), i.batch_id.clone()))
        .collect();
    batches.sort();
    batches.dedup();
    let mut findings: Vec<String> = whole.iter().flat_map(|i| i.findings.clone()).collect();
    findings.sort();
    findings.dedup();
    let findings: Vec<Value> = findings
        .iter()
        .map(|c| json!({ "code": c, "zh": finding_zh(c) }))
        .collect();
    let shown: Vec<&QueueItem> = all
        .iter()
        .filter(|i| status == "all" || status_key(i) == status)
        .collect();
    let soon = shown
        .iter()
        .filter(|i| {
            i.deadline
                .as_ref()
                .is_some_and(|d| d.urgency != view::Urgency::Ok)
        })
        .count();
    let qs: String = [
        ("batch", &q.batch),
        ("bank", &q.bank),
        ("finding", &q.finding),
        ("min", &q.min),
        ("max", &q.max),
    ]
    .iter()
    .filter_map(|(k, v)| nonempty((*v).clone()).map(|v| format!("&{k}={}", percent_encode(&v))))
    .collect();
    Ok(render(
        StatusCode::OK,
        "queue.html",
        json!({
            "title": "待审案件",
            "judge": who(&j),
            "items": shown,
            "statuses": statuses,
            "banks": banks,
            "batches": batches.iter().map(|(d, b)| json!({ "id": b, "received": d })).collect::<Vec<_>>(),
            "finding_codes": findings,
            "q": {
                "batch": q.batch, "bank": q.bank, "status": status, "finding": q.finding,
                "min": q.min, "max": q.max,
            },
            "shown": shown.len(),
            "soon": soon,
            "qs": qs,
            "bulk_ids": shown.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(","),
            "bulk_note": q.bulk,
            "today": fincase_pipeline::lifecycle::court_today().to_string(),
        }),
    ))
}

// ---------------------------------------------------------------- case screen

#[derive(Debug, Default, Deserialize)]
struct CaseQuery {
    field: Option<String>,
    page: Option<u32>,
}

/// A value at a provenance path (`claims.principal`, `defendants[1].name`) of the facts JSON.
fn value_at<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (key, idx) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        cur = cur.get(key)?;
        if let Some(i) = idx {
            cur = cur.get(i)?;
        }
    }
    Some(cur)
}

fn shown_value(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        Some(other) => other.to_string(),
    }
}

/// A field's name in Chinese for the facts table ([`FactField::key_label`]); the key itself
/// when it names no field.
fn field_label(path: &str) -> String {
    FactField::key_label(path).unwrap_or_else(|| path.to_owned())
}

/// Page text split at the highlighted span: `(before, marked, after)` in chars.
fn split_span(text: &str, start: u32, end: u32) -> (String, String, String) {
    let chars: Vec<char> = text.chars().collect();
    let s = (start as usize).min(chars.len());
    let e = (end as usize).clamp(s, chars.len());
    (
        chars[..s].iter().collect(),
        chars[s..e].iter().collect(),
        chars[e..].iter().collect(),
    )
}

fn outcome_view(o: &Outcome) -> Value {
    let steps = |t: &[fincase_core::rules::TrailStep]| -> Vec<Value> {
        t.iter()
            .map(|s| json!({ "text": s.text, "rule": s.rule, "amount": s.amount.map(yuan_str) }))
            .collect()
    };
    json!({
        "disposition": view::disposition_zh(o.disposition),
        "document": view::document_zh(o.document),
        "procedure": o.procedure.zh(),
        "awards": o.awards.iter().map(|a| json!({
            "item": a.item.zh(),
            "claimed": a.claimed.map(yuan_str),
            "awarded": yuan_str(a.awarded),
            "cut": a.is_cut(),
            "trail": steps(&a.trail),
        })).collect::<Vec<_>>(),
        "total_claimed": yuan_str(o.total_claimed()),
        "total_awarded": yuan_str(o.total_awarded()),
        "fee": { "payable": yuan_str(o.court_fee.payable), "trail": steps(&o.court_fee.trail) },
        "guarantors": o.guarantors.iter().map(|g| json!({
            "name": g.name, "liable": g.liable, "reason": g.reason,
        })).collect::<Vec<_>>(),
        "reasons": o.reasons,
        "cap": o.cap.as_ref().map(|c| json!({ "rate": c.rate.percent().to_string(), "rule": c.rule, "reason": c.reason })),
        "rules_version": o.rules_version,
        "assessment": o.assessment.as_ref().map(|a| json!({
            "suggested": view::disposition_zh(a.suggested),
            "agrees": a.suggested == o.disposition,
            "confidence": format!("{:.0}", a.confidence * 100.0),
            "abstained": a.abstained,
            "by_rules": a.by_rules,
            "reasons": a.reasons.iter().map(|r| json!({
                "what": r.adjustment.zh(), "rule": r.rule, "detail": r.detail,
            })).collect::<Vec<_>>(),
        })),
    })
}

/// Where a filing sits in the court's pending queue: `(previous, next)` ids.
async fn neighbours(
    state: &AppState,
    j: &Judge,
    id: &FilingId,
) -> Result<(Option<FilingId>, Option<FilingId>), Response> {
    let pending: Vec<FilingId> = load_queue(state, j, &QueueQuery::default())
        .await?
        .into_iter()
        .filter(|i| i.pending || &i.id == id)
        .map(|i| i.id)
        .collect();
    let at = pending.iter().position(|x| x == id);
    Ok(match at {
        Some(i) => (
            i.checked_sub(1).and_then(|p| pending.get(p).cloned()),
            pending.get(i + 1).cloned(),
        ),
        None => (None, pending.first().cloned()),
    })
}

/// The case screen, with an optional notice (`("error" | "ok", text)`).
async fn case_view(
    state: &AppState,
    j: &Judge,
    id: &FilingId,
    q: &CaseQuery,
    notice: Option<(&str, String)>,
    status: StatusCode,
) -> Page {
    let f = own_filing(state, j, id).await?;
    let facts_value: Value = f
        .record
        .facts_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let stored: Option<StoredReport> = f
        .record
        .facts_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let outcome: Option<Outcome> = f
        .record
        .outcome_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let provenance = stored
        .as_ref()
        .map(|s| s.provenance.clone())
        .unwrap_or_default();

    // The figure under review: the one asked for, else the principal, else the first with a source.
    let field = q
        .field
        .clone()
        .filter(|p| {
            provenance.contains_key(p) || FactField::from_path(p).is_some_and(FactField::editable)
        })
        .or_else(|| {
            provenance
                .contains_key("claims.principal")
                .then(|| "claims.principal".to_owned())
        })
        .or_else(|| provenance.keys().next().cloned());
    let span = field.as_ref().and_then(|p| provenance.get(p)).cloned();

    // The filing's pages, read again from the original (the store keeps the facts, not the
    // text); a scanned page shown is read by OCR again, as the pipeline read it (the engine is
    // deterministic, so the spans of its facts point into the same text).
    let sha = f.record.sha256.clone();
    let shown = q.page.or(span.as_ref().map(|s| s.page)).unwrap_or(1);
    let bytes = state
        .store
        .original(&sha)
        .await
        .map_err(|e| store_failed(&e))?;
    let pages = match bytes {
        Some(b) => tokio::task::spawn_blocking(move || {
            use fincase_core::ingest::ocr;
            ocr::read_pdf_using(&b, ocr::engine().map_err(Clone::clone), Some(shown)).ok()
        })
        .await
        .ok()
        .flatten()
        .map(|d| d.pages),
        None => None,
    };
    let page_count = pages.as_ref().map_or(0, Vec::len) as u32;
    let page_no = q
        .page
        .or(span.as_ref().map(|s| s.page))
        .unwrap_or(1)
        .clamp(1, page_count.max(1));
    let page_text = pages
        .as_ref()
        .and_then(|ps| ps.iter().find(|p| p.page == page_no))
        .map(|p| {
            let (b, m, a) = match &span {
                Some(s) if s.page == page_no => split_span(&p.text, s.start, s.end),
                _ => (p.text.clone(), String::new(), String::new()),
            };
            json!({ "before": b, "mark": m, "after": a, "needs_ocr": p.needs_ocr })
        });

    let rows = fact_rows(&provenance, stored.as_ref(), &facts_value, field.as_deref());
    let findings = finding_rows(stored.as_ref());
    let disputes = dispute_rows(outcome.as_ref());
    let versions = state
        .store
        .draft_versions(id)
        .await
        .map_err(|e| store_failed(&e))?;
    let changes = latest_changes(&versions);
    let version_rows = version_rows(&versions);
    let audit: Vec<Value> = state
        .store
        .audit_of(id.as_str())
        .await
        .map_err(|e| store_failed(&e))?
        .into_iter()
        .rev()
        .take(20)
        .map(|e| {
            json!({
                "seq": e.seq,
                "action": e.action,
                "actor": e.actor,
                "at": chrono::DateTime::from_timestamp_millis(e.at_ms + 8 * 3600 * 1000)
                    .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string()),
            })
        })
        .collect();
    let (prev, next) = neighbours(state, j, id).await?;
    let slim: SlimFacts = f
        .record
        .facts_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let received = state
        .store
        .batch_view(&f.record.batch_id)
        .await
        .map_err(|e| store_failed(&e))?
        .and_then(|b| view::received_day(&b.started_at));
    let deadline = match (received, &outcome) {
        (Some(d), Some(o)) if f.review_state.is_none() => Some(view::deadline(
            d,
            o.procedure,
            fincase_pipeline::lifecycle::court_today(),
        )),
        _ => None,
    };
    let return_reason = return_reasons(stored.as_ref());
    let similar = similar_view(state, id).await;
    let lifecycle = lifecycle::card(state, id).await?;
    Ok(render(
        status,
        "case.html",
        json!({
            "title": format!("案件 {}", f.record.name),
            "judge": who(j),
            "id": id,
            "name": f.record.name,
            "org": f.org,
            "received": received.map(|d| d.to_string()),
            "deadline": deadline,
            "plaintiff": slim.plaintiff.map(|p| p.name),
            "defendants": slim.defendants.iter().map(|d| d.name.clone()).collect::<Vec<_>>().join("、"),
            "status": f.record.status,
            "status_zh": f.record.status.zh(),
            "reason": f.record.reason,
            "review": f.review_state,
            "review_zh": view::review_zh(f.review_state),
            "review_reason": f.review_reason,
            "decidable": f.review_state.is_none()
                && f.record.status == FilingStatus::Drafted
                && lifecycle.as_ref().is_none_or(|l| l["awaits_decision"] == true),
            "approved": f.review_state == Some(ReviewState::Approved),
            "draft_kind": f.draft_kind,
            "field": field,
            "field_label": field.as_deref().map(field_label),
            "span": span.as_ref().map(|s| json!({ "page": s.page, "start": s.start, "end": s.end, "confidence": format!("{:.2}", s.confidence) })),
            "page_no": page_no,
            "pages": (1..=page_count).collect::<Vec<_>>(),
            "dossier": dossier_rows(stored.as_ref(), page_no),
            "page_text": page_text,
            "facts": rows,
            "findings": findings,
            "disputes": disputes,
            "outcome": outcome.as_ref().map(outcome_view),
            "changes": changes,
            "versions": version_rows,
            "audit": audit,
            "prev": prev,
            "next": next,
            "return_reason": return_reason.join("；"),
            "notice": notice.map(|(k, m)| json!({ "kind": k, "text": m })),
            "versions_json": f.versions_json,
            "similar": similar,
            "lifecycle": lifecycle,
        }),
    ))
}

/// Similar decided cases shown on the case screen.
const SIMILAR_ON_SCREEN: usize = 5;

/// The 类案推送 card: the summary line and the top cases, or why there are none. Never fails
/// the case screen (an archive failure is a line on the card).
async fn similar_view(state: &AppState, id: &FilingId) -> Value {
    if state.archive.as_ref().is_none_or(|a| a.is_empty()) {
        return json!({ "note": "本院案例库尚未导入已决案例（fincase archive import）。" });
    }
    match crate::similar::similar_cases(state, id, SIMILAR_ON_SCREEN).await {
        Ok((summary, cases)) => json!({
            "summary": summary.zh,
            "cases": cases.iter().map(|c| {
                let d = &c.case.decision;
                json!({
                    "id": c.case.id,
                    "title": c.case.title,
                    "cause": c.case.elements.case_type().cause_of_action(),
                    "class": d.class_zh(),
                    "claimed": d.claimed_principal.map(|y| y.grouped()),
                    "awarded": d.awarded_principal.map(|y| y.grouped()),
                    "rate": d.awarded_rate.map(|r| r.percent().normalize().to_string()),
                    "shared": c.shared_zh.join("、"),
                })
            }).collect::<Vec<_>>(),
        }),
        Err(e) => {
            tracing::warn!(filing = %id, error = e.code, "similar cases unavailable");
            json!({ "note": "类案暂不可用。" })
        }
    }
}

#[derive(Debug, Deserialize)]
struct ArchiveFrom {
    from: Option<String>,
}

/// `GET /ui/archive/{id}`: one archived decided case as a judge reads it: heading, decision,
/// operative items, reasoning, legal elements and the facts.
async fn archive_case_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    from: Result<Query<ArchiveFrom>, QueryRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    // The filing the judge came from, for the way back (only an id-shaped value is kept).
    let from = from.ok().and_then(|Query(f)| f.from).filter(|f| {
        !f.is_empty() && f.len() <= 64 && f.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    let cases = state
        .store
        .archive_get(std::slice::from_ref(&id))
        .await
        .map_err(|e| store_failed(&e))?;
    let c = cases
        .into_iter()
        .next()
        .ok_or_else(|| page_error(StatusCode::NOT_FOUND, "案例库中没有这个案例。"))?;
    let d = &c.decision;
    Ok(render(
        StatusCode::OK,
        "archive_case.html",
        json!({
            "title": format!("类案 {}", c.title),
            "judge": who(&j),
            "from": from,
            "case": {
                "id": c.id,
                "title": c.title,
                // An approved filing of this court, or the file it was imported from.
                "source": if c.source == "fincase" { "本院审结案件".to_owned() } else { c.source.clone() },
                "class": d.class_zh(),
                "claimed": d.claimed_principal.map(|y| y.grouped()),
                "awarded": d.awarded_principal.map(|y| y.grouped()),
                "rate": d.awarded_rate.map(|r| r.percent().normalize().to_string()),
                "joint": d.joint_liability,
                "orders": d.orders,
                "reasoning": d.reasoning,
                "elements": c.elements.present().iter().map(|e| e.zh()).collect::<Vec<_>>(),
                "facts": c.facts,
            },
        }),
    ))
}

/// The facts table: every field with a source, then the editable ones without; `selected` is
/// the figure under review.
fn fact_rows(
    provenance: &Provenance,
    stored: Option<&StoredReport>,
    facts_value: &Value,
    selected: Option<&str>,
) -> Vec<Value> {
    let facts_sel = selected.unwrap_or_default();
    let mut rows: Vec<Value> = Vec::new();
    let mut paths: Vec<String> = provenance.keys().cloned().collect();
    for f in FactField::EDITABLE {
        if !paths.iter().any(|x| x == f.path()) {
            paths.push(f.path().to_owned());
        }
    }
    // As a judge reads a case: the parties, the contract and the loan, the claims, then
    // repayments and demands, then the court and procedure; in each group the fields keep
    // their order (`sort_by_key` is stable).
    paths.sort_by_key(|p| fact_group(p).0);
    let mut last_group = "";
    for p in &paths {
        let group = fact_group(p).1;
        let group_start = group != last_group;
        last_group = group;
        let src = provenance.get(p);
        let editable_field = FactField::from_path(p).filter(|f| f.editable());
        let editable = editable_field.is_some();
        let value = match (stored, editable_field) {
            (Some(s), Some(f)) => f.display(&s.facts).unwrap_or_else(|| "—".into()),
            _ => match value_at(facts_value, p) {
                Some(Value::String(code)) => {
                    FactField::coded_value_zh(p, code).map_or_else(|| code.clone(), str::to_owned)
                }
                v => shown_value(v),
            },
        };
        rows.push(json!({
            "path": p,
            "label": field_label(p),
            "value": value,
            "editable": editable,
            "confidence": src.map(|s| format!("{:.2}", s.confidence)),
            "low": src.is_some_and(|s| s.confidence < LOW_CONFIDENCE),
            "ocr": src.is_some_and(|s| s.ocr),
            "page": src.map(|s| s.page),
            "source": src.map(|s| s.text.clone()),
            "selected": *p == facts_sel,
            "group": group,
            "group_start": group_start,
        }));
    }
    rows
}

/// The reading group of a fact path, with its rank and the path's rank inside the group:
/// 当事人 (plaintiff first), 合同与借款 (the contract, then the loan's terms), 诉讼请求
/// (principal first), 还款与催收, 法院与程序.
fn fact_group(path: &str) -> ((u8, u8), &'static str) {
    let head = path.split(['.', '[']).next().unwrap_or(path);
    let rank_in = |order: &[&str]| {
        order
            .iter()
            .position(|k| path == *k || head == *k)
            .map_or(u8::MAX, |i| i as u8)
    };
    match head {
        "plaintiff" | "defendants" | "plaintiff_domicile" | "defendant_domiciles" => (
            (
                0,
                rank_in(&[
                    "plaintiff",
                    "plaintiff_domicile",
                    "defendants",
                    "defendant_domiciles",
                ]),
            ),
            "当事人",
        ),
        "claims" => (
            (
                2,
                rank_in(&[
                    "claims.principal",
                    "claims.interest",
                    "claims.interest_cutoff_date",
                    "claims.attorney_fee",
                    "claims.other_fees",
                    "claims.stated_total",
                    "claims.joint_liability",
                ]),
            ),
            "诉讼请求",
        ),
        "repayments" | "last_demand_date" | "guarantor_demand_date" | "unpaid_interest" => {
            ((3, 0), "还款与催收")
        }
        "court"
        | "filing_date"
        | "jurisdiction_clause"
        | "payment_order_requested"
        | "preservation_amount"
        | "evidence" => ((4, 0), "法院与程序"),
        _ => (
            (
                1,
                rank_in(&[
                    "case_type",
                    "contract_number",
                    "contract_date",
                    "loan_amount",
                    "annual_interest_rate",
                    "maturity_date",
                    "default_date",
                    "penalty_rate",
                    "guarantee_period_months",
                    "collateral",
                    "day_count",
                ]),
            ),
            "合同与借款",
        ),
    }
}

/// The dossier's table of contents: each document's type in Chinese, its pages, its title and
/// whether the catalogue was unsure (confidence below 0.6); the one holding `page_no` marked.
fn dossier_rows(stored: Option<&StoredReport>, page_no: u32) -> Vec<Value> {
    stored
        .map(|s| {
            s.dossier
                .iter()
                .map(|e| {
                    json!({
                        "zh": e.kind.zh(),
                        "first": e.first_page,
                        "last": e.last_page,
                        "title": e.title,
                        "unsure": e.confidence < 0.6,
                        "current": (e.first_page..=e.last_page).contains(&page_no),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The findings raised about the filing, with their Chinese severity.
fn finding_rows(stored: Option<&StoredReport>) -> Vec<Value> {
    stored
        .map(|s| {
            s.findings
                .iter()
                .map(|x| {
                    json!({
                        "code": serde_json::to_value(x.code).ok(),
                        "severity": view::severity_zh(x.severity),
                        "level": serde_json::to_value(x.severity).ok(),
                        "field": x.field,
                        "field_zh": x.field.as_deref().and_then(fincase_core::domain::FactField::key_label),
                        "message": x.message,
                        "quotes": x.quotes.iter().map(|q| json!({
                            "label": fincase_core::domain::FactField::key_label(&q.field).unwrap_or_default(),
                            "field": q.field,
                            "page": q.page,
                            "text": q.text,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The dispute points, each with who raised it (the rules or a model).
fn dispute_rows(outcome: Option<&Outcome>) -> Vec<Value> {
    outcome
        .map(|o| {
            o.dispute_points
                .iter()
                .map(|d| {
                    let (kind, by) = match d.source.strip_prefix("model:") {
                        Some(m) => (
                            "model",
                            format!("模型（{}）", m.split_whitespace().next().unwrap_or(m)),
                        ),
                        None if d.source == "rules" => ("rules", "规则".to_owned()),
                        None => ("other", d.source.clone()),
                    };
                    json!({ "title": d.title, "detail": d.detail, "kind": kind, "by": by })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The latest edit's before and after (`None` before any edit).
fn latest_changes(versions: &[DraftVersion]) -> Option<Value> {
    versions
        .iter()
        .rposition(|v| v.stage == "edited")
        .and_then(|i| {
            let after: Outcome = serde_json::from_str(versions[i].outcome_json.as_deref()?).ok()?;
            let before: Outcome =
                serde_json::from_str(versions[i.checked_sub(1)?].outcome_json.as_deref()?).ok()?;
            Some(json!({
                "note": versions[i].note,
                "lines": view::outcome_changes(&before, &after),
            }))
        })
}

/// The draft's versions as the history table shows them (Beijing time).
fn version_rows(versions: &[DraftVersion]) -> Vec<Value> {
    versions
        .iter()
        .map(|v| json!({
            "version": v.version,
            "stage": match v.stage.as_str() { "ai" => "AI 草稿", "edited" => "法官修改", "approved" => "已批准", _ => "其他" },
            "actor": v.actor,
            "at": chrono::DateTime::from_timestamp_millis(v.at_ms + 8 * 3600 * 1000)
                .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M").to_string()),
            "note": v.note,
        }))
        .collect()
}

/// The messages of the findings a judge must look at (review or worse), for a return.
fn return_reasons(stored: Option<&StoredReport>) -> Vec<String> {
    stored
        .map(|s| {
            s.findings
                .iter()
                .filter(|x| x.severity >= fincase_core::domain::Severity::Review)
                .map(|x| x.message.clone())
                .collect()
        })
        .unwrap_or_default()
}

async fn case_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
    q: Result<Query<CaseQuery>, QueryRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    case_view(&state, &j, &id, &q, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
}

/// The outcome's amounts for the audit log's before and after.
fn outcome_summary(o: Option<&Outcome>) -> Value {
    o.map_or(Value::Null, |o| {
        json!({
            "disposition": o.disposition.as_str(),
            "total_claimed": o.total_claimed().to_string(),
            "total_awarded": o.total_awarded().to_string(),
            "court_fee": o.court_fee.payable.to_string(),
            "awards": o.awards.iter().map(|a| json!({
                "item": a.item,
                "claimed": a.claimed.map(|y| y.to_string()),
                "awarded": a.awarded.to_string(),
            })).collect::<Vec<_>>(),
        })
    })
}

async fn edit_fact(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
    form: Result<Form<EditForm>, FormRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.csrf.as_deref()))?;
    let Some(form) = form else {
        return Err(page_error(
            StatusCode::BAD_REQUEST,
            "请选择要修改的事实并填写新值。",
        ));
    };
    let f = own_filing(&state, &j, &id).await?;
    let q = CaseQuery {
        field: Some(form.field.clone()),
        page: None,
    };
    let fail = |msg: String, status| {
        let (state, j, id, q) = (&state, &j, &id, &q);
        async move { case_view(state, j, id, q, Some(("error", msg)), status).await }
    };
    if f.review_state.is_some() || f.record.status != FilingStatus::Drafted {
        return fail(
            "此案件已审结或无文书，不能再修改事实。".into(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let Some(facts_json) = f.record.facts_json.clone() else {
        return fail("此案件没有可修改的事实记录。".into(), StatusCode::CONFLICT).await;
    };
    let outcome_json = f.record.outcome_json.clone();
    let rules = std::sync::Arc::clone(&state.rules);
    let (field, value) = (form.field.clone(), form.value.clone());
    let computed = tokio::task::spawn_blocking(move || {
        recompute::recompute(&facts_json, outcome_json.as_deref(), &field, &value, &rules)
    })
    .await
    .map_err(|_| page_error(StatusCode::INTERNAL_SERVER_ERROR, "重新计算时出错。"))?;
    let r = match computed {
        Ok(r) => r,
        Err(e) => return fail(e.to_string(), StatusCode::BAD_REQUEST).await,
    };
    let old_outcome: Option<Outcome> = f
        .record
        .outcome_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let label = field_label(&form.field);
    let note = format!(
        "{label}：{} → {}",
        r.before.as_deref().unwrap_or("（空）"),
        r.after.as_deref().unwrap_or("（空）")
    );
    let serde_name = |v: Value| v.as_str().map(str::to_owned);
    let edited = EditedResult {
        facts_json: serde_json::to_string(&r.report).unwrap_or_default(),
        outcome_json: serde_json::to_string(&r.outcome).unwrap_or_default(),
        draft_html: r.draft.html.clone(),
        draft_text: r.draft.text.clone(),
        versions_json: json!({
            "model": r.draft.model_version,
            "rules": r.draft.rules_version,
            "template": r.draft.template_version,
        })
        .to_string(),
        finding_codes: r
            .report
            .flags
            .iter()
            .filter_map(|c| serde_json::to_value(c).ok().and_then(serde_name))
            .collect::<Vec<_>>()
            .join(" "),
        note,
        before: json!({ "field": form.field, "value": r.before, "outcome": outcome_summary(old_outcome.as_ref()) }),
        after: json!({ "field": form.field, "value": r.after, "outcome": outcome_summary(Some(&r.outcome)) }),
    };
    match state
        .store
        .record_edit(&id, &j.court_id, &edited, &j.caller.actor())
        .await
        .map_err(|e| store_failed(&e))?
    {
        Edited::Recorded => Ok(Redirect::to(&format!(
            "/ui/filings/{id}?field={}#changes",
            form.field.replace(['&', '#', '?', ' '], "")
        ))
        .into_response()),
        Edited::NotFound => Err(not_found()),
        Edited::AlreadyDecided(s) => {
            fail(
                format!("此案件已经审核（{}），不能再修改事实。", s.zh()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Edited::NotDrafted(s) => {
            fail(
                format!("此案件当前为“{}”，没有可修改的文书。", s.zh()),
                StatusCode::CONFLICT,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: Option<String>,
}

fn parse_action(s: &str) -> Option<ReviewAction> {
    match s {
        "approve" => Some(ReviewAction::Approve),
        "reject" => Some(ReviewAction::Reject),
        "return_to_bank" => Some(ReviewAction::ReturnToBank),
        _ => None,
    }
}

/// One decision through the store, as the API's decision endpoint makes it (same validation,
/// same function); an approval also records the approved draft version. `Err`: the message.
async fn decide_one(
    state: &AppState,
    j: &Judge,
    id: &FilingId,
    action: ReviewAction,
    reason: Option<&str>,
) -> Result<Result<(), String>, Response> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if action.needs_reason() && reason.is_none() {
        return Ok(Err("驳回或退回须填写理由。".into()));
    }
    if reason.is_some_and(|r| r.chars().count() > 2_000) {
        return Ok(Err("理由最多 2000 字。".into()));
    }
    let actor = j.caller.actor();
    let d = state
        .store
        .decide(id, &j.court_id, action, reason, &actor)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(match d {
        Decided::Recorded => {
            if action == ReviewAction::Approve {
                state
                    .store
                    .record_approved_version(id, &actor)
                    .await
                    .map_err(|e| store_failed(&e))?;
                crate::similar::archive_approved(state, id).await;
            }
            Ok(())
        }
        Decided::NotFound => return Err(not_found()),
        Decided::NotReviewable(s) => Err(format!("此案件状态为“{}”，没有可审核的文书。", s.zh())),
        Decided::AlreadyDecided(s) => Err(format!("此案件已经审核：{}。", s.zh())),
        Decided::Ended(stage) => Err(format!(
            "此案件{}，不能再审核文书。",
            stage.parse::<Stage>().map_or("已结案", Stage::zh)
        )),
    })
}

async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.csrf.as_deref()))?;
    own_filing(&state, &j, &id).await?;
    let q = CaseQuery::default();
    let Some(action) = form.as_ref().and_then(|f| parse_action(&f.action)) else {
        return case_view(
            &state,
            &j,
            &id,
            &q,
            Some(("error", "未知的审核操作。".into())),
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let reason = form.as_ref().and_then(|f| f.reason.clone());
    match decide_one(&state, &j, &id, action, reason.as_deref()).await? {
        Ok(()) => Ok(
            Redirect::to(&format!("/ui/filings/{id}?decided={}", action.as_str())).into_response(),
        ),
        Err(msg) => {
            let status = if msg.contains("理由") {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::CONFLICT
            };
            case_view(&state, &j, &id, &q, Some(("error", msg)), status).await
        }
    }
}

// ---------------------------------------------------------------- documents

fn bytes_response(ct: &'static str, disposition: String, bytes: Vec<u8>) -> Response {
    let mut resp = ([(header::CONTENT_TYPE, ct)], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

async fn draft_html(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
) -> Page {
    let j = judge(&state, &headers).await?;
    own_filing(&state, &j, &id).await?;
    let (_, html, _) = state
        .store
        .draft_of(&id)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(|| page_error(StatusCode::NOT_FOUND, "此案件没有文书草稿。"))?;
    let mut resp = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let h = resp.headers_mut();
    // Framed by the case screen only; the draft itself runs nothing and loads nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'",
        ),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

async fn original_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let f = own_filing(&state, &j, &id).await?;
    let bytes = state
        .store
        .original(&f.record.sha256)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(|| page_error(StatusCode::NOT_FOUND, "原始 PDF 不在存储中。"))?;
    Ok(bytes_response("application/pdf", "inline".into(), bytes))
}

/// The approved draft of an approved filing (DOCX and PDF are built from its blocks).
async fn approved_draft(
    state: &AppState,
    headers: &HeaderMap,
    id: &FilingId,
) -> Result<fincase_core::draft::Draft, Response> {
    let j = judge(state, headers).await?;
    let f = own_filing(state, &j, id).await?;
    if f.review_state != Some(ReviewState::Approved) {
        return Err(page_error(
            StatusCode::CONFLICT,
            "文书尚未批准，批准后才能下载正式文本。",
        ));
    }
    let (kind, html, text) = state
        .store
        .draft_of(id)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(|| page_error(StatusCode::NOT_FOUND, "此案件没有文书。"))?;
    let versions: Value = f
        .versions_json
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or(Value::Null);
    let s = |k: &str| versions[k].as_str().unwrap_or_default().to_owned();
    Ok(fincase_core::draft::Draft {
        kind: match kind.as_deref() {
            Some("judgment") => DocumentKind::Judgment,
            Some("payment_order") => DocumentKind::PaymentOrder,
            _ => DocumentKind::None,
        },
        html,
        text,
        template_version: s("template"),
        rules_version: s("rules"),
        model_version: s("model"),
    })
}

fn download_name(d: &fincase_core::draft::Draft, id: &FilingId, ext: &str) -> String {
    let kind = match d.kind {
        DocumentKind::Judgment => "judgment",
        DocumentKind::PaymentOrder => "payment-order",
        DocumentKind::None => "notice",
    };
    let short: String = id.as_str().chars().take(8).collect();
    format!("attachment; filename=\"{kind}-{short}.{ext}\"")
}

async fn approved_docx(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
) -> Page {
    let d = approved_draft(&state, &headers, &id).await?;
    let name = download_name(&d, &id, "docx");
    let bytes = tokio::task::spawn_blocking(move || fincase_core::draft::to_docx(&d))
        .await
        .map_err(|_| page_error(StatusCode::INTERNAL_SERVER_ERROR, "DOCX 生成失败。"))?
        .map_err(|e| {
            page_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("DOCX 生成失败：{e}"),
            )
        })?;
    Ok(bytes_response(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        name,
        bytes,
    ))
}

async fn approved_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<FilingId>,
) -> Page {
    let d = approved_draft(&state, &headers, &id).await?;
    let name = download_name(&d, &id, "pdf");
    let bytes = tokio::task::spawn_blocking(move || fincase_core::draft::to_pdf(&d))
        .await
        .map_err(|_| page_error(StatusCode::INTERNAL_SERVER_ERROR, "PDF 生成失败。"))?
        .map_err(|e| {
            page_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("PDF 生成失败：{e}"),
            )
        })?;
    Ok(bytes_response("application/pdf", name, bytes))
}

// ---------------------------------------------------------------- alike cases

/// One group of alike pending cases.
struct AlikeGroup {
    id: String,
    key: fincase_core::draft::groups::GroupKey,
    members: Vec<(QueueItem, Yuan)>,
}

/// The court's pending drafted cases grouped by plaintiff and outcome structure (groups of
/// two or more), in queue order.
async fn alike_groups(state: &AppState, j: &Judge) -> Result<Vec<AlikeGroup>, Response> {
    let rows = state
        .store
        .review_queue(&j.court_id, &QueueFilter::default(), QUEUE_LIMIT)
        .await
        .map_err(|e| store_failed(&e))?;
    let today = fincase_pipeline::lifecycle::court_today();
    let mut groups: Vec<AlikeGroup> = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.status == FilingStatus::Drafted && r.review_state.is_none())
    {
        let facts: Option<CaseFacts> = r
            .facts_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let outcome: Option<Outcome> = r
            .outcome_json
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok());
        let (Some(facts), Some(outcome)) = (facts, outcome) else {
            continue;
        };
        let Some((key, entry)) =
            fincase_core::draft::groups::group_entry(&r.name, "", &facts, &outcome)
        else {
            continue;
        };
        let item = queue_item(r, today);
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => g.members.push((item, entry.claimed_total)),
            None => groups.push(AlikeGroup {
                id: super::hash_token(&format!("{}\n{}", key.plaintiff, key.structure))[..16]
                    .to_owned(),
                key,
                members: vec![(item, entry.claimed_total)],
            }),
        }
    }
    groups.retain(|g| g.members.len() >= 2);
    groups.sort_by(|a, b| {
        b.members
            .len()
            .cmp(&a.members.len())
            .then(a.key.cmp(&b.key))
    });
    Ok(groups)
}

#[derive(Debug, Default, Deserialize)]
struct GroupsQuery {
    done: Option<usize>,
}

async fn groups_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    q: Result<Query<GroupsQuery>, QueryRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let groups = alike_groups(&state, &j).await?;
    let view: Vec<Value> = groups
        .iter()
        .map(|g| {
            let amounts: Vec<Yuan> = g.members.iter().map(|(_, a)| *a).collect();
            let sample = view::sample(&amounts);
            let total: Yuan = amounts.iter().copied().sum();
            json!({
                "id": g.id,
                "plaintiff": g.key.plaintiff,
                "label": g.key.label,
                "count": g.members.len(),
                "total": yuan_str(total),
                "ids": g.members.iter().map(|(i, _)| i.id.as_str()).collect::<Vec<_>>().join(","),
                "sample": sample.iter().map(|s| {
                    let (item, amount) = &g.members[s.index];
                    json!({ "item": item, "amount": yuan_str(*amount), "why": s.why.join("、") })
                }).collect::<Vec<_>>(),
                "members": g.members.iter().map(|(i, _)| i).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        "groups.html",
        json!({
            "title": "多案联审",
            "judge": who(&j),
            "groups": view,
            "done": q.ok().and_then(|Query(q)| q.done),
        }),
    ))
}

#[derive(Debug, Deserialize)]
struct GroupForm {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    group: String,
    #[serde(default)]
    ids: String,
    #[serde(default)]
    reviewed: Option<String>,
}

/// Approves the members of a group that the judge saw (the ids the page listed) and that are
/// still in the group and pending: one decision, and one audit entry, per filing.
async fn approve_group(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<GroupForm>, FormRejection>,
) -> Page {
    let j = judge(&state, &headers).await?;
    let form = form.ok().map(|Form(f)| f);
    j.check_csrf(form.as_ref().and_then(|f| f.csrf.as_deref()))?;
    let Some(form) = form else {
        return Err(page_error(StatusCode::BAD_REQUEST, "缺少联审组。"));
    };
    if form.reviewed.is_none() {
        return Err(page_error(
            StatusCode::BAD_REQUEST,
            "请先审阅样本案件，并勾选“我已审阅样本”后再批量批准。",
        ));
    }
    let groups = alike_groups(&state, &j).await?;
    let Some(g) = groups.iter().find(|g| g.id == form.group) else {
        return Err(page_error(
            StatusCode::CONFLICT,
            "此联审组已变化（案件已审核或有新案件），请刷新后重新审阅。",
        ));
    };
    let seen: Vec<&str> = form.ids.split(',').map(str::trim).collect();
    let mut done = 0usize;
    for (item, _) in g
        .members
        .iter()
        .filter(|(i, _)| seen.contains(&i.id.as_str()))
    {
        if decide_one(&state, &j, &item.id, ReviewAction::Approve, None)
            .await?
            .is_ok()
        {
            done += 1;
        }
    }
    Ok(Redirect::to(&format!("/ui/groups?done={done}")).into_response())
}

// ---------------------------------------------------------------- assets

async fn css() -> Response {
    let mut r = (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../../assets/ui/ui.css"),
    )
        .into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    r
}

async fn js() -> Response {
    let mut r = (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../../../../assets/ui/ui.js"),
    )
        .into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provenance_paths_reach_into_lists() {
        let v = json!({ "claims": { "principal": "100.00" }, "defendants": [{ "name": "甲" }, { "name": "乙" }] });
        assert_eq!(shown_value(value_at(&v, "claims.principal")), "100.00");
        assert_eq!(shown_value(value_at(&v, "defendants[1].name")), "乙");
        assert_eq!(shown_value(value_at(&v, "defendants[5].name")), "—");
        assert_eq!(field_label("defendants[1].name"), "被告2 姓名/名称");
        assert_eq!(field_label("no_such_field"), "no_such_field");
    }

    #[test]
    fn spans_split_on_chars_not_bytes() {
        let (b, m, a) = split_span("借款本金100000元", 4, 10);
        assert_eq!(
            (b.as_str(), m.as_str(), a.as_str()),
            ("借款本金", "100000", "元")
        );
        let (b, m, a) = split_span("短", 3, 9);
        assert_eq!((b.as_str(), m.as_str(), a.as_str()), ("短", "", ""));
    }

    #[test]
    fn every_template_compiles() {
        for name in [
            "base.html",
            "login.html",
            "error.html",
            "queue.html",
            "case.html",
            "groups.html",
        ] {
            if let Err(e) = env().get_template(name) {
                panic!("{name}: {e:#}");
            }
        }
    }
}
