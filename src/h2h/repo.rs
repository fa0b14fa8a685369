//! The SQL of API keys.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{KeyRow, KeyStatus};

const COLS: &str = "k.id, k.key_id, k.user_id, k.name, k.secret_version, k.ip_whitelist, k.status, k.last_used_at,
    k.last_ip, k.created_at, (u.status = 'active' AND u.deleted_at IS NULL)";

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

pub fn set_status(c: &Connection, id: i64, status: KeyStatus, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET status = ?2, updated_at = ?3 WHERE id = ?1", params![id, status, now])?;
    Ok(())
}

pub fn set_whitelist(c: &Connection, id: i64, whitelist: &str, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET ip_whitelist = ?2, updated_at = ?3 WHERE id = ?1", params![id, whitelist, now])?;
    Ok(())
}

pub fn touch(c: &Connection, id: i64, now: &str, ip: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE api_keys SET last_used_at = ?2, last_ip = ?3 WHERE id = ?1", params![id, now, ip])?;
    Ok(())
}
