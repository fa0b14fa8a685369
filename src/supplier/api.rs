//! HTTP surface of the supplier: the Digiflazz webhook, the admin's product sync and
//! supplier balance, and pricing rules.

use poem::{web::Data, Request};
use poem_openapi::{
    param::Path,
    payload::Json,
    ApiResponse, Object, OpenApi,
};

use super::{
    pricing::{self, Formula, PricingRule, RuleInput, Scope},
    sync::{self, SyncError, Trigger},
};
use crate::{
    accounts::{model::CustomerType, repo::log_activity},
    app::App,
    error::{ApiError, ApiResult},
    auth::api::AdminAuth, web::ClientIp,
    openapi_tags::ApiTags,
    supplier::model::SyncSummary,
};

fn ip_of(req: &Request) -> Option<String> {
    req.data::<ClientIp>().map(|c| c.0.clone())
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SupplierBalance {
    /// Deposit left at Digiflazz, in rupiah.
    pub deposit: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SyncRun {
    pub id: i64,
    pub trigger: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub ok: bool,
    pub summary: Option<SyncSummary>,
    pub error: Option<String>,
}

pub struct AdminSupplierApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminCatalog")]
impl AdminSupplierApi {
    /// Sync products from Digiflazz now.
    ///
    /// Returns what changed. When Digiflazz refuses the list (one full list per five
    /// minutes, rc 83) the catalog is left as it was and `limited` says why.
    #[oai(path = "/products/sync", method = "post", operation_id = "adminSyncProducts")]
    async fn sync(&self, app: Data<&App>, auth: AdminAuth, req: &Request) -> ApiResult<Json<SyncSummary>> {
        let summary = sync::sync_products(&app, Trigger::Admin).await.map_err(sync_error)?;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let meta = serde_json::to_value(&summary).ok();
        app.db
            .run(move |c| -> ApiResult<_> {
                Ok(log_activity(
                    c,
                    Some(admin),
                    "products.sync",
                    None,
                    None,
                    "product sync",
                    ip.as_deref(),
                    meta.as_ref(),
                )?)
            })
            .await?;
        Ok(Json(summary))
    }

    /// Recent product syncs, newest first.
    #[oai(path = "/products/sync-runs", method = "get", operation_id = "adminListSyncRuns")]
    async fn sync_runs(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<SyncRun>>> {
        let runs = app
            .db
            .run(|c| -> ApiResult<_> {
                let mut s = c.prepare(
                    "SELECT id, trigger, started_at, finished_at, ok, summary, error FROM sync_runs ORDER BY id DESC LIMIT 50",
                )?;
                let rows = s
                    .query_map([], |r| {
                        let summary: Option<String> = r.get(5)?;
                        Ok(SyncRun {
                            id: r.get(0)?,
                            trigger: r.get(1)?,
                            started_at: r.get(2)?,
                            finished_at: r.get(3)?,
                            ok: r.get(4)?,
                            summary: summary.and_then(|s| serde_json::from_str(&s).ok()),
                            error: r.get(6)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(runs))
    }

    /// The deposit left at Digiflazz (cek-saldo).
    #[oai(path = "/supplier/balance", method = "get", operation_id = "adminSupplierBalance")]
    async fn balance(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<SupplierBalance>> {
        let deposit = app.digiflazz.balance().await.map_err(|e| ApiError::upstream(e.to_string()))?;
        Ok(Json(SupplierBalance { deposit }))
    }
}

fn sync_error(e: SyncError) -> ApiError {
    match e {
        SyncError::Busy => ApiError::conflict("sync_running", e.to_string()),
        SyncError::Supplier(_) | SyncError::Empty => ApiError::upstream(e.to_string()),
        SyncError::Db(d) => ApiError::internal(d),
    }
}

/// A new pricing rule. `category_id`, `brand` or `product_id` goes with its scope.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleCreate {
    pub scope: Scope,
    pub category_id: Option<i64>,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub brand: Option<String>,
    pub product_id: Option<i64>,
    pub tier: CustomerType,
    /// Hundredths of a percent: 250 = 2.5 %.
    #[oai(default, validator(minimum(value = "0"), maximum(value = "100000")))]
    pub percent_bp: i64,
    #[oai(default, validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub flat: i64,
    #[oai(default, validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_profit: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub max_profit: Option<i64>,
    /// Round the selling price up to a multiple of this (default 1: no rounding).
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub round_to: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleUpdate {
    #[oai(validator(minimum(value = "0"), maximum(value = "100000")))]
    pub percent_bp: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub flat: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_profit: Option<i64>,
    /// A new profit cap (to remove the cap, send `clear_max_profit: true`).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub max_profit: Option<i64>,
    pub clear_max_profit: Option<bool>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub round_to: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleChange {
    pub rule: Option<PricingRule>,
    /// Items whose selling price changed.
    pub repriced_items: i64,
}

#[derive(ApiResponse)]
pub enum RuleCreated {
    #[oai(status = 201)]
    Created(Json<RuleChange>),
}

pub struct PricingRulesApi;

#[OpenApi(prefix_path = "/admin/pricing-rules", tag = "ApiTags::AdminCatalog")]
impl PricingRulesApi {
    /// All pricing rules (global first, then category, brand, product).
    #[oai(path = "/", method = "get", operation_id = "adminListPricingRules")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<PricingRule>>> {
        Ok(Json(app.db.run(|c| -> ApiResult<_> { Ok(pricing::list(c)?) }).await?))
    }

    /// Add a rule; every item's price is recomputed at once.
    #[oai(path = "/", method = "post", operation_id = "adminCreatePricingRule")]
    async fn create(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<RuleCreate>,
    ) -> ApiResult<RuleCreated> {
        let b = body.0;
        let target_ok = match b.scope {
            Scope::Global => b.category_id.is_none() && b.brand.is_none() && b.product_id.is_none(),
            Scope::Category => b.category_id.is_some() && b.brand.is_none() && b.product_id.is_none(),
            Scope::Brand => b.brand.is_some() && b.category_id.is_none() && b.product_id.is_none(),
            Scope::Product => b.product_id.is_some() && b.category_id.is_none() && b.brand.is_none(),
        };
        if !target_ok {
            return Err(ApiError::validation(
                "scope",
                "give exactly the target of the scope: category_id for category, brand for brand, product_id for product, none for global",
            ));
        }
        if b.max_profit.is_some_and(|m| m < b.min_profit) {
            return Err(ApiError::validation("max_profit", "max_profit is below min_profit"));
        }
        let input = RuleInput {
            scope: b.scope,
            category_id: b.category_id,
            brand: b.brand.map(|s| s.trim().to_string()),
            product_id: b.product_id,
            tier: b.tier,
            formula: Formula {
                percent_bp: b.percent_bp,
                flat: b.flat,
                min_profit: b.min_profit,
                max_profit: b.max_profit,
                round_to: b.round_to.unwrap_or(1),
            },
        };
        let (admin, ip) = (auth.0.id, ip_of(req));
        let change = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if let Some(cid) = input.category_id {
                    if tx.query_row("SELECT COUNT(*) FROM product_categories WHERE id = ?1", [cid], |r| {
                        r.get::<_, i64>(0)
                    })? == 0
                    {
                        return Err(ApiError::validation("category_id", "no such category"));
                    }
                }
                if let Some(pid) = input.product_id {
                    if tx.query_row("SELECT COUNT(*) FROM products WHERE id = ?1", [pid], |r| r.get::<_, i64>(0))? == 0
                    {
                        return Err(ApiError::validation("product_id", "no such product"));
                    }
                }
                let id = match pricing::insert(tx, &input) {
                    Ok(id) => id,
                    Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                        return Err(ApiError::conflict(
                            "rule_exists",
                            "a rule for this scope, target and tier exists; change it instead",
                        ))
                    }
                    Err(e) => return Err(e.into()),
                };
                let repriced = pricing::reprice_all(tx)? as i64;
                log_activity(
                    tx,
                    Some(admin),
                    "pricing_rule.create",
                    Some("pricing_rule"),
                    Some(id),
                    "pricing rule added",
                    ip.as_deref(),
                    None,
                )?;
                Ok(RuleChange { rule: pricing::find(tx, id)?, repriced_items: repriced })
            })
            .await?;
        Ok(RuleCreated::Created(Json(change)))
    }

    /// Change a rule's numbers; every item's price is recomputed at once.
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdatePricingRule")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<RuleUpdate>,
    ) -> ApiResult<Json<RuleChange>> {
        let (id, b) = (id.0, body.0);
        let (admin, ip) = (auth.0.id, ip_of(req));
        let change = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let rule = pricing::find(tx, id)?.ok_or_else(|| ApiError::not_found("pricing rule"))?;
                let mut f = Formula::from(&rule);
                if let Some(v) = b.percent_bp {
                    f.percent_bp = v;
                }
                if let Some(v) = b.flat {
                    f.flat = v;
                }
                if let Some(v) = b.min_profit {
                    f.min_profit = v;
                }
                if b.clear_max_profit == Some(true) {
                    f.max_profit = None;
                }
                if let Some(v) = b.max_profit {
                    f.max_profit = Some(v);
                }
                if let Some(v) = b.round_to {
                    f.round_to = v;
                }
                if f.max_profit.is_some_and(|m| m < f.min_profit) {
                    return Err(ApiError::validation("max_profit", "max_profit is below min_profit"));
                }
                pricing::update_formula(tx, id, &f)?;
                let repriced = pricing::reprice_all(tx)? as i64;
                log_activity(
                    tx,
                    Some(admin),
                    "pricing_rule.update",
                    Some("pricing_rule"),
                    Some(id),
                    "pricing rule changed",
                    ip.as_deref(),
                    None,
                )?;
                Ok(RuleChange { rule: pricing::find(tx, id)?, repriced_items: repriced })
            })
            .await?;
        Ok(Json(change))
    }

    /// Remove a rule; items fall back to the next less specific rule.
    #[oai(path = "/:id", method = "delete", operation_id = "adminDeletePricingRule")]
    async fn delete(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<Json<RuleChange>> {
        let id = id.0;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let change = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if pricing::delete(tx, id)? == 0 {
                    return Err(ApiError::not_found("pricing rule"));
                }
                let repriced = pricing::reprice_all(tx)? as i64;
                log_activity(
                    tx,
                    Some(admin),
                    "pricing_rule.delete",
                    Some("pricing_rule"),
                    Some(id),
                    "pricing rule removed",
                    ip.as_deref(),
                    None,
                )?;
                Ok(RuleChange { rule: None, repriced_items: repriced })
            })
            .await?;
        Ok(Json(change))
    }
}
