//! The write path: validate, de-duplicate, store durably, count.
//!
//! Handlers hand validated reports to the writers through a channel: four tasks for PostgreSQL, one
//! thread of its own for SQLite (which has a single writer). A writer takes whatever has queued up
//! (group commit), claims the reporters in the counter store, inserts the whole batch in one SQL
//! transaction, increments the counters in one pipeline, and only then answers each handler.
//! So no report is acknowledged before the transaction holding it has committed, and a burst costs one
//! commit per batch instead of one per report. A counter store failure never fails a report: SQL is the
//! source of truth and counters are rebuilt from it.

use crate::catalog::Service;
use crate::clock::Clock;
use crate::counts::admission::{PROVISIONAL_CLAIM_SECS, Rules};
use crate::counts::{Claim, CountStore, Counts, Hit, Resolution, Verdict};
use crate::domain::NetworkKey;
use crate::domain::{
    Comment, CommentTooLong, Coordinates, LocationError, RegionId, RegionIdError, ReportKind,
    UnknownProblem,
};
use crate::metrics::Metrics;
use crate::privacy::{Salts, network_key, reporter_key_for};
use crate::regions::RegionCatalog;
use crate::store::{Db, NewReport, ReportSink, with_sqlite_writer};
use serde::Deserialize;
use sqlx::SqlitePool;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::{Mutex, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// A reporter is counted once per service within this many seconds.
pub const DEDUP_WINDOW_SECONDS: i64 = 15 * 60;
/// Most reports one transaction takes; more wait for the next commit.
const MAX_BATCH: usize = 1_024;
/// Reports waiting for a writer before handlers start to wait for room.
const QUEUE_CAPACITY: usize = 16_384;

/// A report as a client sends it (JSON body or form), before validation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"problem": "login", "region": "GB-ENG"}))]
pub struct ReportInput {
    /// `login`, `balance`, `sms_verification`, `payments`, `card`, `mobile_app`, `website`,
    /// `other`, or `works_again` ("it works again for me").
    pub problem: String,
    /// A region code (ISO 3166-2, e.g. `GB-ENG`), when the reporter chose one.
    #[serde(default)]
    pub region: Option<String>,
    /// The reporter's position, when they shared it: it decides the region, then is rounded to
    /// two decimals (about a kilometre) before it is stored.
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lon: Option<f64>,
    /// A public comment, at most 500 characters.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Why a well-formed report was refused (HTTP 422).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Invalid {
    #[error(transparent)]
    Problem(#[from] UnknownProblem),
    #[error(transparent)]
    Region(#[from] RegionIdError),
    #[error(transparent)]
    Location(#[from] LocationError),
    #[error(transparent)]
    Comment(#[from] CommentTooLong),
    #[error("there is no region {0:?}")]
    UnknownRegion(String),
}

impl Invalid {
    /// Label for the rejected-reports metric.
    pub fn reason(&self) -> &'static str {
        match self {
            Invalid::Problem(_) => "unknown_problem",
            Invalid::Region(_) | Invalid::UnknownRegion(_) => "invalid_region",
            Invalid::Location(_) => "invalid_location",
            Invalid::Comment(_) => "comment_too_long",
        }
    }
}

/// A report whose every field is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidReport {
    pub kind: ReportKind,
    pub region: Option<RegionId>,
    pub coordinates: Option<Coordinates>,
    pub comment: Option<Comment>,
}

/// Checks every field. A chosen region must exist; coordinates, when given, decide the region instead
/// (located before rounding, which could move a point near a border across it).
pub fn validate(input: &ReportInput, regions: &RegionCatalog) -> Result<ValidReport, Invalid> {
    let kind = ReportKind::parse(input.problem.trim())?;
    let chosen = match input.region.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => {
            let id = RegionId::parse(r)?;
            if !regions.is_known(id.as_str()) {
                return Err(Invalid::UnknownRegion(r.to_owned()));
            }
            Some(id)
        }
    };
    let coordinates = Coordinates::parse(input.lat, input.lon)?;
    let region = match (input.lat, input.lon, &coordinates) {
        (Some(lat), Some(lon), Some(_)) => regions
            .locate_id(lat, lon)
            .and_then(|id| RegionId::parse(id).ok()),
        _ => chosen,
    };
    let comment = match &input.comment {
        Some(c) => Comment::parse(c)?,
        None => None,
    };
    Ok(ValidReport {
        kind,
        region,
        coordinates,
        comment,
    })
}

/// Who sent a request, as far as de-duplication needs to know. Never stored.
#[derive(Debug, Clone)]
pub struct Origin {
    pub ip: IpAddr,
    pub user_agent: String,
}

/// What the client learns about its stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    pub id: i64,
    pub bucket_start: i64,
    pub counted: bool,
    pub region: Option<RegionId>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("the report could not be stored; please try again")]
    Unavailable,
    /// The network sent more reports than the rate limit allows (see `counts::RateLimit`).
    #[error("too many reports from your network; please try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    /// Another node is storing this reporter's report for the service (see
    /// `counts::Verdict::InFlight`): answered as unavailable, with when to try again.
    #[error("the report could not be stored; please try again")]
    InFlight { retry_after: u64 },
}

struct Job {
    report: NewReport,
    reply: oneshot::Sender<Result<Accepted, IntakeError>>,
}

#[derive(Clone)]
pub struct Intake {
    regions: Arc<RegionCatalog>,
    salts: Salts,
    clock: Clock,
    metrics: Metrics,
    queue: mpsc::Sender<Job>,
}

/// The writer tasks. They run until [`Writers::drained`] closes the queue and they have stored what it
/// still held (or until every [`Intake`] handle is dropped).
pub struct Writers {
    tasks: Vec<JoinHandle<()>>,
    close: watch::Sender<bool>,
}

impl Writers {
    /// Refuses new reports, stores every queued one, and returns when the writers have finished.
    pub async fn drained(self) {
        let _ = self.close.send(true);
        for w in self.tasks {
            let _ = w.await;
        }
    }
}

struct WriterContext {
    counts: Counts,
    /// Reads only: what SQL holds of orphaned claims (see [`WriterContext::settle_orphans`]).
    db: Db,
    clock: Clock,
    metrics: Metrics,
    rules: Rules,
}

impl Intake {
    pub fn start(
        regions: Arc<RegionCatalog>,
        db: Db,
        counts: Counts,
        clock: Clock,
        metrics: Metrics,
        rules: Rules,
    ) -> (Intake, Writers) {
        let (queue, rx) = mpsc::channel(QUEUE_CAPACITY);
        let rx = Arc::new(Mutex::new(rx));
        let ctx = Arc::new(WriterContext {
            counts,
            db: db.clone(),
            clock: clock.clone(),
            metrics: metrics.clone(),
            rules,
        });
        let (close, closing) = watch::channel(false);
        let tasks = match &db {
            Db::Sqlite(pool) => vec![spawn_sqlite_writer(pool.clone(), rx, closing, ctx)],
            Db::Postgres(_) => (0..db.writer_count())
                .map(|_| {
                    tokio::spawn(write_loop(
                        rx.clone(),
                        closing.clone(),
                        ctx.clone(),
                        db.clone(),
                    ))
                })
                .collect(),
        };
        let intake = Intake {
            regions,
            salts: Salts::new(db),
            clock,
            metrics,
            queue,
        };
        (intake, Writers { tasks, close })
    }

    /// The daily salts of reporter keys, for other writers that key visitors the same way (comments).
    pub fn salts(&self) -> &Salts {
        &self.salts
    }

    /// Validates and stores one report for `service` (which the caller found in the catalog); returns
    /// once it is durably stored (and counted, when it counts).
    #[tracing::instrument(name = "submit", skip_all, fields(service = %service.slug))]
    pub async fn submit(
        &self,
        service: &Service,
        input: &ReportInput,
        origin: &Origin,
    ) -> Result<Accepted, IntakeError> {
        let result = self.submit_inner(service, input, origin).await;
        if let Err(e) = &result {
            match e {
                IntakeError::Invalid(invalid) => self.metrics.reject(invalid.reason()),
                IntakeError::Unavailable => self.metrics.reject("unavailable"),
                // Counted where they are decided (refuse_over_limit, write_batch).
                IntakeError::RateLimited { .. } | IntakeError::InFlight { .. } => {}
            }
        }
        result
    }

    async fn submit_inner(
        &self,
        service: &Service,
        input: &ReportInput,
        origin: &Origin,
    ) -> Result<Accepted, IntakeError> {
        let valid = validate(input, &self.regions)?;
        let now = self.clock.now();
        let salt = self.salts.for_time(now).await.map_err(|e| {
            tracing::error!(error = %e, "cannot read the reporter salt");
            IntakeError::Unavailable
        })?;
        let report = NewReport {
            service: service.slug.clone(),
            kind: valid.kind,
            region: valid.region,
            coordinates: valid.coordinates,
            comment: valid.comment,
            reporter: reporter_key_for(
                &salt,
                origin.ip,
                &origin.user_agent,
                &service.slug,
                valid.kind,
            ),
            network: network_key(&salt, origin.ip),
            counted: false,
            uncounted: None,
            created_at: now,
        };
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Job { report, reply })
            .await
            .map_err(|_| IntakeError::Unavailable)?;
        answer.await.map_err(|_| IntakeError::Unavailable)?
    }
}

type Queue = Arc<Mutex<mpsc::Receiver<Job>>>;

/// SQLite's one writer gets an OS thread of its own: it blocks in COMMIT (the fsync) without holding
/// up a runtime thread, and calls SQLite directly instead of handing each statement to sqlx's worker
/// thread and waiting to be woken (see `store/sqlite_writer.rs`). The returned task ends with it.
fn spawn_sqlite_writer(
    pool: SqlitePool,
    rx: Queue,
    closing: watch::Receiver<bool>,
    ctx: Arc<WriterContext>,
) -> JoinHandle<()> {
    let rt = Handle::current();
    let (done, finished) = oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || {
            sqlite_writer(&pool, &rt, rx, closing, ctx);
            let _ = done.send(());
        })
        .expect("cannot start the SQLite writer thread");
    tokio::spawn(async move {
        let _ = finished.await;
    })
}

fn sqlite_writer(
    pool: &SqlitePool,
    rt: &Handle,
    rx: Queue,
    mut closing: watch::Receiver<bool>,
    ctx: Arc<WriterContext>,
) {
    loop {
        let run = with_sqlite_writer(pool, rt, |writer| {
            rt.block_on(write_loop(rx.clone(), closing.clone(), ctx.clone(), writer))
        });
        let Err(e) = run else { return };
        // Without a connection nothing can be stored: answer what is queued, then try again.
        tracing::error!(error = %e, "cannot open the SQLite intake writer");
        let mut jobs = Vec::new();
        if !rt.block_on(next_batch(&rx, &mut closing, &mut jobs)) {
            return;
        }
        for job in jobs {
            let _ = job.reply.send(Err(IntakeError::Unavailable));
        }
    }
}

async fn write_loop(
    rx: Queue,
    mut closing: watch::Receiver<bool>,
    ctx: Arc<WriterContext>,
    mut store: impl ReportSink,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while next_batch(&rx, &mut closing, &mut jobs).await {
        ctx.write_batch(&mut store, &mut jobs).await;
    }
}

/// Waits for a report, then takes whatever else is queued, up to [`MAX_BATCH`]. False once the queue
/// is closed and empty.
async fn next_batch(rx: &Queue, closing: &mut watch::Receiver<bool>, jobs: &mut Vec<Job>) -> bool {
    let mut rx = rx.lock().await;
    let next = tokio::select! {
        job = rx.recv() => job,
        _ = async { let _ = closing.wait_for(|&closed| closed).await; } => {
            // No new reports from here on; what is queued is still stored.
            rx.close();
            rx.recv().await
        }
    };
    let Some(job) = next else { return false };
    jobs.push(job);
    while jobs.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    true
}

impl WriterContext {
    /// One metric update per label and batch, not per report.
    fn count_accepted(&self, reports: &[NewReport]) {
        let mut tally: Vec<(&str, &str, u64)> = Vec::new();
        for r in reports {
            let labels = match r.uncounted {
                None => ("true", ""),
                Some(reason) => ("false", reason),
            };
            match tally.iter_mut().find(|(c, why, _)| (*c, *why) == labels) {
                Some((_, _, n)) => *n += 1,
                None => tally.push((labels.0, labels.1, 1)),
            }
        }
        for (counted, reason, n) in tally {
            self.metrics
                .reports_accepted
                .with_label_values(&[counted, reason])
                .inc_by(n);
        }
    }

    /// Refuses the jobs whose network has used up its rate limit (answered 429, never stored).
    async fn refuse_over_limit(&self, jobs: &mut Vec<Job>) {
        let networks: Vec<NetworkKey> = jobs.iter().map(|j| j.report.network.clone()).collect();
        let now_ms = self.clock.now_ms();
        let waits = self
            .counts
            .take_tokens_or_local(&networks, now_ms, &self.rules.rate)
            .await;
        if waits.iter().all(Option::is_none) {
            return;
        }
        let mut kept = Vec::with_capacity(jobs.len());
        for (job, wait) in jobs.drain(..).zip(waits) {
            match wait {
                None => kept.push(job),
                Some(retry_after) => {
                    self.metrics.reject("rate_limited");
                    let _ = job
                        .reply
                        .send(Err(IntakeError::RateLimited { retry_after }));
                }
            }
        }
        *jobs = kept;
    }

    /// Settles the claims another node left provisional past their deadline (it died, or lost the
    /// counter store, between admitting and confirming): a reporter whose counted report SQL holds
    /// within the window is a repeat (true in the answer: its claim is confirmed with the batch; the
    /// counters, which lack its report, are marked for repair); the other orphans are taken over and
    /// judged afresh. Those SQL cannot be asked about stay orphaned (answered unavailable).
    async fn settle_orphans(
        &self,
        claims: &[Claim],
        verdicts: &mut [Verdict],
        now: i64,
    ) -> Vec<bool> {
        let mut settled = vec![false; claims.len()];
        let orphans: Vec<usize> = (0..claims.len())
            .filter(|&i| verdicts[i] == Verdict::Orphaned)
            .collect();
        if orphans.is_empty() {
            return settled;
        }
        let asked: Vec<&Claim> = orphans.iter().map(|&i| &claims[i]).collect();
        let stored = match self
            .db
            .counted_claims(&asked, now - DEDUP_WINDOW_SECONDS)
            .await
        {
            Ok(stored) => stored,
            Err(e) => {
                tracing::error!(error = %e, orphans = orphans.len(), "cannot settle orphaned claims");
                return settled;
            }
        };
        let mut free = Vec::new();
        for (&i, stored) in orphans.iter().zip(stored) {
            if stored {
                verdicts[i] = Verdict::Repeat;
                settled[i] = true;
            } else {
                free.push(i);
            }
        }
        if free.len() < orphans.len() {
            // Stored by a node that died before counting them: the leader's repair recounts.
            self.counts.note_missed(now);
        }
        let taken: Vec<Claim> = free.iter().map(|&i| claims[i].clone()).collect();
        let fresh = self
            .counts
            .take_over_or_local(&taken, now, DEDUP_WINDOW_SECONDS, &self.rules.network)
            .await;
        for (&i, verdict) in free.iter().zip(fresh) {
            verdicts[i] = verdict;
        }
        tracing::info!(
            orphans = orphans.len(),
            stored = orphans.len() - free.len(),
            "settled claims another node left provisional"
        );
        settled
    }

    #[tracing::instrument(name = "write_batch", skip_all, fields(reports = jobs.len()))]
    async fn write_batch(&self, store: &mut impl ReportSink, jobs: &mut Vec<Job>) {
        self.refuse_over_limit(jobs).await;
        if jobs.is_empty() {
            return;
        }
        let now = self.clock.now();
        let claims: Vec<Claim> = jobs
            .iter()
            .map(|j| Claim {
                service: j.report.service.clone(),
                reporter: j.report.reporter.clone(),
                network: match j.report.kind {
                    ReportKind::WorksAgain => j.report.network.for_works_again(),
                    ReportKind::Problem(_) => j.report.network.clone(),
                },
            })
            .collect();
        let bound = &self.rules.network;
        let admitted_at = std::time::Instant::now();
        let mut verdicts = self
            .counts
            .admit_or_local(&claims, now, DEDUP_WINDOW_SECONDS, bound)
            .await;
        let settled_by_sql = self.settle_orphans(&claims, &mut verdicts, now).await;

        let mut replies = Vec::with_capacity(jobs.len());
        let mut reports: Vec<NewReport> = Vec::with_capacity(jobs.len());
        let mut kept: Vec<(Claim, Verdict, bool)> = Vec::with_capacity(jobs.len());
        let judged = claims.into_iter().zip(verdicts).zip(settled_by_sql);
        for (job, ((claim, verdict), settled)) in jobs.drain(..).zip(judged) {
            let refusal = match verdict {
                Verdict::InFlight { retry_after } => {
                    Some(("in_flight", IntakeError::InFlight { retry_after }))
                }
                // SQL could not say whether the orphan's report was stored.
                Verdict::Orphaned => Some(("unavailable", IntakeError::Unavailable)),
                _ => None,
            };
            if let Some((reason, refusal)) = refusal {
                self.metrics.reject(reason);
                let _ = job.reply.send(Err(refusal));
                continue;
            }
            let mut report = job.report;
            report.counted = verdict.counted();
            report.uncounted = verdict.reason();
            reports.push(report);
            replies.push(job.reply);
            kept.push((claim, verdict, settled));
        }
        if reports.is_empty() {
            return;
        }
        self.metrics.intake_batch_size.observe(reports.len() as f64);

        let ids = match store.insert_reports(&reports).await {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!(error = %e, batch = reports.len(), "storing reports failed");
                // Nothing was stored, so nobody was counted: the retries must be able to count.
                let won: Vec<Claim> = kept
                    .into_iter()
                    .filter(|(_, verdict, _)| verdict.counted())
                    .map(|(claim, _, _)| claim)
                    .collect();
                self.counts.release_or_local(&won, now, bound).await;
                for reply in replies {
                    let _ = reply.send(Err(IntakeError::Unavailable));
                }
                return;
            }
        };
        if admitted_at.elapsed().as_secs() >= PROVISIONAL_CLAIM_SECS as u64 {
            // Its claims were orphans for a while: a retry on another node may have counted too.
            tracing::warn!(
                batch = reports.len(),
                seconds = admitted_at.elapsed().as_secs(),
                "a batch was stored after its claims' provisional deadline"
            );
        }

        let hits: Vec<Hit> = reports
            .iter()
            .zip(&kept)
            .filter_map(|(r, (_, verdict, _))| match verdict {
                Verdict::Counted { first_of_network } => Some(Hit {
                    service: r.service.clone(),
                    kind: r.kind,
                    region: r.region.clone(),
                    at: r.created_at,
                    first_of_network: *first_of_network,
                }),
                _ => None,
            })
            .collect();
        // The claims this batch won, and the orphans SQL showed stored: final from here on.
        let confirmed: Vec<Claim> = kept
            .into_iter()
            .filter(|(_, verdict, settled)| verdict.counted() || *settled)
            .map(|(claim, _, _)| claim)
            .collect();
        match self.counts.commit(&hits, &confirmed, now).await {
            Ok(()) => self.counts.check_late(&hits, self.clock.now()),
            Err(e) => {
                tracing::warn!(error = %e, hits = hits.len(), "counting failed; counts will be repaired from SQL")
            }
        }

        self.count_accepted(&reports);
        for ((reply, report), id) in replies.into_iter().zip(reports).zip(ids) {
            let _ = reply.send(Ok(Accepted {
                id,
                bucket_start: Resolution::Minute.floor(report.created_at),
                counted: report.counted,
                region: report.region,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> &'static RegionCatalog {
        static CATALOG: std::sync::OnceLock<RegionCatalog> = std::sync::OnceLock::new();
        CATALOG.get_or_init(|| RegionCatalog::embedded().expect("embedded regions"))
    }

    fn validate(input: &ReportInput) -> Result<ValidReport, Invalid> {
        super::validate(input, regions())
    }

    fn input(problem: &str) -> ReportInput {
        ReportInput {
            problem: problem.into(),
            ..Default::default()
        }
    }

    #[test]
    fn validation_names_the_first_bad_field() {
        assert!(validate(&input("login")).is_ok());
        assert!(matches!(
            validate(&input("coffee")),
            Err(Invalid::Problem(_))
        ));
        let mut i = input("card");
        i.region = Some("italy".into());
        assert!(matches!(validate(&i), Err(Invalid::Region(_))));
        let mut i = input("card");
        i.lat = Some(91.0);
        i.lon = Some(0.0);
        assert!(matches!(validate(&i), Err(Invalid::Location(_))));
        let mut i = input("card");
        i.comment = Some("x".repeat(501));
        assert!(matches!(validate(&i), Err(Invalid::Comment(_))));
        let mut i = input("website");
        i.region = Some("".into());
        i.comment = Some("  ".into());
        let v = validate(&i).unwrap();
        assert_eq!((v.region, v.comment), (None, None));
        let mut i = input("login");
        i.region = Some("IT-99".into());
        assert!(matches!(validate(&i), Err(Invalid::UnknownRegion(_))));
        i.region = Some("TLI".into());
        assert_eq!(validate(&i).unwrap().region.unwrap().as_str(), "TLI");
    }

    #[test]
    fn coordinates_decide_the_region() {
        let mut i = input("login");
        // Milan, with a region chosen elsewhere: the position wins.
        i.region = Some("IT-62".into());
        i.lat = Some(45.4642);
        i.lon = Some(9.1899);
        assert_eq!(validate(&i).unwrap().region.unwrap().as_str(), "IT-25");
        // Mid-Atlantic: no region at all.
        i.lat = Some(40.0);
        i.lon = Some(-30.0);
        assert_eq!(validate(&i).unwrap().region, None);
    }
}
