//! The built binary, run the way an operator runs it (`lapak serve` as a child process,
//! killed with SIGKILL when a test wants a crash), against the fake Digiflazz and
//! Tripay servers started in the test's own process.

use std::{path::Path, process::Command, time::Duration};

use lapak::{
    digiflazz::simulator::{SimConfig, Simulator},
    tripay::simulator::{TripaySimConfig, TripaySimServer},
};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub const TRIPAY_API_KEY: &str = "DEV-binary";
pub const TRIPAY_PRIVATE_KEY: &str = "binary-private";
pub const TRIPAY_MERCHANT: &str = "T0099";

/// The two fake upstreams. A customer number ending in 9999 keeps the supplier's first
/// answer waiting `slow_answer`.
pub struct Upstreams {
    pub digiflazz: Simulator,
    pub tripay: TripaySimServer,
}

impl Upstreams {
    pub async fn start(slow_answer: Duration) -> Upstreams {
        Upstreams {
            digiflazz: Simulator::start(SimConfig { slow_answer, webhook_url: None, ..SimConfig::demo() })
                .await
                .unwrap(),
            tripay: TripaySimServer::start(TripaySimConfig {
                api_key: TRIPAY_API_KEY.into(),
                private_key: TRIPAY_PRIVATE_KEY.into(),
                merchant_code: TRIPAY_MERCHANT.into(),
                checkout_base: String::new(),
            })
            .await
            .unwrap(),
        }
    }

    /// Configures `c` (lapak, or a program that starts lapak and passes its environment
    /// on) to serve on `port` against these upstreams, appending its log to `log`.
    pub fn configure(&self, c: &mut Command, port: u16, log: &Path) {
        c.env_remove("RUST_LOG")
            .env("LAPAK_LOG__LEVEL", "info,sqlx=warn")
            .env("LAPAK_SERVER__HOST", "127.0.0.1")
            .env("LAPAK_SERVER__PORT", port.to_string())
            .env("LAPAK_SERVER__PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("LAPAK_DIGIFLAZZ__USERNAME", "demo")
            .env("LAPAK_DIGIFLAZZ__API_KEY", "demo-key")
            .env("LAPAK_DIGIFLAZZ__WEBHOOK_SECRET", "demo-secret")
            .env("LAPAK_DIGIFLAZZ__BASE_URL", &self.digiflazz.url)
            .env("LAPAK_DIGIFLAZZ__TIMEOUT_SECS", "20")
            .env("LAPAK_TRIPAY__API_KEY", TRIPAY_API_KEY)
            .env("LAPAK_TRIPAY__PRIVATE_KEY", TRIPAY_PRIVATE_KEY)
            .env("LAPAK_TRIPAY__MERCHANT_CODE", TRIPAY_MERCHANT)
            .env("LAPAK_TRIPAY__BASE_URL", &self.tripay.url)
            .env("LAPAK_ORDERS__RECHECK_MIN_SECS", "1")
            .env("LAPAK_SCHEDULE__RECHECK_SUPPLIER", "*/1 * * * * *")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap());
    }
}

/// Waits (up to 15 s) until lapak on `port` answers its health check.
pub async fn wait_healthy(port: u16) -> bool {
    let client = reqwest::Client::new();
    for _ in 0..150 {
        if client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}
