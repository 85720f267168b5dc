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
        super::api::services,
        super::api_series::series,
        super::api::create_report,
        super::api_outages::outage,
    ),
    components(schemas(
        Problem,
        super::api_series::SeriesStep,
        super::api_series::SeriesSplit,
        super::api_series::SeriesFormat,
        super::api_series::SeriesProblem,
    )),
    tags(
        (name = "data", description = "Services, counts with their normal, outages"),
        (name = "reports", description = "Filing a report"),
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
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
}
