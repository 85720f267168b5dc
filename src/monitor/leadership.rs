//! Which node runs the monitor.

use super::*;

/// Decides which node runs the monitor: the holder of a lease in the store the nodes share, or, with
/// in-process counters, the only node.
pub struct Leadership {
    lease: Option<Arc<dyn Lease>>,
    node: String,
    ttl: Duration,
}

/// The name of the monitor's lease in the shared store.
pub const LEADER_LEASE: &str = "dt:monitor:leader";

impl Leadership {
    /// The only node: it always leads.
    pub fn alone() -> Self {
        Self {
            lease: None,
            node: String::new(),
            ttl: Duration::ZERO,
        }
    }

    /// Contends for `lease` as `node`; the lease lapses `ttl` after its holder last renewed it.
    pub fn contend(lease: Arc<dyn Lease>, node: impl Into<String>, ttl: Duration) -> Self {
        Self {
            lease: Some(lease),
            node: node.into(),
            ttl,
        }
    }

    /// This node's leadership over the nodes that share `counts`, renewed every `interval`: a lease
    /// held for three intervals, so one late renewal does not hand the monitor over.
    pub fn over(counts: &Counts, interval: Duration) -> Self {
        match counts.lease(LEADER_LEASE) {
            Some(lease) => Self::contend(
                lease,
                format!("{:016x}", rand::random::<u64>()),
                interval * 3,
            ),
            None => Self::alone(),
        }
    }

    /// Takes or renews the lease. True while this node leads; false when the store cannot be reached
    /// (no node then runs two monitors' worth of work on stale state).
    pub async fn hold(&self) -> bool {
        match &self.lease {
            None => true,
            Some(lease) => match lease.try_hold(&self.node, self.ttl).await {
                Ok(held) => held,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot reach the monitor's lease");
                    false
                }
            },
        }
    }
}
