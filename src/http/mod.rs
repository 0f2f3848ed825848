//! `http`: the axum service behind `fincase serve`: bulk intake, batch and filing status, API
//! tokens with roles and tenancy, health and readiness, request ids in structured logs.
//!
//! Owns the wire types (only this module derives `Serialize` for answers), authentication and
//! authorisation (every handler takes a [`Caller`] and checks it), and the mapping of every error
//! to a stable code ([`ApiError`]). Must not: run pipeline stages on a tokio worker thread
//! (workers use `spawn_blocking`), hold an upload whole in memory, or log personal data unmasked
//! (file names and reasons go through `extract::pii::mask`).

mod config;
mod error;
mod intake;
mod routes;

pub use config::{ConfigError, Limits, ServiceConfig, WorkersConfig};
pub use error::ApiError;
pub use routes::Caller;

use crate::jobs::{Worker, WorkerConfig, owner_name};
use crate::rules::RulesConfig;
use crate::store::{Role, Store, StoreError, TokenRecord};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The case database and queue.
    pub store: Store,
    /// The index home (uploads are staged under `<index>/uploads/`).
    pub index_dir: PathBuf,
    /// The configuration.
    pub config: Arc<ServiceConfig>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, index_dir: &Path, config: ServiceConfig) -> AppState {
        AppState {
            store,
            index_dir: index_dir.to_owned(),
            config: Arc::new(config),
        }
    }
}

/// The hex SHA-256 under which a token is stored (the token itself is never stored).
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random token (`fc_` + 64 hex digits from two v4 uuids: 244 random bits).
pub fn new_token() -> String {
    format!(
        "fc_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Creates a token for `org` with `role` and stores its hash; returns the token (shown once).
pub async fn issue_token(
    store: &Store,
    org: &str,
    role: Role,
    label: &str,
) -> Result<String, StoreError> {
    let token = new_token();
    store
        .put_token(&TokenRecord {
            token_hash: hash_token(&token),
            org: org.to_owned(),
            role,
            label: label.to_owned(),
        })
        .await?;
    Ok(token)
}

/// The service's routes: `/healthz`, `/readyz` and the API under `/api/v1`, with request ids
/// and a body limit from the configuration.
pub fn router(state: AppState) -> Router {
    let body_limit = usize::try_from(state.config.limits.max_batch_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1 << 20);
    routes::routes()
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

/// Gives each request an id (answered in `x-request-id`) and a span carrying it; logs the
/// answer's status and time. The path is masked (it may carry ids typed by people).
async fn request_id(req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %crate::extract::pii::mask(req.uri().path()),
    );
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    span.in_scope(|| {
        tracing::info!(
            status = resp.status().as_u16(),
            ms = start.elapsed().as_millis() as u64,
            "answered"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// Starts `n` queue workers as tokio tasks (their CPU work goes to `spawn_blocking`). They stop
/// when `shutdown` turns true.
pub fn spawn_workers(
    store: &Store,
    rules: Arc<RulesConfig>,
    cfg: &WorkersConfig,
    n: usize,
    shutdown: &tokio::sync::watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|i| {
            let mut wc = WorkerConfig::new(owner_name(i));
            wc.lease = Duration::from_secs(cfg.lease_secs.max(1));
            wc.backoff_base = Duration::from_millis(cfg.backoff_base_ms.max(1));
            let worker = Worker::new(store.clone(), Arc::clone(&rules), wc);
            let rx = shutdown.clone();
            tokio::spawn(async move { worker.run_until(rx).await })
        })
        .collect()
}

/// Stores the bootstrap admin token's hash, when one is configured.
pub async fn bootstrap_admin(store: &Store, config: &ServiceConfig) -> Result<(), StoreError> {
    if let Some(t) = &config.admin_token {
        store
            .put_token(&TokenRecord {
                token_hash: hash_token(t),
                org: "admin".into(),
                role: Role::Admin,
                label: "bootstrap admin (configuration)".into(),
            })
            .await?;
    }
    Ok(())
}

/// Sets up structured logs: JSON lines when `json`, else human-readable; `RUST_LOG` filters
/// (default `info`). Safe to call twice (the second call does nothing).
pub fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
