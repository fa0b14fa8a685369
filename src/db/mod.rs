//! The app's SQLite file: an r2d2 pool of rusqlite connections, each set up with the
//! same PRAGMAs, and a `run` wrapper that moves every blocking call off the async
//! runtime's threads. Migrations live in `migrate`.

pub mod migrate;

use std::{path::Path, time::Duration};

use r2d2::{CustomizeConnection, Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

use crate::config::{DatabaseConfig, Synchronous};

pub type Conn = PooledConnection<SqliteConnectionManager>;

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

/// Cheap to clone; every clone shares the pool.
#[derive(Clone)]
pub struct Db {
    pool: Pool<SqliteConnectionManager>,
    /// SQLite has one writer at a time. Writers queue here, in order, instead of in
    /// SQLite's busy handler, which sleeps in growing steps and turns contention into
    /// latency spikes.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

#[derive(Debug)]
struct Pragmas {
    busy_timeout_ms: u64,
    synchronous: Synchronous,
}

impl CustomizeConnection<Connection, rusqlite::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut Connection) -> Result<(), rusqlite::Error> {
        // synchronous: FULL by default. In WAL mode NORMAL never corrupts the file, but a
        // power cut can lose the last commits; lapak acknowledges a Tripay PAID callback
        // or a balance debit right after its commit, and the peer will not send it again,
        // so a commit that was answered must survive. FULL syncs the WAL on every commit.
        let sync = match self.synchronous {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        conn.busy_timeout(Duration::from_millis(self.busy_timeout_ms))?;
        // journal_mode = WAL is set once by `Db::open` (it is stored in the file).
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync};
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;"
        ))?;
        conn.set_prepared_statement_cache_capacity(128);
        Ok(())
    }
}

impl Db {
    /// Opens (creating the file and its folder when missing) with the configured pool.
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
        let manager = SqliteConnectionManager::file(&cfg.path);
        let pool = Pool::builder()
            .max_size(cfg.pool_size)
            .connection_timeout(Duration::from_secs(30))
            .connection_customizer(Box::new(Pragmas {
                busy_timeout_ms: cfg.busy_timeout_ms,
                synchronous: cfg.synchronous,
            }))
            .build(manager)?;
        Ok(Db { pool, writer: Default::default() })
    }

    /// A connection for synchronous code (CLI commands, blocking tasks).
    pub fn conn(&self) -> Result<Conn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            f(&mut conn)
        })
        .await
        .map_err(DbError::from)?
    }

    /// Runs `f` inside one IMMEDIATE transaction (takes the write lock up front, so two
    /// writers never deadlock upgrading a read lock), committing when it returns Ok.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let _turn = self.writer.clone().lock_owned().await;
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(DbError::from)?;
            let out = f(&tx)?;
            tx.commit().map_err(DbError::from)?;
            Ok(out)
        })
        .await
    }

    /// `SELECT 1`, for the health check.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(|c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)).map(|_| ()).map_err(DbError::from)).await
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
        let conn = self.conn()?;
        let target = target.to_str().ok_or_else(|| DbError::Other("backup path must be valid UTF-8".into()))?;
        conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }
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

/// The current time as lapak stores it: UTC, RFC 3339, milliseconds.
pub fn now_str() -> String {
    ts(chrono::Utc::now())
}

pub fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// `x` as a LIKE pattern matching it anywhere, with LIKE's wildcards escaped.
pub fn like_pattern(x: &str) -> String {
    let escaped = x.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

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
