//! Demo mode: with no supplier credentials configured, lapak runs against its built-in
//! simulators, so a new user sees the whole flow work on first run, offline.

use std::time::Duration;

use crate::{
    config::Config,
    supplier::digiflazz::simulator::{SimConfig, Simulator},
};

/// The simulators started for this process (dropping this stops them).
#[derive(Default)]
pub struct Demo {
    pub digiflazz: Option<Simulator>,
}

impl Demo {
    pub fn active(&self) -> bool {
        self.digiflazz.is_some()
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
    Ok(demo)
}
