//! Prometheus metrics (`GET /metrics`, text exposition format 0.0.4), written by hand: a few
//! counters and one histogram do not justify a metrics crate.
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
use fincase_pipeline::jobs::Step;
use fincase_store::StoreError;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Upper bounds of the latency histogram's buckets, in microseconds (5 ms to 10 s).
const BUCKETS_US: [u64; 11] = [
    5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000, 5_000_000,
    10_000_000,
];

/// Samples of one counter: `(labels, value)`.
type Series<'a> = &'a [(&'a str, &'a AtomicU64)];

/// The route label of a request that matched no route (the raw path is never a label).
const UNMATCHED: &str = "unmatched";

/// Requests and latency of one (method, route template).
#[derive(Debug, Default)]
struct RouteStats {
    /// Answers per status code.
    by_status: BTreeMap<u16, u64>,
    /// Requests per bucket of `BUCKETS_US` (not cumulative; the last slot is above 10 s).
    buckets: [u64; BUCKETS_US.len() + 1],
    /// Total time, microseconds.
    sum_us: u64,
    /// Requests.
    count: u64,
}

/// Everything this process counts. Shared by the router (through [`AppState`]) and the
/// in-process workers.
#[derive(Debug, Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String), RouteStats>>,
    jobs_done: AtomicU64,
    jobs_failed_retrying: AtomicU64,
    jobs_failed_final: AtomicU64,
    jobs_lease_lost: AtomicU64,
    queue_errors: AtomicU64,
    batches_accepted: AtomicU64,
    filings_accepted: AtomicU64,
    filings_duplicate: AtomicU64,
    intake_bytes: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, micros: u64) {
        let mut http = match self.http.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let s = http
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        *s.by_status.entry(status).or_insert(0) += 1;
        let slot = BUCKETS_US
            .iter()
            .position(|b| micros <= *b)
            .unwrap_or(BUCKETS_US.len());
        s.buckets[slot] += 1;
        s.sum_us = s.sum_us.saturating_add(micros);
        s.count += 1;
    }

    /// Counts one step of a queue worker.
    pub fn observe_job(&self, step: &Result<Step, StoreError>) {
        let c = match step {
            Ok(Step::Idle) => return,
            Ok(Step::Done { .. }) => &self.jobs_done,
            Ok(Step::Failed { retrying: true, .. }) => &self.jobs_failed_retrying,
            Ok(Step::Failed {
                retrying: false, ..
            }) => &self.jobs_failed_final,
            Ok(Step::LeaseLost { .. }) => &self.jobs_lease_lost,
            Err(_) => &self.queue_errors,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one accepted batch: filings queued, duplicates, and the PDF bytes received.
    pub fn observe_intake(&self, filed: usize, duplicates: usize, bytes: u64) {
        self.batches_accepted.fetch_add(1, Ordering::Relaxed);
        self.filings_accepted
            .fetch_add(filed as u64, Ordering::Relaxed);
        self.filings_duplicate
            .fetch_add(duplicates as u64, Ordering::Relaxed);
        self.intake_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// The text exposition of the counters, plus the database gauges given (`None`: the
    /// database did not answer, reported as `fincase_store_up 0`).
    pub fn render(&self, db: Option<&DbGauges>) -> String {
        let mut out = String::with_capacity(4096);
        self.render_http(&mut out);
        let counters: [(&str, &str, Series<'_>); 6] = [
            (
                "fincase_jobs_processed_total",
                "Jobs this process's workers finished and recorded.",
                &[("", &self.jobs_done)],
            ),
            (
                "fincase_jobs_failed_total",
                "Job attempts that failed in this process, by whether the job goes back to the queue.",
                &[
                    ("retrying=\"true\"", &self.jobs_failed_retrying),
                    ("retrying=\"false\"", &self.jobs_failed_final),
                ],
            ),
            (
                "fincase_jobs_lease_lost_total",
                "Jobs whose lease expired before this process could record the result.",
                &[("", &self.jobs_lease_lost)],
            ),
            (
                "fincase_queue_errors_total",
                "Times a worker of this process could not reach the queue.",
                &[("", &self.queue_errors)],
            ),
            (
                "fincase_intake_batches_total",
                "Batches accepted (202).",
                &[("", &self.batches_accepted)],
            ),
            (
                "fincase_intake_filings_total",
                "Filings in accepted batches, by outcome.",
                &[
                    ("outcome=\"queued\"", &self.filings_accepted),
                    ("outcome=\"duplicate\"", &self.filings_duplicate),
                ],
            ),
        ];
        for (name, help, series) in counters {
            header(&mut out, name, help, "counter");
            for (labels, v) in series {
                sample(&mut out, name, labels, v.load(Ordering::Relaxed));
            }
        }
        header(
            &mut out,
            "fincase_intake_bytes_total",
            "Bytes of PDFs accepted by intake (inflated size for zips).",
            "counter",
        );
        sample(
            &mut out,
            "fincase_intake_bytes_total",
            "",
            self.intake_bytes.load(Ordering::Relaxed),
        );
        header(
            &mut out,
            "fincase_store_up",
            "1 when the case database answered this scrape.",
            "gauge",
        );
        sample(&mut out, "fincase_store_up", "", u64::from(db.is_some()));
        if let Some(db) = db {
            db.render(&mut out);
        }
        out
    }

    fn render_http(&self, out: &mut String) {
        let http = match self.http.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let name = "fincase_http_requests_total";
        header(
            out,
            name,
            "HTTP requests answered, by method, route template and status.",
            "counter",
        );
        for ((method, route), s) in http.iter() {
            for (status, n) in &s.by_status {
                let labels = format!(
                    "method=\"{}\",route=\"{}\",status=\"{status}\"",
                    escape(method),
                    escape(route)
                );
                sample(out, name, &labels, *n);
            }
        }
        let name = "fincase_http_request_duration_seconds";
        header(
            out,
            name,
            "Time from request to answer headers, by method and route template.",
            "histogram",
        );
        for ((method, route), s) in http.iter() {
            let base = format!("method=\"{}\",route=\"{}\"", escape(method), escape(route));
            let mut cumulative = 0;
            for (i, le) in BUCKETS_US.iter().enumerate() {
                cumulative += s.buckets[i];
                let labels = format!("{base},le=\"{}\"", seconds(*le));
                sample(out, &format!("{name}_bucket"), &labels, cumulative);
            }
            sample(
                out,
                &format!("{name}_bucket"),
                &format!("{base},le=\"+Inf\""),
                s.count,
            );
            let _ = writeln!(out, "{name}_sum{{{base}}} {}", seconds(s.sum_us));
            sample(out, &format!("{name}_count"), &base, s.count);
        }
    }
}

/// What the database says at scrape time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DbGauges {
    /// Filings per status.
    pub filings: Vec<(String, i64)>,
    /// Jobs per state: queued, running, done, failed.
    pub jobs: [(&'static str, i64); 4],
}

impl DbGauges {
    fn render(&self, out: &mut String) {
        let name = "fincase_filings";
        header(out, name, "Filings in the database, by status.", "gauge");
        for (status, n) in &self.filings {
            let labels = format!("status=\"{}\"", escape(status));
            let _ = writeln!(out, "{name}{{{labels}}} {n}");
        }
        let name = "fincase_jobs";
        header(out, name, "Jobs in the database queue, by state.", "gauge");
        for (state, n) in &self.jobs {
            let _ = writeln!(out, "{name}{{state=\"{state}\"}} {n}");
        }
        let name = "fincase_queue_depth";
        header(
            out,
            name,
            "Jobs waiting for a worker (queued, not yet claimed).",
            "gauge",
        );
        let _ = writeln!(out, "{name} {}", self.jobs[0].1);
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &str, v: u64) {
    if labels.is_empty() {
        let _ = writeln!(out, "{name} {v}");
    } else {
        let _ = writeln!(out, "{name}{{{labels}}} {v}");
    }
}

/// Microseconds as decimal seconds, without floating point (`250000` → `0.25`).
fn seconds(us: u64) -> String {
    let frac = format!("{:06}", us % 1_000_000);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{}", us / 1_000_000)
    } else {
        format!("{}.{frac}", us / 1_000_000)
    }
}

/// A label value escaped as the exposition format wants (`\`, `"`, newline).
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
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
    fn seconds_are_exact_decimals() {
        assert_eq!(seconds(5_000), "0.005");
        assert_eq!(seconds(250_000), "0.25");
        assert_eq!(seconds(1_000_000), "1");
        assert_eq!(seconds(2_500_000), "2.5");
        assert_eq!(seconds(0), "0");
    }

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
        assert!(has(
            "fincase_http_request_duration_seconds_sum{method=\"GET\",route=\"/a/{id}\"} 20.043"
        ));
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
            job_id: "j".into(),
            filing_id: "f".into(),
            status: "drafted".into(),
        }));
        m.observe_job(&Ok(Step::Failed {
            job_id: "j".into(),
            code: "X",
            retrying: false,
        }));
        m.observe_intake(3, 1, 12_345);
        let db = DbGauges {
            filings: vec![("drafted".into(), 7)],
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
