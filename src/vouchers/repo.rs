//! The SQL of `vouchers` and `voucher_usages`.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Voucher, VoucherUsage};
use crate::auth::model::CustomerType;

const COLS: &str =
    "id, code, name, description, product_id, category_id, customer_type, type, value, min_transaction, \
                    max_discount, usage_limit, usage_count, user_limit, is_public, is_active, start_date, end_date, \
                    created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Voucher> {
    Ok(Voucher {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        product_id: r.get(4)?,
        category_id: r.get(5)?,
        customer_type: r.get(6)?,
        kind: r.get(7)?,
        value: r.get(8)?,
        min_transaction: r.get(9)?,
        max_discount: r.get(10)?,
        usage_limit: r.get(11)?,
        usage_count: r.get(12)?,
        user_limit: r.get(13)?,
        is_public: r.get(14)?,
        is_active: r.get(15)?,
        start_date: r.get(16)?,
        end_date: r.get(17)?,
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
    })
}

pub fn find_by_code(c: &Connection, code: &str) -> rusqlite::Result<Option<Voucher>> {
    c.query_row(&format!("SELECT {COLS} FROM vouchers WHERE code = ?1"), [code.trim()], from_row).optional()
}

pub fn find(c: &Connection, id: i64) -> rusqlite::Result<Option<Voucher>> {
    c.query_row(&format!("SELECT {COLS} FROM vouchers WHERE id = ?1"), [id], from_row).optional()
}

/// Public, usable now, and meant for this tier (the seed published every code).
pub fn list_public(c: &Connection, tier: CustomerType, now: &str) -> rusqlite::Result<Vec<Voucher>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM vouchers WHERE is_public = 1 AND is_active = 1 AND customer_type IN ('all', ?1)
           AND (start_date IS NULL OR start_date <= ?2) AND (end_date IS NULL OR end_date >= ?2)
           AND (usage_limit IS NULL OR usage_count < usage_limit)
         ORDER BY id DESC"
    ))?;
    let rows = s.query_map(params![tier.as_str(), now], from_row)?;
    rows.collect()
}

pub fn list_all(c: &Connection) -> rusqlite::Result<Vec<Voucher>> {
    let mut s = c.prepare(&format!("SELECT {COLS} FROM vouchers ORDER BY id DESC"))?;
    let rows = s.query_map([], from_row)?;
    rows.collect()
}

/// Writes `v` as a new voucher (its id, counts and times are ignored); returns the id.
pub fn insert(c: &Connection, v: &Voucher) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO vouchers (code, name, description, product_id, category_id, customer_type, type, value,
                               min_transaction, max_discount, usage_limit, user_limit, is_public, is_active,
                               start_date, end_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            v.code,
            v.name,
            v.description,
            v.product_id,
            v.category_id,
            v.customer_type,
            v.kind,
            v.value,
            v.min_transaction,
            v.max_discount,
            v.usage_limit,
            v.user_limit,
            v.is_public,
            v.is_active,
            v.start_date,
            v.end_date
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// Writes every changeable field of `v` (not its code or usage count).
pub fn update(c: &Connection, v: &Voucher) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE vouchers SET name = ?2, description = ?3, product_id = ?4, category_id = ?5, customer_type = ?6,
                type = ?7, value = ?8, min_transaction = ?9, max_discount = ?10, usage_limit = ?11,
                user_limit = ?12, is_public = ?13, is_active = ?14, start_date = ?15, end_date = ?16,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![
            v.id,
            v.name,
            v.description,
            v.product_id,
            v.category_id,
            v.customer_type,
            v.kind,
            v.value,
            v.min_transaction,
            v.max_discount,
            v.usage_limit,
            v.user_limit,
            v.is_public,
            v.is_active,
            v.start_date,
            v.end_date
        ],
    )?;
    Ok(())
}

pub fn deactivate(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE vouchers SET is_active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [id],
    )? == 1)
}

pub fn product_exists(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM products WHERE id = ?1)", [id], |r| r.get(0))
}

pub fn category_exists(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM product_categories WHERE id = ?1)", [id], |r| r.get(0))
}

/// Uses of a voucher by a user that still count.
pub fn uses_by(c: &Connection, voucher_id: i64, user_id: i64) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT COUNT(*) FROM voucher_usages WHERE voucher_id = ?1 AND user_id = ?2 AND released_at IS NULL",
        params![voucher_id, user_id],
        |r| r.get(0),
    )
}

/// Takes one use of the quota; false when it is used up. A conditional update, so
/// concurrent checkouts never over-use it.
pub fn take_quota(c: &Connection, id: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE vouchers SET usage_count = usage_count + 1, updated_at = ?2
         WHERE id = ?1 AND (usage_limit IS NULL OR usage_count < usage_limit)",
        params![id, now],
    )? == 1)
}

pub fn insert_usage(
    c: &Connection,
    voucher_id: i64,
    user_id: i64,
    transaction_id: i64,
    discount: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO voucher_usages (voucher_id, user_id, transaction_id, discount_amount) VALUES (?1, ?2, ?3, ?4)",
        params![voucher_id, user_id, transaction_id, discount],
    )?;
    Ok(())
}

/// Gives an order's voucher use back, once: false when there was none to give.
pub fn release(c: &Connection, transaction_id: i64, now: &str) -> rusqlite::Result<bool> {
    let usage: Option<(i64, i64)> = c
        .query_row(
            "SELECT id, voucher_id FROM voucher_usages WHERE transaction_id = ?1 AND released_at IS NULL",
            [transaction_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((usage_id, voucher_id)) = usage else {
        return Ok(false);
    };
    c.execute(
        "UPDATE voucher_usages SET released_at = ?2 WHERE id = ?1 AND released_at IS NULL",
        params![usage_id, now],
    )?;
    c.execute(
        "UPDATE vouchers SET usage_count = usage_count - 1, updated_at = ?2 WHERE id = ?1 AND usage_count > 0",
        params![voucher_id, now],
    )?;
    Ok(true)
}

pub fn usages(c: &Connection, voucher_id: i64) -> rusqlite::Result<Vec<VoucherUsage>> {
    let mut s = c.prepare(
        "SELECT u.id, u.user_id, us.email, t.transaction_code, u.discount_amount, u.released_at, u.created_at
         FROM voucher_usages u JOIN users us ON us.id = u.user_id JOIN transactions t ON t.id = u.transaction_id
         WHERE u.voucher_id = ?1 ORDER BY u.id DESC",
    )?;
    let rows = s.query_map([voucher_id], |r| {
        Ok(VoucherUsage {
            id: r.get(0)?,
            user_id: r.get(1)?,
            user_email: r.get(2)?,
            transaction_code: r.get(3)?,
            discount_amount: r.get(4)?,
            released_at: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    rows.collect()
}
