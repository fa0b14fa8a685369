//! Voucher rules: discounts, scope and quota checks at checkout (inside the order's
//! transaction, so quotas hold under concurrent checkouts), release when an unpaid order
//! ends, and the admin's changes.

use crate::text::Rupiah;
use chrono::{DateTime, Utc};

use super::{
    model::{
        Voucher, VoucherAudience, VoucherCreate, VoucherError, VoucherKind, VoucherUpdate, VoucherUsage, VoucherUse,
    },
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::{Actor, CustomerType},
    clock::ts,
    db::DbError,
    error::Invalid,
};

type Result<T, E = VoucherError> = std::result::Result<T, E>;

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

fn refused<T>(why: impl Into<String>) -> Result<T> {
    Err(VoucherError::Refused(why.into()))
}

/// The voucher behind `u.code` when `u` may use it now (every rule but the quota).
fn usable(c: &rusqlite::Connection, u: &VoucherUse<'_>) -> Result<Voucher> {
    let Some(v) = repo::find_by_code(c, u.code)? else { return refused("no such voucher") };
    if !v.is_active {
        return refused("this voucher is not active");
    }
    if v.start_date.as_deref().is_some_and(|s| s > u.now) {
        return refused("this voucher is not valid yet");
    }
    if v.end_date.as_deref().is_some_and(|e| e < u.now) {
        return refused("this voucher has expired");
    }
    if u.amount < v.min_transaction {
        return refused(format!("this voucher needs a purchase of at least {}", Rupiah(v.min_transaction)));
    }
    if v.product_id.is_some_and(|p| p != u.product_id) {
        return refused("this voucher is not valid for this product");
    }
    if v.category_id.is_some_and(|c| c != u.category_id) {
        return refused("this voucher is not valid for this category");
    }
    let tier_ok = match v.customer_type {
        VoucherAudience::All => true,
        VoucherAudience::Retail => u.tier == CustomerType::Retail,
        VoucherAudience::Reseller => u.tier == CustomerType::Reseller,
    };
    if !tier_ok {
        return refused("this voucher is not for your account type");
    }
    if repo::uses_by(c, v.id, u.user_id)? >= v.user_limit {
        return refused("you have already used this voucher");
    }
    Ok(v)
}

/// Checks the voucher and takes one use of its quota, in the caller's transaction.
/// Returns (voucher id, discount).
pub fn reserve(tx: &rusqlite::Connection, u: &VoucherUse<'_>) -> Result<(i64, i64)> {
    let v = usable(tx, u)?;
    if !repo::take_quota(tx, v.id, u.now)? {
        return refused("this voucher has been used up");
    }
    Ok((v.id, discount(&v, u.amount)))
}

/// What the voucher would take off `u.amount` now, taking nothing (checkout checks
/// again and takes a use). A guest is `user_id` 0: its earlier uses are not known yet.
pub fn quote(c: &rusqlite::Connection, u: &VoucherUse<'_>) -> Result<i64> {
    let v = usable(c, u)?;
    if v.usage_limit.is_some_and(|l| v.usage_count >= l) {
        return refused("this voucher has been used up");
    }
    Ok(discount(&v, u.amount))
}

pub fn record_usage(
    tx: &rusqlite::Connection,
    voucher_id: i64,
    user_id: i64,
    transaction_id: i64,
    discount: i64,
) -> Result<(), DbError> {
    Ok(repo::insert_usage(tx, voucher_id, user_id, transaction_id, discount)?)
}

/// Gives an unpaid order's voucher use back, once.
pub fn release(tx: &rusqlite::Connection, transaction_id: i64, now: &str) -> Result<bool, DbError> {
    Ok(repo::release(tx, transaction_id, now)?)
}

/// Vouchers marked public that a tier may use now.
pub async fn public(app: &App, tier: CustomerType) -> Result<Vec<Voucher>> {
    let now = app.clock.now_str();
    app.db.read(move |c| Ok(repo::list_public(c, tier, &now)?)).await
}

pub async fn all(app: &App) -> Result<Vec<Voucher>> {
    app.db.read(|c| Ok(repo::list_all(c)?)).await
}

pub async fn get(app: &App, id: i64) -> Result<Voucher> {
    app.db.read(move |c| repo::find(c, id)?.ok_or(VoucherError::NotFound)).await
}

fn stored(d: Option<DateTime<Utc>>) -> Option<String> {
    d.map(ts)
}

fn clean_name(raw: &str) -> Result<String, Invalid> {
    crate::text::clean_name(raw, 255).map_err(|why| Invalid::new("name", format!("name {why}")))
}

/// The voucher's own rules, whichever way it was written.
fn check(v: &Voucher) -> Result<(), Invalid> {
    if v.kind == VoucherKind::Percentage && v.value > 100 {
        return Err(Invalid::new("value", "a percentage is at most 100"));
    }
    if let (Some(s), Some(e)) = (&v.start_date, &v.end_date) {
        if e < s {
            return Err(Invalid::new("end_date", "end_date is before start_date"));
        }
    }
    Ok(())
}

/// Product and category scopes must exist (a 422 naming the field, never a constraint 500).
fn check_scope(tx: &rusqlite::Connection, product_id: Option<i64>, category_id: Option<i64>) -> Result<()> {
    if let Some(p) = product_id {
        if !repo::product_exists(tx, p)? {
            return Err(Invalid::new("product_id", "no such product").into());
        }
    }
    if let Some(c) = category_id {
        if !repo::category_exists(tx, c)? {
            return Err(Invalid::new("category_id", "no such category").into());
        }
    }
    Ok(())
}

pub async fn create(app: &App, actor: Actor, b: VoucherCreate) -> Result<Voucher> {
    let v = Voucher {
        id: 0,
        code: b.code.trim().to_uppercase(),
        name: clean_name(&b.name)?,
        description: b.description,
        product_id: b.product_id,
        category_id: b.category_id,
        customer_type: b.customer_type.unwrap_or(VoucherAudience::All),
        kind: b.kind,
        value: b.value,
        min_transaction: b.min_transaction.unwrap_or(0),
        max_discount: b.max_discount,
        usage_limit: b.usage_limit,
        usage_count: 0,
        user_limit: b.user_limit.unwrap_or(1),
        is_public: b.is_public.unwrap_or(false),
        is_active: b.is_active.unwrap_or(true),
        start_date: stored(b.start_date),
        end_date: stored(b.end_date),
        created_at: String::new(),
        updated_at: String::new(),
    };
    check(&v)?;
    app.db
        .write(move |tx| -> Result<_> {
            if repo::find_by_code(tx, &v.code)?.is_some() {
                return Err(VoucherError::CodeTaken);
            }
            check_scope(tx, v.product_id, v.category_id)?;
            let id = repo::insert(tx, &v)?;
            audit::record(tx, &actor, Record::new(Action::VoucherCreate, Subject::Voucher(id), v.code.as_str()))?;
            repo::find(tx, id)?.ok_or(VoucherError::NotFound)
        })
        .await
}

/// Only the fields sent change (`null` removes an optional one); the code never does.
pub async fn update(app: &App, actor: Actor, id: i64, b: VoucherUpdate) -> Result<Voucher> {
    let name = b.name.as_deref().map(clean_name).transpose()?;
    let (start, end) = (b.start_date.map_value(ts), b.end_date.map_value(ts));
    app.db
        .write(move |tx| -> Result<_> {
            let cur = repo::find(tx, id)?.ok_or(VoucherError::NotFound)?;
            check_scope(tx, b.product_id.value().copied(), b.category_id.value().copied())?;
            let mut v = Voucher {
                name: name.unwrap_or(cur.name),
                customer_type: b.customer_type.unwrap_or(cur.customer_type),
                kind: b.kind.unwrap_or(cur.kind),
                value: b.value.unwrap_or(cur.value),
                min_transaction: b.min_transaction.unwrap_or(cur.min_transaction),
                user_limit: b.user_limit.unwrap_or(cur.user_limit),
                is_public: b.is_public.unwrap_or(cur.is_public),
                is_active: b.is_active.unwrap_or(cur.is_active),
                ..cur
            };
            // The optional ones: left out, kept; `null`, removed.
            b.description.update_to(&mut v.description);
            b.product_id.update_to(&mut v.product_id);
            b.category_id.update_to(&mut v.category_id);
            b.max_discount.update_to(&mut v.max_discount);
            b.usage_limit.update_to(&mut v.usage_limit);
            start.update_to(&mut v.start_date);
            end.update_to(&mut v.end_date);
            check(&v)?;
            if v.usage_limit.is_some_and(|l| l < v.usage_count) {
                return Err(Invalid::new("usage_limit", format!("already used {} times", v.usage_count)).into());
            }
            repo::update(tx, &v)?;
            audit::record(tx, &actor, Record::new(Action::VoucherUpdate, Subject::Voucher(id), "voucher updated"))?;
            repo::find(tx, id)?.ok_or(VoucherError::NotFound)
        })
        .await
}

/// Deactivates a voucher (its history stays).
pub async fn deactivate(app: &App, actor: Actor, id: i64) -> Result<Voucher> {
    app.db
        .write(move |tx| -> Result<_> {
            if !repo::deactivate(tx, id)? {
                return Err(VoucherError::NotFound);
            }
            audit::record(
                tx,
                &actor,
                Record::new(Action::VoucherDeactivate, Subject::Voucher(id), "voucher deactivated"),
            )?;
            repo::find(tx, id)?.ok_or(VoucherError::NotFound)
        })
        .await
}

pub async fn usages(app: &App, id: i64) -> Result<Vec<VoucherUsage>> {
    app.db
        .read(move |c| {
            if repo::find(c, id)?.is_none() {
                return Err(VoucherError::NotFound);
            }
            Ok(repo::usages(c, id)?)
        })
        .await
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

    #[test]
    fn a_percentage_above_100_and_a_backwards_window_are_refused() {
        assert_eq!(check(&v(VoucherKind::Percentage, 101, None)).unwrap_err().field, "value");
        let mut w = v(VoucherKind::Fixed, 1_000, None);
        (w.start_date, w.end_date) = (Some("2026-02-01".into()), Some("2026-01-01".into()));
        assert_eq!(check(&w).unwrap_err().field, "end_date");
    }
}
