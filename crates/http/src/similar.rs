//! Similar decided cases of a filing (类案推送), shared by the API route and the case screen,
//! and the archiving of an approved filing. The filing's text is its original complaint (read
//! again from the stored PDF), else its draft; candidates and ranking come from
//! `fincase_pipeline::similar`. Errors are API errors; the case screen turns them into a line.

use super::AppState;
use super::error::ApiError;
use axum::http::StatusCode;
use fincase_core::backtest::Document;
use fincase_core::domain::FilingId;
use fincase_core::similar::archive::ArchivedCase;
use fincase_pipeline::similar::{SimilarCase, SimilarSummary, find_similar, summarize};

fn failed(e: String) -> ApiError {
    tracing::warn!(error = %super::mask_for_log(&e), "similar cases failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "SIMILAR_FAILED",
        "the case archive could not answer",
    )
}

/// The text a filing is compared by: the complaint as filed (its PDF's text layer), else the
/// draft's text; `None` when it has neither.
async fn filing_text(state: &AppState, id: &FilingId) -> Result<Option<String>, ApiError> {
    let Some(f) = state.store.filing_view(id).await? else {
        return Ok(None);
    };
    if let Some(bytes) = state.store.original(&f.record.sha256).await? {
        let text = tokio::task::spawn_blocking(move || {
            fincase_core::ingest::read_pdf(&bytes)
                .ok()
                .map(|d| d.joined())
        })
        .await
        .map_err(|e| failed(e.to_string()))?;
        if let Some(t) = text.filter(|t| t.trim().chars().count() > 20) {
            return Ok(Some(t));
        }
    }
    Ok(state
        .store
        .draft_of(id)
        .await?
        .map(|(_, _, text)| text)
        .filter(|t| !t.trim().is_empty()))
}

/// The decided cases most like a filing, with what their courts decided.
pub(crate) async fn similar_cases(
    state: &AppState,
    id: &FilingId,
    limit: usize,
) -> Result<(SimilarSummary, Vec<SimilarCase>), ApiError> {
    let archive = state.archive.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SIMILAR_UNAVAILABLE",
            "this node keeps no case archive",
        )
    })?;
    let text = filing_text(state, id)
        .await?
        .ok_or_else(|| ApiError::not_found("filing text"))?;
    let found = find_similar(
        &state.store,
        &archive,
        state.reranker.as_deref(),
        &text,
        Some(&archive_id(id)),
        limit,
    )
    .await
    .map_err(|e| failed(e.to_string()))?;
    Ok((summarize(&found), found))
}

/// The archive id of a filing decided here.
pub(crate) fn archive_id(id: &FilingId) -> String {
    format!("fincase-{}", id.as_str())
}

/// An approved filing joins the archive: its approved draft is read as a judgment (facts,
/// elements, decision), stored and indexed. Best effort: the judge's decision is already
/// recorded, so a failure here is logged and the filing stays out of the archive (a later
/// `fincase archive` rebuild or approval of the same filing adds it).
pub(crate) async fn archive_approved(state: &AppState, id: &FilingId) {
    let Some(archive) = state.archive.clone() else {
        return;
    };
    let draft = match state.store.draft_of(id).await {
        Ok(Some((_, _, text))) if !text.trim().is_empty() => text,
        Ok(_) => return,
        Err(e) => {
            tracing::warn!(filing = %id, error = %e, "approved filing not archived");
            return;
        }
    };
    let doc = Document {
        id: archive_id(id),
        text: draft,
    };
    let rules = std::sync::Arc::clone(&state.rules);
    let case = match tokio::task::spawn_blocking(move || {
        ArchivedCase::from_judgment(&doc, "fincase", &rules)
    })
    .await
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(filing = %id, error = %e, "approved filing not archived");
            return;
        }
    };
    if let Err(e) = state.store.archive_put(std::slice::from_ref(&case)).await {
        tracing::warn!(filing = %id, error = %e, "approved filing not archived");
        return;
    }
    let indexed = tokio::task::spawn_blocking(move || {
        archive
            .add_all([(case.id.as_str(), case.facts.as_str())])
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    if let Err(e) = indexed {
        tracing::warn!(filing = %id, error = %e, "approved filing stored in the archive but not indexed");
    }
}
