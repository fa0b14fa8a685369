//! The admin's product sync, its history, and the deposit left at Digiflazz.

use poem::web::Data;
use poem_openapi::{payload::Json, OpenApi};

use super::{
    model::{upstream, SupplierBalance, SyncRun, SyncSummary},
    service,
};
use crate::{app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags};

pub struct AdminSupplierApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminCatalog")]
impl AdminSupplierApi {
    /// Sync products from Digiflazz now.
    ///
    /// Returns what changed. When Digiflazz refuses the list (one full list per five
    /// minutes, rc 83) the catalog is left as it was and `limited` says why.
    #[oai(path = "/products/sync", method = "post", operation_id = "adminSyncProducts")]
    async fn sync(&self, app: Data<&App>, auth: AdminAuth) -> ApiResult<Json<SyncSummary>> {
        Ok(Json(service::sync_by_admin(&app, auth.0.actor()).await?))
    }

    /// Recent product syncs, newest first.
    #[oai(path = "/products/sync-runs", method = "get", operation_id = "adminListSyncRuns")]
    async fn sync_runs(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<SyncRun>>> {
        Ok(Json(service::recent_runs(&app).await?))
    }

    /// The deposit left at Digiflazz (cek-saldo).
    #[oai(path = "/supplier/balance", method = "get", operation_id = "adminSupplierBalance")]
    async fn balance(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<SupplierBalance>> {
        Ok(Json(SupplierBalance { deposit: app.digiflazz.balance().await.map_err(upstream)? }))
    }
}
