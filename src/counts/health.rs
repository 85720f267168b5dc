//! The counter store's circuit breaker (issue 14 §4). Once a call to the backend fails or times
//! out, the backend is marked down (since when, why) and [`super::Counts`] answers every operation
//! from this node's memory at once, without asking it again, while one background task pings it
//! every second; the first answer closes the breaker.
//!
//! A count this node could not record (the backend down, a call that failed, a report recorded so
//! late that a rebuild may have read SQL before it) makes the counters short of SQL: the node marks
//! them stale in SQL (`store/repairs.rs`, at most once a second), and the leader rebuilds them once
//! the store answers (`rebuild.rs`).

use crate::clock::Clock;
use crate::store::Db;
use parking_lot::Mutex;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

/// How often a down backend is pinged, and pending stale marks written.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(1);

/// How long one backend call may take before the backend counts as down.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(2);

/// Why and since when the backend is considered down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Down {
    /// Epoch seconds (this node's clock).
    pub since: i64,
    pub reason: String,
}

impl Down {
    /// "counter store unreachable since 2026-11-30T21:40:00Z: redis: …", for logs (the error can name
    /// an address: `/readyz` says only since when, `web/ops.rs`).
    pub fn describe(&self) -> String {
        format!(
            "counter store unreachable since {}: {}",
            crate::clock::rfc3339(self.since),
            self.reason
        )
    }
}

/// Shared by every clone of one [`super::Counts`].
#[derive(Default)]
pub(super) struct Health {
    /// Fast path of `state.is_some()`.
    down: AtomicBool,
    state: Mutex<Option<Down>>,
    /// Set when this node saw the backend fail: its counts may be short of SQL until a rebuild
    /// (on the leader) clears it. The monitor reads SQL meanwhile.
    unsure: AtomicBool,
    /// The latest time (epoch seconds) a count may have been missed and not yet marked in SQL; 0:
    /// nothing pending.
    missed: AtomicI64,
    /// One task probes and writes marks at a time.
    watching: AtomicBool,
    gauge: Mutex<Option<prometheus::IntGauge>>,
    /// Where stale marks go, and the clock they are dated by (set at start; absent in unit tests).
    sql: Mutex<Option<(Db, Clock)>>,
}

impl Health {
    pub(super) fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    pub(super) fn down(&self) -> Option<Down> {
        self.state.lock().clone()
    }

    pub(super) fn is_unsure(&self) -> bool {
        self.unsure.load(Ordering::Acquire)
    }

    pub(super) fn set_unsure(&self, unsure: bool) {
        self.unsure.store(unsure, Ordering::Release);
    }

    pub(super) fn attach(&self, db: Db, clock: Clock) {
        *self.sql.lock() = Some((db, clock));
    }

    pub(super) fn observe(&self, gauge: prometheus::IntGauge) {
        gauge.set(i64::from(!self.is_down()));
        *self.gauge.lock() = Some(gauge);
    }

    pub(super) fn now(&self) -> i64 {
        match &*self.sql.lock() {
            Some((_, clock)) => clock.now(),
            None => chrono::Utc::now().timestamp(),
        }
    }

    /// Opens the breaker (if closed) for `reason`; returns true when this call opened it.
    pub(super) fn trip(&self, reason: String) -> bool {
        let now = self.now();
        self.unsure.store(true, Ordering::Release);
        self.note_missed(now);
        let mut state = self.state.lock();
        if state.is_some() {
            return false;
        }
        tracing::warn!(
            reason = %reason,
            "counter store unreachable: counting on this node's memory, probing it every second"
        );
        *state = Some(Down { since: now, reason });
        self.down.store(true, Ordering::Release);
        if let Some(g) = &*self.gauge.lock() {
            g.set(0);
        }
        true
    }

    fn close(&self) {
        let mut state = self.state.lock();
        if let Some(down) = state.take() {
            tracing::warn!(
                down_since = %crate::clock::rfc3339(down.since),
                "counter store answers again: using it; its counts are repaired from SQL by the leader"
            );
        }
        self.down.store(false, Ordering::Release);
        if let Some(g) = &*self.gauge.lock() {
            g.set(1);
        }
    }

    /// Remembers that a count at or before `at` may be missing, to be marked in SQL.
    pub(super) fn note_missed(&self, at: i64) {
        self.missed.fetch_max(at.max(1), Ordering::AcqRel);
    }

    /// Writes a pending stale mark; on failure keeps it for the next try.
    async fn flush_mark(&self) {
        let at = self.missed.swap(0, Ordering::AcqRel);
        if at == 0 {
            return;
        }
        let db = self.sql.lock().as_ref().map(|(db, _)| db.clone());
        let Some(db) = db else {
            return;
        };
        if let Err(e) = db.mark_counts_stale(at).await {
            tracing::warn!(error = %e, "cannot mark the counters stale in SQL; will retry");
            self.note_missed(at);
        }
    }

    pub(super) fn marks_pending(&self) -> bool {
        self.missed.load(Ordering::Acquire) != 0
    }

    fn has_work(&self) -> bool {
        self.is_down() || self.missed.load(Ordering::Acquire) != 0
    }

    /// Starts the probing and marking task unless one runs. `ping` asks the backend once.
    pub(super) fn watch<P, F>(self: &Arc<Self>, ping: P)
    where
        P: Fn() -> F + Send + 'static,
        F: std::future::Future<Output = Result<(), String>> + Send,
    {
        // Outside a runtime nothing can run it; the next caller within one starts it.
        if tokio::runtime::Handle::try_current().is_err()
            || self.watching.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let health = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_INTERVAL).await;
                if health.is_down() {
                    match tokio::time::timeout(CALL_TIMEOUT, ping()).await {
                        Ok(Ok(())) => health.close(),
                        Ok(Err(e)) => tracing::debug!(error = %e, "counter store still down"),
                        Err(_) => tracing::debug!("counter store still down (timeout)"),
                    }
                }
                health.flush_mark().await;
                if !health.has_work() {
                    health.watching.store(false, Ordering::Release);
                    // Work noted after the check above finds no task: take it on again.
                    if !health.has_work() || health.watching.swap(true, Ordering::AcqRel) {
                        return;
                    }
                }
            }
        });
    }
}
