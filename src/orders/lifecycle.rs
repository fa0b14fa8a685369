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

use crate::text::Rupiah;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde_json::json;

pub use super::model::MoveError;
use super::{
    model::{AdminMove, Attention, OrderStatus, PaymentStatus, TransactionType},
    repo::{self, OrderState, Stamp},
};
use crate::{
    db::{ts, DbError},
    digiflazz::model::SupplierOrder,
    notifications::{self, Kind},
    vouchers,
    wallet::ledger::{self, EntryKind, Refs},
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
    Created {
        by: Option<i64>,
    },
    /// Paid from the payer's balance at checkout: the debit is part of the move.
    PaidFromBalance,
    /// Tripay says PAID (the caller has matched the reference, merchant_ref and amount).
    GatewayPaid,
    GatewayExpired,
    GatewayFailed,
    /// Tripay says REFUND: it returned the money to the payer.
    GatewayRefunded,
    /// Tripay could not create the payment.
    GatewayUnavailable {
        reason: &'a str,
    },
    /// Lapak's own payment deadline passed.
    DeadlinePassed,
    /// The owner cancelled an unpaid order.
    Cancelled {
        by: Option<i64>,
    },
    /// An answer from Digiflazz about this order (topup, re-check or webhook).
    Supplier {
        answer: &'a SupplierOrder,
        verdict: Verdict,
        kind: &'a str,
    },
    /// The automatic supplier checks stopped with the outcome still unknown.
    ChecksExhausted {
        why: &'a str,
    },
    AdminSucceed {
        admin: i64,
        reason: &'a str,
        sn: Option<&'a str>,
    },
    /// An admin fails the order; for a processing order the caller has asked the
    /// supplier first, or the admin forced it.
    AdminFail {
        admin: i64,
        reason: &'a str,
        forced: bool,
    },
    AdminRefundToBalance {
        admin: i64,
    },
    AdminMarkRefunded {
        admin: i64,
        note: &'a str,
    },
    AdminResolve {
        admin: i64,
        note: &'a str,
    },
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

type Order = OrderState;

/// The admin's moves that are legal for an order in this state, in the order a console
/// shows them. The machine checks the same guards ([`admin_may`]) when a move is asked.
pub fn admin_moves(o: &Order) -> Vec<AdminMove> {
    AdminMove::ALL.into_iter().filter(|m| admin_may(o, *m)).collect()
}

/// Whether `m` is legal for `o` now.
pub fn admin_may(o: &Order, m: AdminMove) -> bool {
    use OrderStatus as S;
    use PaymentStatus as P;
    let unpaid = o.status == S::Pending && o.payment == P::Pending;
    match m {
        // Only a processing order is with the supplier.
        AdminMove::Recheck | AdminMove::Retry => o.status == S::Processing && o.kind != TransactionType::Topup,
        AdminMove::Succeed => o.status == S::Processing,
        AdminMove::Fail => unpaid || o.status == S::Processing,
        AdminMove::RefundToBalance => {
            o.status == S::Failed
                && o.payment == P::Paid
                && o.payer_member
                && o.gateway.as_ref().is_none_or(|(_, s)| s != "refunded")
        }
        AdminMove::MarkRefunded => o.refund_required && o.status == S::Failed && o.payment == P::Paid,
        AdminMove::Resolve => o.attention.is_some(),
    }
}

fn load(tx: &Connection, id: i64) -> Result<Order, MoveError> {
    repo::load_state(tx, id)?.ok_or_else(|| MoveError::Illegal(format!("no order {id}")))
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
                self.set(o, S::Processing, P::Paid, &[Stamp::PaidAt, Stamp::ProcessedAt])?;
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
                if !admin_may(o, AdminMove::Succeed) {
                    return illegal(o, "success");
                }
                let mut stamps = vec![Stamp::CompletedAt];
                if let Some(sn) = sn.filter(|s| !s.trim().is_empty()) {
                    stamps.push(Stamp::Serial(sn.trim().to_string()));
                }
                self.set(o, S::Success, P::Paid, &stamps)?;
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
                    self.set(o, S::Failed, P::Paid, &[Stamp::FailedAt, Stamp::FailedReason(why.clone())])?;
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
                if !admin_may(o, AdminMove::RefundToBalance) {
                    return Err(MoveError::Illegal(
                        "only a failed, paid order of a member can be refunded to a balance; mark a guest's order refunded instead"
                            .into(),
                    ));
                }
                self.refund_to_balance(o, "refunded by an admin", Some(admin))?;
                self.done("refunded");
            }
            Event::AdminMarkRefunded { admin, note } => {
                if !admin_may(o, AdminMove::MarkRefunded) {
                    return Err(MoveError::Illegal("this order does not need a refund".into()));
                }
                self.set(o, S::Refunded, P::Paid, &[Stamp::RefundedAt, Stamp::RefundRequired(false)])?;
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
            self.set(o, S::Processing, P::Paid, &[Stamp::PaidAt, Stamp::ProcessedAt])?;
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
                self.set(o, S::Success, P::Paid, &[Stamp::CompletedAt])?;
                self.log(
                    o,
                    S::Processing,
                    S::Success,
                    "balance credited",
                    Some(json!({"amount": o.product_price})),
                    None,
                )?;
                self.notify(
                    payer,
                    Kind::Success,
                    "Saldo Masuk",
                    &format!("Deposit {} sudah masuk ke saldo Anda.", Rupiah(o.product_price)),
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
            self.set(o, S::Failed, P::Paid, &[Stamp::LatePaidAt, Stamp::PaidAt])?;
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
                    self.set(o, S::Refunded, P::Paid, &[Stamp::RefundedAt])?;
                    self.log(
                        o,
                        S::Failed,
                        S::Refunded,
                        &format!("late payment: {} credited to the payer's balance", Rupiah(amount)),
                        Some(json!({"amount": amount})),
                        None,
                    )?;
                    self.notify(
                        payer,
                        Kind::Info,
                        "Pembayaran Dikembalikan ke Saldo",
                        &format!(
                            "Pembayaran untuk pesanan {} diterima setelah pesanan ditutup; {} sudah masuk ke saldo Anda.",
                            o.code,
                            Rupiah(amount)
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
            self.set(o, S::Refunded, P::Paid, &[Stamp::RefundedAt, Stamp::RefundRequired(false)])?;
            self.log(o, S::Failed, S::Refunded, "Tripay refunded the payment to the payer", None, None)?;
            self.done("refunded");
            return Ok(());
        }
        let status = o.status;
        self.log(
            o,
            status,
            status,
            &format!("Tripay refunded the payment (the order is {})", status.as_str()),
            None,
            None,
        )?;
        let note = match (status, o.payer_member) {
            (S::Success, _) => {
                "Tripay refunded the payment of a delivered order: the customer has the product and the money"
            }
            (S::Refunded, true) => {
                "Tripay refunded the payment of an order already refunded to the balance: refunded twice"
            }
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
        repo::insert_supplier_call(self.tx, o.id, a, kind)?;
        let decisive = matches!(verdict, Verdict::Success | Verdict::Failed | Verdict::Pending);
        if decisive && matches!(o.status, S::Processing) {
            // Only answers about the transaction itself describe the order.
            repo::record_answer(self.tx, o.id, a, self.now)?;
        }
        let why = format!("supplier {} ({kind}): rc {} {}", a.status.as_str(), a.rc, a.message);
        let meta = json!({"source": kind, "rc": a.rc, "status": a.status_text, "sn": a.sn, "price": a.price});
        match (o.status, verdict) {
            (S::Processing, Verdict::Success) => {
                self.set(o, S::Success, P::Paid, &[Stamp::CompletedAt, Stamp::Serial(a.sn.clone())])?;
                self.log(o, S::Processing, S::Success, &why, Some(meta), None)?;
                self.count_sale(o)?;
                self.clear_unknown(o, "the supplier answered: delivered", None)?;
                self.check_charge(o, a)?;
                self.notify_outcome(o, true, None)?;
                self.done("succeeded");
            }
            (S::Processing, Verdict::Failed) => {
                let reason = if a.message.is_empty() { format!("supplier rc {}", a.rc) } else { a.message.clone() };
                self.set(o, S::Failed, P::Paid, &[Stamp::FailedAt, Stamp::FailedReason(reason.clone())])?;
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
                repo::record_late_delivery(self.tx, o.id, a, self.now)?;
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
            self.set(o, S::Refunded, P::Paid, &[Stamp::RefundedAt])?;
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
            let payer =
                o.payer.filter(|_| o.payer_member).ok_or_else(|| MoveError::Illegal("no member paid".into()))?;
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
                &format!("{} untuk {} dikembalikan ke saldo Anda.", Rupiah(total), o.product_name),
                json!({"transaction_code": o.code, "event": "refunded", "amount": total}),
            )?;
        }
        self.set(o, S::Refunded, P::Paid, &[Stamp::RefundedAt, Stamp::RefundRequired(false)])?;
        self.log(
            o,
            S::Failed,
            S::Refunded,
            &format!("refunded {} to the balance ({why})", Rupiah(total)),
            Some(json!({"amount": total})),
            by,
        )?;
        Ok(())
    }

    fn require_refund(&mut self, o: &mut Order, why: &str) -> Result<(), MoveError> {
        repo::mark_refund_required(self.tx, o.id, self.now)?;
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
        let mut stamps = vec![Stamp::FailedAt, Stamp::FailedReason(why.to_string())];
        if expired {
            stamps.push(Stamp::ExpiredAt);
        }
        self.set(o, S::Failed, pay, &stamps)?;
        vouchers::service::release(self.tx, o.id, self.now)?;
        self.log(o, S::Pending, S::Failed, why, None, by)?;
        if let Some(u) = o.user_id {
            let (kind, title, text) = if expired {
                (
                    Kind::Warning,
                    "Pembayaran Kadaluarsa",
                    format!("Batas waktu pembayaran {} sudah lewat.", o.product_name),
                )
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
        repo::queue_fulfilment(self.tx, o.id)?;
        self.fx.fulfil = true;
        Ok(())
    }

    fn count_sale(&self, o: &Order) -> Result<(), MoveError> {
        if let Some(item) = o.item_id {
            repo::count_sale(self.tx, item)?;
        }
        Ok(())
    }

    /// Flags an order charged above its cost snapshot.
    fn check_charge(&mut self, o: &mut Order, a: &SupplierOrder) -> Result<(), MoveError> {
        if let Some(price) = a.price.filter(|p| o.base_price > 0 && *p > o.base_price) {
            let note = format!(
                "the supplier charged {}, {} above the cost snapshot {}",
                Rupiah(price),
                Rupiah(price - o.base_price),
                Rupiah(o.base_price)
            );
            self.flag(o, Attention::Overcharged, &note, None)?;
        }
        Ok(())
    }

    fn notify_outcome(&mut self, o: &Order, ok: bool, reason: Option<&str>) -> Result<(), MoveError> {
        let Some(u) = o.user_id else { return Ok(()) };
        if ok {
            let sn = repo::serial_of(self.tx, o.id)?.unwrap_or_default();
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

    fn notify(
        &mut self,
        user: i64,
        kind: Kind,
        title: &str,
        text: &str,
        data: serde_json::Value,
    ) -> Result<(), MoveError> {
        let id = notifications::create(self.tx, user, kind, title, text, data)?;
        self.fx.notifications.push(id);
        Ok(())
    }

    /// Moves `status` and `payment_status` together, from exactly what was read.
    fn set(&self, o: &mut Order, to: OrderStatus, pay: PaymentStatus, stamps: &[Stamp]) -> Result<(), MoveError> {
        if to != o.status && !o.status.can_move_to(to) {
            return illegal(o, to.as_str());
        }
        if pay != o.payment && !o.payment.can_move_to(pay) {
            return illegal(o, pay.as_str());
        }
        if !repo::move_state(self.tx, o, to, pay, stamps, self.now)? {
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
        repo::move_payment(self.tx, pid, &from, to, self.now)?;
        o.gateway = Some((pid, to.to_string()));
        Ok(())
    }

    fn flag(&mut self, o: &mut Order, kind: Attention, note: &str, by: Option<i64>) -> Result<(), MoveError> {
        repo::set_attention(self.tx, o.id, Some((kind, note)), self.now)?;
        o.attention = Some(kind);
        let s = o.status;
        self.log(o, s, s, &format!("attention ({}): {note}", kind.as_str()), None, by)
    }

    fn clear(&mut self, o: &mut Order, note: &str, by: Option<i64>) -> Result<(), MoveError> {
        repo::set_attention(self.tx, o.id, None, self.now)?;
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
        Ok(repo::insert_log(self.tx, o.id, from.log_state(), to.log_state(), message, meta.as_ref(), by, self.now)?)
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

fn illegal<T>(o: &Order, to: &str) -> Result<T, MoveError> {
    Err(MoveError::Illegal(format!("a {}/{} order cannot take {to}", o.status.as_str(), o.payment.as_str())))
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
