//! The lifecycle API (issue 25): what happened to a filing after its draft, and the judge's
//! acts on it (service, objection, appeal, effect, enforcement, mediation, withdrawal), one
//! filing at a time or in bulk. The machine is `fincase_core::lifecycle`; the acts are
//! `fincase_pipeline::lifecycle::act` (one audit entry per filing and event).
//!
//! | route | bank | judge | analyst | admin |
//! |---|---|---|---|---|
//! | `GET /api/v1/filings/{id}/lifecycle` | own org | own court | 403 | yes |
//! | `GET /api/v1/filings/{id}/papers/{seq}` | own org | own court | 403 | yes |
//! | `POST /api/v1/filings/{id}/lifecycle` | 403 | own court | 403 | 403 |
//! | `POST /api/v1/lifecycle/bulk` | 403 | own court | 403 | 403 |

use super::auth::{Act, authorize};
use super::{ApiError, AppState, Caller};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fincase_core::domain::FilingId;
use fincase_core::lifecycle::{Calendar, Event, Stage};
use fincase_pipeline::lifecycle::{ActResult, act, court_today, current, paper_bytes};
use fincase_store::{FilingScope, Role};
use serde::Deserialize;

/// The most filings one bulk act may name.
pub(super) const BULK_MAX: usize = 10_000;

/// Who recorded an event, as the caller may see it: a bank sees "法院" or "系统", not the
/// judge's token label.
fn who(actor: &str, caller: &Caller) -> String {
    if caller.role == Role::Bank {
        if actor == "system" {
            "系统"
        } else {
            "法院"
        }
        .to_owned()
    } else {
        actor.to_owned()
    }
}

/// `GET /api/v1/filings/{id}/lifecycle`: the stage, what it means today, the deadlines and
/// the history with links to the papers.
pub(super) async fn get_lifecycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::ReadLifecycle(f.as_ref()))?;
    let record = state
        .store
        .lifecycle_record(&id, &FilingScope::All)
        .await?
        .ok_or_else(|| ApiError::not_found("filing"))?;
    let today = court_today();
    let cal = Calendar::shipped();
    let (lc, seeds) = current(&record, today, cal)
        .map_err(|r| ApiError::new(StatusCode::CONFLICT, "LIFECYCLE_UNREADABLE", r.message))?;
    let rows = state.store.lifecycle_events(&id).await?;
    let mut history: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let event: Option<Event> = serde_json::from_str(&r.event_json).ok();
            serde_json::json!({
                "seq": r.seq,
                "event": r.event,
                "on": r.on_date,
                "what": event.as_ref().map(Event::zh),
                "stage_before": r.stage_before,
                "stage_after": r.stage_after,
                "stage_after_zh": r.stage_after.parse::<Stage>().ok().map(Stage::zh),
                "by": who(&r.actor, &caller),
                "paper": r.paper_kind.as_ref().map(|k| serde_json::json!({
                    "kind": k,
                    "href": format!("/api/v1/filings/{id}/papers/{}", r.seq),
                })),
            })
        })
        .collect();
    // Before the first act, the record's drafting and decision (not yet stored as events).
    history.extend(seeds.iter().map(|e| {
        serde_json::json!({
            "seq": null,
            "event": e.name(),
            "on": e.on().to_string(),
            "what": e.zh(),
            "by": who("system", &caller),
        })
    }));
    Ok(Json(serde_json::json!({
        "filing_id": id,
        "stage": lc.stage,
        "stage_zh": lc.stage.zh(),
        "status": lc.status_zh(today, cal),
        "document": lc.track.map(|t| t.document_zh()),
        "window_end": lc.window_end(cal),
        "effective_on": lc.effective_on,
        "perform_by": lc.perform_by,
        "enforce_by": lc.enforce_by,
        "deadlines": lc.deadlines(cal),
        "history": history,
        "today": today,
    })))
}

#[derive(Debug, Deserialize)]
pub(super) struct PaperQuery {
    #[serde(default)]
    format: Option<String>,
}

/// `GET /api/v1/filings/{id}/papers/{seq}?format=html|text|docx|pdf`: the paper event `seq`
/// produced.
pub(super) async fn get_paper(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, seq)): Path<(FilingId, i64)>,
    Query(q): Query<PaperQuery>,
) -> Result<Response, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::ReadLifecycle(f.as_ref()))?;
    let paper = state
        .store
        .lifecycle_paper(&id, seq)
        .await?
        .ok_or_else(|| ApiError::not_found("paper"))?;
    let name = format!("{}-{}-{seq}", paper.kind, id.as_str());
    let fmt = q.format.as_deref().unwrap_or("html");
    let binary = |ct: &'static str, ext: &str, bytes: Vec<u8>| {
        (
            [
                (header::CONTENT_TYPE, ct.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{ext}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    };
    let failed = |e: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "PAPER_FAILED", e);
    Ok(match fmt {
        "text" => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            paper.text,
        )
            .into_response(),
        "html" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            paper.html,
        )
            .into_response(),
        "docx" | "pdf" => {
            let pdf = fmt == "pdf";
            let bytes = tokio::task::spawn_blocking(move || paper_bytes(paper, pdf))
                .await
                .map_err(|e| failed(e.to_string()))?
                .map_err(|e| failed(e.to_string()))?;
            if pdf {
                binary("application/pdf", "pdf", bytes)
            } else {
                binary(
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                    bytes,
                )
            }
        }
        other => {
            return Err(ApiError::bad_request(
                "BAD_FORMAT",
                format!("format must be html, text, docx or pdf, not {other:?}"),
            ));
        }
    })
}

/// The answer to an act on one filing: 200 with the new stage, 409 with the reason, 404.
fn one_result(id: &FilingId, r: ActResult) -> Result<Response, ApiError> {
    match r {
        ActResult::Recorded { .. } => {
            let mut v = serde_json::to_value(&r).unwrap_or_default();
            v["filing_id"] = serde_json::json!(id);
            if let Some(seq) = v["seq"].as_i64()
                && !v["paper"].is_null()
            {
                v["paper_href"] = format!("/api/v1/filings/{id}/papers/{seq}").into();
            }
            Ok(Json(v).into_response())
        }
        ActResult::Refused { code, message } => {
            Err(
                ApiError::new(StatusCode::CONFLICT, "LIFECYCLE_REFUSED", message)
                    .with_details(serde_json::json!({ "reason": code })),
            )
        }
        ActResult::NotFound => Err(ApiError::not_found("filing")),
    }
}

/// `POST /api/v1/filings/{id}/lifecycle` with an event (`{"type": "served", "on":
/// "2026-03-04", "method": "electronic"}`): a judge records it on a filing of their court.
pub(super) async fn post_lifecycle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<FilingId>,
    body: Result<Json<Event>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let f = state.store.filing_view(&id).await?;
    authorize(&caller, Act::RecordLifecycle(f.as_ref()))?;
    let court = caller
        .court_id
        .clone()
        .ok_or_else(|| ApiError::not_found("filing"))?;
    let Json(event) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let mut results = act(
        &state.store,
        std::slice::from_ref(&id),
        &FilingScope::Court(court),
        &event,
        &caller.actor(),
        court_today(),
        &state.rules,
    )
    .await?;
    let (_, r) = results.pop().ok_or_else(|| ApiError::not_found("filing"))?;
    one_result(&id, r)
}

#[derive(Debug, Deserialize)]
pub(super) struct BulkRequest {
    /// The filings, by id (a group's, or a selection).
    #[serde(default)]
    filing_ids: Vec<FilingId>,
    /// Or every filing of the court at this stage.
    #[serde(default)]
    stage: Option<Stage>,
    /// What happened to each.
    event: Event,
}

/// `POST /api/v1/lifecycle/bulk` `{filing_ids | stage, event}`: one event on many filings of
/// the judge's court (at most 10,000), each recorded or refused on its own, with its own audit
/// entry. Answers the counts and each filing's result.
pub(super) async fn post_bulk(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<BulkRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    authorize(&caller, Act::BulkLifecycle)?;
    let court = caller
        .court_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("a judge token without a court acts on nothing"))?;
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let ids = match (req.filing_ids.is_empty(), req.stage) {
        (false, None) => req.filing_ids,
        (true, Some(stage)) => {
            state
                .store
                .filings_at_stage(&court, stage.as_str(), BULK_MAX as i64)
                .await?
        }
        _ => {
            return Err(ApiError::bad_request(
                "BAD_SELECTION",
                "name the filings (filing_ids) or a stage, not both",
            ));
        }
    };
    if ids.len() > BULK_MAX {
        return Err(ApiError::bad_request(
            "TOO_MANY",
            format!("at most {BULK_MAX} filings per bulk act"),
        ));
    }
    let results = act(
        &state.store,
        &ids,
        &FilingScope::Court(court),
        &req.event,
        &caller.actor(),
        court_today(),
        &state.rules,
    )
    .await?;
    let count = |f: fn(&ActResult) -> bool| results.iter().filter(|(_, r)| f(r)).count();
    let recorded = count(|r| matches!(r, ActResult::Recorded { .. }));
    let refused = count(|r| matches!(r, ActResult::Refused { .. }));
    let not_found = count(|r| matches!(r, ActResult::NotFound));
    let items: Vec<serde_json::Value> = results
        .iter()
        .map(|(id, r)| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["filing_id"] = serde_json::json!(id);
            v
        })
        .collect();
    Ok(Json(serde_json::json!({
        "recorded": recorded,
        "refused": refused,
        "not_found": not_found,
        "results": items,
    }))
    .into_response())
}
