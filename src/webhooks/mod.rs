//! Webhooks: anyone may subscribe a URL to a service's or a country's outage events
//! (`outage.started`, `outage.updated`, `outage.resolved`), in downtally's JSON or Slack's format.
//!
//! - `address.rs`: which URLs may be called (https to public addresses only; SSRF refused).
//! - `sign.rs`: `Downtally-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`.
//! - `payload.rs`: the bodies (the event in JSON, the Slack line, the challenge, the code).
//! - `deliver.rs`: the worker: claims due deliveries from the SQL queue (one node each), sends them
//!   to the checked address, retries with exponential backoff and jitter for 24 hours, then
//!   disables the subscription with the reason kept.
//!
//! [`Webhooks::outage_event`] is what the monitor and the admin area call: one INSERT … SELECT fans
//! the event out to the queue, then the worker is woken; nothing waits for a receiver.

pub mod address;
pub mod deliver;
pub mod payload;
pub mod seal;
pub mod sign;

use crate::catalog::LiveCatalog;
use crate::clock::Clock;
use crate::counts::admission::RateLimit;
use crate::domain::{RegionId, ServiceSlug};
use crate::metrics::Metrics;
use crate::store::{Db, Fanout};
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// The events a subscription may ask for, with their bit in `webhook_subscriptions.events`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Started,
    Updated,
    Resolved,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [EventKind::Started, EventKind::Updated, EventKind::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Started => "outage.started",
            EventKind::Updated => "outage.updated",
            EventKind::Resolved => "outage.resolved",
        }
    }

    pub fn bit(self) -> i32 {
        match self {
            EventKind::Started => 1,
            EventKind::Updated => 2,
            EventKind::Resolved => 4,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds in a bit set.
    pub fn from_bits(bits: i32) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|k| bits & k.bit() != 0)
            .collect()
    }
}

/// Why an `outage.updated` was sent: the few changes readers care about (not every minute's peak).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateReason {
    /// The service's status went from "outage" to "improving".
    Improving,
    /// The peak rose to at least twice what the last event said.
    PeakRose,
    /// The service made an official statement (added by an admin).
    Statement,
}

impl UpdateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateReason::Improving => "improving",
            UpdateReason::PeakRose => "peak_rose",
            UpdateReason::Statement => "statement",
        }
    }
}

/// Kinds of delivery that are not outage events.
pub const CHALLENGE: &str = "subscription.challenge";
pub const CODE: &str = "subscription.code";

/// How deliveries are made. Defaults are production's; tests shorten the times.
#[derive(Debug, Clone, Copy)]
pub struct WebhookSettings {
    pub policy: address::Policy,
    /// The whole request (connect, send, answer), and the connect alone.
    pub timeout: Duration,
    /// The first retry's delay; each next one doubles, up to `backoff_cap`, with jitter.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// After this long without success a delivery fails and its subscription is disabled.
    pub give_up_after: Duration,
    /// How often the worker looks for retries that came due (new events wake it at once).
    pub poll: Duration,
    /// Subscriptions one network may create (a token bucket of its own; see `counts/`).
    pub create_rate: RateLimit,
    /// Seals URLs and secrets at rest (`--webhooks-key`); `None`: stored in clear.
    pub key: Option<seal::SealKey>,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            policy: address::Policy::default(),
            timeout: Duration::from_secs(10),
            backoff_base: Duration::from_secs(30),
            backoff_cap: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
            poll: Duration::from_secs(1),
            create_rate: RateLimit {
                burst: 10.0,
                per_minute: 1.0,
            },
            key: None,
        }
    }
}

/// Live subscriptions one URL may have (one Slack channel following many banks is fine).
pub const MAX_PER_URL: i64 = 25;
/// Live subscriptions on one host (a Slack or Teams host serves many; a victim of spam is capped).
pub const MAX_PER_HOST: i64 = 5000;

/// The handle the monitor, the admin area and the API use; the worker runs over the same one.
#[derive(Clone)]
pub struct Webhooks {
    pub(crate) db: Db,
    pub(crate) catalog: LiveCatalog,
    pub(crate) clock: Clock,
    pub(crate) metrics: Metrics,
    pub(crate) settings: WebhookSettings,
    /// Where pages live (`https://downtally.example`): permalinks in bodies.
    pub(crate) public_url: String,
    wake: Arc<Notify>,
}

impl Webhooks {
    pub fn new(
        db: Db,
        catalog: LiveCatalog,
        clock: Clock,
        metrics: Metrics,
        settings: WebhookSettings,
        public_url: String,
    ) -> Self {
        Self {
            db,
            catalog,
            clock,
            metrics,
            settings,
            public_url,
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn settings(&self) -> &WebhookSettings {
        &self.settings
    }

    /// What seals and opens stored URLs and secrets.
    pub fn sealer(&self) -> seal::Sealer {
        seal::Sealer::new(self.settings.key)
    }

    /// Wakes the worker (a delivery was queued).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Queues `kind` of outage `outage_id` for every subscriber that wants it and wakes the worker.
    /// Never fails the caller: a store error is logged and counted (the monitor goes on).
    pub async fn outage_event(
        &self,
        kind: EventKind,
        outage_id: i64,
        service: &ServiceSlug,
        region: Option<&RegionId>,
        reason: Option<UpdateReason>,
    ) {
        let countries: Vec<String> = match region {
            Some(r) => vec![r.as_str().split('-').next().unwrap_or_default().to_owned()],
            None => self
                .catalog
                .get(service.as_str())
                .map(|s| s.countries.clone())
                .unwrap_or_default(),
        };
        let event_id = new_id("evt_");
        let fanout = Fanout {
            event_id: &event_id,
            kind: kind.as_str(),
            bit: kind.bit(),
            outage_id,
            reason: reason.map(UpdateReason::as_str),
            created_at: self.clock.now(),
            service: service.as_str(),
            countries: &countries,
            now_ms: wall_ms(),
        };
        match self.db.fan_out_webhook_event(&fanout).await {
            Ok(0) => {}
            Ok(n) => {
                self.metrics
                    .webhook_queued
                    .with_label_values(&[kind.as_str()])
                    .inc_by(n);
                tracing::debug!(
                    event = kind.as_str(),
                    outage = outage_id,
                    deliveries = n,
                    "webhook event queued"
                );
                self.wake();
            }
            Err(e) => {
                self.metrics
                    .webhook_deliveries
                    .with_label_values(&["enqueue_failed"])
                    .inc();
                tracing::error!(error = %e, event = kind.as_str(), outage = outage_id, "cannot queue webhook event");
            }
        }
    }
}

/// The wall clock in milliseconds: queue times are real time even when the app's clock is manual.
pub fn wall_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `prefix` and 24 random hex digits: subscription, event and challenge ids.
pub fn new_id(prefix: &str) -> String {
    let bytes: [u8; 12] = rand::rng().random();
    format!("{prefix}{}", hex::encode(bytes))
}

/// A signing secret: `whsec_` and 64 hex digits (256 bits).
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!("whsec_{}", hex::encode(bytes))
}

/// A Slack confirmation code: 8 digits (five wrong tries disable the subscription).
pub fn new_code() -> String {
    format!("{:08}", rand::rng().random_range(0..100_000_000u32))
}

/// SHA-256 in hex, for codes kept only as digests and constant-length comparisons.
pub fn digest(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

/// Whether `given` is `secret`, compared as digests (no early exit on the secret's bytes).
pub fn secret_matches(given: &str, secret: &str) -> bool {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"downtally-secret-compare")
        .expect("HMAC takes any key");
    mac.update(secret.as_bytes());
    let expected = mac.finalize().into_bytes();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"downtally-secret-compare")
        .expect("HMAC takes any key");
    mac.update(given.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// The delay before retry `attempt` (1 for the first retry): `base` doubled per attempt, at most
/// `cap`, scaled by a jitter in [0.5, 1] so that receivers back from an outage are not hit at once.
pub fn backoff(base: Duration, cap: Duration, attempt: i32, jitter: f64) -> Duration {
    let exp = attempt.clamp(1, 30) - 1;
    let raw = base.saturating_mul(1u32 << exp.min(20)).min(cap);
    raw.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3600);
        assert_eq!(backoff(base, cap, 1, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(base, cap, 2, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(base, cap, 3, 0.0), Duration::from_secs(60));
        assert_eq!(backoff(base, cap, 10, 1.0), cap);
        assert_eq!(backoff(base, cap, 1000, 1.0), cap);
        // Retrying for 24 hours at the cap: about 24 + 7 attempts, not thousands.
        let mut total = Duration::ZERO;
        let mut n = 0;
        while total < Duration::from_secs(86_400) {
            n += 1;
            total += backoff(base, cap, n, 1.0);
        }
        assert!(n < 40, "{n} attempts");
    }

    #[test]
    fn ids_secrets_and_codes_have_their_shape() {
        let id = new_id("sub_");
        assert_eq!(id.len(), 4 + 24);
        assert_ne!(id, new_id("sub_"));
        let s = new_secret();
        assert!(s.starts_with("whsec_") && s.len() == 6 + 64);
        let c = new_code();
        assert!(c.len() == 8 && c.bytes().all(|b| b.is_ascii_digit()));
        assert!(secret_matches(&s, &s));
        assert!(!secret_matches("whsec_x", &s));
    }

    #[test]
    fn event_bits_round_trip() {
        assert_eq!(EventKind::from_bits(7), EventKind::ALL.to_vec());
        assert_eq!(
            EventKind::from_bits(5),
            vec![EventKind::Started, EventKind::Resolved]
        );
        assert_eq!(EventKind::parse("outage.updated"), Some(EventKind::Updated));
        assert_eq!(EventKind::parse("outage.whatever"), None);
    }
}
