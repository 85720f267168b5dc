//! `serve --demo` from a fresh start (issue 11 §7): the socket answers at once, with a page that says
//! the demo is being prepared, while two weeks of history are simulated behind it.

use crate::helpers::*;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_demo_answers_at_once_and_says_it_is_preparing() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let address = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut child = downtally_command(&[])
        .current_dir(dir.path())
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the downtally binary");
    let client = client();
    let healthy = loop {
        if let Ok(res) = client.get(format!("{address}/healthz")).send().await
            && res.status() == 200
        {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no /healthz within 10 s of a fresh start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    println!("demo: /healthz answered {healthy:?} after a fresh start");

    let res = client
        .get(format!("{address}/s/monzo"))
        .header("Accept-Language", "fr-FR,fr;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "5");
    assert_eq!(res.headers()["refresh"], "5", "the page reloads itself");
    let page = res.text().await.unwrap();
    assert!(page.contains("La démo est en préparation"), "{page}");
    assert!(page.contains("class=\"demo-banner\""), "{page}");
    assert!(page.contains("/static/style.css"), "{page}");

    let ready = client
        .get(format!("{address}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503, "not ready while preparing");
    let css = client
        .get(format!("{address}/static/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    let db = dir.path().join("data/demo.db");
    while !db.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no demo database being written where the server runs"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
}
