//! Lenient JSON for the gateways' answers: numbers that arrive as strings, booleans as
//! 0/1, whole rupiah cut from decimals without float arithmetic.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Whole rupiah from a number or a numeric string; decimals are cut, never rounded up.
pub fn money<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(money_of))
}

pub fn money_of(v: &Value) -> Option<i64> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    // Decimal text ("990000.5"): keep the whole rupiah, without float arithmetic.
    let int_part = text.split('.').next().unwrap_or_default();
    int_part.parse().ok()
}

/// A string from a string, a number or a bool.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    })
}

/// A bool from true/false, 1/0 or "true"/"1".
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(match v {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::Number(n)) => Some(n.as_i64().unwrap_or(0) != 0),
        Some(Value::String(s)) => Some(matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
        _ => None,
    })
}
