//! Applying the supplier's word to an order. One function for every source (the job's
//! topup answer, a status re-check, a webhook), so the guard is in one place: only a
//! `processing` order moves, and a final state never moves again. A replay changes
//! nothing.

use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::json;

use crate::{
    db::{now_str, DbError},
    supplier::model::{SupplierOrder, SupplierStatus},
};

/// Where the answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Topup,
    Recheck,
    Webhook,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Topup => "topup",
            Source::Recheck => "recheck",
            Source::Webhook => "webhook",
        }
    }
}

/// What applying the answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// No order has this ref_id.
    UnknownRef,
    /// The order moved to success.
    Succeeded { transaction_id: i64 },
    /// The order moved to failed (a refund may follow).
    Failed { transaction_id: i64 },
    /// Still pending at the supplier (details recorded, state unchanged).
    StillPending { transaction_id: i64 },
    /// Outcome unknown: nothing decided, re-check later with the same ref_id.
    Unknown { transaction_id: i64 },
    /// The order is already final (or not yet paid); nothing changed.
    Ignored { transaction_id: i64, status: String },
}

impl Applied {
    pub fn label(&self) -> &'static str {
        match self {
            Applied::UnknownRef => "unknown_ref",
            Applied::Succeeded { .. } => "succeeded",
            Applied::Failed { .. } => "failed",
            Applied::StillPending { .. } => "still_pending",
            Applied::Unknown { .. } => "unknown",
            Applied::Ignored { .. } => "ignored",
        }
    }
}

/// Records the supplier's answer on the order's history and applies it, in the
/// caller's transaction.
pub fn apply(tx: &Transaction<'_>, order: &SupplierOrder, source: Source) -> Result<Applied, DbError> {
    let found: Option<(i64, String, Option<i64>)> = tx
        .query_row(
            "SELECT id, status, product_item_id FROM transactions WHERE transaction_code = ?1",
            [&order.ref_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, status, item_id)) = found else {
        return Ok(Applied::UnknownRef);
    };
    tx.execute(
        "INSERT INTO supplier_calls (transaction_id, ref_id, kind, outcome, rc, message, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, order.ref_id, source.as_str(), order.status.as_str(), order.rc, order.message, order.raw],
    )?;
    if status != "processing" {
        return Ok(Applied::Ignored { transaction_id: id, status });
    }
    let now = now_str();
    let why = format!("supplier {} via {}: rc {} {}", order.status.as_str(), source.as_str(), order.rc, order.message);
    let meta = json!({"source": source.as_str(), "rc": order.rc, "status": order.status_text, "sn": order.sn});
    match order.status {
        SupplierStatus::Success => {
            let n = tx.execute(
                "UPDATE transactions SET status = 'success', completed_at = ?2, digiflazz_serial_number = ?3,
                        digiflazz_message = ?4, digiflazz_status = ?5, digiflazz_rc = ?6,
                        digiflazz_trx_id = COALESCE(?7, digiflazz_trx_id), updated_at = ?2
                 WHERE id = ?1 AND status = 'processing'",
                params![id, now, order.sn, order.message, order.status_text, order.rc, order.trx_id],
            )?;
            if n == 0 {
                return Ok(Applied::Ignored { transaction_id: id, status });
            }
            if let Some(item) = item_id {
                tx.execute("UPDATE product_items SET total_sold = total_sold + 1 WHERE id = ?1", [item])?;
            }
            log(tx, id, "processing", "success", &why, &meta)?;
            Ok(Applied::Succeeded { transaction_id: id })
        }
        SupplierStatus::Failed => {
            let reason =
                if order.message.is_empty() { format!("supplier rc {}", order.rc) } else { order.message.clone() };
            // A paid order that failed must be refunded (the wallet credits members; the
            // admin handles guests).
            let n = tx.execute(
                "UPDATE transactions SET status = 'failed', failed_at = ?2, failed_reason = ?3, digiflazz_message = ?4,
                        digiflazz_status = ?5, digiflazz_rc = ?6, digiflazz_trx_id = COALESCE(?7, digiflazz_trx_id),
                        refund_required = CASE WHEN payment_status = 'paid' THEN 1 ELSE refund_required END,
                        updated_at = ?2
                 WHERE id = ?1 AND status = 'processing'",
                params![id, now, reason, order.message, order.status_text, order.rc, order.trx_id],
            )?;
            if n == 0 {
                return Ok(Applied::Ignored { transaction_id: id, status });
            }
            log(tx, id, "processing", "failed", &why, &meta)?;
            refund_member(tx, id, "supplier failure")?;
            Ok(Applied::Failed { transaction_id: id })
        }
        SupplierStatus::Pending => {
            tx.execute(
                "UPDATE transactions SET digiflazz_message = ?2, digiflazz_status = ?3, digiflazz_rc = ?4,
                        digiflazz_trx_id = COALESCE(?5, digiflazz_trx_id), updated_at = ?6
                 WHERE id = ?1",
                params![id, order.message, order.status_text, order.rc, order.trx_id, now],
            )?;
            Ok(Applied::StillPending { transaction_id: id })
        }
        SupplierStatus::Unknown => Ok(Applied::Unknown { transaction_id: id }),
    }
}

/// Refunds a failed, paid order of a member to its balance, exactly once (the status
/// moves failed -> refunded in the same statement that allows the credit). Guests'
/// orders stay `refund_required` for the admin. Returns whether a refund was made.
pub fn refund_member(tx: &Transaction<'_>, id: i64, why: &str) -> Result<bool, DbError> {
    let row: Option<(i64, String, i64, Option<String>)> = tx
        .query_row(
            "SELECT t.user_id, t.transaction_code, t.total_price, t.product_name FROM transactions t
             JOIN users u ON u.id = t.user_id
             WHERE t.id = ?1 AND t.status = 'failed' AND t.payment_status = 'paid' AND u.is_guest = 0",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((user, code, total, name)) = row else {
        return Ok(false);
    };
    let now = now_str();
    let moved = tx.execute(
        "UPDATE transactions SET status = 'refunded', refunded_at = ?2, refund_required = 0, updated_at = ?2
         WHERE id = ?1 AND status = 'failed'",
        params![id, now],
    )?;
    if moved == 0 || total <= 0 {
        return Ok(moved > 0);
    }
    crate::wallet::ledger::credit(
        tx,
        user,
        total,
        crate::wallet::ledger::EntryKind::Refund,
        &format!("Refund: {} ({why})", name.clone().unwrap_or_default()),
        crate::wallet::ledger::Refs { transaction_id: Some(id), ..Default::default() },
    )
    .map_err(|e| DbError::Other(e.to_string()))?;
    log(
        tx,
        id,
        "failed",
        "refunded",
        &format!("refunded Rp {total} to the balance ({why})"),
        &json!({"amount": total}),
    )?;
    crate::notifications::create(
        tx,
        user,
        crate::notifications::Kind::Success,
        "Refund Berhasil",
        &format!("Rp {total} untuk {} dikembalikan ke saldo Anda.", name.unwrap_or_default()),
        json!({"transaction_code": code, "event": "refunded", "amount": total}),
    )?;
    Ok(true)
}

/// The user's notification for a final outcome, in the caller's transaction. Returns
/// the notification ids to deliver after the commit.
pub fn notify(tx: &Transaction<'_>, applied: &Applied) -> Result<Vec<i64>, DbError> {
    let (id, ok) = match applied {
        Applied::Succeeded { transaction_id } => (*transaction_id, true),
        Applied::Failed { transaction_id } => (*transaction_id, false),
        _ => return Ok(vec![]),
    };
    let row: Option<(Option<i64>, String, Option<String>, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT user_id, transaction_code, product_name, digiflazz_serial_number, failed_reason FROM transactions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((Some(user), code, name, sn, reason)) = row else {
        return Ok(vec![]);
    };
    let name = name.unwrap_or_default();
    let n = if ok {
        crate::notifications::create(
            tx,
            user,
            crate::notifications::Kind::Success,
            "Transaksi Berhasil",
            &format!("{name} berhasil. SN: {}", sn.clone().unwrap_or_default()),
            json!({"transaction_code": code, "event": "order_completed", "sn": sn}),
        )?
    } else {
        crate::notifications::create(
            tx,
            user,
            crate::notifications::Kind::Error,
            "Transaksi Gagal",
            &format!("{name} gagal: {}", reason.clone().unwrap_or_default()),
            json!({"transaction_code": code, "event": "order_failed", "reason": reason}),
        )?
    };
    Ok(vec![n])
}

fn log(
    tx: &Transaction<'_>,
    id: i64,
    from: &str,
    to: &str,
    message: &str,
    meta: &serde_json::Value,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO transaction_logs (transaction_id, status_from, status_to, message, meta_data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, from, to, message, meta.to_string()],
    )?;
    Ok(())
}
