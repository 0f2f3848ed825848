//! Webhooks to banks (issue 25): a bank registers an endpoint (`POST /api/v1/webhooks`), and
//! every lifecycle event recorded on its filings is POSTed there as JSON. The outbox is the
//! database's (`fincase_store`'s `webhooks.rs`: a delivery row is written with the event, in
//! its transaction); this module sends it.
//!
//! Each delivery carries `Fincase-Event-Id` (the same on every retry: a receiver drops
//! repeats), `Fincase-Timestamp` (seconds) and `Fincase-Signature: sha256=<hex>`, the
//! HMAC-SHA256 under the endpoint's secret of `"<timestamp>.<body>"` (the timestamp inside the
//! signature lets a receiver refuse old replays). A 2xx answer delivers it; anything else, or
//! no answer within the timeout, is retried after `base × 2^attempts` (capped at six hours) up
//! to `max_attempts`, then given up with the last error kept. Plain `http://` only: a bank's
//! TLS endpoint sits behind its own terminating proxy (a TLS connector is not built in).
//!
//! | route | bank | judge | analyst | admin |
//! |---|---|---|---|---|
//! | `POST /api/v1/webhooks` | own org | 403 | 403 | 403 |
//! | `GET /api/v1/webhooks` | own org | 403 | 403 | all |

use super::auth::{Act, authorize};
use super::{ApiError, AppState, Caller};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use fincase_store::{Delivery, Role, Store, StoreError, now_ms};
use hmac::{KeyInit, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use std::time::Duration;

/// `sha256=<hex>`: the HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[derive(Debug, Deserialize)]
pub(super) struct WebhookRequest {
    url: String,
}

/// `POST /api/v1/webhooks` `{url}` (a bank): 201 with the endpoint's id and its signing secret
/// (shown once).
pub(super) async fn post_webhook(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<Json<WebhookRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    authorize(&caller, Act::ManageWebhooks)?;
    let Json(req) = body.map_err(|e| ApiError::bad_request("BAD_JSON", e.body_text()))?;
    let url = req.url.trim();
    let ok = url
        .parse::<axum::http::Uri>()
        .is_ok_and(|u| u.scheme_str() == Some("http") && u.host().is_some());
    if !ok || url.len() > 2_000 {
        return Err(ApiError::bad_request(
            "BAD_URL",
            "the endpoint must be an http:// URL with a host (TLS endpoints sit behind the bank's proxy)",
        ));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
    let hook = state
        .store
        .create_webhook(&id, &caller.org, url, &secret, &caller.actor())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": hook.id, "url": hook.url, "secret": secret })),
    )
        .into_response())
}

/// `GET /api/v1/webhooks`: a bank's own endpoints (every organisation's for an admin), without
/// their secrets.
pub(super) async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&caller, Act::ReadWebhooks)?;
    let org = (caller.role != Role::Admin).then_some(caller.org.as_str());
    Ok(Json(
        serde_json::json!({ "webhooks": state.store.webhooks(org).await? }),
    ))
}

/// How deliveries are retried.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// The first retry's delay; each next one doubles (capped at six hours).
    pub backoff_base: Duration,
    /// Attempts before a delivery is given up.
    pub max_attempts: i64,
    /// How long one POST may take.
    pub timeout: Duration,
    /// How long a claimed delivery is held before another sender may take it.
    pub lease: Duration,
}

impl Default for SenderConfig {
    fn default() -> SenderConfig {
        SenderConfig {
            backoff_base: Duration::from_secs(10),
            max_attempts: 10,
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
        }
    }
}

/// Sends the outbox's due deliveries.
#[derive(Clone)]
pub struct Sender {
    store: Store,
    client: Client<HttpConnector, Full<Bytes>>,
    config: SenderConfig,
}

impl Sender {
    /// A sender over `store`.
    pub fn new(store: Store, config: SenderConfig) -> Sender {
        Sender {
            store,
            client: Client::builder(TokioExecutor::new()).build_http(),
            config,
        }
    }

    /// Sends every delivery due now (up to 100), one after another; returns how many were
    /// attempted.
    pub async fn deliver_due(&self) -> Result<usize, StoreError> {
        let now = now_ms();
        let lease = self.config.lease.as_millis() as i64;
        let due = self.store.claim_deliveries(now, lease, 100).await?;
        for d in &due {
            let result = self.send(d).await;
            let now = now_ms();
            let outcome = match &result {
                Ok(()) => Ok(()),
                Err(e) if d.attempts + 1 >= self.config.max_attempts => Err((e.as_str(), None)),
                Err(e) => {
                    let shift = u32::try_from(d.attempts).unwrap_or(u32::MAX).min(20);
                    let delay = (self.config.backoff_base.as_millis() as i64)
                        .saturating_mul(1 << shift)
                        .min(6 * 3600 * 1000);
                    Err((e.as_str(), Some(now + delay)))
                }
            };
            if let Err(e) = &result {
                tracing::warn!(event = %d.event_id, attempt = d.attempts + 1, error = %e, "webhook delivery failed");
            }
            self.store.delivery_attempted(d, outcome, now).await?;
        }
        Ok(due.len())
    }

    async fn send(&self, d: &Delivery) -> Result<(), String> {
        let ts = now_ms() / 1000;
        let req = Request::post(d.url.as_str())
            .header("content-type", "application/json")
            .header("fincase-event-id", d.event_id.as_str())
            .header("fincase-timestamp", ts.to_string())
            .header("fincase-signature", signature(&d.secret, ts, &d.payload))
            .body(Full::new(Bytes::from(d.payload.clone())))
            .map_err(|e| format!("request: {e}"))?;
        let answer = tokio::time::timeout(self.config.timeout, self.client.request(req))
            .await
            .map_err(|_| format!("no answer within {:?}", self.config.timeout))?
            .map_err(|e| format!("connection: {e}"))?;
        if answer.status().is_success() {
            Ok(())
        } else {
            Err(format!("HTTP {}", answer.status().as_u16()))
        }
    }

    /// Delivers every second until `shutdown` turns true.
    pub async fn run_until(self, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Err(e) = self.deliver_due().await {
                tracing::warn!(error = %e, "webhook outbox unreadable");
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// Starts the webhook sender as a tokio task; it stops when `shutdown` turns true.
pub fn spawn_sender(
    store: &Store,
    shutdown: &tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let sender = Sender::new(store.clone(), SenderConfig::default());
    tokio::spawn(sender.run_until(shutdown.clone()))
}
