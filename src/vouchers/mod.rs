//! Vouchers: percent or flat discounts with limits, reserved at checkout inside the
//! order's database transaction (so quotas hold under concurrent checkouts) and released
//! when an unpaid order expires, fails or is cancelled.

pub mod api;

use poem_openapi::{Enum, Object};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{
    accounts::model::CustomerType,
    db::text_enum,
    db::DbError,
    error::ApiError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum VoucherKind {
    Percentage,
    Fixed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum VoucherAudience {
    Retail,
    Reseller,
    All,
}

text_enum!(VoucherKind { Percentage => "percentage", Fixed => "fixed" });
text_enum!(VoucherAudience { Retail => "retail", Reseller => "reseller", All => "all" });

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Voucher {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    /// Only this product (parent), when set.
    pub product_id: Option<i64>,
    /// Only this category, when set.
    pub category_id: Option<i64>,
    pub customer_type: VoucherAudience,
    #[oai(rename = "type")]
    pub kind: VoucherKind,
    /// Percent (1..100) or rupiah.
    pub value: i64,
    pub min_transaction: i64,
    pub max_discount: Option<i64>,
    /// Total uses allowed (absent: unlimited).
    pub usage_limit: Option<i64>,
    pub usage_count: i64,
    /// Uses per user.
    pub user_limit: i64,
    /// Listed by `GET /api/v1/vouchers`.
    pub is_public: bool,
    pub is_active: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

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

/// Public, usable now, and meant for this tier (the source published every code).
pub fn list_public(c: &Connection, tier: CustomerType, now: &str) -> rusqlite::Result<Vec<Voucher>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM vouchers WHERE is_public = 1 AND is_active = 1 AND customer_type IN ('all', ?1)
           AND (start_date IS NULL OR start_date <= ?2) AND (end_date IS NULL OR end_date >= ?2)
           AND (usage_limit IS NULL OR usage_count < usage_limit)
         ORDER BY id DESC"
    ))?;
    let rows = s.query_map(params![tier.as_str(), now], from_row)?.collect();
    rows
}

pub fn list_all(c: &Connection) -> rusqlite::Result<Vec<Voucher>> {
    let mut s = c.prepare(&format!("SELECT {COLS} FROM vouchers ORDER BY id DESC"))?;
    let rows = s.query_map([], from_row)?.collect();
    rows
}

/// The discount for an amount: percent (capped by max_discount) or flat, never more than
/// the amount itself.
pub fn discount(v: &Voucher, amount: i64) -> i64 {
    let d = match v.kind {
        VoucherKind::Percentage => {
            let pct = i64::try_from(i128::from(amount) * i128::from(v.value.clamp(0, 100)) / 100).unwrap_or(0);
            v.max_discount.map_or(pct, |m| pct.min(m))
        }
        VoucherKind::Fixed => v.value,
    };
    d.clamp(0, amount.max(0))
}

/// What the order is, for the voucher's scope checks.
pub struct VoucherUse<'a> {
    pub code: &'a str,
    pub user_id: i64,
    pub tier: CustomerType,
    pub product_id: i64,
    pub category_id: i64,
    pub amount: i64,
    pub now: &'a str,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::validation("voucher_code", message)
}

/// Checks the voucher and takes one use of its quota, in the caller's transaction.
/// Returns (voucher id, discount). The quota is taken with a conditional update, so
/// concurrent checkouts never over-use it.
pub fn reserve(tx: &Connection, u: &VoucherUse<'_>) -> Result<(i64, i64), ApiError> {
    let v = find_by_code(tx, u.code).map_err(DbError::from)?.ok_or_else(|| bad("no such voucher"))?;
    if !v.is_active {
        return Err(bad("this voucher is not active"));
    }
    if v.start_date.as_deref().is_some_and(|s| s > u.now) {
        return Err(bad("this voucher is not valid yet"));
    }
    if v.end_date.as_deref().is_some_and(|e| e < u.now) {
        return Err(bad("this voucher has expired"));
    }
    if u.amount < v.min_transaction {
        return Err(bad(format!("this voucher needs a purchase of at least Rp {}", v.min_transaction)));
    }
    if v.product_id.is_some_and(|p| p != u.product_id) {
        return Err(bad("this voucher is not valid for this product"));
    }
    if v.category_id.is_some_and(|c| c != u.category_id) {
        return Err(bad("this voucher is not valid for this category"));
    }
    let tier_ok = match v.customer_type {
        VoucherAudience::All => true,
        VoucherAudience::Retail => u.tier == CustomerType::Retail,
        VoucherAudience::Reseller => u.tier == CustomerType::Reseller,
    };
    if !tier_ok {
        return Err(bad("this voucher is not for your account type"));
    }
    let used: i64 = tx
        .query_row(
            "SELECT COUNT(*) FROM voucher_usages WHERE voucher_id = ?1 AND user_id = ?2 AND released_at IS NULL",
            params![v.id, u.user_id],
            |r| r.get(0),
        )
        .map_err(DbError::from)?;
    if used >= v.user_limit {
        return Err(bad("you have already used this voucher"));
    }
    let taken = tx
        .execute(
            "UPDATE vouchers SET usage_count = usage_count + 1, updated_at = ?2
             WHERE id = ?1 AND (usage_limit IS NULL OR usage_count < usage_limit)",
            params![v.id, u.now],
        )
        .map_err(DbError::from)?;
    if taken == 0 {
        return Err(bad("this voucher has been used up"));
    }
    Ok((v.id, discount(&v, u.amount)))
}

pub fn record_usage(
    tx: &Connection,
    voucher_id: i64,
    user_id: i64,
    transaction_id: i64,
    discount: i64,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO voucher_usages (voucher_id, user_id, transaction_id, discount_amount) VALUES (?1, ?2, ?3, ?4)",
        params![voucher_id, user_id, transaction_id, discount],
    )?;
    Ok(())
}

/// Gives an unpaid order's voucher use back, once.
pub fn release(tx: &Connection, transaction_id: i64, now: &str) -> Result<bool, DbError> {
    let usage: Option<(i64, i64)> = tx
        .query_row(
            "SELECT id, voucher_id FROM voucher_usages WHERE transaction_id = ?1 AND released_at IS NULL",
            [transaction_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((usage_id, voucher_id)) = usage else {
        return Ok(false);
    };
    tx.execute(
        "UPDATE voucher_usages SET released_at = ?2 WHERE id = ?1 AND released_at IS NULL",
        params![usage_id, now],
    )?;
    tx.execute(
        "UPDATE vouchers SET usage_count = usage_count - 1, updated_at = ?2 WHERE id = ?1 AND usage_count > 0",
        params![voucher_id, now],
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(kind: VoucherKind, value: i64, max: Option<i64>) -> Voucher {
        Voucher {
            id: 1,
            code: "X".into(),
            name: "X".into(),
            description: None,
            product_id: None,
            category_id: None,
            customer_type: VoucherAudience::All,
            kind,
            value,
            min_transaction: 0,
            max_discount: max,
            usage_limit: None,
            usage_count: 0,
            user_limit: 1,
            is_public: false,
            is_active: true,
            start_date: None,
            end_date: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn discounts() {
        assert_eq!(discount(&v(VoucherKind::Percentage, 10, None), 50_000), 5_000);
        assert_eq!(discount(&v(VoucherKind::Percentage, 10, Some(2_000)), 50_000), 2_000);
        assert_eq!(discount(&v(VoucherKind::Percentage, 15, None), 12_345), 1_851, "rounded down");
        assert_eq!(discount(&v(VoucherKind::Fixed, 5_000, None), 50_000), 5_000);
        assert_eq!(discount(&v(VoucherKind::Fixed, 80_000, None), 50_000), 50_000, "never above the amount");
    }
}
