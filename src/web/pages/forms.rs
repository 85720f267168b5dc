//! The forms a page posts: a report (then back to the service page, thanked, told how many others
//! reported the same and where the service itself helps), "works again for me" (offered while a
//! service has problems, its count shown) and a comment.

use super::problem_label;
use crate::catalog::Service;
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::Status;
use crate::domain::ReportKind;
use crate::i18n::{Arg, Lang};
use crate::intake::ReportInput;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::i18n::Locale;
use crate::web::request::{origin, read_body};
use crate::web::view::find_service;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A posted form: its body (refused past the size limit) parsed into `T`, else the error page with
/// a way `back`. `unreadable` is told when the body is no such form.
pub(in crate::web) async fn read_form<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    lang: Lang,
    back: &str,
    unreadable: impl FnOnce(),
) -> Result<T, PageError> {
    let page = |e: PageError| e.with_back(back).in_lang(lang);
    let body = read_body(req, payload).await.map_err(|e| page(e.into()))?;
    serde_urlencoded::from_bytes(&body).map_err(|_| {
        unreadable();
        page(PageError::new(
            Kind::BadRequest,
            lang.t("error-form-unreadable"),
        ))
    })
}

/// How far back "you're not alone" looks: the de-duplication window, so each counted report in it
/// is a different person.
const NOT_ALONE_SECONDS: i64 = crate::intake::DEDUP_WINDOW_SECONDS;

/// The note on the service page after a report.
pub(in crate::web) struct ReportThanks {
    /// "Thank you: your report (Login) was received."
    pub thanks: String,
    /// "You're not alone: 12 people reported “Login” in the last 15 minutes."
    pub not_alone: String,
    /// "Help from Monzo:", then the official status page (when the catalog has one) and support.
    pub help: String,
    pub status_page: Option<String>,
    pub support: String,
}

/// The note after a report of `kind`: thanks, the people who reported the same problem (or said it
/// works again) in the last 15 minutes (this report included when it counted), and the service's own
/// status and support pages from the catalog. Counters out of reach leave the count at what this
/// report adds.
pub(in crate::web) async fn report_thanks(
    state: &AppState,
    service: &Service,
    kind: ReportKind,
    counted: bool,
    lang: Lang,
) -> ReportThanks {
    let series = match kind {
        ReportKind::Problem(p) => Dim::Problem(p),
        ReportKind::WorksAgain => Dim::Recovered,
    };
    let people = counted_since(state, service, &series, NOT_ALONE_SECONDS)
        .await
        .unwrap_or(0)
        .max(u64::from(counted));
    let (thanks, not_alone) = match kind {
        ReportKind::Problem(p) => {
            let problem = problem_label(p, lang);
            let not_alone = if people <= 1 {
                lang.t1("report-first", "problem", &problem)
            } else {
                lang.count(
                    "report-not-alone",
                    people,
                    &[("problem", Arg::from(problem.as_str()))],
                )
            };
            let key = if counted {
                "report-thanks"
            } else {
                "report-thanks-not-counted"
            };
            (lang.t1(key, "problem", &problem), not_alone)
        }
        ReportKind::WorksAgain => {
            let key = if counted {
                "works-again-thanks"
            } else {
                "works-again-thanks-not-counted"
            };
            let not_alone = lang.count(
                "works-again-others",
                people,
                &[("service", Arg::from(service.name.as_str()))],
            );
            (lang.t1(key, "service", &service.name), not_alone)
        }
    };
    ReportThanks {
        thanks,
        not_alone,
        help: lang.t1("report-help-from", "service", &service.name),
        status_page: service.status_page.clone(),
        support: service.support.clone(),
    }
}

/// Counted reports of one series of `service` in the last `seconds` (this minute so far included).
async fn counted_since(
    state: &AppState,
    service: &Service,
    series: &Dim,
    seconds: i64,
) -> Option<u64> {
    let range = Resolution::Minute.window_ending_at(state.clock.now(), seconds);
    state
        .counts
        .series(&service.slug, series, Resolution::Minute, range)
        .await
        .ok()
        .map(|c| c.iter().sum())
}

/// How far back the service page counts "works again for me": an hour, long enough to gather the
/// people an outage's end brings back, short enough to be about this outage's end.
const WORKS_AGAIN_SHOWN_SECONDS: i64 = 3600;

/// "It works again for me", offered beside the report buttons while the service has problems
/// (elevated, an outage, improving), with how many said so in the last hour.
pub(in crate::web) struct WorksAgainOffer {
    /// How many said so in the last hour, in words; `None` while nobody did.
    pub count: Option<String>,
}

pub(in crate::web) async fn works_again_offer(
    state: &AppState,
    service: &Service,
    status: Status,
    lang: Lang,
) -> Option<WorksAgainOffer> {
    if !status.has_problems() {
        return None;
    }
    let people = counted_since(state, service, &Dim::Recovered, WORKS_AGAIN_SHOWN_SECONDS)
        .await
        .unwrap_or(0);
    Some(WorksAgainOffer {
        count: (people > 0).then(|| lang.count("works-again-count", people, &[])),
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

pub(in crate::web) async fn report_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let back = format!("/s/{}", slug.as_str());
    let service = find_service(&state, &slug, lang)
        .inspect_err(|_| state.metrics.reject("unknown_service"))?;
    let form: ReportForm = read_form(&req, payload, lang, &back, || {
        state.metrics.reject("malformed")
    })
    .await?;
    let back_in_lang = |e: PageError| e.with_back(back.clone()).in_lang(lang);
    let input = ReportInput {
        problem: form.problem,
        region: form.region,
        lat: optional_number("field-latitude", form.lat, lang).map_err(back_in_lang)?,
        lon: optional_number("field-longitude", form.lon, lang).map_err(back_in_lang)?,
        comment: form.comment,
    };
    match state
        .intake
        .submit(service, &input, &origin(&req, &state.trusted_proxies))
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
        Err(e) => Err(PageError::intake(&e, lang).with_back(back)),
    }
}

#[derive(Deserialize)]
struct CommentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    body: String,
}

pub(in crate::web) async fn comment_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let back = format!("/s/{}#comments", slug.as_str());
    let service = &find_service(&state, &slug, lang)?.slug;
    let slug = service.as_str();
    let form: CommentForm = read_form(&req, payload, lang, &back, || ()).await?;
    let origin = origin(&req, &state.trusted_proxies);
    match state
        .comments
        .post(service, &form.name, &form.body, &origin)
        .await
    {
        Ok(_) => {
            state.pages.generations.bump(slug);
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", format!("/s/{slug}?commented=1#comments")))
                .finish())
        }
        Err(e) => Err(PageError::comment(&e, lang).with_back(back)),
    }
}
