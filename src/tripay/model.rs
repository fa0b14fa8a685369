//! What Tripay offers and answers, as lapak's own types: channels and their fees, a
//! payment to create, what the gateway answered (nothing above the gateway sees
//! Tripay's JSON).

use poem_openapi::Object;

/// What the customer pays on top for a channel: flat + percent (basis points), within
/// an optional min/max.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeeRule {
    pub flat: i64,
    pub percent_bp: i64,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl FeeRule {
    /// The fee for an amount; the percent part is rounded up to the rupiah.
    pub fn fee(&self, amount: i64) -> i64 {
        let pct = (i128::from(amount.max(0)) * i128::from(self.percent_bp.max(0)) + 9_999) / 10_000;
        let mut fee = self.flat.max(0) + i64::try_from(pct).unwrap_or(i64::MAX / 4);
        if let Some(min) = self.min {
            fee = fee.max(min);
        }
        if let Some(max) = self.max.filter(|m| *m > 0) {
            fee = fee.min(max);
        }
        fee
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub code: String,
    pub name: String,
    pub group: String,
    pub kind: String,
    pub icon_url: Option<String>,
    pub active: bool,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub customer_fee: FeeRule,
}

impl Channel {
    pub fn accepts(&self, amount: i64) -> bool {
        self.min_amount.is_none_or(|m| amount >= m) && self.max_amount.is_none_or(|m| amount <= m)
    }
}

/// A payment to create at the gateway.
#[derive(Debug, Clone)]
pub struct NewPayment {
    pub method: String,
    pub merchant_ref: String,
    pub amount: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_phone: Option<String>,
    pub item_sku: String,
    pub item_name: String,
    pub callback_url: Option<String>,
    pub return_url: Option<String>,
    pub expires_at_unix: Option<i64>,
}

#[derive(Debug, Clone, Object, serde::Serialize, serde::Deserialize)]
#[oai(skip_serializing_if_is_none)]
pub struct PaymentInstruction {
    pub title: String,
    pub steps: Vec<String>,
}

/// What the gateway answered to create/detail.
#[derive(Debug, Clone)]
pub struct CreatedPayment {
    pub reference: String,
    pub merchant_ref: String,
    pub method: String,
    pub channel_name: String,
    pub amount: i64,
    pub fee_customer: i64,
    pub pay_code: Option<String>,
    pub pay_url: Option<String>,
    pub checkout_url: Option<String>,
    pub qr_string: Option<String>,
    pub qr_url: Option<String>,
    pub status: String,
    pub expires_at_unix: Option<i64>,
    pub instructions: Vec<PaymentInstruction>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees() {
        let qris = FeeRule { flat: 750, percent_bp: 70, min: None, max: None };
        assert_eq!(qris.fee(100_000), 750 + 700);
        assert_eq!(qris.fee(12_345), 750 + 87, "86.4 rounds up");
        let ovo = FeeRule { flat: 0, percent_bp: 300, min: Some(1_000), max: None };
        assert_eq!(ovo.fee(10_000), 1_000, "3 % = 300, below the minimum");
        assert_eq!(ovo.fee(100_000), 3_000);
        let capped = FeeRule { flat: 0, percent_bp: 500, min: None, max: Some(2_000) };
        assert_eq!(capped.fee(100_000), 2_000);
    }
}
