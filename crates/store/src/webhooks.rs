//! Webhooks to banks (issue 25): an organisation's endpoints, and the outbox of deliveries.
//!
//! A delivery row is written in the same transaction as the lifecycle event it announces
//! (`lifecycle.rs`), one per endpoint of the filing's organisation, so an event is announced
//! if and only if it was recorded. Its id (`evt_<filing>_<seq>`) is the same on every retry:
//! the receiver drops a repeat. Sending is `fincase-http`'s (`webhooks.rs`): it claims due rows
//! here under a short lease, and reports each attempt back (delivered, or retry at a later
//! time, or given up).

use super::audit::{Actor, Pending, audited_tx};
use super::{Store, StoreError, db_query, now_ms, tx_query};
use sqlx::Row;

/// A bank's endpoint (the secret is never listed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Webhook {
    /// Id (uuid).
    pub id: String,
    /// The organisation whose filings it announces.
    pub org: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// When it was registered (ms).
    pub created_ms: i64,
}

/// One delivery to send now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The event's id, the same on every retry.
    pub event_id: String,
    /// The endpoint.
    pub webhook_id: String,
    /// Its URL.
    pub url: String,
    /// Its signing secret.
    pub secret: String,
    /// The JSON body.
    pub payload: String,
    /// Attempts made before this one.
    pub attempts: i64,
}

/// The state of the deliveries of one event, for tests and the bank's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryState {
    /// The event's id.
    pub event_id: String,
    /// The endpoint.
    pub webhook_id: String,
    /// Attempts made.
    pub attempts: i64,
    /// When it was delivered.
    pub delivered_ms: Option<i64>,
    /// When it was given up.
    pub failed_ms: Option<i64>,
    /// The last failure.
    pub last_error: Option<String>,
}

impl Store {
    /// Registers an endpoint for `org`'s filings, audited as `webhook.created` (without the
    /// secret).
    pub async fn create_webhook(
        &self,
        id: &str,
        org: &str,
        url: &str,
        secret: &str,
        actor: &Actor,
    ) -> Result<Webhook, StoreError> {
        let now = now_ms();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO webhooks (id, org, url, secret, created_ms) VALUES (?, ?, ?, ?, ?)",
                [id, org, url, secret, now],
                execute
            )?;
            chain.push(Pending {
                actor,
                action: "webhook.created",
                subject: id,
                before: None,
                after: Some(serde_json::json!({ "org": org, "url": url })),
                versions: None,
            });
            Ok(Webhook {
                id: id.to_owned(),
                org: org.to_owned(),
                url: url.to_owned(),
                created_ms: now,
            })
        })
    }

    /// The endpoints of `org` (`None`: every organisation's).
    pub async fn webhooks(&self, org: Option<&str>) -> Result<Vec<Webhook>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, org, url, created_ms FROM webhooks WHERE (? IS NULL OR org = ?)
             ORDER BY created_ms, id",
            [org, org],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| Webhook {
                    id: r.get("id"),
                    org: r.get("org"),
                    url: r.get("url"),
                    created_ms: r.get("created_ms"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// Claims up to `limit` deliveries due at `now`: each is leased until `now + lease_ms` (a
    /// crashed sender's rows come due again), so two senders never send the same row at once.
    pub async fn claim_deliveries(
        &self,
        now: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = db_query!(
            &self.db,
            "SELECT d.event_id, d.webhook_id, d.payload, d.attempts, d.next_ms, w.url, w.secret
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE d.delivered_ms IS NULL AND d.failed_ms IS NULL AND d.next_ms <= ?
             ORDER BY d.next_ms LIMIT ?",
            [now, limit.clamp(1, 1_000)],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    (
                        Delivery {
                            event_id: r.get("event_id"),
                            webhook_id: r.get("webhook_id"),
                            url: r.get("url"),
                            secret: r.get("secret"),
                            payload: r.get("payload"),
                            attempts: r.get("attempts"),
                        },
                        r.get::<i64, _>("next_ms"),
                    )
                })
                .collect::<Vec<_>>()
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (d, next_ms) in rows {
            let n = db_query!(
                &self.db,
                "UPDATE webhook_deliveries SET next_ms = ?
                 WHERE event_id = ? AND webhook_id = ? AND next_ms = ? AND delivered_ms IS NULL",
                [
                    now + lease_ms,
                    d.event_id.as_str(),
                    d.webhook_id.as_str(),
                    next_ms
                ],
                execute,
                |r| r.rows_affected()
            )?;
            if n == 1 {
                out.push(d);
            }
        }
        Ok(out)
    }

    /// Records an attempt: delivered (`Ok`), or failed with the error and the time of the next
    /// try (`None`: given up).
    pub async fn delivery_attempted(
        &self,
        d: &Delivery,
        outcome: Result<(), (&str, Option<i64>)>,
        now: i64,
    ) -> Result<(), StoreError> {
        let attempts = d.attempts + 1;
        let (event_id, webhook_id) = (d.event_id.as_str(), d.webhook_id.as_str());
        match outcome {
            Ok(()) => db_query!(
                &self.db,
                "UPDATE webhook_deliveries SET attempts = ?, delivered_ms = ?, last_error = NULL
                 WHERE event_id = ? AND webhook_id = ?",
                [attempts, now, event_id, webhook_id],
                execute,
                |_| ()
            )?,
            Err((error, Some(next))) => db_query!(
                &self.db,
                "UPDATE webhook_deliveries SET attempts = ?, next_ms = ?, last_error = ?
                 WHERE event_id = ? AND webhook_id = ?",
                [attempts, next, error, event_id, webhook_id],
                execute,
                |_| ()
            )?,
            Err((error, None)) => db_query!(
                &self.db,
                "UPDATE webhook_deliveries SET attempts = ?, failed_ms = ?, last_error = ?
                 WHERE event_id = ? AND webhook_id = ?",
                [attempts, now, error, event_id, webhook_id],
                execute,
                |_| ()
            )?,
        }
        Ok(())
    }

    /// The deliveries of a filing's events, oldest first.
    pub async fn deliveries_of(&self, filing_id: &str) -> Result<Vec<DeliveryState>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT event_id, webhook_id, attempts, delivered_ms, failed_ms, last_error
             FROM webhook_deliveries WHERE filing_id = ? ORDER BY created_ms, event_id",
            [filing_id],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| DeliveryState {
                    event_id: r.get("event_id"),
                    webhook_id: r.get("webhook_id"),
                    attempts: r.get("attempts"),
                    delivered_ms: r.get("delivered_ms"),
                    failed_ms: r.get("failed_ms"),
                    last_error: r.get("last_error"),
                })
                .collect::<Vec<_>>()
        )?)
    }
}

/// The outbox rows for one recorded lifecycle event, inside the event's transaction: one per
/// endpoint of `org`.
macro_rules! enqueue_deliveries {
    ($pg:expr, $tx:expr, $org:expr, $filing:expr, $event_id:expr, $payload:expr, $now:expr) => {{
        let hooks = $crate::tx_query!(
            $pg,
            $tx,
            "SELECT id FROM webhooks WHERE org = ?",
            [$org],
            fetch_all
        )?;
        for h in hooks {
            let hook: String = sqlx::Row::get(&h, "id");
            $crate::tx_query!(
                $pg,
                $tx,
                "INSERT INTO webhook_deliveries (event_id, webhook_id, filing_id, payload,
                     attempts, next_ms, created_ms)
                 VALUES (?, ?, ?, ?, 0, ?, ?)",
                [$event_id, hook.as_str(), $filing, $payload, $now, $now],
                execute
            )?;
        }
    }};
}
pub(crate) use enqueue_deliveries;
