//! What pages and embeds both show: the service a path names, its status headline and the last
//! hour's reports against their normal (the monitor's status and the monitor's normal, so the two
//! agree), when the monitor last looked, its region heatmap; and a template rendered to HTML.
//! `pages/` and `embed.rs` use this and not each other.

use super::AppState;
use super::errors::{Kind, PageError};
use super::history::{self, Window};
use crate::catalog::Service;
use crate::counts::buckets::{DAY, HOUR};
use crate::counts::{CountStore, Dim, Resolution};
use crate::detect::{Normal, Status};
use crate::i18n::{self, Arg, Lang};
use crate::map::{self, HeatRow, Theme};
use askama::Template;
use chrono_tz::Tz;

pub const HTML: &str = "text/html; charset=utf-8";

/// Renders a template to HTML.
pub fn html(t: &impl Template, lang: Lang) -> Result<String, PageError> {
    t.render().map_err(|e| PageError::internal(e, lang))
}

/// The catalog's service named in a path, or the "no such service" page (410 Gone for a service the
/// catalog no longer lists: its history stays, its outages' pages still answer).
pub fn find_service<'a>(
    state: &'a AppState,
    slug: &str,
    lang: Lang,
) -> Result<&'a Service, PageError> {
    state.catalog.get(slug).ok_or_else(|| {
        let (kind, key) = match state.catalog.removed(slug) {
            Some(_) => (Kind::Gone, "error-service-removed"),
            None => (Kind::NotFound, "error-no-service"),
        };
        PageError::new(kind, lang.t(key))
            .with_back("/")
            .in_lang(lang)
    })
}

/// A time of day with its zone: "11:42 CET".
pub fn clock(lang: Lang, t: i64, tz: Tz) -> String {
    format!("{} {}", lang.time(t, tz), i18n::zone_abbreviation(t, tz))
}

/// The status headline: "User reports indicate problems with X since 10:42", or "No current problems".
pub fn headline(state: &AppState, service: &Service, lang: Lang, tz: Tz) -> String {
    let status = state.board.get(&service.slug);
    let name = || Arg::from(service.name.as_str());
    let since = || Arg::from(clock(lang, status.since, tz));
    match status.status {
        Status::Normal | Status::Unknown => {
            lang.ta(status.status.headline_id(), &[("service", name())])
        }
        s => lang.ta(s.headline_id(), &[("service", name()), ("time", since())]),
    }
}

/// The reports of the last hour (the last 60 minutes, this one so far) and what is normal for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LastHour {
    pub count: u64,
    pub normal: Option<Normal>,
}

impl LastHour {
    /// Reads the last hour of `service` at `now`. Without counters it reads 0 and no normal (the page
    /// still renders).
    pub async fn of(state: &AppState, service: &Service, now: i64) -> LastHour {
        let range = Resolution::Minute.window_ending_at(now, HOUR);
        let count = state
            .counts
            .series(&service.slug, &Dim::All, Resolution::Minute, range)
            .await
            .map(|c| c.iter().sum())
            .unwrap_or(0);
        let normal = state
            .normals
            .model(&service.slug, &Dim::All, now)
            .await
            .ok()
            .and_then(|m| m.normal(range.first, (now - range.first).max(1)));
        LastHour { count, normal }
    }

    /// "42 reports in the last hour (usually 10–20)": the whole counts the normal range holds.
    pub fn text(&self, lang: Lang) -> String {
        match self.normal {
            None => lang.count("reports-last-hour", self.count, &[]),
            Some(n) => {
                let low = n.low.ceil();
                let high = n.high.floor().max(low);
                lang.count(
                    "reports-last-hour-usual",
                    self.count,
                    &[
                        ("low", Arg::from(lang.integer(low as u64))),
                        ("high", Arg::from(lang.integer(high as u64))),
                        ("high_n", Arg::Num(high)),
                    ],
                )
            }
        }
    }
}

/// When the monitor last looked: "Updated 10:43 CET".
pub fn updated_line(state: &AppState, lang: Lang, tz: Tz) -> String {
    match state.board.updated_at() {
        0 => lang.t("updated-waiting"),
        t => lang.t1("updated-at", "time", &clock(lang, t, tz)),
    }
}

/// The heatmap of a service for a window, and the table that stands in for it. The counts cover
/// every region of the service's countries, drawn or not (a map of Europe cannot draw American
/// Express's US states): those the map leaves out are in the table and in the reports by country
/// under the legend, with the reports that carry no region.
pub async fn heatmap(
    state: &AppState,
    service: &Service,
    lang: Lang,
    theme: Theme,
    window: Window,
) -> (String, Vec<HeatRow>) {
    let (svg, rows, _) = heatmap_with_totals(state, service, lang, theme, window).await;
    (svg, rows)
}

/// [`heatmap`], and the reports by country it lists under its legend (for a caption).
pub async fn heatmap_with_totals(
    state: &AppState,
    service: &Service,
    lang: Lang,
    theme: Theme,
    window: Window,
) -> (String, Vec<HeatRow>, map::Totals) {
    let view = state.maps.get(&service.countries);
    let now = state.clock.now();
    let ids: Vec<&str> = service
        .countries
        .iter()
        .flat_map(|c| state.regions.regions_of(c))
        .map(|r| r.id.as_str())
        .collect();
    // Without counters the map still draws, every region without reports.
    let activity = history::region_activity(
        &state.counts,
        &state.normals,
        &service.slug,
        ids,
        window,
        now,
    )
    .await
    .unwrap_or_default();
    let all = window_total(state, service, window, now).await;
    let totals = map::Totals::new(&service.countries, &view, &activity, &state.regions, all);
    let name = service.name.as_str();
    let title = match window {
        Window::Day => lang.t1("heatmap-title-day", "service", name),
        Window::Hour => lang.t1("heatmap-title-hour", "service", name),
    };
    let svg = map::heatmap_svg_with(
        &view,
        &activity,
        &totals,
        lang,
        theme,
        &title,
        &lang.t("heatmap-desc"),
    );
    let rows = map::heat_table_all(&view, &activity, &state.regions, lang);
    (svg, rows, totals)
}

/// Every report of a service in the heatmap's window (the same buckets `region_activity` sums);
/// 0 when counters are out of reach.
async fn window_total(state: &AppState, service: &Service, window: Window, now: i64) -> u64 {
    let (resolution, len) = match window {
        Window::Hour => (Resolution::Minute, HOUR),
        Window::Day => (Resolution::Hour, DAY),
    };
    state
        .counts
        .series(
            &service.slug,
            &Dim::All,
            resolution,
            resolution.window_ending_at(now, len),
        )
        .await
        .map(|c| c.iter().sum())
        .unwrap_or(0)
}

/// The incident group outage `id` is part of, as it is now: while it goes on, the monitor's live
/// version (members join and leave); once ended, as stored.
pub async fn group_of_outage(
    state: &AppState,
    id: i64,
) -> Result<Option<crate::store::StoredGroup>, crate::store::StoreError> {
    let Some(mut found) = state.db.group_of_outage(id).await? else {
        return Ok(None);
    };
    if found.ended_at.is_none()
        && let Some(live) = state
            .board
            .groups()
            .into_iter()
            .find(|g| g.id == found.group.id)
    {
        found.group = live;
    }
    Ok(Some(found))
}
