//! The SQL of bill quotes.

use rusqlite::{params, Connection, OptionalExtension};

use super::model::QuoteRow;

/// A quote to store (see `bill_quotes` in migrations/0009_bills.sql).
pub struct NewQuote<'a> {
    pub quote_id: &'a str,
    pub ref_id: &'a str,
    pub product_item_id: i64,
    pub user_id: Option<i64>,
    pub customer_type: &'a str,
    pub customer_no: &'a str,
    pub customer_data: &'a str,
    pub bill: &'a str,
    pub bill_amount: i64,
    pub supplier_price: i64,
    pub fee: i64,
    pub inquired_on: &'a str,
    pub expires_at: &'a str,
    pub now: &'a str,
}

pub fn insert(c: &Connection, q: &NewQuote<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO bill_quotes (quote_id, ref_id, product_item_id, user_id, customer_type, customer_no, customer_data,
                                  bill, bill_amount, supplier_price, fee, total, inquired_on, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?9 + ?11, ?12, ?13, ?14)",
        params![
            q.quote_id,
            q.ref_id,
            q.product_item_id,
            q.user_id,
            q.customer_type,
            q.customer_no,
            q.customer_data,
            q.bill,
            q.bill_amount,
            q.supplier_price,
            q.fee,
            q.inquired_on,
            q.expires_at,
            q.now
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn find(c: &Connection, quote_id: &str) -> rusqlite::Result<Option<QuoteRow>> {
    c.query_row(
        "SELECT id, quote_id, ref_id, product_item_id, user_id, customer_type, customer_no, customer_data, bill,
                bill_amount, supplier_price, fee, total, inquired_on, expires_at, order_id
         FROM bill_quotes WHERE quote_id = ?1",
        [quote_id],
        |r| {
            Ok(QuoteRow {
                id: r.get(0)?,
                quote_id: r.get(1)?,
                ref_id: r.get(2)?,
                product_item_id: r.get(3)?,
                user_id: r.get(4)?,
                customer_type: r.get(5)?,
                customer_no: r.get(6)?,
                customer_data: r.get(7)?,
                bill: r.get(8)?,
                bill_amount: r.get(9)?,
                supplier_price: r.get(10)?,
                fee: r.get(11)?,
                total: r.get(12)?,
                inquired_on: r.get(13)?,
                expires_at: r.get(14)?,
                order_id: r.get(15)?,
            })
        },
    )
    .optional()
}

/// Marks a quote paid by `order_id`; false when another order took it first.
pub fn take(c: &Connection, id: i64, order_id: i64) -> rusqlite::Result<bool> {
    Ok(c.execute("UPDATE bill_quotes SET order_id = ?2 WHERE id = ?1 AND order_id IS NULL", params![id, order_id])?
        == 1)
}

/// Deletes unpaid quotes that expired before `cutoff`; returns how many.
pub fn prune(c: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    c.execute("DELETE FROM bill_quotes WHERE order_id IS NULL AND expires_at < ?1", [cutoff])
}
