//! The Redis store's connection: one server or a Redis Cluster, plain or TLS, behind one type that
//! the redis crate's commands, pipelines and scripts run on ([`Conn`] implements its
//! `ConnectionLike`). What a cluster changes is here too: commands that span keys are grouped by
//! hash tag ([`Batch`], [`Call`]), and a scan visits every master ([`Conn::scan`]).
//!
//! `REDIS_URL` forms:
//! - `redis://host:port/` and `rediss://host:port/` (TLS): one server;
//! - `redis+cluster://host:port,host:port,…/` and `rediss+cluster://…`: a Redis Cluster, from these
//!   seed nodes (the others are found from them);
//! - with TLS, the system's trusted roots verify the server (`SSL_CERT_FILE` replaces them), or
//!   `?sslrootcert=FILE` (PEM) names the CA to trust instead, as in PostgreSQL's URLs.
//!
//! Credentials (`redis://user:password@…`) and the redis crate's own query parameters pass through.

use super::keys::{Key, Tag};
use futures_util::future::try_join_all;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::cluster_routing::{RoutingInfo, SingleNodeRoutingInfo, Slot};
use redis::{
    Client, Cmd, ErrorKind, FromRedisValue, Pipeline, RedisError, RedisFuture, RedisResult,
    TlsCertificates, ToRedisArgs, Value,
};
use std::collections::HashMap;
use std::time::Duration;

/// How long to wait for a connection, and for an answer: a batch waits no longer on a Redis that
/// is gone (intake then decides in memory, see `counts::Counts`).
const TIMEOUT: Duration = Duration::from_secs(2);

/// One server, or a cluster (a multiplexed connection to each of its nodes, routed by slot).
#[derive(Clone)]
pub enum Conn {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::Single(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::Single(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

/// What a `REDIS_URL` names, in the redis crate's terms.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    /// URLs the redis crate parses: the server, or the cluster's seed nodes.
    nodes: Vec<String>,
    cluster: bool,
    /// `sslrootcert=FILE`: the CA to trust instead of the system's roots.
    ca_file: Option<String>,
}

fn invalid(what: &'static str, detail: String) -> RedisError {
    RedisError::from((ErrorKind::InvalidClientConfig, what, detail))
}

fn parse(url: &str) -> RedisResult<Target> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("not a Redis URL", "no scheme".into()))?;
    let (scheme, cluster) = match scheme {
        "redis+cluster" => ("redis", true),
        "rediss+cluster" => ("rediss", true),
        other => (other, false),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, format!("#{f}")),
        None => (rest, String::new()),
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut ca_file = None;
    let mut kept = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if k == "sslrootcert" {
            ca_file = Some(v.into_owned());
        } else {
            kept.append_pair(&k, &v);
        }
    }
    let query = kept.finish();
    let query = if query.is_empty() {
        query
    } else {
        format!("?{query}")
    };
    if ca_file.is_some() && scheme != "rediss" {
        return Err(invalid(
            "sslrootcert= needs TLS",
            "use rediss:// or rediss+cluster://".into(),
        ));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let suffix = format!("{path}{query}{fragment}");
    let nodes = if cluster {
        let (userinfo, hosts) = match authority.rsplit_once('@') {
            Some((u, h)) => (format!("{u}@"), h),
            None => (String::new(), authority),
        };
        let nodes: Vec<String> = hosts
            .split(',')
            .filter(|h| !h.is_empty())
            .map(|h| format!("{scheme}://{userinfo}{h}{suffix}"))
            .collect();
        if nodes.is_empty() {
            return Err(invalid(
                "a cluster URL names its seed nodes",
                "redis+cluster://host:port,host:port/".into(),
            ));
        }
        nodes
    } else {
        vec![format!("{scheme}://{authority}{suffix}")]
    };
    Ok(Target {
        nodes,
        cluster,
        ca_file,
    })
}

impl Conn {
    /// Connects to the server or cluster `url` names (see the module's documentation).
    pub async fn open(url: &str) -> RedisResult<Self> {
        let target = parse(url)?;
        let certs = match &target.ca_file {
            Some(file) => Some(TlsCertificates {
                client_tls: None,
                root_cert: Some(std::fs::read(file).map_err(|e| {
                    invalid("cannot read the sslrootcert file", format!("{file}: {e}"))
                })?),
            }),
            None => None,
        };
        if target.cluster {
            let mut builder = ClusterClientBuilder::new(target.nodes)
                .connection_timeout(TIMEOUT)
                .response_timeout(TIMEOUT)
                // A request to a master that is gone fails within a second, not after 16 retries
                // over minutes (the crate's default).
                .retries(2)
                .min_retry_wait(50)
                .max_retry_wait(400);
            if let Some(certs) = certs {
                builder = builder.certs(certs);
            }
            Ok(Conn::Cluster(
                builder.build()?.get_async_connection().await?,
            ))
        } else {
            let node = target.nodes[0].as_str();
            let client = match certs {
                Some(certs) => Client::build_with_tls(node, certs)?,
                None => Client::open(node)?,
            };
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(TIMEOUT))
                .set_response_timeout(Some(TIMEOUT))
                .set_number_of_retries(1);
            Ok(Conn::Single(
                ConnectionManager::new_with_config(client, config).await?,
            ))
        }
    }

    pub fn is_cluster(&self) -> bool {
        matches!(self, Conn::Cluster(_))
    }

    /// `INFO server` of the server, or of every master of a cluster.
    pub async fn info_server(&self) -> RedisResult<Vec<String>> {
        let mut cmd = redis::cmd("INFO");
        cmd.arg("server");
        match self {
            Conn::Single(_) => Ok(vec![cmd.query_async(&mut self.clone()).await?]),
            Conn::Cluster(c) => {
                let mut out = Vec::new();
                for (host, port) in masters(&mut c.clone()).await? {
                    let routing =
                        RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress { host, port });
                    out.push(FromRedisValue::from_redis_value(
                        c.clone().route_command(cmd.clone(), routing).await?,
                    )?);
                }
                Ok(out)
            }
        }
    }

    /// A new batch of commands for this connection.
    pub fn batch(&self) -> Batch {
        Batch {
            atomic: false,
            cluster: self.is_cluster(),
            pipes: Vec::new(),
            of_tag: HashMap::new(),
            order: Vec::new(),
        }
    }

    /// A call of `script` on this connection.
    pub fn call<'s>(&self, script: &'s redis::Script) -> Call<'s> {
        Call {
            invocation: script.prepare_invoke(),
            cluster: self.is_cluster(),
            tag: None,
        }
    }

    /// Every key matching `pattern`, from every master of a cluster.
    pub async fn scan(&self, pattern: &str) -> RedisResult<Vec<String>> {
        let mut keys = Vec::new();
        match self {
            Conn::Single(_) => scan_node(&mut self.clone(), None, pattern, &mut keys).await?,
            Conn::Cluster(c) => {
                for node in masters(&mut c.clone()).await? {
                    scan_node(&mut self.clone(), Some(node), pattern, &mut keys).await?;
                }
            }
        }
        Ok(keys)
    }

    /// Unlinks `keys` (on a cluster, a command per slot: a command may not span slots).
    pub async fn unlink(&self, keys: &[String]) -> RedisResult<()> {
        let mut by_slot: HashMap<Slot, Vec<&String>> = HashMap::new();
        for key in keys {
            let slot = if self.is_cluster() {
                Slot::for_key(key)
            } else {
                Slot::for_key("")
            };
            by_slot.entry(slot).or_default().push(key);
        }
        try_join_all(
            by_slot
                .values()
                .flat_map(|keys| keys.chunks(1_000))
                .map(|chunk| {
                    let mut conn = self.clone();
                    async move {
                        redis::cmd("UNLINK")
                            .arg(chunk)
                            .query_async::<()>(&mut conn)
                            .await
                    }
                }),
        )
        .await?;
        Ok(())
    }
}

/// One round of `SCAN` over a node (`None`: the only one) until its cursor returns to 0.
async fn scan_node(
    conn: &mut Conn,
    node: Option<(String, u16)>,
    pattern: &str,
    keys: &mut Vec<String>,
) -> RedisResult<()> {
    let mut cursor: u64 = 0;
    loop {
        let mut cmd = redis::cmd("SCAN");
        cmd.arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1_000);
        let (next, page): (u64, Vec<String>) = match (&mut *conn, &node) {
            (Conn::Cluster(c), Some((host, port))) => {
                let routing = RoutingInfo::SingleNode(SingleNodeRoutingInfo::ByAddress {
                    host: host.clone(),
                    port: *port,
                });
                FromRedisValue::from_redis_value(c.route_command(cmd, routing).await?)?
            }
            (conn, _) => cmd.query_async(conn).await?,
        };
        keys.extend(page);
        if next == 0 {
            return Ok(());
        }
        cursor = next;
    }
}

/// The addresses of a cluster's masters that serve slots (from `CLUSTER NODES`).
async fn masters(conn: &mut ClusterConnection) -> RedisResult<Vec<(String, u16)>> {
    let nodes: String = redis::cmd("CLUSTER").arg("NODES").query_async(conn).await?;
    Ok(masters_of(&nodes))
}

/// `CLUSTER NODES` lines: `<id> <ip:port@cport[,hostname]> <flags> <master> <ping> <pong> <epoch>
/// <link> <slot>…`.
fn masters_of(nodes: &str) -> Vec<(String, u16)> {
    nodes
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let is_master = fields.get(2)?.split(',').any(|f| f == "master");
            if !is_master || fields.len() < 9 {
                return None;
            }
            let addr = fields[1].split(['@', ',']).next()?;
            let (host, port) = addr.rsplit_once(':')?;
            Some((host.to_owned(), port.parse().ok()?))
        })
        .collect()
}

/// Commands sent together: on one server as one pipeline; on a cluster as one pipeline per hash tag
/// (a pipeline goes to one node, and keys of one tag are in one slot), sent concurrently. Answers
/// come back in the order the commands were added.
pub struct Batch {
    /// Each pipeline a MULTI/EXEC transaction (on a cluster, one per hash tag).
    atomic: bool,
    cluster: bool,
    pipes: Vec<Pipeline>,
    of_tag: HashMap<Tag, usize>,
    /// The pipeline of each command, in the order they were added.
    order: Vec<usize>,
}

/// A command's arguments after its key.
pub struct Args<'a>(&'a mut Pipeline);

impl Args<'_> {
    pub fn arg(self, arg: impl ToRedisArgs) -> Self {
        self.0.arg(arg);
        self
    }
}

impl Batch {
    /// Makes each pipeline one transaction: on one server the whole batch, on a cluster the commands
    /// of each hash tag (keys of one service apply together).
    pub fn atomic(mut self) -> Self {
        self.atomic = true;
        self
    }

    fn new_pipe(&self) -> Pipeline {
        let mut pipe = redis::pipe();
        if self.atomic {
            pipe.atomic();
        }
        pipe
    }

    /// Adds the command `name key …` (its other arguments follow on the answer).
    pub fn cmd(&mut self, name: &str, key: &Key) -> Args<'_> {
        let i = if self.cluster {
            match self.of_tag.get(key.tag()) {
                Some(&i) => i,
                None => {
                    self.of_tag.insert(key.tag().clone(), self.pipes.len());
                    let pipe = self.new_pipe();
                    self.pipes.push(pipe);
                    self.pipes.len() - 1
                }
            }
        } else {
            if self.pipes.is_empty() {
                let pipe = self.new_pipe();
                self.pipes.push(pipe);
            }
            0
        };
        self.order.push(i);
        let pipe = &mut self.pipes[i];
        pipe.cmd(name).arg(key);
        Args(pipe)
    }

    /// Sends the batch; its answers are dropped.
    pub async fn run(self, conn: &Conn) -> RedisResult<()> {
        self.query::<Value>(conn).await.map(drop)
    }

    /// Sends the batch: an answer per command, in the order they were added.
    pub async fn query<T: FromRedisValue>(self, conn: &Conn) -> RedisResult<Vec<T>> {
        let answers = try_join_all(self.pipes.iter().map(|pipe| {
            let mut conn = conn.clone();
            async move { pipe.query_async::<Vec<Value>>(&mut conn).await }
        }))
        .await?;
        let mut answers: Vec<_> = answers.into_iter().map(Vec::into_iter).collect();
        self.order
            .iter()
            .map(|&i| {
                let value = answers[i].next().ok_or_else(|| {
                    invalid("a pipeline answered too few", format!("pipeline {i}"))
                })?;
                Ok(T::from_redis_value(value)?)
            })
            .collect()
    }
}

/// A script call. On a cluster all its keys must share one hash tag (so one slot): adding a key of
/// another tag is a bug, and panics.
pub struct Call<'s> {
    invocation: redis::ScriptInvocation<'s>,
    cluster: bool,
    tag: Option<Tag>,
}

impl Call<'_> {
    pub fn key(&mut self, key: &Key) -> &mut Self {
        if self.cluster {
            match &self.tag {
                None => self.tag = Some(key.tag().clone()),
                Some(tag) => assert_eq!(tag, key.tag(), "a script call spans hash tags"),
            }
        }
        self.invocation.key(key);
        self
    }

    pub fn arg(&mut self, arg: impl ToRedisArgs) -> &mut Self {
        self.invocation.arg(arg);
        self
    }

    pub async fn invoke<T: FromRedisValue>(&self, conn: &Conn) -> RedisResult<T> {
        self.invocation.invoke_async(&mut conn.clone()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(nodes: &[&str], cluster: bool, ca_file: Option<&str>) -> Target {
        Target {
            nodes: nodes.iter().map(|n| n.to_string()).collect(),
            cluster,
            ca_file: ca_file.map(str::to_owned),
        }
    }

    #[test]
    fn single_urls_pass_through() {
        for url in [
            "redis://127.0.0.1:6379/",
            "redis://127.0.0.1:6379/3",
            "rediss://cache.example:6380/",
            "redis://:secret@h:1/?protocol=resp3",
            "rediss://h:1/#insecure",
            "unix:///run/redis.sock",
        ] {
            assert_eq!(parse(url).unwrap(), target(&[url], false, None), "{url}");
        }
    }

    #[test]
    fn cluster_urls_name_their_seed_nodes() {
        assert_eq!(
            parse("redis+cluster://10.0.0.1:7000,10.0.0.2:7001/").unwrap(),
            target(
                &["redis://10.0.0.1:7000/", "redis://10.0.0.2:7001/"],
                true,
                None
            )
        );
        assert_eq!(
            parse("rediss+cluster://u:p%40ss@a:1,b:2,[::1]:3?sslrootcert=%2Fetc%2Fca.pem").unwrap(),
            target(
                &[
                    "rediss://u:p%40ss@a:1",
                    "rediss://u:p%40ss@b:2",
                    "rediss://u:p%40ss@[::1]:3"
                ],
                true,
                Some("/etc/ca.pem")
            )
        );
        assert!(parse("redis+cluster:///").is_err());
    }

    #[test]
    fn a_ca_file_needs_tls() {
        assert_eq!(
            parse("rediss://h:6380/?sslrootcert=/ca.pem&protocol=resp3").unwrap(),
            target(&["rediss://h:6380/?protocol=resp3"], false, Some("/ca.pem"))
        );
        assert!(parse("redis://h:6379/?sslrootcert=/ca.pem").is_err());
        assert!(parse("redis+cluster://h:1/?sslrootcert=/ca.pem").is_err());
    }

    #[test]
    fn masters_are_the_nodes_serving_slots() {
        let nodes = "\
07c3 127.0.0.1:30004@40004 slave e7d1 0 1426238317239 4 connected
67ed 127.0.0.1:30002@40002,cache-2 master - 0 1426238316232 2 connected 5461-10922
e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460
6ec2 127.0.0.1:30005@40005 master,fail - 1426238316232 0 5 disconnected
";
        assert_eq!(
            masters_of(nodes),
            [
                ("127.0.0.1".to_owned(), 30002),
                ("127.0.0.1".to_owned(), 30001)
            ]
        );
    }
}
