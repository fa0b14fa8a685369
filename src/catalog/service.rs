//! Catalog rules: tier prices, orderability (including the supplier's daily cut-off
//! window in Asia/Jakarta time), slugs, and the checks on admin edits.

use chrono::NaiveTime;

use super::{
    model::{
        default_input_fields, format_placeholders, AdminCategory, AdminItem, AdminProduct, AdminProductList,
        CatalogError, Category, CategoryCreate, CategoryRef, CategoryUpdate, CutOff, InputField, ItemCreate,
        ItemUpdate, ItemView, PriceRange, ProductCreate, ProductDetail, ProductList, ProductSort, ProductSummary,
        ProductUpdate, SortDir, StockStatus, Unavailable,
    },
    repo::{self, CategoryFields, CategoryRow, ItemRow, NewItem, ProductFields, ProductFilter, ProductKey, ProductRow},
};

type Result<T, E = CatalogError> = std::result::Result<T, E>;
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::{Actor, CustomerType},
    error::Invalid,
    web::pagination::PageRequest,
};

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
pub fn check_slug(field: &'static str, slug: &str) -> Result<(), Invalid> {
    let ok = !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Invalid::new(field, "slug may contain lowercase letters, digits and inner dashes only"))
    }
}

/// Input fields must have unique, well-formed names and patterns that compile, and the
/// customer_no format may only name declared fields.
pub fn check_input_fields(fields: &[InputField], format: &str) -> Result<(), Invalid> {
    if fields.len() > 10 {
        return Err(Invalid::new("input_fields", "at most 10 input fields"));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let name_ok = !f.name.is_empty()
            && f.name.len() <= 32
            && f.name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && f.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !name_ok {
            return Err(Invalid::new(
                format!("input_fields[{i}].name"),
                "a field name is lowercase letters, digits and underscores, starting with a letter",
            ));
        }
        if !seen.insert(f.name.as_str()) {
            return Err(Invalid::new(
                format!("input_fields[{i}].name"),
                format!("field {:?} is declared twice", f.name),
            ));
        }
        if f.label.trim().is_empty() {
            return Err(Invalid::new(format!("input_fields[{i}].label"), "label must not be blank"));
        }
        if let Some(p) = &f.pattern {
            if p.len() > 500 || regex::Regex::new(p).is_err() {
                return Err(Invalid::new(
                    format!("input_fields[{i}].pattern"),
                    "pattern is not a valid regular expression",
                ));
            }
        }
        if let Some(opts) = &f.options {
            if opts.is_empty() {
                return Err(Invalid::new(format!("input_fields[{i}].options"), "options must not be empty"));
            }
        }
    }
    let placeholders = format_placeholders(format);
    if !fields.is_empty() && placeholders.is_empty() {
        return Err(Invalid::new("customer_no_format", "the format must use at least one field, e.g. {phone}"));
    }
    for p in placeholders {
        if !seen.contains(p.as_str()) {
            return Err(Invalid::new("customer_no_format", format!("{{{p}}} is not one of the input fields")));
        }
    }
    Ok(())
}

/// Selling prices can never be below the supplier cost.
pub fn check_prices(base: i64, retail: i64, reseller: i64) -> Result<(), Invalid> {
    if retail < base {
        return Err(Invalid::new("retail_price", format!("retail price {retail} is below the supplier price {base}")));
    }
    if reseller < base {
        return Err(Invalid::new(
            "reseller_price",
            format!("reseller price {reseller} is below the supplier price {base}"),
        ));
    }
    Ok(())
}

fn admin_category(c: CategoryRow) -> AdminCategory {
    AdminCategory {
        is_active: c.is_active,
        product_count: c.product_count,
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        category: category_view(c),
    }
}

fn unique_slug(c: &rusqlite::Connection, table: &str, base: &str) -> rusqlite::Result<String> {
    let mut slug = base.to_string();
    let mut n = 2;
    while repo::slug_taken(c, table, &slug, None)? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

fn not_blank(field: &'static str, v: &str) -> Result<(), Invalid> {
    if v.trim().is_empty() {
        Err(Invalid::new(field, format!("{field} must not be blank")))
    } else {
        Ok(())
    }
}

fn jakarta_now(app: &App) -> NaiveTime {
    crate::clock::jakarta_time(app.clock.now())
}

fn load_admin_product(c: &rusqlite::Connection, id: i64, now: NaiveTime) -> Result<AdminProduct> {
    let p =
        repo::find_product(c, ProductKey::Id(id), CustomerType::Retail)?.ok_or(CatalogError::NotFound("product"))?;
    let items = repo::items_of(c, id, false)?.into_iter().map(|i| admin_item(i, now)).collect();
    Ok(admin_product(p, Some(items)))
}

// --- the public catalog -----------------------------------------------------------------

/// Active categories, in display order.
pub async fn categories(app: &App) -> Result<Vec<Category>> {
    let rows = app.db.read(|c| Ok::<_, CatalogError>(repo::list_categories(c, true)?)).await?;
    Ok(rows.into_iter().map(category_view).collect())
}

/// Active products with their price range at the caller's tier.
pub async fn products(
    app: &App,
    filter: ProductFilter,
    tier: CustomerType,
    sort: ProductSort,
    dir: SortDir,
    page: PageRequest,
) -> Result<ProductList> {
    let filter = ProductFilter { public: true, ..filter };
    let (rows, total) = app
        .db
        .read(move |c| Ok::<_, CatalogError>(repo::list_products(c, &filter, tier, sort, dir, page.into())?))
        .await?;
    Ok(ProductList { data: rows.into_iter().map(product_summary).collect(), meta: page.meta(total), tier })
}

/// How a product is asked for.
pub enum ProductRef {
    Id(i64),
    Slug(String),
}

/// One active product (in an active category) with its shown items, each priced for
/// the tier.
pub async fn detail(app: &App, key: ProductRef, tier: CustomerType) -> Result<ProductDetail> {
    let now = jakarta_now(app);
    app.db
        .read(move |c| -> Result<_> {
            let key = match &key {
                ProductRef::Id(id) => ProductKey::Id(*id),
                ProductRef::Slug(s) => ProductKey::Slug(s),
            };
            let p = repo::find_product(c, key, tier)?.ok_or(CatalogError::NotFound("product"))?;
            let category_active = repo::find_category(c, p.category_id)?.is_some_and(|cat| cat.is_active);
            if !p.is_active || !category_active {
                return Err(CatalogError::NotFound("product"));
            }
            let items = repo::items_of(c, p.id, true)?.into_iter().map(|i| item_view(i, tier, now)).collect();
            let customer_no_format = p.customer_no_format.clone();
            Ok(ProductDetail { product: product_summary(p), customer_no_format, items })
        })
        .await
}

/// Whether the catalog has no item yet.
pub async fn is_empty(app: &App) -> Result<bool> {
    app.db.read(|c| Ok(repo::no_items(c)?)).await
}

/// The operator of a mobile number.
pub fn lookup_operator(phone: &str) -> Result<super::model::OperatorLookup, Invalid> {
    let local = crate::text::normalize_phone(phone)
        .ok_or_else(|| Invalid::new("phone", "not an Indonesian mobile number (08..., 628..., +628...)"))?;
    Ok(super::model::OperatorLookup {
        operator: crate::operators::operator_of(&local).map(str::to_string),
        phone: local,
    })
}

/// A PLN meter's owner never changes within a day; Digiflazz limits the checks (rc 86).
const PLN_CACHE: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// `GET /utility/pln?meter=`: who a PLN prepaid meter belongs to, asked of Digiflazz
/// (`inquiry-pln`) at most once a day per meter.
pub async fn pln_customer(app: &App, meter: &str) -> Result<super::model::PlnCustomerView> {
    let meter: String = meter.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if !(11..=12).contains(&meter.len()) || !meter.chars().all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new("meter", "a PLN meter number has 11 digits (or the 12-digit customer ID)").into());
    }
    let view = |c: &crate::digiflazz::model::PlnCustomer| super::model::PlnCustomerView {
        meter_no: c.meter_no.clone(),
        subscriber_id: c.subscriber_id.clone(),
        name: c.name.clone(),
        segment_power: c.segment_power.clone(),
    };
    if let Some((at, c)) = app.caches.pln.lock().expect("pln cache").get(&meter) {
        if at.elapsed() < PLN_CACHE {
            return Ok(view(c));
        }
    }
    use crate::digiflazz::DigiflazzError as E;
    let found = app.digiflazz.inquiry_pln(&meter).await.map_err(|e| match e {
        E::Rejected { rc, message } if rc == "86" => CatalogError::PlnLimited(message),
        E::Rejected { message, .. } => Invalid::new("meter", format!("PLN does not know this meter: {message}")).into(),
        other => CatalogError::SupplierUnavailable(other.to_string()),
    })?;
    let mut cache = app.caches.pln.lock().expect("pln cache");
    cache.retain(|_, (at, _)| at.elapsed() < PLN_CACHE);
    if cache.len() >= 10_000 {
        cache.clear();
    }
    cache.insert(meter, (std::time::Instant::now(), found.clone()));
    Ok(view(&found))
}

/// Checks `customer_data` against the product's input fields and forms the supplier's
/// customer number. Returns (customer_no, the cleaned data).
pub fn customer_no(
    fields: &[InputField],
    format: &str,
    data: &std::collections::HashMap<String, String>,
) -> std::result::Result<(String, std::collections::HashMap<String, String>), Invalid> {
    if let Some(unknown) = data.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
        return Err(Invalid::new(
            format!("customer_data.{unknown}"),
            format!("`{unknown}` is not a field of this product"),
        ));
    }
    let mut clean = std::collections::HashMap::new();
    for f in fields {
        let value = data.get(&f.name).map(|v| v.trim().to_string()).unwrap_or_default();
        let field = format!("customer_data.{}", f.name);
        if value.is_empty() {
            if f.required {
                return Err(Invalid::new(field, format!("{} is required", f.label)));
            }
            continue;
        }
        if value.len() > 100 {
            return Err(Invalid::new(field, format!("{} is too long", f.label)));
        }
        if let Some(p) = &f.pattern {
            // Patterns were checked when the product was saved; one that no longer
            // compiles refuses the value rather than letting anything through.
            if !regex::Regex::new(&format!("^(?:{p})$")).is_ok_and(|re| re.is_match(&value)) {
                return Err(Invalid::new(field, format!("{} is not in the expected format", f.label)));
            }
        }
        if let Some(opts) = &f.options {
            if !opts.iter().any(|o| o == &value) {
                return Err(Invalid::new(field, format!("{} must be one of: {}", f.label, opts.join(", "))));
            }
        }
        clean.insert(f.name.clone(), value);
    }
    let no = if format.is_empty() {
        fields.iter().filter_map(|f| clean.get(&f.name)).cloned().collect::<Vec<_>>().join("")
    } else {
        let mut out = format.to_string();
        for p in format_placeholders(format) {
            out = out.replace(&format!("{{{p}}}"), clean.get(&p).map(String::as_str).unwrap_or(""));
        }
        out
    };
    if no.is_empty() {
        return Err(Invalid::new("customer_data", "the customer number is empty"));
    }
    Ok((no, clean))
}

/// The item with this SKU: its id, its price for `tier`, and the names of the fields
/// its product asks for (H2H orders name items by SKU).
pub async fn product_of_sku(
    app: &App,
    sku: &str,
    tier: CustomerType,
) -> std::result::Result<Option<(i64, i64, Vec<String>)>, crate::db::DbError> {
    let sku = sku.to_string();
    app.db
        .read(move |c| {
            let Some(id) = repo::item_id_by_sku(c, &sku)? else { return Ok(None) };
            Ok(item_with_product(c, id)?
                .map(|(i, p)| (i.id, i.price_for(tier), p.input_fields.iter().map(|f| f.name.clone()).collect())))
        })
        .await
}

/// Every item of the active products at `tier`'s price, whether it can be ordered now.
pub async fn price_list(
    app: &App,
    tier: CustomerType,
    category: Option<String>,
    brand: Option<String>,
) -> std::result::Result<Vec<super::model::PriceListItem>, crate::db::DbError> {
    let now = crate::clock::jakarta_time(app.clock.now());
    let rows = app
        .db
        .read(move |c| Ok::<_, crate::db::DbError>(repo::price_list(c, category.as_deref(), brand.as_deref())?))
        .await?;
    Ok(rows
        .into_iter()
        .map(|(i, product, category, brand, postpaid)| super::model::PriceListItem {
            available: unavailable_reason(&i, now).is_none(),
            price: i.price_for(tier),
            cut_off_start: i.cut_off_start.clone().filter(|_| i.cut_off_end.is_some()),
            cut_off_end: i.cut_off_end.clone().filter(|_| i.cut_off_start.is_some()),
            sku: i.sku,
            name: i.name,
            product,
            category,
            brand,
            postpaid,
        })
        .collect())
}

/// An item with its product, for checkout.
pub fn item_with_product(c: &rusqlite::Connection, item_id: i64) -> rusqlite::Result<Option<(ItemRow, ProductRow)>> {
    let Some(item) = repo::find_item(c, item_id)? else { return Ok(None) };
    Ok(repo::find_product(c, ProductKey::Id(item.product_id), CustomerType::Retail)?.map(|p| (item, p)))
}

// --- the admin's catalog ----------------------------------------------------------------

pub async fn admin_categories(app: &App) -> Result<Vec<AdminCategory>> {
    let rows = app.db.read(|c| Ok::<_, CatalogError>(repo::list_categories(c, false)?)).await?;
    Ok(rows.into_iter().map(admin_category).collect())
}

pub async fn create_category(app: &App, actor: Actor, b: CategoryCreate) -> Result<AdminCategory> {
    if let Some(s) = &b.slug {
        check_slug("slug", s)?;
    }
    not_blank("name", &b.name)?;
    let name = b.name.trim().to_string();
    app.db
        .write(move |tx| -> Result<_> {
            let slug = match &b.slug {
                Some(s) if repo::slug_taken(tx, "product_categories", s, None)? => {
                    return Err(CatalogError::SlugTaken("category"))
                }
                Some(s) => s.clone(),
                None => unique_slug(tx, "product_categories", &slugify(&name))?,
            };
            let fields = CategoryFields {
                name: None,
                slug: None,
                description: Some(b.description.as_deref()),
                icon: Some(b.icon.as_deref()),
                image: Some(b.image.as_deref()),
                is_active: b.is_active,
                sort_order: b.sort_order,
            };
            let id = repo::insert_category(tx, &name, &slug, &fields)?;
            audit::record(tx, &actor, Record::new(Action::CategoryCreate, Subject::Category(id), name.as_str()))?;
            Ok(admin_category(repo::find_category(tx, id)?.ok_or(CatalogError::NotFound("category"))?))
        })
        .await
}

/// Only the fields sent change; `null` removes an optional one.
pub async fn update_category(app: &App, actor: Actor, id: i64, b: CategoryUpdate) -> Result<AdminCategory> {
    if let Some(s) = &b.slug {
        check_slug("slug", s)?;
    }
    if let Some(n) = &b.name {
        not_blank("name", n)?;
    }
    app.db
        .write(move |tx| -> Result<_> {
            if let Some(s) = &b.slug {
                if repo::slug_taken(tx, "product_categories", s, Some(id))? {
                    return Err(CatalogError::SlugTaken("category"));
                }
            }
            let fields = CategoryFields {
                name: b.name.as_deref().map(str::trim),
                slug: b.slug.as_deref(),
                description: b.description.as_opt_deref(),
                icon: b.icon.as_opt_deref(),
                image: b.image.as_opt_deref(),
                is_active: b.is_active,
                sort_order: b.sort_order,
            };
            if repo::update_category(tx, id, &fields)? == 0 {
                return Err(CatalogError::NotFound("category"));
            }
            audit::record(tx, &actor, Record::new(Action::CategoryUpdate, Subject::Category(id), "category updated"))?;
            Ok(admin_category(repo::find_category(tx, id)?.ok_or(CatalogError::NotFound("category"))?))
        })
        .await
}

/// It and its products leave the public catalog; nothing is deleted.
pub async fn deactivate_category(app: &App, actor: Actor, id: i64) -> Result<AdminCategory> {
    app.db
        .write(move |tx| -> Result<_> {
            let fields = CategoryFields { is_active: Some(false), ..CategoryFields::default() };
            if repo::update_category(tx, id, &fields)? == 0 {
                return Err(CatalogError::NotFound("category"));
            }
            let rec = Record::new(Action::CategoryDeactivate, Subject::Category(id), "category deactivated");
            audit::record(tx, &actor, rec)?;
            Ok(admin_category(repo::find_category(tx, id)?.ok_or(CatalogError::NotFound("category"))?))
        })
        .await
}

/// Every product, with supplier costs.
pub async fn admin_products(app: &App, filter: ProductFilter, page: PageRequest) -> Result<AdminProductList> {
    let (rows, total) = app
        .db
        .read(move |c| {
            let slice = page.into();
            Ok::<_, CatalogError>(repo::list_products(
                c,
                &filter,
                CustomerType::Retail,
                ProductSort::SortOrder,
                SortDir::Asc,
                slice,
            )?)
        })
        .await?;
    Ok(AdminProductList { data: rows.into_iter().map(|p| admin_product(p, None)).collect(), meta: page.meta(total) })
}

pub async fn admin_product_by_id(app: &App, id: i64) -> Result<AdminProduct> {
    let now = jakarta_now(app);
    app.db.read(move |c| load_admin_product(c, id, now)).await
}

/// A product; its input fields default by type when absent.
pub async fn create_product(app: &App, actor: Actor, b: ProductCreate) -> Result<AdminProduct> {
    let kind = b.kind.trim().to_lowercase();
    let (def_fields, def_format) = default_input_fields(&kind);
    let fields = b.input_fields.clone().unwrap_or(def_fields);
    let format = b.customer_no_format.clone().unwrap_or(def_format);
    check_input_fields(&fields, &format)?;
    if let Some(s) = &b.slug {
        check_slug("slug", s)?;
    }
    not_blank("name", &b.name)?;
    let name = b.name.trim().to_string();
    let fields_json = serde_json::to_string(&fields).unwrap_or_else(|_| "[]".into());
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            if repo::find_category(tx, b.category_id)?.is_none() {
                return Err(Invalid::new("category_id", "no such category").into());
            }
            let slug = match &b.slug {
                Some(s) if repo::slug_taken(tx, "products", s, None)? => {
                    return Err(CatalogError::SlugTaken("product"))
                }
                Some(s) => s.clone(),
                None => unique_slug(tx, "products", &slugify(&name))?,
            };
            let f = ProductFields {
                category_id: Some(b.category_id),
                name: Some(&name),
                slug: Some(&slug),
                brand: Some(b.brand.trim()),
                publisher: Some(b.publisher.as_deref()),
                provider: Some(Some("manual")),
                kind: Some(&kind),
                payment_type: b.payment_type,
                input_fields: Some(fields_json),
                customer_no_format: Some(&format),
                description: Some(b.description.as_deref()),
                image: Some(b.image.as_deref()),
                icon: Some(b.icon.as_deref()),
                is_active: b.is_active,
                is_featured: b.is_featured,
                sort_order: b.sort_order,
            };
            let id = repo::insert_product(tx, &f)?;
            audit::record(tx, &actor, Record::new(Action::ProductCreate, Subject::Product(id), name.as_str()))?;
            load_admin_product(tx, id, now)
        })
        .await
}

/// Only the fields sent change; `null` removes an optional one.
pub async fn update_product(app: &App, actor: Actor, id: i64, b: ProductUpdate) -> Result<AdminProduct> {
    if let Some(s) = &b.slug {
        check_slug("slug", s)?;
    }
    if let Some(n) = &b.name {
        not_blank("name", n)?;
    }
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            let current = repo::find_product(tx, ProductKey::Id(id), CustomerType::Retail)?
                .ok_or(CatalogError::NotFound("product"))?;
            if b.input_fields.is_some() || b.customer_no_format.is_some() {
                let fields = b.input_fields.clone().unwrap_or(current.input_fields.clone());
                let format = b.customer_no_format.clone().unwrap_or(current.customer_no_format.clone());
                check_input_fields(&fields, &format)?;
            }
            if let Some(cid) = b.category_id {
                if repo::find_category(tx, cid)?.is_none() {
                    return Err(Invalid::new("category_id", "no such category").into());
                }
            }
            if let Some(s) = &b.slug {
                if repo::slug_taken(tx, "products", s, Some(id))? {
                    return Err(CatalogError::SlugTaken("product"));
                }
            }
            let kind = b.kind.as_ref().map(|k| k.trim().to_lowercase());
            let f = ProductFields {
                category_id: b.category_id,
                name: b.name.as_deref().map(str::trim),
                slug: b.slug.as_deref(),
                brand: b.brand.as_deref().map(str::trim),
                publisher: b.publisher.as_opt_deref(),
                provider: None,
                kind: kind.as_deref(),
                payment_type: b.payment_type,
                input_fields: b.input_fields.as_ref().map(|f| serde_json::to_string(f).unwrap_or_else(|_| "[]".into())),
                customer_no_format: b.customer_no_format.as_deref(),
                description: b.description.as_opt_deref(),
                image: b.image.as_opt_deref(),
                icon: b.icon.as_opt_deref(),
                is_active: b.is_active,
                is_featured: b.is_featured,
                sort_order: b.sort_order,
            };
            repo::update_product(tx, id, &f)?;
            audit::record(tx, &actor, Record::new(Action::ProductUpdate, Subject::Product(id), "product updated"))?;
            load_admin_product(tx, id, now)
        })
        .await
}

/// It leaves the public catalog; its orders and items stay.
pub async fn deactivate_product(app: &App, actor: Actor, id: i64) -> Result<AdminProduct> {
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            let f = ProductFields { is_active: Some(false), ..ProductFields::default() };
            if repo::update_product(tx, id, &f)? == 0 {
                return Err(CatalogError::NotFound("product"));
            }
            let rec = Record::new(Action::ProductDeactivate, Subject::Product(id), "product deactivated");
            audit::record(tx, &actor, rec)?;
            load_admin_product(tx, id, now)
        })
        .await
}

/// Adds an item (a supplier SKU) to a product; its prices are fixed prices syncs keep.
pub async fn create_item(app: &App, actor: Actor, product_id: i64, b: ItemCreate) -> Result<AdminItem> {
    check_prices(b.base_price, b.retail_price, b.reseller_price)?;
    not_blank("sku", &b.sku)?;
    not_blank("name", &b.name)?;
    let (sku, name) = (b.sku.trim().to_string(), b.name.trim().to_string());
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            if repo::find_product(tx, ProductKey::Id(product_id), CustomerType::Retail)?.is_none() {
                return Err(CatalogError::NotFound("product"));
            }
            if repo::sku_taken(tx, &sku)? {
                return Err(CatalogError::SkuTaken);
            }
            let id = repo::insert_item(
                tx,
                &NewItem {
                    product_id,
                    sku: &sku,
                    name: &name,
                    group: b.group.as_deref(),
                    description: b.description.as_deref(),
                    base_price: b.base_price,
                    retail_price: b.retail_price,
                    reseller_price: b.reseller_price,
                    // Hand-set prices are overrides that product sync keeps.
                    retail_override: Some(b.retail_price),
                    reseller_override: Some(b.reseller_price),
                    admin_fee: b.admin_fee.unwrap_or(0),
                    stock_status: b.stock_status.unwrap_or(StockStatus::Available),
                    is_active: b.is_active.unwrap_or(true),
                    sort_order: b.sort_order.unwrap_or(0),
                },
            )?;
            audit::record(tx, &actor, Record::new(Action::ItemCreate, Subject::Item(id), sku.as_str()))?;
            Ok(admin_item(repo::find_item(tx, id)?.ok_or(CatalogError::NotFound("item"))?, now))
        })
        .await
}

pub async fn admin_item_by_id(app: &App, id: i64) -> Result<AdminItem> {
    let now = jakarta_now(app);
    app.db.read(move |c| Ok(admin_item(repo::find_item(c, id)?.ok_or(CatalogError::NotFound("item"))?, now))).await
}

/// Prices set here become fixed prices that product sync keeps.
pub async fn update_item(app: &App, actor: Actor, id: i64, b: ItemUpdate) -> Result<AdminItem> {
    if let Some(n) = &b.name {
        not_blank("name", n)?;
    }
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            let mut item = repo::find_item(tx, id)?.ok_or(CatalogError::NotFound("item"))?;
            if let Some(n) = &b.name {
                item.name = n.trim().to_string();
            }
            b.group.update_to(&mut item.group);
            b.description.update_to(&mut item.description);
            item.base_price = b.base_price.unwrap_or(item.base_price);
            if let Some(p) = b.retail_price {
                (item.retail_price, item.retail_price_override) = (p, Some(p));
            }
            if let Some(p) = b.reseller_price {
                (item.reseller_price, item.reseller_price_override) = (p, Some(p));
            }
            item.admin_fee = b.admin_fee.unwrap_or(item.admin_fee);
            item.stock_status = b.stock_status.unwrap_or(item.stock_status);
            item.is_active = b.is_active.unwrap_or(item.is_active);
            item.sort_order = b.sort_order.unwrap_or(item.sort_order);
            check_prices(item.base_price, item.retail_price, item.reseller_price)?;
            repo::save_item(tx, &item)?;
            audit::record(tx, &actor, Record::new(Action::ItemUpdate, Subject::Item(id), "item updated"))?;
            Ok(admin_item(repo::find_item(tx, id)?.ok_or(CatalogError::NotFound("item"))?, now))
        })
        .await
}

/// No longer orderable; past orders keep it.
pub async fn deactivate_item(app: &App, actor: Actor, id: i64) -> Result<AdminItem> {
    let now = jakarta_now(app);
    app.db
        .write(move |tx| -> Result<_> {
            let mut item = repo::find_item(tx, id)?.ok_or(CatalogError::NotFound("item"))?;
            item.is_active = false;
            repo::save_item(tx, &item)?;
            audit::record(tx, &actor, Record::new(Action::ItemDeactivate, Subject::Item(id), "item deactivated"))?;
            Ok(admin_item(repo::find_item(tx, id)?.ok_or(CatalogError::NotFound("item"))?, now))
        })
        .await
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
        assert_eq!(check_prices(1000, 999, 1500).unwrap_err().field, "retail_price");
        assert_eq!(check_prices(1000, 1500, 999).unwrap_err().field, "reseller_price");
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

/// The catalog's version: it changes with every committed change to what the public
/// catalog shows (kept by the database's triggers; no query is made here).
pub fn version(app: &App) -> u64 {
    app.db.catalog_version()
}
