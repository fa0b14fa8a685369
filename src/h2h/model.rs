//! API keys, the H2H request and answer types, and their errors.

use crate::text::Rupiah;
use std::collections::HashMap;

use poem_openapi::{Enum, Object};

/// A new API key.
#[derive(Debug, Clone, Object)]
pub struct ApiKeyCreate {
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// The addresses or networks (CIDR) the shop calls from, e.g. `203.0.113.7` or
    /// `2001:db8::/48`; at least one. `0.0.0.0/0` allows any IPv4 address.
    #[oai(validator(min_items = 1, max_items = 50))]
    pub ip_whitelist: Vec<String>,
    /// Where callbacks go when an order names none (http or https).
    #[oai(validator(max_length = 500))]
    pub callback_url: Option<String>,
}

/// A key's whitelist or default callback URL, replaced (an empty URL removes it).
#[derive(Debug, Clone, Object)]
pub struct ApiKeyUpdate {
    #[oai(validator(min_items = 1, max_items = 50))]
    pub ip_whitelist: Option<Vec<String>>,
    #[oai(validator(max_length = 500))]
    pub callback_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    Suspended,
    Revoked,
}

crate::db::text_enum!(KeyStatus { Active => "active", Suspended => "suspended", Revoked => "revoked" });

/// An API key as its owner (or an admin) sees it; never with its secret.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ApiKeyView {
    /// Sent as `X-Lapak-Key`.
    pub key_id: String,
    pub name: String,
    pub ip_whitelist: Vec<String>,
    pub status: KeyStatus,
    /// Rotations so far + 1.
    pub secret_version: i64,
    pub last_used_at: Option<String>,
    pub last_ip: Option<String>,
    pub callback_url: Option<String>,
    /// Counter software may use this key (`GET /h2h/otomax/trx`).
    pub otomax_enabled: bool,
    pub report_url: Option<String>,
    pub created_at: String,
    /// Admin lists: the owner.
    pub user_id: Option<i64>,
    /// Admin lists: volume, errors and callbacks.
    pub stats: Option<KeyStats>,
}

/// What a key has done (the admin's list).
#[derive(Debug, Clone, Default, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct KeyStats {
    pub orders: i64,
    pub orders_success: i64,
    pub orders_failed: i64,
    /// Rupiah of delivered orders.
    pub volume: i64,
    pub callbacks_pending: i64,
    /// Callbacks that used up their tries.
    pub callbacks_failed: i64,
    pub last_callback_at: Option<String>,
    pub last_callback_status: Option<String>,
    pub last_callback_code: Option<i64>,
}

/// A key and its secret, shown this once.
#[derive(Debug, Clone, Object)]
pub struct ApiKeyCreated {
    pub key: ApiKeyView,
    /// Signs requests (`X-Lapak-Signature`); lapak cannot show it again.
    pub secret: String,
}

/// The reseller's balance.
#[derive(Debug, Clone, Object)]
pub struct H2hBalance {
    pub balance: i64,
}

/// An order from the shop, paid from the reseller's balance.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct H2hOrderRequest {
    /// The item's SKU (as in `GET /api/v1/products`).
    #[oai(validator(min_length = 1, max_length = 100))]
    pub sku: String,
    /// The destination: a phone number, meter, customer ID. For a product with more
    /// than one field (a game's user and zone id), send `customer_data` instead.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub customer_no: Option<String>,
    /// The product's input fields by name.
    pub customer_data: Option<HashMap<String, String>>,
    /// The shop's own id for this order: the same ref_id again returns the same order,
    /// never a second purchase; a different body with a used ref_id is 409.
    #[oai(validator(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._:-]+$"))]
    pub ref_id: String,
    /// Refuse (409 `price_above_max`) when the price is above this.
    #[oai(validator(minimum(value = "0")))]
    pub max_price: Option<i64>,
    /// Where this order's callbacks go (else the key's `callback_url`).
    #[oai(validator(max_length = 500))]
    pub callback_url: Option<String>,
}

/// What lapak POSTs to a callback URL when an order reaches a final state (and for a
/// test callback), signed as requests are: `X-Lapak-Key`, `X-Lapak-Timestamp`,
/// `X-Lapak-Signature` over `POST`, the URL's path, the timestamp and this body; plus
/// `X-Lapak-Event` and `X-Lapak-Delivery` (the same id on every retry).
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(skip_serializing_if_is_none)]
pub struct H2hCallback {
    /// `order.success`, `order.failed`, `order.refunded` or `test`.
    pub event: String,
    pub ref_id: Option<String>,
    pub transaction_code: Option<String>,
    pub sku: Option<String>,
    pub customer_no: Option<String>,
    pub status: Option<H2hStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sn: Option<String>,
    pub price: Option<i64>,
    /// The money is back in the balance.
    pub refunded: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `products.changed`: the price list's new tag (as `GET /products` sends it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub sent_at: String,
}

/// The reseller's price list.
#[derive(Debug, Clone, Object, serde::Serialize)]
pub struct H2hProductList {
    pub data: Vec<crate::catalog::model::PriceListItem>,
}

/// One callback in the delivery log.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CallbackView {
    pub id: i64,
    pub event: String,
    pub url: String,
    /// `pending` (tried again later), `delivered`, or `failed` (tries used up).
    pub status: String,
    pub attempts: i64,
    /// The receiver's last HTTP status.
    pub last_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub transaction_code: Option<String>,
    pub ref_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, serde::Serialize)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum H2hStatus {
    Pending,
    Success,
    Failed,
}

/// Ask for a bill (postpaid SKU) for a customer number.
#[derive(Debug, Clone, Object)]
pub struct H2hBillInquiry {
    #[oai(validator(min_length = 1, max_length = 100))]
    pub sku: String,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub customer_no: String,
}

/// Pay a bill's quote from the balance, under the shop's ref_id.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct H2hBillPay {
    #[oai(validator(min_length = 1, max_length = 40))]
    pub quote_id: String,
    #[oai(validator(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._:-]+$"))]
    pub ref_id: String,
    #[oai(validator(max_length = 500))]
    pub callback_url: Option<String>,
}

/// Where an order stands.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct H2hOrder {
    pub ref_id: String,
    /// lapak's order code.
    pub transaction_code: String,
    pub sku: Option<String>,
    pub customer_no: Option<String>,
    pub status: H2hStatus,
    /// Serial number or token; empty until delivered.
    pub sn: String,
    /// What the reseller was charged.
    pub price: i64,
    /// Set once a failed order's money is back in the balance.
    pub refunded: bool,
    pub message: Option<String>,
    /// The balance right after this answer.
    pub balance_after: i64,
    pub created_at: String,
}

/// A key as the signature check needs it.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    pub key_id: String,
    pub user_id: i64,
    pub name: String,
    pub secret_version: i64,
    pub ip_whitelist: Vec<String>,
    pub status: KeyStatus,
    pub last_used_at: Option<String>,
    pub last_ip: Option<String>,
    pub callback_url: Option<String>,
    pub created_at: String,
    /// The owner may log in (active, not deleted).
    pub owner_active: bool,
    pub otomax_enabled: bool,
    pub report_url: Option<String>,
}

/// Turn on counter software (OtomaX, IRS) for a key.
#[derive(Debug, Clone, Object)]
pub struct OtomaxSetup {
    /// Where report callbacks (HTTP GET, IRS/Digiflazz shape) go.
    #[oai(validator(max_length = 500))]
    pub report_url: Option<String>,
}

/// What to enter in the counter software. The PIN and password are shown here only
/// (derived, never stored; rotating the key changes them).
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OtomaxCredentials {
    pub member_id: String,
    pub pin: String,
    pub password: String,
    /// `GET` this with `memberID`, `product`, `dest`, `refID` and `sign`.
    pub trx_url: String,
    pub report_url: Option<String>,
}

/// Who a verified H2H request comes from (set by the signature check).
#[derive(Debug, Clone)]
pub struct H2hCaller {
    pub key: KeyRow,
    pub user: crate::auth::model::AuthUser,
}

#[derive(Debug, thiserror::Error)]
pub enum H2hError {
    #[error(transparent)]
    Invalid(#[from] crate::error::Invalid),
    /// Missing, expired or wrong signature headers, or an unknown key.
    #[error("{0}")]
    Unauthorized(String),
    #[error("this API key is suspended")]
    Suspended,
    #[error("calls from {0} are not allowed for this key; add {0} to its IP whitelist")]
    IpNotAllowed(String),
    #[error("API keys are for reseller accounts")]
    NotReseller,
    #[error("no such API key")]
    NotFound,
    #[error("the price is {}, above max_price {}", Rupiah(*.price), Rupiah(*.max))]
    PriceAboveMax { price: i64, max: i64 },
    #[error("no order with this ref_id")]
    NoSuchOrder,
    #[error("no such callback")]
    NoSuchCallback,
    /// Over the key's limit: seconds to wait.
    #[error("too many requests for this key; try again in {0} s")]
    Limited(u64),
    #[error(transparent)]
    Order(#[from] crate::orders::model::OrderError),
    #[error(transparent)]
    Wallet(#[from] crate::wallet::model::WalletError),
    #[error(transparent)]
    Bill(#[from] crate::bills::model::BillError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<rusqlite::Error> for H2hError {
    fn from(e: rusqlite::Error) -> Self {
        H2hError::Db(e.into())
    }
}

impl From<H2hError> for crate::error::ApiError {
    fn from(e: H2hError) -> Self {
        use crate::error::ApiError;
        let message = e.to_string();
        match e {
            H2hError::Invalid(i) => i.into(),
            H2hError::Unauthorized(_) => ApiError::unauthorized(message),
            H2hError::Suspended => ApiError::forbidden(message).with_code("key_suspended"),
            H2hError::IpNotAllowed(_) => ApiError::forbidden(message).with_code("ip_not_allowed"),
            H2hError::NotReseller => ApiError::forbidden(message),
            H2hError::NotFound => ApiError::not_found("api key"),
            H2hError::PriceAboveMax { .. } => ApiError::conflict("price_above_max", message).with_field("max_price"),
            H2hError::NoSuchOrder => ApiError::not_found("order"),
            H2hError::NoSuchCallback => ApiError::not_found("callback"),
            H2hError::Limited(wait) => ApiError::too_many(wait),
            H2hError::Order(o) => o.into(),
            H2hError::Wallet(w) => w.into(),
            H2hError::Bill(b) => b.into(),
            H2hError::Db(d) => d.into(),
        }
    }
}
