//! The API of issue 13 §1, black-box: service filters and details, outages in pages that an insert
//! between requests neither shifts nor repeats, the intake's `Location` served with public fields
//! only, problem `type` URIs, CORS, ETag and 304, and the per-network budget of uncached work.

use crate::helpers::*;
use downtally::counts::RateLimit;
use downtally::detect::Status;
use downtally::domain::{ProblemKind, RegionId};
use downtally::store::{OutageRecord, StatusRow};
use serde_json::{Value, json};

async fn json_of(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

/// A 422 problem whose detail names `param`.
async fn assert_refused(app: &TestApp, path: &str, param: &str) {
    let res = app.get(path).await;
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "{path}"
    );
    let (status, body) = json_of(res).await;
    assert_eq!(status, 422, "{path}: {body}");
    assert_eq!(body["type"], "/api#problem-unprocessable", "{path}");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.starts_with(&format!("{param}:")), "{path}: {detail}");
}

fn slugs(body: &Value) -> Vec<String> {
    body["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn services_filter_and_link_everything_and_refuse_unknown_values() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let (status, all) = json_of(app.get("/api/v1/services").await).await;
    assert_eq!(status, 200);
    let monzo = &all["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == MONZO)
        .unwrap()
        .clone();
    let base = &app.address;
    assert_eq!(monzo["links"]["page"], format!("{base}/s/monzo"));
    assert_eq!(
        monzo["links"]["api"],
        format!("{base}/api/v1/services/monzo")
    );
    assert_eq!(
        monzo["links"]["series"],
        format!("{base}/api/v1/services/monzo/series")
    );
    assert_eq!(monzo["links"]["feed"], format!("{base}/s/monzo/feed.atom"));
    assert_eq!(monzo["links"]["badge"], format!("{base}/badge/monzo.svg"));
    assert_eq!(
        monzo["links"]["statuspage"],
        format!("{base}/s/monzo/api/v2/status.json")
    );
    assert_eq!(monzo["status"]["code"], "normal");
    assert!(monzo["open_outage_id"].is_null());
    assert_eq!(monzo["category"], "neobank");
    assert!(monzo["website"].as_str().is_some());

    let (_, gb_neo) = json_of(
        app.get("/api/v1/services?country=gb&category=neobank")
            .await,
    )
    .await;
    let found = slugs(&gb_neo);
    assert!(found.contains(&MONZO.to_owned()), "{found:?}");
    for s in gb_neo["services"].as_array().unwrap() {
        assert_eq!(s["category"], "neobank");
        assert!(s["countries"].as_array().unwrap().contains(&json!("GB")));
    }
    let (_, de) = json_of(app.get("/api/v1/services?country=DE").await).await;
    assert!(slugs(&de).contains(&"unicredit".to_owned()));
    assert!(!slugs(&de).contains(&MONZO.to_owned()));
    let (_, q) = json_of(app.get("/api/v1/services?q=MONZ").await).await;
    assert_eq!(slugs(&q), vec![MONZO]);
    let (_, q) = json_of(app.get("/api/v1/services?q=sanpaolo").await).await;
    assert_eq!(slugs(&q), vec![INTESA]);
    let (_, normal) = json_of(app.get("/api/v1/services?status=normal").await).await;
    assert_eq!(slugs(&normal).len(), slugs(&all).len());
    let (_, outage) = json_of(app.get("/api/v1/services?status=outage").await).await;
    assert!(slugs(&outage).is_empty());

    for (query, param) in [
        ("country=ZZ", "country"),
        ("country=GBR", "country"),
        ("category=bakery", "category"),
        ("category=", "category"),
        ("status=down", "status"),
        (&format!("q={}", "x".repeat(101)), "q"),
    ] {
        assert_refused(&app, &format!("/api/v1/services?{query}"), param).await;
    }
}

/// An outage going on at monzo, as the monitor records it (row, status, board).
async fn open_outage(app: &TestApp, started_at: i64) -> i64 {
    let db = &app.state.db;
    let id = db
        .insert_outage(
            &OutageRecord {
                service: slug(MONZO),
                region: None,
                started_at,
                ended_at: None,
                peak_at: started_at,
                peak_count: 40.0,
                baseline_at_peak: 4.0,
                top_problems: vec![(ProblemKind::Login, 30)],
                regions: vec![],
            },
            started_at,
        )
        .await
        .unwrap();
    db.set_statuses(&[StatusRow {
        service: slug(MONZO),
        status: Status::Outage,
        since: started_at,
        outage_id: Some(id),
        updated_at: app.clock.now(),
    }])
    .await
    .unwrap();
    app.state.board.load(db).await.unwrap();
    // As after a monitor pass that saw it: what showed the service before is made again.
    app.state.pages.generations.bump(MONZO);
    id
}

#[tokio::test]
async fn a_service_has_details_its_open_outage_and_problem_shares() {
    let app = spawn_app(AppOptions::sqlite()).await;
    settled(&app).await;
    for (i, problem) in ["login", "login", "login", "card"].iter().enumerate() {
        app.report_ok(
            MONZO,
            &json!({ "problem": problem }),
            &format!("detail-{i}"),
        )
        .await;
    }
    let (status, quiet) = json_of(app.get("/api/v1/services/monzo").await).await;
    assert_eq!(status, 200, "{quiet}");
    assert!(quiet["open_outage"].is_null() && quiet["incident"].is_null());
    assert_eq!(quiet["last_24h"]["reports"], 4);
    assert_eq!(quiet["last_24h"]["problems"][0]["problem"], "login");
    assert_eq!(quiet["last_24h"]["problems"][0]["share"], 0.75);
    assert!(quiet["support"].as_str().unwrap().starts_with("https://"));
    assert_eq!(quiet["slug"], MONZO);
    assert!(quiet["links"]["badge"].as_str().is_some());

    let id = open_outage(&app, app.clock.now() - 600).await;
    // A new monitor pass: the cached answer is not served any more.
    let (_, troubled) = json_of(app.get("/api/v1/services/monzo").await).await;
    assert_eq!(troubled["status"]["code"], "outage");
    assert_eq!(troubled["open_outage_id"], id);
    assert_eq!(troubled["open_outage"]["id"], id);
    assert_eq!(
        troubled["open_outage"]["api"],
        format!("{}/api/v1/outages/{id}", app.address)
    );
    assert_eq!(troubled["incident"]["reports"], 4);
    assert_eq!(troubled["incident"]["problems"][1]["problem"], "card");
    assert_eq!(troubled["incident"]["problems"][1]["share"], 0.25);
    let (_, listed) = json_of(app.get("/api/v1/services?status=outage").await).await;
    assert_eq!(slugs(&listed), vec![MONZO]);

    let res = app.get("/api/v1/services/no-such-bank").await;
    let (status, body) = json_of(res).await;
    assert_eq!(
        (status, body["type"].as_str()),
        (404, Some("/api#problem-not-found"))
    );
}

/// A monzo outage started at `start`, resolved half an hour later when `ended` says so.
async fn insert_outage(app: &TestApp, start: i64, ended: Option<i64>) -> i64 {
    insert_outage_of(app, MONZO, None, start, ended).await
}

async fn insert_outage_of(
    app: &TestApp,
    service: &str,
    region: Option<&str>,
    start: i64,
    ended: Option<i64>,
) -> i64 {
    app.state
        .db
        .insert_outage(
            &OutageRecord {
                service: slug(service),
                region: region.map(|r| RegionId::parse(r).unwrap()),
                started_at: start,
                ended_at: ended,
                peak_at: start,
                peak_count: 10.0,
                baseline_at_peak: 2.0,
                top_problems: vec![(ProblemKind::Card, 5)],
                regions: vec![(RegionId::parse("GB-WLS").unwrap(), 2)],
            },
            start,
        )
        .await
        .unwrap()
}

/// Outages of two services, one a minute, the two newest starting at once; every third open, the
/// fourth in Scotland only.
async fn record_outages(app: &TestApp, n: i64) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let start = T0 + i * 60 - if i == n - 1 { 60 } else { 0 };
        let service = if i % 2 == 0 { MONZO } else { BARCLAYS };
        let region = (i == 3).then_some("GB-SCT");
        let ended = (i % 3 != 0).then_some(start + 1800);
        ids.push(insert_outage_of(app, service, region, start, ended).await);
    }
    ids
}

/// Waits for the monitor's first pass (it runs at start), so that it changes nothing under a test.
async fn settled(app: &TestApp) {
    for _ in 0..200 {
        if app.state.board.updated_at() > 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the monitor made no pass in 10 s");
}

/// Every page of `first`, following `next`, checking the `Link` header on the way.
async fn walk(app: &TestApp, first: &str, between: impl AsyncFn(usize)) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut url = app.url(first);
    for page in 0.. {
        let res = app.client.get(&url).send().await.unwrap();
        let link = res
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned());
        let (status, body) = json_of(res).await;
        assert_eq!(status, 200, "{url}: {body}");
        ids.extend(
            body["outages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_i64().unwrap()),
        );
        let Some(next) = body["next"].as_str() else {
            assert!(link.is_none() && body["next_cursor"].is_null());
            break;
        };
        assert_eq!(link, Some(format!("<{next}>; rel=\"next\"")));
        assert!(next.contains(body["next_cursor"].as_str().unwrap()));
        between(page).await;
        url = next.to_owned();
    }
    ids
}

async fn outage_pages(app: TestApp) {
    let ids = record_outages(&app, 9).await;
    // Newest first: start descending, then id descending (the last two start at once).
    let mut expected: Vec<i64> = ids[..7].iter().rev().copied().collect();
    expected.insert(0, ids[7]);
    expected.insert(0, ids[8]);
    let seen = walk(&app, "/api/v1/outages?limit=2", async |page| {
        if page == 1 {
            // Recorded while a client pages: the newest of all, and one that starts with the
            // newest (a later id sorts first among equals): both before the pages read so far.
            insert_outage(&app, T0 + 3000, None).await;
            insert_outage(&app, T0 + 420, None).await;
        }
    })
    .await;
    assert_eq!(seen, expected, "no repeats, no skips, in order");
    let (_, everything) = json_of(app.get("/api/v1/outages?limit=200").await).await;
    let everything = everything["outages"].as_array().unwrap().clone();
    assert_eq!(everything.len(), 11);

    let only = |q: &str| {
        let q = q.to_owned();
        let app = &app;
        async move { walk(app, &format!("/api/v1/outages?{q}"), async |_| {}).await }
    };
    let monzo: Vec<i64> = everything
        .iter()
        .filter(|o| o["service"] == MONZO)
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(only("service=monzo&limit=1").await, monzo);
    let open = only("status=open").await;
    assert!(
        open.contains(&ids[0]) && !open.contains(&ids[1]),
        "{open:?}"
    );
    let resolved = only("status=resolved").await;
    assert!(resolved.contains(&ids[1]) && !resolved.contains(&ids[0]));
    assert_eq!(only("region=GB-SCT").await, vec![ids[3]]);
    // A service-wide outage with reports from Wales is an outage there too.
    assert!(only("region=GB-WLS").await.contains(&ids[0]));
    assert!(only("country=IT").await.is_empty());
    assert_eq!(only("country=GB").await.len(), 11);
    let window = only("from=2024-09-26T10:01:00Z&to=2024-09-26T10:03:00Z").await;
    assert_eq!(window, vec![ids[2], ids[1]]);
    assert!(
        only("from=2024-09-27T00:00:00Z&to=2024-09-26T00:00:00Z")
            .await
            .is_empty()
    );

    for (query, param) in [
        ("service=nope", "service"),
        ("country=ZZ", "country"),
        ("region=XX-99", "region"),
        ("region=lombardy", "region"),
        ("from=yesterday", "from"),
        ("to=2024-13-01T00:00:00Z", "to"),
        ("to=", "to"),
        ("status=", "status"),
        ("status=maybe", "status"),
        ("cursor=abc", "cursor"),
        ("cursor=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "cursor"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=ten", "limit"),
    ] {
        assert_refused(&app, &format!("/api/v1/outages?{query}"), param).await;
    }
    app.stop().await;
}

#[tokio::test]
async fn outages_page_by_cursor_stable_under_inserts_on_sqlite() {
    outage_pages(spawn_app(AppOptions::sqlite().manual_clock(T0 + 3600)).await).await;
}

#[tokio::test]
async fn outages_page_by_cursor_stable_under_inserts_on_postgres() {
    if let Some(app) = spawn_on_postgres(AppOptions::default().manual_clock(T0 + 3600)).await {
        outage_pages(app).await;
    }
}

#[tokio::test]
async fn the_intake_location_serves_the_reports_public_fields_only() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let body = json!({
        "problem": "login",
        "lat": 45.4642, "lon": 9.1899,
        "comment": "cannot log in since nine"
    });
    let res = app.post_report(INTESA, &body, "location-ua").await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let (status, report) = json_of(app.get(&location).await).await;
    assert_eq!(status, 200, "{location}: {report}");
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "bucket_start",
            "comment",
            "counted",
            "id",
            "problem",
            "region",
            "service"
        ]
    );
    assert_eq!(report["service"], INTESA);
    assert_eq!(report["problem"], "login");
    assert_eq!(report["region"], "IT-25");
    assert_eq!(report["counted"], true);
    assert_eq!(report["comment"], "cannot log in since nine");
    assert!(report["bucket_start"].as_str().unwrap().ends_with(":00Z"));
    let text = report.to_string();
    for private in ["45.46", "9.18", "9.19", "reporter", "network", "lat", "lon"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    // A repeat is not counted, and its comment is not public.
    let res = app.post_report(INTESA, &body, "location-ua").await;
    let again = res.headers()["location"].to_str().unwrap().to_owned();
    let (_, repeat) = json_of(app.get(&again).await).await;
    assert_eq!(
        (&repeat["counted"], &repeat["comment"]),
        (&json!(false), &Value::Null)
    );
    // Another service's path, or no such report: 404.
    let id = report["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/services/{MONZO}/reports/{id}"),
        format!("/api/v1/services/{INTESA}/reports/999999"),
        format!("/api/v1/services/{INTESA}/reports/x1"),
    ] {
        let (status, body) = json_of(app.get(&path).await).await;
        assert_eq!(
            (status, body["type"].as_str()),
            (404, Some("/api#problem-not-found")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn errors_under_api_have_a_type_per_kind() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let expect = |res: reqwest::Response, status: u16, kind: &'static str| async move {
        let (got, body) = json_of(res).await;
        assert_eq!(got, status, "{body}");
        assert_eq!(body["type"], format!("/api#problem-{kind}"));
        assert_eq!(body["status"], status);
    };
    expect(app.get("/api/v1/nothing").await, 404, "not-found").await;
    let res = app
        .client
        .delete(app.url("/api/v1/outages"))
        .send()
        .await
        .unwrap();
    expect(res, 405, "method-not-allowed").await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/services/{MONZO}/reports")))
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect(res, 415, "unsupported-media-type").await;
    expect(
        app.get("/api/v1/outages?limit=-1").await,
        422,
        "unprocessable",
    )
    .await;
    let res = app
        .post_report(MONZO, &json!({"problem": "telepathy"}), "t")
        .await;
    expect(res, 422, "unprocessable").await;
}

#[tokio::test]
async fn answers_are_cors_readable_cached_and_revalidated() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    settled(&app).await;
    let res = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/api/v1/outages"))
        .header("Origin", "https://newsroom.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "if-none-match")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(res.headers()["access-control-allow-methods"], "GET, HEAD");
    assert!(
        res.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("If-None-Match")
    );

    for path in [
        "/api/v1/services",
        "/api/v1/services/monzo",
        "/api/v1/outages",
        "/api/v1/services/monzo/series",
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("Origin", "https://newsroom.example")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], "*", "{path}");
        let cc = h["cache-control"].to_str().unwrap();
        assert!(cc.starts_with("public, max-age="), "{path}: {cc}");
        let etag = h["etag"].to_str().unwrap().to_owned();
        let body = res.bytes().await.unwrap();
        let res = app
            .client
            .get(app.url(path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{path}");
        assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
        assert_eq!(res.headers()["access-control-allow-origin"], "*");
        assert!(res.bytes().await.unwrap().is_empty());
        // The same answer again, from the cache, gzipped when asked.
        let res = app
            .client
            .get(app.url(path))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], "gzip", "{path}");
        assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
        let zipped = res.bytes().await.unwrap();
        let mut plain = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut plain)
            .unwrap();
        assert_eq!(plain, body, "{path}");
    }
    // Errors are readable from other sites too, and never kept.
    let res = app.get("/api/v1/outages?limit=0").await;
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn uncached_work_is_limited_per_network_while_the_cache_still_answers() {
    let app = spawn_app_with(AppOptions::sqlite().manual_clock(T0), |s| {
        s.api_rate = RateLimit {
            burst: 5.0,
            per_minute: 1.0,
        };
    })
    .await;
    settled(&app).await;
    let busy = client_from(network_of("api-busy"));
    let get = |client: &reqwest::Client, path: &str, etag: Option<&str>| {
        let mut req = client.get(app.url(path));
        if let Some(etag) = etag {
            req = req.header("If-None-Match", etag);
        }
        req.send()
    };
    let res = get(&busy, "/api/v1/services", None).await.unwrap();
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let mut refused = 0;
    for i in 0..10 {
        let res = get(&busy, &format!("/api/v1/services?q=x{i}"), None)
            .await
            .unwrap();
        if res.status() == 429 {
            refused += 1;
            let h = res.headers();
            assert_eq!(h["retry-after"], "60");
            assert_eq!(h["access-control-allow-origin"], "*");
            let (_, body) = json_of(res).await;
            assert_eq!(body["type"], "/api#problem-too-many-requests");
        } else {
            assert_eq!(res.status(), 200);
        }
    }
    assert_eq!(refused, 6, "5 at once: the first answer and 4 more");
    // The same network: answers from the cache, and 304s, still come.
    for _ in 0..20 {
        let res = get(&busy, "/api/v1/services", None).await.unwrap();
        assert_eq!(res.status(), 200);
        let res = get(&busy, "/api/v1/services", Some(&etag)).await.unwrap();
        assert_eq!(res.status(), 304);
        let res = get(&busy, "/api/v1/services?q=x0", None).await.unwrap();
        assert_eq!(res.status(), 200);
    }
    // Another network has its own budget.
    let other = client_from(network_of("api-other"));
    let res = get(&other, "/api/v1/services?q=x9", None).await.unwrap();
    assert_eq!(res.status(), 200);
}

/// Behind a trusted proxy, the budget is the forwarded client's network's, not the proxy's.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_network_has_its_own_budget() {
    let proxy = network_of("api-proxy");
    let app = spawn_app_with(
        AppOptions {
            trusted_proxies: proxy.to_string().parse().unwrap(),
            ..AppOptions::sqlite().manual_clock(T0)
        },
        |s| {
            s.api_rate = RateLimit {
                burst: 2.0,
                per_minute: 1.0,
            };
        },
    )
    .await;
    settled(&app).await;
    let client = client_from(proxy);
    let get = |path: String, forwarded_for: &'static str| {
        client
            .get(app.url(&path))
            .header("X-Forwarded-For", forwarded_for)
            .send()
    };
    let statuses = async |forwarded_for: &'static str, from: usize| {
        let mut out = Vec::new();
        for i in from..from + 3 {
            let res = get(format!("/api/v1/services?q=p{i}"), forwarded_for).await;
            out.push(res.unwrap().status().as_u16());
        }
        out
    };
    assert_eq!(statuses("198.51.100.7", 0).await, [200, 200, 429]);
    // Another client of the same proxy: its own network, its own budget.
    assert_eq!(statuses("203.0.113.9", 10).await, [200, 200, 429]);
}
