//! The monitor's incident groups: once per pass, each troubled service's incident is read from the
//! counters (its problem mix and regions since it started, its usual mix before), grouped by
//! `detect::groups`, stored, and published on the status board for the pages.

use crate::catalog::Catalog;
use crate::counts::buckets::{DAY, HOUR};
use crate::counts::{BucketRange, CountError, Counts, Dim, Resolution};
use crate::detect::groups::{self, Candidate, Group};
use crate::domain::{RegionId, ServiceSlug};
use crate::incident;
use crate::monitor::{MonitorError, StatusBoard};
use crate::store::Db;

/// How far before an incident its service's usual problem mix is read.
const USUAL_SPAN: i64 = 7 * DAY;

/// The services with problems now (outage, improving or elevated), each with its incident as the
/// grouping sees it. `regions`: the (service, region) series the monitor watches.
pub async fn candidates(
    catalog: &Catalog,
    counts: &Counts,
    board: &StatusBoard,
    regions: &[(ServiceSlug, RegionId)],
    now: i64,
) -> Result<Vec<Candidate>, CountError> {
    let mut out = Vec::new();
    for service in catalog.services() {
        let status = board.get(&service.slug);
        if !status.status.has_problems() || status.since == 0 {
            continue;
        }
        let start = status.since;
        let range = incident::range_since(start, now);
        let mix = incident::problem_mix(counts, &service.slug, range).await?;
        let mut located = Vec::new();
        for (_, region) in regions.iter().filter(|(s, _)| s == &service.slug) {
            let n =
                incident::total(counts, &service.slug, &Dim::Region(region.clone()), range).await?;
            if n > 0 {
                located.push((region.clone(), n));
            }
        }
        let usual_range = BucketRange {
            first: Resolution::Hour.floor(start) - USUAL_SPAN,
            count: (USUAL_SPAN / HOUR) as usize,
            step: HOUR,
        };
        let usual = incident::problem_mix(counts, &service.slug, usual_range).await?;
        let Some(country) = groups::incident_country(&service.countries, &located) else {
            continue;
        };
        out.push(Candidate {
            service: service.slug.clone(),
            outage_id: status.outage_id.filter(|_| status.status.outage_open()),
            country,
            started_at: start,
            mix,
            usual,
            regions: located,
        });
    }
    Ok(out)
}

/// Groups the troubled services anew, continuing the board's groups: stores what changed and
/// publishes the groups going on.
pub async fn regroup(
    db: &Db,
    catalog: &Catalog,
    counts: &Counts,
    board: &StatusBoard,
    regions: &[(ServiceSlug, RegionId)],
    now: i64,
) -> Result<(), MonitorError> {
    let candidates = candidates(catalog, counts, board, regions, now).await?;
    let previous: Vec<Group> = board.groups();
    let mut grouping = groups::group(&candidates, &previous);
    db.save_grouping(&mut grouping, &previous, now).await?;
    board.set_groups(grouping.groups);
    Ok(())
}
