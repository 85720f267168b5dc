//! Claims on a shared counter store are provisional until their report is stored (issue 14 §4):
//! a node killed between admitting a reporter and storing the report must not turn the client's
//! retry into an acknowledged, uncounted "repeat" of a report SQL never got; and one killed between
//! storing and confirming must not let the retry count twice. Another node plays the dead one here:
//! it admits through its own connection to the same Redis and never confirms. And when Redis loses
//! its claims (restarted empty), the repair puts them back from SQL.

use crate::helpers::*;
use downtally::counts::admission::PROVISIONAL_CLAIM_SECS;
use downtally::counts::{
    BucketRange, Claim, CountStore, Dim, Hit, NetworkBound, RedisCounts, Resolution, Verdict,
};
use downtally::domain::{NetworkKey, ProblemKind, ReportKind, ReporterKey};
use downtally::privacy::{Salts, network_key, reporter_key_for};
use downtally::store::{Db, NewReport};
use serde_json::json;

const TTL: i64 = 900;

fn real_now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn node(url: &str) -> RedisCounts {
    RedisCounts::connect(url).await.expect("Redis answers")
}

fn claim(service: &str, reporter: &str, network: &str) -> Claim {
    Claim {
        service: slug(service),
        reporter: ReporterKey::from_hex(reporter.to_owned()),
        network: NetworkKey::from_hex(network.to_owned()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_in_flight_elsewhere_waits_and_a_confirmed_one_repeats() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    let (a, b) = (node(redis.url()).await, node(redis.url()).await);
    let bound = NetworkBound::default();
    let now = real_now();
    let c = claim(&format!("inflight-{}", random_hex(4)), "r1", "n1");

    let first = a.admit(std::slice::from_ref(&c), now, TTL, &bound).await;
    assert!(first.unwrap()[0].counted());
    // Another node meets it while `a` stores the report: neither a repeat nor a second count.
    let elsewhere = b
        .admit(std::slice::from_ref(&c), now + 1, TTL, &bound)
        .await;
    let Verdict::InFlight { retry_after } = elsewhere.unwrap()[0] else {
        panic!("a claim provisional on another node is in flight");
    };
    assert_eq!(retry_after, (PROVISIONAL_CLAIM_SECS - 1) as u64);
    // The node that made it: a batch of its own in flight, which stores or releases it.
    let again = a
        .admit(std::slice::from_ref(&c), now + 1, TTL, &bound)
        .await;
    assert_eq!(again.unwrap(), [Verdict::Repeat]);

    let hit = Hit {
        service: c.service.clone(),
        kind: ReportKind::Problem(ProblemKind::Login),
        region: None,
        at: now,
        first_of_network: true,
    };
    a.commit(&[hit], std::slice::from_ref(&c), now)
        .await
        .unwrap();
    // Confirmed: a repeat everywhere, also past the provisional deadline.
    for (store, at) in [(&b, now + 2), (&b, now + PROVISIONAL_CLAIM_SECS + 5)] {
        let v = store.admit(std::slice::from_ref(&c), at, TTL, &bound).await;
        assert_eq!(v.unwrap(), [Verdict::Repeat]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taking_orphans_over_undoes_their_admission() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    let (dead, alive) = (node(redis.url()).await, node(redis.url()).await);
    let bound = NetworkBound::default();
    let now = real_now();
    let svc = format!("orphans-{}", random_hex(4));
    // A household's network at its bound: four reporters, admitted by a node that then died.
    let claims: Vec<Claim> = (0..bound.base)
        .map(|i| claim(&svc, &format!("r{i}"), "home"))
        .collect();
    let verdicts = dead.admit(&claims, now, TTL, &bound).await.unwrap();
    assert!(verdicts.iter().all(|v| v.counted()));

    let later = now + PROVISIONAL_CLAIM_SECS;
    let found = alive.admit(&claims, later, TTL, &bound).await.unwrap();
    assert!(found.iter().all(|v| *v == Verdict::Orphaned), "{found:?}");
    // Their reports were never stored: taken over, they count, within the same network bound (the
    // dead node's admissions no longer hold places in it), and the one that was its network's
    // first in the block (never recorded) hands that on: the networks series still lacks it.
    let taken = alive.take_over(&claims, later, TTL, &bound).await.unwrap();
    let counted = |first_of_network| Verdict::Counted { first_of_network };
    let mut expected = vec![counted(false); claims.len()];
    expected[0] = counted(true);
    assert_eq!(taken, expected);
    let fifth = claim(&svc, "r-late", "home");
    let over = alive.admit(&[fifth], later, TTL, &bound).await.unwrap();
    assert_eq!(over, [Verdict::NetworkBound]);
    // Taken over, they are this node's now: another take-over finds nothing to take.
    let twice = alive.take_over(&claims, later, TTL, &bound).await.unwrap();
    assert!(twice.iter().all(|v| *v == Verdict::Repeat), "{twice:?}");
}

/// The claim and report the app would make for `user_agent` reporting a login problem now.
async fn as_the_app_would(db: &Db, service: &str, user_agent: &str, now: i64) -> NewReport {
    let salt = Salts::new(db.clone()).for_time(now).await.unwrap();
    let ip = network_of(user_agent);
    let kind = ReportKind::Problem(ProblemKind::Login);
    NewReport {
        service: slug(service),
        kind,
        region: None,
        coordinates: None,
        comment: None,
        reporter: reporter_key_for(&salt, ip, user_agent, &slug(service), kind),
        counted: true,
        created_at: now,
        network: network_key(&salt, ip),
        uncounted: None,
    }
}

fn claim_of(report: &NewReport) -> Claim {
    Claim {
        service: report.service.clone(),
        reporter: report.reporter.clone(),
        network: report.network.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_node_died_is_counted_exactly_once() {
    let Some(redis) = AnyRedis::get().await else {
        return;
    };
    let now = real_now();
    let app = spawn_app(AppOptions {
        redis_url: Some(redis.url().to_owned()),
        ..AppOptions::sqlite().manual_clock(now)
    })
    .await;
    let db = Db::connect(&app.db_url).await.unwrap();
    let dead = node(redis.url()).await;
    let bound = NetworkBound::default();

    // Killed after admitting, before storing: the retry is told to wait, then counts.
    let lost = as_the_app_would(&db, MONZO, "lost-before-commit", now).await;
    dead.admit(&[claim_of(&lost)], now, TTL, &bound)
        .await
        .unwrap();
    let body = json!({"problem": "login"});
    let res = app.post_report(MONZO, &body, "lost-before-commit").await;
    assert_eq!(res.status(), 503);
    let wait: i64 = res.headers()["Retry-After"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=PROVISIONAL_CLAIM_SECS).contains(&wait), "{wait}");
    assert_eq!(
        db.stored_counts().await.unwrap().reports,
        0,
        "nothing stored"
    );
    app.clock.set(now + wait);
    let retried = app.report_ok(MONZO, &body, "lost-before-commit").await;
    assert_eq!(retried["counted"], true);
    // Counted in the shared counters too (the dead node never recorded anything, as a killed node
    // would not have).
    let range = BucketRange {
        first: Resolution::Minute.floor(now),
        count: 2,
        step: Resolution::Minute.step(),
    };
    let all = dead
        .series(&slug(MONZO), &Dim::All, Resolution::Minute, range)
        .await;
    assert_eq!(all.unwrap().iter().sum::<u64>(), 1);

    // Killed after storing, before confirming: the retry is a repeat (SQL holds the report).
    let stored = as_the_app_would(&db, MONZO, "lost-after-commit", now).await;
    dead.admit(&[claim_of(&stored)], now, TTL, &bound)
        .await
        .unwrap();
    db.insert_reports(std::slice::from_ref(&stored))
        .await
        .unwrap();
    let retried = app.report_ok(MONZO, &body, "lost-after-commit").await;
    assert_eq!(retried["counted"], false, "a repeat of what SQL holds");
    // Settled by SQL once, the claim is confirmed: the next node decides without asking SQL.
    let v = dead
        .admit(&[claim_of(&stored)], now + wait + 1, TTL, &bound)
        .await
        .unwrap();
    assert_eq!(v, [Verdict::Repeat]);

    let totals = db.stored_counts().await.unwrap();
    assert_eq!((totals.reports, totals.counted), (3, 2));
    app.stop().await;
}

/// Reports a login problem on MONZO as `user_agent` from `ip`; whether it counted.
async fn counted_from(app: &TestApp, ip: std::net::IpAddr, user_agent: &str) -> bool {
    let res = client_from(ip)
        .post(app.url(&format!("/api/v1/services/{MONZO}/reports")))
        .header("User-Agent", user_agent)
        .json(&json!({"problem": "login"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<serde_json::Value>().await.unwrap()["counted"] == true
}

/// Redis restarted empty loses every claim and network count: the leader's repair puts them back
/// from SQL, so a reporter who counted before is still a repeat and a network at its bound stays
/// there (before, both started afresh for the rest of the window).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repair_after_redis_restarts_empty_puts_the_admissions_back() {
    let Some(mut redis) = RedisServer::start().await else {
        return;
    };
    let app = spawn_app(AppOptions {
        redis_url: Some(redis.url.clone()),
        ..AppOptions::sqlite().manual_clock(real_now())
    })
    .await;
    let bound = NetworkBound::default();
    let home = network_of("a household");
    for person in 0..bound.base {
        assert!(counted_from(&app, home, &format!("home-{person}")).await);
    }
    assert!(!counted_from(&app, home, "home-late").await, "at its bound");
    let someone = network_of("someone");
    assert!(counted_from(&app, someone, "someone").await);

    redis.restart().await;
    let started = std::time::Instant::now();
    while !(app.state.counts.trusted() && app.state.db.counts_stale().await.unwrap().is_none()) {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "no repair"
        );
        // Past the repair's cutoff (a minute after the loss), well within the window.
        app.clock.set(app.clock.now() + 5);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(
        !counted_from(&app, someone, "someone").await,
        "counted again within the window"
    );
    assert!(
        !counted_from(&app, home, "home-later").await,
        "the network's bound started afresh"
    );
    assert!(counted_from(&app, network_of("newcomer"), "newcomer").await);
    app.stop().await;
}
