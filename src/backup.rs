//! `downtally backup FILE`: a consistent copy of the SQLite store, taken while a server writes to it.
//!
//! How: `VACUUM INTO`, not the C-level online backup API (`sqlite3_backup_*`). Both copy one
//! consistent snapshot: `VACUUM INTO` reads the whole database inside a single read transaction, and
//! in WAL mode a reader never blocks the intake's writer (nor the writer it), so the server keeps
//! acknowledging reports meanwhile and the copy holds exactly what was committed when it began.
//! `VACUUM INTO` needs no `unsafe` (only `store/sqlite_writer.rs` may have it), runs through sqlx like
//! every other statement, and writes a compacted file in rollback-journal mode that opens anywhere
//! on its own (no `-wal` beside it). The backup API copies pages and, stepped in chunks, restarts
//! whenever the source changes between steps; stepped at once it is no better than `VACUUM INTO`.
//!
//! The copy is written next to FILE under a temporary name, checked (`PRAGMA integrity_check`), then
//! renamed into place, so FILE is either absent or a whole, checked database. PostgreSQL is refused:
//! `pg_dump -Fc` is its consistent online copy (see the README, "Backups and upgrades").

use anyhow::{Context, bail};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// What one backup wrote.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub path: PathBuf,
    pub bytes: u64,
    pub reports: i64,
}

/// Copies the SQLite store at `database_url` into `dest` (which must not exist yet).
pub async fn backup(database_url: &str, dest: &Path) -> anyhow::Result<BackupSummary> {
    if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
        bail!(
            "`downtally backup` copies SQLite stores only; for PostgreSQL use \
             `pg_dump -Fc -f downtally.dump DATABASE_URL` (consistent while serving) and \
             `pg_restore` (see the README, \"Backups and upgrades\")"
        );
    }
    if !database_url.starts_with("sqlite:") {
        bail!("DATABASE_URL must be sqlite://PATH (or postgres://…, backed up with pg_dump)");
    }
    if dest.exists() {
        bail!("{} exists already; backup never overwrites", dest.display());
    }
    let options = SqliteConnectOptions::from_str(database_url)?
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    let source = options.get_filename().to_owned();
    if !source.is_file() {
        bail!("no SQLite database at {}", source.display());
    }
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let mut conn = options
        .connect()
        .await
        .with_context(|| format!("cannot open {}", source.display()))?;
    let copied = sqlx::query("VACUUM INTO ?1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e).with_context(|| format!("cannot write {}", partial.display()));
    }
    let reports = match check(&partial).await {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, dest)
        .with_context(|| format!("cannot rename {} into place", partial.display()))?;
    let bytes = std::fs::metadata(dest)?.len();
    Ok(BackupSummary {
        path: dest.to_owned(),
        bytes,
        reports,
    })
}

/// `FILE.partial` beside FILE.
fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_owned();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Runs `PRAGMA integrity_check` on a copy and counts its reports.
async fn check(path: &Path) -> anyhow::Result<i64> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("cannot open the copy {}", path.display()))?;
    let verdict: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?
        .get(0);
    if verdict != "ok" {
        bail!("the copy failed its integrity check: {verdict}");
    }
    let reports: i64 = sqlx::query("SELECT COUNT(*) FROM reports")
        .fetch_one(&mut conn)
        .await?
        .get(0);
    let _ = conn.close().await;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn postgres_is_refused_with_pg_dump_named() {
        let err = backup("postgres://u@h/db", Path::new("/nonexistent/x.db"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("pg_dump"), "{err}");
    }

    #[test]
    fn the_partial_file_sits_beside_the_destination() {
        assert_eq!(
            partial_path(Path::new("/b/x.db")),
            Path::new("/b/x.db.partial")
        );
    }
}
