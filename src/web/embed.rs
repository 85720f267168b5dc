//! Embeds for other sites: the spike chart as an SVG image, the region heatmap as an SVG image and
//! as an HTML page for iframes with the status line.
//!
//! Embeds may be framed by any site (`frame-ancestors *`), set no cookies and read none (the
//! language comes from `?lang=` or `Accept-Language`), are `public, max-age=60` with an ETag, and
//! the SVGs answer CORS requests. They come from the page cache, keyed by every option.

use super::AppState;
use super::errors::PageError;
use super::history::{self, Window};
use super::page_cache::{self, CachedBody, Embed, PageKey, Stamp};
use super::view::{self, HTML, find_service, headline, html, updated_line};
use crate::catalog::Service;
use crate::chart;
use crate::counts::buckets::{DAY, HOUR, MINUTE};
use crate::i18n::{Lang, country_zone};
use crate::map::{HeatRow, Theme};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use std::sync::Arc;

const CACHE_CONTROL: &str = "public, max-age=60";
/// Any site may frame an embed; an embed loads nothing but itself.
const EMBED_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; \
                            frame-ancestors *; base-uri 'none'; form-action 'none'";
const SVG: &str = "image/svg+xml";

#[derive(Deserialize)]
pub(super) struct EmbedQuery {
    theme: Option<String>,
    lang: Option<String>,
    window: Option<String>,
}

/// The options of one embed request; unknown values fall back to the defaults (a snippet pasted
/// with a typo still shows something).
#[derive(Debug, Clone, Copy)]
struct Options {
    theme: Theme,
    lang: Lang,
    window: Window,
}

impl Options {
    fn of(req: &HttpRequest, q: &EmbedQuery) -> Self {
        let lang = q
            .lang
            .as_deref()
            .and_then(Lang::from_tag)
            .or_else(|| {
                req.headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|h| h.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default();
        Self {
            theme: q
                .theme
                .as_deref()
                .and_then(Theme::parse)
                .unwrap_or_default(),
            lang,
            window: q
                .window
                .as_deref()
                .and_then(Window::parse)
                .unwrap_or_default(),
        }
    }

    fn key(&self, embed: Embed, service: &Service) -> PageKey {
        PageKey::Embed {
            embed,
            slug: service.slug.clone(),
            lang: self.lang,
            theme: self.theme,
            window: self.window,
        }
    }
}

/// What an embed request asks for: its options, its service (or the 404 page) and its cache key.
fn target<'a>(
    state: &'a AppState,
    req: &HttpRequest,
    query: &EmbedQuery,
    slug: &str,
    embed: Embed,
) -> Result<(Options, &'a Service, PageKey), PageError> {
    let opts = Options::of(req, query);
    let service = find_service(state, slug, opts.lang)?;
    let key = opts.key(embed, service);
    Ok((opts, service, key))
}

/// Serves an embed from the cache, or renders and keeps it.
async fn cached_embed<F>(
    state: &AppState,
    req: &HttpRequest,
    key: PageKey,
    slug: &str,
    content_type: &'static str,
    build: F,
) -> Result<HttpResponse, PageError>
where
    F: Future<Output = Result<String, PageError>>,
{
    let now = state.clock.now();
    let stamp = Stamp::new(
        state.pages.generations.of(slug),
        state.board.updated_at(),
        now,
    );
    let body = state
        .pages
        .get_or_fill(key, stamp, now, content_type, build)
        .await?;
    Ok(respond(req, &body))
}

fn respond(req: &HttpRequest, body: &Arc<CachedBody>) -> HttpResponse {
    let fresh = body.matches(req);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::ETAG, body.etag.as_str()))
        .insert_header(("Content-Security-Policy", EMBED_POLICY))
        .insert_header((header::VARY, "Accept-Language, Accept-Encoding"));
    if body.content_type == SVG {
        res.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_EXPOSE_HEADERS, "ETag"));
    }
    if fresh {
        return res.finish();
    }
    let (bytes, encoding) = body.encoded(req);
    page_cache::body_headers(&mut res, body, encoding);
    res.body(bytes)
}

/// (length, bar) of the spike chart for a window: 15-minute bars over 24 hours, minutes over one hour.
fn chart_shape(window: Window) -> (i64, i64) {
    match window {
        Window::Day => (DAY, 15 * MINUTE),
        Window::Hour => (HOUR, MINUTE),
    }
}

pub(super) async fn chart_svg(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let (opts, service, key) = target(&state, &req, &query, &slug, Embed::Chart)?;
    let slug = service.slug.as_str();
    cached_embed(
        &state,
        &req,
        key,
        slug,
        SVG,
        chart_body(&state, service, opts),
    )
    .await
}

async fn chart_body(
    state: &AppState,
    service: &Service,
    opts: Options,
) -> Result<String, PageError> {
    let lang = opts.lang;
    let now = state.clock.now();
    let slug = &service.slug;
    let (len, bucket) = chart_shape(opts.window);
    let to = now.div_euclid(bucket) * bucket + bucket;
    let outages = state.db.recent_outages(slug, 10).await.unwrap_or_default();
    let bars = history::chart_bars(
        &state.counts,
        &state.normals,
        slug,
        to - len,
        to,
        bucket,
        now,
        &outages,
    )
    .await
    .unwrap_or_default();
    let tz = country_zone(&service.countries[0]);
    let name = service.name.as_str();
    let (title_key, desc_key) = match opts.window {
        Window::Day => ("chart-title-day", "embed-chart-desc-day"),
        Window::Hour => ("chart-title-hour", "embed-chart-desc-hour"),
    };
    let chart = chart::Chart {
        bars: &bars,
        now,
        title: &lang.t1(title_key, "service", name),
        desc: &lang.t1(desc_key, "tz", tz.name()),
        lang,
        tz,
    };
    Ok(chart::standalone_chart(
        &chart,
        opts.theme == Theme::Dark,
        &format!("{}/s/{}", state.public_url, slug),
    ))
}

/// CORS preflight for the SVGs: a script on another site may fetch them with revalidation headers.
pub(super) async fn preflight() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS"))
        .insert_header((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "If-None-Match, Accept-Language",
        ))
        .insert_header((header::ACCESS_CONTROL_MAX_AGE, "86400"))
        .finish()
}

pub(super) async fn map_svg(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let (opts, service, key) = target(&state, &req, &query, &slug, Embed::MapSvg)?;
    let slug = service.slug.as_str();
    let build = async {
        Ok(
            view::heatmap(&state, service, opts.lang, opts.theme, opts.window)
                .await
                .0,
        )
    };
    cached_embed(&state, &req, key, slug, SVG, build).await
}

#[derive(Template)]
#[template(path = "embed_map.html")]
struct MapPage<'a> {
    i: Lang,
    theme: &'static str,
    service: &'a Service,
    status_class: &'static str,
    headline: String,
    updated: String,
    map: String,
    /// The legend and the reports by country as HTML, shown instead of the SVG's on a narrow frame.
    legend: String,
    totals: Option<String>,
    rows: Vec<HeatRow>,
    /// The oEmbed endpoint for this embed (`oembed.rs`).
    oembed: String,
}

/// Regions listed under the embedded map: the busiest few (the service page lists them all).
const EMBED_TABLE_ROWS: usize = 8;

/// Width of the frame the embed snippet suggests (CSS px): a phone's column.
pub const FRAME_WIDTH: u32 = 360;

/// What the map page holds besides the map at [`FRAME_WIDTH`] (CSS px): the page's padding, the
/// service's name, a status line of up to three lines, the legend and the reports by country as
/// HTML (the SVG's own are too small to read at this width), the closed region table and the credit
/// line of up to two lines (measured in Chromium: `tests/api/browser/embed.rs`).
pub const FRAME_TEXT_HEIGHT: f64 = 300.0;

/// Height (CSS px) of the frame the snippet suggests for a map of `size` (its SVG's `viewBox`), so
/// that the map, which scales to the frame's width less the page's padding, and the credit line
/// under it fit without scrolling.
pub fn frame_height(size: (f64, f64)) -> u32 {
    let (w, h) = size;
    let map = f64::from(FRAME_WIDTH - 16) * h / w.max(1.0);
    // Rounded up to a multiple of 10: a tidy number in the snippet.
    ((map + FRAME_TEXT_HEIGHT) / 10.0).ceil() as u32 * 10
}

pub(super) async fn map_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, PageError> {
    let (opts, service, key) = target(&state, &req, &query, &slug, Embed::MapPage)?;
    let slug = service.slug.as_str();
    let build = async {
        let lang = opts.lang;
        let tz = country_zone(&service.countries[0]);
        let (map, mut rows, totals) =
            view::heatmap_with_totals(&state, service, lang, opts.theme, opts.window).await;
        rows.truncate(EMBED_TABLE_ROWS);
        let page = MapPage {
            i: lang,
            theme: opts.theme.code(),
            service,
            status_class: state.board.get(&service.slug).status.as_str(),
            headline: headline(&state, service, lang, tz),
            updated: updated_line(&state, lang, tz),
            map,
            legend: crate::map::legend_html(lang, opts.theme),
            totals: totals.summary(lang),
            rows,
            oembed: super::oembed::discovery_href(
                &state.public_url,
                &format!("/embed/{}/map", service.slug),
            ),
        };
        html(&page, lang)
    };
    cached_embed(&state, &req, key, slug, HTML, build).await
}
