//! Leases kept in SQL (see `src/lease.rs`): one row per name with its holder and expiry.
//!
//! Time is the database's clock (PostgreSQL's `clock_timestamp()`, SQLite's `unixepoch('subsec')`,
//! the host's clock, which every node on one SQLite file shares), never the app's: all nodes judge
//! an expiry by one clock, so skew between app hosts cannot give the lease to two of them; and a
//! manual app clock (tests, the demo) that stands still or jumps hours neither freezes a crashed
//! holder's lease nor expires a live one. Leases are about processes being alive in real time.

use super::{Db, StoreError};
use std::time::Duration;

/// Takes the lease when free or expired, renews it when the holder has it: one atomic upsert whose
/// update applies only when the row is the holder's or has expired. A row comes back when `$2` holds it.
const HOLD_POSTGRES: &str = "\
    INSERT INTO leases (name, holder, expires_at) \
    VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT + $3) \
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
    WHERE leases.holder = excluded.holder \
       OR leases.expires_at < (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT \
    RETURNING holder";

const HOLD_SQLITE: &str = "\
    INSERT INTO leases (name, holder, expires_at) \
    VALUES ($1, $2, CAST(unixepoch('subsec') * 1000 AS INTEGER) + $3) \
    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
    WHERE leases.holder = excluded.holder \
       OR leases.expires_at < CAST(unixepoch('subsec') * 1000 AS INTEGER) \
    RETURNING holder";

impl Db {
    /// Takes lease `name` for `holder` when it is free or expired, or renews it when `holder` has it,
    /// until `ttl` from now on the database's clock. True while `holder` holds it.
    pub async fn hold_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let ttl_ms = ttl.as_millis() as i64;
        let row: Option<(String,)> = match self {
            Db::Postgres(p) => {
                sqlx::query_as(HOLD_POSTGRES)
                    .bind(name)
                    .bind(holder)
                    .bind(ttl_ms)
                    .fetch_optional(p)
                    .await?
            }
            Db::Sqlite(p) => {
                sqlx::query_as(HOLD_SQLITE)
                    .bind(name)
                    .bind(holder)
                    .bind(ttl_ms)
                    .fetch_optional(p)
                    .await?
            }
        };
        Ok(row.is_some_and(|(h,)| h == holder))
    }

    /// Gives lease `name` up if `holder` holds it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        super::on_pool!(self, p => {
            sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                .bind(name)
                .bind(holder)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Who holds lease `name` now, if anyone (an expired row holds nothing).
    pub async fn lease_holder(&self, name: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = match self {
            Db::Postgres(p) => {
                sqlx::query_as(
                    "SELECT holder FROM leases WHERE name = $1 \
                     AND expires_at >= (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT",
                )
                .bind(name)
                .fetch_optional(p)
                .await?
            }
            Db::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT holder FROM leases WHERE name = $1 \
                     AND expires_at >= CAST(unixepoch('subsec') * 1000 AS INTEGER)",
                )
                .bind(name)
                .fetch_optional(p)
                .await?
            }
        };
        Ok(row.map(|(h,)| h))
    }
}

/// A lease in the SQL store: the row `name` of `leases`.
pub struct SqlLease {
    db: Db,
    name: String,
}

impl SqlLease {
    pub fn new(db: Db, name: &str) -> Self {
        Self {
            db,
            name: name.to_owned(),
        }
    }
}

impl crate::lease::Lease for SqlLease {
    fn try_hold<'a>(
        &'a self,
        holder: &'a str,
        ttl: Duration,
    ) -> futures_util::future::BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(self.db.hold_lease(&self.name, holder, ttl))
    }

    fn release<'a>(
        &'a self,
        holder: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(self.db.release_lease(&self.name, holder))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn sqlite() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/lease.db", dir.path().display()))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        (dir, db)
    }

    /// Take, renew, refuse while held, take after expiry: the statement's four cases.
    async fn contract(db: &Db) {
        let ttl = Duration::from_millis(300);
        assert_eq!(db.lease_holder("monitor").await.unwrap(), None);
        assert!(
            db.hold_lease("monitor", "a", ttl).await.unwrap(),
            "free: taken"
        );
        assert!(
            !db.hold_lease("monitor", "b", ttl).await.unwrap(),
            "held: refused"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(db.hold_lease("monitor", "a", ttl).await.unwrap(), "renewed");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(
            !db.hold_lease("monitor", "b", ttl).await.unwrap(),
            "the renewal moved the expiry on"
        );
        assert!(
            db.hold_lease("other", "b", ttl).await.unwrap(),
            "names are apart"
        );
        assert_eq!(
            db.lease_holder("monitor").await.unwrap().as_deref(),
            Some("a")
        );
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(db.lease_holder("monitor").await.unwrap(), None, "expired");
        assert!(
            db.hold_lease("monitor", "b", ttl).await.unwrap(),
            "taken after expiry"
        );
        assert!(
            !db.hold_lease("monitor", "a", ttl).await.unwrap(),
            "the old holder lost it"
        );
        db.release_lease("monitor", "a").await.unwrap();
        assert_eq!(
            db.lease_holder("monitor").await.unwrap().as_deref(),
            Some("b"),
            "only its holder gives it up"
        );
        db.release_lease("monitor", "b").await.unwrap();
        assert!(
            db.hold_lease("monitor", "a", ttl).await.unwrap(),
            "given up: free at once"
        );
    }

    #[tokio::test]
    async fn sqlite_lease() {
        let (_dir, db) = sqlite().await;
        contract(&db).await;
    }

    /// Many contenders at once on one row: exactly one holds it.
    #[tokio::test]
    async fn sqlite_contenders_race_to_one_holder() {
        let (_dir, db) = sqlite().await;
        let tries = (0..8).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                db.hold_lease("monitor", &format!("n{i}"), Duration::from_secs(5))
                    .await
                    .unwrap()
            })
        });
        let held = futures_util::future::join_all(tries).await;
        assert_eq!(held.into_iter().filter(|h| *h.as_ref().unwrap()).count(), 1);
    }

    #[tokio::test]
    async fn postgres_lease() {
        let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("skipped: TEST_DATABASE_URL is not set");
            return;
        };
        let name = format!("dt_lease_{:08x}", rand::random::<u32>());
        let admin_db = Db::connect(&admin).await.unwrap();
        admin_db.ping().await.unwrap();
        if let Db::Postgres(p) = &admin_db {
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(p)
                .await
                .unwrap();
        }
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => unreachable!("a postgres URL names its database"),
        };
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        contract(&db).await;
        let tries = (0..8).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                db.hold_lease("race", &format!("n{i}"), Duration::from_secs(5))
                    .await
                    .unwrap()
            })
        });
        let held = futures_util::future::join_all(tries).await;
        assert_eq!(held.into_iter().filter(|h| *h.as_ref().unwrap()).count(), 1);
        db.close().await;
        if let Db::Postgres(p) = &admin_db {
            let _ = sqlx::query(&format!("DROP DATABASE {name}"))
                .execute(p)
                .await;
        }
        admin_db.close().await;
    }
}
