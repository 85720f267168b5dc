//! The SQLite intake writer: one connection, driven from the writer's own OS thread.
//!
//! sqlx runs every SQLite connection on a worker thread of its own and talks to it through channels,
//! so each statement is a hand-off between threads (and tokio's scheduler) and back. For the intake,
//! which is one writer committing small batches back to back on two cores, those hand-offs cost more
//! than the inserts. So the writer thread opens its connection with sqlx (same options and pragmas
//! as the pool: WAL, synchronous=FULL, busy timeout, foreign keys), then takes the handle out of
//! sqlx's worker with [`SqliteConnection::lock_handle`] and calls SQLite's C API directly: one
//! prepared single-row INSERT stepped per report inside BEGIN IMMEDIATE … COMMIT. No JSON, no thread
//! hop per statement; the commit (and its fsync) happens on the writer thread itself.
//!
//! The only module that may use `unsafe` (the crate denies `unsafe_code`); every unsafe block says
//! why it is sound in a `// SAFETY:` comment.
#![allow(unsafe_code)]

use super::{NewReport, StoreError, report_columns};
use crate::domain::{Comment, RegionId};
use libsqlite3_sys as ffi;
use sqlx::Connection;
use sqlx::sqlite::{LockedSqliteHandle, SqlitePool};
use std::ffi::{CStr, c_int};
use std::ptr::NonNull;
use tokio::runtime::Handle;

const INSERT: &CStr = match CStr::from_bytes_with_nul(
    concat!(
        "INSERT INTO reports (",
        report_columns!(),
        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)\0"
    )
    .as_bytes(),
) {
    Ok(sql) => sql,
    Err(_) => panic!("the INSERT holds no NUL but its last byte"),
};

/// Opens a connection of its own (taken out of the pool for good), hands `body` a writer on it, and
/// closes it afterwards. Blocks: call it from a thread of its own, never from async code.
pub fn with_sqlite_writer<T>(
    pool: &SqlitePool,
    rt: &Handle,
    body: impl FnOnce(&SqliteWriter<'_>) -> T,
) -> Result<T, StoreError> {
    let mut conn = rt.block_on(pool.acquire())?.detach();
    let result = {
        let mut lock = rt.block_on(conn.lock_handle())?;
        let writer = SqliteWriter::new(&mut lock)?;
        body(&writer)
        // The statement is finalized (writer dropped) before sqlx gets its handle back.
    };
    // Everything is committed by now; a failing close loses nothing.
    if let Err(e) = rt.block_on(conn.close()) {
        tracing::warn!(error = %e, "closing the SQLite writer connection failed");
    }
    Ok(result)
}

/// A raw SQLite handle borrowed from sqlx, with the prepared INSERT. Only ever lent out by shared
/// reference, inside [`with_sqlite_writer`]: it cannot leave the scope in which sqlx's lock is held.
/// Raw pointers keep it on the thread that opened it (neither `Send` nor `Sync`).
pub struct SqliteWriter<'lock> {
    db: NonNull<ffi::sqlite3>,
    insert: NonNull<ffi::sqlite3_stmt>,
    _lock: std::marker::PhantomData<&'lock mut ()>,
}

impl<'lock> SqliteWriter<'lock> {
    fn new(lock: &'lock mut LockedSqliteHandle<'_>) -> Result<Self, StoreError> {
        let db = lock.as_raw_handle();
        check_durable(db)?;
        // Checkpoint (copy the WAL into the database file, then fsync it) every 10,000 pages
        // (~40 MB) instead of SQLite's 1,000: the intake rewrites the same few hundred hot pages
        // (index leaves per service, the table's tail), so one checkpoint copies each once for ten
        // times as many commits. Durability is unchanged: each COMMIT still fsyncs the WAL.
        exec(db, c"PRAGMA wal_autocheckpoint = 10000")?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: `db` is open and, while `lock` lives, used by this thread alone; INSERT is
        // nul-terminated (-1: read up to the nul).
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db.as_ptr(),
                INSERT.as_ptr(),
                -1,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        let insert = match NonNull::new(stmt) {
            Some(insert) if rc == ffi::SQLITE_OK => insert,
            _ => return Err(error(db, rc)),
        };
        Ok(Self {
            db,
            insert,
            _lock: std::marker::PhantomData,
        })
    }

    /// Inserts the batch in one transaction and returns the new ids in batch order. `Ok` means the
    /// COMMIT returned, i.e. the WAL holding the batch has been fsynced (synchronous=FULL). On error
    /// the transaction is rolled back and nothing of the batch is stored.
    pub fn insert_reports(&self, batch: &[NewReport]) -> Result<Vec<i64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        self.exec(c"BEGIN IMMEDIATE")?;
        let ids = batch
            .iter()
            .map(|report| self.insert(report))
            .collect::<Result<Vec<_>, _>>()
            .and_then(|ids| self.exec(c"COMMIT").map(|()| ids));
        if ids.is_err() && !self.autocommit() {
            // Best effort: the error that matters is the one being returned.
            let _ = self.exec(c"ROLLBACK");
        }
        ids
    }

    fn insert(&self, r: &NewReport) -> Result<i64, StoreError> {
        let stmt = self.insert.as_ptr();
        let coordinates = r.coordinates.map(|c| (c.lat(), c.lon()));
        // SAFETY: `stmt` is a live statement of this connection; texts are copied by SQLite
        // (SQLITE_TRANSIENT), so no borrow outlives the call.
        let rc = unsafe {
            let bound = [
                bind_text(stmt, 1, Some(r.service.as_str())),
                bind_text(stmt, 2, Some(r.kind.code())),
                bind_text(stmt, 3, r.region.as_ref().map(RegionId::as_str)),
                bind_f64(stmt, 4, coordinates.map(|c| c.0)),
                bind_f64(stmt, 5, coordinates.map(|c| c.1)),
                bind_text(stmt, 6, r.comment.as_ref().map(Comment::as_str)),
                bind_text(stmt, 7, Some(r.reporter.as_str())),
                ffi::sqlite3_bind_int64(stmt, 8, i64::from(r.counted)),
                ffi::sqlite3_bind_int64(stmt, 9, r.created_at),
                bind_text(stmt, 10, Some(r.network.as_str())),
                bind_text(stmt, 11, r.uncounted),
            ];
            let rc = match bound.into_iter().find(|&rc| rc != ffi::SQLITE_OK) {
                Some(failed) => failed,
                None => ffi::sqlite3_step(stmt),
            };
            // Ready for the next row; clear_bindings frees the copied texts.
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
            rc
        };
        if rc != ffi::SQLITE_DONE {
            return Err(error(self.db, rc));
        }
        // SAFETY: the connection is open; the id is that of the row just inserted.
        Ok(unsafe { ffi::sqlite3_last_insert_rowid(self.db.as_ptr()) })
    }

    fn exec(&self, sql: &CStr) -> Result<(), StoreError> {
        exec(self.db, sql)
    }

    fn autocommit(&self) -> bool {
        // SAFETY: the connection is open.
        unsafe { ffi::sqlite3_get_autocommit(self.db.as_ptr()) != 0 }
    }
}

impl Drop for SqliteWriter<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement belongs to this writer and is not used after this.
        unsafe { ffi::sqlite3_finalize(self.insert.as_ptr()) };
    }
}

/// Refuses to write unless the connection is in WAL mode with synchronous=FULL: acknowledging a
/// report after COMMIT relies on both.
fn check_durable(db: NonNull<ffi::sqlite3>) -> Result<(), StoreError> {
    let journal = query_text(db, c"PRAGMA journal_mode")?;
    let synchronous = query_text(db, c"PRAGMA synchronous")?;
    if journal.eq_ignore_ascii_case("wal") && synchronous == "2" {
        Ok(())
    } else {
        Err(StoreError::Sqlite(format!(
            "the intake writer needs journal_mode=wal and synchronous=FULL (2), \
             got {journal} and {synchronous}"
        )))
    }
}

/// The first column of the first row of `sql`, as text.
fn query_text(db: NonNull<ffi::sqlite3>, sql: &CStr) -> Result<String, StoreError> {
    let mut stmt = std::ptr::null_mut();
    // SAFETY: `db` is open and ours; `stmt` is finalized before returning, and the column text is
    // copied out before the statement moves on.
    unsafe {
        let rc = ffi::sqlite3_prepare_v2(
            db.as_ptr(),
            sql.as_ptr(),
            -1,
            &mut stmt,
            std::ptr::null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            return Err(error(db, rc));
        }
        let rc = ffi::sqlite3_step(stmt);
        let text = if rc == ffi::SQLITE_ROW {
            let p = ffi::sqlite3_column_text(stmt, 0);
            Ok(if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p.cast()).to_string_lossy().into_owned()
            })
        } else {
            Err(error(db, rc))
        };
        ffi::sqlite3_finalize(stmt);
        text
    }
}

fn exec(db: NonNull<ffi::sqlite3>, sql: &CStr) -> Result<(), StoreError> {
    // SAFETY: `db` is open and ours; `sql` is nul-terminated; no callback, no error buffer.
    let rc = unsafe {
        ffi::sqlite3_exec(
            db.as_ptr(),
            sql.as_ptr(),
            None,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(error(db, rc))
    }
}

/// SAFETY: `stmt` must be a live statement and `i` one of its parameters.
unsafe fn bind_text(stmt: *mut ffi::sqlite3_stmt, i: c_int, value: Option<&str>) -> c_int {
    match value {
        // SAFETY: `stmt` is live and `i` one of its parameters (this function's contract);
        // SQLITE_TRANSIENT makes SQLite copy the bytes before returning.
        Some(s) => unsafe {
            ffi::sqlite3_bind_text64(
                stmt,
                i,
                s.as_ptr().cast(),
                s.len() as u64,
                ffi::SQLITE_TRANSIENT(),
                ffi::SQLITE_UTF8 as u8,
            )
        },
        // SAFETY: `stmt` is live and `i` one of its parameters (this function's contract).
        None => unsafe { ffi::sqlite3_bind_null(stmt, i) },
    }
}

/// SAFETY: `stmt` must be a live statement and `i` one of its parameters.
unsafe fn bind_f64(stmt: *mut ffi::sqlite3_stmt, i: c_int, value: Option<f64>) -> c_int {
    match value {
        // SAFETY: `stmt` is live and `i` one of its parameters (this function's contract).
        Some(v) => unsafe { ffi::sqlite3_bind_double(stmt, i, v) },
        // SAFETY: `stmt` is live and `i` one of its parameters (this function's contract).
        None => unsafe { ffi::sqlite3_bind_null(stmt, i) },
    }
}

/// The connection's last error, with SQLite's message.
fn error(db: NonNull<ffi::sqlite3>, rc: c_int) -> StoreError {
    // SAFETY: the connection is open; the message is copied before any other call on it.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }
        .to_string_lossy()
        .into_owned();
    StoreError::Sqlite(format!("{message} (code {rc})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::domain::{
        Coordinates, NetworkKey, ProblemKind, ReportKind, ReporterKey, ServiceSlug,
    };
    use crate::store::Db;
    use sqlx::Row;

    /// A migrated SQLite database with the catalog, in a temporary folder, and a runtime to drive sqlx.
    fn setup() -> (tempfile::TempDir, tokio::runtime::Runtime, String) {
        let dir = tempfile::tempdir().unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let url = format!("sqlite://{}/t.db", dir.path().display());
        rt.block_on(async {
            let db = Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            db.sync_catalog(&Catalog::embedded().unwrap(), 0)
                .await
                .unwrap();
            db.close().await;
        });
        (dir, rt, url)
    }

    /// A pool as the server opens it.
    fn pool(rt: &tokio::runtime::Runtime, url: &str) -> SqlitePool {
        match rt.block_on(Db::connect(url)).unwrap() {
            Db::Sqlite(pool) => pool,
            Db::Postgres(_) => unreachable!(),
        }
    }

    fn report(service: &str, comment: Option<&str>) -> NewReport {
        NewReport {
            service: ServiceSlug::parse(service).unwrap(),
            kind: ReportKind::Problem(ProblemKind::Login),
            region: Some(RegionId::parse("IT-25").unwrap()),
            coordinates: Coordinates::parse(Some(45.46), Some(9.19)).unwrap(),
            comment: comment.and_then(|c| Comment::parse(c).unwrap()),
            reporter: ReporterKey::from_hex("k".repeat(32)),
            counted: true,
            created_at: 1_727_344_800,
            network: NetworkKey::from_hex("n".repeat(16)),
            uncounted: None,
        }
    }

    fn stored(rt: &tokio::runtime::Runtime, pool: &SqlitePool) -> Vec<(i64, Option<String>)> {
        rt.block_on(sqlx::query("SELECT id, comment FROM reports ORDER BY id").fetch_all(pool))
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    }

    #[test]
    fn a_batch_gets_its_ids_in_order_and_is_stored_whole_or_not_at_all() {
        let (_dir, rt, url) = setup();
        let pool = pool(&rt, &url);
        let ok = [report("monzo", Some("a")), report("barclays", Some("b"))];
        // The second report names no known service: the foreign key refuses it, and with it the batch.
        let bad = [
            report("monzo", Some("c")),
            report("no-such-bank", Some("d")),
        ];
        let (first, refused, after) = with_sqlite_writer(&pool, rt.handle(), |w| {
            (
                w.insert_reports(&ok).unwrap(),
                w.insert_reports(&bad).is_err(),
                w.insert_reports(&ok[..1]).unwrap(),
            )
        })
        .unwrap();
        assert!(refused);
        assert_eq!(first.len(), 2);
        assert!(first[0] < first[1] && first[1] < after[0]);
        assert_eq!(
            stored(&rt, &pool),
            vec![
                (first[0], Some("a".into())),
                (first[1], Some("b".into())),
                (after[0], Some("a".into())),
            ],
            "nothing of the refused batch, and the connection still writes"
        );
    }

    #[test]
    fn the_writer_refuses_a_connection_that_would_not_fsync_each_commit() {
        let (_dir, rt, url) = setup();
        let options = pool(&rt, &url)
            .connect_options()
            .as_ref()
            .clone()
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal);
        let lax = rt.block_on(SqlitePool::connect_with(options)).unwrap();
        let err = with_sqlite_writer(&lax, rt.handle(), |_| ())
            .expect_err("synchronous=NORMAL must be refused");
        assert!(err.to_string().contains("synchronous=FULL"), "{err}");
    }
}
