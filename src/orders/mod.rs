//! Orders: purchases and top-ups, their state machine and fulfilment.

pub mod admin_api;
pub mod api;
pub mod fulfilment;
pub mod model;
pub mod repo;
pub mod service;
