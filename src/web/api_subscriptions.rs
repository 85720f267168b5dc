//! Webhook subscriptions: `POST /api/v1/subscriptions`, `GET`/`DELETE /api/v1/subscriptions/{id}`,
//! `POST /api/v1/subscriptions/{id}/confirm` (see `webhooks/` for deliveries). The subscriber's URL is
//! a secret: no answer, error or log line here carries it (answers name its host).

use super::AppState;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use super::request::{client_ip, read_body, require_json};
use crate::clock::rfc3339;
use crate::store::{FirstDelivery, Subscription};
use crate::webhooks::{
    self, CHALLENGE, CODE, EventKind, MAX_PER_HOST, MAX_PER_URL, address, payload,
};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Wrong confirmation codes before a Slack subscription is disabled.
const MAX_CODE_ATTEMPTS: i32 = 5;

/// A new subscription: a URL and either a service or a country.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://hooks.example.com/downtally", "service": "monzo", "format": "json"}))]
pub(super) struct CreateSubscription {
    /// Where deliveries go: `https://`, on a host whose every address is public. A secret: never
    /// shown again, logged or echoed.
    url: String,
    /// A service slug (as in `GET /api/v1/services`): its outages, service-wide and regional.
    service: Option<String>,
    /// Or an ISO 3166-1 alpha-2 country: the outages of every service there.
    country: Option<String>,
    /// `json` (downtally's events, default) or `slack` (`{"text": …}`).
    format: Option<String>,
    /// Which events (default all): `outage.started`, `outage.updated`, `outage.resolved`.
    events: Option<Vec<String>>,
}

/// A subscription as its owner sees it (no URL, no secret).
#[derive(Serialize, ToSchema)]
pub(super) struct SubscriptionBody {
    id: String,
    /// The URL's host (the URL itself is never shown).
    host: String,
    format: String,
    service: Option<String>,
    country: Option<String>,
    events: Vec<String>,
    /// `pending` (not confirmed yet), `active` or `disabled`.
    state: String,
    /// Why it was disabled (24 hours of failed deliveries, 410 Gone, wrong codes).
    disabled_reason: Option<String>,
    created_at: String,
}

/// The answer to a new subscription: its secret, shown this once.
#[derive(Serialize, ToSchema)]
pub(super) struct SubscriptionCreated {
    #[serde(flatten)]
    subscription: SubscriptionBody,
    /// The HMAC-SHA256 key of `Downtally-Signature`, and the bearer token that confirms and
    /// deletes the subscription. Shown once.
    secret: String,
    /// What happens next: the challenge (json) or the code (slack).
    confirmation: String,
}

/// The code a Slack subscription's first message carried.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfirmCode {
    code: String,
}

fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::new(Kind::Unprocessable, message)
}

/// The body as JSON, with an error that never quotes it (it holds the URL).
fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => unprocessable(format!(
                "a field is missing, unknown or of the wrong type (line {}, column {})",
                e.line(),
                e.column()
            )),
            _ => ApiError::new(
                Kind::BadRequest,
                format!(
                    "the body is not JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            ),
        }
    })
}

fn body_of(s: &Subscription) -> SubscriptionBody {
    SubscriptionBody {
        id: s.id.clone(),
        host: s.host.clone(),
        format: s.format.clone(),
        service: s.service.clone(),
        country: s.country.clone(),
        events: EventKind::from_bits(s.events)
            .into_iter()
            .map(|k| k.as_str().to_owned())
            .collect(),
        state: s.state.clone(),
        disabled_reason: s.disabled_reason.clone(),
        created_at: rfc3339(s.created_at),
    }
}

/// The subscription `id` when the request carries its secret as `Authorization: Bearer …`.
async fn authorized(
    state: &AppState,
    req: &HttpRequest,
    id: &str,
) -> Result<Subscription, ApiError> {
    let missing = || ApiError::new(Kind::NotFound, "no such subscription");
    if !id.starts_with("sub_") || id.len() > 64 {
        return Err(missing());
    }
    let sub = state
        .db
        .webhook_subscription(id)
        .await?
        .ok_or_else(missing)?;
    let secret = state
        .webhooks
        .sealer()
        .open(&sub.id, &sub.secret)
        .map_err(ApiError::internal)?;
    let given = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !webhooks::secret_matches(given.trim(), &secret) {
        return Err(ApiError::new(
            Kind::Unauthorized,
            "give the subscription's secret as Authorization: Bearer <secret>",
        ));
    }
    Ok(sub)
}

/// Subscribe a URL to a service's or a country's outage events.
///
/// The URL must be `https://` on a host whose every address is public; it is checked again before
/// each delivery, and deliveries connect to the address checked. Nothing is sent but the
/// confirmation until the subscription is confirmed: a `json` receiver answers the challenge
/// (`{"type": "subscription.challenge", "challenge": "…"}`, answered 2xx with the challenge as
/// the body or as `{"challenge": "…"}`); a `slack` channel receives a code, entered at
/// `POST /api/v1/subscriptions/{id}/confirm`. Deliveries are signed with the secret
/// (`Downtally-Signature`, see the `WebhookEvent` schema). Each network may create a few
/// subscriptions a minute (429 with `Retry-After` beyond), and one URL may have 25.
#[utoipa::path(
    post,
    path = "/api/v1/subscriptions",
    tag = "webhooks",
    request_body(content = CreateSubscription, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, pending confirmation; the secret is shown this once", body = SubscriptionCreated),
        (status = 400, description = "Not JSON", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "Body over 8 KiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "Not `application/json`", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A refused URL (not https, not public, unresolvable), an unknown service or country, an unknown event, or too many subscriptions for this URL", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "This network created too many subscriptions lately", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_json(&req)?;
    let body = read_body(&req, payload).await?;
    let input: CreateSubscription = parse_json(&body)?;
    let hooks = &state.webhooks;
    let format = match input.format.as_deref().unwrap_or("json") {
        f @ ("json" | "slack") => f,
        _ => return Err(unprocessable("format must be \"json\" or \"slack\"")),
    };
    let (service, country, what) = match (input.service, input.country) {
        (Some(slug), None) => {
            let Some(s) = state.catalog.get(&slug) else {
                return Err(unprocessable(format!("unknown service {slug:?}")));
            };
            (Some(slug), None, s.name.clone())
        }
        (None, Some(c)) => {
            let c = c.to_ascii_uppercase();
            let known = c.len() == 2
                && state
                    .catalog
                    .services()
                    .iter()
                    .any(|s| s.countries.contains(&c));
            if !known {
                return Err(unprocessable(format!(
                    "no service is listed in country {c:?}"
                )));
            }
            let what = format!("services in {c}");
            (None, Some(c), what)
        }
        _ => return Err(unprocessable("give either service or country")),
    };
    let events = match input.events {
        None => EventKind::ALL.iter().map(|k| k.bit()).sum(),
        Some(list) if list.is_empty() => return Err(unprocessable("events is empty")),
        Some(list) => {
            let mut bits = 0;
            for e in &list {
                bits |= EventKind::parse(e)
                    .ok_or_else(|| unprocessable(format!("unknown event {e:?}")))?
                    .bit();
            }
            bits
        }
    };
    let target = address::parse(&input.url, hooks.settings().policy)
        .map_err(|r| unprocessable(r.to_string()))?;
    // A token from this network's subscription budget before any DNS work.
    let now = state.clock.now();
    let salt = state.intake.salts().for_time(now).await?;
    let network = crate::privacy::network_key(&salt, client_ip(&req, &state.trusted_proxies))
        .for_subscriptions();
    let waits = state
        .counts
        .take_tokens_or_local(
            std::slice::from_ref(&network),
            state.clock.now_ms(),
            &hooks.settings().create_rate,
        )
        .await;
    if let Some(wait) = waits.first().copied().flatten() {
        return Err(ApiError::new(
            Kind::TooManyRequests,
            "this network created too many subscriptions lately",
        )
        .retry_after(Some(wait)));
    }
    target
        .resolve()
        .await
        .map_err(|r| unprocessable(r.to_string()))?;
    let url = target.url.to_string();
    let sealer = hooks.sealer();
    let url_digest = sealer.url_digest(&url);
    let (same_url, same_host) = state.db.webhook_counts(&url_digest, &target.host).await?;
    if same_url >= MAX_PER_URL {
        return Err(unprocessable(format!(
            "this URL has {MAX_PER_URL} subscriptions already"
        )));
    }
    if same_host >= MAX_PER_HOST {
        return Err(unprocessable(
            "this host has too many subscriptions already",
        ));
    }
    let id = webhooks::new_id("sub_");
    let secret = webhooks::new_secret();
    let now_ms = webhooks::wall_ms();
    let (confirm_token, first, confirmation) = if format == "json" {
        let challenge = webhooks::new_id("chl_");
        let first = FirstDelivery {
            delivery_id: challenge.clone(),
            kind: CHALLENGE,
            body: payload::challenge_body(&id, &challenge, now),
            now_ms,
        };
        (
            challenge,
            first,
            "a challenge is on its way: answer it 2xx with its `challenge` value as the body (or as \
             {\"challenge\": \"…\"}); events follow once it is answered"
                .to_owned(),
        )
    } else {
        let code = webhooks::new_code();
        let first = FirstDelivery {
            delivery_id: webhooks::new_id("cod_"),
            kind: CODE,
            body: payload::code_body(&id, &what, &code, &state.public_url),
            now_ms,
        };
        (
            webhooks::digest(&code),
            first,
            format!(
                "a code is on its way to the channel: POST it to /api/v1/subscriptions/{id}/confirm \
                 as {{\"code\": \"…\"}} with Authorization: Bearer <secret>"
            ),
        )
    };
    let sub = Subscription {
        id: id.clone(),
        url: sealer.seal(&id, &url),
        url_digest,
        host: target.host.clone(),
        secret: sealer.seal(&id, &secret),
        format: format.to_owned(),
        service,
        country,
        events,
        state: "pending".to_owned(),
        confirm_token: Some(confirm_token),
        confirm_attempts: 0,
        disabled_reason: None,
        created_at: now,
    };
    state.db.insert_webhook_subscription(&sub, &first).await?;
    hooks.wake();
    tracing::info!(subscription = %id, host = %sub.host, format, "webhook subscription created");
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/subscriptions/{id}")))
        .insert_header(("Cache-Control", "no-store"))
        .json(SubscriptionCreated {
            subscription: body_of(&sub),
            secret,
            confirmation,
        }))
}

/// A subscription's state (and why it was disabled), for its owner.
#[utoipa::path(
    get,
    path = "/api/v1/subscriptions/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription", example = "sub_0a1b2c3d4e5f6a7b8c9d0e1f")),
    security(("subscription_secret" = [])),
    responses(
        (status = 200, description = "The subscription (no URL, no secret)", body = SubscriptionBody),
        (status = 401, description = "No or a wrong secret", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No such subscription", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sub = authorized(&state, &req, &id).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(body_of(&sub)))
}

/// Unsubscribe: the subscription and its queued deliveries are deleted.
#[utoipa::path(
    delete,
    path = "/api/v1/subscriptions/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription", example = "sub_0a1b2c3d4e5f6a7b8c9d0e1f")),
    security(("subscription_secret" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No or a wrong secret", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No such subscription", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn delete(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let sub = authorized(&state, &req, &id).await?;
    state.db.delete_webhook_subscription(&sub.id).await?;
    tracing::info!(subscription = %sub.id, host = %sub.host, "webhook subscription deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm a Slack subscription with the code its first message carried (five wrong codes
/// disable it).
#[utoipa::path(
    post,
    path = "/api/v1/subscriptions/{id}/confirm",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription", example = "sub_0a1b2c3d4e5f6a7b8c9d0e1f")),
    security(("subscription_secret" = [])),
    request_body(content = ConfirmCode, content_type = "application/json"),
    responses(
        (status = 200, description = "Confirmed: events follow", body = SubscriptionBody),
        (status = 400, description = "Not JSON", body = Problem, content_type = PROBLEM_JSON),
        (status = 401, description = "No or a wrong secret", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "No such subscription", body = Problem, content_type = PROBLEM_JSON),
        (status = 413, description = "Body over 8 KiB", body = Problem, content_type = PROBLEM_JSON),
        (status = 415, description = "Not `application/json`", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "A wrong code, or a subscription that is not a pending Slack one", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn confirm(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_json(&req)?;
    let body = read_body(&req, payload).await?;
    let sub = authorized(&state, &req, &id).await?;
    let input: ConfirmCode = parse_json(&body)?;
    if sub.format != "slack" || sub.state != "pending" {
        return Err(unprocessable(
            "only a pending slack subscription is confirmed by code (json ones answer the challenge)",
        ));
    }
    let now = state.clock.now();
    if sub.confirm_token.as_deref() != Some(webhooks::digest(input.code.trim()).as_str()) {
        let attempts = state.db.webhook_confirm_attempt(&sub.id, now).await?;
        if attempts >= MAX_CODE_ATTEMPTS {
            state
                .db
                .disable_webhook_subscription(&sub.id, "too many wrong confirmation codes", now)
                .await?;
            state.metrics.webhook_disabled.inc();
        }
        return Err(unprocessable("wrong code"));
    }
    state.db.activate_webhook_subscription(&sub.id, now).await?;
    let sub = state.db.webhook_subscription(&sub.id).await?.unwrap_or(sub);
    tracing::info!(subscription = %sub.id, host = %sub.host, "webhook subscription confirmed");
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(body_of(&sub)))
}
