//! The caller's notifications and push devices. Only the user's own rows are ever
//! visible; another user's notification is 404.

use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, Enum, Object, OpenApi};
use rusqlite::params;

use crate::{
    db::text_enum,
    app::App,
    db::now_str,
    error::{ApiError, ApiResult},
    auth::api::BearerAuth, web::pagination::PageMeta, web::pagination::PageRequest,
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub message: String,
    /// info, success, warning, error, promo.
    #[oai(rename = "type")]
    pub kind: String,
    pub data: Option<serde_json::Value>,
    pub is_read: bool,
    pub read_at: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NotificationList {
    pub data: Vec<Notification>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UnreadCount {
    pub count: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Marked {
    pub updated: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Platform {
    Android,
    Ios,
    Web,
    Other,
}

text_enum!(Platform { Android => "android", Ios => "ios", Web => "web", Other => "other" });

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DeviceRequest {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub device_id: String,
    #[oai(validator(min_length = 1, max_length = 4096))]
    pub fcm_token: String,
    #[oai(validator(max_length = 255))]
    pub device_name: Option<String>,
    pub platform: Option<Platform>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Device {
    pub device_id: String,
    pub device_name: Option<String>,
    pub platform: Platform,
    pub last_active_at: Option<String>,
}

pub struct NotificationsApi;

#[OpenApi(tag = "ApiTags::Account")]
impl NotificationsApi {
    /// The caller's notifications, newest first.
    #[oai(path = "/notifications", method = "get", operation_id = "listNotifications")]
    async fn list(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        unread: Query<Option<bool>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<NotificationList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let (uid, only_unread) = (auth.0.id, unread.0.unwrap_or(false));
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> {
                let filter = if only_unread { "AND is_read = 0" } else { "" };
                let total: i64 = c.query_row(
                    &format!("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 {filter}"),
                    [uid],
                    |r| r.get(0),
                )?;
                let mut s = c.prepare(&format!(
                    "SELECT id, title, message, type, data, is_read, read_at, created_at FROM notifications
                     WHERE user_id = ?1 {filter} ORDER BY id DESC LIMIT ?2 OFFSET ?3"
                ))?;
                let rows = s
                    .query_map(params![uid, pr.limit(), pr.offset()], |r| {
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
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((rows, total))
            })
            .await?;
        Ok(Json(NotificationList { data, meta: pr.meta(total) }))
    }

    /// How many are unread.
    #[oai(path = "/notifications/count", method = "get", operation_id = "countUnreadNotifications")]
    async fn count(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<UnreadCount>> {
        let uid = auth.0.id;
        let count = app
            .db
            .run(move |c| -> ApiResult<i64> {
                Ok(c.query_row("SELECT COUNT(*) FROM notifications WHERE user_id = ?1 AND is_read = 0", [uid], |r| {
                    r.get(0)
                })?)
            })
            .await?;
        Ok(Json(UnreadCount { count }))
    }

    /// Mark one as read.
    #[oai(path = "/notifications/:id/read", method = "post", operation_id = "markNotificationRead")]
    async fn read(&self, app: Data<&App>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Marked>> {
        let (uid, id) = (auth.0.id, id.0);
        let n = app
            .db
            .run(move |c| -> ApiResult<i64> {
                let exists: bool =
                    c.query_row("SELECT EXISTS (SELECT 1 FROM notifications WHERE id = ?1 AND user_id = ?2)", params![id, uid], |r| r.get(0))?;
                if !exists {
                    return Err(ApiError::not_found("notification"));
                }
                Ok(c.execute(
                    "UPDATE notifications SET is_read = 1, read_at = ?3, updated_at = ?3 WHERE id = ?1 AND user_id = ?2 AND is_read = 0",
                    params![id, uid, now_str()],
                )? as i64)
            })
            .await?;
        Ok(Json(Marked { updated: n }))
    }

    /// Mark all as read.
    #[oai(path = "/notifications/read-all", method = "post", operation_id = "markAllNotificationsRead")]
    async fn read_all(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<Marked>> {
        let uid = auth.0.id;
        let n = app
            .db
            .run(move |c| -> ApiResult<i64> {
                Ok(c.execute(
                    "UPDATE notifications SET is_read = 1, read_at = ?2, updated_at = ?2 WHERE user_id = ?1 AND is_read = 0",
                    params![uid, now_str()],
                )? as i64)
            })
            .await?;
        Ok(Json(Marked { updated: n }))
    }

    /// Register (or refresh) a device for push notifications. Delivery goes through the
    /// operator's notification hook (`notifications.webhook_url`), which receives the
    /// user's devices with each notification.
    #[oai(path = "/devices", method = "post", operation_id = "registerDevice")]
    async fn register_device(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<DeviceRequest>,
    ) -> ApiResult<Json<Device>> {
        let (uid, b) = (auth.0.id, body.0);
        let platform = b.platform.unwrap_or(Platform::Other);
        let now = now_str();
        let d = app
            .db
            .run(move |c| -> ApiResult<_> {
                c.execute(
                    "INSERT INTO user_devices (user_id, device_id, fcm_token, device_name, platform, last_active_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (user_id, device_id) DO UPDATE SET fcm_token = excluded.fcm_token,
                         device_name = excluded.device_name, platform = excluded.platform,
                         last_active_at = excluded.last_active_at, updated_at = excluded.last_active_at",
                    params![uid, b.device_id, b.fcm_token, b.device_name, platform, now],
                )?;
                Ok(Device { device_id: b.device_id, device_name: b.device_name, platform, last_active_at: Some(now) })
            })
            .await?;
        Ok(Json(d))
    }

    /// Forget a device.
    #[oai(path = "/devices/:device_id", method = "delete", operation_id = "deleteDevice")]
    async fn delete_device(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        device_id: Path<String>,
    ) -> ApiResult<Json<Marked>> {
        let uid = auth.0.id;
        let n = app
            .db
            .run(move |c| -> ApiResult<i64> {
                let n = c.execute(
                    "DELETE FROM user_devices WHERE user_id = ?1 AND device_id = ?2",
                    params![uid, device_id.0],
                )?;
                if n == 0 {
                    return Err(ApiError::not_found("device"));
                }
                Ok(n as i64)
            })
            .await?;
        Ok(Json(Marked { updated: n }))
    }
}
