//! Catalog: categories, parent products (game/operator, brand, type, input fields) and
//! items (one Digiflazz SKU each, with supplier, retail and reseller prices).

use poem_openapi::{types::MaybeUndefined, Enum, Object};
use serde::{Deserialize, Serialize};

use crate::web::pagination::PageMeta;

/// One thing the buyer types at checkout.
#[derive(Debug, Clone, PartialEq, Eq, Object, Serialize, Deserialize)]
#[oai(skip_serializing_if_is_none)]
pub struct InputField {
    /// Key in `customer_data` (lowercase letters, digits, underscore).
    pub name: String,
    /// What the form shows.
    pub label: String,
    /// Input kind hint for the form.
    #[oai(rename = "type", default = "default_field_type")]
    #[serde(rename = "type", default = "default_field_type")]
    pub kind: FieldKind,
    /// Regular expression the value must match in full.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[oai(default = "default_true")]
    #[serde(default = "default_true")]
    pub required: bool,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// Allowed values, for `select` fields (game servers, ...).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

fn default_true() -> bool {
    true
}

fn default_field_type() -> FieldKind {
    FieldKind::Text
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Tel,
    Number,
    Email,
    Select,
}

impl InputField {
    fn new(name: &str, label: &str, kind: FieldKind, pattern: &str, placeholder: &str) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            kind,
            pattern: Some(pattern.into()),
            required: true,
            placeholder: Some(placeholder.into()),
            options: None,
        }
    }
}

/// The fields a product of this type asks for by default, and how they form
/// Digiflazz's customer_no (as the source generated them; an admin can change both).
pub fn default_input_fields(product_type: &str) -> (Vec<InputField>, String) {
    match product_type {
        "game" => (
            vec![
                InputField::new("user_id", "User ID", FieldKind::Text, "^[0-9A-Za-z]{3,20}$", "12345678"),
                InputField::new("zone_id", "Zone ID", FieldKind::Text, "^[0-9A-Za-z]{1,10}$", "1234"),
            ],
            "{user_id}{zone_id}".into(),
        ),
        "pulsa" | "data" | "emoney" | "e-money" | "ewallet" => (
            vec![InputField::new("phone", "Phone number", FieldKind::Tel, "^08[0-9]{8,13}$", "081234567890")],
            "{phone}".into(),
        ),
        "pln" => (
            vec![InputField::new(
                "meter_no",
                "Meter / customer number",
                FieldKind::Number,
                "^[0-9]{11,12}$",
                "12345678901",
            )],
            "{meter_no}".into(),
        ),
        // A bill: the customer ID on the account (PBB: "payment code,ID number").
        "bill" => (
            vec![InputField::new(
                "customer_no",
                "Customer ID",
                FieldKind::Text,
                "^[0-9A-Za-z.,\\-]{4,40}$",
                "530000000001",
            )],
            "{customer_no}".into(),
        ),
        "voucher" => (
            vec![InputField {
                required: false,
                ..InputField::new(
                    "email",
                    "E-mail for the code",
                    FieldKind::Email,
                    "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
                    "you@example.com",
                )
            }],
            "{email}".into(),
        ),
        _ => (
            vec![InputField::new("customer_no", "Customer number", FieldKind::Text, "^[0-9A-Za-z.\\-]{3,30}$", "")],
            "{customer_no}".into(),
        ),
    }
}

/// The placeholders of a customer_no format, in order.
pub fn format_placeholders(format: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum PaymentType {
    Prepaid,
    Postpaid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum, Serialize, Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum StockStatus {
    Available,
    Empty,
    Maintenance,
}

crate::db::text_enum!(PaymentType { Prepaid => "prepaid", Postpaid => "postpaid" });
crate::db::text_enum!(StockStatus { Available => "available", Empty => "empty", Maintenance => "maintenance" });

/// Why an item that is shown cannot be ordered right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum Unavailable {
    /// Disabled by the admin.
    Inactive,
    /// Out of stock or under maintenance.
    OutOfStock,
    /// The supplier no longer offers it.
    SupplierUnavailable,
    /// Inside the supplier's daily cut-off window (Asia/Jakarta).
    CutOff,
}

// --- public shapes -------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Category {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub image: Option<String>,
    pub sort_order: i64,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CategoryRef {
    pub id: i64,
    pub name: String,
    pub slug: String,
}

/// Lowest and highest price among the orderable items, at the caller's tier.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PriceRange {
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProductSummary {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub brand: String,
    pub publisher: Option<String>,
    #[oai(rename = "type")]
    pub kind: String,
    pub payment_type: PaymentType,
    pub description: Option<String>,
    pub image: Option<String>,
    pub icon: Option<String>,
    pub is_featured: bool,
    pub sort_order: i64,
    pub category: CategoryRef,
    /// What the buyer must type.
    pub input_fields: Vec<InputField>,
    /// Absent when nothing is orderable.
    pub price_range: Option<PriceRange>,
}

/// An item as a customer sees it: one price, the caller's.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ItemView {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
    /// The price for this caller: the reseller price for a reseller, else retail.
    pub price: i64,
    pub is_orderable: bool,
    #[oai(skip_serializing_if_is_none)]
    pub unavailable_reason: Option<Unavailable>,
    /// Daily cut-off window (Asia/Jakarta), when the supplier has one.
    #[oai(skip_serializing_if_is_none)]
    pub cut_off: Option<CutOff>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CutOff {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProductDetail {
    #[oai(flatten)]
    pub product: ProductSummary,
    /// How the input fields form the supplier's customer number, e.g. `{user_id}{zone_id}`.
    pub customer_no_format: String,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProductList {
    pub data: Vec<ProductSummary>,
    pub meta: PageMeta,
    /// Which price tier the prices are: `retail` or `reseller`.
    pub tier: crate::auth::model::CustomerType,
}

/// Who a PLN prepaid meter belongs to (Digiflazz `inquiry-pln`), to show before paying.
#[derive(Debug, Clone, Object)]
pub struct PlnCustomerView {
    pub meter_no: String,
    /// The customer number (IDPEL).
    pub subscriber_id: String,
    pub name: String,
    /// Tariff segment and power, e.g. "R1 /000001300" (R1, 1,300 VA).
    pub segment_power: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ProductSort {
    SortOrder,
    Name,
    Newest,
    Price,
    /// Most items sold first (`order` = asc, the default, means most sold first).
    Popular,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SortDir {
    Asc,
    Desc,
}

// --- admin shapes ---------------------------------------------------------------------

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminCategory {
    #[oai(flatten)]
    pub category: Category,
    pub is_active: bool,
    pub product_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CategoryCreate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    /// Made from the name when absent.
    #[oai(validator(max_length = 255))]
    pub slug: Option<String>,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub image: Option<String>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i64>,
}

/// A change to a category: a field left out stays as it is; `null` removes an
/// optional one.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CategoryUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub slug: Option<String>,
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    #[oai(nullable)]
    pub icon: MaybeUndefined<String>,
    #[oai(nullable)]
    pub image: MaybeUndefined<String>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i64>,
}

/// An item as the admin sees it: every price, and why it is (not) orderable.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminItem {
    pub id: i64,
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
    /// Supplier cost.
    pub base_price: i64,
    pub retail_price: i64,
    pub reseller_price: i64,
    pub retail_profit: i64,
    pub reseller_profit: i64,
    pub retail_price_override: Option<i64>,
    pub reseller_price_override: Option<i64>,
    pub admin_fee: i64,
    pub stock_status: StockStatus,
    pub is_active: bool,
    pub supplier_available: bool,
    pub cut_off: Option<CutOff>,
    pub is_orderable: bool,
    pub unavailable_reason: Option<Unavailable>,
    pub total_sold: i64,
    pub sort_order: i64,
    pub last_synced_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminProduct {
    pub id: i64,
    pub category: CategoryRef,
    pub name: String,
    pub slug: String,
    pub brand: String,
    pub publisher: Option<String>,
    pub provider: Option<String>,
    #[oai(rename = "type")]
    pub kind: String,
    pub payment_type: PaymentType,
    pub input_fields: Vec<InputField>,
    pub customer_no_format: String,
    pub description: Option<String>,
    pub image: Option<String>,
    pub icon: Option<String>,
    pub is_active: bool,
    pub is_featured: bool,
    pub sort_order: i64,
    pub item_count: i64,
    pub created_at: String,
    pub updated_at: String,
    #[oai(skip_serializing_if_is_none)]
    pub items: Option<Vec<AdminItem>>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminProductList {
    pub data: Vec<AdminProduct>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProductCreate {
    pub category_id: i64,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    #[oai(validator(max_length = 255))]
    pub slug: Option<String>,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub brand: String,
    pub publisher: Option<String>,
    /// game, pulsa, data, emoney, pln, voucher, other ...
    #[oai(rename = "type", validator(min_length = 1, max_length = 50))]
    pub kind: String,
    pub payment_type: Option<PaymentType>,
    /// Defaults by type when absent.
    pub input_fields: Option<Vec<InputField>>,
    /// Defaults by type when absent.
    pub customer_no_format: Option<String>,
    pub description: Option<String>,
    pub image: Option<String>,
    pub icon: Option<String>,
    pub is_active: Option<bool>,
    pub is_featured: Option<bool>,
    pub sort_order: Option<i64>,
}

/// A change to a product: a field left out stays as it is; `null` removes an
/// optional one.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProductUpdate {
    pub category_id: Option<i64>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub slug: Option<String>,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub brand: Option<String>,
    #[oai(nullable)]
    pub publisher: MaybeUndefined<String>,
    #[oai(rename = "type", validator(min_length = 1, max_length = 50))]
    pub kind: Option<String>,
    pub payment_type: Option<PaymentType>,
    pub input_fields: Option<Vec<InputField>>,
    pub customer_no_format: Option<String>,
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    #[oai(nullable)]
    pub image: MaybeUndefined<String>,
    #[oai(nullable)]
    pub icon: MaybeUndefined<String>,
    pub is_active: Option<bool>,
    pub is_featured: Option<bool>,
    pub sort_order: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ItemCreate {
    /// The Digiflazz buyer_sku_code.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub sku: String,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub base_price: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub retail_price: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub reseller_price: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub admin_fee: Option<i64>,
    pub stock_status: Option<StockStatus>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i64>,
}

/// A change to an item: a field left out stays as it is; `null` removes an optional
/// one.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ItemUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(nullable)]
    pub group: MaybeUndefined<String>,
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub base_price: Option<i64>,
    /// Also stored as the retail override that product sync keeps.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub retail_price: Option<i64>,
    /// Also stored as the reseller override that product sync keeps.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub reseller_price: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub admin_fee: Option<i64>,
    pub stock_status: Option<StockStatus>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_in_order() {
        assert_eq!(format_placeholders("{user_id}{zone_id}"), vec!["user_id", "zone_id"]);
        assert_eq!(format_placeholders("{user_id}({zone_id})"), vec!["user_id", "zone_id"]);
        assert!(format_placeholders("plain").is_empty());
    }

    #[test]
    fn defaults_by_type_follow_the_source() {
        let (game, fmt) = default_input_fields("game");
        assert_eq!(game.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["user_id", "zone_id"]);
        assert_eq!(fmt, "{user_id}{zone_id}");
        assert_eq!(default_input_fields("pulsa").0[0].name, "phone");
        assert_eq!(default_input_fields("pln").0[0].name, "meter_no");
        assert_eq!(default_input_fields("something").0[0].name, "customer_no");
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OperatorLookup {
    /// The number in local form (08...).
    pub phone: String,
    /// Absent when the prefix is unknown.
    pub operator: Option<String>,
}

/// What the catalog rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Invalid(#[from] crate::error::Invalid),
    /// Digiflazz's rc 86: too many PLN meter checks for now.
    #[error("too many PLN meter checks right now; try again in a minute ({0})")]
    PlnLimited(String),
    /// Digiflazz could not check the meter (no answer, or an answer that is not one).
    #[error("the PLN meter check is unavailable: {0}")]
    SupplierUnavailable(String),
    /// "category", "product" or "item".
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Another category (or product) has this slug.
    #[error("another {0} has this slug")]
    SlugTaken(&'static str),
    #[error("another item has this SKU")]
    SkuTaken,
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<rusqlite::Error> for CatalogError {
    fn from(e: rusqlite::Error) -> Self {
        CatalogError::Db(e.into())
    }
}

impl From<CatalogError> for crate::error::ApiError {
    fn from(e: CatalogError) -> Self {
        use crate::error::ApiError;
        let message = e.to_string();
        match e {
            CatalogError::Invalid(i) => i.into(),
            CatalogError::PlnLimited(_) => ApiError::too_many(60),
            CatalogError::SupplierUnavailable(_) => {
                ApiError::new(poem::http::StatusCode::SERVICE_UNAVAILABLE, "supplier_unavailable", message)
            }
            CatalogError::NotFound(what) => ApiError::not_found(what),
            CatalogError::SlugTaken(_) => ApiError::conflict("slug_taken", message).with_field("slug"),
            CatalogError::SkuTaken => ApiError::conflict("sku_taken", message).with_field("sku"),
            CatalogError::Db(e) => e.into(),
        }
    }
}

/// One item of a tier's price list (the H2H API's products).
#[derive(Debug, Clone, Object, serde::Serialize)]
#[oai(skip_serializing_if_is_none)]
pub struct PriceListItem {
    pub sku: String,
    pub name: String,
    pub product: String,
    /// The category's slug (`pulsa`, `games`, ...).
    pub category: String,
    pub brand: String,
    /// The reseller's price (for a bill: the fee above the bill).
    pub price: i64,
    /// Orderable right now (active, offered by the supplier, in stock, outside its cut-off).
    pub available: bool,
    /// A bill: paid through an inquiry, not with `POST /orders`.
    pub postpaid: bool,
    /// The supplier's daily cut-off window, Asia/Jakarta `HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_off_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_off_end: Option<String>,
}
