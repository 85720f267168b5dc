//! Reading what a request carries: a size-limited body (JSON ones of a JSON media type), the
//! reporter's origin, the request's id.

use super::errors::{ApiError, Kind, body_timed_out};
use crate::forwarded::TrustedProxies;
use crate::intake::Origin;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::web::{Bytes, BytesMut, Payload};
use actix_web::{HttpMessage, HttpRequest, mime};
use futures_util::StreamExt;
use std::net::{IpAddr, Ipv4Addr};

/// Largest report body accepted.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// User agents are cut to this length before hashing; longer ones carry no more information.
const MAX_USER_AGENT: usize = 512;
/// The header a request's id travels in, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Longest request id taken from a client.
const MAX_REQUEST_ID: usize = 64;

/// Reads the whole body, refusing it with 413 as soon as it passes `MAX_BODY_BYTES`, and with 408
/// when it does not arrive in time (the deadline is set on every body by `web/guard.rs`).
pub async fn read_body(req: &HttpRequest, mut payload: Payload) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            Kind::PayloadTooLarge,
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(256));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            if body_timed_out(&e) {
                ApiError::new(Kind::RequestTimeout, e.to_string())
            } else {
                ApiError::new(Kind::BadRequest, format!("cannot read the body: {e}"))
            }
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Refuses (415) a body that does not say it is JSON: only `application/json` (with any parameters,
/// such as `; charset=utf-8`) and `application/*+json` are read. Anything else, a missing type too,
/// may be a page of another site posting across sites: a browser sends `text/plain` or a form from
/// any page without asking (`fetch(…, {mode: 'no-cors'})`, `<form>`), while a JSON type makes it
/// ask first (CORS), and downtally allows no other site.
pub fn require_json(req: &HttpRequest) -> Result<(), ApiError> {
    let json = match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
        }
        _ => false,
    };
    if json {
        return Ok(());
    }
    let given = req
        .headers()
        .get("content-type")
        .map_or("none".into(), |v| String::from_utf8_lossy(v.as_bytes()));
    Err(ApiError::new(
        Kind::UnsupportedMediaType,
        format!(
            "the body must be JSON (Content-Type: application/json or application/*+json), not {given:?}"
        ),
    ))
}

/// The client's address as seen through trusted proxies (see `forwarded.rs`): forwarding headers
/// are believed only from a socket the operator trusts; otherwise anyone could pose as many networks.
pub fn client_ip(req: &HttpRequest, proxies: &TrustedProxies) -> IpAddr {
    let socket = req
        .peer_addr()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    if proxies.is_empty() {
        return socket;
    }
    let values = |name| -> Vec<&str> {
        req.headers()
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .collect()
    };
    proxies.client(socket, &values("forwarded"), &values("x-forwarded-for"))
}

/// The client's address and browser.
pub fn origin(req: &HttpRequest, proxies: &TrustedProxies) -> Origin {
    let ip = client_ip(req, proxies);
    let user_agent = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(MAX_USER_AGENT)
        .collect();
    Origin { ip, user_agent }
}

/// The id a request is logged and answered under: the client's (or its proxy's) `X-Request-Id` when
/// it is a plain token (1 to 64 letters, digits, `-`, `_`, `.`), so that one id follows a request
/// through several services; else 16 random hex digits (a thread-local generator: no lock, no
/// syscall, on every request of the intake).
pub fn request_id(headers: &HeaderMap) -> HeaderValue {
    match headers.get(&REQUEST_ID) {
        Some(id) if is_token(id.as_bytes()) => id.clone(),
        _ => HeaderValue::try_from(format!("{:016x}", rand::random::<u64>()))
            .expect("hex digits are a header value"),
    }
}

fn is_token(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_the_clients_tokens_or_random_hex() {
        let with = |id: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(REQUEST_ID, HeaderValue::from_str(id).unwrap());
            request_id(&headers)
        };
        assert_eq!(with("req-42_a.b"), "req-42_a.b");
        let long = "a".repeat(MAX_REQUEST_ID);
        assert_eq!(with(&long), long.as_str());
        for bad in [
            "",
            "two words",
            "<script>",
            "é",
            &"a".repeat(MAX_REQUEST_ID + 1),
        ] {
            let id = HeaderValue::from_str(bad)
                .map_or_else(|_| request_id(&HeaderMap::new()), |_| with(bad));
            let id = id.to_str().unwrap();
            assert!(
                id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
                "{bad:?}: {id}"
            );
        }
        assert_ne!(request_id(&HeaderMap::new()), request_id(&HeaderMap::new()));
    }
}
