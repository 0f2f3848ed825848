//! The OpenAPI 3.0 document of the service (`GET /api/v1/openapi.json`) and the Swagger UI that
//! shows it (`GET /docs`).
//!
//! The document is data (`assets/openapi.json`), compiled in: a generator crate would cost more
//! build time than the few routes need. `tests/http_ops.rs` keeps it true: it fails when a route
//! of the router is missing from the document or the document names one the router lacks.
//! Swagger UI is vendored under `assets/swagger-ui/` (version and checksums in its README) and
//! compiled in as well: nothing is fetched at build or run time, and the page loads nothing
//! from another host. Must not: describe a route that does not exist.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The OpenAPI document, as served.
pub const OPENAPI_JSON: &str = include_str!("../../../assets/openapi.json");

const INDEX_HTML: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>fincase API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-initializer.js"></script>
</body>
</html>
"#;

// `validatorUrl: null`: Swagger UI would otherwise send the document to validator.swagger.io.
const INITIALIZER_JS: &str = r##"window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true
  });
};
"##;

const BUNDLE_JS: &[u8] = include_bytes!("../../../assets/swagger-ui/swagger-ui-bundle.js");
const UI_CSS: &[u8] = include_bytes!("../../../assets/swagger-ui/swagger-ui.css");

/// Cache for a day: the assets change only with a new build.
const CACHE: &str = "public, max-age=86400";

pub(super) async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        OPENAPI_JSON,
    )
        .into_response()
}

pub(super) async fn docs_index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        INDEX_HTML,
    )
        .into_response()
}

pub(super) async fn docs_initializer() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        INITIALIZER_JS,
    )
        .into_response()
}

pub(super) async fn docs_bundle() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        BUNDLE_JS,
    )
        .into_response()
}

pub(super) async fn docs_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        UI_CSS,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_parses_and_the_page_loads_nothing_from_elsewhere() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.0."));
        for page in [INDEX_HTML, INITIALIZER_JS] {
            assert!(!page.contains("http://") && !page.contains("https://"));
            assert!(!page.contains("//cdn") && !page.contains("unpkg"));
        }
        assert!(BUNDLE_JS.len() > 100_000 && UI_CSS.len() > 10_000);
    }
}
