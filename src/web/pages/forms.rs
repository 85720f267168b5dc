//! The forms a page posts: a report (then back to the service page, thanked) and a comment.

use crate::i18n::Lang;
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
