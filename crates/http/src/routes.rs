//! Handlers and wire types of `/api/v1`, plus `/healthz` and `/readyz`.
//!
//! Roles and tenancy: every handler takes a [`Caller`] and asks [`authorize`] (in `auth.rs`,
//! with the table of who may do what): 403 when the role may never do it, 404 when the record
//! is outside the caller's tenancy, exactly as an id that does not exist (ids are v4 uuids:
//! not guessable, and existence is not leaked).

use super::auth::{Act, Grant, authorize, mask_report};
use super::{ApiError, AppState, intake, issue_token_as};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use fincase_core::domain::{BatchId, CourtId, FilingId, FilingStatus};
use fincase_store::{Admitted, Decided, FilingScope, NewBatch, NewFiling, ReviewAction, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/v1/batches", post(post_batch))
        .route("/api/v1/batches/{id}", get(get_batch))
        .route("/api/v1/filings/{id}", get(get_filing))
        .route("/api/v1/filings/{id}/draft", get(get_draft))
        .route("/api/v1/filings/{id}/similar", get(get_similar))
        .route("/api/v1/tokens", post(post_token))
        .route("/api/v1/filings", get(list_filings))
        .route("/api/v1/filings/{id}/decision", post(post_decision))
        .route(
            "/api/v1/filings/{id}/lifecycle",
            get(super::lifecycle::get_lifecycle).post(super::lifecycle::post_lifecycle),
        )
        .route(
            "/api/v1/filings/{id}/papers/{seq}",
            get(super::lifecycle::get_paper),
        )
        .route("/api/v1/lifecycle/bulk", post(super::lifecycle::post_bulk))
        .route(
            "/api/v1/webhooks",
            get(super::webhooks::list_webhooks).post(super::webhooks::post_webhook),
        )
        .route("/api/v1/courts", get(list_courts).post(post_court))
        .route("/api/v1/stats", get(get_stats))
        .route("/api/v1/audit", get(get_audit))
        .route("/api/v1/search", get(search))
        .route("/api/v1/openapi.json", get(super::openapi::openapi_json))
        .route("/metrics", get(super::metrics::get_metrics))
        .route("/docs", get(super::openapi::docs_index))
        .route("/docs/swagger-ui.css", get(super::openapi::docs_css))
        .route(
            "/docs/swagger-ui-bundle.js",
            get(super::openapi::docs_bundle),
        )
        .route(
            "/docs/swagger-initializer.js",
            get(super::openapi::docs_initializer),
        )
        // The judges' review screens (`ui/`): session cookie or a judge's Bearer token.
        .merge(super::ui::routes())
        .fallback(|| async { ApiError::not_found("route") })
}

pub use super::auth::Caller;

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.queue_counts(None).await {
        Ok(q) => Json(serde_json::json!({
            "status": "ready",
            "backend": state.store.backend(),
            "queue": q,
        }))
        .into_response(),
        Err(e) => {
            tracing::warn!(error = %fincase_core::extract::pii::mask(&e.to_string()), "not ready");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "NOT_READY",
                "the case database does not answer",
            )
            .into_response()
        }
    }
}

/// One filing accepted into a batch.
#[derive(Debug, Serialize)]
struct Filed {
    name: String,
    filing_id: FilingId,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

/// One file that the organisation had already filed.
#[derive(Debug, Serialize, Deserialize)]
struct Duplicate {
    name: String,
    filing_id: FilingId,
    batch_id: BatchId,
}

/// The 202 answer to an upload.
#[derive(Debug, Serialize)]
struct BatchAccepted {
    batch_id: BatchId,
    status_url: String,
    filed: Vec<Filed>,
    duplicates: Vec<Duplicate>,
    skipped: Vec<String>,
}

/// What intake recorded with the batch.
#[derive(Debug, Default, Serialize, Deserialize)]
struct IntakeReport {
    #[serde(default)]
    duplicates: Vec<Duplicate>,
    #[serde(default)]
    skipped: Vec<String>,
}

/// Removes the staging folder however the handler ends.
struct Staging(std::path::PathBuf);

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn post_batch(
    State(state): State<AppState>,
    caller: Caller,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    authorize(&caller, Act::SubmitBatch)?;
    let multipart = multipart.map_err(|e| {
        ApiError::bad_request(
            "BAD_MULTIPART",
            format!("expected multipart/form-data: {}", e.body_text()),
        )
    })?;
    let batch_id = BatchId::new(uuid::Uuid::new_v4().to_string());
    let staging = Staging(state.index_dir.join("uploads").join(batch_id.as_str()));
    let limits = &state.config.limits;
    let received = intake::receive(multipart, &staging.0, limits).await;
    let intake = match received {
        Ok(i) => i,
        Err(e) => {
            tracing::info!(
                code = e.code,
                reason = %super::mask_for_log(&e.message),
                "upload rejected"
            );
            return Err(e);
        }
    };
    let mut new = Vec::with_capacity(intake.files.len());
    let mut bytes = 0u64;
    for f in &intake.files {
        bytes += tokio::fs::metadata(&f.path).await.map_or(0, |m| m.len());
        new.push(NewFiling {
            id: FilingId::new(uuid::Uuid::new_v4().to_string()),
            name: f.name.clone(),
            sha256: f.sha256.clone(),
            reference: intake.references.get(&f.name).cloned(),
        });
    }
    let originals: Vec<(&std::path::Path, &str)> = intake
        .files
        .iter()
        .map(|f| (f.path.as_path(), f.sha256.as_str()))
        .collect();
    state.store.put_original_files(&originals).await?;
    let input = if intake.files.len() == 1 {
        fincase_core::extract::pii::mask(&intake.files[0].name)
    } else {
        format!("{} files", intake.files.len())
    };
    let mut report = IntakeReport {
        duplicates: Vec::new(),
        skipped: intake.skipped.clone(),
    };
    // Duplicates are known only inside the transaction; the report is written after it.
    let admitted = state
        .store
        .admit_batch(
            &NewBatch {
                id: batch_id.clone(),
                org: caller.org.clone(),
                input,
                intake_json: None,
            },
            &new,
            state.config.workers.max_attempts.max(1),
            &caller.actor(),
        )
        .await?;
    let mut filed = Vec::new();
    for (f, a) in new.iter().zip(admitted) {
        match a {
            Admitted::Queued { filing_id } => filed.push(Filed {
                name: f.name.clone(),
                filing_id,
                reference: f.reference.clone(),
            }),
            Admitted::Duplicate {
                filing_id,
                batch_id,
            } => report.duplicates.push(Duplicate {
                name: f.name.clone(),
                filing_id,
                batch_id,
            }),
        }
    }
    if !report.duplicates.is_empty() || !report.skipped.is_empty() {
        let json = serde_json::to_string(&report).unwrap_or_default();
        state.store.set_intake_report(&batch_id, &json).await?;
    }
    tracing::info!(
        batch_id = batch_id.as_str(),
        filed = filed.len(),
        duplicates = report.duplicates.len(),
        "batch accepted"
    );
    state
        .metrics
        .observe_intake(filed.len(), report.duplicates.len(), bytes);
    let body = BatchAccepted {
        status_url: format!("/api/v1/batches/{batch_id}"),
        batch_id,
        filed,
        duplicates: report.duplicates,
        skipped: report.skipped,
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// One filing's line in a batch status.
#[derive(Debug, Serialize)]
struct FilingLine {
    filing_id: FilingId,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    status: FilingStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// Findings of severity review or reject (pre-check and extraction), so that a bank sees
    /// why a filing was rejected or held for review; info findings are on the filing itself.
    findings: Vec<FindingLine>,
}

/// One finding in a batch status line.
#[derive(Debug, Serialize, Deserialize)]
struct FindingLine {
    code: fincase_core::domain::FindingCode,
    severity: fincase_core::domain::Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    message: String,
}

/// The part of a stored report a batch status reads (other fields are skipped unparsed).
#[derive(Debug, Deserialize)]
struct StoredFindings {
    #[serde(default)]
    findings: Vec<FindingLine>,
}

/// Lines per batch status page when the client does not say.
const BATCH_PAGE_DEFAULT: i64 = 500;
/// Most lines per batch status page (a 15,000-filing batch takes 8 pages at most).
const BATCH_PAGE_MAX: i64 = 2_000;

#[derive(Debug, Deserialize)]
struct PageQuery {
    offset: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/batches/{id}`.
#[derive(Debug, Serialize)]
struct BatchStatus {
    batch_id: BatchId,
    created_at: String,
    /// Filings in the whole batch.
    total: i64,
    /// Filings per status, whole batch (`queued`, `processing`, `drafted`, `needs_review`,
    /// `needs_ocr`, `rejected`, `failed`).
    counts: BTreeMap<FilingStatus, i64>,
    /// True when no filing is queued or processing.
    finished: bool,
    /// This page: `filings` are lines `offset..offset + limit` by name.
    offset: i64,
    limit: i64,
    /// Where the next page starts (`None` on the last page).
    next_offset: Option<i64>,
    filings: Vec<FilingLine>,
    duplicates: Vec<Duplicate>,
    skipped: Vec<String>,
}

async fn get_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<BatchId>,
    page: QueryResult<PageQuery>,
) -> Result<Json<BatchStatus>, ApiError> {
    let page = read_query(page)?;
    let offset = page.offset.unwrap_or(0);
    let limit = page.limit.unwrap_or(BATCH_PAGE_DEFAULT);
    if offset < 0 || !(1..=BATCH_PAGE_MAX).contains(&limit) {
        return Err(ApiError::bad_request(
            "BAD_QUERY",
            format!("offset must be ≥ 0 and limit between 1 and {BATCH_PAGE_MAX}"),
        ));
    }
    let batch = state.store.batch_view(&id).await?;
    authorize(&caller, Act::ReadBatch(batch.as_ref()))?;
    let batch = batch.ok_or_else(|| ApiError::not_found("batch"))?;
    let counts: BTreeMap<FilingStatus, i64> = state
        .store
        .batch_status_counts(&id)
        .await?
        .into_iter()
        .collect();
    let total = counts.values().sum();
    let finished = !counts.keys().any(|s| s.in_progress());
    let lines = state.store.batch_filing_page(&id, offset, limit).await?;
    let end = offset.saturating_add(lines.len() as i64);
    let report: IntakeReport = batch
        .intake_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    Ok(Json(BatchStatus {
        batch_id: batch.id,
        created_at: batch.started_at,
        total,
        counts,
        finished,
        offset,
        limit,
        next_offset: (end < total).then_some(end),
        filings: lines
            .into_iter()
            .map(|f| {
                let findings = f
                    .facts_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<StoredFindings>(j).ok())
                    .map(|s| s.findings)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|x| x.severity >= fincase_core::domain::Severity::Review)
                    .collect();
                FilingLine {
                    filing_id: f.id,
                    name: f.name,
                    reference: f.reference,
                    status: f.status,
                    reason: f.reason,
                    findings,
                }
            })
            .collect(),
        duplicates: report.duplicates,
        skipped: report.skipped,
    }))
}

/// `GET /api/v1/filings/{id}`.
#[derive(Debug, Serialize)]
struct FilingAnswer {
    filing_id: FilingId,
    batch_id: BatchId,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    sha256: String,
    status: FilingStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// The gold schema's fields (null until processed).
    facts: serde_json::Value,
    /// Flag codes.
    flags: serde_json::Value,
    /// Findings with reasons.
    findings: serde_json::Value,
    /// Where each field came from.
    provenance: serde_json::Value,
    /// The dossier (智能编目): each document of the filing with its type, page range, title and
    /// confidence; empty for a filing recorded before the catalogue ran.
    dossier: serde_json::Value,
    /// Suggested outcome with its trail.
    outcome: serde_json::Value,
    /// The draft (or notice), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<DraftLink>,
    /// The court it is assigned to (`null`: not matched to a configured court).
    court_id: Option<CourtId>,
    /// The judge's decision, once made.
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<Review>,
}

/// A judge's decision as answered.
#[derive(Debug, Serialize)]
struct Review {
    /// `approved`, `rejected` or `returned_to_bank`.
    state: fincase_core::domain::ReviewState,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

#[derive(Debug, Serialize)]
struct DraftLink {
    kind: String,
    html_url: String,
    text_url: String,
}

async fn get_filing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
) -> Result<Response, ApiError> {
    let f = state.store.filing_view(&id).await?;
    let grant = authorize(&caller, Act::ReadFiling(f.as_ref()))?;
    let f = f.ok_or_else(|| ApiError::not_found("filing"))?;
    let mut report: serde_json::Value = f
        .record
        .facts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(serde_json::Value::Null);
    let mut take = |k: &str| {
        report
            .as_object_mut()
            .and_then(|o| o.remove(k))
            .unwrap_or(serde_json::Value::Null)
    };
    let (flags, findings, provenance) = (take("flags"), take("findings"), take("provenance"));
    let dossier = match take("dossier") {
        serde_json::Value::Null => serde_json::Value::Array(Vec::new()),
        d => d,
    };
    if grant == Grant::Masked {
        // The analyst: masked facts and findings; no names of files, no provenance (quoted
        // text), no outcome, no drafts.
        if let Some(o) = report.as_object_mut() {
            o.insert("findings".into(), findings);
        }
        let mut facts = mask_report(report);
        let findings = facts
            .as_object_mut()
            .and_then(|o| o.remove("findings"))
            .unwrap_or_default();
        return Ok(Json(serde_json::json!({
            "filing_id": f.record.id,
            "status": f.record.status,
            "review_state": f.review_state,
            "facts": facts,
            "flags": flags,
            "findings": findings,
        }))
        .into_response());
    }
    let outcome = f
        .record
        .outcome_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or(serde_json::Value::Null);
    let draft = f.draft_kind.clone().map(|kind| DraftLink {
        kind,
        html_url: format!("/api/v1/filings/{}/draft", f.record.id),
        text_url: format!("/api/v1/filings/{}/draft?format=text", f.record.id),
    });
    let review = f.review_state.map(|state| Review {
        state,
        reason: f.review_reason.clone(),
    });
    Ok(Json(FilingAnswer {
        court_id: f.court_id,
        review,
        filing_id: f.record.id,
        batch_id: f.record.batch_id,
        name: f.record.name,
        reference: f.reference,
        sha256: f.record.sha256,
        status: f.record.status,
        reason: f.record.reason,
        facts: report,
        flags,
        findings,
        provenance,
        dossier,
        outcome,
        draft,
    })
    .into_response())
}

#[derive(Debug, Deserialize)]
struct DraftQuery {
    format: Option<String>,
}

async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::ReadDraft(f.as_ref()))?;
    let (_, html, text) = state
        .store
        .draft_of(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("draft"))?;
    Ok(match q.format.as_deref() {
        Some("text") => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
        }
        _ => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
    })
}

#[derive(Debug, Deserialize)]
struct TokenRequest {
    /// The organisation (a judge's defaults to the court's name).
    #[serde(default)]
    org: String,
    role: Role,
    #[serde(default)]
    label: String,
    /// A judge's court (required for a judge, refused for the other roles).
    #[serde(default)]
    court_id: Option<CourtId>,
}

async fn post_token(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<TokenRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    authorize(&caller, Act::ManageTokens)?;
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let court = match (req.role, req.court_id.as_ref()) {
        (Role::Judge, Some(id)) => Some(state.store.court(id).await?.ok_or_else(|| {
            ApiError::bad_request(
                "UNKNOWN_COURT",
                "court_id names no court (POST /api/v1/courts)",
            )
        })?),
        (Role::Judge, None) => {
            return Err(ApiError::bad_request(
                "COURT_REQUIRED",
                "a judge token belongs to a court: give court_id",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::bad_request(
                "COURT_NOT_ALLOWED",
                "only a judge token belongs to a court",
            ));
        }
        (_, None) => None,
    };
    let org = match (req.org.trim(), &court) {
        ("", Some(c)) => c.name.clone(),
        (o, _) => o.to_owned(),
    };
    if org.is_empty() || org.chars().count() > 100 || req.label.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "BAD_ORG",
            "org must have 1 to 100 characters (label at most 200)",
        ));
    }
    let court_id = court.as_ref().map(|c| &c.id);
    let token = issue_token_as(
        &state.store,
        &org,
        req.role,
        &req.label,
        court_id,
        &caller.actor(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({
            "token": token, "org": org, "role": req.role, "court_id": court_id,
        })),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<usize>,
}

/// Most hits per search.
const SEARCH_LIMIT_MAX: usize = 100;

/// `GET /api/v1/search?q=…&limit=…`: full-text search over processed filings, limited to
/// what the caller may see (a bank: its organisation's filings; an admin: all). The index
/// follows the database (`search::follow`), so a filing appears a poll interval after its
/// result is recorded.
async fn search(
    State(state): State<AppState>,
    caller: Caller,
    query: QueryResult<SearchQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    // Decided before the query is read: a caller who may not search learns nothing.
    let scope = match authorize(&caller, Act::Search)? {
        Grant::Scope(s) => s,
        Grant::Full | Grant::Masked => FilingScope::All,
    };
    let q = read_query(query)?;
    let limit = q.limit.unwrap_or(20);
    if q.q.trim().is_empty()
        || q.q.chars().count() > 200
        || !(1..=SEARCH_LIMIT_MAX).contains(&limit)
    {
        return Err(ApiError::bad_request(
            "BAD_QUERY",
            format!("q must have 1 to 200 characters and limit be 1 to {SEARCH_LIMIT_MAX}"),
        ));
    }
    let index = state.search.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SEARCH_UNAVAILABLE",
            "this node keeps no search index",
        )
    })?;
    let failed = |e: String| {
        tracing::warn!(error = %super::mask_for_log(&e), "search failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SEARCH_FAILED",
            "the search index could not answer",
        )
    };
    let hits = tokio::task::spawn_blocking(move || {
        let scope = match &scope {
            FilingScope::All => fincase_store::search::SearchScope::All,
            FilingScope::Org(o) => fincase_store::search::SearchScope::Org(o),
            FilingScope::Court(c) => fincase_store::search::SearchScope::Court(c),
        };
        index.search_in(&q.q, limit, scope)
    })
    .await
    .map_err(|e| failed(e.to_string()))?
    .map_err(|e| failed(e.to_string()))?;
    Ok(Json(serde_json::json!({ "hits": hits })))
}

#[derive(Debug, Deserialize)]
struct SimilarQuery {
    limit: Option<usize>,
}

/// Most similar cases per request.
const SIMILAR_LIMIT_MAX: usize = 50;

/// `GET /api/v1/filings/{id}/similar?limit=…`: the decided cases of the archive most like
/// this filing (BM25 candidates re-ranked by legal elements), each with its decision, and a
/// count of what they decided. Whoever may read the filing may ask.
async fn get_similar(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
    query: QueryResult<SimilarQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::ReadFiling(f.as_ref()))?;
    f.ok_or_else(|| ApiError::not_found("filing"))?;
    let q = read_query(query)?;
    let limit = q.limit.unwrap_or(10);
    if !(1..=SIMILAR_LIMIT_MAX).contains(&limit) {
        return Err(ApiError::bad_request(
            "BAD_QUERY",
            format!("limit must be 1 to {SIMILAR_LIMIT_MAX}"),
        ));
    }
    let (summary, cases) = super::similar::similar_cases(&state, &id, limit).await?;
    Ok(Json(serde_json::json!({
        "filing_id": id,
        "summary": summary,
        "cases": cases,
    })))
}

/// A query string as axum hands it over: parsed, or why not.
type QueryResult<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// The parsed query string, or a 400 `BAD_QUERY` that says what was wrong with it.
fn read_query<T>(query: QueryResult<T>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request("BAD_QUERY", e.body_text()))
}

/// Page size of the cursor listings (filings, audit): 100 when absent, at most 1,000.
fn list_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::bad_request(
            "BAD_QUERY",
            "limit must be between 1 and 1000",
        ));
    }
    Ok(limit)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    /// Cursor: the last filing id of the previous page.
    after: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/v1/filings?after=<id>&limit=<n>`: the filings the caller may see, by id (a bank:
/// its organisation's; a judge: its court's; an analyst: all, names masked; an admin: all).
async fn list_filings(
    State(state): State<AppState>,
    caller: Caller,
    query: QueryResult<ListQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let grant = authorize(&caller, Act::ListFilings)?;
    let q = read_query(query)?;
    let limit = list_limit(q.limit)?;
    let scope = match &grant {
        Grant::Scope(s) => s.clone(),
        Grant::Full | Grant::Masked => FilingScope::All,
    };
    let rows = state
        .store
        .list_filings(&scope, q.after.as_deref().unwrap_or(""), limit)
        .await?;
    let next = (rows.len() as i64 == limit)
        .then(|| rows.last().map(|r| r.id.clone()))
        .flatten();
    let masked = grant == Grant::Masked;
    let filings: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| {
            let mut v = serde_json::json!({
                "filing_id": r.id,
                "status": r.status,
                "court_id": r.court_id,
                "review_state": r.review_state,
            });
            if !masked {
                v["batch_id"] = r.batch_id.as_str().into();
                v["name"] = r.name.into();
            }
            v
        })
        .collect();
    Ok(Json(
        serde_json::json!({ "filings": filings, "next_after": next }),
    ))
}

#[derive(Debug, Deserialize)]
struct DecisionRequest {
    action: ReviewAction,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/v1/filings/{id}/decision` `{action: approve | reject | return_to_bank, reason}`:
/// a judge decides on a drafted filing of their court (once); audited.
async fn post_decision(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
    body: Result<Json<DecisionRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::Decide(f.as_ref()))?;
    let court_id = caller
        .court_id
        .clone()
        .ok_or_else(|| ApiError::not_found("filing"))?;
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if req.action.needs_reason() && reason.is_none() {
        return Err(ApiError::bad_request(
            "REASON_REQUIRED",
            format!("{} needs a reason", req.action.as_str()),
        ));
    }
    if reason.is_some_and(|r| r.chars().count() > 2_000) {
        return Err(ApiError::bad_request(
            "REASON_TOO_LONG",
            "a reason has at most 2000 characters",
        ));
    }
    let decided = state
        .store
        .decide(&id, &court_id, req.action, reason, &caller.actor())
        .await?;
    if matches!(decided, Decided::Recorded) && req.action == ReviewAction::Approve {
        super::similar::archive_approved(&state, &id).await;
    }
    match decided {
        Decided::Recorded => Ok(Json(serde_json::json!({
            "filing_id": id,
            "review_state": req.action.review_state(),
            "reason": reason,
        }))
        .into_response()),
        Decided::NotFound => Err(ApiError::not_found("filing")),
        Decided::NotReviewable(status) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "NOT_REVIEWABLE",
            format!(
                "only a drafted filing is decided on; this one is {}",
                status.as_str()
            ),
        )),
        Decided::Ended(stage) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "CASE_ENDED",
            format!("this case ended without a decision on its draft (lifecycle stage {stage})"),
        )),
        Decided::AlreadyDecided(st) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "ALREADY_DECIDED",
            format!("this filing was already decided: {}", st.as_str()),
        )),
    }
}

/// `GET /api/v1/courts` (admin).
async fn list_courts(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&caller, Act::ManageCourts)?;
    Ok(Json(
        serde_json::json!({ "courts": state.store.courts().await? }),
    ))
}

#[derive(Debug, Deserialize)]
struct CourtRequest {
    name: String,
}

/// `POST /api/v1/courts` `{name}` (admin): 201 with the court; filings already recorded that
/// address it are assigned to it.
async fn post_court(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<CourtRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    authorize(&caller, Act::ManageCourts)?;
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let name = fincase_store::normalize_court_name(&req.name);
    if !name.ends_with("法院") || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "BAD_COURT_NAME",
            "a court's name is its full name ending in 法院 (at most 100 characters)",
        ));
    }
    match state.store.create_court(&name, &caller.actor()).await? {
        Some(court) => Ok((StatusCode::CREATED, Json(court)).into_response()),
        None => Err(ApiError::new(
            StatusCode::CONFLICT,
            "COURT_EXISTS",
            "a court of that name exists",
        )),
    }
}

/// `GET /api/v1/stats` (analyst, admin): filings per status, case type, finding, review state.
async fn get_stats(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<fincase_store::Stats>, ApiError> {
    authorize(&caller, Act::ReadStats)?;
    Ok(Json(state.store.stats().await?))
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    /// Entries after this seq (0: from the start).
    after: Option<i64>,
    limit: Option<i64>,
}

/// `GET /api/v1/audit?after=<seq>&limit=<n>` (admin): the audit log, oldest first.
async fn get_audit(
    State(state): State<AppState>,
    caller: Caller,
    query: QueryResult<AuditQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&caller, Act::ReadAudit)?;
    let q = read_query(query)?;
    let limit = list_limit(q.limit)?;
    let entries = state
        .store
        .audit_entries(q.after.unwrap_or(0).max(0), limit)
        .await?;
    let next = (entries.len() as i64 == limit)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(
        serde_json::json!({ "entries": entries, "next_after": next }),
    ))
}
