//! `http`: the axum service behind `fincase serve`: bulk intake, batch and filing status, API
//! tokens with roles and tenancy, health and readiness, request ids in structured logs.
//!
//! Owns the wire types (only this module derives `Serialize` for answers), authentication and
//! authorisation (every handler takes a [`Caller`] and checks it), and the mapping of every error
//! to a stable code ([`ApiError`]). Must not: run pipeline stages on a tokio worker thread
//! (workers use `spawn_blocking`), hold an upload whole in memory, or log personal data unmasked
//! (paths and reasons go through [`mask_for_log`]; file names and filing text are not logged).
//! `tests/http_ops.rs` checks this by grepping captured logs.

mod auth;
mod config;
mod error;
mod intake;
mod lifecycle;
mod metrics;
mod openapi;
mod routes;
mod similar;
mod ui;
mod webhooks;

pub use config::{ConfigError, Limits, ServiceConfig, WorkersConfig};
pub use error::ApiError;
pub use metrics::{DbGauges, Metrics};
pub use openapi::OPENAPI_JSON;
pub use routes::Caller;
pub use webhooks::{Sender, SenderConfig, signature, spawn_sender};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use fincase_core::domain::{BatchId, CourtId};
use fincase_core::rules::RulesConfig;
use fincase_pipeline::jobs::{Worker, WorkerConfig, owner_name};
use fincase_store::{Actor, Court, Role, Store, StoreError, TokenRecord};
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
    /// What `/metrics` reports (give it to [`spawn_workers_counted`] to count jobs too).
    pub metrics: Arc<Metrics>,
    /// The search index this node follows ([`spawn_follower`]); `None`: searches answer 503.
    pub search: Option<Arc<fincase_store::search::CaseIndex>>,
    /// The court rules the review screens recompute an edited filing with (the workers'
    /// rules: give both the same, [`AppState::with_rules`]).
    pub rules: Arc<RulesConfig>,
    /// The archive of decided cases for similar-case retrieval ([`AppState::with_archive`]);
    /// `None`: similar cases answer 503.
    pub archive: Option<Arc<fincase_store::search::archive::ArchiveIndex>>,
    /// The similar-case re-ranker (`models/similar`); `None`: BM25 order.
    pub reranker: Option<Arc<fincase_core::similar::Reranker>>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, index_dir: &Path, config: ServiceConfig) -> AppState {
        AppState {
            store,
            index_dir: index_dir.to_owned(),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            search: None,
            rules: Arc::new(RulesConfig::default()),
            archive: None,
            reranker: None,
        }
    }

    /// The same state, recomputing edited filings with `rules`.
    pub fn with_rules(mut self, rules: Arc<RulesConfig>) -> AppState {
        self.rules = rules;
        self
    }

    /// The same state, answering similar-case requests from `archive`, re-ranked by
    /// `reranker`.
    pub fn with_archive(
        mut self,
        archive: Arc<fincase_store::search::archive::ArchiveIndex>,
        reranker: Option<Arc<fincase_core::similar::Reranker>>,
    ) -> AppState {
        self.archive = Some(archive);
        self.reranker = reranker;
        self
    }

    /// The same state, answering searches from `index`.
    pub fn with_search(mut self, index: Arc<fincase_store::search::CaseIndex>) -> AppState {
        self.search = Some(index);
        self
    }
}

/// The hex SHA-256 under which a token is stored (the token itself is never stored).
pub fn hash_token(token: &str) -> String {
    fincase_core::domain::sha256_hex(token.as_bytes())
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
/// Audited as issued by the system (command line, tests); see [`issue_token_as`].
pub async fn issue_token(
    store: &Store,
    org: &str,
    role: Role,
    label: &str,
) -> Result<String, StoreError> {
    issue_token_as(store, org, role, label, None, &Actor::system()).await
}

/// Creates a token (a judge's with its `court_id`) by `actor`, stores its hash and audits it
/// (`token.created`) in one transaction; returns the token (shown once).
pub async fn issue_token_as(
    store: &Store,
    org: &str,
    role: Role,
    label: &str,
    court_id: Option<&CourtId>,
    actor: &Actor,
) -> Result<String, StoreError> {
    let token = new_token();
    store
        .put_token_as(
            &TokenRecord {
                token_hash: hash_token(&token),
                org: org.to_owned(),
                role,
                label: label.to_owned(),
                court_id: court_id.cloned(),
            },
            actor,
        )
        .await?;
    Ok(token)
}

/// A judge's way into the review screens for a batch the command line recorded.
#[derive(Debug, Clone)]
pub struct ReviewLogin {
    /// The court the judge belongs to: the one most of the batch's filings address.
    pub court: Court,
    /// How many of the batch's filings address it.
    pub filings: i64,
    /// Courts created for the batch (names), the judge's among them unless it existed.
    pub created: Vec<String>,
    /// The judge's token (shown once; only its hash is stored).
    pub token: String,
}

/// Makes a recorded batch reviewable, as `fincase demo` does: creates every court its filings
/// address that does not exist yet (which assigns them their filings, audited) and issues a
/// judge token for the court most of them address. `None` when no filing names a court.
pub async fn review_login(
    store: &Store,
    batch: &BatchId,
) -> Result<Option<ReviewLogin>, StoreError> {
    let addressed = store.courts_addressed_by(batch).await?;
    let Some((busiest, filings)) = addressed.first().cloned() else {
        return Ok(None);
    };
    let system = Actor::system();
    let mut created = Vec::new();
    for (name, _) in &addressed {
        if store.create_court(name, &system).await?.is_some() {
            created.push(name.clone());
        }
    }
    let Some(court) = store
        .courts()
        .await?
        .into_iter()
        .find(|c| c.name == busiest)
    else {
        return Ok(None);
    };
    let token = issue_token_as(
        store,
        "demo",
        Role::Judge,
        "演示法官",
        Some(&court.id),
        &system,
    )
    .await?;
    Ok(Some(ReviewLogin {
        court,
        filings,
        created,
        token,
    }))
}

/// The service's routes: `/healthz`, `/readyz` and the API under `/api/v1`, with request ids
/// and a body limit from the configuration.
pub fn router(state: AppState) -> Router {
    let body_limit = usize::try_from(state.config.limits.max_batch_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(1 << 20);
    routes::routes()
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

/// A text fit for a log line: percent-escapes decoded, then identifiers masked
/// (`extract::pii::mask`) and every run of non-ASCII letters (a name, in Chinese) cut to its
/// first character (`张三` → `张*`), so that neither a raw nor a percent-encoded name reaches a
/// log.
pub fn mask_for_log(text: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(text).decode_utf8_lossy();
    let masked = fincase_core::extract::pii::mask(&decoded);
    let mut out = String::with_capacity(masked.len());
    let mut in_run = false;
    for c in masked.chars() {
        if c.is_alphabetic() && !c.is_ascii() {
            out.push(if in_run { '*' } else { c });
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

/// Gives each request an id (answered in `x-request-id`) and a span carrying it; logs the
/// answer's status and time. The path is masked (it may carry ids typed by people).
async fn request_id(req: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %mask_for_log(req.uri().path()),
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

/// Opens the service's search index under `<index>/search` and follows the database in a
/// tokio task (tantivy work in `spawn_blocking`), polling every `poll`, until `shutdown` turns
/// true. Only `serve` runs one: it is the index's single writer (a second process on the same
/// folder fails here), and workers never touch an index. Returns the index for searching.
pub fn spawn_follower(
    store: &Store,
    index_dir: &Path,
    poll: Duration,
    shutdown: &tokio::sync::watch::Receiver<bool>,
) -> Result<
    (
        Arc<fincase_store::search::CaseIndex>,
        tokio::task::JoinHandle<()>,
    ),
    fincase_store::search::follow::FollowError,
> {
    let follower = fincase_store::search::follow::Follower::open(
        store.clone(),
        &fincase_store::search::index_dir(index_dir),
    )?;
    let index = follower.index();
    let rx = shutdown.clone();
    Ok((index, tokio::spawn(follower.run_until(rx, poll))))
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
    let uncounted = Arc::new(Metrics::default());
    spawn_workers_counted(store, rules, cfg, n, shutdown, &uncounted)
}

/// [`spawn_workers`], counting the jobs done and failed in `metrics` (the router's
/// [`AppState::metrics`], so that `/metrics` reports them).
pub fn spawn_workers_counted(
    store: &Store,
    rules: Arc<RulesConfig>,
    cfg: &WorkersConfig,
    n: usize,
    shutdown: &tokio::sync::watch::Receiver<bool>,
    metrics: &Arc<Metrics>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|i| {
            let mut wc = WorkerConfig::new(owner_name(i));
            wc.lease = Duration::from_secs(cfg.lease_secs.max(1));
            wc.backoff_base = Duration::from_millis(cfg.backoff_base_ms.max(1));
            let worker = Worker::new(store.clone(), Arc::clone(&rules), wc);
            let rx = shutdown.clone();
            let m = Arc::clone(metrics);
            tokio::spawn(async move {
                worker
                    .run_until_observed(rx, |step| m.observe_job(step))
                    .await
            })
        })
        .collect()
}

/// Stores the bootstrap admin token's hash, when one is configured and not stored yet (a
/// restart does not audit it again).
pub async fn bootstrap_admin(store: &Store, config: &ServiceConfig) -> Result<(), StoreError> {
    if let Some(t) = &config.admin_token {
        let token_hash = hash_token(t);
        let stored = store.token(&token_hash).await?;
        if stored.is_some_and(|r| r.role == Role::Admin) {
            return Ok(());
        }
        store
            .put_token(&TokenRecord {
                token_hash,
                org: "admin".into(),
                role: Role::Admin,
                label: "bootstrap admin (configuration)".into(),
                court_id: None,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_keeps_no_identifier_or_name() {
        let raw = "/api/v1/filings/%E5%BC%A0%E4%B8%89%E4%B8%B0/11010519491231002X/13912345678";
        let got = mask_for_log(raw);
        assert_eq!(got, "/api/v1/filings/张**/110105********002X/139****5678");
        assert_eq!(
            mask_for_log("批次/李四.pdf: not a PDF"),
            "批*/李*.pdf: not a PDF"
        );
        assert_eq!(
            mask_for_log("/api/v1/batches/ab-12%zz"),
            "/api/v1/batches/ab-12%zz"
        );
    }
}
