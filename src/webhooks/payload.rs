//! What deliveries carry. Downtally's JSON: the event (type, id, time, subscription, reason) and the
//! outage as `GET /api/v1/outages/{id}` shows it, without the evidence and the incident group (follow
//! `outage.url` for those). Slack's: `{"text": …}`, one English line with the permalink. Built here,
//! below `web/` (no layer reaches up); the OpenAPI document names these types.

use super::{CHALLENGE, CODE, Webhooks};
use crate::clock::rfc3339;
use crate::outage_facts::{OutageFacts, StatementFacts};
use crate::store::{Claimed, StoreError, StoredOutage, Subscription};
use serde::Serialize;
use utoipa::ToSchema;

/// One event, as downtally's JSON format delivers it (`Content-Type: application/json`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "outage.started",
    "id": "evt_1f0c2a9b3d4e5f6a7b8c9d0e.sub_0a1b2c3d4e5f6a7b8c9d0e1f",
    "created_at": "2026-12-10T09:14:00Z",
    "subscription": "sub_0a1b2c3d4e5f6a7b8c9d0e1f",
    "reason": null,
    "outage": {
        "id": 42, "service": "monzo", "service_name": "Monzo", "region": null,
        "started_at": "2026-12-10T09:12:00Z", "ended_at": null, "ongoing": true,
        "peak_at": "2026-12-10T09:13:00Z", "peak_count": 61.0, "baseline_at_peak": 4.2,
        "top_problems": [{"problem": "login", "reports": 130}],
        "regions": [{"region": "GB-ENG", "reports": 88}],
        "permalink": "https://downtally.example/outages/42",
        "url": "https://downtally.example/api/v1/outages/42",
        "statements": []
    }
}))]
pub struct WebhookEvent {
    /// `outage.started`, `outage.updated` or `outage.resolved`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The delivery's idempotency id, also in the `Downtally-Delivery` header: the same on every
    /// retry of this delivery; a receiver that has seen it may ignore it.
    pub id: String,
    /// When the event happened (RFC 3339, UTC).
    pub created_at: String,
    pub subscription: String,
    /// For `outage.updated`: `improving` (the status went from outage to improving), `peak_rose`
    /// (at least twice the peak an earlier event carried) or `statement` (the service said something).
    pub reason: Option<String>,
    pub outage: WebhookOutage,
}

/// The outage, as it is when the delivery is first attempted: its facts as the API shows them
/// (`outage_facts.rs`), the service's name, its API address and the statements.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookOutage {
    #[serde(flatten)]
    pub facts: OutageFacts,
    pub service_name: String,
    /// The outage in the API (`GET /api/v1/outages/{id}`), with its evidence and incident group.
    pub url: String,
    /// The service's own words, oldest first.
    pub statements: Vec<StatementFacts>,
}

/// The challenge a JSON subscription is confirmed by: the receiver answers 2xx with the
/// `challenge` value as its body, or as `{"challenge": "…"}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "subscription.challenge",
    "id": "chl_5e6f7a8b9c0d1e2f3a4b5c6d",
    "created_at": "2026-12-10T09:00:00Z",
    "subscription": "sub_0a1b2c3d4e5f6a7b8c9d0e1f",
    "challenge": "chl_5e6f7a8b9c0d1e2f3a4b5c6d"
}))]
pub struct WebhookChallenge {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    pub created_at: String,
    pub subscription: String,
    pub challenge: String,
}

/// The Slack format's body.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlackMessage {
    pub text: String,
}

/// The challenge body of a new JSON subscription.
pub fn challenge_body(subscription: &str, challenge: &str, now: i64) -> String {
    serde_json::to_string(&WebhookChallenge {
        kind: CHALLENGE.to_owned(),
        id: challenge.to_owned(),
        created_at: rfc3339(now),
        subscription: subscription.to_owned(),
        challenge: challenge.to_owned(),
    })
    .expect("serializes")
}

/// The first Slack message of a new subscription: the code to confirm it with.
pub fn code_body(subscription: &str, what: &str, code: &str, public_url: &str) -> String {
    serde_json::to_string(&SlackMessage {
        text: format!(
            "downtally: someone subscribed this channel to outage alerts for {what}. To start them, \
             confirm with code {code}: POST {public_url}/api/v1/subscriptions/{subscription}/confirm \
             with {{\"code\": \"{code}\"}} and the subscription's secret. Ignore this message if you \
             did not ask for it; nothing else will be sent."
        ),
    })
    .expect("serializes")
}

/// Whether an answer body echoes the challenge: the bare value, or JSON `{"challenge": "…"}`.
pub fn echoes_challenge(body: &[u8], challenge: &str) -> bool {
    let text = String::from_utf8_lossy(body);
    if text.trim() == challenge {
        return true;
    }
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| {
            v.get("challenge")
                .and_then(|c| c.as_str())
                .map(|c| c == challenge)
        })
        .unwrap_or(false)
}

impl Webhooks {
    /// The body of an outage event for `sub`, built from the outage as stored now.
    pub(crate) async fn event_body(
        &self,
        sub: &Subscription,
        d: &Claimed,
    ) -> Result<Option<String>, StoreError> {
        let Some(outage_id) = d.outage_id else {
            return Ok(None);
        };
        let Some(stored) = self.db.outage(outage_id).await? else {
            return Ok(None);
        };
        let statements = self.db.statements(&[outage_id]).await?;
        let outage = self.outage_payload(&stored, statements);
        let body = if sub.format == "slack" {
            serde_json::to_string(&SlackMessage {
                text: slack_text(&d.kind, d.reason.as_deref(), &outage),
            })
        } else {
            serde_json::to_string(&WebhookEvent {
                kind: d.kind.clone(),
                id: d.delivery_id.clone(),
                created_at: rfc3339(d.created_at),
                subscription: sub.id.clone(),
                reason: d.reason.clone(),
                outage,
            })
        };
        Ok(Some(body.expect("serializes")))
    }

    fn outage_payload(
        &self,
        stored: &StoredOutage,
        statements: Vec<crate::store::Statement>,
    ) -> WebhookOutage {
        let r = &stored.record;
        WebhookOutage {
            facts: OutageFacts::new(&self.public_url, stored),
            service_name: self
                .catalog
                .get(r.service.as_str())
                .map_or_else(|| r.service.to_string(), |s| s.name.clone()),
            url: format!("{}/api/v1/outages/{}", self.public_url, stored.id),
            statements: StatementFacts::all(statements),
        }
    }
}

/// `CODE` deliveries carry their body from the start; this names the kinds that do.
pub fn has_fixed_body(kind: &str) -> bool {
    kind == CHALLENGE || kind == CODE
}

/// One English line for Slack: what happened, to whom, where, how high, and the permalink.
pub fn slack_text(kind: &str, reason: Option<&str>, o: &WebhookOutage) -> String {
    let place = match &o.facts.region {
        Some(r) => format!(" in {r}"),
        None => String::new(),
    };
    let time = |t: &str| t.replace('T', " ").replace('Z', " UTC");
    let ratio = match o.facts.ratio_to_normal {
        Some(ratio) => format!(
            ", peak {:.0} reports a minute ({ratio:.1}× normal)",
            o.facts.peak_count
        ),
        None => format!(", peak {:.0} reports a minute", o.facts.peak_count),
    };
    let problems: Vec<&str> = o
        .facts
        .top_problems
        .iter()
        .take(3)
        .map(|p| p.problem.as_str())
        .collect();
    let problems = if problems.is_empty() {
        String::new()
    } else {
        format!("; most reported: {}", problems.join(", "))
    };
    let head = match (kind, reason) {
        ("outage.started", _) => format!(
            "{}: outage{place} since {}",
            o.service_name,
            time(&o.facts.started_at)
        ),
        ("outage.resolved", _) => format!(
            "{}: outage{place} over at {} (since {})",
            o.service_name,
            time(o.facts.ended_at.as_deref().unwrap_or("")),
            time(&o.facts.started_at)
        ),
        (_, Some("improving")) => format!("{}: outage{place} improving", o.service_name),
        (_, Some("statement")) => {
            let said = o.statements.last().map_or("", |s| s.text.as_str());
            format!(
                "{}: the service says \"{said}\" about its outage{place}",
                o.service_name
            )
        }
        _ => format!("{}: outage{place} growing", o.service_name),
    };
    format!("{head}{ratio}{problems}. {}", o.facts.permalink)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outage() -> WebhookOutage {
        WebhookOutage {
            facts: OutageFacts {
                id: 42,
                service: "monzo".into(),
                region: None,
                started_at: "2026-12-10T09:12:00Z".into(),
                ended_at: None,
                ongoing: true,
                closed_by: None,
                peak_at: "2026-12-10T09:13:00Z".into(),
                peak_count: 60.0,
                baseline_at_peak: 4.0,
                ratio_to_normal: Some(15.0),
                top_problems: vec![crate::outage_facts::ProblemTally {
                    problem: "login".into(),
                    reports: 130,
                }],
                regions: vec![],
                permalink: "https://downtally.example/outages/42".into(),
            },
            service_name: "Monzo".into(),
            url: "https://downtally.example/api/v1/outages/42".into(),
            statements: vec![],
        }
    }

    #[test]
    fn slack_lines_read_as_english() {
        assert_eq!(
            slack_text("outage.started", None, &outage()),
            "Monzo: outage since 2026-12-10 09:12:00 UTC, peak 60 reports a minute (15.0× normal); \
             most reported: login. https://downtally.example/outages/42"
        );
        let mut o = outage();
        o.facts.ended_at = Some("2026-12-10T10:00:00Z".into());
        o.facts.region = Some("GB-ENG".into());
        assert!(
            slack_text("outage.resolved", None, &o)
                .starts_with("Monzo: outage in GB-ENG over at 2026-12-10 10:00:00 UTC")
        );
        assert!(slack_text("outage.updated", Some("improving"), &o).contains("improving"));
    }

    #[test]
    fn challenges_are_echoed_bare_or_in_json() {
        assert!(echoes_challenge(b"chl_1", "chl_1"));
        assert!(echoes_challenge(b"{\"challenge\":\"chl_1\"}", "chl_1"));
        assert!(!echoes_challenge(b"ok", "chl_1"));
        assert!(!echoes_challenge(b"{\"challenge\":\"chl_2\"}", "chl_1"));
    }
}
