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

use super::service;
use crate::app::App;
pub use crate::queue::{Jobs, ProcessDigiflazzOrder, QUEUE};

/// Opens the queue, starts the worker and the dispatcher (their tasks are returned, to
/// stop with the app). Call once per app.
pub async fn start(app: &App) -> anyhow::Result<Vec<tokio::task::JoinHandle<()>>> {
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
    let worker = tokio::spawn(async move {
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
    let dispatcher = tokio::spawn(async move { dispatch_loop(dispatcher).await });
    Ok(vec![worker, dispatcher])
}

async fn handle(job: ProcessDigiflazzOrder, app: Data<App>) -> Result<(), BoxDynError> {
    // Errors here are database errors; the order stays processing and the sweep comes
    // back to it, so the task itself never needs apalis' immediate retries.
    if let Err(e) = service::run(&app, job.transaction_id).await {
        tracing::error!(order = %job.transaction_code, error = %e, "fulfilment failed; the sweep will retry");
    }
    Ok(())
}

async fn dispatch_loop(app: App) {
    loop {
        match service::drain_outbox(&app).await {
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
