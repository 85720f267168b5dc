//! The home page: every service by country, the troubled ones first, with a search.

use super::cached_page;
use super::groups::{GroupNote, group_note};
use crate::catalog::Service;
use crate::chart;
use crate::counts::buckets::{DAY, HOUR};
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::Status;
use crate::i18n::{Arg, Lang};
use crate::web::AppState;
use crate::web::errors::PageError;
use crate::web::i18n::Locale;
use crate::web::page_cache::PageKey;
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A service on the home page.
struct ServiceCard<'a> {
    service: &'a Service,
    status: &'static str,
    status_label: String,
    sparkline: String,
}

struct CountryGroup<'a> {
    country: &'a str,
    country_name: String,
    services: Vec<ServiceCard<'a>>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    i: Lang,
    demo: bool,
    troubled: Vec<ServiceCard<'a>>,
    /// Incident groups going on (in the country shown): shared causes named.
    incident_groups: Vec<GroupNote>,
    groups: Vec<CountryGroup<'a>>,
    /// Code and name of each country.
    countries: Vec<(&'a str, String)>,
    country: String,
    shown_text: String,
    /// The Atom feed (of the country shown).
    alternates: super::feeds::Alternates,
    q: String,
}

#[derive(Deserialize)]
pub(in crate::web) struct IndexQuery {
    q: Option<String>,
    country: Option<String>,
}

/// The query must appear in the service's lowercased name or in its slug.
fn matches(service: &Service, q: &str) -> bool {
    q.is_empty()
        || service.name.to_lowercase().contains(q)
        || service.slug.as_str().contains(&q.replace(' ', "-"))
}

pub(in crate::web) async fn index(
    state: web::Data<AppState>,
    query: web::Query<IndexQuery>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let q = query.q.as_deref().unwrap_or("").trim().to_lowercase();
    let country = query
        .country
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    // Only a country code makes a cache key (any other text would let the cache grow without end).
    let bounded = country.is_empty()
        || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()));
    let slot = (q.is_empty() && bounded).then(|| {
        let country = (!country.is_empty()).then(|| country.clone());
        (
            PageKey::Home { lang, country },
            state.pages.generations.all(),
        )
    });
    cached_page(&state, &req, loc, slot, home_html(&state, lang, q, country)).await
}

async fn home_html(
    state: &AppState,
    lang: Lang,
    q: String,
    country: String,
) -> Result<String, PageError> {
    let now = state.clock.now();
    // The 24 complete hours before this one: an hour still filling would end every line in a plunge.
    let range = Resolution::Hour.window_ending_at(Resolution::Hour.floor(now) - HOUR, DAY);
    let mut countries: Vec<&str> = state
        .catalog
        .services()
        .iter()
        .map(|s| s.countries[0].as_str())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    let mut troubled = Vec::new();
    let mut by_country: BTreeMap<&str, Vec<ServiceCard>> = BTreeMap::new();
    let mut shown = 0;
    for service in state.catalog.services() {
        if !matches(service, &q) || !(country.is_empty() || service.countries.contains(&country)) {
            continue;
        }
        shown += 1;
        let counts = state
            .counts
            .series(&service.slug, &Dim::All, Resolution::Hour, range)
            .await
            .unwrap_or_default();
        // Each hour over its own normal, so a normal morning does not look like an outage.
        let model = state
            .normals
            .model(&service.slug, &Dim::All, now)
            .await
            .ok();
        let points: Vec<_> = range
            .starts()
            .zip(&counts)
            .map(|(t, &c)| (c, model.as_ref().and_then(|m| m.normal(t, HOUR))))
            .collect();
        let status = state.board.get(&service.slug).status;
        let title = lang.count("sparkline-title", counts.iter().sum::<u64>(), &[]);
        let sparkline = chart::sparkline(&points, &title);
        let card = |service| ServiceCard {
            service,
            status: status.as_str(),
            status_label: lang.status(status),
            sparkline: sparkline.clone(),
        };
        if status != Status::Normal {
            troubled.push(card(service));
        }
        by_country
            .entry(service.countries[0].as_str())
            .or_default()
            .push(card(service));
    }
    troubled.sort_by_key(|c| (c.status != "outage", c.service.name.to_lowercase()));
    let groups = by_country
        .into_iter()
        .map(|(country, mut services)| {
            services.sort_by_key(|c| c.service.name.to_lowercase());
            CountryGroup {
                country,
                country_name: lang.country(country),
                services,
            }
        })
        .collect::<Vec<_>>();
    // The visitor's country first, when the language suggests one.
    let mut groups = groups;
    if let Some(home) = lang.home_country()
        && let Some(at) = groups.iter().position(|g| g.country == home)
    {
        let group = groups.remove(at);
        groups.insert(0, group);
    }
    html(
        &IndexPage {
            i: lang,
            demo: state.demo,
            alternates: super::feeds::Alternates::everywhere(
                state,
                Some(country.as_str()).filter(|c| !c.is_empty()),
                lang,
            ),
            troubled,
            incident_groups: state
                .board
                .groups()
                .iter()
                .filter(|g| country.is_empty() || g.country == country)
                .map(|g| group_note(state, g, true, None, lang))
                .collect(),
            groups,
            countries: countries
                .into_iter()
                .map(|c| (c, lang.country(c)))
                .collect(),
            country,
            shown_text: lang.ta(
                "services-shown",
                &[
                    ("shown", Arg::from(lang.integer(shown as u64))),
                    ("total", Arg::from(lang.integer(state.catalog.len() as u64))),
                ],
            ),
            q,
        },
        lang,
    )
}
