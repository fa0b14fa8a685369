//! Pricing: the rules that turn a supplier price into retail and reseller prices, and
//! the admin's fixed prices on single items.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
