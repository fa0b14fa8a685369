//! HTTP surface of the catalog: public browsing priced for the caller, and the admin's
//! category, product and item routes.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{
        AdminCategory, AdminItem, AdminProduct, AdminProductList, Category, CategoryCreate, CategoryUpdate, ItemCreate,
        ItemUpdate, OperatorLookup, PlnCustomerView, ProductCreate, ProductDetail, ProductList, ProductSort,
        ProductUpdate, SortDir,
    },
    repo::ProductFilter,
    service::{self, ProductRef},
};
use crate::{
    app::App,
    auth::{
        api::{AdminAuth, MaybeAuth},
        model::CustomerType,
    },
    error::ApiResult,
    openapi_tags::ApiTags,
    web::pagination::PageRequest,
};

fn tier_of(auth: MaybeAuth, req: &Request) -> ApiResult<CustomerType> {
    Ok(auth.user(req)?.map(|u| u.customer_type).unwrap_or(CustomerType::Retail))
}

pub struct CatalogApi;

#[OpenApi(tag = "ApiTags::Catalog")]
impl CatalogApi {
    /// Active categories, in display order.
    #[oai(path = "/categories", method = "get", operation_id = "listCategories")]
    async fn categories(&self, app: Data<&App>) -> ApiResult<Json<Vec<Category>>> {
        Ok(Json(service::categories(&app).await?))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<ProductList>> {
        let tier = tier_of(auth, req)?;
        let filter = ProductFilter {
            category_slug: category.0,
            brand: brand.0,
            kind: kind.0,
            featured: featured.0,
            search: search.0.map(|s| s.chars().take(100).collect()),
            ..Default::default()
        };
        let (sort, dir) = (sort.0.unwrap_or(ProductSort::SortOrder), order.0.unwrap_or(SortDir::Asc));
        Ok(Json(service::products(&app, filter, tier, sort, dir, PageRequest::new(page.0, per_page.0)).await?))
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
        Ok(Json(service::detail(&app, ProductRef::Id(id.0), tier_of(auth, req)?).await?))
    }

    /// The Indonesian operator of a mobile number, from its prefix.
    #[oai(path = "/utility/operator", method = "get", operation_id = "lookupOperator")]
    async fn operator(&self, phone: Query<String>) -> ApiResult<Json<OperatorLookup>> {
        Ok(Json(service::lookup_operator(&phone.0)?))
    }

    /// Who a PLN prepaid meter belongs to (name, tariff and power), to show before a
    /// token is bought. Asked of Digiflazz at most once a day per meter; limited per
    /// client address; Digiflazz's own limit answers 429.
    #[oai(path = "/utility/pln", method = "get", operation_id = "lookupPlnCustomer")]
    async fn pln(&self, app: Data<&App>, meter: Query<String>) -> ApiResult<Json<PlnCustomerView>> {
        // (Limited per client address at the edge, with the other /utility lookups.)
        Ok(Json(service::pln_customer(&app, &meter.0).await?))
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
        Ok(Json(service::detail(&app, ProductRef::Slug(slug.0), tier_of(auth, req)?).await?))
    }
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

pub struct AdminCatalogApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminCatalog")]
impl AdminCatalogApi {
    /// All categories, inactive ones included.
    #[oai(path = "/categories", method = "get", operation_id = "adminListCategories")]
    async fn list_categories(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<AdminCategory>>> {
        Ok(Json(service::admin_categories(&app).await?))
    }

    /// Create a category.
    #[oai(path = "/categories", method = "post", operation_id = "adminCreateCategory")]
    async fn create_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        body: Json<CategoryCreate>,
    ) -> ApiResult<CategoryCreated> {
        Ok(CategoryCreated::Created(Json(service::create_category(&app, auth.0.actor(), body.0).await?)))
    }

    /// Change a category (only the fields sent).
    #[oai(path = "/categories/:id", method = "patch", operation_id = "adminUpdateCategory")]
    async fn update_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<CategoryUpdate>,
    ) -> ApiResult<Json<AdminCategory>> {
        Ok(Json(service::update_category(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Deactivate a category: it and its products leave the public catalog; nothing is deleted.
    #[oai(path = "/categories/:id", method = "delete", operation_id = "adminDeleteCategory")]
    async fn deactivate_category(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<AdminCategory>> {
        Ok(Json(service::deactivate_category(&app, auth.0.actor(), id.0).await?))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminProductList>> {
        let filter = ProductFilter {
            category_id: category_id.0,
            brand: brand.0,
            kind: kind.0,
            is_active: is_active.0,
            orderable: orderable.0,
            search: search.0,
            ..Default::default()
        };
        Ok(Json(service::admin_products(&app, filter, PageRequest::new(page.0, per_page.0)).await?))
    }

    /// One product with all its items and their prices.
    #[oai(path = "/products/:id", method = "get", operation_id = "adminGetProduct")]
    async fn get_product(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminProduct>> {
        Ok(Json(service::admin_product_by_id(&app, id.0).await?))
    }

    /// Create a product. Input fields default by type when absent.
    #[oai(path = "/products", method = "post", operation_id = "adminCreateProduct")]
    async fn create_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        body: Json<ProductCreate>,
    ) -> ApiResult<ProductCreated> {
        Ok(ProductCreated::Created(Json(service::create_product(&app, auth.0.actor(), body.0).await?)))
    }

    /// Change a product (only the fields sent).
    #[oai(path = "/products/:id", method = "patch", operation_id = "adminUpdateProduct")]
    async fn update_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<ProductUpdate>,
    ) -> ApiResult<Json<AdminProduct>> {
        Ok(Json(service::update_product(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Deactivate a product: it leaves the public catalog; its orders and items stay.
    #[oai(path = "/products/:id", method = "delete", operation_id = "adminDeleteProduct")]
    async fn deactivate_product(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
    ) -> ApiResult<Json<AdminProduct>> {
        Ok(Json(service::deactivate_product(&app, auth.0.actor(), id.0).await?))
    }

    /// Add an item (a supplier SKU) to a product.
    #[oai(path = "/products/:id/items", method = "post", operation_id = "adminCreateItem")]
    async fn create_item(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<ItemCreate>,
    ) -> ApiResult<ItemCreated> {
        Ok(ItemCreated::Created(Json(service::create_item(&app, auth.0.actor(), id.0, body.0).await?)))
    }

    /// One item with every price.
    #[oai(path = "/items/:id", method = "get", operation_id = "adminGetItem")]
    async fn get_item(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminItem>> {
        Ok(Json(service::admin_item_by_id(&app, id.0).await?))
    }

    /// Change an item. Prices set here become overrides that product sync keeps.
    #[oai(path = "/items/:id", method = "patch", operation_id = "adminUpdateItem")]
    async fn update_item(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<ItemUpdate>,
    ) -> ApiResult<Json<AdminItem>> {
        Ok(Json(service::update_item(&app, auth.0.actor(), id.0, body.0).await?))
    }

    /// Deactivate an item: no longer orderable; past orders keep it.
    #[oai(path = "/items/:id", method = "delete", operation_id = "adminDeleteItem")]
    async fn deactivate_item(&self, app: Data<&App>, auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminItem>> {
        Ok(Json(service::deactivate_item(&app, auth.0.actor(), id.0).await?))
    }
}
