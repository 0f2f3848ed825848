//! `store`: the case database and the store of original PDFs.
//!
//! SQLite (embedded, WAL, under `index/`) is the default; the service issue adds PostgreSQL
//! behind the same [`Store`] interface. The database is the system of record: the tantivy index
//! (`search`) can be rebuilt from it. Originals are kept content-addressed (SHA-256) in
//! [`OriginalStore`], so the same PDF filed twice is stored once.
//!
//! Must not: compute facts or outcomes (it stores what the pipeline computed, as JSON), or know
//! about HTTP. Async (sqlx); the batch pipeline drives it from a small tokio runtime.

mod originals;

pub use originals::OriginalStore;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;

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
    pub id: String,
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
    pub id: String,
    /// Batch that processed it last.
    pub batch_id: String,
    /// File name inside the batch.
    pub name: String,
    /// SHA-256 of the original PDF (hex), the key into [`OriginalStore`].
    pub sha256: String,
    /// Processing status (`drafted`, `needs_review`, `needs_ocr`, `rejected`, `failed`).
    pub status: String,
    /// Why the filing did not get a draft, in words a bank can act on.
    pub reason: Option<String>,
    /// Extracted facts with provenance and flags (JSON).
    pub facts_json: Option<String>,
    /// Suggested outcome with its trail (JSON).
    pub outcome_json: Option<String>,
    /// Where the draft was written, relative to the output folder.
    pub draft_path: Option<String>,
}

const MIGRATIONS: &[(i64, &str)] = &[(
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
)];

/// The case database.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating when absent) the SQLite database at `path`, in WAL mode, and applies
    /// pending migrations.
    pub async fn open_sqlite(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let open_err = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await
            .map_err(open_err)?;
        let store = Store { pool };
        store.migrate().await.map_err(open_err)?;
        Ok(store)
    }

    /// A private in-memory database (tests).
    pub async fn in_memory() -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: ":memory:".into(),
            source,
        };
        let opts = SqliteConnectOptions::from_str("sqlite::memory:").map_err(open_err)?;
        // One connection: each in-memory connection would be a different database.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await
            .map_err(open_err)?;
        let store = Store { pool };
        store.migrate().await.map_err(open_err)?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            .execute(&self.pool)
            .await?;
        let current: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_version")
            .fetch_one(&self.pool)
            .await?;
        let current = current.unwrap_or(0);
        for &(version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_version (version) VALUES (?)")
                .bind(version)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Records the start of a batch.
    pub async fn begin_batch(&self, batch: &BatchRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO batches (id, input, started_at, summary_json) VALUES (?, ?, ?, ?)",
        )
        .bind(&batch.id)
        .bind(&batch.input)
        .bind(&batch.started_at)
        .bind(&batch.summary_json)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a batch's summary.
    pub async fn finish_batch(&self, id: &str, summary_json: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE batches SET summary_json = ? WHERE id = ?")
            .bind(summary_json)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Inserts or replaces filings, all in one transaction.
    pub async fn save_filings(&self, records: &[FilingRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for r in records {
            sqlx::query(
                "INSERT INTO filings (id, batch_id, name, sha256, status, reason, facts_json,
                                      outcome_json, draft_path)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT(id) DO UPDATE SET batch_id = excluded.batch_id,
                    name = excluded.name, sha256 = excluded.sha256, status = excluded.status,
                    reason = excluded.reason, facts_json = excluded.facts_json,
                    outcome_json = excluded.outcome_json, draft_path = excluded.draft_path",
            )
            .bind(&r.id)
            .bind(&r.batch_id)
            .bind(&r.name)
            .bind(&r.sha256)
            .bind(&r.status)
            .bind(&r.reason)
            .bind(&r.facts_json)
            .bind(&r.outcome_json)
            .bind(&r.draft_path)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One filing by id.
    pub async fn filing(&self, id: &str) -> Result<Option<FilingRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM filings WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| filing_from_row(&r)))
    }

    /// The filings a batch processed, by name.
    pub async fn filings_of_batch(&self, batch_id: &str) -> Result<Vec<FilingRecord>, StoreError> {
        let rows = sqlx::query("SELECT * FROM filings WHERE batch_id = ? ORDER BY name")
            .bind(batch_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(filing_from_row).collect())
    }

    /// A batch by id.
    pub async fn batch(&self, id: &str) -> Result<Option<BatchRecord>, StoreError> {
        let row =
            sqlx::query("SELECT id, input, started_at, summary_json FROM batches WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| BatchRecord {
            id: r.get("id"),
            input: r.get("input"),
            started_at: r.get("started_at"),
            summary_json: r.get("summary_json"),
        }))
    }

    /// Number of filings per status, over the whole database.
    pub async fn count_by_status(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM filings GROUP BY status ORDER BY status",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| (r.get("status"), r.get("n"))).collect())
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn filing_from_row(r: &sqlx::sqlite::SqliteRow) -> FilingRecord {
    FilingRecord {
        id: r.get("id"),
        batch_id: r.get("batch_id"),
        name: r.get("name"),
        sha256: r.get("sha256"),
        status: r.get("status"),
        reason: r.get("reason"),
        facts_json: r.get("facts_json"),
        outcome_json: r.get("outcome_json"),
        draft_path: r.get("draft_path"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filing(id: &str, status: &str) -> FilingRecord {
        FilingRecord {
            id: id.into(),
            batch_id: "b1".into(),
            name: format!("{id}.pdf"),
            sha256: "00".repeat(32),
            status: status.into(),
            reason: None,
            facts_json: Some("{}".into()),
            outcome_json: None,
            draft_path: None,
        }
    }

    async fn check_roundtrip(store: &Store) {
        let batch = BatchRecord {
            id: "b1".into(),
            input: "fixtures/demo".into(),
            started_at: "2026-11-26T00:00:00Z".into(),
            summary_json: None,
        };
        store.begin_batch(&batch).await.unwrap();
        store
            .save_filings(&[filing("x", "drafted"), filing("y", "failed")])
            .await
            .unwrap();
        let mut again = filing("y", "drafted");
        again.reason = Some("重新处理".into());
        store.save_filings(&[again.clone()]).await.unwrap();
        assert_eq!(store.filing("y").await.unwrap(), Some(again));
        assert_eq!(store.filing("nope").await.unwrap(), None);
        assert_eq!(store.filings_of_batch("b1").await.unwrap().len(), 2);
        assert_eq!(
            store.count_by_status().await.unwrap(),
            vec![("drafted".to_string(), 2)]
        );
        store.finish_batch("b1", "{\"ok\":2}").await.unwrap();
        assert_eq!(
            store
                .batch("b1")
                .await
                .unwrap()
                .unwrap()
                .summary_json
                .as_deref(),
            Some("{\"ok\":2}")
        );
    }

    #[tokio::test]
    async fn in_memory_roundtrip() {
        check_roundtrip(&Store::in_memory().await.unwrap()).await;
    }

    #[tokio::test]
    async fn on_disk_roundtrip_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases.db");
        let store = Store::open_sqlite(&path).await.unwrap();
        check_roundtrip(&store).await;
        store.close().await;
        let store = Store::open_sqlite(&path).await.unwrap();
        assert_eq!(store.filings_of_batch("b1").await.unwrap().len(), 2);
    }
}
