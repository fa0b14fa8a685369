//! Wallet: reseller balances as a small ledger. Deposits through Tripay, purchases paid
//! with balance, automatic refunds, withdrawals held at request time, admin adjustments.

pub mod api;
pub mod ledger;
pub mod model;
pub mod repo;
pub mod service;
