//! Settings: typed key/value rows with a group and a public flag, and the shapes of
//! `/app-config` and the admin's routes.

use std::collections::BTreeMap;

use poem_openapi::{Enum, Object};

use crate::{
    db::{text_enum, DbError},
    error::{ApiError, Invalid},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SettingType {
    String,
    Number,
    Boolean,
    Json,
}

text_enum!(SettingType { String => "string", Number => "number", Boolean => "boolean", Json => "json" });

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Setting {
    pub key: String,
    pub value: Option<String>,
    #[oai(rename = "type")]
    pub kind: SettingType,
    pub group: Option<String>,
    pub description: Option<String>,
    pub is_public: bool,
    pub updated_at: String,
}

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
    pub links: BTreeMap<String, String>,
    /// Every public setting, by key.
    pub settings: BTreeMap<String, String>,
    /// Google sign-in's OAuth client id, when it is on (for the Google button).
    pub google_client_id: Option<String>,
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

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("setting not found")]
    NotFound,
    /// Maintenance is on: purchases and deposits wait (the admin's message).
    #[error("{0}")]
    Maintenance(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for SettingsError {
    fn from(e: rusqlite::Error) -> Self {
        SettingsError::Db(e.into())
    }
}

impl From<SettingsError> for ApiError {
    fn from(e: SettingsError) -> Self {
        match e {
            SettingsError::Invalid(i) => i.into(),
            SettingsError::NotFound => ApiError::not_found("setting"),
            SettingsError::Maintenance(message) => {
                ApiError::new(poem::http::StatusCode::SERVICE_UNAVAILABLE, "maintenance", message)
            }
            SettingsError::Db(e) => e.into(),
        }
    }
}
