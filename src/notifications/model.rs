//! Notifications and devices as users see them.

use poem_openapi::{Enum, Object};

use crate::{
    db::{text_enum, DbError},
    error::ApiError,
    web::pagination::PageMeta,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Info,
    Success,
    Warning,
    Error,
}

text_enum!(Kind { Info => "info", Success => "success", Warning => "warning", Error => "error" });

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

/// An outbox row that is due: which notification, how many tries so far.
#[derive(Debug, Clone)]
pub struct Due {
    pub outbox_id: i64,
    pub notification_id: i64,
    pub attempts: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("notification not found")]
    NotFound,
    #[error("device not found")]
    NoDevice,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for NotificationError {
    fn from(e: rusqlite::Error) -> Self {
        NotificationError::Db(e.into())
    }
}

impl From<NotificationError> for ApiError {
    fn from(e: NotificationError) -> Self {
        match e {
            NotificationError::NotFound => ApiError::not_found("notification"),
            NotificationError::NoDevice => ApiError::not_found("device"),
            NotificationError::Db(e) => e.into(),
        }
    }
}
