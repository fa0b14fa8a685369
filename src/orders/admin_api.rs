//! The admin's view of orders: whitelisted filters and search, statistics, the full
//! detail (payment, callbacks, logs, supplier answers), the attention list, status
//! overrides along legal moves only (failing a processing order asks the supplier
//! first), supplier re-check and retry with the same ref_id.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, Object, OpenApi};
use rusqlite::types::Value;
use serde_json::json;

use super::{
    fulfilment::{self, Asked, Asker},
    model::{Attention, OrderStatus, OrderView, PaymentStatus, TransactionType},
    repo,
    service::{self, Admin, AdminAction},
};
use crate::{
    accounts::repo::log_activity,
    app::App,
    db::{like_pattern, numbered_where},
    error::{ApiError, ApiResult},
    auth::api::AdminAuth, web::pagination::PageMeta, web::pagination::PageRequest, web::ClientIp,
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
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
    /// Who paid (a refund goes back there); differs from `user_id` after a guest-order claim.
    pub payer_user_id: Option<i64>,
    /// Why the order is on the attention list (absent: it is not).
    pub attention: Option<Attention>,
    pub attention_note: Option<String>,
    pub attention_at: Option<String>,
    /// Set when the money arrived after the order was closed.
    pub late_paid_at: Option<String>,
    /// What the supplier charged (its latest answer), and the deposit it reported.
    pub supplier_price: Option<i64>,
    pub supplier_balance: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminOrderList {
    pub data: Vec<AdminOrder>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LogEntry {
    pub status_from: Option<String>,
    pub status_to: Option<String>,
    pub message: Option<String>,
    pub meta_data: Option<serde_json::Value>,
    pub created_by: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
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
#[oai(skip_serializing_if_is_none)]
pub struct SupplierCall {
    pub kind: String,
    pub outcome: String,
    pub rc: Option<String>,
    pub message: Option<String>,
    /// What the supplier said it charged, and its deposit afterwards.
    pub price: Option<i64>,
    pub balance_after: Option<i64>,
    pub payload: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminOrderDetail {
    #[oai(flatten)]
    pub order: AdminOrder,
    pub logs: Vec<LogEntry>,
    pub callbacks: Vec<CallbackEntry>,
    pub supplier_calls: Vec<SupplierCall>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StatusOverride {
    /// `success` or `failed`.
    pub status: OrderStatus,
    #[oai(validator(min_length = 3, max_length = 500))]
    pub reason: String,
    /// Fail a processing order without asking the supplier first (or against its
    /// "pending" or an answer that says nothing). A later delivery is still recorded
    /// and put on the attention list.
    #[oai(default)]
    pub force: bool,
    /// The serial number or token, when setting success by hand.
    #[oai(validator(max_length = 255))]
    pub sn: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RefundRequired {
    pub transaction_code: String,
    pub user_id: Option<i64>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub is_guest: bool,
    pub product_name: Option<String>,
    pub total_price: i64,
    pub payment_method: Option<String>,
    pub status: String,
    pub failed_reason: Option<String>,
    pub created_at: String,
}

/// How a refund was made outside lapak.
#[derive(Debug, Object, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct RefundNote {
    #[oai(validator(max_length = 1000))]
    pub note: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ResolveRequest {
    /// What the admin did about it (kept in the order's log).
    #[oai(validator(min_length = 3, max_length = 500))]
    pub note: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
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
        payer_user_id: o.payer_user_id,
        attention: o.attention,
        attention_note: o.attention_note.clone(),
        attention_at: o.attention_at.clone(),
        late_paid_at: o.late_paid_at.clone(),
        supplier_price: o.supplier_price,
        supplier_balance: o.supplier_balance,
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
    attention: Option<bool>,
) -> (Vec<&'static str>, Vec<Value>) {
    let mut c = Vec::new();
    let mut a: Vec<Value> = Vec::new();
    match attention {
        Some(true) => c.push("t.attention IS NOT NULL"),
        Some(false) => c.push("t.attention IS NULL"),
        None => {}
    }
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
    #[oai(path = "/", method = "get", operation_id = "adminListTransactions")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        status: Query<Option<OrderStatus>>,
        payment_status: Query<Option<PaymentStatus>>,
        #[oai(name = "type")] kind: Query<Option<TransactionType>>,
        user_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
        /// Only orders on the attention list (true) or off it (false).
        attention: Query<Option<bool>>,
        sort: Query<Option<OrderSort>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
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
            crate::clock::day_bound(from.0, false),
            crate::clock::day_bound(to.0, true),
            attention.0,
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
    /// profit (selling price minus what the supplier charged, or the cost snapshot when
    /// it did not say; successful purchases).
    #[oai(path = "/statistics", method = "get", operation_id = "adminTransactionStatistics")]
    async fn statistics(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<OrderStats>> {
        let (c, a) = filters(
            None,
            None,
            None,
            None,
            None,
            crate::clock::day_bound(from.0, false),
            crate::clock::day_bound(to.0, true),
            None,
        );
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
                                COALESCE(SUM(t.product_price - t.discount_amount - COALESCE(t.supplier_price, t.base_price)), 0)
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
    #[oai(path = "/:code", method = "get", operation_id = "adminGetTransaction")]
    async fn detail(&self, app: Data<&App>, _auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        let code = code.0;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }

    /// Orders an admin must look at, oldest flag first: unknown outcomes, deliveries
    /// after a failure or refund, supplier failures after a success, overcharges,
    /// Tripay refunds.
    #[oai(path = "/attention", method = "get", operation_id = "adminListAttention")]
    async fn attention(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminOrderList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let (data, total) = app
            .db
            .run(move |db| -> ApiResult<_> {
                let total: i64 =
                    db.query_row("SELECT COUNT(*) FROM transactions WHERE attention IS NOT NULL", [], |r| r.get(0))?;
                let mut s = db.prepare(
                    "SELECT id FROM transactions WHERE attention IS NOT NULL ORDER BY attention_at, id LIMIT ?1 OFFSET ?2",
                )?;
                let ids = s.query_map([pr.limit(), pr.offset()], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
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

    /// Set an order to `success` or `failed`, with a logged reason, along legal moves
    /// only. Failing an unpaid order closes its payment and releases its voucher (money
    /// that arrives later is a late payment, returned to the payer). Failing a processing
    /// order first asks the supplier (same ref_id) and is refused while it says pending
    /// (`supplier_pending`), success (`supplier_success`), or nothing useful
    /// (`supplier_unknown`); `force` skips the question. A failed paid order is refunded
    /// to a member's balance, or put on the refund list for a guest.
    #[oai(path = "/:code/status", method = "post", operation_id = "adminSetTransactionStatus")]
    async fn override_status(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
        body: Json<StatusOverride>,
    ) -> ApiResult<Json<AdminOrderDetail>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        let b = body.0;
        service::admin_set_status(&app, &admin, &code.0, b.status, b.reason, b.force, b.sn).await?;
        let code = code.0;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }

    /// Take an order off the attention list, saying what was done about it.
    #[oai(path = "/:code/resolve", method = "post", operation_id = "adminResolveAttention")]
    async fn resolve(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
        body: Json<ResolveRequest>,
    ) -> ApiResult<Json<AdminOrderDetail>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        service::admin_act(&app, &admin, &code.0, AdminAction::Resolve { note: body.0.note }).await?;
        let code = code.0;
        Ok(Json(app.db.run(move |c| detail_of(c, &code)).await?))
    }

    /// Ask Digiflazz for the order's status now (same ref_id) and apply the answer. At
    /// most one call per order per `orders.recheck_min_secs` (`recheck_too_soon`).
    #[oai(path = "/:code/recheck", method = "post", operation_id = "adminRecheckTransaction")]
    async fn recheck(&self, app: Data<&App>, auth: AdminAuth, req: &Request, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        ask(&app, auth.0.id, req, code.0, "transaction.recheck").await
    }

    /// Send a processing order to the supplier again now, with the same ref_id (a
    /// purchase that never reached Digiflazz is made; one that did is only checked).
    #[oai(path = "/:code/retry", method = "post", operation_id = "adminRetryTransaction")]
    async fn retry(&self, app: Data<&App>, auth: AdminAuth, req: &Request, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        ask(&app, auth.0.id, req, code.0, "transaction.retry").await
    }

    /// Paid orders that failed and still need their money returned (guests, or late
    /// payments on closed orders).
    #[oai(path = "/refund-required", method = "get", operation_id = "adminListRefundRequired")]
    async fn refund_required(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<RefundRequired>>> {
        let rows = app
            .db
            .run(|c| -> ApiResult<_> {
                let mut s = c.prepare(
                    "SELECT t.transaction_code, t.user_id, t.contact_email, t.contact_phone, COALESCE(u.is_guest, 1),
                            t.product_name, t.total_price, t.payment_method, t.status, t.failed_reason, t.created_at
                     FROM transactions t LEFT JOIN users u ON u.id = t.user_id
                     WHERE t.refund_required = 1 ORDER BY t.id",
                )?;
                let rows = s
                    .query_map([], |r| {
                        Ok(RefundRequired {
                            transaction_code: r.get(0)?,
                            user_id: r.get(1)?,
                            contact_email: r.get(2)?,
                            contact_phone: r.get(3)?,
                            is_guest: r.get(4)?,
                            product_name: r.get(5)?,
                            total_price: r.get(6)?,
                            payment_method: r.get(7)?,
                            status: r.get(8)?,
                            failed_reason: r.get(9)?,
                            created_at: r.get(10)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Refund a failed, paid member order to its balance (once).
    #[oai(path = "/:code/refund", method = "post", operation_id = "adminRefundToBalance")]
    async fn refund(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
    ) -> ApiResult<Json<OrderView>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        let id = service::admin_act(&app, &admin, &code.0, AdminAction::RefundToBalance).await?;
        Ok(Json(service::view(&app, id).await?))
    }

    /// Record that a failed order's money was returned outside lapak (guests: bank
    /// transfer, e-wallet), with a note.
    #[oai(path = "/:code/mark-refunded", method = "post", operation_id = "adminMarkRefunded")]
    async fn mark_refunded(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
        body: Json<RefundNote>,
    ) -> ApiResult<Json<OrderView>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        let note = body.0.note.unwrap_or_default();
        let id = service::admin_act(&app, &admin, &code.0, AdminAction::MarkRefunded { note }).await?;
        Ok(Json(service::view(&app, id).await?))
    }
}

async fn ask(app: &App, admin: i64, req: &Request, code: String, action: &'static str) -> ApiResult<Json<AdminOrderDetail>> {
    let ip = req.data::<ClientIp>().map(|c| c.0.clone());
    let detail_code = code.clone();
    let id = fulfilment::id_of(app, &code).await?.ok_or_else(|| ApiError::not_found("transaction"))?;
    let outcome = match fulfilment::ask_supplier(app, id, Asker::Admin).await? {
        Asked::Answered { outcome, .. } => outcome.to_string(),
        Asked::NotProcessing(s) => {
            return Err(ApiError::conflict(
                "not_processing",
                format!("only an order in processing is with the supplier; this one is {}", s.as_str()),
            ))
        }
        Asked::TooSoon(wait) => {
            return Err(ApiError::conflict(
                "recheck_too_soon",
                format!("the supplier was asked about this order moments ago; ask again in {wait} s"),
            )
            .with_details(json!({"retry_after": wait})))
        }
        Asked::TooOld => {
            return Err(ApiError::conflict(
                "too_old",
                "this order is older than 89 days: Digiflazz must not be asked again; settle it by hand",
            ))
        }
        Asked::NotDue | Asked::NoSuchOrder => "not asked".to_string(),
    };
    app.db
        .write(move |tx| -> ApiResult<_> {
            Ok(log_activity(
                tx,
                Some(admin),
                action,
                Some("transaction"),
                Some(id),
                &code,
                ip.as_deref(),
                Some(&json!({"outcome": outcome})),
            )?)
        })
        .await?;
    Ok(Json(app.db.run(move |c| detail_of(c, &detail_code)).await?))
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
        "SELECT kind, outcome, rc, message, payload, created_at, price, balance_after FROM supplier_calls
         WHERE transaction_id = ?1 ORDER BY id",
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
                price: r.get(6)?,
                balance_after: r.get(7)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AdminOrderDetail { order: admin_order(o, p), logs, callbacks, supplier_calls })
}
