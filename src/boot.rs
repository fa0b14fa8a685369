//! One way to start lapak, used by `lapak serve` and by the tests: the app on its
//! database, the fulfilment worker and both outbox dispatchers, every schedule, the
//! start-up catch-up, and the HTTP server. `Running::stop` ends all of it.

use std::future::Future;

use poem::listener::Acceptor;
use tokio::{sync::oneshot, task::JoinHandle};
use tokio_cron_scheduler::JobScheduler;

use crate::{
    app::{App, AppState},
    config::Config,
    http, jobs, notifications,
    supplier::{model::Trigger, service as supplier},
    tripay::simulator::TripaySim,
};

/// How to start.
pub struct Boot {
    /// Run the fulfilment worker and queue dispatcher. A test that decides the order of
    /// every event runs the fulfilment job itself instead.
    pub worker: bool,
    /// Fill an empty catalog from the supplier, in the background.
    pub first_run_sync: bool,
    /// Demo mode: the Tripay simulator lapak serves under `/demo/tripay`.
    pub demo_tripay: Option<TripaySim>,
    /// How far the app's clock runs ahead of the wall clock (a restarted test app keeps
    /// the time its predecessor had reached).
    pub clock_offset: chrono::Duration,
}

impl Default for Boot {
    fn default() -> Self {
        Boot { worker: true, first_run_sync: false, demo_tripay: None, clock_offset: chrono::Duration::zero() }
    }
}

/// A started lapak.
pub struct Running {
    pub app: App,
    scheduler: JobScheduler,
    tasks: Vec<JoinHandle<()>>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

/// Builds the app and starts everything; the server stops when `shutdown` resolves or
/// `Running::stop` is called.
pub async fn start<A: Acceptor + 'static>(
    config: Config,
    acceptor: A,
    boot: Boot,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Running> {
    // A restore whose ledger check did not pass must not be served (`lapak restore`).
    if let Some(why) = crate::replication::unfinished_restore(&config.database.path) {
        anyhow::bail!(why);
    }
    let app = tokio::task::spawn_blocking(move || AppState::build(config)).await??;
    app.clock.advance(boot.clock_offset);
    if let Some(sim) = boot.demo_tripay {
        let _ = app.demo_tripay.set(sim);
    }
    let mut tasks = Vec::new();
    if boot.worker {
        tasks.extend(jobs::queue::start(&app).await?);
    }
    let dispatcher = app.clone();
    tasks.push(tokio::spawn(async move { notifications::service::run_dispatcher(dispatcher).await }));
    let callbacks = app.clone();
    tasks.push(tokio::spawn(async move { crate::h2h::service::run_callbacks(callbacks).await }));
    let scheduler = jobs::schedule::start(&app).await?;
    jobs::schedule::catch_up(&app, boot.worker).await;
    if boot.first_run_sync {
        tasks.push(first_run_sync(&app));
    }
    let (stop, stopped) = oneshot::channel::<()>();
    let server_app = app.clone();
    let server = tokio::spawn(async move {
        http::serve(server_app, acceptor, async move {
            tokio::select! {
                _ = shutdown => {},
                _ = stopped => {},
            }
        })
        .await
    });
    Ok(Running { app, scheduler, tasks, stop: Some(stop), server: Some(server) })
}

impl Running {
    /// Waits until the server stops (the shutdown signal), then stops the rest.
    pub async fn finished(mut self) -> anyhow::Result<()> {
        let served = match self.server.take() {
            Some(s) => s.await?,
            None => Ok(()),
        };
        self.halt().await;
        Ok(served?)
    }

    /// Stops the server (in-flight requests finish), the schedules and the workers.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(s) = self.server.take() {
            let _ = s.await;
        }
        self.halt().await;
    }

    async fn halt(&mut self) {
        let _ = self.scheduler.shutdown().await;
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// An empty catalog fills itself on first start, in the background.
fn first_run_sync(app: &App) -> JoinHandle<()> {
    let app = app.clone();
    tokio::spawn(async move {
        if crate::catalog::service::is_empty(&app).await.unwrap_or(false) {
            match supplier::sync_products(&app, Trigger::Startup).await {
                Ok(s) => tracing::info!(added = s.added, products = s.products_added, "catalog filled on first start"),
                Err(e) => {
                    tracing::warn!(error = %e, "first product sync failed; run `lapak sync-products` or use the admin")
                }
            }
        }
    })
}
