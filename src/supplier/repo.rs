//! The SQL of product sync: reading what the catalog holds, writing what the supplier
//! says, and the record of sync runs.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::{Existing, Snapshot, SupplierFacts, SyncRun};

/// Everything a sync matches the price list against, read once.
pub fn snapshot(c: &Connection) -> rusqlite::Result<Snapshot> {
    let mut s = c.prepare("SELECT slug, id FROM product_categories")?;
    let categories = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut s = c.prepare("SELECT id, category_id, brand FROM products")?;
    let places = s.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect::<Result<_, _>>()?;
    let mut s = c.prepare("SELECT supplier_key, id FROM products WHERE supplier_key IS NOT NULL")?;
    let products_by_key = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut s = c.prepare(
        "SELECT i.digiflazz_code, i.id, i.product_id, i.base_price, i.retail_price, i.reseller_price,
                i.retail_price_override, i.reseller_price_override, i.supplier_available, i.cut_off_start,
                i.cut_off_end, i.supplier_stock, i.supplier_multi, i.supplier_name, p.payment_type = 'postpaid'
         FROM product_items i JOIN products p ON p.id = i.product_id",
    )?;
    let items = s
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Existing {
                    id: r.get(1)?,
                    product_id: r.get(2)?,
                    base: r.get(3)?,
                    retail: r.get(4)?,
                    reseller: r.get(5)?,
                    overrides: (r.get(6)?, r.get(7)?),
                    available: r.get(8)?,
                    cut_off: (r.get(9)?, r.get(10)?),
                    stock: r.get(11)?,
                    multi: r.get(12)?,
                    supplier_name: r.get(13)?,
                    postpaid: r.get(14)?,
                },
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(Snapshot { categories, places, products_by_key, items })
}

pub fn insert_category(c: &Connection, name: &str, slug: &str, sort_order: i64) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO product_categories (name, slug, sort_order) VALUES (?1, ?2, ?3)",
        params![name, slug, sort_order],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn product_slug_taken(c: &Connection, slug: &str) -> rusqlite::Result<bool> {
    Ok(c.query_row("SELECT 1 FROM products WHERE slug = ?1", [slug], |r| r.get::<_, i64>(0)).optional()?.is_some())
}

/// A product made by a sync (provider `digiflazz`).
pub struct NewProduct<'a> {
    pub category_id: i64,
    pub name: &'a str,
    pub slug: &'a str,
    pub brand: &'a str,
    pub publisher: &'a str,
    pub kind: &'a str,
    pub postpaid: bool,
    pub input_fields: &'a str,
    pub customer_no_format: &'a str,
    pub supplier_key: &'a str,
}

pub fn insert_product(c: &Connection, p: &NewProduct<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO products (category_id, name, slug, brand, publisher, provider, type, payment_type,
                               input_fields, customer_no_format, supplier_key)
         VALUES (?1, ?2, ?3, ?4, ?5, 'digiflazz', ?6, ?7, ?8, ?9, ?10)",
        params![
            p.category_id,
            p.name,
            p.slug,
            p.brand,
            p.publisher,
            p.kind,
            if p.postpaid { "postpaid" } else { "prepaid" },
            p.input_fields,
            p.customer_no_format,
            p.supplier_key
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// The item statements of one sync, prepared once: a 10,000-item list runs each of
/// them thousands of times.
pub struct ItemWriter<'c> {
    insert: rusqlite::Statement<'c>,
    update: rusqlite::Statement<'c>,
    touch: rusqlite::Statement<'c>,
    delist: rusqlite::Statement<'c>,
}

impl<'c> ItemWriter<'c> {
    pub fn new(c: &'c Connection) -> rusqlite::Result<Self> {
        Ok(ItemWriter {
            insert: c.prepare(
                "INSERT INTO product_items (product_id, digiflazz_code, name, \"group\", description, base_price,
                     retail_price, reseller_price, retail_profit, reseller_profit, admin_fee, supplier_available,
                     cut_off_start, cut_off_end, supplier_name, supplier_multi, supplier_stock, last_synced_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7 - ?6, ?8 - ?6, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?,
            update: c.prepare(
                "UPDATE product_items SET base_price = ?2, retail_price = ?3, reseller_price = ?4, retail_profit = ?3 - ?2,
                     reseller_profit = ?4 - ?2, supplier_available = ?5, cut_off_start = ?6, cut_off_end = ?7,
                     supplier_name = ?8, supplier_multi = ?9, supplier_stock = ?10, last_synced_at = ?11,
                     updated_at = ?11
                 WHERE id = ?1",
            )?,
            touch: c.prepare("UPDATE product_items SET last_synced_at = ?2 WHERE id = ?1")?,
            delist: c.prepare(
                "UPDATE product_items SET supplier_available = 0, updated_at = ?2 WHERE id = ?1 AND supplier_available = 1",
            )?,
        })
    }

    /// A new item under `product_id` with the supplier's facts.
    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        &mut self,
        product_id: i64,
        sku: &str,
        name: &str,
        group: Option<&str>,
        description: Option<&str>,
        admin_fee: i64,
        f: &SupplierFacts<'_>,
        now: &str,
    ) -> rusqlite::Result<()> {
        self.insert.execute(params![
            product_id,
            sku,
            name,
            group,
            description,
            f.base_price,
            f.retail,
            f.reseller,
            admin_fee,
            f.available,
            f.cut_off.0,
            f.cut_off.1,
            f.supplier_name,
            f.multi,
            f.stock,
            now
        ])?;
        Ok(())
    }

    pub fn update(&mut self, id: i64, f: &SupplierFacts<'_>, now: &str) -> rusqlite::Result<()> {
        self.update.execute(params![
            id,
            f.base_price,
            f.retail,
            f.reseller,
            f.available,
            f.cut_off.0,
            f.cut_off.1,
            f.supplier_name,
            f.multi,
            f.stock,
            now
        ])?;
        Ok(())
    }

    /// The supplier listed it, unchanged.
    pub fn touch(&mut self, id: i64, now: &str) -> rusqlite::Result<()> {
        self.touch.execute(params![id, now])?;
        Ok(())
    }

    /// The supplier no longer lists it: it cannot be ordered.
    pub fn delist(&mut self, id: i64, now: &str) -> rusqlite::Result<()> {
        self.delist.execute(params![id, now])?;
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
pub fn insert_run(
    c: &Connection,
    trigger: &str,
    started_at: &str,
    finished_at: &str,
    ok: bool,
    summary: Option<&str>,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO sync_runs (trigger, started_at, finished_at, ok, summary, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![trigger, started_at, finished_at, ok, summary, error],
    )?;
    Ok(())
}

pub fn recent_runs(c: &Connection, limit: i64) -> rusqlite::Result<Vec<SyncRun>> {
    let mut s = c.prepare(
        "SELECT id, trigger, started_at, finished_at, ok, summary, error FROM sync_runs ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = s.query_map([limit], |r| {
        let summary: Option<String> = r.get(5)?;
        Ok(SyncRun {
            id: r.get(0)?,
            trigger: r.get(1)?,
            started_at: r.get(2)?,
            finished_at: r.get(3)?,
            ok: r.get(4)?,
            summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
            error: r.get(6)?,
        })
    })?;
    rows.collect()
}
