//! The report queries. Each figure is its own query (the seed reused one mutated query
//! builder and got its counts wrong).

use rusqlite::{params, types::Value, Connection};

use super::model::{rate, Bucket, DayFigure, Figures, GroupBy, Rank, SalesKey, TopProduct, WalletRow};

/// Successful purchases: the sales that count.
const SOLD: &str = "t.transaction_type = 'purchase' AND t.status = 'success'";
const REVENUE: &str = "COALESCE(SUM(t.product_price - t.discount_amount), 0)";
/// Selling price minus what the supplier charged (its answer's `price`), or the cost
/// snapshot when it did not say.
const PROFIT: &str = "COALESCE(SUM(t.product_price - t.discount_amount - COALESCE(t.supplier_price, t.base_price)), 0)";
/// A UTC timestamp column as a Jakarta calendar date.
const JKT_DAY: &str = "date(t.created_at, '+7 hours')";
const IN_RANGE: &str = "t.created_at >= ?1 AND t.created_at < ?2";

fn buckets(c: &Connection, sql: &str, from: &str, to: &str) -> rusqlite::Result<Vec<Bucket>> {
    let mut s = c.prepare_cached(sql)?;
    let rows = s.query_map(params![from, to], |r| {
        Ok(Bucket {
            key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
            count: r.get(1)?,
            revenue: r.get(2)?,
            profit: r.get(3)?,
        })
    })?;
    rows.collect()
}

fn count(c: &Connection, sql: &str, from: &str, to: &str) -> rusqlite::Result<i64> {
    c.query_row(sql, params![from, to], |r| r.get(0))
}

pub fn figures(c: &Connection, from: &str, to: &str) -> rusqlite::Result<Figures> {
    let (orders, revenue, profit): (i64, i64, i64) = c.query_row(
        &format!("SELECT COUNT(*), {REVENUE}, {PROFIT} FROM transactions t WHERE {SOLD} AND {IN_RANGE}"),
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let finished = count(
        c,
        &format!(
            "SELECT COUNT(*) FROM transactions t
             WHERE t.transaction_type = 'purchase' AND t.status IN ('success', 'failed', 'refunded') AND {IN_RANGE}"
        ),
        from,
        to,
    )?;
    Ok(Figures { orders, revenue, profit, success_rate: rate(orders, finished) })
}

pub fn orders_by_status(c: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<Bucket>> {
    buckets(
        c,
        &format!(
            "SELECT t.status, COUNT(*), {REVENUE}, 0 FROM transactions t
             WHERE t.transaction_type = 'purchase' AND {IN_RANGE} GROUP BY t.status ORDER BY 2 DESC"
        ),
        from,
        to,
    )
}

/// Successful purchases in [from, to) grouped by `key`: key, count, revenue, profit;
/// the first `limit` groups (all with a negative limit) in `rank` order.
pub fn sold_by(
    c: &Connection,
    key: SalesKey,
    rank: Rank,
    from: &str,
    to: &str,
    limit: i64,
) -> rusqlite::Result<Vec<Bucket>> {
    let expr = match key {
        SalesKey::Period(GroupBy::Day) => JKT_DAY,
        SalesKey::Period(GroupBy::Week) => "strftime('%Y-W%W', t.created_at, '+7 hours')",
        SalesKey::Period(GroupBy::Month) => "strftime('%Y-%m', t.created_at, '+7 hours')",
        SalesKey::Product => "t.product_name",
        SalesKey::Customer => "t.contact_email",
        SalesKey::PaymentMethod => "t.payment_method",
    };
    let order = match rank {
        Rank::Key => "1",
        Rank::Count => "2 DESC, 3 DESC",
        Rank::Revenue => "3 DESC, 2 DESC",
    };
    buckets(
        c,
        &format!(
            "SELECT {expr}, COUNT(*), {REVENUE}, {PROFIT} FROM transactions t
             WHERE {SOLD} AND {IN_RANGE} GROUP BY 1 ORDER BY {order} LIMIT {limit}"
        ),
        from,
        to,
    )
}

pub fn new_users(c: &Connection, from: &str, to: &str) -> rusqlite::Result<i64> {
    count(c, "SELECT COUNT(*) FROM users WHERE is_guest = 0 AND created_at >= ?1 AND created_at < ?2", from, to)
}

pub fn deposits(c: &Connection, from: &str, to: &str) -> rusqlite::Result<i64> {
    count(
        c,
        &format!(
            "SELECT COALESCE(SUM(t.product_price), 0) FROM transactions t
             WHERE t.transaction_type = 'topup' AND t.status = 'success' AND {IN_RANGE}"
        ),
        from,
        to,
    )
}

/// (orders still owed a refund, orders waiting on the supplier), whenever created.
pub fn open_work(c: &Connection) -> rusqlite::Result<(i64, i64)> {
    c.query_row(
        "SELECT COALESCE(SUM(refund_required = 1), 0), COALESCE(SUM(status = 'processing'), 0) FROM transactions",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub fn wallet(c: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<WalletRow>> {
    let mut s = c.prepare(
        "SELECT reference_type, COALESCE(SUM(CASE type WHEN 'credit' THEN amount ELSE 0 END), 0),
                COALESCE(SUM(CASE type WHEN 'debit' THEN amount ELSE 0 END), 0), COUNT(*)
         FROM balance_mutations WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1 ORDER BY 1",
    )?;
    let rows = s.query_map(params![from, to], |r| {
        Ok(WalletRow { kind: r.get(0)?, credits: r.get(1)?, debits: r.get(2)?, count: r.get(3)? })
    })?;
    rows.collect()
}

/// The export's columns, in order.
pub const EXPORT_HEADER: [&str; 15] = [
    "transaction_code",
    "created_at_wib",
    "type",
    "product",
    "customer_no",
    "customer",
    "payment_method",
    "product_price",
    "discount",
    "admin_fee",
    "total_price",
    "supplier_cost",
    "status",
    "payment_status",
    "sn",
];

/// Every order created in [from, to), oldest first, one `row` call each with the
/// values of `EXPORT_HEADER`.
pub fn export<E: From<rusqlite::Error>>(
    c: &Connection,
    from: &str,
    to: &str,
    mut row: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    let mut s = c.prepare(
        "SELECT transaction_code, created_at, transaction_type, COALESCE(product_name, ''), COALESCE(customer_no, ''),
                COALESCE(contact_email, ''), COALESCE(payment_method, ''), product_price, discount_amount, admin_fee,
                total_price, COALESCE(supplier_price, base_price), status, payment_status,
                COALESCE(digiflazz_serial_number, '')
         FROM transactions WHERE created_at >= ?1 AND created_at < ?2 ORDER BY id",
    )?;
    let mut rows = s.query(params![from, to])?;
    while let Some(r) = rows.next()? {
        let values = (0..EXPORT_HEADER.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        row(values)?;
    }
    Ok(())
}

const MY_PURCHASES: &str =
    "FROM transactions WHERE user_id = ?1 AND transaction_type = 'purchase' AND created_at >= ?2 AND created_at < ?3";

/// A customer's purchases in [from, to): (count, spent, successful, finished).
pub fn my_totals(c: &Connection, user_id: i64, from: &str, to: &str) -> rusqlite::Result<(i64, i64, i64, i64)> {
    c.query_row(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'success' THEN total_price END), 0),
                    COALESCE(SUM(status = 'success'), 0), COALESCE(SUM(status IN ('success', 'failed', 'refunded')), 0)
             {MY_PURCHASES}"
        ),
        params![user_id, from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

pub fn my_days(c: &Connection, user_id: i64, from: &str, to: &str) -> rusqlite::Result<Vec<DayFigure>> {
    let mut s = c.prepare(&format!(
        "SELECT date(created_at, '+7 hours'), COUNT(*), COALESCE(SUM(CASE WHEN status = 'success' THEN total_price END), 0)
         {MY_PURCHASES} GROUP BY 1 ORDER BY 1"
    ))?;
    let rows = s.query_map(params![user_id, from, to], |r| {
        Ok(DayFigure { date: r.get(0)?, orders: r.get(1)?, spent: r.get(2)? })
    })?;
    rows.collect()
}

pub fn my_top_products(c: &Connection, user_id: i64, from: &str, to: &str) -> rusqlite::Result<Vec<TopProduct>> {
    let mut s = c.prepare(&format!(
        "SELECT COALESCE(product_name, ''), COUNT(*), COALESCE(SUM(total_price), 0) {MY_PURCHASES} AND status = 'success'
         GROUP BY 1 ORDER BY 2 DESC, 3 DESC LIMIT 5"
    ))?;
    let rows = s.query_map(params![user_id, from, to], |r| {
        Ok(TopProduct { product: r.get(0)?, orders: r.get(1)?, spent: r.get(2)? })
    })?;
    rows.collect()
}
