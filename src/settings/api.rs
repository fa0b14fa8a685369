//! `/app-config` for front ends, and the admin's settings routes.

use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, OpenApi};

use super::{
    model::{AppConfig, BulkUpdate, Setting, SettingInput},
    service,
};
use crate::{app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags};

pub struct SettingsApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl SettingsApi {
    /// What a front end needs to know: name, feature switches, maintenance, links.
    #[oai(path = "/app-config", method = "get", operation_id = "getAppConfig")]
    async fn app_config(&self, app: Data<&App>) -> ApiResult<Json<AppConfig>> {
        Ok(Json(service::app_config(&app).await?))
    }
}

pub struct AdminSettingsApi;

#[OpenApi(prefix_path = "/admin/settings", tag = "ApiTags::AdminCatalog")]
impl AdminSettingsApi {
    /// All settings, optionally of one group.
    #[oai(path = "/", method = "get", operation_id = "adminListSettings")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        group: Query<Option<String>>,
    ) -> ApiResult<Json<Vec<Setting>>> {
        Ok(Json(service::list(&app, group.0).await?))
    }

    /// Create or change one setting; the value must read as its type.
    #[oai(path = "/:key", method = "put", operation_id = "adminUpdateSetting")]
    async fn put(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        key: Path<String>,
        body: Json<SettingInput>,
    ) -> ApiResult<Json<Setting>> {
        Ok(Json(service::put(&app, auth.0.actor(), key.0, body.0).await?))
    }

    /// Change several existing settings at once: all or nothing.
    #[oai(path = "/bulk", method = "post", operation_id = "adminUpdateSettings")]
    async fn bulk(&self, app: Data<&App>, auth: AdminAuth, body: Json<BulkUpdate>) -> ApiResult<Json<Vec<Setting>>> {
        Ok(Json(service::bulk(&app, auth.0.actor(), body.0.settings).await?))
    }

    /// Remove a setting.
    #[oai(path = "/:key", method = "delete", operation_id = "adminDeleteSetting")]
    async fn delete(&self, app: Data<&App>, auth: AdminAuth, key: Path<String>) -> ApiResult<Json<Setting>> {
        Ok(Json(service::delete(&app, auth.0.actor(), key.0).await?))
    }
}
