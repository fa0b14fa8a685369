//! The inbound adapters: Tripay's payment callback and Digiflazz's status webhook, as
//! received over HTTP (raw bytes, headers, the sender's address), handed to `orders`.

use poem::{web::Data, Request};
use poem_openapi::{param::Header, payload::Json, ApiResponse, Object, OpenApi};

use crate::{
    app::App,
    openapi_tags::ApiTags,
    orders::{
        fulfilment,
        payment::{self, CallbackDelivery, CallbackResult},
    },
    web::{raw::RawJson, ClientIp},
};

fn ip_of(req: &Request) -> Option<String> {
    req.data::<ClientIp>().map(|c| c.0.clone())
}

/// The answer Tripay expects.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CallbackAck {
    pub success: bool,
    pub message: String,
}

#[derive(ApiResponse)]
pub enum CallbackResponse {
    /// Processed, or a replay that changed nothing.
    #[oai(status = 200)]
    Ok(Json<CallbackAck>),
    /// Bad or missing `X-Callback-Signature`, or an event other than `payment_status`.
    #[oai(status = 401)]
    Unauthorized(Json<CallbackAck>),
    /// Signed but not actionable (unknown reference, amount mismatch).
    #[oai(status = 400)]
    BadRequest(Json<CallbackAck>),
    /// Too many deliveries (or too many with a bad signature) from this address.
    #[oai(status = 429)]
    TooMany(Json<CallbackAck>, #[oai(header = "Retry-After")] u64),
}

pub struct TripayCallbackApi;

#[OpenApi(tag = "ApiTags::Webhooks")]
impl TripayCallbackApi {
    /// Tripay payment callback.
    ///
    /// `X-Callback-Signature` must be HMAC-SHA256 (hex) of the raw body with the private
    /// key, and `X-Callback-Event` must be `payment_status`. Every delivery is stored.
    /// Only a move out of UNPAID that matches both `reference` and `merchant_ref` (and,
    /// for PAID, the amount) changes anything; replays answer success and change nothing.
    #[oai(path = "/callbacks/tripay", method = "post", operation_id = "tripayCallback")]
    async fn tripay(
        &self,
        app: Data<&App>,
        req: &Request,
        #[oai(name = "X-Callback-Signature")] signature: Header<Option<String>>,
        #[oai(name = "X-Callback-Event")] event: Header<Option<String>>,
        body: RawJson,
    ) -> CallbackResponse {
        let ip = req.data::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
        let delivery = CallbackDelivery { body: body.0, signature: signature.0, event: event.0, ip };
        match payment::handle_callback(&app, delivery).await {
            Ok(CallbackResult::Ok(m)) => CallbackResponse::Ok(Json(CallbackAck { success: true, message: m })),
            Ok(CallbackResult::Unauthorized(m)) => {
                CallbackResponse::Unauthorized(Json(CallbackAck { success: false, message: m }))
            }
            Ok(CallbackResult::TooMany(wait)) => CallbackResponse::TooMany(
                Json(CallbackAck { success: false, message: "too many bad deliveries".into() }),
                wait,
            ),
            Ok(CallbackResult::Rejected(m)) => {
                CallbackResponse::BadRequest(Json(CallbackAck { success: false, message: m }))
            }
            Err(e) => {
                tracing::error!(error = %e, "tripay callback failed");
                // Not acknowledged: Tripay will deliver it again.
                CallbackResponse::BadRequest(Json(CallbackAck { success: false, message: "temporary error".into() }))
            }
        }
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WebhookAck {
    pub success: bool,
    /// What lapak did with the delivery.
    pub outcome: String,
}

#[derive(ApiResponse)]
pub enum WebhookResponse {
    /// Accepted (also for pings, replays and unknown orders, so Digiflazz stops retrying).
    #[oai(status = 200)]
    Ok(Json<WebhookAck>),
    /// The signature is missing or wrong (when a webhook secret is configured).
    #[oai(status = 401)]
    Unauthorized(Json<WebhookAck>),
    /// The body is not a Digiflazz webhook.
    #[oai(status = 400)]
    BadRequest(Json<WebhookAck>),
    /// Too many deliveries (or too many with a bad signature) from this address.
    #[oai(status = 429)]
    TooMany(Json<WebhookAck>, #[oai(header = "Retry-After")] u64),
}

pub struct SupplierWebhookApi;

#[OpenApi(tag = "ApiTags::Webhooks")]
impl SupplierWebhookApi {
    /// Digiflazz status webhook.
    ///
    /// With `digiflazz.webhook_secret` set, `X-Hub-Signature` must be `sha1=` +
    /// HMAC-SHA1 of the raw body. Every delivery is stored. A body without `data` is a
    /// ping. An order only moves out of `processing`; final states never change; replays
    /// change nothing. Without a secret, a delivery is only a hint: lapak asks Digiflazz
    /// for the order's status itself.
    #[oai(path = "/webhooks/digiflazz", method = "post", operation_id = "digiflazzWebhook")]
    async fn digiflazz(
        &self,
        app: Data<&App>,
        req: &Request,
        #[oai(name = "X-Hub-Signature")] signature: Header<Option<String>>,
        #[oai(name = "X-Digiflazz-Event")] event: Header<Option<String>>,
        #[oai(name = "X-Digiflazz-Delivery")] delivery: Header<Option<String>>,
        body: RawJson,
    ) -> WebhookResponse {
        let ua = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).map(str::to_string);
        let delivery = fulfilment::Delivery {
            body: body.0,
            signature: signature.0,
            event: event.0,
            delivery_id: delivery.0,
            user_agent: ua,
            ip: ip_of(req),
        };
        match fulfilment::handle_webhook(&app, delivery).await {
            Ok(fulfilment::WebhookResult::Rejected) => {
                WebhookResponse::Unauthorized(Json(WebhookAck { success: false, outcome: "invalid_signature".into() }))
            }
            Ok(fulfilment::WebhookResult::TooMany(wait)) => {
                WebhookResponse::TooMany(Json(WebhookAck { success: false, outcome: "rate_limited".into() }), wait)
            }
            Ok(fulfilment::WebhookResult::Unreadable) => {
                WebhookResponse::BadRequest(Json(WebhookAck { success: false, outcome: "unreadable".into() }))
            }
            Ok(fulfilment::WebhookResult::Done(outcome)) => {
                WebhookResponse::Ok(Json(WebhookAck { success: true, outcome }))
            }
            Err(e) => {
                tracing::error!(error = ?e, "digiflazz webhook failed");
                // Not acknowledged, so Digiflazz delivers it again.
                WebhookResponse::BadRequest(Json(WebhookAck { success: false, outcome: "error".into() }))
            }
        }
    }
}
