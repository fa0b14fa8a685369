//! Configuration: `config.toml` (or `--config PATH`) overlaid by `LAPAK_<SECTION>__<KEY>`
//! environment variables. One value, built once and passed to everything; no globals.

use std::{fmt, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use serde::{Deserialize, Deserializer, Serialize};

/// The whole configuration. Every field has a default, so an empty file is valid.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub auth: AuthConfig,
    pub log: LogConfig,
    pub digiflazz: DigiflazzConfig,
    pub tripay: TripayConfig,
    pub schedule: ScheduleConfig,
    pub simulator: SimulatorConfig,
    pub orders: OrdersConfig,
    pub notifications: NotificationsConfig,
    pub wallet: WalletConfig,
    pub storage: StorageConfig,
    pub smtp: SmtpConfig,
    pub limits: LimitsConfig,
    pub replication: ReplicationConfig,
    pub storefront: StorefrontConfig,
    pub h2h: H2hConfig,
}

/// The host-to-host API for resellers' own shops and counter software (`/h2h/v1`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct H2hConfig {
    /// 64 hex characters: the key every API key's secret is derived from. Empty: lapak
    /// makes one in `lapak.h2h.key` next to the database and keeps it there. Back it up
    /// with the database: without it every API secret must be rotated.
    pub master_key: String,
    /// How old a signed request's `X-Lapak-Timestamp` may be (either way), seconds.
    pub signature_window_secs: u64,
    /// The first callback retry waits this long; later ones 2, 4, 10, 20, 40 and 60
    /// times as long (8 tries over about 2 hours with the default 30).
    pub callback_retry_secs: u64,
    /// Orders per second per API key (more answer 429 with `Retry-After`).
    pub orders_per_second: u32,
    /// Price-list reads per minute per API key.
    pub price_list_per_minute: u32,
}

impl Default for H2hConfig {
    fn default() -> Self {
        Self {
            master_key: String::new(),
            signature_window_secs: 300,
            callback_retry_secs: 30,
            orders_per_second: 10,
            price_list_per_minute: 60,
        }
    }
}

/// The buyers' shop served at `/` from the binary.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorefrontConfig {
    /// Serve the storefront at `/`. Off: `/` leads to the API docs (your own front end
    /// uses the API, which is always on).
    pub enabled: bool,
}

impl Default for StorefrontConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

/// Continuous replication of the two SQLite files by Litestream (see litestream.yml and
/// the README's "Durability"). lapak does not replicate by itself: it names the replica
/// at start, shows its lag in the console and restores from it (`lapak restore`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplicationConfig {
    /// The Litestream configuration that replicates this shop's files. Empty: no
    /// replica (lapak says so at start and the console warns).
    pub litestream_config: String,
    /// The litestream program (a name on PATH or a path).
    pub litestream_bin: String,
    /// The console warns when the replica is behind by more than this many seconds.
    pub warn_after_secs: u64,
}

impl Default for ReplicationConfig {
    fn default() -> Self {
        Self { litestream_config: String::new(), litestream_bin: "litestream".into(), warn_after_secs: 300 }
    }
}

/// Request size and rate limits at the edge. Rates are per client address (see
/// `server.trusted_proxies`), per minute; going over answers 429 with `Retry-After`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest request body, KiB, whatever its content type (image uploads excepted).
    pub body_max_kb: u64,
    /// Largest multipart request (an image upload with its fields), KiB.
    pub upload_max_kb: u64,
    /// Largest Tripay callback or Digiflazz webhook, KiB.
    pub webhook_body_max_kb: u64,
    /// Checkouts and deposits (each one calls Tripay).
    pub checkout_per_minute: u32,
    /// Reading or cancelling one order by its code.
    pub order_lookup_per_minute: u32,
    /// Public lookups: payment channels and fees, the operator of a phone number.
    pub lookup_per_minute: u32,
    /// Webhook and callback deliveries.
    pub webhook_per_minute: u32,
    /// Deliveries that fail their signature; after this many, the address gets 429 and
    /// nothing more of it is stored.
    pub webhook_failures_per_minute: u32,
    /// Password reset requests and reset attempts.
    pub password_reset_per_minute: u32,
    /// Bill inquiries per client address (each one asks Digiflazz).
    pub bill_inquiry_per_minute: u32,
    /// Bill inquiries per customer number, whoever asks.
    pub bill_inquiry_per_number_per_minute: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            body_max_kb: 1024,
            upload_max_kb: 3072,
            webhook_body_max_kb: 64,
            checkout_per_minute: 20,
            order_lookup_per_minute: 60,
            lookup_per_minute: 120,
            webhook_per_minute: 300,
            webhook_failures_per_minute: 10,
            password_reset_per_minute: 10,
            bill_inquiry_per_minute: 20,
            bill_inquiry_per_number_per_minute: 5,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP (a local relay).
    None,
    /// STARTTLS, usually port 587.
    Starttls,
    /// TLS from the start, usually port 465.
    Tls,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    /// Empty: e-mails are written to the log instead of sent.
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    #[serde(deserialize_with = "lenient_string")]
    pub username: String,
    #[serde(deserialize_with = "lenient_string")]
    pub password: String,
    pub from: String,
    /// The front end's reset page; `{token}` is replaced by the reset token.
    pub reset_url: String,
    /// Minutes a reset link stays valid.
    pub reset_ttl_minutes: u64,
    /// The front end's page that confirms a member's claim of the guest orders bought
    /// with its e-mail; `{token}` is replaced by the one-time token (valid as long as a
    /// reset link).
    pub claim_url: String,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password: String::new(),
            from: "lapak <no-reply@localhost>".into(),
            reset_url: "{public_url}/reset-password?token={token}".into(),
            reset_ttl_minutes: 60,
            claim_url: "{public_url}/claim-orders?token={token}".into(),
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &mask(&self.password))
            .field("from", &self.from)
            .finish()
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Uploaded images (banners, avatars), served at /uploads/...
    pub uploads_dir: PathBuf,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self { uploads_dir: PathBuf::from("data/uploads") }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct WalletConfig {
    /// Smallest deposit (balance top-up), rupiah.
    pub deposit_min: i64,
    /// Largest deposit, rupiah.
    pub deposit_max: i64,
    /// Smallest withdrawal, rupiah.
    pub withdrawal_min: i64,
    /// Whether retail (non-reseller) members may top up a balance. Any member can always
    /// spend the balance it holds (refunds land there); withdrawals are for resellers.
    pub retail_deposits: bool,
}

impl Default for WalletConfig {
    fn default() -> Self {
        Self { deposit_min: 10_000, deposit_max: 10_000_000, withdrawal_min: 10_000, retail_deposits: true }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrdersConfig {
    /// Minutes a customer has to pay (60 fits every Tripay channel's expiry range).
    pub payment_expiry_minutes: u64,
    /// Seconds between two supplier calls about one order, whatever asks (the job, a
    /// webhook hint, an admin). Digiflazz asks for at least 60; 0 only in tests.
    pub recheck_min_secs: u64,
    /// Automatic supplier checks per order before it waits for the webhook or an admin.
    pub max_rechecks: u64,
    /// Orders sent to the supplier at the same time.
    pub workers: usize,
    /// Rupiah above the order's cost snapshot that the supplier may charge: each purchase
    /// carries `max_price` = snapshot + this (Digiflazz refuses a dearer seller, rc 69).
    pub max_price_tolerance: i64,
    /// A second order for the same item and customer number within this many hours
    /// needs `confirm_duplicate: true` (a double top-up is money the buyer did not mean
    /// to spend; Digiflazz refuses many repeats too). 0 = no guard.
    pub duplicate_window_hours: u64,
    /// How long a bill's quote holds, minutes; never past the end of its Jakarta
    /// calendar day (Digiflazz pays a bill only on its inquiry's date).
    pub quote_minutes: u64,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        Self {
            payment_expiry_minutes: 60,
            recheck_min_secs: 60,
            max_rechecks: 100,
            workers: 8,
            max_price_tolerance: 0,
            duplicate_window_hours: 24,
            quote_minutes: 60,
        }
    }
}

#[derive(Clone, Deserialize, Serialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationsConfig {
    /// Your bridge (WhatsApp, e-mail, push): each notification is POSTed there as JSON.
    pub webhook_url: String,
    /// Signs those posts: `X-Lapak-Signature: sha256=<HMAC-SHA256(secret, body)>`.
    #[serde(deserialize_with = "lenient_string")]
    pub webhook_secret: String,
}

impl fmt::Debug for NotificationsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotificationsConfig")
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &mask(&self.webhook_secret))
            .finish()
    }
}

/// Scheduled jobs: cron expressions with seconds ("sec min hour day month weekday"),
/// in UTC; empty turns a job off.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Product sync from Digiflazz (default: every 30 minutes).
    pub product_sync: String,
    /// Unpaid orders past their deadline become expired (default: every 30 seconds).
    pub expire_unpaid: String,
    /// Supplier status re-checks that are due, and paid orders without a job (every 15 s).
    pub recheck_supplier: String,
    /// Finished jobs older than a week leave the queue file (daily at 03:00 UTC).
    pub prune_jobs: String,
    /// Stored Tripay callbacks, Digiflazz webhooks and sent notifications' outbox rows
    /// older than the setting `webhooks.keep_days` are deleted (daily at 03:30 UTC).
    pub prune_deliveries: String,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        Self {
            product_sync: "0 */30 * * * *".into(),
            expire_unpaid: "*/30 * * * * *".into(),
            recheck_supplier: "*/15 * * * * *".into(),
            prune_jobs: "0 0 3 * * *".into(),
            prune_deliveries: "0 30 3 * * *".into(),
        }
    }
}

/// The built-in simulators used in demo mode (no credentials configured).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimulatorConfig {
    /// Seconds before a pending demo order gets its webhook.
    pub pending_delay_secs: u64,
    /// The simulated Digiflazz serves one full price list per this many seconds.
    pub pricelist_limit_secs: u64,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self { pending_delay_secs: 5, pricelist_limit_secs: 300 }
    }
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    /// The address the outside world reaches lapak at; callback URLs are built from it.
    pub public_url: String,
    /// Origins allowed by CORS (front ends on another host). Empty = same origin only.
    pub cors_origins: Vec<String>,
    /// Your reverse proxies (addresses or CIDRs). A request from one of them has its
    /// client taken from `X-Forwarded-For`: the right-most address that is not a proxy.
    /// Empty: the connection's own address, headers ignored.
    pub trusted_proxies: Vec<String>,
    /// Replaced by `trusted_proxies`; setting it stops start-up with a pointer there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_proxy_headers: Option<bool>,
    /// When set, `/metrics` needs `Authorization: Bearer <token>`.
    #[serde(deserialize_with = "lenient_string")]
    pub metrics_token: String,
    /// Seconds to wait for in-flight requests on shutdown.
    pub shutdown_grace_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "0.0.0.0".into(),
            port: 8000,
            public_url: "http://localhost:8000".into(),
            cors_origins: Vec::new(),
            trusted_proxies: Vec::new(),
            trust_proxy_headers: None,
            metrics_token: String::new(),
            shutdown_grace_secs: 10,
        }
    }
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("public_url", &self.public_url)
            .field("cors_origins", &self.cors_origins)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_token", &mask(&self.metrics_token))
            .field("shutdown_grace_secs", &self.shutdown_grace_secs)
            .finish()
    }
}

impl SmtpConfig {
    /// A mailed link: `{public_url}` and `{token}` filled in.
    pub fn link(template: &str, public_url: &str, token: &str) -> String {
        template.replace("{public_url}", public_url.trim_end_matches('/')).replace("{token}", token)
    }
}

impl ServerConfig {
    /// The trusted proxies as networks (a bare address is a /32 or /128).
    pub fn proxy_nets(&self) -> Vec<ipnet::IpNet> {
        self.trusted_proxies.iter().filter_map(|p| parse_net(p)).collect()
    }
}

fn parse_net(s: &str) -> Option<ipnet::IpNet> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>().ok().or_else(|| s.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// The SQLite file; its folder is created when missing.
    pub path: PathBuf,
    pub pool_size: u32,
    /// Milliseconds a connection waits on a lock before giving up.
    pub busy_timeout_ms: u64,
    /// `full` (default) or `normal`. See `db::pool` for why a money database wants full.
    pub synchronous: Synchronous,
    /// The job queue's own SQLite file.
    pub queue_path: PathBuf,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            path: PathBuf::from("data/lapak.db"),
            pool_size: 16,
            busy_timeout_ms: 5_000,
            synchronous: Synchronous::Full,
            queue_path: PathBuf::from("data/queue.db"),
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    Full,
    Normal,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// How long a login token lives, in hours.
    pub token_ttl_hours: u64,
    /// Failed-or-not login attempts allowed per minute, per client IP and per identifier.
    pub login_attempts_per_minute: u32,
    /// Registrations allowed per minute per client IP.
    pub registrations_per_minute: u32,
    /// Google sign-in: the OAuth client id of your Google Identity Services button.
    /// Empty: `POST /auth/google` answers 403.
    pub google_client_id: String,
    /// Where Google publishes the keys that sign its ID tokens.
    pub google_keys_url: String,
    /// The admin console's cookie session ends after this many minutes without a request.
    pub console_idle_minutes: u64,
    /// ... and at the latest this many hours after logging in.
    pub console_session_hours: u64,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            token_ttl_hours: 24 * 30,
            login_attempts_per_minute: 5,
            registrations_per_minute: 10,
            google_client_id: String::new(),
            google_keys_url: "https://www.googleapis.com/oauth2/v3/certs".into(),
            console_idle_minutes: 30,
            console_session_hours: 12,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter: `info`, `lapak=debug,info`, ...
    pub level: String,
    /// `text` or `json`.
    pub format: LogFormat,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self { level: "info".into(), format: LogFormat::Text }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DigiflazzConfig {
    #[serde(deserialize_with = "lenient_string")]
    pub username: String,
    #[serde(deserialize_with = "lenient_string")]
    pub api_key: String,
    #[serde(deserialize_with = "lenient_string")]
    pub webhook_secret: String,
    pub base_url: String,
    /// Send `"testing": true` (Digiflazz development mode). Off by default: the source
    /// defaulted it on and so sent test transactions from production.
    pub testing: bool,
    pub timeout_secs: u64,
}

impl Default for DigiflazzConfig {
    fn default() -> Self {
        Self {
            username: String::new(),
            api_key: String::new(),
            webhook_secret: String::new(),
            base_url: "https://api.digiflazz.com/v1".into(),
            testing: false,
            timeout_secs: 30,
        }
    }
}

impl DigiflazzConfig {
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() && !self.api_key.is_empty()
    }
}

impl fmt::Debug for DigiflazzConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigiflazzConfig")
            .field("username", &self.username)
            .field("api_key", &mask(&self.api_key))
            .field("webhook_secret", &mask(&self.webhook_secret))
            .field("base_url", &self.base_url)
            .field("testing", &self.testing)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

#[derive(Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct TripayConfig {
    #[serde(deserialize_with = "lenient_string")]
    pub api_key: String,
    #[serde(deserialize_with = "lenient_string")]
    pub private_key: String,
    #[serde(deserialize_with = "lenient_string")]
    pub merchant_code: String,
    /// Production `https://tripay.co.id/api`, sandbox `https://tripay.co.id/api-sandbox`.
    pub base_url: String,
    /// Where Tripay posts payment callbacks; empty = `<public_url>/api/v1/callbacks/tripay`.
    pub callback_url: String,
    /// Where the customer's browser returns after paying (your front end's order page).
    pub return_url: String,
    pub timeout_secs: u64,
}

impl Default for TripayConfig {
    fn default() -> Self {
        Self {
            api_key: String::new(),
            private_key: String::new(),
            merchant_code: String::new(),
            base_url: "https://tripay.co.id/api".into(),
            callback_url: String::new(),
            return_url: String::new(),
            timeout_secs: 30,
        }
    }
}

impl TripayConfig {
    pub fn has_credentials(&self) -> bool {
        !self.api_key.is_empty() && !self.private_key.is_empty() && !self.merchant_code.is_empty()
    }
}

impl fmt::Debug for TripayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TripayConfig")
            .field("api_key", &mask(&self.api_key))
            .field("private_key", &mask(&self.private_key))
            .field("merchant_code", &self.merchant_code)
            .field("base_url", &self.base_url)
            .field("callback_url", &self.callback_url)
            .field("return_url", &self.return_url)
            .field("timeout_secs", &self.timeout_secs)
            .finish()
    }
}

/// Shows that a secret is set without showing it.
pub fn mask(secret: &str) -> &'static str {
    if secret.is_empty() {
        ""
    } else {
        "********"
    }
}

/// Environment values that look like numbers ("12345") arrive as numbers; a key or a
/// username is still a string.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        I(i64),
        U(u64),
        F(f64),
        B(bool),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::S(s) => s,
        Raw::I(i) => i.to_string(),
        Raw::U(u) => u.to_string(),
        Raw::F(f) => f.to_string(),
        Raw::B(b) => b.to_string(),
    })
}

/// A configuration problem, printed as one line naming the key.
#[derive(Debug, thiserror::Error)]
#[error("config error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Loads the file (when it exists; a missing *explicit* file is an error), then the
    /// environment, then validates.
    pub fn load(path: Option<&std::path::Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match path {
            Some(p) => {
                if !p.exists() {
                    return Err(ConfigError(format!("config file {} does not exist", p.display())));
                }
                figment = figment.merge(Toml::file(p));
            }
            None => figment = figment.merge(Toml::file("config.toml")),
        }
        // Only LAPAK_<SECTION>__<KEY> variables are configuration: a single-word LAPAK_*
        // variable (LAPAK_CONFIG names the file; tools set others) is not a key. A
        // misspelt section or key is still refused by deny_unknown_fields.
        figment = figment.merge(Env::prefixed("LAPAK_").filter(|k| k.as_str().contains("__")).split("__"));
        Self::from_figment(figment)
    }

    /// Builds from a figment (tests layer their own values on the defaults this way).
    pub fn from_figment(figment: Figment) -> Result<Config, ConfigError> {
        let config: Config = figment.extract().map_err(|e| ConfigError(describe(e)))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |key: &str, why: String| Err(ConfigError(format!("{key}: {why}")));
        if self.server.host.trim().is_empty() {
            return bad("server.host", "must not be empty".into());
        }
        check_url("server.public_url", &self.server.public_url)?;
        for origin in &self.server.cors_origins {
            check_url("server.cors_origins", origin)?;
        }
        if self.server.trust_proxy_headers.is_some() {
            return bad(
                "server.trust_proxy_headers",
                "replaced by server.trusted_proxies: list your proxies' addresses or CIDRs (e.g. [\"10.0.0.0/8\"]); \
                 the client is then the right-most X-Forwarded-For address that is not one of them"
                    .into(),
            );
        }
        for p in &self.server.trusted_proxies {
            if parse_net(p).is_none() {
                return bad("server.trusted_proxies", format!("{p:?} is not an IP address or CIDR"));
            }
        }
        if !self.auth.google_client_id.is_empty() {
            check_url("auth.google_keys_url", &self.auth.google_keys_url)?;
        }
        let r = &self.replication;
        if r.warn_after_secs == 0 {
            return bad("replication.warn_after_secs", "must be at least 1".into());
        }
        if r.litestream_bin.trim().is_empty() {
            return bad("replication.litestream_bin", "must not be empty (default: litestream)".into());
        }
        if !r.litestream_config.is_empty() && !std::path::Path::new(&r.litestream_config).is_file() {
            return bad("replication.litestream_config", format!("{} is not a file", r.litestream_config));
        }
        let mk = self.h2h.master_key.trim();
        if !mk.is_empty() && (mk.len() != 64 || !mk.chars().all(|c| c.is_ascii_hexdigit())) {
            return bad("h2h.master_key", "must be 64 hex characters (32 bytes), or empty".into());
        }
        if self.h2h.orders_per_second == 0 {
            return bad("h2h.orders_per_second", "must be at least 1".into());
        }
        if self.h2h.price_list_per_minute == 0 {
            return bad("h2h.price_list_per_minute", "must be at least 1".into());
        }
        if self.h2h.signature_window_secs == 0 || self.h2h.signature_window_secs > 3600 {
            return bad(
                "h2h.signature_window_secs",
                format!("{} is out of range 1..=3600", self.h2h.signature_window_secs),
            );
        }
        let l = &self.limits;
        for (key, v) in [
            ("limits.body_max_kb", l.body_max_kb),
            ("limits.upload_max_kb", l.upload_max_kb),
            ("limits.webhook_body_max_kb", l.webhook_body_max_kb),
        ] {
            if v == 0 || v > 64 * 1024 {
                return bad(key, format!("{v} is out of range 1..=65536"));
            }
        }
        for (key, v) in [
            ("limits.checkout_per_minute", l.checkout_per_minute),
            ("limits.order_lookup_per_minute", l.order_lookup_per_minute),
            ("limits.lookup_per_minute", l.lookup_per_minute),
            ("limits.webhook_per_minute", l.webhook_per_minute),
            ("limits.webhook_failures_per_minute", l.webhook_failures_per_minute),
            ("limits.password_reset_per_minute", l.password_reset_per_minute),
            ("limits.bill_inquiry_per_minute", l.bill_inquiry_per_minute),
            ("limits.bill_inquiry_per_number_per_minute", l.bill_inquiry_per_number_per_minute),
        ] {
            if v == 0 {
                return bad(key, "must be at least 1".into());
            }
        }
        if self.database.path.as_os_str().is_empty() {
            return bad("database.path", "must not be empty".into());
        }
        if self.database.pool_size == 0 || self.database.pool_size > 256 {
            return bad("database.pool_size", format!("{} is out of range 1..=256", self.database.pool_size));
        }
        if self.auth.console_idle_minutes == 0 {
            return bad("auth.console_idle_minutes", "must be at least 1".into());
        }
        if self.auth.console_session_hours == 0 {
            return bad("auth.console_session_hours", "must be at least 1".into());
        }
        if self.auth.token_ttl_hours == 0 {
            return bad("auth.token_ttl_hours", "must be at least 1".into());
        }
        if self.auth.login_attempts_per_minute == 0 {
            return bad("auth.login_attempts_per_minute", "must be at least 1".into());
        }
        if self.auth.registrations_per_minute == 0 {
            return bad("auth.registrations_per_minute", "must be at least 1".into());
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return bad("log.level", format!("{:?} is not a valid filter ({e})", self.log.level));
        }
        check_url("digiflazz.base_url", &self.digiflazz.base_url)?;
        if self.digiflazz.username.is_empty() != self.digiflazz.api_key.is_empty() {
            return bad(
                "digiflazz.api_key",
                "set both digiflazz.username and digiflazz.api_key, or neither (demo mode)".into(),
            );
        }
        if self.digiflazz.timeout_secs == 0 {
            return bad("digiflazz.timeout_secs", "must be at least 1".into());
        }
        check_url("tripay.base_url", &self.tripay.base_url)?;
        if !self.tripay.callback_url.is_empty() {
            check_url("tripay.callback_url", &self.tripay.callback_url)?;
        }
        if !self.tripay.return_url.is_empty() {
            check_url("tripay.return_url", &self.tripay.return_url)?;
        }
        let tripay_set = [&self.tripay.api_key, &self.tripay.private_key, &self.tripay.merchant_code]
            .iter()
            .filter(|s| !s.is_empty())
            .count();
        if tripay_set != 0 && tripay_set != 3 {
            return bad(
                "tripay.api_key",
                "set all of tripay.api_key, tripay.private_key and tripay.merchant_code, or none (demo mode)".into(),
            );
        }
        let sc = &self.schedule;
        for (key, expr) in [
            ("schedule.product_sync", &sc.product_sync),
            ("schedule.expire_unpaid", &sc.expire_unpaid),
            ("schedule.recheck_supplier", &sc.recheck_supplier),
            ("schedule.prune_jobs", &sc.prune_jobs),
            ("schedule.prune_deliveries", &sc.prune_deliveries),
        ] {
            if !expr.trim().is_empty() && !valid_cron(expr) {
                return bad(key, format!("{expr:?} is not a cron expression with seconds, e.g. \"0 */30 * * * *\""));
            }
        }
        if self.tripay.timeout_secs == 0 {
            return bad("tripay.timeout_secs", "must be at least 1".into());
        }
        // Demo mode is all or nothing: a real supplier paid through the simulated gateway
        // gives products away; real payments to the simulated supplier sell nothing.
        match (self.digiflazz.has_credentials(), self.tripay.has_credentials()) {
            (true, false) => {
                return bad(
                    "tripay.api_key",
                    "Digiflazz credentials are set (digiflazz.username, digiflazz.api_key) but Tripay's are not \
                     (tripay.api_key, tripay.private_key, tripay.merchant_code): real purchases would be paid \
                     through the demo simulator; set both, or neither for demo mode"
                        .into(),
                )
            }
            (false, true) => {
                return bad(
                    "digiflazz.username",
                    "Tripay credentials are set (tripay.api_key, tripay.private_key, tripay.merchant_code) but \
                     Digiflazz's are not (digiflazz.username, digiflazz.api_key): real payments would buy from the \
                     demo simulator; set both, or neither for demo mode"
                        .into(),
                )
            }
            _ => {}
        }
        if self.orders.max_price_tolerance < 0 {
            return bad("orders.max_price_tolerance", "must not be negative".into());
        }
        Ok(())
    }

    /// The address to listen on.
    pub fn listen_addr(&self) -> String {
        if self.server.host.contains(':') {
            format!("[{}]:{}", self.server.host, self.server.port)
        } else {
            format!("{}:{}", self.server.host, self.server.port)
        }
    }
}

/// Whether a cron expression (with seconds) is one the scheduler accepts.
pub fn valid_cron(expr: &str) -> bool {
    tokio_cron_scheduler::Job::new_async(expr, |_, _| Box::pin(async {})).is_ok()
}

fn check_url(key: &str, value: &str) -> Result<(), ConfigError> {
    match url::Url::parse(value) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => Ok(()),
        Ok(u) => Err(ConfigError(format!("{key}: {value:?} must be an http(s) URL, not {}", u.scheme()))),
        Err(e) => Err(ConfigError(format!("{key}: {value:?} is not a valid URL ({e})"))),
    }
}

/// Turns figment's error into one line: the key, what is wrong, and where it came from.
fn describe(error: figment::Error) -> String {
    let mut lines = Vec::new();
    for e in error {
        let key = if e.path.is_empty() { "(top level)".to_string() } else { e.path.join(".") };
        let source = e
            .metadata
            .as_ref()
            .map(|m| match &m.source {
                Some(src) => format!(" (from {} {})", m.name, src),
                // Name the exact variable, not just "the environment".
                None if m.name.contains("environment") => {
                    format!(" (from environment variable LAPAK_{})", e.path.join("__").to_uppercase())
                }
                None => format!(" (from {})", m.name),
            })
            .unwrap_or_default();
        lines.push(format!("{key}: {}{source}", e.kind));
    }
    lines.join("; ")
}
