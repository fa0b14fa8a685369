//! The app's SQLite file behind two doors. `Db::read` runs on `query_only` connections
//! (a write there is an error, not a surprise); `Db::write` is the one way to change
//! data. Writes go to one writer thread, which commits them in groups: it takes every
//! write waiting when it is free, runs them in one IMMEDIATE transaction, each in its
//! own savepoint (a write that fails or panics rolls back only itself), and commits once
//! — one fsync for the group under `synchronous = FULL`. A caller is answered only after
//! the commit holding its write returned, so an answered write is as durable as before;
//! what changes is that many writers share one fsync. Migrations live in `migrate`, the
//! list helper in `query`.

pub mod migrate;
pub mod query;

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    path::Path,
    sync::{mpsc, Arc},
    time::Duration,
};

use r2d2::{CustomizeConnection, Pool};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::config::{DatabaseConfig, Synchronous};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database task panicked or was cancelled: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("{0}")]
    Other(String),
}

/// Cheap to clone; every clone shares the pools and the writer thread.
#[derive(Clone)]
pub struct Db {
    readers: Pool<SqliteConnectionManager>,
    /// One connection: the writer thread's (and the migrations', before it is used).
    writer: Pool<SqliteConnectionManager>,
    /// SQLite has one writer at a time. Writes queue here, in order, for the writer
    /// thread, instead of in SQLite's busy handler, which sleeps in growing steps and
    /// turns contention into latency spikes. The thread ends when the last clone is gone.
    queue: Arc<mpsc::Sender<Box<dyn WriteJob>>>,
    /// Group sizes, for the benchmark's report.
    groups: Arc<GroupStats>,
    /// The catalog's version (`catalog_version`, bumped by triggers), read after every
    /// commit of this process: the public catalog's snapshot is valid while it holds.
    catalog: Arc<std::sync::atomic::AtomicU64>,
}

/// The catalog version as the database holds it (0 before its migration ran).
fn read_catalog_version(c: &Connection) -> u64 {
    c.query_row("SELECT v FROM catalog_version WHERE id = 1", [], |r| r.get::<_, i64>(0)).map(|v| v as u64).unwrap_or(0)
}

/// How many commits the writer made and how many writes they held.
#[derive(Default, Debug)]
pub struct GroupStats {
    pub commits: std::sync::atomic::AtomicU64,
    pub writes: std::sync::atomic::AtomicU64,
}

/// The most writes one commit takes (a bound on how long the first of them waits).
const MAX_GROUP: usize = 256;

/// One queued write: run it inside the group's transaction (true: keep its changes),
/// then tell its caller how the commit went.
trait WriteJob: Send {
    fn run(&mut self, tx: &Transaction<'_>) -> bool;
    fn finish(self: Box<Self>, commit: Result<(), String>);
}

struct Job<F, T, E, R> {
    f: Option<F>,
    out: Option<Result<T, E>>,
    reply: R,
}

impl<F, T, E, R> WriteJob for Job<F, T, E, R>
where
    F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send,
    T: Send,
    E: From<DbError> + Send,
    R: FnOnce(Result<T, E>) + Send,
{
    fn run(&mut self, tx: &Transaction<'_>) -> bool {
        let Some(f) = self.f.take() else { return false };
        let out = catch_unwind(AssertUnwindSafe(|| f(tx)))
            .unwrap_or_else(|_| Err(E::from(DbError::Other("a database write panicked; it was rolled back".into()))));
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), String>) {
        let job = *self;
        let answer = match (job.out, commit) {
            // Its own failure, whatever the group did.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (_, Err(why)) => Err(E::from(DbError::Other(why))),
            (None, Ok(())) => Err(E::from(DbError::Other("the write was not run".into()))),
        };
        (job.reply)(answer);
    }
}

/// The writer thread: a group per turn, one commit per group.
fn writer_loop(
    pool: Pool<SqliteConnectionManager>,
    jobs: mpsc::Receiver<Box<dyn WriteJob>>,
    stats: Arc<GroupStats>,
    catalog: Arc<std::sync::atomic::AtomicU64>,
) {
    use std::sync::atomic::Ordering::Relaxed;
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(j) => group.push(j),
                Err(_) => break,
            }
        }
        let outcome = run_group(&pool, &mut group, &catalog);
        stats.commits.fetch_add(1, Relaxed);
        stats.writes.fetch_add(group.len() as u64, Relaxed);
        for job in group {
            job.finish(outcome.clone());
        }
    }
}

/// Runs each write in its savepoint inside one IMMEDIATE transaction and commits.
fn run_group(
    pool: &Pool<SqliteConnectionManager>,
    group: &mut [Box<dyn WriteJob>],
    catalog: &std::sync::atomic::AtomicU64,
) -> Result<(), String> {
    let mut conn = pool.get().map_err(|e| DbError::from(e).to_string())?;
    let tx =
        conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| DbError::from(e).to_string())?;
    for job in group.iter_mut() {
        // A write's failure undoes its own changes only; the savepoint statements
        // failing means the transaction itself is gone: nothing of the group commits.
        tx.execute_batch("SAVEPOINT lapak_write").map_err(|e| DbError::from(e).to_string())?;
        let keep = job.run(&tx);
        let end = if keep { "RELEASE lapak_write" } else { "ROLLBACK TO lapak_write; RELEASE lapak_write" };
        tx.execute_batch(end).map_err(|e| DbError::from(e).to_string())?;
    }
    tx.commit().map_err(|e| DbError::from(e).to_string())?;
    // Before anyone is answered: a reader told of this commit sees the new version.
    catalog.store(read_catalog_version(&conn), std::sync::atomic::Ordering::Release);
    Ok(())
}

#[derive(Debug)]
struct Pragmas {
    busy_timeout_ms: u64,
    synchronous: Synchronous,
    query_only: bool,
}

/// The PRAGMAs every lapak connection gets.
pub fn apply_pragmas(conn: &Connection, busy_timeout_ms: u64, synchronous: Synchronous) -> rusqlite::Result<()> {
    // synchronous: FULL by default. In WAL mode NORMAL never corrupts the file, but a
    // power cut can lose the last commits; lapak acknowledges a Tripay PAID callback
    // or a balance debit right after its commit, and the peer will not send it again,
    // so a commit that was answered must survive. FULL syncs the WAL on every commit.
    let sync = match synchronous {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.busy_timeout(Duration::from_millis(busy_timeout_ms))?;
    // journal_mode = WAL is set once by `Db::open` (it is stored in the file).
    conn.execute_batch(&format!(
        "PRAGMA synchronous = {sync};
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;"
    ))?;
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

impl CustomizeConnection<Connection, rusqlite::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        apply_pragmas(conn, self.busy_timeout_ms, self.synchronous)?;
        if self.query_only {
            conn.execute_batch("PRAGMA query_only = ON;")?;
        }
        Ok(())
    }
}

impl Db {
    /// Opens (creating the file and its folder when missing) with the configured pool,
    /// and applies the migrations the file lacks.
    pub fn open(cfg: &DatabaseConfig) -> Result<Db, DbError> {
        if let Some(parent) = cfg.path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbError::Other(format!("cannot create database folder {}: {e}", parent.display())))?;
            }
        }
        // Switch the file to WAL once, alone: several pooled connections doing it at the
        // same time on a new file race for the lock.
        {
            let conn = Connection::open(&cfg.path)?;
            conn.busy_timeout(Duration::from_millis(cfg.busy_timeout_ms))?;
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(DbError::Other(format!("cannot put {} in WAL mode (got {mode})", cfg.path.display())));
            }
        }
        let pool = |size: u32, query_only: bool| {
            Pool::builder()
                .max_size(size)
                // Open readers as load needs them (each holds its own page cache), not
                // all of them at start; ones idle for a minute are closed again.
                .min_idle(Some(size.min(2)))
                .idle_timeout(Some(Duration::from_secs(60)))
                .connection_timeout(Duration::from_secs(30))
                .connection_customizer(Box::new(Pragmas {
                    busy_timeout_ms: cfg.busy_timeout_ms,
                    synchronous: cfg.synchronous,
                    query_only,
                }))
                .build(SqliteConnectionManager::file(&cfg.path))
        };
        let writer = pool(1, false)?;
        let (queue, jobs) = mpsc::channel();
        let groups = Arc::new(GroupStats::default());
        let catalog = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (pool_for_thread, stats, version) = (writer.clone(), groups.clone(), catalog.clone());
        std::thread::Builder::new()
            .name("lapak-db-writer".into())
            .stack_size(256 * 1024)
            .spawn(move || writer_loop(pool_for_thread, jobs, stats, version))
            .map_err(|e| DbError::Other(format!("cannot start the database writer: {e}")))?;
        Ok(Db { readers: pool(cfg.pool_size, true)?, writer, queue: Arc::new(queue), groups, catalog })
    }

    /// The catalog's version as of this process's last commit (see `catalog_version`).
    /// A change committed by another process (the command line) is seen at this
    /// process's next commit; the snapshot's one-minute life covers the rest.
    pub fn catalog_version(&self) -> u64 {
        self.catalog.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Applies the migrations this file lacks (before anything else uses it). The writer
    /// pool holds one connection, so a write waits for the migrations to finish.
    pub fn migrate(&self) -> Result<migrate::MigrateReport, DbError> {
        let mut conn = self.writer.get()?;
        let report = migrate::run(&mut conn)?;
        self.catalog.store(read_catalog_version(&conn), std::sync::atomic::Ordering::Release);
        Ok(report)
    }

    /// Commits made so far and the writes they held (group commit's effect).
    pub fn group_stats(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (self.groups.commits.load(Relaxed), self.groups.writes.load(Relaxed))
    }

    fn enqueue(&self, job: Box<dyn WriteJob>) -> Result<(), DbError> {
        self.queue.send(job).map_err(|_| DbError::Other("the database writer has stopped".into()))
    }

    /// Runs `f` on a read-only connection on the blocking thread pool.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get().map_err(DbError::from)?;
            f(&conn)
        })
        .await
        .map_err(DbError::from)?
    }

    /// `read` for code that is not async (command-line tools).
    pub fn read_blocking<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let conn = self.readers.get().map_err(DbError::from)?;
        f(&conn)
    }

    /// Runs `f` inside an IMMEDIATE transaction (the write lock is taken up front, so
    /// two writers never deadlock upgrading a read lock), in its own savepoint: its
    /// changes are kept when it returns Ok and undone otherwise. Answers once the
    /// transaction holding it committed (see the module's note on group commit).
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let reply = move |r: Result<T, E>| {
            let _ = tx.send(r);
        };
        self.enqueue(Box::new(Job { f: Some(f), out: None, reply }))?;
        rx.await.unwrap_or_else(|_| Err(E::from(DbError::Other("the database writer has stopped".into()))))
    }

    /// `write` for code that is not async (command-line tools): its own IMMEDIATE
    /// transaction on the writer connection, which the writer thread then waits for.
    pub fn write_blocking<T, E>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut conn = self.writer.get().map_err(DbError::from)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(DbError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(DbError::from)?;
        self.catalog.store(read_catalog_version(&conn), std::sync::atomic::Ordering::Release);
        Ok(out)
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.read(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ()).map_err(DbError::from)).await
    }

    /// A consistent copy of the live database (`VACUUM INTO`), safe while lapak serves.
    pub fn backup_to(&self, target: &Path) -> Result<(), DbError> {
        if target.exists() {
            return Err(DbError::Other(format!("{} already exists; choose a new file", target.display())));
        }
        if let Some(parent) = target.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbError::Other(format!("cannot create {}: {e}", parent.display())))?;
            }
        }
        let target = target.to_str().ok_or_else(|| DbError::Other("backup path must be valid UTF-8".into()))?;
        // VACUUM INTO only writes the target file, so a read-only connection may run it.
        let conn = self.readers.get()?;
        conn.execute_batch("PRAGMA query_only = OFF;")?;
        let done = conn.execute("VACUUM INTO ?1", [target]).map(|_| ());
        conn.execute_batch("PRAGMA query_only = ON;")?;
        Ok(done?)
    }
}

/// How many orders, balance mutations and users the file holds (for `lapak restore`).
pub fn row_counts(conn: &Connection) -> Result<Vec<(&'static str, i64)>, DbError> {
    let mut out = Vec::new();
    for (table, label) in [("transactions", "orders"), ("balance_mutations", "balance mutations"), ("users", "users")] {
        let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
        out.push((label, n));
    }
    Ok(out)
}

/// `as_str`, `parse` and the SQLite conversions of a text-valued enum (its CHECK'd
/// column values), from one table of variants and strings.
macro_rules! text_enum {
    ($t:ty { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)+ _ => None }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(
                    format!("unexpected {} value {s:?}", stringify!($t)).into()))
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(rusqlite::types::ToSqlOutput::from(self.as_str()))
            }
        }
    };
}
pub(crate) use text_enum;

pub use crate::clock::{now_str, ts};

pub use query::like_pattern;

/// Joins `?{n}` clauses into a WHERE with numbered parameters, in order.
pub fn numbered_where(clauses: &[&str]) -> String {
    if clauses.is_empty() {
        return String::new();
    }
    let mut n = 0;
    let parts: Vec<String> = clauses
        .iter()
        .map(|c| {
            if c.contains("?{n}") {
                n += 1;
                c.replace("?{n}", &format!("?{n}"))
            } else {
                c.to_string()
            }
        })
        .collect();
    format!("WHERE {}", parts.join(" AND "))
}
