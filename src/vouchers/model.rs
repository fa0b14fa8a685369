//! Vouchers, their forms and uses, and what the voucher rules refuse.

use poem_openapi::{types::MaybeUndefined, Enum, Object};

use crate::{
    auth::model::CustomerType,
    db::{text_enum, DbError},
    error::{ApiError, Invalid},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum VoucherKind {
    Percentage,
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum VoucherAudience {
    Retail,
    Reseller,
    All,
}

text_enum!(VoucherKind { Percentage => "percentage", Fixed => "fixed" });
text_enum!(VoucherAudience { Retail => "retail", Reseller => "reseller", All => "all" });

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Voucher {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    /// Only this product (parent), when set.
    pub product_id: Option<i64>,
    /// Only this category, when set.
    pub category_id: Option<i64>,
    pub customer_type: VoucherAudience,
    #[oai(rename = "type")]
    pub kind: VoucherKind,
    /// Percent (1..100) or rupiah.
    pub value: i64,
    pub min_transaction: i64,
    pub max_discount: Option<i64>,
    /// Total uses allowed (absent: unlimited).
    pub usage_limit: Option<i64>,
    pub usage_count: i64,
    /// Uses per user.
    pub user_limit: i64,
    /// Listed by `GET /api/v1/vouchers`.
    pub is_public: bool,
    pub is_active: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A new voucher.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct VoucherCreate {
    /// Letters, digits, `-` and `_`; stored upper-case.
    #[oai(validator(min_length = 1, max_length = 50, pattern = "^[A-Za-z0-9_-]+$"))]
    pub code: String,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// Only this product (parent), when set.
    pub product_id: Option<i64>,
    /// Only this category, when set.
    pub category_id: Option<i64>,
    pub customer_type: Option<VoucherAudience>,
    #[oai(rename = "type")]
    pub kind: VoucherKind,
    /// Percent (1 to 100) or rupiah.
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub value: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_transaction: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub max_discount: Option<i64>,
    /// Total uses allowed (absent: unlimited).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000")))]
    pub usage_limit: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000")))]
    pub user_limit: Option<i64>,
    pub is_public: Option<bool>,
    pub is_active: Option<bool>,
    pub start_date: Option<chrono::DateTime<chrono::Utc>>,
    pub end_date: Option<chrono::DateTime<chrono::Utc>>,
}

/// A change to a voucher: only the fields sent change (its code never does); `null`
/// removes an optional one (no validity window, no usage limit, no discount cap, any
/// product).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none, deny_unknown_fields)]
pub struct VoucherUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(nullable, validator(max_length = 1000))]
    pub description: MaybeUndefined<String>,
    #[oai(nullable)]
    pub product_id: MaybeUndefined<i64>,
    #[oai(nullable)]
    pub category_id: MaybeUndefined<i64>,
    pub customer_type: Option<VoucherAudience>,
    #[oai(rename = "type")]
    pub kind: Option<VoucherKind>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub value: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_transaction: Option<i64>,
    #[oai(nullable, validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub max_discount: MaybeUndefined<i64>,
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000000000")))]
    pub usage_limit: MaybeUndefined<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000")))]
    pub user_limit: Option<i64>,
    pub is_public: Option<bool>,
    pub is_active: Option<bool>,
    #[oai(nullable)]
    pub start_date: MaybeUndefined<chrono::DateTime<chrono::Utc>>,
    #[oai(nullable)]
    pub end_date: MaybeUndefined<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct VoucherUsage {
    pub id: i64,
    pub user_id: i64,
    pub user_email: String,
    pub transaction_code: String,
    pub discount_amount: i64,
    pub released_at: Option<String>,
    pub created_at: String,
}

/// What the order is, for the voucher's scope checks.
pub struct VoucherUse<'a> {
    pub code: &'a str,
    pub user_id: i64,
    pub tier: CustomerType,
    pub product_id: i64,
    pub category_id: i64,
    pub amount: i64,
    pub now: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum VoucherError {
    /// The code cannot be used on this order (checkout: 422 on `voucher_code`).
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("voucher not found")]
    NotFound,
    #[error("another voucher has this code")]
    CodeTaken,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for VoucherError {
    fn from(e: rusqlite::Error) -> Self {
        VoucherError::Db(e.into())
    }
}

impl From<VoucherError> for ApiError {
    fn from(e: VoucherError) -> Self {
        match e {
            VoucherError::Refused(why) => ApiError::validation("voucher_code", why),
            VoucherError::Invalid(i) => i.into(),
            VoucherError::NotFound => ApiError::not_found("voucher"),
            VoucherError::CodeTaken => {
                ApiError::conflict("code_taken", "another voucher has this code").with_field("code")
            }
            VoucherError::Db(e) => e.into(),
        }
    }
}
