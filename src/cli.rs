//! The command line (clap). Each command loads the configuration, so a bad value stops
//! every command with the same one-line error.

use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use poem::listener::Acceptor;

use crate::{
    accounts::service as accounts,
    app::AppState,
    boot::{self, Boot},
    config::Config,
    db::Db,
    demo, http,
    supplier::{model::Trigger, service as sync},
    telemetry,
};

#[derive(Parser, Debug)]
#[command(name = "lapak", version, about = "A top-up store backend for digital-goods resellers, in one binary.")]
pub struct Cli {
    /// Configuration file (default: ./config.toml when present). Env: LAPAK_CONFIG.
    #[arg(long, global = true, env = "LAPAK_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (the default when no command is given).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create an admin account, or make an existing account admin with a new password.
    CreateAdmin {
        /// The admin's e-mail address (used to log in).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long, default_value = "Admin")]
        name: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Write a consistent copy of the live database to PATH (safe while serving).
    Backup {
        /// The new file to write; it must not exist.
        path: PathBuf,
    },
    /// Sync products and prices from Digiflazz now (the simulator in demo mode).
    SyncProducts,
    /// Check the ledger: every balance equals the sum of its mutations and each
    /// mutation's balance_before/balance_after chain is unbroken. Exits non-zero on any offender.
    CheckLedger,
    /// Measure performance and print the figures.
    Bench {
        #[command(subcommand)]
        what: crate::bench::Bench,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lapak: {e}");
            return ExitCode::from(2);
        }
    };
    let command = cli.command.unwrap_or(Command::Serve);
    let mut log = config.log.clone();
    if matches!(command, Command::Bench { .. }) {
        log.level = "warn".into(); // figures, not request logs
    }
    telemetry::init(&log);
    let result = match command {
        Command::Serve => serve(config),
        Command::Migrate => run_migrate(&config),
        Command::CreateAdmin { email, name, password_stdin } => create_admin(&config, &email, &name, password_stdin),
        Command::Backup { path } => backup(&config, &path),
        Command::SyncProducts => sync_products(config),
        Command::CheckLedger => check_ledger(&config),
        Command::Bench { what } => crate::bench::run(what),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lapak: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().enable_all().build()?)
}

fn serve(mut config: Config) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async move {
        let addr = config.listen_addr();
        let acceptor = http::bind(&addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
        let port = acceptor.local_addr().into_iter().find_map(|a| a.as_socket_addr().map(|s| s.port())).unwrap_or(0);
        // Demo links a browser opens must point at this server.
        if config.server.public_url == crate::config::ServerConfig::default().public_url && port != 8000 {
            config.server.public_url = format!("http://localhost:{port}");
        }
        let mut demo = demo::start(&mut config, &format!("http://127.0.0.1:{port}")).await?;
        tracing::info!(
            version = env!("CARGO_PKG_VERSION"),
            database = %config.database.path.display(),
            digiflazz = ?config.digiflazz,
            tripay = ?config.tripay,
            "starting lapak"
        );
        let boot = Boot { first_run_sync: true, demo_tripay: demo.tripay.take(), ..Boot::default() };
        let running = boot::start(config, acceptor, boot, http::shutdown_signal()).await?;
        tracing::info!(%addr, "listening; API docs at /docs, spec at /openapi.json");
        running.finished().await?;
        tracing::info!("stopped");
        Ok(())
    })
}

fn sync_products(mut config: Config) -> anyhow::Result<()> {
    let rt = runtime()?;
    rt.block_on(async move {
        let own = config.server.public_url.clone();
        let _demo = demo::start(&mut config, &own).await?;
        println!("syncing products from {} ...", config.digiflazz.base_url);
        let app = tokio::task::spawn_blocking(move || AppState::build(config)).await??;
        let s = sync::sync_products(&app, Trigger::Cli).await?;
        if let Some(why) = &s.limited {
            println!("Digiflazz refused the price list ({why}); the catalog was left as it was. Try again in 5 minutes.");
            return Ok(());
        }
        println!(
            "received {} items: {} added, {} updated, {} deactivated, {} unchanged ({} new categories, {} new products) in {} ms",
            s.received, s.added, s.updated, s.deactivated, s.unchanged, s.categories_added, s.products_added, s.duration_ms
        );
        Ok(())
    })
}

fn run_migrate(config: &Config) -> anyhow::Result<()> {
    let db = Db::open(&config.database)?;
    let report = db.migrate()?;
    if report.applied.is_empty() {
        println!("database {} is up to date ({} migrations)", config.database.path.display(), report.already);
    } else {
        for v in &report.applied {
            println!("applied {v}");
        }
        println!(
            "database {} migrated ({} applied, {} already)",
            config.database.path.display(),
            report.applied.len(),
            report.already
        );
    }
    Ok(())
}

fn create_admin(config: &Config, email: &str, name: &str, password_stdin: bool) -> anyhow::Result<()> {
    let email = crate::text::normalize_email(email)
        .ok_or_else(|| anyhow::anyhow!("{email:?} is not a valid e-mail address"))?;
    let password = if password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        s.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("Password (min 8 characters): ")?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            anyhow::bail!("the passwords differ");
        }
        first
    };
    if password.chars().count() < 8 {
        anyhow::bail!("the password must have at least 8 characters");
    }
    let name = crate::text::clean_name(name, 255).map_err(|why| anyhow::anyhow!("--name {why}"))?;
    let name = name.as_str();
    if let Some(why) = crate::text::password_problem(&password, &[&email, name]) {
        anyhow::bail!("{why}");
    }
    let hash = accounts::hash_password_blocking(&password)?;
    let db = Db::open(&config.database)?;
    db.migrate()?;
    let (id, created) = accounts::create_admin(&db, &email, name, &hash)?;
    if created {
        println!("created admin {email} (user {id})");
    } else {
        println!("user {email} (user {id}) is now an admin with the new password; its old sessions were ended");
    }
    Ok(())
}

fn check_ledger(config: &Config) -> anyhow::Result<()> {
    let db = Db::open(&config.database)?;
    db.migrate()?;
    let (checked, offenders) = db.read_blocking(crate::wallet::ledger::check)?;
    if offenders.is_empty() {
        println!("ledger OK: {checked} balances, each equal to the sum of its mutations, every chain unbroken");
        return Ok(());
    }
    for o in &offenders {
        println!(
            "OFFENDER user {} <{}>: balance {} but mutations sum to {}{}",
            o.user_id,
            o.email,
            o.balance,
            o.sum_of_mutations,
            o.broken_at.map(|id| format!("; chain broken at mutation {id}")).unwrap_or_default()
        );
    }
    anyhow::bail!("{} of {checked} balances do not add up", offenders.len())
}

fn backup(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    let db = Db::open(&config.database)?;
    db.backup_to(path)?;
    println!("backup of {} written to {}", config.database.path.display(), path.display());
    Ok(())
}
