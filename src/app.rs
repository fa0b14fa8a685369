//! The one application value: configuration, database, limiters, metrics. Built once by
//! `App::build` and handed to every part (handlers get it as request data); there are no
//! globals, so tests can start as many apps as they like in one process.

use std::{num::NonZeroU32, sync::Arc};

use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{
    config::Config,
    db::Db,
    digiflazz::{
        model::{PlnCustomer, SupplierProduct},
        DigiflazzClient,
    },
    metrics::Metrics,
    queue::Jobs,
    tripay::{model::Channel, TripayClient},
};

pub type App = Arc<AppState>;

pub struct AppState {
    pub config: Config,
    pub db: Db,
    pub limits: Limits,
    pub metrics: Metrics,
    pub digiflazz: DigiflazzClient,
    pub tripay: TripayClient,
    /// What the gateways limit or rarely change, kept between requests.
    pub caches: Caches,
    pub jobs: Jobs,
    /// Wakes the notification dispatcher after a commit wrote outbox rows.
    pub notifications_due: tokio::sync::Notify,
    /// Wakes whoever follows orders reaching a final state (the H2H callback outbox).
    pub orders_settled: tokio::sync::Notify,
    /// The time every rule asks (tests move it forward).
    pub clock: crate::clock::Clock,
    /// For outbound posts (notification bridge).
    pub http: reqwest::Client,
    /// Demo mode: the Tripay simulator lapak serves under `/demo/tripay`.
    pub demo_tripay: std::sync::OnceLock<crate::tripay::simulator::TripaySim>,
    /// Google sign-in's token checker (and Google's keys, cached).
    pub google: crate::google::GoogleVerifier,
    /// Litestream's replication of the two files, as far as lapak can see it.
    pub replication: crate::replication::Replication,
    /// The key API secrets are derived from (`h2h.master_key` or its file).
    pub h2h_key: [u8; 32],
}

/// The H2H master key: the configured one, else the file next to the database (made
/// with 32 random bytes, readable by the owner only, when missing).
fn h2h_key(config: &Config) -> anyhow::Result<[u8; 32]> {
    let parse = |hex_key: &str| -> anyhow::Result<[u8; 32]> {
        let bytes = hex::decode(hex_key.trim()).map_err(|e| anyhow::anyhow!("h2h master key: {e}"))?;
        bytes.try_into().map_err(|_| anyhow::anyhow!("h2h master key: not 32 bytes"))
    };
    if !config.h2h.master_key.trim().is_empty() {
        return parse(&config.h2h.master_key);
    }
    let dir = config.database.path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let path = dir.join("lapak.h2h.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return parse(&text);
    }
    let mut key = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&path).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut f, hex::encode(key).as_bytes())?;
    Ok(key)
}

/// The gateways' answers kept between requests: Tripay's channel list (it changes
/// rarely and every checkout needs it) and Digiflazz's price list (one full list per
/// five minutes), the lock that keeps product syncs one at a time, and PLN meter owners.
#[derive(Default)]
pub struct Caches {
    pub channels: std::sync::Mutex<Option<(std::time::Instant, Vec<Channel>)>>,
    pub price_list: std::sync::Mutex<Option<(std::time::Instant, Vec<SupplierProduct>)>>,
    pub sync_lock: tokio::sync::Mutex<()>,
    /// PLN meter owners from `inquiry-pln`, kept a day per meter.
    pub pln: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, PlnCustomer)>>,
}

/// Keyed rate limiters (governor), one per kind of request; keys are client addresses
/// (or identifiers, for logins). Going over answers 429 with `Retry-After`.
pub struct Limits {
    pub login: DefaultKeyedRateLimiter<String>,
    pub register: DefaultKeyedRateLimiter<String>,
    pub checkout: DefaultKeyedRateLimiter<String>,
    pub order_lookup: DefaultKeyedRateLimiter<String>,
    pub lookup: DefaultKeyedRateLimiter<String>,
    pub webhook: DefaultKeyedRateLimiter<String>,
    pub webhook_failures: DefaultKeyedRateLimiter<String>,
    pub password_reset: DefaultKeyedRateLimiter<String>,
    pub bill_inquiry: DefaultKeyedRateLimiter<String>,
    pub bill_number: DefaultKeyedRateLimiter<String>,
    /// Per H2H API key: orders, and price-list reads.
    pub h2h_orders: DefaultKeyedRateLimiter<String>,
    pub h2h_price_list: DefaultKeyedRateLimiter<String>,
}

impl Limits {
    fn new(config: &Config) -> Self {
        let per_minute =
            |n: u32| RateLimiter::keyed(Quota::per_minute(NonZeroU32::new(n.max(1)).expect("max(1) is non-zero")));
        let l = &config.limits;
        Self {
            login: per_minute(config.auth.login_attempts_per_minute),
            register: per_minute(config.auth.registrations_per_minute),
            checkout: per_minute(l.checkout_per_minute),
            order_lookup: per_minute(l.order_lookup_per_minute),
            lookup: per_minute(l.lookup_per_minute),
            webhook: per_minute(l.webhook_per_minute),
            webhook_failures: per_minute(l.webhook_failures_per_minute),
            password_reset: per_minute(l.password_reset_per_minute),
            bill_inquiry: per_minute(l.bill_inquiry_per_minute),
            bill_number: per_minute(l.bill_inquiry_per_number_per_minute),
            h2h_orders: RateLimiter::keyed(Quota::per_second(
                NonZeroU32::new(config.h2h.orders_per_second.max(1)).expect("max(1) is non-zero"),
            )),
            h2h_price_list: per_minute(config.h2h.price_list_per_minute),
        }
    }

    /// Ok, or the seconds to wait.
    pub fn check(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Result<(), u64> {
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets idle keys so the maps do not grow without bound.
    pub fn prune(&self) {
        for l in [
            &self.login,
            &self.register,
            &self.checkout,
            &self.order_lookup,
            &self.lookup,
            &self.webhook,
            &self.webhook_failures,
            &self.password_reset,
            &self.bill_inquiry,
            &self.bill_number,
            &self.h2h_orders,
            &self.h2h_price_list,
        ] {
            l.retain_recent();
        }
    }
}

impl AppState {
    /// Opens the database, applies migrations, and builds the limiters and metrics.
    pub fn build(config: Config) -> anyhow::Result<App> {
        let db = Db::open(&config.database)
            .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", config.database.path.display()))?;
        db.migrate()?;
        Ok(Arc::new(AppState {
            limits: Limits::new(&config),
            metrics: Metrics::new(),
            digiflazz: DigiflazzClient::new(&config.digiflazz),
            tripay: TripayClient::new(&config.tripay),
            caches: Caches::default(),
            jobs: Jobs::default(),
            notifications_due: tokio::sync::Notify::new(),
            orders_settled: tokio::sync::Notify::new(),
            clock: crate::clock::Clock::default(),
            http: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .map_err(|e| anyhow::anyhow!("http client: {e}"))?,
            demo_tripay: std::sync::OnceLock::new(),
            replication: crate::replication::Replication::new(&config),
            google: crate::google::GoogleVerifier::new(&config.auth),
            h2h_key: h2h_key(&config)?,
            config,
            db,
        }))
    }
}
