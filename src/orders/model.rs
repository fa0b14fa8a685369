//! Orders (`transactions`): purchases and balance top-ups, and their payment.

use crate::text::Rupiah;
use std::collections::HashMap;

use poem_openapi::{Enum, Object};

use crate::{
    db::{text_enum, DbError},
    error::{ApiError, Invalid},
    settings::model::SettingsError,
    tripay::model::{Channel, PaymentInstruction},
    vouchers::model::VoucherError,
    web::pagination::PageMeta,
};

/// `status`: pending -> processing -> success | failed; failed -> refunded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum OrderStatus {
    Pending,
    Processing,
    Success,
    Failed,
    Refunded,
}

/// `payment_status`: pending -> paid | expired | failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    Pending,
    Paid,
    Expired,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum TransactionType {
    Purchase,
    Topup,
}

text_enum!(OrderStatus { Pending => "pending", Processing => "processing", Success => "success", Failed => "failed", Refunded => "refunded" });
text_enum!(PaymentStatus { Pending => "pending", Paid => "paid", Expired => "expired", Failed => "failed" });
text_enum!(TransactionType { Purchase => "purchase", Topup => "topup" });

impl OrderStatus {
    /// The only moves that exist.
    pub fn can_move_to(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (Pending, Processing)
                | (Pending, Failed)
                | (Processing, Success)
                | (Processing, Failed)
                | (Failed, Refunded)
        )
    }
}

impl PaymentStatus {
    /// Out of pending once; money that arrives after the order closed unpaid (expired,
    /// failed) is still money received: a late payment moves it to paid.
    pub fn can_move_to(self, to: PaymentStatus) -> bool {
        use PaymentStatus::*;
        matches!(
            (self, to),
            (Pending, Paid) | (Pending, Expired) | (Pending, Failed) | (Expired, Paid) | (Failed, Paid)
        )
    }
}

/// Why an order is on the admin's attention list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Attention {
    /// A re-check got an answer that says nothing of the order (rc 45, 41, ...): the
    /// outcome is unknown; lapak keeps asking.
    UnknownOutcome,
    /// The automatic checks ran out (or the order is too old to check) and the outcome
    /// is still unknown.
    ChecksExhausted,
    /// The supplier delivered after the order was failed or refunded: the customer may
    /// hold both the product and the money.
    LateSupplierSuccess,
    /// The supplier reports a failure for an order it had delivered.
    SupplierFailedAfterSuccess,
    /// The supplier charged more than the order's cost snapshot.
    Overcharged,
    /// Tripay refunded the payment.
    GatewayRefund,
}

text_enum!(Attention {
    UnknownOutcome => "unknown_outcome", ChecksExhausted => "checks_exhausted",
    LateSupplierSuccess => "late_supplier_success", SupplierFailedAfterSuccess => "supplier_failed_after_success",
    Overcharged => "overcharged", GatewayRefund => "gateway_refund"
});

/// What an order would cost, before buying it (`POST /transactions/quote`).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct QuoteRequest {
    pub product_item_id: i64,
    /// A voucher code to try.
    #[oai(validator(max_length = 50))]
    pub voucher_code: Option<String>,
    /// A payment channel code (or BALANCE), for the fee and the total.
    #[oai(validator(max_length = 50))]
    pub payment_method: Option<String>,
}

/// What an order would cost now: the caller's tier price, the voucher's discount, and
/// with a payment method the gateway fee and the total. Checkout checks all of it again.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Quote {
    pub product_price: i64,
    pub discount_amount: i64,
    /// `product_price` - `discount_amount`: what the payment is for.
    pub amount: i64,
    pub admin_fee: Option<i64>,
    pub total_price: Option<i64>,
}

/// A purchase. Guests send `customer_name` and `customer_email` (Tripay requires a
/// valid e-mail); members are known by their token and pay their tier's price.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(skip_serializing_if_is_none)]
pub struct CheckoutRequest {
    /// What to buy; required unless `quote_id` names a bill's quote.
    pub product_item_id: Option<i64>,
    /// The product's input fields by name, e.g. `{"user_id": "12345678", "zone_id": "1234"}`
    /// (a bill's quote already holds them).
    #[oai(default)]
    #[serde(default)]
    pub customer_data: HashMap<String, String>,
    /// Pay a bill: the `quote_id` of `POST /bills/inquiry` (the total is the quote's; a
    /// quote pays at most once, and an expired one answers 409 `quote_expired`).
    #[oai(validator(min_length = 1, max_length = 40))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    /// A payment channel code from `GET /payment-channels` (QRIS, BRIVA, ...).
    #[oai(validator(min_length = 1, max_length = 50))]
    pub payment_method: String,
    #[oai(validator(min_length = 1, max_length = 50))]
    pub voucher_code: Option<String>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub customer_name: Option<String>,
    #[oai(validator(max_length = 255))]
    pub customer_email: Option<String>,
    #[oai(validator(max_length = 20))]
    pub customer_phone: Option<String>,
    #[oai(validator(max_length = 500))]
    pub customer_note: Option<String>,
    /// Buy again although this number got this item within
    /// `orders.duplicate_window_hours` (otherwise 409 `duplicate_order`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_duplicate: Option<bool>,
}

/// How to pay (absent for balance payments).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PaymentView {
    pub reference: String,
    /// Channel code.
    pub method: String,
    pub channel: String,
    /// Virtual account number or store payment code.
    pub pay_code: Option<String>,
    /// A page where the customer pays (redirect channels, and the demo checkout).
    pub checkout_url: Option<String>,
    pub pay_url: Option<String>,
    /// QRIS payload to render as a QR code.
    pub qr_string: Option<String>,
    pub qr_url: Option<String>,
    pub instructions: Vec<PaymentInstruction>,
    pub amount: i64,
    pub fee: i64,
    pub total_amount: i64,
    pub status: String,
    pub expires_at: Option<String>,
    pub paid_at: Option<String>,
}

/// An order as its owner sees it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrderView {
    /// Also Tripay's merchant_ref and, for a prepaid product, Digiflazz's ref_id (a
    /// bill is paid under its inquiry's ref_id).
    pub transaction_code: String,
    pub transaction_type: TransactionType,
    pub product_name: Option<String>,
    pub item_name: Option<String>,
    pub product_item_id: Option<i64>,
    pub customer_no: Option<String>,
    pub customer_data: HashMap<String, String>,
    pub product_price: i64,
    pub discount_amount: i64,
    pub admin_fee: i64,
    /// product_price - discount_amount + admin_fee.
    pub total_price: i64,
    pub payment_method: Option<String>,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    /// Serial number or token from the supplier; empty until fulfilled.
    pub sn: String,
    pub message: Option<String>,
    pub failed_reason: Option<String>,
    pub voucher_code: Option<String>,
    pub payment: Option<PaymentView>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub paid_at: Option<String>,
    pub completed_at: Option<String>,
    /// A bill payment: the bill as quoted (customer name, periods, meter readings ...);
    /// `sn` holds the biller's reference once paid.
    pub bill: Option<crate::bills::model::BillView>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrderList {
    pub data: Vec<OrderView>,
    pub meta: PageMeta,
}

/// Proof of ownership for a guest's cancel.
#[derive(Debug, Object, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct CancelRequest {
    #[oai(validator(max_length = 255))]
    pub email: Option<String>,
    #[oai(validator(max_length = 20))]
    pub phone: Option<String>,
}

/// Which orders a list shows: one filter for the customer's history, the deposit
/// list, the admin's list and its statistics.
#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub user_id: Option<i64>,
    pub transaction_type: Option<TransactionType>,
    pub status: Option<OrderStatus>,
    pub payment_status: Option<PaymentStatus>,
    /// Matches code, customer number, product, contact e-mail/phone, payment method.
    pub search: Option<String>,
    /// Stored timestamps bounding `created_at` (from inclusive, to exclusive).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only orders on (true) or off (false) the attention list.
    pub attention: Option<bool>,
    /// Only orders whose money must be returned by hand (true), or the others.
    pub refund_required: Option<bool>,
}

/// Orders of the admin's order list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poem_openapi::Enum)]
#[oai(rename_all = "snake_case")]
pub enum OrderSort {
    Newest,
    Oldest,
    TotalDesc,
    TotalAsc,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListOrder {
    Sort(OrderSort),
    /// The attention list: the oldest flag first.
    OldestFlag,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminOrder {
    #[oai(flatten)]
    pub order: OrderView,
    pub id: i64,
    pub user_id: Option<i64>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Supplier cost snapshot.
    pub base_price: i64,
    pub payment_method_type: String,
    pub refund_required: bool,
    pub supplier_attempts: i64,
    /// Who paid (a refund goes back there); differs from `user_id` after a guest-order claim.
    pub payer_user_id: Option<i64>,
    /// Why the order is on the attention list (absent: it is not).
    pub attention: Option<Attention>,
    pub attention_note: Option<String>,
    pub attention_at: Option<String>,
    /// Set when the money arrived after the order was closed.
    pub late_paid_at: Option<String>,
    /// What the supplier charged (its latest answer), and the deposit it reported.
    pub supplier_price: Option<i64>,
    pub supplier_balance: Option<i64>,
    /// A bill: the ref_id Digiflazz knows the payment by (its inquiry's).
    pub inquiry_ref: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminOrderList {
    pub data: Vec<AdminOrder>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LogEntry {
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    pub message: Option<String>,
    pub meta_data: Option<serde_json::Value>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CallbackEntry {
    pub id: i64,
    pub event: Option<String>,
    pub is_valid: bool,
    pub processed: bool,
    pub outcome: Option<String>,
    pub ip_address: String,
    /// The raw body as received.
    pub callback_data: String,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SupplierCall {
    pub kind: String,
    pub outcome: String,
    pub rc: Option<String>,
    pub message: Option<String>,
    /// What the supplier said it charged, and its deposit afterwards.
    pub price: Option<i64>,
    pub balance_after: Option<i64>,
    pub payload: Option<String>,
    pub created_at: String,
}

/// A move an admin can make on an order. `AdminOrderDetail.actions` lists the ones legal
/// in the order's state now (a console shows those buttons and no others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum AdminMove {
    /// `POST .../recheck`: ask Digiflazz for the order's status now.
    Recheck,
    /// `POST .../retry`: send the order again under the same ref_id.
    Retry,
    /// `POST .../status` with `success`.
    Succeed,
    /// `POST .../status` with `failed`.
    Fail,
    /// `POST .../refund`: the payer is a member; the money goes to the balance.
    RefundToBalance,
    /// `POST .../mark-refunded`: the money went back outside lapak (a guest's order).
    MarkRefunded,
    /// `POST .../resolve`: take the order off the attention list.
    Resolve,
}

impl AdminMove {
    pub const ALL: [AdminMove; 7] = [
        AdminMove::Recheck,
        AdminMove::Retry,
        AdminMove::Succeed,
        AdminMove::Fail,
        AdminMove::RefundToBalance,
        AdminMove::MarkRefunded,
        AdminMove::Resolve,
    ];
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminOrderDetail {
    #[oai(flatten)]
    pub order: AdminOrder,
    /// The admin's moves that are legal in the order's state now.
    pub actions: Vec<AdminMove>,
    /// The payer is a member: a refund of this order goes to a balance, not by hand.
    pub payer_is_member: bool,
    pub logs: Vec<LogEntry>,
    pub callbacks: Vec<CallbackEntry>,
    pub supplier_calls: Vec<SupplierCall>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StatusOverride {
    /// `success` or `failed`.
    pub status: OrderStatus,
    #[oai(validator(min_length = 3, max_length = 500))]
    pub reason: String,
    /// Fail a processing order without asking the supplier first (or against its
    /// "pending" or an answer that says nothing). A later delivery is still recorded
    /// and put on the attention list.
    #[oai(default)]
    pub force: bool,
    /// The serial number or token, when setting success by hand.
    #[oai(validator(max_length = 255))]
    pub sn: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RefundRequired {
    pub transaction_code: String,
    pub user_id: Option<i64>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub is_guest: bool,
    pub product_name: Option<String>,
    pub total_price: i64,
    pub payment_method: Option<String>,
    pub status: String,
    pub failed_reason: Option<String>,
    pub created_at: String,
}

/// How a refund was made outside lapak.
#[derive(Debug, Object, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct RefundNote {
    #[oai(validator(max_length = 1000))]
    pub note: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ResolveRequest {
    /// What the admin did about it (kept in the order's log).
    #[oai(validator(min_length = 3, max_length = 500))]
    pub note: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrderStats {
    pub total: i64,
    pub by_status: serde_json::Value,
    pub by_payment_status: serde_json::Value,
    pub revenue: i64,
    pub profit: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DepositRequest {
    /// Rupiah to add to the balance (the gateway fee is paid on top).
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub amount: i64,
    /// A payment channel code from `GET /payment-channels`.
    #[oai(validator(min_length = 1, max_length = 50))]
    pub payment_method: String,
}

/// Why the state machine refused or failed an event.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The event is not a legal move from the order's state.
    #[error("{0}")]
    Illegal(String),
    #[error("insufficient balance: {} available, {} needed", Rupiah(*.balance), Rupiah(*.needed))]
    Insufficient { balance: i64, needed: i64 },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for MoveError {
    fn from(e: rusqlite::Error) -> Self {
        MoveError::Db(e.into())
    }
}

impl From<crate::wallet::model::LedgerError> for MoveError {
    fn from(e: crate::wallet::model::LedgerError) -> Self {
        match e {
            crate::wallet::model::LedgerError::Insufficient { balance, needed } => {
                MoveError::Insufficient { balance, needed }
            }
            crate::wallet::model::LedgerError::NonPositive => {
                MoveError::Db(DbError::Other("a non-positive ledger amount".into()))
            }
            // Not acknowledged, so it is retried and logged, never silently dropped.
            crate::wallet::model::LedgerError::TooLarge => {
                MoveError::Db(DbError::Other("the credit would take a balance above its maximum".into()))
            }
            crate::wallet::model::LedgerError::Db(d) => MoveError::Db(d),
        }
    }
}

/// What the order rules refuse, in domain words; `From<OrderError> for ApiError` picks
/// the status, code and field.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// "transaction" or "deposit".
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    IdempotencyConflict(&'static str),
    /// Another request with the same Idempotency-Key is being written right now.
    #[error("this Idempotency-Key is being used by another request")]
    IdempotencyBusy,
    #[error(
        "this number already got this item in the last {0} hours; to buy it again, send confirm_duplicate: true \
         (a repeat top-up is rarely meant, and the supplier may refuse it)"
    )]
    Duplicate(u64),
    /// The item cannot be ordered now; `cut_off` carries the supplier's window.
    #[error("{message}")]
    Unavailable { code: &'static str, message: String },
    #[error("this is a bill: ask for it with POST /bills/inquiry, then pay the quote with `quote_id`")]
    PostpaidNeedsQuote,
    /// A bill's quote cannot be paid.
    #[error("{0}")]
    Quote(crate::bills::model::QuoteRefused),
    /// Guest checkout or deposits are turned off, or deposits are not for this tier.
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error("only an unpaid order can be cancelled")]
    NotCancellable,
    /// An admin action that does not fit the order (`code` says which).
    #[error("{message}")]
    Refused { code: &'static str, message: String, field: Option<&'static str>, retry_after: Option<i64> },
    #[error(transparent)]
    Move(#[from] MoveError),
    #[error(transparent)]
    Voucher(#[from] VoucherError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The gateway could not do it (502); `order` is the code of the order it left closed.
    #[error("{message}")]
    Upstream { message: String, order: Option<String> },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl OrderError {
    pub fn refused(code: &'static str, message: impl Into<String>) -> Self {
        OrderError::Refused { code, message: message.into(), field: None, retry_after: None }
    }
}

impl From<rusqlite::Error> for OrderError {
    fn from(e: rusqlite::Error) -> Self {
        OrderError::Db(e.into())
    }
}

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> Self {
        use serde_json::json;
        let message = e.to_string();
        match e {
            OrderError::Invalid(i) => i.into(),
            OrderError::NotFound(what) => ApiError::not_found(what),
            OrderError::IdempotencyConflict(_) | OrderError::IdempotencyBusy => {
                ApiError::conflict("idempotency_conflict", message)
            }
            OrderError::Duplicate(_) => ApiError::conflict("duplicate_order", message).with_field("confirm_duplicate"),
            OrderError::Unavailable { code, .. } => ApiError::conflict(code, message).with_field("product_item_id"),
            OrderError::PostpaidNeedsQuote => {
                ApiError::validation("product_item_id", message).with_code("quote_required")
            }
            OrderError::Quote(q) => {
                use crate::bills::model::QuoteRefused as Q;
                match q {
                    Q::NotFound | Q::NotYours => ApiError::validation("quote_id", message).with_code("no_such_quote"),
                    Q::Used(_) => ApiError::conflict("quote_used", message).with_field("quote_id"),
                    Q::Expired => ApiError::conflict("quote_expired", message).with_field("quote_id"),
                }
            }
            OrderError::NotAllowed(_) => ApiError::forbidden(message),
            OrderError::NotCancellable => ApiError::conflict("not_cancellable", message),
            OrderError::Refused { code, field, retry_after, .. } => {
                let mut a = ApiError::conflict(code, message);
                if let Some(f) = field {
                    a = a.with_field(f);
                }
                if let Some(wait) = retry_after {
                    a = a.with_details(json!({"retry_after": wait}));
                }
                a
            }
            OrderError::Move(MoveError::Illegal(why)) => ApiError::conflict("illegal_move", why),
            OrderError::Move(MoveError::Insufficient { balance, needed }) => ApiError::validation(
                "payment_method",
                format!("insufficient balance: {} available, {} needed", Rupiah(balance), Rupiah(needed)),
            )
            .with_code("insufficient_balance")
            .with_details(json!({"balance": balance, "needed": needed})),
            OrderError::Move(MoveError::Db(d)) => d.into(),
            OrderError::Voucher(v) => v.into(),
            OrderError::Settings(s) => s.into(),
            OrderError::Upstream { order, .. } => {
                let a = ApiError::upstream(message);
                match order {
                    Some(code) => a.with_details(json!({"transaction_code": code})),
                    None => a,
                }
            }
            OrderError::Db(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_these_moves_exist() {
        use OrderStatus::*;
        let all = [Pending, Processing, Success, Failed, Refunded];
        let allowed: Vec<_> =
            all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.can_move_to(*b)).collect();
        assert_eq!(
            allowed,
            vec![
                (Pending, Processing),
                (Pending, Failed),
                (Processing, Success),
                (Processing, Failed),
                (Failed, Refunded)
            ]
        );
        use PaymentStatus as P;
        let all = [P::Pending, P::Paid, P::Expired, P::Failed];
        let allowed: Vec<_> =
            all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.can_move_to(*b)).collect();
        assert_eq!(
            allowed,
            vec![
                (P::Pending, P::Paid),
                (P::Pending, P::Expired),
                (P::Pending, P::Failed),
                (P::Expired, P::Paid),
                (P::Failed, P::Paid)
            ]
        );
    }
}

/// A payment channel as front ends see it, priced for an amount.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PaymentChannel {
    /// Send this as `payment_method` at checkout.
    pub code: String,
    pub name: String,
    /// "Virtual Account", "E-Wallet", "Convenience Store", ...
    pub group: String,
    pub icon_url: Option<String>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    /// The fee the customer pays for `amount` (absent without an amount).
    pub fee: Option<i64>,
    /// amount + fee.
    pub total: Option<i64>,
    /// Whether `amount` is within this channel's limits.
    pub available: bool,
}

impl PaymentChannel {
    /// A channel as listed; with an amount, the fee the customer pays for it and
    /// whether the amount is within the channel's limits.
    pub fn priced(c: Channel, amount: Option<i64>) -> Self {
        let fee = amount.map(|a| c.customer_fee.fee(a));
        PaymentChannel {
            available: amount.is_none_or(|a| c.accepts(a)),
            total: amount.zip(fee).map(|(a, f)| a + f),
            fee,
            code: c.code,
            name: c.name,
            group: c.group,
            icon_url: c.icon_url,
            min_amount: c.min_amount,
            max_amount: c.max_amount,
        }
    }
}
