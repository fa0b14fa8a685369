//! Migrations: the plain `.sql` files of `migrations/`, compiled into the binary, applied
//! in file-name order, each in its own transaction, recorded in `schema_migrations`.
//! Running them again is a no-op.

use rusqlite::{params, Connection, OptionalExtension};
use rust_embed::RustEmbed;

use super::DbError;

#[derive(RustEmbed)]
#[folder = "migrations/"]
#[include = "*.sql"]
struct Migrations;

/// What a run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MigrateReport {
    pub applied: Vec<String>,
    pub already: usize,
}

/// All embedded migrations as (version, sql), sorted by version.
pub fn embedded() -> Vec<(String, String)> {
    let mut names: Vec<String> = Migrations::iter().map(|n| n.to_string()).collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let file = Migrations::get(&name)?;
            let sql = String::from_utf8(file.data.into_owned()).ok()?;
            Some((name.trim_end_matches(".sql").to_string(), sql))
        })
        .collect()
}

pub fn run(conn: &mut Connection) -> Result<MigrateReport, DbError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    TEXT PRIMARY KEY,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         );",
    )?;
    let known: Vec<String> = embedded().into_iter().map(|(v, _)| v).collect();
    // A database written by a newer lapak must not be run by an older one.
    let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
    let recorded: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    drop(stmt);
    if let Some(unknown) = recorded.iter().find(|v| !known.contains(v)) {
        return Err(DbError::Other(format!(
            "the database has migration {unknown} that this lapak does not know; it was made by a newer version"
        )));
    }

    let mut report = MigrateReport::default();
    for (version, sql) in embedded() {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: Option<String> = tx
            .query_row("SELECT version FROM schema_migrations WHERE version = ?1", [&version], |r| r.get(0))
            .optional()?;
        if done.is_some() {
            report.already += 1;
            continue;
        }
        tx.execute_batch(&sql).map_err(|e| DbError::Other(format!("migration {version} failed: {e}")))?;
        tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", params![version])?;
        tx.commit()?;
        tracing::info!(%version, "applied migration");
        report.applied.push(version);
    }
    Ok(report)
}
