//! Browser tests with Debian's headless Chromium, driven over the DevTools protocol (CDP): the home
//! page, a service page with an ongoing outage and that outage's permalink, each at 360 px and
//! 1280 px wide. A console error, an uncaught exception, a failed request, an HTTP error status or a
//! page wider than the window fails the test. Screenshots go to `target/screenshots/`.
//!
//! Chromium comes from CHROMIUM_BIN (exported by scripts/test), else `chromium` on PATH. Without it
//! the test is skipped, except under CI where it fails (see `helpers::require_env`).

use crate::helpers::{self, INTESA, slug};
use downtally::backfill::backfill_service;
use downtally::catalog::Catalog;
use downtally::clock::Clock;
use downtally::detect::Status;
use downtally::simulate::{SimOutage, SimSpec};
use downtally::startup::{Application, Settings, open_db};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// Monday 2024-09-23 12:00 UTC.
const NOW: i64 = 1_727_092_800;

/// Starts the app (SQLite, manual clock) with three days of history for Intesa Sanpaolo and an outage
/// that began 40 minutes ago, on a thread of its own; returns its address and the outage id.
fn start_app() -> (String, i64) {
    helpers::start_on_own_thread(|| async {
        // Kept for the life of the test process, like the server.
        let dir = Box::leak(Box::new(tempfile::tempdir().unwrap()));
        let url = format!("sqlite://{}/browser.db", dir.path().display());
        let start = NOW - 3 * 86_400;
        let db = open_db(&url).await.unwrap();
        db.sync_catalog(&Catalog::embedded().unwrap(), start)
            .await
            .unwrap();
        let mut spec = SimSpec::quiet(start, 3, 5.0, 21);
        spec.outages.push(SimOutage {
            at: NOW - 40 * 60,
            minutes: 120,
            factor: 8.0,
            problems: vec![("login", 0.6), ("mobile_app", 0.4)],
            regions: Vec::new(),
        });
        backfill_service(&db, &slug(INTESA), &spec).await.unwrap();
        db.close().await;
        let mut settings = Settings::new("127.0.0.1:0", &url, None);
        settings.clock = Clock::manual(NOW);
        // The clock stands still: pages must show a new report at once, not after 5 s.
        settings.page_fresh = Duration::ZERO;
        settings.monitor_interval = Duration::from_millis(100);
        settings.workers = Some(2);
        let app = Application::build(settings).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let state = app.state().clone();
        let server = tokio::spawn(app.run_until_stopped());
        let deadline = Instant::now() + Duration::from_secs(120);
        while state.board.updated_at() < NOW {
            assert!(Instant::now() < deadline, "the monitor ran no pass");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(state.board.get(&slug(INTESA)).status, Status::Outage);
        let id = state.db.recent_outages(&slug(INTESA), 1).await.unwrap()[0].id;
        ((base, id), server)
    })
}

/// Chromium: CHROMIUM_BIN, else `chromium` on PATH; `None` (test skipped) unless CI is set.
fn chromium_bin() -> Option<String> {
    if let Ok(bin) = std::env::var("CHROMIUM_BIN")
        && !bin.trim().is_empty()
    {
        return Some(bin);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("chromium"))
            .find(|p| p.is_file())
    });
    match on_path {
        Some(p) => Some(p.display().to_string()),
        None => helpers::require_env("CHROMIUM_BIN"),
    }
}

struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Events received while waiting for answers, not yet looked at.
    events: Vec<Value>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    /// A new blank tab, attached: (target id, session id).
    fn open_tab(&mut self) -> (String, String) {
        let target =
            self.call(None, "Target.createTarget", json!({ "url": "about:blank" }))["targetId"]
                .as_str()
                .unwrap()
                .to_owned();
        let session = self.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": target, "flatten": true }),
        )["sessionId"]
            .as_str()
            .unwrap()
            .to_owned();
        (target, session)
    }

    /// Closes a tab [`Browser::open_tab`] opened, and forgets its events.
    fn close_tab(&mut self, target: &str, session: &str) {
        self.call(None, "Target.closeTarget", json!({ "targetId": target }));
        self.events.retain(|e| e["sessionId"] != session);
    }

    fn launch(bin: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--disable-default-apps",
                "--no-first-run",
                "--no-default-browser-check",
                "--mute-audio",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        // Chromium prints "DevTools listening on ws://…" on stderr; keep draining it afterwards.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            let mut seen = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.is_none() {
                    continue;
                }
                match line.find("ws://") {
                    Some(i) => {
                        let _ = tx.take().unwrap().send(Ok(line[i..].trim().to_owned()));
                    }
                    None => seen.push(line),
                }
            }
            if let Some(tx) = tx {
                let _ = tx.send(Err(seen.join("\n")));
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(url)) => url,
            Ok(Err(log)) => panic!("chromium exited without a DevTools address:\n{log}"),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium printed no DevTools address in 60 s")
            }
        };
        // Until the Browser owns it (and kills it on drop), a failure must not leave Chromium running.
        let fail = |child: &mut Child, what: String| -> ! {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}")
        };
        let rest = url.strip_prefix("ws://").unwrap();
        let host = &rest[..rest.find('/').unwrap()];
        let stream = TcpStream::connect(host)
            .unwrap_or_else(|e| fail(&mut child, format!("connect to DevTools: {e}")));
        // A blocking handshake (bounded), then short reads so that waits can keep their deadlines.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client::client(url.as_str(), stream)
            .unwrap_or_else(|e| fail(&mut child, format!("CDP handshake: {e}")));
        ws.get_ref()
            .set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        Browser {
            child,
            _profile: profile,
            ws,
            next_id: 0,
            events: Vec::new(),
        }
    }

    /// The next message from the browser, or `None` after `until`.
    fn receive(&mut self, until: Instant) -> Option<Value> {
        loop {
            if Instant::now() >= until {
                return None;
            }
            match self.ws.read() {
                Ok(Message::Text(t)) => return Some(serde_json::from_str(t.as_str()).unwrap()),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue;
                }
                Err(e) => panic!("DevTools connection failed: {e}"),
            }
        }
    }

    /// Sends a command (to a page session when given) and waits for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .expect("send a CDP command");
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let m = self
                .receive(until)
                .unwrap_or_else(|| panic!("no answer to {method} in 30 s"));
            if m["id"].as_u64() == Some(id) {
                if let Some(e) = m.get("error") {
                    panic!("{method} failed: {e}");
                }
                return m["result"].clone();
            }
            if m.get("method").is_some() {
                self.events.push(m);
            }
        }
    }

    /// Collects events until one satisfies `done` or `limit` passes; true when one did.
    fn wait_event(&mut self, limit: Duration, done: impl Fn(&Value) -> bool) -> bool {
        if self.events.iter().any(&done) {
            return true;
        }
        let until = Instant::now() + limit;
        while let Some(m) = self.receive(until) {
            let hit = done(&m);
            if m.get("method").is_some() {
                self.events.push(m);
            }
            if hit {
                return true;
            }
        }
        false
    }
}

/// What went wrong on a page, from the events of its session.
fn problems(events: &[Value], session: &str) -> Vec<String> {
    let mut out = Vec::new();
    let ours = || events.iter().filter(|e| e["sessionId"] == session);
    // Failures name only a request id; the URL comes with the request.
    let urls: std::collections::HashMap<&str, &str> = ours()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .filter_map(|e| {
            let p = &e["params"];
            Some((p["requestId"].as_str()?, p["request"]["url"].as_str()?))
        })
        .collect();
    for e in ours() {
        let p = &e["params"];
        match e["method"].as_str().unwrap_or("") {
            "Runtime.consoleAPICalled"
                if matches!(p["type"].as_str(), Some("error" | "assert")) =>
            {
                out.push(format!("console.{}: {}", p["type"], p["args"]));
            }
            "Runtime.exceptionThrown" => {
                out.push(format!("uncaught exception: {}", p["exceptionDetails"]));
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                out.push(format!(
                    "log error ({}): {} {}",
                    p["entry"]["source"], p["entry"]["text"], p["entry"]["url"]
                ));
            }
            "Network.loadingFailed" => {
                let url = p["requestId"].as_str().and_then(|id| urls.get(id));
                out.push(format!(
                    "request failed: {} {} {} {}",
                    p["type"],
                    p["errorText"],
                    p["blockedReason"],
                    url.unwrap_or(&"(unknown URL)")
                ));
            }
            "Network.responseReceived" if p["response"]["status"].as_u64() >= Some(400) => {
                out.push(format!(
                    "HTTP {} for {}",
                    p["response"]["status"], p["response"]["url"]
                ));
            }
            _ => {}
        }
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=' && c != b'\n').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (value(c) as u32) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Loads `url` in a fresh tab `width` px wide; returns what went wrong (empty when nothing did).
fn visit(browser: &mut Browser, url: &str, width: u32, shot: &Path) -> Vec<String> {
    visit_and_run(browser, url, width, shot, None).0
}

/// How a tab is opened: its colour scheme, and how long late errors get to show up after load.
#[derive(Clone, Copy)]
struct Tab {
    dark: bool,
    settle: Duration,
}

impl Default for Tab {
    fn default() -> Self {
        Tab {
            dark: false,
            settle: Duration::from_millis(700),
        }
    }
}

/// [`visit`], and before the tab closes, evaluates `script` (awaiting a promise) and returns its
/// value; problems the script causes are reported too.
fn visit_and_run(
    browser: &mut Browser,
    url: &str,
    width: u32,
    shot: &Path,
    script: Option<&str>,
) -> (Vec<String>, Value) {
    visit_tab(browser, url, width, shot, script, Tab::default())
}

/// [`visit_and_run`] in a tab opened as `tab` says.
fn visit_tab(
    browser: &mut Browser,
    url: &str,
    width: u32,
    shot: &Path,
    script: Option<&str>,
    tab: Tab,
) -> (Vec<String>, Value) {
    let (target, session) = browser.open_tab();
    let s = Some(session.as_str());
    for domain in ["Page", "Runtime", "Log", "Network"] {
        browser.call(s, &format!("{domain}.enable"), json!({}));
    }
    browser.call(
        s,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": if width < 600 { 740 } else { 900 },
                "deviceScaleFactor": 1, "mobile": width < 600 }),
    );
    if tab.dark {
        browser.call(
            s,
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
        );
    }
    browser.call(s, "Page.navigate", json!({ "url": url }));
    let loaded = browser.wait_event(Duration::from_secs(30), |e| {
        e["sessionId"] == session.as_str() && e["method"] == "Page.loadEventFired"
    });
    let mut found = Vec::new();
    if !loaded {
        found.push("the page did not finish loading in 30 s".to_owned());
    }
    // Late errors (scripts that run after load, live refresh starting) get a moment to show up.
    browser.wait_event(tab.settle, |_| false);
    let mut value = Value::Null;
    if let Some(script) = script {
        let result = browser.call(
            s,
            "Runtime.evaluate",
            json!({ "expression": script, "awaitPromise": true, "returnByValue": true }),
        );
        value = result["result"]["value"].clone();
        browser.wait_event(tab.settle.min(Duration::from_millis(300)), |_| false);
    }
    found.extend(problems(&browser.events, &session));

    let check = browser.call(
        s,
        "Runtime.evaluate",
        json!({ "expression":
            "JSON.stringify({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth, \
              h1: document.querySelectorAll('h1').length, lang: document.documentElement.lang })",
            "returnByValue": true }),
    );
    let facts: Value = serde_json::from_str(check["result"]["value"].as_str().unwrap()).unwrap();
    if facts["scroll"].as_u64() > facts["inner"].as_u64() {
        found.push(format!(
            "the page is wider than the window ({} px > {} px): it scrolls sideways",
            facts["scroll"], facts["inner"]
        ));
    }
    if facts["h1"] != 1 {
        found.push(format!("{} <h1> elements", facts["h1"]));
    }
    if facts["lang"].as_str().unwrap_or("").is_empty() {
        found.push("no <html lang>".to_owned());
    }

    let metrics = browser.call(s, "Page.getLayoutMetrics", json!({}));
    let size = &metrics["cssContentSize"];
    let height = size["height"].as_f64().unwrap_or(900.0).min(16_000.0);
    let png = browser.call(
        s,
        "Page.captureScreenshot",
        json!({ "format": "png", "captureBeyondViewport": true,
                "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 } }),
    );
    std::fs::write(shot, base64_decode(png["data"].as_str().unwrap())).unwrap();
    browser.close_tab(&target, &session);
    (found, value)
}

#[test]
fn pages_load_cleanly_in_chromium_at_phone_and_desktop_widths() {
    let Some(bin) = chromium_bin() else { return };
    let (base, outage) = start_app();
    let mut browser = Browser::launch(&bin);
    let dir = screenshot_dir();
    let pages = [
        ("home", "/".to_owned()),
        ("service-outage", format!("/s/{INTESA}")),
        ("outage", format!("/outages/{outage}")),
    ];
    let mut failures = Vec::new();
    for (name, path) in &pages {
        for width in [360, 1280] {
            let shot = dir.join(format!("{name}-{width}.png"));
            let found = visit(&mut browser, &format!("{base}{path}"), width, &shot);
            let bytes = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(
                bytes > 1_000,
                "{}: the screenshot is empty ({bytes} bytes)",
                shot.display()
            );
            eprintln!(
                "{path} at {width} px: {} problem(s), {}",
                found.len(),
                shot.display()
            );
            failures.extend(
                found
                    .into_iter()
                    .map(|f| format!("{path} at {width} px: {f}")),
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Measures a page as a phone user meets it (before anything is opened: where the first report
/// button starts, how wide the problem-share bars are), then opens every `<details>` (the tables,
/// the region picker) so that the width check after it covers them.
const PHONE_PROBE: &str = "(() => { \
  const button = document.querySelector('#report button[name=problem]'); \
  const bars = Array.from(document.querySelectorAll('.share-bar')).map(b => b.getBoundingClientRect().width); \
  const facts = { button: button ? button.getBoundingClientRect().top : null, \
    bar: bars.length ? Math.min(...bars) : null }; \
  document.querySelectorAll('details').forEach(d => { d.open = true; }); \
  const select = document.getElementById('region'); \
  facts.select = select ? select.getBoundingClientRect().right : null; \
  facts.scroll = document.documentElement.scrollWidth; \
  return JSON.stringify(facts); })()";

/// Issue 11 §2: every page, in every language, fits a 360 px screen (nothing scrolls sideways, with
/// its tables and region picker opened), the first report button starts within the first 500 px of
/// a 360 × 740 screen, and the problem-share bars stay readable; screenshots at 360 px (and 1280 px
/// in English and German) under `target/screenshots/` (`{lang}-{page}-{width}.png`).
#[test]
fn every_page_fits_a_phone_in_every_language() {
    let Some(bin) = chromium_bin() else { return };
    let (base, outage) = start_app();
    let mut browser = Browser::launch(&bin);
    let dir = screenshot_dir();
    let pages = [
        ("home", "/".to_owned()),
        ("service", format!("/s/{INTESA}")),
        ("service-two-countries", "/s/unicredit".to_owned()),
        ("outages", "/outages".to_owned()),
        ("outage", format!("/outages/{outage}")),
        ("embed-map", format!("/embed/{INTESA}/map")),
    ];
    let tab = Tab {
        dark: false,
        settle: Duration::from_millis(50),
    };
    let started = Instant::now();
    let mut failures = Vec::new();
    // Every language on a phone and on a desktop.
    let visits = ["en", "it", "de", "fr", "nb"]
        .into_iter()
        .flat_map(|lang| [360, 1280].map(move |w| (lang, w)));
    let mut count = 0;
    for (lang, width) in visits {
        for (name, path) in &pages {
            count += 1;
            {
                let shot = dir.join(format!("{lang}-{name}-{width}.png"));
                let url = format!("{base}{path}?lang={lang}");
                let (found, value) =
                    visit_tab(&mut browser, &url, width, &shot, Some(PHONE_PROBE), tab);
                let at = format!("{lang} {path} at {width} px");
                // A page opened on its own (the embed) makes Chromium ask for /favicon.ico.
                failures.extend(
                    found
                        .into_iter()
                        .filter(|f| !f.contains("/favicon.ico"))
                        .map(|f| format!("{at}: {f}")),
                );
                let facts: Value = serde_json::from_str(value.as_str().unwrap_or("{}")).unwrap();
                if facts["scroll"].as_f64().is_none_or(|w| w > width as f64) {
                    failures.push(format!("{at}: {} px wide", facts["scroll"]));
                }
                if facts["select"].as_f64().is_some_and(|r| r > width as f64) {
                    failures.push(format!(
                        "{at}: the region picker ends at {} px",
                        facts["select"]
                    ));
                }
                if width == 360 && name.starts_with("service") {
                    match facts["button"].as_f64() {
                        Some(top) if top <= 500.0 => {}
                        _ => failures.push(format!(
                            "{at}: the first report button starts at {} px (> 500)",
                            facts["button"]
                        )),
                    }
                    if facts["bar"].as_f64().is_some_and(|w| w < 200.0) {
                        failures.push(format!("{at}: share bars are {} px wide", facts["bar"]));
                    }
                }
            }
        }
    }
    eprintln!(
        "{count} pages in {:.1} s, screenshots in {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Issue 11 §8: the site follows `prefers-color-scheme`: dark page, dark map (its own media query),
/// chart drawn in the page's colours.
#[test]
fn the_dark_theme_follows_the_system() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let mut browser = Browser::launch(&bin);
    let script = "JSON.stringify({ \
        body: getComputedStyle(document.body).backgroundColor, \
        text: getComputedStyle(document.body).color, \
        map: getComputedStyle(document.querySelector('.heatmap .hm-bg')).fill, \
        bar: getComputedStyle(document.querySelector('.chart .bar')).fill })";
    let mut seen = Vec::new();
    for (dark, width) in [(true, 360), (true, 1280), (false, 360)] {
        let shot = screenshot_dir().join(format!(
            "service-{}-{width}.png",
            if dark { "dark" } else { "light" }
        ));
        let tab = Tab {
            dark,
            settle: Duration::from_millis(100),
        };
        let (found, value) = visit_tab(
            &mut browser,
            &format!("{base}/s/{INTESA}?lang=en"),
            width,
            &shot,
            Some(script),
            tab,
        );
        assert!(found.is_empty(), "{}", found.join("\n"));
        let facts: Value = serde_json::from_str(value.as_str().unwrap()).unwrap();
        seen.push((dark, facts));
    }
    for (dark, facts) in &seen {
        let (body, map) = if *dark {
            ("rgb(13, 17, 23)", "rgb(13, 17, 23)")
        } else {
            ("rgb(255, 255, 255)", "rgb(255, 255, 255)")
        };
        assert_eq!(facts["body"], body, "{facts}");
        assert_eq!(facts["map"], map, "{facts}");
    }
    assert_ne!(
        seen[0].1["bar"], seen[2].1["bar"],
        "the chart keeps its light colours"
    );
    assert_ne!(seen[0].1["text"], seen[2].1["text"]);
}

/// The live refresh swaps in a new report without reloading: a report is posted from the page, then
/// `downtallyRefresh()` (what the 60-second timer calls) must update the parts that changed.
#[test]
fn live_refresh_updates_the_service_page_in_place() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let mut browser = Browser::launch(&bin);
    let shot = screenshot_dir().join("service-live-refresh.png");
    let script = format!(
        "(async () => {{ \
           const before = document.getElementById('updated').textContent; \
           document.getElementById('comment').value = 'typed, not sent'; \
           const res = await fetch('/api/v1/services/{INTESA}/reports', {{ method: 'POST', \
             headers: {{ 'content-type': 'application/json' }}, body: JSON.stringify({{ problem: 'card' }}) }}); \
           const changed = await window.downtallyRefresh(); \
           return JSON.stringify({{ status: res.status, changed, before, \
             after: document.getElementById('updated').textContent, \
             typed: document.getElementById('comment').value }}); }})()"
    );
    let (found, value) = visit_and_run(
        &mut browser,
        &format!("{base}/s/{INTESA}?lang=en"),
        1280,
        &shot,
        Some(&script),
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
    let facts: Value = serde_json::from_str(value.as_str().expect("the script's answer")).unwrap();
    assert_eq!(facts["status"], 201, "{facts}");
    assert!(
        facts["changed"].as_u64() >= Some(1),
        "nothing was refreshed: {facts}"
    );
    assert_ne!(
        facts["before"], facts["after"],
        "the hourly total did not move: {facts}"
    );
    assert_eq!(
        facts["typed"], "typed, not sent",
        "the refresh touched the form"
    );
}

/// A page on another origin frames the map embed: it must render there without console errors,
/// while framing an ordinary page is refused by its `frame-ancestors 'none'`.
#[test]
fn the_map_embed_renders_inside_another_sites_page() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let embed = format!("{base}/embed/{INTESA}/map");
    let page = format!("{base}/s/{INTESA}");
    let host = serve_host_page(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>News</title></head>\
         <body><h1>A bank is down</h1>\
         <iframe src=\"{embed}\" width=\"340\" height=\"420\" title=\"Map\"></iframe>\
         <iframe src=\"{page}\" width=\"10\" height=\"10\" title=\"Not allowed\"></iframe>\
         </body></html>"
    ));
    let mut browser = Browser::launch(&bin);
    let shot = screenshot_dir().join("embed-map-in-host-page.png");
    let (found, frames) = visit_and_run(
        &mut browser,
        &host,
        1280,
        &shot,
        Some("JSON.stringify(Array.from(document.querySelectorAll('iframe')).map(f => f.src))"),
    );
    assert!(frames.is_string(), "the host page did not run");
    let (refused, other): (Vec<String>, Vec<String>) = found.into_iter().partition(|p| {
        p.contains("frame-ancestors")
            || (p.contains(&format!("/s/{INTESA}")) && !p.contains("/embed/"))
    });
    assert!(
        !refused.is_empty(),
        "the service page was framed by another origin without complaint"
    );
    assert!(other.is_empty(), "{}", other.join("\n"));
    let bytes = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(bytes > 1_000, "the screenshot is empty");
}

/// What is wrong with the chart a page shows, measured in the browser: not exactly one chart shown,
/// a chart under 160 px tall, text under 11 CSS px, a label leaving its chart or overlapping another.
const CHART_CHECK: &str = r#"(() => {
  const out = [];
  const shown = [...document.querySelectorAll('svg.chart')]
    .filter(s => getComputedStyle(s).display !== 'none');
  if (shown.length !== 1) out.push(`${shown.length} charts shown`);
  for (const svg of shown) {
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    if (box.height < 160) out.push(`the chart is ${box.height.toFixed(0)} px tall`);
    const texts = [...svg.querySelectorAll('text')].map(t => ({
      s: t.textContent, r: t.getBoundingClientRect(),
      px: parseFloat(getComputedStyle(t).fontSize) * scale }));
    for (const t of texts) {
      if (t.px < 11) out.push(`"${t.s}" is ${t.px.toFixed(1)} px`);
      if (t.r.left < box.left - 0.5 || t.r.right > box.right + 0.5
          || t.r.top < box.top - 0.5 || t.r.bottom > box.bottom + 0.5)
        out.push(`"${t.s}" leaves the chart`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].r, b = texts[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 2) out.push(`"${texts[i].s}" overlaps "${texts[j].s}"`);
    }
  }
  return out;
})()"#;

/// Charts read on a phone (issue 11): at 360 px in every language, and at 1280 px, the chart shown is
/// at least 160 px tall, its text at least 11 CSS px, and no label leaves it or overlaps another.
#[test]
fn charts_read_at_phone_and_desktop_widths() {
    let Some(bin) = chromium_bin() else { return };
    let (base, outage) = start_app();
    let mut browser = Browser::launch(&bin);
    let dir = screenshot_dir();
    let mut visits: Vec<(String, u32)> = ["en", "it", "de", "fr", "nb"]
        .into_iter()
        .map(|lang| (format!("/s/{INTESA}?lang={lang}"), 360))
        .collect();
    visits.push((format!("/s/{INTESA}?lang=en"), 1280));
    visits.push((format!("/outages/{outage}?lang=en"), 360));
    visits.push((format!("/outages/{outage}?lang=en"), 1280));
    let mut failures = Vec::new();
    for (i, (path, width)) in visits.iter().enumerate() {
        let shot = dir.join(format!("chart-{i}-{width}.png"));
        let (found, value) = visit_and_run(
            &mut browser,
            &format!("{base}{path}"),
            *width,
            &shot,
            Some(CHART_CHECK),
        );
        let chart: Vec<String> = serde_json::from_value(value)
            .unwrap_or_else(|e| vec![format!("the chart check did not run: {e}")]);
        failures.extend(
            found
                .into_iter()
                .chain(chart)
                .map(|f| format!("{path} at {width} px: {f}")),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Serves `html` at `/` (and 204 for anything else) from another loopback origin; returns its URL.
fn serve_host_page(html: String) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let root = request.starts_with(b"GET / ");
            let response = if root {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{html}",
                    html.len()
                )
            } else {
                "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned()
            };
            let _ = stream.write_all(response.as_bytes());
        }
    });
    // Another origin than the app's (another port), but the same site, so that Chromium keeps the
    // frame in the page's process and its console messages reach this test's session.
    format!("http://127.0.0.1:{port}/")
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGVsbG8hIQ=="), b"hello!!");
    assert_eq!(base64_decode("YWJj"), b"abc");
}

/// A page's text, fetched from a test without a runtime of its own.
fn fetch(url: &str) -> String {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            helpers::client()
                .get(url)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
}

/// The size the service page's embed snippet suggests for its map frame: (width, height).
fn suggested_frame(base: &str, slug: &str) -> (u32, u32) {
    let page = fetch(&format!("{base}/s/{slug}"));
    let code = &page[page.find("id=\"embed-code\"").expect("an embed snippet")..];
    let number = |attr: &str| -> u32 {
        let at = code.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2;
        code[at..at + code[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (number("width"), number("height"))
}

/// Loads `url` in a tab of exactly `width` × `height` CSS px (as an iframe of that size shows it)
/// and returns its content's (width, height: where its body ends), and a screenshot at `shot`.
fn content_size(
    browser: &mut Browser,
    url: &str,
    width: u32,
    height: u32,
    shot: &Path,
) -> (u64, u64) {
    let (target, session) = browser.open_tab();
    let s = Some(session.as_str());
    browser.call(s, "Page.enable", json!({}));
    browser.call(
        s,
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
    );
    browser.call(s, "Page.navigate", json!({ "url": url }));
    assert!(
        browser.wait_event(Duration::from_secs(30), |e| {
            e["sessionId"] == session.as_str() && e["method"] == "Page.loadEventFired"
        }),
        "{url} did not load"
    );
    let facts = browser.call(
        s,
        "Runtime.evaluate",
        json!({ "expression":
            "JSON.stringify([document.documentElement.scrollWidth, \
              Math.ceil(document.body.getBoundingClientRect().bottom)])",
            "returnByValue": true }),
    );
    let size: (u64, u64) =
        serde_json::from_str(facts["result"]["value"].as_str().unwrap()).unwrap();
    let png = browser.call(s, "Page.captureScreenshot", json!({ "format": "png" }));
    std::fs::write(shot, base64_decode(png["data"].as_str().unwrap())).unwrap();
    browser.close_tab(&target, &session);
    size
}

/// The frame the snippet suggests holds the whole map page, credit line included, for a service of
/// one country (Italy, the United Kingdom: tall maps) and of several (American Express), in the
/// language whose texts run longest; and the embed reloads itself every minute, as it says.
#[test]
fn the_suggested_embed_frame_fits_the_map_and_its_credit_line() {
    let Some(bin) = chromium_bin() else { return };
    let (base, _) = start_app();
    let mut browser = Browser::launch(&bin);
    for slug in [INTESA, helpers::MONZO, helpers::BARCLAYS, helpers::AMEX] {
        let (width, height) = suggested_frame(&base, slug);
        assert_eq!(width, 360);
        for lang in ["en", "de", "fr", "it"] {
            let url = format!("{base}/embed/{slug}/map?lang={lang}");
            let shot = screenshot_dir().join(format!("embed-frame-{slug}-{lang}.png"));
            let (w, h) = content_size(&mut browser, &url, width, height, &shot);
            println!("embed frame {slug} {lang}: {width}x{height} suggested, content {w}x{h}");
            assert!(
                w <= u64::from(width) && h <= u64::from(height),
                "{url}: content {w}x{h} does not fit the suggested {width}x{height} frame"
            );
            // Not much empty space below either.
            assert!(
                h + 120 >= u64::from(height),
                "{url}: content {w}x{h} leaves the {width}x{height} frame half empty"
            );
        }
    }
    let page = fetch(&format!("{base}/embed/{INTESA}/map"));
    assert!(page.contains(r#"<meta http-equiv="refresh" content="60">"#));
}
