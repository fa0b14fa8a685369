//! Voucher routes: the admin's CRUD and usages, and the public list.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, payload::Json, ApiResponse, Object, OpenApi};
use rusqlite::params;

use super::{find, list_all, list_public, Voucher, VoucherAudience, VoucherKind};
use crate::{
    accounts::{model::CustomerType, repo::log_activity},
    app::App,
    db::now_str,
    error::{ApiError, ApiResult},
    http::{
        auth::{AdminAuth, MaybeAuth},
        ClientIp,
    },
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
pub struct VoucherInput {
    #[oai(validator(min_length = 1, max_length = 50, pattern = "^[A-Za-z0-9_-]+$"))]
    pub code: Option<String>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    pub description: Option<String>,
    pub product_id: Option<i64>,
    pub category_id: Option<i64>,
    pub customer_type: Option<VoucherAudience>,
    #[oai(rename = "type")]
    pub kind: Option<VoucherKind>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub value: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_transaction: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub max_discount: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000")))]
    pub usage_limit: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000")))]
    pub user_limit: Option<i64>,
    pub is_public: Option<bool>,
    pub is_active: Option<bool>,
    /// RFC 3339 (UTC), e.g. 2026-12-01T00:00:00Z.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Debug, Object)]
pub struct VoucherUsage {
    pub id: i64,
    pub user_id: i64,
    pub user_email: String,
    pub transaction_code: String,
    pub discount_amount: i64,
    pub released_at: Option<String>,
    pub created_at: String,
}

#[derive(ApiResponse)]
pub enum VoucherCreated {
    #[oai(status = 201)]
    Created(Json<Voucher>),
}

fn check_date(field: &str, v: &Option<String>) -> ApiResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(s) if s.trim().is_empty() => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|d| Some(crate::db::ts(d.with_timezone(&chrono::Utc))))
            .map_err(|_| ApiError::validation(field, "use an RFC 3339 time, e.g. 2026-12-01T00:00:00Z")),
    }
}

pub struct VouchersApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl VouchersApi {
    /// Vouchers marked public that the caller's tier may use now (never the others).
    #[oai(path = "/vouchers", method = "get")]
    async fn public(&self, app: Data<&App>, req: &Request, auth: MaybeAuth) -> ApiResult<Json<Vec<Voucher>>> {
        let tier = auth.user(req)?.map(|u| u.customer_type).unwrap_or(CustomerType::Retail);
        let list = app.db.run(move |c| -> ApiResult<_> { Ok(list_public(c, tier, &now_str())?) }).await?;
        Ok(Json(list))
    }
}

pub struct AdminVouchersApi;

#[OpenApi(prefix_path = "/admin/vouchers", tag = "ApiTags::AdminCatalog")]
impl AdminVouchersApi {
    /// All vouchers.
    #[oai(path = "/", method = "get")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<Voucher>>> {
        Ok(Json(app.db.run(|c| -> ApiResult<_> { Ok(list_all(c)?) }).await?))
    }

    /// Create a voucher (`code`, `name`, `type` and `value` are required).
    #[oai(path = "/", method = "post")]
    async fn create(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<VoucherInput>,
    ) -> ApiResult<VoucherCreated> {
        let b = body.0;
        let code = b.code.clone().ok_or_else(|| ApiError::validation("code", "code is required"))?.to_uppercase();
        let name = b.name.clone().ok_or_else(|| ApiError::validation("name", "name is required"))?;
        let kind = b.kind.ok_or_else(|| ApiError::validation("type", "type is required (percentage or fixed)"))?;
        let value = b.value.ok_or_else(|| ApiError::validation("value", "value is required"))?;
        if kind == VoucherKind::Percentage && value > 100 {
            return Err(ApiError::validation("value", "a percentage is at most 100"));
        }
        let start = check_date("start_date", &b.start_date)?;
        let end = check_date("end_date", &b.end_date)?;
        if let (Some(s), Some(e)) = (&start, &end) {
            if e < s {
                return Err(ApiError::validation("end_date", "end_date is before start_date"));
            }
        }
        let (admin, ip) = (auth.0.id, req.data::<ClientIp>().map(|c| c.0.clone()));
        let v = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if super::find_by_code(tx, &code)?.is_some() {
                    return Err(ApiError::conflict("code_taken", "another voucher has this code").with_field("code"));
                }
                if let Some(p) = b.product_id {
                    if tx.query_row("SELECT COUNT(*) FROM products WHERE id = ?1", [p], |r| r.get::<_, i64>(0))? == 0 {
                        return Err(ApiError::validation("product_id", "no such product"));
                    }
                }
                if let Some(cid) = b.category_id {
                    if tx.query_row("SELECT COUNT(*) FROM product_categories WHERE id = ?1", [cid], |r| {
                        r.get::<_, i64>(0)
                    })? == 0
                    {
                        return Err(ApiError::validation("category_id", "no such category"));
                    }
                }
                tx.execute(
                    "INSERT INTO vouchers (code, name, description, product_id, category_id, customer_type, type, value,
                                           min_transaction, max_discount, usage_limit, user_limit, is_public, is_active,
                                           start_date, end_date)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                    params![
                        code,
                        name,
                        b.description,
                        b.product_id,
                        b.category_id,
                        b.customer_type.unwrap_or(VoucherAudience::All),
                        kind,
                        value,
                        b.min_transaction.unwrap_or(0),
                        b.max_discount,
                        b.usage_limit,
                        b.user_limit.unwrap_or(1),
                        b.is_public.unwrap_or(false),
                        b.is_active.unwrap_or(true),
                        start,
                        end
                    ],
                )?;
                let id = tx.last_insert_rowid();
                log_activity(tx, Some(admin), "voucher.create", Some("voucher"), Some(id), &code, ip.as_deref(), None)?;
                find(tx, id)?.ok_or_else(|| ApiError::internal("voucher vanished"))
            })
            .await?;
        Ok(VoucherCreated::Created(Json(v)))
    }

    /// One voucher.
    #[oai(path = "/:id", method = "get")]
    async fn get(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Voucher>> {
        let id = id.0;
        Ok(Json(
            app.db.run(move |c| -> ApiResult<_> { find(c, id)?.ok_or_else(|| ApiError::not_found("voucher")) }).await?,
        ))
    }

    /// Change a voucher (only the fields sent; the code cannot change).
    #[oai(path = "/:id", method = "patch")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<VoucherInput>,
    ) -> ApiResult<Json<Voucher>> {
        let (id, b) = (id.0, body.0);
        if b.code.is_some() {
            return Err(ApiError::validation("code", "a voucher's code cannot change; create a new voucher"));
        }
        let start = check_date("start_date", &b.start_date)?;
        let end = check_date("end_date", &b.end_date)?;
        let (admin, ip) = (auth.0.id, req.data::<ClientIp>().map(|c| c.0.clone()));
        let v = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let cur = find(tx, id)?.ok_or_else(|| ApiError::not_found("voucher"))?;
                let kind = b.kind.unwrap_or(cur.kind);
                let value = b.value.unwrap_or(cur.value);
                if kind == VoucherKind::Percentage && value > 100 {
                    return Err(ApiError::validation("value", "a percentage is at most 100"));
                }
                let limit = b.usage_limit.or(cur.usage_limit);
                if limit.is_some_and(|l| l < cur.usage_count) {
                    return Err(ApiError::validation("usage_limit", format!("already used {} times", cur.usage_count)));
                }
                tx.execute(
                    "UPDATE vouchers SET name = ?2, description = ?3, product_id = ?4, category_id = ?5, customer_type = ?6,
                            type = ?7, value = ?8, min_transaction = ?9, max_discount = ?10, usage_limit = ?11,
                            user_limit = ?12, is_public = ?13, is_active = ?14, start_date = ?15, end_date = ?16,
                            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                     WHERE id = ?1",
                    params![
                        id,
                        b.name.unwrap_or(cur.name),
                        b.description.or(cur.description),
                        b.product_id.or(cur.product_id),
                        b.category_id.or(cur.category_id),
                        b.customer_type.unwrap_or(cur.customer_type),
                        kind,
                        value,
                        b.min_transaction.unwrap_or(cur.min_transaction),
                        b.max_discount.or(cur.max_discount),
                        limit,
                        b.user_limit.unwrap_or(cur.user_limit),
                        b.is_public.unwrap_or(cur.is_public),
                        b.is_active.unwrap_or(cur.is_active),
                        start.or(cur.start_date),
                        end.or(cur.end_date)
                    ],
                )?;
                log_activity(tx, Some(admin), "voucher.update", Some("voucher"), Some(id), "voucher updated", ip.as_deref(), None)?;
                find(tx, id)?.ok_or_else(|| ApiError::not_found("voucher"))
            })
            .await?;
        Ok(Json(v))
    }

    /// Deactivate a voucher (its history stays).
    #[oai(path = "/:id", method = "delete")]
    async fn deactivate(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<Json<Voucher>> {
        let id = id.0;
        let (admin, ip) = (auth.0.id, req.data::<ClientIp>().map(|c| c.0.clone()));
        let v = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if tx.execute("UPDATE vouchers SET is_active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1", [id])? == 0 {
                    return Err(ApiError::not_found("voucher"));
                }
                log_activity(tx, Some(admin), "voucher.deactivate", Some("voucher"), Some(id), "voucher deactivated", ip.as_deref(), None)?;
                find(tx, id)?.ok_or_else(|| ApiError::not_found("voucher"))
            })
            .await?;
        Ok(Json(v))
    }

    /// Who used a voucher, on which order.
    #[oai(path = "/:id/usages", method = "get")]
    async fn usages(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Vec<VoucherUsage>>> {
        let id = id.0;
        let rows = app
            .db
            .run(move |c| -> ApiResult<_> {
                if find(c, id)?.is_none() {
                    return Err(ApiError::not_found("voucher"));
                }
                let mut s = c.prepare(
                    "SELECT u.id, u.user_id, us.email, t.transaction_code, u.discount_amount, u.released_at, u.created_at
                     FROM voucher_usages u JOIN users us ON us.id = u.user_id JOIN transactions t ON t.id = u.transaction_id
                     WHERE u.voucher_id = ?1 ORDER BY u.id DESC",
                )?;
                let rows = s
                    .query_map([id], |r| {
                        Ok(VoucherUsage {
                            id: r.get(0)?,
                            user_id: r.get(1)?,
                            user_email: r.get(2)?,
                            transaction_code: r.get(3)?,
                            discount_amount: r.get(4)?,
                            released_at: r.get(5)?,
                            created_at: r.get(6)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }
}
