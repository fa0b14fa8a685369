//! The real binary in demo mode: no credentials, the built-in simulator fills the
//! catalog on first start; SIGTERM stops it cleanly.

use std::{
    io::Read,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn serve_without_credentials_runs_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapak"))
        .current_dir(dir.path())
        .arg("serve")
        .env_remove("RUST_LOG")
        .env("LAPAK_SERVER__HOST", "127.0.0.1")
        .env("LAPAK_SERVER__PORT", port.to_string())
        .env("LAPAK_LOG__LEVEL", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let mut total = 0;
    while started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Ok(r) = client.get(format!("{base}/api/v1/products")).send().await {
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            total = body["meta"]["total"].as_i64().unwrap_or(0);
            if total > 0 {
                break;
            }
        }
    }
    assert!(total >= 15, "the catalog filled itself: {total} products");
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(dir.path().join("data/lapak.db").exists());

    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "lapak did not stop on SIGTERM");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut log = String::new();
    child.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(status.success(), "exit {status:?}: {log}");
    assert!(log.contains("DEMO MODE"), "{log}");
    assert!(log.contains("catalog filled on first start"), "{log}");
    assert!(!log.contains("demo-key"), "no secret in the log: {log}");
}
