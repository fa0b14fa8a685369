//! The SQL of pricing rules, and of the item prices they (and the admin's fixed
//! prices) set.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Formula, ItemPlace, PricingRule, RuleBook, RuleInput};

const COLS: &str = "id, scope, category_id, brand, product_id, tier, percent_bp, flat, min_profit, max_profit, \
                    round_to, created_at, updated_at";

fn rule_from(r: &Row<'_>) -> rusqlite::Result<PricingRule> {
    Ok(PricingRule {
        id: r.get(0)?,
        scope: r.get(1)?,
        category_id: r.get(2)?,
        brand: r.get(3)?,
        product_id: r.get(4)?,
        tier: r.get(5)?,
        percent_bp: r.get(6)?,
        flat: r.get(7)?,
        min_profit: r.get(8)?,
        max_profit: r.get(9)?,
        round_to: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

pub fn list(c: &Connection) -> rusqlite::Result<Vec<PricingRule>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM pricing_rules ORDER BY CASE scope WHEN 'global' THEN 0 WHEN 'category' THEN 1
         WHEN 'brand' THEN 2 ELSE 3 END, tier, id"
    ))?;
    let rows = s.query_map([], rule_from)?.collect();
    rows
}

pub fn find(c: &Connection, id: i64) -> rusqlite::Result<Option<PricingRule>> {
    c.query_row(&format!("SELECT {COLS} FROM pricing_rules WHERE id = ?1"), [id], rule_from).optional()
}

pub fn insert(c: &Connection, r: &RuleInput) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO pricing_rules (scope, category_id, brand, product_id, tier, percent_bp, flat, min_profit,
                                    max_profit, round_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            r.scope,
            r.category_id,
            r.brand,
            r.product_id,
            r.tier,
            r.formula.percent_bp,
            r.formula.flat,
            r.formula.min_profit,
            r.formula.max_profit,
            r.formula.round_to
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update_formula(c: &Connection, id: i64, f: &Formula) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE pricing_rules SET percent_bp = ?2, flat = ?3, min_profit = ?4, max_profit = ?5, round_to = ?6,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, f.percent_bp, f.flat, f.min_profit, f.max_profit, f.round_to],
    )
}

pub fn delete(c: &Connection, id: i64) -> rusqlite::Result<usize> {
    c.execute("DELETE FROM pricing_rules WHERE id = ?1", [id])
}

/// Re-applies the rules to every item (overrides kept). Returns how many items changed.
pub fn reprice_all(c: &Connection) -> rusqlite::Result<usize> {
    let book = RuleBook::new(list(c)?);
    let mut read = c.prepare(
        "SELECT i.id, i.base_price, i.retail_price, i.reseller_price, i.retail_price_override,
                i.reseller_price_override, p.id, p.category_id, p.brand
         FROM product_items i JOIN products p ON p.id = i.product_id",
    )?;
    let rows = read
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut write = c.prepare_cached(
        "UPDATE product_items SET retail_price = ?2, reseller_price = ?3, retail_profit = ?2 - base_price,
                reseller_profit = ?3 - base_price, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
    )?;
    let mut changed = 0;
    for (id, base, retail, reseller, ro, rso, pid, cid, brand) in rows {
        let place = ItemPlace { product_id: pid, category_id: cid, brand: &brand };
        let (new_retail, new_reseller) = book.prices(&place, base, (ro, rso));
        if (new_retail, new_reseller) != (retail, reseller) {
            write.execute(params![id, new_retail, new_reseller])?;
            changed += 1;
        }
    }
    Ok(changed)
}

pub fn category_exists(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM product_categories WHERE id = ?1)", [id], |r| r.get(0))
}

pub fn product_exists(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM products WHERE id = ?1)", [id], |r| r.get(0))
}

/// An item's supplier price, if the item exists.
pub fn base_price_of(c: &Connection, item_id: i64) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT base_price FROM product_items WHERE id = ?1", [item_id], |r| r.get(0)).optional()
}

/// Sets (or, with `clear`, first removes) an item's fixed prices.
pub fn set_overrides(
    c: &Connection,
    item_id: i64,
    retail: Option<i64>,
    reseller: Option<i64>,
    clear: bool,
    now: &str,
) -> rusqlite::Result<()> {
    if clear {
        c.execute(
            "UPDATE product_items SET retail_price_override = NULL, reseller_price_override = NULL WHERE id = ?1",
            [item_id],
        )?;
    }
    c.execute(
        "UPDATE product_items SET retail_price_override = COALESCE(?2, retail_price_override),
                reseller_price_override = COALESCE(?3, reseller_price_override), updated_at = ?4
         WHERE id = ?1",
        params![item_id, retail, reseller, now],
    )?;
    Ok(())
}
