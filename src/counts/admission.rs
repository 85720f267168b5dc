//! Which reports count: the arithmetic both counter stores apply (the in-process store in Rust, Redis
//! in a Lua script that mirrors it; `tests/api/counter_contract/` holds them to the same answers).
//!
//! A report counts when its reporter has not counted for the service in the last 15 minutes
//! (de-duplication) and its network has not yet used up its share of the service's window:
//! within any 15 minutes one network (an IPv4 /24, an IPv6 /48) adds at most
//! `max(base, share × reporters counted from all other networks)`. So a flood from a few networks
//! on a quiet service is held to a few reporters, whatever its headers say, while in a real outage,
//! where thousands of other networks report, a mobile carrier's NAT still counts in proportion.
//!
//! Windows are fixed 15-minute blocks, and a network's allowance covers the current block and the one
//! before it: any 15 minutes lie within two consecutive blocks, so within any 15 minutes a network
//! adds at most the bound (within any 30 minutes at most twice it), and crossing a block boundary
//! gives no second allowance.

/// The window of the network bound and of the networks series (the de-duplication window).
pub const NETWORK_WINDOW_SECS: i64 = 900;

/// Bound on what one network adds to a service's counted reporters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkBound {
    /// Reporters any network may add in a window, however quiet the service (B). Default 4: a
    /// household or a small office reporting together.
    pub base: u32,
    /// Share of the reporters counted from all other networks that one network may add on top (f).
    /// Default 0.05: with a thousand other networks reporting, a carrier's NAT still adds fifty.
    pub share: f64,
    /// Seconds of the window. Default 900, the de-duplication window.
    pub window: i64,
}

impl Default for NetworkBound {
    fn default() -> Self {
        Self {
            base: 4,
            share: 0.05,
            window: NETWORK_WINDOW_SECS,
        }
    }
}

impl NetworkBound {
    /// The block `now` falls in.
    pub fn block(&self, now: i64) -> i64 {
        now.div_euclid(self.window)
    }

    /// Whether a network that counted `network` reporters in the current and previous blocks may
    /// count one more, given that the service counted `total` in them (all networks, this one
    /// included).
    pub fn admits(&self, network: u32, total: u32) -> bool {
        let others = total.saturating_sub(network);
        let allowance = f64::from(self.base).max((self.share * f64::from(others)).floor());
        f64::from(network) + 1.0 <= allowance
    }
}

/// The rules of admission on the write path: what one network may add to the counts, and how often
/// it may write at all.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rules {
    pub network: NetworkBound,
    pub rate: RateLimit,
}

/// What became of a report's claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Counted; `first_of_network` when it is the first counted from its network in the current
    /// window (what the distinct-networks series counts).
    Counted { first_of_network: bool },
    /// The reporter already counted for this service in the last 15 minutes.
    Repeat,
    /// Its network had added all the reporters it may in this window.
    NetworkBound,
    /// Another node admitted this reporter for the service moments ago and has not yet confirmed
    /// that it stored the report (claims on a shared counter store are provisional until then, see
    /// [`PROVISIONAL_CLAIM_SECS`]). Not stored: the client is asked to try again in `retry_after`
    /// seconds, by when that node has confirmed (a repeat) or is known to have died (it counts).
    InFlight { retry_after: u64 },
    /// A claim left provisional past its deadline: the node that made it died (or lost the counter
    /// store) between admitting and confirming. Whether its report was stored is for SQL to say;
    /// the intake asks, then admits again taking the claim over (`CountStore::admit` with
    /// `take_over`) or answers a repeat.
    Orphaned,
}

/// How long a claim on a shared counter store stays provisional: a node admits a reporter, stores
/// the report, then confirms the claim. A node killed between the two leaves its claims provisional;
/// past this deadline they are orphans, and the reporter's retry is judged by what SQL holds rather
/// than refused as a repeat of a report that was never stored. Far above a batch's commit (a few
/// milliseconds; the pool waits at most 5 s for a connection), and above the clock skew between
/// nodes (deadlines are written by one node's clock and read by another's): nodes whose clocks
/// differ by more would take each other's claims for orphans. A batch stored later than this is
/// logged (`intake.rs`): its reporters may have counted twice.
pub const PROVISIONAL_CLAIM_SECS: i64 = 30;

impl Verdict {
    pub fn counted(self) -> bool {
        matches!(self, Verdict::Counted { .. })
    }

    /// Why a stored report was not counted (stored with it, and a metric label); `None` if it was.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Verdict::Counted { .. } => None,
            Verdict::Repeat => Some("repeat"),
            Verdict::NetworkBound => Some("network_bound"),
            // Never stored (see `intake.rs`), but a reason all the same.
            Verdict::InFlight { .. } => Some("in_flight"),
            Verdict::Orphaned => Some("orphaned"),
        }
    }
}

/// Requests a network may make to the write endpoints: a token bucket of `burst` requests, refilled
/// at `per_minute`. Set well above what a household or a carrier's NAT sends during an outage (the
/// network bound, not this limit, is what keeps a flood out of the counts); it stops one network from
/// filling the store and the queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub burst: f64,
    pub per_minute: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            burst: 600.0,
            per_minute: 600.0,
        }
    }
}

/// A token bucket's state: tokens left, and when (milliseconds) they were counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub tokens: f64,
    pub at_ms: i64,
}

impl RateLimit {
    /// Takes one token at `now_ms` from `bucket` (a full one when `None`). Returns the new state and,
    /// when the bucket was empty, the seconds until a token will be there (for `Retry-After`).
    pub fn take(&self, bucket: Option<Bucket>, now_ms: i64) -> (Bucket, Option<u64>) {
        let per_ms = self.per_minute / 60_000.0;
        let tokens = match bucket {
            Some(b) => (b.tokens + (now_ms - b.at_ms).max(0) as f64 * per_ms).min(self.burst),
            None => self.burst,
        };
        if tokens >= 1.0 {
            (
                Bucket {
                    tokens: tokens - 1.0,
                    at_ms: now_ms,
                },
                None,
            )
        } else {
            let wait_secs = ((1.0 - tokens) / per_ms / 1000.0).ceil().max(1.0) as u64;
            (
                Bucket {
                    tokens,
                    at_ms: now_ms,
                },
                Some(wait_secs),
            )
        }
    }

    /// Milliseconds after which an untouched bucket is full again (its key may then expire).
    pub fn refill_ms(&self) -> i64 {
        (self.burst / (self.per_minute / 60_000.0)).ceil() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_quiet_service_holds_a_network_to_the_base() {
        let b = NetworkBound::default();
        let mut n = 0;
        while b.admits(n, n + 2) {
            n += 1;
        }
        assert_eq!(n, 4, "two other reporters: the base alone");
    }

    #[test]
    fn a_busy_outage_counts_a_big_network_in_proportion() {
        let b = NetworkBound::default();
        assert!(b.admits(49, 1_049), "1,000 others: up to 50");
        assert!(!b.admits(50, 1_050));
    }

    proptest! {
        /// However a network's reports fall, it counts at most the base within any 15 minutes.
        #[test]
        fn one_network_alone_never_exceeds_the_base_in_any_window(gaps in proptest::collection::vec(0i64..400, 1..300), start in 0i64..100_000) {
            let b = NetworkBound::default();
            let mut blocks: std::collections::HashMap<i64, u32> = Default::default();
            let mut counted_at = Vec::new();
            let mut now = start;
            for gap in gaps {
                now += gap;
                let id = b.block(now);
                let pair = blocks.get(&id).unwrap_or(&0) + blocks.get(&(id - 1)).unwrap_or(&0);
                if b.admits(pair, pair) {
                    *blocks.entry(id).or_default() += 1;
                    counted_at.push(now);
                }
            }
            for (i, &t) in counted_at.iter().enumerate() {
                let within = counted_at[i..].iter().take_while(|&&u| u < t + b.window).count();
                prop_assert!(within as u32 <= b.base);
            }
        }

        #[test]
        fn a_bucket_never_lets_more_through_than_burst_plus_refill(gaps in proptest::collection::vec(0i64..2_000, 1..2_000)) {
            let limit = RateLimit { burst: 10.0, per_minute: 60.0 };
            let mut state = None;
            let mut now = 0;
            let mut allowed = 0u64;
            for gap in gaps {
                now += gap;
                let (next, wait) = limit.take(state, now);
                state = Some(next);
                if wait.is_none() { allowed += 1; } else { prop_assert!(wait.unwrap() >= 1); }
            }
            prop_assert!(allowed as f64 <= 10.0 + now as f64 / 1000.0 + 1e-9);
        }
    }
}
