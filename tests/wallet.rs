//! The wallet as a ledger: deposits, balance purchases under contention, refunds,
//! withdrawals, adjustments, and `check-ledger`.

use crate::common;

use common::TestApp;
use lapak::digiflazz::webhook_signature;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A reseller with a token and its id.
async fn reseller(t: &TestApp, admin: &str, email: &str, phone: &str) -> (String, i64) {
    let (_, id) = t.register(email, phone).await;
    t.make_reseller(admin, id).await;
    (t.login(email, "rahasia-123").await, id)
}

async fn setup() -> (TestApp, String) {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    (t, admin)
}

async fn balance(t: &TestApp, token: &str) -> i64 {
    let r = t.get("/api/v1/me/balance", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["balance"].as_i64().unwrap()
}

async fn adjust(t: &TestApp, admin: &str, user: i64, amount: i64) -> reqwest::StatusCode {
    t.post(
        &format!("/api/v1/admin/users/{user}/balance-adjustments"),
        Some(admin),
        json!({"amount": amount, "reason": "test funds"}),
    )
    .await
    .status
}

fn ledger_ok(t: &TestApp) -> (usize, Vec<lapak::wallet::ledger::Offender>) {
    t.app.db.read_blocking(lapak::wallet::ledger::check).unwrap()
}

#[tokio::test]
async fn a_deposit_is_credited_once_however_often_tripay_calls() {
    let (t, admin) = setup().await;
    let (token, _) = reseller(&t, &admin, "dep@example.com", "081211112222").await;
    let r = t.post("/api/v1/deposits", Some(&token), json!({"amount": 50_000, "payment_method": "BRIVA"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["transaction_type"], "topup");
    assert_eq!(r.body["product_price"], 50_000);
    assert_eq!(r.body["admin_fee"], 4_250);
    assert_eq!(r.body["total_price"], 54_250);
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    let reference = t.reference_of(&code).await;
    let (body, sig, _) = t.tripay.sim.callback_for(&reference, "PAID").unwrap();
    for _ in 0..5 {
        let r = t
            .client
            .post(t.url("/api/v1/callbacks/tripay"))
            .header("x-callback-signature", &sig)
            .header("x-callback-event", "payment_status")
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(balance(&t, &token).await, 50_000, "the fee is not credited, and only once");
    let muts = t.get("/api/v1/me/mutations", Some(&token)).await;
    assert_eq!(muts.body["meta"]["total"], 1);
    assert_eq!(muts.body["data"][0]["kind"], "topup");
    assert_eq!(muts.body["data"][0]["amount"], 50_000);
    assert_eq!(muts.body["data"][0]["transaction_code"], code.as_str());
    let d = t.get(&format!("/api/v1/deposits/{code}"), Some(&token)).await;
    assert_eq!((d.body["status"].as_str(), d.body["payment_status"].as_str()), (Some("success"), Some("paid")));
    assert_eq!(t.get("/api/v1/deposits", Some(&token)).await.body["meta"]["total"], 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE title = 'Saldo Masuk'").await, 1);
    // Limits and ownership.
    let small = t.post("/api/v1/deposits", Some(&token), json!({"amount": 9_999, "payment_method": "QRIS"})).await;
    assert_eq!((small.status, small.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("amount")));
    let (other, _) = t.register("other@example.com", "081211113333").await;
    assert_eq!(t.get(&format!("/api/v1/deposits/{code}"), Some(&other)).await.status, StatusCode::NOT_FOUND);
    assert!(ledger_ok(&t).1.is_empty());
}

#[tokio::test]
async fn a_reseller_buys_with_balance_at_the_reseller_price() {
    let (t, admin) = setup().await;
    let (token, id) = reseller(&t, &admin, "buyer@example.com", "081222223333").await;
    assert_eq!(adjust(&t, &admin, id, 20_000).await, StatusCode::OK);
    let item = t.item_id("xld10").await;
    let r = t
        .post(
            "/api/v1/transactions",
            Some(&token),
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "BALANCE"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["product_price"], 11_000);
    assert_eq!(r.body["admin_fee"], 0);
    assert_eq!(r.body["total_price"], 11_000);
    assert_eq!(r.body["payment_status"], "paid");
    assert!(r.body["payment"].is_null());
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    assert_eq!(t.wait_status(&code, "success").await, "success");
    assert_eq!(balance(&t, &token).await, 9_000);
    let m = t.get("/api/v1/me/mutations?type=purchase", Some(&token)).await;
    assert_eq!(m.body["data"][0]["amount"], -11_000);
    assert_eq!(m.body["data"][0]["balance_before"], 20_000);
    assert_eq!(m.body["data"][0]["balance_after"], 9_000);

    // Not enough left: a clear 4xx, nothing written.
    let before = t.count("SELECT COUNT(*) FROM transactions").await;
    let r = t
        .post(
            "/api/v1/transactions",
            Some(&token),
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "BALANCE"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "insufficient_balance");
    assert_eq!(r.body["details"], json!({"balance": 9_000, "needed": 11_000}));
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, before);
    // Retail members and guests cannot pay with balance (config off).
    let (retail, _) = t.register("retail@example.com", "081222224444").await;
    let r = t
        .post(
            "/api/v1/transactions",
            Some(&retail),
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "BALANCE"}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("payment_method")));
}

#[tokio::test]
async fn a_thousand_concurrent_balance_purchases_never_overspend() {
    let (t, admin) = setup().await;
    let (token, id) = reseller(&t, &admin, "race@example.com", "081233334444").await;
    let item = t.item_id("tsel5").await;
    let price = t.get("/api/v1/products/slug/telkomsel-pulsa", Some(&token)).await.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sku"] == "tsel5")
        .unwrap()["price"]
        .as_i64()
        .unwrap();
    const N: i64 = 23;
    assert_eq!(adjust(&t, &admin, id, N * price).await, StatusCode::OK);
    let mut tasks = Vec::new();
    for _ in 0..1000 {
        let (client, url, token) = (t.client.clone(), t.url("/api/v1/transactions"), token.clone());
        let body =
            json!({"product_item_id": item, "customer_data": {"phone": "081234567890"}, "payment_method": "BALANCE"});
        tasks.push(tokio::spawn(async move {
            let r = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            let status = r.status();
            let body: Value = r.json().await.unwrap();
            (status, body["code"].as_str().map(str::to_string))
        }));
    }
    let (mut ok, mut insufficient) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            (StatusCode::CREATED, _) => ok += 1,
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)) if code == "insufficient_balance" => insufficient += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((ok, insufficient), (N, 1000 - N));
    assert_eq!(balance(&t, &token).await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM balance_mutations WHERE reference_type = 'purchase'").await, N);
    let (checked, offenders) = ledger_ok(&t);
    assert_eq!((checked, offenders.len()), (1, 0));
    // The same check from the command line, on the same file.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lapak"))
        .arg("check-ledger")
        .env("LAPAK_DATABASE__PATH", t.dir.path().join("lapak.db"))
        .env("LAPAK_LOG__LEVEL", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ledger OK"));
}

#[tokio::test]
async fn a_failure_reported_twice_refunds_once() {
    let (t, admin) = setup().await;
    let (token, id) = reseller(&t, &admin, "fail@example.com", "081244445555").await;
    assert_eq!(adjust(&t, &admin, id, 30_000).await, StatusCode::OK);
    let item = t.item_id("xld10").await;
    // By balance: Digiflazz answers Gagal (rc 02) to this number.
    let r = t
        .post(
            "/api/v1/transactions",
            Some(&token),
            json!({"product_item_id": item, "customer_data": {"phone": "087800001232"}, "payment_method": "BALANCE"}),
        )
        .await;
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    assert_eq!(t.wait_status(&code, "refunded").await, "refunded");
    assert_eq!(balance(&t, &token).await, 30_000);
    // The same failure again, by signed webhook: nothing more.
    let fail = json!({"data": {"ref_id": code, "customer_no": "087800001232", "buyer_sku_code": "xld10",
                               "message": "Transaksi Gagal", "status": "Gagal", "rc": "02", "sn": ""}})
    .to_string();
    for _ in 0..2 {
        let r = t
            .client
            .post(t.url("/api/v1/webhooks/digiflazz"))
            .header("content-type", "application/json")
            .header("x-hub-signature", webhook_signature("demo-secret", fail.as_bytes()))
            .body(fail.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    assert_eq!(balance(&t, &token).await, 30_000);
    assert_eq!(t.count("SELECT COUNT(*) FROM balance_mutations WHERE reference_type = 'refund'").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE title = 'Refund Berhasil'").await, 1);

    // A member who paid through Tripay is refunded to its balance too (the gateway fee included).
    let body = json!({"product_item_id": item, "customer_data": {"phone": "087800001232"}, "payment_method": "QRIS"});
    let r = t.post("/api/v1/transactions", Some(&token), body).await;
    let code2 = r.body["transaction_code"].as_str().unwrap().to_string();
    let paid = r.body["total_price"].as_i64().unwrap();
    t.pay(&code2).await;
    assert_eq!(t.wait_status(&code2, "refunded").await, "refunded");
    assert_eq!(balance(&t, &token).await, 30_000 + paid);
    assert!(ledger_ok(&t).1.is_empty());

    // A guest's failed order waits for the admin, who marks it refunded with a note.
    let guest = json!({"product_item_id": item, "customer_data": {"phone": "087800001232"}, "payment_method": "QRIS",
                       "customer_name": "Guest", "customer_email": "guest@example.com"});
    let code3 =
        t.post("/api/v1/transactions", None, guest).await.body["transaction_code"].as_str().unwrap().to_string();
    t.pay(&code3).await;
    assert_eq!(t.wait_status(&code3, "failed").await, "failed");
    let list = t.get("/api/v1/admin/transactions/refund-required", Some(&admin)).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1);
    assert_eq!(list.body[0]["transaction_code"], code3.as_str());
    assert_eq!(list.body[0]["is_guest"], true);
    let r = t.post(&format!("/api/v1/admin/transactions/{code3}/refund"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a guest has no balance");
    let r = t
        .post(
            &format!("/api/v1/admin/transactions/{code3}/mark-refunded"),
            Some(&admin),
            json!({"note": "BCA transfer 123"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "refunded");
    assert_eq!(
        t.get("/api/v1/admin/transactions/refund-required", Some(&admin)).await.body.as_array().unwrap().len(),
        0
    );
}

#[tokio::test]
async fn withdrawals_hold_money_and_a_rejection_returns_it_once() {
    let (t, admin) = setup().await;
    let (token, id) = reseller(&t, &admin, "wd@example.com", "081255556666").await;
    assert_eq!(adjust(&t, &admin, id, 100_000).await, StatusCode::OK);
    let wd = |amount: i64| json!({"amount": amount, "payment_method": "BCA", "account_number": "1234567890", "account_name": "Budi"});
    let r = t.post("/api/v1/withdrawals", Some(&token), wd(40_000)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body["reference_id"].as_str().unwrap().starts_with("WD-"));
    let w1 = r.body["id"].as_i64().unwrap();
    assert_eq!(balance(&t, &token).await, 60_000);
    assert_eq!(
        t.post("/api/v1/withdrawals", Some(&token), wd(5_000)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "below minimum"
    );
    let too_much = t.post("/api/v1/withdrawals", Some(&token), wd(70_000)).await;
    assert_eq!(too_much.error_code(), "insufficient_balance");

    // Two admins reject at the same time: one credit back.
    let reject = format!("/api/v1/admin/withdrawals/{w1}/reject");
    let (a, b) = tokio::join!(
        t.post(&reject, Some(&admin), json!({"note": "wrong account"})),
        t.post(&reject, Some(&admin), json!({"note": "wrong account"}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    assert_eq!(balance(&t, &token).await, 100_000);
    // No move out of rejected.
    let r = t.post(&format!("/api/v1/admin/withdrawals/{w1}/complete"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // The happy path: pending -> approved -> completed; completed cannot be rejected.
    let w2 = t.post("/api/v1/withdrawals", Some(&token), wd(25_000)).await.body["id"].as_i64().unwrap();
    assert_eq!(
        t.post(&format!("/api/v1/admin/withdrawals/{w2}/complete"), Some(&admin), json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        t.post(&format!("/api/v1/admin/withdrawals/{w2}/approve"), Some(&admin), json!({})).await.status,
        StatusCode::OK
    );
    let done = t.post(&format!("/api/v1/admin/withdrawals/{w2}/complete"), Some(&admin), json!({"note": "sent"})).await;
    assert_eq!((done.status, done.body["status"].as_str()), (StatusCode::OK, Some("completed")));
    assert_eq!(
        t.post(&format!("/api/v1/admin/withdrawals/{w2}/reject"), Some(&admin), json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(balance(&t, &token).await, 75_000);
    let list = t.get("/api/v1/withdrawals", Some(&token)).await;
    assert_eq!(list.body["meta"]["total"], 2);
    assert_eq!(t.get("/api/v1/admin/withdrawals?status=completed", Some(&admin)).await.body["meta"]["total"], 1);
    // Retail members cannot withdraw.
    let (retail, _) = t.register("rt@example.com", "081255557777").await;
    assert_eq!(t.post("/api/v1/withdrawals", Some(&retail), wd(10_000)).await.status, StatusCode::FORBIDDEN);
    assert!(ledger_ok(&t).1.is_empty());
}

#[tokio::test]
async fn adjustments_are_admin_only_and_logged() {
    let (t, admin) = setup().await;
    let (token, id) = reseller(&t, &admin, "adj@example.com", "081266667777").await;
    let (other_token, other_id) = t.register("snoop@example.com", "081266668888").await;
    assert_eq!(adjust(&t, &admin, id, 10_000).await, StatusCode::OK);
    assert_eq!(adjust(&t, &admin, id, -4_000).await, StatusCode::OK);
    assert_eq!(adjust(&t, &admin, id, -7_000).await, StatusCode::UNPROCESSABLE_ENTITY, "never negative");
    assert_eq!(adjust(&t, &admin, id, 0).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(balance(&t, &token).await, 6_000);
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'balance.adjust'").await, 2);
    let m = t.get(&format!("/api/v1/admin/users/{id}/mutations"), Some(&admin)).await;
    assert_eq!(m.body["meta"]["total"], 2);
    assert!(m.body["data"][0]["created_by"].is_i64());

    // A customer can neither adjust nor read another user's ledger.
    let r = t
        .post(
            &format!("/api/v1/admin/users/{other_id}/balance-adjustments"),
            Some(&other_token),
            json!({"amount": 1_000_000, "reason": "free money"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.get(&format!("/api/v1/admin/users/{id}/mutations"), Some(&other_token)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.get("/api/v1/me/mutations", Some(&other_token)).await.body["meta"]["total"], 0);
    assert_eq!(balance(&t, &other_token).await, 0);
}

#[tokio::test]
async fn the_ledger_is_append_only_and_check_ledger_finds_tampering() {
    let (t, admin) = setup().await;
    let (_, id) = reseller(&t, &admin, "audit@example.com", "081277778888").await;
    assert_eq!(adjust(&t, &admin, id, 5_000).await, StatusCode::OK);
    // Mutations cannot be changed or deleted.
    let upd = t
        .app
        .db
        .write(|tx| tx.execute("UPDATE balance_mutations SET amount = 1", []).map_err(lapak::db::DbError::from))
        .await;
    assert!(upd.is_err());
    let del =
        t.app.db.write(|tx| tx.execute("DELETE FROM balance_mutations", []).map_err(lapak::db::DbError::from)).await;
    assert!(del.is_err());
    // A balance changed behind the ledger's back is found.
    t.sql(&format!("UPDATE balances SET balance = balance + 1 WHERE user_id = {id}")).await;
    let (_, offenders) = ledger_ok(&t);
    assert_eq!(offenders.len(), 1);
    assert_eq!((offenders[0].balance, offenders[0].sum_of_mutations), (5_001, 5_000));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lapak"))
        .arg("check-ledger")
        .env("LAPAK_DATABASE__PATH", t.dir.path().join("lapak.db"))
        .env("LAPAK_LOG__LEVEL", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("OFFENDER") && stdout.contains("audit@example.com"), "{stdout}");
}
