//! The archive of decided cases (`archive_cases`): imported judgments and approved filings,
//! each with its facts, legal elements and decision, for similar-case retrieval. The rows are
//! the system of record; the archive's tantivy index (`search::archive`) is derived from them.

use super::{Store, StoreError, db_query, in_tx, now_ms, tx_query};
use fincase_core::similar::CaseElements;
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

    /// `cols` of the archived cases with these ids (one query; at most 1,000 ids), as text,
    /// keyed by id.
    async fn archive_rows(
        &self,
        ids: &[String],
        cols: &[&str],
    ) -> Result<std::collections::HashMap<String, Vec<String>>, StoreError> {
        let mut out = std::collections::HashMap::new();
        for chunk in ids.chunks(1_000) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT id, {} FROM archive_cases WHERE id IN ({marks})",
                cols.join(", ")
            );
            let read = |get: &dyn Fn(&str) -> String| -> (String, Vec<String>) {
                (get("id"), cols.iter().map(|c| get(c)).collect())
            };
            // One arm per backend (the row types differ), written once.
            macro_rules! fetch {
                ($pool:expr, $sql:expr) => {{
                    let mut q = sqlx::query($sql);
                    for id in chunk {
                        q = q.bind(id);
                    }
                    for r in q.fetch_all($pool).await? {
                        let (id, v) = read(&|c| r.get::<String, _>(c));
                        out.insert(id, v);
                    }
                }};
            }
            match &self.db {
                super::Db::Sqlite(p) => fetch!(p, &sql),
                super::Db::Postgres(p) => {
                    let sql = super::pg_sql(&sql);
                    fetch!(p, &sql)
                }
            }
        }
        Ok(out)
    }

    /// The legal elements of the archived cases with these ids, in the order asked (unknown
    /// ids are skipped): what re-ranking candidates needs, without their texts.
    pub async fn archive_elements(
        &self,
        ids: &[String],
    ) -> Result<Vec<(String, CaseElements)>, StoreError> {
        let mut rows = self.archive_rows(ids, &["elements_json"]).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(mut v) = rows.remove(id) else {
                continue;
            };
            let e = serde_json::from_str(&v.swap_remove(0))
                .map_err(|e| StoreError::Corrupt(format!("archive case {id}, elements: {e}")))?;
            out.push((id.clone(), e));
        }
        Ok(out)
    }

    /// The archived cases with these ids, in the order asked (unknown ids are skipped).
    pub async fn archive_get(&self, ids: &[String]) -> Result<Vec<ArchivedCase>, StoreError> {
        let mut rows = self
            .archive_rows(
                ids,
                &["source", "title", "facts", "elements_json", "decision_json"],
            )
            .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(v) = rows.remove(id) else { continue };
            let Ok([source, title, facts, elements, decision]) = <[String; 5]>::try_from(v) else {
                continue;
            };
            let corrupt = |col: &str, e: serde_json::Error| {
                StoreError::Corrupt(format!("archive case {id}, {col}: {e}"))
            };
            let elements = serde_json::from_str(&elements).map_err(|e| corrupt("elements", e))?;
            let decision = serde_json::from_str(&decision).map_err(|e| corrupt("decision", e))?;
            out.push(ArchivedCase {
                id: id.clone(),
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
