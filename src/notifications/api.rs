//! The caller's notifications and push devices. Only the user's own rows are ever
//! visible; another user's notification is 404.

use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, OpenApi};

use super::{
    model::{Device, DeviceRequest, Marked, NotificationList, UnreadCount},
    service,
};
use crate::{app::App, auth::api::BearerAuth, error::ApiResult, openapi_tags::ApiTags, web::pagination::PageRequest};

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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<NotificationList>> {
        let page = PageRequest::new(page.0, per_page.0);
        Ok(Json(service::list(&app, auth.0.id, unread.0.unwrap_or(false), page).await?))
    }

    /// How many are unread.
    #[oai(path = "/notifications/count", method = "get", operation_id = "countUnreadNotifications")]
    async fn count(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<UnreadCount>> {
        Ok(Json(UnreadCount { count: service::unread(&app, auth.0.id).await? }))
    }

    /// Mark one as read.
    #[oai(path = "/notifications/:id/read", method = "post", operation_id = "markNotificationRead")]
    async fn read(&self, app: Data<&App>, auth: BearerAuth, id: Path<i64>) -> ApiResult<Json<Marked>> {
        Ok(Json(Marked { updated: service::mark_read(&app, auth.0.id, id.0).await? }))
    }

    /// Mark all as read.
    #[oai(path = "/notifications/read-all", method = "post", operation_id = "markAllNotificationsRead")]
    async fn read_all(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<Marked>> {
        Ok(Json(Marked { updated: service::mark_all_read(&app, auth.0.id).await? }))
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
        Ok(Json(service::register_device(&app, auth.0.id, body.0).await?))
    }

    /// Forget a device.
    #[oai(path = "/devices/:device_id", method = "delete", operation_id = "deleteDevice")]
    async fn delete_device(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        device_id: Path<String>,
    ) -> ApiResult<Json<Marked>> {
        Ok(Json(Marked { updated: service::delete_device(&app, auth.0.id, device_id.0).await? }))
    }
}
