//! Error answers: JSON `{"error": "…"}` for the API, a readable HTML page for browsers.

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use std::fmt;

use super::i18n::Locale;
use crate::i18n::Lang;
use crate::intake::IntakeError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    TooManyRequests,
    Unavailable,
    Internal,
}

impl Kind {
    fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error for an API client.
#[derive(Debug)]
pub struct ApiError {
    pub kind: Kind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

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
        HttpResponse::build(self.status_code())
            .insert_header(("Cache-Control", "no-store"))
            .json(serde_json::json!({ "error": self.message }))
    }
}

impl From<IntakeError> for ApiError {
    fn from(e: IntakeError) -> Self {
        let kind = match &e {
            IntakeError::UnknownService(_) => Kind::NotFound,
            IntakeError::Invalid(_) => Kind::Unprocessable,
            IntakeError::Unavailable => Kind::Unavailable,
        };
        Self::new(kind, e.to_string())
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

    /// The "not found" page for an address nothing answers.
    pub fn no_page(lang: Lang) -> Self {
        Self::new(Kind::NotFound, lang.t("error-no-page"))
            .with_back("/")
            .in_lang(lang)
    }

    pub fn in_lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn with_back(mut self, url: impl Into<String>) -> Self {
        self.back = Some(url.into());
        self
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
        let status = self.status_code();
        let lang = self.lang;
        let title = lang.t(&format!(
            "error-title-{}",
            self.inner.kind.status().as_u16()
        ));
        let message = if self.localized {
            self.inner.message.clone()
        } else {
            lang.t(match self.inner.kind {
                Kind::BadRequest => "error-bad-request",
                Kind::NotFound => "error-no-page",
                Kind::PayloadTooLarge => "error-too-large",
                Kind::Unprocessable => "error-bad-request",
                Kind::TooManyRequests => "error-too-many",
                Kind::Unavailable => "error-unavailable",
                Kind::Internal => "error-internal",
            })
        };
        let page = ErrorTemplate {
            i: lang,
            demo: false,
            status: status.as_u16(),
            title: &title,
            message: &message,
            back: self.back.as_deref(),
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        let mut res = HttpResponse::build(status);
        res.content_type(ContentType::html())
            .insert_header(("Cache-Control", "no-store"));
        Locale {
            lang,
            ..Locale::default()
        }
        .headers(&mut res);
        res.body(body)
    }
}
