//! The OpenAPI 3.1 document of the API (`GET /api/v1/openapi.json`), generated from the handlers'
//! `#[utoipa::path]` annotations and the bodies' `ToSchema` derives, so it cannot drift from the
//! code: a handler or body that changes changes the document (and
//! `tests/api/openapi_schemathesis.rs` runs schemathesis against both).

use super::errors::Problem;
use actix_web::HttpResponse;
use std::sync::OnceLock;
use utoipa::OpenApi;

/// The data's licence, stated in the document and on `/api`.
pub const DATA_LICENCE: &str = "CC BY 4.0";
pub const DATA_LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "downtally API",
        version = "1",
        description = "Crowd-sourced reports of problems with banks and payment services, counted \
            per bucket and compared with what is normal for each service at that hour of the week, \
            and the outages downtally declares from them. Every GET is public, needs no key and \
            may be cached. The data is published under CC BY 4.0: cite it as \
            \"downtally (crowd-sourced reports)\" with a link to the page or permalink the numbers \
            come from. Version 1 keeps its fields: new fields may be added, none is removed or \
            changed in meaning; a version that must break is published as /api/v2 and /api/v1 \
            keeps answering for at least 12 months after, its answers carrying `Deprecation` and \
            `Sunset` headers (RFC 9745, RFC 8594).",
        license(name = "CC BY 4.0 (the data)", url = "https://creativecommons.org/licenses/by/4.0/"),
    ),
    paths(
        super::api_series::series,
        super::api::create_report,
        super::api_outages::outage,
        // The `api` helper's block (issue 13 §1).
        super::api_services::services,
        super::api_services::service,
        super::api_outage_list::outages,
        super::api_reports::report,
        // Feeds, badges, oEmbed, Statuspage (issue 13 §3).
        super::oembed::oembed,
        super::pages::statuspage::status_json,
        super::pages::statuspage::summary_json,
        // Webhooks (issue 13 §4).
        super::api_subscriptions::create,
        super::api_subscriptions::show,
        super::api_subscriptions::delete,
        super::api_subscriptions::confirm,
    ),
    components(schemas(
        Problem,
        crate::webhooks::payload::WebhookEvent,
        crate::webhooks::payload::WebhookOutage,
        crate::outage_facts::OutageFacts,
        crate::outage_facts::ProblemTally,
        crate::outage_facts::RegionTally,
        crate::outage_facts::StatementFacts,
        crate::webhooks::payload::WebhookChallenge,
        crate::webhooks::payload::SlackMessage,
        super::api_series::SeriesStep,
        super::api_series::SeriesSplit,
        super::api_series::SeriesFormat,
        super::api_series::SeriesProblem,
    )),
    modifiers(&Webhooks),
    tags(
        (name = "data", description = "Services, counts with their normal, outages"),
        (name = "reports", description = "Filing a report"),
        (name = "embeds", description = "oEmbed 1.0 for service pages, outage permalinks and the map embed"),
        (name = "statuspage", description = "Each service as an Atlassian Statuspage v2 page (read-only): \
            indicator none (normal, unknown), minor (elevated, improving), major (outage); never critical"),
        (name = "webhooks", description = WEBHOOKS_DESCRIPTION),
    )
)]
pub struct ApiDoc;

/// How deliveries are made and checked (the `webhooks` tag's description, and each webhook's).
const WEBHOOKS_DESCRIPTION: &str = "Subscribe a URL to a service's or a country's outage events. \
Each delivery is a POST with `Content-Type: application/json`, the headers `Downtally-Event` (the \
type), `Downtally-Delivery` (an idempotency id, also `id` in the body: the same on every retry) and \
`Downtally-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is HMAC-SHA256 keyed with the \
subscription's secret over `<t>.<body>` (the raw bytes received). Check it before trusting a body, \
and refuse a `t` more than 5 minutes away from your clock. In Python:\n\n\
```python\n\
import hmac, hashlib, time\n\
def verify(secret: str, header: str, body: bytes, tolerance=300) -> bool:\n\
    parts = dict(p.split('=', 1) for p in header.split(','))\n\
    t = parts.get('t', '')\n\
    if not t.isdigit() or abs(time.time() - int(t)) > tolerance:\n\
        return False\n\
    mac = hmac.new(secret.encode(), t.encode() + b'.' + body, hashlib.sha256).hexdigest()\n\
    return hmac.compare_digest(mac, parts.get('v1', ''))\n\
```\n\n\
Answer 2xx within 10 seconds; anything else (or no answer) is retried with exponential backoff and \
jitter (30 s doubling to at most an hour) for 24 hours, after which the subscription is disabled with \
the reason kept (`GET /api/v1/subscriptions/{id}`); 410 Gone disables it at once. Events of one \
subscription arrive in order (`outage.resolved` never before its `outage.started`); a delivery may \
arrive twice (use its id). Redirects are not followed. Format `json` delivers `WebhookEvent`; \
format `slack` delivers `SlackMessage` (`{\"text\": …}`, one English line with the permalink).";

/// The top-level `webhooks` of OpenAPI 3.1: what downtally POSTs to subscribers, the secret as a
/// security scheme of the subscription endpoints.
struct Webhooks;

impl utoipa::Modify for Webhooks {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{OperationBuilder, ParameterBuilder, ParameterIn};
        use utoipa::openapi::request_body::RequestBodyBuilder;
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        use utoipa::openapi::{
            Content, HttpMethod, ObjectBuilder, PathItem, PathsBuilder, Ref, Required, Response,
            Type,
        };
        let header = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Header)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build()
        };
        let hook = |event: &str, summary: &str, schema: &str| {
            let body = RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    Content::new(Some(Ref::from_schema_name(schema))),
                )
                .build();
            PathItem::new(
                HttpMethod::Post,
                OperationBuilder::new()
                    .summary(Some(summary))
                    .description(Some(WEBHOOKS_DESCRIPTION))
                    .tag("webhooks")
                    .operation_id(Some(event))
                    .parameter(header("Downtally-Event", "The event type"))
                    .parameter(header(
                        "Downtally-Delivery",
                        "The idempotency id, the same on every retry",
                    ))
                    .parameter(header(
                        "Downtally-Signature",
                        "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>",
                    ))
                    .request_body(Some(body))
                    .response("200", Response::new("Received (any 2xx)"))
                    .response("410", Response::new("Gone: the subscription is disabled")),
            )
        };
        doc.webhooks = Some(
            PathsBuilder::new()
                .path(
                    "outage.started",
                    hook("outage.started", "An outage was declared", "WebhookEvent"),
                )
                .path(
                    "outage.updated",
                    hook(
                        "outage.updated",
                        "An outage improved, its peak doubled, or the service made a statement",
                        "WebhookEvent",
                    ),
                )
                .path(
                    "outage.resolved",
                    hook("outage.resolved", "An outage is over", "WebhookEvent"),
                )
                .path(
                    "subscription.challenge",
                    hook(
                        "subscription.challenge",
                        "Confirm a json subscription: answer 2xx with the challenge",
                        "WebhookChallenge",
                    ),
                )
                .path(
                    "slack",
                    hook(
                        "slack",
                        "What a slack subscription receives (its first message carries the code)",
                        "SlackMessage",
                    ),
                )
                .build(),
        );
        if let Some(components) = doc.components.as_mut() {
            components.add_security_scheme(
                "subscription_secret",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The document as JSON, built once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
        super::api_services::list_known_values(&mut doc);
        serde_json::to_string_pretty(&doc).expect("the OpenAPI document serializes")
    })
}

/// `GET /api/v1/openapi.json`.
pub(super) async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .body(document_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_and_names_every_api_route() {
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        assert!(
            doc["info"]["license"]["name"]
                .as_str()
                .unwrap()
                .contains(DATA_LICENCE)
        );
        let paths = doc["paths"].as_object().unwrap();
        for route in super::super::route_table() {
            let pattern = route.0;
            if pattern.starts_with("/api/v1/") && pattern != "/api/v1/openapi.json" {
                assert!(paths.contains_key(pattern), "{pattern} is not documented");
            }
        }
    }

    #[test]
    fn the_document_describes_the_webhooks_and_their_signature() {
        let doc: serde_json::Value = serde_json::from_str(document_json()).unwrap();
        for event in ["outage.started", "outage.updated", "outage.resolved"] {
            let op = &doc["webhooks"][event]["post"];
            assert_eq!(
                op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/WebhookEvent"
            );
            assert!(
                op["description"]
                    .as_str()
                    .unwrap()
                    .contains("hmac.compare_digest")
            );
        }
        let event = &doc["components"]["schemas"]["WebhookEvent"];
        assert!(event["properties"]["outage"].is_object());
        assert!(doc["components"]["securitySchemes"]["subscription_secret"].is_object());
    }
}
