//! A Digiflazz simulator: an HTTP server that answers `cek-saldo`, `price-list` and
//! `transaction` as Digiflazz does (providers.md part 1). Tests run lapak's real client
//! against it on 127.0.0.1:0, and `lapak serve` uses it in demo mode.
//!
//! Behaviour:
//! - every request's `sign` is checked (wrong sign: rc 41, HTTP 400);
//! - a full price list is served at most once per `pricelist_limit` (else rc 83);
//! - the documented test cases for `xld10`: 087800001230 Sukses (SN 1234567890),
//!   ...1232 Gagal (rc 02), ...1233 Pending then a signed webhook Sukses, ...1234
//!   Pending then a signed webhook Gagal;
//! - any other SKU succeeds with a generated SN, unless the customer number ends in
//!   `9902` (Gagal rc 02), `9954` (rc 54, wrong number), `9903` (Pending, then webhook
//!   Sukses), `9904` (Pending, then webhook Gagal) or `9999` (the answer comes too late:
//!   the order succeeds at the supplier but the caller times out);
//! - the same ref_id again returns that transaction's current state, never a new purchase;
//! - postpaid bills (`pasca` list, inq-pasca / pay-pasca / status-pasca, the documented
//!   test numbers): see [`pasca`];
//! - `inquiry-pln` for a few meters.

mod pasca;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use poem::{
    handler, http::StatusCode, listener::Acceptor, post, web::Data, Body, EndpointExt, IntoResponse, Response, Route,
    Server,
};
use serde_json::{json, Value};

use super::{
    sign, webhook_signature,
    wire::{CekSaldoReq, InquiryPlnReq, PriceItem, PriceListReq, TransactionData, TransactionReq},
};

#[derive(Clone, Debug)]
pub struct SimConfig {
    pub username: String,
    pub api_key: String,
    /// Signs webhooks; empty = webhooks are sent unsigned.
    pub webhook_secret: String,
    /// How long a pending test case waits before its webhook.
    pub pending_delay: Duration,
    /// One full price list per this long (Digiflazz: 5 minutes).
    pub pricelist_limit: Duration,
    /// How long a `...9999` order keeps the caller waiting.
    pub slow_answer: Duration,
    /// Where webhooks go when a request has no `cb_url`.
    pub webhook_url: Option<String>,
    pub deposit: i64,
}

impl SimConfig {
    pub fn demo() -> Self {
        SimConfig {
            username: "demo".into(),
            api_key: "demo-key".into(),
            webhook_secret: "demo-secret".into(),
            pending_delay: Duration::from_secs(5),
            pricelist_limit: Duration::from_secs(300),
            slow_answer: Duration::from_secs(45),
            webhook_url: None,
            deposit: 10_000_000,
        }
    }
}

#[derive(Clone, Debug)]
struct SimTx {
    data: TransactionData,
    final_data: Option<TransactionData>,
}

struct State {
    cfg: SimConfig,
    catalogue: Vec<PriceItem>,
    deposit: i64,
    /// When each kind of full price list (prepaid, pasca) was last served.
    last_full_list: HashMap<String, Instant>,
    txs: HashMap<String, SimTx>,
    /// Every `transaction` request per ref_id.
    calls: HashMap<String, usize>,
    /// When each ref_id was first asked for (latency measurements).
    first_seen: HashMap<String, Instant>,
    purchases: usize,
    webhooks_sent: usize,
    /// Tests' scripts, by ref_id.
    plans: HashMap<String, Plan>,
    /// The last `transaction` request per ref_id, as received.
    last_requests: HashMap<String, TransactionReq>,
    /// `inquiry-pln` requests answered.
    pln_checks: usize,
    pasca_catalogue: Vec<PriceItem>,
    /// Postpaid inquiries by ref_id.
    bills: HashMap<String, pasca::SimBill>,
    /// Tests' bill amounts per period, by customer number.
    bill_amounts: HashMap<String, i64>,
    /// Every postpaid command received: (command, ref_id).
    pasca_log: Vec<(String, String)>,
    /// Inquiries that reached the bill lookup.
    inquiries: usize,
}

/// A test's script for one ref_id: how the supplier behaves when lapak sends it.
#[derive(Clone, Debug)]
pub struct Plan {
    /// What the transaction becomes once the supplier decides.
    pub outcome: Outcome,
    /// Whether the transaction starts pending (decided later by [`SimHandle::resolve`]).
    pub pending: bool,
    /// Replies to successive calls; once used up, each call gets the current state.
    pub replies: std::collections::VecDeque<Reply>,
    /// The price the supplier charges (default: the catalogue's).
    pub price: Option<i64>,
}

impl Plan {
    pub fn new(outcome: Outcome) -> Self {
        Plan { outcome, pending: false, replies: Default::default(), price: None }
    }

    pub fn pending(mut self) -> Self {
        self.pending = true;
        self
    }

    pub fn replies(mut self, replies: impl IntoIterator<Item = Reply>) -> Self {
        self.replies = replies.into_iter().collect();
        self
    }

    pub fn price(mut self, price: i64) -> Self {
        self.price = Some(price);
        self
    }
}

/// The `User-Agent` of prepaid and postpaid webhooks.
const PREPAID_AGENT: &str = "Digiflazz-Hookshot";
const PASCA_AGENT: &str = "Digiflazz-Pasca-Hookshot";

/// The supplier's final word on a scripted transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Sukses (rc 00) with a serial number.
    Deliver,
    /// Gagal with this rc (a "Terbentuk = Ya" code such as 02 or 54).
    Fail(String),
}

/// One reply to one `transaction` call of a scripted ref_id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The transaction's current state (it is created by the first call).
    State,
    /// The call reaches the supplier (the transaction is created) but the answer is lost:
    /// HTTP 504 with an HTML body, as a proxy in between would send.
    Lost,
    /// A refusal of the request itself (rc 45, 41, 42, 83, 85 ...): it says nothing of
    /// the transaction, and creates none.
    Refuse(String),
}

#[derive(Clone)]
pub struct SimHandle {
    state: Arc<Mutex<State>>,
    http: reqwest::Client,
}

/// A running simulator.
pub struct Simulator {
    pub url: String,
    pub handle: SimHandle,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Simulator {
    /// Serves on 127.0.0.1 at a free port; `url` is the base to configure (`.../v1`).
    pub async fn start(cfg: SimConfig) -> std::io::Result<Simulator> {
        let acceptor =
            poem::listener::Listener::into_acceptor(poem::listener::TcpListener::bind("127.0.0.1:0")).await?;
        let addr = acceptor
            .local_addr()
            .into_iter()
            .find_map(|a| a.as_socket_addr().cloned())
            .ok_or_else(|| std::io::Error::other("no local address"))?;
        let handle = SimHandle {
            state: Arc::new(Mutex::new(State {
                deposit: cfg.deposit,
                cfg,
                catalogue: catalogue(),
                last_full_list: HashMap::new(),
                txs: HashMap::new(),
                calls: HashMap::new(),
                first_seen: HashMap::new(),
                purchases: 0,
                webhooks_sent: 0,
                plans: HashMap::new(),
                last_requests: HashMap::new(),
                pln_checks: 0,
                pasca_catalogue: pasca::pasca_catalogue(),
                bills: HashMap::new(),
                bill_amounts: HashMap::new(),
                pasca_log: Vec::new(),
                inquiries: 0,
            })),
            http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("client builds"),
        };
        let app = Route::new()
            .at("/v1/cek-saldo", post(cek_saldo))
            .at("/v1/price-list", post(price_list))
            .at("/v1/transaction", post(transaction))
            .at("/v1/inquiry-pln", post(inquiry_pln))
            .data(handle.clone());
        let server = tokio::spawn(async move {
            let _ = Server::new_with_acceptor(acceptor).run(app).await;
        });
        Ok(Simulator { url: format!("http://{addr}/v1"), handle, server })
    }
}

impl SimHandle {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Changes the catalogue (tests: price moves, delisting, status flips).
    pub fn edit_catalogue(&self, f: impl FnOnce(&mut Vec<PriceItem>)) {
        f(&mut self.lock().catalogue);
    }

    /// Lets the next full price list through at once.
    pub fn reset_pricelist_limit(&self) {
        self.lock().last_full_list.clear();
    }

    /// Sets the amount per period of every bill of a customer number (a bill that
    /// changed after lapak's inquiry).
    pub fn set_bill_amount(&self, customer_no: &str, amount: i64) {
        self.lock().bill_amounts.insert(customer_no.to_string(), amount);
    }

    /// Makes a stored inquiry `days` older (its payment date passes).
    pub fn age_inquiry(&self, ref_id: &str, days: i64) {
        if let Some(b) = self.lock().bills.get_mut(ref_id) {
            b.on -= chrono::Duration::days(days);
        }
    }

    /// The postpaid commands received, in order: (command, ref_id).
    pub fn pasca_log(&self) -> Vec<(String, String)> {
        self.lock().pasca_log.clone()
    }

    /// Postpaid inquiries answered (with a bill or a failure).
    pub fn inquiries(&self) -> usize {
        self.lock().inquiries
    }

    /// Changes the pasca price list.
    pub fn edit_pasca_catalogue(&self, f: impl FnOnce(&mut Vec<PriceItem>)) {
        f(&mut self.lock().pasca_catalogue);
    }

    pub fn set_webhook_url(&self, url: Option<String>) {
        self.lock().cfg.webhook_url = url;
    }

    /// `transaction` requests received for a ref_id.
    pub fn calls_for(&self, ref_id: &str) -> usize {
        self.lock().calls.get(ref_id).copied().unwrap_or(0)
    }

    /// When the first `transaction` request for a ref_id arrived.
    pub fn first_seen(&self, ref_id: &str) -> Option<Instant> {
        self.lock().first_seen.get(ref_id).copied()
    }

    /// Orders created (first request of a ref_id that the supplier accepted).
    pub fn purchases(&self) -> usize {
        self.lock().purchases
    }

    /// `inquiry-pln` requests answered.
    pub fn pln_checks(&self) -> usize {
        self.lock().pln_checks
    }

    pub fn webhooks_sent(&self) -> usize {
        self.lock().webhooks_sent
    }

    pub fn catalogue_len(&self) -> usize {
        self.lock().catalogue.len()
    }

    pub fn pasca_catalogue_len(&self) -> usize {
        self.lock().pasca_catalogue.len()
    }

    /// Scripts how the supplier treats a ref_id (before lapak sends it).
    pub fn plan(&self, ref_id: &str, plan: Plan) {
        self.lock().plans.insert(ref_id.to_string(), plan);
    }

    /// Adds replies to a ref_id's script (an unscripted ref_id gets a delivering plan).
    pub fn push_replies(&self, ref_id: &str, replies: impl IntoIterator<Item = Reply>) {
        let mut st = self.lock();
        let plan = st.plans.entry(ref_id.to_string()).or_insert_with(|| Plan::new(Outcome::Deliver));
        plan.replies.extend(replies);
    }

    /// Every ref_id lapak has sent a `transaction` request for.
    pub fn ref_ids(&self) -> Vec<String> {
        self.lock().calls.keys().cloned().collect()
    }

    /// The last `transaction` request lapak sent for a ref_id.
    pub fn last_request(&self, ref_id: &str) -> Option<TransactionReq> {
        self.lock().last_requests.get(ref_id).cloned()
    }

    /// What the supplier holds for a ref_id: "Sukses", "Gagal", "Pending", or None when
    /// no transaction was created. This is the truth tests compare lapak with.
    pub fn truth(&self, ref_id: &str) -> Option<String> {
        let st = self.lock();
        let tx = st.txs.get(ref_id)?;
        Some(tx.final_data.as_ref().unwrap_or(&tx.data).status.clone())
    }

    /// Decides a pending scripted transaction with its plan's outcome and, when
    /// `webhook`, posts the signed webhook and waits for lapak's answer (its HTTP status).
    /// None when there is nothing pending to decide.
    pub async fn resolve(&self, ref_id: &str, webhook: bool) -> Option<u16> {
        let (fin, target) = {
            let mut st = self.lock();
            let outcome = st.plans.get(ref_id).map(|p| p.outcome.clone()).unwrap_or(Outcome::Deliver);
            let current = st.txs.get(ref_id)?.clone();
            if current.final_data.is_some() || current.data.status != "Pending" {
                return None;
            }
            let price = current.data.price.unwrap_or(0);
            let fin = decided(&mut st, &current.data, &outcome, price);
            st.txs.get_mut(ref_id).expect("present").final_data = Some(fin.clone());
            (fin, st.cfg.webhook_url.clone())
        };
        if !webhook {
            return Some(0);
        }
        self.post_webhook(&fin, target.as_deref()).await
    }

    /// Posts the signed webhook of a ref_id's current state again (a replay), and
    /// returns lapak's HTTP status.
    pub async fn send_webhook(&self, ref_id: &str) -> Option<u16> {
        let (data, target) = {
            let st = self.lock();
            let tx = st.txs.get(ref_id)?;
            (tx.final_data.clone().unwrap_or_else(|| tx.data.clone()), st.cfg.webhook_url.clone())
        };
        self.post_webhook(&data, target.as_deref()).await
    }

    async fn post_webhook(&self, data: &TransactionData, target: Option<&str>) -> Option<u16> {
        let url = target?;
        let secret = self.lock().cfg.webhook_secret.clone();
        let body = json!({ "data": data }).to_string();
        let mut req = self
            .http
            .post(url)
            .header("content-type", "application/json")
            .header("user-agent", if data.desc.is_some() { PASCA_AGENT } else { PREPAID_AGENT })
            .header("x-digiflazz-event", "update")
            .header("x-digiflazz-delivery", ulid::Ulid::generate().to_string());
        if !secret.is_empty() {
            req = req.header("x-hub-signature", webhook_signature(&secret, body.as_bytes()));
        }
        let resp = req.body(body).send().await.ok()?;
        self.lock().webhooks_sent += 1;
        Some(resp.status().as_u16())
    }
}

/// A scripted transaction's final answer; a delivery takes the price from the deposit.
fn decided(st: &mut State, base: &TransactionData, outcome: &Outcome, price: i64) -> TransactionData {
    match outcome {
        Outcome::Deliver => {
            st.deposit -= price;
            TransactionData {
                message: "Transaksi Sukses".into(),
                status: "Sukses".into(),
                rc: "00".into(),
                sn: serial_for(&base.buyer_sku_code, &base.customer_no, &base.ref_id),
                buyer_last_saldo: Some(st.deposit),
                ..base.clone()
            }
        }
        Outcome::Fail(rc) => TransactionData {
            message: "Transaksi Gagal".into(),
            status: "Gagal".into(),
            rc: rc.clone(),
            sn: String::new(),
            buyer_last_saldo: Some(st.deposit),
            ..base.clone()
        },
    }
}

/// A request for a scripted ref_id: the next reply of its plan.
fn scripted(st: &mut State, req: &TransactionReq) -> Response {
    let reply = st.plans.get_mut(&req.ref_id).and_then(|p| p.replies.pop_front()).unwrap_or(Reply::State);
    if let Reply::Refuse(rc) = &reply {
        let message = match rc.as_str() {
            "41" => "Signature tidak valid",
            "42" => "Gagal memproses API Buyer",
            "45" => "IP Anda tidak kami kenali",
            "83" => "Anda telah mencapai limitasi pengecekan",
            "85" => "Limitasi transaksi, coba 1 menit lagi",
            _ => "Permintaan ditolak",
        };
        return rc_error(rc, message);
    }
    if !st.txs.contains_key(&req.ref_id) {
        let plan = st.plans.get(&req.ref_id).cloned().expect("a scripted ref_id has a plan");
        let catalogue_price =
            st.catalogue.iter().find(|i| i.buyer_sku_code == req.buyer_sku_code).and_then(|i| i.price);
        let price = plan.price.or(catalogue_price).unwrap_or(0);
        if req.max_price.is_some_and(|m| price > m) {
            return rc_error("69", "Harga seller lebih besar dari ketentuan harga Buyer");
        }
        st.purchases += 1;
        let base = TransactionData {
            ref_id: req.ref_id.clone(),
            customer_no: req.customer_no.clone(),
            buyer_sku_code: req.buyer_sku_code.clone(),
            price: Some(price),
            tele: "@lapak_simulator".into(),
            wa: "081234512345".into(),
            trx_id: format!("SIM{}", st.purchases),
            ..Default::default()
        };
        let data = if plan.pending {
            TransactionData {
                message: "Transaksi Pending".into(),
                status: "Pending".into(),
                rc: "03".into(),
                buyer_last_saldo: Some(st.deposit),
                ..base
            }
        } else {
            decided(st, &base, &plan.outcome, price)
        };
        st.txs.insert(req.ref_id.clone(), SimTx { data, final_data: None });
    }
    let tx = st.txs.get(&req.ref_id).expect("created above");
    let current = tx.final_data.clone().unwrap_or_else(|| tx.data.clone());
    if current.buyer_sku_code != req.buyer_sku_code || current.customer_no != req.customer_no {
        return rc_error("49", "Ref ID tidak unik");
    }
    match reply {
        Reply::Lost => Response::builder()
            .status(StatusCode::GATEWAY_TIMEOUT)
            .content_type("text/html")
            .body("<html><body><h1>504 Gateway Time-out</h1></body></html>"),
        _ => answer(StatusCode::OK, json!({ "data": current })),
    }
}

fn answer(status: StatusCode, body: Value) -> Response {
    Response::builder().status(status).content_type("application/json").body(body.to_string())
}

fn rc_error(rc: &str, message: &str) -> Response {
    answer(StatusCode::BAD_REQUEST, json!({"data": {"rc": rc, "message": message, "status": "Gagal"}}))
}

/// Digiflazz's answer to a wrong username (rc 42) or signature (rc 41; `sign` is
/// md5(username + key + `suffix`)), or None for a caller it knows.
fn refuse_caller(cfg: &SimConfig, username: &str, signature: &str, suffix: &str) -> Option<Response> {
    if username != cfg.username {
        return Some(rc_error("42", "Gagal memproses API Buyer"));
    }
    if signature != sign(&cfg.username, &cfg.api_key, suffix) {
        return Some(rc_error("41", "Signature tidak valid"));
    }
    None
}

/// The request body, or the error answer the real API gives (a simulator's whole reply).
#[allow(clippy::result_large_err)]
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|_| rc_error("40", "Payload Error"))
}

#[handler]
async fn cek_saldo(sim: Data<&SimHandle>, body: Body) -> Response {
    let bytes = body.into_vec().await.unwrap_or_default();
    let req: CekSaldoReq = match parse(&bytes) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let st = sim.lock();
    if let Some(refused) = refuse_caller(&st.cfg, &req.username, &req.sign, "depo") {
        return refused;
    }
    answer(StatusCode::OK, json!({"data": {"deposit": st.deposit}}))
}

/// The meters the simulator knows: number, name, tariff/power.
const PLN_METERS: [(&str, &str, &str); 3] = [
    ("12345678901", "BUDI SANTOSO", "R1 /000001300"),
    ("32100000001", "SARI DEWI", "R1M /000000900"),
    ("56200000002", "TOKO MAKMUR JAYA", "B1 /000002200"),
];

/// `inquiry-pln`: a known meter's owner; a number ending in 0086 gets rc 86 (too many
/// checks); any other number is not found.
#[handler]
async fn inquiry_pln(sim: Data<&SimHandle>, body: Body) -> Response {
    let bytes = body.into_vec().await.unwrap_or_default();
    let req: InquiryPlnReq = match parse(&bytes) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut st = sim.lock();
    if let Some(refused) = refuse_caller(&st.cfg, &req.username, &req.sign, &req.customer_no) {
        return refused;
    }
    st.pln_checks += 1;
    let fail = |rc: &str, message: &str| {
        answer(
            StatusCode::OK,
            json!({"data": {"message": message, "status": "Gagal", "rc": rc, "customer_no": req.customer_no}}),
        )
    };
    if req.customer_no.ends_with("0086") {
        return fail("86", "Limitasi pengecekan nomor PLN");
    }
    match PLN_METERS.iter().find(|(m, _, _)| *m == req.customer_no) {
        Some((meter, name, segment)) => answer(
            StatusCode::OK,
            json!({"data": {"message": "Transaksi Sukses", "status": "Sukses", "rc": "00", "customer_no": meter,
                            "meter_no": meter, "subscriber_id": format!("5{}", &meter[1..]), "name": name,
                            "segment_power": segment}}),
        ),
        None => fail("54", "Nomor Tujuan Salah"),
    }
}

#[handler]
async fn price_list(sim: Data<&SimHandle>, body: Body) -> Response {
    let bytes = body.into_vec().await.unwrap_or_default();
    let req: PriceListReq = match parse(&bytes) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut st = sim.lock();
    if let Some(refused) = refuse_caller(&st.cfg, &req.username, &req.sign, "pricelist") {
        return refused;
    }
    if req.cmd != "prepaid" && req.cmd != "pasca" {
        return rc_error("40", "Payload Error");
    }
    let filtered = req.code.is_some() || req.category.is_some() || req.brand.is_some() || req.kind.is_some();
    if !filtered {
        let limit = st.cfg.pricelist_limit;
        if st.last_full_list.get(&req.cmd).is_some_and(|t| t.elapsed() < limit) {
            return answer(
                StatusCode::OK,
                json!({"data": {"rc": "83", "message": "Anda telah mencapai limitasi pengecekan pricelist, silahkan coba beberapa saat lagi"}}),
            );
        }
        st.last_full_list.insert(req.cmd.clone(), Instant::now());
    }
    let list = if req.cmd == "pasca" { &st.pasca_catalogue } else { &st.catalogue };
    let items: Vec<&PriceItem> = list
        .iter()
        .filter(|i| req.code.as_ref().is_none_or(|c| &i.buyer_sku_code == c))
        .filter(|i| req.category.as_ref().is_none_or(|c| i.category.eq_ignore_ascii_case(c)))
        .filter(|i| req.brand.as_ref().is_none_or(|b| i.brand.eq_ignore_ascii_case(b)))
        .filter(|i| req.kind.as_ref().is_none_or(|k| i.kind.eq_ignore_ascii_case(k)))
        .collect();
    answer(StatusCode::OK, json!({ "data": items }))
}

/// What a new order's customer number asks for.
enum Script {
    Success,
    Fail(&'static str, &'static str),
    PendingThen(bool),
    Slow,
}

fn script_for(sku: &str, customer_no: &str) -> Script {
    match (sku, customer_no) {
        ("xld10", "087800001230") => Script::Success,
        ("xld10", "087800001232") => Script::Fail("02", "Transaksi Gagal"),
        ("xld10", "087800001233") => Script::PendingThen(true),
        ("xld10", "087800001234") => Script::PendingThen(false),
        _ if customer_no.ends_with("9902") => Script::Fail("02", "Transaksi Gagal"),
        _ if customer_no.ends_with("9954") => Script::Fail("54", "Nomor Tujuan Salah"),
        _ if customer_no.ends_with("9903") => Script::PendingThen(true),
        _ if customer_no.ends_with("9904") => Script::PendingThen(false),
        _ if customer_no.ends_with("9999") => Script::Slow,
        _ => Script::Success,
    }
}

fn serial_for(sku: &str, customer_no: &str, ref_id: &str) -> String {
    if sku == "xld10" && customer_no == "087800001230" {
        return "1234567890".into();
    }
    // A stable, plausible serial: digits derived from the ref_id.
    let digest = sign("sn", sku, ref_id);
    let digits: String = digest.bytes().map(|b| char::from(b'0' + b % 10)).take(20).collect();
    if sku.starts_with("pln") {
        digits.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    } else {
        digits
    }
}

#[handler]
async fn transaction(sim: Data<&SimHandle>, body: Body) -> Response {
    let bytes = body.into_vec().await.unwrap_or_default();
    let req: TransactionReq = match parse(&bytes) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let sim = sim.0.clone();
    let (resp, slow, webhook) = {
        let mut st = sim.lock();
        if let Some(refused) = refuse_caller(&st.cfg, &req.username, &req.sign, &req.ref_id) {
            return refused;
        }
        *st.calls.entry(req.ref_id.clone()).or_default() += 1;
        st.first_seen.entry(req.ref_id.clone()).or_insert_with(Instant::now);
        st.last_requests.insert(req.ref_id.clone(), req.clone());
        if let Some(command) = req.commands.clone() {
            let today = crate::clock::jakarta_date(chrono::Utc::now());
            let (resp, later) = pasca::handle(&mut st, &req, &command, today);
            let delay = st.cfg.pending_delay;
            drop(st);
            if let Some((fin, target)) = later {
                let sim = sim.clone();
                tokio::spawn(async move { sim.finish_later(fin, target, delay, PASCA_AGENT).await });
            }
            return resp;
        }
        if st.plans.contains_key(&req.ref_id) {
            return scripted(&mut st, &req);
        }

        // The same ref_id: the current state of that order.
        if let Some(tx) = st.txs.get(&req.ref_id) {
            let current = tx.final_data.clone().unwrap_or_else(|| tx.data.clone());
            if current.buyer_sku_code != req.buyer_sku_code || current.customer_no != req.customer_no {
                return rc_error("49", "Ref ID tidak unik");
            }
            return answer(StatusCode::OK, json!({ "data": current }));
        }

        let Some(item) = st.catalogue.iter().find(|i| i.buyer_sku_code == req.buyer_sku_code).cloned() else {
            return rc_error("43", "SKU tidak di temukan atau Non-Aktif");
        };
        if item.buyer_product_status != Some(true) || item.seller_product_status != Some(true) {
            return rc_error("43", "SKU tidak di temukan atau Non-Aktif");
        }
        let price = item.price.unwrap_or(0);
        if req.max_price.is_some_and(|m| price > m) {
            return rc_error("69", "Harga seller lebih besar dari ketentuan harga Buyer");
        }
        if st.deposit < price {
            return rc_error("44", "Saldo tidak cukup");
        }
        let base = TransactionData {
            ref_id: req.ref_id.clone(),
            customer_no: req.customer_no.clone(),
            buyer_sku_code: req.buyer_sku_code.clone(),
            price: Some(price),
            tele: "@lapak_simulator".into(),
            wa: "081234512345".into(),
            trx_id: format!("SIM{}", st.purchases + 1),
            ..Default::default()
        };
        let success = |st: &mut State, base: &TransactionData| {
            st.deposit -= price;
            TransactionData {
                message: "Transaksi Sukses".into(),
                status: "Sukses".into(),
                rc: "00".into(),
                sn: serial_for(&req.buyer_sku_code, &req.customer_no, &req.ref_id),
                buyer_last_saldo: Some(st.deposit),
                ..base.clone()
            }
        };
        let failed = |st: &State, base: &TransactionData, rc: &str, msg: &str| TransactionData {
            message: msg.into(),
            status: "Gagal".into(),
            rc: rc.into(),
            buyer_last_saldo: Some(st.deposit),
            ..base.clone()
        };
        st.purchases += 1;
        match script_for(&req.buyer_sku_code, &req.customer_no) {
            Script::Success => {
                let d = success(&mut st, &base);
                st.txs.insert(req.ref_id.clone(), SimTx { data: d.clone(), final_data: None });
                (answer(StatusCode::OK, json!({ "data": d })), None, None)
            }
            Script::Fail(rc, msg) => {
                let d = failed(&st, &base, rc, msg);
                st.txs.insert(req.ref_id.clone(), SimTx { data: d.clone(), final_data: None });
                (answer(StatusCode::OK, json!({ "data": d })), None, None)
            }
            Script::PendingThen(ok) => {
                let pending = TransactionData {
                    message: "Transaksi Pending".into(),
                    status: "Pending".into(),
                    rc: "03".into(),
                    buyer_last_saldo: Some(st.deposit),
                    ..base.clone()
                };
                let fin = if ok { success(&mut st, &base) } else { failed(&st, &base, "02", "Transaksi Gagal") };
                st.txs.insert(req.ref_id.clone(), SimTx { data: pending.clone(), final_data: None });
                let target = req.cb_url.clone().or_else(|| st.cfg.webhook_url.clone());
                (answer(StatusCode::OK, json!({ "data": pending })), None, Some((fin, target, st.cfg.pending_delay)))
            }
            Script::Slow => {
                let d = success(&mut st, &base);
                st.txs.insert(req.ref_id.clone(), SimTx { data: d.clone(), final_data: None });
                (answer(StatusCode::OK, json!({ "data": d })), Some(st.cfg.slow_answer), None)
            }
        }
    };
    if let Some((fin, target, delay)) = webhook {
        let sim = sim.clone();
        tokio::spawn(async move { sim.finish_later(fin, target, delay, PREPAID_AGENT).await });
    }
    if let Some(wait) = slow {
        tokio::time::sleep(wait).await;
    }
    resp.into_response()
}

impl SimHandle {
    /// Settles a pending order after `delay` and posts the signed webhook.
    async fn finish_later(&self, fin: TransactionData, target: Option<String>, delay: Duration, agent: &str) {
        tokio::time::sleep(delay).await;
        let (secret, ref_id) = {
            let mut st = self.lock();
            if let Some(tx) = st.txs.get_mut(&fin.ref_id) {
                tx.final_data = Some(fin.clone());
            }
            (st.cfg.webhook_secret.clone(), fin.ref_id.clone())
        };
        let Some(url) = target else {
            return;
        };
        let body = json!({ "data": fin }).to_string();
        let mut req = self
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("user-agent", agent)
            .header("x-digiflazz-event", "update")
            .header("x-digiflazz-delivery", ulid::Ulid::generate().to_string());
        if !secret.is_empty() {
            req = req.header("x-hub-signature", webhook_signature(&secret, body.as_bytes()));
        }
        match req.body(body).send().await {
            Ok(_) => self.lock().webhooks_sent += 1,
            Err(e) => tracing::warn!(%ref_id, error = %e, "simulator: webhook delivery failed"),
        }
    }
}

/// One prepaid SKU as Digiflazz lists it: on sale, unlimited stock, no cut-off.
pub fn prepaid_item(category: &str, brand: &str, sku: String, name: String, price: i64, desc: &str) -> PriceItem {
    PriceItem {
        product_name: name,
        category: category.into(),
        brand: brand.into(),
        kind: "Umum".into(),
        seller_name: "Si***".into(),
        price: Some(price),
        buyer_sku_code: sku,
        buyer_product_status: Some(true),
        seller_product_status: Some(true),
        unlimited_stock: Some(true),
        stock: Some(0),
        multi: Some(true),
        start_cut_off: "0:0".into(),
        end_cut_off: "0:0".into(),
        desc: desc.into(),
        admin: None,
        commission: None,
    }
}

/// A realistic prepaid price list: 100+ SKUs over Games, Pulsa, Data, E-Money and PLN.
pub fn catalogue() -> Vec<PriceItem> {
    let mut out = Vec::new();
    let mut add = |category: &str, brand: &str, sku: String, name: String, price: i64, desc: &str| {
        out.push(prepaid_item(category, brand, sku, name, price, desc));
    };
    /// (brand, category, SKU prefix, [(amount, price)]).
    type Game<'a> = (&'a str, &'a str, &'a str, &'a [(i64, i64)]);
    let games: [Game; 4] = [
        (
            "MOBILE LEGENDS",
            "ml",
            "Diamonds",
            &[
                (5, 1_380),
                (12, 3_300),
                (28, 7_700),
                (36, 9_900),
                (59, 16_200),
                (74, 20_300),
                (86, 23_600),
                (170, 46_600),
                (172, 47_200),
                (257, 70_500),
                (344, 94_300),
                (429, 117_600),
                (514, 140_900),
                (706, 193_500),
            ],
        ),
        (
            "FREE FIRE",
            "ff",
            "Diamond",
            &[(5, 850), (12, 1_850), (50, 6_950), (70, 9_500), (140, 18_900), (355, 47_500), (720, 94_000)],
        ),
        ("PUBG MOBILE", "pubg", "UC", &[(60, 14_200), (325, 70_500), (660, 140_000), (1800, 350_000)]),
        ("GENSHIN IMPACT", "gi", "Genesis Crystals", &[(60, 13_200), (330, 64_000), (1090, 198_000)]),
    ];
    for (brand, code, unit, denoms) in games {
        for (qty, price) in denoms {
            add(
                "Games",
                brand,
                format!("{code}{qty}"),
                format!("{brand} {qty} {unit}"),
                *price,
                "Masukkan User ID dan Zone ID",
            );
        }
    }
    let operators = [
        ("TELKOMSEL", "tsel", 200),
        ("INDOSAT", "isat", 150),
        ("XL", "xld", 0),
        ("AXIS", "axis", 100),
        ("TRI", "three", 120),
        ("SMARTFREN", "sf", 80),
        ("by.U", "byu", 90),
    ];
    for (brand, code, extra) in operators {
        for nominal in [5_000, 10_000, 20_000, 25_000, 50_000, 100_000] {
            let k = nominal / 1000;
            let price = nominal + 150 + extra + if brand == "XL" && nominal == 10_000 { -150 } else { 0 };
            add("Pulsa", brand, format!("{code}{k}"), format!("{brand} {nominal}"), price, "Pulsa reguler");
        }
    }
    for (brand, code) in [("TELKOMSEL", "tseldata"), ("XL", "xldata"), ("INDOSAT", "isatdata")] {
        for (gb, price) in [(1, 12_500), (3, 27_000), (10, 62_000), (25, 98_000)] {
            add(
                "Data",
                brand,
                format!("{code}{gb}"),
                format!("{brand} Data {gb}GB 30 Hari"),
                price,
                "Kuota utama 30 hari",
            );
        }
    }
    for (brand, code, fee) in [
        ("DANA", "dana", 1_000),
        ("OVO", "ovo", 1_200),
        ("GO PAY", "gopay", 1_100),
        ("SHOPEE PAY", "spay", 1_000),
        ("LinkAja", "linkaja", 1_300),
    ] {
        for nominal in [10_000, 20_000, 50_000, 100_000] {
            let k = nominal / 1000;
            add(
                "E-Money",
                brand,
                format!("{code}{k}"),
                format!("{brand} {nominal}"),
                nominal + fee,
                "Saldo masuk otomatis",
            );
        }
    }
    for nominal in [20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000] {
        let k = nominal / 1000;
        add("PLN", "PLN", format!("pln{k}"), format!("Token PLN {nominal}"), nominal + 1_500, "Token listrik prabayar");
    }
    // Realistic oddities: a SKU the seller switched off, one out of stock, and a nightly
    // cut-off window.
    if let Some(i) = out.iter_mut().find(|i| i.buyer_sku_code == "gi1090") {
        i.seller_product_status = Some(false);
    }
    if let Some(i) = out.iter_mut().find(|i| i.buyer_sku_code == "pubg1800") {
        i.unlimited_stock = Some(false);
        i.stock = Some(0);
    }
    if let Some(i) = out.iter_mut().find(|i| i.buyer_sku_code == "pln1000") {
        i.start_cut_off = "23:45".into();
        i.end_cut_off = "0:15".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_is_big_and_varied() {
        let c = catalogue();
        assert!(c.len() >= 60, "{}", c.len());
        for cat in ["Games", "Pulsa", "Data", "E-Money", "PLN"] {
            assert!(c.iter().any(|i| i.category == cat), "{cat}");
        }
        for brand in ["MOBILE LEGENDS", "FREE FIRE", "TELKOMSEL", "XL", "DANA", "OVO", "PLN"] {
            assert!(c.iter().any(|i| i.brand == brand), "{brand}");
        }
        let xld10 = c.iter().find(|i| i.buyer_sku_code == "xld10").unwrap();
        assert_eq!(xld10.price, Some(10_000));
        let mut skus: Vec<_> = c.iter().map(|i| &i.buyer_sku_code).collect();
        skus.sort();
        skus.dedup();
        assert_eq!(skus.len(), c.len(), "SKUs are unique");
    }
}
