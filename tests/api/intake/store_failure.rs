//! A report that could not be stored is answered 503, not acknowledged and not counted.

use super::{expect_html_error, expect_json_error, post_form};
use crate::helpers::*;
use serde_json::json;

async fn sql(db_url: &str, statement: &str) {
    let db = downtally::store::Db::connect(db_url).await.unwrap();
    match &db {
        downtally::store::Db::Sqlite(p) => {
            sqlx::query(statement).execute(p).await.unwrap();
        }
        downtally::store::Db::Postgres(p) => {
            sqlx::query(statement).execute(p).await.unwrap();
        }
    }
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_sql_refuses_is_answered_503_and_not_acknowledged() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    sql(
        &app.db_url,
        "CREATE TRIGGER refuse BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .await;
    let res = app
        .post_report(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    expect_json_error(res, 503).await;
    let res = post_form(&app, INTESA, "problem=login", "unlucky-form").await;
    expect_html_error(res, 503).await;
    assert!(stored_reports(&app.db_url).await.is_empty());
    assert_eq!(
        app.series_counts(INTESA, "window=1h&step=1m")
            .await
            .iter()
            .sum::<u64>(),
        0,
        "nothing stored, nothing counted"
    );
    sql(&app.db_url, "DROP TRIGGER refuse").await;
    // The server recovers once SQL does.
    app.report_ok(INTESA, &json!({"problem": "login"}), "lucky")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_failed_store_is_counted() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    sql(
        &app.db_url,
        "CREATE TRIGGER refuse BEFORE INSERT ON reports BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .await;
    let res = app
        .post_report(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    expect_json_error(res, 503).await;
    sql(&app.db_url, "DROP TRIGGER refuse").await;
    let v = app
        .report_ok(INTESA, &json!({"problem": "login"}), "unlucky")
        .await;
    assert_eq!(
        v["counted"],
        json!(true),
        "the first report was refused, so the retry is the reporter's first"
    );
}
