//! Comments on the service page (issue 4): posting, escaping, order, pages, limits, and comments
//! left with a report, on SQLite and on PostgreSQL.

use crate::helpers::{AppOptions, Database, MONZO, TestApp, require_env, spawn_app};
use serde_json::json;

const T0: i64 = 1_727_092_800;

async fn post_comment(app: &TestApp, slug: &str, body: &str, ua: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/s/{slug}/comments?lang=en")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", ua)
        .body(body.to_owned())
        .send()
        .await
        .expect("POST answers")
}

async fn page(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

/// The comments section of a service page.
fn comments_of(html: &str) -> &str {
    let start = html.find("id=\"comments\"").expect("a comments section");
    let end = html[start..].find("</section>").expect("section end") + start;
    &html[start..end]
}

/// The bodies of the listed comments, in page order.
fn bodies(section: &str) -> Vec<&str> {
    section
        .split("<p class=\"comment-body\">")
        .skip(1)
        .map(|s| &s[..s.find("</p>").unwrap()])
        .collect()
}

async fn comments_work(app: &TestApp) {
    let empty = page(app, &format!("/s/{MONZO}?lang=en")).await;
    assert!(comments_of(&empty).contains("No comments yet"));

    let res = post_comment(
        app,
        MONZO,
        "name=Ann+%3Cb%3E&body=Card+declined+%3Cscript%3Ealert(1)%3C%2Fscript%3E+%26+more",
        "phone/1",
    )
    .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/s/{MONZO}?commented=1#comments"));
    let thanked = page(
        app,
        &format!("{}&lang=en", location.trim_end_matches("#comments")),
    )
    .await;
    assert!(comments_of(&thanked).contains("your comment is published"));

    // A comment left with a report is listed too, with its problem; the newest comes first.
    app.clock.set(app.clock.now() + 60);
    app.report_ok(
        MONZO,
        &json!({"problem": "login", "comment": "App says\nerror 42"}),
        "phone/2",
    )
    .await;
    let html = page(app, &format!("/s/{MONZO}?lang=en")).await;
    let section = comments_of(&html);
    assert_eq!(
        bodies(section),
        vec![
            "App says\nerror 42",
            "Card declined &#60;script&#62;alert(1)&#60;/script&#62; &#38; more"
        ],
        "{section}"
    );
    assert!(section.contains("with a report about Login"), "{section}");
    assert!(section.contains("Ann &#60;b&#62;"), "{section}");
    assert!(section.contains("Anonymous"), "{section}");
    assert!(!html.contains("<script>alert"), "an unescaped comment");

    // Limits: empty, too long, name too long, too many from one visitor.
    for (body, status) in [
        ("body=+++", 422),
        (&*format!("body={}", "x".repeat(501)), 422),
        (&*format!("name={}&body=hi", "n".repeat(41)), 422),
        ("body=a&body=b", 400),
    ] {
        let res = post_comment(app, MONZO, body, "phone/3").await;
        assert_eq!(res.status().as_u16(), status, "{body:.40}");
        assert!(res.text().await.unwrap().contains("<html"), "an error page");
    }
    for i in 0..3 {
        let res = post_comment(app, MONZO, &format!("body=again+{i}"), "chatty").await;
        assert_eq!(res.status(), 303, "comment {i} of a chatty visitor");
    }
    let res = post_comment(app, MONZO, "body=once+more", "chatty").await;
    assert_eq!(res.status(), 429);
    assert!(res.text().await.unwrap().contains("several comments"));
    // The limit is per visitor and per window.
    app.clock.set(app.clock.now() + 10 * 60);
    assert_eq!(
        post_comment(app, MONZO, "body=later", "chatty")
            .await
            .status(),
        303
    );
    assert_eq!(
        post_comment(app, "no-such-bank", "body=hi", "x")
            .await
            .status(),
        404
    );

    // 2 + 3 + 1 = 6 comments so far; 6 more make two pages of 10 and 2.
    for i in 0..6 {
        app.clock.set(app.clock.now() + 1);
        let res = post_comment(app, MONZO, &format!("body=number+{i}"), &format!("ua/{i}")).await;
        assert_eq!(res.status(), 303);
    }
    let first = page(app, &format!("/s/{MONZO}?lang=en")).await;
    let section = comments_of(&first);
    let listed = bodies(section);
    assert_eq!(listed.len(), 10, "{section}");
    assert_eq!(listed[0], "number 5");
    assert!(
        section.contains("?comments=2#comments"),
        "no link to older comments"
    );
    let second = page(app, &format!("/s/{MONZO}?comments=2&lang=en")).await;
    let section = comments_of(&second);
    assert_eq!(
        bodies(section),
        vec![
            "App says\nerror 42",
            "Card declined &#60;script&#62;alert(1)&#60;/script&#62; &#38; more"
        ]
    );
    assert!(
        section.contains("?comments=1#comments"),
        "no link to newer comments"
    );
    assert!(
        !section.contains("?comments=3"),
        "a link past the last page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_on_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    comments_work(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_on_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let app = spawn_app(AppOptions {
        database: Database::FreshPostgres(admin),
        ..AppOptions::sqlite().manual_clock(T0)
    })
    .await;
    comments_work(&app).await;
    app.stop().await;
}
