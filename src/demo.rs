//! `serve --demo`: simulated history in a database of its own, so demo data never mixes with real
//! reports.

use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::detect::DetectorConfig;
use crate::startup::open_db;

/// Where the demo keeps its simulated history, apart from real data.
pub const DEMO_DATABASE_URL: &str = "sqlite://data/demo.db";

/// Days of simulated history the demo starts with.
const DEMO_DAYS: i64 = 14;

/// Fills the demo database on first use: 14 days of reports for every service, and the outages in
/// that history older than the 48 hours the monitor replays at start. A no-op once it holds reports.
pub async fn prepare(url: &str) -> anyhow::Result<()> {
    let db = open_db(url).await?;
    let catalog = Catalog::embedded()?;
    let now = Clock::System.now();
    db.sync_catalog(&catalog, now).await?;
    if db.stored_counts().await?.reports == 0 {
        tracing::info!(
            database = url,
            days = DEMO_DAYS,
            "demo: simulating history for every service (about a minute on first start)"
        );
        if let Some(n) = crate::backfill::demo_history(&db, &catalog, now).await? {
            tracing::info!(
                reports = n,
                "demo: history stored; looking for its past outages"
            );
            let past = crate::monitor::declare_past_outages(
                &db,
                &catalog,
                DetectorConfig::default(),
                now - DEMO_DAYS * 86_400,
                now,
            )
            .await?;
            tracing::info!(
                outages = past,
                "demo: outages found in the history older than 48 hours"
            );
        }
    }
    db.close().await;
    Ok(())
}
