//! Product sync: the supplier's price list into categories, products and items, priced
//! by the pricing rules. One routine behind the CLI, the schedule and the admin route.
//!
//! What an admin set by hand survives: product names, descriptions, input fields,
//! images, featured/sort order, item names, price overrides, the active flag, and which
//! product an item sits under. The supplier's facts are refreshed: cost, availability,
//! stock, cut-off window. Items the supplier stopped offering become unorderable. An
//! error, an empty list or the price-list limit leaves the catalog as it was.

use std::{collections::HashSet, time::Instant};

use super::{
    model::{SupplierFacts, SyncError, SyncRun, SyncSource, SyncSummary, Trigger},
    repo::{self, NewProduct},
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    catalog::{model::default_input_fields, service::slugify},
    db::DbError,
    digiflazz::{model::SupplierProduct, DigiflazzError, PriceListKind},
    pricing::{model::ItemPlace, service::rule_book},
};

/// Digiflazz allows one full price list per five minutes; a list younger than this is
/// reused instead of asked for again.
const LIST_REUSE: std::time::Duration = std::time::Duration::from_secs(300);

pub async fn sync_products(app: &App, trigger: Trigger) -> Result<SyncSummary, SyncError> {
    sync(app, trigger, None).await
}

/// An admin's sync: the audit record (with what changed) commits with the catalog
/// changes; a sync that changed nothing (the list limit) is recorded on its own.
pub async fn sync_by_admin(app: &App, actor: Actor) -> Result<SyncSummary, SyncError> {
    sync(app, Trigger::Admin, Some(actor)).await
}

fn sync_record(s: &SyncSummary) -> Record {
    Record::new(Action::ProductsSync, Subject::None, "product sync")
        .with_meta(serde_json::to_value(s).unwrap_or_default())
}

async fn sync(app: &App, trigger: Trigger, actor: Option<Actor>) -> Result<SyncSummary, SyncError> {
    let _running = app.caches.sync_lock.try_lock().map_err(|_| SyncError::Busy)?;
    let started = Instant::now();
    let started_at = app.clock.now_str();

    let cached = {
        let cache = app.caches.price_list.lock().unwrap_or_else(|p| p.into_inner());
        cache.as_ref().filter(|(at, _)| at.elapsed() < LIST_REUSE).map(|(at, l)| (l.clone(), at.elapsed().as_secs()))
    };
    let list_age_secs = cached.as_ref().map(|(_, age)| *age);
    let cached = cached.map(|(l, _)| l);
    let fetched = match cached {
        Some(list) => Ok((list, SyncSource::Cache)),
        None => match app.digiflazz.price_list(PriceListKind::Prepaid).await {
            Ok(list) if list.is_empty() => Ok((list, SyncSource::Supplier)),
            Ok(mut list) => {
                // Bills come from their own (`pasca`) list. Without it, the postpaid items
                // are left as they were rather than delisted.
                match app.digiflazz.price_list(PriceListKind::Postpaid).await {
                    Ok(bills) => list.extend(bills),
                    Err(e) => tracing::warn!(error = %e, "pasca price list not fetched; bills left as they were"),
                }
                Ok((list, SyncSource::Supplier))
            }
            Err(e) => Err(e),
        },
    };
    let now = app.clock.now_str();
    let outcome = match fetched {
        Err(DigiflazzError::RateLimited(msg)) => {
            tracing::warn!(%msg, "price-list limit reached; catalog left as it was");
            let s = SyncSummary { source: SyncSource::None, limited: Some(msg), ..Default::default() };
            if let Some(actor) = actor {
                let rec = sync_record(&s);
                app.db.write(move |tx| Ok::<_, SyncError>(audit::record(tx, &actor, rec)?)).await?;
            }
            Ok(s)
        }
        Err(e) => Err(SyncError::Supplier(e)),
        // No prepaid product at all is a broken answer, whatever the pasca list holds.
        Ok((list, _)) if list.iter().all(|p| p.postpaid) => Err(SyncError::Empty),
        Ok((list, source)) => {
            if source == SyncSource::Supplier {
                *app.caches.price_list.lock().unwrap_or_else(|p| p.into_inner()) = Some((Instant::now(), list.clone()));
            }
            app.db
                .write(move |tx| -> Result<SyncSummary, SyncError> {
                    let mut s = apply_price_list(tx, &list, &now)?;
                    s.source = source;
                    if let Some(actor) = &actor {
                        audit::record(tx, actor, sync_record(&s))?;
                    }
                    Ok(s)
                })
                .await
        }
    };
    let outcome = outcome.map(|mut s| {
        s.duration_ms = started.elapsed().as_millis() as i64;
        if s.source == SyncSource::Cache {
            s.list_age_secs = list_age_secs;
        }
        s
    });
    record_run(app, trigger, &started_at, &outcome).await;
    outcome
}

async fn record_run(app: &App, trigger: Trigger, started_at: &str, outcome: &Result<SyncSummary, SyncError>) {
    let (ok, summary, error) = match outcome {
        Ok(s) => (s.limited.is_none(), serde_json::to_string(s).ok(), s.limited.clone()),
        Err(e) => (false, None, Some(e.to_string())),
    };
    let (started_at, finished_at) = (started_at.to_string(), app.clock.now_str());
    let res = app
        .db
        .write(move |tx| {
            Ok::<_, DbError>(repo::insert_run(
                tx,
                trigger.as_str(),
                &started_at,
                &finished_at,
                ok,
                summary.as_deref(),
                error.as_deref(),
            )?)
        })
        .await;
    if let Err(e) = res {
        tracing::error!(error = %e, "could not record the sync run");
    }
}

/// Recent product syncs, newest first.
pub async fn recent_runs(app: &App) -> Result<Vec<SyncRun>, DbError> {
    app.db.read(|c| Ok(repo::recent_runs(c, 50)?)).await
}

/// The product type lapak uses, from the supplier's category and name (as the source did).
pub fn detect_type(category: &str, name: &str) -> &'static str {
    let c = category.to_lowercase();
    let n = name.to_lowercase();
    if c.contains("game") || n.contains("diamond") || n.contains(" uc") {
        "game"
    } else if c.contains("pulsa") {
        "pulsa"
    } else if c.contains("data") || c.contains("paket") {
        "data"
    } else if c.contains("pln") || n.contains("token") {
        "pln"
    } else if c.contains("voucher") {
        "voucher"
    } else if c.contains("money") || c.contains("wallet") {
        "emoney"
    } else {
        "other"
    }
}

/// "MOBILE LEGENDS" -> "Mobile Legends"; short all-caps words (XL, PLN, DANA) stay.
fn title(brand: &str) -> String {
    brand
        .split_whitespace()
        .map(|w| {
            if w.len() <= 4 || w.chars().any(|c| c.is_lowercase()) {
                w.to_string()
            } else {
                let lower = w.to_lowercase();
                let mut cs = lower.chars();
                cs.next().map(|f| f.to_uppercase().collect::<String>() + cs.as_str()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn product_name(brand: &str, category: &str, kind: &str) -> String {
    match kind {
        "game" | "bill" => title(brand),
        "pln" => "PLN Token".into(),
        _ => format!("{} {}", title(brand), category.trim()),
    }
}

/// The item name without the brand in front ("MOBILE LEGENDS 86 Diamonds" -> "86 Diamonds").
fn item_name(name: &str, brand: &str) -> String {
    let trimmed = name.trim();
    if brand.is_empty() {
        return trimmed.to_string();
    }
    match trimmed.get(..brand.len()) {
        Some(head) if head.eq_ignore_ascii_case(brand) && trimmed.len() > brand.len() => {
            let rest = trimmed[brand.len()..].trim_start_matches([' ', '-', ':']).trim();
            if rest.is_empty() {
                trimmed.to_string()
            } else {
                rest.to_string()
            }
        }
        _ => trimmed.to_string(),
    }
}

/// "0:0"/"00:00" windows mean none; anything else is kept as "HH:MM".
fn cut_off(p: &SupplierProduct) -> (Option<String>, Option<String>) {
    use crate::catalog::service::parse_hhmm;
    match (parse_hhmm(&p.cut_off_start), parse_hhmm(&p.cut_off_end)) {
        (Some(s), Some(e)) if s != e => (Some(s.format("%H:%M").to_string()), Some(e.format("%H:%M").to_string())),
        _ => (None, None),
    }
}

/// Applies a (non-empty) price list inside the caller's transaction.
pub fn apply_price_list(
    tx: &rusqlite::Connection,
    list: &[SupplierProduct],
    now: &str,
) -> Result<SyncSummary, DbError> {
    let book = rule_book(tx)?;
    let mut summary = SyncSummary { received: list.len() as i64, ..Default::default() };
    // A list without bills (the pasca list could not be fetched) says nothing of them.
    let bills_listed = list.iter().any(|p| p.postpaid);
    let mut known = repo::snapshot(tx)?;
    let mut items = repo::ItemWriter::new(tx)?;
    let mut seen: HashSet<&str> = HashSet::with_capacity(list.len());
    for p in list {
        if !seen.insert(p.sku.as_str()) {
            continue; // a duplicated SKU in the list: the first wins
        }
        let stock = if p.unlimited_stock { None } else { p.stock };
        let facts = |retail, reseller| SupplierFacts {
            base_price: p.price,
            retail,
            reseller,
            available: p.orderable(),
            cut_off: cut_off(p),
            supplier_name: &p.name,
            multi: p.multi,
            stock,
        };
        match known.items.get(&p.sku) {
            Some(e) => {
                let (cat, brand) = known.places.get(&e.product_id).cloned().unwrap_or((0, String::new()));
                let place = ItemPlace { product_id: e.product_id, category_id: cat, brand: &brand };
                let (retail, reseller) = book.prices(&place, p.price, e.overrides);
                let f = facts(retail, reseller);
                let same = e.base == f.base_price
                    && e.retail == retail
                    && e.reseller == reseller
                    && e.available == f.available
                    && e.cut_off == f.cut_off
                    && e.stock == f.stock
                    && e.multi == f.multi
                    && e.supplier_name.as_deref() == Some(f.supplier_name);
                if same {
                    items.touch(e.id, now)?;
                    summary.unchanged += 1;
                } else {
                    items.update(e.id, &f, now)?;
                    if e.available && !f.available {
                        summary.deactivated += 1;
                    } else {
                        summary.updated += 1;
                    }
                }
            }
            None => {
                let kind = if p.postpaid { "bill" } else { detect_type(&p.category, &p.name) };
                let cat_slug = slugify(if p.category.is_empty() { "other" } else { &p.category });
                let category_id = match known.categories.get(&cat_slug) {
                    Some(id) => *id,
                    None => {
                        let name = if p.category.is_empty() { "Other" } else { p.category.as_str() };
                        let id = repo::insert_category(tx, name, &cat_slug, known.categories.len() as i64)?;
                        known.categories.insert(cat_slug.clone(), id);
                        summary.categories_added += 1;
                        id
                    }
                };
                let key = format!("digiflazz:{}|{}", p.brand.to_uppercase(), p.category);
                let product_id = match known.products_by_key.get(&key) {
                    Some(id) => *id,
                    None => {
                        let name = product_name(&p.brand, &p.category, kind);
                        let base_slug = slugify(&name);
                        let mut slug = base_slug.clone();
                        let mut n = 2;
                        while repo::product_slug_taken(tx, &slug)? {
                            slug = format!("{base_slug}-{n}");
                            n += 1;
                        }
                        let (fields, format) = default_input_fields(kind);
                        let id = repo::insert_product(
                            tx,
                            &NewProduct {
                                category_id,
                                name: &name,
                                slug: &slug,
                                brand: &p.brand,
                                publisher: &title(&p.brand),
                                kind,
                                postpaid: p.postpaid,
                                input_fields: &serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into()),
                                customer_no_format: &format,
                                supplier_key: &key,
                            },
                        )?;
                        known.products_by_key.insert(key, id);
                        known.places.insert(id, (category_id, p.brand.clone()));
                        summary.products_added += 1;
                        id
                    }
                };
                let place = ItemPlace { product_id, category_id, brand: &p.brand };
                let (retail, reseller) = book.prices(&place, p.price, (None, None));
                items.insert(
                    product_id,
                    &p.sku,
                    &item_name(&p.name, &p.brand),
                    (!p.group.is_empty()).then_some(p.group.as_str()),
                    (!p.description.is_empty()).then_some(p.description.as_str()),
                    p.admin_fee,
                    &facts(retail, reseller),
                    now,
                )?;
                summary.added += 1;
            }
        }
    }
    // Whatever the supplier no longer lists cannot be ordered.
    for (sku, e) in &known.items {
        if !seen.contains(sku.as_str()) && e.available && (bills_listed || !e.postpaid) {
            items.delist(e.id, now)?;
            summary.deactivated += 1;
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert_eq!(detect_type("Games", "MOBILE LEGENDS 86 Diamonds"), "game");
        assert_eq!(detect_type("Pulsa", "Telkomsel 10.000"), "pulsa");
        assert_eq!(detect_type("Data", "XL 10GB"), "data");
        assert_eq!(detect_type("PLN", "Token PLN 20.000"), "pln");
        assert_eq!(detect_type("E-Money", "DANA 10.000"), "emoney");
        assert_eq!(detect_type("Streaming", "Netflix"), "other");
        assert_eq!(product_name("MOBILE LEGENDS", "Games", "game"), "Mobile Legends");
        assert_eq!(product_name("TELKOMSEL", "Pulsa", "pulsa"), "Telkomsel Pulsa");
        assert_eq!(product_name("DANA", "E-Money", "emoney"), "DANA E-Money");
        assert_eq!(product_name("PLN", "PLN", "pln"), "PLN Token");
        assert_eq!(item_name("MOBILE LEGENDS 86 Diamonds", "MOBILE LEGENDS"), "86 Diamonds");
        assert_eq!(item_name("Token PLN 20.000", "PLN"), "Token PLN 20.000");
        assert_eq!(item_name("XL", "XL"), "XL");
    }
}
