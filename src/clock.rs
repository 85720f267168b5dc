//! Time source. The server reads the system clock; tests and demos drive a manual one so that an
//! hour of traffic can be simulated in seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    pub fn manual(start: i64) -> Self {
        Clock::Manual(Arc::new(AtomicI64::new(start)))
    }

    /// Current UTC time in epoch seconds.
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => chrono::Utc::now().timestamp(),
            Clock::Manual(t) => t.load(Ordering::Relaxed),
        }
    }

    /// Current UTC time in epoch milliseconds (a manual clock has whole seconds).
    pub fn now_ms(&self) -> i64 {
        match self {
            Clock::System => chrono::Utc::now().timestamp_millis(),
            Clock::Manual(t) => t.load(Ordering::Relaxed) * 1000,
        }
    }

    /// Moves a manual clock; a no-op on the system clock.
    pub fn set(&self, t: i64) {
        if let Clock::Manual(cell) = self {
            cell.store(t, Ordering::Relaxed);
        }
    }
}

/// An epoch time as RFC 3339 in UTC (`2026-11-30T08:37:00Z`), for logs and exports.
pub fn rfc3339(epoch_seconds: i64) -> String {
    match chrono::DateTime::from_timestamp(epoch_seconds, 0) {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        None => epoch_seconds.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_in_utc() {
        assert_eq!(super::rfc3339(1_727_344_800), "2024-09-26T10:00:00Z");
    }
}
