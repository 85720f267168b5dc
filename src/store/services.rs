use super::{Db, StoreError, on_pool};
use crate::catalog::{Catalog, RemovedService};

impl Db {
    /// Makes the `services` table match the catalog: upserts every service and marks the ones the
    /// catalog no longer lists. Idempotent; runs at every start.
    pub async fn sync_catalog(&self, catalog: &Catalog, now: i64) -> Result<(), StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            for s in catalog.services() {
                sqlx::query(
                    "INSERT INTO services (slug, name, countries, category, website, status_page, listed, synced_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) \
                     ON CONFLICT (slug) DO UPDATE SET name = excluded.name, countries = excluded.countries, \
                     category = excluded.category, website = excluded.website, \
                     status_page = excluded.status_page, listed = TRUE, synced_at = excluded.synced_at",
                )
                .bind(s.slug.as_str())
                .bind(&s.name)
                .bind(s.countries.join(","))
                .bind(s.category.code())
                .bind(&s.website)
                .bind(s.status_page.as_deref())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE services SET listed = FALSE WHERE synced_at < $1")
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}

impl Db {
    /// The services SQL holds that the last synced catalog no longer lists, by slug: their history
    /// stays, their pages answer 410 Gone.
    pub async fn removed_services(
        &self,
    ) -> Result<std::collections::HashMap<String, RemovedService>, StoreError> {
        let rows: Vec<(String, String, String)> = on_pool!(self, p => {
            sqlx::query_as("SELECT slug, name, countries FROM services WHERE listed = FALSE")
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(slug, name, countries)| {
                // Stored comma-separated, main country first.
                let country = countries.split(',').next().unwrap_or("").trim().to_owned();
                (slug, RemovedService { name, country })
            })
            .collect())
    }
}
