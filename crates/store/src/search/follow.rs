//! `search::follow`: the service's one index writer, following the case database.
//!
//! Workers on any number of machines record outcomes in the database; none of them touches a
//! tantivy index. One [`Follower`] (inside `fincase serve`) reads the filings changed after the
//! last sequence number it applied ([`Store::filings_changed_after`]; the numbers come from
//! migration 4 and increase in commit order), upserts them into its index and commits, writing
//! that sequence number into the same commit (tantivy's commit payload, one atomic write of the
//! index's `meta.json`). After a restart it resumes from the number in the index itself, so the
//! index and its position can never disagree; replaying a change replaces the filing's document
//! (delete by id, then add), so a replay is harmless.
//!
//! Must not: compute facts (it indexes what the database holds), or know about HTTP. Tantivy
//! work runs in `spawn_blocking`, never on a tokio worker thread.

use super::{CaseIndex, CaseWriter, IndexedCase, SearchError};
use crate::{FilingChange, Store, StoreError};
use fincase_core::domain::CaseFacts;
#[cfg(test)]
use fincase_core::domain::{FilingId, FilingStatus};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Errors of the follower.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    /// Reading the changes failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The index's recorded position is not one this follower wrote.
    #[error(
        "the index at {path} records {payload:?} as its position, not a follower's: remove the folder to rebuild it"
    )]
    Payload {
        /// Index directory.
        path: String,
        /// What the index's last commit recorded.
        payload: String,
    },
    /// The indexing task died (a panic inside tantivy); the follower must be reopened.
    #[error("the indexing task failed: {0}")]
    Task(String),
}

impl FollowError {
    /// True when another follower (a running `fincase serve`) holds the index: it indexes
    /// what the database records, so a second writer is not needed.
    pub fn is_locked(&self) -> bool {
        matches!(self, FollowError::Search(e) if e.is_locked())
    }
}

/// What a follower's commit records: `follow seq=N`.
const PAYLOAD_PREFIX: &str = "follow seq=";

/// The single writer of the service's search index (see the module docs).
pub struct Follower {
    store: Store,
    index: Arc<CaseIndex>,
    /// `None` only while a step runs on the blocking pool, or after that task died.
    writer: Option<CaseWriter>,
    applied: i64,
    batch: i64,
}

impl Follower {
    /// Opens (creating when absent) the index in `dir`, takes its writer lock (a second
    /// follower on the same folder fails here) and reads the position it had reached.
    pub fn open(store: Store, dir: &Path) -> Result<Follower, FollowError> {
        let index = CaseIndex::open(dir)?;
        let applied = match index.commit_payload()? {
            None => 0,
            Some(p) => p
                .strip_prefix(PAYLOAD_PREFIX)
                .and_then(|n| n.parse::<i64>().ok())
                .ok_or_else(|| FollowError::Payload {
                    path: dir.display().to_string(),
                    payload: p.clone(),
                })?,
        };
        let writer = index.writer()?;
        Ok(Follower {
            store,
            index: Arc::new(index),
            writer: Some(writer),
            applied,
            batch: 500,
        })
    }

    /// Changes read and committed per step (default 500).
    pub fn with_batch(mut self, batch: usize) -> Follower {
        self.batch = i64::try_from(batch.max(1)).unwrap_or(i64::MAX);
        self
    }

    /// The index, for searching (it sees each commit of this follower).
    pub fn index(&self) -> Arc<CaseIndex> {
        Arc::clone(&self.index)
    }

    /// The last sequence number applied and committed.
    pub fn applied_seq(&self) -> i64 {
        self.applied
    }

    /// Applies at most one batch of changes and commits it. Returns how many filings were
    /// (re)indexed: 0 when the index is up to date.
    pub async fn step(&mut self) -> Result<usize, FollowError> {
        let changes = self
            .store
            .filings_changed_after(self.applied, self.batch)
            .await?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            return Ok(0);
        };
        let n = changes.len();
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| FollowError::Task("an earlier indexing task died".into()))?;
        let (writer, done) = tokio::task::spawn_blocking(move || {
            let done = apply(&mut writer, &changes, last);
            if done.is_err() {
                // Nothing half-applied stays pending: the next step starts from `applied`.
                let _ = writer.rollback();
            }
            (writer, done)
        })
        .await
        .map_err(|e| FollowError::Task(e.to_string()))?;
        self.writer = Some(writer);
        done?;
        self.applied = last;
        Ok(n)
    }

    /// Applies every change recorded so far. Returns how many filings were (re)indexed.
    pub async fn catch_up(&mut self) -> Result<usize, FollowError> {
        let mut total = 0;
        loop {
            let n = self.step().await?;
            total += n;
            if n < usize::try_from(self.batch).unwrap_or(usize::MAX) {
                return Ok(total);
            }
        }
    }

    /// Follows the database until `shutdown` turns true: catches up, then polls every `poll`.
    /// A failure is logged and retried after a pause (doubling up to a minute); a dead
    /// indexing task ends the follower (searches keep answering from what was committed).
    pub async fn run_until(
        mut self,
        mut shutdown: tokio::sync::watch::Receiver<bool>,
        poll: Duration,
    ) {
        let mut pause = poll;
        loop {
            if *shutdown.borrow() {
                return;
            }
            match self.catch_up().await {
                Ok(n) => {
                    if n > 0 {
                        tracing::debug!(indexed = n, seq = self.applied, "search index caught up");
                    }
                    pause = poll;
                }
                Err(FollowError::Task(e)) => {
                    tracing::error!(error = %e, "search follower stopped");
                    return;
                }
                Err(e) => {
                    tracing::warn!(
                        error = %fincase_core::extract::pii::mask(&e.to_string()),
                        "search follower failed; retrying"
                    );
                    pause = (pause * 2).clamp(poll, Duration::from_secs(60));
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// Upserts `changes` and commits with `last` as the recorded position.
fn apply(writer: &mut CaseWriter, changes: &[FilingChange], last: i64) -> Result<(), SearchError> {
    for c in changes {
        writer.upsert(&indexed(c))?;
    }
    writer.commit_with_payload(&format!("{PAYLOAD_PREFIX}{last}"))
}

/// The index document of one recorded filing: the title from its facts, the draft's (or the
/// notice's) text and the reason as the body.
fn indexed(c: &FilingChange) -> IndexedCase {
    let facts: Option<CaseFacts> = c
        .facts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let title = facts
        .as_ref()
        .map_or_else(|| c.name.clone(), super::case_title);
    let body = [c.draft_text.as_deref(), c.reason.as_deref()]
        .into_iter()
        .flatten()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    IndexedCase {
        filing_id: c.id.clone(),
        org: c.org.clone(),
        court: c.court_id.clone(),
        name: c.name.clone(),
        title,
        status: c.status,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(draft_text: Option<&str>, reason: Option<&str>, facts: Option<&str>) -> FilingChange {
        FilingChange {
            seq: 1,
            id: FilingId::new("f1"),
            org: Some("bank-a".into()),
            court_id: None,
            name: "a.pdf".into(),
            status: FilingStatus::Drafted,
            reason: reason.map(str::to_owned),
            facts_json: facts.map(str::to_owned),
            draft_kind: None,
            draft_text: draft_text.map(str::to_owned),
        }
    }

    #[test]
    fn the_document_holds_draft_text_and_reason_and_a_title_from_the_facts() {
        let d = indexed(&change(Some("判决如下"), Some("复核"), None));
        assert_eq!(
            (d.body.as_str(), d.title.as_str()),
            ("判决如下\n复核", "a.pdf")
        );
        let d = indexed(&change(None, Some("扫描件"), Some("{not json")));
        assert_eq!((d.body.as_str(), d.title.as_str()), ("扫描件", "a.pdf"));
        let facts = CaseFacts {
            plaintiff: Some(fincase_core::domain::Plaintiff {
                name: "甲银行".into(),
                kind: fincase_core::domain::PlaintiffKind::Bank,
            }),
            ..CaseFacts::default()
        };
        let json = serde_json::to_string(&facts).unwrap();
        let d = indexed(&change(Some(""), None, Some(&json)));
        assert_eq!(d.body, "");
        assert!(d.title.starts_with("甲银行 诉"), "{}", d.title);
        assert_eq!(d.org.as_deref(), Some("bank-a"));
    }
}
