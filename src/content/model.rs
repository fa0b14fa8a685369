//! Banners and their forms.

use poem_openapi::{
    types::{multipart::Upload, MaybeUndefined},
    Multipart, Object,
};

use crate::{
    db::DbError,
    error::{ApiError, Invalid},
    web::uploads::UploadError,
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Banner {
    pub id: i64,
    pub title: String,
    pub subtitle: Option<String>,
    /// Public path of the image (`/uploads/banners/...`).
    pub image: String,
    pub link: Option<String>,
    pub description: Option<String>,
    pub is_active: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub sort_order: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A banner's fields as stored (the image is a stored path).
#[derive(Debug, Clone)]
pub struct BannerFields {
    pub title: String,
    pub subtitle: Option<String>,
    pub image: String,
    pub link: Option<String>,
    pub description: Option<String>,
    pub is_active: bool,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub sort_order: i64,
}

#[derive(Debug, Multipart)]
pub struct BannerForm {
    pub title: String,
    pub image: Upload,
    pub subtitle: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    /// RFC 3339 time or a date.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub sort_order: Option<i64>,
}

/// A change to a banner: a field left out stays as it is; `null` removes an optional
/// one (a schedule's start or end, the link, subtitle or description).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BannerUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub title: Option<String>,
    #[oai(nullable)]
    pub subtitle: MaybeUndefined<String>,
    #[oai(nullable)]
    pub link: MaybeUndefined<String>,
    #[oai(nullable)]
    pub description: MaybeUndefined<String>,
    pub is_active: Option<bool>,
    #[oai(nullable)]
    pub start_date: MaybeUndefined<String>,
    #[oai(nullable)]
    pub end_date: MaybeUndefined<String>,
    pub sort_order: Option<i64>,
}

#[derive(Debug, Multipart)]
pub struct ImageForm {
    pub image: Upload,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OrderEntry {
    pub id: i64,
    pub sort_order: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Reorder {
    pub orders: Vec<OrderEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("banner not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for ContentError {
    fn from(e: rusqlite::Error) -> Self {
        ContentError::Db(e.into())
    }
}

/// An upload refused or lost, for the form field `field`.
pub fn upload_error(field: &'static str, e: UploadError) -> ContentError {
    match e {
        UploadError::Io(cause) => ContentError::Db(DbError::Other(cause)),
        other => Invalid::new(field, other.to_string()).into(),
    }
}

impl From<ContentError> for ApiError {
    fn from(e: ContentError) -> Self {
        match e {
            ContentError::Invalid(i) => i.into(),
            ContentError::NotFound => ApiError::not_found("banner"),
            ContentError::Db(e) => e.into(),
        }
    }
}
