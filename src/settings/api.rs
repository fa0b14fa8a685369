//! `/app-config` for front ends, and the admin's settings routes.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, Object, OpenApi};

use super::{check_value, find, list, upsert, Setting, SettingType};
use crate::{
    accounts::repo::log_activity,
    app::App,
    error::{ApiError, ApiResult},
    auth::api::AdminAuth, web::ClientIp,
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Features {
    pub guest_checkout: bool,
    pub deposits: bool,
    pub reseller_registration: bool,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Maintenance {
    pub active: bool,
    pub message: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AppConfig {
    pub app_name: String,
    pub version: String,
    pub min_app_version: Option<String>,
    pub features: Features,
    pub maintenance: Maintenance,
    /// Public links by name (whatsapp_support, privacy_policy, terms_service, ...).
    pub links: std::collections::BTreeMap<String, String>,
    /// Every public setting, by key.
    pub settings: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SettingInput {
    pub value: Option<String>,
    #[oai(rename = "type")]
    pub kind: Option<SettingType>,
    #[oai(validator(max_length = 50))]
    pub group: Option<String>,
    pub description: Option<String>,
    pub is_public: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkItem {
    pub key: String,
    pub value: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkUpdate {
    pub settings: Vec<BulkItem>,
}

pub struct SettingsApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl SettingsApi {
    /// What a front end needs to know: name, feature switches, maintenance, links.
    #[oai(path = "/app-config", method = "get", operation_id = "getAppConfig")]
    async fn app_config(&self, app: Data<&App>) -> ApiResult<Json<AppConfig>> {
        let public = app.db.run(|c| -> ApiResult<_> { Ok(list(c, None, true)?) }).await?;
        let get = |k: &str| public.iter().find(|s| s.key == k).and_then(|s| s.value.clone()).unwrap_or_default();
        let on = |k: &str| get(k) == "true";
        let links = public
            .iter()
            .filter_map(|s| Some((s.key.strip_prefix("links.")?.to_string(), s.value.clone()?)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let settings = public.iter().map(|s| (s.key.clone(), s.value.clone().unwrap_or_default())).collect();
        Ok(Json(AppConfig {
            app_name: get("app.name"),
            version: env!("CARGO_PKG_VERSION").into(),
            min_app_version: Some(get("app.min_version")).filter(|v| !v.is_empty()),
            features: Features {
                guest_checkout: on("features.guest_checkout"),
                deposits: on("features.deposits"),
                reseller_registration: on("features.reseller_registration"),
            },
            maintenance: Maintenance { active: on("maintenance.active"), message: get("maintenance.message") },
            links,
            settings,
        }))
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
        Ok(Json(app.db.run(move |c| -> ApiResult<_> { Ok(list(c, group.0.as_deref(), false)?) }).await?))
    }

    /// Create or change one setting; the value must read as its type.
    #[oai(path = "/:key", method = "put", operation_id = "adminUpdateSetting")]
    async fn put(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        key: Path<String>,
        body: Json<SettingInput>,
    ) -> ApiResult<Json<Setting>> {
        let (key, b, admin) = (key.0, body.0, auth.0.id);
        if key.is_empty() || key.len() > 100 || !key.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return Err(ApiError::validation("key", "a key is letters, digits, dots, dashes and underscores"));
        }
        let ip = req.data::<ClientIp>().map(|c| c.0.clone());
        let s = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let cur = find(tx, &key)?;
                let s = Setting {
                    key: key.clone(),
                    value: b.value.or(cur.as_ref().and_then(|c| c.value.clone())),
                    kind: b.kind.or(cur.as_ref().map(|c| c.kind)).unwrap_or(SettingType::String),
                    group: b.group.or(cur.as_ref().and_then(|c| c.group.clone())),
                    description: b.description.or(cur.as_ref().and_then(|c| c.description.clone())),
                    is_public: b.is_public.or(cur.as_ref().map(|c| c.is_public)).unwrap_or(false),
                    updated_at: String::new(),
                };
                check_value(&key, s.kind, &s.value)?;
                upsert(tx, &s)?;
                log_activity(tx, Some(admin), "setting.update", Some("setting"), None, &key, ip.as_deref(), None)?;
                find(tx, &key)?.ok_or_else(|| ApiError::internal("setting vanished"))
            })
            .await?;
        Ok(Json(s))
    }

    /// Change several existing settings at once: all or nothing.
    #[oai(path = "/bulk", method = "post", operation_id = "adminUpdateSettings")]
    async fn bulk(&self, app: Data<&App>, auth: AdminAuth, body: Json<BulkUpdate>) -> ApiResult<Json<Vec<Setting>>> {
        let (items, admin) = (body.0.settings, auth.0.id);
        let out = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let mut out = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    let mut s = find(tx, &item.key)?.ok_or_else(|| {
                        ApiError::validation(format!("settings[{i}].key"), format!("no setting {}", item.key))
                    })?;
                    check_value(&item.key, s.kind, &item.value)
                        .map_err(|e| e.with_field(format!("settings[{i}].value")))?;
                    s.value = item.value;
                    upsert(tx, &s)?;
                    out.push(find(tx, &s.key)?.ok_or_else(|| ApiError::internal("setting vanished"))?);
                }
                log_activity(tx, Some(admin), "setting.bulk_update", Some("setting"), None, "bulk update", None, None)?;
                Ok(out)
            })
            .await?;
        Ok(Json(out))
    }

    /// Remove a setting.
    #[oai(path = "/:key", method = "delete", operation_id = "adminDeleteSetting")]
    async fn delete(&self, app: Data<&App>, auth: AdminAuth, key: Path<String>) -> ApiResult<Json<Setting>> {
        let (key, admin) = (key.0, auth.0.id);
        let s = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let s = find(tx, &key)?.ok_or_else(|| ApiError::not_found("setting"))?;
                tx.execute("DELETE FROM settings WHERE key = ?1", [&key])?;
                log_activity(tx, Some(admin), "setting.delete", Some("setting"), None, &key, None, None)?;
                Ok(s)
            })
            .await?;
        Ok(Json(s))
    }
}
