//! Durability beyond one disk: Litestream streams both SQLite files (`database.path`
//! and `database.queue_path`) to S3-compatible storage; lapak cooperates with it (WAL,
//! a busy timeout, no checkpoints of its own beyond SQLite's passive ones), names the
//! replica at start, shows how far behind it is, and restores from it.
//!
//! Nothing here writes to the database. The replica's position comes from Litestream
//! (`litestream status` for this machine, `litestream ltx` for the bucket); the last
//! local write from the WAL file's modification time, which also catches a replicator
//! that stopped.

pub mod litestream;

use std::{
    path::{Path, PathBuf},
    sync::Mutex,
    time::{Duration, Instant, SystemTime},
};

use poem_openapi::{Enum, Object};
use serde::Deserialize;

use crate::config::Config;
pub use litestream::{Litestream, LitestreamError};

/// A status is asked of Litestream (and the bucket) at most this often.
const STATUS_TTL: Duration = Duration::from_secs(15);
/// A local write this much newer than the replica's newest file means the replica is
/// behind (timestamps have one-second precision; Litestream syncs every second).
const WRITE_SLACK_SECS: i64 = 5;

/// The replication of this lapak's two files.
pub struct Replication {
    litestream: Option<Litestream>,
    /// `database.path`, then `database.queue_path`.
    files: [PathBuf; 2],
    warn_after_secs: u64,
    cache: Mutex<Option<(Instant, ReplicationStatus)>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ReplicaHealth {
    /// The replica holds every transaction Litestream has seen.
    InSync,
    /// Local writes are not in the replica yet (see `lag_secs`).
    Behind,
    /// The replica holds nothing of this file yet.
    Empty,
    /// This file is not in the Litestream configuration.
    NotConfigured,
    /// Litestream could not be asked (see `error`).
    Unknown,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReplicatedFile {
    /// The SQLite file on this machine.
    pub path: String,
    /// Where it is replicated, e.g. `s3://bucket/shop/lapak.db at https://... every 1s`.
    pub replica: Option<String>,
    pub health: ReplicaHealth,
    /// The last transaction Litestream has read from this file's WAL.
    pub local_txid: Option<i64>,
    /// The newest transaction in the replica.
    pub replica_txid: Option<i64>,
    /// When the replica's newest position was written (RFC 3339, UTC).
    pub last_replicated_at: Option<String>,
    /// Age of the last replicated position while the replica is behind (0 in sync):
    /// what a lost disk would cost now.
    pub lag_secs: Option<i64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ReplicationStatus {
    /// A Litestream configuration is set (`replication.litestream_config`).
    pub configured: bool,
    pub litestream_config: Option<String>,
    pub files: Vec<ReplicatedFile>,
    /// The console warns past this lag.
    pub warn_after_secs: i64,
    /// What the operator should know, when something is wrong.
    pub warning: Option<String>,
    /// When this status was read (RFC 3339, UTC); it is kept for 15 seconds.
    pub checked_at: String,
}

impl Replication {
    pub fn new(config: &Config) -> Replication {
        let r = &config.replication;
        let litestream = (!r.litestream_config.is_empty())
            .then(|| Litestream { bin: r.litestream_bin.clone(), config: PathBuf::from(&r.litestream_config) });
        Replication {
            litestream,
            files: [config.database.path.clone(), config.database.queue_path.clone()],
            warn_after_secs: r.warn_after_secs,
            cache: Mutex::new(None),
        }
    }

    pub fn litestream(&self) -> Option<&Litestream> {
        self.litestream.as_ref()
    }

    pub fn files(&self) -> &[PathBuf; 2] {
        &self.files
    }

    /// Where each of lapak's files is replicated (None: not in the configuration).
    pub fn targets(&self) -> Result<Vec<(PathBuf, Option<Target>)>, String> {
        let Some(ls) = &self.litestream else { return Ok(self.files.iter().map(|f| (f.clone(), None)).collect()) };
        let entries = read_config(&ls.config)?;
        Ok(self.files.iter().map(|f| (f.clone(), entries.iter().find(|e| same_file(&e.path, f)).cloned())).collect())
    }

    /// The start-up log lines: the replica of each file, or that there is none.
    pub fn announce(&self) {
        let Some(ls) = &self.litestream else {
            tracing::warn!(
                "replication: none configured; a lost disk loses everything since the last `lapak backup` \
                 (README, \"Durability\": run lapak under Litestream)"
            );
            return;
        };
        match self.targets() {
            Err(e) => {
                tracing::error!(config = %ls.config.display(), error = %e, "replication: cannot read the Litestream configuration")
            }
            Ok(targets) => {
                for (file, target) in targets {
                    match target {
                        Some(t) => {
                            tracing::info!(file = %file.display(), replica = %t.replica, "replication: Litestream replicates this file")
                        }
                        None => tracing::warn!(
                            file = %file.display(), config = %ls.config.display(),
                            "replication: this file is not in the Litestream configuration and is not replicated"
                        ),
                    }
                }
            }
        }
    }

    /// The replication status (asked of Litestream at most every 15 seconds).
    pub async fn status(&self) -> ReplicationStatus {
        if let Some((at, s)) = self.cache.lock().expect("replication cache").as_ref() {
            if at.elapsed() < STATUS_TTL {
                return s.clone();
            }
        }
        let s = self.read_status().await;
        *self.cache.lock().expect("replication cache") = Some((Instant::now(), s.clone()));
        s
    }

    async fn read_status(&self) -> ReplicationStatus {
        let now = chrono::Utc::now();
        let warn_after = i64::try_from(self.warn_after_secs).unwrap_or(i64::MAX);
        let Some(ls) = &self.litestream else {
            return ReplicationStatus {
                configured: false,
                litestream_config: None,
                files: self.files.iter().map(|f| ReplicatedFile::bare(f, ReplicaHealth::NotConfigured, None)).collect(),
                warn_after_secs: warn_after,
                warning: Some(
                    "No replica: a lost disk or VPS loses everything since the last backup. \
                     Run lapak under Litestream (README, \"Durability\")."
                        .into(),
                ),
                checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
        };
        let mut files = Vec::new();
        match self.targets() {
            Err(e) => {
                for f in &self.files {
                    files.push(ReplicatedFile::bare(f, ReplicaHealth::Unknown, Some(e.clone())));
                }
            }
            Ok(targets) => {
                for (file, target) in targets {
                    files.push(match target {
                        None => ReplicatedFile::bare(
                            &file,
                            ReplicaHealth::NotConfigured,
                            Some("not in the Litestream configuration".into()),
                        ),
                        Some(t) => file_status(ls, &file, &t, now).await,
                    });
                }
            }
        }
        let warning = warning_for(&files, warn_after);
        ReplicationStatus {
            configured: true,
            litestream_config: Some(ls.config.display().to_string()),
            files,
            warn_after_secs: warn_after,
            warning,
            checked_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

impl ReplicatedFile {
    fn bare(path: &Path, health: ReplicaHealth, error: Option<String>) -> ReplicatedFile {
        ReplicatedFile {
            path: path.display().to_string(),
            replica: None,
            health,
            local_txid: None,
            replica_txid: None,
            last_replicated_at: None,
            lag_secs: None,
            error,
        }
    }
}

async fn file_status(ls: &Litestream, file: &Path, t: &Target, now: chrono::DateTime<chrono::Utc>) -> ReplicatedFile {
    let mut out = ReplicatedFile::bare(file, ReplicaHealth::Unknown, None);
    out.replica = Some(t.replica.clone());
    let key = Path::new(&t.path);
    let (local, replica) = match (ls.local(key).await, ls.replica(key).await) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    out.local_txid = local.txid.and_then(|t| i64::try_from(t).ok());
    let Some(replica) = replica else {
        out.health = ReplicaHealth::Empty;
        return out;
    };
    out.replica_txid = i64::try_from(replica.txid).ok();
    out.last_replicated_at = Some(replica.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    let last_write = wal_written_at(file);
    let behind = judge(local.txid, replica.txid, replica.at, last_write);
    out.health = if behind { ReplicaHealth::Behind } else { ReplicaHealth::InSync };
    out.lag_secs = Some(if behind { (now - replica.at).num_seconds().max(0) } else { 0 });
    out
}

/// Behind when Litestream has read transactions the replica lacks, or when this machine
/// wrote to the file well after the replica's newest position (a replicator that stopped
/// reads nothing, so its local position alone would look in sync).
fn judge(
    local: Option<u64>,
    replica: u64,
    replica_at: chrono::DateTime<chrono::Utc>,
    last_write: Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    local.is_some_and(|l| l > replica) || last_write.is_some_and(|w| (w - replica_at).num_seconds() > WRITE_SLACK_SECS)
}

fn warning_for(files: &[ReplicatedFile], warn_after: i64) -> Option<String> {
    let mut problems = Vec::new();
    for f in files {
        match f.health {
            ReplicaHealth::Behind if f.lag_secs.unwrap_or(0) > warn_after => {
                problems.push(format!("{} is {} s behind its replica", f.path, f.lag_secs.unwrap_or(0)))
            }
            ReplicaHealth::Empty => problems.push(format!("{} has nothing in its replica yet", f.path)),
            ReplicaHealth::NotConfigured => problems.push(format!("{} is not replicated", f.path)),
            ReplicaHealth::Unknown => problems.push(format!(
                "the replica of {} cannot be read: {}",
                f.path,
                f.error.as_deref().unwrap_or("unknown error")
            )),
            _ => {}
        }
    }
    (!problems.is_empty()).then(|| format!("Replication: {}. Is `litestream replicate` running?", problems.join("; ")))
}

fn wal_written_at(file: &Path) -> Option<chrono::DateTime<chrono::Utc>> {
    let modified: SystemTime = std::fs::metadata(sidecar(file, "-wal")).ok()?.modified().ok()?;
    Some(modified.into())
}

/// One database of the Litestream configuration, as lapak reads it.
#[derive(Debug, Clone)]
pub struct Target {
    /// The path as configured, environment expanded.
    pub path: String,
    /// Where it goes, in words.
    pub replica: String,
}

#[derive(Deserialize)]
struct LitestreamFile {
    #[serde(default)]
    dbs: Vec<DbEntry>,
}

#[derive(Deserialize)]
struct DbEntry {
    path: String,
    replica: Option<ReplicaEntry>,
    #[serde(default)]
    replicas: Vec<ReplicaEntry>,
}

#[derive(Deserialize)]
struct ReplicaEntry {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    bucket: Option<String>,
    path: Option<String>,
    endpoint: Option<String>,
    #[serde(rename = "sync-interval")]
    sync_interval: Option<String>,
}

impl ReplicaEntry {
    fn describe(&self) -> String {
        let mut s = match (&self.url, self.kind.as_deref().unwrap_or("s3")) {
            (Some(url), _) => url.clone(),
            (None, "file") => format!("file://{}", self.path.as_deref().unwrap_or("")),
            (None, kind) => format!(
                "{kind}://{}/{}",
                self.bucket.as_deref().unwrap_or(""),
                self.path.as_deref().unwrap_or("").trim_start_matches('/')
            ),
        };
        if let Some(e) = self.endpoint.as_deref().filter(|e| !e.is_empty()) {
            s.push_str(&format!(" at {e}"));
        }
        s.push_str(&format!(" every {}", self.sync_interval.as_deref().unwrap_or("1s")));
        s
    }
}

/// Reads a Litestream configuration the way Litestream does: `$VAR` and `${VAR}`
/// replaced from the environment (unset ones by nothing), then YAML.
fn read_config(path: &Path) -> Result<Vec<Target>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let expanded = shellexpand::env_with_context_no_errors(&text, |name| Some(std::env::var(name).unwrap_or_default()))
        .into_owned();
    use figment::providers::Format;
    let file: LitestreamFile = figment::Figment::from(figment::providers::Yaml::string(&expanded))
        .extract()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file
        .dbs
        .into_iter()
        .map(|d| {
            let replicas: Vec<String> = d.replica.iter().chain(d.replicas.iter()).map(ReplicaEntry::describe).collect();
            Target {
                path: d.path,
                replica: if replicas.is_empty() { "no replica".into() } else { replicas.join(", ") },
            }
        })
        .collect())
}

/// The same file, whether written relative or absolute, and whether it (or its
/// folder) exists yet.
fn same_file(configured: &str, ours: &Path) -> bool {
    fn absolute(p: &Path) -> PathBuf {
        if let Ok(c) = std::fs::canonicalize(p) {
            return c;
        }
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().map(|d| d.join(p)).unwrap_or_else(|_| p.to_path_buf())
        };
        // Not there yet: make the nearest existing folder canonical, keep the rest.
        let mut rest = Vec::new();
        let mut base = p.as_path();
        while let Some(parent) = base.parent() {
            rest.push(base.file_name().map(|n| n.to_os_string()).unwrap_or_default());
            if let Ok(c) = std::fs::canonicalize(parent) {
                return rest.iter().rev().fold(c, |acc, part| acc.join(part));
            }
            base = parent;
        }
        p
    }
    absolute(Path::new(configured)) == absolute(ours)
}

/// A restore leaves this file beside the database until its ledger check passed;
/// `lapak serve` refuses to start while it is there.
pub fn restore_marker(db: &Path) -> PathBuf {
    sidecar(db, ".restoring")
}

/// `file` with `suffix` added to its name: `lapak.db` + `-wal` is `lapak.db-wal`.
pub fn sidecar(file: &Path, suffix: &str) -> PathBuf {
    let mut p = file.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

/// Why serving this database must wait, if a restore did not finish cleanly.
pub fn unfinished_restore(db: &Path) -> Option<String> {
    let marker = restore_marker(db);
    let why = std::fs::read_to_string(&marker).ok()?;
    Some(format!(
        "{} came from a restore that did not finish or failed its ledger check ({}): {}. \
         Run `lapak restore --force` again, or remove {} once you have checked the data yourself",
        db.display(),
        marker.display(),
        why.trim(),
        marker.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, s).unwrap()
    }

    #[test]
    fn behind_when_litestream_read_more_than_the_replica_holds() {
        assert!(!judge(Some(7), 7, at(0), Some(at(1))), "in sync");
        assert!(judge(Some(8), 7, at(0), Some(at(1))), "one transaction not uploaded");
        assert!(!judge(None, 7, at(0), None), "nothing read yet, nothing written");
    }

    #[test]
    fn behind_when_the_file_changed_long_after_the_replica_did() {
        // A stopped replicator reads nothing: its local position equals the replica's.
        assert!(judge(Some(7), 7, at(0), Some(at(30))));
        assert!(!judge(Some(7), 7, at(0), Some(at(5))), "within the slack");
    }

    #[test]
    fn the_warning_names_each_problem_and_silence_means_fine() {
        let mut ok = ReplicatedFile::bare(Path::new("data/lapak.db"), ReplicaHealth::InSync, None);
        ok.lag_secs = Some(0);
        assert_eq!(warning_for(std::slice::from_ref(&ok), 300), None);
        let mut late = ReplicatedFile::bare(Path::new("data/queue.db"), ReplicaHealth::Behind, None);
        late.lag_secs = Some(301);
        let w = warning_for(&[ok.clone(), late.clone()], 300).unwrap();
        assert!(w.contains("data/queue.db is 301 s behind"), "{w}");
        late.lag_secs = Some(299);
        assert_eq!(warning_for(&[ok, late], 300), None, "behind, but under the threshold");
    }

    #[test]
    fn the_configuration_is_read_with_its_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("litestream.yml");
        std::fs::write(
            &file,
            "dbs:\n  - path: ${LAPAK_TEST_RS_DIR}/lapak.db\n    replica:\n      type: s3\n      bucket: shop\n      \
             path: ${LAPAK_TEST_RS_UNSET}/lapak.db\n      endpoint: http://127.0.0.1:9000\n      sync-interval: 1s\n  \
             - path: /srv/other.db\n    replica:\n      url: file:///backups/other\n",
        )
        .unwrap();
        std::env::set_var("LAPAK_TEST_RS_DIR", dir.path());
        let targets = read_config(&file).unwrap();
        assert_eq!(targets.len(), 2);
        assert!(same_file(&targets[0].path, &dir.path().join("lapak.db")));
        assert!(!same_file(&targets[1].path, &dir.path().join("lapak.db")));
        assert_eq!(targets[0].replica, "s3://shop/lapak.db at http://127.0.0.1:9000 every 1s");
        assert_eq!(targets[1].replica, "file:///backups/other every 1s");
        assert!(read_config(&dir.path().join("missing.yml")).is_err());
        // A data folder that does not exist yet (a new machine before its restore).
        let cwd = std::env::current_dir().unwrap();
        assert!(same_file(
            &cwd.join("not-yet/data/lapak.db").display().to_string(),
            Path::new("not-yet/data/lapak.db")
        ));
        assert!(!same_file(
            &cwd.join("not-yet/data/queue.db").display().to_string(),
            Path::new("not-yet/data/lapak.db")
        ));
    }

    #[test]
    fn a_marker_blocks_serving_until_it_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("lapak.db");
        assert_eq!(unfinished_restore(&db), None);
        std::fs::write(restore_marker(&db), "ledger check failed: 1 of 3 balances do not add up").unwrap();
        let why = unfinished_restore(&db).unwrap();
        assert!(why.contains("1 of 3 balances"), "{why}");
    }
}
