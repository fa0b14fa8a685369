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
    /// Restore lapak.db and queue.db from their Litestream replica (a new machine, a lost
    /// disk), optionally as they were at a point in time, then check the ledger. Until
    /// the check passes, `serve` refuses the restored files.
    Restore {
        /// The Litestream configuration (default: replication.litestream_config).
        #[arg(long, value_name = "PATH")]
        litestream_config: Option<PathBuf>,
        /// Restore as of this moment (RFC 3339, e.g. 2026-11-24T10:00:00Z) instead of
        /// the newest position.
        #[arg(long, value_name = "TIME")]
        timestamp: Option<String>,
        /// Exit 0 without restoring when lapak.db is already there, or when the replica
        /// is empty (a new shop): for start-up scripts.
        #[arg(long)]
        if_missing: bool,
        /// Restore over existing files; they are kept as <file>.before-restore-<time>.
        #[arg(long)]
        force: bool,
    },
    /// Measure performance and print the figures.
    Bench {
        #[command(subcommand)]
        what: crate::bench::Bench,
    },
}

/// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and
/// every arena keeps freed memory: with the runtime's workers, the blocking pool's
/// threads and SQLite's, that is most of lapak's anonymous memory at rest. Two arenas
/// serve lapak's load as fast (`lapak bench all`) in less memory.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

pub fn main() -> ExitCode {
    limit_malloc_arenas();
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
        Command::Restore { litestream_config, timestamp, if_missing, force } => {
            restore(config, litestream_config, timestamp, if_missing, force)
        }
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
        running.app.replication.announce();
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
    let checked = ledger_report(&db)?;
    println!("ledger OK: {checked} balances, each equal to the sum of its mutations, every chain unbroken");
    Ok(())
}

/// Checks the ledger, printing each offender; Ok(number of balances checked) when clean.
fn ledger_report(db: &Db) -> anyhow::Result<usize> {
    let (checked, offenders) = db.read_blocking(crate::wallet::ledger::check)?;
    if offenders.is_empty() {
        return Ok(checked);
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

fn restore(
    mut config: Config,
    litestream_config: Option<PathBuf>,
    timestamp: Option<String>,
    if_missing: bool,
    force: bool,
) -> anyhow::Result<()> {
    use crate::replication::{restore_marker, sidecar, Replication};
    if let Some(p) = litestream_config {
        anyhow::ensure!(p.is_file(), "--litestream-config {} is not a file", p.display());
        config.replication.litestream_config = p.display().to_string();
    }
    anyhow::ensure!(
        !config.replication.litestream_config.is_empty(),
        "no Litestream configuration: pass --litestream-config PATH or set replication.litestream_config"
    );
    if let Some(t) = &timestamp {
        chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|_| anyhow::anyhow!("--timestamp {t:?} is not an RFC 3339 time such as 2026-11-24T10:00:00Z"))?;
    }
    let replication = Replication::new(&config);
    let ls = replication.litestream().expect("set above").clone();
    let (db_path, queue_path) = (config.database.path.clone(), config.database.queue_path.clone());
    let marker = restore_marker(&db_path);
    let present = |p: &std::path::Path| p.exists() || sidecar(p, "-wal").exists();
    let earlier_failed = marker.exists();
    if present(&db_path) && !earlier_failed {
        if if_missing {
            println!("{} is there; nothing to restore", db_path.display());
            return Ok(());
        }
        anyhow::ensure!(
            force,
            "{} exists: restore into an empty data folder, or pass --force (the present files are kept aside)",
            db_path.display()
        );
    }
    let targets = replication.targets().map_err(|e| anyhow::anyhow!(e))?;
    let key_of =
        |file: &PathBuf| targets.iter().find(|(f, _)| f == file).and_then(|(_, t)| t.as_ref()).map(|t| t.path.clone());
    let db_key =
        key_of(&db_path).ok_or_else(|| anyhow::anyhow!("{} is not in {}", db_path.display(), ls.config.display()))?;
    let queue_key = key_of(&queue_path);

    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    for file in [&db_path, &queue_path] {
        // Litestream's own state for the file (`.lapak.db-litestream`) belongs to it too.
        let state = file.with_file_name(format!(
            ".{}-litestream",
            file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        for f in ["", "-wal", "-shm"].map(|suffix| sidecar(file, suffix)).into_iter().chain([state]) {
            if f.exists() {
                let aside = sidecar(&f, &format!(".before-restore-{stamp}"));
                std::fs::rename(&f, &aside)?;
                println!("kept {} as {}", f.display(), aside.display());
            }
        }
    }
    if let Some(dir) = db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&marker, format!("restore started at {stamp} and not finished\n"))?;
    let started = std::time::Instant::now();
    println!("restoring {} from {} ...", db_path.display(), ls.config.display());
    if !ls.restore_blocking(std::path::Path::new(&db_key), &db_path, timestamp.as_deref())? {
        std::fs::remove_file(&marker)?;
        if if_missing {
            println!("the replica holds no backup of {} yet: a new shop starts empty", db_path.display());
            return Ok(());
        }
        anyhow::bail!("the replica holds no backup of {}", db_path.display());
    }
    match &queue_key {
        None => println!("{} is not in the Litestream configuration; lapak rebuilds its queue", queue_path.display()),
        Some(key) => match ls.restore_blocking(std::path::Path::new(key), &queue_path, timestamp.as_deref()) {
            Ok(true) => {}
            Ok(false) => println!("the replica holds no backup of {}; lapak rebuilds its queue", queue_path.display()),
            // The queue is rebuilt from lapak.db (fulfilment outbox, re-check sweep).
            Err(e) => println!("{} was not restored ({e}); lapak rebuilds its queue", queue_path.display()),
        },
    }
    let restored_in = started.elapsed();
    let db = Db::open(&config.database)?;
    db.migrate()?;
    let counts = db.read_blocking(crate::db::row_counts)?;
    match ledger_report(&db) {
        Ok(checked) => {
            std::fs::remove_file(&marker)?;
            let counts: Vec<String> = counts.iter().map(|(t, n)| format!("{n} {t}")).collect();
            println!(
                "restored in {} ms: {}; ledger OK ({checked} balances, each equal to the sum of its mutations). \
                 `lapak serve` may start.",
                restored_in.as_millis(),
                counts.join(", ")
            );
            Ok(())
        }
        Err(e) => {
            std::fs::write(&marker, format!("ledger check failed: {e:#}\n"))?;
            anyhow::bail!("restored, but the ledger check failed: {e:#}; `lapak serve` refuses these files")
        }
    }
}

fn backup(config: &Config, path: &std::path::Path) -> anyhow::Result<()> {
    let db = Db::open(&config.database)?;
    db.backup_to(path)?;
    println!("backup of {} written to {}", config.database.path.display(), path.display());
    Ok(())
}
