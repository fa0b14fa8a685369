//! What Digiflazz answers, as lapak's own types (the client turns the wire JSON into
//! these; nothing above the gateway sees Digiflazz's JSON).

use serde::{Deserialize, Serialize};

/// A product offered by the supplier (one price-list row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierProduct {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub brand: String,
    /// The supplier's product type ("Umum", "Membership", ...); lapak keeps it as the item group.
    pub group: String,
    pub price: i64,
    pub buyer_active: bool,
    pub seller_active: bool,
    pub unlimited_stock: bool,
    pub stock: Option<i64>,
    pub multi: bool,
    /// "HH:MM" (Asia/Jakarta); equal start and end means no window.
    pub cut_off_start: String,
    pub cut_off_end: String,
    pub description: String,
    pub postpaid: bool,
    /// Postpaid: the supplier's admin fee.
    pub admin_fee: i64,
}

impl SupplierProduct {
    pub fn orderable(&self) -> bool {
        self.buyer_active && self.seller_active && (self.unlimited_stock || self.stock.is_none_or(|s| s > 0))
    }
}

/// Where an order stands at the supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplierStatus {
    Success,
    Pending,
    Failed,
    /// The outcome is not known (timeout, connection error, unreadable answer): the order
    /// must be re-checked with the same ref_id, never failed or bought again.
    Unknown,
}

impl SupplierStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Pending => "pending",
            Self::Failed => "failed",
            Self::Unknown => "unknown",
        }
    }
}

/// The supplier's answer about one order (a topup, a re-check, or a webhook).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierOrder {
    pub ref_id: String,
    pub status: SupplierStatus,
    /// The supplier's raw status word ("Sukses", "Pending", "Gagal", or anything else).
    pub status_text: String,
    pub rc: String,
    pub message: String,
    pub sn: String,
    pub price: Option<i64>,
    pub balance_after: Option<i64>,
    pub trx_id: Option<String>,
    /// Whether the supplier holds a transaction record for this ref_id.
    pub created: bool,
    /// The answer as received (for the order's history).
    pub raw: Option<String>,
    /// Postpaid answers: the bill they are about.
    pub bill: Option<Bill>,
}

impl SupplierOrder {
    pub fn unknown(ref_id: &str, why: impl Into<String>) -> Self {
        SupplierOrder {
            ref_id: ref_id.into(),
            status: SupplierStatus::Unknown,
            status_text: String::new(),
            rc: String::new(),
            message: why.into(),
            sn: String::new(),
            price: None,
            balance_after: None,
            trx_id: None,
            created: false,
            raw: None,
            bill: None,
        }
    }
}

/// What to buy.
#[derive(Debug, Clone)]
pub struct TopupRequest {
    pub sku: String,
    pub customer_no: String,
    pub ref_id: String,
    /// Refuse if the supplier's price went above this (rc 69).
    pub max_price: Option<i64>,
    pub callback_url: Option<String>,
}

/// A PLN prepaid customer, as `inquiry-pln` names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlnCustomer {
    pub customer_no: String,
    pub meter_no: String,
    pub subscriber_id: String,
    pub name: String,
    /// Tariff segment and power, e.g. "R1 /000001300".
    pub segment_power: String,
}

/// A postpaid bill as `inq-pasca` (and `pay-pasca`) describe it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bill {
    pub customer_no: String,
    pub customer_name: String,
    /// The root `periode`, or the detail periods joined.
    pub period: String,
    /// Bill sheets (months) in this payment.
    pub sheets: i64,
    /// The amount owed for the bills themselves (tagihan + penalties + other charges).
    pub bill_amount: i64,
    /// The supplier's admin fee for the whole payment.
    pub admin: i64,
    /// What Digiflazz charges lapak for the payment (`price`).
    pub supplier_price: i64,
    /// Bill plus admin, the supplier's suggested sale price (`selling_price`).
    pub selling_price: i64,
    pub details: Vec<BillPeriod>,
    pub info: BillInfo,
}

/// One period of a bill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillPeriod {
    pub period: String,
    pub amount: i64,
    pub penalty: i64,
    pub admin: i64,
    pub other_fees: i64,
    /// PLN: meter readings at the start and end of the period.
    pub meter_start: Option<String>,
    pub meter_end: Option<String>,
    /// Gas: usage.
    pub usage: Option<String>,
    /// TV: the reference number.
    pub reference: Option<String>,
}

/// Product-specific facts of a bill (each is present only for the products that have it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillInfo {
    /// PLN: tariff and power.
    pub tariff: Option<String>,
    pub power: Option<String>,
    /// PDAM, BPJS: the address on the account.
    pub address: Option<String>,
    /// PDAM: the due date.
    pub due_date: Option<String>,
    /// BPJS: how many people the payment covers.
    pub participants: Option<String>,
    /// Multifinance: the financed item, chassis number, plate, tenor.
    pub item_name: Option<String>,
    pub chassis_no: Option<String>,
    pub plate_no: Option<String>,
    pub tenor: Option<String>,
}

/// A postpaid call: the bill's SKU and customer number under one ref_id (an inquiry and
/// the payment of that inquiry share it).
#[derive(Debug, Clone)]
pub struct PascaRequest {
    pub sku: String,
    pub customer_no: String,
    pub ref_id: String,
    pub callback_url: Option<String>,
}
