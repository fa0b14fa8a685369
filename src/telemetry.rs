//! Structured logs (tracing) to stderr, as text or JSON. `RUST_LOG` overrides the
//! configured level.

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::{LogConfig, LogFormat};

pub fn init(cfg: &LogConfig) {
    // The job queue and the HTTP server crates are chatty at info; keep them to warnings
    // unless RUST_LOG asks otherwise.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{},apalis=warn,apalis_core=warn,apalis_sqlite=warn,sqlx=warn,poem::server=warn",
            cfg.level
        ))
    });
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    // try_init: a second call (tests) keeps the first subscriber.
    let _ = match cfg.format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
