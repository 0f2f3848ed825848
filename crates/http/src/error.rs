//! The one error type of the API and its single `IntoResponse` impl: every failure leaves as
//! `{"error": {"code": "STABLE_CODE", "message": "…", "details": …}}` with a fitting status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An API failure: an HTTP status, a stable code clients can switch on, and a reason in words.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable public code (`ENTRY_UNSAFE_PATH`, `NOT_A_PDF`, …).
    pub code: &'static str,
    /// One readable reason (never holds unmasked personal data).
    pub message: String,
    /// Optional structured details (the offending entry's name, a limit…).
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            details: None,
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404: not found, or not visible to the caller (the two are not told apart).
    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("{what} not found"),
        )
    }

    /// 401: no or unknown token.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "missing or unknown API token (Authorization: Bearer <token>)",
        )
    }

    /// 403: the role may not do this.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "FORBIDDEN", message)
    }

    /// Attaches details.
    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.details = Some(details);
        self
    }
}

impl From<fincase_store::StoreError> for ApiError {
    fn from(e: fincase_store::StoreError) -> ApiError {
        tracing::error!(error = %fincase_core::extract::pii::mask(&e.to_string()), "store failure");
        if e.is_retryable() {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "STORE_BUSY",
                "the case database is busy; retry shortly",
            )
        } else {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "STORE_FAILURE",
                "the case database failed; the error is logged",
            )
        }
    }
}

impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> ApiError {
        tracing::error!(error = %e, "io failure");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "IO_FAILURE",
            "the server could not write the upload; the error is logged",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::json!({ "code": self.code, "message": self.message });
        if let (Some(d), Some(obj)) = (self.details, error.as_object_mut()) {
            obj.insert("details".into(), d);
        }
        (
            self.status,
            axum::Json(serde_json::json!({ "error": error })),
        )
            .into_response()
    }
}
