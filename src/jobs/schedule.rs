//! Every scheduled job of lapak, registered in this one place. Times come from the
//! `[schedule]` config section (cron with seconds: "sec min hour day month weekday");
//! an empty expression turns a job off.

use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use super::service;
use crate::{
    app::App,
    notifications, orders,
    settings::service::number,
    supplier::{model::Trigger, service as sync},
};

/// Every scheduled job, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    ProductSync,
    ExpireUnpaid,
    RecheckSupplier,
    PruneJobs,
    PruneDeliveries,
}

impl Task {
    pub const ALL: [Task; 5] =
        [Task::ProductSync, Task::ExpireUnpaid, Task::RecheckSupplier, Task::PruneJobs, Task::PruneDeliveries];

    pub fn name(self) -> &'static str {
        match self {
            Task::ProductSync => "product_sync",
            Task::ExpireUnpaid => "expire_unpaid",
            Task::RecheckSupplier => "recheck_supplier",
            Task::PruneJobs => "prune_jobs",
            Task::PruneDeliveries => "prune_deliveries",
        }
    }

    fn cron(self, cfg: &crate::config::ScheduleConfig) -> &str {
        match self {
            Task::ProductSync => &cfg.product_sync,
            Task::ExpireUnpaid => &cfg.expire_unpaid,
            Task::RecheckSupplier => &cfg.recheck_supplier,
            Task::PruneJobs => &cfg.prune_jobs,
            Task::PruneDeliveries => &cfg.prune_deliveries,
        }
    }

    /// Runs the job once, now (the scheduler's tick; tests after moving the clock).
    pub async fn run(self, app: &App) {
        match self {
            Task::ProductSync => product_sync(app).await,
            Task::ExpireUnpaid => expire_unpaid(app).await,
            Task::RecheckSupplier => recheck_supplier(app).await,
            Task::PruneJobs => prune_jobs(app).await,
            Task::PruneDeliveries => prune_deliveries(app).await,
        }
    }
}

/// Starts the scheduler with every configured job; an empty expression turns one off.
pub async fn start(app: &App) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    for task in Task::ALL {
        let expr = task.cron(&app.config.schedule);
        if expr.trim().is_empty() {
            tracing::info!(job = task.name(), "schedule off");
            continue;
        }
        let app = app.clone();
        sched
            .add(Job::new_async(expr, move |_, _| {
                let app = app.clone();
                Box::pin(async move { task.run(&app).await })
            })?)
            .await?;
    }
    sched.start().await?;
    Ok(sched)
}

async fn product_sync(app: &App) {
    match sync::sync_products(app, Trigger::Schedule).await {
        Ok(s) => {
            tracing::info!(added = s.added, updated = s.updated, deactivated = s.deactivated, limited = ?s.limited,
                                "scheduled product sync")
        }
        Err(e) => tracing::warn!(error = %e, "scheduled product sync failed"),
    }
}

/// Work a restart may have left: orders a killed process was sending (their lease is
/// void: nothing of this process holds one yet), outbox rows not yet queued and due
/// re-checks (with a queue), expiries.
pub async fn catch_up(app: &App, queue: bool) {
    match orders::fulfilment::release_leases(app).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::warn!(orders = n, "orders in flight when lapak stopped; re-checking them with the same ref_id")
        }
        Err(e) => tracing::error!(error = %e, "releasing order leases failed"),
    }
    if queue {
        if let Err(e) = service::drain_outbox(app).await {
            tracing::error!(error = %e, "start-up outbox drain failed");
        }
        recheck_supplier(app).await;
    }
    expire_unpaid(app).await;
}

async fn expire_unpaid(app: &App) {
    match orders::payment::expire_due(app).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(expired = n, "unpaid orders expired"),
        Err(e) => tracing::error!(error = %e, "expiring unpaid orders failed"),
    }
}

async fn recheck_supplier(app: &App) {
    match service::sweep_due(app).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(queued = n, "supplier re-checks queued"),
        Err(e) => tracing::error!(error = %e, "queueing supplier re-checks failed"),
    }
}

async fn prune_jobs(app: &App) {
    match service::prune(app, 7).await {
        Ok(n) => tracing::info!(pruned = n, "finished jobs pruned"),
        Err(e) => tracing::error!(error = %e, "pruning jobs failed"),
    }
}

/// Deletes stored webhook deliveries, and settled notification outbox rows, older than
/// the setting `webhooks.keep_days`.
pub async fn prune_deliveries(app: &App) {
    let now = app.clock.now();
    let pruned = app
        .db
        .write(move |tx| -> Result<(usize, usize, usize, usize), crate::db::DbError> {
            let days = number(tx, "webhooks.keep_days")?.filter(|d| *d >= 1).unwrap_or(90);
            let cutoff = crate::clock::ts(now - chrono::Duration::days(days));
            // Bill quotes nobody paid are worthless a day after they expired.
            let quotes_before = crate::clock::ts(now - chrono::Duration::days(1));
            Ok((
                orders::payment::prune_callbacks(tx, &cutoff)?,
                orders::fulfilment::prune_webhooks(tx, &cutoff)?,
                notifications::service::prune(tx, &cutoff)?,
                crate::bills::service::prune(tx, &quotes_before)?,
            ))
        })
        .await;
    match pruned {
        Ok((0, 0, 0, 0)) => {}
        Ok((callbacks, webhooks, outbox, quotes)) => {
            tracing::info!(
                callbacks,
                webhooks,
                outbox,
                quotes,
                "old deliveries, sent notifications and unpaid quotes pruned"
            )
        }
        Err(e) => tracing::error!(error = %e, "pruning webhook deliveries failed"),
    }
}
