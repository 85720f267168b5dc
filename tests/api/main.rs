//! The black-box and acceptance tests, in one test binary: each integration test file used to be a
//! binary of its own that linked the whole server, so a change to the library relinked eleven of them.
//! Here each former file is a module; `helpers` holds what they share (apps on random ports, fresh
//! databases, private Redis servers).
//!
//! Run one module with a filter: `scripts/test --test api intake::` (or `cargo test --test api pages::`).
//! Tests that need Redis, PostgreSQL or Chromium ask for them with `helpers::require_env`: skipped
//! with a message when missing, failed when `CI` is set.

mod helpers;

mod admin;
mod api_page;
mod api_v1;
mod backups;
mod bad_input;
mod browser;
mod catalog_files;
mod comments;
mod comments_moderation;
mod counter_contract;
mod demo;
mod deployment;
mod detect_dst;
mod detect_lasting_and_quiet;
mod detect_synthetic;
mod durability;
mod embeds;
mod evidence;
mod feeds;
mod flood;
mod forms_csrf;
mod groups;
mod http_methods;
mod i18n;
mod intake;
mod journalists;
mod leadership;
mod memory;
mod monitor;
mod normal_range;
mod openapi_schemathesis;
mod pages;
mod provisional_claims;
mod redis_cluster;
mod redis_down;
mod regional_breadth;
mod regions;
mod retention;
mod retention_comments;
mod series_api;
mod slow_clients;
mod tls;
mod webhooks;
mod works_again;

/// Every integration test is a module of this binary: a new `tests/*.rs` (or `tests/*/main.rs`) would
/// be a binary of its own, linking the whole server again.
#[test]
fn integration_tests_are_modules_of_this_binary() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut binaries: Vec<String> = std::fs::read_dir(&tests)
        .expect("read tests/")
        .map(|entry| entry.expect("a tests/ entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs")
                || (p.join("main.rs").is_file() && !p.ends_with("api"))
        })
        .map(|p| p.display().to_string())
        .collect();
    binaries.sort();
    assert!(
        binaries.is_empty(),
        "test binaries besides tests/api: {binaries:?}; make each a module of tests/api/main.rs"
    );
}
