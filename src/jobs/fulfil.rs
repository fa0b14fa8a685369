//! `ProcessDigiflazzOrder`: the job that sends a paid order to Digiflazz with its fixed
//! ref_id (or re-checks it); the rules live in `orders::fulfilment`. Also the start-up
//! lease release and the sweep that queues due re-checks.

use chrono::Duration;
use rusqlite::params;

use super::queue::ProcessDigiflazzOrder;
use crate::{
    app::App,
    db::{ts, DbError},
    orders::fulfilment::{self, Asker},
};

/// An order claimed by a run is left alone by the sweep for this long.
const LEASE_SECS: i64 = 120;

pub async fn run(app: &App, transaction_id: i64) -> Result<(), DbError> {
    fulfilment::ask_supplier(app, transaction_id, Asker::Job).await.map(|_| ())
}

/// At start-up: every processing order becomes due now (a status check with its ref_id).
pub async fn release_leases(app: &App) -> Result<usize, DbError> {
    let now = ts(app.clock.now());
    app.db
        .write(move |tx| {
            tx.execute(
                "UPDATE transactions SET next_check_at = ?1
                 WHERE status = 'processing' AND transaction_type = 'purchase' AND next_check_at > ?1",
                [now],
            )
            .map_err(DbError::from)
        })
        .await
}

/// Queues every order whose re-check is due, and paid orders that never got a job (a
/// lost queue entry). Run by the schedule and at start-up.
pub async fn sweep_due(app: &App) -> Result<usize, DbError> {
    let now = app.clock.now();
    let (now_s, stale) = (ts(now), ts(now - Duration::seconds(LEASE_SECS)));
    let due: Vec<(i64, String)> = app
        .db
        .run(move |c| {
            let mut s = c.prepare(
                "SELECT id, transaction_code FROM transactions
                 WHERE status = 'processing' AND transaction_type = 'purchase'
                   AND ((next_check_at IS NOT NULL AND next_check_at <= ?1)
                        OR (next_check_at IS NULL AND supplier_attempts = 0 AND processed_at <= ?2))
                 ORDER BY id LIMIT 500",
            )?;
            let rows =
                s.query_map(params![now_s, stale], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            Ok::<_, DbError>(rows)
        })
        .await?;
    let n = due.len();
    for (id, code) in due {
        if let Err(e) = app.jobs.push(ProcessDigiflazzOrder { transaction_id: id, transaction_code: code }).await {
            return Err(DbError::Other(e));
        }
    }
    Ok(n)
}
