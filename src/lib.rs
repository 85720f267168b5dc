//! downtally: a crowd-sourced outage report aggregator for banks and payment services.
//! See ARCHITECTURE.md for the path a report takes through these modules.

pub mod admin;
pub mod backfill;
pub mod badge;
pub mod catalog;
pub mod chart;
pub mod clock;
pub mod colour;
pub mod comments;
pub mod config;
pub mod counts;
pub mod demo;
pub mod detect;
pub mod domain;
pub mod figure;
pub mod forwarded;
pub mod i18n;
pub mod incident;
pub mod incident_groups;
pub mod intake;
pub mod map;
pub mod metrics;
pub mod monitor;
pub mod normals;
pub mod privacy;
pub mod raster;
pub mod rebuild;
pub mod regions;
pub mod replay;
pub mod simulate;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod xml;
