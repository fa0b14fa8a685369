//! Voucher routes: the public list, and the admin's CRUD and usages.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{Voucher, VoucherCreate, VoucherUpdate, VoucherUsage},
    service,
};
use crate::{
    app::App,
    auth::{
        api::{AdminAuth, MaybeAuth},
        model::CustomerType,
    },
    error::ApiResult,
    openapi_tags::ApiTags,
};

#[derive(ApiResponse)]
pub enum VoucherCreated {
    #[oai(status = 201)]
    Created(Json<Voucher>),
}

pub struct VouchersApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl VouchersApi {
    /// Vouchers marked public that the caller's tier may use now (never the others).
    #[oai(path = "/vouchers", method = "get", operation_id = "listVouchers")]
    async fn public(&self, app: Data<&App>, req: &Request, auth: MaybeAuth) -> ApiResult<Json<Vec<Voucher>>> {
        let tier = auth.user(req)?.map(|u| u.customer_type).unwrap_or(CustomerType::Retail);
        Ok(Json(service::public(&app, tier).await?))
    }
}

pub struct AdminVouchersApi;

#[OpenApi(prefix_path = "/admin/vouchers", tag = "ApiTags::AdminCatalog")]
impl AdminVouchersApi {
    /// All vouchers.
    #[oai(path = "/", method = "get", operation_id = "adminListVouchers")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<Voucher>>> {
        Ok(Json(service::all(&app).await?))
    }

    /// Create a voucher.
    #[oai(path = "/", method = "post", operation_id = "adminCreateVoucher")]
    async fn create(&self, app: Data<&App>, auth: AdminAuth, body: Json<VoucherCreate>) -> ApiResult<VoucherCreated> {
        Ok(VoucherCreated::Created(Json(service::create(&app, auth.0.actor(), body.0).await?)))
    }

    /// One voucher.
    #[oai(path = "/:id", method = "get", operation_id = "adminGetVoucher")]
    async fn get(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Voucher>> {
        Ok(Json(service::get(&app, id.0).await?))
    }

    /// Change a voucher (only the fields sent; the code cannot change: sending it is a
    /// 422 naming `code`).
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdateVoucher")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<VoucherUpdate>,
    ) -> ApiResult<Json<Voucher>> {
        Ok(Json(service::update(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Deactivate a voucher (its history stays).
    #[oai(path = "/:id", method = "delete", operation_id = "adminDeleteVoucher")]
    async fn deactivate(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Voucher>> {
        Ok(Json(service::deactivate(&app, auth.0.actor(), id.0).await?))
    }

    /// Who used a voucher, on which order.
    #[oai(path = "/:id/usages", method = "get", operation_id = "adminListVoucherUsages")]
    async fn usages(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Vec<VoucherUsage>>> {
        Ok(Json(service::usages(&app, id.0).await?))
    }
}
