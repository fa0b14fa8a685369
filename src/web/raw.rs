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

/// How much of a delivery that fails its signature is stored.
pub const FORGED_PREFIX: usize = 2048;

/// The first `FORGED_PREFIX` bytes of a body as text, marked when cut: a delivery that
/// fails its signature is evidence, not data, and anyone can send one.
pub fn bounded_prefix(body: &[u8]) -> String {
    if body.len() <= FORGED_PREFIX {
        return String::from_utf8_lossy(body).into_owned();
    }
    format!("{}…[{} bytes, cut]", String::from_utf8_lossy(&body[..FORGED_PREFIX]), body.len())
}
