//! Report rules: ranges in Jakarta days, the dashboard's periods, CSV that spreadsheets
//! cannot run.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::types::Value;

use super::{
    model::{Analytics, Dashboard, GroupBy, Period, Rank, Report, ReportError, SalesKey, WalletRow},
    repo,
};
use crate::{
    app::App,
    clock::{day_bound, ts},
    error::Invalid,
};

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// Midnight in Jakarta `days_back` days before `now`'s Jakarta day, as stored.
fn jakarta_midnight(now: DateTime<Utc>, days_back: i64) -> String {
    let jkt = now + Duration::hours(7);
    let midnight = jkt.date_naive().and_hms_opt(0, 0, 0).expect("midnight exists") - Duration::days(days_back);
    ts(midnight.and_utc() - Duration::hours(7))
}

/// A report range: the given Jakarta days, by default the last 30 days up to now.
pub fn range(now: DateTime<Utc>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<(String, String), Invalid> {
    let from = day_bound(from, false).unwrap_or_else(|| jakarta_midnight(now, 29));
    let to = day_bound(to, true).unwrap_or_else(|| ts(now + Duration::days(1)));
    if to <= from {
        return Err(Invalid::new("to", "`to` must be after `from`"));
    }
    Ok((from, to))
}

pub async fn dashboard(app: &App, period: Period) -> Result<Dashboard> {
    let now = app.clock.now();
    let from = jakarta_midnight(now, period.days_back());
    let to = ts(now + Duration::days(1));
    app.db
        .read(move |c| -> Result<_> {
            let (refund_required, processing) = repo::open_work(c)?;
            Ok(Dashboard {
                figures: repo::figures(c, &from, &to)?,
                orders_by_status: repo::orders_by_status(c, &from, &to)?,
                by_payment_method: repo::sold_by(c, SalesKey::PaymentMethod, Rank::Count, &from, &to, -1)?,
                top_products: repo::sold_by(c, SalesKey::Product, Rank::Count, &from, &to, 10)?,
                daily: repo::sold_by(c, SalesKey::Period(GroupBy::Day), Rank::Key, &from, &to, -1)?,
                new_users: repo::new_users(c, &from, &to)?,
                deposits: repo::deposits(c, &from, &to)?,
                refund_required,
                processing,
                period,
                from,
            })
        })
        .await
}

/// Successful purchases grouped by `key`, with the range's totals.
pub async fn sales(app: &App, key: SalesKey, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Report> {
    let (from, to) = range(app.clock.now(), from, to)?;
    let rank = if matches!(key, SalesKey::Period(_)) { Rank::Key } else { Rank::Revenue };
    app.db
        .read(move |c| -> Result<_> {
            let rows = repo::sold_by(c, key, rank, &from, &to, -1)?;
            let totals = repo::figures(c, &from, &to)?;
            Ok(Report { from, to, rows, totals })
        })
        .await
}

pub async fn wallet(app: &App, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Vec<WalletRow>> {
    let (from, to) = range(app.clock.now(), from, to)?;
    app.db.read(move |c| Ok(repo::wallet(c, &from, &to)?)).await
}

/// `=`, `+`, `-`, `@`, tab and CR start formulas in spreadsheets: such cells get a
/// leading apostrophe, so they show as text and never run.
pub fn csv_safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// Every order in the range as CSV.
pub async fn export_csv(app: &App, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Vec<u8>> {
    let (from, to) = range(app.clock.now(), from, to)?;
    let csv_error = |e: csv::Error| ReportError::Csv(e.to_string());
    app.db
        .read(move |c| -> Result<Vec<u8>> {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(repo::EXPORT_HEADER).map_err(csv_error)?;
            repo::export(c, &from, &to, |values| {
                // Times as the console shows them: Jakarta (WIB), not the stored UTC.
                let cells = values.into_iter().enumerate().map(|(i, v)| match v {
                    Value::Integer(n) => n.to_string(),
                    Value::Text(t) if repo::EXPORT_HEADER[i].ends_with("_wib") => crate::clock::jakarta_stamp(&t),
                    Value::Text(t) => csv_safe(&t),
                    _ => String::new(),
                });
                w.write_record(cells.collect::<Vec<_>>()).map_err(csv_error)
            })?;
            w.into_inner().map_err(|e| ReportError::Csv(e.to_string()))
        })
        .await
}

/// A customer's own purchase figures (default: the last 30 days).
pub async fn analytics(app: &App, user_id: i64, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Analytics> {
    let now = app.clock.now();
    let from = day_bound(from, false).unwrap_or_else(|| ts(now - Duration::days(30)));
    let to = day_bound(to, true).unwrap_or_else(|| ts(now + Duration::days(1)));
    app.db
        .read(move |c| -> Result<_> {
            let (count, spent, ok, finished) = repo::my_totals(c, user_id, &from, &to)?;
            Ok(Analytics {
                per_day: repo::my_days(c, user_id, &from, &to)?,
                top_products: repo::my_top_products(c, user_id, &from, &to)?,
                total_spent: spent,
                transaction_count: count,
                success_rate: super::model::rate(ok, finished),
                from,
                to,
            })
        })
        .await
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

    #[test]
    fn a_range_must_move_forward() {
        let now = Utc::now();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(range(now, d("2026-11-02"), d("2026-11-01")).is_err());
        let (from, to) = range(now, d("2026-11-01"), d("2026-11-01")).unwrap();
        assert_eq!((from.as_str(), to.as_str()), ("2026-10-31T17:00:00.000Z", "2026-11-01T17:00:00.000Z"));
    }
}
