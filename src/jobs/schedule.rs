//! Every scheduled job of lapak, registered in this one place. Times come from the
//! `[schedule]` config section (cron with seconds: "sec min hour day month weekday");
//! an empty expression turns a job off.

use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use std::{future::Future, pin::Pin};

use crate::{
    app::App,
    orders,
    supplier::sync::{self, Trigger},
};

type Task = fn(App) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Starts the scheduler with every configured job.
pub async fn start(app: &App) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    let cfg = &app.config.schedule;

    if !cfg.product_sync.trim().is_empty() {
        let app = app.clone();
        sched
            .add(Job::new_async(cfg.product_sync.as_str(), move |_, _| {
                let app = app.clone();
                Box::pin(async move {
                    match sync::sync_products(&app, Trigger::Schedule).await {
                        Ok(s) => tracing::info!(added = s.added, updated = s.updated, deactivated = s.deactivated,
                                                limited = ?s.limited, "scheduled product sync"),
                        Err(e) => tracing::warn!(error = %e, "scheduled product sync failed"),
                    }
                })
            })?)
            .await?;
    }

    let tasks: [(&str, &str, Task); 4] = [
        ("expire_unpaid", cfg.expire_unpaid.as_str(), |app| Box::pin(async move { expire_unpaid(&app).await })),
        ("recheck_supplier", cfg.recheck_supplier.as_str(), |app| {
            Box::pin(async move { recheck_supplier(&app).await })
        }),
        ("prune_jobs", cfg.prune_jobs.as_str(), |app| Box::pin(async move { prune_jobs(&app).await })),
        ("prune_deliveries", cfg.prune_deliveries.as_str(), |app| {
            Box::pin(async move { prune_deliveries(&app).await })
        }),
    ];
    for (name, expr, task) in tasks {
        if expr.trim().is_empty() {
            tracing::info!(job = name, "schedule off");
            continue;
        }
        let app = app.clone();
        sched.add(Job::new_async(expr, move |_, _| task(app.clone()))?).await?;
    }

    sched.start().await?;
    Ok(sched)
}

/// Work a restart may have left: outbox rows not yet queued, orders a killed process was
/// sending (their lease is void: nothing of this process holds one yet), due re-checks,
/// expiries.
pub async fn catch_up(app: &App) {
    match crate::jobs::fulfil::release_leases(app).await {
        Ok(0) => {}
        Ok(n) => {
            tracing::warn!(orders = n, "orders in flight when lapak stopped; re-checking them with the same ref_id")
        }
        Err(e) => tracing::error!(error = %e, "releasing order leases failed"),
    }
    if let Err(e) = crate::jobs::queue::drain_outbox(app).await {
        tracing::error!(error = %e, "start-up outbox drain failed");
    }
    recheck_supplier(app).await;
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
    match crate::jobs::fulfil::sweep_due(app).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(queued = n, "supplier re-checks queued"),
        Err(e) => tracing::error!(error = %e, "queueing supplier re-checks failed"),
    }
}

async fn prune_jobs(app: &App) {
    match crate::jobs::queue::prune(app, 7).await {
        Ok(n) => tracing::info!(pruned = n, "finished jobs pruned"),
        Err(e) => tracing::error!(error = %e, "pruning jobs failed"),
    }
}

/// Deletes stored webhook deliveries older than the setting `webhooks.keep_days`.
pub async fn prune_deliveries(app: &App) {
    let now = app.clock.now();
    let pruned = app
        .db
        .write(move |tx| -> Result<(usize, usize), crate::db::DbError> {
            let days = crate::settings::find(tx, "webhooks.keep_days")?
                .and_then(|s| s.value)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|d| *d >= 1)
                .unwrap_or(90);
            let cutoff = crate::db::ts(now - chrono::Duration::days(days));
            Ok((crate::orders::payment::prune_callbacks(tx, &cutoff)?, crate::orders::fulfilment::prune_webhooks(tx, &cutoff)?))
        })
        .await;
    match pruned {
        Ok((0, 0)) => {}
        Ok((callbacks, webhooks)) => tracing::info!(callbacks, webhooks, "old webhook deliveries pruned"),
        Err(e) => tracing::error!(error = %e, "pruning webhook deliveries failed"),
    }
}
