use anyhow::Context;
use clap::{Parser, Subcommand};
use downtally::clock::Clock;
use downtally::config::{CatalogArgs, LogArgs, RetentionArgs, ServeArgs, StorageArgs};
use downtally::domain::ServiceSlug;
use downtally::startup::{Application, Settings, open_counts, open_db};
use downtally::{catalog::Catalog, rebuild, telemetry};

/// downtally: crowd-sourced outage reports for banks and payment services.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    log: LogArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct SimulateCommand {
    #[command(flatten)]
    sim: downtally::simulate::SimulateArgs,
    /// Backfill this history into the store for these services (comma-separated slugs, or `all`).
    /// The simulated period then ends now; `--start` is ignored.
    #[arg(long, value_delimiter = ',')]
    backfill: Vec<String>,
    #[command(flatten)]
    storage: StorageArgs,
    #[command(flatten)]
    catalog: CatalogArgs,
}

#[derive(clap::Args)]
struct MigrateArgs {
    #[command(flatten)]
    storage: StorageArgs,
    #[command(flatten)]
    catalog: CatalogArgs,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Validate a catalog file (the schema of `data/services.toml`); names the faulty entry and
    /// exits non-zero when it is invalid.
    Check {
        /// The TOML file to check.
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service.
    Serve(ServeArgs),
    /// Apply database migrations and sync the catalog, then exit.
    Migrate(MigrateArgs),
    /// Recreate every counter from the reports stored in SQL.
    RebuildCounts(StorageArgs),
    /// Run the outage detector over a `timestamp,value` CSV, strictly online, and write its verdicts.
    Replay(downtally::replay::ReplayArgs),
    /// Generate realistic, seeded report traffic: as a CSV, or as history backfilled into the store.
    Simulate(SimulateCommand),
    /// Copy the SQLite store, consistently, while a server may be writing to it (see `backup.rs`).
    Backup(BackupArgs),
    /// Work with catalog files (`--catalog`).
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Raw reports past the retention period (see `retention.rs`).
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Fold reports older than the retention period into hourly counts and delete them now (a
    /// serving leader does the same every ten minutes), then print what was done and the store's size.
    Run {
        #[command(flatten)]
        storage: StorageArgs,
        #[command(flatten)]
        retention: RetentionArgs,
    },
}

#[derive(clap::Args)]
struct BackupArgs {
    /// Where the copy goes (must not exist yet).
    file: std::path::PathBuf,
    /// The store to copy: `sqlite://PATH` (PostgreSQL: use `pg_dump -Fc`).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/downtally.db"
    )]
    database_url: String,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.log.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(args) => {
            let db = open_db(&args.storage.database_url).await?;
            let catalog = Catalog::load(args.catalog.catalog.as_deref())
                .context("the service catalog is invalid")?;
            db.sync_catalog(&catalog, Clock::System.now()).await?;
            println!(
                "migrations applied; {} services in the catalog",
                catalog.len()
            );
            Ok(())
        }
        Command::RebuildCounts(storage) => {
            let db = open_db(&storage.database_url).await?;
            let counts = open_counts(storage.redis_url.as_deref()).await?;
            let now = Clock::System.now();
            let buckets = rebuild::rebuild_counts(&db, &counts, now).await?;
            if counts.shared() {
                // Serving nodes may have recorded counts while it ran: their leader repairs them
                // (`rebuild.rs`), losing none.
                db.mark_counts_stale(now).await?;
            }
            println!(
                "rebuilt {buckets} counter buckets in the {} store",
                counts.kind()
            );
            Ok(())
        }
        Command::Replay(args) => downtally::replay::run(&args),
        Command::Simulate(cmd) if cmd.backfill.is_empty() => downtally::simulate::run(&cmd.sim),
        Command::Simulate(cmd) => simulate_backfill(cmd).await,
        Command::Catalog(CatalogCommand::Check { file }) => {
            let catalog = Catalog::load(Some(&file))
                .with_context(|| format!("{} is not a valid catalog", file.display()))?;
            println!("{}: {} services, valid", file.display(), catalog.len());
            Ok(())
        }
        Command::Retention(RetentionCommand::Run { storage, retention }) => {
            let db = open_db(&storage.database_url).await?;
            let before = db.store_size().await?;
            let settings = downtally::retention::RetentionSettings {
                days: retention.retention_days,
                ..Default::default()
            };
            let done = downtally::retention::run_once(&db, &settings, Clock::System.now()).await?;
            let after = db.store_size().await?;
            println!(
                "folded {} hours ({} hourly counts) up to {}; deleted {} reports; dropped {} \
                 partitions; moved {} comments out of deleted reports; forgot the keys of {} \
                 comments and {} flags; deleted {} flags of deleted comments; \
                 reports {} bytes before, {} after; hourly counts {} bytes before, {} after",
                done.hours_folded,
                done.counts_written,
                downtally::clock::rfc3339(done.folded_until),
                done.deleted,
                done.partitions_dropped.len(),
                done.comments_moved,
                done.comment_keys_forgotten,
                done.flag_keys_forgotten,
                done.orphan_flags_deleted,
                before.reports,
                after.reports,
                before.hourly,
                after.hourly
            );
            Ok(())
        }
        Command::Backup(args) => {
            let done = downtally::backup::backup(&args.database_url, &args.file).await?;
            println!(
                "backed up {} reports into {} ({} bytes; integrity check ok)",
                done.reports,
                done.path.display(),
                done.bytes
            );
            Ok(())
        }
    }
}

async fn simulate_backfill(cmd: SimulateCommand) -> anyhow::Result<()> {
    let catalog = Catalog::load(cmd.catalog.catalog.as_deref())?;
    let services: Vec<ServiceSlug> = if cmd.backfill.iter().any(|s| s == "all") {
        catalog.services().iter().map(|s| s.slug.clone()).collect()
    } else {
        cmd.backfill
            .iter()
            .map(|slug| match catalog.get(slug) {
                Some(service) => Ok(service.slug.clone()),
                None => Err(anyhow::anyhow!("unknown service {slug:?}")),
            })
            .collect::<anyhow::Result<_>>()?
    };
    let now = Clock::System.now();
    let mut spec = cmd.sim.spec()?;
    spec.start = (now - i64::from(cmd.sim.days) * 86_400).div_euclid(60) * 60;
    spec.buckets = spec
        .buckets
        .min(((now - spec.start) / spec.step_secs) as u32);
    let db = open_db(&cmd.storage.database_url).await?;
    db.sync_catalog(&catalog, now).await?;
    let counts = open_counts(cmd.storage.redis_url.as_deref()).await?;
    let total = downtally::backfill::backfill(&db, &counts, &services, &spec, now).await?;
    println!(
        "backfilled {total} reports for {} services; counters rebuilt in the {} store",
        services.len(),
        counts.kind()
    );
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let settings = Settings::from_args(&args);
    let app = if settings.demo {
        // Preparing takes half a minute on a fresh start: the socket answers meanwhile.
        let listener = std::net::TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let preparing = downtally::web::preparing::serve(listener.try_clone()?)?;
        let stop_preparing = preparing.handle();
        let preparing = tokio::spawn(preparing);
        tracing::info!(address = %settings.bind, "demo: answering \"preparing\" while the demo is prepared");
        let demo = downtally::demo::prepare(&settings.database_url, &settings.clock).await?;
        let app = Application::build_on(settings, Some(listener)).await?;
        stop_preparing.stop(true).await;
        let _ = preparing.await;
        let state = app.state();
        tokio::spawn(demo.run_live(downtally::demo::Live {
            intake: state.intake.clone(),
            catalog: state.catalog.clone(),
            clock: state.clock.clone(),
            db: state.db.clone(),
            counts: state.counts.clone(),
        }));
        app
    } else {
        Application::build(settings).await?
    };
    let state = app.state().clone();
    // Registered before the server answers, so an early SIGHUP reloads rather than ends the process.
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            if let Err(e) = downtally::startup::reload_catalog(&state).await {
                tracing::error!("catalog reload failed: {e:#}");
            }
        }
    });
    let handle = app.handle();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests and writes");
        handle.stop(true).await;
    });
    app.run_until_stopped().await
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
    let mut int = signal(SignalKind::interrupt()).expect("SIGINT handler");
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
}
