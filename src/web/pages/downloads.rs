//! A page's chart as files, beside the chart: its numbers as CSV, the chart as an SVG that says what
//! it shows (title, period, zone, legend, source), and the same SVG drawn as a PNG (downloads, and
//! the `og:image` of link previews). `/s/{slug}/chart.{csv,svg,png}` is the service page's chart,
//! `/outages/{id}/chart.{csv,svg,png}` the permalink's: the same bars the page draws (built by
//! `service::day_chart` and `outages::outage_chart`). Kept in the page cache like pages, so a PNG
//! costs one render per data change.

use super::outages::{outage_chart, stored_outage};
use super::service::day_chart;
use crate::chart::{self, Bar};
use crate::figure;
use crate::i18n::{self, Arg, Lang};
use crate::raster;
use crate::web::AppState;
use crate::web::errors::{Kind, PageError};
use crate::web::i18n::Locale;
use crate::web::page_cache::{self, ChartFile, ChartOf, PageKey, Stamp};
use crate::web::view::find_service;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono_tz::Tz;

/// PNGs are drawn at this multiple of the SVG's size (720 × 324 → 1080 × 486: sharp in previews).
pub const PNG_SCALE: f32 = 1.5;

/// A chart as a page draws it, with what a file of it must say.
pub struct ChartData {
    pub bars: Vec<Bar>,
    /// Seconds per bar.
    pub bucket: i64,
    /// The title (`<title>` and heading) and description (`<desc>`), translated.
    pub title: String,
    pub desc: String,
    /// The page the chart belongs to, absolute (from `--public-url`).
    pub page_url: String,
    pub lang: Lang,
    pub tz: Tz,
    /// When it was drawn.
    pub now: i64,
}

impl ChartData {
    /// What the chart covers: "2024-09-22 14:15 – 2024-09-23 14:15 CEST (Europe/Rome), reports per
    /// 15 minutes".
    pub fn covers(&self) -> String {
        let lang = self.lang;
        let (from, to) = match (self.bars.first(), self.bars.last()) {
            (Some(a), Some(b)) => (a.start, b.start + self.bucket),
            _ => (self.now, self.now),
        };
        lang.ta(
            "fig-covers",
            &[
                ("from", Arg::from(lang.date_time(from, self.tz))),
                ("to", Arg::from(lang.date_time(to, self.tz))),
                ("zone", Arg::from(i18n::zone_abbreviation(to, self.tz))),
                ("tz", Arg::from(self.tz.name())),
                ("per", Arg::from(self.per_slot())),
            ],
        )
    }

    /// "reports per 15 minutes"
    pub fn per_slot(&self) -> String {
        let minutes = (self.bucket / 60).max(1) as u64;
        self.lang.count("fig-per-slot", minutes, &[])
    }

    /// The chart as `chart/` draws it for these bars and words.
    pub fn chart(&self) -> chart::Chart<'_> {
        chart::Chart {
            bars: &self.bars,
            now: self.now,
            title: &self.title,
            desc: &self.desc,
            lang: self.lang,
            tz: self.tz,
        }
    }

    /// The chart as a file that explains itself: `chart/`'s standalone drawing, with its title,
    /// the dates and zone it covers, its legend and the page it comes from drawn in.
    pub fn figure_svg(&self) -> String {
        chart::standalone_chart(&self.chart(), false, &self.page_url)
    }
}

/// The download links beside a chart, and the preview image for Open Graph.
pub struct Downloads {
    /// `/s/monzo/chart` or `/outages/42/chart`: the files are this plus `.csv`, `.svg`, `.png`.
    pub base: String,
    /// `?lang=it` (and the zone when the visitor chose one): the files say what the page says.
    pub query: String,
}

impl Downloads {
    pub fn new(base: String, lang: Lang, tz: Option<Tz>) -> Self {
        let mut query = format!("?lang={}", lang.code());
        if let Some(tz) = tz {
            query.push_str("&tz=");
            query.push_str(tz.name());
        }
        Self { base, query }
    }

    /// The PNG's absolute address, for `og:image`.
    pub fn png_url(&self, public_url: &str) -> String {
        format!("{public_url}{}.png{}", self.base, self.query)
    }
}

/// What a shared link previews (Open Graph and Twitter card tags).
pub struct Share {
    pub url: String,
    pub title: String,
    pub description: String,
    pub image: String,
    pub image_alt: String,
}

impl ChartFile {
    fn parse(ext: &str) -> Option<Self> {
        match ext {
            "csv" => Some(ChartFile::Csv),
            "svg" => Some(ChartFile::Svg),
            "png" => Some(ChartFile::Png),
            _ => None,
        }
    }

    fn ext(self) -> &'static str {
        match self {
            ChartFile::Csv => "csv",
            ChartFile::Svg => "svg",
            ChartFile::Png => "png",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            ChartFile::Csv => "text/csv; charset=utf-8",
            ChartFile::Svg => "image/svg+xml",
            ChartFile::Png => "image/png",
        }
    }
}

/// The file of a chart: CSV text, the framed SVG, or that SVG drawn (off the async workers).
/// PNG renders at once, in the whole process (see [`render`]).
static PNG_RENDERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

async fn render(file: ChartFile, chart: ChartData) -> Result<Bytes, PageError> {
    let lang = chart.lang;
    Ok(match file {
        ChartFile::Csv => figure::chart_csv(&chart.bars).into(),
        ChartFile::Svg => chart.figure_svg().into(),
        ChartFile::Png => {
            let svg = chart.figure_svg();
            // A PNG costs 20-50 ms of a core on a cache miss, and the page cache keys it by language
            // and zone, so varied `?tz=` values miss on purpose: one render at a time, whatever
            // arrives, so misses queue instead of filling the blocking pool and both cores.
            let _turn = PNG_RENDERS
                .acquire()
                .await
                .map_err(|e| PageError::internal(e, lang))?;
            tokio::task::spawn_blocking(move || raster::png(&svg, PNG_SCALE))
                .await
                .map_err(|e| PageError::internal(e, lang))?
                .map_err(|e| PageError::internal(e, lang))?
                .into()
        }
    })
}

fn not_found(lang: Lang, what: &str, back: &str) -> PageError {
    PageError::new(Kind::NotFound, lang.t(what))
        .with_back(back)
        .in_lang(lang)
}

/// `/s/{slug}/chart.{csv,svg,png}`: the service page's chart.
pub(in crate::web) async fn service_chart_file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let (slug, ext) = path.into_inner();
    let lang = loc.lang;
    let service = find_service(&state, &slug, lang)?;
    let file = ChartFile::parse(&ext).ok_or_else(|| not_found(lang, "error-no-file", "/"))?;
    let key = PageKey::Chart {
        of: ChartOf::Service(service.slug.clone()),
        file,
        lang,
        tz: loc.tz,
    };
    let data = state.pages.generations.of(service.slug.as_str());
    let name = format!("{}-24h.{}", service.slug.as_str(), file.ext());
    let build = async {
        let outages = state
            .db
            .recent_outages(&service.slug, 10)
            .await
            .map_err(|e| PageError::internal(e, lang))?;
        let tz = super::service_zone(loc, Some(service));
        render(file, day_chart(&state, service, lang, tz, &outages).await).await
    };
    serve(&state, &req, key, data, file, &name, build).await
}

/// `/outages/{id}/chart.{csv,svg,png}`: the permalink's chart.
pub(in crate::web) async fn outage_chart_file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let (id, ext) = path.into_inner();
    let lang = loc.lang;
    let missing = || not_found(lang, "error-no-outage", "/outages");
    let id: i64 = id.parse().map_err(|_| missing())?;
    let file = ChartFile::parse(&ext).ok_or_else(missing)?;
    let key = PageKey::Chart {
        of: ChartOf::Outage(id),
        file,
        lang,
        tz: loc.tz,
    };
    // As the permalink: its service is known only after the lookup.
    let data = state.pages.generations.all();
    let name = format!("outage-{id}.{}", file.ext());
    let build = async {
        let stored = stored_outage(&state, id, lang).await?;
        render(file, outage_chart(&state, &stored, loc).await).await
    };
    serve(&state, &req, key, data, file, &name, build).await
}

/// From the cache while its stamp holds, else rendered and kept. CSV and SVG travel compressed
/// when the client accepts it; a PNG is compressed already.
async fn serve<F>(
    state: &AppState,
    req: &HttpRequest,
    key: PageKey,
    data: u64,
    file: ChartFile,
    name: &str,
    build: F,
) -> Result<HttpResponse, PageError>
where
    F: Future<Output = Result<Bytes, PageError>>,
{
    let now = state.clock.now();
    let stamp = Stamp::new(data, state.board.updated_at(), now);
    let body = state
        .pages
        .get_or_fill(key, stamp, now, file.content_type(), build)
        .await?;
    let fresh = body.matches(req);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    let disposition = match file {
        ChartFile::Csv => "attachment",
        ChartFile::Svg | ChartFile::Png => "inline",
    };
    res.insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .insert_header((header::ETAG, body.etag.as_str()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{name}\""),
        ))
        .insert_header((header::VARY, "Accept-Language, Cookie, Accept-Encoding"));
    if fresh {
        return Ok(res.finish());
    }
    let (bytes, encoding) = match file {
        ChartFile::Png => (body.plain(), None),
        ChartFile::Csv | ChartFile::Svg => body.encoded(req),
    };
    page_cache::body_headers(&mut res, &body, encoding);
    Ok(res.body(bytes))
}
