//! What the service and outage pages show about the past: chart buckets with their normal range,
//! the problem breakdown and the outage list. Reads counters and SQL; the drawing is in `chart.rs`.

use super::chart::{Bar, typical_range};
use crate::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use crate::counts::{
    BucketRange, CountError, CountStore, Counts, Dim, Resolution, from_first_report,
};
use crate::domain::ProblemKind;
use crate::store::StoredOutage;

/// Bars of `bucket` seconds covering `[from, to)` (both multiples of `bucket`), from minute counts when
/// they are still kept and hourly ones otherwise, each with the normal range of its time of week.
pub async fn chart_bars(
    counts: &Counts,
    service: &str,
    from: i64,
    to: i64,
    bucket: i64,
    now: i64,
    outages: &[StoredOutage],
) -> Result<Vec<Bar>, CountError> {
    let (res, step) = if from >= Resolution::Minute.oldest_kept(now) && bucket < HOUR {
        (Resolution::Minute, MINUTE)
    } else {
        (Resolution::Hour, HOUR)
    };
    let bucket = bucket.max(step);
    let fine = BucketRange {
        first: from,
        count: ((to - from) / step).max(0) as usize,
        step,
    };
    let values = counts.series(service, &Dim::All, res, fine).await?;
    let history_range = BucketRange {
        first: Resolution::Hour.floor(from) - 8 * WEEK,
        count: ((8 * WEEK + (to - from) + HOUR) / HOUR) as usize,
        step: HOUR,
    };
    let hourly = counts
        .series(service, &Dim::All, Resolution::Hour, history_range)
        .await?;
    let hours = from_first_report(history_range, hourly);
    let per_bar = (bucket / step) as usize;
    Ok(values
        .chunks(per_bar)
        .enumerate()
        .map(|(i, chunk)| {
            let start = from + i as i64 * bucket;
            let end = start + bucket;
            Bar {
                start,
                count: chunk.iter().sum(),
                typical: typical_range(
                    &hours[..hours.partition_point(|h| h.0 < start)],
                    start,
                    bucket,
                ),
                in_outage: outages.iter().any(|o| {
                    o.record.started_at < end && o.record.ended_at.is_none_or(|e| e > start)
                }),
            }
        })
        .collect())
}

/// Share of each problem kind among the last 24 hours' reports, most reported first.
pub async fn problem_breakdown(
    counts: &Counts,
    service: &str,
    now: i64,
) -> Result<Vec<(ProblemKind, u64)>, CountError> {
    let range = Resolution::Hour.window_ending_at(now, DAY);
    let mut out = Vec::new();
    for kind in ProblemKind::ALL {
        let n: u64 = counts
            .series(service, &Dim::Problem(kind), Resolution::Hour, range)
            .await?
            .iter()
            .sum();
        if n > 0 {
            out.push((kind, n));
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::{Hit, MemoryCounts};

    #[tokio::test]
    async fn bars_sum_the_buckets_and_mark_outages() {
        let counts = Counts::Memory(MemoryCounts::new());
        let now = 100 * DAY;
        let hits: Vec<Hit> = (0..30)
            .map(|i| Hit {
                service: "monzo".into(),
                problem: ProblemKind::Login,
                region: None,
                at: now - 3600 + i * 60,
            })
            .collect();
        counts.record(&hits, now).await.unwrap();
        let from = now - DAY;
        let outage = StoredOutage {
            id: 1,
            record: crate::store::OutageRecord {
                service: "monzo".into(),
                region: None,
                started_at: now - 1800,
                ended_at: None,
                peak_at: now - 1800,
                peak_count: 1.0,
                baseline_at_peak: 0.1,
                top_problems: vec![],
                regions: vec![],
            },
        };
        let bars = chart_bars(&counts, "monzo", from, now, 900, now, &[outage])
            .await
            .unwrap();
        assert_eq!(bars.len(), 96);
        assert_eq!(bars.iter().map(|b| b.count).sum::<u64>(), 30);
        assert!(bars.last().unwrap().in_outage && !bars[0].in_outage);
        let breakdown = problem_breakdown(&counts, "monzo", now).await.unwrap();
        assert_eq!(breakdown, vec![(ProblemKind::Login, 30)]);
    }
}
