//! Shared causes are named (issue 12, part 4): SMS codes failing at six Italian banks at once are
//! one incident group, shown on the pages, the permalinks and the API; a seventh bank's own login
//! failure in one region at the same time is not part of it. History and the incidents are
//! simulated and stored; the server's monitor finds the outages and groups them.

use crate::helpers::{fresh_postgres, require_env, slug};
use downtally::backfill::backfill_service;
use downtally::clock::Clock;
use downtally::detect::groups::{Group, Member};
use downtally::domain::ProblemKind;
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use downtally::store::{Db, OutageRecord};
use std::time::{Duration, Instant};

/// Thursday 2024-09-26 10:00 UTC (the AmEx Italy SMS outage day), near the daily peak.
const ONSET: i64 = 1_727_344_800;
const DAYS: u32 = 7;
/// Italian banks whose SMS codes fail at once (a few minutes apart).
const SMS_BANKS: [&str; 6] = [
    "intesa-sanpaolo",
    "unicredit",
    "banco-bpm",
    "bper-banca",
    "finecobank",
    "credem",
];
/// Its own login failure, in Piedmont only, at the same time.
const OWN: &str = "banca-sella";
const IT_REGIONS: [&str; 8] = [
    "IT-25", "IT-62", "IT-72", "IT-21", "IT-45", "IT-52", "IT-82", "IT-34",
];

/// `DAYS` of everyday traffic up to 25 minutes past the onset, with an outage from `at`.
fn spec(seed: u64, at: i64, problem: &'static str, regions: &[&str]) -> SimSpec {
    let mut spec = SimSpec::quiet(ONSET - i64::from(DAYS) * 86_400, DAYS, 3.0, seed);
    spec.buckets += 25;
    spec.regions = IT_REGIONS.iter().map(|r| r.to_string()).collect();
    spec.outages.push(SimOutage {
        at,
        minutes: 60,
        factor: 8.0,
        problems: vec![(problem, 1.0)],
        regions: regions.iter().map(|r| r.to_string()).collect(),
    });
    spec
}

async fn wait_for_pass(app: &downtally::web::AppState, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.board.updated_at() < at_least {
        assert!(
            Instant::now() < deadline,
            "the monitor did not run a pass in time"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn get(client: &reqwest::Client, url: String) -> String {
    let res = client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200, "{url}");
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_codes_failing_at_six_banks_are_one_group_and_an_own_outage_is_not_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/groups.db", dir.path().display());
    {
        let db = open_db(&url).await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, ONSET).await.unwrap();
        for (i, bank) in SMS_BANKS.iter().enumerate() {
            let at = ONSET + i as i64 * 60;
            backfill_service(
                &db,
                &slug(bank),
                &spec(i as u64 + 1, at, "sms_verification", &[]),
            )
            .await
            .unwrap();
        }
        let own = spec(99, ONSET + 2 * 60, "login", &["IT-21"]);
        backfill_service(&db, &slug(OWN), &own).await.unwrap();
        db.close().await;
    }

    let now = ONSET + 25 * 60 + 1;
    let clock = Clock::manual(now);
    let mut settings = Settings::new("127.0.0.1:0", &url, None);
    settings.clock = clock.clone();
    settings.monitor_interval = Duration::from_millis(50);
    settings.workers = Some(1);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    wait_for_pass(&state, now).await;

    let groups = state.board.groups();
    assert_eq!(groups.len(), 1, "{groups:?}");
    let g = &groups[0];
    let id = g.id.expect("stored");
    assert_eq!(
        (g.country.as_str(), g.problem),
        ("IT", ProblemKind::SmsVerification)
    );
    let mut members: Vec<&str> = g.members.iter().map(|m| m.service.as_str()).collect();
    members.sort_unstable();
    let mut expected = SMS_BANKS.to_vec();
    expected.sort_unstable();
    assert_eq!(members, expected);
    assert!(g.members.iter().all(|m| m.outage_id.is_some()));
    let own_outage = state
        .board
        .get(&slug(OWN))
        .outage_id
        .expect("its own outage was declared");

    let client = crate::helpers::client();
    let sentence = "Reports are rising at 6 services in Italy at once, mostly SMS codes: probably a shared provider.";
    let page = get(&client, format!("{base}/s/intesa-sanpaolo?lang=en")).await;
    assert!(page.contains(sentence), "service page without the group");
    for m in &g.members {
        assert!(page.contains(&format!("href=\"/outages/{}\"", m.outage_id.unwrap())));
    }
    let own_page = get(&client, format!("{base}/s/{OWN}?lang=en")).await;
    assert!(
        !own_page.contains("group-note"),
        "an own outage named as shared"
    );
    let home = get(&client, format!("{base}/?lang=en")).await;
    assert!(home.contains(sentence));
    let member_outage = g.members[0].outage_id.unwrap();
    let permalink = get(&client, format!("{base}/outages/{member_outage}?lang=it")).await;
    assert!(
        permalink.contains("Le segnalazioni aumentano contemporaneamente per 6 servizi in Italia, soprattutto per i codici SMS"),
        "permalink without the group in Italian"
    );

    let api: serde_json::Value =
        serde_json::from_str(&get(&client, format!("{base}/api/v1/outages/{member_outage}")).await)
            .unwrap();
    let group_json = &api["group"];
    assert_eq!(group_json["id"], id);
    assert_eq!(group_json["country"], "IT");
    assert_eq!(group_json["problem"], "sms_verification");
    assert_eq!(group_json["ongoing"], true);
    let listed = group_json["members"].as_array().unwrap();
    assert_eq!(listed.len(), 6);
    assert!(listed.iter().all(|m| {
        m["link"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/outages/{}", m["outage_id"]))
    }));
    assert!(api["ratio_to_normal"].as_f64().unwrap() > 1.0, "{api}");
    // The member's feed entry names the group and links its members, absolutely.
    let service = api["service"].as_str().unwrap();
    let feed = get(&client, format!("{base}/s/{service}/feed.atom?lang=it")).await;
    assert!(
        feed.contains("Le segnalazioni aumentano contemporaneamente per 6 servizi in Italia"),
        "the feed entry without the group: {feed}"
    );
    assert!(
        feed.contains(&format!("href=&quot;{base}/outages/")),
        "{feed}"
    );
    let own_api: serde_json::Value =
        serde_json::from_str(&get(&client, format!("{base}/api/v1/outages/{own_outage}")).await)
            .unwrap();
    assert!(own_api["group"].is_null());

    // The next pass keeps the group and its id.
    clock.set(now + 60);
    wait_for_pass(&state, now + 60).await;
    assert_eq!(state.board.groups().first().and_then(|g| g.id), Some(id));

    handle.stop(true).await;
    server.await.unwrap().unwrap();
}

/// Groups are stored alike in SQLite and PostgreSQL: ids given on insert, members joining and
/// leaving, a group ending, and what the permalink reads for an outage.
#[tokio::test]
async fn groups_are_stored_and_read_back_in_both_databases() {
    let dir = tempfile::tempdir().unwrap();
    let mut urls = vec![format!("sqlite://{}/store.db", dir.path().display())];
    if let Some(admin) = require_env("TEST_DATABASE_URL") {
        urls.push(fresh_postgres(&admin).await);
    }
    for url in urls {
        let db = Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let catalog = downtally::catalog::Catalog::embedded().unwrap();
        db.sync_catalog(&catalog, ONSET).await.unwrap();
        let mut outages = Vec::new();
        for bank in &SMS_BANKS[..4] {
            let record = OutageRecord {
                service: slug(bank),
                region: None,
                started_at: ONSET,
                ended_at: None,
                peak_at: ONSET,
                peak_count: 20.0,
                baseline_at_peak: 3.0,
                top_problems: vec![(ProblemKind::SmsVerification, 20)],
                regions: Vec::new(),
            };
            outages.push(db.insert_outage(&record, ONSET).await.unwrap());
        }
        let member = |i: usize| Member {
            service: slug(SMS_BANKS[i]),
            outage_id: Some(outages[i]),
            started_at: ONSET,
        };
        // Groups list their members by service, as `group` gives them.
        let by_service = |mut m: Vec<Member>| {
            m.sort_by(|a, b| a.service.cmp(&b.service));
            m
        };
        let formed = Group {
            id: None,
            country: "IT".into(),
            problem: ProblemKind::SmsVerification,
            started_at: ONSET,
            anchor: slug(SMS_BANKS[0]),
            members: by_service((0..3).map(member).collect()),
        };
        let mut grouping = downtally::detect::groups::Grouping {
            groups: vec![formed],
            ended: Vec::new(),
        };
        db.save_grouping(&mut grouping, &[], ONSET).await.unwrap();
        let id = grouping.groups[0].id.expect("an id given");
        assert_eq!(db.live_groups().await.unwrap(), grouping.groups, "{url}");

        // One leaves, one joins.
        let previous = grouping.groups.clone();
        let mut next = previous[0].clone();
        next.members = by_service(vec![member(1), member(2), member(3)]);
        let mut grouping = downtally::detect::groups::Grouping {
            groups: vec![next],
            ended: Vec::new(),
        };
        db.save_grouping(&mut grouping, &previous, ONSET + 60)
            .await
            .unwrap();
        assert_eq!(db.live_groups().await.unwrap(), grouping.groups, "{url}");
        let stored = db
            .group_of_outage(outages[0])
            .await
            .unwrap()
            .expect("was in it");
        assert_eq!(stored.group.members.len(), 4, "everyone who was in it");
        assert_eq!(stored.ended_at, None);

        // It ends.
        let mut ended = downtally::detect::groups::Grouping {
            groups: Vec::new(),
            ended: vec![id],
        };
        db.save_grouping(&mut ended, &grouping.groups, ONSET + 120)
            .await
            .unwrap();
        assert!(db.live_groups().await.unwrap().is_empty());
        let stored = db.group_of_outage(outages[3]).await.unwrap().unwrap();
        assert_eq!(stored.ended_at, Some(ONSET + 120));
        assert_eq!(stored.group.id, Some(id));
        db.close().await;
    }
}
