//! Notifications: rows in `notifications` for the user, and an optional signed JSON post
//! to the operator's bridge (WhatsApp, e-mail, push) configured as
//! `notifications.webhook_url`. The post is made after the commit, never inside it.

use hmac::{Hmac, Mac};
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{app::App, db::DbError};

pub mod api;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Info,
    Success,
    Warning,
    Error,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Info => "info",
            Kind::Success => "success",
            Kind::Warning => "warning",
            Kind::Error => "error",
        }
    }
}

/// Writes a notification in the caller's transaction; returns its id.
pub fn create(
    tx: &Connection,
    user_id: i64,
    kind: Kind,
    title: &str,
    message: &str,
    data: Value,
) -> Result<i64, DbError> {
    tx.execute(
        "INSERT INTO notifications (user_id, title, message, type, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user_id, title, message, kind.as_str(), data.to_string()],
    )?;
    Ok(tx.last_insert_rowid())
}

/// `sha256=` + HMAC-SHA256(secret, body): what the bridge checks in `X-Lapak-Signature`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts committed notifications to the bridge, when one is configured (in the background).
pub fn deliver(app: &App, ids: Vec<i64>) {
    let url = app.config.notifications.webhook_url.clone();
    if url.is_empty() || ids.is_empty() {
        return;
    }
    let app = app.clone();
    tokio::spawn(async move {
        for id in ids {
            if let Err(e) = deliver_one(&app, &url, id).await {
                tracing::warn!(notification = id, error = %e, "notification delivery failed");
            }
        }
    });
}

async fn deliver_one(app: &App, url: &str, id: i64) -> Result<(), DbError> {
    let row = app
        .db
        .run(move |c| {
            c.query_row(
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
            .and_then(|mut v| {
                // The user's push devices, for a bridge that sends push messages.
                let uid = v["user"]["id"].as_i64().unwrap_or(0);
                let mut s = c.prepare("SELECT device_id, fcm_token, platform FROM user_devices WHERE user_id = ?1")?;
                let devices = s
                    .query_map([uid], |r| {
                        Ok(json!({"device_id": r.get::<_, String>(0)?, "fcm_token": r.get::<_, Option<String>>(1)?,
                                  "platform": r.get::<_, String>(2)?}))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                v["devices"] = Value::Array(devices);
                Ok(v)
            })
            .map_err(DbError::from)
        })
        .await?;
    let body = row.to_string();
    let mut req = app.http.post(url).header("content-type", "application/json").header("x-lapak-event", "notification");
    if !app.config.notifications.webhook_secret.is_empty() {
        req = req.header("x-lapak-signature", signature(&app.config.notifications.webhook_secret, body.as_bytes()));
    }
    let (status, error) = match req.body(body.clone()).send().await {
        Ok(r) => (Some(i64::from(r.status().as_u16())), None),
        Err(e) => (None, Some(e.to_string())),
    };
    let url = url.to_string();
    app.db
        .run(move |c| {
            c.execute(
                "INSERT INTO notification_deliveries (notification_id, url, payload, status, error) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, url, body, status, error],
            )
            .map(|_| ())
            .map_err(DbError::from)
        })
        .await
}
