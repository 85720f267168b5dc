//! Server-rendered pages. Everything works without JavaScript.
//!
//! One file per page: `home.rs` (every service, the troubled ones first), `service.rs` (a service's
//! status, chart, heatmap and comments), `outages.rs` (an outage's permalink, and the list),
//! `forms.rs` (the report and comment forms), `flags.rs` (a reader flags a comment), `privacy.rs`
//! (what is stored, for how long, which cookies), `statements.rs` (official statements on outages,
//! for the service page and the permalink). Here is what the pages share: the cached answer and
//! the rows they show outages and chart buckets in. What pages share with embeds is `web/view.rs`.

mod api_doc;
mod downloads;
mod evidence;
mod feeds;
mod flags;
mod forms;
mod groups;
mod home;
mod outages;
mod privacy;
mod service;
mod statements;
pub(super) mod statuspage;

pub(super) use api_doc::api_page;
pub(super) use downloads::{outage_chart_file, service_chart_file};
pub(super) use feeds::{feed_all, feed_service};
pub(super) use flags::flag_form;
pub(super) use forms::{comment_form, read_form, report_form};
pub(super) use home::index;
pub(super) use outages::{outage_page, outages_page};
pub(super) use privacy::privacy_page;
pub(super) use service::service_page;

use super::AppState;
use super::errors::PageError;
use super::i18n::Locale;
use super::page_cache::{self, CachedBody, PageKey, Stamp};
use super::view::{HTML, clock};
use crate::catalog::Service;
use crate::chart;
use crate::domain::ProblemKind;
use crate::i18n::{self, Arg, Lang};
use crate::regions::RegionCatalog;
use crate::store::StoredOutage;
use actix_web::{HttpRequest, HttpResponse};
use chrono_tz::Tz;

/// Where a page may come from the cache: its key and the data generation it shows
/// (`page_cache::Generations`). `None` for variants that must be rendered every time.
type CacheSlot = Option<(PageKey, u64)>;

/// Serves a page from the cache when its stamp still holds, else renders it with `build` (and keeps
/// it). Pages change at most once a minute for a given stamp, so they are `no-cache` with a weak
/// validator: a client revalidating with `If-None-Match` usually gets a bodiless 304.
async fn cached_page<F>(
    state: &AppState,
    req: &HttpRequest,
    loc: Locale,
    slot: CacheSlot,
    build: F,
) -> Result<HttpResponse, PageError>
where
    F: Future<Output = Result<String, PageError>>,
{
    let now = state.clock.now();
    match slot {
        Some((key, data)) => {
            let stamp = Stamp::new(data, state.board.updated_at(), now);
            let body = state
                .pages
                .get_or_fill(key, stamp, now, HTML, build)
                .await?;
            Ok(respond(req, &body, loc, true))
        }
        None => {
            let body = CachedBody::new(build.await?, HTML, Stamp::new(0, 0, now), now);
            Ok(respond(req, &body, loc, false))
        }
    }
}

/// The response for a body: 304 when the client holds it, else the body in the best encoding the
/// client accepts; compressed once and kept when `cached`, else left to the compression middleware
/// (its faster setting suits a body sent once). Language cookies and `Vary` come from `loc`.
fn respond(req: &HttpRequest, body: &CachedBody, loc: Locale, cached: bool) -> HttpResponse {
    let fresh = body.matches(req);
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(("Cache-Control", "no-cache"))
        .insert_header(("ETag", body.etag.as_str()));
    loc.headers(&mut res);
    res.append_header(("Vary", "Accept-Encoding"));
    if fresh {
        return res.finish();
    }
    if !cached {
        page_cache::body_headers(&mut res, body, None);
        return res.body(body.plain());
    }
    let (bytes, encoding) = body.encoded(req);
    page_cache::body_headers(&mut res, body, encoding);
    res.body(bytes)
}

/// A problem kind as the visitor's language names it.
fn problem_label(kind: ProblemKind, lang: Lang) -> String {
    lang.t(&format!("problem-{}", kind.code()))
}

/// A date and time with its zone: "22/11/2026 11:42 CET".
fn stamp(lang: Lang, t: i64, tz: Tz) -> String {
    format!(
        "{} {}",
        lang.date_time(t, tz),
        i18n::zone_abbreviation(t, tz)
    )
}

/// The zone of a service's times: the visitor's, else the service's main country's.
fn service_zone(loc: Locale, service: Option<&Service>) -> Tz {
    loc.zone(service.map_or("", |s| s.countries[0].as_str()))
}

/// [`service_zone`] for the service of a stored row, which the catalog may no longer list.
fn stored_service_zone(loc: Locale, state: &AppState, slug: &str) -> Tz {
    loc.zone(state.catalog.main_country(slug).unwrap_or(""))
}

/// A row of the table that stands in for a chart.
struct TableRow {
    time: String,
    /// The count with the language's grouping.
    count: String,
    typical: String,
}

impl TableRow {
    /// The row of bar `b`; the slot still filling at `now` says that its count is so far.
    fn new(b: &chart::Bar, lang: Lang, tz: Tz, now: i64) -> Self {
        let time = lang.time(b.start, tz);
        Self {
            time: if b.so_far(now) {
                lang.t1("table-so-far", "time", &time)
            } else {
                time
            },
            count: lang.integer(b.count),
            // The whole counts the normal range holds.
            typical: b
                .normal
                .map(|n| {
                    let low = n.low.ceil();
                    format!(
                        "{} – {}",
                        lang.integer(low as u64),
                        lang.integer(n.high.floor().max(low) as u64)
                    )
                })
                .unwrap_or_else(|| "–".into()),
        }
    }
}

/// An outage as lists show it.
struct OutageRow {
    id: i64,
    service: String,
    /// False for a service the catalog no longer lists: its page is gone, so nothing links to it.
    listed: bool,
    service_name: String,
    /// "Name" or "Name (region)".
    subject: String,
    region: Option<String>,
    start: String,
    /// When it ended (same form as `start`), once resolved.
    end: Option<String>,
    /// Why it ended, when the detector did not find it over (`store::ClosedBy`).
    end_note: Option<String>,
    duration: String,
    ongoing: bool,
    peak: String,
    /// "17× normal": the peak against the normal count of its minute, when one is known.
    peak_ratio: Option<String>,
    problems: String,
    regions: String,
}

fn tally_text<K>(items: &[(K, i64)], lang: Lang, label: impl Fn(&K) -> String) -> String {
    items
        .iter()
        .map(|(k, n)| format!("{} ({})", label(k), lang.integer((*n).max(0) as u64)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A region as the visitor knows it (`Lang::place_name`: English on English pages, else local);
/// an id the catalog does not know is shown as it is.
fn region_name(regions: &RegionCatalog, id: &str, lang: Lang) -> String {
    regions.get(id).map_or_else(
        || id.to_owned(),
        |r| lang.place_name(&r.name, &r.name_local).to_owned(),
    )
}

impl OutageRow {
    /// In the visitor's zone, else its service's country's.
    fn new(o: &StoredOutage, state: &AppState, loc: Locale) -> Self {
        let tz = stored_service_zone(loc, state, o.record.service.as_str());
        Self::in_zone(o, state, loc.lang, tz)
    }

    /// With its times in `tz` (lists of several services show one zone).
    fn in_zone(o: &StoredOutage, state: &AppState, lang: Lang, tz: Tz) -> Self {
        let catalog = &state.catalog;
        let r = &o.record;
        let end = r.ended_at;
        // A service the catalog no longer lists keeps the name SQL remembers.
        let service_name = catalog.name_of(r.service.as_str());
        Self {
            id: o.id,
            service: r.service.to_string(),
            listed: catalog.get(r.service.as_str()).is_some(),
            subject: match &r.region {
                Some(region) => {
                    format!(
                        "{service_name} ({})",
                        region_name(&state.regions, region.as_str(), lang)
                    )
                }
                None => service_name.clone(),
            },
            service_name,
            region: r
                .region
                .as_ref()
                .map(|id| region_name(&state.regions, id.as_str(), lang)),
            start: stamp(lang, r.started_at, tz),
            end: end.map(|e| stamp(lang, e, tz)),
            end_note: o.closed_by.map(|_| lang.t("outage-closed-unlisted")),
            peak_ratio: times_normal(r.peak_count, r.baseline_at_peak, lang)
                .map(|ratio| lang.t1("peak-ratio", "ratio", &ratio)),
            duration: end.map_or_else(String::new, |e| lang.duration(e - r.started_at)),
            ongoing: end.is_none(),
            peak: lang.ta(
                "peak-text",
                &[
                    ("n", Arg::Num(r.peak_count)),
                    ("count", Arg::from(peak_count_text(r.peak_count, lang))),
                    ("time", Arg::from(clock(lang, r.peak_at, tz))),
                    ("typical", Arg::from(lang.decimal(r.baseline_at_peak, 1))),
                ],
            ),
            problems: tally_text(&r.top_problems, lang, |&p| problem_label(p, lang)),
            regions: tally_text(&r.regions, lang, |id| {
                region_name(&state.regions, id.as_str(), lang)
            }),
        }
    }
}

/// How many times `normal` `count` is, written "10×" (whole from 10 up, else one decimal); `None`
/// when the normal is too small to divide by honestly (under half a report).
fn times_normal(count: f64, normal: f64, lang: Lang) -> Option<String> {
    (normal >= 0.5 && count.is_finite()).then(|| {
        let ratio = count / normal;
        if ratio >= 9.95 {
            format!("{}×", lang.integer(ratio.round() as u64))
        } else {
            format!("{}×", lang.decimal(ratio, 1))
        }
    })
}

/// A peak (a count per minute, possibly fractional) written for the visitor.
fn peak_count_text(peak: f64, lang: Lang) -> String {
    if peak.fract() == 0.0 && peak >= 0.0 {
        lang.integer(peak as u64)
    } else {
        lang.decimal(peak, 1)
    }
}
