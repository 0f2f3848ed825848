//! What the service shows and lists: a batch, a filing with its service columns, a batch's
//! status page, the search follower's changes, role-scoped listings and the data team's
//! aggregates (no names, no text). Answers questions about one organisation or court when
//! asked; deciding who may ask is `http`'s job.

use super::{FilingRecord, Store, StoreError, db_query, filing_from_row, stored, stored_opt};
use fincase_core::domain::{BatchId, CourtId, FilingId, FilingStatus, ReviewState};
use sqlx::Row;

/// Builds a [`FilingView`] from a `SELECT *` row of either backend.
macro_rules! filing_view_from_row {
    ($r:expr) => {{
        let r = $r;
        (|| -> Result<FilingView, StoreError> {
            Ok(FilingView {
                record: filing_from_row!(r)?,
                org: r.get("org"),
                reference: r.get("reference"),
                draft_kind: r.get("draft_kind"),
                processed_count: r.get("processed_count"),
                court_id: r.get::<Option<String>, _>("court_id").map(CourtId::new),
                court_name: r.get("court_name"),
                review_state: stored_opt(r, "review_state")?,
                review_reason: r.get("review_reason"),
                versions_json: r.get("versions_json"),
            })
        })()
    }};
}

/// Builds a [`FilingSummary`] from a row of either backend.
macro_rules! summary_from_row {
    ($r:expr) => {{
        let r = $r;
        (|| -> Result<FilingSummary, StoreError> {
            Ok(FilingSummary {
                id: r.get::<String, _>("id").into(),
                batch_id: r.get::<String, _>("batch_id").into(),
                name: r.get("name"),
                status: stored(r, "status")?,
                court_id: r.get::<Option<String>, _>("court_id").map(CourtId::new),
                review_state: stored_opt(r, "review_state")?,
            })
        })()
    }};
}

/// Who may see which filings in a listing or count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilingScope {
    /// Every filing.
    All,
    /// One organisation's.
    Org(String),
    /// One court's.
    Court(CourtId),
}

/// One filing in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingSummary {
    /// Filing id.
    pub id: FilingId,
    /// Its batch.
    pub batch_id: BatchId,
    /// Name inside the batch.
    pub name: String,
    /// Processing status.
    pub status: FilingStatus,
    /// Its court, once matched.
    pub court_id: Option<CourtId>,
    /// The judge's decision, once made.
    pub review_state: Option<ReviewState>,
}

/// Aggregates for the data team: filings per status, case type, finding code, review state.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Stats {
    /// Filings.
    pub total: i64,
    /// Per processing status.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Per case type (`unknown` when not read).
    pub by_case_type: std::collections::BTreeMap<String, i64>,
    /// Filings carrying each finding code.
    pub by_finding: std::collections::BTreeMap<String, i64>,
    /// Per review state (`pending` before a decision).
    pub by_review_state: std::collections::BTreeMap<String, i64>,
}

/// A batch as the service shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    /// Batch id.
    pub id: BatchId,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// What was uploaded.
    pub input: String,
    /// When (RFC 3339).
    pub started_at: String,
    /// Intake report JSON.
    pub intake_json: Option<String>,
}

/// A filing as the service shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilingView {
    /// The stored record (status, reason, facts, outcome…).
    pub record: FilingRecord,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// The bank's reference.
    pub reference: Option<String>,
    /// Which document was drafted (`judgment`, `payment_order`, `none` for a notice).
    pub draft_kind: Option<String>,
    /// How many times a result was recorded (1 once processed: the exactly-once check).
    pub processed_count: i64,
    /// The court it is assigned to (`None`: not matched to a configured court; admin only).
    pub court_id: Option<CourtId>,
    /// The court the filing addresses, as extracted.
    pub court_name: Option<String>,
    /// The judge's decision, once made.
    pub review_state: Option<ReviewState>,
    /// The decision's reason.
    pub review_reason: Option<String>,
    /// Model, rules and template versions of the recorded result (JSON).
    pub versions_json: Option<String>,
}

/// A filing as the search follower indexes it ([`Store::filings_changed_after`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingChange {
    /// The change's sequence number (increasing in commit order).
    pub seq: i64,
    /// Filing id.
    pub id: FilingId,
    /// Owning organisation (`None` for command-line batches).
    pub org: Option<String>,
    /// The court the filing is for, once known.
    pub court_id: Option<CourtId>,
    /// Name inside the batch.
    pub name: String,
    /// Status (never queued or processing: those have nothing to index).
    pub status: FilingStatus,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags and findings (JSON).
    pub facts_json: Option<String>,
    /// Which document was drafted.
    pub draft_kind: Option<String>,
    /// Draft (or notice) plain text.
    pub draft_text: Option<String>,
}

/// One filing's line in a batch status page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFilingLine {
    /// Filing id.
    pub id: FilingId,
    /// Name inside the batch.
    pub name: String,
    /// The bank's reference.
    pub reference: Option<String>,
    /// Status.
    pub status: FilingStatus,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags, findings and provenance (JSON), once processed.
    pub facts_json: Option<String>,
}

impl Store {
    /// A batch with its owner.
    pub async fn batch_view(&self, id: &BatchId) -> Result<Option<BatchView>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, org, input, started_at, intake_json FROM batches WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| BatchView {
                id: r.get::<String, _>("id").into(),
                org: r.get("org"),
                input: r.get("input"),
                started_at: r.get("started_at"),
                intake_json: r.get("intake_json"),
            })
        )?)
    }

    /// One filing with its owner and service columns.
    pub async fn filing_view(&self, id: &FilingId) -> Result<Option<FilingView>, StoreError> {
        db_query!(
            &self.db,
            "SELECT * FROM filings WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| filing_view_from_row!(&r)).transpose()
        )?
    }

    /// The filings of a batch with their service columns, by name.
    pub async fn filing_views_of_batch(
        &self,
        batch_id: &BatchId,
    ) -> Result<Vec<FilingView>, StoreError> {
        db_query!(
            &self.db,
            "SELECT * FROM filings WHERE batch_id = ? ORDER BY name, id",
            [batch_id.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| filing_view_from_row!(r))
                .collect::<Result<Vec<_>, _>>()
        )?
    }

    /// Filings of a batch per status, the whole batch (one `GROUP BY`, however large).
    pub async fn batch_status_counts(
        &self,
        batch_id: &BatchId,
    ) -> Result<Vec<(FilingStatus, i64)>, StoreError> {
        db_query!(
            &self.db,
            "SELECT status, COUNT(*) AS n FROM filings WHERE batch_id = ?
             GROUP BY status ORDER BY status",
            [batch_id.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| Ok((stored(r, "status")?, r.get("n"))))
                .collect::<Result<Vec<_>, StoreError>>()
        )?
    }

    /// One page of a batch's filings, by name: at most `limit` lines from `offset`, with only
    /// the columns a batch status shows (the facts JSON carries the findings).
    pub async fn batch_filing_page(
        &self,
        batch_id: &BatchId,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<BatchFilingLine>, StoreError> {
        db_query!(
            &self.db,
            "SELECT id, name, reference, status, reason, facts_json FROM filings
             WHERE batch_id = ? ORDER BY name, id LIMIT ? OFFSET ?",
            [batch_id.as_str(), limit, offset],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    Ok(BatchFilingLine {
                        id: r.get::<String, _>("id").into(),
                        name: r.get("name"),
                        reference: r.get("reference"),
                        status: stored(r, "status")?,
                        reason: r.get("reason"),
                        facts_json: r.get("facts_json"),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        )?
    }

    /// The draft (or notice) of a filing: `(kind, html, text)`.
    pub async fn draft_of(
        &self,
        filing_id: &FilingId,
    ) -> Result<Option<(Option<String>, String, String)>, StoreError> {
        let row = db_query!(
            &self.db,
            "SELECT draft_kind, draft_html, draft_text FROM filings WHERE id = ?",
            [filing_id.as_str()],
            fetch_optional,
            |row| row.map(|r| {
                (
                    r.get::<Option<String>, _>("draft_kind"),
                    r.get::<Option<String>, _>("draft_html"),
                    r.get::<Option<String>, _>("draft_text"),
                )
            })
        )?;
        Ok(row.and_then(|(k, h, t)| Some((k, h?, t.unwrap_or_default()))))
    }

    /// Filings whose indexed columns changed after sequence number `after` (see migration 4:
    /// every finished filing carries the `change_seq` of its latest change), in sequence
    /// order, at most `limit`. A filing changed twice appears once, with its latest number.
    pub async fn filings_changed_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<FilingChange>, StoreError> {
        db_query!(
            &self.db,
            "SELECT change_seq, id, org, court_id, name, status, reason, facts_json,
                    draft_kind, draft_text
             FROM filings WHERE change_seq > ? ORDER BY change_seq LIMIT ?",
            [after, limit.max(0)],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    Ok(FilingChange {
                        seq: r.get("change_seq"),
                        id: r.get::<String, _>("id").into(),
                        org: r.get("org"),
                        court_id: r.get::<Option<String>, _>("court_id").map(CourtId::new),
                        name: r.get("name"),
                        status: stored(r, "status")?,
                        reason: r.get("reason"),
                        facts_json: r.get("facts_json"),
                        draft_kind: r.get("draft_kind"),
                        draft_text: r.get("draft_text"),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        )?
    }

    /// The highest change sequence number handed out so far (0 when none).
    pub async fn last_change_seq(&self) -> Result<i64, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT seq FROM change_counter WHERE id = 1",
            [],
            fetch_optional,
            |row| row.map_or(0, |r| r.get::<i64, _>("seq"))
        )?)
    }

    /// Total filings of one organisation per status (or of everyone with `None`).
    pub async fn org_count_by_status(
        &self,
        org: Option<&str>,
    ) -> Result<Vec<(FilingStatus, i64)>, StoreError> {
        let rows = match org {
            Some(org) => db_query!(
                &self.db,
                "SELECT status, COUNT(*) AS n FROM filings WHERE org = ?
                 GROUP BY status ORDER BY status",
                [org],
                fetch_all,
                |rows| rows
                    .iter()
                    .map(|r| Ok((stored(r, "status")?, r.get("n"))))
                    .collect::<Result<Vec<_>, StoreError>>()
            )??,
            None => self.count_by_status().await?,
        };
        Ok(rows)
    }

    /// Up to `limit` filings in `scope` whose id sorts after `after_id` (a cursor), by id.
    pub async fn list_filings(
        &self,
        scope: &FilingScope,
        after_id: &str,
        limit: i64,
    ) -> Result<Vec<FilingSummary>, StoreError> {
        let limit = limit.clamp(1, 1_000);
        let (filter, value) = match scope {
            FilingScope::All => ("", None),
            FilingScope::Org(o) => ("org = ? AND", Some(o.as_str())),
            FilingScope::Court(c) => ("court_id = ? AND", Some(c.as_str())),
        };
        let sql = format!(
            "SELECT id, batch_id, name, status, court_id, review_state FROM filings
             WHERE {filter} id > ? ORDER BY id LIMIT ?"
        );
        match value {
            None => db_query!(&self.db, &sql, [after_id, limit], fetch_all, |rows| rows
                .iter()
                .map(|r| summary_from_row!(r))
                .collect::<Result<Vec<_>, _>>())?,
            Some(v) => db_query!(&self.db, &sql, [v, after_id, limit], fetch_all, |rows| rows
                .iter()
                .map(|r| summary_from_row!(r))
                .collect::<Result<Vec<_>, _>>())?,
        }
    }

    /// Aggregates over every filing (the data team's view: no names, no text).
    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let mut st = Stats::default();
        let groups = db_query!(
            &self.db,
            "SELECT status, COALESCE(case_type, 'unknown') AS case_type,
                    COALESCE(review_state, 'pending') AS review_state, COUNT(*) AS n
             FROM filings GROUP BY status, case_type, review_state",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    (
                        r.get::<String, _>("status"),
                        r.get::<String, _>("case_type"),
                        r.get::<String, _>("review_state"),
                        r.get::<i64, _>("n"),
                    )
                })
                .collect::<Vec<_>>()
        )?;
        for (status, case_type, review, n) in groups {
            st.total += n;
            *st.by_status.entry(status).or_insert(0) += n;
            *st.by_case_type.entry(case_type).or_insert(0) += n;
            *st.by_review_state.entry(review).or_insert(0) += n;
        }
        let codes = db_query!(
            &self.db,
            "SELECT finding_codes, COUNT(*) AS n FROM filings
             WHERE finding_codes IS NOT NULL AND finding_codes <> '' GROUP BY finding_codes",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get::<String, _>("finding_codes"), r.get::<i64, _>("n")))
                .collect::<Vec<_>>()
        )?;
        for (list, n) in codes {
            for code in list.split(' ').filter(|c| !c.is_empty()) {
                *st.by_finding.entry(code.to_owned()).or_insert(0) += n;
            }
        }
        Ok(st)
    }
}
