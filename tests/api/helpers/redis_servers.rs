//! Private Redis servers a test may kill, pause, restart or flush, and a Redis one test may flush
//! ([`AnyRedis`]): private, or a database of its own on the shared REDIS_URL.

use super::{free_port, require_env};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

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
