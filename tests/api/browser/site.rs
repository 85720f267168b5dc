//! The site's own pages in Chromium: clean at phone and desktop widths, fitting a phone in every
//! language, the dark theme, live refresh in place, charts that read.

use super::chromium::{Browser, Tab, visit, visit_and_run, visit_tab};
use super::{chromium_bin, screenshot_dir, start_app};
use crate::helpers::INTESA;
use serde_json::Value;
use std::time::{Duration, Instant};

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
