//! Outages in history older than the minute counters (the demo's 14 days, an import), declared by
//! running each service's detector over its reports in SQL.

use super::*;
use crate::catalog::Catalog;

/// A detector fed from nothing spends its first days learning what is normal; outages it declares
/// then are not trusted by [`declare_past_outages`].
const HISTORY_WARM_UP_SECS: i64 = 3 * 86_400;

/// Runs each service's detector over its reports in SQL from `from` to the oldest minute the counter
/// store keeps at `now`, and stores the outages that ended in that time (after the detector's first
/// [`HISTORY_WARM_UP_SECS`]). The monitor watches only
/// what the counters hold (48 hours of minutes), so history loaded at once (the demo's 14 days, an
/// import) would otherwise show no outage older than two days. Returns how many were stored.
pub async fn declare_past_outages(
    db: &Db,
    catalog: &Catalog,
    config: DetectorConfig,
    from: i64,
    now: i64,
) -> Result<usize, MonitorError> {
    let until = Resolution::Minute.oldest_kept(now);
    let from = Resolution::Minute.floor(from);
    let mut stored = 0;
    for service in catalog.services() {
        let counts = db.counted_per_minute(&service.slug, from, until).await?;
        let Some(&(first, _)) = counts.first() else {
            continue;
        };
        let key = SeriesKey {
            service: service.slug.clone(),
            region: None,
        };
        let zone = series_zone(Some(service), &Dim::All);
        let normal = past_normal(&counts, until, config, zone);
        let mut detector = Detector::in_zone(config, Resolution::Minute.step(), zone)?;
        let mut reported = counts.into_iter().peekable();
        let mut recent = VecDeque::new();
        let mut declared = None;
        for at in (first..until).step_by(Resolution::Minute.step() as usize) {
            let count = match reported.peek() {
                Some(&(t, n)) if t == at => {
                    reported.next();
                    n
                }
                _ => 0,
            };
            let update = detector.update(at, count as f64)?;
            past_minutes(&mut recent, at, count, config);
            match update.event {
                Some(Event::Started(_)) => {
                    declared = Some(past_evidence(&normal, &recent, &update, config));
                }
                Some(Event::Resolved(o)) if o.start >= first + HISTORY_WARM_UP_SECS => {
                    let (id, _) = store_outage(db, &key, &o, None, now).await?;
                    if let Some(evidence) = declared.take() {
                        db.set_outage_evidence(id, &evidence).await?;
                    }
                    stored += 1;
                }
                _ => {}
            }
        }
    }
    Ok(stored)
}

/// The normal of a service's history replayed from SQL (`counts`: counted reports per minute), learnt
/// from its hourly sums as [`Normals`] learns it from the counters' hourly buckets.
fn past_normal(
    counts: &[(i64, u64)],
    until: i64,
    config: DetectorConfig,
    zone: chrono_tz::Tz,
) -> NormalModel {
    let mut hours: Vec<(i64, f64)> = Vec::new();
    for &(at, n) in counts {
        let hour = Resolution::Hour.floor(at);
        match hours.last_mut() {
            Some((h, sum)) if *h == hour => *sum += n as f64,
            _ => hours.push((hour, n as f64)),
        }
    }
    NormalModel::from_hourly(&hours, until, config, zone)
}

/// Keeps the minutes of the longest scoring window, newest last.
/// How far back the minutes of history are kept for an outage's evidence: a sustained rise rests on
/// the run its CUSUM added up, which can be hours.
const PAST_EVIDENCE_SECS: i64 = 12 * HOUR;

fn past_minutes(recent: &mut VecDeque<(i64, u64)>, at: i64, count: u64, config: DetectorConfig) {
    recent.push_back((at, count));
    let oldest = at + Resolution::Minute.step() - config.long_window_secs.max(PAST_EVIDENCE_SECS);
    while recent.front().is_some_and(|&(t, _)| t < oldest) {
        recent.pop_front();
    }
}

/// What decided an outage found in history: as [`Monitor`]'s evidence, without breadth (history in
/// SQL is replayed without its networks, and so without the breadth rule).
fn past_evidence(
    normal: &NormalModel,
    recent: &VecDeque<(i64, u64)>,
    update: &Update,
    config: DetectorConfig,
) -> VerdictEvidence {
    let end = update.at + Resolution::Minute.step();
    // The minutes kept reach back `PAST_EVIDENCE_SECS`: a longer sustained run is cut there.
    let window = update
        .crossing
        .window_secs(
            &config,
            update.at,
            Resolution::Minute.step(),
            update.sustained_since,
        )
        .clamp(Resolution::Minute.step(), PAST_EVIDENCE_SECS);
    let observed: u64 = recent
        .iter()
        .filter(|&&(t, _)| t >= end - window)
        .map(|&(_, n)| n)
        .sum();
    VerdictEvidence {
        at: end,
        window_secs: window,
        observed: observed as f64,
        normal: normal.normal(end - window, window).map(Into::into),
        breadth: None,
        crossing: update.crossing,
        settings: config.version(),
    }
}
