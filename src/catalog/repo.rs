//! All SQL for categories, products and items.

use rusqlite::{params, types::Value, Connection, OptionalExtension, Row};

use super::model::{InputField, PaymentType, ProductSort, SortDir, StockStatus};
use crate::{
    auth::model::CustomerType,
    db::query::{self, like_pattern, Filter, Slice},
};

/// An item is orderable (cut-off aside, which depends on the clock) when all three hold.
pub const ORDERABLE: &str = "i.is_active = 1 AND i.stock_status = 'available' AND i.supplier_available = 1";

pub fn tier_price_col(tier: CustomerType) -> &'static str {
    match tier {
        CustomerType::Reseller => "i.reseller_price",
        CustomerType::Retail => "i.retail_price",
    }
}

#[derive(Debug, Clone)]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub image: Option<String>,
    pub is_active: bool,
    pub sort_order: i64,
    pub product_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

const CATEGORY_COLS: &str = "c.id, c.name, c.slug, c.description, c.icon, c.image, c.is_active, c.sort_order, \
     (SELECT COUNT(*) FROM products p WHERE p.category_id = c.id), c.created_at, c.updated_at";

fn category_from(r: &Row<'_>) -> rusqlite::Result<CategoryRow> {
    Ok(CategoryRow {
        id: r.get(0)?,
        name: r.get(1)?,
        slug: r.get(2)?,
        description: r.get(3)?,
        icon: r.get(4)?,
        image: r.get(5)?,
        is_active: r.get(6)?,
        sort_order: r.get(7)?,
        product_count: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn list_categories(c: &Connection, active_only: bool) -> rusqlite::Result<Vec<CategoryRow>> {
    let sql = format!(
        "SELECT {CATEGORY_COLS} FROM product_categories c {} ORDER BY c.sort_order, c.name",
        if active_only { "WHERE c.is_active = 1" } else { "" }
    );
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map([], category_from)?.collect();
    rows
}

pub fn find_category(c: &Connection, id: i64) -> rusqlite::Result<Option<CategoryRow>> {
    c.query_row(&format!("SELECT {CATEGORY_COLS} FROM product_categories c WHERE c.id = ?1"), [id], category_from)
        .optional()
}

#[derive(Default)]
pub struct CategoryFields<'a> {
    pub name: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub icon: Option<Option<&'a str>>,
    pub image: Option<Option<&'a str>>,
    pub is_active: Option<bool>,
    pub sort_order: Option<i64>,
}

pub fn insert_category(c: &Connection, name: &str, slug: &str, f: &CategoryFields<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO product_categories (name, slug, description, icon, image, is_active, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            name,
            slug,
            f.description.flatten(),
            f.icon.flatten(),
            f.image.flatten(),
            f.is_active.unwrap_or(true),
            f.sort_order.unwrap_or(0)
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update_category(c: &Connection, id: i64, f: &CategoryFields<'_>) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE product_categories SET
            name = COALESCE(?2, name), slug = COALESCE(?3, slug),
            description = CASE WHEN ?4 THEN ?5 ELSE description END,
            icon = CASE WHEN ?6 THEN ?7 ELSE icon END,
            image = CASE WHEN ?8 THEN ?9 ELSE image END,
            is_active = COALESCE(?10, is_active), sort_order = COALESCE(?11, sort_order),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![
            id,
            f.name,
            f.slug,
            f.description.is_some(),
            f.description.flatten(),
            f.icon.is_some(),
            f.icon.flatten(),
            f.image.is_some(),
            f.image.flatten(),
            f.is_active,
            f.sort_order
        ],
    )
}

pub fn slug_taken(c: &Connection, table: &str, slug: &str, except_id: Option<i64>) -> rusqlite::Result<bool> {
    // `table` is one of two literals chosen by the caller, never user input.
    debug_assert!(table == "products" || table == "product_categories");
    c.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE slug = ?1 AND id IS NOT ?2)"),
        params![slug, except_id],
        |r| r.get(0),
    )
}

// --- products ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct ProductRow {
    pub id: i64,
    pub category_id: i64,
    pub category_name: String,
    pub category_slug: String,
    pub name: String,
    pub slug: String,
    pub brand: String,
    pub publisher: Option<String>,
    pub provider: Option<String>,
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
    pub created_at: String,
    pub updated_at: String,
    pub item_count: i64,
    /// (min, max) over orderable items at the requested tier.
    pub price_range: Option<(i64, i64)>,
}

fn product_cols(tier: CustomerType) -> String {
    let price = tier_price_col(tier);
    format!(
        "p.id, p.category_id, c.name, c.slug, p.name, p.slug, p.brand, p.publisher, p.provider, p.type,
         p.payment_type, p.input_fields, p.customer_no_format, p.description, p.image, p.icon, p.is_active,
         p.is_featured, p.sort_order, p.created_at, p.updated_at,
         (SELECT COUNT(*) FROM product_items i WHERE i.product_id = p.id),
         (SELECT MIN({price}) FROM product_items i WHERE i.product_id = p.id AND {ORDERABLE}),
         (SELECT MAX({price}) FROM product_items i WHERE i.product_id = p.id AND {ORDERABLE})"
    )
}

fn product_from(r: &Row<'_>) -> rusqlite::Result<ProductRow> {
    let fields: String = r.get(11)?;
    let min: Option<i64> = r.get(22)?;
    let max: Option<i64> = r.get(23)?;
    Ok(ProductRow {
        id: r.get(0)?,
        category_id: r.get(1)?,
        category_name: r.get(2)?,
        category_slug: r.get(3)?,
        name: r.get(4)?,
        slug: r.get(5)?,
        brand: r.get(6)?,
        publisher: r.get(7)?,
        provider: r.get(8)?,
        kind: r.get(9)?,
        payment_type: r.get(10)?,
        input_fields: serde_json::from_str(&fields).unwrap_or_default(),
        customer_no_format: r.get(12)?,
        description: r.get(13)?,
        image: r.get(14)?,
        icon: r.get(15)?,
        is_active: r.get(16)?,
        is_featured: r.get(17)?,
        sort_order: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
        item_count: r.get(21)?,
        price_range: min.zip(max),
    })
}

/// Whitelisted filters; nothing else reaches SQL.
#[derive(Debug, Default, Clone)]
pub struct ProductFilter {
    pub category_slug: Option<String>,
    pub category_id: Option<i64>,
    pub brand: Option<String>,
    pub kind: Option<String>,
    pub featured: Option<bool>,
    pub search: Option<String>,
    /// Public lists: only active products in active categories.
    pub public: bool,
    pub is_active: Option<bool>,
    /// Admin: only products with (true) or without (false) an orderable item.
    pub orderable: Option<bool>,
}

pub fn list_products(
    c: &Connection,
    f: &ProductFilter,
    tier: CustomerType,
    sort: ProductSort,
    dir: SortDir,
    slice: Slice,
) -> rusqlite::Result<(Vec<ProductRow>, i64)> {
    let mut w = Filter::new();
    if f.public {
        w.and("p.is_active = 1 AND c.is_active = 1", []);
    }
    let has_orderable = format!("EXISTS (SELECT 1 FROM product_items i WHERE i.product_id = p.id AND {ORDERABLE})");
    match f.orderable {
        Some(true) => w.and(&has_orderable, []),
        Some(false) => w.and(&format!("NOT {has_orderable}"), []),
        None => &mut w,
    };
    w.eq("p.is_active", f.is_active)
        .eq("c.slug", f.category_slug.as_deref())
        .eq("p.category_id", f.category_id)
        .eq("p.is_featured", f.featured);
    if let Some(b) = &f.brand {
        w.and("p.brand = ? COLLATE NOCASE", [Value::Text(b.clone())]);
    }
    if let Some(k) = &f.kind {
        w.and("p.type = ? COLLATE NOCASE", [Value::Text(k.clone())]);
    }
    if let Some(s) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let items = "EXISTS (SELECT 1 FROM product_items si WHERE si.product_id = p.id AND si.is_active = 1
                     AND (si.name LIKE ?1 ESCAPE '\\' OR si.digiflazz_code LIKE ?1 ESCAPE '\\'))";
        let pattern = Value::Text(like_pattern(s));
        w.and(
            &format!(
                "(p.name LIKE ? ESCAPE '\\' OR p.brand LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' OR {})",
                items.replace("?1", "?")
            ),
            std::iter::repeat_n(pattern, 5),
        );
    }
    let d = match dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    let min_price = format!(
        "(SELECT MIN({}) FROM product_items i WHERE i.product_id = p.id AND {ORDERABLE})",
        tier_price_col(tier)
    );
    let order = match sort {
        ProductSort::SortOrder => format!("p.sort_order {d}, p.name ASC"),
        ProductSort::Name => format!("p.name {d}"),
        ProductSort::Newest => format!("p.id {}", if dir == SortDir::Asc { "DESC" } else { "ASC" }),
        // Products with nothing orderable go last either way.
        ProductSort::Price => format!("({min_price} IS NULL), {min_price} {d}, p.name ASC"),
        ProductSort::Popular => format!(
            "(SELECT COALESCE(SUM(i.total_sold), 0) FROM product_items i WHERE i.product_id = p.id) {}, p.name ASC",
            if dir == SortDir::Asc { "DESC" } else { "ASC" }
        ),
    };
    query::page(
        c,
        &product_cols(tier),
        "products p JOIN product_categories c ON c.id = p.category_id",
        &w,
        &format!("{order}, p.id"),
        slice,
        product_from,
    )
}

pub enum ProductKey<'a> {
    Id(i64),
    Slug(&'a str),
}

pub fn find_product(c: &Connection, key: ProductKey<'_>, tier: CustomerType) -> rusqlite::Result<Option<ProductRow>> {
    let (cond, arg): (&str, Value) = match key {
        ProductKey::Id(id) => ("p.id = ?1", Value::Integer(id)),
        ProductKey::Slug(s) => ("p.slug = ?1", Value::Text(s.to_string())),
    };
    c.query_row(
        &format!(
            "SELECT {} FROM products p JOIN product_categories c ON c.id = p.category_id WHERE {cond}",
            product_cols(tier)
        ),
        [arg],
        product_from,
    )
    .optional()
}

#[derive(Default)]
pub struct ProductFields<'a> {
    pub category_id: Option<i64>,
    pub name: Option<&'a str>,
    pub slug: Option<&'a str>,
    pub brand: Option<&'a str>,
    pub publisher: Option<Option<&'a str>>,
    pub provider: Option<Option<&'a str>>,
    pub kind: Option<&'a str>,
    pub payment_type: Option<PaymentType>,
    pub input_fields: Option<String>,
    pub customer_no_format: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub image: Option<Option<&'a str>>,
    pub icon: Option<Option<&'a str>>,
    pub is_active: Option<bool>,
    pub is_featured: Option<bool>,
    pub sort_order: Option<i64>,
}

pub fn insert_product(c: &Connection, f: &ProductFields<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO products (category_id, name, slug, brand, publisher, provider, type, payment_type, input_fields,
                               customer_no_format, description, image, icon, is_active, is_featured, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            f.category_id,
            f.name,
            f.slug,
            f.brand,
            f.publisher.flatten(),
            f.provider.flatten(),
            f.kind,
            f.payment_type.unwrap_or(PaymentType::Prepaid),
            f.input_fields.as_deref().unwrap_or("[]"),
            f.customer_no_format.unwrap_or(""),
            f.description.flatten(),
            f.image.flatten(),
            f.icon.flatten(),
            f.is_active.unwrap_or(true),
            f.is_featured.unwrap_or(false),
            f.sort_order.unwrap_or(0)
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update_product(c: &Connection, id: i64, f: &ProductFields<'_>) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE products SET
            category_id = COALESCE(?2, category_id), name = COALESCE(?3, name), slug = COALESCE(?4, slug),
            brand = COALESCE(?5, brand),
            publisher = CASE WHEN ?6 THEN ?7 ELSE publisher END,
            type = COALESCE(?8, type), payment_type = COALESCE(?9, payment_type),
            input_fields = COALESCE(?10, input_fields), customer_no_format = COALESCE(?11, customer_no_format),
            description = CASE WHEN ?12 THEN ?13 ELSE description END,
            image = CASE WHEN ?14 THEN ?15 ELSE image END,
            icon = CASE WHEN ?16 THEN ?17 ELSE icon END,
            is_active = COALESCE(?18, is_active), is_featured = COALESCE(?19, is_featured),
            sort_order = COALESCE(?20, sort_order),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![
            id,
            f.category_id,
            f.name,
            f.slug,
            f.brand,
            f.publisher.is_some(),
            f.publisher.flatten(),
            f.kind,
            f.payment_type,
            f.input_fields,
            f.customer_no_format,
            f.description.is_some(),
            f.description.flatten(),
            f.image.is_some(),
            f.image.flatten(),
            f.icon.is_some(),
            f.icon.flatten(),
            f.is_active,
            f.is_featured,
            f.sort_order
        ],
    )
}

// --- items ----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: i64,
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
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
    pub cut_off_start: Option<String>,
    pub cut_off_end: Option<String>,
    pub total_sold: i64,
    pub sort_order: i64,
    pub last_synced_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// "Product Item"; the item alone when it already names its product in any word order
/// ("Token PLN 50000" of "PLN Token", not "PLN Token Token PLN 50000"; a bill's one
/// item is often named as its product).
pub fn order_name(product_name: &str, item_name: &str) -> String {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    let item_words = words(item_name);
    if item_words.is_empty() {
        return product_name.trim().to_string();
    }
    if words(product_name).iter().all(|w| item_words.contains(w)) {
        item_name.trim().to_string()
    } else {
        format!("{} {}", product_name.trim(), item_name.trim())
    }
}

impl ItemRow {
    /// The order's product name: see [`order_name`].
    pub fn full_name(&self, product_name: &str) -> String {
        order_name(product_name, &self.name)
    }

    pub fn price_for(&self, tier: CustomerType) -> i64 {
        match tier {
            CustomerType::Reseller => self.reseller_price,
            CustomerType::Retail => self.retail_price,
        }
    }
}

const ITEM_COLS: &str = "i.id, i.product_id, i.digiflazz_code, i.name, i.\"group\", i.description, i.base_price, \
     i.retail_price, i.reseller_price, i.retail_profit, i.reseller_profit, i.retail_price_override, \
     i.reseller_price_override, i.admin_fee, i.stock_status, i.is_active, i.supplier_available, i.cut_off_start, \
     i.cut_off_end, i.total_sold, i.sort_order, i.last_synced_at, i.created_at, i.updated_at";

fn item_from(r: &Row<'_>) -> rusqlite::Result<ItemRow> {
    Ok(ItemRow {
        id: r.get(0)?,
        product_id: r.get(1)?,
        sku: r.get(2)?,
        name: r.get(3)?,
        group: r.get(4)?,
        description: r.get(5)?,
        base_price: r.get(6)?,
        retail_price: r.get(7)?,
        reseller_price: r.get(8)?,
        retail_profit: r.get(9)?,
        reseller_profit: r.get(10)?,
        retail_price_override: r.get(11)?,
        reseller_price_override: r.get(12)?,
        admin_fee: r.get(13)?,
        stock_status: r.get(14)?,
        is_active: r.get(15)?,
        supplier_available: r.get(16)?,
        cut_off_start: r.get(17)?,
        cut_off_end: r.get(18)?,
        total_sold: r.get(19)?,
        sort_order: r.get(20)?,
        last_synced_at: r.get(21)?,
        created_at: r.get(22)?,
        updated_at: r.get(23)?,
    })
}

/// Items of a product; `shown_only` keeps what a customer may see (active, in stock,
/// offered by the supplier), cut-off windows included.
pub fn items_of(c: &Connection, product_id: i64, shown_only: bool) -> rusqlite::Result<Vec<ItemRow>> {
    let sql = format!(
        "SELECT {ITEM_COLS} FROM product_items i WHERE i.product_id = ?1 {} ORDER BY i.sort_order, i.retail_price, i.id",
        if shown_only { format!("AND {ORDERABLE}") } else { String::new() }
    );
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt.query_map([product_id], item_from)?.collect();
    rows
}

pub fn find_item(c: &Connection, id: i64) -> rusqlite::Result<Option<ItemRow>> {
    c.query_row(&format!("SELECT {ITEM_COLS} FROM product_items i WHERE i.id = ?1"), [id], item_from).optional()
}

/// An item with its product's name, category slug, brand, and whether it is a bill.
pub type PricedItem = (ItemRow, String, String, String, bool);

/// Every item of an active product (the H2H price list), optionally of one category or
/// brand.
pub fn price_list(c: &Connection, category: Option<&str>, brand: Option<&str>) -> rusqlite::Result<Vec<PricedItem>> {
    let mut s = c.prepare(&format!(
        "SELECT {ITEM_COLS}, p.name, pc.slug, p.brand, p.payment_type = 'postpaid'
         FROM product_items i JOIN products p ON p.id = i.product_id JOIN product_categories pc ON pc.id = p.category_id
         WHERE p.is_active = 1 AND (?1 IS NULL OR pc.slug = ?1) AND (?2 IS NULL OR p.brand = ?2 COLLATE NOCASE)
         ORDER BY pc.sort_order, p.sort_order, p.id, i.sort_order, i.retail_price, i.id"
    ))?;
    let rows =
        s.query_map(params![category, brand], |r| Ok((item_from(r)?, r.get(24)?, r.get(25)?, r.get(26)?, r.get(27)?)))?;
    rows.collect()
}

/// The id of the item with this SKU.
pub fn item_id_by_sku(c: &Connection, sku: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT id FROM product_items WHERE digiflazz_code = ?1", [sku], |r| r.get(0)).optional()
}

pub fn sku_taken(c: &Connection, sku: &str) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM product_items WHERE digiflazz_code = ?1)", [sku], |r| r.get(0))
}

pub struct NewItem<'a> {
    pub product_id: i64,
    pub sku: &'a str,
    pub name: &'a str,
    pub group: Option<&'a str>,
    pub description: Option<&'a str>,
    pub base_price: i64,
    pub retail_price: i64,
    pub reseller_price: i64,
    pub retail_override: Option<i64>,
    pub reseller_override: Option<i64>,
    pub admin_fee: i64,
    pub stock_status: StockStatus,
    pub is_active: bool,
    pub sort_order: i64,
}

pub fn insert_item(c: &Connection, i: &NewItem<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO product_items (product_id, digiflazz_code, name, \"group\", description, base_price, retail_price,
             reseller_price, retail_profit, reseller_profit, retail_price_override, reseller_price_override, admin_fee,
             stock_status, is_active, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7 - ?6, ?8 - ?6, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            i.product_id,
            i.sku,
            i.name,
            i.group,
            i.description,
            i.base_price,
            i.retail_price,
            i.reseller_price,
            i.retail_override,
            i.reseller_override,
            i.admin_fee,
            i.stock_status,
            i.is_active,
            i.sort_order
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Writes every editable column of an item (the service merges the change first).
pub fn save_item(c: &Connection, i: &ItemRow) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE product_items SET name = ?2, \"group\" = ?3, description = ?4, base_price = ?5, retail_price = ?6,
             reseller_price = ?7, retail_profit = ?6 - ?5, reseller_profit = ?7 - ?5, retail_price_override = ?8,
             reseller_price_override = ?9, admin_fee = ?10, stock_status = ?11, is_active = ?12, sort_order = ?13,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![
            i.id,
            i.name,
            i.group,
            i.description,
            i.base_price,
            i.retail_price,
            i.reseller_price,
            i.retail_price_override,
            i.reseller_price_override,
            i.admin_fee,
            i.stock_status,
            i.is_active,
            i.sort_order
        ],
    )
}

/// No item at all (a new shop).
pub fn no_items(c: &Connection) -> rusqlite::Result<bool> {
    c.query_row("SELECT NOT EXISTS (SELECT 1 FROM product_items)", [], |r| r.get(0))
}

#[cfg(test)]
mod name_tests {
    use super::order_name;

    #[test]
    fn an_item_that_names_its_product_stands_alone() {
        assert_eq!(order_name("PLN Token", "Token PLN 50000"), "Token PLN 50000");
        assert_eq!(order_name("PLN Postpaid", "PLN Postpaid"), "PLN Postpaid");
        assert_eq!(order_name("Mobile Legends", "86 Diamonds"), "Mobile Legends 86 Diamonds");
        assert_eq!(order_name("Telkomsel", "Telkomsel 10.000"), "Telkomsel 10.000");
        assert_eq!(order_name("Free Fire", ""), "Free Fire");
    }
}
