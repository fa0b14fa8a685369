//! `RawJson`: a request body taken as the exact bytes sent, documented as JSON. Webhook
//! signatures are computed over these bytes, never over re-serialised JSON.

use poem::{Request, RequestBody, Result};
use poem_openapi::{
    payload::{ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef, Registry},
};

pub struct RawJson(pub Vec<u8>);

impl Payload for RawJson {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(_content_type: &str) -> bool {
        // Senders label their JSON loosely; the bytes are what is checked.
        true
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("object")))
    }

    fn register(_registry: &mut Registry) {}
}

impl ParsePayload for RawJson {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        Ok(Self(<Vec<u8> as poem::FromRequest>::from_request(request, body).await?))
    }
}
poem_openapi::impl_apirequest_for_payload!(RawJson,);
