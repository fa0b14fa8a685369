//! `/admin/pricing-rules` and `/admin/products/bulk-prices`.

use poem::web::Data;
use poem_openapi::{param::Path, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{BulkPrices, BulkResult, PricingRule, RuleChange, RuleCreate, RuleUpdate},
    service,
};
use crate::{app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags};

#[derive(ApiResponse)]
pub enum RuleCreated {
    #[oai(status = 201)]
    Created(Json<RuleChange>),
}

pub struct PricingRulesApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminCatalog")]
impl PricingRulesApi {
    /// All pricing rules (global first, then category, brand, product).
    #[oai(path = "/pricing-rules", method = "get", operation_id = "adminListPricingRules")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<PricingRule>>> {
        Ok(Json(service::list(&app).await?))
    }

    /// Add a rule; every item's price is recomputed at once.
    #[oai(path = "/pricing-rules", method = "post", operation_id = "adminCreatePricingRule")]
    async fn create(&self, app: Data<&App>, auth: AdminAuth, body: Json<RuleCreate>) -> ApiResult<RuleCreated> {
        Ok(RuleCreated::Created(Json(service::create(&app, auth.0.actor(), body.0).await?)))
    }

    /// Change a rule's numbers; every item's price is recomputed at once.
    #[oai(path = "/pricing-rules/:id", method = "patch", operation_id = "adminUpdatePricingRule")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<RuleUpdate>,
    ) -> ApiResult<Json<RuleChange>> {
        Ok(Json(service::update(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Remove a rule; items fall back to the next less specific rule.
    #[oai(path = "/pricing-rules/:id", method = "delete", operation_id = "adminDeletePricingRule")]
    async fn delete(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<RuleChange>> {
        Ok(Json(service::delete(&app, auth.0.actor(), id.0).await?))
    }

    /// Set or clear fixed prices on many items at once (all or nothing). A price below
    /// the supplier cost is refused.
    #[oai(path = "/products/bulk-prices", method = "post", operation_id = "adminBulkPrices")]
    async fn bulk_prices(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        body: Json<BulkPrices>,
    ) -> ApiResult<Json<BulkResult>> {
        Ok(Json(BulkResult { updated: service::bulk_prices(&app, auth.0.actor(), body.0.items).await? }))
    }
}
