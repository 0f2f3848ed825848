//! The archive of decided cases (`archive_cases`): imported judgments and approved filings,
//! each with its facts, legal elements and decision, for similar-case retrieval. The rows are
//! the system of record; the archive's tantivy index (`search::archive`) is derived from them.

use super::{Store, StoreError, db_query, in_tx, now_ms, tx_query};
use fincase_core::similar::archive::ArchivedCase;
use sqlx::Row;

impl Store {
    /// Adds or replaces archived cases (by id) in one transaction; returns how many.
    pub async fn archive_put(&self, cases: &[ArchivedCase]) -> Result<usize, StoreError> {
        let now = now_ms();
        let rows: Vec<(String, String)> = cases
            .iter()
            .map(|c| {
                Ok((
                    serde_json::to_string(&c.elements)?,
                    serde_json::to_string(&c.decision)?,
                ))
            })
            .collect::<Result<_, serde_json::Error>>()
            .map_err(|e| StoreError::Corrupt(format!("archive record: {e}")))?;
        in_tx!(&self.db, |tx, pg| {
            for (c, (elements, decision)) in cases.iter().zip(&rows) {
                tx_query!(
                    pg,
                    tx,
                    "INSERT INTO archive_cases
                        (id, source, title, facts, elements_json, decision_json, added_ms)
                     VALUES (?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (id) DO UPDATE SET source = excluded.source,
                        title = excluded.title, facts = excluded.facts,
                        elements_json = excluded.elements_json,
                        decision_json = excluded.decision_json, added_ms = excluded.added_ms",
                    [
                        &c.id, &c.source, &c.title, &c.facts, elements, decision, now
                    ],
                    execute
                )?;
            }
            Ok(cases.len())
        })
    }

    /// The archived cases with these ids, in the order asked (unknown ids are skipped).
    pub async fn archive_get(&self, ids: &[String]) -> Result<Vec<ArchivedCase>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row = db_query!(
                &self.db,
                "SELECT id, source, title, facts, elements_json, decision_json
                 FROM archive_cases WHERE id = ?",
                [id.as_str()],
                fetch_optional,
                |r| r.map(|r| {
                    [
                        r.get::<String, _>("id"),
                        r.get("source"),
                        r.get("title"),
                        r.get("facts"),
                        r.get("elements_json"),
                        r.get("decision_json"),
                    ]
                })
            )?;
            let Some([id, source, title, facts, elements, decision]) = row else {
                continue;
            };
            let corrupt = |col: &str, e: serde_json::Error| {
                StoreError::Corrupt(format!("archive case {id}, {col}: {e}"))
            };
            let elements = serde_json::from_str(&elements).map_err(|e| corrupt("elements", e))?;
            let decision = serde_json::from_str(&decision).map_err(|e| corrupt("decision", e))?;
            out.push(ArchivedCase {
                id,
                source,
                title,
                facts,
                elements,
                decision,
            });
        }
        Ok(out)
    }

    /// Every archived case's id and facts, by id (to rebuild the archive's index).
    pub async fn archive_facts(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT id, facts FROM archive_cases ORDER BY id",
            [],
            fetch_all,
            |rows| rows
                .iter()
                .map(|r| (r.get::<String, _>("id"), r.get::<String, _>("facts")))
                .collect::<Vec<_>>()
        )?)
    }

    /// Number of archived cases.
    pub async fn archive_count(&self) -> Result<i64, StoreError> {
        Ok(db_query!(
            &self.db,
            "SELECT COUNT(*) AS n FROM archive_cases",
            [],
            fetch_one,
            |r| r.get::<i64, _>("n")
        )?)
    }
}
