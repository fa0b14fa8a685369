//! Writing notifications (inside the caller's transaction), reading them, and the
//! dispatcher that empties the outbox into the operator's bridge.

use chrono::Duration;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::{
    model::{Device, DeviceRequest, Due, Kind, NotificationError, NotificationList, Platform},
    repo,
};
use crate::{app::App, clock::ts, db::DbError, web::pagination::PageRequest};

type Result<T, E = NotificationError> = std::result::Result<T, E>;

/// Tries per notification before the dispatcher gives up on the bridge.
const MAX_ATTEMPTS: i64 = 8;

/// Writes a notification (and its outbox row) in the caller's transaction; returns
/// its id. Call `wake` after the commit so it leaves at once.
pub fn create(
    tx: &rusqlite::Connection,
    user_id: i64,
    kind: Kind,
    title: &str,
    message: &str,
    data: Value,
) -> Result<i64, DbError> {
    Ok(repo::insert(tx, user_id, kind, title, message, &data)?)
}

/// Tells the dispatcher the outbox has new rows.
pub fn wake(app: &App) {
    app.notifications_due.notify_one();
    // An order moved in the same commit (payment, delivery, failure, refund).
    app.orders_settled.notify_waiters();
}

/// `sha256=` + HMAC-SHA256(secret, body): what the bridge checks in `X-Lapak-Signature`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

pub async fn list(app: &App, user_id: i64, only_unread: bool, page: PageRequest) -> Result<NotificationList> {
    let (data, total) =
        app.db.read(move |c| Ok::<_, NotificationError>(repo::list(c, user_id, only_unread, page.into())?)).await?;
    Ok(NotificationList { data, meta: page.meta(total) })
}

pub async fn unread(app: &App, user_id: i64) -> Result<i64> {
    app.db.read(move |c| Ok(repo::unread(c, user_id)?)).await
}

/// Marks one of the user's notifications read (404 for anyone else's).
pub async fn mark_read(app: &App, user_id: i64, id: i64) -> Result<i64> {
    let now = app.clock.now_str();
    app.db
        .write(move |tx| {
            if !repo::exists(tx, id, user_id)? {
                return Err(NotificationError::NotFound);
            }
            Ok(repo::mark_read(tx, user_id, Some(id), &now)?)
        })
        .await
}

pub async fn mark_all_read(app: &App, user_id: i64) -> Result<i64> {
    let now = app.clock.now_str();
    app.db.write(move |tx| Ok(repo::mark_read(tx, user_id, None, &now)?)).await
}

pub async fn register_device(app: &App, user_id: i64, b: DeviceRequest) -> Result<Device> {
    let platform = b.platform.unwrap_or(Platform::Other);
    let now = app.clock.now_str();
    app.db
        .write(move |tx| {
            repo::upsert_device(tx, user_id, &b.device_id, &b.fcm_token, b.device_name.as_deref(), platform, &now)?;
            Ok(Device { device_id: b.device_id, device_name: b.device_name, platform, last_active_at: Some(now) })
        })
        .await
}

pub async fn delete_device(app: &App, user_id: i64, device_id: String) -> Result<i64> {
    app.db
        .write(move |tx| match repo::delete_device(tx, user_id, &device_id)? {
            true => Ok(1),
            false => Err(NotificationError::NoDevice),
        })
        .await
}

/// Runs for the life of the app: empties the outbox whenever it is woken, and every
/// few seconds anyway (retries that came due, rows left by a crash).
pub async fn run_dispatcher(app: App) {
    loop {
        match dispatch_due(&app).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "notification dispatch failed"),
        }
        tokio::select! {
            _ = app.notifications_due.notified() => {},
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {},
        }
    }
}

/// Posts the notifications that are due; how many were tried. Without a bridge the
/// outbox is closed instead: nothing would ever be sent.
pub async fn dispatch_due(app: &App) -> Result<usize, DbError> {
    let url = app.config.notifications.webhook_url.clone();
    let now = app.clock.now_str();
    if url.is_empty() {
        app.db
            .write(move |tx| Ok::<_, DbError>(repo::close_all(tx, &now, "no notifications.webhook_url configured")?))
            .await?;
        return Ok(0);
    }
    let due = app.db.read(move |c| Ok::<_, DbError>(repo::due(c, &now, 50)?)).await?;
    for d in &due {
        post(app, &url, d.clone()).await?;
    }
    Ok(due.len())
}

/// One post to the bridge, recorded; a failure is tried again after 30 s, 1 min,
/// 2 min ... up to `MAX_ATTEMPTS` tries.
async fn post(app: &App, url: &str, due: Due) -> Result<(), DbError> {
    let id = due.notification_id;
    let Some(payload) = app.db.read(move |c| Ok::<_, DbError>(repo::payload(c, id)?)).await? else {
        return Ok(());
    };
    let body = payload.to_string();
    let mut req = app.http.post(url).header("content-type", "application/json").header("x-lapak-event", "notification");
    if !app.config.notifications.webhook_secret.is_empty() {
        req = req.header("x-lapak-signature", signature(&app.config.notifications.webhook_secret, body.as_bytes()));
    }
    let (status, error) = match req.body(body.clone()).send().await {
        Ok(r) if r.status().is_success() => (Some(i64::from(r.status().as_u16())), None),
        Ok(r) => (Some(i64::from(r.status().as_u16())), Some(format!("the bridge answered {}", r.status()))),
        Err(e) => (None, Some(e.to_string())),
    };
    let delivered = error.is_none();
    if !delivered {
        tracing::warn!(notification = id, error = ?error, attempt = due.attempts + 1, "notification delivery failed");
    }
    let now = app.clock.now();
    let retry_at = (!delivered && due.attempts + 1 < MAX_ATTEMPTS)
        .then(|| ts(now + Duration::seconds(30 << due.attempts.clamp(0, 10))));
    let (url, now) = (url.to_string(), ts(now));
    app.db
        .write(move |tx| {
            repo::record_attempt(
                tx,
                &due,
                &url,
                &body,
                status,
                error.as_deref(),
                delivered,
                retry_at.as_deref(),
                &now,
            )?;
            Ok(())
        })
        .await
}

/// Drops settled outbox rows older than `cutoff` (the prune schedule).
pub fn prune(tx: &rusqlite::Connection, cutoff: &str) -> Result<usize, DbError> {
    Ok(repo::prune_outbox(tx, cutoff)?)
}
