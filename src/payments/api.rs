//! HTTP surface of payments: the channel list with fees.

use poem::web::Data;
use poem_openapi::{
    param::Query,
    payload::Json,
    OpenApi,
};

use super::{model::PaymentChannel, service};
use crate::{app::App, error::ApiResult, openapi_tags::ApiTags};

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

