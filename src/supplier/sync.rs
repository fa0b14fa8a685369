//! Product sync: the supplier's price list into categories, products and items, priced
//! by the pricing rules. One routine behind the CLI, the schedule and the admin route.
//!
//! What an admin set by hand survives: product names, descriptions, input fields,
//! images, featured/sort order, item names, price overrides, the active flag, and which
//! product an item sits under. The supplier's facts are refreshed: cost, availability,
//! stock, cut-off window. Items the supplier stopped offering become unorderable. An
//! error, an empty list or the price-list limit leaves the catalog as it was.

use std::{collections::HashMap, time::Instant};

use rusqlite::{params, OptionalExtension};

use super::{
    model::{SyncSource, SyncSummary},
    pricing::{self, ItemPlace, RuleBook},
};
use crate::{
    app::App,
    digiflazz::{model::SupplierProduct, DigiflazzError, PriceListKind},
    catalog::{model::default_input_fields, service::slugify},
    db::{now_str, DbError},
};

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
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Cli => "cli",
            Trigger::Schedule => "schedule",
            Trigger::Admin => "admin",
            Trigger::Startup => "startup",
        }
    }
}

/// Digiflazz allows one full price list per five minutes; a list younger than this is
/// reused instead of asked for again.
const LIST_REUSE: std::time::Duration = std::time::Duration::from_secs(300);

pub async fn sync_products(app: &App, trigger: Trigger) -> Result<SyncSummary, SyncError> {
    let _running = app.caches.sync_lock.try_lock().map_err(|_| SyncError::Busy)?;
    let started = Instant::now();
    let started_at = now_str();

    let cached = {
        let cache = app.caches.price_list.lock().unwrap_or_else(|p| p.into_inner());
        cache.as_ref().filter(|(at, _)| at.elapsed() < LIST_REUSE).map(|(_, l)| l.clone())
    };
    let fetched = match cached {
        Some(list) => Ok((list, SyncSource::Cache)),
        None => app.digiflazz.price_list(PriceListKind::Prepaid).await.map(|l| (l, SyncSource::Supplier)),
    };
    let outcome = match fetched {
        Err(DigiflazzError::RateLimited(msg)) => {
            tracing::warn!(%msg, "price-list limit reached; catalog left as it was");
            Ok(SyncSummary { source: SyncSource::None, limited: Some(msg), ..Default::default() })
        }
        Err(e) => Err(SyncError::Supplier(e)),
        Ok((list, _)) if list.is_empty() => Err(SyncError::Empty),
        Ok((list, source)) => {
            if source == SyncSource::Supplier {
                *app.caches.price_list.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((Instant::now(), list.clone()));
            }
            app.db
                .write(move |tx| -> Result<SyncSummary, SyncError> {
                    let mut s = apply_price_list(tx, &list)?;
                    s.source = source;
                    Ok(s)
                })
                .await
        }
    };
    let outcome = outcome.map(|mut s| {
        s.duration_ms = started.elapsed().as_millis() as i64;
        s
    });
    record_run(app, trigger, &started_at, &outcome).await;
    outcome
}

async fn record_run(app: &App, trigger: Trigger, started_at: &str, outcome: &Result<SyncSummary, SyncError>) {
    let (ok, summary, error) = match outcome {
        Ok(s) => (s.limited.is_none(), serde_json::to_string(s).ok(), s.limited.clone()),
        Err(e) => (false, None, Some(e.to_string())),
    };
    let started_at = started_at.to_string();
    let res = app
        .db
        .run(move |c| {
            c.execute(
                "INSERT INTO sync_runs (trigger, started_at, finished_at, ok, summary, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![trigger.as_str(), started_at, now_str(), ok, summary, error],
            )
            .map_err(DbError::from)
        })
        .await;
    if let Err(e) = res {
        tracing::error!(error = %e, "could not record the sync run");
    }
}

/// The product type lapak uses, from the supplier's category and name (as the source did).
pub fn detect_type(category: &str, name: &str) -> &'static str {
    let c = category.to_lowercase();
    let n = name.to_lowercase();
    if c.contains("game") || n.contains("diamond") || n.contains(" uc") {
        "game"
    } else if c.contains("pulsa") {
        "pulsa"
    } else if c.contains("data") || c.contains("paket") {
        "data"
    } else if c.contains("pln") || n.contains("token") {
        "pln"
    } else if c.contains("voucher") {
        "voucher"
    } else if c.contains("money") || c.contains("wallet") {
        "emoney"
    } else {
        "other"
    }
}

/// "MOBILE LEGENDS" -> "Mobile Legends"; short all-caps words (XL, PLN, DANA) stay.
fn title(brand: &str) -> String {
    brand
        .split_whitespace()
        .map(|w| {
            if w.len() <= 4 || w.chars().any(|c| c.is_lowercase()) {
                w.to_string()
            } else {
                let lower = w.to_lowercase();
                let mut cs = lower.chars();
                cs.next().map(|f| f.to_uppercase().collect::<String>() + cs.as_str()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn product_name(brand: &str, category: &str, kind: &str) -> String {
    match kind {
        "game" => title(brand),
        "pln" => "PLN Token".into(),
        _ => format!("{} {}", title(brand), category.trim()),
    }
}

/// The item name without the brand in front ("MOBILE LEGENDS 86 Diamonds" -> "86 Diamonds").
fn item_name(name: &str, brand: &str) -> String {
    let trimmed = name.trim();
    if brand.is_empty() {
        return trimmed.to_string();
    }
    match trimmed.get(..brand.len()) {
        Some(head) if head.eq_ignore_ascii_case(brand) && trimmed.len() > brand.len() => {
            let rest = trimmed[brand.len()..].trim_start_matches([' ', '-', ':']).trim();
            if rest.is_empty() {
                trimmed.to_string()
            } else {
                rest.to_string()
            }
        }
        _ => trimmed.to_string(),
    }
}

/// "0:0"/"00:00" windows mean none; anything else is kept as "HH:MM".
fn cut_off(p: &SupplierProduct) -> (Option<String>, Option<String>) {
    use crate::catalog::service::parse_hhmm;
    match (parse_hhmm(&p.cut_off_start), parse_hhmm(&p.cut_off_end)) {
        (Some(s), Some(e)) if s != e => (Some(s.format("%H:%M").to_string()), Some(e.format("%H:%M").to_string())),
        _ => (None, None),
    }
}

struct Existing {
    id: i64,
    product_id: i64,
    base: i64,
    retail: i64,
    reseller: i64,
    overrides: (Option<i64>, Option<i64>),
    available: bool,
    cut_off: (Option<String>, Option<String>),
    stock: Option<i64>,
    multi: bool,
    supplier_name: Option<String>,
}

/// Applies a (non-empty) price list inside the caller's transaction.
pub fn apply_price_list(tx: &rusqlite::Transaction<'_>, list: &[SupplierProduct]) -> Result<SyncSummary, DbError> {
    let now = now_str();
    let book = RuleBook::new(pricing::list(tx)?);
    let mut summary = SyncSummary { received: list.len() as i64, ..Default::default() };

    let mut categories: HashMap<String, i64> = {
        let mut s = tx.prepare("SELECT slug, id FROM product_categories")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows
    };
    // Where each product sits, for rule matching.
    let mut places: HashMap<i64, (i64, String)> = {
        let mut s = tx.prepare("SELECT id, category_id, brand FROM products")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?.collect::<Result<_, _>>()?;
        rows
    };
    let mut by_key: HashMap<String, i64> = {
        let mut s = tx.prepare("SELECT supplier_key, id FROM products WHERE supplier_key IS NOT NULL")?;
        let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        rows
    };
    let existing: HashMap<String, Existing> = {
        let mut s = tx.prepare(
            "SELECT digiflazz_code, id, product_id, base_price, retail_price, reseller_price, retail_price_override,
                    reseller_price_override, supplier_available, cut_off_start, cut_off_end, supplier_stock,
                    supplier_multi, supplier_name
             FROM product_items",
        )?;
        let rows = s
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
                    },
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows
    };

    let mut insert_item = tx.prepare_cached(
        "INSERT INTO product_items (product_id, digiflazz_code, name, \"group\", description, base_price, retail_price,
             reseller_price, retail_profit, reseller_profit, admin_fee, supplier_available, cut_off_start, cut_off_end,
             supplier_name, supplier_multi, supplier_stock, last_synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7 - ?6, ?8 - ?6, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut update_item = tx.prepare_cached(
        "UPDATE product_items SET base_price = ?2, retail_price = ?3, reseller_price = ?4, retail_profit = ?3 - ?2,
             reseller_profit = ?4 - ?2, supplier_available = ?5, cut_off_start = ?6, cut_off_end = ?7,
             supplier_name = ?8, supplier_multi = ?9, supplier_stock = ?10, last_synced_at = ?11,
             updated_at = ?11
         WHERE id = ?1",
    )?;
    let mut touch_item = tx.prepare_cached("UPDATE product_items SET last_synced_at = ?2 WHERE id = ?1")?;

    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::with_capacity(list.len());
    for p in list {
        if !seen.insert(p.sku.as_str()) {
            continue; // a duplicated SKU in the list: the first wins
        }
        let available = p.orderable();
        let (co_start, co_end) = cut_off(p);
        let stock = if p.unlimited_stock { None } else { p.stock };
        match existing.get(&p.sku) {
            Some(e) => {
                let (cat, brand) = places.get(&e.product_id).cloned().unwrap_or((0, String::new()));
                let place = ItemPlace { product_id: e.product_id, category_id: cat, brand: &brand };
                let (retail, reseller) = book.prices(&place, p.price, e.overrides);
                let same = e.base == p.price
                    && e.retail == retail
                    && e.reseller == reseller
                    && e.available == available
                    && e.cut_off == (co_start.clone(), co_end.clone())
                    && e.stock == stock
                    && e.multi == p.multi
                    && e.supplier_name.as_deref() == Some(p.name.as_str());
                if same {
                    touch_item.execute(params![e.id, now])?;
                    summary.unchanged += 1;
                } else {
                    update_item.execute(params![
                        e.id, p.price, retail, reseller, available, co_start, co_end, p.name, p.multi, stock, now
                    ])?;
                    if e.available && !available {
                        summary.deactivated += 1;
                    } else {
                        summary.updated += 1;
                    }
                }
            }
            None => {
                let kind = detect_type(&p.category, &p.name);
                let cat_slug = slugify(if p.category.is_empty() { "other" } else { &p.category });
                let category_id = match categories.get(&cat_slug) {
                    Some(id) => *id,
                    None => {
                        tx.execute(
                            "INSERT INTO product_categories (name, slug, sort_order) VALUES (?1, ?2, ?3)",
                            params![
                                if p.category.is_empty() { "Other" } else { p.category.as_str() },
                                cat_slug,
                                categories.len() as i64
                            ],
                        )?;
                        let id = tx.last_insert_rowid();
                        categories.insert(cat_slug.clone(), id);
                        summary.categories_added += 1;
                        id
                    }
                };
                let key = format!("digiflazz:{}|{}", p.brand.to_uppercase(), p.category);
                let product_id = match by_key.get(&key) {
                    Some(id) => *id,
                    None => {
                        let name = product_name(&p.brand, &p.category, kind);
                        let base_slug = slugify(&name);
                        let mut slug = base_slug.clone();
                        let mut n = 2;
                        while tx
                            .query_row("SELECT 1 FROM products WHERE slug = ?1", [&slug], |r| r.get::<_, i64>(0))
                            .optional()?
                            .is_some()
                        {
                            slug = format!("{base_slug}-{n}");
                            n += 1;
                        }
                        let (fields, format) = default_input_fields(kind);
                        tx.execute(
                            "INSERT INTO products (category_id, name, slug, brand, publisher, provider, type, payment_type,
                                                   input_fields, customer_no_format, supplier_key)
                             VALUES (?1, ?2, ?3, ?4, ?5, 'digiflazz', ?6, ?7, ?8, ?9, ?10)",
                            params![
                                category_id,
                                name,
                                slug,
                                p.brand,
                                title(&p.brand),
                                kind,
                                if p.postpaid { "postpaid" } else { "prepaid" },
                                serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
                                format,
                                key
                            ],
                        )?;
                        let id = tx.last_insert_rowid();
                        by_key.insert(key, id);
                        places.insert(id, (category_id, p.brand.clone()));
                        summary.products_added += 1;
                        id
                    }
                };
                let place = ItemPlace { product_id, category_id, brand: &p.brand };
                let (retail, reseller) = book.prices(&place, p.price, (None, None));
                insert_item.execute(params![
                    product_id,
                    p.sku,
                    item_name(&p.name, &p.brand),
                    (!p.group.is_empty()).then_some(p.group.as_str()),
                    (!p.description.is_empty()).then_some(p.description.as_str()),
                    p.price,
                    retail,
                    reseller,
                    p.admin_fee,
                    available,
                    co_start,
                    co_end,
                    p.name,
                    p.multi,
                    stock,
                    now
                ])?;
                summary.added += 1;
            }
        }
    }

    // Whatever the supplier no longer lists cannot be ordered.
    let mut delist = tx.prepare_cached(
        "UPDATE product_items SET supplier_available = 0, updated_at = ?2 WHERE id = ?1 AND supplier_available = 1",
    )?;
    for (sku, e) in &existing {
        if !seen.contains(sku.as_str()) && e.available {
            delist.execute(params![e.id, now])?;
            summary.deactivated += 1;
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert_eq!(detect_type("Games", "MOBILE LEGENDS 86 Diamonds"), "game");
        assert_eq!(detect_type("Pulsa", "Telkomsel 10.000"), "pulsa");
        assert_eq!(detect_type("Data", "XL 10GB"), "data");
        assert_eq!(detect_type("PLN", "Token PLN 20.000"), "pln");
        assert_eq!(detect_type("E-Money", "DANA 10.000"), "emoney");
        assert_eq!(detect_type("Streaming", "Netflix"), "other");
        assert_eq!(product_name("MOBILE LEGENDS", "Games", "game"), "Mobile Legends");
        assert_eq!(product_name("TELKOMSEL", "Pulsa", "pulsa"), "Telkomsel Pulsa");
        assert_eq!(product_name("DANA", "E-Money", "emoney"), "DANA E-Money");
        assert_eq!(product_name("PLN", "PLN", "pln"), "PLN Token");
        assert_eq!(item_name("MOBILE LEGENDS 86 Diamonds", "MOBILE LEGENDS"), "86 Diamonds");
        assert_eq!(item_name("Token PLN 20.000", "PLN"), "Token PLN 20.000");
        assert_eq!(item_name("XL", "XL"), "XL");
    }
}
