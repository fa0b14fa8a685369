//! Checkout: purchases and deposits, priced the same way on every path, written in two
//! steps around the gateway call. First the order (unpaid) with its voucher use, or, paid
//! from the balance, the debit with it; then its Tripay payment. If Tripay refuses or is
//! unreachable, the order is closed with the reason (voucher released), so no order is
//! left without a payment; a crash between the steps leaves an unpaid order that expires
//! on schedule. Every state the order takes goes through `lifecycle::transition`.

use crate::text::Rupiah;
use chrono::{Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{
    lifecycle::{self, Event},
    model::{CheckoutRequest, OrderError, OrderView, Quote, QuoteRequest, TransactionType},
    repo::{self, NewOrder, NewPaymentRow},
    service::view,
};
use crate::{
    accounts::service::{guest_user, person_name},
    app::App,
    audit::{self, Action, Subject},
    auth::model::{AuthUser, CustomerType},
    bills::{model::QuoteRefused, service as bills},
    catalog::{
        model::{PaymentType, Unavailable},
        repo::{ItemRow, ProductRow},
        service::{customer_no, item_with_product, unavailable_reason},
    },
    clock::ts,
    error::Invalid,
    notifications, settings,
    text::{normalize_email, normalize_phone},
    tripay::model::NewPayment,
    vouchers::{model::VoucherUse, service as vouchers},
};

type Result<T, E = OrderError> = std::result::Result<T, E>;

/// "LPK" + 16 Crockford base-32 characters: 80 random bits, so codes cannot be guessed.
pub fn new_code() -> String {
    crate::text::random_code("LPK")
}

/// Who is buying.
struct Buyer {
    user_id: Option<i64>,
    tier: CustomerType,
    name: String,
    email: String,
    phone: Option<String>,
}

fn buyer_of(user: Option<&AuthUser>, req: &CheckoutRequest) -> Result<Buyer, Invalid> {
    match user {
        Some(u) => Ok(Buyer {
            user_id: Some(u.id),
            tier: u.customer_type,
            name: u.name.clone(),
            email: u.email.clone(),
            phone: u.phone.clone(),
        }),
        None => {
            let name = req.customer_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).ok_or_else(|| {
                Invalid::new("customer_name", "customer_name is required when buying without an account")
            })?;
            let name = person_name("customer_name", name)?;
            let email = req
                .customer_email
                .as_deref()
                .and_then(normalize_email)
                .ok_or_else(|| Invalid::new("customer_email", "a valid customer_email is required"))?;
            let phone = match req.customer_phone.as_deref().filter(|p| !p.trim().is_empty()) {
                Some(p) => Some(normalize_phone(p).ok_or_else(|| {
                    Invalid::new("customer_phone", "customer_phone must be an Indonesian mobile number")
                })?),
                None => None,
            };
            Ok(Buyer { user_id: None, tier: CustomerType::Retail, name, email, phone })
        }
    }
}

fn idempotency_hash(buyer: &Buyer, req: &CheckoutRequest) -> String {
    let mut data: Vec<_> = req.customer_data.iter().collect();
    data.sort();
    let canon = json!({
        "buyer": buyer.user_id.map(|u| u.to_string()).unwrap_or_else(|| buyer.email.clone()),
        "item": req.product_item_id, "quote": req.quote_id, "data": data, "method": req.payment_method.trim().to_uppercase(),
        "voucher": req.voucher_code.as_ref().map(|v| v.trim().to_uppercase()), "note": req.customer_note,
    });
    hex::encode(Sha256::digest(canon.to_string().as_bytes()))
}

/// The item and its product, or a 422 on `product_item_id`.
async fn load_item(app: &App, item_id: i64) -> Result<(ItemRow, ProductRow)> {
    Ok(app
        .db
        .read(move |c| Ok::<_, OrderError>(item_with_product(c, item_id)?))
        .await?
        .ok_or_else(|| Invalid::new("product_item_id", "no such item"))?)
}

/// `POST /transactions/quote`: the price for the caller's tier, a voucher's discount and,
/// with a payment method, the fee and the total. Nothing is reserved.
pub async fn quote(app: &App, user: Option<AuthUser>, req: QuoteRequest) -> Result<Quote> {
    let item_id = req.product_item_id;
    let (item, product) = load_item(app, item_id).await?;
    let tier = user.as_ref().map_or(CustomerType::Retail, |u| u.customer_type);
    let price = item.price_for(tier);
    let code = req.voucher_code.map(|v| v.trim().to_uppercase()).filter(|v| !v.is_empty());
    let discount = match code {
        None => 0,
        Some(code) => {
            let (user_id, now) = (user.as_ref().map_or(0, |u| u.id), ts(app.clock.now()));
            let (product_id, category_id) = (product.id, product.category_id);
            app.db
                .read(move |c| -> Result<i64> {
                    let u =
                        VoucherUse { code: &code, user_id, tier, product_id, category_id, amount: price, now: &now };
                    Ok(vouchers::quote(c, &u)?)
                })
                .await?
        }
    };
    let amount = price - discount;
    let method = req.payment_method.map(|m| m.trim().to_uppercase()).filter(|m| !m.is_empty());
    let fee = match method.as_deref() {
        None => None,
        Some("BALANCE") => Some(0),
        Some(m) => {
            let channels = super::payment::channels(app).await?;
            let c = channels
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(m))
                .ok_or_else(|| Invalid::new("payment_method", format!("{m} is not an available payment channel")))?;
            Some(c.customer_fee.fee(amount))
        }
    };
    Ok(Quote {
        product_price: price,
        discount_amount: discount,
        amount,
        admin_fee: fee,
        total_price: fee.map(|f| amount + f),
    })
}

/// `POST /transactions`.
pub async fn checkout(
    app: &App,
    user: Option<AuthUser>,
    req: CheckoutRequest,
    idempotency_key: Option<String>,
) -> Result<(OrderView, bool)> {
    checkout_with(app, user, req, idempotency_key, None).await
}

/// Rows a caller above writes in the new order's own transaction (given the order's id),
/// so they exist exactly when the order does: the H2H API notes the key and callback URL.
pub type AlongWithOrder = std::sync::Arc<dyn Fn(&rusqlite::Connection, i64) -> rusqlite::Result<()> + Send + Sync>;

/// Checkout, with `along` written in the order's transaction.
pub async fn checkout_with(
    app: &App,
    user: Option<AuthUser>,
    req: CheckoutRequest,
    idempotency_key: Option<String>,
    along: Option<AlongWithOrder>,
) -> Result<(OrderView, bool)> {
    let buyer = buyer_of(user.as_ref(), &req)?;
    let key = idempotency_key.map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    if key.as_ref().is_some_and(|k| k.len() > 100) {
        return Err(Invalid::new("Idempotency-Key", "at most 100 characters").into());
    }
    let hash = key.as_ref().map(|_| idempotency_hash(&buyer, &req));
    if let (Some(k), Some(h)) = (key.clone(), hash.clone()) {
        let existing = app.db.read(move |c| Ok::<_, OrderError>(repo::find_by_idempotency_key(c, &k)?)).await?;
        if let Some(o) = existing {
            if o.idempotency_hash.as_deref() != Some(h.as_str()) {
                return Err(OrderError::IdempotencyConflict("this Idempotency-Key was used with another request"));
            }
            return Ok((view(app, o.id).await?, false));
        }
    }

    let method = req.payment_method.trim().to_uppercase();
    let by_balance = method == "BALANCE";
    // Every member may spend the balance it holds (refunds land there), whatever its tier.
    if by_balance && user.is_none() {
        return Err(Invalid::new("payment_method", "log in to pay with your balance").into());
    }
    // A bill is paid through its quote: the item, number and total are the quote's.
    let quote = match req.quote_id.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(qid) => {
            let (qid, payer, now_s) = (qid.to_string(), buyer.user_id, ts(app.clock.now()));
            let q = app
                .db
                .read(move |c| Ok::<_, OrderError>(bills::payable(c, &qid, payer, &now_s).map_err(OrderError::Quote)))
                .await??;
            if req.product_item_id.is_some_and(|i| i != q.product_item_id) {
                return Err(Invalid::new(
                    "product_item_id",
                    "the quote is for another item; leave product_item_id out",
                )
                .into());
            }
            Some(q)
        }
        None => None,
    };
    let item_id = match (&quote, req.product_item_id) {
        (Some(q), _) => q.product_item_id,
        (None, Some(id)) => id,
        (None, None) => {
            return Err(
                Invalid::new("product_item_id", "product_item_id is required (or quote_id, to pay a bill)").into()
            )
        }
    };
    let (item, product) = load_item(app, item_id).await?;
    if !product.is_active {
        let message = "this product is not on sale".into();
        return Err(OrderError::Unavailable { code: "item_unavailable", message });
    }
    if product.payment_type == PaymentType::Postpaid && quote.is_none() {
        // A bill needs an inquiry and a quote first; sending it as a prepaid purchase
        // would buy the wrong thing.
        return Err(OrderError::PostpaidNeedsQuote);
    }
    if quote.is_some() && product.payment_type != PaymentType::Postpaid {
        return Err(Invalid::new("quote_id", "this quote's item is no longer a bill").into());
    }
    if let Some(reason) = unavailable_reason(&item, crate::clock::jakarta_time(app.clock.now())) {
        let (code, message) = match reason {
            Unavailable::CutOff => (
                "cut_off",
                format!(
                    "the supplier does not take orders for this item between {} and {} (Asia/Jakarta); try again later",
                    item.cut_off_start.as_deref().unwrap_or("?"),
                    item.cut_off_end.as_deref().unwrap_or("?")
                ),
            ),
            _ => ("item_unavailable", "this item cannot be ordered right now".to_string()),
        };
        return Err(OrderError::Unavailable { code, message });
    }
    let (customer_no, clean) = match &quote {
        Some(q) => (q.customer_no.clone(), serde_json::from_str(&q.customer_data).unwrap_or_default()),
        None => customer_no(&product.input_fields, &product.customer_no_format, &req.customer_data)?,
    };
    crate::operators::check_operator(&product.kind, &product.brand, clean.get("phone").map(String::as_str))
        .map_err(|why| Invalid::new("customer_data.phone", why).with_code("operator_mismatch"))?;
    // The same-number guard runs inside the order's own transaction (below): two
    // identical checkouts at once cannot both pass it, and it costs no extra round trip.
    let window = app.config.orders.duplicate_window_hours;
    let repeat_since = (window > 0 && req.confirm_duplicate != Some(true))
        .then(|| ts(app.clock.now() - Duration::hours(i64::try_from(window).unwrap_or(i64::MAX / 3600))));
    let guest = user.is_none();
    app.db
        .read(move |c| -> Result<()> {
            settings::service::ensure_open(c)?;
            if guest && !settings::service::flag(c, "features.guest_checkout", true)? {
                return Err(OrderError::NotAllowed("buying without an account is turned off; please log in"));
            }
            Ok(())
        })
        .await?;
    // A bill's total and cost are the quote's; anything else has its tier price.
    let (price, base) = match &quote {
        Some(q) => (q.total, q.supplier_price),
        None => (item.price_for(buyer.tier), item.base_price),
    };
    let channel =
        if by_balance {
            None
        } else {
            let channels = super::payment::channels(app).await?;
            Some(channels.iter().find(|c| c.code.eq_ignore_ascii_case(&method)).cloned().ok_or_else(|| {
                Invalid::new("payment_method", format!("{method} is not an available payment channel"))
            })?)
        };

    // Step 1: the order and its voucher use, in one transaction.
    let code = new_code();
    let now = app.clock.now();
    let expires = now + Duration::minutes(app.config.orders.payment_expiry_minutes as i64);
    let order_name = item.full_name(&product.name);
    let voucher_code = req.voucher_code.clone().map(|v| v.trim().to_uppercase()).filter(|v| !v.is_empty());
    let prepared = {
        let (code, key, hash, buyer_name, buyer_email, buyer_phone) =
            (code.clone(), key.clone(), hash.clone(), buyer.name.clone(), buyer.email.clone(), buyer.phone.clone());
        let (customer_no, order_name, method, channel) =
            (customer_no.clone(), order_name.clone(), method.clone(), channel.clone());
        let data = serde_json::to_string(&clean).unwrap_or_else(|_| "{}".into());
        let note = req.customer_note.clone();
        let (user_id, tier, sku) = (buyer.user_id, buyer.tier, item.sku.clone());
        let quote = quote.clone();
        let (product_id, category_id) = (product.id, product.category_id);
        app.db
            .write(move |tx| -> Result<(i64, i64, Vec<i64>)> {
                if let Some(since) = &repeat_since {
                    if repo::recent_for_number(tx, item_id, &customer_no, since)? {
                        return Err(OrderError::Duplicate(window));
                    }
                }
                let now_s = ts(now);
                let buyer_user = user_id;
                let user_id = match user_id {
                    Some(u) => u,
                    None => guest_user(tx, &buyer_name, &buyer_email)?,
                };
                let id = repo::insert(
                    tx,
                    &NewOrder {
                        code: &code,
                        user_id,
                        product_item_id: Some(item_id),
                        customer_type: tier.as_str(),
                        payment_method_type: if by_balance { "balance" } else { "gateway" },
                        transaction_type: TransactionType::Purchase,
                        product_name: &order_name,
                        product_code: Some(&sku),
                        base_price: base,
                        product_price: price,
                        customer_data: &data,
                        customer_no: Some(&customer_no),
                        customer_note: note.as_deref(),
                        contact_name: &buyer_name,
                        contact_email: &buyer_email,
                        contact_phone: buyer_phone.as_deref(),
                        payment_method: &method,
                        idempotency_key: key.as_deref(),
                        idempotency_hash: hash.as_deref(),
                        expires_at: &ts(expires),
                        now: &now_s,
                    },
                )
                .map_err(|e| match e {
                    rusqlite::Error::SqliteFailure(f, _)
                        if f.code == rusqlite::ErrorCode::ConstraintViolation && key.is_some() =>
                    {
                        OrderError::IdempotencyBusy
                    }
                    other => other.into(),
                })?;
                if let Some(f) = &along {
                    f(tx, id)?;
                }
                if let Some(q) = &quote {
                    // Paid at most once: the quote is taken in the order's transaction.
                    if !bills::take(tx, q, id)? {
                        let by = bills::payable(tx, &q.quote_id, user_id.into(), &now_s).err();
                        return Err(OrderError::Quote(by.unwrap_or(QuoteRefused::Used(0))));
                    }
                    repo::set_bill(tx, id, &q.ref_id, &q.inquired_on, &q.bill)?;
                }
                let mut discount = 0;
                if let Some(vc) = &voucher_code {
                    let (voucher_id, d) = vouchers::reserve(
                        tx,
                        &VoucherUse { code: vc, user_id, tier, product_id, category_id, amount: price, now: &now_s },
                    )?;
                    discount = d;
                    vouchers::record_usage(tx, voucher_id, user_id, id, d)?;
                    repo::set_voucher(tx, id, voucher_id, d)?;
                }
                let amount = price - discount;
                if let Some(channel) = &channel {
                    if !channel.accepts(amount) {
                        return Err(Invalid::new(
                            "payment_method",
                            format!(
                                "{} takes amounts from {} to {}; this order is {}",
                                channel.code,
                                Rupiah(channel.min_amount.unwrap_or(0)),
                                channel.max_amount.map(|m| Rupiah(m).to_string()).unwrap_or_else(|| "any".into()),
                                Rupiah(amount)
                            ),
                        )
                        .into());
                    }
                }
                lifecycle::transition(tx, id, Event::Created { by: buyer_user }, now)?;
                if channel.is_none() {
                    // Paid from the balance: the debit, the order and its fulfilment job
                    // commit together.
                    let fx = lifecycle::transition(tx, id, Event::PaidFromBalance, now)?;
                    return Ok((id, amount, fx.notifications));
                }
                Ok((id, amount, Vec::new()))
            })
            .await?
    };
    let (order_id, amount, notes) = prepared;
    if by_balance {
        if !notes.is_empty() {
            notifications::wake(app);
        }
        app.jobs.wake();
        return Ok((view(app, order_id).await?, true));
    }
    let buyer = PaymentBuyer { name: buyer.name.clone(), email: buyer.email.clone(), phone: buyer.phone.clone() };
    attach_payment(app, order_id, &code, amount, &method, &buyer, &item.sku, &order_name, expires).await?;
    Ok((view(app, order_id).await?, true))
}

/// Who pays, as the gateway needs it.
pub struct PaymentBuyer {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// Step 2 of a gateway order (purchases and deposits): the payment at Tripay, then its
/// record; or, when Tripay fails, the order marked failed with the reason and a 502.
#[allow(clippy::too_many_arguments)]
pub async fn attach_payment(
    app: &App,
    order_id: i64,
    code: &str,
    amount: i64,
    method: &str,
    buyer: &PaymentBuyer,
    item_sku: &str,
    order_name: &str,
    expires: chrono::DateTime<Utc>,
) -> Result<()> {
    let (code, method) = (code.to_string(), method.to_string());
    let callback_url = if app.config.tripay.callback_url.is_empty() {
        format!("{}/api/v1/callbacks/tripay", app.config.server.public_url.trim_end_matches('/'))
    } else {
        app.config.tripay.callback_url.clone()
    };
    let return_url =
        (!app.config.tripay.return_url.is_empty()).then(|| app.config.tripay.return_url.replace("{code}", &code));
    let new_payment = NewPayment {
        method: method.clone(),
        merchant_ref: code.clone(),
        amount,
        customer_name: buyer.name.clone(),
        customer_email: buyer.email.clone(),
        customer_phone: buyer.phone.clone(),
        item_sku: item_sku.to_string(),
        item_name: order_name.to_string(),
        callback_url: Some(callback_url),
        return_url,
        expires_at_unix: Some(expires.timestamp()),
    };
    let started = std::time::Instant::now();
    let created = app.tripay.create(&new_payment).await;
    let ms = started.elapsed().as_millis() as i64;
    match created {
        Ok(p) => {
            let fee = p.fee_customer.max(0);
            let instructions = serde_json::to_string(&p.instructions).unwrap_or_else(|_| "[]".into());
            let (name, email, phone) = (buyer.name.clone(), buyer.email.clone(), buyer.phone.clone());
            let expires_at = p
                .expires_at_unix
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(ts)
                .unwrap_or_else(|| ts(expires));
            app.db
                .write(move |tx| -> Result<()> {
                    repo::insert_payment(
                        tx,
                        &NewPaymentRow {
                            order_id,
                            reference: &p.reference,
                            method: if p.method.is_empty() { &method } else { &p.method },
                            channel: if p.channel_name.is_empty() { &method } else { &p.channel_name },
                            pay_code: p.pay_code.as_deref(),
                            amount,
                            fee,
                            merchant_ref: &code,
                            customer_name: &name,
                            customer_email: &email,
                            customer_phone: phone.as_deref(),
                            qr_string: p.qr_string.as_deref(),
                            qr_url: p.qr_url.as_deref(),
                            checkout_url: p.checkout_url.as_deref(),
                            pay_url: p.pay_url.as_deref(),
                            instructions: &instructions,
                            expires_at: &expires_at,
                        },
                    )?;
                    let meta = json!({"ok": true, "method": method, "amount": amount, "fee": fee, "ms": ms});
                    audit::upstream(tx, Action::UpstreamTripayCreate, Subject::Order(order_id), meta)?;
                    Ok(())
                })
                .await?;
            Ok(())
        }
        Err(e) => {
            let reason = format!("the payment could not be created: {e}");
            let r = reason.clone();
            let now = app.clock.now();
            app.db
                .write(move |tx| -> Result<()> {
                    lifecycle::transition(tx, order_id, Event::GatewayUnavailable { reason: &r }, now)?;
                    audit::upstream(
                        tx,
                        Action::UpstreamTripayCreate,
                        Subject::Order(order_id),
                        json!({"ok": false, "error": r, "ms": ms}),
                    )?;
                    Ok(())
                })
                .await?;
            notifications::wake(app);
            tracing::warn!(order = %code, error = %e, "Tripay refused or failed to create a payment");
            Err(OrderError::Upstream {
                message: "the payment gateway could not create the payment; nothing was charged, please try again"
                    .into(),
                order: Some(code),
            })
        }
    }
}

/// `POST /deposits`: a balance top-up through Tripay, created as an order like any
/// purchase. Resellers always may; retail members when `wallet.retail_deposits`.
pub async fn create_deposit(app: &App, user: &AuthUser, amount: i64, method: &str) -> Result<OrderView> {
    if !user.is_reseller() && !app.config.wallet.retail_deposits {
        return Err(OrderError::NotAllowed("deposits are for reseller accounts"));
    }
    let (min, max) = (app.config.wallet.deposit_min, app.config.wallet.deposit_max);
    if amount < min || amount > max {
        return Err(Invalid::new("amount", format!("a deposit is between {} and {}", Rupiah(min), Rupiah(max))).into());
    }
    app.db
        .read(|c| -> Result<()> {
            settings::service::ensure_open(c)?;
            if !settings::service::flag(c, "features.deposits", true)? {
                return Err(OrderError::NotAllowed("deposits are turned off"));
            }
            Ok(())
        })
        .await?;
    let method = method.trim().to_uppercase();
    let channels = super::payment::channels(app).await?;
    let channel = channels
        .iter()
        .find(|c| c.code == method)
        .ok_or_else(|| Invalid::new("payment_method", format!("{method} is not an available payment channel")))?;
    if !channel.accepts(amount) {
        return Err(Invalid::new("payment_method", format!("{method} does not take {}", Rupiah(amount))).into());
    }
    let code = new_code();
    let now = app.clock.now();
    let expires = now + Duration::minutes(app.config.orders.payment_expiry_minutes as i64);
    let (c2, m2, u2) = (code.clone(), method.clone(), user.clone());
    let id = app
        .db
        .write(move |tx| -> Result<i64> {
            let id = repo::insert(
                tx,
                &NewOrder {
                    code: &c2,
                    user_id: u2.id,
                    product_item_id: None,
                    customer_type: u2.customer_type.as_str(),
                    payment_method_type: "gateway",
                    transaction_type: TransactionType::Topup,
                    product_name: "Deposit saldo",
                    product_code: None,
                    base_price: 0,
                    product_price: amount,
                    customer_data: "{}",
                    customer_no: None,
                    customer_note: None,
                    contact_name: &u2.name,
                    contact_email: &u2.email,
                    contact_phone: u2.phone.as_deref(),
                    payment_method: &m2,
                    idempotency_key: None,
                    idempotency_hash: None,
                    expires_at: &ts(expires),
                    now: &ts(now),
                },
            )?;
            lifecycle::transition(tx, id, Event::Created { by: Some(u2.id) }, now)?;
            Ok(id)
        })
        .await?;
    let buyer = PaymentBuyer { name: user.name.clone(), email: user.email.clone(), phone: user.phone.clone() };
    attach_payment(app, id, &code, amount, &method, &buyer, "DEPOSIT", "Deposit saldo", expires).await?;
    view(app, id).await
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::catalog::model::default_input_fields;

    #[test]
    fn codes_are_long_random_and_well_formed() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert!(a.starts_with("LPK") && a[3..].chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }

    #[test]
    fn customer_numbers_follow_the_format() {
        let (fields, fmt) = default_input_fields("game");
        let data =
            HashMap::from([("user_id".to_string(), " 12345678 ".to_string()), ("zone_id".into(), "1234".into())]);
        assert_eq!(customer_no(&fields, &fmt, &data).unwrap().0, "123456781234");
        let missing = HashMap::from([("user_id".to_string(), "12345678".to_string())]);
        assert_eq!(customer_no(&fields, &fmt, &missing).unwrap_err().field, "customer_data.zone_id");
        let bad = HashMap::from([("user_id".to_string(), "12;DROP".to_string()), ("zone_id".into(), "1".into())]);
        assert_eq!(customer_no(&fields, &fmt, &bad).unwrap_err().field, "customer_data.user_id");
        let extra = HashMap::from([
            ("user_id".to_string(), "123".to_string()),
            ("zone_id".into(), "1".into()),
            ("x".into(), "y".into()),
        ]);
        assert_eq!(customer_no(&fields, &fmt, &extra).unwrap_err().field, "customer_data.x");
        let (phone, pfmt) = default_input_fields("pulsa");
        let p = HashMap::from([("phone".to_string(), "081234567890".to_string())]);
        assert_eq!(customer_no(&phone, &pfmt, &p).unwrap().0, "081234567890");
        // Patterns match the whole value.
        let partial = HashMap::from([("phone".to_string(), "081234567890abc".to_string())]);
        assert!(customer_no(&phone, &pfmt, &partial).is_err());
    }
}
