//! Group commit under a crash: the real binary takes a burst of checkouts (guests by
//! QRIS, a member from its balance), many sharing one commit, and is killed with SIGKILL
//! in the middle. Every checkout that was answered 201 is in the file whole (order, its
//! log, its payment or its debit); no order is there in part; the ledger still adds up.

use crate::common;

use std::{
    process::Command,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::binary::{free_port, wait_healthy, Upstreams};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_burst_keeps_every_answered_checkout_whole() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let up = Upstreams::start(Duration::from_millis(0)).await;
    let command = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lapak"));
        c.current_dir(dir.path()).args(args);
        up.configure(&mut c, port, &dir.path().join("lapak.log"));
        // No duplicate guard: the burst repeats numbers.
        c.env("LAPAK_ORDERS__DUPLICATE_WINDOW_HOURS", "0").env("LAPAK_LIMITS__CHECKOUT_PER_MINUTE", "1000000");
        c
    };
    assert!(command(&["sync-products"]).status().unwrap().success());
    let mut admin = command(&["create-admin", "--email", "admin@example.com", "--password-stdin"]);
    admin.stdin(std::process::Stdio::piped());
    let mut child = admin.spawn().unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"burst-admin-pass\n").unwrap();
    }
    assert!(child.wait().unwrap().success());

    let base = format!("http://127.0.0.1:{port}");
    let mut lapak = command(&["serve"]).spawn().unwrap();
    assert!(wait_healthy(port).await, "lapak did not start");
    let client = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut rb = client.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        rb.send()
    };
    let admin_token =
        post("/api/v1/auth/login", None, json!({"identifier": "admin@example.com", "password": "burst-admin-pass"}))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string();
    let member: Value = post(
        "/api/v1/auth/register",
        None,
        json!({"name": "Burst Member", "email": "member@example.com", "phone": "081299990000", "password": "rahasia-burst-1"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let (member_token, member_id) =
        (member["token"].as_str().unwrap().to_string(), member["user"]["id"].as_i64().unwrap());
    let r = post(
        &format!("/api/v1/admin/users/{member_id}/balance-adjustments"),
        Some(&admin_token),
        json!({"amount": 5_000_000, "reason": "burst"}),
    )
    .await
    .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let products: Value =
        client.get(format!("{base}/api/v1/products/slug/telkomsel-pulsa")).send().await.unwrap().json().await.unwrap();
    let item =
        products["items"].as_array().unwrap().iter().find(|i| i["sku"] == "tsel10").unwrap()["id"].as_i64().unwrap();

    // The burst: 32 at a time; lapak is killed once 120 checkouts were answered.
    let answered: Arc<Mutex<Vec<(String, bool)>>> = Arc::default();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let (client, base, answered, member_token) =
            (client.clone(), base.clone(), answered.clone(), member_token.clone());
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let by_balance = (i + n) % 4 == 0;
                let mut body = json!({"product_item_id": item, "customer_data": {"phone": format!("0812{:08}", i * 1000 + n)},
                                      "payment_method": if by_balance { "balance" } else { "QRIS" }});
                if !by_balance {
                    body["customer_name"] = json!("Burst");
                    body["customer_email"] = json!(format!("guest{i}@example.com"));
                }
                let mut rb = client.post(format!("{base}/api/v1/transactions")).json(&body);
                if by_balance {
                    rb = rb.bearer_auth(&member_token);
                }
                let Ok(resp) = rb.send().await else { return };
                if resp.status().as_u16() != 201 {
                    let status = resp.status();
                    panic!("checkout refused: {status} {}", resp.text().await.unwrap_or_default());
                }
                let Ok(v) = resp.json::<Value>().await else { return };
                answered.lock().unwrap().push((v["transaction_code"].as_str().unwrap().to_string(), by_balance));
            }
        }));
    }
    let started = Instant::now();
    while answered.lock().unwrap().len() < 120 {
        assert!(started.elapsed() < Duration::from_secs(60), "the burst did not get going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    lapak.kill().unwrap();
    lapak.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() >= 120);

    let db = rusqlite::Connection::open(dir.path().join("data/lapak.db")).unwrap();
    let count = |sql: &str, code: &str| db.query_row(sql, [code], |r| r.get::<_, i64>(0)).unwrap();
    for (code, by_balance) in &answered {
        assert_eq!(
            count("SELECT COUNT(*) FROM transactions WHERE transaction_code = ?1", code),
            1,
            "{code} was answered"
        );
        assert!(
            count(
                "SELECT COUNT(*) FROM transaction_logs l JOIN transactions t ON t.id = l.transaction_id WHERE t.transaction_code = ?1",
                code
            ) >= 1,
            "{code} has its log"
        );
        let sql = if *by_balance {
            "SELECT COUNT(*) FROM balance_mutations m JOIN transactions t ON t.id = m.transaction_id WHERE t.transaction_code = ?1"
        } else {
            "SELECT COUNT(*) FROM payments p JOIN transactions t ON t.id = p.transaction_id WHERE t.transaction_code = ?1"
        };
        assert_eq!(count(sql, code), 1, "{code} has its {}", if *by_balance { "debit" } else { "payment" });
    }
    // Nothing in part: no order without its creation log, no balance order without its
    // debit, and the balance is the sum of its movements.
    let one = |sql: &str| db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    let total = one("SELECT COUNT(*) FROM transactions");
    assert!(total >= answered.len() as i64);
    assert_eq!(
        one("SELECT COUNT(*) FROM transactions t WHERE NOT EXISTS (SELECT 1 FROM transaction_logs l WHERE l.transaction_id = t.id)"),
        0,
        "an order without its log"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM transactions t WHERE t.payment_method_type = 'balance' AND t.payment_status = 'paid'
             AND NOT EXISTS (SELECT 1 FROM balance_mutations m WHERE m.transaction_id = t.id)"),
        0,
        "a balance order without its debit"
    );
    let (_, offenders) = lapak::wallet::ledger::check(&db).unwrap();
    assert!(offenders.is_empty(), "balance == sum(mutations) broken for {offenders:?}");
    eprintln!("burst: {} answered, {} orders in the file after kill -9", answered.len(), total);
}
