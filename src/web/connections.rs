//! Open connections: how many one network may hold, and how many the process can.
//!
//! A client that opens connections and sends nothing (or a body one byte at a time) costs the server
//! a file descriptor and some memory each. Headers are cut after 5 seconds by actix and bodies after
//! `--body-timeout-secs` by `web/guard.rs`, but within that time one client could still open
//! thousands. So each network (IPv4 /24, IPv6 /48: `privacy::weight_prefix`, the unit every other
//! bound uses) may hold at most `--max-connections-per-network` open at once; a connection over it
//! is closed at once, before a byte is read. Trusted proxies are exempt (their connections carry
//! many networks' requests). At start the process raises its soft limit on open files to the hard
//! one, and each HTTP worker accepts at most its share of that limit.

use crate::forwarded::TrustedProxies;
use crate::privacy::weight_prefix;
use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;
use parking_lot::Mutex;
use std::any::Any;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Default of `--max-connections-per-network`: far more than a household or a small office keeps
/// open (a browser opens 6 per host), enough for a carrier's NAT mid-outage.
pub const PER_NETWORK: usize = 256;

/// Files kept free of connections: the SQL pool, Redis, the SQLite files, logs, the listener.
const RESERVED_FILES: u64 = 256;

/// What actix accepts per worker when nothing says otherwise.
const ACTIX_MAX_CONNECTIONS: usize = 25_000;

/// The connections each network holds open, shared by every worker.
#[derive(Clone)]
pub struct ConnectionCaps {
    inner: Arc<Inner>,
}

struct Inner {
    per_network: usize,
    proxies: TrustedProxies,
    open: Mutex<HashMap<Vec<u8>, usize>>,
    refused: AtomicU64,
}

/// One counted connection; its network's count goes down when it is dropped (with the connection).
pub struct Slot {
    inner: Arc<Inner>,
    network: Vec<u8>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.inner.open.lock();
        if let Some(n) = open.get_mut(&self.network) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.network);
            }
        }
    }
}

/// Over its network's share.
#[derive(Debug, PartialEq, Eq)]
pub struct Refused;

impl ConnectionCaps {
    pub fn new(per_network: usize, proxies: TrustedProxies) -> Self {
        Self {
            inner: Arc::new(Inner {
                per_network,
                proxies,
                open: Mutex::new(HashMap::new()),
                refused: AtomicU64::new(0),
            }),
        }
    }

    /// Counts a connection from `peer` against its network: `Ok(None)` for a trusted proxy (not
    /// counted), `Ok(Some(slot))` while the network is within its share, else `Refused`.
    pub fn admit(&self, peer: IpAddr) -> Result<Option<Slot>, Refused> {
        if self.inner.proxies.contains(peer) {
            return Ok(None);
        }
        let network = weight_prefix(peer);
        let mut open = self.inner.open.lock();
        let n = open.entry(network.clone()).or_insert(0);
        if *n >= self.inner.per_network {
            drop(open);
            self.inner.refused.fetch_add(1, Ordering::Relaxed);
            return Err(Refused);
        }
        *n += 1;
        Ok(Some(Slot {
            inner: self.inner.clone(),
            network,
        }))
    }

    /// For `HttpServer::on_connect`: the connection's slot goes into its data (and is dropped with
    /// it); a connection over its network's share is shut down before anything is read from it.
    pub fn on_connect(&self, conn: &dyn Any, data: &mut Extensions) {
        let Some(tcp) = conn.downcast_ref::<TcpStream>() else {
            return;
        };
        let Ok(peer) = tcp.peer_addr() else {
            return;
        };
        match self.admit(peer.ip()) {
            Ok(Some(slot)) => {
                data.insert(slot);
            }
            Ok(None) => {}
            Err(Refused) => {
                tracing::debug!(peer = %peer.ip(), "connection refused: its network holds its share");
                let socket = socket2::SockRef::from(tcp);
                // Reset rather than linger: nothing of ours is in flight.
                let _ = socket.set_linger(Some(std::time::Duration::ZERO));
                let _ = socket.shutdown(std::net::Shutdown::Both);
            }
        }
    }

    /// Connections refused since start.
    pub fn refused(&self) -> u64 {
        self.inner.refused.load(Ordering::Relaxed)
    }

    /// Connections open from `ip`'s network.
    pub fn open_from(&self, ip: IpAddr) -> usize {
        let open = self.inner.open.lock();
        open.get(&weight_prefix(ip)).copied().unwrap_or(0)
    }
}

/// Raises this process's soft limit on open files to its hard limit, and returns the limit then in
/// force (`None` where it cannot be read).
pub fn raise_file_limit() -> Option<u64> {
    let (soft, hard) = rlimit::Resource::NOFILE.get().ok()?;
    if soft < hard && rlimit::Resource::NOFILE.set(hard, hard).is_ok() {
        return Some(hard);
    }
    Some(soft)
}

/// Connections each of `workers` may accept so that all of them together stay within `files` open
/// files, with some kept for everything else; at most actix's own default, at least 64.
pub fn max_connections_per_worker(files: Option<u64>, workers: usize) -> usize {
    let Some(files) = files else {
        return ACTIX_MAX_CONNECTIONS;
    };
    let share = files.saturating_sub(RESERVED_FILES) / workers.max(1) as u64;
    usize::try_from(share)
        .unwrap_or(usize::MAX)
        .clamp(64, ACTIX_MAX_CONNECTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_network_holds_its_share_and_no_more() {
        let caps = ConnectionCaps::new(3, "10.0.0.1/32".parse().unwrap());
        let held: Vec<Slot> = (1..=3)
            .map(|i| caps.admit(ip(&format!("192.0.2.{i}"))).unwrap().unwrap())
            .collect();
        assert_eq!(caps.admit(ip("192.0.2.200")).err(), Some(Refused));
        assert_eq!(caps.open_from(ip("192.0.2.9")), 3);
        // Another /24, an IPv6 /48 and the trusted proxy are not held back.
        assert!(caps.admit(ip("192.0.3.1")).unwrap().is_some());
        let v6: Vec<Slot> = (1..=3)
            .map(|i| {
                caps.admit(ip(&format!("2001:db8:1:{i}::1")))
                    .unwrap()
                    .unwrap()
            })
            .collect();
        assert!(caps.admit(ip("2001:db8:1:ffff::1")).is_err());
        assert!(caps.admit(ip("2001:db8:2::1")).unwrap().is_some());
        for _ in 0..10 {
            assert!(caps.admit(ip("10.0.0.1")).unwrap().is_none());
        }
        assert_eq!(caps.refused(), 2);
        // A closed connection frees its place; the last one forgets the network.
        drop(held);
        assert_eq!(caps.open_from(ip("192.0.2.9")), 0);
        assert!(caps.admit(ip("192.0.2.1")).unwrap().is_some());
        drop(v6);
        assert!(caps.inner.open.lock().is_empty());
    }

    #[test]
    fn workers_share_the_file_limit() {
        assert_eq!(max_connections_per_worker(Some(20_000), 2), 9_872);
        assert_eq!(max_connections_per_worker(Some(1_024), 4), 192);
        assert_eq!(max_connections_per_worker(Some(100), 2), 64);
        assert_eq!(max_connections_per_worker(Some(u64::MAX), 1), 25_000);
        assert_eq!(max_connections_per_worker(None, 2), 25_000);
    }

    #[test]
    fn the_file_limit_is_raised_to_the_hard_one() {
        let files = raise_file_limit().unwrap();
        let (soft, hard) = rlimit::Resource::NOFILE.get().unwrap();
        assert_eq!(files, soft);
        assert_eq!(soft, hard);
    }
}
