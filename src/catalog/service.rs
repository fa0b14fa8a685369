//! Catalog rules: tier prices, orderability (including the supplier's daily cut-off
//! window in Asia/Jakarta time), slugs, and the checks on admin edits.

use chrono::NaiveTime;

use super::{
    model::{
        format_placeholders, AdminItem, AdminProduct, Category, CategoryRef, CutOff, InputField, ItemView, PriceRange,
        ProductSummary, StockStatus, Unavailable,
    },
    repo::{CategoryRow, ItemRow, ProductRow},
};
use crate::{accounts::model::CustomerType, error::ApiError};

/// Parses Digiflazz's "hh:mm" ("0:0" and "23:45" both occur).
pub fn parse_hhmm(s: &str) -> Option<NaiveTime> {
    let (h, m) = s.trim().split_once(':')?;
    NaiveTime::from_hms_opt(h.trim().parse().ok()?, m.trim().parse().ok()?, 0)
}

/// Whether `now` (Jakarta wall-clock) is inside the window `start..end`. Windows may
/// cross midnight (23:45..00:15). An empty window (start == end) means no cut-off.
pub fn in_cut_off(start: &str, end: &str, now: NaiveTime) -> bool {
    let (Some(s), Some(e)) = (parse_hhmm(start), parse_hhmm(end)) else {
        return false;
    };
    if s == e {
        return false;
    }
    if s < e {
        now >= s && now < e
    } else {
        now >= s || now < e
    }
}

fn cut_off_of(item: &ItemRow) -> Option<CutOff> {
    match (&item.cut_off_start, &item.cut_off_end) {
        (Some(s), Some(e)) if parse_hhmm(s).is_some() && parse_hhmm(s) != parse_hhmm(e) => {
            Some(CutOff { start: s.clone(), end: e.clone() })
        }
        _ => None,
    }
}

/// Why an item cannot be ordered now, or None when it can.
pub fn unavailable_reason(item: &ItemRow, now: NaiveTime) -> Option<Unavailable> {
    if !item.is_active {
        Some(Unavailable::Inactive)
    } else if !item.supplier_available {
        Some(Unavailable::SupplierUnavailable)
    } else if item.stock_status != StockStatus::Available {
        Some(Unavailable::OutOfStock)
    } else if let (Some(s), Some(e)) = (&item.cut_off_start, &item.cut_off_end) {
        in_cut_off(s, e, now).then_some(Unavailable::CutOff)
    } else {
        None
    }
}

pub fn category_view(c: CategoryRow) -> Category {
    Category {
        id: c.id,
        name: c.name,
        slug: c.slug,
        description: c.description,
        icon: c.icon,
        image: c.image,
        sort_order: c.sort_order,
    }
}

pub fn product_summary(p: ProductRow) -> ProductSummary {
    ProductSummary {
        id: p.id,
        name: p.name,
        slug: p.slug,
        brand: p.brand,
        publisher: p.publisher,
        kind: p.kind,
        payment_type: p.payment_type,
        description: p.description,
        image: p.image,
        icon: p.icon,
        is_featured: p.is_featured,
        sort_order: p.sort_order,
        category: CategoryRef { id: p.category_id, name: p.category_name, slug: p.category_slug },
        input_fields: p.input_fields,
        price_range: p.price_range.map(|(min, max)| PriceRange { min, max }),
    }
}

/// A customer's view: one price (the caller's tier), never the supplier cost.
pub fn item_view(item: ItemRow, tier: CustomerType, now: NaiveTime) -> ItemView {
    let reason = unavailable_reason(&item, now);
    ItemView {
        id: item.id,
        price: item.price_for(tier),
        cut_off: cut_off_of(&item),
        sku: item.sku,
        name: item.name,
        group: item.group,
        description: item.description,
        is_orderable: reason.is_none(),
        unavailable_reason: reason,
    }
}

pub fn admin_item(item: ItemRow, now: NaiveTime) -> AdminItem {
    let reason = unavailable_reason(&item, now);
    AdminItem {
        cut_off: cut_off_of(&item),
        id: item.id,
        product_id: item.product_id,
        sku: item.sku,
        name: item.name,
        group: item.group,
        description: item.description,
        base_price: item.base_price,
        retail_price: item.retail_price,
        reseller_price: item.reseller_price,
        retail_profit: item.retail_profit,
        reseller_profit: item.reseller_profit,
        retail_price_override: item.retail_price_override,
        reseller_price_override: item.reseller_price_override,
        admin_fee: item.admin_fee,
        stock_status: item.stock_status,
        is_active: item.is_active,
        supplier_available: item.supplier_available,
        is_orderable: reason.is_none(),
        unavailable_reason: reason,
        total_sold: item.total_sold,
        sort_order: item.sort_order,
        last_synced_at: item.last_synced_at,
        created_at: item.created_at,
        updated_at: item.updated_at,
    }
}

pub fn admin_product(p: ProductRow, items: Option<Vec<AdminItem>>) -> AdminProduct {
    AdminProduct {
        id: p.id,
        category: CategoryRef { id: p.category_id, name: p.category_name, slug: p.category_slug },
        name: p.name,
        slug: p.slug,
        brand: p.brand,
        publisher: p.publisher,
        provider: p.provider,
        kind: p.kind,
        payment_type: p.payment_type,
        input_fields: p.input_fields,
        customer_no_format: p.customer_no_format,
        description: p.description,
        image: p.image,
        icon: p.icon,
        is_active: p.is_active,
        is_featured: p.is_featured,
        sort_order: p.sort_order,
        item_count: p.item_count,
        created_at: p.created_at,
        updated_at: p.updated_at,
        items,
    }
}

/// "Mobile Legends: Bang Bang" -> "mobile-legends-bang-bang".
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for ch in s.trim().to_lowercase().chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        "item".into()
    } else {
        out.chars().take(200).collect()
    }
}

/// A slug given by an admin must already be in slug form.
pub fn check_slug(field: &str, slug: &str) -> Result<(), ApiError> {
    let ok = !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(field, "slug may contain lowercase letters, digits and inner dashes only"))
    }
}

/// Input fields must have unique, well-formed names and patterns that compile, and the
/// customer_no format may only name declared fields.
pub fn check_input_fields(fields: &[InputField], format: &str) -> Result<(), ApiError> {
    if fields.len() > 10 {
        return Err(ApiError::validation("input_fields", "at most 10 input fields"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let name_ok = !f.name.is_empty()
            && f.name.len() <= 32
            && f.name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && f.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            return Err(ApiError::validation(
                format!("input_fields[{i}].name"),
                "a field name is lowercase letters, digits and underscores, starting with a letter",
            ));
        }
        if !seen.insert(f.name.as_str()) {
            return Err(ApiError::validation(
                format!("input_fields[{i}].name"),
                format!("field {:?} is declared twice", f.name),
            ));
        }
        if f.label.trim().is_empty() {
            return Err(ApiError::validation(format!("input_fields[{i}].label"), "label must not be blank"));
        }
        if let Some(p) = &f.pattern {
            if p.len() > 500 || regex::Regex::new(p).is_err() {
                return Err(ApiError::validation(
                    format!("input_fields[{i}].pattern"),
                    "pattern is not a valid regular expression",
                ));
            }
        }
        if let Some(opts) = &f.options {
            if opts.is_empty() {
                return Err(ApiError::validation(format!("input_fields[{i}].options"), "options must not be empty"));
            }
        }
    }
    let placeholders = format_placeholders(format);
    if !fields.is_empty() && placeholders.is_empty() {
        return Err(ApiError::validation("customer_no_format", "the format must use at least one field, e.g. {phone}"));
    }
    for p in placeholders {
        if !seen.contains(p.as_str()) {
            return Err(ApiError::validation("customer_no_format", format!("{{{p}}} is not one of the input fields")));
        }
    }
    Ok(())
}

/// Selling prices can never be below the supplier cost.
pub fn check_prices(base: i64, retail: i64, reseller: i64) -> Result<(), ApiError> {
    if retail < base {
        return Err(ApiError::validation(
            "retail_price",
            format!("retail price {retail} is below the supplier price {base}"),
        ));
    }
    if reseller < base {
        return Err(ApiError::validation(
            "reseller_price",
            format!("reseller price {reseller} is below the supplier price {base}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn cut_off_windows() {
        // (start, end, now, inside?)
        let cases = [
            ("23:45", "00:15", t(23, 50), true),
            ("23:45", "00:15", t(0, 10), true),
            ("23:45", "00:15", t(0, 15), false),
            ("23:45", "00:15", t(12, 0), false),
            ("01:00", "02:00", t(1, 30), true),
            ("01:00", "02:00", t(2, 0), false),
            ("0:0", "0:0", t(0, 0), false),
            ("", "", t(0, 0), false),
            ("garbage", "02:00", t(1, 0), false),
        ];
        for (s, e, now, inside) in cases {
            assert_eq!(in_cut_off(s, e, now), inside, "{s}..{e} at {now}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Mobile Legends: Bang Bang"), "mobile-legends-bang-bang");
        assert_eq!(slugify("  PLN  Token!! "), "pln-token");
        assert_eq!(slugify("???"), "item");
        assert!(check_slug("slug", "ok-slug-1").is_ok());
        assert!(check_slug("slug", "Bad Slug").is_err());
    }

    #[test]
    fn prices_below_cost_are_refused() {
        assert!(check_prices(1000, 1000, 1000).is_ok());
        assert_eq!(check_prices(1000, 999, 1500).unwrap_err().field.as_deref(), Some("retail_price"));
        assert_eq!(check_prices(1000, 1500, 999).unwrap_err().field.as_deref(), Some("reseller_price"));
    }

    #[test]
    fn input_field_checks() {
        let (fields, fmt) = super::super::model::default_input_fields("game");
        assert!(check_input_fields(&fields, &fmt).is_ok());
        assert!(check_input_fields(&fields, "{server}").is_err());
        let mut bad = fields.clone();
        bad[0].pattern = Some("([".into());
        assert!(check_input_fields(&bad, &fmt).is_err());
        let mut dup = fields.clone();
        dup[1].name = "user_id".into();
        assert!(check_input_fields(&dup, "{user_id}").is_err());
    }
}
