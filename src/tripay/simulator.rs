//! A Tripay simulator: `merchant/payment-channel`, `transaction/create` and
//! `transaction/detail` as Tripay answers them (providers.md part 2), plus a checkout
//! page with "Pay" and "Expire" buttons that send properly signed callbacks. Tests serve
//! it on 127.0.0.1:0; in demo mode lapak mounts it under `/demo/tripay`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use poem::{
    get, handler,
    http::header,
    http::StatusCode,
    post,
    web::{Data, Html, Path, Query},
    Body, EndpointExt, Request, Response, Route,
};
use serde_json::{json, Value};

use super::{
    callback_signature, closed_signature,
    wire::{CallbackBody, ChannelItem, CreateReq, Fee, Instruction, TxData},
};

#[derive(Clone, Debug)]
pub struct TripaySimConfig {
    pub api_key: String,
    pub private_key: String,
    pub merchant_code: String,
    /// Public base of the checkout pages (`.../checkout/{reference}`).
    pub checkout_base: String,
}

impl TripaySimConfig {
    pub fn demo(checkout_base: String) -> Self {
        Self {
            api_key: "DEV-demo-api-key".into(),
            private_key: "demo-private-key".into(),
            merchant_code: "T0001".into(),
            checkout_base,
        }
    }
}

#[derive(Clone, Debug)]
struct SimPayment {
    data: TxData,
    callback_url: Option<String>,
}

struct State {
    cfg: TripaySimConfig,
    channels: Vec<ChannelItem>,
    payments: HashMap<String, SimPayment>,
    next: u64,
    callbacks_sent: usize,
    /// Make the next create calls fail (tests of the 502 path).
    fail_creates: bool,
}

#[derive(Clone)]
pub struct TripaySim {
    state: Arc<Mutex<State>>,
    http: reqwest::Client,
}

/// A simulator served on its own port (tests).
pub struct TripaySimServer {
    /// The API base to configure (`http://127.0.0.1:P/api`).
    pub url: String,
    pub sim: TripaySim,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TripaySimServer {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TripaySimServer {
    pub async fn start(mut cfg: TripaySimConfig) -> std::io::Result<Self> {
        let acceptor =
            poem::listener::Listener::into_acceptor(poem::listener::TcpListener::bind("127.0.0.1:0")).await?;
        let addr = poem::listener::Acceptor::local_addr(&acceptor)
            .into_iter()
            .find_map(|a| a.as_socket_addr().cloned())
            .ok_or_else(|| std::io::Error::other("no local address"))?;
        if cfg.checkout_base.is_empty() {
            cfg.checkout_base = format!("http://{addr}/checkout");
        }
        let sim = TripaySim::new(cfg);
        let app = sim.routes();
        let server = tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        Ok(Self { url: format!("http://{addr}/api"), sim, server })
    }
}

impl TripaySim {
    pub fn new(cfg: TripaySimConfig) -> Self {
        TripaySim {
            state: Arc::new(Mutex::new(State {
                cfg,
                channels: channels(),
                payments: HashMap::new(),
                next: 1,
                callbacks_sent: 0,
                fail_creates: false,
            })),
            http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client builds"),
        }
    }

    /// `/api/...` (the gateway) and `/checkout/...` (the customer's page).
    pub fn routes(&self) -> impl poem::Endpoint + 'static {
        Route::new()
            .at("/api/merchant/payment-channel", get(api_channels))
            .at("/api/transaction/create", post(api_create))
            .at("/api/transaction/detail", get(api_detail))
            .at("/checkout/:reference", get(checkout_page))
            .at("/checkout/:reference/:action", post(checkout_action))
            .data(self.clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_fail_creates(&self, fail: bool) {
        self.lock().fail_creates = fail;
    }

    pub fn callbacks_sent(&self) -> usize {
        self.lock().callbacks_sent
    }

    pub fn payment_count(&self) -> usize {
        self.lock().payments.len()
    }

    /// The exact callback body and its signature for a payment moving to `status`
    /// (tests replay and reorder them).
    pub fn callback_for(&self, reference: &str, status: &str) -> Option<(String, String, String)> {
        let st = self.lock();
        let p = st.payments.get(reference)?;
        let amount = p.data.amount.unwrap_or(0);
        let fee = p.data.fee_customer.unwrap_or(0);
        let body = CallbackBody {
            reference: p.data.reference.clone(),
            merchant_ref: Some(p.data.merchant_ref.clone()),
            payment_method: p.data.payment_name.clone(),
            payment_method_code: p.data.payment_method.clone(),
            total_amount: Some(amount),
            fee_merchant: Some(0),
            fee_customer: Some(fee),
            total_fee: Some(fee),
            amount_received: Some(amount - fee),
            is_closed_payment: Some(1),
            status: status.to_string(),
            paid_at: (status == "PAID").then(|| chrono::Utc::now().timestamp()),
            note: None,
        };
        let raw = serde_json::to_string(&body).ok()?;
        let sig = callback_signature(&st.cfg.private_key, raw.as_bytes());
        Some((raw, sig, p.callback_url.clone().unwrap_or_default()))
    }

    /// Moves a payment to PAID/EXPIRED/FAILED (or a paid one to REFUND) and posts the
    /// signed callback, as Tripay does.
    pub async fn settle(&self, reference: &str, status: &str) -> Result<u16, String> {
        {
            let mut st = self.lock();
            let p = st.payments.get_mut(reference).ok_or("no such payment")?;
            // Tripay refunds a paid payment; every other move starts from UNPAID.
            let from = if status == "REFUND" { "PAID" } else { "UNPAID" };
            if p.data.status != from {
                return Err(format!("payment is already {}", p.data.status));
            }
            p.data.status = status.to_string();
            if status == "PAID" {
                p.data.paid_at = Some(chrono::Utc::now().timestamp());
            }
        }
        self.post_status(reference, status).await
    }

    /// Posts the signed callback for `status` whatever the payment's state: Tripay's
    /// retries, replays and callbacks out of order.
    pub async fn post_status(&self, reference: &str, status: &str) -> Result<u16, String> {
        let (body, sig, url) = self.callback_for(reference, status).ok_or("no such payment")?;
        if url.is_empty() {
            return Err("the payment has no callback URL".into());
        }
        let resp = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-callback-event", "payment_status")
            .header("x-callback-signature", sig)
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        self.lock().callbacks_sent += 1;
        Ok(resp.status().as_u16())
    }
}

fn tripay_error(status: StatusCode, message: &str) -> Response {
    Response::builder()
        .status(status)
        .content_type("application/json")
        .body(json!({"success": false, "message": message}).to_string())
}

fn ok(data: Value) -> Response {
    Response::builder()
        .content_type("application/json")
        .body(json!({"success": true, "message": "", "data": data}).to_string())
}

fn authorised(sim: &TripaySim, req: &Request) -> bool {
    let want = format!("Bearer {}", sim.lock().cfg.api_key);
    req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(want.as_str())
}

#[handler]
fn api_channels(sim: Data<&TripaySim>, req: &Request) -> Response {
    if !authorised(&sim, req) {
        return tripay_error(StatusCode::UNAUTHORIZED, "Invalid API Key");
    }
    ok(json!(sim.lock().channels))
}

#[handler]
async fn api_create(sim: Data<&TripaySim>, req: &Request, body: Body) -> Response {
    if !authorised(&sim, req) {
        return tripay_error(StatusCode::UNAUTHORIZED, "Invalid API Key");
    }
    let bytes = body.into_vec().await.unwrap_or_default();
    let Ok(r) = serde_json::from_slice::<CreateReq>(&bytes) else {
        return tripay_error(StatusCode::BAD_REQUEST, "Invalid request");
    };
    let mut st = sim.lock();
    if st.fail_creates {
        return tripay_error(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    }
    if r.signature != closed_signature(&st.cfg.private_key, &st.cfg.merchant_code, &r.merchant_ref, r.amount) {
        return tripay_error(StatusCode::BAD_REQUEST, "Invalid signature");
    }
    let email_ok = r.customer_email.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.'));
    if !email_ok {
        return tripay_error(StatusCode::BAD_REQUEST, "Invalid customer email");
    }
    if r.order_items.iter().map(|i| i.price * i.quantity).sum::<i64>() != r.amount {
        return tripay_error(StatusCode::BAD_REQUEST, "Total amount of order items does not match the amount");
    }
    if st.payments.values().any(|p| p.data.merchant_ref == r.merchant_ref) {
        return tripay_error(StatusCode::BAD_REQUEST, "Duplicate merchant_ref");
    }
    let Some(ch) = st.channels.iter().find(|c| c.code == r.method && c.active).cloned() else {
        return tripay_error(StatusCode::BAD_REQUEST, "Payment channel is not available");
    };
    if ch.minimum_amount.is_some_and(|m| r.amount < m) || ch.maximum_amount.is_some_and(|m| r.amount > m) {
        return tripay_error(StatusCode::BAD_REQUEST, "Amount is outside the channel's limits");
    }
    let fee = crate::tripay::wire::channel_of(ch.clone()).customer_fee.fee(r.amount);
    let n = st.next;
    st.next += 1;
    let reference = format!("DEV-T{}{:05}", st.cfg.merchant_code.trim_start_matches('T'), n);
    let pay_code = (ch.group == "Virtual Account" || ch.group == "Convenience Store").then(|| format!("8808{:012}", n));
    let qris = ch.code.starts_with("QRIS");
    let data = TxData {
        reference: reference.clone(),
        merchant_ref: r.merchant_ref.clone(),
        payment_method: ch.code.clone(),
        payment_name: ch.name.clone(),
        amount: Some(r.amount + fee),
        fee_merchant: Some(0),
        fee_customer: Some(fee),
        total_fee: Some(fee),
        amount_received: Some(r.amount),
        pay_code,
        pay_url: (ch.kind == "redirect").then(|| format!("{}/{reference}", st.cfg.checkout_base)),
        checkout_url: Some(format!("{}/{reference}", st.cfg.checkout_base)),
        status: "UNPAID".into(),
        expired_time: Some(r.expired_time.unwrap_or_else(|| chrono::Utc::now().timestamp() + 86_400)),
        paid_at: None,
        instructions: Some(vec![Instruction {
            title: format!("Pay with {}", ch.name),
            steps: vec![
                "Open the checkout page.".into(),
                "Press Pay (this is the lapak demo simulator: no money moves).".into(),
            ],
        }]),
        qr_string: qris.then(|| {
            format!("00020101021226670016COM.NOBUBANK.WWW0118936005030000001{reference}5204481253033605802ID")
        }),
        qr_url: qris.then(|| format!("{}/{reference}/qr", st.cfg.checkout_base)),
    };
    st.payments.insert(reference, SimPayment { data: data.clone(), callback_url: r.callback_url });
    ok(json!(data))
}

#[derive(serde::Deserialize)]
struct DetailQuery {
    reference: String,
}

#[handler]
fn api_detail(sim: Data<&TripaySim>, req: &Request, q: Query<DetailQuery>) -> Response {
    if !authorised(&sim, req) {
        return tripay_error(StatusCode::UNAUTHORIZED, "Invalid API Key");
    }
    match sim.lock().payments.get(&q.reference) {
        Some(p) => ok(json!(p.data)),
        None => tripay_error(StatusCode::NOT_FOUND, "Transaction not found"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn rupiah(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp {}{out}", if n < 0 { "-" } else { "" })
}

#[handler]
fn checkout_page(sim: Data<&TripaySim>, Path(reference): Path<String>) -> Response {
    let st = sim.lock();
    let Some(p) = st.payments.get(&reference) else {
        return Response::builder().status(StatusCode::NOT_FOUND).body("payment not found");
    };
    let d = &p.data;
    let unpaid = d.status == "UNPAID";
    let buttons = if unpaid {
        format!(
            r#"<form method="post" action="{r}/pay"><button class="pay">Pay {amt}</button></form>
               <form method="post" action="{r}/expire"><button class="expire">Let it expire</button></form>"#,
            r = escape(&reference),
            amt = rupiah(d.amount.unwrap_or(0)),
        )
    } else {
        String::new()
    };
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Demo checkout {r}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1f2937}}
.card{{border:1px solid #e5e7eb;border-radius:12px;padding:1.5rem}}.muted{{color:#6b7280;font-size:.9rem}}
button{{width:100%;padding:.8rem;border:0;border-radius:8px;font-size:1rem;margin-top:.6rem;cursor:pointer}}
.pay{{background:#059669;color:#fff}}.expire{{background:#f3f4f6}}.status{{font-weight:600}}</style></head>
<body><div class="card"><p class="muted">lapak demo: Tripay simulator. No real money moves.</p>
<h1>{amt}</h1><p>{name} &middot; order <code>{mref}</code></p><p>Reference <code>{r}</code></p>
<p class="status" id="status">Status: {status}</p>{buttons}</div></body></html>"#,
        r = escape(&reference),
        amt = rupiah(d.amount.unwrap_or(0)),
        name = escape(&d.payment_name),
        mref = escape(&d.merchant_ref),
        status = escape(&d.status),
    ))
    .into_response()
}

#[handler]
async fn checkout_action(sim: Data<&TripaySim>, Path((reference, action)): Path<(String, String)>) -> Response {
    let status = match action.as_str() {
        "pay" => "PAID",
        "expire" => "EXPIRED",
        "fail" => "FAILED",
        _ => return Response::builder().status(StatusCode::NOT_FOUND).finish(),
    };
    match sim.settle(&reference, status).await {
        Ok(_) | Err(_) => Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, format!("../{reference}"))
            .finish(),
    }
}

use poem::IntoResponse;

#[allow(clippy::too_many_arguments)]
fn channel(
    group: &str,
    code: &str,
    name: &str,
    kind: &str,
    flat: i64,
    percent_bp: i64,
    min: i64,
    max: i64,
    min_fee: Option<i64>,
) -> ChannelItem {
    let fee = Fee { flat: Some(flat), percent: percent_bp };
    ChannelItem {
        group: group.into(),
        code: code.into(),
        name: name.into(),
        kind: kind.into(),
        fee_merchant: Fee { flat: Some(0), percent: 0 },
        fee_customer: fee.clone(),
        total_fee: fee,
        minimum_fee: min_fee,
        maximum_fee: None,
        minimum_amount: Some(min),
        maximum_amount: Some(max),
        icon_url: format!("https://tripay.co.id/images/payment-channel/{}.png", code.to_lowercase()),
        active: true,
    }
}

/// The standard channel table of providers.md 2.6 (the customer pays the fee).
fn channels() -> Vec<ChannelItem> {
    vec![
        channel("E-Wallet", "QRIS", "QRIS by ShopeePay", "direct", 750, 70, 1_000, 5_000_000, None),
        channel("E-Wallet", "OVO", "OVO", "redirect", 0, 300, 1_000, 10_000_000, Some(1_000)),
        channel("E-Wallet", "DANA", "DANA", "redirect", 0, 300, 1_000, 10_000_000, Some(1_000)),
        channel("E-Wallet", "SHOPEEPAY", "ShopeePay", "redirect", 0, 300, 1_000, 10_000_000, Some(1_000)),
        channel("Virtual Account", "BRIVA", "BRI Virtual Account", "direct", 4_250, 0, 10_000, 10_000_000, None),
        channel("Virtual Account", "BCAVA", "BCA Virtual Account", "direct", 5_500, 0, 10_000, 10_000_000, None),
        channel(
            "Virtual Account",
            "MANDIRIVA",
            "Mandiri Virtual Account",
            "direct",
            4_250,
            0,
            10_000,
            10_000_000,
            None,
        ),
        channel("Virtual Account", "BNIVA", "BNI Virtual Account", "direct", 4_250, 0, 10_000, 10_000_000, None),
        channel("Convenience Store", "ALFAMART", "Alfamart", "direct", 3_500, 0, 10_000, 2_500_000, None),
        channel("Convenience Store", "INDOMARET", "Indomaret", "direct", 3_500, 0, 10_000, 2_500_000, None),
    ]
}
