//! What admins write: official statements on outages, the record of their actions, and failed
//! logins (per network, to refuse guessing).

use super::{Db, StoreError, on_pool};
use crate::domain::NetworkKey;
use sqlx::Row;

/// A service's own words about an outage, as an admin attached them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: i64,
    pub outage_id: i64,
    pub body: String,
    /// Where the service said it (its status page, a post), `http(s)://…`.
    pub link: Option<String>,
    /// When the service said it.
    pub stated_at: i64,
    /// The label of the admin token that attached it.
    pub label: String,
    /// When it was attached (epoch seconds; set by the store, ignored on insert like `id`).
    pub added_at: i64,
}

/// One admin action: which token's label did what to what, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminAction {
    pub label: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub created_at: i64,
}

/// Inserts `$action` (an [`AdminAction`]) into `admin_actions` through `$exec` (a pool or an open
/// transaction), so that an action and its record commit together.
macro_rules! insert_action {
    ($exec:expr, $action:expr) => {
        sqlx::query(
            "INSERT INTO admin_actions (label, action, target, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&$action.label)
        .bind(&$action.action)
        .bind(&$action.target)
        .bind(&$action.detail)
        .bind($action.created_at)
        .execute($exec)
        .await?
    };
}
pub(super) use insert_action;

impl Db {
    /// Attaches a statement to outage `s.outage_id` (which must exist) and records the action, in
    /// one transaction; returns the statement's id.
    pub async fn insert_statement(&self, s: &Statement, now: i64) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let mut tx = p.begin().await?;
            let row = sqlx::query(
                "INSERT INTO outage_statements (outage_id, body, link, stated_at, created_at, label) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(s.outage_id)
            .bind(&s.body)
            .bind(s.link.as_deref())
            .bind(s.stated_at)
            .bind(now)
            .bind(&s.label)
            .fetch_one(&mut *tx)
            .await?;
            let id: i64 = row.try_get("id")?;
            let action = AdminAction {
                label: s.label.clone(),
                action: "add_statement".into(),
                target: s.outage_id.to_string(),
                detail: format!("statement {id}"),
                created_at: now,
            };
            insert_action!(&mut *tx, action);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The statements of these outages, oldest first.
    pub async fn statements(&self, outage_ids: &[i64]) -> Result<Vec<Statement>, StoreError> {
        if outage_ids.is_empty() {
            return Ok(Vec::new());
        }
        // Ids are integers: a list of them is safe to write into the statement.
        let list = outage_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!(
            "SELECT id, outage_id, body, link, stated_at, label, created_at FROM outage_statements \
             WHERE outage_id IN ({list}) ORDER BY stated_at, id"
        );
        on_pool!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok(Statement {
                        id: r.try_get("id")?,
                        outage_id: r.try_get("outage_id")?,
                        body: r.try_get("body")?,
                        link: r.try_get("link")?,
                        stated_at: r.try_get("stated_at")?,
                        label: r.try_get("label")?,
                        added_at: r.try_get("created_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    pub async fn record_admin_action(&self, a: &AdminAction) -> Result<(), StoreError> {
        on_pool!(self, p => {
            insert_action!(p, a);
        });
        Ok(())
    }

    /// The latest admin actions, newest first.
    pub async fn admin_actions(&self, limit: i64) -> Result<Vec<AdminAction>, StoreError> {
        on_pool!(self, p => {
            let rows = sqlx::query(
                "SELECT label, action, target, detail, created_at FROM admin_actions \
                 ORDER BY created_at DESC, id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(AdminAction {
                        label: r.try_get("label")?,
                        action: r.try_get("action")?,
                        target: r.try_get("target")?,
                        detail: r.try_get("detail")?,
                        created_at: r.try_get("created_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// Failed admin logins from `network` after `since`.
    pub async fn login_failures_since(
        &self,
        network: &NetworkKey,
        since: i64,
    ) -> Result<i64, StoreError> {
        on_pool!(self, p => {
            let row = sqlx::query(
                "SELECT COUNT(*) AS n FROM admin_login_failures WHERE network = $1 AND created_at > $2",
            )
            .bind(network.as_str())
            .bind(since)
            .fetch_one(p)
            .await?;
            Ok(row.try_get::<i64, _>("n")?)
        })
    }

    /// Records a failed login from `network`, and forgets those older than a day.
    pub async fn record_login_failure(
        &self,
        network: &NetworkKey,
        now: i64,
    ) -> Result<(), StoreError> {
        on_pool!(self, p => {
            sqlx::query("DELETE FROM admin_login_failures WHERE created_at < $1")
                .bind(now - crate::counts::buckets::DAY)
                .execute(p)
                .await?;
            sqlx::query("INSERT INTO admin_login_failures (network, created_at) VALUES ($1, $2)")
                .bind(network.as_str())
                .bind(now)
                .execute(p)
                .await?;
        });
        Ok(())
    }
}
