//! `/banners` for front ends, `/admin/banners` for admins.

use poem::web::Data;
use poem_openapi::{param::Path, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{Banner, BannerForm, BannerUpdate, ImageForm, Reorder},
    service,
};
use crate::{app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags};

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
        Ok(Json(service::live(&app).await?))
    }
}

pub struct AdminContentApi;

#[OpenApi(prefix_path = "/admin/banners", tag = "ApiTags::AdminCatalog")]
impl AdminContentApi {
    /// All banners.
    #[oai(path = "/", method = "get", operation_id = "adminListBanners")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<Banner>>> {
        Ok(Json(service::all(&app).await?))
    }

    /// Create a banner (multipart, with its image).
    #[oai(path = "/", method = "post", operation_id = "adminCreateBanner")]
    async fn create(&self, app: Data<&App>, auth: AdminAuth, form: BannerForm) -> ApiResult<BannerCreated> {
        Ok(BannerCreated::Created(Json(service::create(&app, auth.0.actor(), form).await?)))
    }

    /// Set the display order of many banners at once.
    #[oai(path = "/reorder", method = "post", operation_id = "adminReorderBanners")]
    async fn reorder(&self, app: Data<&App>, auth: AdminAuth, body: Json<Reorder>) -> ApiResult<Json<Vec<Banner>>> {
        Ok(Json(service::reorder(&app, auth.0.actor(), body.0.orders).await?))
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
        Ok(Json(service::update(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Replace a banner's image.
    #[oai(path = "/:id/image", method = "post", operation_id = "adminReplaceBannerImage")]
    async fn image(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>, form: ImageForm) -> ApiResult<Json<Banner>> {
        Ok(Json(service::replace_image(&app, auth.0.actor(), id.0, form.image).await?))
    }

    /// Delete a banner.
    #[oai(path = "/:id", method = "delete", operation_id = "adminDeleteBanner")]
    async fn delete(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Banner>> {
        Ok(Json(service::delete(&app, auth.0.actor(), id.0).await?))
    }
}
