//! Leases: a named lock that one node holds at a time and renews while it lives (the monitor's
//! leadership, see `monitor/leadership.rs`). Kept in the SQL store every node shares
//! (`store/lease.rs`), so that leading needs nothing but the source of truth: not Redis, whose
//! outage would otherwise stop detection. Behind a small trait so that the monitor does not know
//! where the lease lives.

use crate::store::StoreError;
use futures_util::future::BoxFuture;
use std::time::Duration;

pub use crate::store::SqlLease;

/// A lock held by one holder at a time, for `ttl` after its last renewal.
pub trait Lease: Send + Sync {
    /// Takes the lease when it is free or expired, or renews it when `holder` has it. True while
    /// `holder` holds it. Boxed (one call per monitor interval) so that leases can be chosen at run time.
    fn try_hold<'a>(
        &'a self,
        holder: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Gives the lease up if `holder` holds it.
    fn release<'a>(&'a self, holder: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}
