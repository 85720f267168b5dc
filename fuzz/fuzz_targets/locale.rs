//! The language and time zone of a request (`Locale::of`): `?lang=` and `?tz=` in the query string,
//! the `lang` and `tz` cookies, and `Accept-Language`, as the page and embed handlers read them.
//!
//! Input, as lines: the query string, the `Cookie` header, the `Accept-Language` header. Whatever
//! they hold, the answer is one of the five languages and a zone that names itself, and a language
//! or zone counts as chosen only when the query string gave it.
#![no_main]

use actix_web::http::Uri;
use actix_web::http::header::HeaderValue;
use actix_web::test::TestRequest;
use chrono_tz::Tz;
use downtally::web::i18n::{Lang, Locale};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    let query = lines.next().unwrap_or_default();
    let cookie = lines.next().unwrap_or_default();
    let accept = lines.next().unwrap_or_default();
    // What the HTTP layer would have refused never reaches a handler.
    let uri = format!("/s/monzo?{query}");
    if Uri::try_from(uri.as_str()).is_err() {
        return;
    }
    let mut req = TestRequest::default().uri(&uri);
    if let Ok(v) = HeaderValue::from_str(cookie) {
        req = req.insert_header(("cookie", v));
    }
    if let Ok(v) = HeaderValue::from_str(accept) {
        req = req.insert_header(("accept-language", v));
    }
    let req = req.to_http_request();
    let locale = Locale::of(&req);
    assert!(Lang::ALL.contains(&locale.lang));
    assert_eq!(Lang::from_tag(locale.lang.code()), Some(locale.lang));
    if let Some(tz) = locale.tz {
        assert_eq!(tz.name().parse::<Tz>(), Ok(tz));
    }
    assert!(!locale.tz_chosen || locale.tz.is_some());
    if locale.chosen || locale.tz_chosen {
        assert!(
            req.query_string()
                .contains(if locale.chosen { "lang" } else { "tz" })
        );
    }
});
