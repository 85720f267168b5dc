//! Deployment (issue 14 §2): `/metrics` on a private listener, and a docker-compose.yml that uses only
//! settings `serve` knows. There is no container engine here: the compose file and the nginx
//! configuration are checked as text against the real binary's `serve --help`.

use crate::helpers::*;
use std::collections::BTreeSet;

#[tokio::test]
async fn metrics_can_be_served_on_a_private_listener_alone() {
    let db = SqliteFile::new();
    let metrics = format!("127.0.0.1:{}", free_port());
    let server = spawn_binary(&["--metrics-bind", &metrics], &[("DATABASE_URL", &db.url)]).await;
    let client = client();
    let public = client
        .get(format!("{}/metrics", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), 404, "the public listener hides /metrics");
    let private = client
        .get(format!("http://{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(private.status(), 200);
    let text = private.text().await.unwrap();
    assert!(
        text.contains("# TYPE downtally_http_request_duration_seconds"),
        "{text}"
    );
    let elsewhere = client
        .get(format!("http://{metrics}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        elsewhere.status(),
        404,
        "the private listener serves /metrics alone"
    );
    let page = client
        .get(format!("{}/", server.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the public listener serves the site");
}

fn repo_file(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Words of `text` that start with `prefix`, up to the first character that cannot be in a name.
fn names_starting(text: &str, prefix: &str, part: fn(char) -> bool) -> BTreeSet<String> {
    text.match_indices(prefix)
        .filter(|&(i, _)| !text[..i].ends_with(part))
        .map(|(i, _)| text[i..].chars().take_while(|&c| part(c)).collect())
        .collect()
}

/// The lines of the block that starts with `header` (exactly, indentation included), up to the next
/// line indented as little.
fn block<'a>(text: &'a str, header: &str) -> Vec<&'a str> {
    let indent = header.len() - header.trim_start().len();
    let mut lines = text.lines().skip_while(|l| *l != header);
    lines
        .next()
        .unwrap_or_else(|| panic!("no {header:?} block"));
    lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        .collect()
}

#[test]
fn the_compose_file_uses_only_what_serve_knows() {
    let (status, help, stderr) = run_binary(&["serve", "--help"], &[]);
    assert!(status.success(), "{stderr}");
    let compose = repo_file("docker-compose.yml");

    let env_char = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
    let mut variables = names_starting(&compose, "DOWNTALLY_", env_char);
    variables.extend(["DATABASE_URL", "REDIS_URL"].map(String::from));
    for name in &variables {
        assert!(
            // A secret's value is hidden: `[env: NAME]`.
            help.contains(&format!("[env: {name}=")) || help.contains(&format!("[env: {name}]")),
            "docker-compose.yml names {name}, which `serve` does not read"
        );
    }
    let flag_char = |c: char| c.is_ascii_lowercase() || c == '-';
    let commands: String = compose
        .lines()
        .filter(|l| l.contains(r#""downtally", "serve""#))
        .collect();
    let flags = names_starting(&commands, "--", flag_char);
    assert!(flags.contains("--metrics-bind"), "{flags:?}");
    for flag in &flags {
        assert!(
            help.contains(&format!("{flag} <")) || help.contains(&format!("{flag}\n")),
            "docker-compose.yml passes {flag}, which `serve` does not take"
        );
    }

    // Both replicas run the same settings, checked on /readyz, with the public address set.
    let app = block(&compose, "x-app: &app").join("\n");
    for needed in [
        "DOWNTALLY_PUBLIC_URL:",
        "DOWNTALLY_TRUSTED_PROXIES:",
        "DATABASE_URL: postgres://",
        "REDIS_URL: redis://",
        "/readyz",
    ] {
        assert!(app.contains(needed), "the app nodes lack {needed}");
    }
    let replicas: Vec<&str> = ["app1", "app2"]
        .into_iter()
        .filter(|name| block(&compose, &format!("  {name}:")).contains(&"    <<: *app"))
        .collect();
    assert_eq!(replicas, ["app1", "app2"]);

    // The proxy's fixed address is the one the apps trust, and it proxies to both.
    let trusted = app
        .lines()
        .find_map(|l| l.trim().strip_prefix("DOWNTALLY_TRUSTED_PROXIES:"))
        .unwrap()
        .trim();
    let proxy = block(&compose, "  proxy:").join("\n");
    assert_eq!(
        format!("{}/32", proxy.split("ipv4_address:").nth(1).unwrap().trim()),
        trusted,
        "the apps trust the proxy's address"
    );
    assert!(proxy.contains("./deploy/nginx.conf:/etc/nginx/nginx.conf"));
    let nginx = repo_file("deploy/nginx.conf");
    let upstream = block(&nginx, "    upstream downtally {").join("\n");
    for replica in replicas {
        assert!(
            upstream.contains(&format!("server {replica}:8080")),
            "nginx proxies to {replica}"
        );
    }
    assert!(nginx.contains("X-Forwarded-For $proxy_add_x_forwarded_for"));
    assert!(nginx.contains("location = /metrics {\n            return 404;"));
}
