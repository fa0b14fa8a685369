//! Every scheduled job of lapak, registered in this one place. Times come from the
//! `[schedule]` config section (cron with seconds: "sec min hour day month weekday");
//! an empty expression turns a job off.

use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use crate::{
    app::App,
    supplier::sync::{self, Trigger},
};

/// Whether a cron expression is one the scheduler accepts.
pub fn valid_cron(expr: &str) -> bool {
    Job::new_async(expr, |_, _| Box::pin(async {})).is_ok()
}

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

    sched.start().await?;
    Ok(sched)
}
