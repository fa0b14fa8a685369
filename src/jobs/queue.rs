//! The job queue: apalis on SQLite (its own file, `database.queue_path`).
//!
//! The money database is the source of truth: a paid order's `fulfilment_outbox` row is
//! written in the same transaction that marks it paid. A dispatcher moves outbox rows
//! into the apalis queue (woken at once by the callback, and every few seconds anyway),
//! and a schedule sweeps orders whose re-check is due. The queue file can therefore use
//! apalis' own settings (its setup turns `synchronous` off): a job it loses is found
//! again by the sweep, and the job is idempotent.

use std::time::Duration;

use apalis::prelude::*;
use apalis_sqlite::{Config as QueueConfig, SqliteStorage};
use rusqlite::params;

use super::fulfil;
pub use crate::queue::{Jobs, ProcessDigiflazzOrder, QUEUE};
use crate::{app::App, db::now_str, db::DbError};

/// Opens the queue, starts the worker and the dispatcher. Call once per app.
pub async fn start(app: &App) -> anyhow::Result<()> {
    let path = &app.config.database.queue_path;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let (pool, listener) = SqliteStorage::connect_with_callback(&url)?;
    SqliteStorage::setup(&pool).await?;
    let storage = SqliteStorage::<ProcessDigiflazzOrder>::new(&pool).with_config(QueueConfig::default().queue(QUEUE));
    app.jobs.set_storage(storage.clone()).map_err(|e| anyhow::anyhow!(e))?;

    // The worker is supervised: if it ever stops, a new one (with a new name: apalis
    // keeps a dead worker's name registered for a while) takes over.
    let (worker_app, concurrency) = (app.clone(), app.config.orders.workers.max(1));
    let mut listener = Some(listener);
    tokio::spawn(async move {
        loop {
            let name = format!("lapak-fulfilment-{}", ulid::Ulid::generate());
            let backend = storage.clone();
            let run = match listener.take() {
                // Woken by the insert hook at once; the interval catches anything the
                // hook misses (stack.md: hook-only polling can wait for the heartbeat).
                Some(l) => {
                    WorkerBuilder::new(name.as_str())
                        .backend(
                            backend.poll_with_strategy(Strategy::new().stream(l).interval(Duration::from_millis(250))),
                        )
                        .data(worker_app.clone())
                        .concurrency(concurrency)
                        .build(handle)
                        .run()
                        .await
                }
                // Without the insert hook after a restart: poll every 100 ms.
                None => {
                    WorkerBuilder::new(name.as_str())
                        .backend(backend.poll_with_interval(Duration::from_millis(100)))
                        .data(worker_app.clone())
                        .concurrency(concurrency)
                        .build(handle)
                        .run()
                        .await
                }
            };
            if let Err(e) = run {
                tracing::error!(worker = %name, error = %e, "the fulfilment worker stopped; starting a new one");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });

    let dispatcher = app.clone();
    tokio::spawn(async move { dispatch_loop(dispatcher).await });
    Ok(())
}

async fn handle(job: ProcessDigiflazzOrder, app: Data<App>) -> Result<(), BoxDynError> {
    // Errors here are database errors; the order stays processing and the sweep comes
    // back to it, so the task itself never needs apalis' immediate retries.
    if let Err(e) = fulfil::run(&app, job.transaction_id).await {
        tracing::error!(order = %job.transaction_code, error = %e, "fulfilment failed; the sweep will retry");
    }
    Ok(())
}

async fn dispatch_loop(app: App) {
    loop {
        match drain_outbox(&app).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox dispatch failed"),
        }
        tokio::select! {
            _ = app.jobs.woken() => {},
            _ = tokio::time::sleep(Duration::from_secs(2)) => {},
        }
    }
}

/// Moves undispatched outbox rows into the queue. A row pushed twice (a crash between
/// push and mark) only means a second, harmless status check.
pub async fn drain_outbox(app: &App) -> Result<usize, DbError> {
    let rows: Vec<(i64, i64, String)> = app
        .db
        .run(|c| {
            let mut s = c.prepare(
                "SELECT o.id, o.transaction_id, t.transaction_code FROM fulfilment_outbox o
                 JOIN transactions t ON t.id = o.transaction_id
                 WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT 100",
            )?;
            let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok::<_, DbError>(rows)
        })
        .await?;
    let n = rows.len();
    for (outbox_id, transaction_id, code) in rows {
        if let Err(e) = app.jobs.push(ProcessDigiflazzOrder { transaction_id, transaction_code: code }).await {
            return Err(DbError::Other(format!("queue push failed: {e}")));
        }
        app.db
            .run(move |c| {
                c.execute(
                    "UPDATE fulfilment_outbox SET dispatched_at = ?2 WHERE id = ?1",
                    params![outbox_id, now_str()],
                )
                .map_err(DbError::from)
            })
            .await?;
    }
    Ok(n)
}

/// Keeps the queue file small: finished jobs older than `keep_days` are deleted.
pub async fn prune(app: &App, keep_days: i64) -> Result<u64, String> {
    let storage = app.jobs.storage().ok_or("the job queue is not started")?;
    let cutoff = chrono::Utc::now().timestamp() - keep_days * 86_400;
    let done =
        sqlx::query("DELETE FROM Jobs WHERE status IN ('Done', 'Killed') AND done_at IS NOT NULL AND done_at < ?1")
            .bind(cutoff)
            .execute(storage.pool())
            .await
            .map_err(|e| e.to_string())?;
    Ok(done.rows_affected())
}
