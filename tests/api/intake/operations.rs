//! Operations: /healthz, /readyz (with the counter backend) and /metrics.

use super::{expect_json_error, postgres_with_redis};
use crate::helpers::*;
use downtally::clock::Clock;
use serde_json::{Value, json};

async fn check_operations(app: &TestApp, counters: &str) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["sql"]["status"], json!("ok"), "{v}");
    assert_eq!(v["counters"]["status"], json!("ok"), "{v}");
    assert_eq!(v["counters"]["backend"], json!(counters), "{v}");

    app.report_ok(AMEX, &json!({"problem": "sms_verification"}), "m1")
        .await;
    expect_json_error(
        app.post_report(AMEX, &json!({"problem": "telepathy"}), "m1")
            .await,
        422,
    )
    .await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    for needle in [
        r#"downtally_reports_accepted_total{counted="true",reason=""} 1"#,
        r#"downtally_reports_rejected_total{reason="unknown_problem"} 1"#,
        "downtally_http_request_duration_seconds_bucket",
        "# TYPE downtally_http_request_duration_seconds histogram",
    ] {
        assert!(text.contains(needle), "/metrics lacks {needle}:\n{text}");
    }
    assert!(
        text.lines().any(
            |l| l.starts_with("downtally_http_request_duration_seconds_count")
                && l.contains("/api/v1/services/{slug}/reports")
        ),
        "latency is labelled by route pattern:\n{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_sqlite() {
    let app = spawn_app(AppOptions::sqlite()).await;
    check_operations(&app, "memory").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics_postgres_redis() {
    let Some((app, mut redis)) = postgres_with_redis(Clock::System).await else {
        return;
    };
    check_operations(&app, "redis").await;
    // Without Redis the service is alive, and ready but degraded: it still takes reports.
    if let AnyRedis::Private(server) = &mut redis {
        server.kill();
        assert_eq!(app.get("/healthz").await.status(), 200);
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 200);
        let v: Value = res.json().await.unwrap();
        assert!(
            v["status"]
                .as_str()
                .unwrap()
                .starts_with("degraded: counter store unreachable since "),
            "{v}"
        );
        let port = format!(":{}", server.port);
        assert!(
            !v.to_string().contains("127.0.0.1") && !v.to_string().contains(&port),
            "no address on a public endpoint: {v}"
        );
    }
}
