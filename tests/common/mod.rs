//! Starts the real app on a temporary database and 127.0.0.1:0, with helpers to call it.
#![allow(dead_code)]

pub mod binary;
pub mod scenario;

use std::time::Duration;

use figment::{providers::Serialized, Figment};
use lapak::{
    boot::{self, Boot, Running},
    digiflazz::simulator::{SimConfig, Simulator},
    jobs::schedule::Task,
    tripay::simulator::{TripaySimConfig, TripaySimServer},
    App, Config,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tempfile::TempDir;

pub struct TestApp {
    pub base: String,
    pub app: App,
    /// The fake Digiflazz this app talks to.
    pub digiflazz: Simulator,
    /// The fake Tripay.
    pub tripay: TripaySimServer,
    pub client: reqwest::Client,
    pub dir: TempDir,
    /// Without the job worker: the test runs fulfilment itself (see `spawn_manual`).
    manual: bool,
    config: Config,
    /// Started by `lapak::boot`, as `lapak serve` starts: schedules, dispatchers,
    /// catch-up and the server.
    running: Option<Running>,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Resp {
    /// Reads a response the test sent itself.
    pub async fn from(resp: reqwest::Response) -> Resp {
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Resp { status, headers, body }
    }

    /// Asserts the uniform error body and returns its code.
    pub fn error_code(&self) -> &str {
        assert!(self.status.is_client_error() || self.status.is_server_error(), "not an error: {:?}", self.body);
        assert_eq!(self.body["status"].as_u64(), Some(u64::from(self.status.as_u16())), "body: {}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()), "body: {}", self.body);
        self.body["code"].as_str().expect("error body has a code")
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|f| f).await
    }

    /// `tweak` layers settings over the test defaults.
    pub async fn spawn_with(tweak: impl FnOnce(Figment) -> Figment) -> TestApp {
        Self::spawn_full(SimConfig { pending_delay: Duration::from_millis(300), ..SimConfig::demo() }, tweak).await
    }

    /// With a simulator configured by the test.
    pub async fn spawn_full(sim: SimConfig, tweak: impl FnOnce(Figment) -> Figment) -> TestApp {
        Self::start(sim, tweak, false).await
    }

    /// The real app without its background job worker and schedules: nothing talks to
    /// the supplier until the test runs the fulfilment job itself, so a test decides the
    /// order of every event (the randomized model test).
    pub async fn spawn_manual(tweak: impl FnOnce(Figment) -> Figment) -> TestApp {
        let quiet = |f: Figment| {
            let mut f = f;
            for task in Task::ALL {
                f = f.merge(Serialized::default(&format!("schedule.{}", task.name()), ""));
            }
            tweak(f)
        };
        Self::start(SimConfig { pending_delay: Duration::from_millis(300), ..SimConfig::demo() }, quiet, true).await
    }

    async fn start(sim: SimConfig, tweak: impl FnOnce(Figment) -> Figment, manual: bool) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let acceptor = lapak::http::bind("127.0.0.1:0").await.expect("bind");
        let addr = poem::listener::Acceptor::local_addr(&acceptor)
            .into_iter()
            .find_map(|a| a.as_socket_addr().cloned())
            .expect("a socket address");
        let base = format!("http://{addr}");
        let sim_cfg = SimConfig { webhook_url: Some(format!("{base}/api/v1/webhooks/digiflazz")), ..sim };
        let digiflazz = Simulator::start(sim_cfg.clone()).await.expect("simulator starts");
        let tripay_cfg = TripaySimConfig {
            api_key: "DEV-test-key".into(),
            private_key: "test-private-key".into(),
            merchant_code: "T0042".into(),
            checkout_base: String::new(),
        };
        let tripay = TripaySimServer::start(tripay_cfg.clone()).await.expect("tripay simulator starts");
        let figment = Figment::from(Serialized::defaults(Config::default()))
            .merge(Serialized::default("database.path", dir.path().join("lapak.db")))
            .merge(Serialized::default("server.host", "127.0.0.1"))
            .merge(Serialized::default("server.port", addr.port()))
            .merge(Serialized::default("server.public_url", base.clone()))
            .merge(Serialized::default("auth.registrations_per_minute", 10_000))
            .merge(Serialized::default("auth.login_attempts_per_minute", 10_000))
            .merge(Serialized::default("limits.checkout_per_minute", 100_000))
            // Tests buy the same item for the same number again and again; the repeat
            // guard has its own test (tests/orders.rs), which turns it back on.
            .merge(Serialized::default("orders.duplicate_window_hours", 0))
            .merge(Serialized::default("limits.order_lookup_per_minute", 100_000))
            .merge(Serialized::default("limits.lookup_per_minute", 100_000))
            .merge(Serialized::default("limits.webhook_per_minute", 100_000))
            .merge(Serialized::default("limits.webhook_failures_per_minute", 100_000))
            .merge(Serialized::default("limits.password_reset_per_minute", 100_000))
            .merge(Serialized::default("limits.bill_inquiry_per_minute", 100_000))
            .merge(Serialized::default("limits.bill_inquiry_per_number_per_minute", 100_000))
            .merge(Serialized::default("digiflazz.username", sim_cfg.username.clone()))
            .merge(Serialized::default("digiflazz.api_key", sim_cfg.api_key.clone()))
            .merge(Serialized::default("digiflazz.webhook_secret", sim_cfg.webhook_secret.clone()))
            .merge(Serialized::default("digiflazz.base_url", digiflazz.url.clone()))
            .merge(Serialized::default("digiflazz.timeout_secs", 2))
            .merge(Serialized::default("database.queue_path", dir.path().join("queue.db")))
            .merge(Serialized::default("storage.uploads_dir", dir.path().join("uploads")))
            .merge(Serialized::default("tripay.api_key", tripay_cfg.api_key.clone()))
            .merge(Serialized::default("tripay.private_key", tripay_cfg.private_key.clone()))
            .merge(Serialized::default("tripay.merchant_code", tripay_cfg.merchant_code.clone()))
            .merge(Serialized::default("tripay.base_url", tripay.url.clone()))
            .merge(Serialized::default("orders.recheck_min_secs", 1))
            .merge(Serialized::default("schedule.product_sync", ""))
            .merge(Serialized::default("log.level", "warn"));
        let config = Config::from_figment(tweak(figment)).expect("test config is valid");
        lapak::telemetry::init(&config.log);
        let kept = config.clone();
        let running =
            boot::start(config, acceptor, Boot { worker: !manual, ..Boot::default() }, std::future::pending())
                .await
                .expect("lapak boots");
        let app = running.app.clone();
        TestApp {
            base,
            app,
            digiflazz,
            tripay,
            client: reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap(),
            dir,
            manual,
            config: kept,
            running: Some(running),
        }
    }

    /// Stops the app and starts a new one on the same database and port (manual mode
    /// only), booted the way `lapak serve` boots: everything not in the database is
    /// gone, as after a real restart, and the start-up catch-up runs.
    pub async fn restart(&mut self) {
        assert!(self.manual, "restart is for apps started with spawn_manual");
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        let offset = self.app.clock.offset();
        let addr = self.base.trim_start_matches("http://").to_string();
        let mut acceptor = None;
        for _ in 0..50 {
            match lapak::http::bind(&addr).await {
                Ok(a) => {
                    acceptor = Some(a);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        let acceptor = acceptor.expect("the port is free again");
        // The new process starts with the same idea of "now" as the old one ended with.
        let config = self.config.clone();
        let boot = Boot { worker: false, clock_offset: offset, ..Boot::default() };
        let running = boot::start(config, acceptor, boot, std::future::pending()).await.expect("lapak boots again");
        self.app = running.app.clone();
        self.running = Some(running);
    }

    /// Moves the app's clock forward (what tests do instead of sleeping or back-dating
    /// rows: deadlines, token expiry, supplier re-check gaps).
    pub fn advance(&self, by: chrono::Duration) {
        self.app.clock.advance(by);
    }

    /// Moves the app's clock to the next time it is `hh:mm` in Asia/Jakarta.
    pub fn advance_to_jakarta(&self, hh: u32, mm: u32) {
        let now = self.app.clock.now().with_timezone(&chrono_tz::Asia::Jakarta);
        let target = now.date_naive().and_hms_opt(hh, mm, 0).expect("a valid time");
        let mut at =
            chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Jakarta, &target).single().expect("no DST");
        if at <= now {
            at += chrono::Duration::days(1);
        }
        self.app.clock.advance(at.signed_duration_since(now));
    }

    /// Runs one scheduled job now (after moving the clock, instead of waiting for it).
    pub async fn run_task(&self, task: Task) {
        task.run(&self.app).await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        let mut rb = self.client.request(method, self.url(path));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Resp { status, headers, body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Registers a retail customer; returns (token, user id).
    pub async fn register(&self, email: &str, phone: &str) -> (String, i64) {
        let r = self
            .post(
                "/api/v1/auth/register",
                None,
                json!({"name": "Test User", "email": email, "phone": phone, "password": "rahasia-123"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "register: {}", r.body);
        (r.body["token"].as_str().unwrap().to_string(), r.body["user"]["id"].as_i64().unwrap())
    }

    /// Creates an admin the way `lapak create-admin` does and logs it in.
    pub async fn admin(&self) -> String {
        let db = self.app.db.clone();
        tokio::task::spawn_blocking(move || {
            let hash = lapak::accounts::service::hash_password_blocking("admin-pass-123").unwrap();
            lapak::accounts::service::create_admin(&db, "admin@example.com", "Admin", &hash).unwrap();
        })
        .await
        .unwrap();
        self.login("admin@example.com", "admin-pass-123").await
    }

    pub async fn login(&self, identifier: &str, password: &str) -> String {
        let r = self.post("/api/v1/auth/login", None, json!({"identifier": identifier, "password": password})).await;
        assert_eq!(r.status, StatusCode::OK, "login: {}", r.body);
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Makes a registered user a reseller through the admin API.
    pub async fn make_reseller(&self, admin: &str, user_id: i64) {
        let r = self
            .patch(&format!("/api/v1/admin/users/{user_id}"), Some(admin), json!({"customer_type": "reseller"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "promote: {}", r.body);
    }

    /// Runs SQL directly on the app's database (to set up states an API cannot reach yet).
    pub async fn sql(&self, sql: &str) {
        let sql = sql.to_string();
        self.app.db.write(move |tx| tx.execute_batch(&sql).map_err(lapak::db::DbError::from)).await.expect("sql runs");
    }

    /// Runs a query returning one integer.
    pub async fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.app
            .db
            .read(move |c| c.query_row(&sql, [], |r| r.get(0)).map_err(lapak::db::DbError::from))
            .await
            .expect("query runs")
    }

    /// Runs a query returning one text value.
    pub async fn text(&self, sql: &str) -> Option<String> {
        let sql = sql.to_string();
        self.app
            .db
            .read(move |c| c.query_row(&sql, [], |r| r.get(0)).map_err(lapak::db::DbError::from))
            .await
            .expect("query runs")
    }

    /// An order that was paid and handed to the supplier (checkout comes later).
    pub async fn processing_order(&self, code: &str, sku: &str, customer_no: &str) {
        self.sql(&format!(
            "INSERT INTO transactions (transaction_code, product_code, customer_no, product_price, total_price,
                                       status, payment_status, paid_at)
             VALUES ('{code}', '{sku}', '{customer_no}', 10000, 10000, 'processing', 'paid',
                     strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        ))
        .await;
    }

    /// The Tripay reference of an order.
    pub async fn reference_of(&self, code: &str) -> String {
        self.text(&format!(
            "SELECT p.payment_reference FROM payments p JOIN transactions t ON t.id = p.transaction_id
             WHERE t.transaction_code = '{code}'"
        ))
        .await
        .expect("the order has a payment")
    }

    /// Pays an order at the simulated Tripay, which posts the signed callback.
    pub async fn pay(&self, code: &str) {
        let reference = self.reference_of(code).await;
        let status = self.tripay.sim.settle(&reference, "PAID").await.expect("settled");
        assert_eq!(status, 200, "callback accepted");
    }

    /// Waits (up to 10 s) until the order has this status; returns the last status seen.
    pub async fn wait_status(&self, code: &str, want: &str) -> String {
        let mut last = String::new();
        for _ in 0..200 {
            last = self
                .text(&format!("SELECT status FROM transactions WHERE transaction_code = '{code}'"))
                .await
                .unwrap_or_default();
            if last == want {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        last
    }

    /// The id of an item by SKU (after a sync).
    pub async fn item_id(&self, sku: &str) -> i64 {
        self.count(&format!("SELECT id FROM product_items WHERE digiflazz_code = '{sku}'")).await
    }

    /// Syncs the catalog from the simulator through the admin API.
    pub async fn sync(&self, admin: &str) {
        let r = self.post("/api/v1/admin/products/sync", Some(admin), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "sync: {}", r.body);
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

/// A 1x1 PNG image, for uploads.
pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";

/// A category, a game product and three items through the admin API; returns the
/// product id and the item ids.
pub async fn seed_catalog(t: &TestApp, admin: &str) -> (i64, Vec<i64>) {
    let cat = t.post("/api/v1/admin/categories", Some(admin), json!({"name": "Games"})).await;
    assert_eq!(cat.status, StatusCode::CREATED, "{}", cat.body);
    let cat_id = cat.body["id"].as_i64().unwrap();
    let product = t
        .post(
            "/api/v1/admin/products",
            Some(admin),
            json!({"category_id": cat_id, "name": "Mobile Legends", "brand": "MOBILE LEGENDS", "type": "game",
                   "is_featured": true}),
        )
        .await;
    assert_eq!(product.status, StatusCode::CREATED, "{}", product.body);
    let pid = product.body["id"].as_i64().unwrap();
    let mut items = Vec::new();
    for (sku, name, base, retail, reseller) in [
        ("ml5", "5 Diamonds", 1_400, 1_700, 1_550),
        ("ml86", "86 Diamonds", 19_000, 22_000, 20_500),
        ("ml172", "172 Diamonds", 38_000, 43_500, 40_500),
    ] {
        let r = t
            .post(
                &format!("/api/v1/admin/products/{pid}/items"),
                Some(admin),
                json!({"sku": sku, "name": name, "base_price": base, "retail_price": retail, "reseller_price": reseller}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        items.push(r.body["id"].as_i64().unwrap());
    }
    (pid, items)
}

/// A minimal SMTP server on 127.0.0.1 that keeps every message it receives.
pub async fn smtp_sink() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if cmd.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

impl TestApp {
    /// One column of an order, as text (NULL as None).
    pub async fn order_text(&self, code: &str, column: &str) -> Option<String> {
        self.text(&format!("SELECT CAST({column} AS TEXT) FROM transactions WHERE transaction_code = '{code}'")).await
    }

    /// One integer column of an order.
    pub async fn order_int(&self, code: &str, column: &str) -> i64 {
        self.count(&format!("SELECT COALESCE({column}, 0) FROM transactions WHERE transaction_code = '{code}'")).await
    }

    /// A member's balance.
    pub async fn balance(&self, user_id: i64) -> i64 {
        self.count(&format!("SELECT COALESCE((SELECT balance FROM balances WHERE user_id = {user_id}), 0)")).await
    }

    /// Credits a user through the admin's balance adjustment.
    pub async fn fund(&self, admin: &str, user_id: i64, amount: i64) {
        let r = self
            .post(
                &format!("/api/v1/admin/users/{user_id}/balance-adjustments"),
                Some(admin),
                json!({"amount": amount, "reason": "test funds"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "adjust: {}", r.body);
    }

    /// Waits (up to 10 s) until `sql` returns a non-zero integer. NULL (a column not
    /// written yet) and no row count as zero.
    pub async fn wait_for(&self, sql: &str) -> bool {
        let sql = format!("SELECT COALESCE(({sql}), 0)");
        for _ in 0..200 {
            if self.count(&sql).await != 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    /// Every ledger adds up (what `lapak check-ledger` checks).
    pub async fn assert_ledger(&self) {
        let (_, offenders) = self.app.db.read(lapak::wallet::ledger::check).await.expect("ledger check runs");
        assert!(offenders.is_empty(), "ledger offenders: {offenders:?}");
        assert_eq!(self.count("SELECT COUNT(*) FROM balances WHERE balance < 0").await, 0, "a negative balance");
    }

    /// Every order's log is a chain of legal moves ending in its status.
    pub async fn assert_logs_legal(&self) {
        if let Some(problem) = self.log_problem().await {
            panic!("{problem}");
        }
    }

    /// The first order log that is not a chain of legal moves ending in its status.
    pub async fn log_problem(&self) -> Option<String> {
        self.log_problem_of(None).await
    }

    /// As `log_problem`, for these orders only (None: all).
    pub async fn log_problem_of(&self, codes: Option<Vec<String>>) -> Option<String> {
        let rows: Vec<(String, String, Option<String>, Option<String>, String)> = self
            .app
            .db
            .read(move |c| {
                let only = codes.map(|cs| {
                    let quoted: Vec<String> = cs.iter().map(|c| format!("'{}'", c.replace('\'', "''"))).collect();
                    format!("WHERE t.transaction_code IN ({})", quoted.join(","))
                });
                let mut s = c.prepare(&format!(
                    "SELECT t.transaction_code, t.status, l.status_from, l.status_to, COALESCE(l.message, '')
                     FROM transaction_logs l JOIN transactions t ON t.id = l.transaction_id {}
                     ORDER BY l.transaction_id, l.id",
                    only.unwrap_or_default()
                ))?;
                let rows = s
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok::<_, lapak::db::DbError>(rows)
            })
            .await
            .unwrap();
        let mut last: Option<(String, String, String)> = None; // (code, to, order status)
        let end = |last: &Option<(String, String, String)>| -> Option<String> {
            let (code, to, status) = last.as_ref()?;
            (to != status).then(|| format!("order {code}: its last log row leaves it {to}, but it is {status}"))
        };
        for (code, status, from, to, message) in rows {
            let (from, to) = (from.unwrap_or_default(), to.unwrap_or_default());
            if !legal_log_move(&from, &to) {
                return Some(format!("order {code}: illegal logged move {from:?} -> {to:?} ({message})"));
            }
            match &last {
                Some((c, prev_to, _)) if *c == code => {
                    if &from != prev_to {
                        return Some(format!(
                            "order {code}: a log row starts at {from} after one that ended at {prev_to} ({message})"
                        ));
                    }
                }
                _ => {
                    if let Some(p) = end(&last) {
                        return Some(p);
                    }
                    if !from.is_empty() {
                        return Some(format!("order {code}: its first log row starts at {from:?} ({message})"));
                    }
                }
            }
            last = Some((code, to, status));
        }
        end(&last)
    }
}

/// The moves an order may make, written here independently of lapak's own table:
/// created unpaid or paid from the balance, paid, closed unpaid, decided by the supplier,
/// refunded after a failure, and notes that keep the status.
pub fn legal_log_move(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("", "pending")
            | ("", "processing")
            | ("pending", "processing")
            | ("pending", "failed")
            | ("processing", "success")
            | ("processing", "failed")
            | ("failed", "refunded")
    ) || (!from.is_empty() && from == to)
}
