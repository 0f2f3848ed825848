//! Handlers and wire types of `/api/v1`, plus `/healthz` and `/readyz`.
//!
//! Tenancy: a `bank` caller sees only its organisation's batches and filings; anything else
//! answers 404, exactly as an id that does not exist (ids are v4 uuids: not guessable, and
//! existence is not leaked). `admin` sees everything and issues tokens.

use super::{ApiError, AppState, hash_token, intake, issue_token};
use crate::store::{Admitted, NewBatch, NewFiling, Role};
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
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
        .route("/api/v1/tokens", post(post_token))
        .fallback(|| async { ApiError::not_found("route") })
}

/// The authenticated caller: organisation and role, from `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The organisation the token acts for.
    pub org: String,
    /// Its role.
    pub role: Role,
}

impl Caller {
    /// True when the caller may see a record owned by `org` (`None`: command-line records,
    /// admin only).
    pub fn may_see(&self, org: Option<&str>) -> bool {
        self.role == Role::Admin || org == Some(self.org.as_str())
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        let rec = state
            .store
            .token(&hash_token(token))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        tracing::Span::current().record("org", rec.org.as_str());
        Ok(Caller {
            org: rec.org,
            role: rec.role,
        })
    }
}

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
            tracing::warn!(error = %crate::extract::pii::mask(&e.to_string()), "not ready");
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
    filing_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

/// One file that the organisation had already filed.
#[derive(Debug, Serialize, Deserialize)]
struct Duplicate {
    name: String,
    filing_id: String,
    batch_id: String,
}

/// The 202 answer to an upload.
#[derive(Debug, Serialize)]
struct BatchAccepted {
    batch_id: String,
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
    if caller.role != Role::Bank {
        return Err(ApiError::forbidden("only a bank token submits batches"));
    }
    let multipart = multipart.map_err(|e| {
        ApiError::bad_request(
            "BAD_MULTIPART",
            format!("expected multipart/form-data: {}", e.body_text()),
        )
    })?;
    let batch_id = uuid::Uuid::new_v4().to_string();
    let staging = Staging(state.index_dir.join("uploads").join(&batch_id));
    let limits = &state.config.limits;
    let received = intake::receive(multipart, &staging.0, limits).await;
    let intake = match received {
        Ok(i) => i,
        Err(e) => {
            tracing::info!(code = e.code, reason = %e.message, "upload rejected");
            return Err(e);
        }
    };
    let mut new = Vec::with_capacity(intake.files.len());
    for f in &intake.files {
        state.store.put_original_file(&f.path, &f.sha256).await?;
        new.push(NewFiling {
            id: uuid::Uuid::new_v4().to_string(),
            name: f.name.clone(),
            sha256: f.sha256.clone(),
            reference: intake.references.get(&f.name).cloned(),
        });
    }
    let input = if intake.files.len() == 1 {
        crate::extract::pii::mask(&intake.files[0].name)
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
    filing_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// `GET /api/v1/batches/{id}`.
#[derive(Debug, Serialize)]
struct BatchStatus {
    batch_id: String,
    created_at: String,
    total: usize,
    /// Filings per status (`queued`, `processing`, `drafted`, `needs_review`, `needs_ocr`,
    /// `rejected`, `failed`).
    counts: BTreeMap<String, usize>,
    /// True when no filing is queued or processing.
    finished: bool,
    filings: Vec<FilingLine>,
    duplicates: Vec<Duplicate>,
    skipped: Vec<String>,
}

async fn get_batch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<BatchStatus>, ApiError> {
    let batch = state
        .store
        .batch_view(&id)
        .await?
        .filter(|b| caller.may_see(b.org.as_deref()))
        .ok_or_else(|| ApiError::not_found("batch"))?;
    let filings = state.store.filing_views_of_batch(&id).await?;
    let mut counts = BTreeMap::new();
    for f in &filings {
        *counts.entry(f.record.status.clone()).or_insert(0) += 1;
    }
    let finished = !filings
        .iter()
        .any(|f| matches!(f.record.status.as_str(), "queued" | "processing"));
    let report: IntakeReport = batch
        .intake_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    Ok(Json(BatchStatus {
        batch_id: batch.id,
        created_at: batch.started_at,
        total: filings.len(),
        counts,
        finished,
        filings: filings
            .into_iter()
            .map(|f| FilingLine {
                filing_id: f.record.id,
                name: f.record.name,
                reference: f.reference,
                status: f.record.status,
                reason: f.record.reason,
            })
            .collect(),
        duplicates: report.duplicates,
        skipped: report.skipped,
    }))
}

/// `GET /api/v1/filings/{id}`.
#[derive(Debug, Serialize)]
struct FilingAnswer {
    filing_id: String,
    batch_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    sha256: String,
    status: String,
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
    /// Suggested outcome with its trail.
    outcome: serde_json::Value,
    /// The draft (or notice), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<DraftLink>,
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
    Path(id): Path<String>,
) -> Result<Json<FilingAnswer>, ApiError> {
    let f = state
        .store
        .filing_view(&id)
        .await?
        .filter(|f| caller.may_see(f.org.as_deref()))
        .ok_or_else(|| ApiError::not_found("filing"))?;
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
    Ok(Json(FilingAnswer {
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
        outcome,
        draft,
    }))
}

#[derive(Debug, Deserialize)]
struct DraftQuery {
    format: Option<String>,
}

async fn get_draft(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<DraftQuery>,
) -> Result<Response, ApiError> {
    let visible = state
        .store
        .filing_view(&id)
        .await?
        .is_some_and(|f| caller.may_see(f.org.as_deref()));
    if !visible {
        return Err(ApiError::not_found("filing"));
    }
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
    org: String,
    role: Role,
    #[serde(default)]
    label: String,
}

async fn post_token(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<TokenRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    if caller.role != Role::Admin {
        return Err(ApiError::forbidden("only an admin token issues tokens"));
    }
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let org = req.org.trim();
    if org.is_empty() || org.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "BAD_ORG",
            "org must have 1 to 100 characters",
        ));
    }
    let token = issue_token(&state.store, org, req.role, &req.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "token": token, "org": org, "role": req.role })),
    )
        .into_response())
}
