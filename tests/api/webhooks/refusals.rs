//! SSRF refusals, the rate limit, and the URL never answered or logged.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_refused_and_the_url_is_never_answered() {
    let app = spawn_app_with(AppOptions::sqlite(), fast).await;
    let refused = [
        "https://127.0.0.1/hook-secret-a1",
        "https://10.1.2.3/hook-secret-a1",
        "https://169.254.169.254/latest/meta-data/hook-secret-a1",
        "https://[::1]/hook-secret-a1",
        "https://[::ffff:127.0.0.1]/hook-secret-a1",
        "https://localhost/hook-secret-a1",
        "https://100.64.0.1/hook-secret-a1",
        "https://[fd00::1]/hook-secret-a1",
        "http://10.0.0.1/hook-secret-a1",
        "ftp://example.com/hook-secret-a1",
        "https://user:pw@example.com/hook-secret-a1",
    ];
    for (n, url) in refused.iter().enumerate() {
        let res = subscribe(&app, json!({"url": url, "service": SERVICE}), 10 + n as u32).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 422, "{url}: {text}");
        assert!(!text.contains("hook-secret-a1"), "{url} echoed: {text}");
    }
    // Other refusals do not echo it either.
    for body in [
        json!({"url": "https://example.com/hook-secret-a1", "service": "no-such-bank"}),
        json!({"url": "https://example.com/hook-secret-a1", "service": SERVICE, "events": ["x"]}),
        json!({"url": "https://example.com/hook-secret-a1", "service": 7}),
        json!({"url": ["https://example.com/hook-secret-a1"], "service": SERVICE}),
    ] {
        let res = subscribe(&app, body, 40).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status == 422 || status == 400, "{status}: {text}");
        assert!(!text.contains("hook-secret-a1"), "echoed: {text}");
    }
    app.stop().await;

    // Without the development setting, http:// to loopback is refused too; one network may
    // create only so many subscriptions.
    let app = spawn_app_with(AppOptions::sqlite(), |s| {
        s.webhooks.create_rate.burst = 2.0;
    })
    .await;
    let rx = Receiver::start("/hook-secret-b2").await;
    let res = subscribe(&app, json!({"url": rx.url, "service": SERVICE}), 50).await;
    assert_eq!(res.status(), 422);
    assert!(!res.text().await.unwrap().contains("hook-secret-b2"));
    // Refused before any token is taken: a URL that cannot be valid costs nothing; one that needs
    // a DNS look-up takes a token from the network's budget of 2.
    for status in [422, 422, 429] {
        let res = subscribe(
            &app,
            json!({"url": "https://10.9.9.9/h", "service": SERVICE}),
            50,
        )
        .await;
        assert_eq!(res.status(), status);
        if status == 429 {
            assert!(res.headers().contains_key("retry-after"));
        }
    }
    app.stop().await;
    assert!(rx.all().is_empty(), "nothing may reach a refused URL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_never_logs_a_subscriber_url() {
    let rx = Receiver::start("/hook-secret-c3").await;
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/wh.db", dir.path().display());
    let port = free_port();
    let log = dir.path().join("server.log");
    let logfile = std::fs::File::create(&log).unwrap();
    let key = "5a".repeat(32);
    let mut child = downtally_command(&[("DATABASE_URL", &db), ("DOWNTALLY_WEBHOOKS_KEY", &key)])
        .env("RUST_LOG", "debug")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args([
            "--webhooks-allow-loopback-http",
            "--webhooks-timeout-ms",
            "500",
        ])
        .stdout(logfile.try_clone().unwrap())
        .stderr(logfile)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = client_from(nth_network(60));
    let start = Instant::now();
    let created = loop {
        if let Ok(res) = client
            .post(format!("{base}/api/v1/subscriptions"))
            .json(&json!({"url": rx.url, "service": SERVICE}))
            .send()
            .await
        {
            break res;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the binary did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(created.status(), 201);
    let v: Value = created.json().await.unwrap();
    rx.wait_for("the challenge", Duration::from_secs(5), |r| !r.is_empty())
        .await;
    let path = format!("{base}/api/v1/subscriptions/{}", v["id"].as_str().unwrap());
    let res = client
        .delete(&path)
        .bearer_auth(v["secret"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let _ = child.kill();
    let _ = child.wait();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("webhook subscription created"), "{text}");
    assert!(!text.contains("hook-secret-c3"), "the URL reached the log");
    assert!(
        !text.contains(v["secret"].as_str().unwrap()),
        "the secret reached the log"
    );
    let _ = rx.port;
}
