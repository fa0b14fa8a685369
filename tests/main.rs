//! Every integration test of lapak, in one test binary: one link instead of one per
//! file, which keeps the build small on disk and quick (each file is a module here).
//! `tests/common` starts the real app on a temporary database against fake upstreams.
//! Run one file with `cargo test --test suite <file>::`, e.g. `model::`.

mod common;

mod accounts;
mod admin;
mod api_contract;
mod architecture;
mod bills;
mod bills_model;
mod bounded;
mod catalog;
mod cli;
mod console;
mod content;
mod crash;
mod crash_burst;
mod demo;
mod edges;
mod google;
mod h2h;
mod http_edge;
mod matrix;
mod model;
mod notifications;
mod orders;
mod pln;
mod replication;
mod reports;
mod security;
mod storefront;
mod supplier;
mod wallet;
