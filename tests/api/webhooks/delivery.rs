//! Confirmation, signatures, order, exactly once, retries, restarts, two nodes, giving up.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_subscribers_get_signed_events_in_order_once_each_within_five_seconds() {
    let app = spawn_app_with(AppOptions::sqlite(), fast).await;
    let rx = Receiver::start("/hooks/json-7f3a").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;

    // Nothing but the challenge until it is answered; then the subscription is active.
    rx.wait_for("the challenge", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let challenge = &rx.all()[0];
    assert_eq!(challenge.event, "subscription.challenge");
    assert_eq!(challenge.json()["subscription"], id);
    wait_state(&app, &id, &secret, "active").await;
    // Sealed at rest: the row holds neither the URL nor the secret.
    if let downtally::store::Db::Sqlite(pool) = &app.state.db {
        let stored: String = sqlx::query_scalar(
            "SELECT url || ' ' || secret || ' ' || url_digest FROM webhook_subscriptions",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert!(
            !stored.contains("json-7f3a") && !stored.contains(&secret),
            "{stored}"
        );
    }

    // A Slack subscription to the country: confirmed by the code its first message carries.
    let slack = Receiver::start("/services/T000/B000/xyz").await;
    let res = subscribe(
        &app,
        json!({"url": slack.url, "country": "gb", "format": "slack", "events": ["outage.started"]}),
        2,
    )
    .await;
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    let (sid, ssecret) = (v["id"].as_str().unwrap(), v["secret"].as_str().unwrap());
    assert_eq!(v["events"], json!(["outage.started"]));
    slack
        .wait_for("the code", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let text = slack.all()[0].json()["text"].as_str().unwrap().to_owned();
    let code: String = text
        .split("code ")
        .nth(1)
        .unwrap()
        .chars()
        .take(8)
        .collect();
    let confirm = |code: String, secret: String| {
        let app_url = app.url(&format!("/api/v1/subscriptions/{sid}/confirm"));
        let client = app.client.clone();
        async move {
            client
                .post(app_url)
                .bearer_auth(secret)
                .json(&json!({ "code": code }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(confirm(code.clone(), "whsec_wrong".into()).await, 401);
    assert_eq!(confirm("00000000x".into(), ssecret.into()).await, 422);
    assert_eq!(confirm(code, ssecret.into()).await, 200);

    // The receiver is slow on the first event: `resolved`, queued right after, must wait for it.
    rx.script
        .lock()
        .push_back(Answer::Slow(Duration::from_millis(300)));
    let outage = store_outage(&app, false).await;
    let declared = Instant::now();
    declare(&app, EventKind::Started, outage).await;
    declare(&app, EventKind::Resolved, outage).await;
    rx.wait_for("two events", Duration::from_secs(10), |r| {
        r.iter().filter(|x| x.event.starts_with("outage.")).count() >= 2
    })
    .await;
    slack
        .wait_for("the slack event", Duration::from_secs(5), |r| r.len() >= 2)
        .await;
    let events = rx.events();
    let started = &events[0];
    let latency = started.at - declared;
    eprintln!("webhook delivered {latency:?} after the outage was queued (json receiver)");
    assert!(
        rx.events()[1].at >= started.at + Duration::from_millis(250),
        "resolved did not wait for started's answer"
    );
    assert!(latency < Duration::from_secs(5), "took {latency:?}");
    assert_eq!(started.event, "outage.started");
    assert_eq!(events[1].event, "outage.resolved");
    assert!(events[1].at >= started.at, "resolved before started");
    let now = chrono::Utc::now().timestamp();
    for e in &events {
        assert!(
            verify(&secret, &e.signature, &e.body, now, 60),
            "bad signature {}",
            e.signature
        );
        assert!(!verify(ssecret, &e.signature, &e.body, now, 60));
        let body = e.json();
        assert_eq!(body["id"], e.delivery, "the body's id is the header's");
        assert_eq!(body["type"], e.event);
        assert_eq!(body["subscription"], id);
        assert_eq!(body["outage"]["id"], outage);
        assert_eq!(body["outage"]["service"], SERVICE);
        assert!(
            body["outage"]["permalink"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/outages/{outage}"))
        );
    }
    let slack_text = slack.all()[1].json()["text"].as_str().unwrap().to_owned();
    assert!(
        slack_text.starts_with("Monzo: outage since"),
        "{slack_text}"
    );
    assert!(slack_text.contains(&format!("/outages/{outage}")));

    // An update (the service's statement) reaches the JSON subscriber, not the Slack one (started only).
    app.state
        .webhooks
        .outage_event(
            EventKind::Updated,
            outage,
            &ServiceSlug::parse(SERVICE).unwrap(),
            None,
            Some(UpdateReason::Statement),
        )
        .await;
    rx.wait_for("the update", Duration::from_secs(5), |r| {
        r.iter().any(|x| x.event == "outage.updated")
    })
    .await;
    // Exactly one delivery per event (the slow one was answered within the timeout).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = rx.events();
    assert_eq!(
        events.len(),
        3,
        "{:?}",
        events.iter().map(|e| &e.event).collect::<Vec<_>>()
    );
    assert_eq!(events[2].json()["reason"], "statement");
    assert_eq!(slack.all().len(), 2, "slack asked for outage.started only");

    // Metrics count the attempts.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("downtally_webhook_delivery_attempts_total{outcome=\"delivered\"}"));
    assert!(metrics.contains("downtally_webhook_delivery_seconds_bucket"));
    assert!(metrics.contains("downtally_webhook_queue_depth"));

    // Unsubscribe with the secret only.
    let path = app.url(&format!("/api/v1/subscriptions/{id}"));
    let res = app.client.delete(&path).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app
        .client
        .delete(&path)
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(
        app.client
            .get(&path)
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_after_500s_and_timeouts_and_survive_a_restart() {
    // On PostgreSQL when there is one (its claims use FOR UPDATE SKIP LOCKED), else SQLite.
    let file = SqliteFile::new();
    let database = match require_env("TEST_DATABASE_URL") {
        Some(admin) => Database::Url(fresh_postgres(&admin).await),
        None => Database::Sqlite(file.clone()),
    };
    let app = spawn_app_with(
        AppOptions {
            database: database.clone(),
            ..AppOptions::sqlite()
        },
        fast,
    )
    .await;
    let rx = Receiver::start("/hooks/retry").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;
    wait_state(&app, &id, &secret, "active").await;

    // 500, then a timeout, then 200: three attempts of one delivery, same id and body.
    rx.script.lock().extend([
        Answer::Status(500),
        Answer::Slow(Duration::from_millis(1500)),
    ]);
    let first = store_outage(&app, false).await;
    declare(&app, EventKind::Started, first).await;
    rx.wait_for(
        "a success after a 500 and a timeout",
        Duration::from_secs(10),
        |r| r.iter().filter(|x| x.event.starts_with("outage.")).count() >= 3,
    )
    .await;
    let tries = rx.events();
    assert_eq!(tries[0].answered, 500);
    assert!(
        tries
            .iter()
            .all(|t| t.delivery == tries[0].delivery && t.body == tries[0].body)
    );
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("outcome=\"http_5xx\"} 1"), "{metrics}");
    assert!(metrics.contains("outcome=\"timeout\"} 1"), "{metrics}");

    // A receiver failing when the server stops: the delivery waits in SQL for the next start.
    rx.script
        .lock()
        .extend(std::iter::repeat_n(Answer::Status(503), 1000));
    let second = store_outage(&app, true).await;
    declare(&app, EventKind::Resolved, second).await;
    rx.wait_for("a failed attempt", Duration::from_secs(5), |r| {
        r.iter().any(|x| x.answered == 503)
    })
    .await;
    let pending = rx.events().last().unwrap().delivery.clone();
    app.stop().await;
    rx.script.lock().clear();
    let before = rx.events().len();

    let app = spawn_app_with(
        AppOptions {
            database,
            ..AppOptions::sqlite()
        },
        fast,
    )
    .await;
    rx.wait_for(
        "the delivery after the restart",
        Duration::from_secs(10),
        |r| {
            r.iter().filter(|x| x.event.starts_with("outage.")).count() > before
                && r.last().is_some_and(|x| x.answered == 200)
        },
    )
    .await;
    let last = rx.events().last().unwrap().clone();
    assert_eq!(last.delivery, pending, "the same delivery, resent");
    assert_eq!(last.event, "outage.resolved");
    // Delivered once: nothing further arrives.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        rx.events()
            .iter()
            .filter(|e| e.answered == 200 && e.delivery == pending)
            .count(),
        1
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_on_one_database_deliver_each_event_once() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let database = Database::Url(fresh_postgres(&admin).await);
    let node = |database: Database| {
        spawn_app_with(
            AppOptions {
                database,
                ..AppOptions::sqlite()
            },
            fast,
        )
    };
    let a = node(database.clone()).await;
    let b = node(database).await;
    let rx = Receiver::start("/hooks/two-nodes").await;
    rx.script.lock().extend(std::iter::repeat_n(
        Answer::Slow(Duration::from_millis(30)),
        1000,
    ));
    let mut subs = Vec::new();
    for n in 0..4 {
        let res = subscribe(&a, json!({"url": rx.url, "service": SERVICE}), 70 + n).await;
        assert_eq!(res.status(), 201);
        let v: Value = res.json().await.unwrap();
        subs.push((
            v["id"].as_str().unwrap().to_owned(),
            v["secret"].as_str().unwrap().to_owned(),
        ));
    }
    for (id, secret) in &subs {
        wait_state(&a, id, secret, "active").await;
    }
    // Events queued on both nodes; both workers claim from the same table.
    for _ in 0..3 {
        let outage = store_outage(&a, false).await;
        declare(&a, EventKind::Started, outage).await;
        declare(&b, EventKind::Resolved, outage).await;
    }
    let want = subs.len() * 6;
    rx.wait_for("every delivery", Duration::from_secs(15), |r| {
        r.iter().filter(|x| x.event.starts_with("outage.")).count() >= want
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = rx.events();
    let mut ids: Vec<&str> = events.iter().map(|e| e.delivery.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(events.len(), want, "a delivery was made twice");
    assert_eq!(ids.len(), want);
    // Per subscription, in the order queued: started, resolved, started, resolved, …
    for (id, _) in &subs {
        let kinds: Vec<String> = events
            .iter()
            .filter(|e| e.json()["subscription"] == id.as_str())
            .map(|e| e.event.clone())
            .collect();
        assert_eq!(kinds.len(), 6);
        for pair in kinds.chunks(2) {
            assert_eq!(pair, ["outage.started", "outage.resolved"], "{kinds:?}");
        }
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_failing_past_the_limit_is_disabled_with_the_reason() {
    let app = spawn_app_with(AppOptions::sqlite(), |s| {
        fast(s);
        s.webhooks.give_up_after = Duration::from_millis(800);
    })
    .await;
    let rx = Receiver::start("/hooks/always-500").await;
    let (id, secret) = subscribe_ok(&app, &rx.url, "json").await;
    wait_state(&app, &id, &secret, "active").await;
    rx.script
        .lock()
        .extend(std::iter::repeat_n(Answer::Status(500), 1000));
    let outage = store_outage(&app, false).await;
    declare(&app, EventKind::Started, outage).await;
    wait_state(&app, &id, &secret, "disabled").await;
    let v = subscription_state(&app, &id, &secret).await;
    let reason = v["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("no delivery succeeded"), "{reason}");
    assert!(reason.contains("500"), "{reason}");
    let tries = rx.events().len();
    assert!(tries >= 2, "retried before giving up: {tries}");
    // Nothing more is sent to a disabled subscription.
    declare(&app, EventKind::Resolved, outage).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(rx.events().len(), tries);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("downtally_webhook_subscriptions_disabled_total 1"),
        "{metrics}"
    );
    // A URL that never answers its challenge gets three of them, then nothing.
    let stranger = Receiver::start("/not-mine").await;
    stranger
        .ignore_challenges
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let (sid, ssecret) = subscribe_ok(&app, &stranger.url, "json").await;
    wait_state(&app, &sid, &ssecret, "disabled").await;
    let v = subscription_state(&app, &sid, &ssecret).await;
    assert!(
        v["disabled_reason"]
            .as_str()
            .unwrap()
            .starts_with("not confirmed"),
        "{v}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stranger.all().len(), 3);
    // Finished deliveries are pruned (here: all of them); the subscription and its reason stay.
    assert!(
        app.state
            .db
            .prune_webhook_deliveries(i64::MAX)
            .await
            .unwrap()
            >= 2
    );
    assert_eq!(
        subscription_state(&app, &id, &secret).await["state"],
        "disabled"
    );
    app.stop().await;
}
