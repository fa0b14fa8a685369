//! The job queue's handle, as the app holds it: apalis' SQLite storage (its own file,
//! `database.queue_path`) and the signal that wakes the outbox dispatcher. The worker,
//! the dispatcher and the schedules that use it live in `jobs`.

use apalis::prelude::TaskSink;
use apalis_sqlite::SqliteStorage;
use serde::{Deserialize, Serialize};
use tokio::sync::{Notify, OnceCell};

pub const QUEUE: &str = "ProcessDigiflazzOrder";

/// The job: fulfil (or re-check) one paid order with its fixed ref_id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessDigiflazzOrder {
    pub transaction_id: i64,
    pub transaction_code: String,
}

#[derive(Default)]
pub struct Jobs {
    pub(crate) wake: Notify,
    pub(crate) storage: OnceCell<SqliteStorage<ProcessDigiflazzOrder>>,
}

impl Jobs {
    /// Tells the dispatcher there is outbox work now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The queue's own database (for the admin's job list).
    pub fn pool(&self) -> Option<&apalis_sqlite::SqlitePool> {
        self.storage.get().map(|s| s.pool())
    }

    /// Queues a job (used by the dispatcher and the re-check sweep).
    pub async fn push(&self, job: ProcessDigiflazzOrder) -> Result<(), String> {
        let storage = self.storage.get().ok_or("the job queue is not started")?;
        let mut s = storage.clone();
        s.push(job).await.map_err(|e| e.to_string())
    }
}

impl Jobs {
    /// The storage, once `jobs::queue::start` has opened it.
    pub fn storage(&self) -> Option<&SqliteStorage<ProcessDigiflazzOrder>> {
        self.storage.get()
    }

    /// Sets the storage (once per app).
    pub fn set_storage(&self, s: SqliteStorage<ProcessDigiflazzOrder>) -> Result<(), String> {
        self.storage.set(s).map_err(|_| "the job queue was started twice".to_string())
    }

    /// Waits until `wake` is called.
    pub async fn woken(&self) {
        self.wake.notified().await
    }
}
