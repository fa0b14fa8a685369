//! The host-to-host API: resellers' own shops, bots and counter software buy from
//! lapak as they would from a supplier. API keys (owns `api_keys`), signed requests
//! under `/h2h/v1` (HMAC-SHA256 over method, path, timestamp and the raw body), the
//! reseller's balance, idempotent orders by the reseller's ref_id, and their status.
//!
//! A key's secret is never stored: it is derived from the shop's H2H master key and
//! the key's id and version, so a copy of the database alone signs nothing.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
