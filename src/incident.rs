//! What an incident's reports say, read from the counters since its start: the service page's
//! outage summary and the monitor's incident groups read the same numbers (the problem mix of the
//! incident, not of the day, which ordinary traffic dominates).

use crate::counts::{BucketRange, CountError, CountStore, Counts, Dim, Resolution};
use crate::detect::groups::ProblemMix;
use crate::domain::{ProblemKind, ServiceSlug};

/// The buckets from `from` up to and including the one holding `now`: minutes while the counters
/// keep them, else hours.
pub fn range_since(from: i64, now: i64) -> BucketRange {
    let res = if from >= Resolution::Minute.oldest_kept(now) {
        Resolution::Minute
    } else {
        Resolution::Hour
    };
    let first = res.floor(from.min(now));
    BucketRange {
        first,
        count: ((now - first) / res.step() + 1) as usize,
        step: res.step(),
    }
}

fn resolution(range: BucketRange) -> Resolution {
    if range.step == Resolution::Minute.step() {
        Resolution::Minute
    } else {
        Resolution::Hour
    }
}

/// Counted reports of `service`'s series `dim` over `range` (from [`range_since`]).
pub async fn total(
    counts: &Counts,
    service: &ServiceSlug,
    dim: &Dim,
    range: BucketRange,
) -> Result<u64, CountError> {
    Ok(counts
        .series(service, dim, resolution(range), range)
        .await?
        .iter()
        .sum())
}

/// Counted reports per problem kind over `range` (from [`range_since`]).
pub async fn problem_mix(
    counts: &Counts,
    service: &ServiceSlug,
    range: BucketRange,
) -> Result<ProblemMix, CountError> {
    let mut mix = ProblemMix::default();
    for kind in ProblemKind::ALL {
        mix.add(
            kind,
            total(counts, service, &Dim::Problem(kind), range).await?,
        );
    }
    Ok(mix)
}
