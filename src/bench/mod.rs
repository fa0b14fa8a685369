//! `lapak bench ...`: performance figures, measured on this machine and printed. Run
//! them from a release build (`cargo run --release -- bench sync`); they are never
//! timed assertions in tests.

use std::time::{Duration, Instant};

use clap::Subcommand;

mod all;
use figment::{providers::Serialized, Figment};

use crate::{
    app::AppState,
    config::Config,
    digiflazz::{
        simulator::{SimConfig, Simulator},
        wire::PriceItem,
    },
    supplier::{model::Trigger, service::sync_products},
};

#[derive(Subcommand, Debug)]
pub enum Bench {
    /// Checkout throughput over HTTP with the fake upstreams answering at once, next to
    /// raw rusqlite doing the same inserts in one process.
    Checkout {
        #[arg(long, default_value_t = 3_000)]
        orders: usize,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
    /// Time from a signed PAID callback to the supplier receiving the order (p50/p99).
    Callback {
        #[arg(long, default_value_t = 300)]
        orders: usize,
    },
    /// H2H: signed orders per second from a reseller's balance over HTTP, and the time
    /// from the supplier's answer to the reseller's callback receiver (same machine).
    H2h {
        #[arg(long, default_value_t = 2_000)]
        orders: usize,
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
    },
    /// Every figure of the README's performance table, with the raw-rusqlite and
    /// static-file references measured in the same run, as ratios.
    All,
    /// Product sync of a large price list: fetch from the simulator over HTTP, parse,
    /// price and write (first sync, a sync where 10 % of prices moved, an unchanged one).
    Sync {
        /// Price-list size.
        #[arg(long, default_value_t = 10_000)]
        skus: usize,
        /// Repetitions of each case (the best and the median are printed).
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
}

pub fn run(what: Bench) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        match what {
            Bench::Sync { skus, runs } => bench_sync(skus, runs.max(1)).await,
            Bench::Checkout { orders, concurrency } => bench_checkout(orders.max(1), concurrency.max(1)).await,
            Bench::Callback { orders } => bench_callback(orders.max(1)).await,
            Bench::H2h { orders, concurrency } => bench_h2h(orders.max(1), concurrency.max(1)).await,
            Bench::All => all::run().await,
        }
    })
}

fn synthetic_list(n: usize, bump: i64) -> Vec<PriceItem> {
    const CATS: [(&str, &[&str]); 5] = [
        ("Games", &["MOBILE LEGENDS", "FREE FIRE", "PUBG MOBILE", "GENSHIN IMPACT", "VALORANT"]),
        ("Pulsa", &["TELKOMSEL", "INDOSAT", "XL", "AXIS", "TRI", "SMARTFREN"]),
        ("Data", &["TELKOMSEL", "INDOSAT", "XL", "AXIS"]),
        ("E-Money", &["DANA", "OVO", "GO PAY", "SHOPEE PAY"]),
        ("PLN", &["PLN"]),
    ];
    (0..n)
        .map(|i| {
            let (cat, brands) = CATS[i % CATS.len()];
            let brand = brands[(i / CATS.len()) % brands.len()];
            // Every tenth item's price moves by `bump`.
            let price = 1_000 + (i as i64 % 500) * 1_000 + if i % 10 == 0 { bump } else { 0 };
            crate::digiflazz::simulator::prepaid_item(
                cat,
                brand,
                format!("bench{i}"),
                format!("{brand} item {i}"),
                price,
                "benchmark item",
            )
        })
        .collect()
}

async fn bench_sync(skus: usize, runs: usize) -> anyhow::Result<()> {
    println!("bench sync: {skus} SKUs, {runs} runs per case, {} CPU(s)", std::thread::available_parallelism()?.get());
    let mut cases: Vec<(&str, Vec<Duration>)> =
        vec![("first sync (all new)", vec![]), ("10% of prices moved", vec![]), ("unchanged", vec![])];
    for _ in 0..runs {
        let dir = tempfile_dir()?;
        let sim =
            Simulator::start(SimConfig { pricelist_limit: Duration::ZERO, webhook_url: None, ..SimConfig::demo() })
                .await?;
        sim.handle.edit_catalogue(|c| *c = synthetic_list(skus, 0));
        let config = Config::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Serialized::default("database.path", dir.join("bench.db")))
                .merge(Serialized::default("digiflazz.username", "demo"))
                .merge(Serialized::default("digiflazz.api_key", "demo-key"))
                .merge(Serialized::default("digiflazz.base_url", sim.url.clone()))
                // Both upstreams or neither: the sync bench never pays, any Tripay keys do.
                .merge(Serialized::default("tripay.api_key", "bench"))
                .merge(Serialized::default("tripay.private_key", "bench"))
                .merge(Serialized::default("tripay.merchant_code", "T0000"))
                .merge(Serialized::default("log.level", "error")),
        )?;
        let app = tokio::task::spawn_blocking(move || AppState::build(config)).await??;
        for (i, bump) in [0_i64, 500, 500].into_iter().enumerate() {
            sim.handle.edit_catalogue(|c| *c = synthetic_list(skus, bump));
            *app.caches.price_list.lock().unwrap_or_else(|p| p.into_inner()) = None;
            let t = Instant::now();
            let s = sync_products(&app, Trigger::Cli).await?;
            let took = t.elapsed();
            let expected = match i {
                0 => s.added == skus as i64,
                1 => s.updated == (skus as i64).div_euclid(10) + i64::from(!skus.is_multiple_of(10)),
                _ => s.unchanged == skus as i64,
            };
            anyhow::ensure!(expected, "unexpected summary for case {i}: {s:?}");
            cases[i].1.push(took);
        }
        drop(app);
        let _ = std::fs::remove_dir_all(&dir);
    }
    for (name, mut times) in cases {
        times.sort();
        let best = times[0];
        let median = times[times.len() / 2];
        println!(
            "  {name:<24} best {:>7.1} ms   median {:>7.1} ms   ({:.0} SKU/s)",
            best.as_secs_f64() * 1e3,
            median.as_secs_f64() * 1e3,
            skus as f64 / median.as_secs_f64()
        );
    }
    println!("target: a 10,000-SKU sync in at most 1 s");
    Ok(())
}

fn tempfile_dir() -> std::io::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("lapak-bench-{}", ulid::Ulid::generate()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// A shop on a temporary database, served on 127.0.0.1 against both simulators.
struct Shop {
    dir: std::path::PathBuf,
    base: String,
    app: crate::App,
    _running: crate::boot::Running,
    digiflazz: Simulator,
    tripay: crate::tripay::simulator::TripaySimServer,
}

impl Shop {
    async fn start() -> anyhow::Result<Shop> {
        use crate::tripay::simulator::{TripaySimConfig, TripaySimServer};
        let dir = tempfile_dir()?;
        let acceptor = crate::http::bind("127.0.0.1:0").await?;
        let addr = poem::listener::Acceptor::local_addr(&acceptor)
            .into_iter()
            .find_map(|a| a.as_socket_addr().cloned())
            .ok_or_else(|| anyhow::anyhow!("no address"))?;
        let base = format!("http://{addr}");
        let digiflazz =
            Simulator::start(SimConfig { pricelist_limit: Duration::ZERO, webhook_url: None, ..SimConfig::demo() })
                .await?;
        let tcfg = TripaySimConfig {
            api_key: "DEV-bench".into(),
            private_key: "bench-key".into(),
            merchant_code: "T0001".into(),
            checkout_base: String::new(),
        };
        let tripay = TripaySimServer::start(tcfg.clone()).await?;
        let config = Config::from_figment(
            Figment::from(Serialized::defaults(Config::default()))
                .merge(Serialized::default("database.path", dir.join("bench.db")))
                .merge(Serialized::default("database.queue_path", dir.join("queue.db")))
                .merge(Serialized::default("server.public_url", base.clone()))
                .merge(Serialized::default("digiflazz.username", "demo"))
                .merge(Serialized::default("digiflazz.api_key", "demo-key"))
                .merge(Serialized::default("digiflazz.base_url", digiflazz.url.clone()))
                .merge(Serialized::default("tripay.api_key", tcfg.api_key.clone()))
                .merge(Serialized::default("tripay.private_key", tcfg.private_key.clone()))
                .merge(Serialized::default("tripay.merchant_code", tcfg.merchant_code.clone()))
                .merge(Serialized::default("tripay.base_url", tripay.url.clone()))
                // A load generator on one address is not an abuser: lift the per-address limits.
                .merge(Serialized::default("limits.checkout_per_minute", 1_000_000))
                .merge(Serialized::default("limits.order_lookup_per_minute", 1_000_000))
                .merge(Serialized::default("limits.webhook_per_minute", 1_000_000))
                .merge(Serialized::default("h2h.orders_per_second", 1_000_000))
                .merge(Serialized::default("orders.duplicate_window_hours", 0))
                .merge(Serialized::default("log.level", "error")),
        )?;
        let running =
            crate::boot::start(config, acceptor, crate::boot::Boot::default(), std::future::pending()).await?;
        let app = running.app.clone();
        sync_products(&app, Trigger::Cli).await?;
        Ok(Shop { dir, base, app, _running: running, digiflazz, tripay })
    }

    async fn item(&self, sku: &'static str) -> anyhow::Result<i64> {
        Ok(self
            .app
            .db
            .read(move |c| {
                c.query_row("SELECT id FROM product_items WHERE digiflazz_code = ?1", [sku], |r| r.get(0))
                    .map_err(crate::db::DbError::from)
            })
            .await?)
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Checkout figures: lapak over HTTP, and raw rusqlite doing the same inserts.
struct CheckoutFigures {
    rate: f64,
    p50: Duration,
    p99: Duration,
    raw_rate: f64,
    /// Commits made and writes they held, during lapak's run (group commit).
    commits: u64,
    writes: u64,
}

async fn bench_checkout(orders: usize, concurrency: usize) -> anyhow::Result<()> {
    let cpus = std::thread::available_parallelism()?.get();
    println!("bench checkout: {orders} guest checkouts over HTTP, {concurrency} in flight, {cpus} CPU(s)");
    let f = measure_checkout(orders, concurrency).await?;
    println!(
        "  lapak (HTTP, 2 writes + Tripay call per order): {:>7.0} orders/s   p50 {:.1} ms   p99 {:.1} ms   ({} writes in {} commits)",
        f.rate,
        ms(f.p50),
        ms(f.p99),
        f.writes,
        f.commits
    );
    println!("  raw rusqlite (same inserts, one thread, a commit per write): {:>7.0} orders/s", f.raw_rate);
    println!("target: at least 1,500 orders/s on 2 cores, at least 0.40 of raw rusqlite, p99 at most 50 ms");
    Ok(())
}

async fn measure_checkout(orders: usize, concurrency: usize) -> anyhow::Result<CheckoutFigures> {
    let shop = Shop::start().await?;
    let item = shop.item("tsel10").await?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    // Warm up (connection pools, the channel cache).
    for i in 0..20 {
        checkout_once(&client, &shop.base, item, i).await?;
    }
    let (commits0, writes0) = shop.app.db.group_stats();
    let (took, lat) = checkout_load(&client, &shop.base, item, orders, concurrency, 100).await?;
    let (commits1, writes1) = shop.app.db.group_stats();

    // Raw rusqlite: the same rows (order, log, payment, fee update) in one process,
    // one thread, the same two transactions per order, the same PRAGMAs.
    let raw_cfg = crate::config::DatabaseConfig { path: shop.dir.join("raw.db"), ..Default::default() };
    crate::db::Db::open(&raw_cfg)?.migrate()?;
    let mut conn = rusqlite::Connection::open(&raw_cfg.path)?;
    crate::db::apply_pragmas(&conn, raw_cfg.busy_timeout_ms, raw_cfg.synchronous)?;
    conn.execute("INSERT INTO users (name, email, is_guest) VALUES ('g', 'g@example.com', 1)", [])?;
    let started = Instant::now();
    for i in 0..orders {
        let code = format!("RAW{i:016}");
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO transactions (transaction_code, user_id, product_item_id, product_name, product_code, base_price,
                 product_price, total_price, customer_data, customer_no, contact_name, contact_email, payment_method, expires_at)
             VALUES (?1, 1, NULL, 'Telkomsel Pulsa 10000', 'tsel10', 10350, 12400, 12400, '{\"phone\":\"081234567890\"}',
                     '081234567890', 'g', 'g@example.com', 'QRIS', '2099-01-01T00:00:00.000Z')",
            [&code],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute("INSERT INTO transaction_logs (transaction_id, status_from, status_to, message) VALUES (?1, '', 'pending', 'created')", [id])?;
        tx.commit()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO payments (transaction_id, payment_reference, payment_method, payment_channel, amount, fee, total_amount)
             VALUES (?1, ?2, 'QRIS', 'QRIS', 12400, 837, 13237)",
            rusqlite::params![id, format!("REF{i}")],
        )?;
        tx.execute("UPDATE transactions SET admin_fee = 837, total_price = 13237 WHERE id = ?1", [id])?;
        tx.commit()?;
    }
    let raw = started.elapsed();
    Ok(CheckoutFigures {
        rate: orders as f64 / took.as_secs_f64(),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        raw_rate: orders as f64 / raw.as_secs_f64(),
        commits: commits1 - commits0,
        writes: writes1 - writes0,
    })
}

/// `orders` guest checkouts, `concurrency` in flight: (wall time, sorted latencies).
async fn checkout_load(
    client: &reqwest::Client,
    base: &str,
    item: i64,
    orders: usize,
    concurrency: usize,
    offset: usize,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, base, next) = (client.clone(), base.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= orders {
                    break;
                }
                let t = Instant::now();
                checkout_once(&client, &base, item, i + offset).await?;
                lat.push(t.elapsed());
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let took = started.elapsed();
    lat.sort();
    Ok((took, lat))
}

async fn checkout_once(client: &reqwest::Client, base: &str, item: i64, i: usize) -> anyhow::Result<String> {
    let body = serde_json::json!({
        // A number per order: the same number twice within a day needs confirm_duplicate.
        "product_item_id": item, "customer_data": {"phone": format!("0812{:08}", i)}, "payment_method": "QRIS",
        "customer_name": "Bench", "customer_email": format!("bench{}@example.com", i % 200)
    });
    let r = client.post(format!("{base}/api/v1/transactions")).json(&body).send().await?;
    anyhow::ensure!(r.status() == 201, "checkout answered {}", r.status());
    let v: serde_json::Value = r.json().await?;
    Ok(v["transaction_code"].as_str().unwrap_or_default().to_string())
}

async fn bench_callback(orders: usize) -> anyhow::Result<()> {
    println!(
        "bench callback: {orders} orders, one signed PAID callback at a time, time until Digiflazz gets the order"
    );
    let lat = measure_callback(orders).await?;
    println!(
        "  PAID callback -> supplier request: p50 {:.1} ms   p95 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.95)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap_or(&Duration::ZERO))
    );
    println!("target: p99 at most 50 ms");
    Ok(())
}

/// Sorted times from a signed PAID callback to the supplier receiving the order.
async fn measure_callback(orders: usize) -> anyhow::Result<Vec<Duration>> {
    let shop = Shop::start().await?;
    let item = shop.item("tsel10").await?;
    let client = reqwest::Client::new();
    let mut codes = Vec::new();
    for i in 0..orders {
        codes.push(checkout_once(&client, &shop.base, item, i).await?);
    }
    let mut lat = Vec::new();
    for code in &codes {
        let reference: String = {
            let c = code.clone();
            shop.app
                .db
                .read(move |db| {
                    db.query_row(
                        "SELECT p.payment_reference FROM payments p JOIN transactions t ON t.id = p.transaction_id
                         WHERE t.transaction_code = ?1",
                        [c],
                        |r| r.get(0),
                    )
                    .map_err(crate::db::DbError::from)
                })
                .await?
        };
        let (body, sig, _) =
            shop.tripay.sim.callback_for(&reference, "PAID").ok_or_else(|| anyhow::anyhow!("no payment"))?;
        let t0 = Instant::now();
        let r = client
            .post(format!("{}/api/v1/callbacks/tripay", shop.base))
            .header("content-type", "application/json")
            .header("x-callback-event", "payment_status")
            .header("x-callback-signature", sig)
            .body(body)
            .send()
            .await?;
        anyhow::ensure!(r.status() == 200, "callback answered {}", r.status());
        let seen = loop {
            if let Some(at) = shop.digiflazz.handle.first_seen(code) {
                break at;
            }
            anyhow::ensure!(t0.elapsed() < Duration::from_secs(10), "the order never reached the supplier");
            tokio::time::sleep(Duration::from_micros(200)).await;
        };
        lat.push(seen.saturating_duration_since(t0));
    }
    lat.sort();
    Ok(lat)
}

/// Callbacks as a reseller's server receives them: order code -> arrival.
type Arrivals = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Instant>>>;

#[poem::handler]
async fn bench_receiver(body: poem::Body, seen: poem::web::Data<&Arrivals>) -> &'static str {
    let at = Instant::now();
    let text = body.into_vec().await.unwrap_or_default();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&text) {
        if let Some(code) = v["transaction_code"].as_str() {
            seen.lock().unwrap_or_else(|p| p.into_inner()).insert(code.to_string(), at);
        }
    }
    "ok"
}

/// What a bench order needs to sign and send.
struct H2hCtx {
    client: reqwest::Client,
    base: String,
    key_id: String,
    secret: String,
    app: crate::App,
}

/// One signed order; its lapak code.
async fn h2h_order(c: &H2hCtx, i: usize) -> anyhow::Result<String> {
    let body = serde_json::json!({"sku": "tsel10", "customer_no": format!("0812{:08}", i), "ref_id": format!("B{i}")})
        .to_string();
    let stamp = c.app.clock.now().timestamp().to_string();
    let sig = crate::h2h::service::sign(&c.secret, "POST", "/h2h/v1/orders", &stamp, body.as_bytes());
    let r = c
        .client
        .post(format!("{}/h2h/v1/orders", c.base))
        .header("content-type", "application/json")
        .header("x-lapak-key", &c.key_id)
        .header("x-lapak-timestamp", stamp)
        .header("x-lapak-signature", sig)
        .body(body)
        .send()
        .await?;
    anyhow::ensure!(r.status().as_u16() == 201, "order {i}: HTTP {}", r.status());
    let v: serde_json::Value = r.json().await?;
    Ok(v["transaction_code"].as_str().unwrap_or_default().to_string())
}

async fn bench_h2h(orders: usize, concurrency: usize) -> anyhow::Result<()> {
    use poem::{listener::Acceptor, EndpointExt};
    let cpus = std::thread::available_parallelism()?.get();
    println!(
        "bench h2h: {orders} signed orders from a reseller's balance over HTTP, {concurrency} in flight, {cpus} CPU(s)"
    );
    let shop = Shop::start().await?;
    // The reseller's callback receiver, on this machine.
    let arrivals: Arrivals = Default::default();
    let acceptor = poem::listener::Listener::into_acceptor(poem::listener::TcpListener::bind("127.0.0.1:0")).await?;
    let raddr = acceptor
        .local_addr()
        .into_iter()
        .find_map(|a| a.as_socket_addr().cloned())
        .ok_or_else(|| anyhow::anyhow!("no address"))?;
    let receiver = poem::Route::new().at("/cb", poem::post(bench_receiver)).data(arrivals.clone());
    let _receiver = tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(receiver).await });

    // A funded reseller and its key (set up directly: this is the benchmark's own shop).
    let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
    let reg: serde_json::Value = client
        .post(format!("{}/api/v1/auth/register", shop.base))
        .json(&serde_json::json!({"name": "Bench Reseller", "email": "h2h@example.com", "phone": "081211112222",
                                  "password": "bench-password-123"}))
        .send()
        .await?
        .json()
        .await?;
    let uid = reg["user"]["id"].as_i64().ok_or_else(|| anyhow::anyhow!("register: {reg}"))?;
    let funds = 10_000_000_000_i64;
    shop.app
        .db
        .write(move |tx| -> Result<(), crate::db::DbError> {
            tx.execute("UPDATE users SET customer_type = 'reseller' WHERE id = ?1", [uid])?;
            crate::wallet::ledger::credit(
                tx,
                uid,
                funds,
                crate::wallet::model::EntryKind::Adjustment,
                "bench funds",
                Default::default(),
            )
            .map_err(|e| crate::db::DbError::Other(e.to_string()))?;
            Ok(())
        })
        .await?;
    let user = shop
        .app
        .db
        .read(move |c| Ok::<_, crate::db::DbError>(crate::auth::repo::find_active_user(c, uid)?))
        .await?
        .ok_or_else(|| anyhow::anyhow!("no reseller"))?;
    let key = crate::h2h::service::create_key(
        &shop.app,
        &user,
        crate::h2h::model::ApiKeyCreate {
            name: "bench".into(),
            ip_whitelist: vec!["127.0.0.1".into(), "::1".into()],
            callback_url: Some(format!("http://{raddr}/cb")),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (key_id, secret) = (key.key.key_id.clone(), key.secret.clone());

    let ctx = H2hCtx { client: client.clone(), base: shop.base.clone(), key_id, secret, app: shop.app.clone() };
    for i in 0..20 {
        h2h_order(&ctx, 1_000_000 + i).await?;
    }
    let ctx = std::sync::Arc::new(ctx);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (next, ctx) = (next.clone(), ctx.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= orders {
                    break;
                }
                let t = Instant::now();
                let code = h2h_order(&ctx, i).await?;
                out.push((t.elapsed(), code));
            }
            anyhow::Ok(out)
        }));
    }
    let mut lat = Vec::new();
    let mut codes = Vec::new();
    for t in tasks {
        for (l, c) in t.await?? {
            lat.push(l);
            codes.push(c);
        }
    }
    let took = started.elapsed();
    lat.sort();
    println!(
        "  signed H2H orders (HTTP, balance debit, idempotent ref_id): {:>7.0} orders/s   p50 {:.1} ms   p99 {:.1} ms   ({} in {:.2} s)",
        orders as f64 / took.as_secs_f64(),
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        orders,
        took.as_secs_f64()
    );
    // Callbacks: from the supplier's answer (the simulator answers at once) to arrival.
    let deadline = Instant::now() + Duration::from_secs(60);
    while arrivals.lock().unwrap_or_else(|p| p.into_inner()).len() < codes.len() + 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = arrivals.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut cb: Vec<Duration> = codes
        .iter()
        .filter_map(|c| Some(seen.get(c)?.saturating_duration_since(shop.digiflazz.handle.first_seen(c)?)))
        .collect();
    cb.sort();
    println!(
        "  callback after the supplier's answer: p50 {:.1} ms   p99 {:.1} ms   ({} of {} callbacks arrived)",
        ms(percentile(&cb, 0.5)),
        ms(percentile(&cb, 0.99)),
        cb.len(),
        codes.len()
    );
    println!("targets: at least 500 orders/s on 2 cores; callback p99 at most 100 ms");
    Ok(())
}
