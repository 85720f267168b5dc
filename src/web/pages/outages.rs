//! Outages: one outage's permalink with its chart, and the list of the latest (by service or country).

use super::statements::{StatementRow, statement_rows};
use super::{OutageRow, TableRow, cached_page, service_zone};
use crate::chart;
use crate::counts::Resolution;
use crate::counts::buckets::HOUR;
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::history;
use crate::web::i18n::Locale;
use crate::web::page_cache::PageKey;
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "outage.html")]
struct OutagePage {
    i: Lang,
    tz: &'static str,
    demo: bool,
    outage: OutageRow,
    chart: String,
    table: Vec<TableRow>,
    /// Official statements on it, newest first.
    statements: Vec<StatementRow>,
}

pub(in crate::web) async fn outage_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let missing = || {
        PageError::new(Kind::NotFound, lang.t("error-no-outage"))
            .with_back("/outages")
            .in_lang(lang)
    };
    let id: i64 = id.parse().map_err(|_| missing())?;
    // The outage's service is not known before the lookup: any new report may refresh it.
    let key = PageKey::Outage {
        id,
        lang,
        tz: loc.tz,
    };
    let slot = Some((key, state.pages.generations.all()));
    cached_page(&state, &req, loc, slot, outage_html(&state, id, loc)).await
}

async fn outage_html(state: &AppState, id: i64, loc: Locale) -> Result<String, PageError> {
    let lang = loc.lang;
    let missing = || {
        PageError::new(Kind::NotFound, lang.t("error-no-outage"))
            .with_back("/outages")
            .in_lang(lang)
    };
    let stored = state
        .db
        .outage(id)
        .await
        .map_err(|e| PageError::internal(e, lang))?
        .ok_or_else(missing)?;
    let now = state.clock.now();
    let r = &stored.record;
    let end = r.ended_at.unwrap_or(now);
    // The incident with context either side: 5-minute bars while minute counts are kept, else hours.
    let recent = r.started_at - 2 * HOUR >= Resolution::Minute.oldest_kept(now);
    let bucket = if recent { 5 * 60 } else { HOUR };
    let from = (r.started_at - 2 * HOUR).div_euclid(bucket) * bucket;
    let to = ((end + HOUR).min(now).div_euclid(bucket) + 1) * bucket;
    let bars = history::chart_bars(
        &state.counts,
        &state.normals,
        &r.service,
        from,
        to,
        bucket,
        now,
        std::slice::from_ref(&stored),
    )
    .await
    .unwrap_or_default();
    let row = OutageRow::new(&stored, state, loc);
    let tz = service_zone(loc, state.catalog.get(r.service.as_str()));
    let statements = statement_rows(state, &[stored.id], lang, tz)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let chart = chart::spike_chart(&chart::Chart {
        bars: &bars,
        now,
        title: &lang.t1("chart-title-outage", "service", &row.service_name),
        desc: &lang.t1("chart-desc-outage", "tz", tz.name()),
        lang,
        tz,
    });
    html(
        &OutagePage {
            i: lang,
            tz: tz.name(),
            demo: state.demo,
            outage: row,
            chart,
            table: bars.iter().map(|b| TableRow::new(b, lang, tz)).collect(),
            statements,
        },
        lang,
    )
}

#[derive(Deserialize)]
pub(in crate::web) struct OutagesQuery {
    service: Option<String>,
    country: Option<String>,
}

#[derive(Template)]
#[template(path = "outages.html")]
struct OutagesPage {
    i: Lang,
    demo: bool,
    outages: Vec<OutageRow>,
    service: String,
    country: String,
}

pub(in crate::web) async fn outages_page(
    state: web::Data<AppState>,
    query: web::Query<OutagesQuery>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let service = query
        .service
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let country = query
        .country
        .as_deref()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
    // A service the catalog does not know is shown (an empty list) but not kept.
    let known = match service {
        None => Some(None),
        Some(s) => state.catalog.get(s).map(|s| Some(s.slug.clone())),
    };
    let slot = known.map(|service| {
        let key = PageKey::Outages {
            lang,
            tz: loc.tz,
            service,
            country: country.clone(),
        };
        // Outages change only with a monitor pass, which the stamp's `board` follows.
        (key, 0)
    });
    cached_page(
        &state,
        &req,
        loc,
        slot,
        outages_html(&state, loc, service, country),
    )
    .await
}

async fn outages_html(
    state: &AppState,
    loc: Locale,
    service: Option<&str>,
    country: Option<String>,
) -> Result<String, PageError> {
    let lang = loc.lang;
    let outages = state
        .db
        .latest_outages(
            service.and_then(|s| state.catalog.get(s)).map(|s| &s.slug),
            country.as_deref(),
            100,
        )
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    html(
        &OutagesPage {
            i: lang,
            demo: state.demo,
            outages: outages
                .iter()
                .map(|o| OutageRow::new(o, state, loc))
                .collect(),
            service: service.unwrap_or_default().to_owned(),
            country: country.unwrap_or_default(),
        },
        lang,
    )
}
