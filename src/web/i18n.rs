//! The visitor's language and time zone, as a request carries them.
//!
//! The language comes from `?lang=xx` (remembered in a cookie), else the `lang` cookie, else
//! `Accept-Language`, else English. Times are shown in a time zone: `?tz=Area/City` (remembered in a
//! `tz` cookie), else the main country's zone of the service a time belongs to (`country_zone`).
//! The languages themselves, their texts and formats are `crate::i18n` (pure).

use crate::i18n::country_zone;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponseBuilder};
use chrono_tz::Tz;
use std::convert::Infallible;
use std::future::{Ready, ready};

/// Where the languages were before they left the HTTP layer; `tests/i18n.rs` still reaches them here.
pub use crate::i18n::{Lang, MISSING};

/// The cookies that remember a chosen language and time zone, and how long (one year).
pub const COOKIE: &str = "lang";
pub const TZ_COOKIE: &str = "tz";
const COOKIE_MAX_AGE: u32 = 31_536_000;

/// The language of one request, and whether it was just chosen with `?lang=` (so the answer sets
/// the cookie). An extractor: handlers take it as an argument.
#[derive(Debug, Clone, Copy, Default)]
pub struct Locale {
    pub lang: Lang,
    pub chosen: bool,
    /// The visitor's time zone, when set; else each time is shown in its service's country zone.
    pub tz: Option<Tz>,
    /// `tz` was just chosen with `?tz=`.
    pub tz_chosen: bool,
}

fn query_param<'a>(req: &'a HttpRequest, name: &str) -> Option<std::borrow::Cow<'a, str>> {
    req.query_string().split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={v}"))
                .ok()
                .and_then(|mut p| p.pop())
                .map_or(std::borrow::Cow::Borrowed(v), |p| p.1.into())
        })
    })
}

impl Locale {
    pub fn of(req: &HttpRequest) -> Locale {
        let asked_tz = query_param(req, "tz").and_then(|v| v.parse::<Tz>().ok());
        let tz = asked_tz.or_else(|| req.cookie(TZ_COOKIE).and_then(|c| c.value().parse().ok()));
        let tz_chosen = asked_tz.is_some();
        let asked = query_param(req, "lang").and_then(|v| Lang::from_tag(&v));
        if let Some(lang) = asked {
            return Locale {
                lang,
                chosen: true,
                tz,
                tz_chosen,
            };
        }
        let lang = req
            .cookie(COOKIE)
            .and_then(|c| Lang::from_tag(c.value()))
            .or_else(|| {
                req.headers()
                    .get("accept-language")
                    .and_then(|h| h.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default();
        Locale {
            lang,
            chosen: false,
            tz,
            tz_chosen,
        }
    }

    /// The zone to show a time of a service of `country` in.
    pub fn zone(self, country: &str) -> Tz {
        self.tz.unwrap_or_else(|| country_zone(country))
    }

    /// Headers of an answer whose text depends on the language: `Vary`, and the cookie when the
    /// language was just chosen.
    pub fn headers(self, res: &mut HttpResponseBuilder) {
        res.insert_header(("Vary", "Accept-Language, Cookie"));
        let cookie = |name: &str, value: &str| {
            format!("{name}={value}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax; HttpOnly")
        };
        if self.chosen {
            res.append_header(("Set-Cookie", cookie(COOKIE, self.lang.code())));
        }
        if let Some(tz) = self.tz.filter(|_| self.tz_chosen) {
            res.append_header(("Set-Cookie", cookie(TZ_COOKIE, tz.name())));
        }
    }
}

impl FromRequest for Locale {
    type Error = Infallible;
    type Future = Ready<Result<Self, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Locale::of(req)))
    }
}
