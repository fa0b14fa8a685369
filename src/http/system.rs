//! `GET /admin/system`: what this lapak is running as — version, demo mode, the
//! effective configuration with its secrets masked, and the payment channels; and
//! `GET /admin/system/replication`, the state of the Litestream replica.

use poem::web::Data;
use poem_openapi::{payload::Json, Object, OpenApi};

use crate::{
    app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags, orders::model::PaymentChannel,
    replication::ReplicationStatus,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SystemInfo {
    pub version: String,
    /// Running against the built-in Digiflazz simulator.
    pub digiflazz_demo: bool,
    /// Running against the built-in Tripay simulator.
    pub tripay_demo: bool,
    /// The effective configuration, secrets masked.
    pub config: serde_json::Value,
    pub payment_channels: Vec<PaymentChannel>,
}

/// Configuration keys that hold secrets (alone or as a `_suffix`), shown as `********`
/// when set.
const SECRET_KEYS: [&str; 6] = ["api_key", "private_key", "webhook_secret", "password", "secret", "token"];

fn masked(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(sections) = v.as_object_mut() {
        for section in sections.values_mut() {
            if let Some(keys) = section.as_object_mut() {
                for (k, val) in keys.iter_mut() {
                    let secret = SECRET_KEYS.iter().any(|s| k == s || k.ends_with(&format!("_{s}")));
                    if secret && val.as_str().is_some_and(|s| !s.is_empty()) {
                        *val = serde_json::Value::String("********".into());
                    }
                }
            }
        }
    }
    v
}

pub struct SystemApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminSystem")]
impl SystemApi {
    /// Version, demo mode, the effective configuration (secrets masked) and the payment
    /// channels with their fees.
    #[oai(path = "/system", method = "get", operation_id = "adminSystemInfo")]
    async fn system(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<SystemInfo>> {
        let channels = crate::orders::payment::channels(&app).await.unwrap_or_default();
        Ok(Json(SystemInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            digiflazz_demo: app.config.digiflazz.username == "demo"
                && app.config.digiflazz.base_url.starts_with("http://127.0.0.1"),
            tripay_demo: app.demo_tripay.get().is_some(),
            config: masked(serde_json::to_value(&app.config).unwrap_or_default()),
            payment_channels: channels.into_iter().map(|c| PaymentChannel::priced(c, None)).collect(),
        }))
    }

    /// Whether Litestream replicates the shop's two files, how far behind the replica
    /// is, and a warning when something needs the operator (no replica, a file left
    /// out, a replica behind by more than `replication.warn_after_secs`). Read from
    /// Litestream at most every 15 seconds.
    #[oai(path = "/system/replication", method = "get", operation_id = "adminReplicationStatus")]
    async fn replication(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<ReplicationStatus>> {
        Ok(Json(app.replication.status().await))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_and_the_rest_kept() {
        let v = masked(serde_json::json!({
            "server": {"metrics_token": "abc", "port": 8080, "trusted_proxies": []},
            "tripay": {"api_key": "k", "private_key": "", "merchant_code": "T1"},
            "smtp": {"password": "p"},
        }));
        assert_eq!(v["server"]["metrics_token"], "********");
        assert_eq!(v["server"]["port"], 8080);
        assert_eq!(v["tripay"]["api_key"], "********");
        assert_eq!(v["tripay"]["private_key"], "", "an unset secret stays visibly unset");
        assert_eq!(v["tripay"]["merchant_code"], "T1");
        assert_eq!(v["smtp"]["password"], "********");
    }
}
