//! What the feeds and the Statuspage-compatible JSON read besides outages and statements: when each
//! outage's statements were last added (an entry is updated when a statement is added, whenever the
//! service said it).

use super::{Db, StoreError, on_pool};
use sqlx::Row;
use std::collections::HashMap;

impl Db {
    /// For each of these outages that has statements, when the last one was attached (epoch seconds).
    pub async fn statements_added_at(
        &self,
        outage_ids: &[i64],
    ) -> Result<HashMap<i64, i64>, StoreError> {
        if outage_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // Ids are integers: a list of them is safe to write into the statement.
        let list = outage_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT outage_id, MAX(created_at) AS added FROM outage_statements \
             WHERE outage_id IN ({list}) GROUP BY outage_id"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<i64, _>("outage_id")?, r.try_get::<i64, _>("added")?)))
                .collect::<Result<HashMap<_, _>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }
}
