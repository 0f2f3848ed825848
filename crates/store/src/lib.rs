//! `store`: the case database, the durable job queue and the store of original PDFs.
//!
//! One interface, [`Store`], over two backends: SQLite (embedded, WAL, under `index/`, the
//! default) and PostgreSQL (`DATABASE_URL=postgres://…`, for the service scaled out over several
//! worker machines). Each backend has its own migration list, applied at open. The database is the
//! system of record: the tantivy index (`search`) can be rebuilt from it. Originals are kept
//! content-addressed (SHA-256): on disk under `index/originals/` with SQLite ([`OriginalStore`]), in
//! the database (`originals`, bytea) with PostgreSQL, so that workers on other machines need
//! nothing else than the database.
//!
//! Must not: compute facts or outcomes (it stores what the pipeline computed, as JSON), or know
//! about HTTP. Async (sqlx); the batch pipeline drives it from a small tokio runtime.
//!
//! # Layout
//! The crate root opens the database, runs the migrations and holds the batch pipeline's own
//! records (`BatchRecord`, `FilingRecord`). Beside it, one module per kind of record:
//! `tokens` (API tokens, hashed), `courts`, `intake` (batches submitted through the service),
//! `queue` (jobs under leases, `JobKind`, what a worker computed), `decisions` (a judge's
//! decision), `review` (the review queue, sessions, draft versions), `lifecycle` (what happens
//! after the draft: stage, events, papers), `webhooks` (banks' endpoints and the outbox of
//! deliveries), `views` (what the service
//! shows, lists and counts), `originals` (the PDFs as filed), `audit` (the hash chain every
//! change above writes in its own transaction) and [`search`] (the tantivy index derived from
//! the database).
//!
//! Both backends run the same SQL text, written with `?` placeholders and rewritten to `$n` for
//! PostgreSQL (`pg_sql`); the only dialect differences (the claim's `FOR UPDATE SKIP LOCKED`,
//! `BLOB`/`BYTEA`, the migration lock) are spelled out where they occur.

mod archive;
mod audit;
mod courts;
mod decisions;
mod intake;
mod lifecycle;
mod originals;
mod queue;
mod record;
mod review;
pub mod search;
mod tokens;
mod views;
mod webhooks;

pub use audit::{Actor, AuditBreak, AuditEntry, AuditVerification, GENESIS_HASH, entry_hash};
use audit::{Pending, audited_tx};
pub use courts::{Court, normalize_court_name};
pub use decisions::{Decided, ReviewAction};
pub use intake::{Admitted, NewBatch, NewFiling};
pub use lifecycle::{
    LifecycleEventRow, LifecycleRecord, LifecycleWrite, LifecycleWritten, NewLifecycleEvent,
    Redraft, StoredPaper,
};
pub use originals::OriginalStore;
pub use queue::{JobKind, JobRecord, JobState, QueueCounts};
pub use record::{BatchFiling, FilingOutput};
pub use review::{DraftVersion, Edited, EditedResult, QueueFilter, QueueRow, SessionRecord};
pub use tokens::{Role, TokenRecord};
pub use views::{
    BatchFilingLine, BatchView, FilingChange, FilingScope, FilingSummary, FilingView, Stats,
};
pub use webhooks::{Delivery, DeliveryState, Webhook};

use fincase_core::domain::{BatchId, FilingId, FilingStatus, ReviewState};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};
use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr;

/// Runs one query on whichever backend `$db` is, binding the same values, and maps the result
/// with `$map` (written once, type-checked once per backend).
macro_rules! db_query {
    ($db:expr, $sql:expr, [$($b:expr),* $(,)?], $method:ident, $map:expr) => {
        match $db {
            $crate::Db::Sqlite(p) => {
                sqlx::query($sql)$(.bind($b))*.$method(p).await.map($map)
            }
            $crate::Db::Postgres(p) => {
                sqlx::query(&$crate::pg_sql($sql))$(.bind($b))*.$method(p).await.map($map)
            }
        }
    };
}
pub(crate) use db_query;

/// The same inside a transaction: `$tx` is a `sqlx::Transaction` of the backend `$pg` says.
macro_rules! tx_query {
    ($pg:expr, $tx:expr, $sql:expr, [$($b:expr),* $(,)?], $method:ident) => {
        sqlx::query(&$crate::dialect($pg, $sql))$(.bind($b))*.$method(&mut *$tx).await
    };
}
pub(crate) use tx_query;

/// Runs `$body` in one transaction on either backend: `$tx` is the transaction, opened by
/// `$begin_sqlite` or `$begin_pg` (async fns of the pool: [`begin`], or the audited ones in
/// `audit`), and `$pg` says which backend it is (for `tx_query!($pg, $tx, …)`). `$body` is written
/// once and compiled for each backend; it evaluates to `Result<T, StoreError>`, and the
/// transaction commits on `Ok` and rolls back on `Err` ([`settle`]).
macro_rules! tx_on {
    ($db:expr, $begin_sqlite:path, $begin_pg:path, |$tx:ident, $pg:ident| $body:block) => {
        match $db {
            $crate::Db::Sqlite(p) => {
                $crate::tx_arm!($begin_sqlite(p), false, |$tx, $pg| $body)
            }
            $crate::Db::Postgres(p) => {
                $crate::tx_arm!($begin_pg(p), true, |$tx, $pg| $body)
            }
        }
    };
}
pub(crate) use tx_on;

/// One backend's arm of [`tx_on!`].
macro_rules! tx_arm {
    ($begin:expr, $is_pg:expr, |$tx:ident, $pg:ident| $body:block) => {{
        let mut $tx = $begin.await?;
        let $pg = $is_pg;
        let r: Result<_, $crate::StoreError> = async { $body }.await;
        $crate::settle($tx, r).await
    }};
}
pub(crate) use tx_arm;

/// [`tx_on!`] with a plain transaction, for changes that are not state changes (originals):
/// every state change is audited, through `audit::audited_tx!`.
macro_rules! in_tx {
    ($db:expr, |$tx:ident, $pg:ident| $body:block) => {
        $crate::tx_on!($db, $crate::begin, $crate::begin, |$tx, $pg| $body)
    };
}
pub(crate) use in_tx;

/// Opens a plain transaction on either backend's pool.
pub(crate) async fn begin<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
) -> Result<sqlx::Transaction<'static, DB>, StoreError> {
    Ok(pool.begin().await?)
}

/// Ends a transaction as its body came out: commit on `Ok`, roll back (by dropping it) on `Err`.
pub(crate) async fn settle<DB: sqlx::Database, T>(
    tx: sqlx::Transaction<'static, DB>,
    r: Result<T, StoreError>,
) -> Result<T, StoreError> {
    if r.is_ok() {
        tx.commit().await?;
    }
    r
}

/// Rewrites `?` placeholders to PostgreSQL's `$1, $2, …` (our SQL never has `?` in a literal).
pub(crate) fn pg_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// The SQL for the backend: as written for SQLite, rewritten for PostgreSQL.
pub(crate) fn dialect(pg: bool, sql: &str) -> Cow<'_, str> {
    if pg {
        Cow::Owned(pg_sql(sql))
    } else {
        Cow::Borrowed(sql)
    }
}

/// Milliseconds since the Unix epoch: the clock of leases, backoff and record times.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Errors of the case database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or migrated.
    #[error("cannot open the case database {path}: {source}")]
    Open {
        /// Database path or URL.
        path: String,
        /// Cause.
        source: sqlx::Error,
    },
    /// A query failed.
    #[error("case database failure: {0}")]
    Db(#[from] sqlx::Error),
    /// Filesystem failure (originals).
    #[error("original-file store failure: {0}")]
    Io(#[from] std::io::Error),
    /// A stored value is not one the code knows (a status written by a newer version, or a
    /// hand-edited row): reported, never guessed.
    #[error("case database holds an unknown {column} {value:?}")]
    Unknown {
        /// Column.
        column: &'static str,
        /// Value found.
        value: String,
    },
    /// A stored JSON record could not be read or written (names the record and why).
    #[error("case database holds a malformed record: {0}")]
    Corrupt(String),
}

/// A status stored as text: one of a closed list, so a stored text may be unknown. (Ids are
/// any text, read with `row.get::<String, _>(…).into()`.)
pub(crate) trait Stored: Sized {
    /// Parses the stored text; `None` when it is not a known value.
    fn from_stored(s: String) -> Option<Self>;
}

impl Stored for FilingStatus {
    fn from_stored(s: String) -> Option<Self> {
        FilingStatus::parse(&s)
    }
}

impl Stored for ReviewState {
    fn from_stored(s: String) -> Option<Self> {
        ReviewState::parse(&s)
    }
}

/// Reads column `col` of a row of either backend as a typed value ([`Stored`]).
pub(crate) fn stored<'r, R, T>(r: &'r R, col: &'static str) -> Result<T, StoreError>
where
    R: Row,
    T: Stored,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    &'static str: sqlx::ColumnIndex<R>,
{
    let s: String = r.try_get(col)?;
    T::from_stored(s.clone()).ok_or(StoreError::Unknown {
        column: col,
        value: s,
    })
}

/// [`stored`] for a nullable column.
pub(crate) fn stored_opt<'r, R, T>(r: &'r R, col: &'static str) -> Result<Option<T>, StoreError>
where
    R: Row,
    T: Stored,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    &'static str: sqlx::ColumnIndex<R>,
{
    match r.try_get::<Option<String>, _>(col)? {
        None => Ok(None),
        Some(s) => T::from_stored(s.clone())
            .map(Some)
            .ok_or(StoreError::Unknown {
                column: col,
                value: s,
            }),
    }
}

impl StoreError {
    /// True when retrying the same operation later may succeed (a busy or locked database).
    pub fn is_retryable(&self) -> bool {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => {
                let m = e.message();
                m.contains("locked") || m.contains("busy")
            }
            StoreError::Db(sqlx::Error::PoolTimedOut) => true,
            _ => false,
        }
    }
}

/// One batch run, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRecord {
    /// Batch id.
    pub id: BatchId,
    /// What was processed (folder or zip path as given).
    pub input: String,
    /// When it started (UTC, RFC 3339): an instant, not a legal date.
    pub started_at: String,
    /// Summary JSON once finished.
    pub summary_json: Option<String>,
}

/// One filing, as recorded after processing.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingRecord {
    /// Filing id (content hash prefix).
    pub id: FilingId,
    /// Batch that processed it last.
    pub batch_id: BatchId,
    /// File name inside the batch.
    pub name: String,
    /// SHA-256 of the original PDF (hex), the key into [`OriginalStore`].
    pub sha256: String,
    /// Processing status.
    pub status: FilingStatus,
    /// Why the filing did not get a draft, in words a bank can act on.
    pub reason: Option<String>,
    /// Extracted facts with provenance and flags (JSON).
    pub facts_json: Option<String>,
    /// Suggested outcome with its trail (JSON).
    pub outcome_json: Option<String>,
    /// Where the draft was written, relative to the output folder.
    pub draft_path: Option<String>,
}

/// Schema migrations, in order, for both backends (`BLOB` becomes `BYTEA` for PostgreSQL;
/// backend-only sections, see [`for_backend`]). Never edit an applied migration: add one.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE batches (
            id TEXT PRIMARY KEY,
            input TEXT NOT NULL,
            started_at TEXT NOT NULL,
            summary_json TEXT
        );
        CREATE TABLE filings (
            id TEXT PRIMARY KEY,
            batch_id TEXT NOT NULL REFERENCES batches(id),
            name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            facts_json TEXT,
            outcome_json TEXT,
            draft_path TEXT
        );
        CREATE INDEX filings_batch ON filings(batch_id);
        CREATE INDEX filings_status ON filings(status);",
    ),
    (
        2,
        // The service: organisations own batches and filings (NULL for command-line batches),
        // drafts live in the database, a filing is filed once per (organisation, hash), API
        // tokens are stored hashed, the job queue, and originals in the database (PostgreSQL,
        // and SQLite in memory).
        "ALTER TABLE batches ADD COLUMN org TEXT;
        ALTER TABLE batches ADD COLUMN intake_json TEXT;
        ALTER TABLE filings ADD COLUMN org TEXT;
        ALTER TABLE filings ADD COLUMN reference TEXT;
        ALTER TABLE filings ADD COLUMN draft_kind TEXT;
        ALTER TABLE filings ADD COLUMN draft_html TEXT;
        ALTER TABLE filings ADD COLUMN draft_text TEXT;
        ALTER TABLE filings ADD COLUMN processed_count BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE filings ADD COLUMN updated_ms BIGINT;
        CREATE UNIQUE INDEX filings_org_sha ON filings(org, sha256) WHERE org IS NOT NULL;
        CREATE INDEX batches_org ON batches(org);
        CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY,
            org TEXT NOT NULL,
            role TEXT NOT NULL,
            label TEXT NOT NULL,
            created_ms BIGINT NOT NULL
        );
        CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            filing_id TEXT NOT NULL,
            batch_id TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            max_attempts BIGINT NOT NULL,
            next_run_ms BIGINT NOT NULL,
            lease_owner TEXT,
            lease_expires_ms BIGINT,
            last_error TEXT,
            created_ms BIGINT NOT NULL,
            updated_ms BIGINT NOT NULL
        );
        CREATE INDEX jobs_runnable ON jobs(state, next_run_ms);
        CREATE INDEX jobs_filing ON jobs(filing_id);
        CREATE TABLE originals (
            sha256 TEXT PRIMARY KEY,
            bytes BLOB NOT NULL
        );",
    ),
    (
        3,
        // Roles and tenancy: courts, a judge token's court, a filing's court (matched from the
        // facts' 此致 …人民法院) and its review decision; the hash-chained audit log
        // (`audit.rs`), append-only: a trigger refuses UPDATE and DELETE on both backends.
        "CREATE TABLE courts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_ms BIGINT NOT NULL
        );
        ALTER TABLE api_tokens ADD COLUMN court_id TEXT;
        ALTER TABLE filings ADD COLUMN court_id TEXT;
        ALTER TABLE filings ADD COLUMN court_name TEXT;
        ALTER TABLE filings ADD COLUMN versions_json TEXT;
        ALTER TABLE filings ADD COLUMN case_type TEXT;
        ALTER TABLE filings ADD COLUMN finding_codes TEXT;
        ALTER TABLE filings ADD COLUMN review_state TEXT;
        ALTER TABLE filings ADD COLUMN review_reason TEXT;
        ALTER TABLE filings ADD COLUMN review_ms BIGINT;
        CREATE INDEX filings_court ON filings(court_id);
        CREATE TABLE audit_log (
            seq BIGINT PRIMARY KEY,
            at_ms BIGINT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            versions_json TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX audit_subject ON audit_log(subject);
        -- sqlite only:
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        -- postgres only:
        CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql;
        CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
        -- both:",
    ),
    (
        4,
        // The search follower (`search::follow`): every change to what the index shows of a
        // filing (status, reason, facts, draft, court) gives the row the next `change_seq`
        // from the one-row `change_counter`. The counter's row lock is held until commit, so
        // sequence numbers become visible in order: a follower that has seen N has seen every
        // change below N. Queued and processing rows get none (nothing to index yet). Rows
        // already finished are numbered once here.
        "ALTER TABLE filings ADD COLUMN change_seq BIGINT;
        CREATE TABLE change_counter (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL);
        UPDATE filings SET change_seq = x.rn
            FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM filings
                  WHERE status NOT IN ('queued', 'processing')) AS x
            WHERE x.id = filings.id;
        INSERT INTO change_counter (id, seq) SELECT 1, COALESCE(MAX(change_seq), 0) FROM filings;
        CREATE INDEX filings_change_seq ON filings(change_seq);
        -- sqlite only:
        CREATE TRIGGER filings_change_seq_insert AFTER INSERT ON filings
        WHEN NEW.status NOT IN ('queued', 'processing')
        BEGIN
            UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
            UPDATE filings SET change_seq = (SELECT seq FROM change_counter WHERE id = 1)
                WHERE id = NEW.id;
        END;
        CREATE TRIGGER filings_change_seq_update
        AFTER UPDATE OF status, reason, facts_json, outcome_json, draft_kind, draft_text, court_id
        ON filings
        WHEN NEW.status NOT IN ('queued', 'processing')
        BEGIN
            UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
            UPDATE filings SET change_seq = (SELECT seq FROM change_counter WHERE id = 1)
                WHERE id = NEW.id;
        END;
        -- postgres only:
        CREATE FUNCTION filings_next_change_seq() RETURNS trigger AS $$
        BEGIN
            UPDATE change_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq
                INTO NEW.change_seq;
            RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER filings_change_seq
        BEFORE INSERT OR UPDATE OF status, reason, facts_json, outcome_json, draft_kind,
            draft_text, court_id
        ON filings FOR EACH ROW WHEN (NEW.status NOT IN ('queued', 'processing'))
        EXECUTE FUNCTION filings_next_change_seq();
        -- both:",
    ),
    (
        5,
        // Batch status at scale (BENCHMARKS.md, "Service"): a page of a 15,000-filing batch
        // walks this index in order instead of sorting every row with its facts JSON, and the
        // per-status counts read a covering index (1 s → ms per status request).
        "CREATE INDEX filings_batch_page ON filings(batch_id, name, id);
        CREATE INDEX filings_batch_status ON filings(batch_id, status);",
    ),
    (
        6,
        // Judges' review screens (`review.rs`, `http::ui`): login sessions (only the cookie's
        // hash is stored, with the judge's token hash and the form token), and the versions of
        // a draft (AI draft → edited → approved) with the facts and outcome of each.
        "CREATE TABLE ui_sessions (
            id_hash TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL,
            csrf TEXT NOT NULL,
            created_ms BIGINT NOT NULL,
            expires_ms BIGINT NOT NULL
        );
        CREATE TABLE draft_versions (
            filing_id TEXT NOT NULL,
            version BIGINT NOT NULL,
            stage TEXT NOT NULL,
            actor TEXT NOT NULL,
            at_ms BIGINT NOT NULL,
            facts_json TEXT,
            outcome_json TEXT,
            draft_html TEXT,
            draft_text TEXT,
            versions_json TEXT,
            note TEXT,
            PRIMARY KEY (filing_id, version)
        );",
    ),
    (
        7,
        // The archive of decided cases for similar-case retrieval (`archive.rs`): the facts
        // the court had, their legal elements and the decision, as JSON read by
        // `fincase_core::similar::archive`. Searched through its own tantivy index.
        "CREATE TABLE archive_cases (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            facts TEXT NOT NULL,
            elements_json TEXT NOT NULL,
            decision_json TEXT NOT NULL,
            added_ms BIGINT NOT NULL
        );",
    ),
    (
        8,
        // A filing's lifecycle after its draft (`lifecycle.rs`, issue 25): the machine's stage
        // and state, the number of its events (the version a write must name), and the events
        // with the paper each produced. Indexed by court and stage for bulk actions and the
        // deadline pages.
        "ALTER TABLE filings ADD COLUMN stage TEXT;
        ALTER TABLE filings ADD COLUMN lifecycle_json TEXT;
        ALTER TABLE filings ADD COLUMN lifecycle_seq BIGINT NOT NULL DEFAULT 0;
        CREATE INDEX filings_court_stage ON filings(court_id, stage);
        CREATE TABLE lifecycle_events (
            filing_id TEXT NOT NULL,
            seq BIGINT NOT NULL,
            event TEXT NOT NULL,
            event_json TEXT NOT NULL,
            on_date TEXT NOT NULL,
            stage_before TEXT,
            stage_after TEXT NOT NULL,
            actor TEXT NOT NULL,
            at_ms BIGINT NOT NULL,
            paper_kind TEXT,
            paper_html TEXT,
            paper_text TEXT,
            paper_versions_json TEXT,
            PRIMARY KEY (filing_id, seq)
        );",
    ),
    (
        9,
        // Webhooks to banks (`webhooks.rs`, issue 25): an organisation's endpoints (the secret
        // signs deliveries, so it is kept, as a payment provider keeps it), and the outbox of
        // deliveries written in the same transaction as the lifecycle event they announce, one
        // per endpoint, retried with backoff until delivered or given up.
        "CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            org TEXT NOT NULL,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_ms BIGINT NOT NULL
        );
        CREATE INDEX webhooks_org ON webhooks(org);
        CREATE TABLE webhook_deliveries (
            event_id TEXT NOT NULL,
            webhook_id TEXT NOT NULL,
            filing_id TEXT NOT NULL,
            payload TEXT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            next_ms BIGINT NOT NULL,
            delivered_ms BIGINT,
            failed_ms BIGINT,
            last_error TEXT,
            created_ms BIGINT NOT NULL,
            PRIMARY KEY (event_id, webhook_id)
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_ms)
            WHERE delivered_ms IS NULL AND failed_ms IS NULL;",
    ),
];

/// A migration's SQL for one backend: `BLOB` becomes `BYTEA` for PostgreSQL, and the lines
/// after a `-- sqlite only:` (or `-- postgres only:`) marker, up to the next marker (`-- both:`
/// ends the section), are kept for that backend only.
fn for_backend(sql: &str, pg: bool) -> String {
    let mut keep = true;
    let mut out = String::with_capacity(sql.len());
    for line in sql.lines() {
        match line.trim() {
            "-- sqlite only:" => keep = !pg,
            "-- postgres only:" => keep = pg,
            "-- both:" => keep = true,
            _ if keep => {
                out.push_str(line);
                out.push('\n');
            }
            _ => {}
        }
    }
    if pg {
        out.replace("BLOB", "BYTEA")
    } else {
        out
    }
}

/// Builds a [`FilingRecord`] from a row of either backend (`Err` on an unknown status).
macro_rules! filing_from_row {
    ($r:expr) => {{
        let r = $r;
        (|| -> Result<FilingRecord, $crate::StoreError> {
            Ok(FilingRecord {
                id: r.get::<String, _>("id").into(),
                batch_id: r.get::<String, _>("batch_id").into(),
                name: r.get("name"),
                sha256: r.get("sha256"),
                status: $crate::stored(r, "status")?,
                reason: r.get("reason"),
                facts_json: r.get("facts_json"),
                outcome_json: r.get("outcome_json"),
                draft_path: r.get("draft_path"),
            })
        })()
    }};
}
pub(crate) use filing_from_row;

/// Which database a [`Store`] talks to.
#[derive(Clone, Debug)]
pub(crate) enum Db {
    /// Embedded SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// The error of opening the database at `what` (a path, or a URL without its password).
fn open_failed(what: String) -> impl Fn(sqlx::Error) -> StoreError {
    move |source| StoreError::Open {
        path: what.clone(),
        source,
    }
}

/// A PostgreSQL pool of at most `max` connections.
async fn pg_pool(opts: PgConnectOptions, max: u32) -> Result<sqlx::PgPool, sqlx::Error> {
    PgPoolOptions::new()
        .max_connections(max)
        .connect_with(opts)
        .await
}

/// The case database: batches, filings, the job queue, API tokens and originals.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: Db,
    /// Originals on disk (SQLite on disk); `None`: originals live in the database.
    pub(crate) originals: Option<OriginalStore>,
}

impl Store {
    /// Opens (creating when absent) the SQLite database at `path`, in WAL mode, and applies
    /// pending migrations. Originals go to `originals/` next to the database file.
    ///
    /// `synchronous = FULL`: every commit fsyncs the WAL before it returns, so what the service
    /// acknowledged (a 202, a decision) survives an OS crash or power loss; `NORMAL` would only
    /// survive a process crash and could lose the last commits. The batch command line uses it
    /// too: it commits once per chunk, where the fsync costs nothing measurable (BENCHMARKS.md,
    /// "Service").
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let open_err = open_failed(path.display().to_string());
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(std::time::Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(&open_err)?;
        let originals_dir = path.parent().map_or_else(
            || Path::new("originals").to_owned(),
            |p| p.join("originals"),
        );
        Store::migrated(
            Db::Sqlite(pool),
            Some(OriginalStore::new(&originals_dir)),
            open_err,
        )
        .await
    }

    /// A private in-memory SQLite database (tests); originals are kept in it too.
    pub async fn in_memory() -> Result<Store, StoreError> {
        let open_err = open_failed(":memory:".into());
        let opts = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(&open_err)?
            .foreign_keys(true);
        // One connection: each in-memory connection would be a different database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .map_err(&open_err)?;
        Store::migrated(Db::Sqlite(pool), None, open_err).await
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user@host:port/db`) and applies
    /// pending migrations. With `schema`, everything lives in that schema (created when absent):
    /// tests use a fresh random schema each and drop it with [`Store::drop_postgres_schema`].
    pub async fn open_postgres(
        url: &str,
        schema: Option<&str>,
        max_connections: u32,
    ) -> Result<Store, StoreError> {
        let open_err = open_failed(redact_url(url));
        let mut opts = PgConnectOptions::from_str(url).map_err(&open_err)?;
        if let Some(schema) = schema {
            check_schema_name(schema).map_err(&open_err)?;
            let setup = pg_pool(opts.clone(), 1).await.map_err(&open_err)?;
            sqlx::raw_sql(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
                .execute(&setup)
                .await
                .map_err(&open_err)?;
            setup.close().await;
            opts = opts.options([("search_path", schema)]);
        }
        let pool = pg_pool(opts, max_connections.max(1))
            .await
            .map_err(&open_err)?;
        Store::migrated(Db::Postgres(pool), None, open_err).await
    }

    /// A store on `db` with its pending migrations applied (an error as `open_err` makes it).
    async fn migrated(
        db: Db,
        originals: Option<OriginalStore>,
        open_err: impl Fn(sqlx::Error) -> StoreError,
    ) -> Result<Store, StoreError> {
        let store = Store { db, originals };
        store.migrate().await.map_err(open_err)?;
        Ok(store)
    }

    /// Opens the database a URL names: `postgres://…`/`postgresql://…` is PostgreSQL, anything
    /// else a SQLite file path (`sqlite://` prefix optional).
    pub async fn open_url(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::open_postgres(url, None, 16).await
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Store::open_sqlite(Path::new(path)).await
        }
    }

    /// Drops a PostgreSQL schema and everything in it (the end of a test run).
    pub async fn drop_postgres_schema(url: &str, schema: &str) -> Result<(), StoreError> {
        let open_err = open_failed(redact_url(url));
        check_schema_name(schema).map_err(&open_err)?;
        let opts = PgConnectOptions::from_str(url).map_err(&open_err)?;
        let pool = pg_pool(opts, 1).await.map_err(&open_err)?;
        sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&pool)
            .await?;
        pool.close().await;
        Ok(())
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.db {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations, each in its own transaction. PostgreSQL takes an advisory
    /// lock first, so several processes starting at once migrate once.
    async fn migrate(&self) -> Result<(), sqlx::Error> {
        match &self.db {
            Db::Sqlite(pool) => {
                sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                    .execute(pool)
                    .await?;
                let current: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
                        .fetch_one(pool)
                        .await?;
                let current = current.unwrap_or(0);
                for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
                    let mut tx = pool.begin().await?;
                    sqlx::raw_sql(&for_backend(sql, false))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
                        .bind(version)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(724310)")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
                    .execute(&mut *tx)
                    .await?;
                let current: Option<i64> =
                    sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
                        .fetch_one(&mut *tx)
                        .await?;
                let current = current.unwrap_or(0);
                for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
                    sqlx::raw_sql(&for_backend(sql, true))
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO schema_version (version) VALUES ($1)")
                        .bind(version)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Records the start of a batch (audited: `batch.started`, by the system).
    pub async fn begin_batch(&self, batch: &BatchRecord) -> Result<(), StoreError> {
        audited_tx!(&self.db, now_ms(), |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO batches (id, input, started_at, summary_json) VALUES (?, ?, ?, ?)",
                [
                    batch.id.as_str(),
                    &batch.input,
                    &batch.started_at,
                    &batch.summary_json
                ],
                execute
            )?;
            chain.push(Pending {
                actor: &Actor::system(),
                action: "batch.started",
                subject: batch.id.as_str(),
                before: None,
                after: Some(serde_json::json!({ "input": batch.input })),
                versions: None,
            });
            Ok(())
        })
    }

    /// Records a batch's summary (audited: `batch.finished` with the summary's digest).
    pub async fn finish_batch(&self, id: &BatchId, summary_json: &str) -> Result<(), StoreError> {
        audited_tx!(&self.db, now_ms(), |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "UPDATE batches SET summary_json = ? WHERE id = ?",
                [summary_json, id.as_str()],
                execute
            )?;
            chain.push(Pending {
                actor: &Actor::system(),
                action: "batch.finished",
                subject: id.as_str(),
                before: None,
                after: Some(serde_json::json!({
                    "summary_sha256": audit::digest(Some(summary_json)),
                })),
                versions: None,
            });
            Ok(())
        })
    }

    /// One filing by id.
    pub async fn filing(&self, id: &FilingId) -> Result<Option<FilingRecord>, StoreError> {
        db_query!(
            &self.db,
            "SELECT id, batch_id, name, sha256, status, reason, facts_json, outcome_json,
                    draft_path FROM filings WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| filing_from_row!(&r)).transpose()
        )?
    }

    /// The filings a batch processed, by name.
    pub async fn filings_of_batch(
        &self,
        batch_id: &BatchId,
    ) -> Result<Vec<FilingRecord>, StoreError> {
        db_query!(
            &self.db,
            "SELECT id, batch_id, name, sha256, status, reason, facts_json, outcome_json,
                    draft_path FROM filings WHERE batch_id = ? ORDER BY name, id",
            [batch_id.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| filing_from_row!(r))
                .collect::<Result<Vec<_>, _>>()
        )?
    }

    /// A batch by id.
    pub async fn batch(&self, id: &BatchId) -> Result<Option<BatchRecord>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, input, started_at, summary_json FROM batches WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| BatchRecord {
                id: r.get::<String, _>("id").into(),
                input: r.get("input"),
                started_at: r.get("started_at"),
                summary_json: r.get("summary_json"),
            })
        )?)
    }

    /// Number of filings per status, over the whole database.
    pub async fn count_by_status(&self) -> Result<Vec<(FilingStatus, i64)>, StoreError> {
        db_query!(
            &self.db,
            "SELECT status, COUNT(*) AS n FROM filings GROUP BY status ORDER BY status",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| Ok((stored(r, "status")?, r.get("n"))))
                .collect::<Result<Vec<_>, StoreError>>()
        )?
    }

    /// True when the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        db_query!(&self.db, "SELECT 1", [], execute, |_| ())?;
        Ok(())
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// A URL with any password removed (for error messages and logs).
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}@{}", &url[..s + 3], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn check_schema_name(schema: &str) -> Result<(), sqlx::Error> {
    let ok = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(sqlx::Error::Configuration(
            format!("schema name {schema:?}: use a-z, 0-9 and _ only").into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PRAGMA synchronous` on every connection of the pool (2 = FULL).
    async fn synchronous_of(store: &Store) -> Vec<i64> {
        let Db::Sqlite(pool) = &store.db else {
            panic!("not SQLite");
        };
        // Hold every connection at once, so each one is asked.
        let mut conns = Vec::new();
        for _ in 0..pool.options().get_max_connections() {
            conns.push(pool.acquire().await.unwrap());
        }
        let mut out = Vec::new();
        for c in &mut conns {
            out.push(
                sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
                    .fetch_one(&mut **c)
                    .await
                    .unwrap(),
            );
        }
        out
    }

    #[tokio::test]
    async fn service_store_fsyncs_every_commit() {
        let dir = tempfile::tempdir().unwrap();
        // The two ways `serve` and `worker` open SQLite: the index's `cases.db`, or a
        // `DATABASE_URL` that is not PostgreSQL.
        let by_path = Store::open_sqlite(&dir.path().join("a").join("cases.db"))
            .await
            .unwrap();
        let url = format!("sqlite://{}", dir.path().join("b.db").display());
        let by_url = Store::open_url(&url).await.unwrap();
        for store in [by_path, by_url] {
            let sync = synchronous_of(&store).await;
            assert!(
                !sync.is_empty() && sync.iter().all(|&s| s == 2),
                "not FULL: {sync:?}"
            );
            let mode: String = match &store.db {
                Db::Sqlite(p) => sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(p)
                    .await
                    .unwrap(),
                Db::Postgres(_) => unreachable!(),
            };
            assert_eq!(mode, "wal");
            store.close().await;
        }
    }
}
