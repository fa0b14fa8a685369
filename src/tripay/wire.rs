//! Tripay's JSON as it arrives: numbers that may be strings (`percent: "0.70"`,
//! `pay_code`, `paid_at`), and `{success, message, data}` envelopes.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::model::{Channel, FeeRule};
pub use crate::lenient::money;

fn text_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text_opt(d)?.unwrap_or_default())
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => b,
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0) != 0,
        Some(Value::String(s)) => matches!(s.as_str(), "1" | "true"),
        _ => false,
    })
}

/// "0.70" or 0.7 as hundredths of a percent (70), without floating point.
pub fn percent_bp(v: &Value) -> i64 {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return 0,
    };
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int: i64 = int.parse().unwrap_or(0);
    let mut frac: String = frac.chars().take(2).collect();
    while frac.len() < 2 {
        frac.push('0');
    }
    int * 100 + frac.parse::<i64>().unwrap_or(0)
}

fn bp<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.map(|v| percent_bp(&v)).unwrap_or(0))
}

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub success: bool,
    #[serde(default, deserialize_with = "text")]
    pub message: String,
    pub data: Option<T>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Fee {
    #[serde(default, deserialize_with = "money")]
    pub flat: Option<i64>,
    /// Tripay sends this as a string ("0.70"); kept in basis points.
    #[serde(default, deserialize_with = "bp", serialize_with = "ser_bp")]
    pub percent: i64,
}

fn ser_bp<S: serde::Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{}.{:02}", v / 100, v % 100))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ChannelItem {
    #[serde(default, deserialize_with = "text")]
    pub group: String,
    #[serde(default, deserialize_with = "text")]
    pub code: String,
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub kind: String,
    #[serde(default)]
    pub fee_merchant: Fee,
    #[serde(default)]
    pub fee_customer: Fee,
    #[serde(default)]
    pub total_fee: Fee,
    #[serde(default, deserialize_with = "money")]
    pub minimum_fee: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub maximum_fee: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub minimum_amount: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub maximum_amount: Option<i64>,
    #[serde(default, deserialize_with = "text")]
    pub icon_url: String,
    #[serde(default, deserialize_with = "flag")]
    pub active: bool,
}

pub fn channel_of(c: ChannelItem) -> Channel {
    Channel {
        code: c.code,
        name: c.name,
        group: c.group,
        kind: c.kind,
        icon_url: (!c.icon_url.is_empty()).then_some(c.icon_url),
        active: c.active,
        min_amount: c.minimum_amount,
        max_amount: c.maximum_amount,
        customer_fee: FeeRule {
            flat: c.fee_customer.flat.unwrap_or(0),
            percent_bp: c.fee_customer.percent,
            min: c.minimum_fee,
            max: c.maximum_fee,
        },
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct OrderItem {
    #[serde(default)]
    pub sku: String,
    pub name: String,
    #[serde(deserialize_with = "money_req")]
    pub price: i64,
    #[serde(deserialize_with = "money_req")]
    pub quantity: i64,
}

fn money_req<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    money(d).map(|v| v.unwrap_or(0))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CreateReq {
    pub method: String,
    pub merchant_ref: String,
    pub amount: i64,
    pub customer_name: String,
    pub customer_email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_phone: Option<String>,
    pub order_items: Vec<OrderItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_time: Option<i64>,
    pub signature: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Instruction {
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    #[serde(default)]
    pub steps: Vec<String>,
}

/// The answer of create and detail.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TxData {
    #[serde(default, deserialize_with = "text")]
    pub reference: String,
    #[serde(default, deserialize_with = "text")]
    pub merchant_ref: String,
    #[serde(default, deserialize_with = "text")]
    pub payment_method: String,
    #[serde(default, deserialize_with = "text")]
    pub payment_name: String,
    #[serde(default, deserialize_with = "money")]
    pub amount: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub fee_merchant: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub fee_customer: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub total_fee: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub amount_received: Option<i64>,
    #[serde(default, deserialize_with = "text_opt")]
    pub pay_code: Option<String>,
    #[serde(default, deserialize_with = "text_opt")]
    pub pay_url: Option<String>,
    #[serde(default, deserialize_with = "text_opt")]
    pub checkout_url: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "money")]
    pub expired_time: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub paid_at: Option<i64>,
    #[serde(default)]
    pub instructions: Option<Vec<Instruction>>,
    #[serde(default, deserialize_with = "text_opt")]
    pub qr_string: Option<String>,
    #[serde(default, deserialize_with = "text_opt")]
    pub qr_url: Option<String>,
}

/// An integer, or absent/null; anything else (a string, a decimal) is an error.
fn int_strict<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64()),
        Some(other) => Err(serde::de::Error::custom(format!("an amount must be a whole number, not {other}"))),
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CallbackBody {
    #[serde(default, deserialize_with = "text")]
    pub reference: String,
    #[serde(default, deserialize_with = "text_opt")]
    pub merchant_ref: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payment_method: String,
    #[serde(default, deserialize_with = "text")]
    pub payment_method_code: String,
    // Money in a callback must be a JSON integer (Tripay documents `int`): a string or a
    // decimal here is refused rather than guessed at.
    #[serde(default, deserialize_with = "int_strict")]
    pub total_amount: Option<i64>,
    #[serde(default, deserialize_with = "int_strict")]
    pub fee_merchant: Option<i64>,
    #[serde(default, deserialize_with = "int_strict")]
    pub fee_customer: Option<i64>,
    #[serde(default, deserialize_with = "int_strict")]
    pub total_fee: Option<i64>,
    #[serde(default, deserialize_with = "int_strict")]
    pub amount_received: Option<i64>,
    #[serde(default, deserialize_with = "money")]
    pub is_closed_payment: Option<i64>,
    #[serde(default, deserialize_with = "text")]
    pub status: String,
    #[serde(default, deserialize_with = "money")]
    pub paid_at: Option<i64>,
    #[serde(default, deserialize_with = "text_opt")]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn callback_amounts_are_integers_only() {
        let ok: CallbackBody = serde_json::from_value(json!({"reference": "R", "total_amount": 18400})).unwrap();
        assert_eq!(ok.total_amount, Some(18400));
        for bad in [json!("18400"), json!(18400.4), json!(true), json!(1.84e4)] {
            let r: Result<CallbackBody, _> = serde_json::from_value(json!({"reference": "R", "total_amount": bad}));
            assert!(r.is_err(), "{bad} accepted");
        }
        let none: CallbackBody = serde_json::from_value(json!({"reference": "R", "total_amount": null})).unwrap();
        assert_eq!(none.total_amount, None);
    }

    #[test]
    fn percents_are_basis_points() {
        assert_eq!(percent_bp(&json!("0.70")), 70);
        assert_eq!(percent_bp(&json!("3")), 300);
        assert_eq!(percent_bp(&json!(2.5)), 250);
        assert_eq!(percent_bp(&json!("0.7")), 70);
        assert_eq!(percent_bp(&json!(null)), 0);
    }

    #[test]
    fn channel_items_parse_leniently() {
        let c: ChannelItem = serde_json::from_value(json!({
            "group": "E-Wallet", "code": "QRIS", "name": "QRIS", "type": "direct",
            "fee_customer": {"flat": "750", "percent": "0.70"}, "minimum_amount": "1000",
            "maximum_amount": 5000000, "active": 1
        }))
        .unwrap();
        let ch = channel_of(c);
        assert_eq!((ch.customer_fee.flat, ch.customer_fee.percent_bp), (750, 70));
        assert_eq!((ch.min_amount, ch.max_amount, ch.active), (Some(1000), Some(5_000_000), true));
    }
}
