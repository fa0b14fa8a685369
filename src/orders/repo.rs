//! All SQL of orders: `transactions`, their payments, Tripay callbacks, Digiflazz
//! webhooks and supplier calls, the order log, the fulfilment outbox. The statements
//! that move an order's state are `pub(super)` and only `lifecycle` calls them (a test
//! in `tests/architecture.rs` keeps it so).

use std::collections::HashMap;

use rusqlite::{params, params_from_iter, types::Value, Connection, OptionalExtension, Row};

use super::model::{
    Attention, CallbackEntry, ListOrder, LogEntry, OrderFilter, OrderSort, OrderStats, OrderStatus, PaymentStatus,
    PaymentView, RefundRequired, SupplierCall, TransactionType,
};
use crate::{
    bills::model::BillView,
    db::query::{self, Filter, Slice},
    digiflazz::model::SupplierOrder,
};

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
    /// A postpaid order: the bill as quoted, and its inquiry's ref_id.
    pub bill: Option<BillView>,
    pub inquiry_ref: Option<String>,
}

const COLS: &str = "t.id, t.transaction_code, t.user_id, t.product_item_id, t.voucher_id, t.transaction_type,
    t.payment_method_type, t.product_name, t.product_code, t.base_price, t.product_price, t.admin_fee, t.discount_amount,
    t.total_price, t.customer_data, t.customer_no, t.contact_email, t.contact_phone, t.payment_method, t.status,
    t.payment_status, t.failed_reason, t.digiflazz_serial_number, t.digiflazz_message, t.idempotency_hash, t.created_at,
    t.expires_at, t.paid_at, t.completed_at, i.name, v.code, t.supplier_attempts, t.refund_required, t.payer_user_id,
    COALESCE(u.is_guest, 1), t.attention, t.attention_note, t.attention_at, t.late_paid_at, t.supplier_price,
    t.supplier_balance, t.bill_data, t.inquiry_ref";

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
        bill: r.get::<_, Option<String>>(41)?.and_then(|b| serde_json::from_str(&b).ok()),
        inquiry_ref: r.get(42)?,
    })
}

const PAYMENT_COLS: &str = "p.payment_reference, p.payment_method, p.payment_channel, p.payment_code, p.checkout_url,
    p.pay_url, p.qr_string, p.qr_url, p.payment_instructions, p.amount, p.fee, p.total_amount, p.status, p.expired_at,
    p.paid_at";

/// The payment columns starting at `at` (a LEFT JOIN: None when there is no payment).
fn payment_from(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<PaymentView>> {
    let Some(reference) = r.get::<_, Option<String>>(at)? else { return Ok(None) };
    let instr: Option<String> = r.get(at + 8)?;
    Ok(Some(PaymentView {
        reference,
        method: r.get(at + 1)?,
        channel: r.get(at + 2)?,
        pay_code: r.get(at + 3)?,
        checkout_url: r.get(at + 4)?,
        pay_url: r.get(at + 5)?,
        qr_string: r.get(at + 6)?,
        qr_url: r.get(at + 7)?,
        instructions: instr.and_then(|i| serde_json::from_str(&i).ok()).unwrap_or_default(),
        amount: r.get(at + 9)?,
        fee: r.get(at + 10)?,
        total_amount: r.get(at + 11)?,
        status: r.get(at + 12)?,
        expires_at: r.get(at + 13)?,
        paid_at: r.get(at + 14)?,
    }))
}

/// Number of columns in `COLS`.
const COLS_LEN: usize = 43;

pub fn find_by_code(c: &Connection, code: &str) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.transaction_code = ?1"), [code], from_row).optional()
}

pub fn find_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.id = ?1"), [id], from_row).optional()
}

pub fn find_by_idempotency_key(c: &Connection, key: &str) -> rusqlite::Result<Option<OrderRow>> {
    c.query_row(&format!("SELECT {COLS} {FROM} WHERE t.idempotency_key = ?1"), [key], from_row).optional()
}

/// The order by code, with its payment (one query).
pub fn find_with_payment(c: &Connection, code: &str) -> rusqlite::Result<Option<(OrderRow, Option<PaymentView>)>> {
    c.query_row(
        &format!("SELECT {COLS}, {PAYMENT_COLS} {FROM} LEFT JOIN payments p ON p.transaction_id = t.id WHERE t.transaction_code = ?1"),
        [code],
        |r| Ok((from_row(r)?, payment_from(r, COLS_LEN)?)),
    )
    .optional()
}

pub fn payment_of(c: &Connection, transaction_id: i64) -> rusqlite::Result<Option<PaymentView>> {
    Ok(c.query_row(
        &format!("SELECT {PAYMENT_COLS} FROM payments p WHERE p.transaction_id = ?1"),
        [transaction_id],
        |r| payment_from(r, 0),
    )
    .optional()?
    .flatten())
}

pub fn id_by_code(c: &Connection, code: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT id FROM transactions WHERE transaction_code = ?1", [code], |r| r.get(0)).optional()
}

/// The order Digiflazz knows by `ref_id`: its code, or a bill's inquiry ref_id.
pub fn id_by_ref(c: &Connection, ref_id: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row(
        "SELECT id FROM transactions WHERE transaction_code = ?1
         UNION ALL SELECT id FROM transactions WHERE inquiry_ref = ?1 LIMIT 1",
        [ref_id],
        |r| r.get(0),
    )
    .optional()
}

/// Makes a new order a bill payment: the inquiry it pays and the bill as quoted.
pub fn set_bill(c: &Connection, id: i64, inquiry_ref: &str, inquired_on: &str, bill: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET prepaid_postpaid_type = 'postpaid', inquiry_ref = ?2, inquired_on = ?3, bill_data = ?4
         WHERE id = ?1",
        params![id, inquiry_ref, inquired_on, bill],
    )?;
    Ok(())
}

/// A bill re-inquired before any payment was sent: the new inquiry's ref_id and date.
pub fn reinquired(c: &Connection, id: i64, inquiry_ref: &str, inquired_on: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET inquiry_ref = ?2, inquired_on = ?3 WHERE id = ?1 AND prepaid_postpaid_type = 'postpaid'",
        params![id, inquiry_ref, inquired_on],
    )?;
    Ok(())
}

fn filter_of(f: &OrderFilter) -> Filter {
    let mut w = Filter::new();
    match f.attention {
        Some(true) => w.and("t.attention IS NOT NULL", []),
        Some(false) => w.and("t.attention IS NULL", []),
        None => &mut w,
    };
    match f.refund_required {
        Some(true) => w.and("t.refund_required = 1", []),
        Some(false) => w.and("t.refund_required = 0", []),
        None => &mut w,
    };
    w.eq("t.status", f.status)
        .eq("t.payment_status", f.payment_status)
        .eq("t.transaction_type", f.transaction_type)
        .eq("t.user_id", f.user_id)
        .contains(
            &[
                "t.transaction_code",
                "t.customer_no",
                "t.product_name",
                "t.contact_email",
                "t.contact_phone",
                "t.payment_method",
            ],
            f.search.as_deref(),
        )
        .range("t.created_at", f.from.clone(), f.to.clone());
    w
}

/// An order with its payment, as lists show it.
pub type Listed = (OrderRow, Option<PaymentView>);

/// A page of orders with their payments, in one query.
pub fn list(c: &Connection, f: &OrderFilter, order: ListOrder, slice: Slice) -> rusqlite::Result<(Vec<Listed>, i64)> {
    let order_by = match order {
        ListOrder::Sort(OrderSort::Newest) => "t.id DESC",
        ListOrder::Sort(OrderSort::Oldest) => "t.id ASC",
        ListOrder::Sort(OrderSort::TotalDesc) => "t.total_price DESC, t.id DESC",
        ListOrder::Sort(OrderSort::TotalAsc) => "t.total_price ASC, t.id DESC",
        ListOrder::OldestFlag => "t.attention_at, t.id",
    };
    let from = format!("{} LEFT JOIN payments p ON p.transaction_id = t.id", FROM.trim_start_matches("FROM "));
    query::page(c, &format!("{COLS}, {PAYMENT_COLS}"), &from, &filter_of(f), order_by, slice, |r| {
        Ok((from_row(r)?, payment_from(r, COLS_LEN)?))
    })
}

/// Counts by status and payment status, revenue and profit of the orders a filter selects.
pub fn stats(c: &Connection, f: &OrderFilter) -> rusqlite::Result<OrderStats> {
    let w = filter_of(f);
    let (sql_where, p) = (w.where_sql(), w.params());
    let group = |col: &str| -> rusqlite::Result<serde_json::Value> {
        let mut s = c.prepare(&format!("SELECT t.{col}, COUNT(*) FROM transactions t {sql_where} GROUP BY t.{col}"))?;
        let mut m = serde_json::Map::new();
        for row in s.query_map(params_from_iter(p), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (k, v) = row?;
            m.insert(k, v.into());
        }
        Ok(serde_json::Value::Object(m))
    };
    let total: i64 =
        c.query_row(&format!("SELECT COUNT(*) FROM transactions t {sql_where}"), params_from_iter(p), |r| r.get(0))?;
    let and = if sql_where.is_empty() { "WHERE" } else { "AND" };
    let (revenue, profit): (i64, i64) = c.query_row(
        &format!(
            "SELECT COALESCE(SUM(t.product_price - t.discount_amount), 0),
                    COALESCE(SUM(t.product_price - t.discount_amount - COALESCE(t.supplier_price, t.base_price)), 0)
             FROM transactions t {sql_where} {and} t.status = 'success' AND t.transaction_type = 'purchase'"
        ),
        params_from_iter(p),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(OrderStats { total, by_status: group("status")?, by_payment_status: group("payment_status")?, revenue, profit })
}

pub fn logs_of(c: &Connection, id: i64) -> rusqlite::Result<Vec<LogEntry>> {
    let mut s = c.prepare(
        "SELECT status_from, status_to, message, meta_data, created_by, created_at FROM transaction_logs
         WHERE transaction_id = ?1 ORDER BY id",
    )?;
    let rows = s.query_map([id], |r| {
        let meta: Option<String> = r.get(3)?;
        Ok(LogEntry {
            status_from: r.get(0)?,
            status_to: r.get(1)?,
            message: r.get(2)?,
            meta_data: meta.and_then(|m| serde_json::from_str(&m).ok()),
            created_by: r.get(4)?,
            created_at: r.get(5)?,
        })
    })?;
    rows.collect()
}

pub fn callbacks_of(c: &Connection, id: i64) -> rusqlite::Result<Vec<CallbackEntry>> {
    let mut s = c.prepare(
        "SELECT pc.id, pc.event, pc.is_valid, pc.processed, pc.outcome, pc.ip_address, pc.callback_data, pc.created_at
         FROM payment_callbacks pc JOIN payments p ON p.id = pc.payment_id WHERE p.transaction_id = ?1 ORDER BY pc.id",
    )?;
    let rows = s.query_map([id], |r| {
        Ok(CallbackEntry {
            id: r.get(0)?,
            event: r.get(1)?,
            is_valid: r.get(2)?,
            processed: r.get(3)?,
            outcome: r.get(4)?,
            ip_address: r.get(5)?,
            callback_data: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    rows.collect()
}

pub fn supplier_calls_of(c: &Connection, id: i64) -> rusqlite::Result<Vec<SupplierCall>> {
    let mut s = c.prepare(
        "SELECT kind, outcome, rc, message, payload, created_at, price, balance_after FROM supplier_calls
         WHERE transaction_id = ?1 ORDER BY id",
    )?;
    let rows = s.query_map([id], |r| {
        Ok(SupplierCall {
            kind: r.get(0)?,
            outcome: r.get(1)?,
            rc: r.get(2)?,
            message: r.get(3)?,
            payload: r.get(4)?,
            created_at: r.get(5)?,
            price: r.get(6)?,
            balance_after: r.get(7)?,
        })
    })?;
    rows.collect()
}

/// Paid orders that failed and still need their money returned.
pub fn refund_required(c: &Connection) -> rusqlite::Result<Vec<RefundRequired>> {
    let mut s = c.prepare(
        "SELECT t.transaction_code, t.user_id, t.contact_email, t.contact_phone, COALESCE(u.is_guest, 1),
                t.product_name, t.total_price, t.payment_method, t.status, t.failed_reason, t.created_at
         FROM transactions t LEFT JOIN users u ON u.id = t.user_id
         WHERE t.refund_required = 1 ORDER BY t.id",
    )?;
    let rows = s.query_map([], |r| {
        Ok(RefundRequired {
            transaction_code: r.get(0)?,
            user_id: r.get(1)?,
            contact_email: r.get(2)?,
            contact_phone: r.get(3)?,
            is_guest: r.get(4)?,
            product_name: r.get(5)?,
            total_price: r.get(6)?,
            payment_method: r.get(7)?,
            status: r.get(8)?,
            failed_reason: r.get(9)?,
            created_at: r.get(10)?,
        })
    })?;
    rows.collect()
}

// --- checkout ------------------------------------------------------------------------------

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

pub fn insert(tx: &Connection, o: &NewOrder<'_>) -> rusqlite::Result<i64> {
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

/// The voucher an order used, and the discount it gave.
pub fn set_voucher(c: &Connection, id: i64, voucher_id: i64, discount: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET voucher_id = ?2, discount_amount = ?3, total_price = product_price - ?3 WHERE id = ?1",
        params![id, voucher_id, discount],
    )?;
    Ok(())
}

/// A payment created at the gateway.
pub struct NewPaymentRow<'a> {
    pub order_id: i64,
    pub reference: &'a str,
    pub method: &'a str,
    pub channel: &'a str,
    pub pay_code: Option<&'a str>,
    pub amount: i64,
    pub fee: i64,
    pub merchant_ref: &'a str,
    pub customer_name: &'a str,
    pub customer_email: &'a str,
    pub customer_phone: Option<&'a str>,
    pub qr_string: Option<&'a str>,
    pub qr_url: Option<&'a str>,
    pub checkout_url: Option<&'a str>,
    pub pay_url: Option<&'a str>,
    pub instructions: &'a str,
    pub expires_at: &'a str,
}

/// The payment row, and the gateway fee on its order.
pub fn insert_payment(c: &Connection, p: &NewPaymentRow<'_>) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO payments (transaction_id, payment_reference, payment_method, payment_channel, payment_code,
             amount, fee, total_amount, tripay_merchant_ref, tripay_customer_name, tripay_customer_email,
             tripay_customer_phone, qr_string, qr_url, checkout_url, pay_url, payment_instructions, expired_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
        params![
            p.order_id,
            p.reference,
            p.method,
            p.channel,
            p.pay_code,
            p.amount,
            p.fee,
            p.amount + p.fee,
            p.merchant_ref,
            p.customer_name,
            p.customer_email,
            p.customer_phone,
            p.qr_string,
            p.qr_url,
            p.checkout_url,
            p.pay_url,
            p.instructions,
            p.expires_at
        ],
    )?;
    c.execute(
        "UPDATE transactions SET admin_fee = ?2, total_price = product_price - discount_amount + ?2 WHERE id = ?1",
        params![p.order_id, p.fee],
    )?;
    Ok(())
}

// --- payments: callbacks, deadlines ---------------------------------------------------------

/// The order a payment reference belongs to: (order id, expected total, order code).
pub fn order_of_payment(c: &Connection, reference: &str) -> rusqlite::Result<Option<(i64, i64, String)>> {
    c.query_row(
        "SELECT p.transaction_id, p.total_amount, t.transaction_code FROM payments p
         JOIN transactions t ON t.id = p.transaction_id WHERE p.payment_reference = ?1",
        [reference],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// Unpaid orders whose deadline has passed.
pub fn due_for_expiry(c: &Connection, now: &str) -> rusqlite::Result<Vec<i64>> {
    let mut s = c.prepare(
        "SELECT id FROM transactions
         WHERE status = 'pending' AND payment_status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?1",
    )?;
    let rows = s.query_map([now], |r| r.get(0))?;
    rows.collect()
}

/// One Tripay callback as received (before it is acted on); returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert_callback(
    c: &Connection,
    reference: Option<&str>,
    merchant_ref: Option<&str>,
    event: Option<&str>,
    raw: &str,
    signature: &str,
    ip: &str,
    valid: bool,
) -> rusqlite::Result<i64> {
    let payment_id: Option<i64> = match reference {
        Some(r) => c.query_row("SELECT id FROM payments WHERE payment_reference = ?1", [r], |r| r.get(0)).optional()?,
        None => None,
    };
    c.execute(
        "INSERT INTO payment_callbacks (payment_id, reference, merchant_ref, event, callback_data, signature, ip_address,
                                        is_valid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![payment_id, reference, merchant_ref, event, raw, signature, ip, valid],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn finish_callback(c: &Connection, id: i64, processed: bool, outcome: &str, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE payment_callbacks SET processed = ?2, outcome = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, processed, outcome, now],
    )?;
    Ok(())
}

pub fn prune_callbacks(c: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    c.execute("DELETE FROM payment_callbacks WHERE created_at < ?1", [cutoff])
}

// --- fulfilment: the supplier ---------------------------------------------------------------

/// What a supplier call needs to know about an order.
pub struct ClaimRow {
    pub code: String,
    pub sku: String,
    pub customer_no: String,
    pub next_check: Option<String>,
    pub created_at: String,
    pub attempts: i64,
    pub last_call: Option<String>,
    pub base_price: i64,
    pub status: OrderStatus,
    pub kind: TransactionType,
    pub attention: Option<Attention>,
    /// A bill: the inquiry's ref_id (what Digiflazz knows the payment by), its Jakarta
    /// date, and the bill amount as quoted.
    pub inquiry_ref: Option<String>,
    pub inquired_on: Option<String>,
    pub bill_amount: Option<i64>,
}

pub fn claim_row(c: &Connection, id: i64) -> rusqlite::Result<Option<ClaimRow>> {
    c.query_row(
        "SELECT transaction_code, COALESCE(product_code, ''), COALESCE(customer_no, ''), next_check_at, created_at,
                supplier_attempts, last_supplier_call_at, base_price, status, transaction_type, attention,
                CASE WHEN prepaid_postpaid_type = 'postpaid' THEN inquiry_ref END, inquired_on,
                json_extract(bill_data, '$.bill_amount')
         FROM transactions WHERE id = ?1",
        [id],
        |r| {
            Ok(ClaimRow {
                code: r.get(0)?,
                sku: r.get(1)?,
                customer_no: r.get(2)?,
                next_check: r.get(3)?,
                created_at: r.get(4)?,
                attempts: r.get(5)?,
                last_call: r.get(6)?,
                base_price: r.get(7)?,
                status: r.get(8)?,
                kind: r.get(9)?,
                attention: r.get(10)?,
                inquiry_ref: r.get(11)?,
                inquired_on: r.get(12)?,
                bill_amount: r.get(13)?,
            })
        },
    )
    .optional()
}

/// Pushes the next check to at least `at`.
pub fn defer_check(c: &Connection, id: i64, at: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET next_check_at = MAX(COALESCE(next_check_at, ''), ?2) WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// When to ask the supplier next (None: not automatically).
pub fn set_next_check(c: &Connection, id: i64, at: Option<&str>) -> rusqlite::Result<()> {
    c.execute("UPDATE transactions SET next_check_at = ?2 WHERE id = ?1", params![id, at])?;
    Ok(())
}

/// A processing order becomes due for a check now (an admin's job retry).
pub fn make_due(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.execute("UPDATE transactions SET next_check_at = NULL WHERE id = ?1 AND status = 'processing'", [id])?;
    Ok(())
}

/// Takes the order for one supplier call: counted, and left alone by others until `lease_until`.
pub fn take_lease(c: &Connection, id: i64, lease_until: &str, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET next_check_at = ?2, supplier_attempts = supplier_attempts + 1, last_supplier_call_at = ?3
         WHERE id = ?1",
        params![id, lease_until, now],
    )?;
    Ok(())
}

pub fn status_of(c: &Connection, id: i64) -> rusqlite::Result<OrderStatus> {
    c.query_row("SELECT status FROM transactions WHERE id = ?1", [id], |r| r.get(0))
}

/// At start-up: every processing order becomes due now.
pub fn release_leases(c: &Connection, now: &str) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE transactions SET next_check_at = ?1
         WHERE status = 'processing' AND transaction_type = 'purchase' AND next_check_at > ?1",
        [now],
    )
}

/// Orders whose check is due, and paid orders that never got a job since `stale`.
pub fn due_checks(c: &Connection, now: &str, stale: &str, limit: i64) -> rusqlite::Result<Vec<(i64, String)>> {
    let mut s = c.prepare(
        "SELECT id, transaction_code FROM transactions
         WHERE status = 'processing' AND transaction_type = 'purchase'
           AND ((next_check_at IS NOT NULL AND next_check_at <= ?1)
                OR (next_check_at IS NULL AND supplier_attempts = 0 AND processed_at <= ?2))
         ORDER BY id LIMIT ?3",
    )?;
    let rows = s.query_map(params![now, stale, limit], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Undispatched fulfilment outbox rows: (outbox id, order id, order code).
pub fn outbox_pending(c: &Connection, limit: i64) -> rusqlite::Result<Vec<(i64, i64, String)>> {
    let mut s = c.prepare_cached(
        "SELECT o.id, o.transaction_id, t.transaction_code FROM fulfilment_outbox o
         JOIN transactions t ON t.id = o.transaction_id
         WHERE o.dispatched_at IS NULL ORDER BY o.id LIMIT ?1",
    )?;
    let rows = s.query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

pub fn mark_dispatched(c: &Connection, outbox_id: i64, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE fulfilment_outbox SET dispatched_at = ?2 WHERE id = ?1", params![outbox_id, now])?;
    Ok(())
}

/// One Digiflazz webhook as received; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert_webhook(
    c: &Connection,
    event: Option<&str>,
    delivery_id: Option<&str>,
    user_agent: Option<&str>,
    signature: Option<&str>,
    verified: bool,
    raw: &str,
    ref_id: Option<&str>,
    status: Option<&str>,
    rc: Option<&str>,
    ip: Option<&str>,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO supplier_webhooks (event, delivery_id, user_agent, signature, verified, raw_body, ref_id, status, rc,
                                        ip_address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![event, delivery_id, user_agent, signature, verified, raw, ref_id, status, rc, ip],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn finish_webhook(c: &Connection, id: i64, outcome: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE supplier_webhooks SET outcome = ?2 WHERE id = ?1", params![id, outcome])?;
    Ok(())
}

pub fn prune_webhooks(c: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    c.execute("DELETE FROM supplier_webhooks WHERE created_at < ?1", [cutoff])
}

// --- the state machine's statements (called by `lifecycle` only) ---------------------------

/// The order as the state machine sees it.
#[derive(Debug, Clone)]
pub struct OrderState {
    pub id: i64,
    pub code: String,
    pub kind: TransactionType,
    pub user_id: Option<i64>,
    pub payer: Option<i64>,
    /// The payer is a live member (refunds go to its balance), not a guest.
    pub payer_member: bool,
    pub status: OrderStatus,
    pub payment: PaymentStatus,
    pub method_type: String,
    pub product_name: String,
    pub product_price: i64,
    pub total_price: i64,
    pub base_price: i64,
    pub item_id: Option<i64>,
    pub refund_required: bool,
    pub attention: Option<Attention>,
    /// The gateway payment row: (id, status).
    pub gateway: Option<(i64, String)>,
}

pub(super) fn load_state(c: &Connection, id: i64) -> rusqlite::Result<Option<OrderState>> {
    c.prepare_cached(
        "SELECT t.id, t.transaction_code, t.transaction_type, t.user_id, t.payer_user_id,
                EXISTS (SELECT 1 FROM users u WHERE u.id = t.payer_user_id AND u.is_guest = 0 AND u.deleted_at IS NULL),
                t.status, t.payment_status, t.payment_method_type, COALESCE(t.product_name, ''), t.product_price,
                t.total_price, t.base_price, t.product_item_id, t.refund_required, t.attention, p.id, p.status
         FROM transactions t LEFT JOIN payments p ON p.transaction_id = t.id WHERE t.id = ?1",
    )?
    .query_row([id], |r| {
        let payment_id: Option<i64> = r.get(16)?;
        let payment_status: Option<String> = r.get(17)?;
        Ok(OrderState {
            id: r.get(0)?,
            code: r.get(1)?,
            kind: r.get(2)?,
            user_id: r.get(3)?,
            payer: r.get(4)?,
            payer_member: r.get(5)?,
            status: r.get(6)?,
            payment: r.get(7)?,
            method_type: r.get(8)?,
            product_name: r.get(9)?,
            product_price: r.get(10)?,
            total_price: r.get(11)?,
            base_price: r.get(12)?,
            item_id: r.get(13)?,
            refund_required: r.get(14)?,
            attention: r.get(15)?,
            gateway: payment_id.zip(payment_status),
        })
    })
    .optional()
}

/// A column a move stamps along with the state.
#[derive(Debug, Clone)]
pub enum Stamp {
    PaidAt,
    ProcessedAt,
    CompletedAt,
    FailedAt,
    ExpiredAt,
    RefundedAt,
    LatePaidAt,
    FailedReason(String),
    Serial(String),
    RefundRequired(bool),
}

/// Moves `status` and `payment_status` from exactly what was read (false: the order
/// changed meanwhile), stamping `stamps`; leaving processing ends the supplier checks.
pub(super) fn move_state(
    c: &Connection,
    o: &OrderState,
    to: OrderStatus,
    pay: PaymentStatus,
    stamps: &[Stamp],
    now: &str,
) -> rusqlite::Result<bool> {
    let mut sql = String::from("UPDATE transactions SET status = ?1, payment_status = ?2, updated_at = ?3");
    let text = |s: &str| Value::Text(s.to_string());
    let mut args: Vec<Value> = vec![text(to.as_str()), text(pay.as_str()), text(now)];
    if o.status == OrderStatus::Processing && to != OrderStatus::Processing {
        sql.push_str(", next_check_at = NULL");
    }
    for s in stamps {
        let (col, v): (&str, Value) = match s {
            Stamp::PaidAt => ("paid_at", text(now)),
            Stamp::ProcessedAt => ("processed_at", text(now)),
            Stamp::CompletedAt => ("completed_at", text(now)),
            Stamp::FailedAt => ("failed_at", text(now)),
            Stamp::ExpiredAt => ("expired_at", text(now)),
            Stamp::RefundedAt => ("refunded_at", text(now)),
            Stamp::LatePaidAt => ("late_paid_at", text(now)),
            Stamp::FailedReason(r) => ("failed_reason", text(r)),
            Stamp::Serial(sn) => ("digiflazz_serial_number", text(sn)),
            Stamp::RefundRequired(b) => ("refund_required", i64::from(*b).into()),
        };
        args.push(v);
        sql.push_str(&format!(", {col} = ?{}", args.len()));
    }
    let n = args.len();
    sql.push_str(&format!(" WHERE id = ?{} AND status = ?{} AND payment_status = ?{}", n + 1, n + 2, n + 3));
    args.extend([Value::Integer(o.id), text(o.status.as_str()), text(o.payment.as_str())]);
    Ok(c.execute(&sql, params_from_iter(args))? == 1)
}

/// The gateway payment's status, from exactly `from`.
pub(super) fn move_payment(c: &Connection, payment_id: i64, from: &str, to: &str, now: &str) -> rusqlite::Result<()> {
    let paid_at = (to == "paid").then_some(now);
    c.execute(
        "UPDATE payments SET status = ?2, paid_at = COALESCE(?3, paid_at), updated_at = ?4 WHERE id = ?1 AND status = ?5",
        params![payment_id, to, paid_at, now, from],
    )?;
    Ok(())
}

pub(super) fn mark_refund_required(c: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE transactions SET refund_required = 1, updated_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(())
}

/// Puts the order on the attention list (None: takes it off).
pub(super) fn set_attention(
    c: &Connection,
    id: i64,
    flag: Option<(Attention, &str)>,
    now: &str,
) -> rusqlite::Result<()> {
    let (kind, note) = flag.map(|(k, n)| (Some(k), Some(n))).unwrap_or((None, None));
    c.execute(
        "UPDATE transactions SET attention = ?2, attention_note = ?3, attention_at = CASE WHEN ?2 IS NULL THEN NULL ELSE ?4 END,
                updated_at = ?4
         WHERE id = ?1",
        params![id, kind, note, now],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn insert_log(
    c: &Connection,
    id: i64,
    from: &str,
    to: &str,
    message: &str,
    meta: Option<&serde_json::Value>,
    by: Option<i64>,
    now: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO transaction_logs (transaction_id, status_from, status_to, message, meta_data, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id, from, to, message, meta.map(|m| m.to_string()), by, now])?;
    Ok(())
}

pub(super) fn queue_fulfilment(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO fulfilment_outbox (transaction_id) VALUES (?1)")?.execute([id])?;
    Ok(())
}

pub(super) fn count_sale(c: &Connection, item_id: i64) -> rusqlite::Result<()> {
    c.execute("UPDATE product_items SET total_sold = total_sold + 1 WHERE id = ?1", [item_id])?;
    Ok(())
}

pub(super) fn serial_of(c: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT digiflazz_serial_number FROM transactions WHERE id = ?1", [id], |r| r.get(0))
}

pub(super) fn insert_supplier_call(c: &Connection, id: i64, a: &SupplierOrder, kind: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO supplier_calls (transaction_id, ref_id, kind, outcome, rc, message, payload, price, balance_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![id, a.ref_id, kind, a.status.as_str(), a.rc, a.message, a.raw, a.price, a.balance_after])?;
    Ok(())
}

/// A decisive answer describes the order: the supplier's message, status, code, price.
pub(super) fn record_answer(c: &Connection, id: i64, a: &SupplierOrder, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET digiflazz_message = ?2, digiflazz_status = ?3, digiflazz_rc = ?4,
                digiflazz_trx_id = COALESCE(?5, digiflazz_trx_id), supplier_price = COALESCE(?6, supplier_price),
                supplier_balance = COALESCE(?7, supplier_balance), updated_at = ?8
         WHERE id = ?1",
        params![id, a.message, a.status_text, a.rc, a.trx_id, a.price, a.balance_after, now],
    )?;
    Ok(())
}

/// A delivery after the order closed: its serial number and what it cost, kept.
pub(super) fn record_late_delivery(c: &Connection, id: i64, a: &SupplierOrder, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE transactions SET digiflazz_serial_number = ?2, digiflazz_status = ?3, digiflazz_rc = ?4,
                digiflazz_message = ?5, supplier_price = COALESCE(?6, supplier_price), updated_at = ?7
         WHERE id = ?1",
        params![id, a.sn, a.status_text, a.rc, a.message, a.price, now],
    )?;
    Ok(())
}

/// Whether an order for this item and customer number, made since `since`, is waiting
/// for payment, at the supplier, or delivered (failed and expired ones do not count).
pub fn recent_for_number(c: &Connection, item_id: i64, customer_no: &str, since: &str) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM transactions
                        WHERE customer_no = ?2 AND product_item_id = ?1 AND created_at >= ?3
                          AND status IN ('pending', 'processing', 'success'))",
        params![item_id, customer_no, since],
        |r| r.get(0),
    )
}
