//! Writing simulated history into the SQL store, for demos, load and end-to-end tests. Reports are
//! stored like real ones (one distinct simulated reporter each, all counted); counters are then
//! rebuilt from SQL as after any other change to the source of truth.

use crate::counts::Counts;
use crate::domain::ProblemKind;
use crate::rebuild::rebuild_counts;
use crate::simulate::{SimSpec, simulate_reports};
use crate::store::{Db, NewReport};

/// Reports per transaction.
const BATCH: usize = 5_000;

/// Stores the reports `spec` generates for `service`; returns how many.
pub async fn backfill_service(db: &Db, service: &str, spec: &SimSpec) -> anyhow::Result<usize> {
    let mut batch = Vec::with_capacity(BATCH);
    let mut total = 0;
    for (n, report) in simulate_reports(spec).enumerate() {
        batch.push(NewReport {
            service: service.to_owned(),
            problem: ProblemKind::parse(report.problem)?,
            region: report.region,
            coordinates: None,
            comment: None,
            // Distinct per simulated report: each stands for a different person.
            reporter: format!("sim{:016x}{n:016x}", spec.seed),
            counted: true,
            created_at: report.at,
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
    services: &[String],
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
