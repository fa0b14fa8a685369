//! lapak's own supplier types (a sync's result, its runs, the supplier's deposit).
//! Nothing here knows Digiflazz's JSON.

use std::collections::HashMap;

use poem_openapi::{Enum, Object};
use serde::{Deserialize, Serialize};

use crate::{db::DbError, digiflazz::DigiflazzError, error::ApiError};

/// A product sync's result.
#[derive(Debug, Clone, Default, Object, Serialize, Deserialize, PartialEq, Eq)]
#[oai(skip_serializing_if_is_none)]
pub struct SyncSummary {
    /// Items seen in the supplier's list.
    pub received: i64,
    pub added: i64,
    pub updated: i64,
    /// Items that became unorderable (delisted, or buyer/seller status off).
    pub deactivated: i64,
    pub unchanged: i64,
    pub categories_added: i64,
    pub products_added: i64,
    /// Where the list came from.
    pub source: SyncSource,
    /// Set when the supplier refused the list (e.g. rc 83, one full list per 5 minutes);
    /// the catalog was left as it was.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited: Option<String>,
    /// With `source: cache`: how old the reused list was, in seconds.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_age_secs: Option<u64>,
    pub duration_ms: i64,
}

#[derive(Debug, Clone, Copy, Default, Enum, Serialize, Deserialize, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum SyncSource {
    /// Fetched from the supplier now.
    #[default]
    Supplier,
    /// The list fetched less than five minutes ago, reused (the supplier allows one full
    /// list per five minutes).
    Cache,
    /// Nothing was applied.
    None,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("a product sync is already running")]
    Busy,
    #[error("{0}")]
    Supplier(#[from] DigiflazzError),
    #[error("the supplier sent an empty price list; the catalog was left unchanged")]
    Empty,
    #[error("{0}")]
    Db(#[from] DbError),
}

/// Who asked for the sync (recorded in `sync_runs`).
#[derive(Debug, Clone, Copy)]
pub enum Trigger {
    Cli,
    Schedule,
    Admin,
    Startup,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Schedule => "schedule",
            Trigger::Admin => "admin",
            Trigger::Startup => "startup",
        }
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SupplierBalance {
    /// Deposit left at Digiflazz, in rupiah.
    pub deposit: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SyncRun {
    pub id: i64,
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub ok: bool,
    pub summary: Option<SyncSummary>,
    pub error: Option<String>,
}

/// An item of the catalog as a sync compares it with the supplier's list.
#[derive(Debug, Clone)]
pub struct Existing {
    pub id: i64,
    pub product_id: i64,
    pub base: i64,
    pub retail: i64,
    pub reseller: i64,
    pub overrides: (Option<i64>, Option<i64>),
    pub available: bool,
    pub cut_off: (Option<String>, Option<String>),
    pub stock: Option<i64>,
    pub multi: bool,
    pub supplier_name: Option<String>,
    /// Under a postpaid (bill) product.
    pub postpaid: bool,
}

/// What the catalog holds that a sync matches the supplier's list against.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Category id by slug.
    pub categories: HashMap<String, i64>,
    /// Product id -> (category id, brand), for rule matching.
    pub places: HashMap<i64, (i64, String)>,
    /// Product id by supplier key (`digiflazz:<BRAND>|<category>`).
    pub products_by_key: HashMap<String, i64>,
    /// Items by supplier SKU.
    pub items: HashMap<String, Existing>,
}

/// The supplier's facts about one item, as a sync writes them.
#[derive(Debug, Clone)]
pub struct SupplierFacts<'a> {
    pub base_price: i64,
    pub retail: i64,
    pub reseller: i64,
    pub available: bool,
    pub cut_off: (Option<String>, Option<String>),
    pub supplier_name: &'a str,
    pub multi: bool,
    pub stock: Option<i64>,
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        SyncError::Db(e.into())
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Busy => ApiError::conflict("sync_running", e.to_string()),
            SyncError::Supplier(_) | SyncError::Empty => ApiError::upstream(e.to_string()),
            SyncError::Db(d) => ApiError::internal(d),
        }
    }
}

/// The supplier could not answer (its balance, ...).
pub fn upstream(e: DigiflazzError) -> ApiError {
    ApiError::upstream(e.to_string())
}
