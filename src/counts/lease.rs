//! Leases: a named lock that one node holds at a time and renews while it lives (the monitor's
//! leadership). Behind a small trait so that the lock can live where the deployment keeps shared
//! state: Redis today, a SQL row tomorrow, without the monitor knowing which.

use super::CountError;
use futures_util::future::BoxFuture;
use redis::aio::ConnectionManager;
use std::time::Duration;

/// A lock held by one holder at a time, for `ttl` after its last renewal.
pub trait Lease: Send + Sync {
    /// Takes the lease when it is free, or renews it when `holder` has it. True while `holder`
    /// holds it. Boxed (one call per monitor interval) so that leases can be chosen at run time.
    fn try_hold<'a>(
        &'a self,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, CountError>>;
}

/// A lease in Redis: one key holding the holder's name, set with NX and a time to live, renewed only
/// by its holder (checked and extended atomically in a script).
pub struct RedisLease {
    conn: ConnectionManager,
    key: String,
    script: redis::Script,
}

impl RedisLease {
    pub fn new(conn: ConnectionManager, key: &str) -> Self {
        Self {
            conn,
            key: key.to_owned(),
            script: redis::Script::new(
                r"if redis.call('GET', KEYS[1]) == ARGV[1] then
                      return redis.call('PEXPIRE', KEYS[1], ARGV[2])
                  end
                  if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
                  return 0",
            ),
        }
    }
}

impl Lease for RedisLease {
    fn try_hold<'a>(
        &'a self,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, CountError>> {
        Box::pin(async move {
            let held: i64 = self
                .script
                .key(&self.key)
                .arg(holder)
                .arg(ttl.as_millis() as u64)
                .invoke_async(&mut self.conn.clone())
                .await?;
            Ok(held == 1)
        })
    }
}
