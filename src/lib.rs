//! lapak: a complete top-up store backend in one binary.
//!
//! `main.rs` only parses the command line; everything is built here so that `tests/`
//! can start the real app on a temporary database.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod bench;
pub mod bills;
pub mod boot;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod db;
pub mod demo;
pub mod digiflazz;
pub mod error;
pub mod google;
pub mod h2h;
pub mod http;
pub mod jobs;
pub mod lenient;
pub mod metrics;
pub mod notifications;
pub mod openapi_tags;
pub mod operators;
pub mod orders;
pub mod pricing;
pub mod queue;
pub mod replication;
pub mod reports;
pub mod settings;
pub mod supplier;
pub mod telemetry;
pub mod text;
pub mod tripay;
pub mod vouchers;
pub mod wallet;
pub mod web;

pub use app::{App, AppState};
pub use config::Config;
