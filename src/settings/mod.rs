//! Settings: typed key/value rows (string, number, boolean, json) with a group and a
//! public flag. `GET /app-config` is built from the public ones; checkout obeys the
//! maintenance and feature switches.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
