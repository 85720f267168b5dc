//! oEmbed 1.0 (`GET /oembed?url=…&maxwidth=&maxheight=&format=json`): a publishing tool given the
//! address of a service page (`/s/{slug}`), an outage permalink (`/outages/{id}`) or the map embed
//! (`/embed/{slug}/map`; the URL's `theme`, `lang` and `window` kept, `lang` also for the title) gets
//! a `rich` answer whose `html` is an `<iframe>` of the service's live map embed (`embed.rs`), sized
//! as the service page's embed snippet sizes it (`embed::FRAME_WIDTH`, `embed::frame_height`) and never larger than `maxwidth`
//! × `maxheight` (a narrower frame is given the height its narrower map and longer lines need).
//!
//! Refusals, with the status codes the oEmbed spec gives, as problem documents (`application/
//! problem+json`, as under `/api/`; this path is not under it, so they are decided here): a URL that
//! is not on this site's `--public-url` origin, or not one of the pages above, or of a service or
//! outage that does not exist: 404; `format` other than `json` (the default) or `xml`: 501; no `url`, or a `maxwidth` or
//! `maxheight` that is not a positive integer: 400. Answers are `public, max-age=3600` with CORS `*`.

use super::AppState;
use super::embed::{FRAME_TEXT_HEIGHT, FRAME_WIDTH};
use super::errors::{ApiError, Kind, PROBLEM_JSON, Problem};
use crate::xml::escape;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How long a consumer may keep an answer (s): the frame it describes shows live data itself.
pub const CACHE_AGE: u64 = 3600;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(in crate::web) struct OembedQuery {
    /// A service page, outage permalink or map embed of this site.
    #[param(example = "https://downtally.example/s/monzo")]
    url: String,
    /// The widest frame the consumer can show (CSS px).
    #[param(minimum = 1, example = 320)]
    maxwidth: Option<u32>,
    /// The tallest frame the consumer can show (CSS px).
    #[param(minimum = 1, example = 600)]
    maxheight: Option<u32>,
    /// `json` (the default) or `xml`; anything else answers 501, as the oEmbed spec says.
    #[param(example = "json")]
    format: Option<String>,
}

/// An oEmbed 1.0 `rich` response.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "version": "1.0",
    "type": "rich",
    "title": "Monzo on downtally",
    "provider_name": "downtally",
    "provider_url": "https://downtally.example",
    "cache_age": 3600,
    "width": 360,
    "height": 620,
    "html": "<iframe src=\"https://downtally.example/embed/monzo/map\" width=\"360\" height=\"620\" style=\"border:0\" loading=\"lazy\" title=\"Monzo on downtally\"></iframe>"
}))]
pub(in crate::web) struct OembedBody {
    /// Always `1.0`.
    version: &'static str,
    /// Always `rich`.
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    provider_name: &'static str,
    provider_url: String,
    cache_age: u64,
    width: u32,
    height: u32,
    /// An `<iframe>` of the live embed.
    html: String,
}

/// An embeddable page of this site, found in a URL.
#[derive(Debug, PartialEq, Eq)]
enum Page<'a> {
    Service(&'a str),
    Outage(&'a str),
    /// The map embed.
    Map(&'a str),
}

/// A page and its URL's query (the embed's options, `lang` from any of them, are kept).
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    page: Page<'a>,
    query: Option<&'a str>,
}

/// What `url` points at, when it is on `public_url`'s origin and one of the embeddable pages.
fn target<'a>(public_url: &str, url: &'a str) -> Option<Target<'a>> {
    let rest = url.strip_prefix(public_url.trim_end_matches('/'))?;
    if !rest.starts_with('/') {
        return None;
    }
    let rest = rest.split('#').next().unwrap_or(rest);
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    let page = match segments.as_slice() {
        ["s", slug] => Page::Service(slug),
        ["outages", id] => Page::Outage(id),
        ["embed", slug, "map"] => Page::Map(slug),
        _ => return None,
    };
    Some(Target { page, query })
}

/// The frame's size: [`FRAME_WIDTH`] wide (or `maxwidth`), as tall as a map of `map_size` and its
/// text need at that width (text wraps onto more lines in a narrower frame), at most `maxheight`.
fn frame_size(map_size: (f64, f64), maxwidth: Option<u32>, maxheight: Option<u32>) -> (u32, u32) {
    let width = maxwidth.map_or(FRAME_WIDTH, |m| m.min(FRAME_WIDTH)).max(1);
    let (w, h) = map_size;
    let map = f64::from(width.saturating_sub(16)) * h / w.max(1.0);
    let text = FRAME_TEXT_HEIGHT * f64::from(FRAME_WIDTH) / f64::from(width.max(180));
    let height = ((map + text) / 10.0).ceil() as u32 * 10;
    (width, maxheight.map_or(height, |m| height.min(m)))
}

/// The oEmbed endpoint's address for a page of this site (`path`), as pages advertise it in
/// `<link rel="alternate" type="application/json+oembed">`.
pub fn discovery_href(public_url: &str, path: &str) -> String {
    let page = format!("{public_url}{path}");
    let query = serde_urlencoded::to_string([("url", page.as_str()), ("format", "json")])
        .unwrap_or_default();
    format!("{public_url}/oembed?{query}")
}

fn refuse(kind: Kind, detail: impl Into<String>) -> HttpResponse {
    let mut res = actix_web::ResponseError::error_response(&ApiError::new(kind, detail));
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    res
}

/// The oEmbed answer for a service page, an outage permalink or a map embed of this site.
#[utoipa::path(
    get,
    path = "/oembed",
    tag = "embeds",
    params(OembedQuery),
    responses(
        (status = 200, description = "A rich embed: an iframe of the live map (as XML with `format=xml`)",
            content((OembedBody = "application/json"), (String = "text/xml"))),
        (status = 400, description = "No url, or a size that is not a positive integer", body = Problem, content_type = PROBLEM_JSON),
        (status = 404, description = "Not a page of this site that can be embedded", body = Problem, content_type = PROBLEM_JSON),
        (status = 501, description = "A format other than json or xml", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(in crate::web) async fn oembed(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let query: OembedQuery = match serde_urlencoded::from_str(req.query_string()) {
        Ok(q) => q,
        Err(e) => return refuse(Kind::BadRequest, format!("invalid query: {e}")),
    };
    let xml = match query.format.as_deref().unwrap_or("") {
        "" | "json" => false,
        "xml" => true,
        other => return not_implemented(other),
    };
    if query.maxwidth == Some(0) || query.maxheight == Some(0) {
        return refuse(
            Kind::BadRequest,
            "maxwidth and maxheight must be at least 1",
        );
    }
    let foreign = || {
        refuse(
            Kind::NotFound,
            format!(
                "not a service page, outage permalink or map embed of {}",
                state.public_url
            ),
        )
    };
    let Some(target) = target(&state.public_url, &query.url) else {
        return foreign();
    };
    let options = target.query.and_then(embed_options);
    let lang = target
        .query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| crate::i18n::Lang::from_tag(&v))
        .unwrap_or_default();
    let (service, title) = match target.page {
        Page::Service(slug) | Page::Map(slug) => {
            let Some(service) = state.catalog.get(slug) else {
                return foreign();
            };
            (service, lang.t1("oembed-title", "service", &service.name))
        }
        Page::Outage(id) => {
            let Ok(id) = id.parse::<i64>() else {
                return foreign();
            };
            let outage = match state.db.outage(id).await {
                Ok(Some(o)) => o,
                Ok(None) => return foreign(),
                Err(e) => return HttpResponse::from_error(ApiError::from(e)),
            };
            let Some(service) = state.catalog.get(outage.record.service.as_str()) else {
                return foreign();
            };
            (service, lang.t1("outage-heading", "service", &service.name))
        }
    };
    let (width, height) = frame_size(
        state.maps.get(&service.countries).size(),
        query.maxwidth,
        query.maxheight,
    );
    let src = match options {
        Some(q) => format!("{}/embed/{}/map?{q}", state.public_url, service.slug),
        None => format!("{}/embed/{}/map", state.public_url, service.slug),
    };
    let html = format!(
        "<iframe src=\"{}\" width=\"{width}\" height=\"{height}\" style=\"border:0\" \
         loading=\"lazy\" title=\"{}\"></iframe>",
        escape(&src),
        escape(&title),
    );
    let body = OembedBody {
        version: "1.0",
        kind: "rich",
        title,
        provider_name: "downtally",
        provider_url: state.public_url.clone(),
        cache_age: CACHE_AGE,
        width,
        height,
        html,
    };
    let mut res = HttpResponse::Ok();
    res.insert_header((
        header::CACHE_CONTROL,
        format!("public, max-age={CACHE_AGE}"),
    ))
    .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    if xml {
        res.content_type("text/xml; charset=utf-8")
            .body(body.to_xml())
    } else {
        res.json(body)
    }
}

impl OembedBody {
    /// The oEmbed spec's XML form: one `<oembed>` element, a child per field.
    fn to_xml(&self) -> String {
        let fields = [
            ("version", self.version.to_owned()),
            ("type", self.kind.to_owned()),
            ("title", self.title.clone()),
            ("provider_name", self.provider_name.to_owned()),
            ("provider_url", self.provider_url.clone()),
            ("cache_age", self.cache_age.to_string()),
            ("width", self.width.to_string()),
            ("height", self.height.to_string()),
            ("html", self.html.clone()),
        ];
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<oembed>\n",
        );
        for (name, value) in fields {
            out.push_str(&format!("  <{name}>{}</{name}>\n", escape(&value)));
        }
        out.push_str("</oembed>\n");
        out
    }
}

/// The embed's own options (`theme`, `lang`, `window`) from a page's query, re-encoded; others
/// dropped.
fn embed_options(query: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).ok()?;
    let kept: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "theme" | "lang" | "window"))
        .collect();
    if kept.is_empty() {
        return None;
    }
    serde_urlencoded::to_string(kept).ok()
}

/// 501 for a format we do not offer (the oEmbed spec's answer), as a problem document.
fn not_implemented(format: &str) -> HttpResponse {
    let status = StatusCode::NOT_IMPLEMENTED;
    let detail = format!("format {format:?} is not offered; use json or xml");
    HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(
            serde_json::to_string(&Problem {
                kind: "about:blank".into(),
                title: "Not Implemented".into(),
                status: status.as_u16(),
                detail: detail.clone(),
                error: detail,
            })
            .unwrap_or_default(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_embeddable_pages_are_targets() {
        let base = "https://downtally.example";
        let page = |url| target(base, url).map(|t| (t.page, t.query));
        assert_eq!(
            page("https://downtally.example/s/monzo"),
            Some((Page::Service("monzo"), None))
        );
        assert_eq!(
            page("https://downtally.example/s/monzo/?lang=de#top"),
            Some((Page::Service("monzo"), Some("lang=de")))
        );
        assert_eq!(
            page("https://downtally.example/outages/42"),
            Some((Page::Outage("42"), None))
        );
        assert_eq!(
            page("https://downtally.example/embed/monzo/map?theme=dark"),
            Some((Page::Map("monzo"), Some("theme=dark")))
        );
        for other in [
            "https://downtally.example.evil.com/s/monzo",
            "https://evil.example/s/monzo",
            "http://downtally.example/s/monzo",
            "https://downtally.example/s/monzo/chart.png",
            "https://downtally.example/privacy",
            "https://downtally.example",
        ] {
            assert_eq!(target(base, other), None, "{other}");
        }
    }

    #[test]
    fn frames_fit_the_consumers_bounds() {
        let map = (800.0, 900.0);
        let (w, h) = frame_size(map, None, None);
        assert_eq!(w, FRAME_WIDTH);
        assert_eq!(h, super::super::embed::frame_height(map));
        let (w2, h2) = frame_size(map, Some(300), Some(400));
        assert!(w2 <= 300 && h2 <= 400);
        let (w3, h3) = frame_size(map, Some(280), None);
        assert_eq!(w3, 280);
        // Narrower: a smaller map, but more lines of text than at full width.
        let (_, wide_map) = frame_size((800.0, 400.0), None, None);
        let (_, narrow_map) = frame_size((800.0, 400.0), Some(200), None);
        assert!(
            narrow_map > wide_map - 100 && h3 >= 390,
            "{narrow_map} {wide_map} {h3}"
        );
        assert_eq!(frame_size(map, Some(2000), None).0, FRAME_WIDTH);
    }

    #[test]
    fn embed_options_are_kept_and_others_dropped() {
        assert_eq!(
            embed_options("theme=dark&x=1&lang=de").as_deref(),
            Some("theme=dark&lang=de")
        );
        assert_eq!(embed_options("x=1"), None);
    }
}
