//! HTTP surfaces of H2H: a reseller's keys (`/me/api-keys`), the admin's keys, and the
//! signed API itself (`/h2h/v1`, its own OpenAPI document at `/h2h/openapi.json`). The
//! signature is checked before these handlers run (`http::h2h`), which find the caller
//! in the request.

use poem::web::Data;
use poem_openapi::{
    param::{Header, Path, Query},
    payload::Json,
    ApiResponse, OpenApi,
};

use super::{
    model::{
        ApiKeyCreate, ApiKeyCreated, ApiKeyUpdate, ApiKeyView, CallbackView, H2hBalance, H2hBillInquiry, H2hBillPay,
        H2hCaller, H2hOrder, H2hOrderRequest, H2hProductList, OtomaxCredentials, OtomaxSetup,
    },
    service,
};
use crate::{
    app::App,
    auth::api::{AdminAuth, BearerAuth},
    bills::model::BillQuote,
    error::ApiResult,
    openapi_tags::ApiTags,
};

#[derive(ApiResponse)]
pub enum KeyCreated {
    /// The key and its secret, shown this once.
    #[oai(status = 201)]
    Created(Json<ApiKeyCreated>),
}

pub struct MeApiKeysApi;

#[OpenApi(prefix_path = "/me/api-keys", tag = "ApiTags::Account")]
impl MeApiKeysApi {
    /// Create an API key for the H2H API (resellers). The secret is in this answer only.
    #[oai(path = "/", method = "post", operation_id = "createApiKey")]
    async fn create(&self, app: Data<&App>, auth: BearerAuth, body: Json<ApiKeyCreate>) -> ApiResult<KeyCreated> {
        Ok(KeyCreated::Created(Json(service::create_key(&app, &auth.0, body.0).await?)))
    }

    /// The caller's API keys (never their secrets): status, whitelist, last use.
    #[oai(path = "/", method = "get", operation_id = "listApiKeys")]
    async fn list(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<Vec<ApiKeyView>>> {
        Ok(Json(service::my_keys(&app, auth.0.id).await?))
    }

    /// A new secret for a key; the old one stops working at once.
    #[oai(path = "/:key_id/rotate", method = "post", operation_id = "rotateApiKey")]
    async fn rotate(&self, app: Data<&App>, auth: BearerAuth, key_id: Path<String>) -> ApiResult<Json<ApiKeyCreated>> {
        Ok(Json(service::rotate_key(&app, auth.0.id, &key_id.0).await?))
    }

    /// Replace a key's IP whitelist.
    #[oai(path = "/:key_id", method = "put", operation_id = "updateApiKey")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        key_id: Path<String>,
        body: Json<ApiKeyUpdate>,
    ) -> ApiResult<Json<ApiKeyView>> {
        Ok(Json(service::update_key(&app, auth.0.id, &key_id.0, body.0).await?))
    }

    /// The key's callback delivery log, newest first: every callback, its tries and the
    /// receiver's last answer.
    #[oai(path = "/:key_id/callbacks", method = "get", operation_id = "listApiKeyCallbacks")]
    async fn callbacks(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        key_id: Path<String>,
    ) -> ApiResult<Json<Vec<CallbackView>>> {
        Ok(Json(service::callbacks(&app, auth.0.id, &key_id.0).await?))
    }

    /// Send one callback again now.
    #[oai(path = "/:key_id/callbacks/:id/resend", method = "post", operation_id = "resendApiKeyCallback")]
    async fn resend(&self, app: Data<&App>, auth: BearerAuth, key_id: Path<String>, id: Path<i64>) -> ApiResult<()> {
        Ok(service::resend(&app, auth.0.id, &key_id.0, id.0).await?)
    }

    /// Send a test callback (event `test`) to the key's callback URL.
    #[oai(path = "/:key_id/test-callback", method = "post", operation_id = "testApiKeyCallback")]
    async fn test_callback(&self, app: Data<&App>, auth: BearerAuth, key_id: Path<String>) -> ApiResult<()> {
        Ok(service::test_callback(&app, auth.0.id, &key_id.0).await?)
    }

    /// Let counter software (OtomaX, IRS) use the key through `GET /h2h/otomax/trx`, with
    /// report callbacks (HTTP GET) to `report_url`. Answers the member id, PIN and
    /// password to enter there (shown this once; rotating the key changes them).
    #[oai(path = "/:key_id/otomax", method = "post", operation_id = "enableApiKeyOtomax")]
    async fn otomax(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        key_id: Path<String>,
        body: Json<OtomaxSetup>,
    ) -> ApiResult<Json<OtomaxCredentials>> {
        Ok(Json(service::enable_otomax(&app, auth.0.id, &key_id.0, body.0).await?))
    }

    /// Revoke a key for good.
    #[oai(path = "/:key_id", method = "delete", operation_id = "revokeApiKey")]
    async fn revoke(&self, app: Data<&App>, auth: BearerAuth, key_id: Path<String>) -> ApiResult<()> {
        Ok(service::revoke_key(&app, auth.0.id, &key_id.0).await?)
    }
}

pub struct AdminApiKeysApi;

#[OpenApi(prefix_path = "/admin/api-keys", tag = "ApiTags::AdminUsers")]
impl AdminApiKeysApi {
    /// Every reseller's API keys.
    #[oai(path = "/", method = "get", operation_id = "adminListApiKeys")]
    async fn list(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<ApiKeyView>>> {
        Ok(Json(service::all_keys(&app).await?))
    }

    /// Suspend a key: it stops working at once.
    #[oai(path = "/:key_id/suspend", method = "post", operation_id = "adminSuspendApiKey")]
    async fn suspend(&self, app: Data<&App>, auth: AdminAuth, key_id: Path<String>) -> ApiResult<Json<ApiKeyView>> {
        Ok(Json(service::set_suspended(&app, auth.0.actor(), &key_id.0, true).await?))
    }

    /// Let a suspended key work again.
    #[oai(path = "/:key_id/unsuspend", method = "post", operation_id = "adminUnsuspendApiKey")]
    async fn unsuspend(&self, app: Data<&App>, auth: AdminAuth, key_id: Path<String>) -> ApiResult<Json<ApiKeyView>> {
        Ok(Json(service::set_suspended(&app, auth.0.actor(), &key_id.0, false).await?))
    }
}

#[derive(ApiResponse)]
pub enum PriceList {
    /// The list, and its tag for `If-None-Match`.
    #[oai(status = 200)]
    Ok(Json<H2hProductList>, #[oai(header = "ETag")] String),
    /// Unchanged since the tag sent in `If-None-Match`.
    #[oai(status = 304)]
    NotModified(#[oai(header = "ETag")] String),
}

#[derive(ApiResponse)]
pub enum OrderPlaced {
    /// A new order, paid from the balance.
    #[oai(status = 201)]
    Created(Json<H2hOrder>),
    /// This ref_id's order, as it stands (nothing bought again).
    #[oai(status = 200)]
    Existing(Json<H2hOrder>),
}

/// The signed H2H API. Every call carries `X-Lapak-Key`, `X-Lapak-Timestamp` (Unix
/// seconds) and `X-Lapak-Signature`: lowercase hex HMAC-SHA256 with the key's secret of
/// `METHOD + "\n" + path with query + "\n" + timestamp + "\n" + raw body`.
pub struct H2hApi;

#[OpenApi]
impl H2hApi {
    /// The reseller's balance.
    #[oai(path = "/balance", method = "get", operation_id = "h2hBalance")]
    async fn balance(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
    ) -> ApiResult<Json<H2hBalance>> {
        Ok(Json(service::balance(&app, &caller).await?))
    }

    /// The price list at the reseller's prices, with availability and cut-off windows.
    /// Poll it cheaply: send the last `ETag` in `If-None-Match` and an unchanged list
    /// answers 304 with no body.
    #[oai(path = "/products", method = "get", operation_id = "h2hProducts")]
    #[allow(clippy::too_many_arguments)]
    async fn products(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        /// A category slug, e.g. `pulsa`.
        category: Query<Option<String>>,
        /// A brand, e.g. `TELKOMSEL`.
        brand: Query<Option<String>>,
        #[oai(name = "If-None-Match")] if_none_match: Header<Option<String>>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
    ) -> ApiResult<PriceList> {
        let (list, etag) = service::products(&app, &caller, category.0, brand.0).await?;
        if if_none_match.0.as_deref().is_some_and(|t| t.split(',').any(|t| t.trim() == etag)) {
            return Ok(PriceList::NotModified(etag));
        }
        Ok(PriceList::Ok(Json(list), etag))
    }

    /// Buy an item for a customer number, paid from the balance. Idempotent by `ref_id`.
    #[oai(path = "/orders", method = "post", operation_id = "h2hCreateOrder")]
    async fn create_order(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
        body: Json<H2hOrderRequest>,
    ) -> ApiResult<OrderPlaced> {
        let (order, created) = service::place_order(&app, &caller, body.0).await?;
        Ok(if created { OrderPlaced::Created(Json(order)) } else { OrderPlaced::Existing(Json(order)) })
    }

    /// Look up a bill (a postpaid SKU: PLN postpaid, PDAM, BPJS ...) and quote it at the
    /// reseller's price; pay it with `POST /bills/pay` before `expires_at`.
    #[oai(path = "/bills/inquiry", method = "post", operation_id = "h2hBillInquiry")]
    async fn bill_inquiry(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
        body: Json<H2hBillInquiry>,
    ) -> ApiResult<Json<BillQuote>> {
        Ok(Json(service::bill_inquiry(&app, &caller, body.0).await?))
    }

    /// Pay a bill's quote from the balance under the shop's ref_id (idempotent as orders
    /// are; the order is then read with `GET /orders/{ref_id}`).
    #[oai(path = "/bills/pay", method = "post", operation_id = "h2hBillPay")]
    async fn bill_pay(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
        body: Json<H2hBillPay>,
    ) -> ApiResult<OrderPlaced> {
        let (order, created) = service::bill_pay(&app, &caller, body.0).await?;
        Ok(if created { OrderPlaced::Created(Json(order)) } else { OrderPlaced::Existing(Json(order)) })
    }

    /// An order by the shop's ref_id.
    #[oai(path = "/orders/:ref_id", method = "get", operation_id = "h2hGetOrder")]
    async fn order(
        &self,
        app: Data<&App>,
        caller: Data<&H2hCaller>,
        ref_id: Path<String>,
        #[oai(name = "X-Lapak-Key")] _key: Header<String>,
        #[oai(name = "X-Lapak-Timestamp")] _ts: Header<String>,
        #[oai(name = "X-Lapak-Signature")] _sig: Header<String>,
    ) -> ApiResult<Json<H2hOrder>> {
        Ok(Json(service::order(&app, &caller, &ref_id.0).await?))
    }
}
