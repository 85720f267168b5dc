//! Reading what a request carries: a size-limited body and the reporter's origin.

use super::errors::{ApiError, Kind};
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

/// The client's address and browser. `X-Forwarded-For` is believed only when the operator says a
/// trusted proxy sets it; otherwise anyone could pose as many reporters.
pub fn origin(req: &HttpRequest, trust_forwarded_for: bool) -> Origin {
    let forwarded = trust_forwarded_for
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|first| first.trim().parse::<IpAddr>().ok());
    let ip = forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
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
