//! Where an intake writer stores its batches.

use super::sqlite_writer::SqliteWriter;
use super::{Db, NewReport, StoreError};
use std::future::Future;

/// A store for batches of reports. `Ok` from [`ReportSink::insert_reports`] means the batch's
/// transaction has committed durably; the ids come back in batch order.
pub trait ReportSink {
    fn insert_reports(
        &mut self,
        batch: &[NewReport],
    ) -> impl Future<Output = Result<Vec<i64>, StoreError>>;
}

/// Through the pool: PostgreSQL's writers, whose connections overlap their commits.
impl ReportSink for Db {
    async fn insert_reports(&mut self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        Db::insert_reports(self, batch).await
    }
}

/// SQLite's one writer, on its own thread: the insert blocks that thread, which is what it is for.
impl ReportSink for &SqliteWriter<'_> {
    async fn insert_reports(&mut self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        SqliteWriter::insert_reports(self, batch)
    }
}
