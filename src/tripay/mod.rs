//! Tripay, the payment gateway: the HTTP client, signatures, callback verification and a
//! simulator. This is the only module that knows Tripay's JSON; it hands the rest of
//! lapak `payments::model` types.

pub mod model;
pub mod simulator;
pub mod wire;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use self::model::{Channel, CreatedPayment, NewPayment, PaymentInstruction};
use self::wire::{ChannelItem, CreateReq, Envelope, OrderItem, TxData};
use crate::config::TripayConfig;

fn hmac_hex(key: &str, msg: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(msg);
    hex::encode(mac.finalize().into_bytes())
}

/// Closed payment: HMAC-SHA256(private_key, merchant_code + merchant_ref + amount), hex.
pub fn closed_signature(private_key: &str, merchant_code: &str, merchant_ref: &str, amount: i64) -> String {
    hmac_hex(private_key, format!("{merchant_code}{merchant_ref}{amount}").as_bytes())
}

/// Open payment: HMAC-SHA256(private_key, merchant_code + method + merchant_ref), hex.
pub fn open_signature(private_key: &str, merchant_code: &str, method: &str, merchant_ref: &str) -> String {
    hmac_hex(private_key, format!("{merchant_code}{method}{merchant_ref}").as_bytes())
}

/// `X-Callback-Signature`: HMAC-SHA256(private_key, raw body), hex.
pub fn callback_signature(private_key: &str, body: &[u8]) -> String {
    hmac_hex(private_key, body)
}

/// Constant-time check of a callback signature over the raw body. An empty key never
/// verifies anything (the source computed an HMAC with an empty key).
pub fn verify_callback(private_key: &str, body: &[u8], header: &str) -> bool {
    if private_key.is_empty() {
        return false;
    }
    let Ok(given) = hex::decode(header.trim().to_ascii_lowercase()) else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(private_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// A callback body in lapak's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub reference: String,
    pub merchant_ref: Option<String>,
    pub method_code: String,
    pub status: CallbackStatus,
    pub total_amount: Option<i64>,
    pub fee_customer: Option<i64>,
    pub amount_received: Option<i64>,
    pub paid_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackStatus {
    Paid,
    Expired,
    Failed,
    Refund,
    Unpaid,
    Other(String),
}

pub fn parse_callback(body: &[u8]) -> Result<Callback, String> {
    let c: wire::CallbackBody = serde_json::from_slice(body).map_err(|e| format!("unreadable callback: {e}"))?;
    if c.reference.trim().is_empty() {
        return Err("callback without a reference".into());
    }
    let status = match c.status.trim().to_ascii_uppercase().as_str() {
        "PAID" => CallbackStatus::Paid,
        "EXPIRED" => CallbackStatus::Expired,
        "FAILED" => CallbackStatus::Failed,
        "REFUND" => CallbackStatus::Refund,
        "UNPAID" => CallbackStatus::Unpaid,
        other => CallbackStatus::Other(other.to_string()),
    };
    Ok(Callback {
        reference: c.reference,
        merchant_ref: c.merchant_ref.filter(|m| !m.is_empty()),
        method_code: c.payment_method_code,
        status,
        total_amount: c.total_amount,
        fee_customer: c.fee_customer,
        amount_received: c.amount_received,
        paid_at: c.paid_at,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum TripayError {
    #[error("Tripay unreachable: {0}")]
    Transport(String),
    #[error("Tripay refused: {0}")]
    Rejected(String),
    #[error("unreadable Tripay answer (HTTP {status}): {detail}")]
    Unreadable { status: u16, detail: String },
}

#[derive(Clone)]
pub struct TripayClient {
    http: reqwest::Client,
    base: String,
    api_key: String,
    private_key: String,
    merchant_code: String,
}

impl std::fmt::Debug for TripayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TripayClient").field("base", &self.base).field("merchant_code", &self.merchant_code).finish()
    }
}

impl TripayClient {
    pub fn new(cfg: &TripayConfig) -> Self {
        let http = crate::web::outbound_client(cfg.timeout_secs);
        Self {
            http,
            base: cfg.base_url.trim_end_matches('/').to_string(),
            api_key: cfg.api_key.clone(),
            private_key: cfg.private_key.clone(),
            merchant_code: cfg.merchant_code.clone(),
        }
    }

    pub fn private_key(&self) -> &str {
        &self.private_key
    }

    async fn read<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T, TripayError> {
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.map_err(|e| TripayError::Transport(e.to_string()))?;
        // Parse the body whatever the status: errors come as {"success": false, "message"}.
        let env: Envelope<T> = serde_json::from_slice(&bytes).map_err(|e| TripayError::Unreadable {
            status,
            detail: format!("{e}; body: {}", String::from_utf8_lossy(&bytes).chars().take(200).collect::<String>()),
        })?;
        match (env.success, env.data) {
            (true, Some(d)) => Ok(d),
            (_, _) => {
                Err(TripayError::Rejected(if env.message.is_empty() { format!("HTTP {status}") } else { env.message }))
            }
        }
    }

    fn transport(e: reqwest::Error) -> TripayError {
        TripayError::Transport(if e.is_timeout() { "timeout".into() } else { e.to_string() })
    }

    /// `merchant/payment-channel`: the merchant's channels with their fees.
    pub async fn channels(&self) -> Result<Vec<Channel>, TripayError> {
        let resp = self
            .http
            .get(format!("{}/merchant/payment-channel", self.base))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(Self::transport)?;
        let items: Vec<ChannelItem> = Self::read(resp).await?;
        Ok(items.into_iter().map(wire::channel_of).collect())
    }

    /// `transaction/create` (closed payment). The order items sum to `amount`.
    pub async fn create(&self, p: &NewPayment) -> Result<CreatedPayment, TripayError> {
        let body = CreateReq {
            method: p.method.clone(),
            merchant_ref: p.merchant_ref.clone(),
            amount: p.amount,
            customer_name: p.customer_name.clone(),
            customer_email: p.customer_email.clone(),
            customer_phone: p.customer_phone.clone(),
            order_items: vec![OrderItem {
                sku: p.item_sku.clone(),
                name: p.item_name.clone(),
                price: p.amount,
                quantity: 1,
            }],
            callback_url: p.callback_url.clone(),
            return_url: p.return_url.clone(),
            expired_time: p.expires_at_unix,
            signature: closed_signature(&self.private_key, &self.merchant_code, &p.merchant_ref, p.amount),
        };
        let resp = self
            .http
            .post(format!("{}/transaction/create", self.base))
            .bearer_auth(&self.api_key)
            .json(&body)
            .send()
            .await
            .map_err(Self::transport)?;
        let d: TxData = Self::read(resp).await?;
        Ok(created_of(d))
    }

    /// `transaction/detail`: a payment's current state.
    pub async fn detail(&self, reference: &str) -> Result<CreatedPayment, TripayError> {
        let resp = self
            .http
            .get(
                url::Url::parse_with_params(&format!("{}/transaction/detail", self.base), &[("reference", reference)])
                    .map_err(|e| TripayError::Transport(e.to_string()))?,
            )
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(Self::transport)?;
        let d: TxData = Self::read(resp).await?;
        Ok(created_of(d))
    }
}

fn created_of(d: TxData) -> CreatedPayment {
    CreatedPayment {
        reference: d.reference,
        merchant_ref: d.merchant_ref,
        method: d.payment_method,
        channel_name: d.payment_name,
        amount: d.amount.unwrap_or(0),
        fee_customer: d.fee_customer.unwrap_or(0),
        pay_code: d.pay_code.filter(|s| !s.is_empty()),
        pay_url: d.pay_url.filter(|s| !s.is_empty()),
        checkout_url: d.checkout_url.filter(|s| !s.is_empty()),
        qr_string: d.qr_string.filter(|s| !s.is_empty()),
        qr_url: d.qr_url.filter(|s| !s.is_empty()),
        status: d.status,
        expires_at_unix: d.expired_time,
        instructions: d
            .instructions
            .unwrap_or_default()
            .into_iter()
            .map(|i| PaymentInstruction { title: i.title, steps: i.steps })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "ytf6ooi2gmlNPfpchd94jDOk8hRWOu";
    const CALLBACK: &str = r#"{"reference":"T0001000023000XXXXX","merchant_ref":"INV123456","payment_method":"BCA Virtual Account","payment_method_code":"BCAVA","total_amount":200000,"fee_merchant":2000,"fee_customer":0,"total_fee":2000,"amount_received":198000,"is_closed_payment":1,"status":"PAID","paid_at":1608133017,"note":null}"#;

    // providers.md 2.2: the official vector and our computed ones.
    #[test]
    fn signature_vectors() {
        assert_eq!(
            closed_signature(KEY, "T0001", "INV55567", 1_500_000),
            "9f167eba844d1fcb369404e2bda53702e2f78f7aa12e91da6715414e65b8c86a"
        );
        assert_eq!(
            open_signature(KEY, "T0001", "BCAVA", "INV55567"),
            "d239007921976248f10959295cbc0b45bbe2435f29c12d216cae0b6a1903f95e"
        );
        assert_eq!(
            callback_signature(KEY, CALLBACK.as_bytes()),
            "e121a11a737e7828da392bee3767ebd61ffbe268cc09b31580a61274316a6e60"
        );
    }

    #[test]
    fn callbacks_verify_over_raw_bytes_only() {
        let sig = "e121a11a737e7828da392bee3767ebd61ffbe268cc09b31580a61274316a6e60";
        assert!(verify_callback(KEY, CALLBACK.as_bytes(), sig));
        assert!(verify_callback(KEY, CALLBACK.as_bytes(), &sig.to_uppercase()));
        // The same JSON re-serialised with a space is different bytes.
        let respaced = CALLBACK.replacen(',', ", ", 1);
        assert!(!verify_callback(KEY, respaced.as_bytes(), sig));
        assert!(!verify_callback("", CALLBACK.as_bytes(), &callback_signature("", CALLBACK.as_bytes())));
        assert!(!verify_callback(KEY, CALLBACK.as_bytes(), "not-hex"));
        let c = parse_callback(CALLBACK.as_bytes()).unwrap();
        assert_eq!(c.status, CallbackStatus::Paid);
        assert_eq!((c.total_amount, c.merchant_ref.as_deref()), (Some(200_000), Some("INV123456")));
    }
}
