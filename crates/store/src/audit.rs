//! The audit log: an append-only, hash-chained record of every state change and every human
//! action (batch accepted, filing admitted or duplicate, job claimed, outcome recorded, retry,
//! permanent failure, token issued, court created, review decision…).
//!
//! Each entry holds `seq` (1, 2, 3… without gaps), the time in ms, the actor (a token's
//! `role:org:label#id`, `worker:<lease owner>` or `system`), the action, the subject id, the
//! state before and after (JSON), the versions involved (extractor/model, rules, template) and
//! `prev_hash`/`hash`, where `hash = SHA-256(prev_hash "\n" canonical)` and `canonical` is the
//! JSON array `[seq, at_ms, actor, action, subject, before_json, after_json, versions_json]` of
//! the stored texts (see [`entry_hash`]). Editing any field, deleting or reordering entries
//! breaks the chain, which [`Store::verify_audit`] finds. Deleting the newest entries can only be
//! seen against a head hash recorded elsewhere (`fincase audit verify --expect-head`).
//!
//! Appends form one chain under concurrency: an entry is written in the SAME transaction as the
//! change it records, and that transaction is serialised with every other audited one from its
//! start: `BEGIN IMMEDIATE` on SQLite (the write lock), `pg_advisory_xact_lock` on PostgreSQL
//! (taken first, before any row lock, so audited transactions cannot deadlock each other). A
//! database trigger refuses UPDATE and DELETE on `audit_log`. Large JSON (facts, outcome, draft)
//! is recorded by its SHA-256, not copied: the log proves what was stored without doubling it.
//!
//! Must not: be written outside an audited transaction, or hold unmasked text typed by people
//! beyond what the records themselves hold.

use super::{Store, StoreError, db_query};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Advisory-lock key serialising audited transactions on PostgreSQL (the migration lock is
/// 724310).
pub(crate) const AUDIT_LOCK_KEY: i64 = 724_311;

/// Who did something: a token, a worker or the system itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// The service itself (bootstrap, reaping dead jobs, command-line batches).
    pub fn system() -> Actor {
        Actor("system".into())
    }

    /// A queue worker, by its lease-owner name.
    pub fn worker(owner: &str) -> Actor {
        Actor(format!("worker:{owner}"))
    }

    /// A person or client acting through an API token: `role:org:label#<token id>` (the token
    /// id is the first 12 hex digits of the token's hash, never the token).
    pub fn token(role: &str, org: &str, label: &str, token_hash: &str) -> Actor {
        let id = token_hash.get(..12).unwrap_or(token_hash);
        Actor(format!("{role}:{org}:{label}#{id}"))
    }

    /// As recorded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One entry of the audit log, as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When (ms since the Unix epoch).
    pub at_ms: i64,
    /// Who ([`Actor`]).
    pub actor: String,
    /// What (`batch.accepted`, `filing.drafted`, `decision.approve`…).
    pub action: String,
    /// The id of what it was done to (batch, filing, court, token id).
    pub subject: String,
    /// State before (JSON), when there was one.
    pub before_json: Option<String>,
    /// State after (JSON).
    pub after_json: Option<String>,
    /// Versions involved (`model`, `rules`, `template`), JSON.
    pub versions_json: Option<String>,
    /// The previous entry's hash ([`GENESIS_HASH`] for the first).
    pub prev_hash: String,
    /// [`entry_hash`] of this entry.
    pub hash: String,
}

/// The hash of an entry: hex SHA-256 of `prev_hash`, a newline, and the canonical encoding of
/// the other fields (a JSON array; the JSON columns enter as the strings stored, so the hash
/// does not depend on how a database re-encodes JSON).
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at_ms: i64,
    actor: &str,
    action: &str,
    subject: &str,
    before_json: Option<&str>,
    after_json: Option<&str>,
    versions_json: Option<&str>,
) -> String {
    let canonical = serde_json::json!([
        seq,
        at_ms,
        actor,
        action,
        subject,
        before_json,
        after_json,
        versions_json
    ])
    .to_string();
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

impl AuditEntry {
    /// The hash this entry's content calls for.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at_ms,
            &self.actor,
            &self.action,
            &self.subject,
            self.before_json.as_deref(),
            self.after_json.as_deref(),
            self.versions_json.as_deref(),
        )
    }
}

/// What is wrong at the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditBreak {
    /// Entries are missing: `expected` was due, `found` came next (deleted entries).
    Gap {
        /// The seq that should have come.
        expected: i64,
    },
    /// `prev_hash` does not name the previous entry's hash (entries reordered or replaced).
    BadLink,
    /// The entry's content does not match its hash (edited).
    Edited,
}

impl std::fmt::Display for AuditBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuditBreak::Gap { expected } => write!(
                f,
                "entry {expected} is missing (deleted): the chain jumps over it"
            ),
            AuditBreak::BadLink => write!(
                f,
                "prev_hash does not match the previous entry's hash (entries reordered or replaced)"
            ),
            AuditBreak::Edited => write!(f, "the entry's content does not match its hash (edited)"),
        }
    }
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AuditVerification {
    /// Every entry links to the one before and matches its hash.
    Intact {
        /// Entries.
        count: i64,
        /// The last entry's hash ([`GENESIS_HASH`] when empty): record it elsewhere to detect a
        /// truncated tail later.
        head: String,
    },
    /// The first broken entry.
    Broken {
        /// Its seq (the seq found where a gap is).
        seq: i64,
        /// Why.
        problem: AuditBreak,
    },
}

/// The chain's head inside an audited transaction: the next seq, the hash to link to, and the
/// entries sealed so far, which [`audited_tx!`] writes in the same transaction once its body
/// succeeded.
pub(crate) struct Chain {
    next_seq: i64,
    prev_hash: String,
    at_ms: i64,
    sealed: Vec<AuditEntry>,
}

/// One entry to append (the chain supplies seq, time and hashes).
pub(crate) struct Pending<'a> {
    /// Who.
    pub actor: &'a Actor,
    /// What.
    pub action: &'a str,
    /// To what.
    pub subject: &'a str,
    /// Before.
    pub before: Option<serde_json::Value>,
    /// After.
    pub after: Option<serde_json::Value>,
    /// Versions.
    pub versions: Option<serde_json::Value>,
}

impl Chain {
    /// The chain after `head` (`(seq, hash)` of the last entry), stamping entries `at_ms`.
    pub(crate) fn after(head: Option<(i64, String)>, at_ms: i64) -> Chain {
        let (seq, prev_hash) = head.unwrap_or_else(|| (0, GENESIS_HASH.to_owned()));
        Chain {
            next_seq: seq + 1,
            prev_hash,
            at_ms,
            sealed: Vec::new(),
        }
    }

    /// Appends one entry to the log: sealed now, written with the transaction's other changes
    /// before it commits (nothing is written when the transaction rolls back).
    pub(crate) fn push(&mut self, p: Pending<'_>) {
        let e = self.seal(p);
        self.sealed.push(e);
    }

    /// The entries sealed since the last call, oldest first.
    pub(crate) fn take_sealed(&mut self) -> Vec<AuditEntry> {
        std::mem::take(&mut self.sealed)
    }

    /// Seals one entry (seq, hashes) and moves the head past it.
    pub(crate) fn seal(&mut self, p: Pending<'_>) -> AuditEntry {
        let text = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
        let (before_json, after_json, versions_json) =
            (text(p.before), text(p.after), text(p.versions));
        let hash = entry_hash(
            &self.prev_hash,
            self.next_seq,
            self.at_ms,
            p.actor.as_str(),
            p.action,
            p.subject,
            before_json.as_deref(),
            after_json.as_deref(),
            versions_json.as_deref(),
        );
        let e = AuditEntry {
            seq: self.next_seq,
            at_ms: self.at_ms,
            actor: p.actor.as_str().to_owned(),
            action: p.action.to_owned(),
            subject: p.subject.to_owned(),
            before_json,
            after_json,
            versions_json,
            prev_hash: std::mem::replace(&mut self.prev_hash, hash.clone()),
            hash,
        };
        self.next_seq += 1;
        e
    }
}

/// Opens an audited transaction on SQLite: `BEGIN IMMEDIATE` takes the write lock at once, so
/// audited transactions run one after another from their start (a plain `BEGIN` would take it
/// at the first write and could fail with `SQLITE_BUSY` half-way).
pub(crate) async fn begin_sqlite(
    pool: &sqlx::SqlitePool,
) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Opens an audited transaction on PostgreSQL: the advisory lock [`AUDIT_LOCK_KEY`] first,
/// before any row lock, so audited transactions are serialised and cannot deadlock each other.
pub(crate) async fn begin_pg(
    pool: &sqlx::PgPool,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

/// Runs `$body` in one audited transaction on either backend (opened by [`begin_sqlite`] or
/// [`begin_pg`]), with `$chain` at the log's head. `$body` uses `tx_query!($pg, $tx, …)` and
/// `$chain.push(Pending {…})`, and evaluates to `Result<T, StoreError>` (an early `return` is
/// fine). On `Ok` the pushed entries are written and the transaction commits: the state change
/// and its entries together; on `Err` it rolls back and nothing is written.
macro_rules! audited_tx {
    ($db:expr, $now:expr, |$tx:ident, $pg:ident, $chain:ident| $body:block) => {
        $crate::tx_on!(
            $db,
            $crate::audit::begin_sqlite,
            $crate::audit::begin_pg,
            |$tx, $pg| {
                let mut $chain = $crate::audit::head_in_tx!($pg, $tx, $now);
                let r: Result<_, $crate::StoreError> = async { $body }.await;
                let v = r?;
                for e in $chain.take_sealed() {
                    $crate::audit::insert_entry!($pg, $tx, e)?;
                }
                Ok(v)
            }
        )
    };
}
pub(crate) use audited_tx;

/// The log's head inside a transaction, as a [`Chain`] stamping entries `$now`.
macro_rules! head_in_tx {
    ($pg:expr, $tx:expr, $now:expr) => {{
        let head = $crate::tx_query!(
            $pg,
            $tx,
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            fetch_optional
        )?
        .map(|r| {
            (
                sqlx::Row::get::<i64, _>(&r, "seq"),
                sqlx::Row::get::<String, _>(&r, "hash"),
            )
        });
        $crate::audit::Chain::after(head, $now)
    }};
}
pub(crate) use head_in_tx;

/// Writes one sealed entry inside an [`audited_tx!`]; evaluates to `Result<_, sqlx::Error>`.
macro_rules! insert_entry {
    ($pg:expr, $tx:expr, $e:expr) => {{
        let e: $crate::AuditEntry = $e;
        $crate::tx_query!(
            $pg,
            $tx,
            "INSERT INTO audit_log (seq, at_ms, actor, action, subject, before_json,
                                    after_json, versions_json, prev_hash, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                e.seq,
                e.at_ms,
                &e.actor,
                &e.action,
                &e.subject,
                &e.before_json,
                &e.after_json,
                &e.versions_json,
                &e.prev_hash,
                &e.hash
            ],
            execute
        )
    }};
}
pub(crate) use insert_entry;

/// Hex SHA-256 of a stored text (large JSON enters the log by digest).
pub(crate) fn digest(text: Option<&str>) -> Option<String> {
    text.map(|t| fincase_core::domain::sha256_hex(t.as_bytes()))
}

macro_rules! entry_from_row {
    ($r:expr) => {
        AuditEntry {
            seq: $r.get("seq"),
            at_ms: $r.get("at_ms"),
            actor: $r.get("actor"),
            action: $r.get("action"),
            subject: $r.get("subject"),
            before_json: $r.get("before_json"),
            after_json: $r.get("after_json"),
            versions_json: $r.get("versions_json"),
            prev_hash: $r.get("prev_hash"),
            hash: $r.get("hash"),
        }
    };
}

impl Store {
    /// Up to `limit` entries after `after_seq`, oldest first.
    pub async fn audit_entries(
        &self,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT seq, at_ms, actor, action, subject, before_json, after_json, versions_json,
                    prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            [after_seq, limit.clamp(1, 10_000)],
            fetch_all,
            |rows| rows.iter().map(|r| entry_from_row!(r)).collect::<Vec<_>>()
        )?)
    }

    /// The entries about one subject (a filing's history), oldest first.
    pub async fn audit_of(&self, subject: &str) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT seq, at_ms, actor, action, subject, before_json, after_json, versions_json,
                    prev_hash, hash FROM audit_log WHERE subject = ? ORDER BY seq",
            [subject],
            fetch_all,
            |rows| rows.iter().map(|r| entry_from_row!(r)).collect::<Vec<_>>()
        )?)
    }

    /// True when an entry with this hash is in the log (a head recorded earlier is still
    /// there).
    pub async fn audit_holds(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT seq FROM audit_log WHERE hash = ? LIMIT 1",
            [hash],
            fetch_optional,
            |row| row.is_some()
        )?)
    }

    /// Walks the whole chain, a page at a time, and reports the first broken entry: a gap in
    /// `seq` (deleted entries), a `prev_hash` that does not name the previous entry's hash
    /// (reordered or replaced entries), or content that does not match its hash (edited).
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        const PAGE: i64 = 2_000;
        let (mut last_seq, mut last_hash, mut count) = (0i64, GENESIS_HASH.to_owned(), 0i64);
        loop {
            let page = self.audit_entries(last_seq, PAGE).await?;
            let n = page.len();
            for e in page {
                let problem = if e.seq != last_seq + 1 {
                    Some(AuditBreak::Gap {
                        expected: last_seq + 1,
                    })
                } else if e.prev_hash != last_hash {
                    Some(AuditBreak::BadLink)
                } else if e.expected_hash() != e.hash {
                    Some(AuditBreak::Edited)
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Ok(AuditVerification::Broken {
                        seq: e.seq,
                        problem,
                    });
                }
                (last_seq, last_hash) = (e.seq, e.hash);
                count += 1;
            }
            if (n as i64) < PAGE {
                break;
            }
        }
        Ok(AuditVerification::Intact {
            count,
            head: last_hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(n: usize) -> Vec<AuditEntry> {
        let actor = Actor::system();
        let mut chain = Chain::after(None, 1_700_000_000_000);
        (0..n)
            .map(|i| {
                chain.seal(Pending {
                    actor: &actor,
                    action: "test.step",
                    subject: "s",
                    before: None,
                    after: Some(serde_json::json!({ "i": i })),
                    versions: None,
                })
            })
            .collect()
    }

    #[test]
    fn entries_link_and_hash_their_content() {
        let es = sealed(3);
        assert_eq!(es[0].prev_hash, GENESIS_HASH);
        assert_eq!(es[0].seq, 1);
        for w in es.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
            assert_eq!(w[1].seq, w[0].seq + 1);
        }
        for e in &es {
            assert_eq!(e.expected_hash(), e.hash);
        }
        let mut edited = es[1].clone();
        edited.after_json = Some("{\"i\":7}".into());
        assert_ne!(edited.expected_hash(), edited.hash);
    }

    #[test]
    fn encoding_is_unambiguous() {
        // Moving text from one field to the next changes the hash.
        let a = entry_hash(GENESIS_HASH, 1, 0, "ab", "c", "d", None, None, None);
        let b = entry_hash(GENESIS_HASH, 1, 0, "a", "bc", "d", None, None, None);
        let c = entry_hash(GENESIS_HASH, 1, 0, "ab", "c", "d", Some("null"), None, None);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn actors_never_hold_the_token() {
        let a = Actor::token("judge", "court-1", "张法官", &"ab".repeat(32));
        assert_eq!(a.as_str(), "judge:court-1:张法官#abababababab");
        assert_eq!(Actor::worker("h/1/0/x").as_str(), "worker:h/1/0/x");
    }
}
