//! The API's page for people, `/api`: what the open data is, its licence and how to cite it, how a
//! journalist downloads a chart's numbers, every endpoint with a curl example that works as pasted,
//! feeds, badges and webhooks, the limits, the error types (the anchors problem documents' `type`
//! points at) and the versioning policy. The machine-readable twin is `/api/v1/openapi.json`
//! (`web/openapi.rs`); figures on this page come from where they are decided.

use super::cached_page;
use crate::clock::rfc3339;
use crate::counts::Resolution;
use crate::counts::buckets::{DAY, HOUR};
use crate::i18n::{Arg, Lang};
use crate::web::AppState;
use crate::web::api_series::MAX_POINTS;
use crate::web::errors::{PROBLEM_TYPES, PageError};
use crate::web::i18n::Locale;
use crate::web::openapi::{DATA_LICENCE, DATA_LICENCE_URL};
use crate::web::statuspage_mapping;
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One status as the Statuspage-compatible JSON shows it.
struct IndicatorRow {
    label: String,
    code: &'static str,
    indicator: &'static str,
    component: &'static str,
}

/// One kind of error: the anchor its problem documents' `type` points at.
struct ProblemRow {
    slug: &'static str,
    status: u16,
    meaning: String,
}

#[derive(Template)]
#[template(path = "api.html")]
struct ApiPage {
    i: Lang,
    demo: bool,
    /// Where this downtally is reached (`--public-url`), so the examples work as pasted.
    base: String,
    /// The service the examples use.
    slug: String,
    /// A span the series example asks for: the last 24 whole hours (RFC 3339, UTC).
    from: String,
    to: String,
    /// The outage the example asks for: the latest one, so the example answers.
    outage: i64,
    licence: &'static str,
    licence_url: &'static str,
    retention: String,
    budget: String,
    points: String,
    indicators: Vec<IndicatorRow>,
    problems: Vec<ProblemRow>,
}

pub(in crate::web) async fn api_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    cached_page(&state, &req, loc, None, api_html(&state, loc.lang)).await
}

async fn api_html(state: &AppState, lang: Lang) -> Result<String, PageError> {
    let int = |n: u64| Arg::from(lang.integer(n));
    let hours = |r: Resolution| (r.retention() / 3600) as u64;
    let rate = state.api.rate();
    let to = state.clock.now().div_euclid(HOUR) * HOUR;
    let outage = match state.db.latest_outages(None, None, 1).await {
        Ok(latest) => latest.first().map_or(1, |o| o.id),
        Err(e) => return Err(PageError::internal(e, lang)),
    };
    let slug = match state.catalog.get("monzo") {
        Some(s) => s.slug.to_string(),
        None => state.catalog.services()[0].slug.to_string(),
    };
    html(
        &ApiPage {
            i: lang,
            demo: state.demo,
            base: state.public_url.clone(),
            slug,
            outage,
            from: rfc3339(to - DAY),
            to: rfc3339(to),
            licence: DATA_LICENCE,
            licence_url: DATA_LICENCE_URL,
            retention: lang.ta(
                "api-limits-retention",
                &[
                    ("hours", int(hours(Resolution::Minute))),
                    ("weeks", int(hours(Resolution::Hour) / (7 * 24))),
                ],
            ),
            budget: lang.ta(
                "api-limits-budget",
                &[
                    ("per_minute", int(rate.per_minute.round() as u64)),
                    ("burst", int(rate.burst.round() as u64)),
                ],
            ),
            points: lang.ta("api-limits-points", &[("points", int(MAX_POINTS as u64))]),
            indicators: statuspage_mapping()
                .into_iter()
                .map(|m| IndicatorRow {
                    label: lang.t(m.status.label_id()),
                    code: m.status.as_str(),
                    indicator: m.indicator,
                    component: m.component,
                })
                .collect(),
            problems: PROBLEM_TYPES
                .iter()
                .map(|&(slug, status, _)| ProblemRow {
                    slug,
                    status,
                    meaning: lang.t(&format!("api-problem-{slug}")),
                })
                .collect(),
        },
        lang,
    )
}
