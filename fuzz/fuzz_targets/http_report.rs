//! Report and comment bodies through the real routes and handlers (see `downtally_fuzz::app`):
//! `POST /api/v1/services/{slug}/reports` (JSON), `POST /s/{slug}/report` and
//! `POST /s/{slug}/comments`, the admin login (forms) and a comment's flag (its id in the path),
//! each read, validated and stored as in production, with the form types the page handlers declare.
//!
//! Input: the first byte picks the endpoint and the `Content-Type`, the second the client's /24
//! (so the per-network limits do not answer everything with 429), the rest is the body. Whatever
//! the body, the answer is never a server error and no handler panics.
#![no_main]

use actix_web::http::{Method, Uri};
use downtally_fuzz::app::{Call, ask};
use libfuzzer_sys::fuzz_target;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

const ENDPOINTS: [&str; 5] = [
    "/api/v1/services/monzo/reports",
    "/s/monzo/report",
    "/s/monzo/comments",
    "/s/monzo/comments/{id}/flag",
    "/admin/login",
];

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/x-www-form-urlencoded"),
    Some("text/plain"),
    Some("application/problem+json"),
];

fuzz_target!(|data: &[u8]| {
    let [pick, network, body @ ..] = data else {
        return;
    };
    let endpoint = ENDPOINTS[usize::from(*pick) % ENDPOINTS.len()];
    let content_type = CONTENT_TYPES[usize::from(*pick) / ENDPOINTS.len() % CONTENT_TYPES.len()];
    // A flag carries no body: the rest is the comment's id in the path.
    let (uri, body) = if endpoint.contains("{id}") {
        let Ok(id) = std::str::from_utf8(body) else {
            return;
        };
        let uri = endpoint.replace("{id}", id);
        if Uri::try_from(uri.as_str()).is_err() {
            return;
        }
        (uri, &[][..])
    } else {
        (endpoint.to_owned(), body)
    };
    let mut headers = vec![("user-agent", "downtally-fuzz".to_owned())];
    if let Some(ct) = content_type {
        headers.push(("content-type", ct.to_owned()));
    }
    let answer = ask(Call {
        method: Method::POST,
        uri: uri.clone(),
        headers,
        body: body.to_vec(),
        peer: SocketAddr::new(IpAddr::V4(Ipv4Addr::new(198, 51, *network, 1)), 40000),
    });
    assert!(answer.body_read, "{uri}: the body could not be read");
    assert!(
        !answer.status.is_server_error(),
        "{uri} ({content_type:?}): {} for {:?}",
        answer.status,
        String::from_utf8_lossy(body)
    );
});
