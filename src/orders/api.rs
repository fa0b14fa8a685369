//! HTTP surface of orders: checkout, an order's status, history, cancel; deposits; the
//! payment channels; and the admin's order routes.

use chrono::NaiveDate;
use poem::{web::Data, Request};
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    ApiResponse, OpenApi,
};

use super::{
    checkout,
    model::{
        AdminOrderDetail, AdminOrderList, CancelRequest, CheckoutRequest, DepositRequest, ListOrder, OrderFilter,
        OrderList, OrderSort, OrderStats, OrderStatus, OrderView, PaymentChannel, PaymentStatus, Quote, QuoteRequest,
        RefundNote, RefundRequired, ResolveRequest, StatusOverride, TransactionType,
    },
    payment,
    service::{self, AdminAction},
};
use crate::{
    app::App,
    audit::Action,
    auth::api::{AdminAuth, BearerAuth, MaybeAuth},
    clock::day_bound,
    error::ApiResult,
    openapi_tags::ApiTags,
    web::pagination::PageRequest,
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
        let (order, created) = checkout::checkout(&app, auth.user(req)?, body.0, idempotency_key.0).await?;
        Ok(if created { CheckoutResponse::Created(Json(order)) } else { CheckoutResponse::Existing(Json(order)) })
    }

    /// What an order would cost now, before buying: the caller's tier price, what a
    /// voucher takes off (422 on `voucher_code` with the reason when it does not apply)
    /// and, given a payment method, the fee and the total. Nothing is reserved; checkout
    /// checks everything again.
    #[oai(path = "/quote", method = "post", operation_id = "quoteTransaction")]
    async fn quote(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        body: Json<QuoteRequest>,
    ) -> ApiResult<Json<Quote>> {
        Ok(Json(checkout::quote(&app, auth.user(req)?, body.0).await?))
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
        from: Query<Option<NaiveDate>>,
        /// Up to and including this date (Asia/Jakarta), or before this time.
        to: Query<Option<NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<OrderList>> {
        let filter = OrderFilter {
            user_id: Some(auth.0.id),
            transaction_type: kind.0,
            status: status.0,
            from: day_bound(from.0, false),
            to: day_bound(to.0, true),
            ..Default::default()
        };
        Ok(Json(service::list(&app, filter, PageRequest::new(page.0, per_page.0)).await?))
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
        Ok(Json(service::get_owned(&app, code.0, auth.user(req)?, email.0, phone.0).await?))
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
        Ok(Json(payment::cancel(&app, code.0, auth.user(req)?, body.0).await?))
    }
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<OrderList>> {
        let filter = OrderFilter {
            user_id: Some(auth.0.id),
            transaction_type: Some(TransactionType::Topup),
            ..Default::default()
        };
        Ok(Json(service::list(&app, filter, PageRequest::new(page.0, per_page.0)).await?))
    }

    /// One of the caller's deposits.
    #[oai(path = "/deposits/:invoice", method = "get", operation_id = "getDeposit")]
    async fn deposit_detail(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        invoice: Path<String>,
    ) -> ApiResult<Json<OrderView>> {
        Ok(Json(service::deposit(&app, auth.0.id, invoice.0).await?))
    }
}

pub struct PaymentChannelsApi;

#[OpenApi(tag = "ApiTags::Orders")]
impl PaymentChannelsApi {
    /// Active payment channels; with `amount`, each with the fee the customer pays for it
    /// and whether the amount is within the channel's limits.
    #[oai(path = "/payment-channels", method = "get", operation_id = "listPaymentChannels")]
    async fn channels(
        &self,
        app: Data<&App>,
        /// Rupiah, up to 1,000,000,000,000.
        #[oai(validator(maximum(value = "1000000000000")))]
        amount: Query<Option<u64>>,
    ) -> ApiResult<Json<Vec<PaymentChannel>>> {
        let amount = amount.0.map(|a| a.min(i64::MAX as u64) as i64);
        let list = payment::channels(&app).await?;
        Ok(Json(list.into_iter().map(|c| PaymentChannel::priced(c, amount)).collect()))
    }
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
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        /// Only orders on the attention list (true) or off it (false).
        attention: Query<Option<bool>>,
        /// Only orders whose money must be returned by hand (true), or the others (false).
        refund_required: Query<Option<bool>>,
        sort: Query<Option<OrderSort>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminOrderList>> {
        let filter = OrderFilter {
            status: status.0,
            payment_status: payment_status.0,
            transaction_type: kind.0,
            user_id: user_id.0,
            search: search.0,
            from: day_bound(from.0, false),
            to: day_bound(to.0, true),
            attention: attention.0,
            refund_required: refund_required.0,
        };
        let order = ListOrder::Sort(sort.0.unwrap_or(OrderSort::Newest));
        Ok(Json(service::admin_list(&app, filter, order, PageRequest::new(page.0, per_page.0)).await?))
    }

    /// Counts by status and payment status, revenue (paid purchases' totals) and real
    /// profit (selling price minus what the supplier charged, or the cost snapshot when
    /// it did not say; successful purchases).
    #[oai(path = "/statistics", method = "get", operation_id = "adminTransactionStatistics")]
    async fn statistics(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<OrderStats>> {
        let filter = OrderFilter { from: day_bound(from.0, false), to: day_bound(to.0, true), ..Default::default() };
        Ok(Json(service::stats(&app, filter).await?))
    }

    /// One order with its payment, every callback, every log line and every supplier answer.
    #[oai(path = "/:code", method = "get", operation_id = "adminGetTransaction")]
    async fn detail(&self, app: Data<&App>, _auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        Ok(Json(service::detail(&app, code.0).await?))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminOrderList>> {
        let filter = OrderFilter { attention: Some(true), ..Default::default() };
        Ok(Json(service::admin_list(&app, filter, ListOrder::OldestFlag, PageRequest::new(page.0, per_page.0)).await?))
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
        code: Path<String>,
        body: Json<StatusOverride>,
    ) -> ApiResult<Json<AdminOrderDetail>> {
        let b = body.0;
        service::admin_set_status(&app, &auth.0, &code.0, b.status, b.reason, b.force, b.sn).await?;
        Ok(Json(service::detail(&app, code.0).await?))
    }

    /// Take an order off the attention list, saying what was done about it.
    #[oai(path = "/:code/resolve", method = "post", operation_id = "adminResolveAttention")]
    async fn resolve(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        code: Path<String>,
        body: Json<ResolveRequest>,
    ) -> ApiResult<Json<AdminOrderDetail>> {
        service::admin_act(&app, &auth.0, &code.0, AdminAction::Resolve { note: body.0.note }).await?;
        Ok(Json(service::detail(&app, code.0).await?))
    }

    /// Ask Digiflazz for the order's status now (same ref_id) and apply the answer. At
    /// most one call per order per `orders.recheck_min_secs` (`recheck_too_soon`).
    #[oai(path = "/:code/recheck", method = "post", operation_id = "adminRecheckTransaction")]
    async fn recheck(&self, app: Data<&App>, auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        service::admin_ask(&app, auth.0.actor(), &code.0, Action::OrderRecheck).await?;
        Ok(Json(service::detail(&app, code.0).await?))
    }

    /// Send a processing order to the supplier again now, with the same ref_id (a
    /// purchase that never reached Digiflazz is made; one that did is only checked).
    #[oai(path = "/:code/retry", method = "post", operation_id = "adminRetryTransaction")]
    async fn retry(&self, app: Data<&App>, auth: AdminAuth, code: Path<String>) -> ApiResult<Json<AdminOrderDetail>> {
        service::admin_ask(&app, auth.0.actor(), &code.0, Action::OrderRetry).await?;
        Ok(Json(service::detail(&app, code.0).await?))
    }

    /// Paid orders that failed and still need their money returned (guests, or late
    /// payments on closed orders).
    #[oai(path = "/refund-required", method = "get", operation_id = "adminListRefundRequired")]
    async fn refund_required(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<RefundRequired>>> {
        Ok(Json(service::refund_required(&app).await?))
    }

    /// Refund a failed, paid member order to its balance (once).
    #[oai(path = "/:code/refund", method = "post", operation_id = "adminRefundToBalance")]
    async fn refund(&self, app: Data<&App>, auth: AdminAuth, code: Path<String>) -> ApiResult<Json<OrderView>> {
        let id = service::admin_act(&app, &auth.0, &code.0, AdminAction::RefundToBalance).await?;
        Ok(Json(service::view(&app, id).await?))
    }

    /// Record that a failed order's money was returned outside lapak (guests: bank
    /// transfer, e-wallet), with a note.
    #[oai(path = "/:code/mark-refunded", method = "post", operation_id = "adminMarkRefunded")]
    async fn mark_refunded(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        code: Path<String>,
        body: Json<RefundNote>,
    ) -> ApiResult<Json<OrderView>> {
        let note = body.0.note.unwrap_or_default();
        let id = service::admin_act(&app, &auth.0, &code.0, AdminAction::MarkRefunded { note }).await?;
        Ok(Json(service::view(&app, id).await?))
    }
}
