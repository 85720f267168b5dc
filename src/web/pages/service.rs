//! A service's page: its status, the day's chart against the usual, what is reported, the heatmap,
//! recent outages, the report form and the comments.

use super::downloads::{ChartData, Downloads, Share};
use super::forms::{ReportThanks, WorksAgainOffer, report_thanks, works_again_offer};
use super::groups::{GroupNote, group_note};
use super::statements::{StatementRow, statement_rows};
use super::{
    OutageRow, TableRow, cached_page, problem_label, region_name, service_zone, stamp, times_normal,
};
use crate::catalog::Service;
use crate::chart;
use crate::comments;
use crate::counts::Dim;
use crate::counts::buckets::DAY;
use crate::detect::Status;
use crate::domain::{ProblemKind, ReportKind};
use crate::figure;
use crate::i18n::{self, Arg, Lang};
use crate::map::{HeatRow, Theme};
use crate::store::StoredOutage;
use crate::web::AppState;
use crate::web::embed;
use crate::web::errors::PageError;
use crate::web::history::{self, Window};
use crate::web::i18n::Locale;
use crate::web::page_cache::PageKey;
use crate::web::view::{self, find_service, headline, html, updated_line};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono_tz::Tz;
use serde::Deserialize;

/// The regions of one country in the region picker (an `<optgroup>`).
struct RegionGroup {
    /// The country's name in the page's language.
    country: String,
    /// (id, name) by name; the id is only the option's value, never shown.
    regions: Vec<(String, String)>,
}

/// The regions a reporter of this service may pick: by country (the catalog's order, main country
/// first), each named in the page's language or locally.
fn region_choices(
    regions: &crate::regions::RegionCatalog,
    service: &Service,
    lang: Lang,
) -> Vec<RegionGroup> {
    service
        .countries
        .iter()
        .filter_map(|c| {
            let mut list: Vec<(String, String)> = regions
                .regions_of(c)
                .iter()
                .map(|r| {
                    (
                        r.id.clone(),
                        lang.place_name(&r.name, &r.name_local).to_owned(),
                    )
                })
                .collect();
            list.sort_by(|a, b| a.1.cmp(&b.1));
            (!list.is_empty()).then(|| RegionGroup {
                country: lang.country(c),
                regions: list,
            })
        })
        .collect()
}

/// Chart buckets on the service page: 15 minutes.
const QUARTER: i64 = 15 * 60;

struct ShareRow {
    label: String,
    count: String,
    /// Whole percent, for the bar's width.
    percent: u64,
    /// The same, written for the visitor.
    percent_text: String,
}

struct ProblemButton {
    code: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "service.html")]
struct ServicePage<'a> {
    i: Lang,
    tz: &'static str,
    /// The zones the visitor may pick (IANA name, city in the page's language), and whether each
    /// is the one shown.
    zones: Vec<(&'static str, String, bool)>,
    demo: bool,
    service: &'a Service,
    status_class: &'static str,
    headline: String,
    updated: String,
    reports_last_hour: String,
    chart: String,
    table: Vec<TableRow>,
    breakdown: Vec<ShareRow>,
    outages: Vec<OutageRow>,
    problems: Vec<ProblemButton>,
    /// "It works again for me" while the service has problems.
    works_again: Option<WorksAgainOffer>,
    /// The regions of the service's countries by country, for the region select.
    regions: Vec<RegionGroup>,
    /// "Most reports from …" while an outage is going on.
    affected: Option<String>,
    /// While a service-wide outage goes on: "Since 08:37 CET: 10× the usual reports, mostly Login
    /// and App. Most reports from: …" (then `affected` is part of it).
    summary: Option<String>,
    /// The incident group this service is in now (a shared cause named).
    group: Option<GroupNote>,
    /// Other services with problems now, those of this service's countries first.
    others: Vec<OtherService<'a>>,
    /// The chart's downloads, and the link preview.
    downloads: Downloads,
    share: Share,
    /// The region heatmap (24 hours) and its table.
    map: String,
    map_rows: Vec<HeatRow>,
    /// The reports by country under the map's legend, as a caption readable on a phone.
    map_totals: Option<String>,
    /// The legend as HTML, shown instead of the SVG's on a phone (where that one is a few pixels).
    map_legend: String,
    /// For the embed snippet: where, and the frame's size that fits the map.
    public_url: &'a str,
    embed_width: u32,
    embed_height: u32,
    /// Its Atom feed and oEmbed endpoint.
    alternates: super::feeds::Alternates,
    /// The thank-you note after a report.
    thanks: Option<ReportThanks>,
    comment_thanks: Option<String>,
    comments: Vec<CommentRow>,
    /// Official statements on the outages listed, newest first (`current` ones also on top).
    statements: Vec<StatementRow>,
    /// Which page of comments is shown (1 = newest), and whether older ones follow.
    comment_page: i64,
    comments_more: bool,
}

impl ServicePage<'_> {
    /// Statements shown on top: their outage goes on, or ended within a day.
    fn current_statements(&self) -> Vec<&StatementRow> {
        self.statements.iter().filter(|s| s.current).collect()
    }

    /// The statements of outage `id`, for the history list.
    fn statements_of(&self, id: &i64) -> Vec<&StatementRow> {
        self.statements
            .iter()
            .filter(|s| s.outage_id == *id)
            .collect()
    }
}

/// Another service with problems now, as the service page links it.
struct OtherService<'a> {
    service: &'a Service,
    status: &'static str,
    status_label: String,
}

/// How many other troubled services the page names.
const OTHERS_SHOWN: usize = 6;

/// Services other than `this` in outage or with reports above normal: those sharing a country with
/// it first, outages before elevated, then by name.
fn others_with_problems<'a>(
    state: &'a AppState,
    this: &Service,
    lang: Lang,
) -> Vec<OtherService<'a>> {
    let mut out: Vec<(bool, Status, &'a Service)> = state
        .catalog
        .services()
        .iter()
        .filter(|s| s.slug != this.slug)
        .filter_map(|s| {
            let status = state.board.get(&s.slug).status;
            status.has_problems().then(|| {
                let near = s.countries.iter().any(|c| this.countries.contains(c));
                (near, status, s)
            })
        })
        .collect();
    out.sort_by_key(|(near, status, s)| (!near, !status.outage_open(), s.name.to_lowercase()));
    out.into_iter()
        .take(OTHERS_SHOWN)
        .map(|(_, status, service)| OtherService {
            service,
            status: status.as_str(),
            status_label: lang.status(status),
        })
        .collect()
}

/// "Login, App and Card": a list in the page's language.
fn and_list(items: &[String], lang: Lang) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => lang.ta(
            "list-and",
            &[
                ("first", Arg::from(rest.join(", "))),
                ("last", Arg::from(last.as_str())),
            ],
        ),
    }
}

/// What the summary of an ongoing outage says, counted since its start.
struct Incident {
    start: i64,
    /// Reports counted since the start.
    counted: u64,
    /// Reports normal for the same span, when known.
    expected: Option<f64>,
    /// The problems most reported since the start, most first (at most three).
    problems: Vec<ProblemKind>,
    /// The regions most of its reports come from, named for the visitor (at most three; the
    /// monitor keeps the outage's breakdown current on every pass).
    regions: Vec<String>,
}

impl Incident {
    fn sentence(&self, lang: Lang, tz: Tz) -> String {
        let time = || Arg::from(view::clock(lang, self.start, tz));
        let lead = match self
            .expected
            .and_then(|e| times_normal(self.counted as f64, e, lang))
        {
            Some(ratio) => lang.ta(
                "summary-ratio",
                &[("time", time()), ("ratio", Arg::from(ratio))],
            ),
            None => lang.count("summary-count", self.counted, &[("time", time())]),
        };
        let mut out = lead;
        if !self.problems.is_empty() {
            let names: Vec<String> = self
                .problems
                .iter()
                .map(|&p| problem_label(p, lang))
                .collect();
            out.push_str(&lang.t1("summary-problems", "problems", &and_list(&names, lang)));
        }
        out.push('.');
        if !self.regions.is_empty() {
            out.push(' ');
            out.push_str(&lang.t1(
                "affected-regions",
                "regions",
                &and_list(&self.regions, lang),
            ));
        }
        out
    }
}

/// The service-wide outage going on, counted from the counters since it started: reports, their
/// normal (from the chart's bars, the same normal the chart draws) and the leading problems of this
/// incident (not of the day, which ordinary traffic dominates).
async fn incident(
    state: &AppState,
    service: &Service,
    outages: &[StoredOutage],
    chart: &ChartData,
) -> Option<Incident> {
    let ongoing = outages
        .iter()
        .find(|o| o.record.region.is_none() && o.record.ended_at.is_none())?;
    let now = chart.now;
    let start = ongoing.record.started_at.min(now);
    // The ratio is measured over what the chart shows (24 hours): an older start is cut there.
    let from = chart.bars.first().map_or(start, |b| start.max(b.start));
    let range = crate::incident::range_since(from, now);
    let first = range.first;
    let counted = crate::incident::total(&state.counts, &service.slug, &Dim::All, range)
        .await
        .ok()?;
    let problems = crate::incident::problem_mix(&state.counts, &service.slug, range)
        .await
        .ok()?
        .ranked();
    let expected = figure::expected_between(&chart.bars, first, now);
    Some(Incident {
        start,
        counted,
        expected,
        problems: problems.into_iter().take(3).map(|p| p.0).collect(),
        regions: ongoing
            .record
            .regions
            .iter()
            .take(3)
            .map(|(id, _)| region_name(&state.regions, id.as_str(), chart.lang))
            .collect(),
    })
}

/// The service page's chart: the last 24 hours in 15-minute bars, its outages marked. The page and
/// its downloads draw this same one.
pub(super) async fn day_chart(
    state: &AppState,
    service: &Service,
    lang: Lang,
    tz: Tz,
    outages: &[StoredOutage],
) -> ChartData {
    let now = state.clock.now();
    let to = now.div_euclid(QUARTER) * QUARTER + QUARTER;
    let bars = history::chart_bars(
        &state.counts,
        &state.normals,
        &service.slug,
        to - DAY,
        to,
        QUARTER,
        now,
        outages,
    )
    .await
    .unwrap_or_default();
    ChartData {
        bars,
        bucket: QUARTER,
        title: lang.t1("chart-title-day", "service", &service.name),
        desc: lang.t1("chart-desc-day", "tz", tz.name()),
        page_url: format!("{}/s/{}", state.public_url, service.slug.as_str()),
        lang,
        tz,
        now,
    }
}

/// A comment as the service page shows it (askama escapes every field; links stay plain text).
struct CommentRow {
    /// `c12` or `r7`: what its flag form names.
    id: String,
    when: String,
    name: String,
    /// The problem reported with it, for comments left with a report.
    problem: Option<String>,
    body: String,
    /// "+2 said the same", when others did.
    same: Option<String>,
    /// Flagged by readers from several networks: behind a click.
    collapsed: bool,
}

#[derive(Deserialize)]
pub(in crate::web) struct ServiceQuery {
    reported: Option<String>,
    counted: Option<u8>,
    /// After posting a comment.
    commented: Option<u8>,
    /// After flagging one.
    flagged: Option<u8>,
    /// Page of comments (1 = newest).
    comments: Option<i64>,
}

pub(in crate::web) async fn service_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ServiceQuery>,
    req: HttpRequest,
    loc: Locale,
) -> Result<HttpResponse, PageError> {
    let lang = loc.lang;
    let service = find_service(&state, &slug, lang)?;
    let counted = query.counted != Some(0);
    let thanks = match query.reported.as_deref().map(ReportKind::parse) {
        Some(Ok(kind)) => Some(report_thanks(&state, service, kind, counted, lang).await),
        _ => None,
    };
    let thanks_comment = if query.commented == Some(1) {
        Some(lang.t("comment-thanks"))
    } else {
        (query.flagged == Some(1)).then(|| lang.t("comment-flag-thanks"))
    };
    let comment_page = query.comments.unwrap_or(1).clamp(1, comments::MAX_PAGES);
    let tz = service_zone(loc, Some(service));
    let slot = (thanks.is_none() && thanks_comment.is_none()).then(|| {
        let key = PageKey::Service {
            slug: service.slug.clone(),
            lang,
            tz,
            comments: comment_page,
        };
        (key, state.pages.generations.of(service.slug.as_str()))
    });
    cached_page(
        &state,
        &req,
        loc,
        slot,
        service_html(
            &state,
            service,
            loc,
            tz,
            Notices {
                report: thanks,
                comment: thanks_comment,
            },
            comment_page,
        ),
    )
    .await
}

/// Where an ongoing outage is felt: the regions of the service-wide outage's reports (most first),
/// else the regions with an outage of their own.
fn affected_regions(state: &AppState, outages: &[StoredOutage], lang: Lang) -> Option<String> {
    let ongoing = || outages.iter().filter(|o| o.record.ended_at.is_none());
    let mut names: Vec<String> = ongoing()
        .find(|o| o.record.region.is_none())
        .map(|o| {
            o.record
                .regions
                .iter()
                .take(5)
                .map(|(id, _)| region_name(&state.regions, id.as_str(), lang))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        names = ongoing()
            .filter_map(|o| o.record.region.as_ref())
            .map(|id| region_name(&state.regions, id.as_str(), lang))
            .collect();
        names.sort();
        names.dedup();
    }
    (!names.is_empty()).then(|| lang.t1("affected-regions", "regions", &names.join(", ")))
}

/// Thank-you notes after a form was sent.
struct Notices {
    report: Option<ReportThanks>,
    comment: Option<String>,
}

async fn service_html(
    state: &AppState,
    service: &Service,
    loc: Locale,
    tz: Tz,
    notices: Notices,
    comment_page: i64,
) -> Result<String, PageError> {
    let lang = loc.lang;
    let page = state
        .comments
        .page(&service.slug, comment_page)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let comment_rows = page
        .comments
        .iter()
        .map(|c| CommentRow {
            id: c.id.to_string(),
            when: stamp(lang, c.created_at, tz),
            name: c
                .name
                .clone()
                .unwrap_or_else(|| lang.t("comment-anonymous")),
            problem: c
                .problem
                .as_deref()
                .and_then(|p| ProblemKind::parse(p).ok())
                .map(|p| problem_label(p, lang)),
            body: c.body.clone(),
            same: (c.same > 0).then(|| lang.count("comment-same", c.same as u64, &[])),
            collapsed: c.collapsed,
        })
        .collect();
    let last_hour = view::LastHour::of(state, service, state.clock.now()).await;
    let status = state.board.get(&service.slug);
    let headline = headline(state, service, lang, tz);
    let updated = updated_line(state, lang, tz);
    let now = state.clock.now();
    let slug_str = &service.slug;
    let outages = state
        .db
        .recent_outages(slug_str, 10)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    let affected = affected_regions(state, &outages, lang);
    let ids: Vec<i64> = outages.iter().map(|o| o.id).collect();
    let mut statements = statement_rows(state, &ids, lang, tz)
        .await
        .map_err(|e| PageError::internal(e, lang))?;
    for s in &mut statements {
        // On top while its outage goes on, and for a day after.
        s.current = outages
            .iter()
            .any(|o| o.id == s.outage_id && o.record.ended_at.is_none_or(|e| e > now - DAY));
    }
    let (map, map_rows, map_totals) =
        view::heatmap_with_totals(state, service, lang, Theme::Auto, Window::Day).await;
    let chart_data = day_chart(state, service, lang, tz, &outages).await;
    let chart = chart::spike_chart(&chart_data.chart());
    let summary = if status.status.outage_open() {
        incident(state, service, &outages, &chart_data)
            .await
            .map(|i| i.sentence(lang, tz))
    } else {
        None
    };
    let downloads = Downloads::new(format!("/s/{}/chart", slug_str.as_str()), lang, loc.tz);
    let share = Share {
        url: chart_data.page_url.clone(),
        title: lang.t1("service-title", "service", &service.name),
        description: summary.clone().unwrap_or_else(|| headline.clone()),
        image: downloads.png_url(&state.public_url),
        image_alt: chart_data.title.clone(),
    };
    let breakdown = history::problem_breakdown(&state.counts, slug_str, now)
        .await
        .unwrap_or_default();
    let total: u64 = breakdown.iter().map(|b| b.1).sum();
    html(
        &ServicePage {
            regions: region_choices(&state.regions, service, lang),
            i: lang,
            tz: tz.name(),
            zones: i18n::ZONES
                .iter()
                .map(|z| (z.name(), lang.zone_name(*z), *z == tz))
                .collect(),
            demo: state.demo,
            service,
            status_class: status.status.as_str(),
            headline,
            updated,
            reports_last_hour: last_hour.text(lang),
            works_again: works_again_offer(state, service, status.status, lang).await,
            chart,
            table: chart_data
                .bars
                .iter()
                .map(|b| TableRow::new(b, lang, tz, chart_data.now))
                .collect(),
            breakdown: breakdown
                .into_iter()
                .map(|(kind, n)| {
                    let percent = (n * 100 + total / 2) / total.max(1);
                    ShareRow {
                        label: problem_label(kind, lang),
                        count: lang.integer(n),
                        percent,
                        percent_text: lang.percent(percent),
                    }
                })
                .collect(),
            outages: outages
                .iter()
                .map(|o| OutageRow::new(o, state, loc))
                .collect(),
            problems: ProblemKind::ALL
                .into_iter()
                .map(|k| ProblemButton {
                    code: k.code(),
                    label: problem_label(k, lang),
                })
                .collect(),
            affected,
            summary,
            group: state
                .board
                .group_of(&service.slug)
                .map(|g| group_note(state, &g, true, Some(&service.slug), lang)),
            others: others_with_problems(state, service, lang),
            downloads,
            share,
            map,
            map_rows,
            map_totals: map_totals.summary(lang),
            map_legend: crate::map::legend_html(lang, Theme::Auto),
            public_url: &state.public_url,
            embed_width: embed::FRAME_WIDTH,
            embed_height: embed::frame_height(state.maps.get(&service.countries).size()),
            alternates: super::feeds::Alternates::service(
                state,
                &service.slug,
                Some(&format!("/s/{}", service.slug)),
                lang,
            ),
            thanks: notices.report,
            comment_thanks: notices.comment,
            comments: comment_rows,
            statements,
            comment_page,
            comments_more: page.more,
        },
        lang,
    )
}
