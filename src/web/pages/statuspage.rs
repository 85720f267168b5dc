//! Statuspage-compatible JSON of one service, read-only: `/s/{slug}/api/v2/status.json` and
//! `/s/{slug}/api/v2/summary.json` carry the field names and values of Atlassian Statuspage's public
//! v2 API, so a dashboard that reads status pages reads downtally's crowd view of a service with no
//! new code. Here (beside the pages) because the incidents say what the permalink says, with the
//! same wording (`OutageRow`, in English).
//!
//! The mapping (also [`mapping`], for the `/api` page; the indicator is `Status::indicator`, the one
//! definition):
//!
//! | downtally status | `status.indicator` | `status.description` | component `status` |
//! | --- | --- | --- | --- |
//! | normal | `none` | All Systems Operational | `operational` |
//! | elevated | `minor` | Partially Degraded Service | `degraded_performance` |
//! | improving | `minor` | Minor Service Outage | `partial_outage` |
//! | outage | `major` | Major Service Outage | `major_outage` |
//! | unknown | `none` | Status Unknown | `operational` |
//!
//! `critical` is never claimed: crowd reports show that many people have problems, not that nothing
//! works. The page is the service (`page.id` its slug, `time_zone` its main country's); it has one
//! component, the service. `incidents` are its open outages (service-wide and regional), newest
//! first, each with `incident_updates` (newest first): `investigating` when declared, `identified`
//! for each official statement an admin attached (the service acknowledged it; the text is the
//! statement), `monitoring` while reports are back near normal but not yet long enough (our
//! "improving"), `resolved` at its end (only in [`incident`]'s output for ended outages; open ones
//! never carry it). An incident's `impact` is the indicator of its service's status for the
//! service-wide outage, `minor` for a regional one. `scheduled_maintenances` is always empty. Times
//! are RFC 3339 UTC; ids are strings (the outage id, `{outage}-{kind}[-{n}]` for updates).
//! Served like the feeds (`web/public.rs`): cached, `public, max-age=60`, ETag, CORS `*`; an unknown
//! service answers 404 as a problem document.

use super::OutageRow;
use crate::catalog::Service;
use crate::clock::rfc3339;
use crate::detect::Status;
use crate::i18n::{Lang, country_zone};
use crate::store::{Statement, StoredOutage};
use crate::web::AppState;
use crate::web::errors::{ApiError, PROBLEM_JSON, Problem};
use crate::web::i18n::Locale;
use crate::web::page_cache::PageKey;
use crate::web::public::{self, JSON};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One row of the mapping between downtally's statuses and Statuspage's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MappingRow {
    pub status: Status,
    /// `status.indicator`.
    pub indicator: &'static str,
    /// `status.description`.
    pub description: &'static str,
    /// The component's `status`.
    pub component: &'static str,
}

/// The mapping of every status, in order of severity then unknown (for the `/api` page).
pub fn mapping() -> Vec<MappingRow> {
    Status::DECIDED
        .into_iter()
        .chain([Status::Unknown])
        .map(|status| MappingRow {
            status,
            indicator: status.indicator().as_str(),
            description: description(status),
            component: component_status(status),
        })
        .collect()
}

/// Statuspage's phrase for the page's status.
pub fn description(status: Status) -> &'static str {
    match status {
        Status::Normal => "All Systems Operational",
        Status::Elevated => "Partially Degraded Service",
        Status::Improving => "Minor Service Outage",
        Status::Outage => "Major Service Outage",
        Status::Unknown => "Status Unknown",
    }
}

/// The component's status.
pub fn component_status(status: Status) -> &'static str {
    match status {
        Status::Normal | Status::Unknown => "operational",
        Status::Elevated => "degraded_performance",
        Status::Improving => "partial_outage",
        Status::Outage => "major_outage",
    }
}

/// What `incident_updates[].status` values mean here.
pub const INCIDENT_STATUSES: [(&str, &str); 4] = [
    (
        "investigating",
        "the outage is declared: reports far beyond normal, from many networks",
    ),
    (
        "identified",
        "the service made an official statement about it",
    ),
    (
        "monitoring",
        "reports are back near normal, not yet long enough to call it over",
    ),
    ("resolved", "the outage is over"),
];

#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpPage {
    #[schema(example = "monzo")]
    id: String,
    name: String,
    url: String,
    #[schema(example = "Europe/London")]
    time_zone: String,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpStatus {
    /// `none`, `minor` or `major` (`critical` is never claimed).
    #[schema(example = "major")]
    indicator: &'static str,
    #[schema(example = "Major Service Outage")]
    description: &'static str,
}

#[derive(Serialize, ToSchema, Clone)]
pub(in crate::web) struct SpComponent {
    id: String,
    name: String,
    /// `operational`, `degraded_performance`, `partial_outage` or `major_outage`.
    status: &'static str,
    created_at: String,
    updated_at: String,
    position: u32,
    description: Option<String>,
    showcase: bool,
    start_date: Option<String>,
    group_id: Option<String>,
    page_id: String,
    group: bool,
    only_show_if_degraded: bool,
}

#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpAffectedComponent {
    code: String,
    name: String,
    old_status: &'static str,
    new_status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpIncidentUpdate {
    id: String,
    /// `investigating`, `identified`, `monitoring` or `resolved`.
    status: &'static str,
    body: String,
    incident_id: String,
    created_at: String,
    updated_at: String,
    display_at: String,
    affected_components: Vec<SpAffectedComponent>,
    deliver_notifications: bool,
    custom_tweet: Option<String>,
    tweet_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpIncident {
    id: String,
    name: String,
    /// The newest update's status.
    status: &'static str,
    created_at: String,
    updated_at: String,
    monitoring_at: Option<String>,
    resolved_at: Option<String>,
    /// `minor` or `major`.
    impact: &'static str,
    /// The outage's permalink.
    shortlink: String,
    started_at: String,
    page_id: String,
    incident_updates: Vec<SpIncidentUpdate>,
    components: Vec<SpComponent>,
}

/// `status.json`.
#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpStatusBody {
    page: SpPage,
    status: SpStatus,
}

/// `summary.json`.
#[derive(Serialize, ToSchema)]
pub(in crate::web) struct SpSummaryBody {
    page: SpPage,
    components: Vec<SpComponent>,
    /// Open outages, newest first.
    incidents: Vec<SpIncident>,
    /// Always empty: downtally knows of no maintenance.
    scheduled_maintenances: Vec<SpIncident>,
    status: SpStatus,
}

/// A service's status in Statuspage's `status.json` form.
#[utoipa::path(
    get,
    path = "/s/{slug}/api/v2/status.json",
    tag = "statuspage",
    params(("slug" = String, Path, description = "The service", example = "monzo",
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 2, max_length = 64)),
    responses(
        (status = 200, description = "The page and its status indicator", body = SpStatusBody),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 410, description = "The service was removed from this site's catalog (its past outages stay)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(in crate::web) async fn status_json(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, &slug, false).await
}

/// A service's status, component and open incidents in Statuspage's `summary.json` form.
#[utoipa::path(
    get,
    path = "/s/{slug}/api/v2/summary.json",
    tag = "statuspage",
    params(("slug" = String, Path, description = "The service", example = "monzo",
            pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", min_length = 2, max_length = 64)),
    responses(
        (status = 200, description = "Page, status, component, open incidents", body = SpSummaryBody),
        (status = 404, description = "No such service", body = Problem, content_type = PROBLEM_JSON),
        (status = 410, description = "The service was removed from this site's catalog (its past outages stay)", body = Problem, content_type = PROBLEM_JSON),
    )
)]
pub(in crate::web) async fn summary_json(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &req, &slug, true).await
}

async fn serve(
    state: &AppState,
    req: &HttpRequest,
    slug: &str,
    summary: bool,
) -> Result<HttpResponse, ApiError> {
    let Some(service) = state.catalog.get(slug) else {
        return Err(crate::web::errors::unknown_service(&state.catalog, slug));
    };
    let key = PageKey::Statuspage {
        slug: service.slug.clone(),
        summary,
    };
    let data = state.pages.generations.of(service.slug.as_str());
    let build = async {
        let (page, status, components, incidents) = gather(state, service).await?;
        let json = if summary {
            serde_json::to_string(&SpSummaryBody {
                page,
                components,
                incidents,
                scheduled_maintenances: Vec::new(),
                status,
            })
        } else {
            serde_json::to_string(&SpStatusBody { page, status })
        };
        json.map_err(ApiError::internal)
    };
    public::cached(state, req, key, data, JSON, false, build).await
}

/// Open outages of a service looked at (the latest this many).
const RECENT: i64 = 20;

async fn gather(
    state: &AppState,
    service: &Service,
) -> Result<(SpPage, SpStatus, Vec<SpComponent>, Vec<SpIncident>), ApiError> {
    let now_status = state.board.get(&service.slug);
    let status = now_status.status;
    let slug = service.slug.to_string();
    let open: Vec<StoredOutage> = state
        .db
        .recent_outages(&service.slug, RECENT)
        .await?
        .into_iter()
        .filter(|o| o.record.ended_at.is_none())
        .collect();
    let ids: Vec<i64> = open.iter().map(|o| o.id).collect();
    let mut said: HashMap<i64, Vec<Statement>> = HashMap::new();
    for s in state.db.statements(&ids).await? {
        said.entry(s.outage_id).or_default().push(s);
    }
    let since = rfc3339(now_status.since);
    let component = SpComponent {
        id: slug.clone(),
        name: service.name.clone(),
        status: component_status(status),
        created_at: since.clone(),
        updated_at: since,
        position: 1,
        description: Some(format!("Crowd reports: {}", status.meaning())),
        showcase: false,
        start_date: None,
        group_id: None,
        page_id: slug.clone(),
        group: false,
        only_show_if_degraded: false,
    };
    let mut updated = now_status.since;
    let mut incidents = Vec::new();
    for o in &open {
        // Our "improving" is about the service's own (service-wide) outage.
        let monitoring_since = (now_status.outage_id == Some(o.id) && status == Status::Improving)
            .then_some(now_status.since);
        let impact = if o.record.region.is_none() && now_status.outage_id == Some(o.id) {
            status.indicator().as_str()
        } else {
            "minor"
        };
        let statements = said.remove(&o.id).unwrap_or_default();
        let changed =
            public::outage_updated(&o.record, statements.iter().map(|s| s.added_at).max());
        let inc = incident(
            state,
            o,
            &statements,
            monitoring_since,
            changed,
            impact,
            &component,
        );
        updated = updated.max(changed).max(monitoring_since.unwrap_or(0));
        incidents.push(inc);
    }
    let page = SpPage {
        id: slug,
        name: service.name.clone(),
        url: format!("{}/s/{}", state.public_url, service.slug),
        time_zone: country_zone(&service.countries[0]).name().to_owned(),
        updated_at: rfc3339(updated),
    };
    let status = SpStatus {
        indicator: status.indicator().as_str(),
        description: description(status),
    };
    Ok((page, status, vec![component], incidents))
}

/// An outage as a Statuspage incident, its updates newest first.
fn incident(
    state: &AppState,
    o: &StoredOutage,
    statements: &[Statement],
    monitoring_since: Option<i64>,
    updated: i64,
    impact: &'static str,
    component: &SpComponent,
) -> SpIncident {
    let lang = Lang::En;
    let row = OutageRow::new(
        o,
        state,
        Locale {
            lang,
            ..Locale::default()
        },
    );
    let r = &o.record;
    let id = o.id.to_string();
    let affected = |old: &'static str, new: &'static str| {
        vec![SpAffectedComponent {
            code: component.id.clone(),
            name: component.name.clone(),
            old_status: old,
            new_status: new,
        }]
    };
    let update = |suffix: String, status, body: String, at: i64, affected| SpIncidentUpdate {
        id: format!("{id}-{suffix}"),
        status,
        body,
        incident_id: id.clone(),
        created_at: rfc3339(at),
        updated_at: rfc3339(at),
        display_at: rfc3339(at),
        affected_components: affected,
        deliver_notifications: false,
        custom_tweet: None,
        tweet_id: None,
    };
    let mut facts = format!(
        "Users report problems with {} far beyond normal since {}. Peak: {}",
        row.subject, row.start, row.peak
    );
    if let Some(ratio) = &row.peak_ratio {
        facts.push_str(&format!(", {ratio}"));
    }
    facts.push('.');
    if !row.problems.is_empty() {
        facts.push_str(&format!(" Top problems: {}.", row.problems));
    }
    if !row.regions.is_empty() {
        facts.push_str(&format!(" Regions: {}.", row.regions));
    }
    let mut updates = vec![update(
        "investigating".into(),
        "investigating",
        facts,
        r.started_at,
        affected("operational", "major_outage"),
    )];
    for (n, s) in statements.iter().enumerate() {
        let body = match &s.link {
            Some(link) => format!("Official statement: {} ({link})", s.body),
            None => format!("Official statement: {}", s.body),
        };
        updates.push(update(
            format!("identified-{}", n + 1),
            "identified",
            body,
            s.stated_at,
            Vec::new(),
        ));
    }
    if let Some(at) = monitoring_since {
        updates.push(update(
            "monitoring".into(),
            "monitoring",
            "Reports are back near normal; not yet long enough to call the outage over.".into(),
            at,
            affected("major_outage", "partial_outage"),
        ));
    }
    if let Some(end) = r.ended_at {
        updates.push(update(
            "resolved".into(),
            "resolved",
            format!(
                "Reports are back within normal: the outage is over after {}.",
                row.duration
            ),
            end,
            affected("major_outage", "operational"),
        ));
    }
    // Newest first; of updates at the same second, the later stage first.
    let stage = |s: &str| INCIDENT_STATUSES.iter().position(|(k, _)| *k == s);
    updates.sort_by_key(|u| std::cmp::Reverse((u.created_at.clone(), stage(u.status))));
    let status = updates.first().map_or("investigating", |u| u.status);
    SpIncident {
        name: lang.t1("outage-heading", "service", &row.subject),
        status,
        created_at: rfc3339(r.started_at),
        updated_at: rfc3339(updated.max(monitoring_since.unwrap_or(0))),
        monitoring_at: monitoring_since.map(rfc3339),
        resolved_at: r.ended_at.map(rfc3339),
        impact,
        shortlink: format!("{}/outages/{}", state.public_url, o.id),
        started_at: rfc3339(r.started_at),
        page_id: component.page_id.clone(),
        incident_updates: updates,
        components: vec![component.clone()],
        id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mapping_follows_the_one_indicator_and_never_claims_critical() {
        let rows = mapping();
        assert_eq!(rows.len(), 5);
        for row in rows {
            assert_eq!(row.indicator, row.status.indicator().as_str());
            assert_ne!(row.indicator, "critical");
            assert_eq!(
                row.component == "operational",
                row.indicator == "none",
                "{row:?}"
            );
        }
    }
}
