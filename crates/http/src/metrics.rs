//! Prometheus metrics (`GET /metrics`, text exposition format 0.0.4) through the `prometheus`
//! crate: one [`Registry`] per service (never the process-wide default registry, so that several
//! services in one process, as in the tests, count apart), encoded by its `TextEncoder`.
//!
//! Counted in this process: HTTP requests by method, route *template* and status (never the raw
//! path: it may carry ids typed by people, and it would make label values unbounded), request
//! latency per route, batches and PDF bytes accepted by intake, and the jobs run by this
//! process's queue workers. Read from the database at scrape time (index-only `GROUP BY`
//! queries): filings per status and jobs per state, so queue depth covers every worker on
//! every machine. `fincase worker` processes serve no HTTP; their work shows in those gauges.
//!
//! Access: by default `/metrics` needs `Authorization: Bearer` with an admin token or the
//! configured `metrics_token` (a scraper's token that can read nothing else);
//! `public_metrics = true` opens it, for a port reachable from an internal network only.
//! Must not: put personal data, file names or ids in a label.

use super::auth::{Act, Caller, authorize, bearer};
use super::{ApiError, AppState, hash_token};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fincase_core::domain::FilingStatus;
use fincase_pipeline::jobs::Step;
use fincase_store::StoreError;
use prometheus::core::Collector;
use prometheus::{
    Encoder as _, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency histogram's buckets, in seconds (5 ms to 10 s).
const BUCKETS_S: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request that matched no route (the raw path is never a label).
const UNMATCHED: &str = "unmatched";

/// The gauge that says whether the database answered; the only database series shown when it
/// did not.
const STORE_UP: &str = "fincase_store_up";

/// Everything this process counts, in a registry of its own. Shared by the router (through
/// [`AppState`]) and the in-process workers.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    jobs_processed: IntCounter,
    jobs_failed: IntCounterVec,
    jobs_lease_lost: IntCounter,
    queue_errors: IntCounter,
    batches_accepted: IntCounter,
    intake_filings: IntCounterVec,
    intake_bytes: IntCounter,
    /// The gauges set from the database at each scrape; one scrape at a time sets and reads
    /// them.
    db: Mutex<DbSeries>,
}

/// The gauges read from the database at scrape time, in a registry of their own (gathered only
/// by a scrape, after being set).
struct DbSeries {
    registry: Registry,
    store_up: IntGauge,
    filings: IntGaugeVec,
    jobs: IntGaugeVec,
    queue_depth: IntGauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        let registry = Registry::new();
        let r = &registry;
        let http_requests = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "fincase_http_requests_total",
                    "HTTP requests answered, by method, route template and status.",
                ),
                &["method", "route", "status"],
            ),
        );
        let http_duration = register(
            r,
            HistogramVec::new(
                HistogramOpts::new(
                    "fincase_http_request_duration_seconds",
                    "Time from request to answer headers, by method and route template.",
                )
                .buckets(BUCKETS_S.to_vec()),
                &["method", "route"],
            ),
        );
        let jobs_processed = register(
            r,
            IntCounter::new(
                "fincase_jobs_processed_total",
                "Jobs this process's workers finished and recorded.",
            ),
        );
        let jobs_failed = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "fincase_jobs_failed_total",
                    "Job attempts that failed in this process, by whether the job goes back to the queue.",
                ),
                &["retrying"],
            ),
        );
        let jobs_lease_lost = register(
            r,
            IntCounter::new(
                "fincase_jobs_lease_lost_total",
                "Jobs whose lease expired before this process could record the result.",
            ),
        );
        let queue_errors = register(
            r,
            IntCounter::new(
                "fincase_queue_errors_total",
                "Times a worker of this process could not reach the queue.",
            ),
        );
        let batches_accepted = register(
            r,
            IntCounter::new("fincase_intake_batches_total", "Batches accepted (202)."),
        );
        let intake_filings = register(
            r,
            IntCounterVec::new(
                Opts::new(
                    "fincase_intake_filings_total",
                    "Filings in accepted batches, by outcome.",
                ),
                &["outcome"],
            ),
        );
        let intake_bytes = register(
            r,
            IntCounter::new(
                "fincase_intake_bytes_total",
                "Bytes of PDFs accepted by intake (inflated size for zips).",
            ),
        );
        // Series shown at 0 before anything happens.
        for retrying in ["true", "false"] {
            jobs_failed.with_label_values(&[retrying]);
        }
        for outcome in ["queued", "duplicate"] {
            intake_filings.with_label_values(&[outcome]);
        }
        Metrics {
            registry,
            http_requests,
            http_duration,
            jobs_processed,
            jobs_failed,
            jobs_lease_lost,
            queue_errors,
            batches_accepted,
            intake_filings,
            intake_bytes,
            db: Mutex::new(DbSeries::default()),
        }
    }
}

impl Default for DbSeries {
    fn default() -> DbSeries {
        let registry = Registry::new();
        let r = &registry;
        DbSeries {
            store_up: register(
                r,
                IntGauge::new(STORE_UP, "1 when the case database answered this scrape."),
            ),
            filings: register(
                r,
                IntGaugeVec::new(
                    Opts::new("fincase_filings", "Filings in the database, by status."),
                    &["status"],
                ),
            ),
            jobs: register(
                r,
                IntGaugeVec::new(
                    Opts::new("fincase_jobs", "Jobs in the database queue, by state."),
                    &["state"],
                ),
            ),
            queue_depth: register(
                r,
                IntGauge::new(
                    "fincase_queue_depth",
                    "Jobs waiting for a worker (queued, not yet claimed).",
                ),
            ),
            registry,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, micros: u64) {
        let status = status.to_string();
        self.http_requests
            .with_label_values(&[method, route, status.as_str()])
            .inc();
        // Microseconds to seconds: a bound such as 5 000 µs gives the same f64 as the literal
        // 0.005 (both are the nearest f64 to 5/1000), so the bucket a request falls in is the
        // one its whole number of microseconds says.
        self.http_duration
            .with_label_values(&[method, route])
            .observe(micros as f64 / 1e6);
    }

    /// Counts one step of a queue worker.
    pub fn observe_job(&self, step: &Result<Step, StoreError>) {
        match step {
            Ok(Step::Idle) => {}
            Ok(Step::Done { .. }) => self.jobs_processed.inc(),
            Ok(Step::Failed { retrying, .. }) => self
                .jobs_failed
                .with_label_values(&[if *retrying { "true" } else { "false" }])
                .inc(),
            Ok(Step::LeaseLost { .. }) => self.jobs_lease_lost.inc(),
            Err(_) => self.queue_errors.inc(),
        }
    }

    /// Counts one accepted batch: filings queued, duplicates, and the PDF bytes received.
    pub fn observe_intake(&self, filed: usize, duplicates: usize, bytes: u64) {
        self.batches_accepted.inc();
        self.intake_filings
            .with_label_values(&["queued"])
            .inc_by(filed as u64);
        self.intake_filings
            .with_label_values(&["duplicate"])
            .inc_by(duplicates as u64);
        self.intake_bytes.inc_by(bytes);
    }

    /// The text exposition of the counters, plus the database gauges given (`None`: the
    /// database did not answer, reported as `fincase_store_up 0`).
    pub fn render(&self, db: Option<&DbGauges>) -> String {
        let mut families = self.registry.gather();
        families.extend(self.db_families(db));
        families.sort_by(|a, b| a.name().cmp(b.name()));
        let mut out = Vec::with_capacity(4096);
        // Writing to memory fails only for a family the registries could not have built.
        if let Err(e) = TextEncoder::new().encode(&families, &mut out) {
            tracing::warn!(error = %e, "metrics: encoding failed");
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The database gauges of one scrape: set from `db`, then gathered, under the lock (a
    /// status with no filing left disappears).
    fn db_families(&self, db: Option<&DbGauges>) -> Vec<prometheus::proto::MetricFamily> {
        let s = match self.db.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        s.store_up.set(i64::from(db.is_some()));
        s.filings.reset();
        s.jobs.reset();
        let Some(db) = db else {
            let mut families = s.registry.gather();
            families.retain(|f| f.name() == STORE_UP);
            return families;
        };
        for (status, n) in &db.filings {
            s.filings.with_label_values(&[status.as_str()]).set(*n);
        }
        for (state, n) in &db.jobs {
            s.jobs.with_label_values(&[*state]).set(*n);
        }
        s.queue_depth.set(db.jobs[0].1);
        s.registry.gather()
    }
}

/// What the database says at scrape time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbGauges {
    /// Filings per status.
    pub filings: Vec<(FilingStatus, i64)>,
    /// Jobs per state: queued, running, done, failed.
    pub jobs: [(&'static str, i64); 4],
}

/// A metric built from the names and labels written in this file, added to `registry`. It runs
/// once per service, at start, never on a request; the names are valid and distinct (the unit
/// tests build every metric), so the crate has nothing to refuse.
fn register<C: Collector + Clone + 'static>(registry: &Registry, c: prometheus::Result<C>) -> C {
    let c = c.expect("metric names and labels in metrics.rs are valid");
    registry
        .register(Box::new(c.clone()))
        .expect("metric names in metrics.rs are distinct");
    c
}

/// Middleware: counts every answer under its route template.
pub(super) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |m| m.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let start = Instant::now();
    let resp = next.run(req).await;
    let micros = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    state
        .metrics
        .observe_request(&method, &route, resp.status().as_u16(), micros);
    resp
}

/// `GET /metrics`.
pub(super) async fn get_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !state.config.public_metrics && !scrape_token(&state, &headers) {
        authorize(
            &Caller::from_headers(&state, &headers).await?,
            Act::ReadMetrics,
        )?;
    }
    let db = async {
        let filings = state.store.count_by_status().await?;
        let q = state.store.queue_counts(None).await?;
        Ok::<_, StoreError>(DbGauges {
            filings,
            jobs: [
                ("queued", q.queued),
                ("running", q.running),
                ("done", q.done),
                ("failed", q.failed),
            ],
        })
    }
    .await;
    let db = match db {
        Ok(g) => Some(g),
        Err(e) => {
            tracing::warn!(error = %fincase_core::extract::pii::mask(&e.to_string()), "metrics: database gauges unavailable");
            None
        }
    };
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(db.as_ref()),
    )
        .into_response())
}

/// True when the request carries the configured scrape token (`metrics_token`). Compared as
/// hashes: equal length, and the time taken says nothing about the token.
fn scrape_token(state: &AppState, headers: &HeaderMap) -> bool {
    match (state.config.metrics_token.as_deref(), bearer(headers)) {
        (Some(m), Some(t)) => hash_token(m) == hash_token(t),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative_and_labels_escaped() {
        let m = Metrics::default();
        m.observe_request("GET", "/a/{id}", 200, 3_000);
        m.observe_request("GET", "/a/{id}", 404, 40_000);
        m.observe_request("GET", "/a/{id}", 200, 20_000_000);
        m.observe_request("POST", "x\"y", 202, 1);
        let text = m.render(None);
        let has = |l: &str| text.lines().any(|x| x == l);
        assert!(has(
            "fincase_http_requests_total{method=\"GET\",route=\"/a/{id}\",status=\"200\"} 2"
        ));
        assert!(has(
            "fincase_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"0.005\"} 1"
        ));
        assert!(has(
            "fincase_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"0.05\"} 2"
        ));
        assert!(has(
            "fincase_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"10\"} 2"
        ));
        assert!(has(
            "fincase_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a/{id}\",le=\"+Inf\"} 3"
        ));
        // The sum is a float the crate adds up (0.003 + 0.04 + 20 is not exactly 20.043).
        let sum = text
            .lines()
            .find_map(|l| {
                l.strip_prefix(
                    "fincase_http_request_duration_seconds_sum{method=\"GET\",route=\"/a/{id}\"} ",
                )
            })
            .and_then(|v| v.parse::<f64>().ok());
        assert!(sum.is_some_and(|s| (s - 20.043).abs() < 1e-9), "{text}");
        assert!(has(
            "fincase_http_requests_total{method=\"POST\",route=\"x\\\"y\",status=\"202\"} 1"
        ));
        assert!(has("fincase_store_up 0"));
        assert!(!text.contains("fincase_queue_depth"));
    }

    #[test]
    fn jobs_and_intake_are_counted() {
        let m = Metrics::default();
        m.observe_job(&Ok(Step::Idle));
        m.observe_job(&Ok(Step::Done {
            job_id: fincase_core::domain::JobId::new("j"),
            filing_id: fincase_core::domain::FilingId::new("f"),
            status: FilingStatus::Drafted,
        }));
        m.observe_job(&Ok(Step::Failed {
            job_id: fincase_core::domain::JobId::new("j"),
            code: "X",
            retrying: false,
        }));
        m.observe_intake(3, 1, 12_345);
        let db = DbGauges {
            filings: vec![(FilingStatus::Drafted, 7)],
            jobs: [("queued", 4), ("running", 1), ("done", 7), ("failed", 0)],
        };
        let text = m.render(Some(&db));
        for line in [
            "fincase_jobs_processed_total 1",
            "fincase_jobs_failed_total{retrying=\"false\"} 1",
            "fincase_jobs_failed_total{retrying=\"true\"} 0",
            "fincase_intake_batches_total 1",
            "fincase_intake_filings_total{outcome=\"queued\"} 3",
            "fincase_intake_bytes_total 12345",
            "fincase_store_up 1",
            "fincase_filings{status=\"drafted\"} 7",
            "fincase_queue_depth 4",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing:\n{text}");
        }
    }
}
