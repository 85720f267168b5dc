//! The delivery worker: a tokio task of its own on every node. It claims due deliveries from SQL
//! (each by one node: a claim column, and `FOR UPDATE SKIP LOCKED` on PostgreSQL), at most one per
//! subscription at a time and the oldest first (so `resolved` never overtakes `started`), sends
//! each to an address it has just checked (no second resolution, no redirects, no proxy, bounded
//! answer), and records the outcome. New events wake it at once; retries are found by a poll.

use super::address::{self, Refused};
use super::payload::{self, has_fixed_body};
use super::sign::{DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature};
use super::{CHALLENGE, CODE, Webhooks, backoff, wall_ms};
use crate::store::{Claimed, StoreError, Subscription};
use rand::Rng;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Deliveries in flight on one node.
const IN_FLIGHT: usize = 32;
/// The most of an answer read (enough for a challenge echo).
const ANSWER_LIMIT: usize = 4096;
/// How often the queue depth is counted for `/metrics`.
const DEPTH_EVERY: Duration = Duration::from_secs(15);
/// How often finished deliveries older than [`KEEP_FINISHED`] are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Attempts of a confirmation (challenge or code) before the subscription is given up: a URL nobody
/// confirms gets a few requests, not a day of retries (no amplification of a spammer's one request).
const CONFIRMATION_ATTEMPTS: i32 = 3;
/// How long delivered and failed deliveries are kept (for an operator's questions).
const KEEP_FINISHED: Duration = Duration::from_secs(7 * 86_400);

/// What one attempt came to (also the `outcome` label of the attempts metric).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Delivered,
    /// A 2xx that did not echo the challenge.
    ChallengeFailed,
    /// The receiver said the subscription is gone (410): disabled at once.
    Gone,
    Status(u16),
    Timeout,
    Connect,
    Refused(Refused),
    /// The stored URL or secret does not open (no or another `--webhooks-key`).
    Sealed,
    Failed,
}

impl Outcome {
    fn label(&self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::ChallengeFailed => "challenge_failed",
            Outcome::Gone => "gone",
            Outcome::Status(s) if *s >= 500 => "http_5xx",
            Outcome::Status(_) => "http_other",
            Outcome::Timeout => "timeout",
            Outcome::Connect => "connect",
            Outcome::Refused(_) => "address_refused",
            Outcome::Sealed => "sealed",
            Outcome::Failed => "failed",
        }
    }

    /// The reason kept with the delivery (no URL in it).
    fn describe(&self) -> String {
        match self {
            Outcome::Delivered => "delivered".into(),
            Outcome::ChallengeFailed => "the answer did not echo the challenge".into(),
            Outcome::Gone => "the receiver answered 410 Gone".into(),
            Outcome::Status(s) => format!("the receiver answered {s}"),
            Outcome::Timeout => "no answer in time".into(),
            Outcome::Connect => "cannot connect".into(),
            Outcome::Refused(r) => r.to_string(),
            Outcome::Sealed => "the stored URL does not open under this --webhooks-key".into(),
            Outcome::Failed => "the request failed".into(),
        }
    }
}

/// Runs forever: claim, send, record.
pub async fn run(hooks: Webhooks) {
    let mut in_flight: JoinSet<()> = JoinSet::new();
    let mut depth_at = Instant::now() - DEPTH_EVERY;
    let mut pruned_at = Instant::now();
    loop {
        let free = IN_FLIGHT - in_flight.len();
        if free > 0 {
            let now = wall_ms();
            let lease = hooks.settings.timeout * 2 + Duration::from_secs(2);
            match hooks
                .db
                .claim_webhook_deliveries(now, now + lease.as_millis() as i64, free as i64)
                .await
            {
                Ok(claimed) => {
                    for d in claimed {
                        let hooks = hooks.clone();
                        in_flight.spawn(async move { hooks.deliver(d).await });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot claim webhook deliveries"),
            }
        }
        if depth_at.elapsed() >= DEPTH_EVERY {
            depth_at = Instant::now();
            if let Ok(n) = hooks.db.webhook_queue_depth().await {
                hooks.metrics.webhook_queue_depth.set(n);
            }
        }
        if pruned_at.elapsed() >= PRUNE_EVERY {
            pruned_at = Instant::now();
            let before = wall_ms() - KEEP_FINISHED.as_millis() as i64;
            if let Err(e) = hooks.db.prune_webhook_deliveries(before).await {
                tracing::warn!(error = %e, "cannot prune finished webhook deliveries");
            }
        }
        tokio::select! {
            Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            _ = hooks.woken() => {}
            _ = tokio::time::sleep(hooks.settings.poll) => {}
        }
    }
}

impl Webhooks {
    /// One claimed delivery: build (once) or reuse its body, send it, record the outcome.
    async fn deliver(&self, d: Claimed) {
        if let Err(e) = self.try_deliver(&d).await {
            // Left claimed: another attempt follows when the claim lapses.
            tracing::warn!(error = %e, delivery = %d.delivery_id, "webhook delivery not recorded");
        }
    }

    async fn try_deliver(&self, d: &Claimed) -> Result<(), StoreError> {
        let Some(sub) = self.db.webhook_subscription(&d.subscription_id).await? else {
            return Ok(()); // unsubscribed meanwhile; its queue went with it
        };
        if sub.state == "disabled" {
            return self
                .db
                .disable_webhook_subscription(
                    &sub.id,
                    sub.disabled_reason.as_deref().unwrap_or("disabled"),
                    self.clock.now(),
                )
                .await;
        }
        let body = match &d.body {
            Some(b) => b.clone(),
            None if has_fixed_body(&d.kind) => String::new(),
            None => match self.event_body(&sub, d).await? {
                Some(b) => {
                    self.db.set_webhook_body(d.id, &b).await?;
                    b
                }
                None => {
                    // The outage is gone (it cannot be, outages are kept): nothing to send.
                    return self.db.webhook_delivered(d.id, d.attempts, wall_ms()).await;
                }
            },
        };
        let (outcome, answer) = self.send(&sub, d, &body).await;
        let outcome = match outcome {
            Outcome::Delivered if d.kind == CHALLENGE => {
                let challenge = sub.confirm_token.as_deref().unwrap_or_default();
                if payload::echoes_challenge(&answer, challenge) {
                    Outcome::Delivered
                } else {
                    Outcome::ChallengeFailed
                }
            }
            o => o,
        };
        self.metrics
            .webhook_deliveries
            .with_label_values(&[outcome.label()])
            .inc();
        let attempts = d.attempts + 1;
        let now_ms = wall_ms();
        match outcome {
            Outcome::Delivered => {
                self.db.webhook_delivered(d.id, attempts, now_ms).await?;
                if d.kind == CHALLENGE {
                    self.db
                        .activate_webhook_subscription(&sub.id, self.clock.now())
                        .await?;
                    tracing::info!(subscription = %sub.id, host = %sub.host, "webhook subscription confirmed");
                }
                if d.kind != CHALLENGE && d.kind != CODE {
                    let latency = (now_ms - d.enqueued_ms).max(0) as f64 / 1000.0;
                    self.metrics.webhook_latency.observe(latency);
                }
            }
            Outcome::Gone => {
                self.disable(&sub, &outcome.describe()).await?;
            }
            failed => {
                let reason = failed.describe();
                let elapsed = Duration::from_millis((now_ms - d.enqueued_ms).max(0) as u64);
                tracing::debug!(
                    subscription = %sub.id, host = %sub.host, delivery = %d.delivery_id,
                    attempts, outcome = failed.label(), "webhook delivery failed"
                );
                let confirmation = d.kind == CHALLENGE || d.kind == CODE;
                if confirmation && attempts >= CONFIRMATION_ATTEMPTS {
                    let why = format!(
                        "not confirmed: {attempts} attempts to send the confirmation; the last: {reason}"
                    );
                    self.disable(&sub, &why).await?;
                } else if elapsed >= self.settings.give_up_after {
                    let why = format!(
                        "no delivery succeeded for {} hours; the last attempt: {reason}",
                        self.settings.give_up_after.as_secs_f64() / 3600.0
                    );
                    self.disable(&sub, &why).await?;
                } else {
                    let jitter: f64 = rand::rng().random();
                    let wait = backoff(
                        self.settings.backoff_base,
                        self.settings.backoff_cap,
                        attempts,
                        jitter,
                    );
                    self.db
                        .webhook_retry(d.id, attempts, now_ms + wait.as_millis() as i64, &reason)
                        .await?;
                }
            }
        }
        Ok(())
    }

    async fn disable(&self, sub: &Subscription, reason: &str) -> Result<(), StoreError> {
        self.metrics.webhook_disabled.inc();
        tracing::warn!(subscription = %sub.id, host = %sub.host, reason, "webhook subscription disabled");
        self.db
            .disable_webhook_subscription(&sub.id, reason, self.clock.now())
            .await
    }

    /// Sends `body` to the subscription's URL, at addresses resolved and checked just now.
    async fn send(&self, sub: &Subscription, d: &Claimed, body: &str) -> (Outcome, Vec<u8>) {
        let sealer = self.sealer();
        let (Ok(url), Ok(secret)) = (
            sealer.open(&sub.id, &sub.url),
            sealer.open(&sub.id, &sub.secret),
        ) else {
            return (Outcome::Sealed, Vec::new());
        };
        let target = match address::parse(&url, self.settings.policy) {
            Ok(t) => t,
            Err(r) => return (Outcome::Refused(r), Vec::new()),
        };
        let addrs = match target.resolve().await {
            Ok(a) => a,
            Err(r) => return (Outcome::Refused(r), Vec::new()),
        };
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.settings.timeout)
            .timeout(self.settings.timeout)
            .user_agent("downtally-webhooks/1 (+https://github.com/downtally)")
            .https_only(!target.loopback_only);
        if target.literal().is_none() {
            // Connect to exactly the addresses checked: reqwest resolves nothing itself.
            builder = builder.resolve_to_addrs(&target.host, &addrs);
        }
        let Ok(client) = builder.build() else {
            return (Outcome::Failed, Vec::new());
        };
        let t = wall_ms() / 1000;
        let response = client
            .post(target.url.clone())
            .header("Content-Type", "application/json")
            .header(EVENT_HEADER, d.kind.as_str())
            .header(DELIVERY_HEADER, d.delivery_id.as_str())
            .header(SIGNATURE_HEADER, signature(&secret, t, body.as_bytes()))
            .body(body.to_owned())
            .send()
            .await;
        let mut response = match response {
            Ok(r) => r,
            Err(e) => return (classify(&e), Vec::new()),
        };
        let status = response.status();
        let mut answer = Vec::new();
        while answer.len() < ANSWER_LIMIT {
            match response.chunk().await {
                Ok(Some(chunk)) => answer.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) if d.kind == CHALLENGE => return (classify(&e), Vec::new()),
                Err(_) => break, // the status decided already
            }
        }
        answer.truncate(ANSWER_LIMIT);
        let outcome = if status.is_success() {
            Outcome::Delivered
        } else if status.as_u16() == 410 {
            Outcome::Gone
        } else {
            Outcome::Status(status.as_u16())
        };
        (outcome, answer)
    }
}

/// A request error as an outcome; reqwest's own text names the URL and is never kept.
fn classify(e: &reqwest::Error) -> Outcome {
    if e.is_timeout() {
        Outcome::Timeout
    } else if e.is_connect() {
        Outcome::Connect
    } else {
        Outcome::Failed
    }
}
