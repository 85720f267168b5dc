//! The admin area (issue 9 §4): absent without tokens, closed to wrong tokens and to guessing,
//! open to a bearer token or a login session; hiding and restoring comments, official statements
//! on the service page, the permalink and the API, and every action recorded with its token's
//! label. On SQLite and on PostgreSQL.

use crate::helpers::{
    AppOptions, BARCLAYS, Database, MONZO, TestApp, client_from, comment_id_of, nth_network,
    require_env, spawn_app, spawn_app_with,
};
use downtally::store::OutageRecord;
use serde_json::json;

const T0: i64 = 1_727_092_800;
const TOKEN: &str = "s3cret-ops-token-0001";
const TOKENS: &str = "ops:s3cret-ops-token-0001,night:another-token-for-nights";

async fn spawn_admin_app(database: Database) -> TestApp {
    spawn_app_with(
        AppOptions {
            database,
            ..AppOptions::sqlite().manual_clock(T0)
        },
        |s| s.admin_tokens = Some(TOKENS.parse().unwrap()),
    )
    .await
}

/// POSTs a form to `path` with these headers.
async fn post_form(
    app: &TestApp,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("POST answers")
}

fn bearer() -> (&'static str, String) {
    ("authorization", format!("Bearer {TOKEN}"))
}

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("GET answers")
}

async fn text_of(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_tokens_there_is_no_admin_area() {
    let app = spawn_app(AppOptions::sqlite()).await;
    let auth = bearer();
    for (method, path) in [
        ("GET", "/admin"),
        ("POST", "/admin/login"),
        ("POST", "/admin/logout"),
        ("POST", "/admin/comments"),
        ("POST", "/admin/statements"),
    ] {
        let req = match method {
            "GET" => app.client.get(app.url(path)),
            _ => app.client.post(app.url(path)).body("token=x"),
        };
        let res = req.header(auth.0, &auth.1).send().await.unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
        assert!(res.text().await.unwrap().contains("<html"), "a page");
    }
    app.stop().await;
}

/// GET /admin from `client` with `Authorization: Bearer TOKEN`.
async fn bearer_get(app: &TestApp, client: &reqwest::Client, token: &str) -> reqwest::Response {
    client
        .get(app.url("/admin"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .expect("GET answers")
}

/// Wrong tokens are 401, the login form and the bearer header both count failures, and a network
/// past its failures is refused (429) even with the right token; another network is not.
async fn wrong_tokens_and_guessing_are_refused(app: &TestApp) {
    let page = text_of(app, "/admin?lang=en").await;
    assert!(page.contains("action=\"/admin/login\""), "a login form");
    assert!(!page.contains("Flagged comments"), "nothing else");

    let guesser = client_from(nth_network(90));
    let mut statuses = Vec::new();
    for i in 0..12 {
        let res = if i % 2 == 0 {
            bearer_get(app, &guesser, &format!("wrong-{i}")).await
        } else {
            guesser
                .post(app.url("/admin/login"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("token=wrong-{i}"))
                .send()
                .await
                .unwrap()
        };
        statuses.push(res.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(&statuses[10..], &[429; 2], "{statuses:?}");
    let res = bearer_get(app, &guesser, TOKEN).await;
    assert_eq!(res.status(), 429, "refused before any token is compared");
    assert!(res.headers().contains_key("retry-after"));

    let res = get_with(app, "/admin", &[("authorization", "Bearer nope")]).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.headers()["www-authenticate"],
        r#"Bearer realm="downtally admin""#,
        "a 401 names how to authenticate"
    );
    let res = get_with(app, "/admin", &[("authorization", "Basic b3BzOng=")]).await;
    assert_eq!(res.status(), 401);
    let res = post_form(app, "/admin/comments", "comment=c1&action=hide", &[]).await;
    assert_eq!(res.status(), 401, "an action without credentials");
    let forged = format!("dt_admin=ops.{}.00", T0 + 3600);
    let res = post_form(
        app,
        "/admin/comments",
        "comment=c1&action=hide",
        &[("cookie", &forged)],
    )
    .await;
    assert_eq!(res.status(), 401, "a forged session");
    // A quarter of an hour later the guesser may try again.
    app.clock.set(app.clock.now() + 15 * 60 + 1);
    assert_eq!(bearer_get(app, &guesser, TOKEN).await.status(), 200);
}

/// The login form sets a signed session cookie (never the token) that opens the area.
async fn login_opens_a_session(app: &TestApp) -> String {
    let res = post_form(app, "/admin/login?lang=en", &format!("token={TOKEN}"), &[]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin?done=login");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("dt_admin=ops."), "{cookie}");
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/admin"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "http here: {cookie}");
    assert!(!cookie.contains(TOKEN), "the token itself: {cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let res = get_with(app, "/admin?done=login&lang=en", &[("cookie", &session)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    assert!(page.contains("Signed in as ops."), "{page}");
    assert!(page.contains("Flagged comments"));
    session
}

/// A flagged comment is listed; hiding it (and the one that says the same) takes it off the
/// service page; restoring brings it back. A report's comment can be hidden too.
async fn hide_and_restore(app: &TestApp, session: &str) {
    for (n, ua) in [(60, "a"), (61, "b")] {
        let res = client_from(nth_network(n))
            .post(app.url(&format!("/s/{MONZO}/comments")))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("user-agent", ua)
            .body("body=Buy+cheap+followers+now")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
    }
    app.report_ok(
        MONZO,
        &json!({"problem": "login", "comment": "login broken for me"}),
        "reporter",
    )
    .await;
    let html = text_of(app, &format!("/s/{MONZO}?lang=en")).await;
    assert!(html.contains("Buy cheap followers now") && html.contains("+1 said the same"));
    let id = comment_id_of(&html, "Buy cheap followers now");
    let res = client_from(nth_network(62))
        .post(app.url(&format!("/s/{MONZO}/comments/{id}/flag")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let admin = text_of_with(app, "/admin?lang=en", session).await;
    let flagged = &admin[admin.find("flagged-h").unwrap()..admin.find("hidden-h").unwrap()];
    assert!(flagged.contains("Buy cheap followers now"), "{flagged}");
    assert!(flagged.contains(&format!("value=\"{id}\"")));

    let res = moderate(app, &id, "hide", ("cookie", session)).await;
    assert_eq!(res.headers()["location"], "/admin?done=hidden");
    let html = text_of(app, &format!("/s/{MONZO}?lang=en")).await;
    assert!(!html.contains("Buy cheap followers"), "both copies hidden");
    assert!(html.contains("login broken for me"));
    let admin = text_of_with(app, "/admin?lang=en", session).await;
    let hidden = &admin[admin.find("hidden-h").unwrap()..admin.find("statement-h").unwrap()];
    assert_eq!(
        hidden.matches("Buy cheap followers now").count(),
        2,
        "{hidden}"
    );

    let (k, v) = bearer();
    moderate(app, &id, "restore", (k, &v)).await;
    let html = text_of(app, &format!("/s/{MONZO}?lang=en")).await;
    assert!(html.contains("Buy cheap followers now") && html.contains("+1 said the same"));

    // The comment left with the report (`r…`).
    let rid = comment_id_of(&html, "login broken for me");
    assert!(rid.starts_with('r'), "{rid}");
    moderate(app, &rid, "hide", (k, &v)).await;
    assert!(
        !text_of(app, &format!("/s/{MONZO}?lang=en"))
            .await
            .contains("login broken for me")
    );

    for (body, status) in [
        ("comment=c999999&action=hide", 404),
        ("comment=zz&action=hide", 422),
        (&*format!("comment={id}&action=delete"), 422),
    ] {
        let res = post_form(app, "/admin/comments", body, &[(k, &v)]).await;
        assert_eq!(res.status().as_u16(), status, "{body}");
    }
}

/// An admin hides or restores comment `id` (asserting 303).
async fn moderate(app: &TestApp, id: &str, action: &str, auth: (&str, &str)) -> reqwest::Response {
    let body = format!("comment={id}&action={action}");
    let res = post_form(app, "/admin/comments", &body, &[auth]).await;
    assert_eq!(res.status(), 303, "{action} {id}");
    res
}

async fn text_of_with(app: &TestApp, path: &str, session: &str) -> String {
    let res = get_with(app, path, &[("cookie", session)]).await;
    assert_eq!(res.status(), 200, "GET {path}");
    res.text().await.unwrap()
}

/// A statement attached to an ongoing outage shows on the service page, the permalink and the API.
async fn statements_are_published(app: &TestApp, session: &str) {
    let now = app.clock.now();
    let outage = app
        .state
        .db
        .insert_outage(
            &OutageRecord {
                service: crate::helpers::slug(BARCLAYS),
                region: None,
                started_at: now - 1800,
                ended_at: None,
                peak_at: now - 600,
                peak_count: 42.0,
                baseline_at_peak: 3.0,
                top_problems: Vec::new(),
                regions: Vec::new(),
            },
            now,
        )
        .await
        .unwrap();
    let admin = text_of_with(app, "/admin?lang=en", session).await;
    assert!(
        admin.contains(&format!("<option value=\"{outage}\">")),
        "{admin}"
    );

    let (k, v) = bearer();
    let body = format!(
        "outage={outage}&body=We+are+aware+of+login+problems+%3Cb%3Eand+fixing+them%3C%2Fb%3E\
         &link=https%3A%2F%2Fstatus.barclays.example%2Fi%2F7&at=2024-09-23T13%3A45"
    );
    let res = post_form(app, "/admin/statements", &body, &[(k, &v)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/admin?done=statement");

    let text = "We are aware of login problems &#60;b&#62;and fixing them&#60;/b&#62;";
    let link =
        "<a href=\"https://status.barclays.example/i/7\" rel=\"nofollow noopener noreferrer\">";
    for path in [
        format!("/s/{BARCLAYS}?lang=en"),
        format!("/outages/{outage}?lang=en"),
    ] {
        let html = text_of(app, &path).await;
        assert!(html.contains(text), "{path}: {html}");
        assert!(html.contains(link), "{path}");
        assert!(html.contains("Official statement"), "{path}");
    }
    let api: serde_json::Value = app
        .get(&format!("/api/v1/outages/{outage}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["id"], outage);
    assert_eq!(api["service"], BARCLAYS);
    assert_eq!(api["ongoing"], true);
    assert_eq!(
        api["statements"],
        json!([{
            "text": "We are aware of login problems <b>and fixing them</b>",
            "link": "https://status.barclays.example/i/7",
            "stated_at": "2024-09-23T13:45:00Z",
        }])
    );
    assert_eq!(app.get("/api/v1/outages/999999").await.status(), 404);
    assert_eq!(app.get("/api/v1/outages/abc").await.status(), 404);

    for (body, status) in [
        (format!("outage={outage}&body=+"), 422),
        (
            format!("outage={outage}&body=x&link=javascript%3Aalert(1)"),
            422,
        ),
        (format!("outage={outage}&body=x&at=yesterday"), 422),
        ("outage=999999&body=x".to_owned(), 404),
    ] {
        let res = post_form(app, "/admin/statements", &body, &[(k, &v)]).await;
        assert_eq!(res.status().as_u16(), status, "{body}");
    }
}

/// Every action is a row of `admin_actions`: the token's label, what, to what, when.
async fn actions_are_recorded(app: &TestApp) {
    let actions = app.state.db.admin_actions(100).await.unwrap();
    let mut seen: Vec<(String, String)> = actions
        .iter()
        .map(|a| (a.label.clone(), a.action.clone()))
        .collect();
    seen.reverse();
    let want: Vec<(String, String)> = [
        "login",
        "hide_comment",
        "restore_comment",
        "hide_comment",
        "add_statement",
    ]
    .iter()
    .map(|a| ("ops".to_owned(), (*a).to_owned()))
    .collect();
    assert_eq!(seen, want);
    let hide = actions.iter().find(|a| a.action == "hide_comment").unwrap();
    assert!(hide.target.starts_with('r'), "{hide:?}");
    assert!(actions.iter().all(|a| a.created_at >= T0));
    let page = text_of_with(
        app,
        "/admin?lang=en",
        &login_session_for(app, "another-token-for-nights").await,
    )
    .await;
    assert!(
        page.contains("<td>add_statement</td>"),
        "the admin page lists them"
    );
    assert!(page.contains("Signed in as night."));
}

async fn login_session_for(app: &TestApp, token: &str) -> String {
    let res = post_form(app, "/admin/login", &format!("token={token}"), &[]).await;
    assert_eq!(res.status(), 303);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn admin_works(app: &TestApp) {
    wrong_tokens_and_guessing_are_refused(app).await;
    let session = login_opens_a_session(app).await;
    hide_and_restore(app, &session).await;
    statements_are_published(app, &session).await;
    actions_are_recorded(app).await;
    // Signing out clears the cookie.
    let res = post_form(app, "/admin/logout", "", &[("cookie", &session)]).await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("dt_admin=; Path=/admin; Max-Age=0")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_area_on_sqlite() {
    let app = spawn_admin_app(Database::FreshSqlite).await;
    admin_works(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_area_on_postgres() {
    let Some(admin) = require_env("TEST_DATABASE_URL") else {
        return;
    };
    let app = spawn_admin_app(Database::FreshPostgres(admin)).await;
    admin_works(&app).await;
    app.stop().await;
}
