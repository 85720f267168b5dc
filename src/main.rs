use anyhow::Context;
use clap::{Parser, Subcommand};
use downtally::clock::Clock;
use downtally::config::{LogArgs, ServeArgs, StorageArgs};
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

#[derive(Subcommand)]
enum Command {
    /// Run the web service.
    Serve(ServeArgs),
    /// Apply database migrations and sync the catalog, then exit.
    Migrate(StorageArgs),
    /// Recreate every counter from the reports stored in SQL.
    RebuildCounts(StorageArgs),
    /// Run the outage detector over a `timestamp,value` CSV, strictly online, and write its verdicts.
    Replay(downtally::replay::ReplayArgs),
    /// Generate realistic, seeded report traffic.
    Simulate(downtally::simulate::SimulateArgs),
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
        Command::Migrate(storage) => {
            let db = open_db(&storage.database_url).await?;
            let catalog = Catalog::embedded().context("the service catalog is invalid")?;
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
            let buckets = rebuild::rebuild_counts(&db, &counts, Clock::System.now()).await?;
            println!(
                "rebuilt {buckets} counter buckets in the {} store",
                counts.kind()
            );
            Ok(())
        }
        Command::Replay(args) => downtally::replay::run(&args),
        Command::Simulate(args) => downtally::simulate::run(&args),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let app = Application::build(Settings {
        bind: args.bind,
        database_url: args.storage.database_url,
        redis_url: args.storage.redis_url,
        trust_forwarded_for: args.trust_forwarded_for,
        workers: args.workers,
        clock: Clock::System,
    })
    .await?;
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
