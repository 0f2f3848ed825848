//! API tokens: only a token's SHA-256 is stored, with its organisation, role and court.
//!
//! Deciding what a role may do is `http`'s job (`auth::authorize`); this module only keeps the
//! records.

use super::audit::{Actor, Pending, audited_tx};
use super::{Store, StoreError, db_query, now_ms, tx_query};
use fincase_core::domain::CourtId;
use sqlx::Row;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A bank (or other filer): submits batches, sees only its own organisation's records.
    Bank,
    /// A judge of one court: sees that court's filings, decides on their drafts.
    Judge,
    /// The data team: aggregates and masked facts only (no drafts, no originals).
    Analyst,
    /// Operators: tokens, courts, configuration; sees everything.
    Admin,
}

impl Role {
    /// The role as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Bank => "bank",
            Role::Judge => "judge",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    /// Parses a stored role.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "bank" => Some(Role::Bank),
            "judge" => Some(Role::Judge),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An API token as stored: only its SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// The organisation the token acts for.
    pub org: String,
    /// What it may do.
    pub role: Role,
    /// A human label ("XX银行 批量立案").
    pub label: String,
    /// The court a judge token belongs to (`None` for the other roles).
    pub court_id: Option<CourtId>,
}

impl Store {
    /// Stores a token's hash with its organisation and role (replacing an earlier one),
    /// audited as done by the system (bootstrap, command line).
    pub async fn put_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        self.put_token_as(t, &Actor::system()).await
    }

    /// [`Store::put_token`] by `actor` (an admin's token): the token and its audit entry
    /// (`token.created`, subject the first 12 hex digits of the hash) in one transaction.
    pub async fn put_token_as(&self, t: &TokenRecord, actor: &Actor) -> Result<(), StoreError> {
        let now = now_ms();
        let token_id = t.token_hash.get(..12).unwrap_or(&t.token_hash).to_owned();
        audited_tx!(&self.db, now, |tx, pg, chain| {
            tx_query!(
                pg,
                tx,
                "INSERT INTO api_tokens (token_hash, org, role, label, created_ms, court_id)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (token_hash) DO UPDATE SET org = excluded.org,
                     role = excluded.role, label = excluded.label, court_id = excluded.court_id",
                [
                    &t.token_hash,
                    &t.org,
                    t.role.as_str(),
                    &t.label,
                    now,
                    t.court_id.as_ref().map(CourtId::as_str)
                ],
                execute
            )?;
            chain.push(Pending {
                actor,
                action: "token.created",
                subject: &token_id,
                before: None,
                after: Some(serde_json::json!({
                    "org": t.org,
                    "role": t.role.as_str(),
                    "label": t.label,
                    "court_id": t.court_id,
                })),
                versions: None,
            });
            Ok(())
        })
    }

    /// The token with this hash.
    pub async fn token(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = db_query!(
            &self.db,
            "SELECT token_hash, org, role, label, court_id FROM api_tokens WHERE token_hash = ?",
            [token_hash],
            fetch_optional,
            |row| row.map(|r| {
                (
                    r.get::<String, _>("token_hash"),
                    r.get::<String, _>("org"),
                    r.get::<String, _>("role"),
                    r.get::<String, _>("label"),
                    r.get::<Option<String>, _>("court_id"),
                )
            })
        )?;
        Ok(row.and_then(|(token_hash, org, role, label, court_id)| {
            Some(TokenRecord {
                token_hash,
                org,
                role: Role::parse(&role)?,
                label,
                court_id: court_id.map(CourtId::new),
            })
        }))
    }
}
