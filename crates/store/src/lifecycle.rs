//! A filing's lifecycle after its draft (issue 25): the machine's state (`filings.stage`,
//! `filings.lifecycle_json`, `filings.lifecycle_seq`) and its events, each with the paper it
//! produced (`lifecycle_events`), written with one audit entry per event in the same
//! transaction. The state machine itself is `fincase_core::lifecycle`; the caller computes the
//! next state and the paper, and this module stores them only if nobody changed the filing's
//! lifecycle meanwhile (`lifecycle_seq` is the version the caller computed from). Each event
//! recorded by a caller (not the seeded ones) is put in the webhook outbox of the filing's
//! organisation in the same transaction (`webhooks.rs`).

use super::audit::{Actor, Pending, audited_tx};
use super::{FilingScope, Store, StoreError, db_query, now_ms, stored, stored_opt, tx_query};
use fincase_core::domain::{CourtId, FilingId, FilingStatus, ReviewState, sha256_hex};
use sqlx::Row;

/// What the lifecycle's caller reads of a filing to compute its next state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleRecord {
    /// The filing.
    pub id: FilingId,
    /// Owning organisation (the bank), `None` for command-line batches.
    pub org: Option<String>,
    /// Its court.
    pub court_id: Option<CourtId>,
    /// Processing status.
    pub status: FilingStatus,
    /// The judge's decision.
    pub review_state: Option<ReviewState>,
    /// When it was decided (ms).
    pub review_ms: Option<i64>,
    /// When the result was recorded (ms).
    pub updated_ms: Option<i64>,
    /// `judgment`, `payment_order` or `none`.
    pub draft_kind: Option<String>,
    /// Facts (JSON).
    pub facts_json: Option<String>,
    /// Outcome (JSON).
    pub outcome_json: Option<String>,
    /// Versions of the recorded result (JSON).
    pub versions_json: Option<String>,
    /// The court the filing addresses, as extracted.
    pub court_name: Option<String>,
    /// The machine's state (`fincase_core::lifecycle::Lifecycle` as JSON), `None` before the
    /// first lifecycle event.
    pub lifecycle_json: Option<String>,
    /// How many lifecycle events are stored (the version the next write must name).
    pub lifecycle_seq: i64,
}

/// One stored lifecycle event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleEventRow {
    /// 1, 2, … per filing.
    pub seq: i64,
    /// The event's name (`served`).
    pub event: String,
    /// The event (`fincase_core::lifecycle::Event` as JSON).
    pub event_json: String,
    /// The day it happened (`YYYY-MM-DD`).
    pub on_date: String,
    /// Stage before (`None` for the first).
    pub stage_before: Option<String>,
    /// Stage after.
    pub stage_after: String,
    /// Who recorded it.
    pub actor: String,
    /// When (ms).
    pub at_ms: i64,
    /// The paper it produced (`termination_ruling`, …).
    pub paper_kind: Option<String>,
}

/// A paper as stored with its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPaper {
    /// `termination_ruling`, `effect_certificate`, `mediation_statement`, `withdrawal_ruling`.
    pub kind: String,
    /// The HTML.
    pub html: String,
    /// The plain text.
    pub text: String,
    /// Template, rules and extraction versions (JSON).
    pub versions_json: String,
}

/// One event to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLifecycleEvent {
    /// The event's name.
    pub event: String,
    /// The event (JSON).
    pub event_json: String,
    /// The day it happened.
    pub on_date: String,
    /// Stage before (`None` for the first).
    pub stage_before: Option<String>,
    /// Stage after.
    pub stage_after: String,
    /// Recorded by the system from the filing's record (its drafting and the judge's decision,
    /// audited when they happened), not by this caller.
    pub seeded: bool,
    /// The paper it produced.
    pub paper: Option<StoredPaper>,
}

/// A filing's new lifecycle state and the events that led there from `expect_seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleWrite {
    /// The filing.
    pub filing_id: FilingId,
    /// Its organisation: each event recorded is announced to its webhooks.
    pub org: Option<String>,
    /// The number of events the caller computed from ([`LifecycleRecord::lifecycle_seq`]).
    pub expect_seq: i64,
    /// The events, oldest first.
    pub events: Vec<NewLifecycleEvent>,
    /// The stage after the last event.
    pub stage: String,
    /// The machine's state after the last event (JSON).
    pub lifecycle_json: String,
    /// A new draft to store with the events.
    pub redraft: Option<Redraft>,
}

/// A filing's new draft, written with a lifecycle event (the litigation draft after a payment
/// order's 督促程序 ended): it replaces the record's facts, outcome and draft, clears the
/// decision (the judge reviews the new draft) and is kept as the next draft version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redraft {
    /// Facts (JSON).
    pub facts_json: String,
    /// Outcome (JSON).
    pub outcome_json: String,
    /// `judgment`, `payment_order` or `notice`.
    pub draft_kind: String,
    /// `drafted`, or `needs_review` for a notice.
    pub status: FilingStatus,
    /// The draft's HTML.
    pub draft_html: String,
    /// Its text.
    pub draft_text: String,
    /// Versions (JSON).
    pub versions_json: String,
}

/// What became of one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleWritten {
    /// Stored with its audit entries.
    Recorded,
    /// Another change came first (or the filing is gone): compute again.
    Conflict,
}

macro_rules! record_from_row {
    ($r:expr) => {{
        let r = $r;
        (|| -> Result<LifecycleRecord, StoreError> {
            Ok(LifecycleRecord {
                id: r.get::<String, _>("id").into(),
                org: r.get("org"),
                court_id: r.get::<Option<String>, _>("court_id").map(Into::into),
                status: stored(r, "status")?,
                review_state: stored_opt(r, "review_state")?,
                review_ms: r.get("review_ms"),
                updated_ms: r.get("updated_ms"),
                draft_kind: r.get("draft_kind"),
                facts_json: r.get("facts_json"),
                outcome_json: r.get("outcome_json"),
                versions_json: r.get("versions_json"),
                court_name: r.get("court_name"),
                lifecycle_json: r.get("lifecycle_json"),
                lifecycle_seq: r.get("lifecycle_seq"),
            })
        })()
    }};
}

const RECORD_COLUMNS: &str = "id, org, court_id, status, review_state, review_ms, updated_ms,
     draft_kind, facts_json, outcome_json, versions_json, court_name, lifecycle_json,
     lifecycle_seq";

/// The condition every scoped read adds, bound with [`scope_binds`] (`org`, `org`, `court`,
/// `court`): a NULL leaves its column free.
const IN_SCOPE: &str = " AND (? IS NULL OR org = ?) AND (? IS NULL OR court_id = ?)";

/// The organisation and the court a scope fixes (`None`: any).
fn scope_binds(scope: &FilingScope) -> (Option<&str>, Option<&str>) {
    match scope {
        FilingScope::All => (None, None),
        FilingScope::Org(o) => (Some(o.as_str()), None),
        FilingScope::Court(c) => (None, Some(c.as_str())),
    }
}

impl Store {
    /// The lifecycle record of filing `id` in `scope` (`None`: unknown there).
    pub async fn lifecycle_record(
        &self,
        id: &FilingId,
        scope: &FilingScope,
    ) -> Result<Option<LifecycleRecord>, StoreError> {
        Ok(self
            .lifecycle_records(std::slice::from_ref(id), scope)
            .await?
            .pop())
    }

    /// The lifecycle records of `ids` in `scope`, in no particular order (unknown ids and ids
    /// outside the scope are left out). Reads in chunks of 500 ids.
    pub async fn lifecycle_records(
        &self,
        ids: &[FilingId],
        scope: &FilingScope,
    ) -> Result<Vec<LifecycleRecord>, StoreError> {
        let (org, court) = scope_binds(scope);
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql =
                format!("SELECT {RECORD_COLUMNS} FROM filings WHERE id IN ({marks}){IN_SCOPE}");
            let rows = match &self.db {
                super::Db::Sqlite(p) => {
                    let mut q = sqlx::query(&sql);
                    for id in chunk {
                        q = q.bind(id.as_str());
                    }
                    q = q.bind(org).bind(org).bind(court).bind(court);
                    q.fetch_all(p)
                        .await?
                        .iter()
                        .map(|r| record_from_row!(r))
                        .collect::<Result<Vec<_>, _>>()?
                }
                super::Db::Postgres(p) => {
                    let sql = super::pg_sql(&sql);
                    let mut q = sqlx::query(&sql);
                    for id in chunk {
                        q = q.bind(id.as_str());
                    }
                    q = q.bind(org).bind(org).bind(court).bind(court);
                    q.fetch_all(p)
                        .await?
                        .iter()
                        .map(|r| record_from_row!(r))
                        .collect::<Result<Vec<_>, _>>()?
                }
            };
            out.extend(rows);
        }
        Ok(out)
    }

    /// The ids of the filings of `court_id` whose lifecycle stage is `stage` (for bulk actions
    /// such as "every served filing"), at most `limit`, by id. Filings that have had no
    /// lifecycle event yet have no stage.
    pub async fn filings_at_stage(
        &self,
        court_id: &CourtId,
        stage: &str,
        limit: i64,
    ) -> Result<Vec<FilingId>, StoreError> {
        db_query!(
            &self.db,
            "SELECT id FROM filings WHERE court_id = ? AND stage = ? ORDER BY id LIMIT ?",
            [court_id.as_str(), stage, limit.clamp(1, 100_000)],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| FilingId::from(r.get::<String, _>("id")))
                .collect::<Vec<_>>()
        )
        .map_err(Into::into)
    }

    /// The lifecycle events of a filing, oldest first.
    pub async fn lifecycle_events(
        &self,
        id: &FilingId,
    ) -> Result<Vec<LifecycleEventRow>, StoreError> {
        db_query!(
            &self.db,
            "SELECT seq, event, event_json, on_date, stage_before, stage_after, actor, at_ms,
                    paper_kind
             FROM lifecycle_events WHERE filing_id = ? ORDER BY seq",
            [id.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| LifecycleEventRow {
                    seq: r.get("seq"),
                    event: r.get("event"),
                    event_json: r.get("event_json"),
                    on_date: r.get("on_date"),
                    stage_before: r.get("stage_before"),
                    stage_after: r.get("stage_after"),
                    actor: r.get("actor"),
                    at_ms: r.get("at_ms"),
                    paper_kind: r.get("paper_kind"),
                })
                .collect::<Vec<_>>()
        )
        .map_err(Into::into)
    }

    /// The paper stored with event `seq` of a filing.
    pub async fn lifecycle_paper(
        &self,
        id: &FilingId,
        seq: i64,
    ) -> Result<Option<StoredPaper>, StoreError> {
        db_query!(
            &self.db,
            "SELECT paper_kind, paper_html, paper_text, paper_versions_json
             FROM lifecycle_events WHERE filing_id = ? AND seq = ? AND paper_kind IS NOT NULL",
            [id.as_str(), seq],
            fetch_optional,
            |row| row.map(|r| StoredPaper {
                kind: r.get("paper_kind"),
                html: r.get("paper_html"),
                text: r.get("paper_text"),
                versions_json: r.get("paper_versions_json"),
            })
        )
        .map_err(Into::into)
    }

    /// Stores lifecycle writes in one audited transaction: each filing's state is replaced only
    /// if it still has `expect_seq` events (otherwise that write is a [`LifecycleWritten::Conflict`]
    /// and the others go on), its events are appended, and every event gets its audit entry
    /// (`lifecycle.<event>`; seeded events are attributed to `system`).
    pub async fn record_lifecycle(
        &self,
        writes: &[LifecycleWrite],
        actor: &Actor,
    ) -> Result<Vec<LifecycleWritten>, StoreError> {
        let now = now_ms();
        let system = Actor::system();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let mut out = Vec::with_capacity(writes.len());
            for w in writes {
                let seq = w.expect_seq + w.events.len() as i64;
                let n = tx_query!(
                    pg,
                    tx,
                    "UPDATE filings SET stage = ?, lifecycle_json = ?, lifecycle_seq = ?
                     WHERE id = ? AND lifecycle_seq = ?",
                    [
                        w.stage.as_str(),
                        w.lifecycle_json.as_str(),
                        seq,
                        w.filing_id.as_str(),
                        w.expect_seq
                    ],
                    execute
                )?
                .rows_affected();
                if n != 1 {
                    out.push(LifecycleWritten::Conflict);
                    continue;
                }
                if let Some(r) = &w.redraft {
                    tx_query!(
                        pg,
                        tx,
                        "UPDATE filings SET facts_json = ?, outcome_json = ?, draft_kind = ?,
                             draft_html = ?, draft_text = ?, versions_json = ?, status = ?,
                             review_state = NULL, review_reason = NULL, review_ms = NULL,
                             updated_ms = ?
                         WHERE id = ?",
                        [
                            r.facts_json.as_str(),
                            r.outcome_json.as_str(),
                            r.draft_kind.as_str(),
                            r.draft_html.as_str(),
                            r.draft_text.as_str(),
                            r.versions_json.as_str(),
                            r.status.as_str(),
                            now,
                            w.filing_id.as_str()
                        ],
                        execute
                    )?;
                    let last: Option<i64> = tx_query!(
                        pg,
                        tx,
                        "SELECT MAX(version) AS v FROM draft_versions WHERE filing_id = ?",
                        [w.filing_id.as_str()],
                        fetch_one
                    )?
                    .get("v");
                    tx_query!(
                        pg,
                        tx,
                        "INSERT INTO draft_versions (filing_id, version, stage, actor, at_ms,
                             facts_json, outcome_json, draft_html, draft_text, versions_json, note)
                         VALUES (?, ?, 'litigation', ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            w.filing_id.as_str(),
                            last.unwrap_or(0) + 1,
                            actor.as_str(),
                            now,
                            r.facts_json.as_str(),
                            r.outcome_json.as_str(),
                            r.draft_html.as_str(),
                            r.draft_text.as_str(),
                            r.versions_json.as_str(),
                            "督促程序终结后转入诉讼程序"
                        ],
                        execute
                    )?;
                }
                for (i, e) in w.events.iter().enumerate() {
                    let seq = w.expect_seq + 1 + i as i64;
                    let who = if e.seeded { &system } else { actor };
                    let paper = e.paper.as_ref();
                    tx_query!(
                        pg,
                        tx,
                        "INSERT INTO lifecycle_events (filing_id, seq, event, event_json,
                             on_date, stage_before, stage_after, actor, at_ms, paper_kind,
                             paper_html, paper_text, paper_versions_json)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            w.filing_id.as_str(),
                            seq,
                            e.event.as_str(),
                            e.event_json.as_str(),
                            e.on_date.as_str(),
                            e.stage_before.as_deref(),
                            e.stage_after.as_str(),
                            who.as_str(),
                            now,
                            paper.map(|p| p.kind.as_str()),
                            paper.map(|p| p.html.as_str()),
                            paper.map(|p| p.text.as_str()),
                            paper.map(|p| p.versions_json.as_str())
                        ],
                        execute
                    )?;
                    let event: serde_json::Value =
                        serde_json::from_str(&e.event_json).unwrap_or(serde_json::Value::Null);
                    if let (Some(org), false) = (w.org.as_deref(), e.seeded) {
                        let event_id = format!("evt_{}_{seq}", w.filing_id.as_str());
                        let payload = serde_json::json!({
                            "id": event_id,
                            "type": "filing.lifecycle",
                            "filing_id": w.filing_id,
                            "seq": seq,
                            "event": event,
                            "stage_before": e.stage_before,
                            "stage": e.stage_after,
                            "paper": paper.map(|p| p.kind.as_str()),
                            "created_ms": now,
                        })
                        .to_string();
                        super::webhooks::enqueue_deliveries!(
                            pg,
                            tx,
                            org,
                            w.filing_id.as_str(),
                            event_id.as_str(),
                            payload.as_str(),
                            now
                        );
                    }
                    chain.push(Pending {
                        actor: who,
                        action: &format!("lifecycle.{}", e.event),
                        subject: w.filing_id.as_str(),
                        before: Some(serde_json::json!({ "stage": e.stage_before })),
                        after: Some(serde_json::json!({
                            "stage": e.stage_after,
                            "seq": seq,
                            "event": event,
                            "paper": paper.map(|p| serde_json::json!({
                                "kind": p.kind,
                                "sha256": sha256_hex(p.html.as_bytes()),
                            })),
                            "draft_sha256": w.redraft.as_ref()
                                .filter(|_| e.event == "drafted" && e.seeded)
                                .map(|r| sha256_hex(r.draft_html.as_bytes())),
                        })),
                        versions: paper.and_then(|p| serde_json::from_str(&p.versions_json).ok()),
                    });
                }
                out.push(LifecycleWritten::Recorded);
            }
            Ok(out)
        })
    }

    /// Filings per lifecycle stage in `scope` (stage `None`: no lifecycle event yet).
    pub async fn lifecycle_stage_counts(
        &self,
        scope: &FilingScope,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        let (org, court) = scope_binds(scope);
        let sql = format!(
            "SELECT stage, COUNT(*) AS n FROM filings WHERE status = 'drafted'{IN_SCOPE}
             GROUP BY stage ORDER BY stage"
        );
        Ok(db_query!(
            &self.db,
            &sql,
            [org, org, court, court],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get("stage"), r.get("n")))
                .collect::<Vec<_>>()
        )?)
    }
}
