//! Outages: one outage's permalink (what a journalist cites: its absolute address, a citation line,
//! start and end, the peak against normal, the chart with its downloads), and the list of the
//! latest, filtered by service (name or slug) and country (name or code), in one zone.

use super::downloads::{ChartData, Downloads, Share};
use super::groups::{GroupNote, group_note};
use super::statements::{StatementRow, statement_rows};
use super::{OutageRow, TableRow, cached_page, stamp, stored_service_zone};
use crate::catalog::Service;
use crate::chart;
use crate::counts::Resolution;
use crate::counts::buckets::HOUR;
use crate::i18n::{self, Arg, Lang};
use crate::store::StoredOutage;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::history;
use crate::web::i18n::Locale;
use crate::web::page_cache::PageKey;
use crate::web::view::html;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use serde::Deserialize;
use std::cmp::Reverse;

#[derive(Template)]
#[template(path = "outage.html")]
struct OutagePage {
    i: Lang,
    tz: &'static str,
    demo: bool,
    outage: OutageRow,
    /// The permalink, absolute (from `--public-url`).
    url: String,
    /// "downtally, Intesa Sanpaolo outage, 2024-09-23 11:20–13:05 CEST, https://…, retrieved …"
    citation: String,
    chart: String,
    /// The chart's heading, and what it covers: "2024-09-23 09:20 – 2024-09-23 14:05 CEST
    /// (Europe/Rome), reports per 5 minutes".
    chart_title: String,
    chart_covers: String,
    downloads: Downloads,
    share: Share,
    table: Vec<TableRow>,
    /// Official statements on it, newest first.
    statements: Vec<StatementRow>,
    /// The incident group it is part of (a shared cause named).
    group: Option<GroupNote>,

    /// "Why downtally calls this an outage".
    why: super::evidence::Why,
    /// Its service's Atom feed, and its oEmbed endpoint.
    alternates: super::feeds::Alternates,
}

fn no_outage(lang: Lang) -> PageError {
    PageError::new(Kind::NotFound, lang.t("error-no-outage"))
        .with_back("/outages")
        .in_lang(lang)
}

pub(in crate::web) async fn outage_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let id: i64 = id.parse().map_err(|_| no_outage(lang))?;
    // The outage's service is not known before the lookup: any new report may refresh it.
    let key = PageKey::Outage {
        id,
        lang,
        tz: loc.tz,
    };
    let slot = Some((key, state.pages.generations.all()));
    cached_page(&state, &req, loc, slot, outage_html(&state, id, loc)).await
}

/// Outage `id`, or the "no such outage" page.
pub(super) async fn stored_outage(
    state: &AppState,
    id: i64,
    lang: Lang,
) -> Result<StoredOutage, PageError> {
    state
        .db
        .outage(id)
        .await
        .map_err(|e| PageError::internal(e, lang))?
        .ok_or_else(|| no_outage(lang))
}

/// Bars of a chart of an outage lasting up to this long are 5 minutes; up to [`QUARTERLY_UP_TO`] 15
/// minutes, beyond it hours (while minute counts are kept; else hours): about a hundred bars or fewer
/// for outages up to four days, so a multi-day outage's chart stays readable at 360 px.
const FIVE_MINUTES_UP_TO: i64 = 3 * HOUR;
const QUARTERLY_UP_TO: i64 = 24 * HOUR;

/// The span and bucket of an outage's chart: its whole course (from `start` to `end`, or to `now`
/// while it goes on) with two hours before and one after (never past `now`), as `(from, to,
/// bucket)` with `from` and `to` on bucket boundaries.
fn outage_chart_span(start: i64, end: Option<i64>, now: i64) -> (i64, i64, i64) {
    let end = end.unwrap_or(now);
    let minutes_kept = start - 2 * HOUR >= Resolution::Minute.oldest_kept(now);
    let bucket = match end - start {
        _ if !minutes_kept => HOUR,
        d if d <= FIVE_MINUTES_UP_TO => 5 * 60,
        d if d <= QUARTERLY_UP_TO => 15 * 60,
        _ => HOUR,
    };
    let from = (start - 2 * HOUR).div_euclid(bucket) * bucket;
    let to = ((end + HOUR).min(now).div_euclid(bucket) + 1) * bucket;
    (from, to, bucket)
}

/// The permalink's chart: the incident's whole course with context either side (see
/// [`outage_chart_span`]). The page and its downloads draw this same one.
pub(super) async fn outage_chart(
    state: &AppState,
    stored: &StoredOutage,
    loc: Locale,
) -> ChartData {
    let lang = loc.lang;
    let now = state.clock.now();
    let r = &stored.record;
    let (from, to, bucket) = outage_chart_span(r.started_at, r.ended_at, now);
    let bars = history::chart_bars(
        &state.counts,
        &state.normals,
        &r.service,
        from,
        to,
        bucket,
        now,
        std::slice::from_ref(stored),
    )
    .await
    .unwrap_or_default();
    // A removed service keeps its name and its country's zone.
    let name = state.catalog.name_of(r.service.as_str());
    let tz = stored_service_zone(loc, state, r.service.as_str());
    ChartData {
        bars,
        bucket,
        title: lang.t1("chart-title-outage", "service", &name),
        desc: lang.t1("chart-desc-outage", "tz", tz.name()),
        page_url: format!("{}/outages/{}", state.public_url, stored.id),
        lang,
        tz,
        now,
    }
}

/// "23 Sept 2024, 11:20–13:05 CEST" (one day), "… 23:40 CEST – 24 Sept 2024, 01:10 CEST" (two),
/// or "since 23 Sept 2024, 11:20 CEST" while it goes on (dates as the page's language writes them).
pub(super) fn incident_period(lang: Lang, start: i64, end: Option<i64>, tz: Tz) -> String {
    let Some(end) = end else {
        return lang.t1("period-since", "start", &stamp(lang, start, tz));
    };
    let day =
        |t: i64| chrono::DateTime::from_timestamp(t, 0).map(|d| d.with_timezone(&tz).date_naive());
    let same_day = day(start) == day(end);
    if same_day {
        format!(
            "{}–{} {}",
            lang.date_time(start, tz),
            lang.time(end, tz),
            i18n::zone_abbreviation(end, tz)
        )
    } else {
        format!("{} – {}", stamp(lang, start, tz), stamp(lang, end, tz))
    }
}

/// The note on the incident group `stored` is part of: while the group lasts, with its members now
/// (as the service pages show it); after, with everyone who was in it.
async fn outage_group(
    state: &AppState,
    stored: &StoredOutage,
    lang: Lang,
) -> Result<Option<GroupNote>, crate::store::StoreError> {
    let Some(found) = crate::web::view::group_of_outage(state, stored.id).await? else {
        return Ok(None);
    };
    let here = Some(&stored.record.service);
    Ok(Some(group_note(
        state,
        &found.group,
        found.ended_at.is_none(),
        here,
        lang,
    )))
}

async fn outage_html(state: &AppState, id: i64, loc: Locale) -> Result<String, PageError> {
    let lang = loc.lang;
    let stored = stored_outage(state, id, lang).await?;
    let r = &stored.record;
    let chart_data = outage_chart(state, &stored, loc).await;
    let tz = chart_data.tz;
    let row = OutageRow::new(&stored, state, loc);
    let statements = statement_rows(state, &[stored.id], lang, tz)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let evidence = state
        .db
        .outage_evidence(stored.id)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let chart = chart::spike_chart(&chart_data.chart());
    let url = chart_data.page_url.clone();
    let heading = lang.t1("outage-heading", "service", &row.subject);
    let period = incident_period(lang, r.started_at, r.ended_at, tz);
    let citation = lang.ta(
        "citation",
        &[
            ("subject", Arg::from(heading.as_str())),
            ("period", Arg::from(period.as_str())),
            ("url", Arg::from(url.as_str())),
            ("retrieved", Arg::from(stamp(lang, chart_data.now, tz))),
        ],
    );
    let downloads = Downloads::new(format!("/outages/{id}/chart"), lang, loc.tz);
    let share = Share {
        url: url.clone(),
        title: heading.clone(),
        description: format!("{period}. {} {}", lang.t("fact-peak"), row.peak),
        image: downloads.png_url(&state.public_url),
        image_alt: chart_data.title.clone(),
    };
    html(
        &OutagePage {
            i: lang,
            tz: tz.name(),
            demo: state.demo,
            url,
            citation,
            chart,
            chart_title: chart_data.title.clone(),
            chart_covers: chart_data.covers(),
            downloads,
            share,
            table: chart_data
                .bars
                .iter()
                .map(|b| TableRow::new(b, lang, tz, chart_data.now))
                .collect(),
            outage: row,
            statements,
            group: outage_group(state, &stored, lang)
                .await
                .map_err(|e| PageError::internal(e, lang))?,

            why: super::evidence::why(lang, evidence.as_ref(), stored.record.region.is_some(), tz),
            alternates: super::feeds::Alternates::service(
                state,
                &r.service,
                Some(&format!("/outages/{id}")),
                lang,
            ),
        },
        lang,
    )
}

#[derive(Deserialize)]
pub(in crate::web) struct OutagesQuery {
    service: Option<String>,
    country: Option<String>,
}

/// One row of the list: an outage, and the regional outages of the same service during it.
struct ListRow {
    outage: OutageRow,
    regional: Vec<OutageRow>,
}

#[derive(Template)]
#[template(path = "outages.html")]
struct OutagesPage {
    i: Lang,
    demo: bool,
    rows: Vec<ListRow>,
    /// The filters as the form shows them back.
    service: String,
    country: String,
    /// A filter that matched nothing the catalog knows, said so.
    notice: Option<String>,
    /// "Times in UTC" (or the visitor's zone).
    zone_label: String,
    /// The zones the visitor may pick, and whether each is the one shown.
    zones: Vec<(&'static str, bool)>,
    /// The Atom feed of what the list shows (one service's, a country's, or every outage).
    alternates: super::feeds::Alternates,
}

/// The catalog's services a text names: its slug, or a part of its name or slug (case and spaces
/// do not matter: "intesa" finds Intesa Sanpaolo).
fn services_named<'a>(services: &'a [Service], text: &str) -> Vec<&'a Service> {
    let q = text.trim().to_lowercase();
    let as_slug = q.replace(' ', "-");
    services
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&q) || s.slug.as_str().contains(&as_slug))
        .collect()
}

/// The country a text names: a code ("IT", "it") or a name in any of our languages ("Italy",
/// "Italia", "italie"), among the countries of the catalog.
fn country_named(services: &[Service], text: &str) -> Option<String> {
    let q = text.trim().to_lowercase();
    let mut codes: Vec<&str> = services
        .iter()
        .flat_map(|s| s.countries.iter().map(String::as_str))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
        .into_iter()
        .find(|code| {
            code.eq_ignore_ascii_case(&q)
                || Lang::ALL
                    .iter()
                    .any(|l| l.country(code).to_lowercase() == q)
        })
        .map(str::to_owned)
}

/// What a request's filters resolve to.
struct Filters<'a> {
    /// `None`: every service; else these (possibly none).
    services: Option<Vec<&'a Service>>,
    country: Option<String>,
    /// Shown back in the form.
    service_text: String,
    country_text: String,
    notice: Option<String>,
    /// The cache key's parts, when the filters are bounded (a catalog slug or none, a country code
    /// or none); free text that is not one renders each time.
    key: Option<(Option<crate::domain::ServiceSlug>, Option<String>)>,
}

fn filters<'a>(state: &'a AppState, query: &OutagesQuery, lang: Lang) -> Filters<'a> {
    let services = state.catalog.services();
    let service_text = query.service.as_deref().unwrap_or("").trim().to_owned();
    let country_text = query.country.as_deref().unwrap_or("").trim().to_owned();
    let mut notice = None;
    let mut bounded = true;
    let named = (!service_text.is_empty()).then(|| services_named(services, &service_text));
    let service_key = match named.as_deref() {
        None => None,
        Some([one]) if one.slug.as_str() == service_text => Some(one.slug.clone()),
        Some(found) => {
            bounded = false;
            if found.is_empty() {
                notice = Some(lang.t1("outages-no-service", "text", &service_text));
            }
            None
        }
    };
    let country = if country_text.is_empty() {
        None
    } else {
        let code = country_named(services, &country_text);
        match &code {
            Some(c) => bounded &= c.as_str() == country_text,
            None => {
                bounded = false;
                notice = Some(lang.t1("outages-no-country", "text", &country_text));
            }
        }
        // A country nobody knows matches no service.
        Some(code.unwrap_or_default())
    };
    Filters {
        services: named,
        key: bounded.then(|| (service_key, country.clone())),
        country,
        service_text,
        country_text,
        notice,
    }
}

pub(in crate::web) async fn outages_page(
    state: web::Data<AppState>,
    query: web::Query<OutagesQuery>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let f = filters(&state, &query, lang);
    let slot = f.key.clone().map(|(service, country)| {
        let key = PageKey::Outages {
            lang,
            tz: loc.tz,
            service,
            country,
        };
        // Outages change only with a monitor pass, which the stamp's `board` follows.
        (key, 0)
    });
    cached_page(&state, &req, loc, slot, outages_html(&state, loc, f)).await
}

/// How many outages the list shows (a regional one grouped under its service's counts too).
const LIST_LIMIT: usize = 100;

async fn outages_html(state: &AppState, loc: Locale, f: Filters<'_>) -> Result<String, PageError> {
    let lang = loc.lang;
    let err = |e| PageError::internal(e, lang);
    let in_country = |s: &Service| f.country.as_ref().is_none_or(|c| s.countries.contains(c));
    let outages = match (&f.services, &f.country) {
        (None, None) => state
            .db
            .latest_outages(None, None, LIST_LIMIT as i64)
            .await
            .map_err(err)?,
        (services, _) => {
            let chosen: Vec<&Service> = match services {
                Some(list) => list.iter().copied().filter(|s| in_country(s)).collect(),
                None => state
                    .catalog
                    .services()
                    .iter()
                    .filter(|s| in_country(s))
                    .collect(),
            };
            let mut all = Vec::new();
            for s in chosen {
                all.extend(
                    state
                        .db
                        .recent_outages(&s.slug, LIST_LIMIT as i64)
                        .await
                        .map_err(err)?,
                );
            }
            all.sort_by_key(|o| Reverse((o.record.started_at, o.id)));
            all.truncate(LIST_LIMIT);
            all
        }
    };
    // One zone for the whole list: the visitor's, else UTC (services of several countries).
    let tz = loc.tz.unwrap_or(Tz::UTC);
    let rows = group(&outages)
        .into_iter()
        .map(|(o, regional)| ListRow {
            outage: OutageRow::in_zone(o, state, lang, tz),
            regional: regional
                .into_iter()
                .map(|r| OutageRow::in_zone(r, state, lang, tz))
                .collect(),
        })
        .collect();
    let alternates = match f.services.as_deref() {
        Some([one]) => super::feeds::Alternates::service(state, &one.slug, None, lang),
        _ => super::feeds::Alternates::everywhere(state, f.country.as_deref(), lang),
    };
    let service = match f.services.as_deref() {
        Some([one]) => one.name.clone(),
        _ => f.service_text,
    };
    let country = match &f.country {
        Some(code) if !code.is_empty() => lang.country(code),
        _ => f.country_text,
    };
    html(
        &OutagesPage {
            i: lang,
            demo: state.demo,
            rows,
            service,
            country,
            notice: f.notice,
            zone_label: lang.t1("outages-zone", "tz", tz.name()),
            zones: i18n::ZONES.iter().map(|z| (z.name(), *z == tz)).collect(),
            alternates,
        },
        lang,
    )
}

/// One row per outage, newest first: a regional outage that overlaps a service-wide one of the same
/// service goes under it; the others stand alone.
fn group(outages: &[StoredOutage]) -> Vec<(&StoredOutage, Vec<&StoredOutage>)> {
    let overlaps = |a: &StoredOutage, b: &StoredOutage| {
        let (a, b) = (&a.record, &b.record);
        a.service == b.service
            && a.started_at <= b.ended_at.unwrap_or(i64::MAX)
            && b.started_at <= a.ended_at.unwrap_or(i64::MAX)
    };
    let mut rows: Vec<(&StoredOutage, Vec<&StoredOutage>)> = outages
        .iter()
        .filter(|o| o.record.region.is_none())
        .map(|o| (o, Vec::new()))
        .collect();
    for o in outages.iter().filter(|o| o.record.region.is_some()) {
        match rows.iter_mut().find(|(wide, _)| overlaps(wide, o)) {
            Some((_, under)) => under.push(o),
            None => rows.push((o, Vec::new())),
        }
    }
    rows.sort_by_key(|(o, _)| Reverse((o.record.started_at, o.id)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::domain::{RegionId, ServiceSlug};
    use crate::store::OutageRecord;

    fn outage(
        id: i64,
        service: &str,
        region: Option<&str>,
        start: i64,
        end: Option<i64>,
    ) -> StoredOutage {
        StoredOutage {
            id,
            record: OutageRecord {
                service: ServiceSlug::parse(service).unwrap(),
                region: region.map(|r| RegionId::parse(r).unwrap()),
                started_at: start,
                ended_at: end,
                peak_at: start,
                peak_count: 1.0,
                baseline_at_peak: 0.1,
                top_problems: vec![],
                regions: vec![],
            },
            closed_by: None,
        }
    }

    /// A multi-day outage's chart shows its whole course, start to end (or now), in bars few enough
    /// to read; short ones keep 5-minute bars.
    #[test]
    fn the_outage_chart_spans_the_whole_outage_in_readable_bars() {
        let now = 100 * 86_400 + 7 * 60;
        let check = |start: i64, end: Option<i64>, bucket: i64| {
            let (from, to, b) = outage_chart_span(start, end, now);
            assert_eq!(b, bucket, "{start} {end:?}");
            assert!(from <= start - 2 * HOUR && from % b == 0);
            assert!(to >= end.map_or(now, |e| (e + HOUR).min(now)) && to % b == 0);
            assert!(to - from <= 4 * 86_400 + 4 * HOUR, "{start}");
            ((to - from) / b) as usize
        };
        // An hour-long outage within the minute counters: 5-minute bars.
        check(now - 5 * HOUR, Some(now - 4 * HOUR), 5 * 60);
        // Twenty hours, still open: quarters, 20 h + 2 h before, about 88 bars.
        let bars = check(now - 20 * HOUR, None, 15 * 60);
        assert!((85..=90).contains(&bars), "{bars}");
        // Three days across nights, resolved an hour ago: hours, start to end.
        let bars = check(now - 73 * HOUR, Some(now - HOUR), HOUR);
        assert!((74..=77).contains(&bars), "{bars}");
        // An old outage beyond the minute counters: hours.
        check(now - 10 * 86_400, Some(now - 10 * 86_400 + HOUR), HOUR);
    }

    #[test]
    fn regional_outages_go_under_their_services_overlapping_one() {
        let list = [
            outage(5, "monzo", Some("IT-62"), 900, None),
            outage(4, "intesa-sanpaolo", Some("IT-25"), 150, Some(400)),
            outage(3, "intesa-sanpaolo", None, 100, Some(500)),
            outage(2, "intesa-sanpaolo", Some("IT-21"), 10, Some(50)),
        ];
        let rows = group(&list);
        let ids: Vec<(i64, Vec<i64>)> = rows
            .iter()
            .map(|(o, under)| (o.id, under.iter().map(|u| u.id).collect()))
            .collect();
        assert_eq!(ids, vec![(5, vec![]), (3, vec![4]), (2, vec![])]);
    }

    #[test]
    fn services_are_found_by_name_and_countries_by_name_or_code() {
        let catalog = Catalog::embedded().unwrap();
        let s = catalog.services();
        let found = services_named(s, "Intesa");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].slug.as_str(), "intesa-sanpaolo");
        assert_eq!(services_named(s, "intesa sanpaolo").len(), 1);
        assert!(services_named(s, "no such bank").is_empty());
        for text in ["IT", "it", "Italy", "italia", "Italie", " Italien "] {
            assert_eq!(country_named(s, text).as_deref(), Some("IT"), "{text}");
        }
        assert_eq!(country_named(s, "Atlantis"), None);
    }

    #[test]
    fn periods_name_the_end_once_resolved() {
        let tz = chrono_tz::Europe::Rome;
        // 2024-09-23 11:20 and 13:05 CEST.
        let (start, end) = (1_727_083_200, 1_727_089_500);
        assert_eq!(
            incident_period(Lang::En, start, Some(end), tz),
            "23 Sept 2024, 11:20–13:05 CEST"
        );
        // Same day of the month, another month: two days.
        assert!(incident_period(Lang::En, start, Some(end + 30 * 86_400), tz).contains(" – "));
        let next_day = end + 86_400;
        assert_eq!(
            incident_period(Lang::En, start, Some(next_day), tz),
            "23 Sept 2024, 11:20 CEST – 24 Sept 2024, 13:05 CEST"
        );
        assert!(incident_period(Lang::En, start, None, tz).contains("23 Sept 2024, 11:20 CEST"));
    }
}
