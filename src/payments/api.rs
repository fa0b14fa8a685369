//! HTTP surface of payments: the channel list and the Tripay callback.

use poem::{web::Data, Request};
use poem_openapi::{
    param::{Header, Query},
    payload::Json,
    ApiResponse, Object, OpenApi,
};

use super::{
    model::PaymentChannel,
    service::{self, CallbackDelivery, CallbackResult},
};
use crate::{app::App, error::ApiResult, http::raw::RawJson, http::ClientIp, openapi_tags::ApiTags};

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
        let list = service::channels(&app).await?;
        let amount = amount.0.map(|a| a.min(i64::MAX as u64) as i64);
        Ok(Json(
            list.into_iter()
                .map(|c| {
                    let fee = amount.map(|a| c.customer_fee.fee(a));
                    PaymentChannel {
                        available: amount.is_none_or(|a| c.accepts(a)),
                        total: amount.zip(fee).map(|(a, f)| a + f),
                        fee,
                        code: c.code,
                        name: c.name,
                        group: c.group,
                        icon_url: c.icon_url,
                        min_amount: c.min_amount,
                        max_amount: c.max_amount,
                    }
                })
                .collect(),
        ))
    }
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
        match service::handle_callback(&app, delivery).await {
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
