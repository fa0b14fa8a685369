//! All SQL for orders (`transactions`), their payments and their logs.

use std::collections::HashMap;

use rusqlite::{params, types::Value, Connection, OptionalExtension, Row};

use super::model::{Attention, OrderStatus, PaymentStatus, PaymentView, TransactionType};
use crate::db::{numbered_where, DbError};

#[derive(Debug, Clone)]
pub struct OrderRow {
    pub id: i64,
    pub code: String,
    pub user_id: Option<i64>,
    pub product_item_id: Option<i64>,
    pub voucher_id: Option<i64>,
    pub transaction_type: TransactionType,
    pub payment_method_type: String,
    pub product_name: Option<String>,
    pub product_code: Option<String>,
    pub base_price: i64,
    pub product_price: i64,
    pub admin_fee: i64,
    pub discount_amount: i64,
    pub total_price: i64,
    pub customer_data: HashMap<String, String>,
    pub customer_no: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub payment_method: Option<String>,
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
    pub failed_reason: Option<String>,
    pub sn: Option<String>,
    pub supplier_message: Option<String>,
    pub idempotency_hash: Option<String>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub paid_at: Option<String>,
    pub completed_at: Option<String>,
    pub item_name: Option<String>,
    pub voucher_code: Option<String>,
    pub supplier_attempts: i64,
    pub refund_required: bool,
    /// Who paid (refunds go back there); `user_id` is who sees the order.
    pub payer_user_id: Option<i64>,
    /// The owner is a guest row (ownership is then proved with the contact e-mail/phone).
    pub owner_is_guest: bool,
    pub attention: Option<Attention>,
    pub attention_note: Option<String>,
    pub attention_at: Option<String>,
    pub late_paid_at: Option<String>,
    pub supplier_price: Option<i64>,
    pub supplier_balance: Option<i64>,
}

const COLS: &str = "t.id, t.transaction_code, t.user_id, t.product_item_id, t.voucher_id, t.transaction_type,
    t.payment_method_type, t.product_name, t.product_code, t.base_price, t.product_price, t.admin_fee, t.discount_amount,
    t.total_price, t.customer_data, t.customer_no, t.contact_email, t.contact_phone, t.payment_method, t.status,
    t.payment_status, t.failed_reason, t.digiflazz_serial_number, t.digiflazz_message, t.idempotency_hash, t.created_at,
    t.expires_at, t.paid_at, t.completed_at, i.name, v.code, t.supplier_attempts, t.refund_required, t.payer_user_id,
    COALESCE(u.is_guest, 1), t.attention, t.attention_note, t.attention_at, t.late_paid_at, t.supplier_price,
    t.supplier_balance";

const FROM: &str = "FROM transactions t LEFT JOIN product_items i ON i.id = t.product_item_id
                    LEFT JOIN vouchers v ON v.id = t.voucher_id LEFT JOIN users u ON u.id = t.user_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OrderRow> {
    let data: Option<String> = r.get(14)?;
    Ok(OrderRow {
        id: r.get(0)?,
        code: r.get(1)?,
        user_id: r.get(2)?,
        product_item_id: r.get(3)?,
        voucher_id: r.get(4)?,
        transaction_type: r.get(5)?,
        payment_method_type: r.get(6)?,
        product_name: r.get(7)?,
        product_code: r.get(8)?,
        base_price: r.get(9)?,
        product_price: r.get(10)?,
        admin_fee: r.get(11)?,
        discount_amount: r.get(12)?,
        total_price: r.get(13)?,
        customer_data: data.and_then(|d| serde_json::from_str(&d).ok()).unwrap_or_default(),
        customer_no: r.get(15)?,
        contact_email: r.get(16)?,
        contact_phone: r.get(17)?,
        payment_method: r.get(18)?,
        status: r.get(19)?,
        payment_status: r.get(20)?,
        failed_reason: r.get(21)?,
        sn: r.get(22)?,
        supplier_message: r.get(23)?,
        idempotency_hash: r.get(24)?,
        created_at: r.get(25)?,
        expires_at: r.get(26)?,
        paid_at: r.get(27)?,
        completed_at: r.get(28)?,
        item_name: r.get(29)?,
        voucher_code: r.get(30)?,
        supplier_attempts: r.get(31)?,
        refund_required: r.get(32)?,
        payer_user_id: r.get(33)?,
        owner_is_guest: r.get(34)?,
        attention: r.get(35)?,
        attention_note: r.get(36)?,
        attention_at: r.get(37)?,
        late_paid_at: r.get(38)?,
        supplier_price: r.get(39)?,
        supplier_balance: r.get(40)?,
    })
}

pub fn find_by_code(c: &Connection, code: &str) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.transaction_code = ?1"), [code], from_row).optional()
}

pub fn find_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.id = ?1"), [id], from_row).optional()
}

pub fn find_by_idempotency_key(c: &Connection, key: &str) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.idempotency_key = ?1"), [key], from_row).optional()
}

#[derive(Debug, Default, Clone)]
pub struct OrderFilter {
    pub user_id: Option<i64>,
    pub transaction_type: Option<TransactionType>,
    pub status: Option<OrderStatus>,
    pub from: Option<String>,
    pub to: Option<String>,
}

pub fn list(c: &Connection, f: &OrderFilter, limit: i64, offset: i64) -> rusqlite::Result<(Vec<OrderRow>, i64)> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(u) = f.user_id {
        clauses.push("t.user_id = ?{n}");
        args.push(u.into());
    }
    if let Some(t) = f.transaction_type {
        clauses.push("t.transaction_type = ?{n}");
        args.push(t.as_str().to_string().into());
    }
    if let Some(s) = f.status {
        clauses.push("t.status = ?{n}");
        args.push(s.as_str().to_string().into());
    }
    if let Some(from) = &f.from {
        clauses.push("t.created_at >= ?{n}");
        args.push(from.clone().into());
    }
    if let Some(to) = &f.to {
        clauses.push("t.created_at < ?{n}");
        args.push(to.clone().into());
    }
    let w = numbered_where(&clauses);
    let total: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM transactions t {w}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let n = args.len();
    args.push(limit.into());
    args.push(offset.into());
    let mut s =
        c.prepare(&format!("SELECT {COLS} {FROM} {w} ORDER BY t.id DESC LIMIT ?{} OFFSET ?{}", n + 1, n + 2))?;
    let rows = s.query_map(rusqlite::params_from_iter(args.iter()), from_row)?.collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

pub fn payment_of(c: &Connection, transaction_id: i64) -> rusqlite::Result<Option<PaymentView>> {
    c.query_row(
        "SELECT payment_reference, payment_method, payment_channel, payment_code, checkout_url, pay_url, qr_string, qr_url,
                payment_instructions, amount, fee, total_amount, status, expired_at, paid_at
         FROM payments WHERE transaction_id = ?1",
        [transaction_id],
        |r| {
            let instr: Option<String> = r.get(8)?;
            Ok(PaymentView {
                reference: r.get(0)?,
                method: r.get(1)?,
                channel: r.get(2)?,
                pay_code: r.get(3)?,
                checkout_url: r.get(4)?,
                pay_url: r.get(5)?,
                qr_string: r.get(6)?,
                qr_url: r.get(7)?,
                instructions: instr.and_then(|i| serde_json::from_str(&i).ok()).unwrap_or_default(),
                amount: r.get(9)?,
                fee: r.get(10)?,
                total_amount: r.get(11)?,
                status: r.get(12)?,
                expires_at: r.get(13)?,
                paid_at: r.get(14)?,
            })
        },
    )
    .optional()
}

pub struct NewOrder<'a> {
    pub code: &'a str,
    pub user_id: i64,
    pub product_item_id: Option<i64>,
    pub customer_type: &'a str,
    pub payment_method_type: &'a str,
    pub transaction_type: TransactionType,
    pub product_name: &'a str,
    pub product_code: Option<&'a str>,
    pub base_price: i64,
    pub product_price: i64,
    pub customer_data: &'a str,
    pub customer_no: Option<&'a str>,
    pub customer_note: Option<&'a str>,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub contact_phone: Option<&'a str>,
    pub payment_method: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub idempotency_hash: Option<&'a str>,
    pub expires_at: &'a str,
    pub now: &'a str,
}

pub fn insert(tx: &Connection, o: &NewOrder<'_>) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO transactions (transaction_code, user_id, product_item_id, customer_type, payment_method_type,
             transaction_type, product_name, product_code, base_price, product_price, admin_fee, discount_amount,
             total_price, customer_data, customer_no, customer_note, contact_name, contact_email, contact_phone,
             payment_method, idempotency_key, idempotency_hash, expires_at, created_at, updated_at, payer_user_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, 0, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                 ?21, ?21, ?2)",
        params![
            o.code,
            o.user_id,
            o.product_item_id,
            o.customer_type,
            o.payment_method_type,
            o.transaction_type,
            o.product_name,
            o.product_code,
            o.base_price,
            o.product_price,
            o.customer_data,
            o.customer_no,
            o.customer_note,
            o.contact_name,
            o.contact_email,
            o.contact_phone,
            o.payment_method,
            o.idempotency_key,
            o.idempotency_hash,
            o.expires_at,
            o.now
        ],
    )?;
    Ok(tx.last_insert_rowid())
}
