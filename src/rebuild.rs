//! Recreating counters from the SQL store, the source of truth.
//!
//! A full rebuild ([`rebuild_counts`]: the `rebuild-counts` command, a start on a store that holds
//! nothing built) replaces every counter. The leader's repairs while nodes count ([`repair_counts`],
//! after the counter store was down, flushed or restarted, or a node marked the counters stale) must
//! not lose a count recorded while they run, though intake stores a report in SQL first and records
//! its count after: they replace only the buckets before a *cutoff*, a minute boundary after
//! everything the store may have missed, once every report received before it has been recorded.
//! Buckets from the cutoff on keep what was recorded; the hour holding the cutoff becomes SQL's part
//! before it plus the minutes recorded from it on (`counts/redis.rs`). A report recorded more than
//! [`Counts::LATE_RECORD`] seconds after it was received may have raced the SQL read: its writer marks
//! the counters stale again, and the next repair covers it. A repair of shared counters also puts
//! back the admissions (claims, network counts) of the window from SQL.

use crate::clock::Clock;
use crate::counts::{CountStore, Counts, NetworkBound, Resolution};
use crate::intake::DEDUP_WINDOW_SECONDS;
use crate::store::Db;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Counts(#[from] crate::counts::CountError),
}

/// Replaces every counter with counts computed from the counted reports in SQL. Returns how many
/// buckets were written.
pub async fn rebuild_counts(db: &Db, counts: &Counts, now: i64) -> Result<usize, RebuildError> {
    let buckets = db
        .bucket_counts(
            Resolution::Minute.oldest_kept(now),
            Resolution::Hour.oldest_kept(now),
        )
        .await?;
    counts.replace_all(&buckets, now).await?;
    let written = buckets.len();
    drop(buckets);
    // The rows and buckets read (hundreds of bytes each) are garbage now: give them back.
    crate::heap::release_free_memory();
    Ok(written)
}

/// Rebuilds only when the counter store says it holds nothing built (new, flushed or lost).
pub async fn rebuild_if_needed(
    db: &Db,
    counts: &Counts,
    now: i64,
) -> Result<Option<usize>, RebuildError> {
    if counts.needs_rebuild().await? {
        tracing::info!(
            store = counts.kind(),
            "the counter store is empty: counting the reports in SQL again (seconds for millions)"
        );
        Ok(Some(rebuild_counts(db, counts, now).await?))
    } else {
        Ok(None)
    }
}

/// Puts back into `counts` the admissions of the reports counted in the last two network blocks
/// (the de-duplication window and the network bound's span) from SQL: into an in-process store at
/// start (its claims died with the previous process: a client retrying a report whose answer a
/// `kill -9` swallowed is then a repeat, not a second count), into a shared one after a repair.
/// Returns how many claims are live.
pub async fn restore_admissions(
    db: &Db,
    counts: &Counts,
    now: i64,
    bound: &NetworkBound,
) -> Result<usize, RebuildError> {
    let claims = db.recent_claims(claims_since(now, bound)).await?;
    Ok(counts
        .restore_admissions(&claims, now, DEDUP_WINDOW_SECONDS, bound)
        .await?)
}

/// Where the claims that matter at `now` begin: the de-duplication window, and the previous network
/// block (the bound's span).
fn claims_since(now: i64, bound: &NetworkBound) -> i64 {
    ((bound.block(now) - 1) * bound.window).min(now - DEDUP_WINDOW_SECONDS)
}

/// The cutoff of a repair at `now` for a store that may have missed counts up to `missed_at`: the
/// minute after it, and no earlier than the minute every report has surely been recorded by.
pub fn cutoff(missed_at: i64, now: i64) -> i64 {
    let minute = Resolution::Minute;
    (minute.floor(missed_at) + minute.step()).max(minute.floor(now - Counts::LATE_RECORD))
}

/// The leader's check (every few seconds, while the store answers): when the store may lack counts
/// (flushed, restarted, or marked stale in SQL by a node that missed some), repairs them from SQL
/// without losing the ones recorded meanwhile, then clears the marks the repair covered. Until the
/// counters are whole again `counts` is not [`Counts::trusted`], and the monitor reads SQL. Returns
/// the buckets written, `None` when nothing was missing.
pub async fn repair_counts(
    db: &Db,
    counts: &Counts,
    clock: &Clock,
    bound: &NetworkBound,
) -> Result<Option<usize>, RebuildError> {
    if counts.down().is_some() {
        return Ok(None);
    }
    let now = clock.now();
    let lost = counts.lost_since(now).await?;
    let mark = if counts.shared() {
        db.counts_stale().await?
    } else {
        None
    };
    let Some(missed_at) = lost.into_iter().chain(mark.map(|m| m.missed_at)).max() else {
        if !counts.marks_pending() {
            counts.set_trusted(true);
        }
        return Ok(None);
    };
    counts.set_trusted(false);
    let buckets = if counts.shared() {
        let cutoff = cutoff(missed_at, now);
        tracing::warn!(
            missed_since = %crate::clock::rfc3339(missed_at),
            cutoff = %crate::clock::rfc3339(cutoff),
            "the counters may lack counts: repairing them from SQL"
        );
        // First the admissions it lost or never saw (a restart empties Redis; while it was down
        // they were made in nodes' memory), back from SQL, before the wait below: else a reporter
        // who counted before could count again within the window, a network's bound would start
        // afresh, and a network counted before would be a "first" again in the networks series.
        let restored = restore_admissions(db, counts, now, bound).await?;
        tracing::info!(claims = restored, "admissions restored from SQL");
        // Every report received before the cutoff must have been recorded first (real time too,
        // for a manual clock that does not move).
        let wait = Duration::from_secs((cutoff + Counts::LATE_RECORD - now).max(0) as u64);
        let started = Instant::now();
        while clock.now() < cutoff + Counts::LATE_RECORD && started.elapsed() < wait {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let now = clock.now().max(now);
        let buckets = db
            .bucket_counts_until(
                Resolution::Minute.oldest_kept(now),
                Resolution::Hour.oldest_kept(now),
                cutoff,
            )
            .await?;
        counts.replace_before(&buckets, cutoff, now).await?;
        buckets.len()
    } else {
        rebuild_counts(db, counts, now).await?
    };
    if let Some(mark) = mark {
        db.clear_counts_stale(mark.generation).await?;
    }
    tracing::info!(buckets, "counters repaired from SQL");
    if db.counts_stale().await?.is_none() && !counts.marks_pending() {
        counts.set_trusted(true);
    }
    Ok(Some(buckets))
}

#[cfg(test)]
mod tests {
    use super::cutoff;

    #[test]
    fn the_cutoff_follows_what_was_missed_and_what_is_surely_recorded() {
        // Missed a minute ago: the minute after it.
        assert_eq!(cutoff(1_000_030, 1_000_100), 1_000_080);
        // Missed long ago: no earlier than the minute every report has been recorded by.
        assert_eq!(cutoff(0, 1_000_100), 1_000_080);
        // Missed just now: the next minute.
        assert_eq!(cutoff(1_000_100, 1_000_100), 1_000_140);
    }
}
