//! `GET /api/v1/services` (filtered by country, category, name and status) and
//! `GET /api/v1/services/{slug}` (one service: its links, status, open outage, and the problem
//! shares of the current incident and of the last 24 hours, read as the service page reads them).

use super::AppState;
use super::api_evidence::{StatusBody, status_body};
use super::api_layer::api_budget_note;
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::catalog::{Category, Service};
use crate::clock::rfc3339;
use crate::counts::buckets::DAY;
use crate::detect::Status;
use crate::detect::VerdictEvidence;
use crate::domain::{ProblemKind, ServiceSlug};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// Longest `q` accepted.
const MAX_QUERY_CHARS: usize = 100;

/// Where a service's data is, as absolute URLs.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "page": "https://downtally.example/s/monzo",
    "api": "https://downtally.example/api/v1/services/monzo",
    "series": "https://downtally.example/api/v1/services/monzo/series",
    "feed": "https://downtally.example/s/monzo/feed.atom",
    "badge": "https://downtally.example/badge/monzo.svg",
    "statuspage": "https://downtally.example/s/monzo/api/v2/status.json"
}))]
pub(super) struct ServiceLinks {
    /// The service's page.
    page: String,
    /// Its details in this API.
    api: String,
    /// Its reports per bucket with their normal.
    series: String,
    /// Its outages as an Atom feed.
    feed: String,
    /// Its status as an SVG badge.
    badge: String,
    /// Its status in the Atlassian Statuspage format.
    statuspage: String,
}

impl ServiceLinks {
    fn of(base: &str, slug: &str) -> Self {
        Self {
            page: format!("{base}/s/{slug}"),
            api: format!("{base}/api/v1/services/{slug}"),
            series: format!("{base}/api/v1/services/{slug}/series"),
            feed: format!("{base}/s/{slug}/feed.atom"),
            badge: format!("{base}/badge/{slug}.svg"),
            statuspage: format!("{base}/s/{slug}/api/v2/status.json"),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct ServiceEntry<'a> {
    #[schema(example = "monzo")]
    slug: &'a str,
    #[schema(example = "Monzo")]
    name: &'a str,
    /// ISO 3166-1 alpha-2 codes, the main country first.
    #[schema(example = json!(["GB"]))]
    countries: &'a [String],
    /// `bank`, `neobank`, `card` or `payments`.
    #[schema(example = "neobank")]
    category: &'a str,
    website: &'a str,
    /// The service's own status page, if it has one.
    status_page: Option<&'a str>,
    /// Current status (`code`), since when (`since`), its meaning and Statuspage indicator, the
    /// open outage and what decided it.
    status: StatusBody,
    /// The open outage (as `status.outage_id`), or `null`.
    #[schema(example = 42)]
    open_outage_id: Option<i64>,
    links: ServiceLinks,
}

impl<'a> ServiceEntry<'a> {
    fn new(state: &AppState, s: &'a Service, evidence: Option<&VerdictEvidence>) -> Self {
        let status = state.board.get(&s.slug);
        Self {
            slug: s.slug.as_str(),
            name: &s.name,
            countries: &s.countries,
            category: s.category.code(),
            website: &s.website,
            status_page: s.status_page.as_deref(),
            open_outage_id: status.outage_id,
            status: status_body(&status, evidence),
            links: ServiceLinks::of(&state.public_url, s.slug.as_str()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub(super) struct ServicesBody<'a> {
    services: Vec<ServiceEntry<'a>>,
}

/// The categories, as the document lists them (the handler reads the text: a wrong one is a 422,
/// not a 400).
#[derive(ToSchema)]
#[allow(dead_code, reason = "for the OpenAPI document only")]
#[schema(rename_all = "snake_case")]
pub(super) enum CategoryCode {
    Bank,
    Neobank,
    Card,
    Payments,
}

/// The statuses, as the document lists them (`detect::Status`).
#[derive(ToSchema)]
#[allow(dead_code, reason = "for the OpenAPI document only")]
#[schema(rename_all = "snake_case")]
pub(super) enum StatusCode {
    Normal,
    Elevated,
    Improving,
    Outage,
    Unknown,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ServicesQuery {
    /// Services that serve this country (ISO 3166-1 alpha-2, any case).
    #[param(example = "GB", pattern = "^[A-Za-z]{2}$")]
    country: Option<String>,
    /// `bank`, `neobank`, `card` or `payments`.
    #[param(value_type = Option<CategoryCode>, inline, example = "bank")]
    category: Option<String>,
    /// Part of the name or slug, any case (at most 100 characters).
    #[param(example = "mon", max_length = 100)]
    q: Option<String>,
    /// `normal`, `elevated`, `improving`, `outage` or `unknown`.
    #[param(value_type = Option<StatusCode>, inline, example = "outage")]
    status: Option<String>,
}

/// An unknown or malformed parameter: 422 naming it.
pub(super) fn invalid(param: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::new(Kind::Unprocessable, format!("{param}: {message}"))
}

/// A country code that downtally knows (a service serves it, or its regions are in the catalog),
/// upper-cased.
pub(super) fn country_param(state: &AppState, text: &str) -> Result<String, ApiError> {
    let code = text.to_ascii_uppercase();
    let known = code.len() == 2
        && (state.regions.country(&code).is_some()
            || state
                .catalog
                .services()
                .iter()
                .any(|s| s.countries.contains(&code)));
    if known {
        Ok(code)
    } else {
        Err(invalid(
            "country",
            format!("{text:?} is not an ISO 3166-1 alpha-2 code downtally knows"),
        ))
    }
}

/// Every service downtally follows, with its current status and links, optionally filtered.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "data",
    description = concat!(
        "Every service downtally follows, in catalog order, with its current status, the \
        open outage and links to its page, series, feed, badge and Statuspage-compatible status. \
        Filters combine (all must hold); an unknown value is refused with 422 naming the parameter. \
        Cached for 60 s (ETag, 304 on If-None-Match). ",
        api_budget_note!()
    ),
    params(ServicesQuery),
    responses(
        (status = 200, description = "The services, in catalog order", body = ServicesBody),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A malformed query string (a parameter given twice)", body = Problem, content_type = PROBLEM_JSON),
        (status = 422, description = "An unknown filter value", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn services(
    state: web::Data<AppState>,
    query: web::Query<ServicesQuery>,
) -> Result<HttpResponse, ApiError> {
    // An empty value is a value (and not a valid one), not an absent parameter; but `q=` is no
    // filter.
    let nonempty = |v: &Option<String>| v.clone();
    let country = match nonempty(&query.country) {
        Some(c) => Some(country_param(&state, &c)?),
        None => None,
    };
    let category = match nonempty(&query.category) {
        Some(c) => Some(
            Category::ALL
                .into_iter()
                .find(|k| k.code() == c)
                .ok_or_else(|| {
                    invalid(
                        "category",
                        format!("{c:?} is not one of bank, neobank, card, payments"),
                    )
                })?,
        ),
        None => None,
    };
    let status = match nonempty(&query.status) {
        Some(s) => Some(
            Status::DECIDED
                .into_iter()
                .chain([Status::Unknown])
                .find(|k| k.as_str() == s)
                .ok_or_else(|| {
                    invalid(
                        "status",
                        format!("{s:?} is not one of normal, elevated, improving, outage, unknown"),
                    )
                })?,
        ),
        None => None,
    };
    let q = query.q.as_ref().map(|q| q.to_lowercase());
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
    {
        return Err(invalid(
            "q",
            format!("longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    let evidence = state.db.status_evidence().await?;
    let list: Vec<ServiceEntry> = state
        .catalog
        .services()
        .iter()
        .filter(|s| country.as_ref().is_none_or(|c| s.countries.contains(c)))
        .filter(|s| category.is_none_or(|c| s.category == c))
        .filter(|s| status.is_none_or(|st| state.board.get(&s.slug).status == st))
        .filter(|s| {
            q.as_ref().is_none_or(|q| {
                s.name.to_lowercase().contains(q.as_str()) || s.slug.as_str().contains(q.as_str())
            })
        })
        .map(|s| ServiceEntry::new(&state, s, evidence.get(&s.slug)))
        .collect();
    // Statuses change with the monitor's pass, every minute.
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(ServicesBody { services: list }))
}

/// One problem kind's reports and share.
#[derive(Serialize, ToSchema)]
pub(super) struct ProblemShare {
    #[schema(example = "login")]
    problem: &'static str,
    #[schema(example = 120)]
    reports: u64,
    /// Of all reports of the span, 0 to 1 (three decimals).
    #[schema(example = 0.62)]
    share: f64,
}

/// Reports of a span by problem, most first.
#[derive(Serialize, ToSchema)]
pub(super) struct ProblemShares {
    /// Start of the span (RFC 3339, UTC); it ends now.
    from: String,
    /// Counted reports of the span, all problems.
    reports: u64,
    problems: Vec<ProblemShare>,
}

impl ProblemShares {
    fn new(from: i64, ranked: Vec<(ProblemKind, u64)>) -> Self {
        let total: u64 = ranked.iter().map(|p| p.1).sum();
        Self {
            from: rfc3339(from),
            reports: total,
            problems: ranked
                .into_iter()
                .filter(|p| p.1 > 0)
                .map(|(kind, n)| ProblemShare {
                    problem: kind.code(),
                    reports: n,
                    share: (n as f64 / total.max(1) as f64 * 1000.0).round() / 1000.0,
                })
                .collect(),
        }
    }
}

/// The open outage, in short.
#[derive(Serialize, ToSchema)]
pub(super) struct OpenOutage {
    #[schema(example = 42)]
    id: i64,
    started_at: String,
    /// `null` for a service-wide outage.
    region: Option<String>,
    /// Reports a minute at the peak so far, and the normal number then.
    peak_count: f64,
    baseline_at_peak: f64,
    /// The outage's permalink (a page) and its details in this API.
    permalink: String,
    api: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct ServiceDetail<'a> {
    #[serde(flatten)]
    entry: ServiceEntry<'a>,
    /// Where its customers get help (its homepage when the catalog names no support page).
    support: &'a str,
    open_outage: Option<OpenOutage>,
    /// The problem shares of the open outage's reports since it started (at most the last 24
    /// hours, as the service page shows them); `null` without an open outage.
    incident: Option<ProblemShares>,
    /// The problem shares of the last 24 hours' reports (the service page's breakdown).
    last_24h: ProblemShares,
}

/// One service: its details and links, current status, open outage, and the problem shares of the
/// current incident and of the last 24 hours.
#[utoipa::path(
    get,
    path = "/api/v1/services/{slug}",
    tag = "data",
    description = concat!(
        "One service: the fields of its entry in `GET /api/v1/services`, its support \
        link, the open outage in short, and which problems its reports name: since the open \
        outage started and over the last 24 hours (the numbers the service page shows). \
        Cached for 30 s (ETag, 304 on If-None-Match). ",
        api_budget_note!()
    ),
    params(("slug" = String, Path, description = "The service", example = "monzo")),
    responses(
        (status = 200, description = "The service", body = ServiceDetail),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 410, description = "The service was removed from this site's catalog (its past outages stay)", body = Problem, content_type = PROBLEM_JSON),
        (status = 429, description = "The network's budget of uncached requests is spent", body = Problem, content_type = PROBLEM_JSON),
        (status = 503, description = "Counters unavailable; try again", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(super) async fn service(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(service) = state.catalog.get(&slug) else {
        return Err(super::errors::unknown_service(&state.catalog, &slug));
    };
    let evidence: HashMap<ServiceSlug, VerdictEvidence> = state.db.status_evidence().await?;
    let entry = ServiceEntry::new(&state, service, evidence.get(&service.slug));
    let now = state.clock.now();
    let open = match state.board.get(&service.slug).outage_id {
        Some(id) => state
            .db
            .outage(id)
            .await?
            .filter(|o| o.record.ended_at.is_none()),
        None => None,
    };
    let incident = match &open {
        Some(o) => {
            // As the service page: counted since the start, cut to the 24 hours its chart shows.
            let from = o.record.started_at.min(now).max(now - DAY);
            let range = crate::incident::range_since(from, now);
            let mix = crate::incident::problem_mix(&state.counts, &service.slug, range).await?;
            Some(ProblemShares::new(range.first, mix.ranked()))
        }
        None => None,
    };
    let day = super::history::problem_breakdown(&state.counts, &service.slug, now).await?;
    let base = &state.public_url;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=30"))
        .json(ServiceDetail {
            entry,
            support: &service.support,
            open_outage: open.map(|o| OpenOutage {
                id: o.id,
                started_at: rfc3339(o.record.started_at),
                region: o.record.region.as_ref().map(|r| r.as_str().to_owned()),
                peak_count: o.record.peak_count,
                baseline_at_peak: o.record.baseline_at_peak,
                permalink: format!("{base}/outages/{}", o.id),
                api: format!("{base}/api/v1/outages/{}", o.id),
            }),
            incident,
            last_24h: ProblemShares::new(
                crate::counts::Resolution::Hour
                    .window_ending_at(now, DAY)
                    .first,
                day,
            ),
        }))
}

/// Lists in the OpenAPI document the values that query parameters named `service`, `country` and
/// `region` may take (the catalog's slugs, the countries and regions downtally knows), so that a
/// client, or a test generating requests, knows a value is valid before the server says 422.
pub(super) fn list_known_values(doc: &mut serde_json::Value) {
    let catalog = crate::catalog::Catalog::embedded().expect("the embedded catalog is valid");
    let regions =
        crate::regions::RegionCatalog::embedded().expect("the embedded regions are valid");
    let mut countries: Vec<String> = regions.countries().iter().map(|c| c.id.clone()).collect();
    countries.extend(catalog.services().iter().flat_map(|s| s.countries.clone()));
    countries.sort();
    countries.dedup();
    let known = |name: &str| -> Option<Vec<String>> {
        Some(match name {
            "service" => catalog
                .services()
                .iter()
                .map(|s| s.slug.as_str().to_owned())
                .collect(),
            "country" => countries.clone(),
            "region" => regions.regions().iter().map(|r| r.id.clone()).collect(),
            _ => return None,
        })
    };
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for operation in paths.values_mut().filter_map(|p| p.as_object_mut()) {
        for op in operation.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(|p| p.as_array_mut()) else {
                continue;
            };
            for param in params.iter_mut().filter(|p| p["in"] == "query") {
                let Some(values) = param["name"].as_str().and_then(known) else {
                    continue;
                };
                if let Some(schema) = param.get_mut("schema").and_then(|s| s.as_object_mut()) {
                    schema.remove("pattern");
                    schema.insert("enum".into(), values.into());
                }
            }
        }
    }
}
