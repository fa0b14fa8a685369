//! The binary itself: help, version, migrate, create-admin, backup, config errors.

use std::{
    io::Write,
    path::Path,
    process::{Command, Output, Stdio},
};

use figment::providers::Format;

fn lapak(dir: &Path, args: &[&str], envs: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lapak"));
    cmd.current_dir(dir).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.env_remove("RUST_LOG").env("LAPAK_LOG__LEVEL", "warn");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("lapak runs");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn help_lists_every_command_and_version_prints() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = text(&lapak(dir.path(), &["--help"], &[], None));
    for cmd in ["serve", "migrate", "create-admin", "backup"] {
        assert!(out.contains(cmd), "--help lacks {cmd}: {out}");
    }
    let (v, _) = text(&lapak(dir.path(), &["--version"], &[], None));
    assert_eq!(v.trim(), format!("lapak {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn migrate_creates_the_database_and_twice_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let first = lapak(dir.path(), &["migrate"], &[], None);
    let (out, err) = text(&first);
    assert!(first.status.success(), "{out}{err}");
    assert!(out.contains("applied 0001_init"), "{out}");
    assert!(dir.path().join("data/lapak.db").exists(), "default path data/lapak.db, folder created");

    let second = lapak(dir.path(), &["migrate"], &[], None);
    let (out, _) = text(&second);
    assert!(second.status.success());
    assert!(out.contains("up to date"), "{out}");
    let conn = rusqlite::Connection::open(dir.path().join("data/lapak.db")).unwrap();
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0)).unwrap();
    assert_eq!(n as usize, lapak::db::migrate::embedded().len());
}

/// Every schedule the scheduler runs has a key, and every key is checked at load: a
/// cron expression that does not parse stops every command with the key's name; an
/// empty one turns the job off.
#[test]
fn every_schedule_key_is_validated_at_load() {
    let dir = tempfile::tempdir().unwrap();
    for task in lapak::jobs::schedule::Task::ALL {
        let var = format!("LAPAK_SCHEDULE__{}", task.name().to_uppercase());
        let o = lapak(dir.path(), &["migrate"], &[(var.as_str(), "every five minutes")], None);
        let (_, err) = text(&o);
        assert_eq!(o.status.code(), Some(2), "{var}: {err}");
        assert!(err.contains(&format!("schedule.{}", task.name())), "{var}: {err}");
        let off = lapak(dir.path(), &["migrate"], &[(var.as_str(), "")], None);
        assert!(off.status.success(), "{var} empty: {}", text(&off).1);
        let ok = lapak(dir.path(), &["migrate"], &[(var.as_str(), "0 */5 * * * *")], None);
        assert!(ok.status.success(), "{var}: {}", text(&ok).1);
    }
}

#[test]
fn a_bad_config_value_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    // From the environment.
    let o = lapak(dir.path(), &["migrate"], &[("LAPAK_SERVER__PORT", "eighty")], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("server.port") && err.contains("LAPAK_SERVER__PORT"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // From a file given with --config.
    std::fs::write(dir.path().join("bad.toml"), "[digiflazz]\nbase_url = \"not a url\"\n").unwrap();
    let o = lapak(dir.path(), &["--config", "bad.toml", "migrate"], &[], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("digiflazz.base_url"), "{err}");

    // An unknown key is a mistake too.
    std::fs::write(dir.path().join("typo.toml"), "[server]\nprot = 9000\n").unwrap();
    let o = lapak(dir.path(), &["--config", "typo.toml", "migrate"], &[], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("prot"), "{err}");

    // A missing --config file.
    let o = lapak(dir.path(), &["--config", "nope.toml", "migrate"], &[], None);
    assert_eq!(o.status.code(), Some(2));

    // A misspelt section is refused; a single-word LAPAK_ variable is not configuration.
    let o = lapak(dir.path(), &["migrate"], &[("LAPAK_SEVRER__PORT", "9000")], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("sevrer"), "{}", text(&o).1);
    let o = lapak(dir.path(), &["migrate"], &[("LAPAK_BIN", "/somewhere/lapak")], None);
    assert!(o.status.success(), "{}", text(&o).1);

    // Half-set credentials.
    let o = lapak(dir.path(), &["migrate"], &[("LAPAK_DIGIFLAZZ__USERNAME", "shop")], None);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("digiflazz.api_key"), "{err}");
}

#[test]
fn the_repository_config_toml_is_valid_and_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfg = lapak::Config::load(Some(&root.join("config.toml"))).expect("config.toml loads");
    let defaults = lapak::Config::default();
    // The documented file says what the code defaults to...
    assert_eq!(toml_of(&cfg), toml_of(&defaults));
    // ...and names every key.
    let in_file: serde_json::Value =
        figment::Figment::from(figment::providers::Toml::file(root.join("config.toml"))).extract().unwrap();
    for (section, keys) in toml_of(&defaults).as_object().unwrap() {
        for key in keys.as_object().unwrap().keys() {
            assert!(in_file[section].get(key).is_some(), "config.toml does not document {section}.{key}");
        }
    }
}

fn toml_of(c: &lapak::Config) -> serde_json::Value {
    serde_json::to_value(c).unwrap()
}

#[test]
fn create_admin_then_backup() {
    let dir = tempfile::tempdir().unwrap();
    let short =
        lapak(dir.path(), &["create-admin", "--email", "boss@example.com", "--password-stdin"], &[], Some("short\n"));
    assert!(!short.status.success());

    let o = lapak(
        dir.path(),
        &["create-admin", "--email", "Boss@Example.com", "--password-stdin"],
        &[],
        Some("very-secret-1\n"),
    );
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    assert!(out.contains("created admin boss@example.com"), "{out}");
    assert!(!out.contains("very-secret-1") && !err.contains("very-secret-1"));

    // Again: the existing account gets the new password.
    let o = lapak(
        dir.path(),
        &["create-admin", "--email", "boss@example.com", "--password-stdin"],
        &[],
        Some("another-secret-2"),
    );
    assert!(o.status.success());
    assert!(text(&o).0.contains("is now an admin"));

    let o = lapak(dir.path(), &["backup", "backups/copy.db"], &[], None);
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}{err}");
    let copy = rusqlite::Connection::open(dir.path().join("backups/copy.db")).unwrap();
    let (role, n): (String, i64) = copy
        .query_row("SELECT role, (SELECT COUNT(*) FROM users) FROM users WHERE email = 'boss@example.com'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((role.as_str(), n), ("admin", 1));
    // Refuses to overwrite.
    assert!(!lapak(dir.path(), &["backup", "backups/copy.db"], &[], None).status.success());
}

#[test]
fn the_database_is_in_wal_mode_with_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    assert!(lapak(dir.path(), &["migrate"], &[], None).status.success());
    let conn = rusqlite::Connection::open(dir.path().join("data/lapak.db")).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    // The schema's foreign keys are all consistent.
    let violations: i64 = conn.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(violations, 0);
}
