//! Recreating counters from the SQL store, the source of truth.

use crate::counts::{CountStore, Counts, NetworkBound, Resolution};
use crate::intake::DEDUP_WINDOW_SECONDS;
use crate::store::Db;

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
    Ok(buckets.len())
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

/// Takes back into an in-process counter store the claims of the reports counted in the last two
/// network blocks (the de-duplication window and the network bound's span), which died with the
/// previous process: a client retrying a report whose answer a crash (`kill -9`) swallowed is then
/// a repeat, not a second count. Returns how many claims are live; a shared store (Redis) keeps its
/// own claims and is left alone.
pub async fn restore_claims(
    db: &Db,
    counts: &Counts,
    now: i64,
    bound: &NetworkBound,
) -> Result<usize, RebuildError> {
    if !counts.claims_in_process() {
        return Ok(0);
    }
    let since = ((bound.block(now) - 1) * bound.window).min(now - DEDUP_WINDOW_SECONDS);
    let claims = db.recent_claims(since).await?;
    Ok(counts.restore_claims(&claims, now, DEDUP_WINDOW_SECONDS, bound))
}
