//! The admin's view of orders: whitelisted filters and search, statistics, the full
//! detail (payment, callbacks, logs, supplier answers), status overrides along legal
//! moves only, supplier re-check and retry with the same ref_id.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, Object, OpenApi};
use rusqlite::{params, types::Value};
use serde_json::json;

use super::{
    api::parse_bound,
    model::{OrderStatus, OrderView, PaymentStatus, TransactionType},
    repo, service,
};
use crate::{
    accounts::repo::log_activity,
    app::App,
    db::{like_pattern, now_str, numbered_where},
    error::{ApiError, ApiResult},
    http::{auth::AdminAuth, pagination::PageMeta, pagination::PageRequest, ClientIp},
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
pub struct AdminOrder {
    #[oai(flatten)]
    pub order: OrderView,
    pub id: i64,
    pub user_id: Option<i64>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    /// Supplier cost snapshot.
    pub base_price: i64,
    pub payment_method_type: String,
    pub refund_required: bool,
    pub supplier_attempts: i64,
}

#[derive(Debug, Object)]
pub struct AdminOrderList {
    pub data: Vec<AdminOrder>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
pub struct LogEntry {
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    pub message: Option<String>,
    pub meta_data: Option<serde_json::Value>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Object)]
pub struct CallbackEntry {
    pub id: i64,
    pub event: Option<String>,
    pub is_valid: bool,
    pub processed: bool,
    pub outcome: Option<String>,
    pub ip_address: String,
    /// The raw body as received.
    pub callback_data: String,
    pub created_at: String,
}

#[derive(Debug, Object)]
pub struct SupplierCall {
    pub kind: String,
    pub outcome: String,
    pub rc: Option<String>,
    pub message: Option<String>,
    pub payload: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Object)]
pub struct AdminOrderDetail {
    #[oai(flatten)]
    pub order: AdminOrder,
    pub logs: Vec<LogEntry>,
    pub callbacks: Vec<CallbackEntry>,
    pub supplier_calls: Vec<SupplierCall>,
}

#[derive(Debug, Object)]
pub struct StatusOverride {
    pub status: OrderStatus,
    #[oai(validator(min_length = 3, max_length = 500))]
    pub reason: String,
}

#[derive(Debug, Object)]
pub struct OrderStats {
    pub total: i64,
    pub by_status: serde_json::Value,
    pub by_payment_status: serde_json::Value,
    pub revenue: i64,
    pub profit: i64,
}

fn admin_order(o: repo::OrderRow, p: Option<super::model::PaymentView>) -> AdminOrder {
    AdminOrder {
        id: o.id,
        user_id: o.user_id,
        contact_email: o.contact_email.clone(),
        contact_phone: o.contact_phone.clone(),
        base_price: o.base_price,
        payment_method_type: o.payment_method_type.clone(),
        refund_required: o.refund_required,
        supplier_attempts: o.supplier_attempts,
        order: service::to_view(o, p),
    }
}

/// Whitelisted filters as SQL clauses over `transactions t` (shared by list and stats).
#[allow(clippy::too_many_arguments)]
fn filters(
    status: Option<OrderStatus>,
    payment_status: Option<PaymentStatus>,
    kind: Option<TransactionType>,
    user_id: Option<i64>,
    search: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> (Vec<&'static str>, Vec<Value>) {
    let mut c = Vec::new();
    let mut a: Vec<Value> = Vec::new();
    if let Some(s) = status {
        c.push("t.status = ?{n}");
        a.push(s.as_str().to_string().into());
    }
    if let Some(s) = payment_status {
        c.push("t.payment_status = ?{n}");
        a.push(s.as_str().to_string().into());
    }
    if let Some(k) = kind {
        c.push("t.transaction_type = ?{n}");
        a.push(k.as_str().to_string().into());
    }
    if let Some(u) = user_id {
        c.push("t.user_id = ?{n}");
        a.push(u.into());
    }
    if let Some(q) = search.filter(|q| !q.trim().is_empty()) {
        c.push(
            "(t.transaction_code LIKE ?{n} ESCAPE '\\' OR t.customer_no LIKE ?{n} ESCAPE '\\' OR t.product_name LIKE ?{n} ESCAPE '\\'
              OR t.contact_email LIKE ?{n} ESCAPE '\\' OR t.contact_phone LIKE ?{n} ESCAPE '\\' OR t.payment_method LIKE ?{n} ESCAPE '\\')",
        );
        a.push(like_pattern(&q).into());
    }
    if let Some(f) = from {
        c.push("t.created_at >= ?{n}");
        a.push(f.into());
    }
    if let Some(t) = to {
        c.push("t.created_at < ?{n}");
        a.push(t.into());
    }
    (c, a)
}

/// Orders of the admin's order list.
#[derive(Debug, Clone, Copy, poem_openapi::Enum)]
#[oai(rename_all = "snake_case")]
pub enum OrderSort {
    Newest,
    Oldest,
    TotalDesc,
    TotalAsc,
}

pub struct AdminOrdersApi;

#[OpenApi(prefix_path = "/admin/transactions", tag = "ApiTags::AdminOrders")]
impl AdminOrdersApi {
    /// All orders, newest first. `search` matches code, customer number, product,
    /// contact e-mail/phone and payment method.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/", method = "get")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        status: Query<Option<OrderStatus>>,
        payment_status: Query<Option<PaymentStatus>>,
        #[oai(name = "type")] kind: Query<Option<TransactionType>>,
        user_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
        sort: Query<Option<OrderSort>>,
        page: Query<Option<u32>>,
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminOrderList>> {
        let order_by = match sort.0.unwrap_or(OrderSort::Newest) {
            OrderSort::Newest => "t.id DESC",
            OrderSort::Oldest => "t.id ASC",
            OrderSort::TotalDesc => "t.total_price DESC, t.id DESC",
            OrderSort::TotalAsc => "t.total_price ASC, t.id DESC",
        };
        let pr = PageRequest::new(page.0, per_page.0);
        let (c, mut a) = filters(
            status.0,
            payment_status.0,
            kind.0,
            user_id.0,
            search.0,
            parse_bound("from", from.0, false)?,
            parse_bound("to", to.0, true)?,
        );
        let (data, total) = app
            .db
            .run(move |db| -> ApiResult<_> {
                let w = numbered_where(&c);
                let total: i64 = db.query_row(
                    &format!("SELECT COUNT(*) FROM transactions t {w}"),
                    rusqlite::params_from_iter(a.iter()),
                    |r| r.get(0),
                )?;
                let n = a.len();
                a.push(pr.limit().into());
                a.push(pr.offset().into());
                let mut s = db.prepare(&format!(
                    "SELECT t.id FROM transactions t {w} ORDER BY {order_by} LIMIT ?{} OFFSET ?{}",
                    n + 1,
                    n + 2
                ))?;
                let ids =
                    s.query_map(rusqlite::params_from_iter(a.iter()), |r| r.get::<_, i64>(0))?
                        .collect::<Result<Vec<_>, _>>()?;
                let mut out = Vec::new();
                for id in ids {
                    if let Some(o) = repo::find_by_id(db, id)? {
                        let p = repo::payment_of(db, id)?;
                        out.push(admin_order(o, p));
                    }
                }
                Ok((out, total))
            })
            .await?;
        Ok(Json(AdminOrderList { data, meta: pr.meta(total) }))
    }

    /// Counts by status and payment status, revenue (paid purchases' totals) and real
    /// profit (selling price minus the supplier cost snapshot, successful purchases).
    #[oai(path = "/statistics", method = "get")]
    async fn statistics(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<String>>,
        to: Query<Option<String>>,
    ) -> ApiResult<Json<OrderStats>> {
        let (c, a) =
            filters(None, None, None, None, None, parse_bound("from", from.0, false)?, parse_bound("to", to.0, true)?);
        let stats = app
            .db
            .run(move |db| -> ApiResult<_> {
                let w = numbered_where(&c);
                let p = || rusqlite::params_from_iter(a.iter());
                let group = |col: &str| -> rusqlite::Result<serde_json::Value> {
                    let mut s =
                        db.prepare(&format!("SELECT t.{col}, COUNT(*) FROM transactions t {w} GROUP BY t.{col}"))?;
                    let mut m = serde_json::Map::new();
                    for row in s.query_map(p(), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
                        let (k, v) = row?;
                        m.insert(k, v.into());
                    }
                    Ok(serde_json::Value::Object(m))
                };
                let total: i64 =
                    db.query_row(&format!("SELECT COUNT(*) FROM transactions t {w}"), p(), |r| r.get(0))?;
                let and = if w.is_empty() { "WHERE" } else { "AND" };
                let (revenue, profit): (i64, i64) = db.query_row(
                    &format!(
                        "SELECT COALESCE(SUM(t.product_price - t.discount_amount), 0),
                                COALESCE(SUM(t.product_price - t.discount_amount - t.base_price), 0)
                         FROM transactions t {w} {and} t.status = 'success' AND t.transaction_type = 'purchase'"
                    ),
                    p(),
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                Ok(OrderStats {
                    total,
                    by_status: group("status")?,
                    by_payment_status: group("payment_status")?,
                    revenue,
                    profit,
                })
            })
            .await?;
        Ok(Json(stats))
    }

    /// One order with its payment, every callback, every log line and every supplier answer.
    #[oai(path = "/:code", method = "get")]
    async fn detail(&self, app: Data<&App>, _auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        let code = code.0;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }

    /// Override the status along a legal move only (pending -> processing/failed,
    /// processing -> success/failed, failed -> refunded), with a logged reason. A failed
    /// member order that was paid is refunded to the balance; use the refund routes to
    /// move failed -> refunded.
    #[oai(path = "/:code/status", method = "post")]
    async fn override_status(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
        body: Json<StatusOverride>,
    ) -> ApiResult<Json<AdminOrderDetail>> {
        let (admin, b) = (auth.0.id, body.0);
        let ip = req.data::<ClientIp>().map(|c| c.0.clone());
        let code = code.0;
        let d = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let o = repo::find_by_code(tx, &code)?.ok_or_else(|| ApiError::not_found("transaction"))?;
                if !o.status.can_move_to(b.status) || b.status == OrderStatus::Refunded {
                    return Err(ApiError::conflict(
                        "illegal_move",
                        format!("{} -> {} is not a move an order can make here", o.status.as_str(), b.status.as_str()),
                    ));
                }
                if b.status == OrderStatus::Processing && o.payment_status != PaymentStatus::Paid {
                    return Err(ApiError::conflict("illegal_move", "an unpaid order cannot be processed"));
                }
                let now = now_str();
                let stamp = match b.status {
                    OrderStatus::Success => "completed_at",
                    OrderStatus::Failed => "failed_at",
                    _ => "processed_at",
                };
                tx.execute(
                    &format!(
                        "UPDATE transactions SET status = ?2, {stamp} = ?3, updated_at = ?3,
                                failed_reason = CASE WHEN ?2 = 'failed' THEN ?4 ELSE failed_reason END,
                                next_check_at = NULL
                         WHERE id = ?1 AND status = ?5"
                    ),
                    params![o.id, b.status, now, b.reason, o.status],
                )?;
                repo::log(
                    tx,
                    o.id,
                    o.status.as_str(),
                    b.status.as_str(),
                    &format!("by an admin: {}", b.reason),
                    None,
                    Some(admin),
                )?;
                if b.status == OrderStatus::Failed && o.payment_status == PaymentStatus::Paid {
                    tx.execute("UPDATE transactions SET refund_required = 1 WHERE id = ?1", [o.id])?;
                    crate::orders::fulfilment::refund_member(tx, o.id, "failed by an admin")?;
                }
                log_activity(
                    tx,
                    Some(admin),
                    "transaction.status",
                    Some("transaction"),
                    Some(o.id),
                    &b.reason,
                    ip.as_deref(),
                    Some(&json!({"from": o.status.as_str(), "to": b.status.as_str()})),
                )?;
                detail_of(tx, &code)
            })
            .await?;
        Ok(Json(d))
    }

    /// Ask Digiflazz for the order's status now (same ref_id) and apply the answer.
    #[oai(path = "/:code/recheck", method = "post")]
    async fn recheck(&self, app: Data<&App>, auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        let code = code.0;
        let applied =
            crate::supplier::service::recheck(&app, &code).await?.ok_or_else(|| ApiError::not_found("transaction"))?;
        let c2 = code.clone();
        let admin = auth.0.id;
        app.db
            .run(move |c| -> ApiResult<_> {
                Ok(log_activity(
                    c,
                    Some(admin),
                    "transaction.recheck",
                    Some("transaction"),
                    None,
                    &c2,
                    None,
                    Some(&json!({"outcome": applied.label()})),
                )?)
            })
            .await?;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }

    /// Send a processing order to the supplier again now, with the same ref_id (a
    /// purchase that never reached Digiflazz is made; one that did is only checked).
    #[oai(path = "/:code/retry", method = "post")]
    async fn retry(&self, app: Data<&App>, auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        let (code, admin) = (code.0, auth.0.id);
        let c2 = code.clone();
        let id = app
            .db
            .write(move |tx| -> ApiResult<i64> {
                let o = repo::find_by_code(tx, &c2)?.ok_or_else(|| ApiError::not_found("transaction"))?;
                if o.status != OrderStatus::Processing {
                    return Err(ApiError::conflict("not_processing", "only an order in processing can be sent again"));
                }
                tx.execute("UPDATE transactions SET next_check_at = NULL WHERE id = ?1", [o.id])?;
                log_activity(tx, Some(admin), "transaction.retry", Some("transaction"), Some(o.id), &c2, None, None)?;
                Ok(o.id)
            })
            .await?;
        crate::jobs::fulfil::run(&app, id).await?;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }
}

fn detail_of(c: &rusqlite::Connection, code: &str) -> ApiResult<AdminOrderDetail> {
    let o = repo::find_by_code(c, code)?.ok_or_else(|| ApiError::not_found("transaction"))?;
    let id = o.id;
    let p = repo::payment_of(c, id)?;
    let mut s = c.prepare(
        "SELECT status_from, status_to, message, meta_data, created_by, created_at FROM transaction_logs
         WHERE transaction_id = ?1 ORDER BY id",
    )?;
    let logs = s
        .query_map([id], |r| {
            let meta: Option<String> = r.get(3)?;
            Ok(LogEntry {
                status_from: r.get(0)?,
                status_to: r.get(1)?,
                message: r.get(2)?,
                meta_data: meta.and_then(|m| serde_json::from_str(&m).ok()),
                created_by: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = c.prepare(
        "SELECT pc.id, pc.event, pc.is_valid, pc.processed, pc.outcome, pc.ip_address, pc.callback_data, pc.created_at
         FROM payment_callbacks pc JOIN payments p ON p.id = pc.payment_id WHERE p.transaction_id = ?1 ORDER BY pc.id",
    )?;
    let callbacks = s
        .query_map([id], |r| {
            Ok(CallbackEntry {
                id: r.get(0)?,
                event: r.get(1)?,
                is_valid: r.get(2)?,
                processed: r.get(3)?,
                outcome: r.get(4)?,
                ip_address: r.get(5)?,
                callback_data: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = c.prepare(
        "SELECT kind, outcome, rc, message, payload, created_at FROM supplier_calls WHERE transaction_id = ?1 ORDER BY id",
    )?;
    let supplier_calls = s
        .query_map([id], |r| {
            Ok(SupplierCall {
                kind: r.get(0)?,
                outcome: r.get(1)?,
                rc: r.get(2)?,
                message: r.get(3)?,
                payload: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AdminOrderDetail { order: admin_order(o, p), logs, callbacks, supplier_calls })
}
