//! The audit log (`activity_logs`): a typed record of who changed what, written in the
//! same transaction as the change; and the admin's view of it.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;

pub use model::{Action, Record, Subject};
pub use service::{record, upstream};
