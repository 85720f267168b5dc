//! The query strings of every page, embed and API endpoint, through the real routes and handlers
//! (see `downtally_fuzz::app`):
//! `window`, `step`, `problem`, `region` of the series API; `q`, `country`, `service` of the lists;
//! `reported`, `counted`, `commented`, `comments` (the comment page) of a service page; `theme`,
//! `lang`, `window` of the embeds; the outage API, the privacy page and the admin area; `lang` and `tz` everywhere. Each is read by the handler's own
//! `web::Query<…>` and validated as it is in production.
//!
//! Input: the first byte picks the path, the rest is the query string. Whatever the query, the
//! answer is never a server error and the handler never panics.
#![no_main]

use actix_web::http::{Method, Uri};
use downtally_fuzz::app::{Call, ask};
use libfuzzer_sys::fuzz_target;

const PATHS: [&str; 17] = [
    "/",
    "/s/monzo",
    "/s/no-such-service",
    "/outages",
    "/outages/1",
    "/outages/not-a-number",
    "/api/v1/services",
    "/api/v1/services/monzo/series",
    "/api/v1/services/no-such-service/series",
    "/embed/monzo/chart.svg",
    "/embed/monzo/map.svg",
    "/embed/monzo/map",
    "/static/style.css",
    "/api/v1/outages/1",
    "/api/v1/outages/-1",
    "/privacy",
    "/admin",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, query)) = data.split_first() else {
        return;
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let path = PATHS[usize::from(pick) % PATHS.len()];
    let uri = format!("{path}?{query}");
    // What the HTTP layer would have refused never reaches a handler.
    if Uri::try_from(uri.as_str()).is_err() {
        return;
    }
    let answer = ask(Call {
        method: Method::GET,
        uri: uri.clone(),
        headers: Vec::new(),
        body: Vec::new(),
        peer: "203.0.113.7:40000".parse().expect("an address"),
    });
    assert!(answer.body_read, "{uri}: the body could not be read");
    assert!(!answer.status.is_server_error(), "{uri}: {}", answer.status);
});
