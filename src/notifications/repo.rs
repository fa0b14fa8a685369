//! The SQL of notifications, their outbox and deliveries, and user devices.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::model::{Due, Kind, Notification, Platform};
use crate::db::query::{self, Filter, Slice};

/// A notification and its outbox row; returns the notification's id.
pub fn insert(
    c: &Connection,
    user_id: i64,
    kind: Kind,
    title: &str,
    message: &str,
    data: &Value,
) -> rusqlite::Result<i64> {
    c.prepare_cached("INSERT INTO notifications (user_id, title, message, type, data) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![user_id, title, message, kind, data.to_string()])?;
    let id = c.last_insert_rowid();
    c.prepare_cached("INSERT INTO notification_outbox (notification_id) VALUES (?1)")?.execute([id])?;
    Ok(id)
}

pub fn list(
    c: &Connection,
    user_id: i64,
    only_unread: bool,
    slice: Slice,
) -> rusqlite::Result<(Vec<Notification>, i64)> {
    let mut w = Filter::new();
    w.eq("user_id", Some(user_id));
    if only_unread {
        w.and("is_read = 0", []);
    }
    query::page(
        c,
        "id, title, message, type, data, is_read, read_at, created_at",
        "notifications",
        &w,
        "id DESC",
        slice,
        |r| {
            let data: Option<String> = r.get(4)?;
            Ok(Notification {
                id: r.get(0)?,
                title: r.get(1)?,
                message: r.get(2)?,
                kind: r.get(3)?,
                data: data.and_then(|d| serde_json::from_str(&d).ok()),
                is_read: r.get(5)?,
                read_at: r.get(6)?,
                created_at: r.get(7)?,
            })
        },
    )
}

pub fn unread(c: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    c.query_row("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND is_read = 0", [user_id], |r| r.get(0))
}

pub fn exists(c: &Connection, id: i64, user_id: i64) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM notifications WHERE id = ?1 AND user_id = ?2)",
        params![id, user_id],
        |r| r.get(0),
    )
}

/// Marks one (or, without `id`, every) unread notification of a user read.
pub fn mark_read(c: &Connection, user_id: i64, id: Option<i64>, now: &str) -> rusqlite::Result<i64> {
    Ok(c.execute(
        "UPDATE notifications SET is_read = 1, read_at = ?3, updated_at = ?3
         WHERE user_id = ?1 AND (?2 IS NULL OR id = ?2) AND is_read = 0",
        params![user_id, id, now],
    )? as i64)
}

pub fn upsert_device(
    c: &Connection,
    user_id: i64,
    device_id: &str,
    fcm_token: &str,
    name: Option<&str>,
    platform: Platform,
    now: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO user_devices (user_id, device_id, fcm_token, device_name, platform, last_active_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (user_id, device_id) DO UPDATE SET fcm_token = excluded.fcm_token,
             device_name = excluded.device_name, platform = excluded.platform,
             last_active_at = excluded.last_active_at, updated_at = excluded.last_active_at",
        params![user_id, device_id, fcm_token, name, platform, now],
    )?;
    Ok(())
}

pub fn delete_device(c: &Connection, user_id: i64, device_id: &str) -> rusqlite::Result<bool> {
    Ok(c.execute("DELETE FROM user_devices WHERE user_id = ?1 AND device_id = ?2", params![user_id, device_id])? > 0)
}

/// Outbox rows due now, oldest first.
pub fn due(c: &Connection, now: &str, limit: i64) -> rusqlite::Result<Vec<Due>> {
    let mut s = c.prepare_cached(
        "SELECT id, notification_id, attempts FROM notification_outbox
         WHERE sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?1) ORDER BY id LIMIT ?2",
    )?;
    let rows = s.query_map(params![now, limit], |r| {
        Ok(Due { outbox_id: r.get(0)?, notification_id: r.get(1)?, attempts: r.get(2)? })
    })?;
    rows.collect()
}

/// Closes every open outbox row (no bridge is configured: nothing will be sent).
pub fn close_all(c: &Connection, now: &str, why: &str) -> rusqlite::Result<usize> {
    c.execute("UPDATE notification_outbox SET sent_at = ?1, last_error = ?2 WHERE sent_at IS NULL", params![now, why])
}

/// The bridge's JSON for a notification: the notification, its user and the user's
/// push devices. None when the notification is gone.
pub fn payload(c: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    let found = c
        .query_row(
            "SELECT n.id, n.user_id, u.name, u.email, u.phone, n.type, n.title, n.message, n.data, n.created_at
             FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.id = ?1",
            [id],
            |r| {
                let data: Option<String> = r.get(8)?;
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "user": {"id": r.get::<_, i64>(1)?, "name": r.get::<_, String>(2)?,
                             "email": r.get::<_, String>(3)?, "phone": r.get::<_, Option<String>>(4)?},
                    "type": r.get::<_, String>(5)?,
                    "title": r.get::<_, String>(6)?,
                    "message": r.get::<_, String>(7)?,
                    "data": data.and_then(|d| serde_json::from_str::<Value>(&d).ok()),
                    "created_at": r.get::<_, String>(9)?,
                }))
            },
        )
        .optional()?;
    let Some(mut v) = found else { return Ok(None) };
    let uid = v["user"]["id"].as_i64().unwrap_or(0);
    let mut s = c.prepare_cached("SELECT device_id, fcm_token, platform FROM user_devices WHERE user_id = ?1")?;
    let devices = s
        .query_map([uid], |r| {
            Ok(json!({"device_id": r.get::<_, String>(0)?, "fcm_token": r.get::<_, Option<String>>(1)?,
                      "platform": r.get::<_, String>(2)?}))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    v["devices"] = Value::Array(devices);
    Ok(Some(v))
}

/// Records one post to the bridge, and settles the outbox row: sent, or due again at
/// `retry_at` (None: given up, kept as sent with the error).
#[allow(clippy::too_many_arguments)]
pub fn record_attempt(
    c: &Connection,
    due: &Due,
    url: &str,
    payload: &str,
    status: Option<i64>,
    error: Option<&str>,
    delivered: bool,
    retry_at: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO notification_deliveries (notification_id, url, payload, status, error) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![due.notification_id, url, payload, status, error],
    )?;
    let sent_at = if delivered || retry_at.is_none() { Some(now) } else { None };
    c.execute(
        "UPDATE notification_outbox SET attempts = attempts + 1, sent_at = ?2, next_attempt_at = ?3, last_error = ?4
         WHERE id = ?1",
        params![due.outbox_id, sent_at, retry_at, error],
    )?;
    Ok(())
}

/// Drops settled outbox rows older than `cutoff`.
pub fn prune_outbox(c: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    c.execute("DELETE FROM notification_outbox WHERE sent_at IS NOT NULL AND sent_at < ?1", [cutoff])
}
