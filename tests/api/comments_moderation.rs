//! Comments under attack (issue 9 §4): a network's cap whatever its User-Agents, one write budget
//! shared with reports, comments of uncounted reports not published again, identical texts folded,
//! link-only comments refused, bidirectional controls removed, flags that collapse but never erase;
//! and the privacy page in every language. On SQLite and on PostgreSQL.

use crate::helpers::{
    AppOptions, MONZO, TestApp, client_from, comment_id_of, nth_network, spawn_app,
    spawn_on_postgres,
};
use downtally::i18n::{Lang, MISSING};
use serde_json::json;
use std::net::IpAddr;

const T0: i64 = 1_727_092_800;
const BARCLAYS: &str = crate::helpers::BARCLAYS;

async fn post_comment_from(
    app: &TestApp,
    network: IpAddr,
    slug: &str,
    body: &str,
    ua: &str,
    lang: &str,
) -> reqwest::Response {
    client_from(network)
        .post(app.url(&format!("/s/{slug}/comments?lang={lang}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", ua)
        .body(body.to_owned())
        .send()
        .await
        .expect("POST answers")
}

async fn flag_from(app: &TestApp, network: IpAddr, slug: &str, id: &str) -> reqwest::Response {
    client_from(network)
        .post(app.url(&format!("/s/{slug}/comments/{id}/flag?lang=en")))
        .header("user-agent", "reader")
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
async fn comments_section(app: &TestApp, slug: &str, lang: &str) -> String {
    let html = page(app, &format!("/s/{slug}?lang={lang}")).await;
    let start = html.find("id=\"comments\"").expect("a comments section");
    let end = html[start..].find("</section>").expect("section end") + start;
    html[start..end].to_owned()
}

/// The bodies of the listed comments, in page order.
fn bodies(section: &str) -> Vec<String> {
    section
        .split("<p class=\"comment-body\">")
        .skip(1)
        .map(|s| s[..s.find("</p>").unwrap()].to_owned())
        .collect()
}

/// 20 comments from one network with 20 User-Agents pass, the 21st is refused, also when they
/// come at once; another network still posts, and the visitor limit still holds.
async fn a_network_is_capped_whatever_its_user_agents(app: &TestApp) {
    let crowd = nth_network(1);
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (url, ua) = (app.url(&format!("/s/{MONZO}/comments")), format!("ua/{i}"));
        tasks.push(tokio::spawn(async move {
            client_from(crowd)
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .header("user-agent", ua)
                .body(format!("body=outage+note+{i}"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    let accepted = statuses.iter().filter(|&&s| s == 303).count();
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!((accepted, refused), (20, 10), "{statuses:?}");
    let res = post_comment_from(app, crowd, MONZO, "body=one+more", "ua/new", "en").await;
    assert_eq!(res.status(), 429);
    assert!(
        res.text().await.unwrap().contains("from your network"),
        "a page that says why"
    );
    // Another network, and the same network on another service, are not held back.
    let other = nth_network(2);
    for i in 0..3 {
        let res = post_comment_from(app, other, MONZO, &format!("body=mine+{i}"), "me", "en").await;
        assert_eq!(res.status(), 303, "comment {i} from another network");
    }
    let res = post_comment_from(app, other, MONZO, "body=mine+3", "me", "en").await;
    assert_eq!(res.status(), 429, "three per visitor");
    let res = post_comment_from(app, crowd, BARCLAYS, "body=elsewhere", "ua/0", "en").await;
    assert_eq!(res.status(), 303);
    // Ten minutes later the network may post again.
    app.clock.set(app.clock.now() + 10 * 60);
    let res = post_comment_from(app, crowd, MONZO, "body=later", "ua/later", "en").await;
    assert_eq!(res.status(), 303);
}

/// A network that spent its write budget on reports cannot comment either (429, Retry-After).
async fn comments_and_reports_draw_on_one_budget(app: &TestApp) {
    let busy = nth_network(3);
    let client = client_from(busy);
    let url = app.url(&format!("/api/v1/services/{BARCLAYS}/reports"));
    let mut refused = false;
    for i in 0..700 {
        let res = client
            .post(&url)
            .header("user-agent", format!("bot/{i}"))
            .json(&json!({"problem": "login"}))
            .send()
            .await
            .unwrap();
        if res.status() == 429 {
            refused = true;
            break;
        }
        assert_eq!(res.status(), 201);
    }
    assert!(refused, "the budget of a network ran out");
    let res = post_comment_from(app, busy, BARCLAYS, "body=hello", "person", "en").await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
}

/// Ten reports from one visitor in 15 minutes count once, and only the counted one's comment is
/// shown; the network bound's surplus is not shown either.
async fn uncounted_reports_do_not_publish_their_comments(app: &TestApp) {
    for i in 0..10 {
        let body = json!({"problem": "card", "comment": format!("card refused, try {i}")});
        app.report_ok(BARCLAYS, &body, "one-person").await;
    }
    let section = comments_section(app, BARCLAYS, "en").await;
    let shown: Vec<String> = bodies(&section)
        .into_iter()
        .filter(|b| b.starts_with("card refused"))
        .collect();
    assert_eq!(shown, vec!["card refused, try 0"], "{section}");
}

/// Identical texts fold into the newest, "+N said the same" in the page's language; a link-only
/// comment is refused with a reason; bidirectional controls are removed from text and name.
async fn texts_are_folded_links_refused_controls_removed(app: &TestApp) {
    for (i, text) in ["App+is+DOWN", "app+is+down", "++App%0Ais++down++"]
        .iter()
        .enumerate()
    {
        let res = post_comment_from(
            app,
            nth_network(10 + i as u32),
            MONZO,
            &format!("body={text}"),
            "same",
            "en",
        )
        .await;
        assert_eq!(res.status(), 303);
    }
    let section = comments_section(app, MONZO, "en").await;
    let folded: Vec<String> = bodies(&section)
        .into_iter()
        .filter(|b| b.to_lowercase().contains("is") && b.to_lowercase().contains("down"))
        .collect();
    assert_eq!(folded, vec!["App\nis  down"], "the newest, once: {section}");
    assert!(section.contains("+2 said the same"), "{section}");
    let it = comments_section(app, MONZO, "it").await;
    assert!(it.contains("+2 hanno scritto lo stesso"), "{it}");

    for (lang, reason) in [
        ("en", "cannot be only a link"),
        ("de", "nicht nur ein Link"),
        ("nb", "ikke bare være en lenke"),
    ] {
        let res = post_comment_from(
            app,
            nth_network(20),
            MONZO,
            "body=https%3A%2F%2Fspam.example%2Fbuy+www.spam.example",
            &format!("spammer/{lang}"),
            lang,
        )
        .await;
        assert_eq!(res.status(), 422);
        let text = res.text().await.unwrap();
        assert!(text.contains(reason), "{lang}: {text}");
    }
    let res = post_comment_from(
        app,
        nth_network(20),
        MONZO,
        "body=down+again%2C+see+https%3A%2F%2Fstatus.example",
        "linker",
        "en",
    )
    .await;
    assert_eq!(res.status(), 303, "a link with words is a comment");
    let section = comments_section(app, MONZO, "en").await;
    assert!(
        section.contains("down again, see https://status.example</p>")
            && !section.contains("href=\"https://status.example"),
        "links stay plain text: {section}"
    );

    // U+202E (right-to-left override), U+2066 (isolate), U+200F (mark), in the body and the name.
    let res = post_comment_from(
        app,
        nth_network(21),
        MONZO,
        "name=%E2%80%AEnnA&body=paid%E2%81%A6+twice%E2%80%8F+%E2%80%AEtoday",
        "bidi",
        "en",
    )
    .await;
    assert_eq!(res.status(), 303);
    let html = page(app, &format!("/s/{MONZO}?lang=en")).await;
    assert!(html.contains("paid twice today"), "controls removed");
    assert!(html.contains("<strong>nnA</strong>"), "the name too");
    for c in ['\u{202E}', '\u{2066}', '\u{200F}'] {
        assert!(!html.contains(c), "{c:?} reached the page");
    }
}

/// Flags count once per network; from three networks the comment is collapsed behind a
/// <details>, still on the page; a comment of another service or none at all is 404.
async fn flags_collapse_but_never_erase(app: &TestApp) {
    let res = post_comment_from(
        app,
        nth_network(30),
        BARCLAYS,
        "body=Barclays+support+is+useless",
        "critic",
        "en",
    )
    .await;
    assert_eq!(res.status(), 303);
    let section = comments_section(app, BARCLAYS, "en").await;
    let id = comment_id_of(&section, "Barclays support is useless");
    let collapsed = |section: &str| {
        let li = section.find(&format!("<li id=\"comment-{id}\">")).unwrap();
        section[li..].starts_with(&format!(
            "<li id=\"comment-{id}\"><details class=\"flagged\">"
        ))
    };
    assert!(!collapsed(&section));
    for n in [31, 31, 31, 32] {
        let res = flag_from(app, nth_network(n), BARCLAYS, &id).await;
        assert_eq!(res.status(), 303);
        assert_eq!(
            res.headers()["location"],
            format!("/s/{BARCLAYS}?flagged=1#comments").as_str()
        );
    }
    let section = comments_section(app, BARCLAYS, "en").await;
    assert!(!collapsed(&section), "two networks are not enough");
    assert_eq!(
        flag_from(app, nth_network(33), BARCLAYS, &id)
            .await
            .status(),
        303
    );
    let section = comments_section(app, BARCLAYS, "en").await;
    assert!(collapsed(&section), "three networks collapse it: {section}");
    assert!(section.contains("Flagged by readers"));
    assert!(
        bodies(&section).contains(&"Barclays support is useless".to_owned()),
        "collapsed, not removed"
    );
    let thanked = page(app, &format!("/s/{BARCLAYS}?flagged=1&lang=en")).await;
    assert!(thanked.contains("the comment is flagged"));

    assert_eq!(
        flag_from(app, nth_network(34), MONZO, &id).await.status(),
        404
    );
    assert_eq!(
        flag_from(app, nth_network(34), BARCLAYS, "c999999")
            .await
            .status(),
        404
    );
    assert_eq!(
        flag_from(app, nth_network(34), BARCLAYS, "x1")
            .await
            .status(),
        404
    );
}

async fn moderation_works(app: &TestApp) {
    uncounted_reports_do_not_publish_their_comments(app).await;
    texts_are_folded_links_refused_controls_removed(app).await;
    flags_collapse_but_never_erase(app).await;
    a_network_is_capped_whatever_its_user_agents(app).await;
    comments_and_reports_draw_on_one_budget(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_moderation_on_sqlite() {
    let app = spawn_app(AppOptions::sqlite().manual_clock(T0)).await;
    moderation_works(&app).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_moderation_on_postgres() {
    if let Some(app) = spawn_on_postgres(AppOptions::sqlite().manual_clock(T0)).await {
        moderation_works(&app).await;
        app.stop().await;
    }
}

/// The privacy page answers in each language, says what is stored, for how long, which cookies and
/// what a network can do, and every page's footer links to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn privacy_page_in_five_languages() {
    let app = spawn_app(AppOptions::sqlite()).await;
    for (lang, heading, cookies) in [
        (Lang::En, "What is stored", "Cookies"),
        (Lang::It, "Che cosa conserviamo", "Cookie"),
        (Lang::De, "Was gespeichert wird", "Cookies"),
        (Lang::Fr, "Ce qui est enregistré", "Cookies"),
        (Lang::Nb, "Hva som lagres", "Informasjonskapsler"),
    ] {
        let code = lang.code();
        let html = page(&app, &format!("/privacy?lang={code}")).await;
        assert!(html.contains(&format!("<html lang=\"{code}\">")), "{code}");
        assert!(!html.contains(MISSING), "{code}: a missing text");
        assert!(html.contains(heading), "{code}: {heading}");
        assert!(
            html.contains(&format!("<h2 id=\"cookies-h\">{cookies}</h2>")),
            "{code}"
        );
        for fact in ["HMAC-SHA256", "/24", "/48", "dt_admin", "max(4, 5"] {
            assert!(html.contains(fact), "{code}: {fact}");
        }
        for figure in ["600", "20", "48", "9"] {
            assert!(html.contains(figure), "{code}: {figure}");
        }
        for path in ["/", &format!("/s/{MONZO}"), "/outages", "/privacy"] {
            let html = page(&app, &format!("{path}?lang={code}")).await;
            assert!(
                html.contains("<a href=\"/privacy\">"),
                "{code}: {path} has no privacy link"
            );
        }
    }
    app.stop().await;
}
