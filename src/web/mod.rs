//! The web toolkit the HTTP surfaces use, knowing no feature: the caller's address and
//! request id (set by the edge), paging, the raw-bytes JSON payload, the outbound HTTP
//! client for the gateways.

use std::time::Duration;

pub mod pagination;
pub mod raw;
pub mod uploads;

/// The id of the current request (also sent back as `X-Request-Id`).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The client address, proxy headers honoured only when configured.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

/// The HTTP client for calls to Digiflazz and Tripay: a whole-call timeout, a shorter
/// connect timeout, lapak's user agent.
pub fn outbound_client(timeout_secs: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs))
        .connect_timeout(Duration::from_secs(timeout_secs.min(10)))
        .user_agent(concat!("lapak/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a reqwest client with these settings always builds")
}
