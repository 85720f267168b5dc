//! A headless Chromium driven over the DevTools protocol: tabs of a given width and colour scheme,
//! what went wrong on a page (console errors, exceptions, failed requests, HTTP errors, sideways
//! scrolling), screenshots.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

pub(super) struct Browser {
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
    pub(super) fn open_tab(&mut self) -> (String, String) {
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
    pub(super) fn close_tab(&mut self, target: &str, session: &str) {
        self.call(None, "Target.closeTarget", json!({ "targetId": target }));
        self.events.retain(|e| e["sessionId"] != session);
    }

    pub(super) fn launch(bin: &str) -> Browser {
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
    pub(super) fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
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
    pub(super) fn wait_event(&mut self, limit: Duration, done: impl Fn(&Value) -> bool) -> bool {
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

pub(super) fn base64_decode(s: &str) -> Vec<u8> {
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

/// Loads `url` in a fresh tab `width` px wide; returns what went wrong (empty when nothing did).
pub(super) fn visit(browser: &mut Browser, url: &str, width: u32, shot: &Path) -> Vec<String> {
    visit_and_run(browser, url, width, shot, None).0
}

/// How a tab is opened: its colour scheme, and how long late errors get to show up after load.
#[derive(Clone, Copy)]
pub(super) struct Tab {
    pub(super) dark: bool,
    pub(super) settle: Duration,
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
pub(super) fn visit_and_run(
    browser: &mut Browser,
    url: &str,
    width: u32,
    shot: &Path,
    script: Option<&str>,
) -> (Vec<String>, Value) {
    visit_tab(browser, url, width, shot, script, Tab::default())
}

/// [`visit_and_run`] in a tab opened as `tab` says.
pub(super) fn visit_tab(
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
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGVsbG8hIQ=="), b"hello!!");
    assert_eq!(base64_decode("YWJj"), b"abc");
}
