//! The server in process: an app on a random port with its options (database, Redis, clock), and
//! what tests do with it (GET, reports, series, stop).

use super::{SqliteFile, client, client_from, fresh_postgres, network_of, require_env};
use actix_web::dev::ServerHandle;
use downtally::clock::Clock;
use downtally::startup::{Application, Settings};
use downtally::web::AppState;
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Clone)]
pub enum Database {
    /// A fresh SQLite file in a temporary folder.
    FreshSqlite,
    /// This SQLite file (e.g. to start again on the database of a stopped app).
    Sqlite(SqliteFile),
    /// A fresh database on the PostgreSQL server of this admin URL.
    FreshPostgres(String),
    /// Any existing database URL.
    Url(String),
}

#[derive(Clone)]
pub struct AppOptions {
    pub database: Database,
    pub redis_url: Option<String>,
    pub trusted_proxies: downtally::forwarded::TrustedProxies,
    pub clock: Clock,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            database: Database::FreshSqlite,
            redis_url: None,
            trusted_proxies: Default::default(),
            clock: Clock::System,
        }
    }
}

impl AppOptions {
    pub fn sqlite() -> Self {
        Self::default()
    }

    pub fn manual_clock(mut self, t: i64) -> Self {
        self.clock = Clock::manual(t);
        self
    }
}

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub port: u16,
    pub db_url: String,
    /// The SQLite file, when the app runs on one; kept alive as long as the app.
    #[allow(dead_code, reason = "held, not read")]
    pub sqlite: Option<SqliteFile>,
    pub handle: ServerHandle,
    pub state: AppState,
    pub clock: Clock,
    pub client: reqwest::Client,
    task: JoinHandle<anyhow::Result<()>>,
}

/// Builds the application on 127.0.0.1:0 with one HTTP worker and serves it in a tokio task.
pub async fn spawn_app(opts: AppOptions) -> TestApp {
    spawn_app_with(opts, |_| {}).await
}

/// [`spawn_app`] on a fresh PostgreSQL database of TEST_DATABASE_URL, or `None` (after saying so,
/// see [`require_env`]) when there is none.
pub async fn spawn_on_postgres(opts: AppOptions) -> Option<TestApp> {
    let admin = require_env("TEST_DATABASE_URL")?;
    Some(
        spawn_app(AppOptions {
            database: Database::FreshPostgres(admin),
            ..opts
        })
        .await,
    )
}

/// [`spawn_app`], with `adjust` changing the settings last (admin tokens, admission rules, …).
pub async fn spawn_app_with(opts: AppOptions, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let (db_url, sqlite) = match opts.database {
        Database::FreshSqlite => {
            let f = SqliteFile::new();
            (f.url.clone(), Some(f))
        }
        Database::Sqlite(f) => (f.url.clone(), Some(f)),
        Database::FreshPostgres(admin) => (fresh_postgres(&admin).await, None),
        Database::Url(url) => (url, None),
    };
    let mut settings = Settings::new("127.0.0.1:0", &db_url, opts.redis_url.as_deref());
    settings.trusted_proxies = opts.trusted_proxies.clone();
    settings.workers = Some(1);
    settings.clock = opts.clock.clone();
    // Tests read pages right after reporting; production tolerates a few seconds of lag.
    settings.page_fresh = Duration::ZERO;
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let port = app.port();
    let handle = app.handle();
    let state = app.state().clone();
    let task = tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db_url,
        sqlite,
        handle,
        state,
        clock: opts.clock,
        client: client(),
        task,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET answers")
    }

    /// POSTs a JSON report with this User-Agent, from a network of its own: tests play one person
    /// per User-Agent, and people report from many networks (see [`network_of`]).
    pub async fn post_report(
        &self,
        slug: &str,
        body: &serde_json::Value,
        user_agent: &str,
    ) -> reqwest::Response {
        client_from(network_of(user_agent))
            .post(self.url(&format!("/api/v1/services/{slug}/reports")))
            .header("User-Agent", user_agent)
            .json(body)
            .send()
            .await
            .expect("POST answers")
    }

    /// POSTs a report that must be accepted, and returns the JSON answer.
    pub async fn report_ok(
        &self,
        slug: &str,
        body: &serde_json::Value,
        user_agent: &str,
    ) -> serde_json::Value {
        let res = self.post_report(slug, body, user_agent).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 201, "report not accepted: {text}");
        serde_json::from_str(&text).expect("JSON answer")
    }

    /// GETs the series endpoint and returns the counts, oldest first (asserting 200).
    pub async fn series_counts(&self, slug: &str, query: &str) -> Vec<u64> {
        let v = self.series(slug, query).await;
        v["points"]
            .as_array()
            .expect("points")
            .iter()
            .map(|p| p["count"].as_u64().expect("count"))
            .collect()
    }

    pub async fn series(&self, slug: &str, query: &str) -> serde_json::Value {
        let res = self
            .get(&format!("/api/v1/services/{slug}/series?{query}"))
            .await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 200, "series failed: {text}");
        serde_json::from_str(&text).expect("JSON series")
    }

    /// Stops accepting, lets in-flight requests finish and drains the intake into SQL.
    pub async fn stop(self) {
        self.handle.stop(true).await;
        drop(self.state);
        self.task
            .await
            .expect("server task")
            .expect("server stopped cleanly");
    }
}

/// The id (`c12`, `r7`) of the comment listed on a service page with exactly this (escaped) body.
pub fn comment_id_of(html: &str, body: &str) -> String {
    let at = html
        .find(&format!("<p class=\"comment-body\">{body}</p>"))
        .unwrap_or_else(|| panic!("{body:?} is not listed"));
    let start = html[..at]
        .rfind("<li id=\"comment-")
        .expect("the comment's item")
        + "<li id=\"comment-".len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}
