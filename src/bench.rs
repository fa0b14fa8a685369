//! `lapak bench ...`: performance figures, measured on this machine and printed. Run
//! them from a release build (`cargo run --release -- bench sync`); they are never
//! timed assertions in tests.

use std::time::{Duration, Instant};

use clap::Subcommand;
use figment::{providers::Serialized, Figment};

use crate::{
    app::AppState,
    config::Config,
    supplier::{
        digiflazz::{
            simulator::{SimConfig, Simulator},
            wire::PriceItem,
        },
        sync::{sync_products, Trigger},
    },
};

#[derive(Subcommand, Debug)]
pub enum Bench {
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
            PriceItem {
                product_name: format!("{brand} item {i}"),
                category: cat.into(),
                brand: brand.into(),
                kind: "Umum".into(),
                seller_name: "Be***".into(),
                price: Some(price),
                buyer_sku_code: format!("bench{i}"),
                buyer_product_status: Some(true),
                seller_product_status: Some(true),
                unlimited_stock: Some(true),
                stock: Some(0),
                multi: Some(true),
                start_cut_off: "0:0".into(),
                end_cut_off: "0:0".into(),
                desc: "benchmark item".into(),
                admin: None,
                commission: None,
            }
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
                .merge(Serialized::default("log.level", "error")),
        )?;
        let app = tokio::task::spawn_blocking(move || AppState::build(config)).await??;
        for (i, bump) in [0_i64, 500, 500].into_iter().enumerate() {
            sim.handle.edit_catalogue(|c| *c = synthetic_list(skus, bump));
            *app.supplier.price_list.lock().unwrap_or_else(|p| p.into_inner()) = None;
            let t = Instant::now();
            let s = sync_products(&app, Trigger::Cli).await?;
            let took = t.elapsed();
            let expected = match i {
                0 => s.added == skus as i64,
                1 => s.updated == (skus as i64).div_euclid(10) + i64::from(skus % 10 != 0),
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
