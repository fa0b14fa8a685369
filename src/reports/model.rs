//! Report shapes, and what a report request can get wrong.

use poem_openapi::{Enum, Object};

use crate::{
    db::DbError,
    error::{ApiError, Invalid},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Period {
    /// Since midnight, Jakarta time.
    Today,
    /// The last 7 days, today included.
    Week,
    /// The last 30 days.
    Month,
    /// The last 365 days.
    Year,
}

impl Period {
    /// Jakarta days before today that the period reaches back.
    pub fn days_back(self) -> i64 {
        match self {
            Period::Today => 0,
            Period::Week => 6,
            Period::Month => 29,
            Period::Year => 364,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum GroupBy {
    Day,
    Week,
    Month,
}

/// What a sales report groups successful purchases by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesKey {
    Period(GroupBy),
    Product,
    Customer,
    PaymentMethod,
}

/// The order of report rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rank {
    /// By the group key (time buckets).
    Key,
    /// Most sales first.
    Count,
    /// Most revenue first.
    Revenue,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Figures {
    pub orders: i64,
    pub revenue: i64,
    pub profit: i64,
    /// Successful over finished (success, failed, refunded) purchases, in percent.
    pub success_rate: f64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Bucket {
    pub key: String,
    pub count: i64,
    pub revenue: i64,
    pub profit: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Dashboard {
    pub period: Period,
    pub from: String,
    pub figures: Figures,
    /// Orders created in the period by status.
    pub orders_by_status: Vec<Bucket>,
    /// Successful purchases by payment method.
    pub by_payment_method: Vec<Bucket>,
    pub top_products: Vec<Bucket>,
    /// Per Jakarta day: successful purchases, revenue, profit.
    pub daily: Vec<Bucket>,
    pub new_users: i64,
    pub deposits: i64,
    /// Paid orders that failed and still need a refund.
    pub refund_required: i64,
    /// Orders waiting on the supplier.
    pub processing: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub rows: Vec<Bucket>,
    pub totals: Figures,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WalletRow {
    pub kind: String,
    pub credits: i64,
    pub debits: i64,
    pub count: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DayFigure {
    pub date: String,
    pub orders: i64,
    pub spent: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TopProduct {
    pub product: String,
    pub orders: i64,
    pub spent: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Analytics {
    pub from: String,
    pub to: String,
    /// What the caller paid for successful purchases (after discounts, with fees).
    pub total_spent: i64,
    /// Purchases created in the range.
    pub transaction_count: i64,
    /// Successful over finished purchases, percent.
    pub success_rate: f64,
    pub per_day: Vec<DayFigure>,
    pub top_products: Vec<TopProduct>,
}

/// Successful over finished, in percent with two decimals (0 when nothing finished).
pub fn rate(ok: i64, finished: i64) -> f64 {
    if finished == 0 {
        0.0
    } else {
        (ok as f64 * 10_000.0 / finished as f64).round() / 100.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("writing the CSV failed: {0}")]
    Csv(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for ReportError {
    fn from(e: rusqlite::Error) -> Self {
        ReportError::Db(e.into())
    }
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Invalid(i) => i.into(),
            ReportError::Csv(cause) => ApiError::internal(cause),
            ReportError::Db(e) => e.into(),
        }
    }
}
