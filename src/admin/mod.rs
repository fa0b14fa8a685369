//! Admin tools that belong to no single feature: the activity log, creating users of
//! any role and tier, user statistics, bulk price edits; and the customer's own
//! analytics.

pub mod console;

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, Object, OpenApi};
use rusqlite::{params, types::Value};

use crate::{
    accounts::{model::Profile, repo as users},
    app::App,
    db::{like_pattern, now_str, numbered_where},
    error::{ApiError, ApiResult},
    auth::api::{AdminAuth, BearerAuth}, web::pagination::{PageMeta, PageRequest}, web::ClientIp,
    openapi_tags::ApiTags,
    clock::day_bound,
    supplier::pricing,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Activity {
    pub id: i64,
    pub user_id: Option<i64>,
    pub user_email: Option<String>,
    pub action: String,
    pub model_type: Option<String>,
    pub model_id: Option<i64>,
    pub description: Option<String>,
    pub ip_address: Option<String>,
    pub meta_data: Option<serde_json::Value>,
    pub created_at: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActivityList {
    pub data: Vec<Activity>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ActionCount {
    pub action: String,
    pub count: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Cleaned {
    pub deleted: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CleanRequest {
    /// Delete entries older than this many days (1..=365).
    #[oai(validator(minimum(value = "1"), maximum(value = "365")))]
    pub days: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UserStats {
    pub total: i64,
    pub admins: i64,
    pub resellers: i64,
    pub retail: i64,
    pub guests: i64,
    pub suspended: i64,
    pub deleted: i64,
    pub new_last_30_days: i64,
    pub with_balance: i64,
    pub total_balance: i64,
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


fn ip(req: &Request) -> Option<String> {
    req.data::<ClientIp>().map(|c| c.0.clone())
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SystemInfo {
    pub version: String,
    /// Running against the built-in Digiflazz simulator.
    pub digiflazz_demo: bool,
    /// Running against the built-in Tripay simulator.
    pub tripay_demo: bool,
    /// The effective configuration, secrets masked.
    pub config: serde_json::Value,
    pub payment_channels: Vec<crate::payments::model::PaymentChannel>,
}

/// Secrets in the configuration, replaced by `********` when set.
const SECRET_KEYS: [&str; 5] = ["api_key", "private_key", "webhook_secret", "password", "secret"];

fn masked(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(sections) = v.as_object_mut() {
        for section in sections.values_mut() {
            if let Some(keys) = section.as_object_mut() {
                for (k, val) in keys.iter_mut() {
                    let secret = SECRET_KEYS.iter().any(|s| k == s || k.ends_with(&format!("_{s}")));
                    if secret && val.as_str().is_some_and(|s| !s.is_empty()) {
                        *val = serde_json::Value::String("********".into());
                    }
                }
            }
        }
    }
    v
}

pub struct AdminToolsApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminUsers")]
impl AdminToolsApi {
    /// The activity log: every admin action, logins, account changes.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/activity-logs", method = "get", operation_id = "adminListActivity")]
    async fn activity(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        action: Query<Option<String>>,
        user_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<ActivityList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let mut c = Vec::new();
        let mut a: Vec<Value> = Vec::new();
        if let Some(x) = action.0 {
            c.push("l.action = ?{n}");
            a.push(x.into());
        }
        if let Some(u) = user_id.0 {
            c.push("l.user_id = ?{n}");
            a.push(u.into());
        }
        if let Some(s) = search.0.filter(|s| !s.trim().is_empty()) {
            c.push("(l.description LIKE ?{n} ESCAPE '\\' OR l.action LIKE ?{n} ESCAPE '\\')");
            a.push(like_pattern(&s).into());
        }
        if let Some(f) = day_bound(from.0, false) {
            c.push("l.created_at >= ?{n}");
            a.push(f.into());
        }
        if let Some(t) = day_bound(to.0, true) {
            c.push("l.created_at < ?{n}");
            a.push(t.into());
        }
        let (data, total) = app
            .db
            .run(move |db| -> ApiResult<_> {
                let w = numbered_where(&c);
                let total: i64 =
                    db.query_row(&format!("SELECT COUNT(*) FROM activity_logs l {w}"), rusqlite::params_from_iter(a.iter()), |r| r.get(0))?;
                let n = a.len();
                a.push(pr.limit().into());
                a.push(pr.offset().into());
                let mut s = db.prepare(&format!(
                    "SELECT l.id, l.user_id, u.email, l.action, l.model_type, l.model_id, l.description, l.ip_address, l.meta_data,
                            l.created_at
                     FROM activity_logs l LEFT JOIN users u ON u.id = l.user_id {w} ORDER BY l.id DESC LIMIT ?{} OFFSET ?{}",
                    n + 1,
                    n + 2
                ))?;
                let rows = s
                    .query_map(rusqlite::params_from_iter(a.iter()), |r| {
                        let meta: Option<String> = r.get(8)?;
                        Ok(Activity {
                            id: r.get(0)?,
                            user_id: r.get(1)?,
                            user_email: r.get(2)?,
                            action: r.get(3)?,
                            model_type: r.get(4)?,
                            model_id: r.get(5)?,
                            description: r.get(6)?,
                            ip_address: r.get(7)?,
                            meta_data: meta.and_then(|m| serde_json::from_str(&m).ok()),
                            created_at: r.get(9)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((rows, total))
            })
            .await?;
        Ok(Json(ActivityList { data, meta: pr.meta(total) }))
    }

    /// Entries per action, most frequent first.
    #[oai(path = "/activity-logs/statistics", method = "get", operation_id = "adminActivityStatistics")]
    async fn activity_stats(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<ActionCount>>> {
        let rows = app
            .db
            .run(|c| -> ApiResult<_> {
                let mut s =
                    c.prepare("SELECT action, COUNT(*) FROM activity_logs GROUP BY action ORDER BY 2 DESC, 1")?;
                let rows = s
                    .query_map([], |r| Ok(ActionCount { action: r.get(0)?, count: r.get(1)? }))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Delete activity entries older than N days.
    #[oai(path = "/activity-logs/clean", method = "post", operation_id = "adminCleanActivity")]
    async fn clean(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<CleanRequest>,
    ) -> ApiResult<Json<Cleaned>> {
        let (days, admin, ip) = (body.0.days, auth.0.id, ip(req));
        let deleted = app
            .db
            .write(move |tx| -> ApiResult<i64> {
                let cutoff = crate::db::ts(chrono::Utc::now() - chrono::Duration::days(days));
                let n = tx.execute("DELETE FROM activity_logs WHERE created_at < ?1", [cutoff])? as i64;
                users::log_activity(
                    tx,
                    Some(admin),
                    "activity_logs.clean",
                    None,
                    None,
                    &format!("older than {days} days: {n}"),
                    ip.as_deref(),
                    None,
                )?;
                Ok(n)
            })
            .await?;
        Ok(Json(Cleaned { deleted }))
    }

    /// Counts of users by kind, and balances held.
    #[oai(path = "/users/statistics", method = "get", operation_id = "adminUserStatistics")]
    async fn user_stats(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<UserStats>> {
        let since = crate::db::ts(chrono::Utc::now() - chrono::Duration::days(30));
        let s = app
            .db
            .run(move |c| -> ApiResult<_> {
                let n = |sql: &str| -> rusqlite::Result<i64> { c.query_row(sql, [], |r| r.get(0)) };
                Ok(UserStats {
                    total: n("SELECT COUNT(*) FROM users WHERE is_guest = 0 AND deleted_at IS NULL")?,
                    admins: n("SELECT COUNT(*) FROM users WHERE role = 'admin' AND deleted_at IS NULL")?,
                    resellers: n("SELECT COUNT(*) FROM users WHERE customer_type = 'reseller' AND is_guest = 0 AND deleted_at IS NULL")?,
                    retail: n("SELECT COUNT(*) FROM users WHERE customer_type = 'retail' AND role = 'customer' AND is_guest = 0 AND deleted_at IS NULL")?,
                    guests: n("SELECT COUNT(*) FROM users WHERE is_guest = 1")?,
                    suspended: n("SELECT COUNT(*) FROM users WHERE status = 'suspended' AND deleted_at IS NULL")?,
                    deleted: n("SELECT COUNT(*) FROM users WHERE deleted_at IS NOT NULL")?,
                    new_last_30_days: c.query_row(
                        "SELECT COUNT(*) FROM users WHERE is_guest = 0 AND created_at >= ?1",
                        [&since],
                        |r| r.get(0),
                    )?,
                    with_balance: n("SELECT COUNT(*) FROM balances WHERE balance > 0")?,
                    total_balance: n("SELECT COALESCE(SUM(balance), 0) FROM balances")?,
                })
            })
            .await?;
        Ok(Json(s))
    }

    /// Set or clear fixed prices on many items at once (all or nothing). A price below
    /// the supplier cost is refused.
    #[oai(path = "/products/bulk-prices", method = "post", operation_id = "adminBulkPrices")]
    async fn bulk_prices(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<BulkPrices>,
    ) -> ApiResult<Json<BulkResult>> {
        let (items, admin, ip) = (body.0.items, auth.0.id, ip(req));
        let n = app
            .db
            .write(move |tx| -> ApiResult<i64> {
                for (i, e) in items.iter().enumerate() {
                    let base: i64 = tx
                        .query_row("SELECT base_price FROM product_items WHERE id = ?1", [e.item_id], |r| r.get(0))
                        .map_err(|_| ApiError::validation(format!("items[{i}].item_id"), "no such item"))?;
                    for (field, p) in [("retail_price", e.retail_price), ("reseller_price", e.reseller_price)] {
                        if p.is_some_and(|p| p < base) {
                            return Err(ApiError::validation(format!("items[{i}].{field}"), format!("below the supplier price {base}")));
                        }
                    }
                    if e.clear == Some(true) {
                        tx.execute("UPDATE product_items SET retail_price_override = NULL, reseller_price_override = NULL WHERE id = ?1",
                                   [e.item_id])?;
                    }
                    tx.execute(
                        "UPDATE product_items SET retail_price_override = COALESCE(?2, retail_price_override),
                                reseller_price_override = COALESCE(?3, reseller_price_override), updated_at = ?4
                         WHERE id = ?1",
                        params![e.item_id, e.retail_price, e.reseller_price, now_str()],
                    )?;
                }
                pricing::reprice_all(tx)?;
                users::log_activity(tx, Some(admin), "products.bulk_prices", None, None, &format!("{} items", items.len()),
                                    ip.as_deref(), None)?;
                Ok(items.len() as i64)
            })
            .await?;
        Ok(Json(BulkResult { updated: n }))
    }

    /// Version, demo mode, the effective configuration (secrets masked) and the payment
    /// channels with their fees.
    #[oai(path = "/system", method = "get", operation_id = "adminSystemInfo")]
    async fn system(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<SystemInfo>> {
        let channels = crate::payments::service::channels(&app).await.unwrap_or_default();
        Ok(Json(SystemInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            digiflazz_demo: app.config.digiflazz.username == "demo"
                && app.config.digiflazz.base_url.starts_with("http://127.0.0.1"),
            tripay_demo: app.demo_tripay.get().is_some(),
            config: masked(serde_json::to_value(&app.config).unwrap_or_default()),
            payment_channels: channels
                .into_iter()
                .map(|c| crate::payments::model::PaymentChannel {
                    fee: None,
                    total: None,
                    available: c.active,
                    code: c.code,
                    name: c.name,
                    group: c.group,
                    icon_url: c.icon_url,
                    min_amount: c.min_amount,
                    max_amount: c.max_amount,
                })
                .collect(),
        }))
    }

    /// The users who registered with this user's referral code.
    #[oai(path = "/users/:id/referrals", method = "get", operation_id = "adminListReferrals")]
    async fn referrals(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Vec<Profile>>> {
        let id = id.0;
        let rows = app
            .db
            .run(move |c| -> ApiResult<_> {
                let mut s = c.prepare("SELECT id FROM users WHERE referred_by = ?1 ORDER BY id")?;
                let ids = s.query_map([id], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
                let mut out = Vec::new();
                for uid in ids {
                    if let Some(u) = users::find_by_id(c, uid)? {
                        out.push(Profile::of(u, users::balance_of(c, uid)?));
                    }
                }
                Ok(out)
            })
            .await?;
        Ok(Json(rows))
    }
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DayFigure {
    pub date: String,
    pub orders: i64,
    pub spent: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TopProduct {
    pub product: String,
    pub orders: i64,
    pub spent: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Analytics {
    pub from: String,
    pub to: String,
    /// What the caller paid for successful purchases (after discounts, with fees).
    pub total_spent: i64,
    /// Purchases created in the range.
    pub transaction_count: i64,
    /// Successful over finished purchases, percent.
    pub success_rate: f64,
    pub per_day: Vec<DayFigure>,
    pub top_products: Vec<TopProduct>,
}

pub struct AnalyticsApi;

#[OpenApi(tag = "ApiTags::Account")]
impl AnalyticsApi {
    /// The caller's own purchase figures (default: the last 30 days, Jakarta days).
    #[oai(path = "/me/analytics", method = "get", operation_id = "getMyAnalytics")]
    async fn analytics(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<Analytics>> {
        let uid = auth.0.id;
        let from = day_bound(from.0, false)
            .unwrap_or_else(|| crate::db::ts(chrono::Utc::now() - chrono::Duration::days(30)));
        let to = day_bound(to.0, true)
            .unwrap_or_else(|| crate::db::ts(chrono::Utc::now() + chrono::Duration::days(1)));
        let a = app
            .db
            .run(move |c| -> ApiResult<_> {
                let base = "FROM transactions WHERE user_id = ?1 AND transaction_type = 'purchase' AND created_at >= ?2 AND created_at < ?3";
                let p = params![uid, from, to];
                let (count, spent, ok, finished): (i64, i64, i64, i64) = c.query_row(
                    &format!(
                        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'success' THEN total_price END), 0),
                                COALESCE(SUM(status = 'success'), 0), COALESCE(SUM(status IN ('success', 'failed', 'refunded')), 0) {base}"
                    ),
                    p,
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?;
                let mut s = c.prepare(&format!(
                    "SELECT date(created_at, '+7 hours'), COUNT(*), COALESCE(SUM(CASE WHEN status = 'success' THEN total_price END), 0)
                     {base} GROUP BY 1 ORDER BY 1"
                ))?;
                let per_day = s
                    .query_map(p, |r| Ok(DayFigure { date: r.get(0)?, orders: r.get(1)?, spent: r.get(2)? }))?
                    .collect::<Result<Vec<_>, _>>()?;
                let mut s = c.prepare(&format!(
                    "SELECT COALESCE(product_name, ''), COUNT(*), COALESCE(SUM(total_price), 0) {base} AND status = 'success'
                     GROUP BY 1 ORDER BY 2 DESC, 3 DESC LIMIT 5"
                ))?;
                let top_products = s
                    .query_map(p, |r| Ok(TopProduct { product: r.get(0)?, orders: r.get(1)?, spent: r.get(2)? }))?
                    .collect::<Result<Vec<_>, _>>()?;
                let rate = if finished == 0 { 0.0 } else { (ok as f64 * 10_000.0 / finished as f64).round() / 100.0 };
                Ok(Analytics { from, to, total_spent: spent, transaction_count: count, success_rate: rate, per_day, top_products })
            })
            .await?;
        Ok(Json(a))
    }
}
