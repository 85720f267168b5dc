//! Slow clients (issue 9 §5): a client that opens many connections and sends a body one byte at a
//! time holds no more than its network's share of connections, each for no longer than the body
//! deadline, and everyone else is served as fast as before.
//!
//! `SLOW_CLIENTS=N` sets how many slow connections the first test opens (default 1,000; the suite's
//! form). `scripts/attack` runs it with 20,000.

use crate::helpers::*;
use downtally::startup::{Application, Settings};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The deadline the second test gives bodies (the default is 10 s).
const BODY_TIMEOUT: Duration = Duration::from_secs(4);

async fn start(body_timeout: Duration) -> (SocketAddr, downtally::web::AppState, SqliteFile) {
    let db = SqliteFile::new();
    let mut settings = Settings::new("127.0.0.1:0", &db.url, None);
    settings.workers = Some(2);
    settings.body_timeout = body_timeout;
    let app = Application::build(settings).await.unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], app.port()));
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    (addr, state, db)
}

/// A connection from `source` that sends the head of a POST with a 100-byte body, and one byte of it.
async fn slow_body(server: SocketAddr, source: IpAddr, path: &str) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    let mut stream = socket.connect(server).await?;
    let (ctype, first) = if path.starts_with("/api/") {
        ("application/json", "{")
    } else {
        ("application/x-www-form-urlencoded", "p")
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {server}\r\nContent-Type: {ctype}\r\nContent-Length: 100\r\n\r\n{first}"
    );
    // A connection the server already closed may refuse the write: that is an answer too.
    let _ = stream.write_all(head.as_bytes()).await;
    Ok(stream)
}

/// What became of a slow connection so far.
#[derive(Debug, PartialEq)]
enum Fate {
    /// Still open, nothing answered.
    Held,
    /// Closed (or reset) without an answer.
    Closed,
    /// Answered with this status line.
    Answered(String),
}

fn fate_now(stream: &TcpStream) -> Fate {
    let mut buf = [0u8; 512];
    match stream.try_read(&mut buf) {
        Ok(0) => Fate::Closed,
        Ok(n) => Fate::Answered(status_line(&buf[..n])),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => Fate::Held,
        Err(_) => Fate::Closed,
    }
}

fn status_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Reads until the server closes (or `limit` passes): the status line it answered, if any.
async fn read_to_close(
    mut stream: impl AsyncRead + Unpin,
    limit: Duration,
) -> Option<Option<String>> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()?;
    Some((!got.is_empty()).then(|| status_line(&got)))
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Resident memory of this process (server and test client together), in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Times `rounds` GET /healthz and report POSTs, each on a new connection from a network of its
/// own (127.A.B.7, A from `first_net`), one at a time. Returns the latencies in ms, sorted.
async fn normal_traffic(server: SocketAddr, first_net: u8, rounds: u32) -> Vec<f64> {
    let base = format!("http://{server}");
    let mut ms = Vec::new();
    for i in 0..rounds {
        let source = IpAddr::V4(Ipv4Addr::new(
            127,
            first_net + (i / 250) as u8,
            (i % 250) as u8 + 1,
            7,
        ));
        let client = client_from(source);
        let started = Instant::now();
        let res = client.get(format!("{base}/healthz")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        ms.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        let res = client
            .post(format!("{base}/api/v1/services/{MONZO}/reports"))
            .header("User-Agent", format!("normal {i}"))
            .json(&serde_json::json!({"problem": "login"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    ms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_from_one_network_hold_its_share_and_others_are_served_at_once() {
    let attackers: usize = std::env::var("SLOW_CLIENTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let share = downtally::web::connections::PER_NETWORK;
    // The default deadline, longer when opening the connections takes longer.
    let body_timeout = Duration::from_secs(10 + attackers as u64 / 500);
    let (server, _state, _db) = start(body_timeout).await;
    let rss_before = rss_mib();
    let quiet = normal_traffic(server, 20, 150).await;

    // The attack: `attackers` connections from one /24 (127.9.9.x), each sending the head of a
    // report (JSON or form) and one byte of its 100-byte body. Connections the server closed at once
    // are dropped as they are seen, so the client's own descriptors stay few however many it opens.
    let started = Instant::now();
    let mut held = Vec::new();
    let (mut closed, mut answered) = (0usize, 0usize);
    let mut batch = Vec::new();
    for i in 0..attackers {
        let source = IpAddr::V4(Ipv4Addr::new(127, 9, 9, 1 + (i % 250) as u8));
        let path = if i % 3 == 2 {
            format!("/s/{MONZO}/report")
        } else {
            format!("/api/v1/services/{MONZO}/reports")
        };
        match slow_body(server, source, &path).await {
            Ok(stream) => batch.push(stream),
            Err(_) => closed += 1,
        }
        if batch.len() == 500 || i + 1 == attackers {
            tokio::time::sleep(Duration::from_millis(200)).await;
            for stream in batch.drain(..) {
                match fate_now(&stream) {
                    Fate::Held => held.push(stream),
                    Fate::Closed => closed += 1,
                    Fate::Answered(line) => {
                        answered += 1;
                        eprintln!("answered at once: {line}");
                    }
                }
            }
        }
    }
    let opened_in = started.elapsed();
    let rss_attack = rss_mib();
    assert!(
        held.len() <= share,
        "{} slow connections held from one network (share {share})",
        held.len()
    );
    assert!(
        held.len() >= share.min(attackers) * 9 / 10,
        "only {} of {share} held: the server closed connections within the share",
        held.len()
    );
    assert_eq!(answered, 0, "a slow body was answered before its deadline");

    // Everyone else, while the slow connections are held.
    let loaded = normal_traffic(server, 40, 150).await;
    assert!(
        started.elapsed() < body_timeout,
        "measured too late: the slow connections may have been cut already ({:?})",
        started.elapsed()
    );
    let (p50, p99, max) = (
        percentile(&loaded, 0.50),
        percentile(&loaded, 0.99),
        percentile(&loaded, 1.0),
    );
    println!(
        "slow clients: {attackers} slow-body connections from 127.9.9.0/24 opened in {:.1} s: \
         {} held (share {share}), {closed} closed at once; {} requests from other networks \
         (GET /healthz, POST report) during the attack: p50 {p50:.1} ms, p99 {p99:.1} ms, \
         max {max:.1} ms (before it: p50 {:.1} ms, p99 {:.1} ms); RSS of the test process: \
         {rss_before:.0} MiB before, {rss_attack:.0} MiB with the attack",
        opened_in.as_secs_f64(),
        held.len(),
        loaded.len(),
        percentile(&quiet, 0.50),
        percentile(&quiet, 0.99),
    );
    assert!(p99 < 50.0, "p99 {p99:.1} ms under attack");

    // Each held connection is cut at its body's deadline: 408, then closed.
    let deadline = body_timeout + Duration::from_secs(5);
    let fates = futures_util::future::join_all(
        held.into_iter()
            .map(|stream| read_to_close(stream, deadline)),
    )
    .await;
    let cut_in = started.elapsed();
    for fate in &fates {
        let line = fate
            .as_ref()
            .expect("a slow connection outlived its body deadline");
        assert_eq!(
            line.as_deref().map(|l| l.starts_with("HTTP/1.1 408")),
            Some(true),
            "{line:?}"
        );
    }
    println!(
        "slow clients: every held connection answered 408 and closed within {:.1} s of the attack's start (body deadline {} s); RSS after: {:.0} MiB",
        cut_in.as_secs_f64(),
        body_timeout.as_secs(),
        rss_mib()
    );
    // The network's share is free again.
    let again = slow_body(
        server,
        "127.9.9.1".parse().unwrap(),
        &format!("/api/v1/services/{MONZO}/reports"),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fate_now(&again), Fate::Held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_no_handler_reads_closes_the_connection_instead_of_being_drained() {
    let (server, _state, _db) = start(BODY_TIMEOUT).await;
    let source: IpAddr = "127.9.10.1".parse().unwrap();
    // A chunked body trickling in: actix would drain it for as long as it takes.
    for (request, status) in [
        (
            "POST /nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n",
            "HTTP/1.1 404",
        ),
        (
            "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n",
            "HTTP/1.1 200",
        ),
        (
            "PUT /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
            "HTTP/1.1 405",
        ),
        (
            "POST /api/v1/services/monzo/reports HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n",
            "HTTP/1.1 415",
        ),
    ] {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(source, 0)).unwrap();
        let mut stream = socket.connect(server).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let started = Instant::now();
        let line = read_to_close(stream, Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("still open after 3 s: {request:?}"));
        assert!(
            line.as_deref().is_some_and(|l| l.starts_with(status)),
            "{request:?}: {line:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }
    // A chunked report that trickles in, a byte every half second, past its deadline: 408.
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(source, 0)).unwrap();
    let stream = socket.connect(server).await.unwrap();
    let (read, mut write) = stream.into_split();
    write
        .write_all(
            b"POST /api/v1/services/monzo/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for _ in 0..(BODY_TIMEOUT.as_secs() * 2 + 4) {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if write.write_all(b"1\r\n \r\n").await.is_err() {
                break;
            }
        }
    });
    let line = read_to_close(read, BODY_TIMEOUT + Duration::from_secs(3))
        .await
        .expect("the trickling body outlived its deadline");
    let took = started.elapsed();
    trickle.abort();
    assert!(
        line.as_deref()
            .is_some_and(|l| l.starts_with("HTTP/1.1 408")),
        "{line:?}"
    );
    assert!(
        took >= BODY_TIMEOUT - Duration::from_secs(1)
            && took < BODY_TIMEOUT + Duration::from_secs(2),
        "{took:?}"
    );
}
