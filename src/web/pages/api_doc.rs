//! The API's page for people, `/api`: what the open data is, its licence and how to cite it, how a
//! journalist downloads a chart's numbers, every endpoint with a curl example that works as pasted,
//! feeds, badges and webhooks, the limits, the error types (the anchors problem documents' `type`
//! points at) and the versioning policy. The machine-readable twin is `/api/v1/openapi.json`
//! (`web/openapi.rs`); figures on this page come from where they are decided.

use super::cached_page;
use crate::counts::Resolution;
use crate::detect::Status;
use crate::i18n::{Arg, Lang};
use crate::web::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::Locale;
use crate::web::openapi::{DATA_LICENCE, DATA_LICENCE_URL};
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

/// One status as the Statuspage-compatible JSON shows it.
struct IndicatorRow {
    label: String,
    code: &'static str,
    indicator: &'static str,
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
    licence: &'static str,
    licence_url: &'static str,
    retention: String,
    indicators: Vec<IndicatorRow>,
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
            licence: DATA_LICENCE,
            licence_url: DATA_LICENCE_URL,
            retention: lang.ta(
                "api-limits-retention",
                &[
                    ("hours", int(hours(Resolution::Minute))),
                    ("weeks", int(hours(Resolution::Hour) / (7 * 24))),
                ],
            ),
            indicators: Status::DECIDED
                .into_iter()
                .chain([Status::Unknown])
                .map(|s| IndicatorRow {
                    label: lang.t(s.label_id()),
                    code: s.as_str(),
                    indicator: s.indicator().as_str(),
                })
                .collect(),
        },
        lang,
    )
}
