//! What every request passes before its handler, and every answer after it:
//!
//! - a form posted from another site is refused (403, a page in the visitor's language): browsers
//!   say where a request comes from (`Sec-Fetch-Site`, `Origin`), so no per-visitor token is needed
//!   and pages stay cacheable, the same bytes and ETag for everyone;
//! - a body must arrive within its deadline (else 408), and a body its handler left unread closes
//!   the connection after the answer instead of being drained for as long as a slow client likes
//!   (`hold_bodies`, the outermost middleware);
//! - on an https site (`--public-url https://…`) every answer carries HSTS, and every cookie is
//!   `Secure`; every cookie is `SameSite=Lax` and `HttpOnly` whatever set it (`site_policy`, with
//!   the cross-site refusal).

use super::AppState;
use super::errors::{Kind, PageError};
use super::i18n::Locale;
use crate::forwarded::TrustedProxies;
use actix_web::body::{BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::{Stream, StreamExt};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// `Strict-Transport-Security` on an https site: a year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Default time a request body may take to arrive, from the end of its headers.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

/// What the guard knows of the site it guards.
#[derive(Debug, Clone)]
pub struct Site {
    /// `--public-url`, when it was given: forms must come from this origin.
    pub public: Option<SiteOrigin>,
    /// How long a request body may take to arrive, from the end of its headers.
    pub body_timeout: Duration,
}

impl Site {
    /// Visitors reach the site over https: HSTS and `Secure` cookies.
    pub fn https(&self) -> bool {
        self.public.as_ref().is_some_and(SiteOrigin::is_https)
    }
}

/// An origin: scheme, host (lowercase; an IPv6 address in brackets) and port (the scheme's default
/// when none is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteOrigin {
    scheme: String,
    host: String,
    port: u16,
}

impl SiteOrigin {
    /// `http://host[:port]` or `https://host[:port]`, followed by anything (a URL's path); `None`
    /// for anything else (`null`, other schemes, garbage).
    pub fn parse(url: &str) -> Option<Self> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default = default_port(&scheme)?;
        let authority = rest.split(['/', '?', '#']).next()?;
        let (host, port) = host_port(authority)?;
        Some(Self {
            scheme,
            host,
            port: port.unwrap_or(default),
        })
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }

    /// The same host and port as `authority` (a `Host` header), whose port, when not written, is
    /// this origin's scheme's default. The scheme is not compared: behind a TLS proxy the request
    /// came to downtally over http.
    fn hosted_at(&self, authority: &str) -> bool {
        host_port(authority).is_some_and(|(host, port)| {
            host == self.host && port.or(default_port(&self.scheme)) == Some(self.port)
        })
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

/// `host[:port]` (a `Host` header, a URL's authority): the host in lowercase, and the port if one
/// is written. `None` for what is no such thing (user info, spaces, an empty host or port).
fn host_port(authority: &str) -> Option<(String, Option<u16>)> {
    if authority
        .bytes()
        .any(|b| b == b'@' || b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (&authority[..inside.len() + 2], port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    (!host.is_empty() && host != "[]").then(|| (host.to_ascii_lowercase(), port))
}

/// The origin a request must come from to change anything.
#[derive(Debug, Clone, Copy)]
pub enum OwnOrigin<'a> {
    /// `--public-url`: scheme, host and port compared.
    Public(&'a SiteOrigin),
    /// The `Host` the request came to (as a trusted proxy saw it, else as the client sent it),
    /// when there is no public URL: host and port compared.
    Host(Option<&'a str>),
}

/// Why a request that changes something comes from another site, if it does. Browsers say where a
/// request comes from, and a page cannot make them lie: `Sec-Fetch-Site` (`cross-site` refused, and
/// `same-site` too, since a sibling subdomain is another site's code; `same-origin` and `none`, a
/// request the visitor typed, pass) and `Origin` (refused unless it is `own`). A request with
/// neither passes: it comes from a program or an old browser, not from a page another site made a
/// visitor's browser send.
pub fn cross_site(headers: &HeaderMap, own: OwnOrigin<'_>) -> Option<&'static str> {
    let fetch_site = headers.get("sec-fetch-site").map(HeaderValue::as_bytes);
    if let Some(site) = fetch_site
        && (site.eq_ignore_ascii_case(b"cross-site") || site.eq_ignore_ascii_case(b"same-site"))
    {
        return Some("Sec-Fetch-Site says the request comes from another site");
    }
    let origin = headers.get(header::ORIGIN)?;
    let same = origin
        .to_str()
        .ok()
        .and_then(SiteOrigin::parse)
        .is_some_and(|origin| match own {
            OwnOrigin::Public(site) => origin == *site,
            OwnOrigin::Host(host) => host.is_some_and(|host| origin.hosted_at(host)),
        });
    (!same).then_some("Origin is not this site")
}

/// The host a request came to: as a trusted proxy forwarded it (`Forwarded: host=`,
/// `X-Forwarded-Host`), else the `Host` header (or the authority of an absolute request target).
fn own_host(req: &HttpRequest, proxies: &TrustedProxies) -> Option<String> {
    let from_proxy = req.peer_addr().is_some_and(|a| proxies.contains(a.ip()));
    if from_proxy {
        return Some(req.connection_info().host().to_owned());
    }
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
}

/// Refuses (403, a page in the visitor's language) a request another site's page made a browser
/// send (see [`cross_site`]). The guard middleware calls it for every POST, PUT, PATCH and DELETE
/// outside `/api/`, so a new form is covered without calling it; a handler may call it too.
pub(crate) fn refuse_cross_site(req: &HttpRequest) -> Result<(), PageError> {
    let state = req.app_data::<web::Data<AppState>>();
    let host;
    let own = match state {
        Some(state) if state.site.public.is_some() => {
            OwnOrigin::Public(state.site.public.as_ref().expect("checked above"))
        }
        _ => {
            let none = TrustedProxies::default();
            let proxies = state.map_or(&none, |s| &s.trusted_proxies);
            host = own_host(req, proxies);
            OwnOrigin::Host(host.as_deref())
        }
    };
    let Some(why) = cross_site(req.headers(), own) else {
        return Ok(());
    };
    tracing::debug!(
        why,
        origin = ?req.headers().get(header::ORIGIN),
        "cross-site request refused"
    );
    let lang = Locale::of(req).lang;
    Err(PageError::new(Kind::Forbidden, lang.t("error-cross-site"))
        .with_back("/")
        .in_lang(lang))
}

/// Methods that change something: every one but GET, HEAD, OPTIONS and TRACE.
fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The site's policy: cross-site forms refused, HSTS and cookie attributes. Runs inside
/// `observe_latency`, so a refusal is logged and measured like any answer. Outside the app (no
/// state), it only passes through.
pub async fn site_policy(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let refused = (changes_state(req.method()) && !req.path().starts_with("/api/"))
        .then(|| refuse_cross_site(req.request()).err())
        .flatten();
    let mut res = match refused {
        Some(page) => req
            .into_response(HttpResponse::from_error(page))
            .map_into_right_body(),
        None => next.call(req).await?.map_into_left_body(),
    };
    transport_policy(&state.site, res.headers_mut());
    Ok(res)
}

/// Bodies behind their deadline, and held by their answer until it is sent (see [`HeldBody`]).
/// The outermost middleware, so that no other replaces the answer's body before it is sent.
pub async fn hold_bodies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, HoldingBody>>, actix_web::Error> {
    let timeout = req
        .app_data::<web::Data<AppState>>()
        .map_or(BODY_TIMEOUT, |state| state.site.body_timeout);
    let Some(held) = hold_body(&mut req, timeout) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let res = next.call(req).await?;
    Ok(res.map_body(|_, body| {
        EitherBody::right(HoldingBody {
            body: body.boxed(),
            _held: held,
        })
    }))
}

/// A request's body, shared by its handler (through [`Timed`]) and its answer's body
/// ([`HoldingBody`]). A body still unread when the answer has been sent (its handler did not want
/// it, or refused it) makes actix close the connection. Dropped earlier, a chunked body would be
/// drained, for as long as the client takes to send it.
#[derive(Clone)]
struct HeldBody(Rc<RefCell<Payload>>);

/// An answer's body that holds its request's body until it has been sent.
pub struct HoldingBody {
    body: BoxBody,
    _held: HeldBody,
}

impl MessageBody for HoldingBody {
    type Error = Box<dyn std::error::Error>;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.body).poll_next(cx)
    }
}

/// Puts the request's body, if it has one, behind its deadline, and returns it to be held.
fn hold_body(req: &mut ServiceRequest, timeout: Duration) -> Option<HeldBody> {
    let payload = req.take_payload();
    if matches!(payload, Payload::None) {
        return None;
    }
    let held = HeldBody(Rc::new(RefCell::new(payload)));
    req.set_payload(Payload::Stream {
        payload: Box::pin(Timed {
            body: held.clone(),
            deadline: Instant::now() + timeout,
            timeout,
            timer: None,
            done: false,
        }),
    });
    Some(held)
}

/// A body that fails with a time-out (`PayloadError::Io` of kind `TimedOut`, see
/// `errors::body_timed_out`) once its deadline has passed, whether it is trickling in or stalled.
/// The timer is armed only when the body stalls, so a body that came with its headers costs none.
struct Timed {
    body: HeldBody,
    deadline: Instant,
    timeout: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
}

impl Timed {
    fn timed_out(&mut self) -> Poll<Option<Result<Bytes, PayloadError>>> {
        self.done = true;
        Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "the body did not arrive within {} seconds",
                self.timeout.as_secs_f64()
            ),
        )))))
    }
}

impl Stream for Timed {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        let polled = self.body.0.borrow_mut().poll_next_unpin(cx);
        match polled {
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Ready(Some(chunk)) if Instant::now() < self.deadline => Poll::Ready(Some(chunk)),
            Poll::Ready(Some(_)) => self.timed_out(),
            Poll::Pending => {
                let deadline = self.deadline;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline.into())));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => self.timed_out(),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// HSTS on an https site; every cookie `SameSite=Lax` and `HttpOnly` unless it says otherwise, and
/// `Secure` on an https site.
fn transport_policy(site: &Site, headers: &mut HeaderMap) {
    let https = site.https();
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if !headers.contains_key(header::SET_COOKIE) {
        return;
    }
    let cookies: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .map(|cookie| harden_cookie(cookie, https))
        .collect();
    headers.remove(header::SET_COOKIE);
    for cookie in cookies {
        headers.append(header::SET_COOKIE, cookie);
    }
}

/// A `Set-Cookie` value with `SameSite=Lax`, `HttpOnly` and (when `secure`) `Secure` added where it
/// has no such attribute.
fn harden_cookie(cookie: &HeaderValue, secure: bool) -> HeaderValue {
    let Ok(text) = cookie.to_str() else {
        return cookie.clone();
    };
    let has = |name: &str| {
        text.split(';').skip(1).any(|attr| {
            attr.split('=')
                .next()
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(name))
        })
    };
    let mut out = text.to_owned();
    if !has("SameSite") {
        out.push_str("; SameSite=Lax");
    }
    if !has("HttpOnly") {
        out.push_str("; HttpOnly");
    }
    if secure && !has("Secure") {
        out.push_str("; Secure");
    }
    HeaderValue::try_from(out).unwrap_or_else(|_| cookie.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                header::HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn origins_parse_with_default_ports_and_lowercase_hosts() {
        let o = SiteOrigin::parse("HTTPS://Downtally.Example/some/path").unwrap();
        assert_eq!(
            o,
            SiteOrigin {
                scheme: "https".into(),
                host: "downtally.example".into(),
                port: 443
            }
        );
        assert!(o.is_https());
        assert_eq!(
            SiteOrigin::parse("http://[::1]:8080").unwrap().host,
            "[::1]"
        );
        assert_eq!(
            SiteOrigin::parse("http://127.0.0.1:8080").unwrap().port,
            8080
        );
        for bad in [
            "null",
            "",
            "ftp://x",
            "https://",
            "https://a:b",
            "https://a:",
            "https://u@evil",
            "https://[::1",
            "https://[]",
            "https://a b",
            "https://a:99999",
        ] {
            assert_eq!(SiteOrigin::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn forms_from_another_site_are_refused_and_from_this_one_or_no_browser_pass() {
        let site = SiteOrigin::parse("https://downtally.example").unwrap();
        let public = OwnOrigin::Public(&site);
        let host = OwnOrigin::Host(Some("127.0.0.1:8080"));
        for own in [public, host] {
            assert_eq!(cross_site(&headers(&[]), own), None, "a program");
            for refused in [
                &[("sec-fetch-site", "cross-site")][..],
                &[("sec-fetch-site", "Same-Site")],
                &[("origin", "https://evil.example")],
                &[("origin", "null")],
                &[("origin", "garbage")],
                &[
                    ("sec-fetch-site", "same-origin"),
                    ("origin", "https://evil.example"),
                ],
            ] {
                assert!(
                    cross_site(&headers(refused), own).is_some(),
                    "{refused:?} {own:?}"
                );
            }
            for passes in [
                &[("sec-fetch-site", "same-origin")][..],
                &[("sec-fetch-site", "none")],
            ] {
                assert_eq!(cross_site(&headers(passes), own), None, "{passes:?}");
            }
        }
        let ok = |origin: &'static str, own| cross_site(&headers(&[("origin", origin)]), own);
        assert_eq!(ok("https://downtally.example", public), None);
        assert_eq!(ok("https://DOWNTALLY.example:443", public), None);
        assert!(ok("http://downtally.example", public).is_some(), "scheme");
        assert!(
            ok("https://downtally.example:8443", public).is_some(),
            "port"
        );
        assert!(ok("https://sub.downtally.example", public).is_some());
        assert_eq!(ok("http://127.0.0.1:8080", host), None);
        assert!(ok("http://127.0.0.1:8081", host).is_some());
        assert!(ok("http://127.0.0.1", host).is_some());
        // Behind a TLS proxy that keeps the Host: the scheme's default port.
        let proxied = OwnOrigin::Host(Some("downtally.example"));
        assert_eq!(ok("https://downtally.example", proxied), None);
        assert_eq!(ok("http://downtally.example", proxied), None);
        assert!(ok("https://evil.example", proxied).is_some());
        assert!(ok("https://downtally.example", OwnOrigin::Host(None)).is_some());
    }

    #[test]
    fn cookies_get_lax_httponly_and_secure_on_https() {
        let c = HeaderValue::from_static("lang=it; Path=/; Max-Age=60");
        assert_eq!(
            harden_cookie(&c, false),
            "lang=it; Path=/; Max-Age=60; SameSite=Lax; HttpOnly"
        );
        assert_eq!(
            harden_cookie(&c, true),
            "lang=it; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure"
        );
        let strict = HeaderValue::from_static("s=1; SameSite=Strict; httponly; secure");
        assert_eq!(harden_cookie(&strict, true), strict);
        // An attribute's name, not a value that happens to contain it.
        let tricky = HeaderValue::from_static("secure=1; Path=/");
        assert_eq!(
            harden_cookie(&tricky, true),
            "secure=1; Path=/; SameSite=Lax; HttpOnly; Secure"
        );
    }
}
