//! Content: banners (admin CRUD with image upload, schedule, order; the public list)
//! and uploaded images (banners, avatars) stored under `storage.uploads_dir` and served
//! at `/uploads/...`. Images are checked by their bytes, not their names.

use std::path::{Path as FsPath, PathBuf};

use poem::{handler, web::Data, Request, Response};
use poem_openapi::{param::Path, payload::Json, types::multipart::Upload, ApiResponse, Multipart, Object, OpenApi};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{
    accounts::repo::log_activity,
    app::App,
    db::now_str,
    error::{ApiError, ApiResult},
    auth::api::{AdminAuth, BearerAuth}, web::ClientIp,
    openapi_tags::ApiTags,
};

const MAX_IMAGE: usize = 2 * 1024 * 1024;

/// The image kind from its first bytes; None when it is not a PNG, JPEG, GIF or WebP.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// A banner's link: an http(s) URL, or a path on this site (`/promo`). Anything else
/// (`javascript:`, `data:`, `//host`) is refused; empty means none.
fn banner_link(link: Option<String>) -> ApiResult<Option<String>> {
    let Some(link) = link.map(|l| l.trim().to_string()).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let site_path = link.starts_with('/') && !link.starts_with("//") && !crate::text::has_hidden(&link);
    let web = url::Url::parse(&link).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !(site_path || web) || link.len() > 255 {
        return Err(ApiError::validation("link", "a link must be an http(s) URL or a path on this site such as /promo"));
    }
    Ok(Some(link))
}

/// Stores an uploaded image under `<uploads>/<folder>/` with a random name; returns its
/// public path (`/uploads/<folder>/<name>`).
pub async fn store_image(app: &App, folder: &str, upload: Upload, field: &str) -> ApiResult<String> {
    if upload.size() > MAX_IMAGE {
        return Err(ApiError::validation(field, "the image is larger than 2 MB"));
    }
    let bytes = upload.into_vec().await.map_err(|_| ApiError::validation(field, "could not read the upload"))?;
    if bytes.len() > MAX_IMAGE {
        return Err(ApiError::validation(field, "the image is larger than 2 MB"));
    }
    let ext = image_kind(&bytes)
        .ok_or_else(|| ApiError::validation(field, "only PNG, JPEG, GIF and WebP images are accepted"))?;
    let dir = app.config.storage.uploads_dir.join(folder);
    let name = format!("{}.{ext}", ulid::Ulid::generate().to_string().to_lowercase());
    let path = dir.join(&name);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&path, bytes)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(format!("/uploads/{folder}/{name}"))
}

/// `GET /uploads/<folder>/<file>`: only names lapak made, only image types.
#[handler]
pub async fn serve_upload(req: &Request, app: Data<&App>) -> Response {
    let rest = req.uri().path().trim_start_matches("/uploads/");
    let mut parts = rest.split('/');
    let (Some(folder), Some(file), None) = (parts.next(), parts.next(), parts.next()) else {
        return not_found();
    };
    let safe = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_') && !s.starts_with('.')
    };
    if !matches!(folder, "banners" | "avatars") || !safe(file) {
        return not_found();
    }
    let content_type = match FsPath::new(file).extension().and_then(|e| e.to_str()) {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        _ => return not_found(),
    };
    let path: PathBuf = app.config.storage.uploads_dir.join(folder).join(file);
    match tokio::fs::read(&path).await {
        Ok(bytes) => Response::builder()
            .content_type(content_type)
            .header("cache-control", "public, max-age=31536000, immutable")
            .header("x-content-type-options", "nosniff")
            .body(bytes),
        Err(_) => not_found(),
    }
}

fn not_found() -> Response {
    poem::IntoResponse::into_response(ApiError::not_found("file"))
}

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

const COLS: &str = "id, title, subtitle, image, link, description, is_active, start_date, end_date, sort_order, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Banner> {
    Ok(Banner {
        id: r.get(0)?,
        title: r.get(1)?,
        subtitle: r.get(2)?,
        image: r.get(3)?,
        link: r.get(4)?,
        description: r.get(5)?,
        is_active: r.get(6)?,
        start_date: r.get(7)?,
        end_date: r.get(8)?,
        sort_order: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

fn find(c: &Connection, id: i64) -> rusqlite::Result<Option<Banner>> {
    c.query_row(&format!("SELECT {COLS} FROM banners WHERE id = ?1"), [id], from_row).optional()
}

fn date(field: &str, v: Option<String>) -> ApiResult<Option<String>> {
    crate::clock::parse_bound(field, v, false)
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

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BannerUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub link: Option<String>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
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

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AvatarResult {
    pub avatar: String,
}

#[derive(ApiResponse)]
pub enum BannerCreated {
    #[oai(status = 201)]
    Created(Json<Banner>),
}

pub struct ContentApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl ContentApi {
    /// Active banners inside their schedule, in display order.
    #[oai(path = "/banners", method = "get", operation_id = "listBanners")]
    async fn banners(&self, app: Data<&App>) -> ApiResult<Json<Vec<Banner>>> {
        let now = now_str();
        let rows = app
            .db
            .run(move |c| -> ApiResult<_> {
                let mut s = c.prepare(&format!(
                    "SELECT {COLS} FROM banners WHERE is_active = 1 AND (start_date IS NULL OR start_date <= ?1)
                       AND (end_date IS NULL OR end_date > ?1) ORDER BY sort_order, id DESC"
                ))?;
                let rows = s.query_map([now], from_row)?.collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Upload the caller's avatar (PNG, JPEG, GIF or WebP, at most 2 MB).
    #[oai(path = "/me/avatar", method = "post", operation_id = "uploadAvatar")]
    async fn avatar(&self, app: Data<&App>, auth: BearerAuth, form: ImageForm) -> ApiResult<Json<AvatarResult>> {
        let path = store_image(&app, "avatars", form.image, "image").await?;
        let (uid, p) = (auth.0.id, path.clone());
        app.db
            .run(move |c| -> ApiResult<()> {
                c.execute("UPDATE users SET avatar = ?2, updated_at = ?3 WHERE id = ?1", params![uid, p, now_str()])?;
                Ok(())
            })
            .await?;
        Ok(Json(AvatarResult { avatar: path }))
    }
}

pub struct AdminContentApi;

#[OpenApi(prefix_path = "/admin/banners", tag = "ApiTags::AdminCatalog")]
impl AdminContentApi {
    /// All banners.
    #[oai(path = "/", method = "get", operation_id = "adminListBanners")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<Banner>>> {
        let rows = app
            .db
            .run(|c| -> ApiResult<_> {
                let mut s = c.prepare(&format!("SELECT {COLS} FROM banners ORDER BY sort_order, id DESC"))?;
                let rows = s.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Create a banner (multipart, with its image).
    #[oai(path = "/", method = "post", operation_id = "adminCreateBanner")]
    async fn create(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        form: BannerForm,
    ) -> ApiResult<BannerCreated> {
        let title = form.title.trim().to_string();
        if title.is_empty() || title.len() > 255 {
            return Err(ApiError::validation("title", "a title of 1 to 255 characters is required"));
        }
        let (start, end) = (date("start_date", form.start_date)?, date("end_date", form.end_date)?);
        if let (Some(s), Some(e)) = (&start, &end) {
            if e <= s {
                return Err(ApiError::validation("end_date", "end_date is not after start_date"));
            }
        }
        let link = banner_link(form.link)?;
        let image = store_image(&app, "banners", form.image, "image").await?;
        let (admin, ip) = (auth.0.id, req.data::<ClientIp>().map(|c| c.0.clone()));
        let (subtitle, description, active, order) =
            (form.subtitle, form.description, form.is_active.unwrap_or(true), form.sort_order.unwrap_or(0));
        let b = app
            .db
            .write(move |tx| -> ApiResult<_> {
                tx.execute(
                    "INSERT INTO banners (title, subtitle, image, link, description, is_active, start_date, end_date, sort_order)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![title, subtitle, image, link, description, active, start, end, order],
                )?;
                let id = tx.last_insert_rowid();
                log_activity(tx, Some(admin), "banner.create", Some("banner"), Some(id), &title, ip.as_deref(), None)?;
                find(tx, id)?.ok_or_else(|| ApiError::internal("banner vanished"))
            })
            .await?;
        Ok(BannerCreated::Created(Json(b)))
    }

    /// Set the display order of many banners at once.
    #[oai(path = "/reorder", method = "post", operation_id = "adminReorderBanners")]
    async fn reorder(&self, app: Data<&App>, auth: AdminAuth, body: Json<Reorder>) -> ApiResult<Json<Vec<Banner>>> {
        let (orders, admin) = (body.0.orders, auth.0.id);
        app.db
            .write(move |tx| -> ApiResult<()> {
                for (i, o) in orders.iter().enumerate() {
                    if tx.execute(
                        "UPDATE banners SET sort_order = ?2, updated_at = ?3 WHERE id = ?1",
                        params![o.id, o.sort_order, now_str()],
                    )? == 0
                    {
                        return Err(ApiError::validation(format!("orders[{i}].id"), "no such banner"));
                    }
                }
                log_activity(tx, Some(admin), "banner.reorder", Some("banner"), None, "banners reordered", None, None)?;
                Ok(())
            })
            .await?;
        self.list(app, AdminAuth(auth.0)).await
    }

    /// Change a banner's fields.
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdateBanner")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<BannerUpdate>,
    ) -> ApiResult<Json<Banner>> {
        let (id, mut b, admin) = (id.0, body.0, auth.0.id);
        let (start, end) = (date("start_date", b.start_date.take())?, date("end_date", b.end_date.take())?);
        b.link = banner_link(b.link)?;
        let banner = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let cur = find(tx, id)?.ok_or_else(|| ApiError::not_found("banner"))?;
                tx.execute(
                    "UPDATE banners SET title = ?2, subtitle = ?3, link = ?4, description = ?5, is_active = ?6, start_date = ?7,
                            end_date = ?8, sort_order = ?9, updated_at = ?10 WHERE id = ?1",
                    params![
                        id,
                        b.title.map(|t| t.trim().to_string()).unwrap_or(cur.title),
                        b.subtitle.or(cur.subtitle),
                        b.link.or(cur.link),
                        b.description.or(cur.description),
                        b.is_active.unwrap_or(cur.is_active),
                        start.or(cur.start_date),
                        end.or(cur.end_date),
                        b.sort_order.unwrap_or(cur.sort_order),
                        now_str()
                    ],
                )?;
                log_activity(tx, Some(admin), "banner.update", Some("banner"), Some(id), "banner updated", None, None)?;
                find(tx, id)?.ok_or_else(|| ApiError::not_found("banner"))
            })
            .await?;
        Ok(Json(banner))
    }

    /// Replace a banner's image.
    #[oai(path = "/:id/image", method = "post", operation_id = "adminReplaceBannerImage")]
    async fn image(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        id: Path<i64>,
        form: ImageForm,
    ) -> ApiResult<Json<Banner>> {
        let id = id.0;
        if app.db.run(move |c| -> ApiResult<_> { Ok(find(c, id)?) }).await?.is_none() {
            return Err(ApiError::not_found("banner"));
        }
        let image = store_image(&app, "banners", form.image, "image").await?;
        let banner = app
            .db
            .write(move |tx| -> ApiResult<_> {
                tx.execute(
                    "UPDATE banners SET image = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, image, now_str()],
                )?;
                find(tx, id)?.ok_or_else(|| ApiError::not_found("banner"))
            })
            .await?;
        Ok(Json(banner))
    }

    /// Delete a banner.
    #[oai(path = "/:id", method = "delete", operation_id = "adminDeleteBanner")]
    async fn delete(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Banner>> {
        let (id, admin) = (id.0, auth.0.id);
        let b = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let b = find(tx, id)?.ok_or_else(|| ApiError::not_found("banner"))?;
                tx.execute("DELETE FROM banners WHERE id = ?1", [id])?;
                log_activity(tx, Some(admin), "banner.delete", Some("banner"), Some(id), &b.title, None, None)?;
                Ok(b)
            })
            .await?;
        Ok(Json(b))
    }
}

#[cfg(test)]
mod tests {
    use super::image_kind;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_kind(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(image_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_kind(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_kind(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_kind(b""), None);
    }
}
