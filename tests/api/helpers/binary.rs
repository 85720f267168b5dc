//! The real binary: `downtally serve` on a free port (healthy, SIGTERM, exit), and one-shot
//! commands, with no inherited `DOWNTALLY_*` variable.

use super::{client, free_port};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

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
