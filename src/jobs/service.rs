//! What the job machinery does: run one fulfilment job, queue due re-checks, move the
//! fulfilment outbox into the queue, and the admin's list and retry.

use super::{
    model::{JobError, JobList, JobRow},
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    db::DbError,
    orders::fulfilment::{self, Asker},
    queue::ProcessDigiflazzOrder,
};

/// `ProcessDigiflazzOrder`: send a paid order to Digiflazz with its fixed ref_id (or
/// re-check it); the rules live in `orders::fulfilment`.
pub async fn run(app: &App, transaction_id: i64) -> Result<(), DbError> {
    fulfilment::ask_supplier(app, transaction_id, Asker::Job).await.map(|_| ())
}

/// Queues every order whose re-check is due, and paid orders that never got a job (a
/// lost queue entry). Run by the schedule and at start-up.
pub async fn sweep_due(app: &App) -> Result<usize, DbError> {
    let due = fulfilment::due_checks(app).await?;
    let n = due.len();
    for (id, code) in due {
        app.jobs
            .push(ProcessDigiflazzOrder { transaction_id: id, transaction_code: code })
            .await
            .map_err(DbError::Other)?;
    }
    Ok(n)
}

/// Moves undispatched outbox rows into the queue. A row pushed twice (a crash between
/// push and mark) only means a second, harmless status check.
pub async fn drain_outbox(app: &App) -> Result<usize, DbError> {
    let rows = fulfilment::outbox_pending(app).await?;
    let n = rows.len();
    for (outbox_id, transaction_id, code) in rows {
        app.jobs
            .push(ProcessDigiflazzOrder { transaction_id, transaction_code: code })
            .await
            .map_err(|e| DbError::Other(format!("queue push failed: {e}")))?;
        fulfilment::mark_dispatched(app, outbox_id).await?;
    }
    Ok(n)
}

/// Keeps the queue file small: finished jobs older than `keep_days` are deleted.
pub async fn prune(app: &App, keep_days: i64) -> Result<u64, JobError> {
    let pool = app.jobs.pool().ok_or(JobError::NotStarted)?;
    let cutoff = app.clock.now().timestamp() - keep_days * 86_400;
    Ok(repo::prune(pool, cutoff).await?)
}

/// Counts by status, and the newest jobs (optionally of one status).
pub async fn list(app: &App, status: Option<String>, limit: i64) -> Result<JobList, JobError> {
    let pool = app.jobs.pool().ok_or(JobError::NotStarted)?;
    Ok(JobList { counts: repo::counts(pool).await?, data: repo::list(pool, status, limit).await? })
}

/// Queues a job's order again (same ref_id: a purchase that never reached the supplier
/// is made, one that did is only checked). The order becomes due and the retry is
/// audited in one transaction.
pub async fn retry(app: &App, actor: Actor, id: &str) -> Result<JobRow, JobError> {
    let pool = app.jobs.pool().ok_or(JobError::NotStarted)?;
    let (row, job) = repo::find(pool, id).await?.ok_or(JobError::NotFound)?;
    let job = job.ok_or(JobError::Unreadable)?;
    let (tid, code) = (job.transaction_id, job.transaction_code.clone());
    app.db
        .write(move |tx| {
            fulfilment::make_due(tx, tid)?;
            audit::record(tx, &actor, Record::new(Action::JobRetry, Subject::Order(tid), code))?;
            Ok::<_, DbError>(())
        })
        .await?;
    app.jobs.push(job).await.map_err(JobError::Queue)?;
    Ok(row)
}
