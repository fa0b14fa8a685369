//! HTTP surface of bills: the inquiry that quotes a bill.

use poem::{web::Data, Request};
use poem_openapi::{payload::Json, OpenApi};

use super::{
    model::{BillInquiryRequest, BillQuote},
    service,
};
use crate::{app::App, auth::api::MaybeAuth, error::ApiResult, openapi_tags::ApiTags};

pub struct BillsApi;

#[OpenApi(prefix_path = "/bills", tag = "ApiTags::Orders")]
impl BillsApi {
    /// Look up a bill (PLN postpaid, PDAM, BPJS, internet, multifinance ...) and quote it.
    ///
    /// Asks the supplier for the customer's bill and answers the customer's name, the
    /// periods with their amounts (meter readings for PLN, address and due date for PDAM,
    /// participants for BPJS), and the total for the caller's tier. Pay it with `POST
    /// /transactions {"quote_id": ...}` before `expires_at` (at the latest the end of the
    /// day in Asia/Jakarta). Free; limited per client address and per customer number.
    /// A biller's refusal (no bill yet, wrong number) is 422 `bill_inquiry_failed` with
    /// its words.
    #[oai(path = "/inquiry", method = "post", operation_id = "inquireBill")]
    async fn inquiry(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        body: Json<BillInquiryRequest>,
    ) -> ApiResult<Json<BillQuote>> {
        Ok(Json(service::inquire(&app, auth.user(req)?, body.0).await?))
    }
}
