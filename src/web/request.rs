//! Reading what a request carries: a size-limited body and the reporter's origin.

use super::errors::{ApiError, Kind};
use crate::forwarded::TrustedProxies;
use crate::intake::Origin;
use actix_web::HttpRequest;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;
use std::net::{IpAddr, Ipv4Addr};

/// Largest report body accepted.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// User agents are cut to this length before hashing; longer ones carry no more information.
const MAX_USER_AGENT: usize = 512;

/// Reads the whole body, refusing it with 413 as soon as it passes `MAX_BODY_BYTES`.
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
        let chunk = chunk
            .map_err(|e| ApiError::new(Kind::BadRequest, format!("cannot read the body: {e}")))?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
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
