//! Pricing rule changes (each reprices every item at once, in the same transaction)
//! and the admin's fixed prices.

use super::{
    model::{Formula, PriceEdit, PricingError, PricingRule, RuleChange, RuleCreate, RuleInput, RuleUpdate, Scope},
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    error::Invalid,
};

type Result<T, E = PricingError> = std::result::Result<T, E>;

/// Re-applies the rules to every item (fixed prices kept); how many items changed.
pub fn reprice_all(tx: &rusqlite::Connection) -> rusqlite::Result<usize> {
    repo::reprice_all(tx)
}

/// The rules a sync prices new items with.
pub fn rule_book(c: &rusqlite::Connection) -> rusqlite::Result<super::model::RuleBook> {
    Ok(super::model::RuleBook::new(repo::list(c)?))
}

pub async fn list(app: &App) -> Result<Vec<PricingRule>> {
    app.db.read(|c| Ok(repo::list(c)?)).await
}

fn check_profit(f: &Formula) -> Result<(), Invalid> {
    if f.max_profit.is_some_and(|m| m < f.min_profit) {
        return Err(Invalid::new("max_profit", "max_profit is below min_profit"));
    }
    Ok(())
}

/// Adds a rule; every item's price is recomputed at once.
pub async fn create(app: &App, actor: Actor, b: RuleCreate) -> Result<RuleChange> {
    let target_ok = match b.scope {
        Scope::Global => b.category_id.is_none() && b.brand.is_none() && b.product_id.is_none(),
        Scope::Category => b.category_id.is_some() && b.brand.is_none() && b.product_id.is_none(),
        Scope::Brand => b.brand.is_some() && b.category_id.is_none() && b.product_id.is_none(),
        Scope::Product => b.product_id.is_some() && b.category_id.is_none() && b.brand.is_none(),
    };
    if !target_ok {
        return Err(Invalid::new(
            "scope",
            "give exactly the target of the scope: category_id for category, brand for brand, product_id for product, none for global",
        )
        .into());
    }
    let input = RuleInput {
        scope: b.scope,
        category_id: b.category_id,
        brand: b.brand.map(|s| s.trim().to_string()),
        product_id: b.product_id,
        tier: b.tier,
        formula: Formula {
            percent_bp: b.percent_bp,
            flat: b.flat,
            min_profit: b.min_profit,
            max_profit: b.max_profit,
            round_to: b.round_to.unwrap_or(1),
        },
    };
    check_profit(&input.formula)?;
    app.db
        .write(move |tx| -> Result<_> {
            if let Some(cid) = input.category_id {
                if !repo::category_exists(tx, cid)? {
                    return Err(Invalid::new("category_id", "no such category").into());
                }
            }
            if let Some(pid) = input.product_id {
                if !repo::product_exists(tx, pid)? {
                    return Err(Invalid::new("product_id", "no such product").into());
                }
            }
            let id = match repo::insert(tx, &input) {
                Ok(id) => id,
                Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
                    return Err(PricingError::RuleExists)
                }
                Err(e) => return Err(e.into()),
            };
            let repriced = repo::reprice_all(tx)? as i64;
            audit::record(
                tx,
                &actor,
                Record::new(Action::PricingRuleCreate, Subject::PricingRule(id), "pricing rule added"),
            )?;
            Ok(RuleChange { rule: repo::find(tx, id)?, repriced_items: repriced })
        })
        .await
}

/// Changes a rule's numbers; every item's price is recomputed at once.
pub async fn update(app: &App, actor: Actor, id: i64, b: RuleUpdate) -> Result<RuleChange> {
    app.db
        .write(move |tx| -> Result<_> {
            let rule = repo::find(tx, id)?.ok_or(PricingError::NotFound)?;
            let mut f = Formula::from(&rule);
            f.percent_bp = b.percent_bp.unwrap_or(f.percent_bp);
            f.flat = b.flat.unwrap_or(f.flat);
            f.min_profit = b.min_profit.unwrap_or(f.min_profit);
            if b.clear_max_profit == Some(true) {
                f.max_profit = None;
            }
            b.max_profit.update_to(&mut f.max_profit);
            f.round_to = b.round_to.unwrap_or(f.round_to);
            check_profit(&f)?;
            repo::update_formula(tx, id, &f)?;
            let repriced = repo::reprice_all(tx)? as i64;
            audit::record(
                tx,
                &actor,
                Record::new(Action::PricingRuleUpdate, Subject::PricingRule(id), "pricing rule changed"),
            )?;
            Ok(RuleChange { rule: repo::find(tx, id)?, repriced_items: repriced })
        })
        .await
}

/// Removes a rule; items fall back to the next less specific rule.
pub async fn delete(app: &App, actor: Actor, id: i64) -> Result<RuleChange> {
    app.db
        .write(move |tx| -> Result<_> {
            if repo::delete(tx, id)? == 0 {
                return Err(PricingError::NotFound);
            }
            let repriced = repo::reprice_all(tx)? as i64;
            audit::record(
                tx,
                &actor,
                Record::new(Action::PricingRuleDelete, Subject::PricingRule(id), "pricing rule removed"),
            )?;
            Ok(RuleChange { rule: None, repriced_items: repriced })
        })
        .await
}

/// Sets or clears fixed prices on many items at once (all or nothing). A price below
/// the supplier cost is refused.
pub async fn bulk_prices(app: &App, actor: Actor, items: Vec<PriceEdit>) -> Result<i64> {
    let now = app.clock.now_str();
    app.db
        .write(move |tx| -> Result<i64> {
            for (i, e) in items.iter().enumerate() {
                let base = repo::base_price_of(tx, e.item_id)?
                    .ok_or_else(|| Invalid::new(format!("items[{i}].item_id"), "no such item"))?;
                for (field, p) in [("retail_price", e.retail_price), ("reseller_price", e.reseller_price)] {
                    if p.is_some_and(|p| p < base) {
                        return Err(Invalid::new(
                            format!("items[{i}].{field}"),
                            format!("below the supplier price {base}"),
                        )
                        .into());
                    }
                }
                repo::set_overrides(tx, e.item_id, e.retail_price, e.reseller_price, e.clear == Some(true), &now)?;
            }
            repo::reprice_all(tx)?;
            let rec = Record::new(Action::BulkPrices, Subject::None, format!("{} items", items.len()));
            audit::record(tx, &actor, rec)?;
            Ok(items.len() as i64)
        })
        .await
}
