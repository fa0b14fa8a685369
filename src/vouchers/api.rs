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
    auth::api::{AdminAuth, MaybeAuth}, web::ClientIp,
    openapi_tags::ApiTags,
};

/// A new voucher.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct VoucherCreate {
    /// Letters, digits, `-` and `_`; stored upper-case.
    #[oai(validator(min_length = 1, max_length = 50, pattern = "^[A-Za-z0-9_-]+$"))]
    pub code: String,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// Only this product (parent), when set.
    pub product_id: Option<i64>,
    /// Only this category, when set.
    pub category_id: Option<i64>,
    pub customer_type: Option<VoucherAudience>,
    #[oai(rename = "type")]
    pub kind: VoucherKind,
    /// Percent (1 to 100) or rupiah.
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub value: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_transaction: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub max_discount: Option<i64>,
    /// Total uses allowed (absent: unlimited).
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000")))]
    pub usage_limit: Option<i64>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000")))]
    pub user_limit: Option<i64>,
    pub is_public: Option<bool>,
    pub is_active: Option<bool>,
    pub start_date: Option<chrono::DateTime<chrono::Utc>>,
    pub end_date: Option<chrono::DateTime<chrono::Utc>>,
}

/// A change to a voucher: only the fields sent change (its code never does).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none, deny_unknown_fields)]
pub struct VoucherUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(validator(max_length = 1000))]
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
    pub start_date: Option<chrono::DateTime<chrono::Utc>>,
    pub end_date: Option<chrono::DateTime<chrono::Utc>>,
}

/// Product and category scopes must exist (422 naming the field, never a constraint 500).
fn check_scope(tx: &rusqlite::Connection, product_id: Option<i64>, category_id: Option<i64>) -> ApiResult<()> {
    if let Some(p) = product_id {
        if tx.query_row("SELECT COUNT(*) FROM products WHERE id = ?1", [p], |r| r.get::<_, i64>(0))? == 0 {
            return Err(ApiError::validation("product_id", "no such product"));
        }
    }
    if let Some(c) = category_id {
        if tx.query_row("SELECT COUNT(*) FROM product_categories WHERE id = ?1", [c], |r| r.get::<_, i64>(0))? == 0 {
            return Err(ApiError::validation("category_id", "no such category"));
        }
    }
    Ok(())
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
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

fn stored(d: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    d.map(crate::db::ts)
}

pub struct VouchersApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl VouchersApi {
    /// Vouchers marked public that the caller's tier may use now (never the others).
    #[oai(path = "/vouchers", method = "get", operation_id = "listVouchers")]
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
    #[oai(path = "/", method = "get", operation_id = "adminListVouchers")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<Voucher>>> {
        Ok(Json(app.db.run(|c| -> ApiResult<_> { Ok(list_all(c)?) }).await?))
    }

    /// Create a voucher.
    #[oai(path = "/", method = "post", operation_id = "adminCreateVoucher")]
    async fn create(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<VoucherCreate>,
    ) -> ApiResult<VoucherCreated> {
        let b = body.0;
        let code = b.code.trim().to_uppercase();
        let name = crate::text::clean_name(&b.name, 255).map_err(|why| ApiError::validation("name", format!("name {why}")))?;
        let (kind, value) = (b.kind, b.value);
        if kind == VoucherKind::Percentage && value > 100 {
            return Err(ApiError::validation("value", "a percentage is at most 100"));
        }
        let (start, end) = (stored(b.start_date), stored(b.end_date));
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
                check_scope(tx, b.product_id, b.category_id)?;
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
    #[oai(path = "/:id", method = "get", operation_id = "adminGetVoucher")]
    async fn get(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Voucher>> {
        let id = id.0;
        Ok(Json(
            app.db.run(move |c| -> ApiResult<_> { find(c, id)?.ok_or_else(|| ApiError::not_found("voucher")) }).await?,
        ))
    }

    /// Change a voucher (only the fields sent; the code cannot change: sending it is a
    /// 422 naming `code`).
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdateVoucher")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<VoucherUpdate>,
    ) -> ApiResult<Json<Voucher>> {
        let (id, b) = (id.0, body.0);
        let name = match b.name.as_deref() {
            Some(n) => Some(crate::text::clean_name(n, 255).map_err(|why| ApiError::validation("name", format!("name {why}")))?),
            None => None,
        };
        let (start, end) = (stored(b.start_date), stored(b.end_date));
        let (admin, ip) = (auth.0.id, req.data::<ClientIp>().map(|c| c.0.clone()));
        let v = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let cur = find(tx, id)?.ok_or_else(|| ApiError::not_found("voucher"))?;
                check_scope(tx, b.product_id, b.category_id)?;
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
                        name.unwrap_or(cur.name),
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
    #[oai(path = "/:id", method = "delete", operation_id = "adminDeleteVoucher")]
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
    #[oai(path = "/:id/usages", method = "get", operation_id = "adminListVoucherUsages")]
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
