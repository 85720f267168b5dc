//! Error answers: a problem document (RFC 9457, `application/problem+json`, with the `error` field
//! API clients have always read) for the API, a readable HTML page for browsers.
//!
//! This is the one table from each failure to its HTTP status: [`Kind::status`], and the `From`
//! impls below for what the layers underneath fail with (the store, the counters, the templates,
//! the intake, comments). Handlers say which [`Kind`] a bad request is, or let `?` convert. What
//! actix's extractors refuse (a query, a path, a JSON or form body) comes here too
//! ([`extractor_errors`]), and [`for_path`] answers in the format of the request's path.
//!
//! Only server errors (5xx) are logged at ERROR; a client's mistake is its own and would let anyone
//! flood the log (each answer is still counted in the latency metric, by status).

use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use std::fmt;

use super::i18n::Locale;
use crate::comments::CommentError;
use crate::counts::CountError;
use crate::i18n::Lang;
use crate::intake::{IntakeError, Invalid};
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    /// A form posted from another site (see `web/guard.rs`).
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// A service the catalog no longer lists (its history stays in SQL).
    Gone,
    /// A body that did not arrive in time.
    RequestTimeout,
    PayloadTooLarge,
    /// An API body that is not JSON.
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Unavailable,
    Internal,
}

impl Kind {
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Gone => StatusCode::GONE,
            Kind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind's slug in its problem `type` URI (`/api#problem-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            Kind::BadRequest => "bad-request",
            Kind::Unauthorized => "unauthorized",
            Kind::Forbidden => "forbidden",
            Kind::NotFound => "not-found",
            Kind::MethodNotAllowed => "method-not-allowed",
            Kind::Gone => "gone",
            Kind::RequestTimeout => "request-timeout",
            Kind::PayloadTooLarge => "payload-too-large",
            Kind::UnsupportedMediaType => "unsupported-media-type",
            Kind::Unprocessable => "unprocessable",
            Kind::TooManyRequests => "too-many-requests",
            Kind::Unavailable => "unavailable",
            Kind::Internal => "internal",
        }
    }

    /// The problem document's `type` for this kind: a relative URI that resolves to the kind's
    /// anchor on the `/api` page (`/api#problem-not-found`), the same for every error of the kind.
    pub fn problem_type(self) -> String {
        format!("/api#problem-{}", self.slug())
    }

    /// What a page says when no message of its own was given.
    fn page_key(self) -> &'static str {
        match self {
            Kind::BadRequest | Kind::Unprocessable => "error-bad-request",
            Kind::Unauthorized => "admin-login-first",
            Kind::Forbidden => "error-cross-site",
            Kind::NotFound => "error-no-page",
            Kind::MethodNotAllowed => "error-wrong-method",
            Kind::Gone => "error-service-removed",
            Kind::RequestTimeout => "error-body-timeout",
            Kind::PayloadTooLarge => "error-too-large",
            Kind::UnsupportedMediaType => "error-media-type",
            Kind::TooManyRequests => "error-too-many",
            Kind::Unavailable => "error-unavailable",
            Kind::Internal => "error-internal",
        }
    }

    /// The kind of an answer actix chose for a failure of its own (an extractor's).
    fn of_status(status: StatusCode) -> Self {
        match status.as_u16() {
            403 => Kind::Forbidden,
            404 => Kind::NotFound,
            405 => Kind::MethodNotAllowed,
            410 => Kind::Gone,
            408 => Kind::RequestTimeout,
            413 => Kind::PayloadTooLarge,
            415 => Kind::UnsupportedMediaType,
            422 => Kind::Unprocessable,
            429 => Kind::TooManyRequests,
            503 => Kind::Unavailable,
            500..=599 => Kind::Internal,
            _ => Kind::BadRequest,
        }
    }
}

/// The API's answer for a path naming a service the catalog does not list: 410 Gone for one it no
/// longer lists (its history stays in SQL), 404 for one it never did.
pub fn unknown_service(catalog: &crate::catalog::LiveCatalog, slug: &str) -> ApiError {
    match catalog.removed(slug) {
        Some(crate::catalog::RemovedService { name, .. }) => ApiError::new(
            Kind::Gone,
            format!(
                "{name} ({slug:?}) was removed from this site's catalog; its past outages stay under /api/v1/outages"
            ),
        ),
        None => ApiError::new(Kind::NotFound, format!("unknown service {slug:?}")),
    }
}

/// Every kind of API error, as the `/api` page lists them (one anchor `problem-<slug>` each): its
/// slug, HTTP status, and what it means, in English.
pub const PROBLEM_TYPES: [(&str, u16, &str); 13] = [
    (
        "bad-request",
        400,
        "The request cannot be read: a malformed query string, path or JSON body.",
    ),
    (
        "unauthorized",
        401,
        "The request needs credentials it did not carry.",
    ),
    (
        "forbidden",
        403,
        "The request was refused, for example a form posted from another site.",
    ),
    (
        "not-found",
        404,
        "No such endpoint, service, outage or report.",
    ),
    (
        "method-not-allowed",
        405,
        "The path exists but does not answer this method; `Allow` lists those it does.",
    ),
    (
        "gone",
        410,
        "The service was removed from this site's catalog; its past outages stay under `/api/v1/outages`.",
    ),
    (
        "request-timeout",
        408,
        "The request body did not arrive in time.",
    ),
    (
        "payload-too-large",
        413,
        "The request body is larger than 8 KiB.",
    ),
    (
        "unsupported-media-type",
        415,
        "The request body is not JSON (`Content-Type: application/json`).",
    ),
    (
        "unprocessable",
        422,
        "A parameter or field is well-formed but not valid: `detail` names it.",
    ),
    (
        "too-many-requests",
        429,
        "This network has used its budget for now; try again after `Retry-After` seconds.",
    ),
    (
        "unavailable",
        503,
        "A store is unavailable for a moment; try again.",
    ),
    (
        "internal",
        500,
        "A failure of ours, logged; the request may be tried again later.",
    ),
];

/// A refused report: a field that does not validate, a network over its rate limit, or a store that
/// cannot take it now.
fn intake_kind(e: &IntakeError) -> Kind {
    match e {
        IntakeError::Invalid(_) => Kind::Unprocessable,
        IntakeError::RateLimited { .. } => Kind::TooManyRequests,
        IntakeError::Unavailable | IntakeError::InFlight { .. } => Kind::Unavailable,
    }
}

/// An error for an API client.
#[derive(Debug)]
pub struct ApiError {
    pub kind: Kind,
    pub message: String,
    /// Seconds after which a refused request may be tried again (`Retry-After`).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, seconds: Option<u64>) -> Self {
        self.retry_after = seconds;
        self
    }

    /// `Retry-After` on an answer, when the error says when to try again.
    fn add_retry_after(&self, res: &mut actix_web::HttpResponseBuilder) {
        if let Some(seconds) = self.retry_after {
            res.insert_header(("Retry-After", seconds.to_string()));
        }
    }

    /// A failure of ours: logged (inside the request's span, so the log names the route), and
    /// answered 500 without its details.
    pub fn internal(e: impl fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(Kind::Internal, "internal error")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }

    /// A problem document: `type` the kind's URI ([`Kind::problem_type`]), `title` the status's
    /// name, `detail` what was wrong, repeated in `error` for the clients written before it.
    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut res = HttpResponse::build(status);
        res.content_type(PROBLEM_JSON)
            .insert_header(("Cache-Control", "no-store"));
        self.add_retry_after(&mut res);
        res.body(
            serde_json::to_string(&Problem {
                kind: self.kind.problem_type(),
                title: status.canonical_reason().unwrap_or("Error").into(),
                status: status.as_u16(),
                detail: self.message.clone(),
                error: self.message.clone(),
            })
            .unwrap_or_default(),
        )
    }
}

/// The media type of every API error.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An API error as RFC 9457 describes it (`application/problem+json`).
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "type": "/api#problem-unprocessable",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "step must be 1m or 1h, not \"5m\"",
    "error": "step must be 1m or 1h, not \"5m\""
}))]
pub struct Problem {
    /// What kind of error this is: `/api#problem-<kind>` (relative to this server), the same for
    /// every error of the kind; `/api` explains each.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's name.
    pub title: String,
    pub status: u16,
    /// What was wrong with this request, in English.
    pub detail: String,
    /// The same as `detail`, for clients written before problem documents.
    pub error: String,
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

impl From<askama::Error> for ApiError {
    fn from(e: askama::Error) -> Self {
        Self::internal(e)
    }
}

/// Counters are derived and may come back: a read that fails is "try again", not our bug.
impl From<CountError> for ApiError {
    fn from(e: CountError) -> Self {
        Self::new(Kind::Unavailable, format!("counter store unavailable: {e}"))
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        Self::new(intake_kind(&e), e.to_string()).retry_after(retry_after(&e))
    }
}

/// When a report refused because a store could not take it (503) may be sent again: soon, as a
/// restarting database or a full disk is usually back within seconds (issue 14 §4).
pub const UNAVAILABLE_RETRY_AFTER: u64 = 1;

fn retry_after(e: &IntakeError) -> Option<u64> {
    match e {
        IntakeError::RateLimited { retry_after } => Some(*retry_after),
        IntakeError::Unavailable => Some(UNAVAILABLE_RETRY_AFTER),
        IntakeError::InFlight { retry_after } => Some(*retry_after),
        IntakeError::Invalid(_) => None,
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    i: Lang,
    demo: bool,
    status: u16,
    title: &'a str,
    message: &'a str,
    back: Option<&'a str>,
}

/// An error for a browser: the same cases, rendered as a page with a way back, in the visitor's
/// language.
#[derive(Debug)]
pub struct PageError {
    pub inner: ApiError,
    pub back: Option<String>,
    pub lang: Lang,
    /// The message is already in `lang`; otherwise the page says what its kind means.
    localized: bool,
}

impl PageError {
    /// An error whose `message` is written in the visitor's language (see `in_lang`).
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            inner: ApiError::new(kind, message),
            back: None,
            lang: Lang::En,
            localized: true,
        }
    }

    /// A failure of ours (logged, see [`ApiError::internal`]), on a page in `lang`.
    pub fn internal(e: impl fmt::Display, lang: Lang) -> Self {
        Self::from(ApiError::internal(e)).in_lang(lang)
    }

    /// A page saying what `kind` means, with a way home: for an address nothing answers
    /// (`NotFound`), or answers only to other methods (`MethodNotAllowed`), and the other refusals
    /// of [`for_path`].
    pub fn unrouted(kind: Kind, lang: Lang) -> Self {
        Self::new(kind, lang.t(kind.page_key()))
            .with_back("/")
            .in_lang(lang)
    }

    /// A refused report, in the visitor's language.
    pub fn intake(e: &IntakeError, lang: Lang) -> Self {
        let message = match e {
            // The domain's own message is English and for developers (the API keeps it); a page
            // says which field in the visitor's language.
            IntakeError::Invalid(invalid) => lang.t(match invalid {
                Invalid::Problem(_) => "error-invalid-problem",
                Invalid::Region(_) | Invalid::UnknownRegion(_) => "error-invalid-region",
                Invalid::Location(_) => "error-invalid-location",
                Invalid::Comment(_) => "error-invalid-comment",
            }),
            IntakeError::RateLimited { retry_after } => {
                lang.t1("error-rate-limited", "seconds", &retry_after.to_string())
            }
            IntakeError::Unavailable | IntakeError::InFlight { .. } => lang.t("error-unavailable"),
        };
        let mut page = Self::new(intake_kind(e), message).in_lang(lang);
        page.inner.retry_after = retry_after(e);
        page
    }

    /// A refused comment, in the visitor's language. A store failure is logged: the visitor is
    /// told to try again.
    pub fn comment(e: &CommentError, lang: Lang) -> Self {
        let (kind, key) = match e {
            CommentError::Empty => (Kind::Unprocessable, "error-comment-empty"),
            CommentError::TooLong(_) => (Kind::Unprocessable, "error-comment-too-long"),
            CommentError::NameTooLong(_) => (Kind::Unprocessable, "error-comment-name-too-long"),
            CommentError::LinkOnly => (Kind::Unprocessable, "error-comment-link-only"),
            CommentError::TooMany => (Kind::TooManyRequests, "error-too-many"),
            CommentError::NetworkBusy => (Kind::TooManyRequests, "error-comment-network-busy"),
            CommentError::RateLimited { retry_after } => {
                let message = lang.t1("error-rate-limited", "seconds", &retry_after.to_string());
                let mut page = Self::new(Kind::TooManyRequests, message).in_lang(lang);
                page.inner.retry_after = Some(*retry_after);
                return page;
            }
            CommentError::NoSuchComment => (Kind::NotFound, "error-no-comment"),
            CommentError::Store(e) => {
                tracing::error!(error = %e, "cannot store a comment");
                (Kind::Unavailable, "error-comment-unavailable")
            }
        };
        Self::new(kind, lang.t(key)).in_lang(lang)
    }

    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn with_back(mut self, url: impl Into<String>) -> Self {
        self.back = Some(url.into());
        self
    }

    /// The page, with the demo banner when `demo` (the app's state is not at hand here: see
    /// `web::observe_latency`, which renders it again for a demo server).
    pub fn page(&self, demo: bool) -> String {
        let lang = self.lang;
        let title = lang.t(&format!(
            "error-title-{}",
            self.inner.kind.status().as_u16()
        ));
        let message = if self.localized {
            self.inner.message.clone()
        } else {
            lang.t(self.inner.kind.page_key())
        };
        let page = ErrorTemplate {
            i: lang,
            demo,
            status: self.inner.kind.status().as_u16(),
            title: &title,
            message: &message,
            back: self.back.as_deref(),
        };
        page.render().unwrap_or(message)
    }
}

impl From<ApiError> for PageError {
    fn from(inner: ApiError) -> Self {
        Self {
            inner,
            back: None,
            lang: Lang::En,
            localized: false,
        }
    }
}

/// The failures underneath, on a page: the status from the table above, the words for its kind in
/// the page's language (set with `in_lang`).
macro_rules! page_error_from {
    ($($failure:ty),*) => {$(
        impl From<$failure> for PageError {
            fn from(e: $failure) -> Self {
                ApiError::from(e).into()
            }
        }
    )*};
}

page_error_from!(StoreError, CountError, askama::Error, IntakeError);

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.inner.status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(ContentType::html())
            .insert_header(("Cache-Control", "no-store"));
        self.inner.add_retry_after(&mut res);
        if self.inner.kind == Kind::Unauthorized {
            // RFC 9110 §11.6.1: a 401 names how to authenticate (the admin area's bearer token).
            res.insert_header((
                actix_web::http::header::WWW_AUTHENTICATE,
                r#"Bearer realm="downtally admin""#,
            ));
        }
        Locale {
            lang: self.lang,
            ..Locale::default()
        }
        .headers(&mut res);
        res.body(self.page(false))
    }
}

/// A refusal in the format of the request's path: a problem document under `/api/` (with `detail`,
/// in English), elsewhere a page in the visitor's language saying what `kind` means, with a way
/// home. Logged at DEBUG: a client's mistake is not an event.
pub fn for_path(req: &HttpRequest, kind: Kind, detail: impl Into<String>) -> actix_web::Error {
    let detail = detail.into();
    tracing::debug!(status = kind.status().as_u16(), detail, "request refused");
    if req.path().starts_with("/api/") {
        ApiError::new(kind, detail).into()
    } else {
        PageError::unrouted(kind, Locale::of(req).lang).into()
    }
}

/// True when a body stopped arriving because its time was up (see `web/guard.rs`), rather than
/// because the client went away or sent something malformed.
pub fn body_timed_out(e: &PayloadError) -> bool {
    matches!(e, PayloadError::Io(io) if io.kind() == std::io::ErrorKind::TimedOut)
}

/// The configuration of a body extractor (`JsonConfig`, `FormConfig`): bodies up to
/// `MAX_BODY_BYTES`, refusals through [`refuse_body`].
macro_rules! body_config {
    ($config:ty, $error:ident, $what:literal) => {
        <$config>::default()
            .limit(MAX_BODY_BYTES)
            .error_handler(|e, req| {
                let late = matches!(&e, $error::Payload(p) if body_timed_out(p));
                refuse_body(req, &e, $what, late, matches!(e, $error::ContentType))
            })
    };
}

/// What actix's extractors refuse goes through [`for_path`] (else a query like `?comments=abc`
/// would answer a plain-text "Query deserialize error"), and JSON and form bodies they read are
/// held to the size of any other body (`MAX_BODY_BYTES`).
pub fn extractor_errors(cfg: &mut web::ServiceConfig) {
    use super::request::MAX_BODY_BYTES;
    use actix_web::error::{JsonPayloadError as Json, UrlencodedError as Form};
    cfg.app_data(web::QueryConfig::default().error_handler(|e, req| {
        for_path(req, Kind::BadRequest, format!("invalid query string: {e}"))
    }))
    .app_data(
        web::PathConfig::default()
            .error_handler(|e, req| for_path(req, Kind::NotFound, format!("invalid path: {e}"))),
    )
    .app_data(body_config!(web::JsonConfig, Json, "JSON"))
    .app_data(body_config!(web::FormConfig, Form, "form"));
}

/// A body an extractor refused: 408 when its time was up, 415 when it is not of the `what` type,
/// else the status actix gives the failure.
fn refuse_body(
    req: &HttpRequest,
    e: &impl ResponseError,
    what: &str,
    late: bool,
    wrong_type: bool,
) -> actix_web::Error {
    let kind = match (late, wrong_type) {
        (true, _) => Kind::RequestTimeout,
        (_, true) => Kind::UnsupportedMediaType,
        _ => Kind::of_status(e.status_code()),
    };
    for_path(req, kind, format!("invalid {what} body: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind has one anchor on `/api`, listed once, with its status.
    #[test]
    fn every_kind_has_a_problem_type_listed_with_its_status() {
        let kinds = [
            Kind::BadRequest,
            Kind::Unauthorized,
            Kind::Forbidden,
            Kind::NotFound,
            Kind::MethodNotAllowed,
            Kind::Gone,
            Kind::RequestTimeout,
            Kind::PayloadTooLarge,
            Kind::UnsupportedMediaType,
            Kind::Unprocessable,
            Kind::TooManyRequests,
            Kind::Unavailable,
            Kind::Internal,
        ];
        assert_eq!(kinds.len(), PROBLEM_TYPES.len());
        for kind in kinds {
            let listed: Vec<_> = PROBLEM_TYPES
                .iter()
                .filter(|(slug, _, _)| *slug == kind.slug())
                .collect();
            assert_eq!(listed.len(), 1, "{kind:?}");
            assert_eq!(listed[0].1, kind.status().as_u16(), "{kind:?}");
            assert_eq!(kind.problem_type(), format!("/api#problem-{}", listed[0].0));
        }
        let res = ApiError::new(Kind::TooManyRequests, "slow down").error_response();
        assert_eq!(res.status(), 429);
    }
}
