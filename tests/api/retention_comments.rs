//! Comments through retention (issue 14 §3), on SQLite and on PostgreSQL: the published comment of
//! a report past the retention period moves into `comments` when its report is deleted, and the
//! service page shows it as before (its problem, its flags folding it away, an admin's hiding), now
//! as `c…`, its old id `r…` still naming it; comments of uncounted reports and link-only ones go
//! with their reports, with their flags. Keys older than the retention period are gone from
//! reports, comments and flags; fresh comments keep theirs, and the caps still hold.

use crate::helpers::*;
use downtally::comments::{CommentId, FLAGS_TO_COLLAPSE, Source};
use downtally::domain::{Comment, NetworkKey, ProblemKind, ReportKind, ReporterKey};
use downtally::retention::{RetentionSettings, run_once};
use downtally::store::{AdminAction, Db, NewReport};
use std::net::IpAddr;
use std::time::{Duration, Instant};

const DAY: i64 = 86_400;
/// 2027-03-01T00:00:00Z (PostgreSQL's day partitions are made by the app's clock).
const START: i64 = 1_803_945_600;
/// A day past retention with a partition of its own on PostgreSQL (dropped whole)…
const OLD: i64 = START - 40 * DAY;
/// …and one without (its reports sit in the default partition, deleted row by row).
const OLDER: i64 = START - 50 * DAY;

fn report(n: u32, at: i64, comment: &str, counted: bool) -> NewReport {
    NewReport {
        service: slug(MONZO),
        kind: ReportKind::Problem(ProblemKind::ALL[n as usize % 8]),
        region: None,
        coordinates: None,
        comment: Comment::parse(comment).unwrap(),
        reporter: ReporterKey::from_hex(format!("{n:032x}")),
        counted,
        created_at: at,
        network: NetworkKey::from_hex(format!("{n:016x}")),
        uncounted: (!counted).then_some("repeat"),
    }
}

/// One number from SQL (the same text on both backends).
async fn scalar(db: &Db, sql: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn execute(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Rows holding a key older than `cutoff`: reports (every report has two), comments and flags.
async fn keys_older_than(db: &Db, cutoff: i64) -> [i64; 3] {
    [
        scalar(
            db,
            &format!("SELECT COUNT(*) FROM reports WHERE created_at < {cutoff}"),
        )
        .await,
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM comments WHERE created_at < {cutoff} \
                 AND (reporter <> '' OR network IS NOT NULL)"
            ),
        )
        .await,
        scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM comment_flags WHERE created_at < {cutoff} \
                 AND network NOT LIKE '-%'"
            ),
        )
        .await,
    ]
}

async fn post_comment(app: &TestApp, network: IpAddr, ua: &str, body: &str) -> u16 {
    client_from(network)
        .post(app.url(&format!("/s/{MONZO}/comments")))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("user-agent", ua)
        .body(format!("body={body}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn flag(app: &TestApp, network: IpAddr, id: &str) {
    let res = client_from(network)
        .post(app.url(&format!("/s/{MONZO}/comments/{id}/flag")))
        .header("user-agent", "reader")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "flag {id}");
}

/// The comments section of monzo's page in German, rendered now.
async fn section(app: &TestApp) -> String {
    app.state.pages.clear();
    let html = app
        .get(&format!("/s/{MONZO}?lang=de"))
        .await
        .text()
        .await
        .unwrap();
    let start = html.find("id=\"comments\"").expect("a comments section");
    html[start..start + html[start..].find("</section>").unwrap()].to_owned()
}

async fn comments_survive_retention(app: TestApp) {
    let started = Instant::now();
    let db = app.state.db.clone();
    let settings = RetentionSettings {
        days: 30,
        pause: Duration::ZERO,
        ..RetentionSettings::default()
    };
    db.ensure_partitions(OLD / DAY, OLD / DAY).await.unwrap();
    let ids = db
        .insert_reports(&[
            report(1, OLD, "Kartenzahlung an der Kasse abgelehnt", true),
            report(2, OLD + 60, "flagged away by three networks", true),
            report(3, OLD + 120, "hidden by an admin", true),
            report(4, OLD + 180, "a repeat is not published", false),
            report(5, OLD + 240, "https://spam.example/buy", true),
            report(6, OLDER, "from a day in the default partition", true),
            report(7, START - DAY, "still within retention", true),
        ])
        .await
        .unwrap();
    let r = |i: usize| format!("r{}", ids[i]);
    for n in 1..=FLAGS_TO_COLLAPSE as u32 {
        flag(&app, nth_network(n), &r(1)).await;
    }
    // A link-only comment is not shown, but its id can still be flagged.
    flag(&app, nth_network(1), &r(4)).await;
    let hidden_at = START - 10;
    let hide = AdminAction {
        label: "test".into(),
        action: "hide_comment".into(),
        target: r(2),
        detail: String::new(),
        created_at: hidden_at,
    };
    let report_comment = |i: usize| CommentId {
        source: Source::Report,
        id: ids[i],
    };
    db.set_comments_hidden(&[report_comment(2)], Some(hidden_at), &hide)
        .await
        .unwrap();
    let visitor = nth_network(20);
    assert_eq!(
        post_comment(&app, visitor, "visitor", "posted+with+the+form").await,
        303
    );

    let before = section(&app).await;
    assert!(!before.contains("hidden by an admin"), "{before}");
    assert!(!before.contains("spam.example"), "{before}");
    let purge = run_once(&db, &settings, START).await.unwrap();
    assert_eq!(purge.comments_moved, 4, "the hidden one too: {purge:?}");
    assert_eq!(
        purge.orphan_flags_deleted, 1,
        "the link-only comment's flag: {purge:?}"
    );
    let after = section(&app).await;

    // The page says what it said, the moved comments under their new ids.
    let mut expected = before.clone();
    for (i, body) in [
        (0, "Kartenzahlung an der Kasse abgelehnt"),
        (1, "flagged away by three networks"),
        (5, "from a day in the default partition"),
    ] {
        let new = comment_id_of(&after, body);
        assert!(new.starts_with('c'), "{body} is now {new}");
        for (old, now) in [
            ("comment-{}\"", "comment-{}\""),
            ("/comments/{}/flag", "/comments/{}/flag"),
        ] {
            expected = expected.replace(&old.replace("{}", &r(i)), &now.replace("{}", &new));
        }
    }
    assert_eq!(
        after, expected,
        "the comments section changed beyond the ids"
    );
    assert!(
        after.contains(&format!("comment-{}", r(6))),
        "a recent report keeps its comment"
    );
    assert!(
        after.matches("mit einer Meldung zu").count() >= 4,
        "problems still shown: {after}"
    );
    let flagged = comment_id_of(&after, "flagged away by three networks");
    let at = after.find(&format!("comment-{flagged}")).unwrap();
    assert!(
        after[at..].starts_with(&format!("comment-{flagged}\"><details class=\"flagged\">")),
        "still folded away: {after}"
    );

    // Old ids name the moved comments: an admin's list, a flag from a page read before.
    let hidden = db.hidden_comments(10).await.unwrap();
    assert_eq!(hidden.len(), 1);
    assert_eq!(
        (
            hidden[0].id.source,
            hidden[0].hidden_at,
            hidden[0].problem.is_some()
        ),
        (Source::Comment, Some(hidden_at), true)
    );
    let moved = db.comment(report_comment(0)).await.unwrap().unwrap();
    assert_eq!(
        moved.id.to_string(),
        comment_id_of(&after, "Kartenzahlung an der Kasse abgelehnt")
    );
    flag(&app, nth_network(9), &r(0)).await;
    assert_eq!(db.comment(moved.id).await.unwrap().unwrap().flags, 1);
    assert_eq!(
        db.comment(report_comment(3)).await.unwrap(),
        None,
        "uncounted: gone"
    );
    assert_eq!(
        db.comment(report_comment(4)).await.unwrap(),
        None,
        "link only: gone"
    );
    assert_eq!(
        scalar(&db, "SELECT COUNT(*) FROM comment_flags WHERE source = 'r'").await,
        0,
        "every flag follows its comment or goes with it"
    );
    let cutoff = settings.cutoff(START);
    assert_eq!(keys_older_than(&db, cutoff).await, [0, 0, 0]);

    // Fresh comments keep their keys, and the caps hold: two more from the visitor, not a third.
    // Keyless comments of this minute are nobody's: they count for no visitor and no network.
    execute(
        &db,
        &format!(
            "INSERT INTO comments (service, body, reporter, network, created_at) \
             SELECT service, body, '', NULL, {START} FROM comments WHERE reporter = ''"
        ),
    )
    .await;
    for i in 0..2 {
        assert_eq!(
            post_comment(&app, visitor, "visitor", &format!("more+{i}")).await,
            303
        );
    }
    assert_eq!(
        post_comment(&app, visitor, "visitor", "one+too+many").await,
        429
    );
    execute(
        &db,
        &format!("DELETE FROM comments WHERE reporter = '' AND created_at = {START}"),
    )
    .await;
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM comments WHERE reporter <> '' AND network IS NOT NULL"
        )
        .await,
        3
    );

    // A month on: the recent report's comment moves too; every key of then is forgotten, every
    // flag still counted.
    let later = START + 31 * DAY;
    app.clock.set(later);
    let purge = run_once(&db, &settings, later).await.unwrap();
    assert_eq!(
        (
            purge.comments_moved,
            purge.comment_keys_forgotten,
            purge.flag_keys_forgotten
        ),
        (1, 3, FLAGS_TO_COLLAPSE as u64 + 1),
        "{purge:?}"
    );
    assert_eq!(
        keys_older_than(&db, settings.cutoff(later)).await,
        [0, 0, 0]
    );
    let after = section(&app).await;
    assert!(after.contains(&format!("comment-{flagged}\"><details class=\"flagged\">")));
    assert!(!after.contains(&format!("comment-{}", r(6))));
    assert!(after.contains("still within retention"), "{after}");
    let flags: i64 = db
        .comment(CommentId::parse(&flagged).unwrap())
        .await
        .unwrap()
        .unwrap()
        .flags;
    assert_eq!(flags, FLAGS_TO_COLLAPSE);
    // The same network flags again after its key was forgotten: one more, as on another day.
    flag(&app, nth_network(1), &flagged).await;
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM comment_flags WHERE network NOT LIKE '-%'"
        )
        .await,
        1,
        "the fresh flag keeps its key"
    );
    assert_eq!(
        post_comment(&app, visitor, "visitor", "a+month+on").await,
        303
    );
    eprintln!(
        "comments through retention on {}: {:?}",
        db.backend(),
        started.elapsed()
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_survive_retention_on_sqlite() {
    comments_survive_retention(spawn_app(AppOptions::sqlite().manual_clock(START)).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_survive_retention_on_postgres() {
    let Some(app) = spawn_on_postgres(AppOptions::default().manual_clock(START)).await else {
        return;
    };
    comments_survive_retention(app).await;
}
