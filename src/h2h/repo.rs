//! The SQL of API keys.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{KeyRow, KeyStatus};

const COLS: &str = "k.id, k.key_id, k.user_id, k.name, k.secret_version, k.ip_whitelist, k.status, k.last_used_at,
    k.last_ip, k.created_at, (u.status = 'active' AND u.deleted_at IS NULL), k.callback_url,
    k.otomax_enabled, k.report_url";

fn from_row(r: &Row<'_>) -> rusqlite::Result<KeyRow> {
    let list: String = r.get(5)?;
    Ok(KeyRow {
        id: r.get(0)?,
        key_id: r.get(1)?,
        user_id: r.get(2)?,
        name: r.get(3)?,
        secret_version: r.get(4)?,
        ip_whitelist: serde_json::from_str(&list).unwrap_or_default(),
        status: r.get(6)?,
        last_used_at: r.get(7)?,
        last_ip: r.get(8)?,
        created_at: r.get(9)?,
        owner_active: r.get(10)?,
        callback_url: r.get(11)?,
        otomax_enabled: r.get(12)?,
        report_url: r.get(13)?,
    })
}

pub fn insert(
    c: &Connection,
    key_id: &str,
    user_id: i64,
    name: &str,
    check: &str,
    whitelist: &str,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO api_keys (key_id, user_id, name, secret_check, ip_whitelist) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![key_id, user_id, name, check, whitelist],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn find(c: &Connection, key_id: &str) -> rusqlite::Result<Option<KeyRow>> {
    c.query_row(
        &format!("SELECT {COLS} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_id = ?1"),
        [key_id],
        from_row,
    )
    .optional()
}

/// A user's keys (revoked ones too), newest first; or, without a user, everyone's.
pub fn list(c: &Connection, user_id: Option<i64>) -> rusqlite::Result<Vec<KeyRow>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM api_keys k JOIN users u ON u.id = k.user_id
         WHERE ?1 IS NULL OR k.user_id = ?1 ORDER BY k.id DESC LIMIT 500"
    ))?;
    let rows = s.query_map([user_id], from_row)?;
    rows.collect()
}

/// A new secret version; returns it.
pub fn rotate(c: &Connection, id: i64, check_of: impl Fn(i64) -> String, now: &str) -> rusqlite::Result<i64> {
    let version: i64 = c.query_row("SELECT secret_version + 1 FROM api_keys WHERE id = ?1", [id], |r| r.get(0))?;
    c.execute(
        "UPDATE api_keys SET secret_version = ?2, secret_check = ?3, updated_at = ?4 WHERE id = ?1",
        params![id, version, check_of(version), now],
    )?;
    Ok(version)
}

/// Moves a key's status; a revoked key never moves again (false: it was revoked).
pub fn set_status(c: &Connection, id: i64, status: KeyStatus, now: &str) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE api_keys SET status = ?2, updated_at = ?3 WHERE id = ?1 AND status <> 'revoked'",
        params![id, status, now],
    )? == 1)
}

pub fn set_whitelist(c: &Connection, id: i64, whitelist: &str, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET ip_whitelist = ?2, updated_at = ?3 WHERE id = ?1", params![id, whitelist, now])?;
    Ok(())
}

pub fn touch(c: &Connection, id: i64, now: &str, ip: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET last_used_at = ?2, last_ip = ?3 WHERE id = ?1", params![id, now, ip])?;
    Ok(())
}

// --- orders and callbacks -------------------------------------------------------------------

/// Notes which key placed an order under which ref_id, and where its callbacks go.
pub fn link_order(
    c: &Connection,
    transaction_id: i64,
    key_id: i64,
    ref_id: &str,
    callback_url: Option<&str>,
    via_otomax: bool,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO h2h_orders (transaction_id, api_key_id, ref_id, callback_url, via_otomax)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![transaction_id, key_id, ref_id, callback_url, via_otomax],
    )?;
    Ok(())
}

pub fn enable_otomax(c: &Connection, id: i64, report_url: Option<&str>, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE api_keys SET otomax_enabled = 1, report_url = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, report_url, now],
    )?;
    Ok(())
}

pub fn set_callback_url(c: &Connection, id: i64, url: Option<&str>, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET callback_url = ?2, updated_at = ?3 WHERE id = ?1", params![id, url, now])?;
    Ok(())
}

pub fn callback_url_of(c: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    c.query_row("SELECT callback_url FROM api_keys WHERE id = ?1", [id], |r| r.get(0))
}

/// An H2H order that reached a final state without a callback for it yet.
pub struct Settled {
    pub transaction_id: i64,
    pub key_id: i64,
    pub ref_id: String,
    /// The report URL (counter software, GET) or the callback URL (POST).
    pub url: String,
    pub via_otomax: bool,
    pub status: String,
    pub code: String,
    pub sn: Option<String>,
    pub price: i64,
    pub message: Option<String>,
    pub sku: Option<String>,
    pub customer_no: Option<String>,
}

pub fn settled_without_callback(c: &Connection, since: &str, limit: i64) -> rusqlite::Result<Vec<Settled>> {
    let mut s = c.prepare(
        "SELECT h.transaction_id, h.api_key_id, h.ref_id,
                CASE WHEN h.via_otomax = 1 THEN k.report_url ELSE COALESCE(h.callback_url, k.callback_url) END AS url,
                h.via_otomax, t.status, t.transaction_code, t.digiflazz_serial_number, t.total_price,
                COALESCE(t.failed_reason, t.digiflazz_message), t.product_code, t.customer_no
         FROM h2h_orders h JOIN transactions t ON t.id = h.transaction_id JOIN api_keys k ON k.id = h.api_key_id
         WHERE t.status IN ('success', 'failed', 'refunded') AND t.updated_at >= ?1 AND url IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM h2h_callbacks b WHERE b.transaction_id = h.transaction_id
                           AND b.event = 'order.' || t.status)
         LIMIT ?2",
    )?;
    let rows = s.query_map(params![since, limit], |r| {
        Ok(Settled {
            transaction_id: r.get(0)?,
            key_id: r.get(1)?,
            ref_id: r.get(2)?,
            url: r.get(3)?,
            via_otomax: r.get(4)?,
            status: r.get(5)?,
            code: r.get(6)?,
            sn: r.get(7)?,
            price: r.get(8)?,
            message: r.get(9)?,
            sku: r.get(10)?,
            customer_no: r.get(11)?,
        })
    })?;
    rows.collect()
}

/// A callback to send; false when that order already has one for this event.
#[allow(clippy::too_many_arguments)]
pub fn enqueue(
    c: &Connection,
    key_id: i64,
    transaction_id: Option<i64>,
    event: &str,
    method: &str,
    url: &str,
    body: &str,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    let n = c.execute(
        "INSERT OR IGNORE INTO h2h_callbacks (api_key_id, transaction_id, event, method, url, body, next_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![key_id, transaction_id, event, method, url, body, now],
    )?;
    Ok((n == 1).then(|| c.last_insert_rowid()))
}

/// A due callback: (id, key id, url, body, event, attempts, method).
pub type DueCallback = (i64, i64, String, String, String, i64, String);

/// Takes the due callbacks for one delivery each: their next try moves to `lease` so no
/// other run sends them meanwhile.
pub fn claim_due(c: &Connection, now: &str, lease: &str, limit: i64) -> rusqlite::Result<Vec<DueCallback>> {
    let mut s = c.prepare(
        "SELECT id, api_key_id, url, body, event, attempts, method FROM h2h_callbacks
         WHERE status = 'pending' AND next_at <= ?1 ORDER BY next_at LIMIT ?2",
    )?;
    let rows: Vec<DueCallback> = s
        .query_map(params![now, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<Result<_, _>>()?;
    for r in &rows {
        c.execute("UPDATE h2h_callbacks SET next_at = ?2 WHERE id = ?1", params![r.0, lease])?;
    }
    Ok(rows)
}

/// One attempt and what it did to the callback.
#[allow(clippy::too_many_arguments)]
pub fn record_attempt(
    c: &Connection,
    id: i64,
    now: &str,
    code: Option<i64>,
    error: Option<&str>,
    ms: i64,
    delivered: bool,
    next_at: Option<&str>,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO h2h_callback_attempts (callback_id, at, http_code, error, ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, now, code, error, ms],
    )?;
    c.execute(
        "UPDATE h2h_callbacks SET attempts = attempts + 1, last_code = ?2, last_error = ?3 WHERE id = ?1",
        params![id, code, error],
    )?;
    let to = if delivered {
        "delivered"
    } else if next_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    move_callback(c, id, None, to, next_at, now)?;
    Ok(())
}

/// The one writer of a callback's state: `pending` (due at `next_at`), `delivered` or
/// `failed`. With `key_id`, only that key's callback moves; false when none did.
pub fn move_callback(
    c: &Connection,
    id: i64,
    key_id: Option<i64>,
    to: &str,
    next_at: Option<&str>,
    now: &str,
) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE h2h_callbacks SET status = ?3, next_at = COALESCE(?4, next_at),
             delivered_at = CASE WHEN ?3 = 'delivered' THEN ?5 ELSE delivered_at END
         WHERE id = ?1 AND (?2 IS NULL OR api_key_id = ?2)",
        params![id, key_id, to, next_at, now],
    )? == 1)
}

/// A callback as the reseller's delivery log shows it.
pub type CallbackRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn callbacks_of(c: &Connection, key_id: i64, limit: i64) -> rusqlite::Result<Vec<CallbackRow>> {
    let mut s = c.prepare(
        "SELECT b.id, b.event, b.url, b.status, b.attempts, b.last_code, b.last_error, b.created_at, b.delivered_at,
                t.transaction_code, h.ref_id
         FROM h2h_callbacks b LEFT JOIN transactions t ON t.id = b.transaction_id
              LEFT JOIN h2h_orders h ON h.transaction_id = b.transaction_id
         WHERE b.api_key_id = ?1 ORDER BY b.id DESC LIMIT ?2",
    )?;
    let rows = s.query_map(params![key_id, limit], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
        ))
    })?;
    rows.collect()
}

pub fn find_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<KeyRow>> {
    c.query_row(
        &format!("SELECT {COLS} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ?1"),
        [id],
        from_row,
    )
    .optional()
}

/// Every key's volume, errors and last callback, by key row id.
pub fn stats(c: &Connection) -> rusqlite::Result<std::collections::HashMap<i64, super::model::KeyStats>> {
    let mut s = c.prepare(
        "SELECT k.id,
                (SELECT COUNT(*) FROM h2h_orders h WHERE h.api_key_id = k.id),
                (SELECT COUNT(*) FROM h2h_orders h JOIN transactions t ON t.id = h.transaction_id
                 WHERE h.api_key_id = k.id AND t.status = 'success'),
                (SELECT COUNT(*) FROM h2h_orders h JOIN transactions t ON t.id = h.transaction_id
                 WHERE h.api_key_id = k.id AND t.status IN ('failed', 'refunded')),
                (SELECT COALESCE(SUM(t.total_price), 0) FROM h2h_orders h JOIN transactions t ON t.id = h.transaction_id
                 WHERE h.api_key_id = k.id AND t.status = 'success'),
                (SELECT COUNT(*) FROM h2h_callbacks b WHERE b.api_key_id = k.id AND b.status = 'pending'),
                (SELECT COUNT(*) FROM h2h_callbacks b WHERE b.api_key_id = k.id AND b.status = 'failed'),
                b.created_at, b.status, b.last_code
         FROM api_keys k LEFT JOIN h2h_callbacks b ON b.id = (SELECT MAX(id) FROM h2h_callbacks WHERE api_key_id = k.id)",
    )?;
    let rows = s.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            super::model::KeyStats {
                orders: r.get(1)?,
                orders_success: r.get(2)?,
                orders_failed: r.get(3)?,
                volume: r.get(4)?,
                callbacks_pending: r.get(5)?,
                callbacks_failed: r.get(6)?,
                last_callback_at: r.get(7)?,
                last_callback_status: r.get(8)?,
                last_callback_code: r.get(9)?,
            },
        ))
    })?;
    rows.collect()
}

/// An active key with a callback URL: (id, user id, reseller?, url, last price-list tag).
pub type Watching = (i64, i64, bool, String, Option<String>);

pub fn keys_watching_products(c: &Connection) -> rusqlite::Result<Vec<Watching>> {
    let mut s = c.prepare(
        "SELECT k.id, k.user_id, u.customer_type = 'reseller', k.callback_url, k.products_etag
         FROM api_keys k JOIN users u ON u.id = k.user_id
         WHERE k.status = 'active' AND k.callback_url IS NOT NULL AND u.status = 'active' AND u.deleted_at IS NULL",
    )?;
    let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    rows.collect()
}

pub fn set_products_etag(c: &Connection, id: i64, etag: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET products_etag = ?2 WHERE id = ?1", params![id, etag])?;
    Ok(())
}
