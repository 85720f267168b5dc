//! Server-rendered pages. Everything works without JavaScript.

use super::AppState;
use super::errors::ApiError;
use super::errors::{Kind, PageError};
use super::request::{origin, read_body};
use super::{chart, history};
use crate::catalog::Service;
use crate::counts::buckets::{DAY, HOUR};
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::Status;
use crate::domain::ProblemKind;
use crate::intake::{IntakeError, ReportInput};
use crate::store::StoredOutage;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;
use std::collections::BTreeMap;

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header(("Cache-Control", "no-cache"))
        .body(body)
}

fn render(t: &impl Template) -> Result<HttpResponse, PageError> {
    t.render()
        .map(html)
        .map_err(|e| PageError::from(super::errors::ApiError::internal(e)))
}

pub fn problem_label(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::Login => "Login",
        ProblemKind::Balance => "Balance",
        ProblemKind::SmsVerification => "SMS code",
        ProblemKind::Payments => "Transfers & payments",
        ProblemKind::Card => "Card payments",
        ProblemKind::MobileApp => "Mobile app",
        ProblemKind::Website => "Website",
        ProblemKind::Other => "Something else",
    }
}

fn hh_mm(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%H:%M")
        .to_string()
}

/// Chart buckets on the service page: 15 minutes.
const QUARTER: i64 = 15 * 60;

/// A row of the table that stands in for a chart.
struct TableRow {
    time: String,
    count: u64,
    typical: String,
}

impl From<&chart::Bar> for TableRow {
    fn from(b: &chart::Bar) -> Self {
        Self {
            time: hh_mm(b.start),
            count: b.count,
            typical: b
                .typical
                .map(|(t, u)| format!("{t:.1} – {u:.1}"))
                .unwrap_or_else(|| "–".into()),
        }
    }
}

struct ShareRow {
    label: &'static str,
    count: u64,
    percent: u64,
}

/// An outage as lists show it.
struct OutageRow {
    id: i64,
    service: String,
    service_name: String,
    region: Option<String>,
    start: String,
    duration: String,
    ongoing: bool,
    peak: String,
    problems: String,
    regions: String,
}

fn date_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M UTC")
        .to_string()
}

fn tally_text(items: &[(String, i64)], label: impl Fn(&str) -> String) -> String {
    items
        .iter()
        .map(|(k, n)| format!("{} ({n})", label(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OutageRow {
    fn new(o: &StoredOutage, catalog: &crate::catalog::Catalog) -> Self {
        let r = &o.record;
        let end = r.ended_at;
        Self {
            id: o.id,
            service: r.service.clone(),
            service_name: catalog
                .get(&r.service)
                .map_or_else(|| r.service.clone(), |s| s.name.clone()),
            region: r.region.clone(),
            start: date_time(r.started_at),
            duration: end.map_or_else(String::new, |e| history::duration_text(e - r.started_at)),
            ongoing: end.is_none(),
            peak: format!(
                "{} reports a minute at {} (normally {:.1})",
                r.peak_count,
                hh_mm(r.peak_at),
                r.baseline_at_peak
            ),
            problems: tally_text(&r.top_problems, |k| {
                ProblemKind::parse(k).map_or_else(|_| k.to_owned(), |p| problem_label(p).to_owned())
            }),
            regions: tally_text(&r.regions, str::to_owned),
        }
    }
}

/// A service on the home page.
struct ServiceCard<'a> {
    service: &'a Service,
    status: &'static str,
    sparkline: String,
}

struct CountryGroup<'a> {
    country: &'a str,
    services: Vec<ServiceCard<'a>>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    demo: bool,
    troubled: Vec<ServiceCard<'a>>,
    groups: Vec<CountryGroup<'a>>,
    countries: Vec<&'a str>,
    country: String,
    q: String,
    shown: usize,
    total: usize,
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
) -> Result<HttpResponse, PageError> {
    let q = query.q.as_deref().unwrap_or("").trim().to_lowercase();
    let country = query
        .country
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
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
        let title = format!(
            "{} reports in the last 24 hours",
            counts.iter().sum::<u64>()
        );
        let card = |service| ServiceCard {
            service,
            status: status.as_str(),
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
            CountryGroup { country, services }
        })
        .collect();
    render(&IndexPage {
        demo: state.demo,
        troubled,
        groups,
        countries,
        country,
        q,
        shown,
        total: state.catalog.len(),
    })
}

struct ProblemButton {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'a> {
    demo: bool,
    service: &'a Service,
    status_class: &'static str,
    headline: String,
    updated: String,
    reports_last_hour: u64,
    chart: String,
    table: Vec<TableRow>,
    breakdown: Vec<ShareRow>,
    outages: Vec<OutageRow>,
    problems: Vec<ProblemButton>,
    thanks: Option<&'static str>,
    counted: bool,
}

#[derive(Deserialize)]
struct ServiceQuery {
    reported: Option<String>,
    counted: Option<u8>,
}

#[get("/s/{slug}")]
pub(super) async fn service_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ServiceQuery>,
) -> Result<HttpResponse, PageError> {
    let service = state.catalog.get(&slug).ok_or_else(|| {
        PageError::new(Kind::NotFound, "There is no such service.").with_back("/")
    })?;
    let range = Resolution::Minute.window_ending_at(state.clock.now(), HOUR);
    // The page still renders when counters are unreachable; it just cannot show the hour's total.
    let reports_last_hour = state
        .counts
        .series(service.slug.as_str(), &Dim::All, Resolution::Minute, range)
        .await
        .map(|c| c.iter().sum())
        .unwrap_or(0);
    let thanks = query
        .reported
        .as_deref()
        .and_then(|p| ProblemKind::parse(p).ok())
        .map(problem_label);
    let status = state.board.get(service.slug.as_str());
    let headline = match status.status {
        Status::Outage => format!(
            "User reports indicate problems with {} since {} UTC",
            service.name,
            hh_mm(status.since)
        ),
        Status::Elevated => format!(
            "Reports about {} are above normal since {} UTC",
            service.name,
            hh_mm(status.since)
        ),
        Status::Normal => format!("No current problems at {}", service.name),
    };
    let updated = match state.board.updated_at() {
        0 => "Waiting for the first check".to_owned(),
        t => format!("Updated {} UTC", hh_mm(t)),
    };
    let now = state.clock.now();
    let slug_str = service.slug.as_str();
    let outages = state
        .db
        .recent_outages(slug_str, 10)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)))?;
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
        &format!("Reports about {} in the last 24 hours", service.name),
        "Problem reports per 15 minutes (UTC), with the normal range for that time of the week as a \
         shaded band and outage periods in red. The table below has the same numbers.",
    );
    let breakdown = history::problem_breakdown(&state.counts, slug_str, now)
        .await
        .unwrap_or_default();
    let total: u64 = breakdown.iter().map(|b| b.1).sum();
    render(&ServicePage {
        demo: state.demo,
        service,
        status_class: status.status.as_str(),
        headline,
        updated,
        reports_last_hour,
        chart,
        table: bars.iter().map(TableRow::from).collect(),
        breakdown: breakdown
            .into_iter()
            .map(|(kind, n)| ShareRow {
                label: problem_label(kind),
                count: n,
                percent: (n * 100 + total / 2) / total.max(1),
            })
            .collect(),
        outages: outages
            .iter()
            .map(|o| OutageRow::new(o, &state.catalog))
            .collect(),
        problems: ProblemKind::ALL
            .into_iter()
            .map(|k| ProblemButton {
                code: k.code(),
                label: problem_label(k),
            })
            .collect(),
        thanks,
        counted: query.counted != Some(0),
    })
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

fn optional_number(field: &str, value: Option<String>) -> Result<Option<f64>, PageError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .map(Some)
            .map_err(|_| PageError::new(Kind::Unprocessable, format!("{field} must be a number"))),
    }
}

#[post("/s/{slug}/report")]
pub(super) async fn report_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, PageError> {
    let back = format!("/s/{}", slug.as_str());
    if state.catalog.get(&slug).is_none() {
        state.metrics.reject("unknown_service");
        return Err(PageError::new(Kind::NotFound, "There is no such service.").with_back("/"));
    }
    let body = read_body(&req, payload)
        .await
        .map_err(|e| PageError::from(e).with_back(back.clone()))?;
    let form: ReportForm = serde_urlencoded::from_bytes(&body).map_err(|e| {
        state.metrics.reject("malformed");
        PageError::new(Kind::BadRequest, format!("The form could not be read: {e}"))
            .with_back(back.clone())
    })?;
    let input = ReportInput {
        problem: form.problem,
        region: form.region,
        lat: optional_number("Latitude", form.lat).map_err(|e| e.with_back(back.clone()))?,
        lon: optional_number("Longitude", form.lon).map_err(|e| e.with_back(back.clone()))?,
        comment: form.comment,
    };
    match state
        .intake
        .submit(&slug, &input, &origin(&req, state.trust_forwarded_for))
        .await
    {
        Ok(accepted) => Ok(HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!(
                    "{back}?reported={}&counted={}#report",
                    input.problem.trim(),
                    u8::from(accepted.counted)
                ),
            ))
            .finish()),
        Err(e) => {
            let kind = match e {
                IntakeError::UnknownService(_) => Kind::NotFound,
                IntakeError::Invalid(_) => Kind::Unprocessable,
                IntakeError::Unavailable => Kind::Unavailable,
            };
            Err(PageError::new(kind, e.to_string()).with_back(back))
        }
    }
}

#[derive(Template)]
#[template(path = "outage.html")]
struct OutagePage {
    demo: bool,
    outage: OutageRow,
    chart: String,
    table: Vec<TableRow>,
}

#[get("/outages/{id}")]
pub(super) async fn outage_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let missing =
        || PageError::new(Kind::NotFound, "There is no such outage.").with_back("/outages");
    let id: i64 = id.parse().map_err(|_| missing())?;
    let stored = state
        .db
        .outage(id)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)))?
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
    let row = OutageRow::new(&stored, &state.catalog);
    let chart = chart::spike_chart(
        &bars,
        &format!("Reports about {} around the outage", row.service_name),
        "Problem reports per bucket (UTC), the normal range as a shaded band, the outage in red.",
    );
    render(&OutagePage {
        demo: state.demo,
        outage: row,
        chart,
        table: bars.iter().map(TableRow::from).collect(),
    })
}

#[derive(Deserialize)]
struct OutagesQuery {
    service: Option<String>,
    country: Option<String>,
}

#[derive(Template)]
#[template(path = "outages.html")]
struct OutagesPage {
    demo: bool,
    outages: Vec<OutageRow>,
    service: String,
    country: String,
}

#[get("/outages")]
pub(super) async fn outages_page(
    state: web::Data<AppState>,
    query: web::Query<OutagesQuery>,
) -> Result<HttpResponse, PageError> {
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
    let outages = state
        .db
        .latest_outages(service, country.as_deref(), 100)
        .await
        .map_err(|e| PageError::from(ApiError::internal(e)))?;
    render(&OutagesPage {
        demo: state.demo,
        outages: outages
            .iter()
            .map(|o| OutageRow::new(o, &state.catalog))
            .collect(),
        service: service.unwrap_or_default().to_owned(),
        country: country.unwrap_or_default(),
    })
}
