//! API keys, the signature check of an H2H request, and the H2H operations.
//!
//! Signing: `X-Lapak-Signature` = lowercase hex HMAC-SHA256(secret, METHOD + "\n" +
//! path with query + "\n" + X-Lapak-Timestamp + "\n" + raw body), the timestamp in
//! Unix seconds and at most `h2h.signature_window_secs` away from lapak's clock.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::{
    model::{
        ApiKeyCreate, ApiKeyCreated, ApiKeyUpdate, ApiKeyView, H2hBalance, H2hCaller, H2hError, H2hOrder,
        H2hOrderRequest, H2hStatus, KeyRow, KeyStatus,
    },
    repo,
};
use crate::{
    app::App,
    auth::model::{AuthUser, CustomerType},
    clock::ts,
    error::Invalid,
    orders::model::{CheckoutRequest, OrderError, OrderStatus, OrderView},
};

type Result<T, E = H2hError> = std::result::Result<T, E>;
type HmacSha256 = Hmac<Sha256>;

/// A key's secret: derived from the master key, the key id and its version.
pub fn secret_of(master: &[u8; 32], key_id: &str, version: i64) -> String {
    let mut mac = HmacSha256::new_from_slice(master).expect("HMAC takes any key length");
    mac.update(format!("lapak h2h secret|{key_id}|{version}").as_bytes());
    format!("sk_{}", hex::encode(mac.finalize().into_bytes()))
}

fn check_of(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The string a request's signature covers.
pub fn signing_string(method: &str, path_and_query: &str, timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{}\n{}\n{}\n", method.to_ascii_uppercase(), path_and_query, timestamp).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The signature of a request (what a client computes).
pub fn sign(secret: &str, method: &str, path_and_query: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(&signing_string(method, path_and_query, timestamp, body));
    hex::encode(mac.finalize().into_bytes())
}

fn verify(secret: &str, msg: &[u8], given_hex: &str) -> bool {
    let Ok(given) = hex::decode(given_hex.trim().to_ascii_lowercase()) else { return false };
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(msg);
    // verify_slice compares in constant time.
    mac.verify_slice(&given).is_ok()
}

/// A whitelist entry as a network: an address is its own /32 or /128.
fn network(entry: &str) -> Option<ipnet::IpNet> {
    let e = entry.trim();
    e.parse::<ipnet::IpNet>().ok().or_else(|| e.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

fn clean_whitelist(list: &[String]) -> Result<Vec<String>> {
    list.iter()
        .enumerate()
        .map(|(i, e)| {
            network(e).map(|n| n.to_string()).ok_or_else(|| {
                Invalid::new(format!("ip_whitelist[{i}]"), format!("`{e}` is not an IPv4/IPv6 address or CIDR network"))
                    .into()
            })
        })
        .collect()
}

/// A callback URL: http(s) with a host; empty means none.
fn clean_url(field: &'static str, url: Option<&str>) -> Result<Option<String>> {
    let Some(u) = url.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(None) };
    match reqwest::Url::parse(u) {
        Ok(p) if matches!(p.scheme(), "http" | "https") && p.host_str().is_some() => Ok(Some(p.to_string())),
        _ => Err(Invalid::new(field, "an http:// or https:// URL").into()),
    }
}

fn allowed(list: &[String], ip: &str) -> bool {
    let Ok(addr) = ip.parse::<std::net::IpAddr>() else { return false };
    // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 address.
    let addr = match addr {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map(std::net::IpAddr::V4).unwrap_or(addr),
        v4 => v4,
    };
    list.iter().filter_map(|e| network(e)).any(|n| n.contains(&addr))
}

fn view(k: KeyRow, admin: bool) -> ApiKeyView {
    ApiKeyView {
        key_id: k.key_id,
        name: k.name,
        ip_whitelist: k.ip_whitelist,
        status: k.status,
        secret_version: k.secret_version,
        last_used_at: k.last_used_at,
        last_ip: k.last_ip,
        callback_url: k.callback_url,
        otomax_enabled: k.otomax_enabled,
        report_url: k.report_url,
        created_at: k.created_at,
        user_id: admin.then_some(k.user_id),
        stats: None,
    }
}

// --- keys --------------------------------------------------------------------------------

/// `POST /me/api-keys`: a reseller's new key; its secret is in the answer only.
pub async fn create_key(app: &App, user: &AuthUser, b: ApiKeyCreate) -> Result<ApiKeyCreated> {
    if user.customer_type != CustomerType::Reseller {
        return Err(H2hError::NotReseller);
    }
    let name = b.name.trim().to_string();
    if name.is_empty() {
        return Err(Invalid::new("name", "the name is empty").into());
    }
    let list = clean_whitelist(&b.ip_whitelist)?;
    let callback = clean_url("callback_url", b.callback_url.as_deref())?;
    let key_id = crate::text::random_code("lpk_").to_ascii_lowercase();
    let secret = secret_of(&app.h2h_key, &key_id, 1);
    let (kid, check, uid, json) =
        (key_id.clone(), check_of(&secret), user.id, serde_json::to_string(&list).unwrap_or_default());
    let row = app
        .db
        .write(move |tx| -> Result<KeyRow> {
            let id = repo::insert(tx, &kid, uid, &name, &check, &json)?;
            repo::set_callback_url(tx, id, callback.as_deref(), &crate::clock::now_str())?;
            Ok(repo::find(tx, &kid)?.expect("just written"))
        })
        .await?;
    Ok(ApiKeyCreated { key: view(row, false), secret })
}

pub async fn my_keys(app: &App, user_id: i64) -> Result<Vec<ApiKeyView>> {
    let rows = app.db.read(move |c| Ok::<_, H2hError>(repo::list(c, Some(user_id))?)).await?;
    Ok(rows.into_iter().map(|k| view(k, false)).collect())
}

async fn own_key(app: &App, user_id: i64, key_id: &str) -> Result<KeyRow> {
    let kid = key_id.to_string();
    app.db
        .read(move |c| Ok::<_, H2hError>(repo::find(c, &kid)?))
        .await?
        .filter(|k| k.user_id == user_id && k.status != KeyStatus::Revoked)
        .ok_or(H2hError::NotFound)
}

/// A new secret for a key: the old one stops working at once.
pub async fn rotate_key(app: &App, user_id: i64, key_id: &str) -> Result<ApiKeyCreated> {
    let k = own_key(app, user_id, key_id).await?;
    let master = app.h2h_key;
    let (id, kid, now) = (k.id, k.key_id.clone(), app.clock.now_str());
    let row = app
        .db
        .write(move |tx| -> Result<KeyRow> {
            repo::rotate(tx, id, |v| check_of(&secret_of(&master, &kid, v)), &now)?;
            Ok(repo::find(tx, &kid)?.expect("present"))
        })
        .await?;
    let secret = secret_of(&app.h2h_key, &row.key_id, row.secret_version);
    Ok(ApiKeyCreated { key: view(row, false), secret })
}

pub async fn revoke_key(app: &App, user_id: i64, key_id: &str) -> Result<()> {
    let k = own_key(app, user_id, key_id).await?;
    let now = app.clock.now_str();
    app.db.write(move |tx| move_key(tx, k.id, KeyStatus::Revoked, &now).map(|_| ())).await
}

/// The one way an API key's status moves (revoked is final: false when it was).
fn move_key(tx: &rusqlite::Connection, id: i64, to: KeyStatus, now: &str) -> Result<bool> {
    Ok(repo::set_status(tx, id, to, now)?)
}

pub async fn update_key(app: &App, user_id: i64, key_id: &str, b: ApiKeyUpdate) -> Result<ApiKeyView> {
    let k = own_key(app, user_id, key_id).await?;
    let json = match &b.ip_whitelist {
        Some(list) => Some(serde_json::to_string(&clean_whitelist(list)?).unwrap_or_default()),
        None => None,
    };
    let callback = match &b.callback_url {
        Some(u) => Some(clean_url("callback_url", Some(u))?),
        None => None,
    };
    let (now, kid) = (app.clock.now_str(), k.key_id.clone());
    let row = app
        .db
        .write(move |tx| -> Result<KeyRow> {
            if let Some(json) = &json {
                repo::set_whitelist(tx, k.id, json, &now)?;
            }
            if let Some(url) = &callback {
                repo::set_callback_url(tx, k.id, url.as_deref(), &now)?;
            }
            Ok(repo::find(tx, &kid)?.expect("present"))
        })
        .await?;
    Ok(view(row, false))
}

/// The admin's list of every key.
pub async fn all_keys(app: &App) -> Result<Vec<ApiKeyView>> {
    let (rows, mut stats) = app.db.read(|c| Ok::<_, H2hError>((repo::list(c, None)?, repo::stats(c)?))).await?;
    Ok(rows
        .into_iter()
        .map(|k| {
            let s = stats.remove(&k.id);
            ApiKeyView { stats: s, ..view(k, true) }
        })
        .collect())
}

/// An admin suspends (or lets again) a key; it stops (or starts) working at once.
pub async fn set_suspended(
    app: &App,
    actor: crate::auth::model::Actor,
    key_id: &str,
    suspended: bool,
) -> Result<ApiKeyView> {
    let kid = key_id.to_string();
    let now = app.clock.now_str();
    let row = app
        .db
        .write(move |tx| -> Result<KeyRow> {
            let k = repo::find(tx, &kid)?.ok_or(H2hError::NotFound)?;
            let to = if suspended { KeyStatus::Suspended } else { KeyStatus::Active };
            if !move_key(tx, k.id, to, &now)? {
                return Err(H2hError::NotFound);
            }
            let action =
                if suspended { crate::audit::Action::ApiKeySuspend } else { crate::audit::Action::ApiKeyUnsuspend };
            crate::audit::record(
                tx,
                &actor,
                crate::audit::Record::new(action, crate::audit::Subject::User(k.user_id), format!("API key {kid}")),
            )?;
            Ok(repo::find(tx, &kid)?.expect("present"))
        })
        .await?;
    Ok(view(row, true))
}

// --- the signature check -------------------------------------------------------------------

/// One H2H request as received.
pub struct Signed<'a> {
    pub key_id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub method: &'a str,
    pub path_and_query: &'a str,
    pub body: &'a [u8],
    pub ip: &'a str,
}

/// Who sent a signed request, or why it is refused.
pub async fn authenticate(app: &App, r: Signed<'_>) -> Result<H2hCaller> {
    let (Some(key_id), Some(stamp), Some(sig)) = (r.key_id, r.timestamp, r.signature) else {
        return Err(H2hError::Unauthorized(
            "sign the request: X-Lapak-Key, X-Lapak-Timestamp and X-Lapak-Signature are required".into(),
        ));
    };
    let when: i64 =
        stamp.trim().parse().map_err(|_| H2hError::Unauthorized("X-Lapak-Timestamp is Unix seconds".into()))?;
    let now = app.clock.now().timestamp();
    let window = app.config.h2h.signature_window_secs as i64;
    if (now - when).abs() > window {
        return Err(H2hError::Unauthorized(format!(
            "X-Lapak-Timestamp is {} s from lapak's clock (at most {window} s allowed): a replay, or a clock to fix",
            now - when
        )));
    }
    let kid = key_id.trim().to_string();
    let key = app
        .db
        .read(move |c| Ok::<_, H2hError>(repo::find(c, &kid)?))
        .await?
        .filter(|k| k.status != KeyStatus::Revoked)
        .ok_or_else(|| H2hError::Unauthorized("unknown API key".into()))?;
    let secret = secret_of(&app.h2h_key, &key.key_id, key.secret_version);
    if !verify(&secret, &signing_string(r.method, r.path_and_query, stamp.trim(), r.body), sig) {
        return Err(H2hError::Unauthorized("the signature does not match the request".into()));
    }
    let caller = admit(app, key, r.ip).await?;
    let key = &caller.key;
    // Note the use at most once a minute (or from a new address), not on every call.
    let stale =
        key.last_used_at.as_deref().is_none_or(|t| t < ts(app.clock.now() - chrono::Duration::minutes(1)).as_str());
    if stale || key.last_ip.as_deref() != Some(r.ip) {
        let (id, now_s, ip) = (key.id, app.clock.now_str(), r.ip.to_string());
        app.db.write(move |tx| Ok::<_, H2hError>(repo::touch(tx, id, &now_s, &ip)?)).await?;
    }
    Ok(caller)
}

/// A key whose request proved itself (signature or OtomaX sign) becomes a caller: unless
/// it or its account is suspended, or the address is not on its whitelist.
async fn admit(app: &App, key: KeyRow, ip: &str) -> Result<H2hCaller> {
    if key.status == KeyStatus::Suspended || !key.owner_active {
        return Err(H2hError::Suspended);
    }
    if !allowed(&key.ip_whitelist, ip) {
        return Err(H2hError::IpNotAllowed(ip.to_string()));
    }
    let uid = key.user_id;
    let user = app
        .db
        .read(move |c| Ok::<_, H2hError>(crate::auth::repo::find_active_user(c, uid)?))
        .await?
        .ok_or(H2hError::Suspended)?;
    Ok(H2hCaller { key, user })
}

// --- operations ----------------------------------------------------------------------------

pub async fn balance(app: &App, caller: &H2hCaller) -> Result<H2hBalance> {
    let balance = crate::wallet::service::balance(app, caller.user.id).await?;
    Ok(H2hBalance { balance })
}

fn key_for(user_id: i64, ref_id: &str) -> String {
    format!("h2h:{user_id}:{ref_id}")
}

fn answer(ref_id: &str, o: OrderView, balance_after: i64) -> H2hOrder {
    let status = match o.status {
        OrderStatus::Success => H2hStatus::Success,
        OrderStatus::Failed | OrderStatus::Refunded => H2hStatus::Failed,
        _ => H2hStatus::Pending,
    };
    H2hOrder {
        ref_id: ref_id.to_string(),
        refunded: o.status == OrderStatus::Refunded,
        transaction_code: o.transaction_code,
        sku: None,
        customer_no: o.customer_no,
        status,
        sn: o.sn,
        price: o.total_price,
        message: o.failed_reason.or(o.message),
        balance_after,
        created_at: o.created_at,
    }
}

/// `POST /h2h/v1/orders`: buys from the reseller's balance. The same ref_id returns the
/// same order (also when five arrive at once); another body with it is 409.
pub async fn place_order(app: &App, caller: &H2hCaller, req: H2hOrderRequest) -> Result<(H2hOrder, bool)> {
    place(app, caller, req, false).await
}

async fn place(app: &App, caller: &H2hCaller, req: H2hOrderRequest, via_otomax: bool) -> Result<(H2hOrder, bool)> {
    crate::app::Limits::check(&app.limits.h2h_orders, caller.key.key_id.clone()).map_err(H2hError::Limited)?;
    let sku = req.sku.trim().to_string();
    let callback = clean_url("callback_url", req.callback_url.as_deref())?;
    let product = crate::catalog::service::product_of_sku(app, &sku, caller.user.customer_type)
        .await
        .map_err(H2hError::Db)?
        .ok_or_else(|| Invalid::new("sku", format!("no item has the SKU `{sku}`")))?;
    let (item_id, price, fields) = product;
    if let Some(max) = req.max_price {
        if price > max {
            return Err(H2hError::PriceAboveMax { price, max });
        }
    }
    let customer_data: HashMap<String, String> = match (&req.customer_data, &req.customer_no) {
        (Some(d), _) => d.clone(),
        (None, Some(no)) if fields.len() == 1 => HashMap::from([(fields[0].clone(), no.trim().to_string())]),
        (None, Some(_)) => {
            return Err(Invalid::new(
                "customer_data",
                format!("this product needs {}: send them in customer_data", fields.join(" and ")),
            )
            .into())
        }
        (None, None) => return Err(Invalid::new("customer_no", "customer_no (or customer_data) is required").into()),
    };
    let body = CheckoutRequest {
        product_item_id: Some(item_id),
        customer_data,
        quote_id: None,
        payment_method: "BALANCE".into(),
        voucher_code: None,
        customer_name: None,
        customer_email: None,
        customer_phone: None,
        customer_note: None,
        // The shop's ref_id is its own guard against repeats.
        confirm_duplicate: Some(true),
    };
    finish_order(app, caller, body, &req.ref_id, callback, via_otomax, Some(sku)).await
}

/// Checkout under the shop's ref_id (the same ref_id is the same order, also when
/// several arrive at once), then the order's link to the key and its callbacks.
async fn finish_order(
    app: &App,
    caller: &H2hCaller,
    body: CheckoutRequest,
    ref_id: &str,
    callback: Option<String>,
    via_otomax: bool,
    sku: Option<String>,
) -> Result<(H2hOrder, bool)> {
    let key = key_for(caller.user.id, ref_id);
    // Which key placed it and where its callbacks go, in the order's own transaction.
    let (kid, rid) = (caller.key.id, ref_id.to_string());
    let along: crate::orders::checkout::AlongWithOrder =
        std::sync::Arc::new(move |tx, id| repo::link_order(tx, id, kid, &rid, callback.as_deref(), via_otomax));
    let mut tries = 0;
    let (order, created) = loop {
        let attempt = crate::orders::checkout::checkout_with(
            app,
            Some(caller.user.clone()),
            body.clone(),
            Some(key.clone()),
            Some(along.clone()),
        )
        .await;
        match attempt {
            // The same ref_id being written by a concurrent call: that order, once it is there.
            Err(OrderError::IdempotencyBusy) if tries < 50 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            Err(OrderError::IdempotencyConflict(_)) => {
                return Err(OrderError::IdempotencyConflict("this ref_id was used for another order").into())
            }
            other => break other?,
        }
    };
    app.orders_settled.notify_waiters();
    let after = balance(app, caller).await?.balance;
    let mut a = answer(ref_id, order, after);
    a.sku = sku;
    Ok((a, created))
}

/// `GET /h2h/v1/products`: the price list at the reseller's prices, and its ETag (a
/// digest of the answer: the same list gives the same tag).
pub async fn products(
    app: &App,
    caller: &H2hCaller,
    category: Option<String>,
    brand: Option<String>,
) -> Result<(super::model::H2hProductList, String)> {
    crate::app::Limits::check(&app.limits.h2h_price_list, caller.key.key_id.clone()).map_err(H2hError::Limited)?;
    tagged_price_list(app, caller.user.customer_type, category, brand).await
}

/// A tier's price list and its tag.
async fn tagged_price_list(
    app: &App,
    tier: CustomerType,
    category: Option<String>,
    brand: Option<String>,
) -> Result<(super::model::H2hProductList, String)> {
    let rows = crate::catalog::service::price_list(app, tier, category, brand).await?;
    let list = super::model::H2hProductList { data: rows };
    let digest = Sha256::digest(serde_json::to_vec(&list).unwrap_or_default());
    Ok((list, format!("\"{}\"", &hex::encode(digest)[..32])))
}

/// `POST /h2h/v1/bills/inquiry`: a bill's quote at the reseller's price.
pub async fn bill_inquiry(
    app: &App,
    caller: &H2hCaller,
    req: super::model::H2hBillInquiry,
) -> Result<crate::bills::model::BillQuote> {
    let sku = req.sku.trim().to_string();
    let (item_id, _, fields) = crate::catalog::service::product_of_sku(app, &sku, caller.user.customer_type)
        .await?
        .ok_or_else(|| Invalid::new("sku", format!("no item has the SKU `{sku}`")))?;
    let name = fields.first().cloned().unwrap_or_else(|| "customer_no".into());
    let body = crate::bills::model::BillInquiryRequest {
        product_item_id: item_id,
        customer_data: HashMap::from([(name, req.customer_no.trim().to_string())]),
    };
    Ok(crate::bills::service::inquire(app, Some(caller.user.clone()), body).await?)
}

/// `POST /h2h/v1/bills/pay`: pays a quote from the balance; idempotent by ref_id as
/// orders are.
pub async fn bill_pay(app: &App, caller: &H2hCaller, req: super::model::H2hBillPay) -> Result<(H2hOrder, bool)> {
    crate::app::Limits::check(&app.limits.h2h_orders, caller.key.key_id.clone()).map_err(H2hError::Limited)?;
    let callback = clean_url("callback_url", req.callback_url.as_deref())?;
    let body = CheckoutRequest {
        product_item_id: None,
        customer_data: HashMap::new(),
        quote_id: Some(req.quote_id.clone()),
        payment_method: "BALANCE".into(),
        voucher_code: None,
        customer_name: None,
        customer_email: None,
        customer_phone: None,
        customer_note: None,
        confirm_duplicate: Some(true),
    };
    finish_order(app, caller, body, &req.ref_id, callback, false, None).await
}

/// `GET /h2h/v1/orders/{ref_id}`.
pub async fn order(app: &App, caller: &H2hCaller, ref_id: &str) -> Result<H2hOrder> {
    let o = crate::orders::service::by_idempotency_key(app, caller.user.id, key_for(caller.user.id, ref_id))
        .await?
        .ok_or(H2hError::NoSuchOrder)?;
    let after = balance(app, caller).await?.balance;
    Ok(answer(ref_id, o, after))
}

// --- counter software (OtomaX, IRS) -------------------------------------------------------

/// A key's OtomaX PIN and password: derived like its secret, never stored.
pub fn otomax_credentials(master: &[u8; 32], key_id: &str, version: i64) -> (String, String) {
    let derive = |what: &str| {
        let mut mac = HmacSha256::new_from_slice(master).expect("HMAC takes any key length");
        mac.update(format!("lapak otomax {what}|{key_id}|{version}").as_bytes());
        mac.finalize().into_bytes()
    };
    let pin = derive("pin");
    let pin = format!("{:06}", u32::from_be_bytes([pin[0], pin[1], pin[2], pin[3]]) % 1_000_000);
    let password = hex::encode(&derive("password")[..8]);
    (pin, password)
}

/// The OtomaX sign: base64(sha1("OtomaX|memberID|product|dest|refID|pin|password")).
pub fn otomax_sign(member: &str, product: &str, dest: &str, ref_id: &str, pin: &str, password: &str) -> String {
    use base64::Engine;
    let digest = sha1::Sha1::digest(format!("OtomaX|{member}|{product}|{dest}|{ref_id}|{pin}|{password}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// `POST /me/api-keys/{key_id}/otomax`: counter software may use the key; its PIN and
/// password, shown this once.
pub async fn enable_otomax(
    app: &App,
    user_id: i64,
    key_id: &str,
    setup: super::model::OtomaxSetup,
) -> Result<super::model::OtomaxCredentials> {
    let k = own_key(app, user_id, key_id).await?;
    let report = clean_url("report_url", setup.report_url.as_deref())?;
    let (id, now, r) = (k.id, app.clock.now_str(), report.clone());
    app.db.write(move |tx| Ok::<_, H2hError>(repo::enable_otomax(tx, id, r.as_deref(), &now)?)).await?;
    let (pin, password) = otomax_credentials(&app.h2h_key, &k.key_id, k.secret_version);
    Ok(super::model::OtomaxCredentials {
        member_id: k.key_id,
        pin,
        password,
        trx_url: format!("{}/h2h/otomax/trx", app.config.server.public_url.trim_end_matches('/')),
        report_url: report,
    })
}

/// One `GET /h2h/otomax/trx` request.
pub struct OtomaxTrx {
    pub member_id: String,
    pub product: String,
    pub dest: String,
    pub ref_id: String,
    pub sign: String,
    pub ip: String,
}

/// The counter endpoint: checks the OtomaX sign, the key and the address, buys (the same
/// refID is the same order), and answers in one plain-text line counter software parses:
/// `R#<refID> <product>.<dest> <SUKSES|GAGAL|DIPROSES>. SN:<sn>. Harga:<price>. Saldo:<balance>. <message>`.
pub async fn otomax_trx(app: &App, t: OtomaxTrx) -> String {
    let head = format!("R#{} {}.{}", t.ref_id, t.product, t.dest);
    match otomax_order(app, &t).await {
        Ok(o) => {
            let word = match o.status {
                H2hStatus::Success => "SUKSES",
                H2hStatus::Failed => "GAGAL",
                H2hStatus::Pending => "DIPROSES",
            };
            let mut line = format!("{head} {word}. SN:{}. Harga:{}. Saldo:{}.", o.sn, o.price, o.balance_after);
            if let Some(m) = o.message.filter(|_| o.status == H2hStatus::Failed) {
                line.push_str(&format!(" {m}"));
            }
            line
        }
        Err(e) => format!("{head} GAGAL. {}", crate::error::ApiError::from(e).message),
    }
}

async fn otomax_order(app: &App, t: &OtomaxTrx) -> Result<H2hOrder> {
    let kid = t.member_id.trim().to_string();
    let key = app
        .db
        .read(move |c| Ok::<_, H2hError>(repo::find(c, &kid)?))
        .await?
        .filter(|k| k.status != KeyStatus::Revoked && k.otomax_enabled)
        .ok_or_else(|| H2hError::Unauthorized("unknown memberID".into()))?;
    let (pin, password) = otomax_credentials(&app.h2h_key, &key.key_id, key.secret_version);
    let expected = otomax_sign(&key.key_id, &t.product, &t.dest, &t.ref_id, &pin, &password);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), t.sign.trim().as_bytes())) {
        return Err(H2hError::Unauthorized("wrong sign".into()));
    }
    let caller = admit(app, key, &t.ip).await?;
    let req = H2hOrderRequest {
        sku: t.product.clone(),
        customer_no: Some(t.dest.clone()),
        customer_data: None,
        ref_id: t.ref_id.clone(),
        max_price: None,
        callback_url: None,
    };
    if req.ref_id.is_empty() || req.ref_id.len() > 64 {
        return Err(Invalid::new("refID", "1 to 64 characters").into());
    }
    Ok(place(app, &caller, req, true).await?.0)
}

/// The IRS/Digiflazz report a counter expects: `serverid, clientid, statuscode (1
/// sukses, 2 gagal), kp, msisdn, sn, msg`, as a query string.
fn report_query(s: &repo::Settled) -> String {
    let ok = s.status == "success";
    let msg = if ok {
        format!(
            "SUKSES {} {} SN:{}",
            s.sku.clone().unwrap_or_default(),
            s.customer_no.clone().unwrap_or_default(),
            s.sn.clone().unwrap_or_default()
        )
    } else {
        format!("GAGAL {}", s.message.clone().unwrap_or_default())
    };
    let pairs = [
        ("serverid", s.code.clone()),
        ("clientid", s.ref_id.clone()),
        ("statuscode", if ok { "1".into() } else { "2".into() }),
        ("kp", s.sku.clone().unwrap_or_default()),
        ("msisdn", s.customer_no.clone().unwrap_or_default()),
        ("sn", s.sn.clone().unwrap_or_default()),
        ("msg", msg),
    ];
    pairs.iter().map(|(k, v)| format!("{k}={}", url_escape(v))).collect::<Vec<_>>().join("&")
}

fn url_escape(v: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[("v", v)])
        .ok()
        .and_then(|u| u.query().map(|q| q.trim_start_matches("v=").to_string()))
        .unwrap_or_default()
}

// --- callbacks -----------------------------------------------------------------------------

/// Tries of one callback before it is given up (the reseller can still resend it).
const CALLBACK_TRIES: i64 = 8;
/// Later retries wait these multiples of `h2h.callback_retry_secs`.
const RETRY_FACTORS: [i64; 7] = [1, 2, 4, 10, 20, 40, 60];

/// Turns settled H2H orders into callbacks, then sends what is due; how many were sent.
pub async fn callbacks_tick(app: &App) -> Result<usize> {
    let now = app.clock.now();
    let (since, now_s) = (ts(now - chrono::Duration::days(30)), ts(now));
    let lease = ts(now + chrono::Duration::seconds(120));
    // One write: the new callbacks, and the due ones taken for this run.
    let due = app
        .db
        .write(move |tx| -> Result<Vec<repo::DueCallback>> {
            for s in repo::settled_without_callback(tx, &since, 200)? {
                let event = format!("order.{}", s.status);
                let (method, payload) = if s.via_otomax {
                    ("GET", report_query(&s))
                } else {
                    let body = super::model::H2hCallback {
                        event: event.clone(),
                        ref_id: Some(s.ref_id.clone()),
                        transaction_code: Some(s.code.clone()),
                        sku: s.sku.clone(),
                        customer_no: s.customer_no.clone(),
                        status: Some(if s.status == "success" { H2hStatus::Success } else { H2hStatus::Failed }),
                        sn: s.sn.clone().filter(|x| !x.is_empty()),
                        price: Some(s.price),
                        refunded: Some(s.status == "refunded"),
                        message: s.message.clone().filter(|_| s.status != "success"),
                        etag: None,
                        sent_at: now_s.clone(),
                    };
                    ("POST", serde_json::to_string(&body).unwrap_or_default())
                };
                repo::enqueue(tx, s.key_id, Some(s.transaction_id), &event, method, &s.url, &payload, &now_s)?;
            }
            Ok(repo::claim_due(tx, &now_s, &lease, 100)?)
        })
        .await?;
    let n = due.len();
    // Side by side: one slow receiver does not hold up the others.
    let mut sends = tokio::task::JoinSet::new();
    for d in due {
        let app = app.clone();
        sends.spawn(async move { deliver(&app, d).await });
    }
    while let Some(r) = sends.join_next().await {
        if let Ok(Err(e)) = r {
            tracing::error!(error = %e, "recording an H2H callback failed");
        }
    }
    Ok(n)
}

/// One delivery: signed as requests are, the answer recorded.
async fn deliver(app: &App, (id, key_db_id, url, body, event, attempts, method): repo::DueCallback) -> Result<()> {
    let Some(key) = app.db.read(move |c| Ok::<_, H2hError>(repo::find_by_id(c, key_db_id)?)).await? else {
        return Ok(());
    };
    let secret = secret_of(&app.h2h_key, &key.key_id, key.secret_version);
    let path = reqwest::Url::parse(&url)
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_else(|_| "/".into());
    let stamp = app.clock.now().timestamp().to_string();
    let started = std::time::Instant::now();
    // A counter-software report is a GET with the facts in the query string.
    let request = if method == "GET" {
        let sep = if url.contains('?') { '&' } else { '?' };
        app.http.get(format!("{url}{sep}{body}"))
    } else {
        app.http.post(&url).header("content-type", "application/json").body(body.clone())
    };
    let sent = request
        .header("x-lapak-key", &key.key_id)
        .header("x-lapak-timestamp", &stamp)
        .header("x-lapak-signature", sign(&secret, "POST", &path, &stamp, body.as_bytes()))
        .header("x-lapak-event", &event)
        .header("x-lapak-delivery", id.to_string())
        .send()
        .await;
    let ms = started.elapsed().as_millis() as i64;
    let (code, error) = match sent {
        Ok(r) => {
            (Some(i64::from(r.status().as_u16())), (!r.status().is_success()).then(|| format!("HTTP {}", r.status())))
        }
        Err(e) => (None, Some(if e.is_timeout() { "timed out".to_string() } else { e.to_string() })),
    };
    let delivered = error.is_none();
    let now = app.clock.now();
    let tried = attempts + 1;
    let next = (!delivered && tried < CALLBACK_TRIES).then(|| {
        let base = app.config.h2h.callback_retry_secs as i64;
        ts(now + chrono::Duration::seconds(base * RETRY_FACTORS[(tried as usize - 1).min(RETRY_FACTORS.len() - 1)]))
    });
    let now_s = ts(now);
    app.db
        .write(move |tx| {
            Ok::<_, H2hError>(repo::record_attempt(
                tx,
                id,
                &now_s,
                code,
                error.as_deref(),
                ms,
                delivered,
                next.as_deref(),
            )?)
        })
        .await?;
    Ok(())
}

/// Compares every watching key's price list with the tag it was last told of, and
/// queues a `products.changed` callback when it moved (the first look only notes it).
pub async fn products_changed_tick(app: &App) -> Result<usize> {
    let keys = app.db.read(|c| Ok::<_, H2hError>(repo::keys_watching_products(c)?)).await?;
    if keys.is_empty() {
        return Ok(0);
    }
    let mut tags = HashMap::new();
    for reseller in [false, true] {
        if keys.iter().any(|k| k.2 == reseller) {
            let tier = if reseller { CustomerType::Reseller } else { CustomerType::Retail };
            tags.insert(reseller, tagged_price_list(app, tier, None, None).await?.1);
        }
    }
    let now = app.clock.now_str();
    app.db
        .write(move |tx| -> Result<usize> {
            let mut sent = 0;
            for (id, _, reseller, url, last) in keys {
                let tag = &tags[&reseller];
                if last.as_deref() == Some(tag.as_str()) {
                    continue;
                }
                if last.is_some() {
                    let body = super::model::H2hCallback {
                        event: "products.changed".into(),
                        ref_id: None,
                        transaction_code: None,
                        sku: None,
                        customer_no: None,
                        status: None,
                        sn: None,
                        price: None,
                        refunded: None,
                        message: Some("prices or availability changed: fetch GET /h2h/v1/products".into()),
                        etag: Some(tag.clone()),
                        sent_at: now.clone(),
                    };
                    let json = serde_json::to_string(&body).unwrap_or_default();
                    repo::enqueue(tx, id, None, "products.changed", "POST", &url, &json, &now)?;
                    sent += 1;
                }
                repo::set_products_etag(tx, id, tag)?;
            }
            Ok(sent)
        })
        .await
}

/// The callback outbox, for as long as lapak runs: woken when orders move, else every
/// two seconds; price lists are compared once a minute.
pub async fn run_callbacks(app: App) {
    let mut products_checked: Option<std::time::Instant> = None;
    loop {
        if products_checked.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(60)) {
            products_checked = Some(std::time::Instant::now());
            if let Err(e) = products_changed_tick(&app).await {
                tracing::error!(error = %e, "H2H price-list check failed");
            }
        }
        let settled = app.orders_settled.notified();
        match callbacks_tick(&app).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "H2H callbacks failed"),
        }
        tokio::select! {
            _ = settled => {},
            _ = tokio::time::sleep(std::time::Duration::from_secs(2)) => {},
        }
    }
}

/// A key's delivery log, newest first.
pub async fn callbacks(app: &App, user_id: i64, key_id: &str) -> Result<Vec<super::model::CallbackView>> {
    let k = own_key(app, user_id, key_id).await?;
    let rows = app.db.read(move |c| Ok::<_, H2hError>(repo::callbacks_of(c, k.id, 100)?)).await?;
    Ok(rows
        .into_iter()
        .map(|(id, event, url, status, attempts, last_code, last_error, created_at, delivered_at, code, ref_id)| {
            super::model::CallbackView {
                id,
                event,
                url,
                status,
                attempts,
                last_code,
                last_error,
                created_at,
                delivered_at,
                transaction_code: code,
                ref_id,
            }
        })
        .collect())
}

/// Sends one callback again now.
pub async fn resend(app: &App, user_id: i64, key_id: &str, id: i64) -> Result<()> {
    let k = own_key(app, user_id, key_id).await?;
    let now = app.clock.now_str();
    let found = app
        .db
        .write(move |tx| Ok::<_, H2hError>(repo::move_callback(tx, id, Some(k.id), "pending", Some(&now), &now)?))
        .await?;
    if !found {
        return Err(H2hError::NoSuchCallback);
    }
    app.orders_settled.notify_waiters();
    Ok(())
}

/// A test callback to the key's callback URL.
pub async fn test_callback(app: &App, user_id: i64, key_id: &str) -> Result<()> {
    let k = own_key(app, user_id, key_id).await?;
    let url = k.callback_url.clone().ok_or_else(|| Invalid::new("callback_url", "set the key's callback_url first"))?;
    let now = app.clock.now_str();
    let body = super::model::H2hCallback {
        event: "test".into(),
        ref_id: None,
        transaction_code: None,
        sku: None,
        customer_no: None,
        status: None,
        sn: None,
        price: None,
        refunded: None,
        message: Some("a test callback from lapak".into()),
        etag: None,
        sent_at: now.clone(),
    };
    let json = serde_json::to_string(&body).unwrap_or_default();
    app.db
        .write(move |tx| Ok::<_, H2hError>(repo::enqueue(tx, k.id, None, "test", "POST", &url, &json, &now)?))
        .await?;
    app.orders_settled.notify_waiters();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_otomax_sign_matches_a_hand_computed_vector() {
        // base64(sha1("OtomaX|M1|TSEL10|081234567890|R1|123456|rahasia")), by Python's hashlib.
        assert_eq!(
            otomax_sign("M1", "TSEL10", "081234567890", "R1", "123456", "rahasia"),
            "mcv2woRbiol2h23kgtK/jgcysdg="
        );
        let (pin, password) = otomax_credentials(&[1u8; 32], "lpk_a", 1);
        assert_eq!((pin.len(), password.len()), (6, 16));
        assert!(pin.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(otomax_credentials(&[1u8; 32], "lpk_a", 2), (pin, password), "rotation changes them");
    }

    #[test]
    fn whitelists_match_addresses_and_networks() {
        let list = clean_whitelist(&["203.0.113.7".into(), "10.0.0.0/8".into(), "2001:db8::/48".into()]).unwrap();
        assert_eq!(list[0], "203.0.113.7/32");
        assert!(allowed(&list, "203.0.113.7"));
        assert!(!allowed(&list, "203.0.113.8"));
        assert!(allowed(&list, "10.20.30.40"));
        assert!(allowed(&list, "::ffff:10.1.2.3"), "an IPv4 client through an IPv6 socket");
        assert!(allowed(&list, "2001:db8:0:1::5"));
        assert!(!allowed(&list, "2001:db9::1"));
        assert!(!allowed(&list, "not an address"));
        assert!(clean_whitelist(&["300.1.1.1".into()]).is_err());
    }

    #[test]
    fn secrets_are_derived_per_key_and_version_and_signatures_cover_everything() {
        let master = [7u8; 32];
        let a1 = secret_of(&master, "lpk_a", 1);
        assert_ne!(a1, secret_of(&master, "lpk_a", 2));
        assert_ne!(a1, secret_of(&master, "lpk_b", 1));
        assert_ne!(a1, secret_of(&[8u8; 32], "lpk_a", 1));
        let sig = sign(&a1, "post", "/h2h/v1/orders", "1700000000", b"{}");
        let msg = signing_string("POST", "/h2h/v1/orders", "1700000000", b"{}");
        assert!(verify(&a1, &msg, &sig));
        assert!(verify(&a1, &msg, &sig.to_uppercase()));
        for other in [
            signing_string("GET", "/h2h/v1/orders", "1700000000", b"{}"),
            signing_string("POST", "/h2h/v1/balance", "1700000000", b"{}"),
            signing_string("POST", "/h2h/v1/orders", "1700000001", b"{}"),
            signing_string("POST", "/h2h/v1/orders", "1700000000", b"{ }"),
        ] {
            assert!(!verify(&a1, &other, &sig));
        }
        // A hand-computed vector: HMAC-SHA256("k", "GET\n/p\n1\n").
        assert_eq!(sign("k", "GET", "/p", "1", b""), {
            let mut m = HmacSha256::new_from_slice(b"k").unwrap();
            m.update(b"GET\n/p\n1\n");
            hex::encode(m.finalize().into_bytes())
        });
    }
}
