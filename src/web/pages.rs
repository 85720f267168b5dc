//! Server-rendered pages. Everything works without JavaScript.

use super::AppState;
use super::errors::{Kind, PageError};
use super::request::{origin, read_body};
use crate::catalog::Service;
use crate::counts::buckets::HOUR;
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::Status;
use crate::domain::ProblemKind;
use crate::intake::{IntakeError, ReportInput};
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

struct CountryGroup<'a> {
    country: &'a str,
    services: Vec<&'a Service>,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage<'a> {
    groups: Vec<CountryGroup<'a>>,
    total: usize,
}

#[get("/")]
pub(super) async fn index(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let mut by_country: BTreeMap<&str, Vec<&Service>> = BTreeMap::new();
    for s in state.catalog.services() {
        by_country.entry(&s.countries[0]).or_default().push(s);
    }
    let groups = by_country
        .into_iter()
        .map(|(country, mut services)| {
            services.sort_by_key(|s| s.name.to_lowercase());
            CountryGroup { country, services }
        })
        .collect();
    render(&IndexPage {
        groups,
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
    service: &'a Service,
    status_class: &'static str,
    headline: String,
    updated: String,
    reports_last_hour: u64,
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
    render(&ServicePage {
        service,
        status_class: status.status.as_str(),
        headline,
        updated,
        reports_last_hour,
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
