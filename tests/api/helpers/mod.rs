//! Shared helpers for the black-box tests: a server on a random port (in process or the real binary),
//! fresh SQLite and PostgreSQL databases, private Redis servers, and readers for what the stores hold.
//!
//! Tests that need an outside server ask for it with [`require_env`]: without `CI` they print
//! "skipping: …" and return; with `CI` set they fail, so a CI run never skips silently.
//!
//! One file per kind of thing a test starts: `databases` (SQLite files, fresh PostgreSQL databases,
//! the stored reports), `apps` (the server in process), `binary` (the real binary) and
//! `redis_servers` (private Redis servers). This file holds the catalog's services, `require_env`,
//! clients and loopback networks, and apps shared by a module's tests; it re-exports the rest, so a
//! test needs only `use crate::helpers::*;`.

mod apps;
mod binary;
mod databases;
mod redis_servers;

pub use apps::*;
pub use binary::*;
pub use databases::*;
pub use redis_servers::*;

use std::net::TcpListener;
use std::time::Duration;

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
