//! Where an intake writer stores its batches.

use super::reports::insert_sqlite;
use super::{Db, NewReport, StoreError};
use sqlx::{SqliteConnection, SqlitePool};

/// A writer's hold on the SQL store. SQLite has one writer, which keeps a connection of its own: no
/// pool hand-off (and its ping) per batch, and a page cache that no other connection's commit
/// invalidates. PostgreSQL writers share the pool, whose connections overlap their commits.
pub enum ReportWriter {
    Sqlite {
        pool: SqlitePool,
        /// Opened on first use, and again after a failed batch (the connection may be the problem).
        conn: Option<SqliteConnection>,
    },
    Postgres(Db),
}

impl ReportWriter {
    pub fn new(db: &Db) -> Self {
        match db {
            Db::Sqlite(pool) => ReportWriter::Sqlite {
                pool: pool.clone(),
                conn: None,
            },
            Db::Postgres(_) => ReportWriter::Postgres(db.clone()),
        }
    }

    /// Inserts a batch in one transaction; see [`Db::insert_reports`]. `Ok` means committed durably.
    pub async fn insert_reports(&mut self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        match self {
            ReportWriter::Postgres(db) => db.insert_reports(batch).await,
            ReportWriter::Sqlite { .. } if batch.is_empty() => Ok(Vec::new()),
            ReportWriter::Sqlite { pool, conn } => {
                let c = match conn {
                    Some(c) => c,
                    // Taken out of the pool for good (the pool opens another when it needs one).
                    None => conn.insert(pool.acquire().await?.detach()),
                };
                let result = insert_sqlite(&mut *c, batch).await;
                if result.is_err() {
                    *conn = None;
                }
                result
            }
        }
    }
}
