//! A judge's decision on a drafted filing (approve, reject, return to the bank), recorded with
//! its audit entry in one transaction.

use super::audit::{Actor, Pending, audited_tx};
use super::{Store, StoreError, now_ms, stored, stored_opt, tx_query};
use fincase_core::domain::{CourtId, FilingId, FilingStatus, ReviewState};
use sqlx::Row;

/// A judge's decision on a drafted filing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    /// The draft is right: the judge signs it.
    Approve,
    /// The claim is rejected (reason required).
    Reject,
    /// Sent back to the bank to correct or complete (reason required).
    ReturnToBank,
}

impl ReviewAction {
    /// The action as named on the wire and in the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Approve => "approve",
            ReviewAction::Reject => "reject",
            ReviewAction::ReturnToBank => "return_to_bank",
        }
    }

    /// The review state the filing ends in.
    pub fn review_state(self) -> ReviewState {
        match self {
            ReviewAction::Approve => ReviewState::Approved,
            ReviewAction::Reject => ReviewState::Rejected,
            ReviewAction::ReturnToBank => ReviewState::ReturnedToBank,
        }
    }

    /// True when a reason is required.
    pub fn needs_reason(self) -> bool {
        !matches!(self, ReviewAction::Approve)
    }
}

/// What became of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Recorded (with its audit entry).
    Recorded,
    /// No such filing in that court.
    NotFound,
    /// The filing has no draft to decide on (its status is given).
    NotReviewable(FilingStatus),
    /// Already decided (the state is given).
    AlreadyDecided(ReviewState),
    /// The case ended without a decision on this draft (withdrawn, mediated, the 督促程序
    /// ended): its lifecycle stage is given (`fincase_core::lifecycle::Stage`'s stored name).
    Ended(String),
}

impl Store {
    /// Records a judge's decision on a drafted, undecided filing of `court_id`, with its audit
    /// entry (`decision.<action>`, before and after review state, the draft's versions), in one
    /// transaction. The conditions are checked in the same statement that writes, so two
    /// judges deciding at once cannot both succeed. Whether the caller may decide for that
    /// court is `http`'s question.
    pub async fn decide(
        &self,
        filing_id: &FilingId,
        court_id: &CourtId,
        action: ReviewAction,
        reason: Option<&str>,
        actor: &Actor,
    ) -> Result<Decided, StoreError> {
        let now = now_ms();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "UPDATE filings SET review_state = ?, review_reason = ?, review_ms = ?
                 WHERE id = ? AND court_id = ? AND status = 'drafted'
                   AND review_state IS NULL AND (stage IS NULL OR stage = 'drafted')",
                [
                    action.review_state().as_str(),
                    reason,
                    now,
                    filing_id.as_str(),
                    court_id.as_str()
                ],
                execute
            )?
            .rows_affected();
            let row = tx_query!(
                pg,
                tx,
                "SELECT status, review_state, versions_json, stage FROM filings
                 WHERE id = ? AND court_id = ?",
                [filing_id.as_str(), court_id.as_str()],
                fetch_optional
            )?;
            let Some(row) = row else {
                return Ok(Decided::NotFound);
            };
            let status: FilingStatus = stored(&row, "status")?;
            let state: Option<ReviewState> = stored_opt(&row, "review_state")?;
            if n != 1 {
                let stage: Option<String> = row.get("stage");
                return Ok(match (state, stage) {
                    (Some(s), _) => Decided::AlreadyDecided(s),
                    (None, Some(st)) if status == FilingStatus::Drafted && st != "drafted" => {
                        Decided::Ended(st)
                    }
                    (None, _) => Decided::NotReviewable(status),
                });
            }
            let versions: Option<String> = row.get("versions_json");
            chain.push(Pending {
                actor,
                action: &format!("decision.{}", action.as_str()),
                subject: filing_id.as_str(),
                before: Some(serde_json::json!({ "status": status, "review_state": null })),
                after: Some(serde_json::json!({
                    "status": status,
                    "review_state": action.review_state(),
                    "reason": reason,
                    "court_id": court_id,
                })),
                versions: versions.and_then(|v| serde_json::from_str(&v).ok()),
            });
            Ok(Decided::Recorded)
        })
    }
}
