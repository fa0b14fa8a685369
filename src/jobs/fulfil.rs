//! `ProcessDigiflazzOrder`: send a paid order to Digiflazz with its fixed ref_id (the
//! transaction code), apply the answer, and decide when to ask again.
//!
//! - Sukses / Gagal: final (the shared guard in `orders::fulfilment` applies it once).
//! - Pending (rc 03, 99): wait for the webhook, and re-check with the same ref_id no
//!   sooner than `orders.recheck_min_secs` apart, at most `orders.max_rechecks` times,
//!   never for an order older than 90 days (Digiflazz would create a new transaction).
//! - Timeout / connection error: unknown, never failed or refunded; re-checked with the
//!   same ref_id after an exponential backoff.
//!
//! Running twice (a crash, a duplicate push) is safe: the order is claimed with a lease
//! in `next_check_at`, and the same ref_id at Digiflazz is a status check, not a purchase.

use chrono::{Duration, Utc};
use rusqlite::{params, OptionalExtension};

use super::queue::ProcessDigiflazzOrder;
use crate::{
    app::App,
    db::{ts, DbError},
    notifications,
    orders::fulfilment::{self, Applied, Source},
    supplier::model::TopupRequest,
};

/// Digiflazz forbids status checks of orders older than 90 days; stop a day earlier.
const MAX_AGE_DAYS: i64 = 89;
/// A claimed order is left alone by other runs for this long.
const LEASE_SECS: i64 = 120;

struct Claimed {
    code: String,
    sku: String,
    customer_no: String,
    attempt: i64,
}

pub async fn run(app: &App, transaction_id: i64) -> Result<(), DbError> {
    let now = Utc::now();
    let max_age = ts(now - Duration::days(MAX_AGE_DAYS));
    let claimed = app
        .db
        .write(move |tx| -> Result<Option<Claimed>, DbError> {
            let row: Option<(String, String, String, Option<String>, String, i64)> = tx
                .query_row(
                    "SELECT transaction_code, COALESCE(product_code, ''), COALESCE(customer_no, ''), next_check_at,
                            created_at, supplier_attempts
                     FROM transactions WHERE id = ?1 AND status = 'processing' AND transaction_type = 'purchase'",
                    [transaction_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()?;
            let Some((code, sku, customer_no, next_check, created_at, attempts)) = row else {
                return Ok(None);
            };
            let now_s = ts(now);
            if next_check.is_some_and(|n| n > now_s) {
                return Ok(None); // not due, or another run holds it
            }
            if created_at < max_age {
                tx.execute("UPDATE transactions SET next_check_at = NULL WHERE id = ?1", [transaction_id])?;
                crate::orders::repo::log(
                    tx,
                    transaction_id,
                    "processing",
                    "processing",
                    "older than 89 days: no more status checks at Digiflazz; check it by hand",
                    None,
                    None,
                )?;
                return Ok(None);
            }
            tx.execute(
                "UPDATE transactions SET next_check_at = ?2, supplier_attempts = supplier_attempts + 1 WHERE id = ?1",
                params![transaction_id, ts(now + Duration::seconds(LEASE_SECS))],
            )?;
            Ok(Some(Claimed { code, sku, customer_no, attempt: attempts + 1 }))
        })
        .await?;
    let Some(c) = claimed else {
        return Ok(());
    };

    let callback_url =
        Some(format!("{}/api/v1/webhooks/digiflazz", app.config.server.public_url.trim_end_matches('/')));
    let started = std::time::Instant::now();
    let answer = app
        .digiflazz
        .topup(&TopupRequest {
            sku: c.sku,
            customer_no: c.customer_no,
            ref_id: c.code.clone(),
            max_price: None,
            callback_url,
        })
        .await;
    let ms = started.elapsed().as_millis() as i64;
    let source = if c.attempt == 1 { Source::Topup } else { Source::Recheck };
    let min_gap = app.config.orders.recheck_min_secs.max(1) as i64;
    let max_rechecks = app.config.orders.max_rechecks as i64;
    let attempt = c.attempt;
    let (applied, notes) = app
        .db
        .write(move |tx| -> Result<_, DbError> {
            let applied = fulfilment::apply(tx, &answer, source)?;
            crate::orders::service::upstream_log(
                tx,
                "upstream.digiflazz.transaction",
                transaction_id,
                &serde_json::json!({"ref_id": answer.ref_id, "kind": source.as_str(), "status": answer.status.as_str(),
                                    "rc": answer.rc, "message": answer.message, "ms": ms}),
            )?;
            let now = Utc::now();
            let next = match &applied {
                Applied::StillPending { .. } => {
                    // 1 min for the first ten checks, then every 5 min, then every 30 min.
                    let gap = if attempt <= 10 {
                        min_gap
                    } else if attempt <= 30 {
                        min_gap * 5
                    } else {
                        min_gap * 30
                    };
                    (attempt <= max_rechecks).then(|| now + Duration::seconds(gap))
                }
                Applied::Unknown { .. } => {
                    // Exponential backoff from the minimum gap, capped at 30 minutes.
                    let gap = (min_gap << (attempt - 1).clamp(0, 10)).min(1800);
                    (attempt <= max_rechecks).then(|| now + Duration::seconds(gap))
                }
                _ => None,
            };
            tx.execute(
                "UPDATE transactions SET next_check_at = ?2 WHERE id = ?1",
                params![transaction_id, next.map(ts)],
            )?;
            if next.is_none() && matches!(applied, Applied::StillPending { .. } | Applied::Unknown { .. }) {
                crate::orders::repo::log(
                    tx,
                    transaction_id,
                    "processing",
                    "processing",
                    "no answer after the maximum number of checks; waiting for the webhook or an admin",
                    None,
                    None,
                )?;
            }
            let notes = fulfilment::notify(tx, &applied)?;
            Ok((applied, notes))
        })
        .await?;
    notifications::deliver(app, notes);
    tracing::info!(order = %c.code, attempt, outcome = applied.label(), "supplier answer applied");
    Ok(())
}

/// At start-up: every processing order becomes due now (a status check with its ref_id).
pub async fn release_leases(app: &App) -> Result<usize, DbError> {
    let now = ts(Utc::now());
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
    let now = Utc::now();
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
