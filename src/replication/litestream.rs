//! Running the `litestream` program and reading its JSON answers. Litestream does the
//! replication; lapak only asks it what it has done (`status`, `ltx`), what it is
//! configured to do (lapak reads the YAML file itself, for the log line), and asks it
//! to restore.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use serde::Deserialize;

/// How long one `litestream` call may take (an S3 listing included).
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// The program and its configuration file.
#[derive(Clone, Debug)]
pub struct Litestream {
    pub bin: String,
    pub config: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LitestreamError {
    #[error("cannot run {bin}: {source} (install Litestream, or set replication.litestream_bin)")]
    Spawn { bin: String, source: std::io::Error },
    #[error("litestream {command} took longer than {0:?}", CALL_TIMEOUT)]
    Timeout { command: String },
    #[error("litestream {command} failed: {message}")]
    Failed { command: String, message: String },
    #[error("litestream {command} answered something unexpected: {message}")]
    Unreadable { command: String, message: String },
}

/// One row of `litestream status -json`.
#[derive(Debug, Deserialize)]
struct StatusRow {
    database: String,
    status: String,
    #[serde(default)]
    local_txid: String,
}

/// One row of `litestream ltx -json`.
#[derive(Debug, Deserialize)]
struct LtxRow {
    max_txid: String,
    timestamp: String,
}

/// What Litestream knows of one database on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalState {
    /// `ok`, `not initialized`, `no database`, ...
    pub status: String,
    /// The last transaction Litestream has read from the WAL (None before the first).
    pub txid: Option<u64>,
}

/// The newest position in the replica.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaState {
    pub txid: u64,
    /// When the newest file was written (second precision).
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Litestream {
    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(&self.bin);
        c.args(args).arg("-config").arg(&self.config);
        c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        c
    }

    async fn run(&self, args: &[&str], extra: &[&std::ffi::OsStr]) -> Result<String, LitestreamError> {
        let name = args.first().copied().unwrap_or_default().to_string();
        let mut c = self.command(args);
        c.args(extra);
        let child = c.spawn().map_err(|source| LitestreamError::Spawn { bin: self.bin.clone(), source })?;
        let out = tokio::time::timeout(CALL_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| LitestreamError::Timeout { command: name.clone() })?
            .map_err(|source| LitestreamError::Spawn { bin: self.bin.clone(), source })?;
        if !out.status.success() {
            let message = String::from_utf8_lossy(&out.stderr).trim().lines().last().unwrap_or_default().to_string();
            return Err(LitestreamError::Failed { command: name, message });
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Litestream's local position for `db`.
    pub async fn local(&self, db: &Path) -> Result<LocalState, LitestreamError> {
        let out = self.run(&["status", "-json"], &[db.as_os_str()]).await?;
        let rows: Vec<StatusRow> = parse_json("status", &out)?;
        let row = rows.into_iter().next().ok_or_else(|| LitestreamError::Unreadable {
            command: "status".into(),
            message: format!("no row for {}", db.display()),
        })?;
        let _ = row.database;
        Ok(LocalState { status: row.status, txid: parse_txid(&row.local_txid) })
    }

    /// The newest position in `db`'s replica, over every compaction level (None: nothing
    /// replicated yet).
    pub async fn replica(&self, db: &Path) -> Result<Option<ReplicaState>, LitestreamError> {
        let out = self.run(&["ltx", "-level", "all", "-json"], &[db.as_os_str()]).await?;
        let rows: Vec<LtxRow> = parse_json("ltx", &out)?;
        newest(&rows)
    }
}

fn parse_json<T: serde::de::DeserializeOwned>(command: &str, out: &str) -> Result<T, LitestreamError> {
    // An empty listing prints nothing (or `null`) rather than `[]`.
    let text = match out.trim() {
        "" | "null" => "[]",
        t => t,
    };
    serde_json::from_str(text)
        .map_err(|e| LitestreamError::Unreadable { command: command.into(), message: e.to_string() })
}

/// Litestream prints transaction ids as 16 hex digits; `-` means none yet.
fn parse_txid(s: &str) -> Option<u64> {
    u64::from_str_radix(s.trim(), 16).ok()
}

fn newest(rows: &[LtxRow]) -> Result<Option<ReplicaState>, LitestreamError> {
    let mut best: Option<ReplicaState> = None;
    for row in rows {
        let bad =
            |what: &str| LitestreamError::Unreadable { command: "ltx".into(), message: format!("{what} in {row:?}") };
        let txid = parse_txid(&row.max_txid).ok_or_else(|| bad("a transaction id that is not hex"))?;
        let at = chrono::DateTime::parse_from_rfc3339(&row.timestamp)
            .map_err(|_| bad("a timestamp that is not RFC 3339"))?;
        let at = at.with_timezone(&chrono::Utc);
        let better = match &best {
            None => true,
            Some(b) => txid > b.txid || (txid == b.txid && at > b.at),
        };
        if better {
            best = Some(ReplicaState { txid, at });
        }
    }
    Ok(best)
}

/// Blocking calls, for the command line (`lapak restore`).
impl Litestream {
    /// Restores `db` (as the configuration names it) into `out`, to `timestamp` when
    /// given. `Ok(false)`: the replica has no backup of it.
    pub fn restore_blocking(&self, db: &Path, out: &Path, timestamp: Option<&str>) -> Result<bool, LitestreamError> {
        let mut c = std::process::Command::new(&self.bin);
        c.arg("restore").arg("-config").arg(&self.config).arg("-o").arg(out);
        if let Some(t) = timestamp {
            c.arg("-timestamp").arg(t);
        }
        c.arg("-if-replica-exists").arg(db);
        let result = c
            .stdin(Stdio::null())
            .output()
            .map_err(|source| LitestreamError::Spawn { bin: self.bin.clone(), source })?;
        if !result.status.success() {
            let stderr = String::from_utf8_lossy(&result.stderr);
            return Err(LitestreamError::Failed {
                command: "restore".into(),
                message: stderr.trim().lines().last().unwrap_or_default().to_string(),
            });
        }
        Ok(out.exists())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(txid: &str, at: &str) -> LtxRow {
        LtxRow { max_txid: txid.into(), timestamp: at.into() }
    }

    #[test]
    fn the_newest_position_is_the_highest_txid_over_all_levels() {
        let rows = [
            row("0000000000000001", "2026-11-24T18:56:16Z"),
            row("000000000000000a", "2026-11-24T18:56:30Z"),
            row("0000000000000009", "2026-11-24T18:57:00Z"),
        ];
        let n = newest(&rows).unwrap().unwrap();
        assert_eq!(n.txid, 10);
        assert_eq!(n.at.to_rfc3339(), "2026-11-24T18:56:30+00:00");
        assert_eq!(newest(&[]).unwrap(), None);
        assert!(newest(&[row("xyz", "2026-11-24T18:56:16Z")]).is_err());
        assert!(newest(&[row("01", "yesterday")]).is_err());
    }

    #[test]
    fn txids_are_hex_and_a_dash_is_none() {
        assert_eq!(parse_txid("00000000000000ff"), Some(255));
        assert_eq!(parse_txid("-"), None);
        let empty: Vec<LtxRow> = parse_json("ltx", "\n").unwrap();
        assert!(empty.is_empty());
    }
}
