//! Demo mode: with no supplier credentials configured, lapak runs against its built-in
//! simulators, so a new user sees the whole flow work on first run, offline.

use std::time::Duration;

use crate::{
    config::Config,
    digiflazz::simulator::{SimConfig, Simulator},
    tripay::simulator::{TripaySim, TripaySimConfig},
};

/// The simulators started for this process (dropping this stops them).
#[derive(Default)]
pub struct Demo {
    pub digiflazz: Option<Simulator>,
    /// Served by lapak itself under `/demo/tripay` (the checkout page must be reachable
    /// by the customer's browser).
    pub tripay: Option<TripaySim>,
}

impl Demo {
    pub fn active(&self) -> bool {
        self.digiflazz.is_some() || self.tripay.is_some()
    }
}

/// Starts what is missing and points the config at it. `own_url` is where this lapak
/// can be reached from the same machine (webhooks from the simulator go there).
pub async fn start(config: &mut Config, own_url: &str) -> std::io::Result<Demo> {
    let mut demo = Demo::default();
    if !config.digiflazz.has_credentials() {
        let sim_cfg = SimConfig {
            pending_delay: Duration::from_secs(config.simulator.pending_delay_secs),
            pricelist_limit: Duration::from_secs(config.simulator.pricelist_limit_secs),
            webhook_url: Some(format!("{}/api/v1/webhooks/digiflazz", own_url.trim_end_matches('/'))),
            ..SimConfig::demo()
        };
        let sim = Simulator::start(sim_cfg.clone()).await?;
        config.digiflazz.username = sim_cfg.username;
        config.digiflazz.api_key = sim_cfg.api_key;
        config.digiflazz.webhook_secret = sim_cfg.webhook_secret;
        config.digiflazz.base_url = sim.url.clone();
        config.digiflazz.testing = true;
        tracing::warn!(
            simulator = %sim.url,
            "DEMO MODE: no Digiflazz credentials configured; using the built-in Digiflazz simulator. \
             Orders are not real. Set digiflazz.username and digiflazz.api_key to sell for real."
        );
        demo.digiflazz = Some(sim);
    }
    if !config.tripay.has_credentials() {
        let public = config.server.public_url.trim_end_matches('/').to_string();
        let cfg = TripaySimConfig::demo(format!("{public}/demo/tripay/checkout"));
        config.tripay.api_key = cfg.api_key.clone();
        config.tripay.private_key = cfg.private_key.clone();
        config.tripay.merchant_code = cfg.merchant_code.clone();
        config.tripay.base_url = format!("{}/demo/tripay/api", own_url.trim_end_matches('/'));
        if config.tripay.callback_url.is_empty() {
            config.tripay.callback_url = format!("{}/api/v1/callbacks/tripay", own_url.trim_end_matches('/'));
        }
        tracing::warn!(
            checkout = %format!("{public}/demo/tripay/checkout/<reference>"),
            "DEMO MODE: no Tripay credentials configured; payments go to the built-in Tripay simulator, \
             whose checkout page has Pay and Expire buttons. Set tripay.api_key, tripay.private_key and \
             tripay.merchant_code to take real payments."
        );
        demo.tripay = Some(TripaySim::new(cfg));
    }
    Ok(demo)
}
