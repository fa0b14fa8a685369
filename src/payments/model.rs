//! The payment channels as front ends see them.

use poem_openapi::Object;

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

