//! Shared helpers for the black-box tests: a server on a random port (in process or the real binary),
//! fresh SQLite and PostgreSQL databases, private Redis servers, and readers for what the stores hold.
//!
//! Tests that need an outside server ask for it with [`require_env`]: without `CI` they print
//! "skipping: …" and return; with `CI` set they fail, so a CI run never skips silently.

use actix_web::dev::ServerHandle;
use downtally::clock::Clock;
use downtally::startup::{Application, Settings};
use downtally::store::Db;
use downtally::web::AppState;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// The four services the catalog must always hold.
pub const INTESA: &str = "intesa-sanpaolo";
pub const AMEX: &str = "american-express";
pub const MONZO: &str = "monzo";
pub const BARCLAYS: &str = "barclays";

/// A fixed, minute-aligned instant (2024-09-26T10:00:00Z, the AmEx Italy SMS outage day) for manual clocks.
pub const T0: i64 = 1_727_344_800;

/// A catalog slug as the domain type.
pub fn slug(s: &str) -> downtally::domain::ServiceSlug {
    downtally::domain::ServiceSlug::parse(s).expect("a valid slug")
}

/// True when `CI` is set to anything but "", "0" or "false".
pub fn ci() -> bool {
    match std::env::var("CI") {
        Ok(v) => !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false")),
        Err(_) => false,
    }
}

/// The value of an environment variable a test depends on. When it is missing: under CI, panic;
/// otherwise say that the test is skipped and return `None` (the caller returns early).
pub fn require_env(name: &str) -> Option<String> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Some(v),
        _ => {
            if ci() {
                panic!(
                    "{name} is not set, and CI is set: this test needs it and must not skip \
                     (scripts/test provisions it)"
                );
            }
            eprintln!("skipping: {name} not set (scripts/test provisions it)");
            None
        }
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    l.local_addr().unwrap().port()
}

pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A loopback address in a /24 of its own for `name` (127.A.B.1, never 127.0.0.x): on Linux the whole
/// of 127.0.0.0/8 is local, so a test can play many networks from one machine.
pub fn network_of(name: &str) -> std::net::IpAddr {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut h);
    let h = h.finish();
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        1 + (h % 254) as u8,
        (h >> 8) as u8,
        1,
    ))
}

/// The `n`th of many distinct /24 networks on loopback (127.A.B.1 with A from 1).
pub fn nth_network(n: u32) -> std::net::IpAddr {
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        1 + (n / 256 % 254) as u8,
        (n % 256) as u8,
        1,
    ))
}

/// [`client`], sending from `source`.
pub fn client_from(source: std::net::IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .local_address(source)
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

/// An HTTP client that does not follow redirects and ignores proxy variables.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("reqwest client")
}

// ---------------------------------------------------------------------------------------------------
// Databases

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
fn replace_db_name(url: &str, name: &str) -> String {
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

// ---------------------------------------------------------------------------------------------------
// The server in process

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

// ---------------------------------------------------------------------------------------------------
// The real binary

pub struct BinaryApp {
    pub child: Child,
    #[allow(dead_code, reason = "no test needs it yet; `address` holds it too")]
    pub port: u16,
    pub address: String,
    pub log: PathBuf,
    _logdir: TempDir,
}

/// The real binary with only the given variables from the downtally family set: DATABASE_URL,
/// REDIS_URL and every variable whose name starts with `DOWNTALLY_` are not inherited. Logs at WARN.
pub fn downtally_command(env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_downtally"));
    for (name, _) in std::env::vars_os() {
        if name == "DATABASE_URL"
            || name == "REDIS_URL"
            || name.as_encoded_bytes().starts_with(b"DOWNTALLY_")
        {
            cmd.env_remove(name);
        }
    }
    cmd.envs(env.iter().copied())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    cmd
}

/// Runs `downtally serve --bind 127.0.0.1:PORT ARGS…` with only the given variables from the
/// downtally family set (see [`downtally_command`]), and waits until /healthz answers.
pub async fn spawn_binary(args: &[&str], env: &[(&str, &str)]) -> BinaryApp {
    let mut last_error = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        let logdir = tempfile::tempdir().unwrap();
        let log = logdir.path().join("server.log");
        let logfile = std::fs::File::create(&log).unwrap();
        let bind = format!("127.0.0.1:{port}");
        let child = downtally_command(env)
            .arg("serve")
            .args(["--bind", &bind])
            .args(args)
            .stdout(logfile.try_clone().unwrap())
            .stderr(logfile)
            .spawn()
            .expect("start the downtally binary");
        let mut app = BinaryApp {
            child,
            port,
            address: format!("http://{bind}"),
            log,
            _logdir: logdir,
        };
        match app.wait_healthy(Duration::from_secs(30)).await {
            Ok(()) => return app,
            Err(e) => {
                last_error = format!("{e}; log:\n{}", app.log_text());
                let _ = app.child.kill();
                let _ = app.child.wait();
            }
        }
    }
    panic!("the downtally binary did not become healthy: {last_error}");
}

impl BinaryApp {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_healthy(&mut self, limit: Duration) -> Result<(), String> {
        let client = client();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("exited early with {status}"));
            }
            if let Ok(res) = client
                .get(format!("{}/healthz", self.address))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                && res.status() == 200
            {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err("no answer from /healthz".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM (through kill(1): no signal crate among the dependencies).
    pub fn sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit (at most `limit`), killing it if it does not.
    pub async fn wait_exit(&mut self, limit: Duration) -> ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "the server did not exit within {limit:?} of SIGTERM; log:\n{}",
                    self.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for BinaryApp {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `downtally ARGS…` to completion with only the given variables from the downtally family set
/// (see [`downtally_command`]), returning (exit status, stdout, stderr).
pub fn run_binary(args: &[&str], env: &[(&str, &str)]) -> (ExitStatus, String, String) {
    let out = downtally_command(env)
        .args(args)
        .output()
        .expect("run the downtally binary");
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// ---------------------------------------------------------------------------------------------------
// Private Redis servers

/// A `redis-server` of this test's own, without persistence, that the test may stop and restart on
/// the same port (or flush) without disturbing tests that share REDIS_URL.
pub struct RedisServer {
    pub port: u16,
    pub url: String,
    bin: String,
    dir: TempDir,
    child: Option<Child>,
}

/// The redis-server binary: REDIS_SERVER_BIN, else `redis-server` on PATH. Missing: see [`require_env`].
pub fn redis_server_bin() -> Option<String> {
    if let Ok(bin) = std::env::var("REDIS_SERVER_BIN")
        && !bin.trim().is_empty()
    {
        return Some(bin);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("redis-server"))
            .find(|p| p.is_file())
    });
    match on_path {
        Some(p) => Some(p.display().to_string()),
        None => require_env("REDIS_SERVER_BIN"),
    }
}

impl RedisServer {
    /// Starts a private Redis on a free port, or returns `None` (after saying so) when there is no
    /// redis-server and CI is not set.
    pub async fn start() -> Option<Self> {
        let bin = redis_server_bin()?;
        for _ in 0..5 {
            let port = free_port();
            let mut server = RedisServer {
                port,
                url: format!("redis://127.0.0.1:{port}/"),
                bin: bin.clone(),
                dir: tempfile::tempdir().unwrap(),
                child: None,
            };
            if server.launch().await {
                return Some(server);
            }
        }
        panic!("could not start a private redis-server ({bin})");
    }

    async fn launch(&mut self) -> bool {
        let child = Command::new(&self.bin)
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                &self.dir.path().display().to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Some(Ok(Some(_))) = self.child.as_mut().map(|c| c.try_wait()) {
                self.child = None;
                return false;
            }
            if redis_ping(self.port) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.kill();
        false
    }

    /// Kills the server at once (SIGKILL): an outage, not a shutdown.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            // A paused process dies of SIGKILL too.
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open but nothing answers, as with a hung host.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server go on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, sig: &str) {
        let child = self.child.as_ref().expect("the redis-server is running");
        let ok = Command::new("kill")
            .args([sig, &child.id().to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill {sig} failed");
    }

    /// Starts the server again on the same port, empty (no persistence).
    pub async fn restart(&mut self) {
        self.kill();
        let started = Instant::now();
        while !self.launch().await {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "redis-server would not start again on port {}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// True when a Redis answers PING on this port.
pub fn redis_ping(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    if s.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if buf[..n].starts_with(b"+PONG"))
}

/// A Redis that one test may flush: a private server when REDIS_SERVER_BIN is set, else a logical
/// database of the shared REDIS_URL that no other test of this process uses. Under CI one must exist.
pub enum AnyRedis {
    Private(RedisServer),
    Shared(String),
}

impl AnyRedis {
    pub async fn get() -> Option<Self> {
        let have_bin = std::env::var("REDIS_SERVER_BIN").is_ok_and(|b| !b.trim().is_empty());
        if have_bin {
            return RedisServer::start().await.map(AnyRedis::Private);
        }
        let url = require_env("REDIS_URL")?;
        static NEXT_DB: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        assert!(
            n < 15,
            "more than 15 tests in one binary want their own Redis database; set REDIS_SERVER_BIN"
        );
        Some(AnyRedis::Shared(redis_url_with_db(&url, n + 1)))
    }

    pub fn url(&self) -> &str {
        match self {
            AnyRedis::Private(s) => &s.url,
            AnyRedis::Shared(u) => u,
        }
    }
}

/// `redis://h:p/` or `redis://h:p/0` → `redis://h:p/N`.
pub fn redis_url_with_db(url: &str, db: u32) -> String {
    let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    };
    format!("{base}/{db}")
}

/// A server that outlives the test that started it.
pub type Background = tokio::task::JoinHandle<anyhow::Result<()>>;

/// Runs `start` on a thread with a runtime of its own, which outlives any one test's runtime (for
/// apps shared by the tests of a file), and returns what it hands back once the app is up; the
/// server it returns keeps serving until the test process ends.
pub fn start_on_own_thread<T, F, Fut>(start: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = (T, Background)>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (ready, server) = start().await;
            tx.send(ready).unwrap();
            server.await.unwrap().unwrap();
        });
    });
    rx.recv_timeout(Duration::from_secs(300))
        .expect("the app did not start in 300 s")
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            super::replace_db_name("postgres://postgres@127.0.0.1:5/postgres", "x"),
            "postgres://postgres@127.0.0.1:5/x"
        );
        assert_eq!(
            super::replace_db_name("postgres://u:p@h:5/postgres?sslmode=disable", "y"),
            "postgres://u:p@h:5/y?sslmode=disable"
        );
        assert_eq!(
            super::replace_db_name("postgres://u@h:5", "z"),
            "postgres://u@h:5/z"
        );
        assert_eq!(
            super::redis_url_with_db("redis://127.0.0.1:6379/", 3),
            "redis://127.0.0.1:6379/3"
        );
        assert_eq!(
            super::redis_url_with_db("redis://127.0.0.1:6379", 4),
            "redis://127.0.0.1:6379/4"
        );
    }
}
