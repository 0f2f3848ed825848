//! Setup shared by the integration suites (ripgrep's `tests/util.rs` idea): a database on every
//! backend (SQLite always, PostgreSQL when `DATABASE_URL` names one, in a fresh schema dropped at
//! the end even after a panic), the service's router over a fresh index, multipart bodies, and
//! one request through the router with `oneshot`. Each suite includes it with `mod common;` and
//! uses what it needs (hence `dead_code` allowed). Must not: hold a suite's own checks.

#![allow(dead_code)]

pub mod judgments;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use fincase::http::{AppState, ServiceConfig, router};
use fincase::store::Store;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// The PostgreSQL URL of `DATABASE_URL`, when it names one.
pub fn pg_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"))
}

/// A fresh PostgreSQL schema name (created by the first [`Store::open_postgres`] in it), dropped
/// when this guard goes, even when the test panicked.
pub struct PgSchema {
    /// The database URL.
    pub url: String,
    /// The schema (`<prefix>_<uuid>`).
    pub schema: String,
}

impl PgSchema {
    /// A new schema name under `url`, `prefix` first.
    pub fn new(url: &str, prefix: &str) -> PgSchema {
        PgSchema {
            url: url.to_owned(),
            schema: format!("{prefix}_{}", uuid::Uuid::new_v4().simple()),
        }
    }

    /// The store in this schema, with `max_connections`.
    pub async fn store(&self, max_connections: u32) -> Store {
        Store::open_postgres(&self.url, Some(&self.schema), max_connections)
            .await
            .unwrap()
    }

    /// The URL that puts another process (`serve`, `worker`) in this schema.
    pub fn scoped_url(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!(
            "{}{sep}options=-c%20search_path%3D{}",
            self.url, self.schema
        )
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // A thread of its own: this runs inside async tests and plain ones alike.
        let (url, schema) = (self.url.clone(), self.schema.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(Store::drop_postgres_schema(&url, &schema))
        })
        .join();
    }
}

/// One backend a check runs on.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// An empty index folder of the test's own (SQLite keeps `cases.db` and `originals/` in it).
    pub index: PathBuf,
    /// The SQLite file (`None` on PostgreSQL).
    pub sqlite_path: Option<PathBuf>,
    /// The PostgreSQL schema (`None` on SQLite).
    pub pg: Option<PgSchema>,
}

/// Runs `check` on a fresh SQLite database (`<tmp>/index/cases.db`), then, when `DATABASE_URL`
/// names PostgreSQL, on a fresh schema there (pool of 8), closing each store after its check.
pub async fn on_every_backend(check: impl AsyncFn(&TestDb)) {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let path = index.join("cases.db");
    let store = Store::open_sqlite(&path).await.unwrap();
    assert_eq!(store.backend(), "sqlite");
    let db = TestDb {
        store,
        index,
        sqlite_path: Some(path),
        pg: None,
    };
    check(&db).await;
    db.store.close().await;
    if let Some(url) = pg_url() {
        let schema = PgSchema::new(&url, "fincase_test");
        let store = schema.store(8).await;
        assert_eq!(store.backend(), "postgres");
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir_all(&index).unwrap();
        let db = TestDb {
            store,
            index,
            sqlite_path: None,
            pg: Some(schema),
        };
        check(&db).await;
        db.store.close().await;
    }
}

/// The service over a fresh SQLite index: the store, the state and its router.
pub struct Service {
    /// Keeps the index folder alive.
    pub dir: tempfile::TempDir,
    /// The index folder.
    pub index: PathBuf,
    /// The store (`<index>/cases.db`).
    pub store: Store,
    /// The application state.
    pub state: AppState,
    /// The router over `state`.
    pub router: axum::Router,
}

impl Service {
    /// A fresh index with `config`.
    pub async fn new(config: ServiceConfig) -> Service {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        let store = Store::open_sqlite(&index.join("cases.db")).await.unwrap();
        let state = AppState::new(store.clone(), &index, config);
        Service {
            router: router(state.clone()),
            dir,
            index,
            store,
            state,
        }
    }
}

/// The router of `store` with `config`, its files under `index`.
pub fn router_on(store: &Store, index: &Path, config: ServiceConfig) -> axum::Router {
    router(AppState::new(store.clone(), index, config))
}

/// An answer through the router.
pub struct Answer {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON, `Null` when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The body as JSON, or as a JSON string of its text when it is not JSON.
    pub fn json_or_text(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| Value::String(self.text()))
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `req` through `router` (no socket) and reads the whole answer.
pub async fn send(router: &axum::Router, req: Request<Body>) -> Answer {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// A `multipart/form-data` body of `(field, file name, bytes)` parts: (content type, body).
pub fn multipart<F, N, B>(parts: &[(F, N, B)]) -> (String, Vec<u8>)
where
    F: AsRef<str>,
    N: AsRef<str>,
    B: AsRef<[u8]>,
{
    let boundary = "fincase-test-boundary-7f3a";
    let mut body = Vec::new();
    for (field, file, bytes) in parts {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            field.as_ref(),
            file.as_ref()
        )
        .unwrap();
        body.extend_from_slice(bytes.as_ref());
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A zip of `(name, bytes, deflated)` entries.
pub fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `(method, path)` of every `.route("…", get(…).post(…))` under `src/http/` (test modules
/// left out), the method in lower case: what the router really serves, read from the source.
pub fn registered_routes() -> std::collections::BTreeSet<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/http/src");
    let method_re = regex::Regex::new(r"\b(get|post|put|delete|patch)\(").unwrap();
    let mut out = std::collections::BTreeSet::new();
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let src = text.split("#[cfg(test)]").next().unwrap_or("");
        assert!(
            !src.contains(".nest("),
            "{}: a nested router adds a path prefix this parser does not apply; extend it",
            file.display()
        );
        for (start, _) in src.match_indices(".route(") {
            let rest = src[start + ".route(".len()..].trim_start();
            let Some(rest) = rest.strip_prefix('"') else {
                panic!("{}: .route( without a literal path", file.display());
            };
            let end = rest.find('"').unwrap();
            let path = rest[..end].to_owned();
            // The method router: up to the parenthesis that closes `.route(`.
            let mut depth = 1;
            let body = &rest[end + 1..];
            let close = body
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(i, _)| i)
                .unwrap();
            let methods: Vec<_> = method_re
                .captures_iter(&body[..close])
                .map(|c| c[1].to_owned())
                .collect();
            assert!(
                !methods.is_empty(),
                "no method for {path} in {}",
                file.display()
            );
            for m in methods {
                out.insert((m, path.clone()));
            }
        }
    }
    out
}

/// Creates a court named `name` (by the system) and returns its id.
pub async fn court(store: &Store, name: &str) -> fincase::domain::CourtId {
    store
        .create_court(name, &fincase::store::Actor::system())
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Posts a batch of `(field, file name, bytes)` parts with `token`.
pub async fn upload_parts<F, N, B>(
    router: &axum::Router,
    token: &str,
    parts: &[(F, N, B)],
) -> Answer
where
    F: AsRef<str>,
    N: AsRef<str>,
    B: AsRef<[u8]>,
{
    let (ct, body) = multipart(parts);
    let req = Request::post("/api/v1/batches")
        .header(axum::http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(axum::http::header::CONTENT_TYPE, ct)
        .body(Body::from(body))
        .unwrap();
    send(router, req).await
}

/// Posts a batch of `(file name, bytes)` files with `token`.
pub async fn upload<N: AsRef<str>, B: AsRef<[u8]>>(
    router: &axum::Router,
    token: &str,
    files: &[(N, B)],
) -> Answer {
    let parts: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(n, b)| ("files", n.as_ref(), b.as_ref()))
        .collect();
    upload_parts(router, token, &parts).await
}

/// Every audit entry's `(action, subject)`, oldest first.
pub async fn audit_actions(store: &Store) -> Vec<(String, String)> {
    store
        .audit_entries(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect()
}
