//! HTTP surface of orders: checkout, an order's status, history, cancel.

use poem::{web::Data, Request};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    ApiResponse, OpenApi,
};

use super::{
    model::{CancelRequest, CheckoutRequest, OrderList, OrderStatus, OrderView, TransactionType},
    checkout, payment,
    repo::OrderFilter,
    service,
};
use crate::{
    app::App,
    db::ts,
    error::{ApiError, ApiResult},
    http::{
        auth::{BearerAuth, MaybeAuth},
        pagination::PageRequest,
    },
    openapi_tags::ApiTags,
};

#[derive(ApiResponse)]
pub enum CheckoutResponse {
    /// The order was created; pay it with `payment`.
    #[oai(status = 201)]
    Created(Json<OrderView>),
    /// The same Idempotency-Key and body as an earlier request: that order.
    #[oai(status = 200)]
    Existing(Json<OrderView>),
}

/// The start (or, with `end`, the end) of a calendar day in Asia/Jakarta, as a stored
/// timestamp: how the `from`/`to` query parameters (`format: date`) bound a list.
pub fn day_bound(day: Option<chrono::NaiveDate>, end: bool) -> Option<String> {
    let day = day?;
    let day = if end { day.succ_opt().unwrap_or(day) } else { day };
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Jakarta, &local)
        .earliest()
        .map(|d| ts(d.with_timezone(&chrono::Utc)))
}

/// A date (`2026-11-24`) or an RFC 3339 time, as a stored timestamp; `end` makes a bare
/// date mean the end of that day (Asia/Jakarta). For text fields (banner schedules).
pub fn parse_bound(field: &str, v: Option<String>, end: bool) -> ApiResult<Option<String>> {
    let Some(v) = v.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(v.trim()) {
        return Ok(Some(ts(d.with_timezone(&chrono::Utc))));
    }
    let date = chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::validation(field, "use a date (2026-11-24) or an RFC 3339 time"))?;
    let day = if end { date.succ_opt().unwrap_or(date) } else { date };
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let utc = chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Jakarta, &local)
        .single()
        .map(|d| d.with_timezone(&chrono::Utc))
        .ok_or_else(|| ApiError::validation(field, "not a valid local date"))?;
    Ok(Some(ts(utc)))
}

pub struct OrdersApi;

#[OpenApi(prefix_path = "/transactions", tag = "ApiTags::Orders")]
impl OrdersApi {
    /// Buy a product item.
    ///
    /// Works with or without a bearer token: a member pays its tier's price; a guest
    /// gives `customer_name` and `customer_email`. `total_price` = `product_price` -
    /// `discount_amount` + `admin_fee` (the gateway fee the customer pays). Send an
    /// `Idempotency-Key` header to make retries safe: the same key and body return the
    /// same order, the same key with another body is 409.
    #[oai(path = "/", method = "post", operation_id = "createTransaction")]
    async fn checkout(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        #[oai(name = "Idempotency-Key")] idempotency_key: Header<Option<String>>,
        body: Json<CheckoutRequest>,
    ) -> ApiResult<CheckoutResponse> {
        let user = auth.user(req)?;
        let (order, created) = checkout::checkout(&app, user, body.0, idempotency_key.0).await?;
        Ok(if created { CheckoutResponse::Created(Json(order)) } else { CheckoutResponse::Existing(Json(order)) })
    }

    /// The caller's own orders, newest first.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/", method = "get", operation_id = "listTransactions")]
    async fn history(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(name = "type")] kind: Query<Option<TransactionType>>,
        status: Query<Option<OrderStatus>>,
        /// From this date (Asia/Jakarta) or time.
        from: Query<Option<chrono::NaiveDate>>,
        /// Up to and including this date (Asia/Jakarta), or before this time.
        to: Query<Option<chrono::NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<OrderList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = OrderFilter {
            user_id: Some(auth.0.id),
            transaction_type: kind.0,
            status: status.0,
            from: day_bound(from.0, false),
            to: day_bound(to.0, true),
        };
        let (rows, total) = app.db.run(move |c| service::list_views(c, &filter, pr.limit(), pr.offset())).await?;
        Ok(Json(OrderList { data: rows, meta: pr.meta(total) }))
    }

    /// One order. A member proves ownership with its token, a guest with the `email` or
    /// `phone` it gave at checkout; anyone else gets 404.
    #[oai(path = "/:code", method = "get", operation_id = "getTransaction")]
    async fn get(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        code: Path<String>,
        email: Query<Option<String>>,
        phone: Query<Option<String>>,
    ) -> ApiResult<Json<OrderView>> {
        let user = auth.user(req)?;
        Ok(Json(service::get_owned(&app, code.0, user, email.0, phone.0).await?))
    }

    /// Cancel an unpaid order (the owner only; a guest sends its `email` or `phone`).
    #[oai(path = "/:code/cancel", method = "post", operation_id = "cancelTransaction")]
    async fn cancel(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        code: Path<String>,
        body: Json<CancelRequest>,
    ) -> ApiResult<Json<OrderView>> {
        let user = auth.user(req)?;
        Ok(Json(payment::cancel(&app, code.0, user, body.0).await?))
    }
}
