//! `lapak bench all`: every figure of the README's performance table in one run, each
//! next to its reference measured in the same run on the same machine (raw rusqlite for
//! checkout, poem serving a static file for the catalog), printed as a Markdown table.
//! Memory and start-up are measured on `lapak serve` itself, run as a child process on a
//! temporary folder in demo mode.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use super::{checkout_load, measure_callback, measure_checkout, ms, percentile, tempfile_dir, Shop};

/// Requests for the catalog figure, and how many at once.
const CATALOG_REQUESTS: usize = 20_000;
const CATALOG_CONCURRENCY: usize = 32;

pub async fn run() -> anyhow::Result<()> {
    let cpus = std::thread::available_parallelism()?.get();
    println!("bench all: {cpus} CPU(s); every figure measured now, references in the same run\n");

    let c = measure_checkout(3_000, 32).await?;
    eprintln!("  checkout measured");
    let (catalog, static_file, body_len) = measure_catalog().await?;
    eprintln!("  catalog measured");
    let callback = measure_callback(300).await?;
    eprintln!("  callback measured");
    let p = measure_process().await?;
    eprintln!("  process measured\n");

    let ratio = c.rate / c.raw_rate;
    let cat_ratio = catalog / static_file;
    let mark = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("| measure | lapak | reference (same run) | target | |");
    println!("| --- | --- | --- | --- | --- |");
    println!(
        "| guest checkout over HTTP, fake gateway, `synchronous=full`, 32 in flight | {:.0} orders/s, p50 {:.1} ms, p99 {:.1} ms ({:.1} writes per commit) | raw rusqlite, same inserts, a commit per write: {:.0} orders/s; ratio **{:.2}** | ≥ 1,500 orders/s, ≥ 0.40 of raw, p99 ≤ 50 ms | {} |",
        c.rate,
        ms(c.p50),
        ms(c.p99),
        c.writes as f64 / c.commits.max(1) as f64,
        c.raw_rate,
        ratio,
        mark(c.rate >= 1_500.0 && ratio >= 0.40 && c.p99 <= Duration::from_millis(50))
    );
    println!(
        "| catalog page (`GET /api/v1/products?per_page=50`, {} KB, {} in flight) | {:.0} req/s | poem serving the same bytes as a fixed body: {:.0} req/s; ratio **{:.2}** | ≥ 0.30 | {} |",
        body_len / 1024,
        CATALOG_CONCURRENCY,
        catalog,
        static_file,
        cat_ratio,
        mark(cat_ratio >= 0.30)
    );
    println!(
        "| RSS of `lapak serve`: idle / under checkout load | {:.1} MB / {:.1} MB | | ≤ 30 MB / ≤ 100 MB | {} |",
        p.idle_rss_mb,
        p.load_rss_mb,
        mark(p.idle_rss_mb <= 30.0 && p.load_rss_mb <= 100.0)
    );
    println!(
        "| PAID callback → supplier request (300 orders) | p50 {:.1} ms, p99 {:.1} ms | | p99 ≤ 50 ms | {} |",
        ms(percentile(&callback, 0.5)),
        ms(percentile(&callback, 0.99)),
        mark(percentile(&callback, 0.99) <= Duration::from_millis(50))
    );
    println!(
        "| start to healthy on an existing database | {:.0} ms | | ≤ 300 ms | {} |",
        ms(p.start),
        mark(p.start <= Duration::from_millis(300))
    );
    println!("\nlapak serve under load: {:.0} orders/s over HTTP from this process", p.load_rate);
    Ok(())
}

/// (lapak req/s, static file req/s, body bytes): anonymous catalog page reads.
async fn measure_catalog() -> anyhow::Result<(f64, f64, usize)> {
    let shop = Shop::start().await?;
    let url = format!("{}/api/v1/products?per_page=50", shop.base);
    let client = reqwest::Client::builder().pool_max_idle_per_host(CATALOG_CONCURRENCY).build()?;
    let body = client.get(&url).send().await?.bytes().await?;
    anyhow::ensure!(body.len() > 1_000, "the catalog page is empty");
    let lapak = hammer(&client, &url).await?;

    // The reference: poem serving the same bytes as a fixed body, as a static file
    // handler does after its first read.
    let acceptor = crate::http::bind("127.0.0.1:0").await?;
    let addr = poem::listener::Acceptor::local_addr(&acceptor)
        .into_iter()
        .find_map(|a| a.as_socket_addr().cloned())
        .ok_or_else(|| anyhow::anyhow!("no address"))?;
    let fixed = body.clone();
    let app = poem::Route::new().at(
        "/products.json",
        poem::endpoint::make_sync(move |_| {
            poem::Response::builder().content_type("application/json; charset=utf-8").body(fixed.clone())
        }),
    );
    let server = tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    let reference = hammer(&client, &format!("http://{addr}/products.json")).await?;
    server.abort();
    Ok((lapak, reference, body.len()))
}

/// GETs `url` `CATALOG_REQUESTS` times, `CATALOG_CONCURRENCY` at once: requests per second.
async fn hammer(client: &reqwest::Client, url: &str) -> anyhow::Result<f64> {
    // Warm up: connections, the snapshot.
    for _ in 0..50 {
        client.get(url).send().await?.bytes().await?;
    }
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CATALOG_CONCURRENCY {
        let (client, url, next) = (client.clone(), url.to_string(), next.clone());
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < CATALOG_REQUESTS {
                let r = client.get(&url).send().await?;
                anyhow::ensure!(r.status() == 200, "{url} answered {}", r.status());
                r.bytes().await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(CATALOG_REQUESTS as f64 / started.elapsed().as_secs_f64())
}

struct ProcessFigures {
    idle_rss_mb: f64,
    load_rss_mb: f64,
    start: Duration,
    load_rate: f64,
}

/// The resident memory of a process, in MB (Linux `/proc`).
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// `lapak serve` (this binary) in demo mode on a temporary folder.
struct Serve {
    dir: std::path::PathBuf,
    port: u16,
}

impl Serve {
    fn spawn(&self) -> anyhow::Result<Child> {
        Ok(Command::new(std::env::current_exe()?)
            .arg("serve")
            .current_dir(&self.dir)
            .env_remove("RUST_LOG")
            .env("LAPAK_SERVER__HOST", "127.0.0.1")
            .env("LAPAK_SERVER__PORT", self.port.to_string())
            .env("LAPAK_SERVER__PUBLIC_URL", format!("http://127.0.0.1:{}", self.port))
            .env("LAPAK_LOG__LEVEL", "error")
            .env("LAPAK_LIMITS__CHECKOUT_PER_MINUTE", "1000000")
            .env("LAPAK_ORDERS__DUPLICATE_WINDOW_HOURS", "0")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?)
    }

    /// Waits until `/healthz` answers; the time it took.
    async fn healthy(&self, client: &reqwest::Client, since: Instant) -> anyhow::Result<Duration> {
        let url = format!("http://127.0.0.1:{}/healthz", self.port);
        loop {
            if client.get(&url).send().await.is_ok_and(|r| r.status().is_success()) {
                return Ok(since.elapsed());
            }
            anyhow::ensure!(since.elapsed() < Duration::from_secs(30), "lapak serve did not become healthy");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

async fn measure_process() -> anyhow::Result<ProcessFigures> {
    let serve = Serve { dir: tempfile_dir()?, port: std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port() };
    let client = reqwest::Client::builder().pool_max_idle_per_host(32).build()?;
    let base = format!("http://127.0.0.1:{}", serve.port);
    // First start: creates the database and syncs the demo catalog.
    let child = serve.spawn()?;
    serve.healthy(&client, Instant::now()).await?;
    let products = format!("{base}/api/v1/products/slug/telkomsel-pulsa");
    let started = Instant::now();
    let item = loop {
        if let Ok(r) = client.get(&products).send().await {
            if let Ok(v) = r.json::<serde_json::Value>().await {
                if let Some(id) = v["items"]
                    .as_array()
                    .and_then(|i| i.iter().find(|i| i["sku"] == "tsel10"))
                    .and_then(|i| i["id"].as_i64())
                {
                    break id;
                }
            }
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(30), "the demo catalog never appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    stop(child);

    // Second start, on the existing database: start-up time, then idle and loaded memory.
    let t0 = Instant::now();
    let child = serve.spawn()?;
    let start = serve.healthy(&client, t0).await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let pid = child.id();
    let idle_rss_mb = rss_mb(pid);
    let peak = std::sync::Arc::new(std::sync::Mutex::new(0.0_f64));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                let now = rss_mb(pid);
                {
                    let mut p = peak.lock().unwrap_or_else(|e| e.into_inner());
                    *p = p.max(now);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let (took, _) = checkout_load(&client, &base, item, 3_000, 32, 0).await?;
    sampler.abort();
    let load_rss_mb = *peak.lock().unwrap_or_else(|e| e.into_inner());
    stop(child);
    let _ = std::fs::remove_dir_all(&serve.dir);
    Ok(ProcessFigures { idle_rss_mb, load_rss_mb, start, load_rate: 3_000.0 / took.as_secs_f64() })
}
