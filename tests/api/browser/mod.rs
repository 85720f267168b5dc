//! Browser tests with Debian's headless Chromium, driven over the DevTools protocol (CDP): the home
//! page, a service page with an ongoing outage and that outage's permalink, each at 360 px and
//! 1280 px wide. A console error, an uncaught exception, a failed request, an HTTP error status or a
//! page wider than the window fails the test. Screenshots go to `target/screenshots/`.
//!
//! Chromium comes from CHROMIUM_BIN (exported by scripts/test), else `chromium` on PATH. Without it
//! the test is skipped, except under CI where it fails (see `helpers::require_env`).
//!
//! `chromium` drives the browser; `site` holds the tests of the site's own pages (widths,
//! languages, the dark theme, live refresh, charts), `embed` those of the map embed framed by
//! another site. This file starts the app and finds Chromium.

mod chromium;
mod embed;
mod site;

use crate::helpers::{self, INTESA, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::detect::Status;
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;

/// Starts the app (SQLite, manual clock) with three days of history for Intesa Sanpaolo and an outage
/// that began 40 minutes ago, on a thread of its own; returns its address and the outage id.
fn start_app() -> (String, i64) {
    helpers::start_on_own_thread(|| async {
        // Kept for the life of the test process, like the server.
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let url = format!("sqlite://{}/browser.db", dir.path().display());
        let start = NOW - 3 * 86_400;
        let db = open_db(&url).await.unwrap();
        db.sync_catalog(&Catalog::embedded().unwrap(), start)
            .await
            .unwrap();
        let mut spec = SimSpec::quiet(start, 3, 5.0, 21);
        spec.outages.push(SimOutage {
            at: NOW - 40 * 60,
            minutes: 120,
            factor: 8.0,
            problems: vec![("login", 0.6), ("mobile_app", 0.4)],
            regions: Vec::new(),
        });
        backfill_service(&db, &slug(INTESA), &spec).await.unwrap();
        db.close().await;
        let mut settings = Settings::new("127.0.0.1:0", &url, None);
        settings.clock = Clock::manual(NOW);
        // The clock stands still: pages must show a new report at once, not after 5 s.
        settings.page_fresh = Duration::ZERO;
        settings.monitor_interval = Duration::from_millis(100);
        settings.workers = Some(2);
        let app = Application::build(settings).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let server = tokio::spawn(app.run_until_stopped());
        let deadline = Instant::now() + Duration::from_secs(120);
        while state.board.updated_at() < NOW {
            assert!(Instant::now() < deadline, "the monitor ran no pass");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(state.board.get(&slug(INTESA)).status, Status::Outage);
        let id = state.db.recent_outages(&slug(INTESA), 1).await.unwrap()[0].id;
        ((base, id), server)
    })
}

/// Chromium: CHROMIUM_BIN, else `chromium` on PATH; `None` (test skipped) unless CI is set.
fn chromium_bin() -> Option<String> {
    if let Ok(bin) = std::env::var("CHROMIUM_BIN")
        && !bin.trim().is_empty()
    {
        return Some(bin);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    match on_path {
        Some(p) => Some(p.display().to_string()),
        None => helpers::require_env("CHROMIUM_BIN"),
    }
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
