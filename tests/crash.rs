//! Crash safety: the real binary is killed (SIGKILL) while an order's supplier call is in
//! flight; started again, it completes the order exactly once, with the same ref_id.

use crate::common;

use std::{
    process::{Child, Command},
    time::{Duration, Instant},
};

use common::binary::{free_port, wait_healthy, Upstreams};
use serde_json::{json, Value};

struct Env {
    dir: tempfile::TempDir,
    port: u16,
    up: Upstreams,
}

impl Env {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lapak"));
        c.current_dir(self.dir.path()).args(args);
        self.up.configure(&mut c, self.port, &self.dir.path().join("lapak.log"));
        c
    }

    async fn serve(&self) -> Child {
        let child = self.command(&["serve"]).spawn().unwrap();
        assert!(wait_healthy(self.port).await, "lapak did not start");
        child
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
        up: Upstreams::start(Duration::from_secs(4)).await,
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
    assert_eq!(env.up.tripay.sim.settle(&reference, "PAID").await.unwrap(), 200);

    // Wait until the supplier has the order (the call is in flight), then kill -9.
    let started = Instant::now();
    while env.up.digiflazz.handle.calls_for(&code) == 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "the job never called the supplier");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    lapak.kill().unwrap();
    lapak.wait().unwrap();
    assert_eq!(env.up.digiflazz.handle.purchases(), 1);

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
    assert_eq!(env.up.digiflazz.handle.purchases(), 1, "never bought twice");
    assert!(env.up.digiflazz.handle.calls_for(&code) >= 2, "re-checked with the same ref_id");
    lapak.kill().unwrap();
    lapak.wait().unwrap();

    let db = rusqlite::Connection::open(env.dir.path().join("data/lapak.db")).unwrap();
    let count = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT COUNT(*) FROM transaction_logs WHERE status_to = 'success'"), 1);
    assert_eq!(count("SELECT COUNT(*) FROM notifications WHERE title = 'Transaksi Berhasil'"), 1);
    assert_eq!(count("SELECT total_sold FROM product_items WHERE digiflazz_code = 'tsel10'"), 1);
}
