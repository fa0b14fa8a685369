//! Background work: the schedule registry (tokio-cron-scheduler).

pub mod schedule;
