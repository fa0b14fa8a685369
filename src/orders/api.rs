//! HTTP surface of orders: checkout, an order's status, history, cancel; deposits.

use poem::{web::Data, Request};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    ApiResponse, Object, OpenApi,
};

use super::{
    checkout,
    model::{CancelRequest, CheckoutRequest, OrderList, OrderStatus, OrderView, TransactionType},
    payment,
    repo::{self, OrderFilter},
    service,
};
use crate::{
    app::App,
    error::{ApiError, ApiResult},
    auth::api::{BearerAuth, MaybeAuth}, web::pagination::PageRequest,
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
            from: crate::clock::day_bound(from.0, false),
            to: crate::clock::day_bound(to.0, true),
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

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DepositRequest {
    /// Rupiah to add to the balance (the gateway fee is paid on top).
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub amount: i64,
    /// A payment channel code from `GET /payment-channels`.
    #[oai(validator(min_length = 1, max_length = 50))]
    pub payment_method: String,
}

#[derive(ApiResponse)]
pub enum DepositCreated {
    #[oai(status = 201)]
    Created(Json<OrderView>),
}

pub struct DepositsApi;

/// Deposits (balance top-ups) are orders too: made, paid and closed like purchases.
#[OpenApi(tag = "ApiTags::Wallet")]
impl DepositsApi {
    /// Top up the balance through Tripay (resellers; retail members when
    /// `wallet.retail_deposits`). The PAID callback credits the amount once; money paid
    /// after the deposit expired is credited too (a late payment).
    #[oai(path = "/deposits", method = "post", operation_id = "createDeposit")]
    async fn deposit(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<DepositRequest>,
    ) -> ApiResult<DepositCreated> {
        let view = checkout::create_deposit(&app, &auth.0, body.0.amount, &body.0.payment_method).await?;
        Ok(DepositCreated::Created(Json(view)))
    }

    /// The caller's deposits.
    #[oai(path = "/deposits", method = "get", operation_id = "listDeposits")]
    async fn deposits(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<OrderList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = OrderFilter {
            user_id: Some(auth.0.id),
            transaction_type: Some(TransactionType::Topup),
            ..Default::default()
        };
        let (data, total) = app.db.run(move |c| service::list_views(c, &filter, pr.limit(), pr.offset())).await?;
        Ok(Json(OrderList { data, meta: pr.meta(total) }))
    }

    /// One of the caller's deposits.
    #[oai(path = "/deposits/:invoice", method = "get", operation_id = "getDeposit")]
    async fn deposit_detail(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        invoice: Path<String>,
    ) -> ApiResult<Json<OrderView>> {
        let uid = auth.0.id;
        let view = app
            .db
            .run(move |c| -> ApiResult<_> {
                let o = repo::find_by_code(c, &invoice.0)?
                    .filter(|o| o.user_id == Some(uid) && o.transaction_type == TransactionType::Topup)
                    .ok_or_else(|| ApiError::not_found("deposit"))?;
                let p = repo::payment_of(c, o.id)?;
                Ok(service::to_view(o, p))
            })
            .await?;
        Ok(Json(view))
    }
}
