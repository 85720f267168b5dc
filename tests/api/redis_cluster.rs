//! Redis Cluster (issue 14 §1): the counter-store contract on a 3-master cluster (REDIS_CLUSTER_URL,
//! which scripts/test starts; required under CI), rebuilds on a private cluster, and intake that keeps
//! acknowledging while a master is killed and restarted.

use crate::counter_contract::{
    Ttl, contract, empty_claims, network_bound, prefix, rate_limits, rebuild_contract,
    rebuild_ignores_expired_buckets, rebuild_of_only_expired_buckets,
};
use crate::helpers::*;
use downtally::counts::{CountStore, RedisCounts};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A cluster node of a test's own: a redis-server without persistence but with its cluster
/// configuration file, so that a restart rejoins with its identity and slots (and no keys).
struct Node {
    port: u16,
    /// The cluster bus's port (the default, port + 10000, may be taken or beyond 65535).
    bus: u16,
    bin: String,
    dir: TempDir,
    child: Option<Child>,
}

impl Node {
    fn launch(&mut self) {
        let child = Command::new(&self.bin)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args([
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ])
            // A dead master is marked failed after 2 s (the default is 15 s).
            .args(["--cluster-node-timeout", "2000"])
            .args(["--cluster-port", &self.bus.to_string()])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A Redis Cluster of this test's own: masters on free loopback ports, no replicas.
pub struct RedisCluster {
    nodes: Vec<Node>,
    pub url: String,
}

async fn node_cmd<T: redis::FromRedisValue>(port: u16, cmd: &redis::Cmd) -> redis::RedisResult<T> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))?;
    let mut conn = client.get_multiplexed_async_connection().await?;
    cmd.query_async(&mut conn).await
}

/// True when the node at `port` says the cluster is ok and knows `masters` masters.
async fn cluster_ok(port: u16, masters: usize) -> bool {
    let Ok(info) = node_cmd::<String>(port, redis::cmd("CLUSTER").arg("INFO")).await else {
        return false;
    };
    let known = format!("cluster_known_nodes:{masters}");
    info.contains("cluster_state:ok") && info.lines().any(|l| l.trim() == known)
}

impl RedisCluster {
    /// Starts `masters` nodes and makes them a cluster (slots split evenly), or returns `None`
    /// (after saying so) when there is no redis-server and CI is not set.
    pub async fn start(masters: usize) -> Option<Self> {
        let bin = redis_server_bin()?;
        let mut nodes: Vec<Node> = (0..masters)
            .map(|_| Node {
                port: free_port(),
                bus: free_port(),
                bin: bin.clone(),
                dir: tempfile::tempdir().unwrap(),
                child: None,
            })
            .collect();
        for node in &mut nodes {
            node.launch();
        }
        let started = Instant::now();
        while !nodes.iter().all(|n| redis_ping(n.port)) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "cluster nodes did not start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // What `redis-cli --cluster create` does, without replicas: each node takes a range of
        // slots and meets the first.
        let per = 16_384 / masters;
        for (i, node) in nodes.iter().enumerate() {
            let last = if i + 1 == masters {
                16_383
            } else {
                (i + 1) * per - 1
            };
            node_cmd::<()>(
                node.port,
                redis::cmd("CLUSTER")
                    .arg("ADDSLOTSRANGE")
                    .arg(i * per)
                    .arg(last),
            )
            .await
            .expect("CLUSTER ADDSLOTSRANGE");
            if i > 0 {
                node_cmd::<()>(
                    node.port,
                    redis::cmd("CLUSTER")
                        .arg("MEET")
                        .arg("127.0.0.1")
                        .arg(nodes[0].port)
                        .arg(nodes[0].bus),
                )
                .await
                .expect("CLUSTER MEET");
            }
        }
        let cluster = RedisCluster {
            url: format!(
                "redis+cluster://{}/",
                nodes
                    .iter()
                    .map(|n| format!("127.0.0.1:{}", n.port))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            nodes,
        };
        cluster.wait_ok(Duration::from_secs(20)).await;
        Some(cluster)
    }

    async fn wait_ok(&self, limit: Duration) {
        let started = Instant::now();
        loop {
            let mut ok = true;
            for node in &self.nodes {
                ok &= cluster_ok(node.port, self.nodes.len()).await;
            }
            if ok {
                return;
            }
            assert!(started.elapsed() < limit, "the cluster did not become ok");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills node `i` at once (SIGKILL).
    pub fn kill(&mut self, i: usize) {
        self.nodes[i].kill();
    }

    /// Starts node `i` again, empty, and waits until the cluster is ok.
    pub async fn restart(&mut self, i: usize) {
        self.nodes[i].kill();
        self.nodes[i].launch();
        self.wait_ok(Duration::from_secs(30)).await;
    }

    /// Empties every master.
    pub async fn flush(&self) {
        for node in &self.nodes {
            node_cmd::<()>(node.port, &redis::cmd("FLUSHALL"))
                .await
                .expect("FLUSHALL");
        }
    }
}

async fn connect(url: &str) -> RedisCounts {
    let store = RedisCounts::connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the cluster at {url}: {e}"));
    assert!(store.clustered());
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_store_keeps_the_contract() {
    // The shared cluster: this run's services have names of their own and nothing is flushed.
    let Some(url) = require_env("REDIS_CLUSTER_URL") else {
        return;
    };
    let store = connect(&url).await;
    contract(&store, &prefix("cluster"), Ttl::RealSeconds).await;
    network_bound(&store, &prefix("cluster")).await;
    rate_limits(&store, &prefix("cluster")).await;
    empty_claims(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_store_rebuilds_on_every_master() {
    let Some(cluster) = RedisCluster::start(3).await else {
        return;
    };
    let store = connect(&cluster.url).await;
    rebuild_contract(&store, &prefix("cluster")).await;
    cluster.flush().await;
    rebuild_ignores_expired_buckets(&store, &prefix("cluster")).await;
    cluster.flush().await;
    rebuild_of_only_expired_buckets(&store, &prefix("cluster")).await;
}

/// Reports to many services (their slots spread over every master) while one master is killed and,
/// after the cluster has marked it failed, started again empty: every report is acknowledged
/// (admission falls back to this node's memory; counts are derived and repaired elsewhere), and the
/// store answers again once the master is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_acknowledges_while_a_master_restarts() {
    let Some(mut cluster) = RedisCluster::start(3).await else {
        return;
    };
    let app = spawn_app(AppOptions {
        redis_url: Some(cluster.url.clone()),
        ..AppOptions::sqlite()
    })
    .await;
    const SERVICES: [&str; 6] = [
        "intesa-sanpaolo",
        "unicredit",
        "poste-italiane",
        "postepay",
        "banco-bpm",
        "bper-banca",
    ];
    let address = app.address.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let batch = (0..8).map(|_| {
                    n += 1;
                    let (slug, ua) = (SERVICES[n as usize % SERVICES.len()], format!("ua-{n}"));
                    let url = format!("{address}/api/v1/services/{slug}/reports");
                    async move {
                        client_from(nth_network(n))
                            .post(url)
                            .header("User-Agent", ua)
                            .json(&json!({"problem": "login"}))
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0)
                    }
                });
                statuses.extend(futures_util::future::join_all(batch).await);
            }
            statuses
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    cluster.kill(1);
    // Past the cluster's node timeout (2 s): the cluster refuses every slot until the master is back.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    cluster.restart(1).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = load.await.unwrap();
    let failed: Vec<&u16> = statuses
        .iter()
        .filter(|s| !(200..300).contains(*s))
        .collect();
    assert!(statuses.len() > 50, "too little load: {}", statuses.len());
    assert!(
        failed.is_empty(),
        "{} of {} reports not acknowledged: {:?}",
        failed.len(),
        statuses.len(),
        &failed[..failed.len().min(10)]
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let store_errors: f64 = metrics
        .lines()
        .filter(|l| l.starts_with("downtally_counter_store_errors_total"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert!(
        store_errors > 0.0,
        "the load met the dead master (no counter store errors in /metrics)"
    );
    assert_eq!(
        stored_reports(&app.db_url).await.len(),
        statuses.len(),
        "every acknowledged report is stored"
    );
    // The store answers again: every master is reachable.
    let store = connect(&cluster.url).await;
    let started = Instant::now();
    while store.ping().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the cluster store answers again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.stop().await;
}
