//! Background work: the fulfilment queue (apalis on its own SQLite file, fed by the
//! outbox), every schedule (tokio-cron-scheduler) and the start-up catch-up, and the
//! admin's view of the queue.

pub mod api;
pub mod model;
pub mod queue;
pub mod repo;
pub mod schedule;
pub mod service;
