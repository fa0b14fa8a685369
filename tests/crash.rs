//! Crash safety: the real binary is killed (SIGKILL) while an order's supplier call is in
//! flight; started again, it completes the order exactly once, with the same ref_id.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use lapak::{
    digiflazz::simulator::{SimConfig, Simulator},
    tripay::simulator::{TripaySimConfig, TripaySimServer},
};
use serde_json::{json, Value};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Env {
    dir: tempfile::TempDir,
    port: u16,
    digiflazz: Simulator,
    tripay: TripaySimServer,
}

impl Env {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lapak"));
        c.current_dir(self.dir.path())
            .args(args)
            .env_remove("RUST_LOG")
            .env("LAPAK_LOG__LEVEL", "info,sqlx=warn")
            .env("LAPAK_SERVER__HOST", "127.0.0.1")
            .env("LAPAK_SERVER__PORT", self.port.to_string())
            .env("LAPAK_SERVER__PUBLIC_URL", format!("http://127.0.0.1:{}", self.port))
            .env("LAPAK_DIGIFLAZZ__USERNAME", "demo")
            .env("LAPAK_DIGIFLAZZ__API_KEY", "demo-key")
            .env("LAPAK_DIGIFLAZZ__WEBHOOK_SECRET", "demo-secret")
            .env("LAPAK_DIGIFLAZZ__BASE_URL", &self.digiflazz.url)
            .env("LAPAK_DIGIFLAZZ__TIMEOUT_SECS", "20")
            .env("LAPAK_TRIPAY__API_KEY", "DEV-crash")
            .env("LAPAK_TRIPAY__PRIVATE_KEY", "crash-private")
            .env("LAPAK_TRIPAY__MERCHANT_CODE", "T0099")
            .env("LAPAK_TRIPAY__BASE_URL", &self.tripay.url)
            .env("LAPAK_ORDERS__RECHECK_MIN_SECS", "1")
            .env("LAPAK_SCHEDULE__RECHECK_SUPPLIER", "*/1 * * * * *")
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new().create(true).append(true).open(self.dir.path().join("lapak.log")).unwrap(),
            );
        c
    }

    async fn serve(&self) -> Child {
        let child = self.command(&["serve"]).spawn().unwrap();
        let client = reqwest::Client::new();
        for _ in 0..150 {
            if client.get(format!("http://127.0.0.1:{}/healthz", self.port)).send().await.is_ok() {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("lapak did not start");
    }
}

async fn status_of(base: &str, code: &str) -> Value {
    reqwest::get(format!("{base}/api/v1/transactions/{code}?email=crash@example.com"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_fulfilment_then_restart_completes_once() {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
        port: free_port(),
        // The supplier takes 4 s to answer a number ending 9999: lapak is killed meanwhile.
        digiflazz: Simulator::start(SimConfig {
            slow_answer: Duration::from_secs(4),
            webhook_url: None,
            ..SimConfig::demo()
        })
        .await
        .unwrap(),
        tripay: TripaySimServer::start(TripaySimConfig {
            api_key: "DEV-crash".into(),
            private_key: "crash-private".into(),
            merchant_code: "T0099".into(),
            checkout_base: String::new(),
        })
        .await
        .unwrap(),
    };
    assert!(env.command(&["sync-products"]).status().unwrap().success());
    let base = format!("http://127.0.0.1:{}", env.port);
    let mut lapak = env.serve().await;

    let client = reqwest::Client::new();
    let products: Value =
        client.get(format!("{base}/api/v1/products/slug/telkomsel-pulsa")).send().await.unwrap().json().await.unwrap();
    let item =
        products["items"].as_array().unwrap().iter().find(|i| i["sku"] == "tsel10").unwrap()["id"].as_i64().unwrap();
    let order: Value = client
        .post(format!("{base}/api/v1/transactions"))
        .json(&json!({"product_item_id": item, "customer_data": {"phone": "081234569999"}, "payment_method": "QRIS",
                      "customer_name": "Crash", "customer_email": "crash@example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = order["transaction_code"].as_str().unwrap().to_string();
    let reference = order["payment"]["reference"].as_str().unwrap().to_string();
    assert_eq!(env.tripay.sim.settle(&reference, "PAID").await.unwrap(), 200);

    // Wait until the supplier has the order (the call is in flight), then kill -9.
    let started = Instant::now();
    while env.digiflazz.handle.calls_for(&code) == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the job never called the supplier");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    lapak.kill().unwrap();
    lapak.wait().unwrap();
    assert_eq!(env.digiflazz.handle.purchases(), 1);

    // Started again, it re-checks the same ref_id and completes the order once.
    let mut lapak = env.serve().await;
    let started = Instant::now();
    let done = loop {
        let s = status_of(&base, &code).await;
        if s["status"] != "processing" {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let log = std::fs::read_to_string(env.dir.path().join("lapak.log")).unwrap_or_default();
            panic!("the order never completed: {s}\n--- log ---\n{log}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(done["status"], "success", "{done}");
    assert!(!done["sn"].as_str().unwrap().is_empty());
    assert_eq!(env.digiflazz.handle.purchases(), 1, "never bought twice");
    assert!(env.digiflazz.handle.calls_for(&code) >= 2, "re-checked with the same ref_id");
    lapak.kill().unwrap();
    lapak.wait().unwrap();

    let db = rusqlite::Connection::open(env.dir.path().join("data/lapak.db")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM transaction_logs WHERE status_to = 'success'"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM notifications WHERE title = 'Transaksi Berhasil'"), 1);
    assert_eq!(count("SELECT total_sold FROM product_items WHERE digiflazz_code = 'tsel10'"), 1);
}
