//! Recreating counters from the SQL store, the source of truth.

use crate::counts::{CountStore, Counts, Resolution};
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
