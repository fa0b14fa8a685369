//! Bill inquiries and their quotes.
//!
//! Pricing: a postpaid item's own cost is the supplier's admin fee (`base_price`), its
//! tier price the admin fee plus the shop's margin (pricing rules). A quote charges the
//! bills as they are (passed through) plus the inquiry's admin fee and that margin, and
//! never less than what the supplier will charge.

use chrono::Duration;

use super::{
    model::{BillError, BillInquiryRequest, BillQuote, BillView, QuoteRefused, QuoteRow},
    repo::{self, NewQuote},
};
use crate::{
    app::{App, Limits},
    auth::model::{AuthUser, CustomerType},
    catalog::{
        model::PaymentType,
        service::{customer_no, item_with_product, unavailable_reason},
    },
    clock::{day_bound, jakarta_date, jakarta_time, ts},
    digiflazz::{model::PascaRequest, DigiflazzError},
    error::Invalid,
    settings,
};

type Result<T, E = BillError> = std::result::Result<T, E>;

/// The fee above the bills for a tier: the inquiry's admin fee plus the item's margin,
/// raised when needed so the total covers what the supplier charges.
pub fn fee_for(admin: i64, margin: i64, bill_amount: i64, supplier_price: i64) -> i64 {
    let fee = admin.max(0) + margin.max(0);
    fee.max(supplier_price - bill_amount).max(0)
}

/// `POST /bills/inquiry`: asks Digiflazz for the bill (a fresh ref_id) and quotes it for
/// the caller's tier.
pub async fn inquire(app: &App, user: Option<AuthUser>, req: BillInquiryRequest) -> Result<BillQuote> {
    let item_id = req.product_item_id;
    let (item, product) = app
        .db
        .read(move |c| -> Result<_> {
            settings::service::ensure_open(c)?;
            Ok(item_with_product(c, item_id)?)
        })
        .await?
        .ok_or_else(|| Invalid::new("product_item_id", "no such item"))?;
    if product.payment_type != PaymentType::Postpaid {
        return Err(BillError::NotABill);
    }
    if !product.is_active || unavailable_reason(&item, jakarta_time(app.clock.now())).is_some() {
        return Err(BillError::Unavailable);
    }
    let (number, clean) = customer_no(&product.input_fields, &product.customer_no_format, &req.customer_data)?;
    Limits::check(&app.limits.bill_number, format!("{}|{number}", item.sku)).map_err(BillError::Limited)?;

    let ref_id = crate::text::random_code("INQ");
    let asked =
        PascaRequest { sku: item.sku.clone(), customer_no: number.clone(), ref_id: ref_id.clone(), callback_url: None };
    let started = std::time::Instant::now();
    let answer = app.digiflazz.inquiry_pasca(&asked).await;
    let ms = started.elapsed().as_millis() as i64;
    let bill = answer.map_err(|e| match e {
        DigiflazzError::Rejected { rc, .. } if matches!(rc.as_str(), "83" | "85" | "86") => BillError::Limited(60),
        DigiflazzError::Rejected { rc, message } => BillError::Inquiry { rc, message },
        other => BillError::SupplierUnavailable(other.to_string()),
    })?;

    let tier = user.as_ref().map_or(CustomerType::Retail, |u| u.customer_type);
    let margin = item.price_for(tier) - item.base_price;
    let fee = fee_for(bill.admin, margin, bill.bill_amount, bill.supplier_price);
    let view = BillView::new(&bill, fee);
    let now = app.clock.now();
    let today = jakarta_date(now);
    let by_minutes = ts(now + Duration::minutes(i64::try_from(app.config.orders.quote_minutes.max(1)).unwrap_or(60)));
    let day_end = day_bound(Some(today), true).unwrap_or_else(|| by_minutes.clone());
    let expires_at = by_minutes.min(day_end);
    let quote_id = crate::text::random_code("Q");
    {
        let (quote_id, ref_id, expires_at) = (quote_id.clone(), ref_id.clone(), expires_at.clone());
        let bill_json = serde_json::to_string(&view).unwrap_or_else(|_| "{}".into());
        let data = serde_json::to_string(&clean).unwrap_or_else(|_| "{}".into());
        let (user_id, number, supplier_price, amount) =
            (user.as_ref().map(|u| u.id), number.clone(), bill.supplier_price, bill.bill_amount);
        let (now_s, on) = (ts(now), today.format("%Y-%m-%d").to_string());
        app.db
            .write(move |tx| -> Result<()> {
                repo::insert(
                    tx,
                    &NewQuote {
                        quote_id: &quote_id,
                        ref_id: &ref_id,
                        product_item_id: item_id,
                        user_id,
                        customer_type: tier.as_str(),
                        customer_no: &number,
                        customer_data: &data,
                        bill: &bill_json,
                        bill_amount: amount,
                        supplier_price,
                        fee,
                        inquired_on: &on,
                        expires_at: &expires_at,
                        now: &now_s,
                    },
                )?;
                Ok(())
            })
            .await?;
    }
    tracing::info!(%ref_id, sku = %item.sku, ms, total = view.total, "bill quoted");
    Ok(BillQuote {
        quote_id,
        product_item_id: item_id,
        product_name: item.full_name(&product.name),
        supplier_price: bill.supplier_price,
        total_price: view.total,
        bill: view,
        expires_at,
    })
}

/// The quote a checkout names, if `user_id` (None: a guest) may pay it now.
pub fn payable(
    c: &rusqlite::Connection,
    quote_id: &str,
    user_id: Option<i64>,
    now: &str,
) -> Result<QuoteRow, QuoteRefused> {
    let q = repo::find(c, quote_id).map_err(|_| QuoteRefused::NotFound)?.ok_or(QuoteRefused::NotFound)?;
    if q.user_id.is_some() && q.user_id != user_id {
        return Err(QuoteRefused::NotYours);
    }
    if let Some(order) = q.order_id {
        return Err(QuoteRefused::Used(order));
    }
    if q.expires_at.as_str() <= now {
        return Err(QuoteRefused::Expired);
    }
    Ok(q)
}

/// Ties the quote to the order paying it, in the order's transaction: false when another
/// order took it first.
pub fn take(tx: &rusqlite::Connection, q: &QuoteRow, order_id: i64) -> rusqlite::Result<bool> {
    repo::take(tx, q.id, order_id)
}

/// The bill as quoted.
pub fn bill_of(q: &QuoteRow) -> Option<BillView> {
    serde_json::from_str(&q.bill).ok()
}

/// Deletes unpaid quotes that expired before `cutoff` (the retention schedule).
pub fn prune(c: &rusqlite::Connection, cutoff: &str) -> rusqlite::Result<usize> {
    repo::prune(c, cutoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_never_sells_below_the_suppliers_price() {
        // Bill 100,000, admin 2,500, margin 1,000, supplier charges 101,800.
        assert_eq!(fee_for(2_500, 1_000, 100_000, 101_800), 3_500);
        // A supplier price above bill + admin + margin raises the fee to cover it.
        assert_eq!(fee_for(2_500, 0, 100_000, 104_000), 4_000);
        // A negative margin (a price override below cost) counts as none.
        assert_eq!(fee_for(2_500, -700, 100_000, 101_800), 2_500);
    }
}
