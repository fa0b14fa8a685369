//! Background work: the schedule registry (tokio-cron-scheduler).

pub mod api;
pub mod fulfil;
pub mod queue;
pub mod schedule;

