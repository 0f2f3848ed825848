//! Courts that filings are assigned to, matched by the normalised name the complaint's 此致
//! line gives.

use super::audit::{Actor, Pending, audited_tx};
use super::{Store, StoreError, db_query, now_ms, tx_query};
use fincase_core::domain::{BatchId, CourtId};
use sqlx::Row;

/// A court filings are assigned to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Court {
    /// Court id (uuid v4).
    pub id: CourtId,
    /// Its full name as filings address it (此致 杭州市西湖区人民法院).
    pub name: String,
}

/// A court name as matched: whitespace (ASCII and full-width) removed.
pub fn normalize_court_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Store {
    /// Creates a court (its name normalised by [`normalize_court_name`]) and assigns it the
    /// filings already recorded that address it but had no court, all audited by `actor`
    /// (`court.created`, then `filing.court_assigned` per filing). `None` when a court of that
    /// name exists.
    pub async fn create_court(
        &self,
        name: &str,
        actor: &Actor,
    ) -> Result<Option<Court>, StoreError> {
        let now = now_ms();
        let court = Court {
            id: CourtId::new(uuid::Uuid::new_v4().to_string()),
            name: normalize_court_name(name),
        };
        audited_tx!(&self.db, now, |tx, pg, chain| {
            let n = tx_query!(
                pg,
                tx,
                "INSERT INTO courts (id, name, created_ms) VALUES (?, ?, ?)
                 ON CONFLICT (name) DO NOTHING",
                [court.id.as_str(), &court.name, now],
                execute
            )?
            .rows_affected();
            if n == 0 {
                return Ok(None);
            }
            chain.push(Pending {
                actor,
                action: "court.created",
                subject: court.id.as_str(),
                before: None,
                after: Some(serde_json::json!({ "name": court.name })),
                versions: None,
            });
            let assigned: Vec<String> = tx_query!(
                pg,
                tx,
                "UPDATE filings SET court_id = ? WHERE court_id IS NULL AND court_name = ?
                 RETURNING id",
                [court.id.as_str(), &court.name],
                fetch_all
            )?
            .iter()
            .map(|r| r.get("id"))
            .collect();
            for id in &assigned {
                chain.push(Pending {
                    actor,
                    action: "filing.court_assigned",
                    subject: id,
                    before: Some(serde_json::json!({ "court_id": null })),
                    after: Some(serde_json::json!({ "court_id": court.id })),
                    versions: None,
                });
            }
            Ok(Some(court.clone()))
        })
    }

    /// The courts a batch's filings address (names as recorded, normalised), each with how
    /// many of the batch's filings address it, most first (then by name).
    pub async fn courts_addressed_by(
        &self,
        batch: &BatchId,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT court_name, COUNT(*) AS n FROM filings
             WHERE batch_id = ? AND court_name IS NOT NULL
             GROUP BY court_name ORDER BY n DESC, court_name",
            [batch.as_str()],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get::<String, _>("court_name"), r.get::<i64, _>("n")))
                .collect::<Vec<_>>()
        )?)
    }

    /// Every court, by name.
    pub async fn courts(&self) -> Result<Vec<Court>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, name FROM courts ORDER BY name",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| Court {
                    id: r.get::<String, _>("id").into(),
                    name: r.get("name"),
                })
                .collect::<Vec<_>>()
        )?)
    }

    /// One court by id.
    pub async fn court(&self, id: &CourtId) -> Result<Option<Court>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, name FROM courts WHERE id = ?",
            [id.as_str()],
            fetch_optional,
            |row| row.map(|r| Court {
                id: r.get::<String, _>("id").into(),
                name: r.get("name"),
            })
        )?)
    }
}
