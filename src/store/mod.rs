//! The SQL store, the source of truth: SQLite by default, PostgreSQL when the URL says so. One set of
//! portable queries (`$n` placeholders work in both); each backend has its own migration folder.

mod admin;
mod breadth;
mod comments;
mod groups;
mod lease;

mod evidence;
mod outages;
mod repairs;
mod reports;
mod retention;
mod salts;
mod services;
mod sqlite_writer;
mod unlisted;
mod webhooks;
mod writer;

pub use admin::{AdminAction, Statement};
pub use comments::{CommentId, CommentLimits, NewComment, Posted, Source, StoredComment};
pub use groups::StoredGroup;
pub use lease::SqlLease;
pub use outages::{ClosedBy, OutageFilter, OutageRecord, StatusRow, StoredOutage};
pub use repairs::StaleMark;
use reports::report_columns;
pub use reports::{NewReport, PublicReport, StoredCounts};
pub use retention::{Deleted, Dropped, StoreSize};
pub use sqlite_writer::{SqliteWriter, with_sqlite_writer};
pub use webhooks::{Claimed, Fanout, FirstDelivery, Subscription};
pub use writer::ReportSink;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// Statements slower than this are logged, at INFO: rebuilding counters from a large history takes
/// seconds by design (sqlx's default, WARN after one second, would alarm on every such start).
const SLOW_STATEMENT: Duration = Duration::from_secs(2);
const SLOW_STATEMENT_LEVEL: log::LevelFilter = log::LevelFilter::Info;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database: {0}")]
    Sqlite(String),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("unsupported DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    Url(String),
}

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code on whichever pool is behind a [`Db`]; each arm is type-checked for its backend.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Db {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // synchronous_commit=on is the default; set it anyway, since acknowledging a report relies on it.
            let options = PgConnectOptions::from_str(url)?
                .options([("synchronous_commit", "on")])
                .log_slow_statements(SLOW_STATEMENT_LEVEL, SLOW_STATEMENT);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .log_slow_statements(SLOW_STATEMENT_LEVEL, SLOW_STATEMENT);
            if let Some(parent) = options.get_filename().parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|source| StoreError::Folder {
                    path: parent.display().to_string(),
                    source,
                })?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(StoreError::Url(url.to_owned()))
        }
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// How many intake writers may commit at once: SQLite has one writer; PostgreSQL overlaps commits.
    pub fn writer_count(&self) -> usize {
        match self {
            Db::Sqlite(_) => 1,
            Db::Postgres(_) => 4,
        }
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, p => { sqlx::query("SELECT 1").execute(p).await?; });
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, p => p.close().await)
    }
}
