//! No page loads a resource (script, stylesheet, image, font) from another host.

use super::{all_pages, app, attributes, between, get, tags};

/// Where `url(…)` and `@import` in CSS point.
fn css_references(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in css.split("url(").skip(1) {
        let end = part.find(')').unwrap_or(part.len());
        out.push(part[..end].trim().trim_matches(['"', '\'']).to_owned());
    }
    for part in css.split("@import").skip(1) {
        let part = part.trim_start();
        if !part.starts_with("url(") {
            let q = part.chars().next().unwrap_or('"');
            out.push(part[1..].split(q).next().unwrap_or("").to_owned());
        }
    }
    out
}

/// True when fetching this reference stays on the origin that served the page.
fn same_origin(reference: &str, origin: &str) -> bool {
    let r = reference.trim();
    if r.starts_with("//") || r.starts_with("\\\\") {
        return false;
    }
    if r.starts_with(origin) && r[origin.len()..].chars().next().is_none_or(|c| c == '/') {
        return true;
    }
    // A scheme (`https:`, `ftp:`) before any `/`, `?` or `#` makes it absolute. `data:` is inline.
    let before = r.split(['/', '?', '#']).next().unwrap_or("");
    match before.split_once(':') {
        Some((scheme, _)) => scheme.eq_ignore_ascii_case("data"),
        None => true,
    }
}

#[test]
fn origin_check_recognises_other_hosts() {
    let o = "http://127.0.0.1:1";
    for ok in [
        "/static/style.css",
        "style.css",
        "?q=1",
        "#x",
        "http://127.0.0.1:1/x",
        "data:image/png;base64,AA",
    ] {
        assert!(same_origin(ok, o), "{ok}");
    }
    for bad in [
        "https://fonts.googleapis.com/css",
        "//cdn.example/x.js",
        "http://127.0.0.1:10/x",
        "HTTP://example.com",
    ] {
        assert!(!same_origin(bad, o), "{bad}");
    }
    assert_eq!(
        css_references("a{background:url('https://x/y.png')} @import \"//z/c.css\";"),
        vec!["https://x/y.png", "//z/c.css"]
    );
}

#[tokio::test]
async fn no_page_loads_a_resource_from_another_host() {
    let origin = app().base.clone();
    let mut stylesheets = std::collections::BTreeSet::new();
    let mut offenders = Vec::new();
    for path in all_pages() {
        let p = get(&path).await;
        assert!(
            p.status == 200 || p.status == 404,
            "GET {path}: {}",
            p.status
        );
        for (name, tag) in tags(&p.body) {
            for (key, value) in attributes(tag) {
                // Links people follow (<a href>) load nothing; everything else that names a URL does.
                let loads = match key.as_str() {
                    "src" | "poster" | "data" | "background" | "xlink:href" => true,
                    "href" => name != "a",
                    "srcset" | "imagesrcset" => true,
                    "style" => {
                        for r in css_references(&value) {
                            if !same_origin(&r, &origin) {
                                offenders.push(format!("{path}: <{name} style> loads {r}"));
                            }
                        }
                        false
                    }
                    _ => false,
                };
                if !loads {
                    continue;
                }
                let refs: Vec<&str> = if key.ends_with("srcset") {
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .collect()
                } else {
                    vec![value.as_str()]
                };
                for r in refs {
                    if !same_origin(r, &origin) {
                        offenders.push(format!("{path}: <{name} {key}> loads {r}"));
                    }
                    if name == "link" && tag.contains("stylesheet") {
                        stylesheets.insert(r.to_owned());
                    }
                }
            }
        }
        let mut rest = p.body.as_str();
        while let Some(css) = between(rest, "<style", "</style>") {
            for r in css_references(css) {
                if !same_origin(&r, &origin) {
                    offenders.push(format!("{path}: <style> loads {r}"));
                }
            }
            rest = &rest[rest.find("</style>").unwrap() + 8..];
        }
    }
    assert!(
        !stylesheets.is_empty(),
        "no page links a stylesheet: was the check blind?"
    );
    for sheet in &stylesheets {
        let path = sheet.strip_prefix(&origin).unwrap_or(sheet);
        let css = get(path).await;
        assert_eq!(css.status, 200, "GET {path}");
        for r in css_references(&css.body) {
            if !same_origin(&r, &origin) {
                offenders.push(format!("{path} loads {r}"));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "external resources:\n{}",
        offenders.join("\n")
    );
}
