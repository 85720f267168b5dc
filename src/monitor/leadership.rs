//! Which node runs the monitor (and rebuilds shared counters): the holder of a lease in the SQL store
//! every node shares (`lease.rs`, `store/lease.rs`), so that leading needs no Redis. One node alone
//! simply holds it; two nodes on one database, SQLite file or PostgreSQL, never both do.

use crate::lease::{Lease, SqlLease};
use crate::store::Db;
use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The name of the monitor's lease (its row in `leases`).
pub const LEADER_LEASE: &str = "monitor";

/// The longest time between renewals: a crashed leader's lease lapses within three of them, so
/// another node takes over within about 40 s (plus one monitor interval), whatever the interval.
const MAX_RENEWAL: Duration = Duration::from_secs(10);

/// This node's claim to lead: renewed in the background ([`Leadership::keep`]) on its own cadence, so
/// that a long monitor pass (the first warms thousands of detectors) never lets the lease lapse.
#[derive(Clone)]
pub struct Leadership {
    lease: Arc<dyn Lease>,
    node: Arc<str>,
    ttl: Duration,
    /// Until when this node surely holds the lease, by its own monotonic clock: the start of its last
    /// successful renewal plus the ttl (the database's expiry is later still).
    until: Arc<Mutex<Option<Instant>>>,
    gauge: Option<prometheus::IntGauge>,
}

impl Leadership {
    /// Contends for `lease` as `node`; the lease lapses `ttl` after its holder last renewed it.
    pub fn contend(lease: Arc<dyn Lease>, node: impl Into<String>, ttl: Duration) -> Self {
        Self {
            lease,
            node: node.into().into(),
            ttl,
            until: Arc::new(Mutex::new(None)),
            gauge: None,
        }
    }

    /// This node's leadership among the nodes that share `db`, for a monitor that runs every
    /// `interval`: renewed every [`Leadership::renewal`], held for three renewals.
    pub fn over(db: &Db, interval: Duration) -> Self {
        let node = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        Self::contend(
            Arc::new(SqlLease::new(db.clone(), LEADER_LEASE)),
            node,
            Self::renewal_for(interval) * 3,
        )
    }

    /// Shows this node's leadership in `metrics` (`monitor_leader`).
    pub fn observed(mut self, metrics: &crate::metrics::Metrics) -> Self {
        self.gauge = Some(metrics.monitor_leader.clone());
        self
    }

    fn renewal_for(interval: Duration) -> Duration {
        interval.min(MAX_RENEWAL)
    }

    /// How often the holder renews: a third of the ttl.
    pub fn renewal(&self) -> Duration {
        self.ttl / 3
    }

    /// This node's name in the lease.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Takes or renews the lease. True while this node leads; when the database cannot be reached,
    /// until the last renewal lapses (then no node runs the monitor on state it cannot store).
    pub async fn hold(&self) -> bool {
        let started = Instant::now();
        match self.lease.try_hold(&self.node, self.ttl).await {
            Ok(held) => *self.until.lock() = held.then(|| started + self.ttl),
            // Leads on until the last renewal lapses: one failed round trip hands nothing over.
            Err(e) => tracing::warn!(error = %e, "cannot reach the monitor's lease"),
        }
        let held = self.leads();
        if let Some(gauge) = &self.gauge {
            gauge.set(i64::from(held));
        }
        held
    }

    /// True while this node's last renewal still holds (no database round trip).
    pub fn leads(&self) -> bool {
        self.until
            .lock()
            .is_some_and(|until| Instant::now() < until)
    }

    /// Gives the lease up (a node stopping cleanly), so that another takes over at its next renewal
    /// rather than after the ttl.
    pub async fn release(&self) {
        if self.until.lock().take().is_some()
            && let Err(e) = self.lease.release(&self.node).await
        {
            tracing::warn!(error = %e, "cannot give the monitor's lease up; it lapses by itself");
        }
        if let Some(gauge) = &self.gauge {
            gauge.set(0);
        }
    }

    /// Renews (or contends for) the lease every [`Leadership::renewal`], for as long as the task runs.
    pub async fn keep(self) {
        let mut tick = tokio::time::interval(self.renewal());
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            self.hold().await;
        }
    }
}
