//! The service as processes: `fincase serve` and `fincase worker` run from the built binary on
//! a loopback port, spoken to over a real socket (a small HTTP/1.1 client below, no extra
//! dependency), killed with SIGKILL in the middle of a batch and started again on the same
//! database. Every filing must then end processed exactly once: a terminal status,
//! `processed_count == 1`, one job done, one `filing.<status>` audit entry, an intact audit
//! chain, and the jobs the kill interrupted re-claimed after their lease expired.
//!
//! Also here: hostile uploads that only a real socket shows (the streamed body limit) or that
//! `tests/http.rs` does not cover (encrypted entry, too many entries or files, an archive whose
//! declared sizes lie, total inflated size, a zip named `.pdf`, mixed upload), each a 4xx with
//! a reason while batches before and after still process.
//!
//! PostgreSQL runs when `DATABASE_URL` names one (a fresh schema per test, dropped at the end).
//! Two workers sharing one queue run here on 300 filings; `benches/service_scale.sh` runs the
//! same test on 2,000 (`FINCASE_SCALE_FILINGS`) and records its times.

use common::{PgSchema, pg_url, zip_of};
use fincase::domain::{BatchId, FilingId, JobId};
use fincase::store::{AuditVerification, FilingView, Store};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_fincase");
const ADMIN: &str = "fc_crash_test_admin_token_0123456789abcdef";
const TERMINAL: &[&str] = &["drafted", "needs_review", "needs_ocr", "rejected", "failed"];

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client over std (one request per connection).

struct Resp {
    status: u16,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&self.body).into_owned()))
    }
}

/// Sends one request. The body is written from a second thread while the answer is read, so
/// that an early answer (an upload refused while streaming) is read before the server closes.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> std::io::Result<Resp> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    let mut writer = stream.try_clone()?;
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        for chunk in body.chunks(64 << 10) {
            if writer.write_all(chunk).is_err() {
                break;
            }
        }
    });
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    let _ = sender.join();
    if raw.is_empty() {
        read?;
        return Err(std::io::Error::other("empty answer"));
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> std::io::Result<Resp> {
    let bad = |why: &str| std::io::Error::other(why.to_owned());
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let rest = &raw[end + 4..];
    let body = if chunked {
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let line_end = rest[at..]
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| bad("bad chunk"))?;
            let size_text = String::from_utf8_lossy(&rest[at..at + line_end]);
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| bad("bad chunk size"))?;
            at += line_end + 2;
            if size == 0 {
                break;
            }
            out.extend_from_slice(rest.get(at..at + size).ok_or_else(|| bad("short chunk"))?);
            at += size + 2;
        }
        out
    } else {
        rest.to_vec()
    };
    Ok(Resp { status, body })
}

fn get(addr: &str, token: &str, path: &str) -> Resp {
    http(addr, "GET", path, Some(token), None, Vec::new()).unwrap()
}

/// One multipart part: form field name, file name, bytes.
type Part = (String, String, Vec<u8>);

fn upload(addr: &str, token: &str, parts: &[Part]) -> Resp {
    let (ct, body) = common::multipart(parts);
    http(
        addr,
        "POST",
        "/api/v1/batches",
        Some(token),
        Some(&ct),
        body,
    )
    .unwrap()
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    ("files".into(), name.into(), bytes)
}

/// Offsets of every local (`PK\3\4`) and central (`PK\1\2`) header of a zip.
fn headers(zip: &[u8]) -> (Vec<usize>, Vec<usize>) {
    let find = |sig: &[u8]| -> Vec<usize> {
        zip.windows(4)
            .enumerate()
            .filter(|(_, w)| *w == sig)
            .map(|(i, _)| i)
            .collect()
    };
    (find(b"PK\x03\x04"), find(b"PK\x01\x02"))
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// `n` pseudo-random bytes after a PDF header (incompressible: no ratio check fires).
fn noise_pdf(n: usize, seed: u64) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut x = seed | 1;
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(n);
    out
}

// ---------------------------------------------------------------------------------------------
// Processes.

/// A child process killed (SIGKILL) when dropped; its output goes to a log file.
struct Proc {
    child: Child,
    log: PathBuf,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, as `kill -9`: no shutdown code runs.
    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn spawn(args: &[&str], env: &[(&str, &str)], log: &Path) -> Proc {
    let out = std::fs::File::create(log).unwrap();
    let err = out.try_clone().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .env("FINCASE_ADMIN_TOKEN", ADMIN)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Proc {
        child: cmd.spawn().unwrap(),
        log: log.to_owned(),
    }
}

fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

struct Server {
    proc: Proc,
    addr: String,
}

/// Starts `fincase serve` on a free loopback port and waits for `/healthz`.
fn serve(index: &Path, config: &Path, env: &[(&str, &str)], log: &Path) -> Server {
    let addr = free_addr();
    let mut proc = spawn(
        &[
            "serve",
            "--addr",
            &addr,
            "--index",
            index.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        env,
        log,
    );
    let start = Instant::now();
    loop {
        if let Ok(r) = http(&addr, "GET", "/healthz", None, None, Vec::new())
            && r.status == 200
        {
            return Server { proc, addr };
        }
        if let Ok(Some(code)) = proc.child.try_wait() {
            panic!("serve exited with {code}:\n{}", proc.log_tail());
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "serve did not answer:\n{}",
            proc.log_tail()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn worker(index: &Path, config: &Path, env: &[(&str, &str)], log: &Path) -> Proc {
    spawn(
        &[
            "worker",
            "--index",
            index.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--tasks",
            "1",
        ],
        env,
        log,
    )
}

fn bank_token(addr: &str, org: &str) -> String {
    let body =
        serde_json::to_vec(&serde_json::json!({"org": org, "role": "bank", "label": "crash test"}))
            .unwrap();
    let r = http(
        addr,
        "POST",
        "/api/v1/tokens",
        Some(ADMIN),
        Some("application/json"),
        body,
    )
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.json());
    r.json()["token"].as_str().unwrap().to_owned()
}

/// `count` generated filings (PDF bytes), named by their fixture id.
fn generated(seed: u64, count: usize) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    (0..count)
        .into_par_iter()
        .map(|i| {
            let f = fincase::fixtures::generate_one(seed, i).unwrap();
            (format!("{}.pdf", f.id), f.pdf)
        })
        .collect()
}

/// The batch status counts (`queued`, `processing`, terminal ones) and `finished`.
fn batch_counts(
    addr: &str,
    token: &str,
    batch: &str,
) -> (std::collections::BTreeMap<String, i64>, bool) {
    let r = get(addr, token, &format!("/api/v1/batches/{batch}?limit=1"));
    assert_eq!(r.status, 200, "{}", r.json());
    let v = r.json();
    let counts = v["counts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, n)| (k.clone(), n.as_i64().unwrap()))
        .collect();
    (counts, v["finished"] == true)
}

fn terminal_count(counts: &std::collections::BTreeMap<String, i64>) -> i64 {
    TERMINAL
        .iter()
        .map(|s| counts.get(*s).copied().unwrap_or(0))
        .sum()
}

/// Polls the queue itself (not the API: the kill must follow the look within a millisecond)
/// until at least `done` jobs of the batch are finished while one is running, the moment to
/// kill; panics after `limit`.
fn wait_mid_batch(
    rt: &tokio::runtime::Runtime,
    store: &Store,
    batch: &str,
    done: i64,
    limit: Duration,
    who: &Proc,
) {
    let start = Instant::now();
    loop {
        let q = rt
            .block_on(store.queue_counts(Some(&BatchId::new(batch))))
            .unwrap();
        assert!(
            q.queued + q.running > 0,
            "the batch finished before the kill: {q:?}"
        );
        if q.done + q.failed >= done && q.running >= 1 {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "no progress: {q:?}\n{}",
            who.log_tail()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Polls until the batch is finished; returns how long it took.
fn wait_finished(addr: &str, token: &str, batch: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let (counts, finished) = batch_counts(addr, token, batch);
        if finished {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "batch not finished: {counts:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One runtime per test: a store's pool lives and dies with the runtime that opened it.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    runtime().block_on(f)
}

/// The jobs running (leased) right now: those a kill interrupts.
async fn running_jobs(store: &Store, filings: &[FilingView]) -> Vec<(JobId, FilingId)> {
    let mut out = Vec::new();
    for f in filings {
        for j in store.jobs_of_filing(&f.record.id).await.unwrap() {
            if j.state == Some(fincase::store::JobState::Running) {
                out.push((j.id, f.record.id.clone()));
            }
        }
    }
    out
}

/// Every filing of `batch` processed exactly once: terminal status, `processed_count == 1`, one
/// job (done), one `filing.<status>` audit entry, and an intact audit chain. Returns the jobs'
/// attempts by filing id.
async fn check_exactly_once(
    store: &Store,
    batch: &str,
    expected: usize,
) -> std::collections::HashMap<FilingId, (i64, String)> {
    let filings = store
        .filing_views_of_batch(&BatchId::new(batch))
        .await
        .unwrap();
    assert_eq!(filings.len(), expected, "filings lost or duplicated");
    let mut attempts = std::collections::HashMap::new();
    for f in &filings {
        let id = &f.record.id;
        assert!(
            TERMINAL.contains(&f.record.status.as_str()),
            "{id}: status {}",
            f.record.status.as_str()
        );
        assert_eq!(
            f.processed_count, 1,
            "{id} recorded {} times",
            f.processed_count
        );
        let jobs = store.jobs_of_filing(id).await.unwrap();
        assert_eq!(jobs.len(), 1, "{id}: {jobs:?}");
        assert_eq!(
            jobs[0].state,
            Some(fincase::store::JobState::Done),
            "{jobs:?}"
        );
        let audit = store.audit_of(id.as_str()).await.unwrap();
        let recorded: Vec<_> = audit
            .iter()
            .filter(|e| TERMINAL.iter().any(|s| e.action == format!("filing.{s}")))
            .collect();
        assert_eq!(recorded.len(), 1, "{id}: {recorded:?}");
        assert_eq!(
            recorded[0].action,
            format!("filing.{}", f.record.status.as_str())
        );
        let claims = audit.iter().filter(|e| e.action == "job.claimed").count();
        assert_eq!(
            claims as i64, jobs[0].attempts,
            "{id}: one claim per attempt"
        );
        attempts.insert(id.clone(), (jobs[0].attempts, recorded[0].actor.clone()));
    }
    match store.verify_audit().await.unwrap() {
        AuditVerification::Intact { .. } => {}
        broken => panic!("audit chain broken after the crash: {broken:?}"),
    }
    attempts
}

fn write_config(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("fincase.toml");
    std::fs::write(&path, body).unwrap();
    path
}

/// A fresh PostgreSQL schema, migrated (so that processes started at once find it ready), and
/// dropped with the guard.
fn pg_schema(url: &str) -> PgSchema {
    let pg = PgSchema::new(url, "fincase_crash");
    block_on(async { pg.store(1).await.close().await });
    pg
}

// ---------------------------------------------------------------------------------------------
// Tests.

const CRASH_FILINGS: usize = 60;
/// Short leases so that restart recovery takes seconds, not the default five minutes.
const CRASH_CONFIG: &str = "[workers]\nin_process = 2\nlease_secs = 3\nbackoff_base_ms = 200\n";

/// What a kill left: filings terminal, and the jobs it interrupted `(job, filing)`.
async fn after_kill(store: &Store, batch: &str) -> (usize, Vec<(JobId, FilingId)>) {
    let views = store
        .filing_views_of_batch(&BatchId::new(batch))
        .await
        .unwrap();
    let running = running_jobs(store, &views).await;
    let done = views
        .iter()
        .filter(|v| TERMINAL.contains(&v.record.status.as_str()))
        .count();
    (done, running)
}

/// Kill rounds before giving up on catching a job in flight (a kill can fall in the
/// few milliseconds between one job's commit and the next claim; another round then follows).
const KILL_ROUNDS: usize = 5;

#[test]
fn serve_killed_mid_batch_then_restarted_processes_every_filing_once() {
    let rt = runtime();
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let config = write_config(dir.path(), CRASH_CONFIG);
    let filings = generated(9001, CRASH_FILINGS);

    let server = serve(&index, &config, &[], &dir.path().join("serve-1.log"));
    // The test reads the same SQLite database (WAL: readers never block the server).
    let store = rt
        .block_on(Store::open_sqlite(&index.join("cases.db")))
        .unwrap();
    let bank = bank_token(&server.addr, "bank-crash");
    let parts: Vec<Part> = filings.iter().map(|(n, b)| file(n, b.clone())).collect();
    let r = upload(&server.addr, &bank, &parts);
    assert_eq!(r.status, 202, "{}", r.json());
    let batch = r.json()["batch_id"].as_str().unwrap().to_owned();

    let mut server = Some(server);
    let mut round = 0;
    let (before, interrupted) = loop {
        round += 1;
        let mut s = server.take().unwrap_or_else(|| {
            let log = dir.path().join(format!("serve-{round}.log"));
            serve(&index, &config, &[], &log)
        });
        let done = 8 * round as i64;
        wait_mid_batch(&rt, &store, &batch, done, Duration::from_secs(60), &s.proc);
        s.proc.kill9();
        // What the kill interrupted, read from the database the dead server left.
        let (before, running) = rt.block_on(after_kill(&store, &batch));
        assert!(before < CRASH_FILINGS, "{before} done at the kill");
        if !running.is_empty() || round == KILL_ROUNDS {
            break (before, running);
        }
    };
    assert!(
        !interrupted.is_empty(),
        "{KILL_ROUNDS} kills interrupted no job"
    );

    let server = serve(&index, &config, &[], &dir.path().join("serve-last.log"));
    let took = wait_finished(&server.addr, &bank, &batch, Duration::from_secs(120));
    let (counts, _) = batch_counts(&server.addr, &bank, &batch);
    assert_eq!(terminal_count(&counts), CRASH_FILINGS as i64, "{counts:?}");
    drop(server);

    let attempts = rt.block_on(check_exactly_once(&store, &batch, CRASH_FILINGS));
    for (_, filing) in &interrupted {
        assert!(
            attempts[filing].0 >= 2,
            "{filing}: re-claimed after the kill"
        );
    }
    rt.block_on(store.close());
    eprintln!(
        "serve crash: {round} kill(s); {before} of {CRASH_FILINGS} done at the last, {} job(s) \
         interrupted; the rest done {took:?} after the restart",
        interrupted.len()
    );
}

#[test]
fn postgres_worker_killed_mid_batch_another_finishes_every_filing_once() {
    let Some(url) = pg_url() else {
        eprintln!("DATABASE_URL not set: skipping the PostgreSQL worker crash test");
        return;
    };
    let rt = runtime();
    let pg = pg_schema(&url);
    let store = rt.block_on(pg.store(4));
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    // The API node runs no workers; the external workers share the queue.
    let config = write_config(
        dir.path(),
        "[workers]\nin_process = 0\nlease_secs = 3\nbackoff_base_ms = 200\n",
    );
    let scoped = pg.scoped_url();
    let env = [("DATABASE_URL", scoped.as_str())];
    let filings = generated(9002, CRASH_FILINGS);
    let server = serve(&index, &config, &env, &dir.path().join("serve.log"));
    let bank = bank_token(&server.addr, "bank-pg-crash");
    let parts: Vec<Part> = filings.iter().map(|(n, b)| file(n, b.clone())).collect();
    let r = upload(&server.addr, &bank, &parts);
    assert_eq!(r.status, 202, "{}", r.json());
    let batch = r.json()["batch_id"].as_str().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(300));
    let (counts, _) = batch_counts(&server.addr, &bank, &batch);
    assert_eq!(
        counts.get("queued"),
        Some(&(CRASH_FILINGS as i64)),
        "the API node processed something: {counts:?}"
    );

    let mut killed = Vec::new();
    let (before, interrupted) = loop {
        let round = killed.len() + 1;
        let log = dir.path().join(format!("worker-killed-{round}.log"));
        let mut w = worker(&index, &config, &env, &log);
        let done = 8 * round as i64;
        wait_mid_batch(&rt, &store, &batch, done, Duration::from_secs(60), &w);
        w.kill9();
        killed.push(format!("/{}/", w.pid()));
        let got = rt.block_on(after_kill(&store, &batch));
        assert!(got.0 < CRASH_FILINGS, "{} done at the kill", got.0);
        assert!(got.1.len() <= 1, "one task holds one job: {:?}", got.1);
        if !got.1.is_empty() || round == KILL_ROUNDS {
            break got;
        }
    };
    assert_eq!(
        interrupted.len(),
        1,
        "{KILL_ROUNDS} kills interrupted no job"
    );

    let second = worker(&index, &config, &env, &dir.path().join("worker-last.log"));
    let took = wait_finished(&server.addr, &bank, &batch, Duration::from_secs(120));
    drop(second);
    drop(server);

    let attempts = rt.block_on(check_exactly_once(&store, &batch, CRASH_FILINGS));
    let by_killed = |actor: &str| killed.iter().any(|k| actor.contains(k.as_str()));
    let (n, actor) = &attempts[&interrupted[0].1];
    assert!(*n >= 2, "re-claimed after the kill");
    assert!(!by_killed(actor), "recorded by a killed worker: {actor}");
    let recorded_by_killed = attempts.values().filter(|(_, a)| by_killed(a)).count();
    assert_eq!(
        recorded_by_killed, before,
        "the killed workers recorded exactly what was done before the kill"
    );
    rt.block_on(store.close());
    eprintln!(
        "worker crash (PostgreSQL): {} kill(s); {before} of {CRASH_FILINGS} done at the last; \
         the rest done {took:?} after the second worker started",
        killed.len()
    );
}

/// The hostile uploads `tests/http.rs` does not cover, over a real socket with small limits;
/// a batch before them and one after them still process, and nothing else is stored.
#[test]
fn hostile_uploads_over_the_socket_leave_other_batches_alone() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let config = write_config(
        dir.path(),
        "[workers]\nin_process = 1\n[limits]\nmax_file_bytes = 1048576\n\
         max_batch_bytes = 4194304\nmax_files = 5\nmax_zip_entries = 8\n\
         max_uncompressed_bytes = 2097152\n",
    );
    let server = serve(&index, &config, &[], &dir.path().join("serve.log"));
    let addr = server.addr.as_str();
    let bank = bank_token(addr, "bank-hostile");
    let good = generated(9003, 4);
    let before = upload(
        addr,
        &bank,
        &[
            file(&good[0].0, good[0].1.clone()),
            file(&good[1].0, good[1].1.clone()),
        ],
    );
    assert_eq!(before.status, 202, "{}", before.json());
    let g = good[2].1.as_slice();

    let refused = |parts: &[Part], status: u16, code: &str| {
        let r = upload(addr, &bank, parts);
        let v = r.json();
        assert_eq!(r.status, status, "{code}: {v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        let message = v["error"]["message"].as_str().unwrap_or("");
        assert!(message.len() > 5, "no reason: {v}");
        message.to_owned()
    };
    let zip_part = |bytes: Vec<u8>| vec![file("batch.zip", bytes)];

    // A password-protected entry (the encryption flag set in both headers).
    let mut enc = zip_of(&[("ok.pdf", g, true), ("secret.pdf", g, false)]);
    let (local, central) = headers(&enc);
    for at in [local[1] + 6, central[1] + 8] {
        let flags = u16::from_le_bytes([enc[at], enc[at + 1]]) | 1;
        put_u16(&mut enc, at, flags);
    }
    let m = refused(&zip_part(enc), 400, "ENTRY_ENCRYPTED");
    assert!(m.contains("secret.pdf"), "{m}");

    // A zip bomb whose headers lie: 3 MiB of zeros declared as 1,000 bytes (under the ratio
    // check's floor); inflating must still stop at the per-file limit.
    let mut liar = zip_of(&[("liar.pdf", &vec![b'0'; 3 << 20][..], true)]);
    let (local, central) = headers(&liar);
    put_u32(&mut liar, local[0] + 22, 1_000);
    put_u32(&mut liar, central[0] + 24, 1_000);
    let m = refused(&zip_part(liar), 413, "FILE_TOO_LARGE");
    assert!(m.contains("inflates past"), "{m}");

    // Too many entries (folders and metadata count), too many PDFs, too much inflated data.
    let many: Vec<(String, Vec<u8>)> = (0..9).map(|i| (format!("d{i}/"), Vec::new())).collect();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, _) in &many {
        w.add_directory(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
    }
    refused(
        &zip_part(w.finish().unwrap().into_inner()),
        413,
        "TOO_MANY_ENTRIES",
    );
    let six: Vec<Part> = generated(9004, 6)
        .into_iter()
        .map(|(n, b)| file(&n, b))
        .collect();
    refused(&six, 413, "TOO_MANY_FILES");
    let (a, b, c) = (
        noise_pdf(900 << 10, 1),
        noise_pdf(900 << 10, 2),
        noise_pdf(900 << 10, 3),
    );
    refused(
        &zip_part(zip_of(&[
            ("a.pdf", &a, false),
            ("b.pdf", &b, false),
            ("c.pdf", &c, false),
        ])),
        413,
        "BATCH_TOO_LARGE",
    );
    // An upload over the batch limit, refused while it streams (5 × 900 KiB > 4 MiB).
    let five: Vec<Part> = (0..5)
        .map(|i| file(&format!("n{i}.pdf"), noise_pdf(900 << 10, 10 + i)))
        .collect();
    refused(&five, 413, "BATCH_TOO_LARGE");

    // A zip inside the zip under a PDF's name, and a zip beside PDFs.
    let inner = zip_of(&[("x.pdf", g, true)]);
    refused(
        &zip_part(zip_of(&[("ok.pdf", g, true), ("inner.pdf", &inner, false)])),
        415,
        "NOT_A_PDF",
    );
    refused(
        &[file("a.pdf", g.to_vec()), file("b.zip", inner.clone())],
        400,
        "BATCH_MIXED",
    );

    // A name encoded in GBK (Chinese Windows zip tools) is decoded, not refused.
    let gbk_name = encoding_rs::GBK.encode("起诉状").0.into_owned();
    assert_eq!(gbk_name.len(), 6);
    let mut gbk = zip_of(&[("abcdef.pdf", good[3].1.as_slice(), true)]);
    let (local, central) = headers(&gbk);
    for at in [local[0] + 30, central[0] + 46] {
        assert_eq!(&gbk[at..at + 6], b"abcdef");
        gbk[at..at + 6].copy_from_slice(&gbk_name);
    }
    let after = upload(addr, &bank, &zip_part(gbk));
    assert_eq!(after.status, 202, "{}", after.json());
    assert_eq!(after.json()["filed"][0]["name"], "起诉状.pdf");

    // Both good batches process; nothing of the refused uploads was stored or left staged.
    for r in [&before, &after] {
        let batch = r.json()["batch_id"].as_str().unwrap().to_owned();
        wait_finished(addr, &bank, &batch, Duration::from_secs(60));
    }
    let ready = http(addr, "GET", "/readyz", None, None, Vec::new())
        .unwrap()
        .json();
    assert_eq!(ready["queue"]["done"], 3, "{ready}");
    assert_eq!(ready["queue"]["queued"], 0, "{ready}");
    assert_eq!(ready["queue"]["failed"], 0, "{ready}");
    let staged = std::fs::read_dir(index.join("uploads")).map_or(0, |d| d.count());
    assert_eq!(staged, 0, "staging left behind");
}

/// Two `fincase worker` processes share a PostgreSQL queue on one batch (300 filings, or
/// `FINCASE_SCALE_FILINGS`: `benches/service_scale.sh` gives 2,000 and records the times this
/// prints): no filing is processed twice and both workers take part.
#[test]
fn two_postgres_workers_share_a_large_batch_without_processing_twice() {
    let Some(url) = pg_url() else {
        eprintln!("DATABASE_URL not set: skipping");
        return;
    };
    let n: usize = std::env::var("FINCASE_SCALE_FILINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let pg = pg_schema(&url);
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index");
    let config = write_config(dir.path(), "[workers]\nin_process = 0\n");
    let scoped = pg.scoped_url();
    let env = [("DATABASE_URL", scoped.as_str())];
    let t = Instant::now();
    let filings = generated(2024, n);
    let entries: Vec<(&str, &[u8], bool)> = filings
        .iter()
        .map(|(name, b)| (name.as_str(), b.as_slice(), true))
        .collect();
    let zip = zip_of(&entries);
    eprintln!(
        "generated {n} filings ({} KiB zip) in {:?}",
        zip.len() >> 10,
        t.elapsed()
    );

    let server = serve(&index, &config, &env, &dir.path().join("serve.log"));
    let bank = bank_token(&server.addr, "bank-scale");
    let t = Instant::now();
    let r = upload(&server.addr, &bank, &[file("batch.zip", zip)]);
    let accepted = t.elapsed();
    assert_eq!(r.status, 202, "{}", r.json());
    let batch = r.json()["batch_id"].as_str().unwrap().to_owned();

    let t = Instant::now();
    let w1 = worker(&index, &config, &env, &dir.path().join("worker-1.log"));
    let w2 = worker(&index, &config, &env, &dir.path().join("worker-2.log"));
    let (p1, p2) = (w1.pid(), w2.pid());
    let took = wait_finished(&server.addr, &bank, &batch, Duration::from_secs(3_600));
    let processing = t.elapsed().max(took);
    drop((w1, w2, server));

    block_on(async {
        let store = pg.store(4).await;
        let attempts = check_exactly_once(&store, &batch, n).await;
        let by = |pid: u32| {
            attempts
                .values()
                .filter(|(_, a)| a.contains(&format!("/{pid}/")))
                .count()
        };
        let (n1, n2) = (by(p1), by(p2));
        assert_eq!(
            n1 + n2,
            n,
            "every filing recorded by one of the two workers"
        );
        assert!(n1 > 0 && n2 > 0, "both workers took part: {n1} / {n2}");
        assert!(
            attempts.values().all(|(a, _)| *a == 1),
            "a job was claimed twice"
        );
        eprintln!(
            "SCALE two workers: {n} filings, upload 202 in {:.2} s, processed in {:.1} s \
             ({:.1} filings/s), worker shares {n1}/{n2}, every processed_count = 1",
            accepted.as_secs_f64(),
            processing.as_secs_f64(),
            n as f64 / processing.as_secs_f64()
        );
        store.close().await;
    });
}
