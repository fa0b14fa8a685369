//! The order state machine. Every event in an order's life — checkout, payment,
//! expiry, cancel, the supplier's answers, admin overrides, refunds, Tripay's refund —
//! goes through [`transition`], inside the caller's SQLite transaction, together with
//! its effects: the payment row, the ledger, the voucher, the fulfilment outbox, the
//! user's notification, the order log and the attention flag. Nothing else in lapak
//! writes an order's `status`, `payment_status`, `refund_required` or `attention`, or
//! its payment's `status` (a test reads `src/` to keep it so).
//!
//! The moves (`OrderStatus::can_move_to`, `PaymentStatus::can_move_to`):
//! - pending/pending -> processing/paid (paid: gateway or balance) -> success | failed;
//!   a deposit goes on to success at once, crediting the balance;
//! - pending/pending -> failed/expired | failed/failed (deadline, Tripay, cancel, admin);
//! - failed/paid -> refunded (to the payer's balance, by the admin, or by Tripay);
//! - failed/expired|failed -> paid: a late payment. The money goes back to whoever paid:
//!   a member's balance (the order becomes refunded), or the guest refund list;
//! - anything the move table does not allow is refused ([`MoveError::Illegal`]);
//! - news that cannot move the order (a supplier success after lapak failed it, a
//!   failure after a success, an overcharge, Tripay's refund) is recorded and put on
//!   the attention list, never dropped.

use chrono::{DateTime, Utc};
use rusqlite::{params, params_from_iter, types::Value, Connection, OptionalExtension};
use serde_json::json;

use super::model::{Attention, OrderStatus, PaymentStatus, TransactionType};
use crate::{
    db::{ts, DbError},
    notifications::{self, Kind},
    digiflazz::model::SupplierOrder,
    vouchers,
    wallet::ledger::{self, EntryKind, LedgerError, Refs},
};

/// What the supplier's answer means for the order (see `fulfilment::verdict`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Pending,
    Failed,
    Unknown(Unknown),
}

/// Why an answer decides nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// No readable answer (timeout, connection error, an HTML error page).
    Lost,
    /// The request itself was refused (rc 45, 41, 42, 44 ... after an earlier call): it
    /// says nothing of the transaction. The admin is told.
    Refused,
    /// Rate limited (rc 85, 83): ask again later.
    Throttled,
}

/// One event in an order's life.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The order row was just written (unpaid).
    Created { by: Option<i64> },
    /// Paid from the payer's balance at checkout: the debit is part of the move.
    PaidFromBalance,
    /// Tripay says PAID (the caller has matched the reference, merchant_ref and amount).
    GatewayPaid,
    GatewayExpired,
    GatewayFailed,
    /// Tripay says REFUND: it returned the money to the payer.
    GatewayRefunded,
    /// Tripay could not create the payment.
    GatewayUnavailable { reason: &'a str },
    /// Lapak's own payment deadline passed.
    DeadlinePassed,
    /// The owner cancelled an unpaid order.
    Cancelled { by: Option<i64> },
    /// An answer from Digiflazz about this order (topup, re-check or webhook).
    Supplier { answer: &'a SupplierOrder, verdict: Verdict, kind: &'a str },
    /// The automatic supplier checks stopped with the outcome still unknown.
    ChecksExhausted { why: &'a str },
    AdminSucceed { admin: i64, reason: &'a str, sn: Option<&'a str> },
    /// An admin fails the order; for a processing order the caller has asked the
    /// supplier first, or the admin forced it.
    AdminFail { admin: i64, reason: &'a str, forced: bool },
    AdminRefundToBalance { admin: i64 },
    AdminMarkRefunded { admin: i64, note: &'a str },
    AdminResolve { admin: i64, note: &'a str },
}

#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The event is not a legal move from the order's state.
    #[error("{0}")]
    Illegal(String),
    #[error("insufficient balance: Rp {balance} available, Rp {needed} needed")]
    Insufficient { balance: i64, needed: i64 },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for MoveError {
    fn from(e: rusqlite::Error) -> Self {
        MoveError::Db(e.into())
    }
}

impl From<LedgerError> for MoveError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Insufficient { balance, needed } => MoveError::Insufficient { balance, needed },
            LedgerError::NonPositive => MoveError::Db(DbError::Other("a non-positive ledger amount".into())),
            // Not acknowledged, so it is retried and logged, never silently dropped.
            LedgerError::TooLarge => MoveError::Db(DbError::Other("the credit would take a balance above its maximum".into())),
            LedgerError::Db(d) => MoveError::Db(d),
        }
    }
}

/// What a transition did, for the caller to act on after the commit.
#[derive(Debug, Default, Clone)]
pub struct Effects {
    /// A short word for what happened (`paid`, `late_payment`, `duplicate`, ...).
    pub outcome: &'static str,
    /// Notifications written in the transaction, to deliver once it commits.
    pub notifications: Vec<i64>,
    /// A fulfilment outbox row was written: wake the dispatcher.
    pub fulfil: bool,
}

/// The order as the state machine sees it.
struct Order {
    id: i64,
    code: String,
    kind: TransactionType,
    user_id: Option<i64>,
    payer: Option<i64>,
    /// The payer is a live member (refunds go to its balance), not a guest.
    payer_member: bool,
    status: OrderStatus,
    payment: PaymentStatus,
    method_type: String,
    product_name: String,
    product_price: i64,
    total_price: i64,
    base_price: i64,
    item_id: Option<i64>,
    refund_required: bool,
    attention: Option<Attention>,
    /// The gateway payment row: (id, status).
    gateway: Option<(i64, String)>,
}

fn load(tx: &Connection, id: i64) -> Result<Order, MoveError> {
    tx.query_row(
        "SELECT t.id, t.transaction_code, t.transaction_type, t.user_id, t.payer_user_id,
                EXISTS (SELECT 1 FROM users u WHERE u.id = t.payer_user_id AND u.is_guest = 0 AND u.deleted_at IS NULL),
                t.status, t.payment_status, t.payment_method_type, COALESCE(t.product_name, ''), t.product_price,
                t.total_price, t.base_price, t.product_item_id, t.refund_required, t.attention, p.id, p.status
         FROM transactions t LEFT JOIN payments p ON p.transaction_id = t.id WHERE t.id = ?1",
        [id],
        |r| {
            let payment_id: Option<i64> = r.get(16)?;
            let payment_status: Option<String> = r.get(17)?;
            Ok(Order {
                id: r.get(0)?,
                code: r.get(1)?,
                kind: r.get(2)?,
                user_id: r.get(3)?,
                payer: r.get(4)?,
                payer_member: r.get(5)?,
                status: r.get(6)?,
                payment: r.get(7)?,
                method_type: r.get(8)?,
                product_name: r.get(9)?,
                product_price: r.get(10)?,
                total_price: r.get(11)?,
                base_price: r.get(12)?,
                item_id: r.get(13)?,
                refund_required: r.get(14)?,
                attention: r.get(15)?,
                gateway: payment_id.zip(payment_status),
            })
        },
    )
    .optional()?
    .ok_or_else(|| MoveError::Illegal(format!("no order {id}")))
}

/// Applies `event` to order `id` with all its effects, in `tx`. Refuses illegal moves.
pub fn transition(tx: &Connection, id: i64, event: Event<'_>, now: DateTime<Utc>) -> Result<Effects, MoveError> {
    let mut o = load(tx, id)?;
    let now = ts(now);
    let mut m = Machine { tx, now: &now, fx: Effects::default() };
    m.apply(&mut o, event)?;
    Ok(m.fx)
}

struct Machine<'t> {
    tx: &'t Connection,
    now: &'t str,
    fx: Effects,
}

impl Machine<'_> {
    fn apply(&mut self, o: &mut Order, event: Event<'_>) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        let unpaid = o.status == S::Pending && o.payment == P::Pending;
        match event {
            Event::Created { by } => {
                if !unpaid {
                    return illegal(o, "created");
                }
                let what = if o.kind == TransactionType::Topup { "deposit" } else { "order" };
                self.log(o, "", S::Pending, &format!("{what} created, waiting for payment"), None, by)?;
                self.done("created");
            }
            Event::PaidFromBalance => {
                let payer = o.payer.filter(|_| o.payer_member);
                let (true, Some(payer)) = (unpaid && o.method_type == "balance", payer) else {
                    return illegal(o, "a balance payment");
                };
                if o.total_price > 0 {
                    ledger::debit(
                        self.tx,
                        payer,
                        o.total_price,
                        EntryKind::Purchase,
                        &format!("Purchase: {}", o.product_name),
                        Refs { transaction_id: Some(o.id), ..Default::default() },
                    )?;
                }
                self.set(o, S::Processing, P::Paid, &[("paid_at", self.at()), ("processed_at", self.at())])?;
                self.log(o, S::Pending, S::Processing, "paid from the balance", None, None)?;
                self.queue_fulfilment(o)?;
                self.done("paid");
            }
            Event::GatewayPaid => self.gateway_paid(o)?,
            Event::GatewayExpired | Event::GatewayFailed => {
                let Some((_, ref status)) = o.gateway else { return illegal(o, "a payment update") };
                if status != "pending" || !unpaid {
                    // Tripay's news about a payment that already moved on: nothing to do.
                    self.done("duplicate");
                    return Ok(());
                }
                let expired = matches!(event, Event::GatewayExpired);
                let why = if expired { "payment expired (Tripay)" } else { "payment failed (Tripay)" };
                self.close_unpaid(o, expired, why, None)?;
            }
            Event::GatewayRefunded => self.gateway_refunded(o)?,
            Event::GatewayUnavailable { reason } => {
                if !unpaid {
                    return illegal(o, "closing for want of a payment");
                }
                self.close_unpaid(o, false, reason, None)?;
            }
            Event::DeadlinePassed => {
                if !unpaid {
                    return illegal(o, "expiry");
                }
                self.close_unpaid(o, true, "payment expired (deadline passed)", None)?;
            }
            Event::Cancelled { by } => {
                if !unpaid {
                    return Err(MoveError::Illegal("only an unpaid order can be cancelled".into()));
                }
                self.close_unpaid(o, false, "cancelled by the customer", by)?;
            }
            Event::Supplier { answer, verdict, kind } => self.supplier(o, answer, verdict, kind)?,
            Event::ChecksExhausted { why } => {
                if o.status != S::Processing {
                    return illegal(o, "a stop of the supplier checks");
                }
                self.flag(o, Attention::ChecksExhausted, why, None)?;
                self.done("checks_exhausted");
            }
            Event::AdminSucceed { admin, reason, sn } => {
                if o.status != S::Processing {
                    return illegal(o, "success");
                }
                let mut cols: Vec<(&str, Value)> = vec![("completed_at", self.at())];
                if let Some(sn) = sn.filter(|s| !s.trim().is_empty()) {
                    cols.push(("digiflazz_serial_number", sn.trim().to_string().into()));
                }
                self.set(o, S::Success, P::Paid, &cols)?;
                self.log(o, S::Processing, S::Success, &format!("by an admin: {reason}"), None, Some(admin))?;
                self.count_sale(o)?;
                self.clear_unknown(o, "decided by an admin", Some(admin))?;
                self.notify_outcome(o, true, None)?;
                self.done("succeeded");
            }
            Event::AdminFail { admin, reason, forced } => {
                let why = format!("by an admin{}: {reason}", if forced { " (forced)" } else { "" });
                if unpaid {
                    self.close_unpaid(o, false, &why, Some(admin))?;
                } else if o.status == S::Processing {
                    self.set(o, S::Failed, P::Paid, &[("failed_at", self.at()), ("failed_reason", why.clone().into())])?;
                    self.log(o, S::Processing, S::Failed, &why, Some(json!({"forced": forced})), Some(admin))?;
                    self.clear_unknown(o, "decided by an admin", Some(admin))?;
                    self.notify_outcome(o, false, Some(reason))?;
                    self.settle_failure(o, "failed by an admin", Some(admin))?;
                    self.done("failed");
                } else {
                    return illegal(o, "failed");
                }
            }
            Event::AdminRefundToBalance { admin } => {
                let refundable = o.status == S::Failed
                    && o.payment == P::Paid
                    && o.payer_member
                    && o.gateway.as_ref().is_none_or(|(_, s)| s != "refunded");
                if !refundable {
                    return Err(MoveError::Illegal(
                        "only a failed, paid order of a member can be refunded to a balance; mark a guest's order refunded instead"
                            .into(),
                    ));
                }
                self.refund_to_balance(o, "refunded by an admin", Some(admin))?;
                self.done("refunded");
            }
            Event::AdminMarkRefunded { admin, note } => {
                if !o.refund_required || o.status != S::Failed || o.payment != P::Paid {
                    return Err(MoveError::Illegal("this order does not need a refund".into()));
                }
                self.set(o, S::Refunded, P::Paid, &[("refunded_at", self.at()), ("refund_required", 0.into())])?;
                self.log(o, S::Failed, S::Refunded, &format!("refunded outside lapak: {note}"), None, Some(admin))?;
                self.done("refunded");
            }
            Event::AdminResolve { admin, note } => {
                let Some(kind) = o.attention else {
                    return Err(MoveError::Illegal("this order is not on the attention list".into()));
                };
                self.clear(o, &format!("{} resolved by an admin: {note}", kind.as_str()), Some(admin))?;
                self.done("resolved");
            }
        }
        Ok(())
    }

    /// Now, as a column value.
    fn at(&self) -> Value {
        Value::Text(self.now.to_string())
    }

    fn done(&mut self, outcome: &'static str) {
        self.fx.outcome = outcome;
    }

    fn gateway_paid(&mut self, o: &mut Order) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        let Some((_, ref pay)) = o.gateway else { return illegal(o, "a gateway payment") };
        if pay == "paid" || pay == "refunded" {
            self.done("duplicate");
            return Ok(());
        }
        self.set_payment(o, "paid")?;
        if o.status == S::Pending && o.payment == P::Pending {
            self.set(o, S::Processing, P::Paid, &[("paid_at", self.at()), ("processed_at", self.at())])?;
            self.log(o, S::Pending, S::Processing, "payment received (Tripay PAID)", None, None)?;
            if o.kind == TransactionType::Topup {
                let payer = o.payer.filter(|_| o.payer_member).ok_or_else(|| {
                    MoveError::Db(DbError::Other(format!("deposit {} has no member to credit", o.code)))
                })?;
                ledger::credit(
                    self.tx,
                    payer,
                    o.product_price,
                    EntryKind::Topup,
                    "Deposit via Tripay",
                    Refs { transaction_id: Some(o.id), ..Default::default() },
                )?;
                self.set(o, S::Success, P::Paid, &[("completed_at", self.at())])?;
                self.log(o, S::Processing, S::Success, "balance credited", Some(json!({"amount": o.product_price})), None)?;
                self.notify(
                    payer,
                    Kind::Success,
                    "Saldo Masuk",
                    &format!("Deposit Rp {} sudah masuk ke saldo Anda.", o.product_price),
                    json!({"transaction_code": o.code, "event": "deposit_credited", "amount": o.product_price}),
                )?;
            } else {
                if let Some(u) = o.user_id {
                    self.notify(
                        u,
                        Kind::Success,
                        "Pembayaran Berhasil",
                        &format!("Pembayaran untuk {} diterima. Pesanan sedang diproses.", o.product_name),
                        json!({"transaction_code": o.code, "event": "payment_success"}),
                    )?;
                }
                self.queue_fulfilment(o)?;
            }
            self.done("paid");
            return Ok(());
        }
        if o.status == S::Failed && matches!(o.payment, P::Expired | P::Failed) {
            // A late payment: the order stays closed; the money goes back to the payer.
            let was = o.payment;
            self.set(o, S::Failed, P::Paid, &[("late_paid_at", self.at()), ("paid_at", self.at())])?;
            self.log(
                o,
                S::Failed,
                S::Failed,
                &format!("payment received after the order was closed (payment {}): a late payment", was.as_str()),
                None,
                None,
            )?;
            match o.payer.filter(|_| o.payer_member) {
                Some(payer) => {
                    let (amount, kind, text) = if o.kind == TransactionType::Topup {
                        (o.product_price, EntryKind::Topup, "Deposit paid after it closed")
                    } else {
                        (o.total_price, EntryKind::Refund, "Late payment returned")
                    };
                    if amount > 0 {
                        ledger::credit(
                            self.tx,
                            payer,
                            amount,
                            kind,
                            &format!("{text}: {}", o.code),
                            Refs { transaction_id: Some(o.id), ..Default::default() },
                        )?;
                    }
                    self.set(o, S::Refunded, P::Paid, &[("refunded_at", self.at())])?;
                    self.log(o, S::Failed, S::Refunded, &format!("late payment: Rp {amount} credited to the payer's balance"), Some(json!({"amount": amount})), None)?;
                    self.notify(
                        payer,
                        Kind::Info,
                        "Pembayaran Dikembalikan ke Saldo",
                        &format!(
                            "Pembayaran untuk pesanan {} diterima setelah pesanan ditutup; Rp {amount} sudah masuk ke saldo Anda.",
                            o.code
                        ),
                        json!({"transaction_code": o.code, "event": "late_payment_credited", "amount": amount}),
                    )?;
                }
                None => {
                    self.require_refund(o, "late payment from a guest: return the money and mark it refunded")?;
                    if let Some(u) = o.user_id {
                        self.notify(
                            u,
                            Kind::Info,
                            "Pembayaran Diterima",
                            &format!(
                                "Pembayaran untuk pesanan {} diterima setelah pesanan ditutup. Dana Anda akan dikembalikan.",
                                o.code
                            ),
                            json!({"transaction_code": o.code, "event": "late_payment"}),
                        )?;
                    }
                }
            }
            self.done("late_payment");
            return Ok(());
        }
        illegal(o, "paid")
    }

    fn gateway_refunded(&mut self, o: &mut Order) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        let Some((_, ref pay)) = o.gateway else { return illegal(o, "a gateway refund") };
        if pay == "refunded" {
            self.done("duplicate");
            return Ok(());
        }
        let was_paid = pay == "paid";
        self.set_payment(o, "refunded")?;
        if was_paid && o.status == S::Failed && o.payment == P::Paid && o.refund_required {
            self.set(o, S::Refunded, P::Paid, &[("refunded_at", self.at()), ("refund_required", 0.into())])?;
            self.log(o, S::Failed, S::Refunded, "Tripay refunded the payment to the payer", None, None)?;
            self.done("refunded");
            return Ok(());
        }
        let status = o.status;
        self.log(o, status, status, &format!("Tripay refunded the payment (the order is {})", status.as_str()), None, None)?;
        let note = match (status, o.payer_member) {
            (S::Success, _) => "Tripay refunded the payment of a delivered order: the customer has the product and the money",
            (S::Refunded, true) => "Tripay refunded the payment of an order already refunded to the balance: refunded twice",
            (S::Processing, _) => "Tripay refunded the payment while the order is with the supplier",
            _ => "Tripay refunded a payment lapak had not recorded as paid",
        };
        self.flag(o, Attention::GatewayRefund, note, None)?;
        self.done("gateway_refund");
        Ok(())
    }

    fn supplier(&mut self, o: &mut Order, a: &SupplierOrder, verdict: Verdict, kind: &str) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        self.tx.execute(
            "INSERT INTO supplier_calls (transaction_id, ref_id, kind, outcome, rc, message, payload, price, balance_after)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![o.id, a.ref_id, kind, a.status.as_str(), a.rc, a.message, a.raw, a.price, a.balance_after],
        )?;
        let decisive = matches!(verdict, Verdict::Success | Verdict::Failed | Verdict::Pending);
        if decisive && matches!(o.status, S::Processing) {
            // Only answers about the transaction itself describe the order.
            self.tx.execute(
                "UPDATE transactions SET digiflazz_message = ?2, digiflazz_status = ?3, digiflazz_rc = ?4,
                        digiflazz_trx_id = COALESCE(?5, digiflazz_trx_id), supplier_price = COALESCE(?6, supplier_price),
                        supplier_balance = COALESCE(?7, supplier_balance), updated_at = ?8
                 WHERE id = ?1",
                params![o.id, a.message, a.status_text, a.rc, a.trx_id, a.price, a.balance_after, self.now],
            )?;
        }
        let why = format!("supplier {} ({kind}): rc {} {}", a.status.as_str(), a.rc, a.message);
        let meta = json!({"source": kind, "rc": a.rc, "status": a.status_text, "sn": a.sn, "price": a.price});
        match (o.status, verdict) {
            (S::Processing, Verdict::Success) => {
                self.set(o, S::Success, P::Paid, &[("completed_at", self.at()), ("digiflazz_serial_number", a.sn.clone().into())])?;
                self.log(o, S::Processing, S::Success, &why, Some(meta), None)?;
                self.count_sale(o)?;
                self.clear_unknown(o, "the supplier answered: delivered", None)?;
                self.check_charge(o, a)?;
                self.notify_outcome(o, true, None)?;
                self.done("succeeded");
            }
            (S::Processing, Verdict::Failed) => {
                let reason = if a.message.is_empty() { format!("supplier rc {}", a.rc) } else { a.message.clone() };
                self.set(o, S::Failed, P::Paid, &[("failed_at", self.at()), ("failed_reason", reason.clone().into())])?;
                self.log(o, S::Processing, S::Failed, &why, Some(meta), None)?;
                self.clear_unknown(o, "the supplier answered: failed", None)?;
                self.notify_outcome(o, false, Some(&reason))?;
                self.settle_failure(o, "supplier failure", None)?;
                self.done("failed");
            }
            (S::Processing, Verdict::Pending) => self.done("still_pending"),
            (S::Processing, Verdict::Unknown(u)) => {
                if u == Unknown::Refused && o.attention.is_none() {
                    let note = format!(
                        "rc {} ({}) after an earlier call: the outcome is unknown; lapak keeps the order processing and asks again",
                        a.rc, a.message
                    );
                    self.flag(o, Attention::UnknownOutcome, &note, None)?;
                }
                self.done("unknown");
            }
            (S::Failed | S::Refunded, Verdict::Success) => {
                self.tx.execute(
                    "UPDATE transactions SET digiflazz_serial_number = ?2, digiflazz_status = ?3, digiflazz_rc = ?4,
                            digiflazz_message = ?5, supplier_price = COALESCE(?6, supplier_price), updated_at = ?7
                     WHERE id = ?1",
                    params![o.id, a.sn, a.status_text, a.rc, a.message, a.price, self.now],
                )?;
                self.count_sale(o)?;
                let note = format!(
                    "the supplier delivered (SN {}) after the order was {}: the customer may hold the product and the money",
                    a.sn,
                    o.status.as_str()
                );
                self.flag(o, Attention::LateSupplierSuccess, &note, None)?;
                self.done("late_success");
            }
            (S::Success, Verdict::Failed) if o.attention != Some(Attention::SupplierFailedAfterSuccess) => {
                let note = format!("the supplier reports rc {} ({}) for a delivered order", a.rc, a.message);
                self.flag(o, Attention::SupplierFailedAfterSuccess, &note, None)?;
                self.done("failed_after_success");
            }
            _ => self.done("ignored"),
        }
        Ok(())
    }

    /// After a paid order failed: the money goes back to whoever paid.
    fn settle_failure(&mut self, o: &mut Order, why: &str, by: Option<i64>) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        if o.gateway.as_ref().is_some_and(|(_, s)| s == "refunded") {
            self.set(o, S::Refunded, P::Paid, &[("refunded_at", self.at())])?;
            self.log(o, S::Failed, S::Refunded, "Tripay had already refunded the payment to the payer", None, by)?;
        } else if o.payer_member || o.total_price <= 0 {
            self.refund_to_balance(o, why, by)?;
        } else {
            self.require_refund(o, "the payer is a guest: return the money and mark the order refunded")?;
        }
        Ok(())
    }

    fn refund_to_balance(&mut self, o: &mut Order, why: &str, by: Option<i64>) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        let total = o.total_price;
        if total > 0 {
            let payer = o.payer.filter(|_| o.payer_member).ok_or_else(|| MoveError::Illegal("no member paid".into()))?;
            ledger::credit(
                self.tx,
                payer,
                total,
                EntryKind::Refund,
                &format!("Refund: {} ({why})", o.product_name),
                Refs { transaction_id: Some(o.id), created_by: by, ..Default::default() },
            )?;
            self.notify(
                payer,
                Kind::Success,
                "Refund Berhasil",
                &format!("Rp {total} untuk {} dikembalikan ke saldo Anda.", o.product_name),
                json!({"transaction_code": o.code, "event": "refunded", "amount": total}),
            )?;
        }
        self.set(o, S::Refunded, P::Paid, &[("refunded_at", self.at()), ("refund_required", 0.into())])?;
        self.log(o, S::Failed, S::Refunded, &format!("refunded Rp {total} to the balance ({why})"), Some(json!({"amount": total})), by)?;
        Ok(())
    }

    fn require_refund(&mut self, o: &mut Order, why: &str) -> Result<(), MoveError> {
        self.tx.execute(
            "UPDATE transactions SET refund_required = 1, updated_at = ?2 WHERE id = ?1",
            params![o.id, self.now],
        )?;
        o.refund_required = true;
        let s = o.status;
        self.log(o, s, s, &format!("refund required: {why}"), None, None)
    }

    /// Closes an unpaid order: its payment, its voucher use, the user's notice.
    fn close_unpaid(&mut self, o: &mut Order, expired: bool, why: &str, by: Option<i64>) -> Result<(), MoveError> {
        use OrderStatus as S;
        use PaymentStatus as P;
        let pay = if expired { P::Expired } else { P::Failed };
        if o.gateway.as_ref().is_some_and(|(_, s)| s == "pending") {
            self.set_payment(o, pay.as_str())?;
        }
        let mut cols: Vec<(&str, Value)> =
            vec![("failed_at", self.at()), ("failed_reason", why.to_string().into())];
        if expired {
            cols.push(("expired_at", self.at()));
        }
        self.set(o, S::Failed, pay, &cols)?;
        vouchers::release(self.tx, o.id, self.now)?;
        self.log(o, S::Pending, S::Failed, why, None, by)?;
        if let Some(u) = o.user_id {
            let (kind, title, text) = if expired {
                (Kind::Warning, "Pembayaran Kadaluarsa", format!("Batas waktu pembayaran {} sudah lewat.", o.product_name))
            } else {
                (Kind::Error, "Pesanan Dibatalkan", format!("Pesanan {} ditutup: {why}.", o.product_name))
            };
            let event = if expired { "payment_expired" } else { "order_closed" };
            self.notify(u, kind, title, &text, json!({"transaction_code": o.code, "event": event}))?;
        }
        self.done(if expired { "expired" } else { "closed" });
        Ok(())
    }

    fn queue_fulfilment(&mut self, o: &Order) -> Result<(), MoveError> {
        self.tx.execute("INSERT INTO fulfilment_outbox (transaction_id) VALUES (?1)", [o.id])?;
        self.fx.fulfil = true;
        Ok(())
    }

    fn count_sale(&self, o: &Order) -> Result<(), MoveError> {
        if let Some(item) = o.item_id {
            self.tx.execute("UPDATE product_items SET total_sold = total_sold + 1 WHERE id = ?1", [item])?;
        }
        Ok(())
    }

    /// Flags an order charged above its cost snapshot.
    fn check_charge(&mut self, o: &mut Order, a: &SupplierOrder) -> Result<(), MoveError> {
        if let Some(price) = a.price.filter(|p| o.base_price > 0 && *p > o.base_price) {
            let note = format!("the supplier charged Rp {price}, Rp {} above the cost snapshot Rp {}", price - o.base_price, o.base_price);
            self.flag(o, Attention::Overcharged, &note, None)?;
        }
        Ok(())
    }

    fn notify_outcome(&mut self, o: &Order, ok: bool, reason: Option<&str>) -> Result<(), MoveError> {
        let Some(u) = o.user_id else { return Ok(()) };
        if ok {
            let sn: Option<String> = self.tx.query_row(
                "SELECT digiflazz_serial_number FROM transactions WHERE id = ?1",
                [o.id],
                |r| r.get(0),
            )?;
            let sn = sn.unwrap_or_default();
            self.notify(
                u,
                Kind::Success,
                "Transaksi Berhasil",
                &format!("{} berhasil. SN: {sn}", o.product_name),
                json!({"transaction_code": o.code, "event": "order_completed", "sn": sn}),
            )
        } else {
            let reason = reason.unwrap_or_default();
            self.notify(
                u,
                Kind::Error,
                "Transaksi Gagal",
                &format!("{} gagal: {reason}", o.product_name),
                json!({"transaction_code": o.code, "event": "order_failed", "reason": reason}),
            )
        }
    }

    fn notify(&mut self, user: i64, kind: Kind, title: &str, text: &str, data: serde_json::Value) -> Result<(), MoveError> {
        let id = notifications::create(self.tx, user, kind, title, text, data)?;
        self.fx.notifications.push(id);
        Ok(())
    }

    /// Moves `status` and `payment_status` together, from exactly what was read.
    fn set(&self, o: &mut Order, to: OrderStatus, pay: PaymentStatus, cols: &[(&str, Value)]) -> Result<(), MoveError> {
        if to != o.status && !o.status.can_move_to(to) {
            return illegal(o, to.as_str());
        }
        if pay != o.payment && !o.payment.can_move_to(pay) {
            return illegal(o, pay.as_str());
        }
        let mut sql = String::from("UPDATE transactions SET status = ?1, payment_status = ?2, updated_at = ?3");
        let mut args: Vec<Value> = vec![text(to.as_str()), text(pay.as_str()), self.at()];
        if o.status == OrderStatus::Processing && to != OrderStatus::Processing {
            sql.push_str(", next_check_at = NULL");
        }
        for (col, v) in cols {
            args.push(v.clone());
            sql.push_str(&format!(", {col} = ?{}", args.len()));
        }
        let n = args.len();
        sql.push_str(&format!(" WHERE id = ?{} AND status = ?{} AND payment_status = ?{}", n + 1, n + 2, n + 3));
        args.extend([o.id.into(), text(o.status.as_str()), text(o.payment.as_str())]);
        if self.tx.execute(&sql, params_from_iter(args))? == 0 {
            return Err(MoveError::Illegal(format!("order {} changed meanwhile", o.code)));
        }
        o.status = to;
        o.payment = pay;
        Ok(())
    }

    /// The gateway payment row's status (pending -> paid | expired | failed; paid or
    /// anything -> refunded; a late payment: expired | failed -> paid).
    fn set_payment(&self, o: &mut Order, to: &str) -> Result<(), MoveError> {
        let Some((pid, from)) = o.gateway.clone() else { return Ok(()) };
        let paid_at = (to == "paid").then_some(self.now);
        self.tx.execute(
            "UPDATE payments SET status = ?2, paid_at = COALESCE(?3, paid_at), updated_at = ?4 WHERE id = ?1 AND status = ?5",
            params![pid, to, paid_at, self.now, from],
        )?;
        o.gateway = Some((pid, to.to_string()));
        Ok(())
    }

    fn flag(&mut self, o: &mut Order, kind: Attention, note: &str, by: Option<i64>) -> Result<(), MoveError> {
        self.tx.execute(
            "UPDATE transactions SET attention = ?2, attention_note = ?3, attention_at = ?4, updated_at = ?4 WHERE id = ?1",
            params![o.id, kind, note, self.now],
        )?;
        o.attention = Some(kind);
        let s = o.status;
        self.log(o, s, s, &format!("attention ({}): {note}", kind.as_str()), None, by)
    }

    fn clear(&mut self, o: &mut Order, note: &str, by: Option<i64>) -> Result<(), MoveError> {
        self.tx.execute(
            "UPDATE transactions SET attention = NULL, attention_note = NULL, attention_at = NULL, updated_at = ?2 WHERE id = ?1",
            params![o.id, self.now],
        )?;
        o.attention = None;
        let s = o.status;
        self.log(o, s, s, note, None, by)
    }

    /// An unknown outcome that became known needs no admin any more.
    fn clear_unknown(&mut self, o: &mut Order, note: &str, by: Option<i64>) -> Result<(), MoveError> {
        if matches!(o.attention, Some(Attention::UnknownOutcome | Attention::ChecksExhausted)) {
            self.clear(o, &format!("attention cleared: {note}"), by)?;
        }
        Ok(())
    }

    fn log(
        &self,
        o: &Order,
        from: impl AsLogState,
        to: impl AsLogState,
        message: &str,
        meta: Option<serde_json::Value>,
        by: Option<i64>,
    ) -> Result<(), MoveError> {
        self.tx.execute(
            "INSERT INTO transaction_logs (transaction_id, status_from, status_to, message, meta_data, created_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![o.id, from.log_state(), to.log_state(), message, meta.map(|m| m.to_string()), by, self.now],
        )?;
        Ok(())
    }
}

/// `""` (no state yet) or an order status, as the log stores it.
trait AsLogState {
    fn log_state(&self) -> &str;
}

impl AsLogState for &str {
    fn log_state(&self) -> &str {
        self
    }
}

impl AsLogState for OrderStatus {
    fn log_state(&self) -> &str {
        self.as_str()
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn illegal<T>(o: &Order, to: &str) -> Result<T, MoveError> {
    Err(MoveError::Illegal(format!(
        "a {}/{} order cannot take {to}",
        o.status.as_str(),
        o.payment.as_str()
    )))
}

/// Whether a logged move (`status_from`, `status_to`) is one the machine makes: the
/// order moves of `OrderStatus::can_move_to`, the first row from nothing, and notes
/// that keep the status.
pub fn is_legal_log(from: &str, to: &str) -> bool {
    if from.is_empty() {
        return to == "pending";
    }
    let (Some(f), Some(t)) = (OrderStatus::parse(from), OrderStatus::parse(to)) else {
        return false;
    };
    f == t || f.can_move_to(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_moves_follow_the_table() {
        assert!(is_legal_log("", "pending"));
        assert!(!is_legal_log("", "success"));
        assert!(is_legal_log("pending", "processing"));
        assert!(is_legal_log("failed", "refunded"));
        assert!(is_legal_log("failed", "failed"));
        assert!(!is_legal_log("failed", "processing"));
        assert!(!is_legal_log("failed", "success"));
        assert!(!is_legal_log("refunded", "failed"));
        assert!(!is_legal_log("success", "refunded"));
        assert!(!is_legal_log("pending", "nonsense"));
    }
}
