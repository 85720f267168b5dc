//! Error answers: JSON `{"error": "…"}` for the API, a readable HTML page for browsers.
//!
//! This is the one table from each failure to its HTTP status: [`Kind::status`], and the `From`
//! impls below for what the layers underneath fail with (the store, the counters, the templates,
//! the intake, comments). Handlers say which [`Kind`] a bad request is, or let `?` convert.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use std::fmt;

use super::i18n::Locale;
use crate::comments::CommentError;
use crate::counts::CountError;
use crate::i18n::Lang;
use crate::intake::IntakeError;
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
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
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What a page says when no message of its own was given.
    fn page_key(self) -> &'static str {
        match self {
            Kind::BadRequest | Kind::Unprocessable => "error-bad-request",
            Kind::Unauthorized => "admin-login-first",
            Kind::NotFound => "error-no-page",
            Kind::MethodNotAllowed => "error-wrong-method",
            Kind::PayloadTooLarge => "error-too-large",
            Kind::TooManyRequests => "error-too-many",
            Kind::Unavailable => "error-unavailable",
            Kind::Internal => "error-internal",
        }
    }
}

/// A refused report: a field that does not validate, a network over its rate limit, or a store that
/// cannot take it now.
fn intake_kind(e: &IntakeError) -> Kind {
    match e {
        IntakeError::Invalid(_) => Kind::Unprocessable,
        IntakeError::RateLimited { .. } => Kind::TooManyRequests,
        IntakeError::Unavailable => Kind::Unavailable,
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

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header(("Cache-Control", "no-store"));
        self.add_retry_after(&mut res);
        res.json(serde_json::json!({ "error": self.message }))
    }
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

fn retry_after(e: &IntakeError) -> Option<u64> {
    match e {
        IntakeError::RateLimited { retry_after } => Some(*retry_after),
        _ => None,
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

    /// The page for an address nothing answers (`NotFound`), or answers only to other methods
    /// (`MethodNotAllowed`).
    pub fn unrouted(kind: Kind, lang: Lang) -> Self {
        Self::new(kind, lang.t(kind.page_key()))
            .with_back("/")
            .in_lang(lang)
    }

    /// A refused report, in the visitor's language (validation details come from the domain types,
    /// in English).
    pub fn intake(e: &IntakeError, lang: Lang) -> Self {
        let message = match e {
            IntakeError::Invalid(detail) => {
                lang.t1("error-invalid-report", "detail", &detail.to_string())
            }
            IntakeError::RateLimited { retry_after } => {
                lang.t1("error-rate-limited", "seconds", &retry_after.to_string())
            }
            IntakeError::Unavailable => lang.t("error-unavailable"),
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
        Locale {
            lang: self.lang,
            ..Locale::default()
        }
        .headers(&mut res);
        res.body(self.page(false))
    }
}
