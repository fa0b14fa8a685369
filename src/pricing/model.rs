//! Pricing rules: selling price = supplier price + profit, per tier. The most specific
//! rule wins (product > brand > category > global); each has a percent part (in basis
//! points, so no float touches money), a flat part, a minimum and maximum profit, and a
//! step the price is rounded up to. A selling price below the supplier price cannot
//! come out of this. Plus the admin's fixed prices (overrides the rules leave alone).

use poem_openapi::{types::MaybeUndefined, Enum, Object};

use crate::{
    auth::model::CustomerType,
    db::{text_enum, DbError},
    error::{ApiError, Invalid},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Scope {
    Global,
    Category,
    Brand,
    Product,
}

text_enum!(Scope { Global => "global", Category => "category", Brand => "brand", Product => "product" });

#[derive(Debug, Clone, PartialEq, Eq, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PricingRule {
    pub id: i64,
    pub scope: Scope,
    pub category_id: Option<i64>,
    pub brand: Option<String>,
    pub product_id: Option<i64>,
    pub tier: CustomerType,
    /// Hundredths of a percent of the supplier price: 250 = 2.5 %.
    pub percent_bp: i64,
    /// Rupiah added on top of the percent part.
    pub flat: i64,
    pub min_profit: i64,
    pub max_profit: Option<i64>,
    /// The selling price is rounded up to a multiple of this (1 = no rounding).
    pub round_to: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The parts of a rule that shape a price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formula {
    pub percent_bp: i64,
    pub flat: i64,
    pub min_profit: i64,
    pub max_profit: Option<i64>,
    pub round_to: i64,
}

impl Formula {
    /// Without any rule: sell at cost (the migration seeds global rules, so this is rare).
    pub const AT_COST: Formula = Formula { percent_bp: 0, flat: 0, min_profit: 0, max_profit: None, round_to: 1 };

    /// The selling price for a supplier price. Integer arithmetic only; the percent part
    /// is rounded up, then min/max clamp the profit, then the price is rounded up to the
    /// step. Rounding only ever goes up, so price >= base always.
    pub fn price(&self, base: i64) -> i64 {
        let base = base.max(0);
        let percent = (i128::from(base) * i128::from(self.percent_bp.max(0)) + 9_999) / 10_000;
        let mut profit = i64::try_from(percent).unwrap_or(i64::MAX / 4).saturating_add(self.flat.max(0));
        profit = profit.max(self.min_profit.max(0));
        if let Some(max) = self.max_profit {
            profit = profit.min(max.max(0));
        }
        let price = base.saturating_add(profit);
        let step = self.round_to.max(1);
        let rounded = (price.saturating_add(step - 1) / step).saturating_mul(step);
        rounded.max(base)
    }
}

impl From<&PricingRule> for Formula {
    fn from(r: &PricingRule) -> Self {
        Formula {
            percent_bp: r.percent_bp,
            flat: r.flat,
            min_profit: r.min_profit,
            max_profit: r.max_profit,
            round_to: r.round_to,
        }
    }
}

/// Where an item sits, for rule matching.
#[derive(Debug, Clone)]
pub struct ItemPlace<'a> {
    pub product_id: i64,
    pub category_id: i64,
    pub brand: &'a str,
}

/// All rules, indexed for fast lookup during a sync.
#[derive(Debug, Default, Clone)]
pub struct RuleBook {
    rules: Vec<PricingRule>,
}

impl RuleBook {
    pub fn new(rules: Vec<PricingRule>) -> Self {
        Self { rules }
    }

    /// The most specific rule for this item and tier.
    pub fn rule_for(&self, place: &ItemPlace<'_>, tier: CustomerType) -> Option<&PricingRule> {
        let rank = |r: &PricingRule| -> Option<u8> {
            if r.tier != tier {
                return None;
            }
            match r.scope {
                Scope::Product if r.product_id == Some(place.product_id) => Some(4),
                Scope::Brand if r.brand.as_deref().is_some_and(|b| b.eq_ignore_ascii_case(place.brand)) => Some(3),
                Scope::Category if r.category_id == Some(place.category_id) => Some(2),
                Scope::Global => Some(1),
                _ => None,
            }
        };
        self.rules.iter().filter_map(|r| rank(r).map(|k| (k, r))).max_by_key(|(k, _)| *k).map(|(_, r)| r)
    }

    pub fn formula_for(&self, place: &ItemPlace<'_>, tier: CustomerType) -> Formula {
        self.rule_for(place, tier).map(Formula::from).unwrap_or(Formula::AT_COST)
    }

    /// (retail, reseller) selling prices for a supplier price, overrides respected.
    pub fn prices(&self, place: &ItemPlace<'_>, base: i64, overrides: (Option<i64>, Option<i64>)) -> (i64, i64) {
        let retail = overrides.0.unwrap_or_else(|| self.formula_for(place, CustomerType::Retail).price(base));
        let reseller = overrides.1.unwrap_or_else(|| self.formula_for(place, CustomerType::Reseller).price(base));
        // An override below a new, higher supplier price cannot stand.
        (retail.max(base), reseller.max(base))
    }
}

/// A rule to add.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub scope: Scope,
    pub category_id: Option<i64>,
    pub brand: Option<String>,
    pub product_id: Option<i64>,
    pub tier: CustomerType,
    pub formula: Formula,
}

/// A new pricing rule. `category_id`, `brand` or `product_id` goes with its scope.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleCreate {
    pub scope: Scope,
    pub category_id: Option<i64>,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub brand: Option<String>,
    pub product_id: Option<i64>,
    pub tier: CustomerType,
    /// Hundredths of a percent: 250 = 2.5 %.
    #[oai(default, validator(minimum(value = "0"), maximum(value = "100000")))]
    pub percent_bp: i64,
    #[oai(default, validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub flat: i64,
    #[oai(default, validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_profit: i64,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub max_profit: Option<i64>,
    /// Round the selling price up to a multiple of this (default 1: no rounding).
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub round_to: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleUpdate {
    #[oai(validator(minimum(value = "0"), maximum(value = "100000")))]
    pub percent_bp: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub flat: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub min_profit: Option<i64>,
    /// A new profit cap; `null` removes the cap.
    #[oai(nullable, validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub max_profit: MaybeUndefined<i64>,
    /// `true` removes the cap too (the older way, still understood).
    pub clear_max_profit: Option<bool>,
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))]
    pub round_to: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RuleChange {
    pub rule: Option<PricingRule>,
    /// Items whose selling price changed.
    pub repriced_items: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PriceEdit {
    pub item_id: i64,
    /// A fixed retail price (an override syncs keep); `null` with `clear` returns to the rules.
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub retail_price: Option<i64>,
    #[oai(validator(minimum(value = "0"), maximum(value = "1000000000000")))]
    pub reseller_price: Option<i64>,
    /// Remove both overrides: the pricing rules apply again.
    pub clear: Option<bool>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkPrices {
    pub items: Vec<PriceEdit>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkResult {
    pub updated: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("pricing rule not found")]
    NotFound,
    #[error("a rule for this scope, target and tier exists; change it instead")]
    RuleExists,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for PricingError {
    fn from(e: rusqlite::Error) -> Self {
        PricingError::Db(e.into())
    }
}

impl From<PricingError> for ApiError {
    fn from(e: PricingError) -> Self {
        match e {
            PricingError::Invalid(i) => i.into(),
            PricingError::NotFound => ApiError::not_found("pricing rule"),
            PricingError::RuleExists => {
                ApiError::conflict("rule_exists", "a rule for this scope, target and tier exists; change it instead")
            }
            PricingError::Db(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(percent_bp: i64, flat: i64, min: i64, max: Option<i64>, round_to: i64) -> Formula {
        Formula { percent_bp, flat, min_profit: min, max_profit: max, round_to }
    }

    #[test]
    fn formula_table() {
        // (formula, base, expected price)
        let cases = [
            (f(0, 2_000, 0, None, 100), 10_000, 12_000),
            (f(500, 0, 0, None, 1), 10_000, 10_500),            // 5 %
            (f(250, 0, 0, None, 1), 1_380, 1_415),              // 2.5 % of 1 380 = 34.5 -> 35
            (f(250, 0, 0, None, 100), 1_380, 1_500),            // then up to the next 100
            (f(100, 0, 500, None, 1), 10_000, 10_500),          // 1 % = 100, min 500
            (f(1_000, 0, 0, Some(3_000), 1), 100_000, 103_000), // 10 % = 10 000, max 3 000
            (f(500, 1_000, 0, None, 500), 19_000, 21_000),      // 950 + 1 000 = 1 950 -> 20 950 -> 21 000
            (f(0, 0, 0, None, 1_000), 10_000, 10_000),          // already a multiple: unchanged
            (f(0, 0, 0, None, 1_000), 10_001, 11_000),
            (Formula::AT_COST, 7_777, 7_777),
            (f(0, 0, 0, Some(0), 100), 950, 1_000), // rounding may add profit, never remove cost
            (f(500, 0, 0, None, 1), 0, 0),
        ];
        for (formula, base, expected) in cases {
            let got = formula.price(base);
            assert_eq!(got, expected, "{formula:?} on {base}");
            assert!(got >= base);
        }
    }

    fn rule(id: i64, scope: Scope, tier: CustomerType, flat: i64) -> PricingRule {
        PricingRule {
            id,
            scope,
            category_id: (scope == Scope::Category).then_some(7),
            brand: (scope == Scope::Brand).then(|| "TELKOMSEL".to_string()),
            product_id: (scope == Scope::Product).then_some(42),
            tier,
            percent_bp: 0,
            flat,
            min_profit: 0,
            max_profit: None,
            round_to: 1,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        use CustomerType::{Reseller, Retail};
        let book = RuleBook::new(vec![
            rule(1, Scope::Global, Retail, 100),
            rule(2, Scope::Category, Retail, 200),
            rule(3, Scope::Brand, Retail, 300),
            rule(4, Scope::Product, Retail, 400),
            rule(5, Scope::Global, Reseller, 50),
        ]);
        // (product, category, brand, tier, expected profit)
        let cases = [
            (42, 7, "TELKOMSEL", Retail, 400),
            (43, 7, "telkomsel", Retail, 300),
            (43, 7, "XL", Retail, 200),
            (43, 8, "XL", Retail, 100),
            (42, 7, "TELKOMSEL", Reseller, 50),
        ];
        for (pid, cid, brand, tier, profit) in cases {
            let place = ItemPlace { product_id: pid, category_id: cid, brand };
            assert_eq!(book.formula_for(&place, tier).price(1_000), 1_000 + profit, "{pid} {cid} {brand} {tier:?}");
        }
        let empty = RuleBook::default();
        let place = ItemPlace { product_id: 1, category_id: 1, brand: "X" };
        assert_eq!(empty.prices(&place, 5_000, (None, None)), (5_000, 5_000));
        // Overrides win, but never below cost.
        assert_eq!(book.prices(&place, 5_000, (Some(6_000), Some(4_000))), (6_000, 5_000));
    }
}
