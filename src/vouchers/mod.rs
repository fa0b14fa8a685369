//! Vouchers: percent or flat discounts with limits, reserved at checkout inside the
//! order's database transaction (so quotas hold under concurrent checkouts) and released
//! when an unpaid order expires, fails or is cancelled.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
