//! The admin's numbers: the dashboard and the reports, with CSV export. Each figure is
//! its own query (the source reused one mutated query builder and got its counts wrong).
//! Revenue is what customers paid for the product (after discount, without the gateway
//! fee); profit is revenue minus the supplier cost snapshot of successful purchases.
//! Days are Asia/Jakarta days (UTC+7, no daylight saving).

use chrono::{Duration, Utc};
use poem::web::Data;
use poem_openapi::{param::Query, payload::Json, Enum, Object, OpenApi};
use rusqlite::{params, Connection};

use crate::{
    app::App,
    db::ts,
    error::{ApiError, ApiResult},
    auth::api::AdminAuth,
    openapi_tags::ApiTags,
    clock::day_bound,
};

/// Successful purchases: the sales that count.
const SOLD: &str = "t.transaction_type = 'purchase' AND t.status = 'success'";
const REVENUE: &str = "COALESCE(SUM(t.product_price - t.discount_amount), 0)";
/// Selling price minus what the supplier charged (its answer's `price`), or the cost
/// snapshot when it did not say.
const PROFIT: &str = "COALESCE(SUM(t.product_price - t.discount_amount - COALESCE(t.supplier_price, t.base_price)), 0)";
/// A UTC timestamp column as a Jakarta calendar date.
const JKT_DAY: &str = "date(t.created_at, '+7 hours')";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum Period {
    /// Since midnight, Jakarta time.
    Today,
    /// The last 7 days, today included.
    Week,
    /// The last 30 days.
    Month,
    /// The last 365 days.
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum GroupBy {
    Day,
    Week,
    Month,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Figures {
    pub orders: i64,
    pub revenue: i64,
    pub profit: i64,
    /// Successful over finished (success, failed, refunded) purchases, in percent.
    pub success_rate: f64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Bucket {
    pub key: String,
    pub count: i64,
    pub revenue: i64,
    pub profit: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Dashboard {
    pub period: Period,
    pub from: String,
    pub figures: Figures,
    /// Orders created in the period by status.
    pub orders_by_status: Vec<Bucket>,
    /// Successful purchases by payment method.
    pub by_payment_method: Vec<Bucket>,
    pub top_products: Vec<Bucket>,
    /// Per Jakarta day: successful purchases, revenue, profit.
    pub daily: Vec<Bucket>,
    pub new_users: i64,
    pub deposits: i64,
    /// Paid orders that failed and still need a refund.
    pub refund_required: i64,
    /// Orders waiting on the supplier.
    pub processing: i64,
}

fn jakarta_midnight_utc(days_back: i64) -> String {
    let jkt = Utc::now() + Duration::hours(7);
    let midnight = jkt.date_naive().and_hms_opt(0, 0, 0).expect("midnight") - Duration::days(days_back);
    ts(midnight.and_utc() - Duration::hours(7))
}

fn buckets(c: &Connection, sql: &str, args: &[&dyn rusqlite::ToSql]) -> rusqlite::Result<Vec<Bucket>> {
    let mut s = c.prepare(sql)?;
    let rows = s
        .query_map(args, |r| {
            Ok(Bucket {
                key: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                count: r.get(1)?,
                revenue: r.get(2)?,
                profit: r.get(3)?,
            })
        })?
        .collect();
    rows
}

fn figures(c: &Connection, from: &str, to: &str) -> rusqlite::Result<Figures> {
    let (orders, revenue, profit): (i64, i64, i64) = c.query_row(
        &format!("SELECT COUNT(*), {REVENUE}, {PROFIT} FROM transactions t WHERE {SOLD} AND t.created_at >= ?1 AND t.created_at < ?2"),
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let finished: i64 = c.query_row(
        "SELECT COUNT(*) FROM transactions t WHERE t.transaction_type = 'purchase' AND t.status IN ('success', 'failed', 'refunded')
           AND t.created_at >= ?1 AND t.created_at < ?2",
        params![from, to],
        |r| r.get(0),
    )?;
    let rate = if finished == 0 { 0.0 } else { (orders as f64 * 10_000.0 / finished as f64).round() / 100.0 };
    Ok(Figures { orders, revenue, profit, success_rate: rate })
}

pub fn dashboard(c: &Connection, period: Period) -> rusqlite::Result<Dashboard> {
    let days_back = match period {
        Period::Today => 0,
        Period::Week => 6,
        Period::Month => 29,
        Period::Year => 364,
    };
    let from = jakarta_midnight_utc(days_back);
    let to = ts(Utc::now() + Duration::days(1));
    let in_period = "t.created_at >= ?1 AND t.created_at < ?2";
    let count = |sql: &str| -> rusqlite::Result<i64> { c.query_row(sql, params![from, to], |r| r.get(0)) };
    Ok(Dashboard {
        figures: figures(c, &from, &to)?,
        orders_by_status: buckets(
            c,
            &format!("SELECT t.status, COUNT(*), {REVENUE}, 0 FROM transactions t WHERE t.transaction_type = 'purchase' AND {in_period} GROUP BY t.status ORDER BY 2 DESC"),
            &[&from, &to],
        )?,
        by_payment_method: buckets(
            c,
            &format!("SELECT t.payment_method, COUNT(*), {REVENUE}, {PROFIT} FROM transactions t WHERE {SOLD} AND {in_period} GROUP BY t.payment_method ORDER BY 2 DESC"),
            &[&from, &to],
        )?,
        top_products: buckets(
            c,
            &format!("SELECT t.product_name, COUNT(*), {REVENUE}, {PROFIT} FROM transactions t WHERE {SOLD} AND {in_period} GROUP BY t.product_name ORDER BY 2 DESC, 3 DESC LIMIT 10"),
            &[&from, &to],
        )?,
        daily: buckets(
            c,
            &format!("SELECT {JKT_DAY}, COUNT(*), {REVENUE}, {PROFIT} FROM transactions t WHERE {SOLD} AND {in_period} GROUP BY 1 ORDER BY 1"),
            &[&from, &to],
        )?,
        new_users: count("SELECT COUNT(*) FROM users WHERE is_guest = 0 AND created_at >= ?1 AND created_at < ?2")?,
        deposits: count(&format!("SELECT COALESCE(SUM(t.product_price), 0) FROM transactions t WHERE t.transaction_type = 'topup' AND t.status = 'success' AND {in_period}"))?,
        refund_required: c.query_row("SELECT COUNT(*) FROM transactions WHERE refund_required = 1", [], |r| r.get(0))?,
        processing: c.query_row("SELECT COUNT(*) FROM transactions WHERE status = 'processing'", [], |r| r.get(0))?,
        period,
        from,
    })
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub rows: Vec<Bucket>,
    pub totals: Figures,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WalletRow {
    pub kind: String,
    pub credits: i64,
    pub debits: i64,
    pub count: i64,
}

/// `=`, `+`, `-`, `@`, tab and CR start formulas in spreadsheets: such cells get a
/// leading apostrophe, so they show as text and never run.
pub fn csv_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

fn range(from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>) -> ApiResult<(String, String)> {
    let from = day_bound(from, false).unwrap_or_else(|| jakarta_midnight_utc(29));
    let to = day_bound(to, true).unwrap_or_else(|| ts(Utc::now() + Duration::days(1)));
    if to <= from {
        return Err(ApiError::validation("to", "`to` must be after `from`"));
    }
    Ok((from, to))
}

pub struct ReportsApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminReports")]
impl ReportsApi {
    /// Today / week / month / year at a glance.
    #[oai(path = "/dashboard", method = "get", operation_id = "adminDashboard")]
    async fn dashboard(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        period: Query<Option<Period>>,
    ) -> ApiResult<Json<Dashboard>> {
        let p = period.0.unwrap_or(Period::Today);
        Ok(Json(app.db.run(move |c| -> ApiResult<_> { Ok(dashboard(c, p)?) }).await?))
    }

    /// Sales per day, week or month (Jakarta time). Default range: the last 30 days.
    #[oai(path = "/reports/sales", method = "get", operation_id = "adminReportSales")]
    async fn sales(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
        group_by: Query<Option<GroupBy>>,
    ) -> ApiResult<Json<Report>> {
        let (from, to) = range(from.0, to.0)?;
        let key = match group_by.0.unwrap_or(GroupBy::Day) {
            GroupBy::Day => JKT_DAY.to_string(),
            GroupBy::Week => "strftime('%Y-W%W', t.created_at, '+7 hours')".into(),
            GroupBy::Month => "strftime('%Y-%m', t.created_at, '+7 hours')".into(),
        };
        report(&app, from, to, sold_by(&key, "1")).await
    }

    /// Sales per product item.
    #[oai(path = "/reports/products", method = "get", operation_id = "adminReportProducts")]
    async fn products(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        let (from, to) = range(from.0, to.0)?;
        report(&app, from, to, sold_by("t.product_name", "3 DESC")).await
    }

    /// Sales per customer (e-mail).
    #[oai(path = "/reports/users", method = "get", operation_id = "adminReportUsers")]
    async fn users(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        let (from, to) = range(from.0, to.0)?;
        report(&app, from, to, sold_by("t.contact_email", "3 DESC")).await
    }

    /// Sales per payment method (BALANCE included).
    #[oai(path = "/reports/payment-methods", method = "get", operation_id = "adminReportPaymentMethods")]
    async fn payment_methods(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        let (from, to) = range(from.0, to.0)?;
        report(&app, from, to, sold_by("t.payment_method", "3 DESC")).await
    }

    /// Wallet credits and debits per kind of movement.
    #[oai(path = "/reports/wallet", method = "get", operation_id = "adminReportWallet")]
    async fn wallet(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<Json<Vec<WalletRow>>> {
        let (from, to) = range(from.0, to.0)?;
        let rows = app
            .db
            .run(move |c| -> ApiResult<_> {
                let mut s = c.prepare(
                    "SELECT reference_type, COALESCE(SUM(CASE type WHEN 'credit' THEN amount ELSE 0 END), 0),
                            COALESCE(SUM(CASE type WHEN 'debit' THEN amount ELSE 0 END), 0), COUNT(*)
                     FROM balance_mutations WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1 ORDER BY 1",
                )?;
                let rows = s
                    .query_map(params![from, to], |r| {
                        Ok(WalletRow { kind: r.get(0)?, credits: r.get(1)?, debits: r.get(2)?, count: r.get(3)? })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Every order in the range as CSV (spreadsheet formulas neutralised).
    #[oai(path = "/reports/export/transactions", method = "get", operation_id = "adminExportTransactions")]
    async fn export(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
    ) -> ApiResult<poem_openapi::payload::Attachment<Vec<u8>>> {
        let (from, to) = range(from.0, to.0)?;
        let bytes = app
            .db
            .run(move |c| -> ApiResult<Vec<u8>> {
                let mut w = csv::Writer::from_writer(Vec::new());
                let header = ["transaction_code", "created_at", "type", "product", "customer_no", "customer", "payment_method",
                              "product_price", "discount", "admin_fee", "total_price", "supplier_cost", "status", "payment_status", "sn"];
                w.write_record(header).map_err(ApiError::internal)?;
                let mut s = c.prepare(
                    "SELECT transaction_code, created_at, transaction_type, COALESCE(product_name, ''), COALESCE(customer_no, ''),
                            COALESCE(contact_email, ''), COALESCE(payment_method, ''), product_price, discount_amount, admin_fee,
                            total_price, COALESCE(supplier_price, base_price), status, payment_status,
                            COALESCE(digiflazz_serial_number, '')
                     FROM transactions WHERE created_at >= ?1 AND created_at < ?2 ORDER BY id",
                )?;
                let mut rows = s.query(params![from, to])?;
                while let Some(r) = rows.next()? {
                    let mut rec = Vec::with_capacity(header.len());
                    for i in 0..header.len() {
                        let v: rusqlite::types::Value = r.get(i)?;
                        let text = match v {
                            rusqlite::types::Value::Integer(n) => n.to_string(),
                            rusqlite::types::Value::Text(t) => csv_safe(&t),
                            _ => String::new(),
                        };
                        rec.push(text);
                    }
                    w.write_record(&rec).map_err(ApiError::internal)?;
                }
                w.into_inner().map_err(ApiError::internal)
            })
            .await?;
        Ok(poem_openapi::payload::Attachment::new(bytes).filename("transactions.csv"))
    }
}

/// Successful purchases in [?1, ?2) grouped by `key` (a column or expression of
/// `transactions t`): key, count, revenue, profit.
fn sold_by(key: &str, order: &str) -> String {
    format!(
        "SELECT {key}, COUNT(*), {REVENUE}, {PROFIT} FROM transactions t
         WHERE {SOLD} AND t.created_at >= ?1 AND t.created_at < ?2 GROUP BY 1 ORDER BY {order}"
    )
}

async fn report(app: &App, from: String, to: String, sql: String) -> ApiResult<Json<Report>> {
    let r = app
        .db
        .run(move |c| -> ApiResult<_> {
            let rows = buckets(c, &sql, &[&from, &to])?;
            let totals = figures(c, &from, &to)?;
            Ok(Report { from, to, rows, totals })
        })
        .await?;
    Ok(Json(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=1+1", "+62", "-5", "@SUM(A1)", "\tx", "\r=x"] {
            assert!(csv_safe(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(csv_safe("Budi"), "Budi");
        assert_eq!(csv_safe(""), "");
    }
}
