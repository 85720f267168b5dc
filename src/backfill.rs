//! Writing simulated history into the SQL store, for demos, load and end-to-end tests. Reports are
//! stored like real ones (one distinct simulated reporter each, all counted); counters are then
//! rebuilt from SQL as after any other change to the source of truth.

use crate::counts::Counts;
use crate::domain::{NetworkKey, ProblemKind, RegionId, ReporterKey, ServiceSlug};
use crate::rebuild::rebuild_counts;
use crate::simulate::{SimSpec, simulate_reports};
use crate::store::{Db, NewReport};

/// Reports per transaction.
const BATCH: usize = 5_000;

/// Stores the reports `spec` generates for `service`; returns how many.
pub async fn backfill_service(
    db: &Db,
    service: &ServiceSlug,
    spec: &SimSpec,
) -> anyhow::Result<usize> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut total = 0;
    for (n, report) in simulate_reports(spec).enumerate() {
        batch.push(NewReport {
            service: service.clone(),
            problem: ProblemKind::parse(report.problem)?,
            region: report.region.as_deref().map(RegionId::parse).transpose()?,
            coordinates: None,
            comment: None,
            // Distinct per simulated report: each stands for a different person.
            reporter: ReporterKey::from_hex(format!("sim{:016x}{n:016x}", spec.seed)),
            counted: true,
            created_at: report.at,
            // And from a network of its own, as a crowd's reports mostly are.
            network: NetworkKey::from_hex(format!(
                "{:016x}",
                spec.seed.rotate_left(32) ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )),
            uncounted: None,
        });
        if batch.len() == BATCH {
            db.insert_reports(&batch).await?;
            total += batch.len();
            batch.clear();
        }
    }
    if !batch.is_empty() {
        db.insert_reports(&batch).await?;
        total += batch.len();
    }
    Ok(total)
}

/// Backfills several services (seed varied per service) and rebuilds the counters.
pub async fn backfill(
    db: &Db,
    counts: &Counts,
    services: &[ServiceSlug],
    spec: &SimSpec,
    now: i64,
) -> anyhow::Result<usize> {
    let mut total = 0;
    for (i, service) in services.iter().enumerate() {
        let mut spec = spec.clone();
        spec.seed = spec.seed.wrapping_add(i as u64);
        total += backfill_service(db, service, &spec).await?;
    }
    rebuild_counts(db, counts, now).await?;
    Ok(total)
}

/// Demo history: 14 days for every service (volumes spread from quiet to busy), with a few
/// outages modelled on real ones, one of them still going on. Written only into an empty store.
pub async fn demo_history(
    db: &Db,
    catalog: &crate::catalog::Catalog,
    now: i64,
) -> anyhow::Result<Option<usize>> {
    if db.stored_counts().await?.reports > 0 {
        return Ok(None);
    }
    let regions = crate::regions::RegionCatalog::embedded()?;
    let mut total = 0;
    for (slug, spec) in demo_specs(catalog, &regions, now) {
        total += backfill_service(db, &slug, &spec).await?;
    }
    Ok(Some(total))
}

/// What the demo simulates for each service of `catalog` when it starts at `now` (see
/// [`demo_history`]); also what tests of the demo's pages simulate.
pub fn demo_specs(
    catalog: &crate::catalog::Catalog,
    regions: &crate::regions::RegionCatalog,
    now: i64,
) -> Vec<(ServiceSlug, SimSpec)> {
    let start = (now - 14 * 86_400).div_euclid(60) * 60;
    let known = |ids: &[&str]| -> Vec<String> {
        ids.iter()
            .filter(|id| regions.is_known(id))
            .map(|id| (*id).to_owned())
            .collect()
    };
    let minutes = |m: i64| start + 14 * 86_400 - m * 60;
    let outage = |ago_minutes: i64,
                  length: u32,
                  factor: f64,
                  problems: Vec<(&'static str, f64)>,
                  regions: Vec<String>| {
        crate::simulate::SimOutage {
            at: minutes(ago_minutes),
            minutes: length,
            factor,
            problems,
            regions,
        }
    };
    let mut specs = Vec::new();
    for (i, service) in catalog.services().iter().enumerate() {
        // Deterministic spread of volumes: 0.2 to ~8 reports a minute at the daily peak; the services
        // with a story below are busy ones, so their outages stand out even at night.
        let spread = 0.2 * 40f64.powf(((i * 37) % 81) as f64 / 80.0);
        let outages = match service.slug.as_str() {
            "intesa-sanpaolo" => vec![outage(
                25,
                120,
                8.0,
                vec![("login", 0.5), ("mobile_app", 0.3), ("website", 0.2)],
                known(&["IT-25", "IT-45", "IT-21"]),
            )],
            "american-express" => vec![outage(
                3 * 1440,
                180,
                6.0,
                vec![("sms_verification", 0.8), ("card", 0.2)],
                Vec::new(),
            )],
            "monzo" => vec![outage(
                6 * 1440 + 300,
                90,
                10.0,
                vec![("login", 0.7), ("mobile_app", 0.3)],
                known(&["TLI"]),
            )],
            "barclays" => vec![outage(
                2 * 1440 + 600,
                240,
                5.0,
                vec![("payments", 0.6), ("balance", 0.4)],
                known(&["TLI", "TLJ", "TLK"]),
            )],
            _ => Vec::new(),
        };
        let peak = if outages.is_empty() { spread } else { 6.0 };
        let spec = SimSpec {
            start,
            buckets: 14 * 1440,
            step_secs: 60,
            peak_per_minute: peak,
            weekend_factor: 0.7,
            growth_per_week: 0.0,
            // Everyday reports from anywhere in the main country (half of them located), so that
            // the heatmaps have something to show; the outages above come from where they say.
            regions: regions
                .regions_of(&service.countries[0])
                .iter()
                .map(|r| r.id.clone())
                .collect(),
            located_share: 0.5,
            outages,
            seed: 1_000 + i as u64,
        };
        specs.push((service.slug.clone(), spec));
    }
    specs
}
