//! The black-box and acceptance tests, in one test binary: each integration test file used to be a
//! binary of its own that linked the whole server, so a change to the library relinked eleven of them.
//! Here each former file is a module; `helpers` holds what they share (apps on random ports, fresh
//! databases, private Redis servers).
//!
//! Run one module with a filter: `scripts/test --test api intake::` (or `cargo test --test api pages::`).
//! Tests that need Redis, PostgreSQL or Chromium ask for them with `helpers::require_env`: skipped
//! with a message when missing, failed when `CI` is set.

mod helpers;

mod browser;
mod comments;
mod counter_contract;
mod detect_synthetic;
mod durability;
mod embeds;
mod i18n;
mod intake;
mod monitor;
mod pages;
mod regions;
