//! What becomes of a service's live rows when the catalog stops listing it (issue 14 §7): its open
//! outages are closed, saying why, and subscriptions to it are retired. Its history stays.

use super::{ClosedBy, Db, StoreError, StoredOutage, on_pool};
use sqlx::Row;

/// Why a subscription to a removed service was disabled, as `GET /api/v1/subscriptions/{id}` shows.
pub const UNLISTED_SUBSCRIPTION: &str =
    "the service was removed from downtally's catalog: no further events will come";

impl Db {
    /// Closes at `now` every open outage of a service the catalog no longer lists (`closed_by`
    /// 'unlisted'); returns them as closed. Idempotent: a second call finds none.
    pub async fn close_outages_of_unlisted(
        &self,
        now: i64,
    ) -> Result<Vec<StoredOutage>, StoreError> {
        let ids: Vec<i64> = on_pool!(self, p => {
            sqlx::query(
                "UPDATE outages SET ended_at = $1, closed_by = $2, updated_at = $1 \
                 WHERE ended_at IS NULL AND service IN (SELECT slug FROM services WHERE listed = FALSE) \
                 RETURNING id",
            )
            .bind(now)
            .bind(ClosedBy::Unlisted.as_str())
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?
        });
        let mut closed = Vec::with_capacity(ids.len());
        for id in ids {
            closed.extend(self.outage(id).await?);
        }
        Ok(closed)
    }

    /// Disables the live (pending or active) subscriptions to a service the catalog no longer lists,
    /// with [`UNLISTED_SUBSCRIPTION`] as the reason; deliveries already queued (the closing of its
    /// outages) still go out. Returns how many were disabled.
    pub async fn retire_subscriptions_of_unlisted(&self, now: i64) -> Result<u64, StoreError> {
        on_pool!(self, p => {
            let done = sqlx::query(
                "UPDATE webhook_subscriptions SET state = 'disabled', disabled_reason = $1, updated_at = $2 \
                 WHERE state <> 'disabled' AND service IN (SELECT slug FROM services WHERE listed = FALSE)",
            )
            .bind(UNLISTED_SUBSCRIPTION)
            .bind(now)
            .execute(p)
            .await?;
            Ok(done.rows_affected())
        })
    }
}
