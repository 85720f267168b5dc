//! What the service and outage pages show about the past: chart buckets with their normal range,
//! the problem breakdown and the outage list. Reads counters and SQL; the drawing is in `chart/`.

use crate::chart::Bar;
use crate::counts::buckets::{DAY, HOUR, MINUTE};
use crate::counts::{BucketRange, CountError, CountStore, Counts, Dim, Resolution};
use crate::domain::{ProblemKind, RegionId, ServiceSlug};
use crate::map::RegionActivity;
use crate::normals::Normals;
use crate::store::StoredOutage;

/// Bars of `bucket` seconds covering `[from, to)` (both multiples of `bucket`), from minute counts when
/// they are still kept and hourly ones otherwise, each with its normal (`detect::NormalModel`, the
/// monitor's).
#[allow(clippy::too_many_arguments)]
pub async fn chart_bars(
    counts: &Counts,
    normals: &Normals,
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
    let model = normals.model(service, &Dim::All, now).await?;
    let per_bar = (bucket / step) as usize;
    Ok(values
        .chunks(per_bar)
        .enumerate()
        .map(|(i, chunk)| {
            let start = from + i as i64 * bucket;
            let end = start + bucket;
            Bar {
                start,
                len: bucket,
                count: chunk.iter().sum(),
                normal: model.normal(start, bucket),
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

/// Reports per region in the window ending `now`, and what is usual for that window: the expected
/// count of the region's own normal (`detect::NormalModel`, the method of the service's normal) over
/// exactly the time the count covers (0 for a region never reported before). In the order of
/// `regions`.
pub async fn region_activity<'a>(
    counts: &Counts,
    normals: &Normals,
    service: &ServiceSlug,
    regions: impl IntoIterator<Item = &'a str>,
    window: Window,
    now: i64,
) -> Result<Vec<RegionActivity>, CountError> {
    // The minutes of the last hour (the current one so far), or the hours of the last day.
    let range = match window {
        Window::Hour => Resolution::Minute.window_ending_at(now, HOUR),
        Window::Day => Resolution::Hour.window_ending_at(now, DAY),
    };
    let resolution = match window {
        Window::Hour => Resolution::Minute,
        Window::Day => Resolution::Hour,
    };
    let covered = (now - range.first).max(1);
    let mut out = Vec::new();
    for id in regions {
        let Ok(region) = RegionId::parse(id) else {
            continue;
        };
        let dim = Dim::Region(region);
        let count = counts
            .series(service, &dim, resolution, range)
            .await?
            .iter()
            .sum();
        let baseline = normals
            .model(service, &dim, now)
            .await?
            .normal(range.first, covered)
            .map_or(0.0, |n| n.expected);
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
    use crate::detect::DetectorConfig;

    fn monzo() -> ServiceSlug {
        ServiceSlug::parse("monzo").unwrap()
    }

    fn normals(counts: &Counts) -> Normals {
        let catalog = std::sync::Arc::new(crate::catalog::Catalog::embedded().unwrap());
        Normals::new(counts.clone(), DetectorConfig::default(), catalog)
    }

    #[tokio::test]
    async fn bars_sum_the_buckets_and_mark_outages() {
        let counts = Counts::memory();
        let now = 100 * DAY;
        let hits: Vec<Hit> = (0..30)
            .map(|i| Hit {
                service: monzo(),
                kind: crate::domain::ReportKind::Problem(ProblemKind::Login),
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
            closed_by: None,
        };
        let bars = chart_bars(
            &counts,
            &normals(&counts),
            &monzo(),
            from,
            now,
            900,
            now,
            &[outage],
        )
        .await
        .unwrap();
        assert_eq!(bars.len(), 96);
        assert!(bars.iter().all(|b| b.len == 900));
        assert_eq!(bars.iter().map(|b| b.count).sum::<u64>(), 30);
        assert!(bars.last().unwrap().in_outage && !bars[0].in_outage);
        // Before the first report there is nothing to call normal.
        assert!(bars[..90].iter().all(|b| b.normal.is_none()));
        let breakdown = problem_breakdown(&counts, &monzo(), now).await.unwrap();
        assert_eq!(breakdown, vec![(ProblemKind::Login, 30)]);
    }

    #[tokio::test]
    async fn bars_carry_the_normal_of_their_time() {
        let counts = Counts::memory();
        let now = 100 * DAY + 10 * MINUTE;
        // 8 reports an hour for two weeks (one every 7.5 minutes).
        let hits: Vec<Hit> = (0..14 * 24 * 8)
            .map(|i| Hit {
                service: monzo(),
                kind: crate::domain::ReportKind::Problem(ProblemKind::Login),
                region: None,
                at: now - 14 * DAY + i * 450,
                first_of_network: false,
            })
            .collect();
        counts.record(&hits, now).await.unwrap();
        let to = now.div_euclid(900) * 900 + 900;
        let bars = chart_bars(
            &counts,
            &normals(&counts),
            &monzo(),
            to - DAY,
            to,
            900,
            now,
            &[],
        )
        .await
        .unwrap();
        for b in &bars {
            let n = b.normal.expect("a normal for every bar");
            assert!((n.expected - 2.0).abs() < 0.3, "{b:?}");
            assert!(n.low <= 2.0 && n.high >= 2.0);
        }
    }

    #[tokio::test]
    async fn region_activity_compares_the_window_with_the_regions_normal() {
        let counts = Counts::memory();
        let now = 100 * DAY + 12 * HOUR + 30 * MINUTE;
        let hit = |at: i64, region: &str| Hit {
            service: monzo(),
            kind: crate::domain::ReportKind::Problem(ProblemKind::Login),
            region: Some(RegionId::parse(region).unwrap()),
            at,
            first_of_network: false,
        };
        // Lombardy: 12 reports an hour for eight days, then 40 in the last hour.
        let mut hits: Vec<Hit> = (now - 8 * DAY..now - HOUR)
            .step_by(300)
            .map(|t| hit(t, "IT-25"))
            .collect();
        hits.extend((0..40).map(|i| hit(now - 50 * MINUTE + i * 60, "IT-25")));
        // Lazio: one report 3 hours ago and nothing before.
        hits.push(hit(now - 3 * HOUR, "IT-62"));
        counts.record(&hits, now).await.unwrap();
        let normals = normals(&counts);
        let regions = ["IT-25", "IT-62", "IT-21"];
        let hour = region_activity(&counts, &normals, &monzo(), regions, Window::Hour, now)
            .await
            .unwrap();
        assert_eq!(hour[0].count, 40);
        // The last 59 minutes and 30 seconds of a region with 12 an hour.
        assert!((hour[0].baseline - 12.0).abs() < 1.5, "{:?}", hour[0]);
        assert_eq!((hour[1].count, hour[2].count), (0, 0));
        assert!(hour[1].baseline < 1.5, "{:?}", hour[1]);
        assert_eq!(
            hour[2].baseline, 0.0,
            "a region never reported expects nothing"
        );
        let day = region_activity(&counts, &normals, &monzo(), regions, Window::Day, now)
            .await
            .unwrap();
        // The day window is the last 24 hour buckets: 13:00 yesterday to now.
        let since = Resolution::Hour.floor(now) - 23 * HOUR;
        let in_day = hits
            .iter()
            .filter(|h| h.at >= since && h.region.as_ref().unwrap().as_str() == "IT-25")
            .count() as u64;
        assert_eq!(day[0].count, in_day);
        let usual = 12.0 * (now - since) as f64 / HOUR as f64;
        assert!(
            (day[0].baseline - usual).abs() < 0.1 * usual,
            "{:?} vs {usual}",
            day[0]
        );
        assert_eq!(day[1].count, 1);
        assert_eq!(Window::parse("1h"), Some(Window::Hour));
        assert_eq!(Window::parse("7d"), None);
    }
}
