//! Server-rendered pages. Everything works without JavaScript.

use super::AppState;
use super::errors::ApiError;
use super::errors::{Kind, PageError};
use super::history;
use super::i18n::Locale;
use super::page_cache::{self, CachedBody, Stamp};
use super::request::{origin, read_body};
use crate::catalog::Service;
use crate::chart;
use crate::comments::{self, CommentError};
use crate::counts::buckets::{DAY, HOUR};
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::Status;
use crate::domain::ProblemKind;
use crate::i18n::{self, Arg, Lang};
use crate::intake::{IntakeError, ReportInput};
use crate::regions::RegionCatalog;
use crate::store::StoredOutage;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Renders a template to HTML.
fn html(t: &impl Template, lang: Lang) -> Result<String, PageError> {
    t.render()
        .map_err(|e| PageError::from(ApiError::internal(e)).in_lang(lang))
}

const HTML: &str = "text/html; charset=utf-8";

/// Where a page may come from the cache: its key (only bounded values: validated slugs, languages,
/// zones, filters) and the data generation it shows (`page_cache::Generations`). `None` for variants
/// that must be rendered every time.
type CacheSlot = Option<(String, u64)>;

/// Serves a page from the cache when its stamp still holds, else renders it with `build` (and keeps
/// it). Pages change at most once a minute for a given stamp, so they are `no-cache` with a weak
/// validator: a client revalidating with `If-None-Match` usually gets a bodiless 304.
async fn cached_page<F>(
    state: &AppState,
    req: &HttpRequest,
    loc: Locale,
    slot: CacheSlot,
    build: F,
) -> Result<HttpResponse, PageError>
where
    F: Future<Output = Result<String, PageError>>,
{
    let now = state.clock.now();
    match slot {
        Some((key, data)) => {
            let stamp = Stamp::new(data, state.board.updated_at(), now);
            let body = state
                .pages
                .get_or_fill(key, stamp, now, HTML, build)
                .await?;
            Ok(respond(req, &body, loc, true))
        }
        None => {
            let body = CachedBody::new(build.await?, HTML, Stamp::new(0, 0, now), now);
            Ok(respond(req, &body, loc, false))
        }
    }
}

/// The response for a body: 304 when the client holds it, else the body in the best encoding the
/// client accepts; compressed once and kept when `cached`, else left to the compression middleware
/// (its faster setting suits a body sent once). Language cookies and `Vary` come from `loc`.
fn respond(req: &HttpRequest, body: &CachedBody, loc: Locale, cached: bool) -> HttpResponse {
    let fresh = body.matches(req);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("Cache-Control", "no-cache"))
        .insert_header(("ETag", body.etag.as_str()));
    loc.headers(&mut res);
    res.append_header(("Vary", "Accept-Encoding"));
    if fresh {
        return res.finish();
    }
    if !cached {
        page_cache::body_headers(&mut res, body, None);
        return res.body(body.plain());
    }
    let (bytes, encoding) = body.encoded(req);
    page_cache::body_headers(&mut res, body, encoding);
    res.body(bytes)
}

/// The catalog's service named in a path, or the "no such service" page.
pub(super) fn find_service<'a>(
    state: &'a AppState,
    slug: &str,
    lang: Lang,
) -> Result<&'a Service, PageError> {
    state.catalog.get(slug).ok_or_else(|| {
        PageError::new(Kind::NotFound, lang.t("error-no-service"))
            .with_back("/")
            .in_lang(lang)
    })
}

/// A problem kind as the visitor's language names it.
pub fn problem_label(kind: ProblemKind, lang: Lang) -> String {
    lang.t(&format!("problem-{}", kind.code()))
}

/// A time of day with its zone: "11:42 CET".
fn clock(lang: Lang, t: i64, tz: Tz) -> String {
    format!("{} {}", lang.time(t, tz), i18n::zone_abbreviation(t, tz))
}

/// A date and time with its zone: "22/11/2026 11:42 CET".
fn stamp(lang: Lang, t: i64, tz: Tz) -> String {
    format!(
        "{} {}",
        lang.date_time(t, tz),
        i18n::zone_abbreviation(t, tz)
    )
}

/// The zone of a service's times: the visitor's, else the service's main country's.
fn service_zone(loc: Locale, service: Option<&Service>) -> Tz {
    loc.zone(service.map_or("", |s| s.countries[0].as_str()))
}

/// The regions a reporter of this service may pick: those of its countries, by name.
fn region_choices(
    regions: &crate::regions::RegionCatalog,
    service: &Service,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = service
        .countries
        .iter()
        .flat_map(|c| regions.regions_of(c))
        .map(|r| (r.id.clone(), format!("{} ({})", r.name, r.id)))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Chart buckets on the service page: 15 minutes.
const QUARTER: i64 = 15 * 60;

/// A row of the table that stands in for a chart.
struct TableRow {
    time: String,
    count: u64,
    typical: String,
}

impl TableRow {
    fn new(b: &chart::Bar, lang: Lang, tz: Tz) -> Self {
        Self {
            time: lang.time(b.start, tz),
            count: b.count,
            typical: b
                .typical
                .map(|(t, u)| format!("{} – {}", lang.decimal(t, 1), lang.decimal(u, 1)))
                .unwrap_or_else(|| "–".into()),
        }
    }
}

struct ShareRow {
    label: String,
    count: String,
    /// Whole percent, for the bar's width.
    percent: u64,
    /// The same, written for the visitor.
    percent_text: String,
}

/// An outage as lists show it.
struct OutageRow {
    id: i64,
    service: String,
    service_name: String,
    /// "Name" or "Name (region)".
    subject: String,
    region: Option<String>,
    start: String,
    duration: String,
    ongoing: bool,
    peak: String,
    problems: String,
    regions: String,
}

fn tally_text(items: &[(String, i64)], label: impl Fn(&str) -> String) -> String {
    items
        .iter()
        .map(|(k, n)| format!("{} ({n})", label(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A region as the visitor knows it: the local name when the visitor's language is the region's
/// country's, else the English one; an id the catalog does not know is shown as it is.
pub(super) fn region_name(regions: &RegionCatalog, id: &str, lang: Lang) -> String {
    regions.get(id).map_or_else(
        || id.to_owned(),
        |r| {
            if lang.home_country() == Some(r.country.as_str()) {
                r.name_local.clone()
            } else {
                r.name.clone()
            }
        },
    )
}

impl OutageRow {
    fn new(o: &StoredOutage, state: &AppState, loc: Locale) -> Self {
        let catalog = &state.catalog;
        let lang = loc.lang;
        let r = &o.record;
        let end = r.ended_at;
        let service = catalog.get(&r.service);
        let tz = service_zone(loc, service);
        let service_name = service.map_or_else(|| r.service.clone(), |s| s.name.clone());
        Self {
            id: o.id,
            service: r.service.clone(),
            subject: match &r.region {
                Some(region) => {
                    format!(
                        "{service_name} ({})",
                        region_name(&state.regions, region, lang)
                    )
                }
                None => service_name.clone(),
            },
            service_name,
            region: r
                .region
                .as_deref()
                .map(|id| region_name(&state.regions, id, lang)),
            start: stamp(lang, r.started_at, tz),
            duration: end.map_or_else(String::new, |e| lang.duration(e - r.started_at)),
            ongoing: end.is_none(),
            peak: lang.ta(
                "peak-text",
                &[
                    ("n", Arg::Num(r.peak_count)),
                    ("count", Arg::from(peak_count_text(r.peak_count, lang))),
                    ("time", Arg::from(clock(lang, r.peak_at, tz))),
                    ("typical", Arg::from(lang.decimal(r.baseline_at_peak, 1))),
                ],
            ),
            problems: tally_text(&r.top_problems, |k| {
                ProblemKind::parse(k).map_or_else(|_| k.to_owned(), |p| problem_label(p, lang))
            }),
            regions: tally_text(&r.regions, |id| region_name(&state.regions, id, lang)),
        }
    }
}

/// A peak (a count per minute, possibly fractional) written for the visitor.
fn peak_count_text(peak: f64, lang: Lang) -> String {
    if peak.fract() == 0.0 && peak >= 0.0 {
        lang.integer(peak as u64)
    } else {
        lang.decimal(peak, 1)
    }
}

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
    groups: Vec<CountryGroup<'a>>,
    /// Code and name of each country.
    countries: Vec<(&'a str, String)>,
    country: String,
    shown_text: String,
    q: String,
}

#[derive(Deserialize)]
struct IndexQuery {
    q: Option<String>,
    country: Option<String>,
}

/// The query must appear in the service's lowercased name or in its slug.
fn matches(service: &Service, q: &str) -> bool {
    q.is_empty()
        || service.name.to_lowercase().contains(q)
        || service.slug.as_str().contains(&q.replace(' ', "-"))
}

#[get("/")]
pub(super) async fn index(
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
        let key = format!("home|{}|{country}", lang.code());
        (key, state.pages.generations.all())
    });
    cached_page(&state, &req, loc, slot, home_html(&state, lang, q, country)).await
}

async fn home_html(
    state: &AppState,
    lang: Lang,
    q: String,
    country: String,
) -> Result<String, PageError> {
    let range = Resolution::Hour.window_ending_at(state.clock.now(), DAY);
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
            .series(service.slug.as_str(), &Dim::All, Resolution::Hour, range)
            .await
            .unwrap_or_default();
        let status = state.board.get(service.slug.as_str()).status;
        let title = lang.count("sparkline-title", counts.iter().sum::<u64>(), &[]);
        let card = |service| ServiceCard {
            service,
            status: status.as_str(),
            status_label: lang.status(status.as_str()),
            sparkline: chart::sparkline(&counts, &title),
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
            troubled,
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

struct ProblemButton {
    code: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'a> {
    i: Lang,
    tz: &'static str,
    /// The zones the visitor may pick, and whether each is the one shown.
    zones: Vec<(&'static str, bool)>,
    demo: bool,
    service: &'a Service,
    status_class: &'static str,
    headline: String,
    updated: String,
    reports_last_hour: String,
    chart: String,
    table: Vec<TableRow>,
    breakdown: Vec<ShareRow>,
    outages: Vec<OutageRow>,
    problems: Vec<ProblemButton>,
    /// (id, "name (id)") of the regions of the service's countries, for the region select.
    regions: Vec<(String, String)>,
    /// "Most reports from …" while an outage is going on.
    affected: Option<String>,
    /// The region heatmap (24 hours) and its table.
    map: String,
    map_rows: Vec<crate::map::HeatRow>,
    /// For the embed snippet.
    public_url: &'a str,
    /// The thank-you note after a report.
    thanks: Option<String>,
    comment_thanks: Option<String>,
    comments: Vec<CommentRow>,
    /// Which page of comments is shown (1 = newest), and whether older ones follow.
    comment_page: i64,
    comments_more: bool,
}

/// A comment as the service page shows it (askama escapes every field).
struct CommentRow {
    when: String,
    name: String,
    /// The problem reported with it, for comments left with a report.
    problem: Option<String>,
    body: String,
}

#[derive(Deserialize)]
struct ServiceQuery {
    reported: Option<String>,
    counted: Option<u8>,
    /// After posting a comment.
    commented: Option<u8>,
    /// Page of comments (1 = newest).
    comments: Option<i64>,
}

#[get("/s/{slug}")]
pub(super) async fn service_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ServiceQuery>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let service = find_service(&state, &slug, lang)?;
    let counted = query.counted != Some(0);
    let thanks = query
        .reported
        .as_deref()
        .and_then(|p| ProblemKind::parse(p).ok())
        .map(|kind| {
            let key = if counted {
                "report-thanks"
            } else {
                "report-thanks-not-counted"
            };
            lang.t1(key, "problem", &problem_label(kind, lang))
        });
    let thanks_comment = (query.commented == Some(1)).then(|| lang.t("comment-thanks"));
    let comment_page = query.comments.unwrap_or(1).clamp(1, comments::MAX_PAGES);
    let tz = service_zone(loc, Some(service));
    let slot = (thanks.is_none() && thanks_comment.is_none()).then(|| {
        let key = format!(
            "s|{}|{}|{}|{comment_page}",
            service.slug.as_str(),
            lang.code(),
            tz.name()
        );
        (key, state.pages.generations.of(service.slug.as_str()))
    });
    cached_page(
        &state,
        &req,
        loc,
        slot,
        service_html(
            &state,
            service,
            loc,
            tz,
            Notices {
                report: thanks,
                comment: thanks_comment,
            },
            comment_page,
        ),
    )
    .await
}

/// The status headline: "User reports indicate problems with X since 10:42", or "No current problems".
pub(super) fn headline(state: &AppState, service: &Service, lang: Lang, tz: Tz) -> String {
    let status = state.board.get(service.slug.as_str());
    let name = || Arg::from(service.name.as_str());
    let since = || Arg::from(clock(lang, status.since, tz));
    match status.status {
        Status::Outage => lang.ta("headline-outage", &[("service", name()), ("time", since())]),
        Status::Elevated => lang.ta(
            "headline-elevated",
            &[("service", name()), ("time", since())],
        ),
        Status::Normal => lang.ta("headline-normal", &[("service", name())]),
    }
}

/// When the monitor last looked: "Updated 10:43 CET".
pub(super) fn updated_line(state: &AppState, lang: Lang, tz: Tz) -> String {
    match state.board.updated_at() {
        0 => lang.t("updated-waiting"),
        t => lang.t1("updated-at", "time", &clock(lang, t, tz)),
    }
}

/// Where an ongoing outage is felt: the regions of the service-wide outage's reports (most first),
/// else the regions with an outage of their own.
fn affected_regions(state: &AppState, outages: &[StoredOutage], lang: Lang) -> Option<String> {
    let ongoing = || outages.iter().filter(|o| o.record.ended_at.is_none());
    let mut names: Vec<String> = ongoing()
        .find(|o| o.record.region.is_none())
        .map(|o| {
            o.record
                .regions
                .iter()
                .take(5)
                .map(|(id, _)| region_name(&state.regions, id, lang))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        names = ongoing()
            .filter_map(|o| o.record.region.as_deref())
            .map(|id| region_name(&state.regions, id, lang))
            .collect();
        names.sort();
        names.dedup();
    }
    (!names.is_empty()).then(|| lang.t1("affected-regions", "regions", &names.join(", ")))
}

/// Thank-you notes after a form was sent.
struct Notices {
    report: Option<String>,
    comment: Option<String>,
}

async fn service_html(
    state: &AppState,
    service: &Service,
    loc: Locale,
    tz: Tz,
    notices: Notices,
    comment_page: i64,
) -> Result<String, PageError> {
    let lang = loc.lang;
    let page = state
        .comments
        .page(service.slug.as_str(), comment_page)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)).in_lang(lang))?;
    let comment_rows = page
        .comments
        .iter()
        .map(|c| CommentRow {
            when: stamp(lang, c.created_at, tz),
            name: c
                .name
                .clone()
                .unwrap_or_else(|| lang.t("comment-anonymous")),
            problem: c
                .problem
                .as_deref()
                .and_then(|p| ProblemKind::parse(p).ok())
                .map(|p| problem_label(p, lang)),
            body: c.body.clone(),
        })
        .collect();
    let range = Resolution::Minute.window_ending_at(state.clock.now(), HOUR);
    // The page still renders when counters are unreachable; it just cannot show the hour's total.
    let reports_last_hour = state
        .counts
        .series(service.slug.as_str(), &Dim::All, Resolution::Minute, range)
        .await
        .map(|c| c.iter().sum())
        .unwrap_or(0);
    let status = state.board.get(service.slug.as_str());
    let name = || Arg::from(service.name.as_str());
    let headline = headline(state, service, lang, tz);
    let updated = updated_line(state, lang, tz);
    let now = state.clock.now();
    let slug_str = service.slug.as_str();
    let outages = state
        .db
        .recent_outages(slug_str, 10)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)).in_lang(lang))?;
    let affected = affected_regions(state, &outages, lang);
    let (map, map_rows) = super::embed::service_heatmap(state, service, lang).await;
    let to = now.div_euclid(QUARTER) * QUARTER + QUARTER;
    let bars = history::chart_bars(
        &state.counts,
        slug_str,
        to - DAY,
        to,
        QUARTER,
        now,
        &outages,
    )
    .await
    .unwrap_or_default();
    let chart = chart::spike_chart(
        &bars,
        &lang.ta("chart-title-day", &[("service", name())]),
        &lang.t1("chart-desc-day", "tz", tz.name()),
        lang,
        tz,
    );
    let breakdown = history::problem_breakdown(&state.counts, slug_str, now)
        .await
        .unwrap_or_default();
    let total: u64 = breakdown.iter().map(|b| b.1).sum();
    html(
        &ServicePage {
            regions: region_choices(&state.regions, service),
            i: lang,
            tz: tz.name(),
            zones: i18n::ZONES.iter().map(|z| (z.name(), *z == tz)).collect(),
            demo: state.demo,
            service,
            status_class: status.status.as_str(),
            headline,
            updated,
            reports_last_hour: lang.count("reports-last-hour", reports_last_hour, &[]),
            chart,
            table: bars.iter().map(|b| TableRow::new(b, lang, tz)).collect(),
            breakdown: breakdown
                .into_iter()
                .map(|(kind, n)| {
                    let percent = (n * 100 + total / 2) / total.max(1);
                    ShareRow {
                        label: problem_label(kind, lang),
                        count: lang.integer(n),
                        percent,
                        percent_text: lang.percent(percent),
                    }
                })
                .collect(),
            outages: outages
                .iter()
                .map(|o| OutageRow::new(o, state, loc))
                .collect(),
            problems: ProblemKind::ALL
                .into_iter()
                .map(|k| ProblemButton {
                    code: k.code(),
                    label: problem_label(k, lang),
                })
                .collect(),
            affected,
            map,
            map_rows,
            public_url: &state.public_url,
            thanks: notices.report,
            comment_thanks: notices.comment,
            comments: comment_rows,
            comment_page,
            comments_more: page.more,
        },
        lang,
    )
}

/// Form fields arrive as strings; empty ones mean "not given".
#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    problem: String,
    region: Option<String>,
    lat: Option<String>,
    lon: Option<String>,
    comment: Option<String>,
}

fn optional_number(
    field_key: &str,
    value: Option<String>,
    lang: Lang,
) -> Result<Option<f64>, PageError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse::<f64>().map(Some).map_err(|_| {
            PageError::new(
                Kind::Unprocessable,
                lang.t1("error-not-number", "field", &lang.t(field_key)),
            )
        }),
    }
}

#[post("/s/{slug}/report")]
pub(super) async fn report_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let back = format!("/s/{}", slug.as_str());
    find_service(&state, &slug, lang).inspect_err(|_| state.metrics.reject("unknown_service"))?;
    let back_in_lang = |e: PageError| e.with_back(back.clone()).in_lang(lang);
    let body = read_body(&req, payload)
        .await
        .map_err(|e| back_in_lang(PageError::from(e)))?;
    let form: ReportForm = serde_urlencoded::from_bytes(&body).map_err(|_| {
        state.metrics.reject("malformed");
        back_in_lang(PageError::new(
            Kind::BadRequest,
            lang.t("error-form-unreadable"),
        ))
    })?;
    let input = ReportInput {
        problem: form.problem,
        region: form.region,
        lat: optional_number("field-latitude", form.lat, lang).map_err(back_in_lang)?,
        lon: optional_number("field-longitude", form.lon, lang).map_err(back_in_lang)?,
        comment: form.comment,
    };
    match state
        .intake
        .submit(&slug, &input, &origin(&req, state.trust_forwarded_for))
        .await
    {
        Ok(accepted) => {
            state.pages.generations.bump(&slug);
            Ok(HttpResponse::SeeOther()
                .insert_header((
                    "Location",
                    format!(
                        "{back}?reported={}&counted={}#report",
                        input.problem.trim(),
                        u8::from(accepted.counted)
                    ),
                ))
                .finish())
        }
        Err(e) => {
            // Validation details come from the domain types, in English.
            let (kind, message) = match &e {
                IntakeError::UnknownService(_) => (Kind::NotFound, lang.t("error-no-service")),
                IntakeError::Invalid(detail) => (
                    Kind::Unprocessable,
                    lang.t1("error-invalid-report", "detail", &detail.to_string()),
                ),
                IntakeError::Unavailable => (Kind::Unavailable, lang.t("error-unavailable")),
            };
            Err(back_in_lang(PageError::new(kind, message)))
        }
    }
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
}

#[post("/s/{slug}/comments")]
pub(super) async fn comment_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let back = format!("/s/{}#comments", slug.as_str());
    let slug = find_service(&state, &slug, lang)?.slug.as_str();
    let fail = |kind, key: &str| {
        PageError::new(kind, lang.t(key))
            .with_back(back.clone())
            .in_lang(lang)
    };
    let body = read_body(&req, payload)
        .await
        .map_err(|e| PageError::from(e).with_back(back.clone()).in_lang(lang))?;
    let form: CommentForm = serde_urlencoded::from_bytes(&body)
        .map_err(|_| fail(Kind::BadRequest, "error-form-unreadable"))?;
    let origin = origin(&req, state.trust_forwarded_for);
    match state
        .comments
        .post(slug, &form.name, &form.body, &origin)
        .await
    {
        Ok(_) => {
            state.pages.generations.bump(slug);
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/s/{slug}?commented=1#comments")))
                .finish())
        }
        Err(CommentError::Empty) => Err(fail(Kind::Unprocessable, "error-comment-empty")),
        Err(CommentError::TooLong(_)) => Err(fail(Kind::Unprocessable, "error-comment-too-long")),
        Err(CommentError::NameTooLong(_)) => {
            Err(fail(Kind::Unprocessable, "error-comment-name-too-long"))
        }
        Err(CommentError::TooMany) => Err(fail(Kind::TooManyRequests, "error-too-many")),
        Err(CommentError::Store(e)) => {
            tracing::error!(error = %e, "cannot store a comment");
            Err(fail(Kind::Unavailable, "error-comment-unavailable"))
        }
    }
}

#[derive(Template)]
#[template(path = "outage.html")]
struct OutagePage {
    i: Lang,
    tz: &'static str,
    demo: bool,
    outage: OutageRow,
    chart: String,
    table: Vec<TableRow>,
}

#[get("/outages/{id}")]
pub(super) async fn outage_page(
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
    let key = format!("o|{id}|{}|{}", lang.code(), loc.tz.map_or("", |t| t.name()));
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
        .map_err(|e| PageError::from(ApiError::internal(e)).in_lang(lang))?
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
    let tz = service_zone(loc, state.catalog.get(&r.service));
    let chart = chart::spike_chart(
        &bars,
        &lang.t1("chart-title-outage", "service", &row.service_name),
        &lang.t1("chart-desc-outage", "tz", tz.name()),
        lang,
        tz,
    );
    html(
        &OutagePage {
            i: lang,
            tz: tz.name(),
            demo: state.demo,
            outage: row,
            chart,
            table: bars.iter().map(|b| TableRow::new(b, lang, tz)).collect(),
        },
        lang,
    )
}

#[derive(Deserialize)]
struct OutagesQuery {
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

#[get("/outages")]
pub(super) async fn outages_page(
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
    let known = service.is_none_or(|s| state.catalog.get(s).is_some());
    let slot = known.then(|| {
        let key = format!(
            "outages|{}|{}|{}|{}",
            lang.code(),
            loc.tz.map_or("", |t| t.name()),
            service.unwrap_or(""),
            country.as_deref().unwrap_or("")
        );
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
        .latest_outages(service, country.as_deref(), 100)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)).in_lang(lang))?;
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
