//! Databases: SQLite files in temporary folders, fresh PostgreSQL databases, and the rows of
//! `reports` as stored.

use super::random_hex;
use downtally::store::Db;
use std::sync::Arc;
use tempfile::TempDir;

/// A SQLite database file inside a temporary folder that lives as long as any clone of it.
#[derive(Clone)]
pub struct SqliteFile {
    #[allow(dead_code, reason = "held, not read")]
    pub dir: Arc<TempDir>,
    pub url: String,
}

impl SqliteFile {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("downtally.db").display());
        Self {
            dir: Arc::new(dir),
            url,
        }
    }
}

impl Default for SqliteFile {
    fn default() -> Self {
        Self::new()
    }
}

/// Creates a fresh, empty database `dt_test_<random>` on the PostgreSQL server of `admin_url`
/// (e.g. TEST_DATABASE_URL) and returns its URL.
pub async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::Connection;
    let name = format!("dt_test_{}", random_hex(8));
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to TEST_DATABASE_URL: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("CREATE DATABASE");
    let _ = conn.close().await;
    replace_db_name(admin_url, &name)
}

/// `postgres://u@h:p/old?x` → `postgres://u@h:p/new?x`.
pub(super) fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// One row of the `reports` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub id: i64,
    pub service: String,
    pub problem: String,
    pub region: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub comment: Option<String>,
    pub reporter: String,
    pub counted: bool,
    pub created_at: i64,
}

/// Every row of `reports`, by id, read with a connection of its own.
pub async fn stored_reports(db_url: &str) -> Vec<ReportRow> {
    use sqlx::Row;
    let db = Db::connect(db_url).await.expect("open the database");
    let sql = "SELECT id, service, problem, region, lat, lon, comment, reporter, counted, created_at \
               FROM reports ORDER BY id";
    macro_rules! rows {
        ($pool:expr) => {
            sqlx::query(sql)
                .fetch_all($pool)
                .await
                .expect("read reports")
                .iter()
                .map(|r| ReportRow {
                    id: r.get("id"),
                    service: r.get("service"),
                    problem: r.get("problem"),
                    region: r.get("region"),
                    lat: r.get("lat"),
                    lon: r.get("lon"),
                    comment: r.get("comment"),
                    reporter: r.get("reporter"),
                    counted: r.get("counted"),
                    created_at: r.get("created_at"),
                })
                .collect::<Vec<_>>()
        };
    }
    let out = match &db {
        Db::Sqlite(p) => rows!(p),
        Db::Postgres(p) => rows!(p),
    };
    db.close().await;
    out
}
