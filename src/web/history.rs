//! What the service and outage pages show about the past: chart buckets with their normal range,
//! the problem breakdown and the outage list. Reads counters and SQL; the drawing is in `chart.rs`.

use crate::chart::{Bar, typical_range};
use crate::counts::buckets::{DAY, HOUR, MINUTE, WEEK};
use crate::counts::{
    BucketRange, CountError, CountStore, Counts, Dim, Resolution, from_first_report,
};
use crate::domain::{ProblemKind, RegionId, ServiceSlug};
use crate::map::RegionActivity;
use crate::store::StoredOutage;

/// Bars of `bucket` seconds covering `[from, to)` (both multiples of `bucket`), from minute counts when
/// they are still kept and hourly ones otherwise, each with the normal range of its time of week.
pub async fn chart_bars(
    counts: &Counts,
    service: &ServiceSlug,
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
    service: &ServiceSlug,
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

/// How far back a map or embed looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Window {
    Hour,
    #[default]
    Day,
}

impl Window {
    pub fn parse(text: &str) -> Option<Window> {
        match text {
            "1h" => Some(Window::Hour),
            "24h" => Some(Window::Day),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Window::Hour => "1h",
            Window::Day => "24h",
        }
    }

    pub fn seconds(self) -> i64 {
        match self {
            Window::Hour => HOUR,
            Window::Day => DAY,
        }
    }
}

/// Days back that say what a window's count usually is.
const BASELINE_DAYS: i64 = 7;

/// Reports per region in the window ending `now`, and what is usual for that window: the median of
/// the same window on each of the last [`BASELINE_DAYS`] days since the region's first report (0 for
/// a region never reported before). In the order of `regions`.
pub async fn region_activity<'a>(
    counts: &Counts,
    service: &ServiceSlug,
    regions: impl IntoIterator<Item = &'a str>,
    window: Window,
    now: i64,
) -> Result<Vec<RegionActivity>, CountError> {
    let len = window.seconds();
    let hours = (len / HOUR) as usize;
    let history = Resolution::Hour.window_ending_at(now, BASELINE_DAYS * DAY + len);
    let mut out = Vec::new();
    for id in regions {
        let Ok(region) = RegionId::parse(id) else {
            continue;
        };
        let dim = Dim::Region(region);
        let hourly = counts
            .series(service, &dim, Resolution::Hour, history)
            .await?;
        let count = match window {
            // The last 60 minutes, not the hour buckets that overlap them.
            Window::Hour => counts
                .series(
                    service,
                    &dim,
                    Resolution::Minute,
                    Resolution::Minute.window_ending_at(now, HOUR),
                )
                .await?
                .iter()
                .sum(),
            Window::Day => hourly[hourly.len() - hours..].iter().sum(),
        };
        let known = from_first_report(history, hourly);
        let mut past: Vec<u64> = (1..=BASELINE_DAYS)
            .filter_map(|d| {
                // The same window d days ago, in whole hours, ending at the current hour's start.
                let end = Resolution::Hour.floor(now) - d * DAY + HOUR;
                let start = end - hours as i64 * HOUR;
                let first = known.first()?.0;
                (start >= first).then(|| {
                    known
                        .iter()
                        .filter(|(t, _)| (start..end).contains(t))
                        .map(|(_, c)| c)
                        .sum()
                })
            })
            .collect();
        past.sort_unstable();
        let baseline = match past.len() {
            0 => 0.0,
            n if n % 2 == 1 => past[n / 2] as f64,
            n => (past[n / 2 - 1] + past[n / 2]) as f64 / 2.0,
        };
        out.push(RegionActivity {
            id: id.to_owned(),
            count,
            baseline,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::Hit;

    fn monzo() -> ServiceSlug {
        ServiceSlug::parse("monzo").unwrap()
    }

    #[tokio::test]
    async fn bars_sum_the_buckets_and_mark_outages() {
        let counts = Counts::memory();
        let now = 100 * DAY;
        let hits: Vec<Hit> = (0..30)
            .map(|i| Hit {
                service: monzo(),
                problem: ProblemKind::Login,
                region: None,
                at: now - 3600 + i * 60,
                first_of_network: false,
            })
            .collect();
        counts.record(&hits, now).await.unwrap();
        let from = now - DAY;
        let outage = StoredOutage {
            id: 1,
            record: crate::store::OutageRecord {
                service: monzo(),
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
        let bars = chart_bars(&counts, &monzo(), from, now, 900, now, &[outage])
            .await
            .unwrap();
        assert_eq!(bars.len(), 96);
        assert_eq!(bars.iter().map(|b| b.count).sum::<u64>(), 30);
        assert!(bars.last().unwrap().in_outage && !bars[0].in_outage);
        let breakdown = problem_breakdown(&counts, &monzo(), now).await.unwrap();
        assert_eq!(breakdown, vec![(ProblemKind::Login, 30)]);
    }

    #[tokio::test]
    async fn region_activity_compares_the_window_with_past_days() {
        let counts = Counts::memory();
        let now = 100 * DAY + 12 * HOUR + 30 * MINUTE;
        let hit = |at: i64, region: &str| Hit {
            service: monzo(),
            problem: ProblemKind::Login,
            region: Some(RegionId::parse(region).unwrap()),
            at,
            first_of_network: false,
        };
        // Lombardy: 2 reports in the same hour on each of the last 7 days, 9 in the last hour.
        let mut hits: Vec<Hit> = (1..=7)
            .flat_map(|d| {
                [
                    hit(now - d * DAY - 10 * MINUTE, "IT-25"),
                    hit(now - d * DAY - 20 * MINUTE, "IT-25"),
                ]
            })
            .collect();
        hits.extend((0..9).map(|i| hit(now - 50 * MINUTE + i * 60, "IT-25")));
        // Lazio: one report 3 hours ago and nothing before.
        hits.push(hit(now - 3 * HOUR, "IT-62"));
        counts.record(&hits, now).await.unwrap();
        let regions = ["IT-25", "IT-62", "IT-21"];
        let hour = region_activity(&counts, &monzo(), regions, Window::Hour, now)
            .await
            .unwrap();
        let tuples = |v: Vec<RegionActivity>| -> Vec<(String, u64, f64)> {
            v.into_iter().map(|a| (a.id, a.count, a.baseline)).collect()
        };
        assert_eq!(
            tuples(hour),
            vec![
                ("IT-25".to_owned(), 9, 2.0),
                ("IT-62".to_owned(), 0, 0.0),
                ("IT-21".to_owned(), 0, 0.0)
            ]
        );
        let day = tuples(
            region_activity(&counts, &monzo(), regions, Window::Day, now)
                .await
                .unwrap(),
        );
        // The day window is the last 24 hour buckets (13:00 yesterday to now): yesterday's two reports
        // at 12:10 and 12:20 fall just outside it. Each earlier 24-hour window holds one day's 2.
        assert_eq!(day[0].1, 9);
        assert_eq!(day[0].2, 2.0);
        assert_eq!(day[1], ("IT-62".to_owned(), 1, 0.0));
        assert_eq!(Window::parse("1h"), Some(Window::Hour));
        assert_eq!(Window::parse("7d"), None);
    }
}
