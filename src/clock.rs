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

    /// Moves a manual clock; a no-op on the system clock.
    pub fn set(&self, t: i64) {
        if let Clock::Manual(cell) = self {
            cell.store(t, Ordering::Relaxed);
        }
    }
}
