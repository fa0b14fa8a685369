//! The numbers: the admin's dashboard and reports (with CSV export), and a customer's
//! own purchase analytics. Revenue is what customers paid for the product (after
//! discount, without the gateway fee); profit is revenue minus what the supplier
//! charged. Days are Asia/Jakarta days (UTC+7, no daylight saving).

pub mod api;
pub mod model;
pub mod repo;
pub mod service;
