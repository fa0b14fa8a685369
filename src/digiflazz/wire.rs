//! Digiflazz's JSON, as it really arrives: numbers that may be strings, `data` that is a
//! list on success and an `{rc, message}` object on error. Used by the client, the
//! webhook and the simulator; nothing outside `digiflazz` sees these types.

use serde::{Deserialize, Serialize};

pub use crate::lenient::{flag, money, money_of, text};

/// `{"data": ...}` where `data` is the answer or an error object.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    pub data: Option<DataOr<T>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum DataOr<T> {
    Ok(T),
    Err(RcMessage),
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RcMessage {
    #[serde(default, deserialize_with = "text")]
    pub rc: String,
    #[serde(default, deserialize_with = "text")]
    pub message: String,
}

// --- requests ----------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
pub struct CekSaldoReq {
    pub cmd: String,
    pub username: String,
    pub sign: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PriceListReq {
    pub cmd: String,
    pub username: String,
    pub sign: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// `inquiry-pln`: who a PLN prepaid meter belongs to.
#[derive(Debug, Serialize, Deserialize)]
pub struct InquiryPlnReq {
    pub username: String,
    pub customer_no: String,
    pub sign: String,
}

/// Its answer. Success and failure share the shape (`rc` says which).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InquiryPlnData {
    #[serde(default, deserialize_with = "text")]
    pub message: String,
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    pub rc: String,
    #[serde(default, deserialize_with = "text")]
    pub customer_no: String,
    #[serde(default, deserialize_with = "text")]
    pub meter_no: String,
    #[serde(default, deserialize_with = "text")]
    pub subscriber_id: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub segment_power: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransactionReq {
    pub username: String,
    pub buyer_sku_code: String,
    pub customer_no: String,
    pub ref_id: String,
    pub sign: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_price: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cb_url: Option<String>,
    /// Postpaid: `inq-pasca`, `pay-pasca` or `status-pasca`; absent for a prepaid topup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<String>,
}

// --- answers ----------------------------------------------------------------------------

#[derive(Debug, Deserialize, Serialize)]
pub struct Deposit {
    // Required, so an `{rc, message}` error object does not parse as a deposit.
    #[serde(deserialize_with = "money")]
    pub deposit: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct PriceItem {
    #[serde(default, deserialize_with = "text")]
    pub product_name: String,
    #[serde(default, deserialize_with = "text")]
    pub category: String,
    #[serde(default, deserialize_with = "text")]
    pub brand: String,
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub kind: String,
    #[serde(default, deserialize_with = "text")]
    pub seller_name: String,
    #[serde(default, deserialize_with = "money")]
    pub price: Option<i64>,
    #[serde(default, deserialize_with = "text")]
    pub buyer_sku_code: String,
    #[serde(default, deserialize_with = "flag")]
    pub buyer_product_status: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    pub seller_product_status: Option<bool>,
    #[serde(default, deserialize_with = "flag")]
    pub unlimited_stock: Option<bool>,
    #[serde(default, deserialize_with = "money")]
    pub stock: Option<i64>,
    #[serde(default, deserialize_with = "flag")]
    pub multi: Option<bool>,
    #[serde(default, deserialize_with = "text")]
    pub start_cut_off: String,
    #[serde(default, deserialize_with = "text")]
    pub end_cut_off: String,
    #[serde(default, deserialize_with = "text")]
    pub desc: String,
    /// Postpaid lists: the admin fee and the buyer's commission.
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub admin: Option<i64>,
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub commission: Option<i64>,
}

/// A transaction answer (topup, re-check, webhook `data`). Every field is optional:
/// error answers carry only some of them.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
pub struct TransactionData {
    #[serde(default, deserialize_with = "text")]
    pub ref_id: String,
    #[serde(default, deserialize_with = "text")]
    pub customer_no: String,
    #[serde(default, deserialize_with = "text")]
    pub buyer_sku_code: String,
    #[serde(default, deserialize_with = "text")]
    pub message: String,
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "text")]
    pub rc: String,
    #[serde(default, deserialize_with = "text")]
    pub sn: String,
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub buyer_last_saldo: Option<i64>,
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub price: Option<i64>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub tele: String,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub wa: String,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub trx_id: String,
    // Postpaid answers (inq-pasca, pay-pasca, status-pasca, the pasca webhook) add these.
    #[serde(default, deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub customer_name: String,
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub admin: Option<i64>,
    #[serde(default, deserialize_with = "text", skip_serializing_if = "String::is_empty")]
    pub periode: String,
    #[serde(default, deserialize_with = "money", skip_serializing_if = "Option::is_none")]
    pub selling_price: Option<i64>,
    /// Product-specific bill detail; its shape differs per product (PLN, PDAM, BPJS ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desc: Option<serde_json::Value>,
}

/// A webhook body: `{"data": {...}}`, or a ping without `data`.
#[derive(Debug, Deserialize)]
pub struct WebhookBody {
    pub data: Option<TransactionData>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_arrive_as_numbers_or_strings() {
        let item: PriceItem = serde_json::from_str(
            r#"{"product_name":"X","price":"10500","stock":"7","buyer_product_status":true,
                "seller_product_status":"1","unlimited_stock":0,"start_cut_off":"0:0","end_cut_off":"0:0"}"#,
        )
        .unwrap();
        assert_eq!(item.price, Some(10_500));
        assert_eq!(item.stock, Some(7));
        assert_eq!(item.seller_product_status, Some(true));
        assert_eq!(item.unlimited_stock, Some(false));
        assert_eq!(money_of(&serde_json::json!(990000.75)), Some(990_000));
        assert_eq!(money_of(&serde_json::json!("500000000000")), Some(500_000_000_000));
        assert_eq!(money_of(&serde_json::json!("abc")), None);
    }

    #[test]
    fn data_is_a_list_or_an_error_object() {
        let ok: Envelope<Vec<PriceItem>> = serde_json::from_str(r#"{"data":[{"buyer_sku_code":"a"}]}"#).unwrap();
        assert!(matches!(ok.data, Some(DataOr::Ok(v)) if v.len() == 1));
        let err: Envelope<Vec<PriceItem>> =
            serde_json::from_str(r#"{"data":{"rc":"83","message":"Anda telah mencapai limitasi"}}"#).unwrap();
        assert!(matches!(err.data, Some(DataOr::Err(e)) if e.rc == "83"));
        let dep: Envelope<Deposit> = serde_json::from_str(r#"{"data":{"rc":"41","message":"Signature"}}"#).unwrap();
        assert!(matches!(dep.data, Some(DataOr::Err(_))));
    }
}
