//! Writing simulated history into the SQL store, for demos, load and end-to-end tests. Reports are
//! stored like real ones (one distinct simulated reporter each, all counted); counters are then
//! rebuilt from SQL as after any other change to the source of truth.

use crate::counts::Counts;
use crate::domain::{NetworkKey, ProblemKind, RegionId, ReportKind, ReporterKey, ServiceSlug};
use crate::rebuild::rebuild_counts;
use crate::retention::HourFolder;
use crate::simulate::{SimSpec, simulate_reports};
use crate::store::{Db, NewReport};

/// Reports per transaction.
const BATCH: usize = 5_000;

/// The reports `spec` generates for `service`, as stored: each from a simulated person on a network
/// of its own (as a crowd's reports mostly are), all counted.
pub fn simulated_reports<'a>(
    service: &'a ServiceSlug,
    spec: &'a SimSpec,
) -> impl Iterator<Item = anyhow::Result<NewReport>> + 'a {
    simulate_reports(spec).enumerate().map(move |(n, report)| {
        Ok(NewReport {
            service: service.clone(),
            kind: ReportKind::Problem(ProblemKind::parse(report.problem)?),
            region: report.region.as_deref().map(RegionId::parse).transpose()?,
            coordinates: None,
            comment: None,
            reporter: ReporterKey::from_hex(format!("sim{:016x}{n:016x}", spec.seed)),
            counted: true,
            created_at: report.at,
            network: NetworkKey::from_hex(format!(
                "{:016x}",
                spec.seed.rotate_left(32) ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )),
            uncounted: None,
        })
    })
}

/// Stores the reports `spec` generates for `service`; returns how many.
pub async fn backfill_service(
    db: &Db,
    service: &ServiceSlug,
    spec: &SimSpec,
) -> anyhow::Result<usize> {
    store_history(db, simulated_reports(service, spec)).await
}

/// Stores `reports` (in time order) as history: those in hours retention has already folded go
/// straight into the hourly counts, as folding them would have (raw, they would be deleted unfolded:
/// retention deletes whatever lies before its watermark), without their keys or comments; the rest
/// as reports. Returns how many were written either way.
pub async fn store_history(
    db: &Db,
    reports: impl Iterator<Item = anyhow::Result<NewReport>>,
) -> anyhow::Result<usize> {
    let folded_until = db.folded_until().await?;
    let mut folder = HourFolder::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut total = 0;
    for report in reports {
        let report = report?;
        total += 1;
        if report.created_at < folded_until {
            folder.add(&report);
            continue;
        }
        batch.push(report);
        if batch.len() == BATCH {
            db.insert_reports(&batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        db.insert_reports(&batch).await?;
    }
    if !folder.is_empty() {
        db.add_folded(&folder.finish()).await?;
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
    // PostgreSQL: the history's last 62 days in day partitions of their own (retention drops them
    // whole); older days go to the default partition, as in the migration that partitioned reports.
    let today = now.div_euclid(86_400);
    let first_day = spec.start.div_euclid(86_400).max(today - 62);
    db.ensure_partitions(first_day, today).await?;
    let mut total = 0;
    for (i, service) in services.iter().enumerate() {
        let mut spec = spec.clone();
        spec.seed = spec.seed.wrapping_add(i as u64);
        total += backfill_service(db, service, &spec).await?;
    }
    rebuild_counts(db, counts, now).await?;
    Ok(total)
}
