//! Notifications: rows in `notifications` for the user, each with an outbox row written
//! in the same transaction; a dispatcher posts them, signed, to the operator's bridge
//! (WhatsApp, e-mail, push) configured as `notifications.webhook_url`, after the
//! commit and never inside it. Also the user's push devices.

pub mod api;
pub mod model;
pub mod repo;
pub mod service;

pub use model::Kind;
pub use service::{create, signature, wake};
