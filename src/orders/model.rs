//! Orders (`transactions`): purchases and balance top-ups, and their payment.

use std::collections::HashMap;

use poem_openapi::{Enum, Object};

use crate::{db::text_enum, web::pagination::PageMeta, tripay::model::PaymentInstruction};

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
        matches!((self, to), (Pending, Paid) | (Pending, Expired) | (Pending, Failed) | (Expired, Paid) | (Failed, Paid))
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

/// A purchase. Guests send `customer_name` and `customer_email` (Tripay requires a
/// valid e-mail); members are known by their token and pay their tier's price.
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(skip_serializing_if_is_none)]
pub struct CheckoutRequest {
    pub product_item_id: i64,
    /// The product's input fields by name, e.g. `{"user_id": "12345678", "zone_id": "1234"}`.
    pub customer_data: HashMap<String, String>,
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
    /// Also Tripay's merchant_ref and Digiflazz's ref_id.
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
            vec![(P::Pending, P::Paid), (P::Pending, P::Expired), (P::Pending, P::Failed), (P::Expired, P::Paid), (P::Failed, P::Paid)]
        );
    }
}
