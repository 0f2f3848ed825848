//! Similar decided cases of a filing (类案推送), shared by the API route and the case screen:
//! the filing's text from the search index, candidates and ranking from
//! `fincase_pipeline::similar`. Errors are API errors; the case screen turns them into a line.

use super::AppState;
use super::error::ApiError;
use axum::http::StatusCode;
use fincase_core::domain::FilingId;

/// The decided cases most like a filing, with what their courts decided.
pub(crate) async fn similar_cases(
    state: &AppState,
    id: &FilingId,
    limit: usize,
) -> Result<
    (
        fincase_pipeline::similar::SimilarSummary,
        Vec<fincase_pipeline::similar::SimilarCase>,
    ),
    ApiError,
> {
    let unavailable = |what: &str| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SIMILAR_UNAVAILABLE",
            format!("this node keeps no {what}"),
        )
    };
    let index = state
        .search
        .clone()
        .ok_or_else(|| unavailable("search index"))?;
    let archive = state
        .archive
        .clone()
        .ok_or_else(|| unavailable("case archive"))?;
    let failed = |e: String| {
        tracing::warn!(error = %super::mask_for_log(&e), "similar cases failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SIMILAR_FAILED",
            "the case archive could not answer",
        )
    };
    let fid = id.clone();
    let text = tokio::task::spawn_blocking(move || index.body(&fid))
        .await
        .map_err(|e| failed(e.to_string()))?
        .map_err(|e| failed(e.to_string()))?
        .ok_or_else(|| ApiError::not_found("filing text"))?;
    let found = fincase_pipeline::similar::find_similar(
        &state.store,
        &archive,
        state.reranker.as_deref(),
        &text,
        None,
        limit,
    )
    .await
    .map_err(|e| failed(e.to_string()))?;
    Ok((fincase_pipeline::similar::summarize(&found), found))
}

