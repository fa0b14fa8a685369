//! Accounts: users, passwords, tokens, roles and tiers.

pub mod api;
pub mod mail;
pub mod model;
pub mod repo;
pub mod service;
