//! Webhook subscriptions and the durable queue of their deliveries (`webhook_subscriptions`,
//! `webhook_deliveries`; see `webhooks/` for what they mean). URLs and secrets are read here and
//! handed to the worker; nothing in this module logs them.

use super::{Db, StoreError, on_pool};
use sqlx::Row;

/// A subscription as stored.
#[derive(Clone)]
pub struct Subscription {
    pub id: String,
    /// As stored: sealed when there is a key (see `webhooks/seal.rs`).
    pub url: String,
    pub url_digest: String,
    pub host: String,
    /// As stored: sealed when there is a key.
    pub secret: String,
    pub format: String,
    pub service: Option<String>,
    pub country: Option<String>,
    pub events: i32,
    pub state: String,
    pub confirm_token: Option<String>,
    pub confirm_attempts: i32,
    pub disabled_reason: Option<String>,
    pub created_at: i64,
}

impl std::fmt::Debug for Subscription {
    /// Without the URL and the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("host", &self.host)
            .field("format", &self.format)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// The first delivery a new subscription gets (the challenge, or the Slack code).
pub struct FirstDelivery {
    pub delivery_id: String,
    pub kind: &'static str,
    pub body: String,
    pub now_ms: i64,
}

/// A delivery a node has claimed, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    pub delivery_id: String,
    pub subscription_id: String,
    pub kind: String,
    pub outage_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub body: Option<String>,
    pub attempts: i32,
    pub enqueued_ms: i64,
}

/// An event to fan out to the active subscriptions that want it.
pub struct Fanout<'a> {
    pub event_id: &'a str,
    pub kind: &'a str,
    pub bit: i32,
    pub outage_id: i64,
    pub reason: Option<&'a str>,
    pub created_at: i64,
    pub service: &'a str,
    pub countries: &'a [String],
    pub now_ms: i64,
}

const SUBSCRIPTION_COLUMNS: &str = "id, url, url_digest, host, secret, format, service, country, events, state, \
     confirm_token, confirm_attempts, disabled_reason, created_at";

fn subscription_from_row<R: Row>(row: &R) -> Result<Subscription, sqlx::Error>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Subscription {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        url_digest: row.try_get("url_digest")?,
        host: row.try_get("host")?,
        secret: row.try_get("secret")?,
        format: row.try_get("format")?,
        service: row.try_get("service")?,
        country: row.try_get("country")?,
        events: row.try_get("events")?,
        state: row.try_get("state")?,
        confirm_token: row.try_get("confirm_token")?,
        confirm_attempts: row.try_get("confirm_attempts")?,
        disabled_reason: row.try_get("disabled_reason")?,
        created_at: row.try_get("created_at")?,
    })
}

fn claimed_from_row<R: Row>(row: &R) -> Result<Claimed, sqlx::Error>
where
    for<'r> &'r str: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(Claimed {
        id: row.try_get("id")?,
        delivery_id: row.try_get("delivery_id")?,
        subscription_id: row.try_get("subscription_id")?,
        kind: row.try_get("kind")?,
        outage_id: row.try_get("outage_id")?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        body: row.try_get("body")?,
        attempts: row.try_get("attempts")?,
        enqueued_ms: row.try_get("enqueued_ms")?,
    })
}

/// The deliveries a node may take now: due, unclaimed (or their claim lapsed), and each the oldest
/// pending one of its subscription (events of one subscription go out in order).
const CLAIMABLE: &str = "SELECT d.id FROM webhook_deliveries d \
     WHERE d.state = 'pending' AND d.next_attempt_ms <= $2 AND d.claimed_until_ms <= $2 \
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.subscription_id = d.subscription_id \
                     AND e.state = 'pending' AND e.id < d.id) \
     ORDER BY d.id LIMIT $3";

const CLAIMED_COLUMNS: &str = "id, delivery_id, subscription_id, kind, outage_id, reason, created_at, body, attempts, enqueued_ms";

impl Db {
    /// Live (not disabled) subscriptions to exactly this URL (by its digest), and to any URL on
    /// this host.
    pub async fn webhook_counts(
        &self,
        url_digest: &str,
        host: &str,
    ) -> Result<(i64, i64), StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT COALESCE(SUM(CASE WHEN url_digest = $1 THEN 1 ELSE 0 END), 0) AS same_url, \
                 COUNT(*) AS same_host FROM webhook_subscriptions \
                 WHERE host = $2 AND state <> 'disabled'",
            )
            .bind(url_digest)
            .bind(host)
            .fetch_one(p)
            .await?;
            Ok((row.try_get::<i64, _>("same_url")?, row.try_get::<i64, _>("same_host")?))
        })
    }

    /// Stores a new (pending) subscription with its first delivery, in one transaction.
    pub async fn insert_webhook_subscription(
        &self,
        s: &Subscription,
        first: &FirstDelivery,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO webhook_subscriptions (id, url, url_digest, host, secret, format, service, \
                 country, events, state, confirm_token, confirm_attempts, created_at, updated_at) \
                 VALUES ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11)",
            )
            .bind(&s.id)
            .bind(&s.url)
            .bind(&s.host)
            .bind(&s.secret)
            .bind(&s.format)
            .bind(&s.service)
            .bind(&s.country)
            .bind(s.events)
            .bind(&s.state)
            .bind(&s.confirm_token)
            .bind(s.created_at)
            .bind(&s.url_digest)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO webhook_deliveries (delivery_id, subscription_id, kind, created_at, body, \
                 enqueued_ms, next_attempt_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(&first.delivery_id)
            .bind(&s.id)
            .bind(first.kind)
            .bind(s.created_at)
            .bind(&first.body)
            .bind(first.now_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn webhook_subscription(&self, id: &str) -> Result<Option<Subscription>, StoreError> {
        on_pool!(self, p => {
            let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscriptions WHERE id = $1");
            let row = sqlx::query(&sql).bind(id).fetch_optional(p).await?;
            Ok(match row {
                Some(row) => Some(subscription_from_row(&row)?),
                None => None,
            })
        })
    }

    /// Deletes a subscription and its queue.
    pub async fn delete_webhook_subscription(&self, id: &str) -> Result<(), StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM webhook_deliveries WHERE subscription_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM webhook_subscriptions WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Counts a wrong confirmation code; returns the attempts so far.
    pub async fn webhook_confirm_attempt(&self, id: &str, now: i64) -> Result<i32, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "UPDATE webhook_subscriptions SET confirm_attempts = confirm_attempts + 1, updated_at = $2 \
                 WHERE id = $1 RETURNING confirm_attempts",
            )
            .bind(id)
            .bind(now)
            .fetch_one(p)
            .await?;
            Ok(row.try_get::<i32, _>("confirm_attempts")?)
        })
    }

    /// A pending subscription becomes active (events are queued for it from now on).
    pub async fn activate_webhook_subscription(
        &self,
        id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        on_pool!(self, p => {
            let done = sqlx::query(
                "UPDATE webhook_subscriptions SET state = 'active', confirm_token = NULL, updated_at = $2 \
                 WHERE id = $1 AND state = 'pending'",
            )
            .bind(id)
            .bind(now)
            .execute(p)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Disables a subscription with the reason kept; its pending deliveries fail with it.
    pub async fn disable_webhook_subscription(
        &self,
        id: &str,
        reason: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE webhook_subscriptions SET state = 'disabled', disabled_reason = $2, updated_at = $3 \
                 WHERE id = $1",
            )
            .bind(id)
            .bind(reason)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE webhook_deliveries SET state = 'failed', last_error = $2 \
                 WHERE subscription_id = $1 AND state = 'pending'",
            )
            .bind(id)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Queues one delivery of an event for every active subscription to its service or to one of
    /// its countries that wants this kind of event. One statement; returns how many were queued.
    pub async fn fan_out_webhook_event(&self, e: &Fanout<'_>) -> Result<u64, StoreError> {
        let countries: String = (0..e.countries.len())
            .map(|i| format!(" OR country = ${}", i + 9))
            .collect();
        let sql = format!(
            "INSERT INTO webhook_deliveries (delivery_id, subscription_id, kind, outage_id, reason, \
             created_at, enqueued_ms, next_attempt_ms) \
             SELECT $1 || '.' || id, id, $2, $3, $4, $5, $6, $6 FROM webhook_subscriptions \
             WHERE state = 'active' AND (events & $7) <> 0 AND (service = $8{countries})"
        );
        on_pool!(self, p => {
            let mut q = sqlx::query(&sql)
                .bind(e.event_id)
                .bind(e.kind)
                .bind(e.outage_id)
                .bind(e.reason)
                .bind(e.created_at)
                .bind(e.now_ms)
                .bind(e.bit)
                .bind(e.service);
            for c in e.countries {
                q = q.bind(c);
            }
            Ok(q.execute(p).await?.rows_affected())
        })
    }

    /// Claims up to `limit` deliveries due at `now_ms` until `until_ms`: no other node takes them
    /// meanwhile (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time).
    pub async fn claim_webhook_deliveries(
        &self,
        now_ms: i64,
        until_ms: i64,
        limit: i64,
    ) -> Result<Vec<Claimed>, StoreError> {
        let lock = match self {
            Db::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Db::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET claimed_until_ms = $1 WHERE id IN ({CLAIMABLE}{lock}) \
             RETURNING {CLAIMED_COLUMNS}"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql)
                .bind(until_ms)
                .bind(now_ms)
                .bind(limit)
                .fetch_all(p)
                .await?;
            let mut claimed = rows.iter().map(claimed_from_row).collect::<Result<Vec<_>, _>>()?;
            claimed.sort_by_key(|c| c.id);
            Ok(claimed)
        })
    }

    /// Keeps the body of a delivery's first attempt, so that retries send the same bytes.
    pub async fn set_webhook_body(&self, id: i64, body: &str) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query("UPDATE webhook_deliveries SET body = $2 WHERE id = $1 AND body IS NULL")
                .bind(id)
                .bind(body)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    pub async fn webhook_delivered(
        &self,
        id: i64,
        attempts: i32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "UPDATE webhook_deliveries SET state = 'delivered', attempts = $2, delivered_ms = $3, \
                 claimed_until_ms = 0, last_error = NULL WHERE id = $1",
            )
            .bind(id)
            .bind(attempts)
            .bind(now_ms)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// A failed attempt, tried again at `next_ms`.
    pub async fn webhook_retry(
        &self,
        id: i64,
        attempts: i32,
        next_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query(
                "UPDATE webhook_deliveries SET attempts = $2, next_attempt_ms = $3, claimed_until_ms = 0, \
                 last_error = $4 WHERE id = $1",
            )
            .bind(id)
            .bind(attempts)
            .bind(next_ms)
            .bind(error)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Deliveries waiting (pending), for the queue-depth gauge.
    pub async fn webhook_queue_depth(&self) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state = 'pending'")
                .fetch_one(p)
                .await?;
            Ok(row.try_get::<i64, _>("n")?)
        })
    }

    /// Forgets finished deliveries (delivered or failed) queued before `before_ms`; pending ones
    /// and the subscriptions (with their reasons) stay.
    pub async fn prune_webhook_deliveries(&self, before_ms: i64) -> Result<u64, StoreError> {
        on_pool!(self, p => {
            let done = sqlx::query(
                "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND enqueued_ms < $1",
            )
            .bind(before_ms)
            .execute(p)
            .await?;
            Ok(done.rows_affected())
        })
    }
}
