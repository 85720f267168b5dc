//! TLS to managed databases (issue 14 §2): a PostgreSQL (`ssl=on`) and a Redis (`--tls-port`) of this
//! test's own, with a certificate from a CA made here (openssl), on loopback. `downtally serve`
//! connects to both with verification (`sslmode=verify-full&sslrootcert=…`,
//! `rediss://…?sslrootcert=…`) and takes a report; against another CA, or the system's roots,
//! verification fails.

use crate::helpers::*;
use downtally::counts::{CountStore, RedisCounts};
use downtally::store::Db;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `openssl`, or `None` (after saying so, see [`require_env`]) when it is not installed.
fn openssl() -> Option<()> {
    if Command::new("openssl").arg("version").output().is_ok() {
        Some(())
    } else {
        require_env("OPENSSL (the openssl command)").map(drop)
    }
}

/// A CA (`<name>-ca.pem`) and, when `server`, a certificate it signs for 127.0.0.1 and localhost
/// (`<name>.pem`, `<name>.key`).
fn make_ca(dir: &Path, name: &str, server: bool) -> PathBuf {
    let ca = dir.join(format!("{name}-ca.pem"));
    let ca_key = dir.join(format!("{name}-ca.key"));
    run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args([
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=downtally test CA {name}"),
        ])
        .args(["-addext", "basicConstraints=critical,CA:TRUE"])
        .args(["-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        .arg("-keyout")
        .arg(&ca_key)
        .arg("-out")
        .arg(&ca));
    if server {
        let key = dir.join(format!("{name}.key"));
        let csr = dir.join(format!("{name}.csr"));
        let ext = dir.join(format!("{name}.ext"));
        std::fs::write(
            &ext,
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .unwrap();
        run(Command::new("openssl")
            .args([
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-nodes", "-subj", "/CN=localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&csr));
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-in"])
            .arg(&csr)
            .arg("-CA")
            .arg(&ca)
            .arg("-CAkey")
            .arg(&ca_key)
            .arg("-CAcreateserial")
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(dir.join(format!("{name}.pem"))));
    }
    ca
}

fn as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Runs a command as the user that owns the PostgreSQL cluster (`postgres` when root: PostgreSQL
/// refuses to run as root), as scripts/lib/services.sh does.
fn as_pg(program: &Path) -> Command {
    if as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// The bin directory of the newest installed PostgreSQL.
fn pg_bindir() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|d| d.join("initdb").is_file())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
    });
    dirs.pop()
}

/// A PostgreSQL of this test's own with `ssl=on` and the given certificate, trusting every local
/// user as `postgres`.
struct TlsPostgres {
    bindir: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: TempDir,
}

impl TlsPostgres {
    fn start(certs: &Path, name: &str) -> Option<Self> {
        let Some(bindir) = pg_bindir() else {
            require_env("PostgreSQL's server binaries (Debian package postgresql)")?;
            unreachable!()
        };
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        for (from, to) in [
            (format!("{name}.pem"), "server.pem"),
            (format!("{name}.key"), "server.key"),
        ] {
            std::fs::copy(certs.join(from), data.join(to)).unwrap();
        }
        run(Command::new("chmod").arg("0755").arg(dir.path()));
        run(Command::new("chmod").arg("0700").arg(&data));
        run(Command::new("chmod")
            .arg("0600")
            .arg(data.join("server.key")));
        if as_root() {
            run(Command::new("chown")
                .arg("-R")
                .arg("postgres:")
                .arg(dir.path()));
        }
        let initdb = data.join("initdb");
        run(as_pg(&bindir.join("initdb")).arg("-D").arg(&initdb).args([
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]));
        // initdb wants an empty directory: the cluster lives in data/initdb, the keys beside it.
        let mut pg = TlsPostgres {
            bindir,
            data: initdb,
            port: 0,
            _dir: dir,
        };
        for _ in 0..3 {
            pg.port = free_port();
            let ok = as_pg(&pg.bindir.join("pg_ctl"))
                .arg("-D")
                .arg(&pg.data)
                .arg("-l")
                .arg(pg.data.join("postgres.log"))
                .args(["-w", "-t", "60", "-o"])
                .arg(format!(
                    "-k {} -p {} -c listen_addresses=127.0.0.1 -c ssl=on \
                     -c ssl_cert_file=../server.pem -c ssl_key_file=../server.key",
                    pg.data.display(),
                    pg.port
                ))
                .arg("start")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success();
            if ok {
                return Some(pg);
            }
        }
        let log = std::fs::read_to_string(pg.data.join("postgres.log")).unwrap_or_default();
        panic!("PostgreSQL with ssl=on did not start: {log}");
    }

    fn url(&self, query: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?{query}",
            self.port
        )
    }
}

impl Drop for TlsPostgres {
    fn drop(&mut self) {
        let _ = as_pg(&self.bindir.join("pg_ctl"))
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "-t", "30", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A redis-server of this test's own that speaks TLS only, with the given certificate.
struct TlsRedis {
    port: u16,
    child: Child,
    _dir: TempDir,
}

impl TlsRedis {
    fn start(certs: &Path, name: &str) -> Option<Self> {
        let bin = redis_server_bin()?;
        for _ in 0..3 {
            let dir = tempfile::tempdir().unwrap();
            let port = free_port();
            let mut child = Command::new(&bin)
                .args([
                    "--port",
                    "0",
                    "--tls-port",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                ])
                .args([
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--tls-auth-clients",
                    "no",
                ])
                .arg("--tls-cert-file")
                .arg(certs.join(format!("{name}.pem")))
                .arg("--tls-key-file")
                .arg(certs.join(format!("{name}.key")))
                .arg("--dir")
                .arg(dir.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start redis-server");
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = child.try_wait() {
                    let mut err = String::new();
                    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).ok();
                    assert!(
                        !err.contains("TLS") || err.contains("Address already in use"),
                        "redis-server has no TLS here: {err}"
                    );
                    break;
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Some(TlsRedis {
                        port,
                        child,
                        _dir: dir,
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("redis-server with --tls-port did not start");
    }

    fn url(&self, ca: &Path) -> String {
        format!(
            "rediss://127.0.0.1:{}/?sslrootcert={}",
            self.port,
            ca.display()
        )
    }
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_verifies_postgres_and_redis_over_tls() {
    let Some(()) = openssl() else {
        return;
    };
    let certs = tempfile::tempdir().unwrap();
    let ca = make_ca(certs.path(), "server", true);
    let wrong_ca = make_ca(certs.path(), "other", false);
    let Some(redis) = TlsRedis::start(certs.path(), "server") else {
        return;
    };
    let Some(pg) = TlsPostgres::start(certs.path(), "server") else {
        return;
    };
    let ca_arg = ca.display().to_string();
    let db_url = pg.url(&format!("sslmode=verify-full&sslrootcert={ca_arg}"));
    let redis_url = redis.url(&ca);

    let mut app = spawn_binary(&[], &[("DATABASE_URL", &db_url), ("REDIS_URL", &redis_url)]).await;
    let res = client()
        .post(format!("{}/api/v1/services/unicredit/reports", app.address))
        .header("User-Agent", "tls-reporter")
        .json(&json!({"problem": "login"}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["counted"], json!(true), "{body}");
    app.sigterm();
    app.wait_exit(Duration::from_secs(20)).await;
    assert_eq!(
        stored_reports(&db_url).await.len(),
        1,
        "stored over TLS, and read back over TLS"
    );
    let store = RedisCounts::connect(&redis_url).await.expect("rediss://");
    let minute = downtally::counts::Resolution::Minute;
    let now = chrono::Utc::now().timestamp();
    let counted = store
        .series(
            &slug("unicredit"),
            &downtally::counts::Dim::All,
            minute,
            minute.window_ending_at(now, 600),
        )
        .await
        .unwrap();
    assert_eq!(counted.iter().sum::<u64>(), 1, "counted in the TLS Redis");

    // Another CA, or none but the system's: verification fails, for both.
    let wrong = wrong_ca.display().to_string();
    for query in [
        format!("sslmode=verify-full&sslrootcert={wrong}"),
        format!("sslmode=verify-ca&sslrootcert={wrong}"),
        "sslmode=verify-full".to_owned(),
    ] {
        let err = Db::connect(&pg.url(&query))
            .await
            .err()
            .unwrap_or_else(|| panic!("{query}: connected without a trusted certificate"));
        let text = format!("{err:?}");
        assert!(
            text.contains("ertificate") || text.contains("UnknownIssuer"),
            "{query}: {text}"
        );
    }
    for url in [
        redis.url(&wrong_ca),
        format!("rediss://127.0.0.1:{}/", redis.port),
    ] {
        let err = RedisCounts::connect(&url)
            .await
            .err()
            .unwrap_or_else(|| panic!("{url}: connected without a trusted certificate"));
        let text = format!("{err:?}");
        assert!(
            text.contains("ertificate") || text.contains("UnknownIssuer"),
            "{url}: {text}"
        );
    }
    // And TLS is what was spoken: a plain redis:// to the TLS port gets no answer.
    let plain = format!("redis://127.0.0.1:{}/", redis.port);
    assert!(RedisCounts::connect(&plain).await.is_err());
}
