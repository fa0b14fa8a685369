//! lapak's own supplier types. Nothing here knows Digiflazz's JSON.

use poem_openapi::{Enum, Object};
use serde::{Deserialize, Serialize};

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
