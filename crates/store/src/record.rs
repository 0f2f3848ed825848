//! Recording a pipeline result: one way for the command line's batches and the service's
//! workers alike, so that whatever the service shows of a filing it processed, it shows of one
//! `fincase process` or `fincase demo` recorded.
//!
//! [`write_output!`] writes a [`FilingOutput`] into the filing's row: status, reason, facts,
//! outcome, the draft (kind, HTML, text), the court the facts address (`court_name`, normalised,
//! and the configured court of that name when there is one), the case type and finding codes
//! the aggregates count, and the model, rules and template versions. The row's change number
//! moves (migration 4), so the search follower indexes it. [`Store::complete_job`] runs it for a
//! worker's job; [`Store::save_filings`] for a command-line batch, after inserting the row.

use super::audit::{Actor, Pending, audited_tx, digest};
use super::{Store, StoreError, now_ms, tx_query};
use fincase_core::domain::{BatchId, FilingId, FilingStatus};

/// What the pipeline computed for one filing, as the database records it (a worker's job or a
/// command-line batch alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingOutput {
    /// Final status.
    pub status: FilingStatus,
    /// Why there is no draft.
    pub reason: Option<String>,
    /// Facts, flags, findings and provenance (JSON).
    pub facts_json: Option<String>,
    /// Suggested outcome (JSON).
    pub outcome_json: Option<String>,
    /// Which document was drafted.
    pub draft_kind: Option<String>,
    /// Draft (or notice) HTML.
    pub draft_html: Option<String>,
    /// Draft (or notice) plain text.
    pub draft_text: Option<String>,
    /// The court the filing addresses (此致 …人民法院), as extracted; matched to a configured
    /// court when the result is recorded.
    pub court_name: Option<String>,
    /// The case type (serde name), for aggregates.
    pub case_type: Option<String>,
    /// The finding codes (serde names), for aggregates.
    pub finding_codes: Vec<String>,
    /// Model, rules and template versions (JSON object), recorded and audited.
    pub versions_json: Option<String>,
}

impl FilingOutput {
    /// A result with `status` and nothing read: no reason, facts, outcome, draft or court.
    pub fn nothing_read(status: FilingStatus) -> FilingOutput {
        FilingOutput {
            status,
            reason: None,
            facts_json: None,
            outcome_json: None,
            draft_kind: None,
            draft_html: None,
            draft_text: None,
            court_name: None,
            case_type: None,
            finding_codes: Vec::new(),
            versions_json: None,
        }
    }

    /// The model, rules and template versions as the audit log records them.
    pub(crate) fn versions(&self) -> Option<serde_json::Value> {
        self.versions_json
            .as_deref()
            .and_then(|v| serde_json::from_str(v).ok())
    }
}

/// A command-line batch's filing: who it is, where its draft was written, and the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFiling {
    /// Filing id (content hash prefix).
    pub id: FilingId,
    /// The batch that processed it.
    pub batch_id: BatchId,
    /// File name inside the batch.
    pub name: String,
    /// SHA-256 of the original PDF (hex).
    pub sha256: String,
    /// Where the draft was written, relative to the output folder.
    pub draft_path: Option<String>,
    /// What the pipeline computed.
    pub output: FilingOutput,
}

/// What [`write_output!`] found and decided: the status before, and the court assigned.
pub(crate) struct Written {
    /// The row's status before the write (`None` for a row that was not there).
    pub before: Option<String>,
    /// The configured court the filing addresses, when one exists.
    pub court_id: Option<String>,
}

impl Written {
    /// The audit entry's `after`: the result's status and reason, the court assigned, the
    /// draft's kind and digests of the facts, outcome and draft.
    pub fn audit_after(&self, out: &FilingOutput) -> serde_json::Value {
        serde_json::json!({
            "status": out.status,
            "reason": out.reason,
            "court_id": self.court_id,
            "draft_kind": out.draft_kind,
            "facts_sha256": digest(out.facts_json.as_deref()),
            "outcome_sha256": digest(out.outcome_json.as_deref()),
            "draft_sha256": digest(out.draft_html.as_deref()),
        })
    }
}

/// Writes `$out` (a [`FilingOutput`]) into the row of filing `$id` inside a transaction of
/// either backend; evaluates to `Result<Written, StoreError>`. The row must exist.
macro_rules! write_output {
    ($pg:expr, $tx:expr, $id:expr, $out:expr, $now:expr) => {{
        let (pg, id, out, now): (bool, &FilingId, &FilingOutput, i64) = ($pg, $id, $out, $now);
        let court_name = out.court_name.as_deref().map($crate::normalize_court_name);
        let finding_codes = out.finding_codes.join(" ");
        (async {
            let court_id: Option<String> = match &court_name {
                Some(name) => $crate::tx_query!(
                    pg,
                    $tx,
                    "SELECT id FROM courts WHERE name = ?",
                    [name],
                    fetch_optional
                )?
                .map(|r| sqlx::Row::get(&r, "id")),
                None => None,
            };
            let before = $crate::tx_query!(
                pg,
                $tx,
                "SELECT status FROM filings WHERE id = ?",
                [id.as_str()],
                fetch_optional
            )?
            .map(|r| sqlx::Row::get::<String, _>(&r, "status"));
            $crate::tx_query!(
                pg,
                $tx,
                "UPDATE filings SET status = ?, reason = ?, facts_json = ?, outcome_json = ?,
                     draft_kind = ?, draft_html = ?, draft_text = ?,
                     processed_count = processed_count + 1, updated_ms = ?,
                     court_name = ?, court_id = ?, case_type = ?, finding_codes = ?,
                     versions_json = ?
                 WHERE id = ?",
                [
                    out.status.as_str(),
                    &out.reason,
                    &out.facts_json,
                    &out.outcome_json,
                    &out.draft_kind,
                    &out.draft_html,
                    &out.draft_text,
                    now,
                    &court_name,
                    &court_id,
                    &out.case_type,
                    &finding_codes,
                    &out.versions_json,
                    id.as_str()
                ],
                execute
            )?;
            Ok::<_, $crate::StoreError>($crate::record::Written { before, court_id })
        })
        .await
    }};
}
pub(crate) use write_output;

impl Store {
    /// Records a command-line batch's filings, all in one transaction: each row is inserted
    /// (or, for a filing recorded before, moved to this batch) and its result written as a
    /// worker's is (`record::write_output!`), with one audit entry per filing (`filing.recorded` by
    /// the system: batch, draft path, status, reason, court, digests and versions).
    pub async fn save_filings(&self, filings: &[BatchFiling]) -> Result<(), StoreError> {
        let now = now_ms();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            for f in filings {
                // Inserted as processing (no change number yet); the write below gives the
                // row its one change number with the result.
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO filings (id, batch_id, name, sha256, status, draft_path)
                     VALUES (?, ?, ?, ?, 'processing', ?)
                     ON CONFLICT(id) DO UPDATE SET batch_id = excluded.batch_id,
                        name = excluded.name, sha256 = excluded.sha256,
                        draft_path = excluded.draft_path",
                    [
                        f.id.as_str(),
                        f.batch_id.as_str(),
                        &f.name,
                        &f.sha256,
                        &f.draft_path
                    ],
                    execute
                )?;
                let written = write_output!(pg, tx, &f.id, &f.output, now)?;
                let mut after = written.audit_after(&f.output);
                after["batch_id"] = serde_json::json!(f.batch_id);
                after["draft_path"] = serde_json::json!(f.draft_path);
                chain.push(Pending {
                    actor: &Actor::system(),
                    action: "filing.recorded",
                    subject: f.id.as_str(),
                    before: None,
                    after: Some(after),
                    versions: f.output.versions(),
                });
            }
            Ok(())
        })
    }
}
