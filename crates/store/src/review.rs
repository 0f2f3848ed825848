//! What the judges' review screens (`http::ui`) keep: login sessions (the cookie's hash, the
//! judge's token hash and the form token against cross-site requests), the review queue of a
//! court, a judge's edit of a fact with the recomputed outcome and draft, and the draft's
//! versions (AI draft → edited → approved).
//!
//! Every change here is audited in the same transaction (`ui.login`, `ui.logout`,
//! `review.fact_edited`, `draft.approved_version`). Decisions themselves go through
//! [`Store::decide`], the same function the API's decision endpoint calls. Must not: decide who
//! may do what (that is `http`'s job) or compute outcomes (it stores what it is given).

use super::audit::{Actor, Pending, audited_tx, digest};
use super::{Store, StoreError, db_query, now_ms, stored, stored_opt, tx_query};
use fincase_core::domain::{BatchId, CourtId, FilingId, FilingStatus, ReviewState};
use sqlx::Row;

/// A judge's login session as stored (the cookie value itself is never stored, only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the session cookie.
    pub id_hash: String,
    /// The judge's API token hash the session acts for (revoking the token ends the session).
    pub token_hash: String,
    /// The form token every POST of this session must carry.
    pub csrf: String,
    /// When it stops being valid (ms since the Unix epoch).
    pub expires_ms: i64,
}

/// What the review queue filters on in the database (amounts are filtered by the caller, from
/// the outcome).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// One batch.
    pub batch_id: Option<BatchId>,
    /// One bank (organisation).
    pub org: Option<String>,
    /// Filings carrying this finding code.
    pub finding: Option<String>,
}

/// One filing of a court's review queue: the columns the queue, the groups and the counts need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// Filing id.
    pub id: FilingId,
    /// Its batch.
    pub batch_id: BatchId,
    /// When the batch was submitted (RFC 3339): the day the court received the filing.
    pub received_at: String,
    /// Name inside the batch.
    pub name: String,
    /// The bank that filed it.
    pub org: Option<String>,
    /// Processing status.
    pub status: FilingStatus,
    /// The judge's decision, once made.
    pub review_state: Option<ReviewState>,
    /// Finding codes, space-separated.
    pub finding_codes: Option<String>,
    /// Facts, flags, findings and provenance (JSON).
    pub facts_json: Option<String>,
    /// The suggested outcome (JSON).
    pub outcome_json: Option<String>,
    /// Its lifecycle stage after the draft (`served`, `withdrawn`…), once it has one.
    pub stage: Option<String>,
}

/// One version of a filing's draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DraftVersion {
    /// 1, 2, 3… per filing.
    pub version: i64,
    /// `ai` (as the pipeline drafted it), `edited` (after a judge's edit), `approved`.
    pub stage: String,
    /// Who made it ([`Actor`]).
    pub actor: String,
    /// When (ms since the Unix epoch).
    pub at_ms: i64,
    /// What changed, in words (the edited field and values).
    pub note: Option<String>,
    /// The draft's HTML at that version.
    pub draft_html: Option<String>,
    /// The outcome at that version (JSON).
    pub outcome_json: Option<String>,
}

/// A filing's result after a judge's edit, recomputed by the rules and the draft stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditedResult {
    /// Facts report (JSON, as the pipeline stores it).
    pub facts_json: String,
    /// Outcome (JSON).
    pub outcome_json: String,
    /// Draft HTML.
    pub draft_html: String,
    /// Draft text.
    pub draft_text: String,
    /// Model, rules and template versions (JSON object).
    pub versions_json: String,
    /// Finding codes (space-separated), for the queue's filter.
    pub finding_codes: String,
    /// What changed, in words (kept with the version).
    pub note: String,
    /// The audit entry's before state (field, value, outcome amounts).
    pub before: serde_json::Value,
    /// The audit entry's after state.
    pub after: serde_json::Value,
}

/// What became of an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// Stored, with its versions and audit entry.
    Recorded,
    /// No such filing in that court.
    NotFound,
    /// Not editable: the judge already decided (the decision is given).
    AlreadyDecided(ReviewState),
    /// Not editable: there is no draft (the status is given).
    NotDrafted(FilingStatus),
}

impl Store {
    /// Stores a new session for a judge's token (audited: `ui.login`, subject the first 12 hex
    /// digits of the session's hash). Expired sessions are removed on the way.
    pub async fn create_session(&self, s: &SessionRecord, actor: &Actor) -> Result<(), StoreError> {
        let now = now_ms();
        let id = s.id_hash.get(..12).unwrap_or(&s.id_hash).to_owned();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "DELETE FROM ui_sessions WHERE expires_ms < ?",
                [now],
                execute
            )?;
            tx_query!(
                pg,
                tx,
                "INSERT INTO ui_sessions (id_hash, token_hash, csrf, created_ms, expires_ms)
                 VALUES (?, ?, ?, ?, ?)",
                [&s.id_hash, &s.token_hash, &s.csrf, now, s.expires_ms],
                execute
            )?;
            chain.push(Pending {
                actor,
                action: "ui.login",
                subject: &id,
                before: None,
                after: Some(serde_json::json!({ "expires_ms": s.expires_ms })),
                versions: None,
            });
            Ok(())
        })
    }

    /// The unexpired session with this hash.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id_hash, token_hash, csrf, expires_ms FROM ui_sessions
             WHERE id_hash = ? AND expires_ms > ?",
            [id_hash, now_ms()],
            fetch_optional,
            |row| row.map(|r| SessionRecord {
                id_hash: r.get("id_hash"),
                token_hash: r.get("token_hash"),
                csrf: r.get("csrf"),
                expires_ms: r.get("expires_ms"),
            })
        )?)
    }

    /// Ends a session (audited: `ui.logout`); nothing when there is none.
    pub async fn end_session(&self, id_hash: &str, actor: &Actor) -> Result<(), StoreError> {
        let id = id_hash.get(..12).unwrap_or(id_hash).to_owned();
        audited_tx!(&self.db, now_ms(), |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "DELETE FROM ui_sessions WHERE id_hash = ?",
                [id_hash],
                execute
            )?
            .rows_affected();
            if n > 0 {
                chain.push(Pending {
                    actor,
                    action: "ui.logout",
                    subject: &id,
                    before: None,
                    after: None,
                    versions: None,
                });
            }
            Ok(())
        })
    }

    /// The processed filings of a court matching `filter`, oldest received first (then by
    /// name), at most `limit`. Queued, processing and unreadable filings are left out.
    pub async fn review_queue(
        &self,
        court_id: &CourtId,
        filter: &QueueFilter,
        limit: i64,
    ) -> Result<Vec<QueueRow>, StoreError> {
        let finding = filter.finding.as_deref().map(|c| format!("% {c} %"));
        let batch = filter.batch_id.as_ref().map(BatchId::as_str);
        db_query!(
            &self.db,
            "SELECT f.id, f.batch_id, b.started_at, f.name, f.org, f.status, f.review_state,
                    f.finding_codes, f.facts_json, f.outcome_json, f.stage
             FROM filings f JOIN batches b ON b.id = f.batch_id
             WHERE f.court_id = ?
               AND f.status IN ('drafted', 'needs_review', 'rejected', 'needs_ocr')
               AND (? IS NULL OR f.batch_id = ?)
               AND (? IS NULL OR f.org = ?)
               AND (? IS NULL OR (' ' || COALESCE(f.finding_codes, '') || ' ') LIKE ?)
             ORDER BY b.started_at, f.name, f.id LIMIT ?",
            [
                court_id.as_str(),
                batch,
                batch,
                &filter.org,
                &filter.org,
                &finding,
                &finding,
                limit.clamp(1, 10_000)
            ],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| {
                    Ok(QueueRow {
                        id: r.get::<String, _>("id").into(),
                        batch_id: r.get::<String, _>("batch_id").into(),
                        received_at: r.get("started_at"),
                        name: r.get("name"),
                        org: r.get("org"),
                        status: stored(r, "status")?,
                        review_state: stored_opt(r, "review_state")?,
                        finding_codes: r.get("finding_codes"),
                        facts_json: r.get("facts_json"),
                        outcome_json: r.get("outcome_json"),
                        stage: r.get("stage"),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        )?
    }

    /// The versions of a filing's draft, oldest first (none until a judge edits or approves).
    pub async fn draft_versions(
        &self,
        filing_id: &FilingId,
    ) -> Result<Vec<DraftVersion>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT version, stage, actor, at_ms, note, draft_html, outcome_json
             FROM draft_versions WHERE filing_id = ? ORDER BY version",
            [filing_id.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| DraftVersion {
                    version: r.get("version"),
                    stage: r.get("stage"),
                    actor: r.get("actor"),
                    at_ms: r.get("at_ms"),
                    note: r.get("note"),
                    draft_html: r.get("draft_html"),
                    outcome_json: r.get("outcome_json"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// Replaces a drafted, undecided filing's facts, outcome and draft with a judge's edit, in
    /// one audited transaction: the AI draft is kept as version 1 on the first edit, the edit
    /// becomes the next version, and the audit entry `review.fact_edited` holds the before and
    /// after (field, value, outcome amounts, digests) and the versions involved. The conditions
    /// are checked in the statement that writes, so an edit cannot land after a decision.
    pub async fn record_edit(
        &self,
        filing_id: &FilingId,
        court_id: &CourtId,
        e: &EditedResult,
        actor: &Actor,
    ) -> Result<Edited, StoreError> {
        let now = now_ms();
        let (filing_id, court_id) = (filing_id.as_str(), court_id.as_str());
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let row = tx_query!(
                pg,
                tx,
                "SELECT status, review_state, facts_json, outcome_json, draft_html, draft_text,
                        versions_json
                 FROM filings WHERE id = ? AND court_id = ?",
                [filing_id, court_id],
                fetch_optional
            )?;
            let Some(row) = row else {
                return Ok(Edited::NotFound);
            };
            let status: FilingStatus = stored(&row, "status")?;
            if let Some(s) = stored_opt::<_, ReviewState>(&row, "review_state")? {
                return Ok(Edited::AlreadyDecided(s));
            }
            if status != FilingStatus::Drafted {
                return Ok(Edited::NotDrafted(status));
            }
            let last: Option<i64> = tx_query!(
                pg,
                tx,
                "SELECT MAX(version) AS v FROM draft_versions WHERE filing_id = ?",
                [filing_id],
                fetch_one
            )?
            .get("v");
            let mut next = last.unwrap_or(0) + 1;
            if last.is_none() {
                // The AI draft, as the pipeline recorded it.
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO draft_versions (filing_id, version, stage, actor, at_ms,
                         facts_json, outcome_json, draft_html, draft_text, versions_json, note)
                     VALUES (?, ?, 'ai', 'pipeline', ?, ?, ?, ?, ?, ?, NULL)",
                    [
                        filing_id,
                        next,
                        now,
                        row.get::<Option<String>, _>("facts_json"),
                        row.get::<Option<String>, _>("outcome_json"),
                        row.get::<Option<String>, _>("draft_html"),
                        row.get::<Option<String>, _>("draft_text"),
                        row.get::<Option<String>, _>("versions_json")
                    ],
                    execute
                )?;
                next += 1;
            }
            tx_query!(
                pg,
                tx,
                "INSERT INTO draft_versions (filing_id, version, stage, actor, at_ms,
                     facts_json, outcome_json, draft_html, draft_text, versions_json, note)
                 VALUES (?, ?, 'edited', ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    filing_id,
                    next,
                    actor.as_str(),
                    now,
                    &e.facts_json,
                    &e.outcome_json,
                    &e.draft_html,
                    &e.draft_text,
                    &e.versions_json,
                    &e.note
                ],
                execute
            )?;
            let n = tx_query!(
                pg,
                tx,
                "UPDATE filings SET facts_json = ?, outcome_json = ?, draft_html = ?,
                     draft_text = ?, versions_json = ?, finding_codes = ?, updated_ms = ?
                 WHERE id = ? AND court_id = ? AND status = 'drafted' AND review_state IS NULL",
                [
                    &e.facts_json,
                    &e.outcome_json,
                    &e.draft_html,
                    &e.draft_text,
                    &e.versions_json,
                    &e.finding_codes,
                    now,
                    filing_id,
                    court_id
                ],
                execute
            )?
            .rows_affected();
            if n != 1 {
                return Err(StoreError::Db(sqlx::Error::RowNotFound));
            }
            let mut before = e.before.clone();
            before["facts_sha256"] =
                digest(row.get::<Option<String>, _>("facts_json").as_deref()).into();
            before["draft_sha256"] =
                digest(row.get::<Option<String>, _>("draft_html").as_deref()).into();
            let mut after = e.after.clone();
            after["facts_sha256"] = digest(Some(&e.facts_json)).into();
            after["draft_sha256"] = digest(Some(&e.draft_html)).into();
            after["draft_version"] = next.into();
            chain.push(Pending {
                actor,
                action: "review.fact_edited",
                subject: filing_id,
                before: Some(before),
                after: Some(after),
                versions: serde_json::from_str(&e.versions_json).ok(),
            });
            Ok(Edited::Recorded)
        })
    }

    /// Records the draft of an approved filing as its `approved` version (the AI draft first,
    /// when it was never edited), audited as `draft.approved_version`. Returns false when the
    /// filing is not approved or its approved version is already recorded.
    pub async fn record_approved_version(
        &self,
        filing_id: &FilingId,
        actor: &Actor,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let filing_id = filing_id.as_str();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let row = tx_query!(
                pg,
                tx,
                "SELECT review_state, facts_json, outcome_json, draft_html, draft_text,
                        versions_json
                 FROM filings WHERE id = ?",
                [filing_id],
                fetch_optional
            )?;
            let Some(row) = row else {
                return Ok(false);
            };
            if stored_opt(&row, "review_state")? != Some(ReviewState::Approved) {
                return Ok(false);
            }
            let done = tx_query!(
                pg,
                tx,
                "SELECT version FROM draft_versions WHERE filing_id = ? AND stage = 'approved'",
                [filing_id],
                fetch_optional
            )?;
            if done.is_some() {
                return Ok(false);
            }
            let last: Option<i64> = tx_query!(
                pg,
                tx,
                "SELECT MAX(version) AS v FROM draft_versions WHERE filing_id = ?",
                [filing_id],
                fetch_one
            )?
            .get("v");
            let html: Option<String> = row.get("draft_html");
            let versions: Option<String> = row.get("versions_json");
            let stages: &[(&str, &str)] = if last.is_none() {
                &[("ai", "pipeline"), ("approved", actor.as_str())]
            } else {
                &[("approved", actor.as_str())]
            };
            let mut version = last.unwrap_or(0);
            for (stage, who) in stages {
                version += 1;
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO draft_versions (filing_id, version, stage, actor, at_ms,
                         facts_json, outcome_json, draft_html, draft_text, versions_json, note)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                    [
                        filing_id,
                        version,
                        *stage,
                        *who,
                        now,
                        row.get::<Option<String>, _>("facts_json"),
                        row.get::<Option<String>, _>("outcome_json"),
                        &html,
                        row.get::<Option<String>, _>("draft_text"),
                        &versions
                    ],
                    execute
                )?;
            }
            chain.push(Pending {
                actor,
                action: "draft.approved_version",
                subject: filing_id,
                before: None,
                after: Some(serde_json::json!({
                    "draft_version": version,
                    "draft_sha256": digest(html.as_deref()),
                })),
                versions: versions.and_then(|v| serde_json::from_str(&v).ok()),
            });
            Ok(true)
        })
    }
}
