//! Bounded resources (issue 11): the real binary gets a 100 MB body on every POST route
//! of its OpenAPI document (and the webhooks and demo pages), with and without a
//! Content-Length, whatever the content type. Its memory must stay under 100 MB and
//! nothing over the limits may be stored.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

const MB: usize = 1024 * 1024;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Peak resident memory of a process, in KiB (VmHWM).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

/// A body of `size` bytes that the client generates as it sends.
fn stream_body(size: usize) -> reqwest::Body {
    let chunk = bytes::Bytes::from(vec![b'{'; 256 * 1024]);
    let n = size / chunk.len();
    reqwest::Body::wrap_stream(futures_util::stream::iter((0..n).map(move |_| Ok::<_, std::io::Error>(chunk.clone()))))
}

/// Sends only the request line and headers (declaring `length` bytes) and returns the
/// status lapak answers with.
async fn status_from_headers_only(port: u16, path: &str, content_type: &str, length: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(10), sock.read(&mut buf))
        .await
        .expect("an answer without the body")
        .unwrap();
    let line = String::from_utf8_lossy(&buf[..n]);
    line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_body_to_every_post_route_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapak"))
        .current_dir(dir.path())
        .arg("serve")
        .env_remove("RUST_LOG")
        .env("LAPAK_SERVER__HOST", "127.0.0.1")
        .env("LAPAK_SERVER__PORT", port.to_string())
        .env("LAPAK_LOG__LEVEL", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let spec: serde_json::Value = loop {
        assert!(started.elapsed() < Duration::from_secs(30), "lapak did not start");
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Ok(r) = client.get(format!("{base}/openapi.json")).send().await {
            break r.json().await.unwrap();
        }
    };
    let mut paths: Vec<String> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| ops.get("post").is_some())
        .map(|(p, _)| regex::Regex::new(r"\{[^}]+\}").unwrap().replace_all(p, "1").into_owned())
        .collect();
    paths.extend(["/demo/tripay/checkout/DEV-T1/pay".to_string(), "/demo/tripay/api/transaction/create".to_string()]);
    assert!(paths.len() > 40, "{} POST routes", paths.len());
    assert!(paths.iter().all(|p| p.starts_with("/api/v1/") || p.starts_with("/demo/")), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.ends_with("/callbacks/tripay"))
            && paths.iter().any(|p| p.ends_with("/webhooks/digiflazz"))
    );

    let mut answers = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let content_type = [
            "application/json",
            "text/plain",
            "Application/JSON",
            "application/vnd.api+json",
            "multipart/form-data; boundary=x",
        ][i % 5];
        // Declared: refused from the headers alone, before a byte of the body is sent.
        let declared = status_from_headers_only(port, path, content_type, 100 * MB).await;
        assert_eq!(declared, 413, "{path} ({content_type}), declared 100 MB");
        // Chunked, no length: read up to the limit, then refused.
        let r = client
            .post(format!("{base}{path}"))
            .header("content-type", content_type)
            .body(stream_body(100 * MB))
            .send()
            .await;
        let chunked = r.map(|r| r.status().as_u16()).unwrap_or(0);
        assert!(chunked == 413 || chunked == 0, "{path} ({content_type}), chunked 100 MB: {chunked}");
        answers.push((declared, chunked));
    }
    assert!(answers.iter().all(|(d, _)| *d == 413), "{answers:?}");

    let peak = peak_rss_kib(child.id());
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "still serving");
    let _ = child.kill();
    let _ = child.wait();
    eprintln!("peak RSS after {} routes x 2 x 100 MB: {} MiB", paths.len(), peak / 1024);
    assert!(peak < 100 * 1024, "peak RSS {} MiB", peak / 1024);

    // Nothing over the limits was stored.
    let db = rusqlite::Connection::open(dir.path().join("data/lapak.db")).unwrap();
    let max = |sql: &str| db.query_row(sql, [], |r| r.get::<_, Option<i64>>(0)).unwrap().unwrap_or(0);
    assert!(max("SELECT MAX(length(callback_data)) FROM payment_callbacks") <= 64 * 1024);
    assert!(max("SELECT MAX(length(raw_body)) FROM supplier_webhooks") <= 64 * 1024);
    assert_eq!(max("SELECT COUNT(*) FROM users"), 0);
    let size = std::fs::metadata(dir.path().join("data/lapak.db")).unwrap().len()
        + std::fs::metadata(dir.path().join("data/lapak.db-wal")).map(|m| m.len()).unwrap_or(0);
    assert!(size < 20 * MB as u64, "database {} MiB", size / MB as u64);
}
