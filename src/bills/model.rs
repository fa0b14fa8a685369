//! A bill's quote and the bill as the API shows it (also stored with the order and shown
//! on its receipt), and the errors of an inquiry.

use std::collections::HashMap;

use poem_openapi::Object;
use serde::{Deserialize, Serialize};

use crate::digiflazz::model::Bill;

/// Ask for a bill: the postpaid item and the customer's ID as its input fields name it.
#[derive(Debug, Clone, Object)]
pub struct BillInquiryRequest {
    pub product_item_id: i64,
    /// The product's input fields by name, e.g. `{"customer_no": "530000000001"}`.
    pub customer_data: HashMap<String, String>,
}

/// One period (month) of a bill.
#[derive(Debug, Clone, PartialEq, Eq, Object, Serialize, Deserialize)]
#[oai(skip_serializing_if_is_none)]
pub struct BillPeriodView {
    /// As the biller writes it, e.g. `202610`.
    pub period: String,
    pub amount: i64,
    pub penalty: i64,
    pub other_fees: i64,
    /// PLN: the meter reading at the start and the end of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_start: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_end: Option<String>,
    /// Gas: usage in the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// TV: the biller's reference number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// A bill: whose it is, for which periods, what it costs. Product-specific facts are
/// present only for the products that have them.
#[derive(Debug, Clone, PartialEq, Eq, Object, Serialize, Deserialize)]
#[oai(skip_serializing_if_is_none)]
pub struct BillView {
    pub customer_no: String,
    pub customer_name: String,
    /// The period(s) paid, e.g. `202609 - 202610`.
    pub period: String,
    /// How many bill sheets (months) the payment covers.
    pub sheets: i64,
    /// The bills themselves: amounts, penalties and other charges.
    pub bill_amount: i64,
    /// What lapak charges on top of the bills (the biller's admin fee and the shop's).
    pub admin_fee: i64,
    /// `bill_amount` + `admin_fee`.
    pub total: i64,
    pub details: Vec<BillPeriodView>,
    /// PLN: tariff and power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tariff: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power: Option<String>,
    /// PDAM, BPJS: the address on the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// PDAM: when the bill falls due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    /// BPJS: how many people the payment covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<String>,
    /// Multifinance: the financed item, chassis number, plate and tenor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chassis_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenor: Option<String>,
}

impl BillView {
    /// The supplier's bill with lapak's fee on top.
    pub fn new(b: &Bill, admin_fee: i64) -> Self {
        BillView {
            customer_no: b.customer_no.clone(),
            customer_name: b.customer_name.clone(),
            period: b.period.clone(),
            sheets: b.sheets,
            bill_amount: b.bill_amount,
            admin_fee,
            total: b.bill_amount + admin_fee,
            details: b
                .details
                .iter()
                .map(|p| BillPeriodView {
                    period: p.period.clone(),
                    amount: p.amount,
                    penalty: p.penalty,
                    other_fees: p.other_fees,
                    meter_start: p.meter_start.clone(),
                    meter_end: p.meter_end.clone(),
                    usage: p.usage.clone(),
                    reference: p.reference.clone(),
                })
                .collect(),
            tariff: b.info.tariff.clone(),
            power: b.info.power.clone(),
            address: b.info.address.clone(),
            due_date: b.info.due_date.clone(),
            participants: b.info.participants.clone(),
            item_name: b.info.item_name.clone(),
            chassis_no: b.info.chassis_no.clone(),
            plate_no: b.info.plate_no.clone(),
            tenor: b.info.tenor.clone(),
        }
    }
}

/// A bill's price for the caller, valid until `expires_at`; pay it with `POST
/// /transactions {"quote_id": ...}`.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BillQuote {
    pub quote_id: String,
    pub product_item_id: i64,
    pub product_name: String,
    pub bill: BillView,
    /// What the supplier charges the shop for this payment.
    pub supplier_price: i64,
    /// What the caller pays before a voucher and the payment fee (`bill.total`).
    pub total_price: i64,
    /// The end of the quote: at most `orders.quote_minutes` away, and never past the end
    /// of the inquiry's day in Asia/Jakarta (the supplier pays a bill only on that day).
    pub expires_at: String,
}

/// A stored quote, as checkout takes it.
#[derive(Debug, Clone)]
pub struct QuoteRow {
    pub id: i64,
    pub quote_id: String,
    pub ref_id: String,
    pub product_item_id: i64,
    pub user_id: Option<i64>,
    pub customer_type: String,
    pub customer_no: String,
    pub customer_data: String,
    pub bill: String,
    pub bill_amount: i64,
    pub supplier_price: i64,
    pub fee: i64,
    pub total: i64,
    pub inquired_on: String,
    pub expires_at: String,
    pub order_id: Option<i64>,
}

/// Why a quote cannot be paid.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum QuoteRefused {
    #[error("no such quote")]
    NotFound,
    #[error("this quote belongs to someone else")]
    NotYours,
    #[error("this quote has been paid already (order {0})")]
    Used(i64),
    #[error("this quote expired; ask for the bill again")]
    Expired,
}

#[derive(Debug, thiserror::Error)]
pub enum BillError {
    #[error(transparent)]
    Invalid(#[from] crate::error::Invalid),
    /// The item is not a postpaid product.
    #[error("this item is not a bill; buy it with POST /transactions")]
    NotABill,
    #[error("this item cannot be paid right now")]
    Unavailable,
    /// Digiflazz answered the inquiry with a failure (rc 60: no bill yet, rc 54: wrong
    /// number ...).
    #[error("the biller says: {message} (rc {rc})")]
    Inquiry { rc: String, message: String },
    /// Too many inquiries for this number (or Digiflazz's own limit): seconds to wait.
    #[error("too many bill checks for this number; try again in {0} s")]
    Limited(u64),
    #[error("the bill check is unavailable: {0}")]
    SupplierUnavailable(String),
    #[error(transparent)]
    Settings(#[from] crate::settings::model::SettingsError),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<rusqlite::Error> for BillError {
    fn from(e: rusqlite::Error) -> Self {
        BillError::Db(e.into())
    }
}

impl From<BillError> for crate::error::ApiError {
    fn from(e: BillError) -> Self {
        use crate::error::ApiError;
        let message = e.to_string();
        match e {
            BillError::Invalid(i) => i.into(),
            BillError::NotABill => ApiError::validation("product_item_id", message).with_code("not_a_bill"),
            BillError::Unavailable => ApiError::validation("product_item_id", message).with_code("item_unavailable"),
            BillError::Inquiry { .. } => {
                ApiError::validation("customer_data", message).with_code("bill_inquiry_failed")
            }
            BillError::Limited(wait) => ApiError::too_many(wait),
            BillError::SupplierUnavailable(_) => {
                ApiError::new(poem::http::StatusCode::SERVICE_UNAVAILABLE, "supplier_unavailable", message)
            }
            BillError::Settings(e) => e.into(),
            BillError::Db(e) => e.into(),
        }
    }
}
