//! HTTP surface of the catalog: public browsing priced for the caller, and the admin's
//! category, product and item routes.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{
        default_input_fields, AdminCategory, AdminItem, AdminProduct, AdminProductList, Category, CategoryCreate,
        CategoryUpdate, ItemCreate, ItemUpdate, ProductCreate, ProductDetail, ProductList, ProductSort, ProductUpdate,
        SortDir, StockStatus,
    },
    repo::{self, CategoryFields, ProductFields, ProductFilter, ProductKey},
    service::{self, admin_item, admin_product},
};
use crate::{
    accounts::{model::CustomerType, repo::log_activity},
    app::App,
    error::{ApiError, ApiResult},
    auth::api::{AdminAuth, MaybeAuth}, web::pagination::PageRequest, web::ClientIp,
    openapi_tags::ApiTags,
};

fn ip_of(req: &Request) -> Option<String> {
    req.data::<ClientIp>().map(|c| c.0.clone())
}

pub struct CatalogApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl CatalogApi {
    /// Active categories, in display order.
    #[oai(path = "/categories", method = "get", operation_id = "listCategories")]
    async fn categories(&self, app: Data<&App>) -> ApiResult<Json<Vec<Category>>> {
        let rows = app.db.run(|c| -> ApiResult<_> { Ok(repo::list_categories(c, true)?) }).await?;
        Ok(Json(rows.into_iter().map(service::category_view).collect()))
    }

    /// Active products with their price range at the caller's tier.
    ///
    /// Only these filters exist; page size is capped at 100.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/products", method = "get", operation_id = "listProducts")]
    async fn products(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        /// Category slug.
        category: Query<Option<String>>,
        brand: Query<Option<String>>,
        /// Product type: game, pulsa, data, emoney, pln, ...
        #[oai(name = "type")]
        kind: Query<Option<String>>,
        featured: Query<Option<bool>>,
        /// Matches product, brand, category and item names and SKUs.
        search: Query<Option<String>>,
        sort: Query<Option<ProductSort>>,
        order: Query<Option<SortDir>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<ProductList>> {
        let tier = tier_of(auth, req)?;
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = ProductFilter {
            category_slug: category.0,
            brand: brand.0,
            kind: kind.0,
            featured: featured.0,
            search: search.0.map(|s| s.chars().take(100).collect()),
            public: true,
            ..Default::default()
        };
        let sort = sort.0.unwrap_or(ProductSort::SortOrder);
        let dir = order.0.unwrap_or(SortDir::Asc);
        let (rows, total) = app
            .db
            .run(move |c| -> ApiResult<_> {
                Ok(repo::list_products(c, &filter, tier, sort, dir, pr.limit(), pr.offset())?)
            })
            .await?;
        Ok(Json(ProductList {
            data: rows.into_iter().map(service::product_summary).collect(),
            meta: pr.meta(total),
            tier,
        }))
    }

    /// One active product with its orderable items, each priced for the caller.
    #[oai(path = "/products/:id", method = "get", operation_id = "getProduct")]
    async fn product(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<ProductDetail>> {
        let tier = tier_of(auth, req)?;
        detail(&app, ProductKeyOwned::Id(id.0), tier).await.map(Json)
    }

    /// One active product by slug.
    #[oai(path = "/products/slug/:slug", method = "get", operation_id = "getProductBySlug")]
    async fn product_by_slug(
        &self,
        app: Data<&App>,
        req: &Request,
        auth: MaybeAuth,
        slug: Path<String>,
    ) -> ApiResult<Json<ProductDetail>> {
        let tier = tier_of(auth, req)?;
        detail(&app, ProductKeyOwned::Slug(slug.0), tier).await.map(Json)
    }
}

fn tier_of(auth: MaybeAuth, req: &Request) -> ApiResult<CustomerType> {
    Ok(auth.user(req)?.map(|u| u.customer_type).unwrap_or(CustomerType::Retail))
}

enum ProductKeyOwned {
    Id(i64),
    Slug(String),
}

async fn detail(app: &App, key: ProductKeyOwned, tier: CustomerType) -> ApiResult<ProductDetail> {
    let now = crate::clock::jakarta_time(app.clock.now());
    app.db
        .run(move |c| -> ApiResult<_> {
            let key = match &key {
                ProductKeyOwned::Id(id) => ProductKey::Id(*id),
                ProductKeyOwned::Slug(s) => ProductKey::Slug(s),
            };
            let p = repo::find_product(c, key, tier)?.ok_or_else(|| ApiError::not_found("product"))?;
            let category_active = repo::find_category(c, p.category_id)?.is_some_and(|cat| cat.is_active);
            if !p.is_active || !category_active {
                return Err(ApiError::not_found("product"));
            }
            let items = repo::items_of(c, p.id, true)?.into_iter().map(|i| service::item_view(i, tier, now)).collect();
            let customer_no_format = p.customer_no_format.clone();
            Ok(ProductDetail { product: service::product_summary(p), customer_no_format, items })
        })
        .await
}

#[derive(ApiResponse)]
pub enum CategoryCreated {
    #[oai(status = 201)]
    Created(Json<AdminCategory>),
}

#[derive(ApiResponse)]
pub enum ProductCreated {
    #[oai(status = 201)]
    Created(Json<AdminProduct>),
}

#[derive(ApiResponse)]
pub enum ItemCreated {
    #[oai(status = 201)]
    Created(Json<AdminItem>),
}

fn admin_category(c: repo::CategoryRow) -> AdminCategory {
    AdminCategory {
        is_active: c.is_active,
        product_count: c.product_count,
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        category: service::category_view(c),
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

fn load_admin_product(c: &rusqlite::Connection, id: i64, now: chrono::NaiveTime) -> ApiResult<AdminProduct> {
    let p = repo::find_product(c, ProductKey::Id(id), CustomerType::Retail)?
        .ok_or_else(|| ApiError::not_found("product"))?;
    let items = repo::items_of(c, id, false)?.into_iter().map(|i| admin_item(i, now)).collect();
    Ok(admin_product(p, Some(items)))
}

pub struct AdminCatalogApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminCatalog")]
impl AdminCatalogApi {
    /// All categories, inactive ones included.
    #[oai(path = "/categories", method = "get", operation_id = "adminListCategories")]
    async fn list_categories(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<AdminCategory>>> {
        let rows = app.db.run(|c| -> ApiResult<_> { Ok(repo::list_categories(c, false)?) }).await?;
        Ok(Json(rows.into_iter().map(admin_category).collect()))
    }

    /// Create a category.
    #[oai(path = "/categories", method = "post", operation_id = "adminCreateCategory")]
    async fn create_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<CategoryCreate>,
    ) -> ApiResult<CategoryCreated> {
        let b = body.0;
        if let Some(s) = &b.slug {
            service::check_slug("slug", s)?;
        }
        let name = b.name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let (admin, ip) = (auth.0.id, ip_of(req));
        let row = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let slug = match &b.slug {
                    Some(s) if repo::slug_taken(tx, "product_categories", s, None)? => {
                        return Err(
                            ApiError::conflict("slug_taken", "another category has this slug").with_field("slug")
                        )
                    }
                    Some(s) => s.clone(),
                    None => unique_slug(tx, "product_categories", &service::slugify(&name))?,
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
                log_activity(
                    tx,
                    Some(admin),
                    "category.create",
                    Some("product_category"),
                    Some(id),
                    &name,
                    ip.as_deref(),
                    None,
                )?;
                Ok(repo::find_category(tx, id)?.ok_or_else(|| ApiError::internal("category vanished"))?)
            })
            .await?;
        Ok(CategoryCreated::Created(Json(admin_category(row))))
    }

    /// Change a category (only the fields sent).
    #[oai(path = "/categories/:id", method = "patch", operation_id = "adminUpdateCategory")]
    async fn update_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<CategoryUpdate>,
    ) -> ApiResult<Json<AdminCategory>> {
        let (id, b) = (id.0, body.0);
        if let Some(s) = &b.slug {
            service::check_slug("slug", s)?;
        }
        if b.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let (admin, ip) = (auth.0.id, ip_of(req));
        let row = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if let Some(s) = &b.slug {
                    if repo::slug_taken(tx, "product_categories", s, Some(id))? {
                        return Err(
                            ApiError::conflict("slug_taken", "another category has this slug").with_field("slug")
                        );
                    }
                }
                let name = b.name.as_deref().map(str::trim);
                let fields = CategoryFields {
                    name,
                    slug: b.slug.as_deref(),
                    description: b.description.as_deref().map(Some),
                    icon: b.icon.as_deref().map(Some),
                    image: b.image.as_deref().map(Some),
                    is_active: b.is_active,
                    sort_order: b.sort_order,
                };
                if repo::update_category(tx, id, &fields)? == 0 {
                    return Err(ApiError::not_found("category"));
                }
                log_activity(
                    tx,
                    Some(admin),
                    "category.update",
                    Some("product_category"),
                    Some(id),
                    "category updated",
                    ip.as_deref(),
                    None,
                )?;
                Ok(repo::find_category(tx, id)?.ok_or_else(|| ApiError::not_found("category"))?)
            })
            .await?;
        Ok(Json(admin_category(row)))
    }

    /// Deactivate a category: it and its products leave the public catalog; nothing is deleted.
    #[oai(path = "/categories/:id", method = "delete", operation_id = "adminDeleteCategory")]
    async fn deactivate_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<Json<AdminCategory>> {
        let id = id.0;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let row = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let fields = CategoryFields {
                    name: None,
                    slug: None,
                    description: None,
                    icon: None,
                    image: None,
                    is_active: Some(false),
                    sort_order: None,
                };
                if repo::update_category(tx, id, &fields)? == 0 {
                    return Err(ApiError::not_found("category"));
                }
                log_activity(
                    tx,
                    Some(admin),
                    "category.deactivate",
                    Some("product_category"),
                    Some(id),
                    "category deactivated",
                    ip.as_deref(),
                    None,
                )?;
                Ok(repo::find_category(tx, id)?.ok_or_else(|| ApiError::not_found("category"))?)
            })
            .await?;
        Ok(Json(admin_category(row)))
    }

    /// All products, with supplier costs (admin only).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/products", method = "get", operation_id = "adminListProducts")]
    async fn list_products(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        category_id: Query<Option<i64>>,
        brand: Query<Option<String>>,
        #[oai(name = "type")] kind: Query<Option<String>>,
        is_active: Query<Option<bool>>,
        /// Only products with (true) or without (false) an orderable item.
        orderable: Query<Option<bool>>,
        search: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminProductList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = ProductFilter {
            category_id: category_id.0,
            brand: brand.0,
            kind: kind.0,
            is_active: is_active.0,
            orderable: orderable.0,
            search: search.0,
            ..Default::default()
        };
        let (rows, total) = app
            .db
            .run(move |c| -> ApiResult<_> {
                Ok(repo::list_products(
                    c,
                    &filter,
                    CustomerType::Retail,
                    ProductSort::SortOrder,
                    SortDir::Asc,
                    pr.limit(),
                    pr.offset(),
                )?)
            })
            .await?;
        Ok(Json(AdminProductList {
            data: rows.into_iter().map(|p| admin_product(p, None)).collect(),
            meta: pr.meta(total),
        }))
    }

    /// One product with all its items and their prices.
    #[oai(path = "/products/:id", method = "get", operation_id = "adminGetProduct")]
    async fn get_product(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminProduct>> {
        let id = id.0;
        let now = crate::clock::jakarta_time(app.clock.now());
        Ok(Json(app.db.run(move |c| load_admin_product(c, id, now)).await?))
    }

    /// Create a product. Input fields default by type when absent.
    #[oai(path = "/products", method = "post", operation_id = "adminCreateProduct")]
    async fn create_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<ProductCreate>,
    ) -> ApiResult<ProductCreated> {
        let b = body.0;
        let kind = b.kind.trim().to_lowercase();
        let (def_fields, def_format) = default_input_fields(&kind);
        let fields = b.input_fields.clone().unwrap_or(def_fields);
        let format = b.customer_no_format.clone().unwrap_or(def_format);
        service::check_input_fields(&fields, &format)?;
        if let Some(s) = &b.slug {
            service::check_slug("slug", s)?;
        }
        let name = b.name.trim().to_string();
        if name.is_empty() {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let fields_json = serde_json::to_string(&fields).map_err(ApiError::internal)?;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let now = crate::clock::jakarta_time(app.clock.now());
        let product = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if repo::find_category(tx, b.category_id)?.is_none() {
                    return Err(ApiError::validation("category_id", "no such category"));
                }
                let slug = match &b.slug {
                    Some(s) if repo::slug_taken(tx, "products", s, None)? => {
                        return Err(ApiError::conflict("slug_taken", "another product has this slug").with_field("slug"))
                    }
                    Some(s) => s.clone(),
                    None => unique_slug(tx, "products", &service::slugify(&name))?,
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
                log_activity(tx, Some(admin), "product.create", Some("product"), Some(id), &name, ip.as_deref(), None)?;
                load_admin_product(tx, id, now)
            })
            .await?;
        Ok(ProductCreated::Created(Json(product)))
    }

    /// Change a product (only the fields sent).
    #[oai(path = "/products/:id", method = "patch", operation_id = "adminUpdateProduct")]
    async fn update_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<ProductUpdate>,
    ) -> ApiResult<Json<AdminProduct>> {
        let (id, b) = (id.0, body.0);
        if let Some(s) = &b.slug {
            service::check_slug("slug", s)?;
        }
        if b.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let (admin, ip) = (auth.0.id, ip_of(req));
        let now = crate::clock::jakarta_time(app.clock.now());
        let product = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let current = repo::find_product(tx, ProductKey::Id(id), CustomerType::Retail)?
                    .ok_or_else(|| ApiError::not_found("product"))?;
                let fields = b.input_fields.clone().unwrap_or(current.input_fields.clone());
                let format = b.customer_no_format.clone().unwrap_or(current.customer_no_format.clone());
                if b.input_fields.is_some() || b.customer_no_format.is_some() {
                    service::check_input_fields(&fields, &format)?;
                }
                if let Some(cid) = b.category_id {
                    if repo::find_category(tx, cid)?.is_none() {
                        return Err(ApiError::validation("category_id", "no such category"));
                    }
                }
                if let Some(s) = &b.slug {
                    if repo::slug_taken(tx, "products", s, Some(id))? {
                        return Err(
                            ApiError::conflict("slug_taken", "another product has this slug").with_field("slug")
                        );
                    }
                }
                let kind = b.kind.as_ref().map(|k| k.trim().to_lowercase());
                let f = ProductFields {
                    category_id: b.category_id,
                    name: b.name.as_deref().map(str::trim),
                    slug: b.slug.as_deref(),
                    brand: b.brand.as_deref().map(str::trim),
                    publisher: b.publisher.as_deref().map(Some),
                    provider: None,
                    kind: kind.as_deref(),
                    payment_type: b.payment_type,
                    input_fields: b
                        .input_fields
                        .as_ref()
                        .map(|f| serde_json::to_string(f).unwrap_or_else(|_| "[]".into())),
                    customer_no_format: b.customer_no_format.as_deref(),
                    description: b.description.as_deref().map(Some),
                    image: b.image.as_deref().map(Some),
                    icon: b.icon.as_deref().map(Some),
                    is_active: b.is_active,
                    is_featured: b.is_featured,
                    sort_order: b.sort_order,
                };
                repo::update_product(tx, id, &f)?;
                log_activity(
                    tx,
                    Some(admin),
                    "product.update",
                    Some("product"),
                    Some(id),
                    "product updated",
                    ip.as_deref(),
                    None,
                )?;
                load_admin_product(tx, id, now)
            })
            .await?;
        Ok(Json(product))
    }

    /// Deactivate a product: it leaves the public catalog; its orders and items stay.
    #[oai(path = "/products/:id", method = "delete", operation_id = "adminDeleteProduct")]
    async fn deactivate_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<Json<AdminProduct>> {
        let id = id.0;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let now = crate::clock::jakarta_time(app.clock.now());
        let product = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let f = ProductFields {
                    category_id: None,
                    name: None,
                    slug: None,
                    brand: None,
                    publisher: None,
                    provider: None,
                    kind: None,
                    payment_type: None,
                    input_fields: None,
                    customer_no_format: None,
                    description: None,
                    image: None,
                    icon: None,
                    is_active: Some(false),
                    is_featured: None,
                    sort_order: None,
                };
                if repo::update_product(tx, id, &f)? == 0 {
                    return Err(ApiError::not_found("product"));
                }
                log_activity(
                    tx,
                    Some(admin),
                    "product.deactivate",
                    Some("product"),
                    Some(id),
                    "product deactivated",
                    ip.as_deref(),
                    None,
                )?;
                load_admin_product(tx, id, now)
            })
            .await?;
        Ok(Json(product))
    }

    /// Add an item (a supplier SKU) to a product.
    #[oai(path = "/products/:id/items", method = "post", operation_id = "adminCreateItem")]
    async fn create_item(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<ItemCreate>,
    ) -> ApiResult<ItemCreated> {
        let (product_id, b) = (id.0, body.0);
        service::check_prices(b.base_price, b.retail_price, b.reseller_price)?;
        let sku = b.sku.trim().to_string();
        let name = b.name.trim().to_string();
        if sku.is_empty() {
            return Err(ApiError::validation("sku", "sku must not be blank"));
        }
        if name.is_empty() {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let (admin, ip) = (auth.0.id, ip_of(req));
        let now = crate::clock::jakarta_time(app.clock.now());
        let item = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if repo::find_product(tx, ProductKey::Id(product_id), CustomerType::Retail)?.is_none() {
                    return Err(ApiError::not_found("product"));
                }
                if repo::sku_taken(tx, &sku)? {
                    return Err(ApiError::conflict("sku_taken", "another item has this SKU").with_field("sku"));
                }
                let id = repo::insert_item(
                    tx,
                    &repo::NewItem {
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
                log_activity(
                    tx,
                    Some(admin),
                    "item.create",
                    Some("product_item"),
                    Some(id),
                    &sku,
                    ip.as_deref(),
                    None,
                )?;
                let row = repo::find_item(tx, id)?.ok_or_else(|| ApiError::internal("item vanished"))?;
                Ok(admin_item(row, now))
            })
            .await?;
        Ok(ItemCreated::Created(Json(item)))
    }

    /// One item with every price.
    #[oai(path = "/items/:id", method = "get", operation_id = "adminGetItem")]
    async fn get_item(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminItem>> {
        let id = id.0;
        let row = app
            .db
            .run(move |c| -> ApiResult<_> { repo::find_item(c, id)?.ok_or_else(|| ApiError::not_found("item")) })
            .await?;
        Ok(Json(admin_item(row, crate::clock::jakarta_time(app.clock.now()))))
    }

    /// Change an item. Prices set here become overrides that product sync keeps.
    #[oai(path = "/items/:id", method = "patch", operation_id = "adminUpdateItem")]
    async fn update_item(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<ItemUpdate>,
    ) -> ApiResult<Json<AdminItem>> {
        let (id, b) = (id.0, body.0);
        if b.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let (admin, ip) = (auth.0.id, ip_of(req));
        let row = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let mut item = repo::find_item(tx, id)?.ok_or_else(|| ApiError::not_found("item"))?;
                if let Some(n) = &b.name {
                    item.name = n.trim().to_string();
                }
                if let Some(g) = &b.group {
                    item.group = Some(g.clone());
                }
                if let Some(d) = &b.description {
                    item.description = Some(d.clone());
                }
                if let Some(p) = b.base_price {
                    item.base_price = p;
                }
                if let Some(p) = b.retail_price {
                    item.retail_price = p;
                    item.retail_price_override = Some(p);
                }
                if let Some(p) = b.reseller_price {
                    item.reseller_price = p;
                    item.reseller_price_override = Some(p);
                }
                if let Some(f) = b.admin_fee {
                    item.admin_fee = f;
                }
                if let Some(s) = b.stock_status {
                    item.stock_status = s;
                }
                if let Some(a) = b.is_active {
                    item.is_active = a;
                }
                if let Some(o) = b.sort_order {
                    item.sort_order = o;
                }
                service::check_prices(item.base_price, item.retail_price, item.reseller_price)?;
                repo::save_item(tx, &item)?;
                log_activity(
                    tx,
                    Some(admin),
                    "item.update",
                    Some("product_item"),
                    Some(id),
                    "item updated",
                    ip.as_deref(),
                    None,
                )?;
                Ok(repo::find_item(tx, id)?.ok_or_else(|| ApiError::not_found("item"))?)
            })
            .await?;
        Ok(Json(admin_item(row, crate::clock::jakarta_time(app.clock.now()))))
    }

    /// Deactivate an item: no longer orderable; past orders keep it.
    #[oai(path = "/items/:id", method = "delete", operation_id = "adminDeleteItem")]
    async fn deactivate_item(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
    ) -> ApiResult<Json<AdminItem>> {
        let id = id.0;
        let (admin, ip) = (auth.0.id, ip_of(req));
        let row = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let mut item = repo::find_item(tx, id)?.ok_or_else(|| ApiError::not_found("item"))?;
                item.is_active = false;
                repo::save_item(tx, &item)?;
                log_activity(
                    tx,
                    Some(admin),
                    "item.deactivate",
                    Some("product_item"),
                    Some(id),
                    "item deactivated",
                    ip.as_deref(),
                    None,
                )?;
                Ok(repo::find_item(tx, id)?.ok_or_else(|| ApiError::not_found("item"))?)
            })
            .await?;
        Ok(Json(admin_item(row, crate::clock::jakarta_time(app.clock.now()))))
    }
}
