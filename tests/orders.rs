//! Checkout, the Tripay callback, the fulfilment job, vouchers and notifications: real
//! clients against the simulators on 127.0.0.1:0.

use crate::common;

use std::time::Duration;

use common::TestApp;
use lapak::jobs::schedule::Task;
use lapak::tripay::callback_signature;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn setup() -> (TestApp, String) {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    (t, admin)
}

fn guest(item: i64, phone: &str, method: &str) -> Value {
    json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": method,
           "customer_name": "Budi", "customer_email": "budi@example.com", "customer_phone": "081299990000"})
}

async fn buy(t: &TestApp, body: Value, token: Option<&str>) -> Value {
    let r = t.post("/api/v1/transactions", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "checkout: {}", r.body);
    r.body
}

async fn post_callback(t: &TestApp, body: &str, sig: Option<&str>, event: Option<&str>) -> (StatusCode, Value) {
    let mut rb = t.client.post(t.url("/api/v1/callbacks/tripay")).header("content-type", "application/json");
    if let Some(s) = sig {
        rb = rb.header("x-callback-signature", s);
    }
    if let Some(e) = event {
        rb = rb.header("x-callback-event", e);
    }
    let r = rb.body(body.to_string()).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn guest_qris_purchase_completes_with_sn_and_notification() {
    let (t, _) = setup().await;
    let item = t.item_id("xld10").await;
    let order = buy(&t, guest(item, "087800001230", "QRIS"), None).await;
    let code = order["transaction_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 19);
    assert_eq!(order["status"], "pending");
    assert_eq!(order["payment_status"], "pending");
    assert_eq!(order["customer_no"], "087800001230");
    assert_eq!(order["sn"], "");
    // xld10 costs 10 000: retail 12 000; QRIS fee 750 + 0.7 % = 834.
    assert_eq!(order["product_price"], 12_000);
    assert_eq!(order["admin_fee"], 834);
    assert_eq!(order["total_price"], 12_834);
    let p = &order["payment"];
    assert_eq!((p["method"].as_str(), p["total_amount"].as_i64()), (Some("QRIS"), Some(12_834)));
    assert!(p["qr_string"].as_str().unwrap().len() > 20);
    assert!(p["checkout_url"].as_str().unwrap().starts_with("http"));
    assert!(p["expires_at"].is_string());

    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let done = t.get(&format!("/api/v1/transactions/{code}?email=BUDI@example.com"), None).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["sn"], "1234567890");
    assert_eq!(done.body["payment_status"], "paid");
    assert!(done.body["completed_at"].is_string());
    assert_eq!(t.digiflazz.handle.calls_for(&code), 1);
    // The guest (a users row) got the payment and the completion notifications.
    let notes = t.count(&"SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = 'budi@example.com' AND u.is_guest = 1".to_string()).await;
    assert_eq!(notes, 2);
    assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE title = 'Transaksi Berhasil'").await, 1);
    // Every move is logged.
    let logs = t.count(&format!(
        "SELECT COUNT(*) FROM transaction_logs l JOIN transactions t ON t.id = l.transaction_id WHERE t.transaction_code = '{code}'"
    )).await;
    assert_eq!(logs, 3, "created, paid, success");
    // Both upstream calls are in the activity log, without any secret.
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'upstream.tripay.create'").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'upstream.digiflazz.transaction'").await, 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE meta_data LIKE '%demo-key%' OR meta_data LIKE '%test-private-key%'").await, 0);
    // The supplier cost is snapshotted for profit reports.
    assert_eq!(
        t.count(&format!("SELECT base_price FROM transactions WHERE transaction_code = '{code}'")).await,
        10_000
    );
}

#[tokio::test]
async fn only_the_owner_sees_an_order() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    let order = buy(&t, guest(item, "081234567890", "BRIVA"), None).await;
    let code = order["transaction_code"].as_str().unwrap();
    assert!(order["payment"]["pay_code"].is_string(), "a VA number");
    for path in [
        format!("/api/v1/transactions/{code}"),
        format!("/api/v1/transactions/{code}?email=other@example.com"),
        format!("/api/v1/transactions/{code}?phone=081200000000"),
    ] {
        let r = t.get(&path, None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        r.error_code();
    }
    assert_eq!(t.get(&format!("/api/v1/transactions/{code}?phone=6281299990000"), None).await.status, StatusCode::OK);
    let (member, _) = t.register("m@example.com", "081277776666").await;
    assert_eq!(t.get(&format!("/api/v1/transactions/{code}"), Some(&member)).await.status, StatusCode::NOT_FOUND);
    // Cancelling: not by a stranger, yes by the owner, only once.
    let r = t.post(&format!("/api/v1/transactions/{code}/cancel"), None, json!({"email": "x@example.com"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t.post(&format!("/api/v1/transactions/{code}/cancel"), None, json!({"email": "budi@example.com"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["status"].as_str(), r.body["payment_status"].as_str()), (Some("failed"), Some("failed")));
    let again =
        t.post(&format!("/api/v1/transactions/{code}/cancel"), None, json!({"email": "budi@example.com"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // Paid after cancelling: flagged for a refund, not fulfilled.
    t.pay(code).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        t.text(&format!("SELECT status FROM transactions WHERE transaction_code = '{code}'")).await.unwrap(),
        "failed"
    );
    assert_eq!(
        t.count(&format!("SELECT refund_required FROM transactions WHERE transaction_code = '{code}'")).await,
        1
    );
    assert_eq!(t.digiflazz.handle.calls_for(code), 0);
}

#[tokio::test]
async fn members_pay_their_tier_price_and_see_their_history() {
    let (t, admin) = setup().await;
    let (_, id) = t.register("res@example.com", "081255554444").await;
    t.make_reseller(&admin, id).await;
    let token = t.login("res@example.com", "rahasia-123").await;
    let item = t.item_id("xld10").await;
    let body = json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS"});
    let order = buy(&t, body, Some(&token)).await;
    assert_eq!(order["product_price"], 11_000, "reseller price");
    let code = order["transaction_code"].as_str().unwrap();
    assert_eq!(t.get(&format!("/api/v1/transactions/{code}"), Some(&token)).await.status, StatusCode::OK);
    let history = t.get("/api/v1/transactions?status=pending&type=purchase", Some(&token)).await;
    assert_eq!(history.body["meta"]["total"], 1);
    assert_eq!(history.body["data"][0]["transaction_code"], code);
    let none = t.get("/api/v1/transactions?status=success", Some(&token)).await;
    assert_eq!(none.body["meta"]["total"], 0);
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Jakarta).format("%Y-%m-%d").to_string();
    let dated = t.get(&format!("/api/v1/transactions?from={today}&to={today}"), Some(&token)).await;
    assert_eq!(dated.body["meta"]["total"], 1);
    assert_eq!(t.get("/api/v1/transactions", None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_checkouts_write_nothing() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    let before = t.count("SELECT COUNT(*) FROM transactions").await;
    let cases: Vec<(Value, StatusCode, &str)> = vec![
        (
            json!({"product_item_id": 999_999, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                "customer_name": "B", "customer_email": "b@example.com"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_item_id",
        ),
        (guest(item, "12", "QRIS"), StatusCode::UNPROCESSABLE_ENTITY, "customer_data.phone"),
        (
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230", "zone": "1"}, "payment_method": "QRIS",
                "customer_name": "B", "customer_email": "b@example.com"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "customer_data.zone",
        ),
        (guest(item, "087800001230", "NOPE"), StatusCode::UNPROCESSABLE_ENTITY, "payment_method"),
        (
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                "customer_name": "B", "customer_email": "not-an-email"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "customer_email",
        ),
        (
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "customer_name",
        ),
        (
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                "customer_name": "B", "customer_email": "b@example.com", "voucher_code": "NOSUCH"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "voucher_code",
        ),
    ];
    for (body, status, field) in cases {
        let r = t.post("/api/v1/transactions", None, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert_eq!(r.body["field"], field, "{body}: {}", r.body);
    }
    // An amount below the channel's minimum: ff5 sells for 2 900, BRIVA starts at 10 000.
    let cheap = t.item_id("ff5").await;
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": cheap, "customer_data": {"user_id": "12345678", "zone_id": "1234"},
               "payment_method": "BRIVA", "customer_name": "B", "customer_email": "b@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.body["field"], "payment_method");
    // An unorderable item (the admin disabled it).
    t.delete(&format!("/api/v1/admin/items/{item}"), Some(&admin)).await;
    let r = t.post("/api/v1/transactions", None, guest(item, "087800001230", "QRIS")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "item_unavailable");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, before, "nothing was written");
    assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE is_guest = 1").await, 0);
    // A guest using a member's e-mail is just a guest order: checkout does not tell who
    // has an account, and the order does not land in the member's history.
    let (member, _) = t.register("member@example.com", "081233332222").await;
    let tsel = t.item_id("tsel10").await;
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": tsel, "customer_data": {"phone": "081234567890"},
               "payment_method": "QRIS", "customer_name": "B", "customer_email": "member@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(t.get("/api/v1/transactions", Some(&member)).await.body["meta"]["total"], 0);
}

#[tokio::test]
async fn cut_off_window_refuses_orders() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    // The supplier's nightly window; the clock walks into it and out again.
    t.sql(&format!("UPDATE product_items SET cut_off_start = '23:45', cut_off_end = '00:15' WHERE id = {item}")).await;
    t.advance_to_jakarta(23, 30);
    assert_eq!(
        t.post("/api/v1/transactions", None, guest(item, "081234567890", "QRIS")).await.status,
        StatusCode::CREATED
    );
    t.advance(chrono::Duration::minutes(20));
    let r = t.post("/api/v1/transactions", None, guest(item, "081234567890", "QRIS")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "cut_off");
    assert!(r.body["message"].as_str().unwrap().contains("23:45"));
    t.advance(chrono::Duration::minutes(30));
    assert_eq!(
        t.post("/api/v1/transactions", None, guest(item, "081234567890", "QRIS")).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn idempotency_key_returns_the_same_order() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    let send = |body: Value| {
        t.client.post(t.url("/api/v1/transactions")).header("idempotency-key", "key-123").json(&body).send()
    };
    let a = send(guest(item, "081234567890", "QRIS")).await.unwrap();
    assert_eq!(a.status(), StatusCode::CREATED);
    let a: Value = a.json().await.unwrap();
    let b = send(guest(item, "081234567890", "QRIS")).await.unwrap();
    assert_eq!(b.status(), StatusCode::OK);
    let b: Value = b.json().await.unwrap();
    assert_eq!(a["transaction_code"], b["transaction_code"]);
    let c = send(guest(item, "081234567891", "QRIS")).await.unwrap();
    assert_eq!(c.status(), StatusCode::CONFLICT);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    assert_eq!(t.tripay.sim.payment_count(), 1);
}

#[tokio::test]
async fn a_gateway_failure_is_a_502_and_leaves_no_half_order() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    t.tripay.sim.set_fail_creates(true);
    let r = t.post("/api/v1/transactions", None, guest(item, "081234567890", "QRIS")).await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    assert_eq!(r.error_code(), "upstream_error");
    let code = r.body["details"]["transaction_code"].as_str().unwrap();
    // The order exists, failed, with the reason; it has no payment and will never be paid.
    assert_eq!(
        t.text(&format!("SELECT status || '/' || payment_status FROM transactions WHERE transaction_code = '{code}'"))
            .await
            .unwrap(),
        "failed/failed"
    );
    assert!(t
        .text(&format!("SELECT failed_reason FROM transactions WHERE transaction_code = '{code}'"))
        .await
        .unwrap()
        .contains("payment"));
    assert_eq!(t.count("SELECT COUNT(*) FROM payments").await, 0);
    t.tripay.sim.set_fail_creates(false);
    assert_eq!(
        t.post("/api/v1/transactions", None, guest(item, "081234567890", "QRIS")).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn forged_callbacks_are_stored_and_change_nothing() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    let order = buy(&t, guest(item, "081234567890", "QRIS"), None).await;
    let code = order["transaction_code"].as_str().unwrap();
    let reference = t.reference_of(code).await;
    let (body, sig, _) = t.tripay.sim.callback_for(&reference, "PAID").unwrap();

    let forged = callback_signature("wrong-key", body.as_bytes());
    for (sig, event) in [
        (Some(forged.as_str()), Some("payment_status")),
        (None, Some("payment_status")),
        (Some(sig.as_str()), Some("other_event")),
        (Some("zz"), Some("payment_status")),
    ] {
        let (s, b) = post_callback(&t, &body, sig, event).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{sig:?} {event:?}");
        assert_eq!(b["success"], false);
    }
    // Signed over other bytes (re-serialised with a space): refused too.
    let respaced = body.replacen(',', ", ", 1);
    let (s, _) = post_callback(&t, &respaced, Some(&sig), Some("payment_status")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(t.count("SELECT COUNT(*) FROM payment_callbacks WHERE is_valid = 0").await, 5);
    assert_eq!(
        t.text(&format!("SELECT payment_status FROM transactions WHERE transaction_code = '{code}'")).await.unwrap(),
        "pending"
    );

    // A signed callback with the wrong amount is refused as well.
    let tampered = body.replace("\"total_amount\":", "\"total_amount\":1");
    let (s, b) = post_callback(
        &t,
        &tampered,
        Some(&callback_signature("test-private-key", tampered.as_bytes())),
        Some("payment_status"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(
        t.text(&format!("SELECT payment_status FROM transactions WHERE transaction_code = '{code}'")).await.unwrap(),
        "pending"
    );
    assert_eq!(t.digiflazz.handle.calls_for(code), 0);
}

#[tokio::test]
async fn replayed_and_reordered_callbacks_buy_once() {
    let (t, _) = setup().await;
    let item = t.item_id("tsel10").await;
    let mut codes = Vec::new();
    for i in 0..3 {
        let order = buy(&t, guest(item, &format!("08123456780{i}"), "QRIS"), None).await;
        codes.push(order["transaction_code"].as_str().unwrap().to_string());
    }
    let mut deliveries = Vec::new();
    for code in &codes {
        let reference = t.reference_of(code).await;
        for status in ["PAID", "EXPIRED"] {
            let (body, sig, _) = t.tripay.sim.callback_for(&reference, status).unwrap();
            for _ in 0..5 {
                deliveries.push((body.clone(), sig.clone()));
            }
        }
    }
    // PAID first for each order, then everything again in reverse: an EXPIRED after PAID
    // must not undo it.
    let mut order: Vec<_> = deliveries.iter().filter(|(b, _)| b.contains("PAID")).cloned().collect();
    order.extend(deliveries.iter().rev().cloned());
    for (body, sig) in &order {
        let (s, b) = post_callback(&t, body, Some(sig), Some("payment_status")).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["success"], true);
    }
    for code in &codes {
        assert_eq!(t.wait_status(code, "success").await, "success");
        assert_eq!(t.digiflazz.handle.calls_for(code), 1, "one supplier call for {code}");
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.digiflazz.handle.purchases(), 3);
    assert_eq!(t.count("SELECT COUNT(*) FROM payment_callbacks").await, order.len() as i64);
    assert_eq!(t.count("SELECT COUNT(*) FROM fulfilment_outbox").await, 3);
}

#[tokio::test]
async fn supplier_failure_pending_and_timeout() {
    let (t, _) = setup().await;
    let item = t.item_id("xld10").await;
    let mut codes = std::collections::HashMap::new();
    for (no, case) in [
        ("087800001232", "gagal"),
        ("087800001233", "pending-sukses"),
        ("087800001234", "pending-gagal"),
        ("087812349999", "timeout"),
    ] {
        let order = buy(&t, guest(item, no, "QRIS"), None).await;
        let code = order["transaction_code"].as_str().unwrap().to_string();
        t.pay(&code).await;
        codes.insert(case, code);
    }
    // Gagal: failed with the reason, marked for refund.
    let c = &codes["gagal"];
    assert_eq!(t.wait_status(c, "failed").await, "failed");
    assert_eq!(
        t.text(&format!("SELECT failed_reason FROM transactions WHERE transaction_code = '{c}'")).await.unwrap(),
        "Transaksi Gagal"
    );
    assert_eq!(t.count(&format!("SELECT refund_required FROM transactions WHERE transaction_code = '{c}'")).await, 1);
    // Pending then the signed webhook.
    assert_eq!(t.wait_status(&codes["pending-sukses"], "success").await, "success");
    assert_eq!(t.wait_status(&codes["pending-gagal"], "failed").await, "failed");
    // Timeout: not failed; the sweep re-checks with the same ref_id and finds it done.
    let c = &codes["timeout"];
    // The first call timed out (the answer was lost): the order waits for its re-check.
    assert!(
        t.wait_for(&format!(
            "SELECT COUNT(*) FROM supplier_calls s JOIN transactions t ON t.id = s.transaction_id
                                WHERE t.transaction_code = '{c}'"
        ))
        .await
    );
    t.advance(chrono::Duration::seconds(2));
    assert_eq!(
        t.text(&format!("SELECT status FROM transactions WHERE transaction_code = '{c}'")).await.unwrap(),
        "processing"
    );
    for _ in 0..40 {
        lapak::jobs::service::sweep_due(&t.app).await.unwrap();
        tokio::time::sleep(Duration::from_millis(250)).await;
        if t.text(&format!("SELECT status FROM transactions WHERE transaction_code = '{c}'")).await.unwrap()
            != "processing"
        {
            break;
        }
    }
    assert_eq!(
        t.text(&format!("SELECT status FROM transactions WHERE transaction_code = '{c}'")).await.unwrap(),
        "success"
    );
    assert!(t.digiflazz.handle.calls_for(c) >= 2, "re-checked");
    assert_eq!(t.digiflazz.handle.purchases(), 4, "never bought twice");
    assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE title = 'Transaksi Gagal'").await, 2);
}

#[tokio::test]
async fn unpaid_orders_expire_and_release_their_voucher() {
    let (t, admin) = setup().await;
    let v = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "HEMAT", "name": "Hemat", "type": "fixed", "value": 1000, "usage_limit": 1}),
        )
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);
    let item = t.item_id("tsel10").await;
    let mut body = guest(item, "081234567890", "QRIS");
    body["voucher_code"] = json!("hemat");
    let order = buy(&t, body.clone(), None).await;
    assert_eq!(order["discount_amount"], 1_000);
    assert_eq!(order["total_price"].as_i64().unwrap(), 12_400 - 1_000 + order["admin_fee"].as_i64().unwrap());
    let code = order["transaction_code"].as_str().unwrap();
    // Used up: a second order cannot have it.
    body["customer_email"] = json!("other@example.com");
    let r = t.post("/api/v1/transactions", None, body.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Past the deadline the order expires (the schedule's task) and the voucher comes back.
    t.advance(chrono::Duration::minutes(t.app.config.orders.payment_expiry_minutes as i64 - 1));
    assert_eq!(lapak::orders::payment::expire_due(&t.app).await.unwrap(), 0, "not yet");
    t.advance(chrono::Duration::minutes(2));
    t.run_task(Task::ExpireUnpaid).await;
    assert_eq!(t.order_text(code, "status").await.as_deref(), Some("failed"));
    let o = t.get(&format!("/api/v1/transactions/{code}?email=budi@example.com"), None).await;
    assert_eq!((o.body["status"].as_str(), o.body["payment_status"].as_str()), (Some("failed"), Some("expired")));
    assert_eq!(t.count("SELECT usage_count FROM vouchers WHERE code = 'HEMAT'").await, 0);
    assert_eq!(t.post("/api/v1/transactions", None, body).await.status, StatusCode::CREATED);
    // A late PAID for the expired order does not fulfil it.
    let reference = t.reference_of(code).await;
    let (b, sig, _) = t.tripay.sim.callback_for(&reference, "PAID").unwrap();
    let (s, _) = post_callback(&t, &b, Some(&sig), Some("payment_status")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        t.count(&format!("SELECT refund_required FROM transactions WHERE transaction_code = '{code}'")).await,
        1
    );
}

#[tokio::test]
async fn voucher_quota_holds_under_50_concurrent_checkouts() {
    let (t, admin) = setup().await;
    let v = t
        .post("/api/v1/admin/vouchers", Some(&admin),
              json!({"code": "FLASH", "name": "Flash", "type": "percentage", "value": 10, "max_discount": 500, "usage_limit": 7,
                     "is_public": true}))
        .await;
    assert_eq!(v.status, StatusCode::CREATED);
    let item = t.item_id("tsel10").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = t.client.clone();
        let url = t.url("/api/v1/transactions");
        let body = json!({"product_item_id": item, "customer_data": {"phone": "081234567890"}, "payment_method": "QRIS",
                          "customer_name": "Buyer", "customer_email": format!("buyer{i}@example.com"), "voucher_code": "FLASH"});
        tasks.push(tokio::spawn(async move { client.post(url).json(&body).send().await.unwrap().status() }));
    }
    let mut created = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::UNPROCESSABLE_ENTITY => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((created, refused), (7, 43));
    assert_eq!(t.count("SELECT usage_count FROM vouchers WHERE code = 'FLASH'").await, 7);
    assert_eq!(t.count("SELECT COUNT(*) FROM voucher_usages WHERE released_at IS NULL").await, 7);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions WHERE discount_amount = 500").await, 7);
    // Used up, it is no longer listed publicly.
    assert_eq!(t.get("/api/v1/vouchers", None).await.body.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn public_vouchers_respect_tier_and_flag() {
    let (t, admin) = setup().await;
    for (code, audience, public) in [("ALL", "all", true), ("RESELLER", "reseller", true), ("SECRET", "all", false)] {
        let r = t
            .post("/api/v1/admin/vouchers", Some(&admin),
                  json!({"code": code, "name": code, "type": "fixed", "value": 100, "customer_type": audience, "is_public": public}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let codes =
        |v: &Value| v.as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(codes(&t.get("/api/v1/vouchers", None).await.body), vec!["ALL"]);
    let (_, id) = t.register("r@example.com", "081244443333").await;
    t.make_reseller(&admin, id).await;
    let token = t.login("r@example.com", "rahasia-123").await;
    let mut seen = codes(&t.get("/api/v1/vouchers", Some(&token)).await.body);
    seen.sort();
    assert_eq!(seen, vec!["ALL", "RESELLER"]);
    let all = t.get("/api/v1/admin/vouchers", Some(&admin)).await;
    assert_eq!(all.body.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn payment_channels_show_fees_for_an_amount() {
    let (t, _) = setup().await;
    let r = t.get("/api/v1/payment-channels?amount=100000", None).await;
    assert_eq!(r.status, StatusCode::OK);
    let ch = |code: &str| r.body.as_array().unwrap().iter().find(|c| c["code"] == code).unwrap().clone();
    assert_eq!(ch("QRIS")["fee"], 750 + 700);
    assert_eq!(ch("BCAVA")["fee"], 5_500);
    assert_eq!(ch("OVO")["fee"], 3_000);
    assert_eq!(ch("BRIVA")["total"], 104_250);
    let small = t.get("/api/v1/payment-channels?amount=5000", None).await;
    let briva = small.body.as_array().unwrap().iter().find(|c| c["code"] == "BRIVA").unwrap().clone();
    assert_eq!(briva["available"], false);
}

#[tokio::test]
async fn notifications_reach_the_operators_bridge_signed() {
    use std::sync::{Arc, Mutex};
    // A bridge that records what it gets.
    let got: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let sink = got.clone();
    let app = poem::Route::new().at(
        "/hook",
        poem::post(poem::endpoint::make(move |req: poem::Request| {
            let sink = sink.clone();
            async move {
                let sig = req.header("x-lapak-signature").unwrap_or_default().to_string();
                let body = req.into_body().into_string().await.unwrap_or_default();
                sink.lock().unwrap().push((sig, body));
                "ok"
            }
        })),
    );
    let acceptor = lapak::http::bind("127.0.0.1:0").await.unwrap();
    let addr =
        poem::listener::Acceptor::local_addr(&acceptor).into_iter().find_map(|a| a.as_socket_addr().cloned()).unwrap();
    tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(app).await });

    let t = TestApp::spawn_with(|f| {
        f.merge(figment::providers::Serialized::default("notifications.webhook_url", format!("http://{addr}/hook")))
            .merge(figment::providers::Serialized::default("notifications.webhook_secret", "bridge-secret"))
    })
    .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let item = t.item_id("xld10").await;
    let order = buy(&t, guest(item, "087800001230", "QRIS"), None).await;
    let code = order["transaction_code"].as_str().unwrap().to_string();
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    for _ in 0..100 {
        if got.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let posts = got.lock().unwrap().clone();
    assert_eq!(posts.len(), 2, "payment and completion");
    for (sig, body) in &posts {
        assert_eq!(sig, &lapak::notifications::signature("bridge-secret", body.as_bytes()));
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["user"]["email"], "budi@example.com");
        assert_eq!(v["data"]["transaction_code"], code.as_str());
    }
    assert!(posts.iter().any(|(_, b)| b.contains("Transaksi Berhasil")));
    assert_eq!(t.count("SELECT COUNT(*) FROM notification_deliveries WHERE status = 200").await, 2);
}

#[tokio::test]
async fn the_admin_sees_everything_about_an_order_and_acts_on_it() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    let ok = buy(&t, guest(item, "087800001230", "QRIS"), None).await;
    let ok_code = ok["transaction_code"].as_str().unwrap().to_string();
    t.pay(&ok_code).await;
    assert_eq!(t.wait_status(&ok_code, "success").await, "success");
    let stuck = buy(&t, guest(item, "087812349999", "QRIS"), None).await;
    let stuck_code = stuck["transaction_code"].as_str().unwrap().to_string();
    t.pay(&stuck_code).await;
    buy(&t, guest(item, "087800001230", "BRIVA"), None).await; // stays unpaid

    let list = t.get("/api/v1/admin/transactions?status=success", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["meta"]["total"], 1);
    assert_eq!(list.body["data"][0]["base_price"], 10_000);
    let found = t.get(&format!("/api/v1/admin/transactions?search={}", &ok_code[3..10]), Some(&admin)).await;
    assert_eq!(found.body["meta"]["total"], 1);
    assert_eq!(t.get("/api/v1/admin/transactions?search=BRIVA", Some(&admin)).await.body["meta"]["total"], 1);
    let oldest = t.get("/api/v1/admin/transactions?sort=oldest", Some(&admin)).await;
    assert_eq!(oldest.body["data"][0]["transaction_code"], ok_code.as_str());
    let newest = t.get("/api/v1/admin/transactions?sort=newest", Some(&admin)).await;
    assert_ne!(newest.body["data"][0]["transaction_code"], ok_code.as_str());

    let d = t.get(&format!("/api/v1/admin/transactions/{ok_code}"), Some(&admin)).await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(d.body["sn"], "1234567890");
    assert_eq!(d.body["callbacks"].as_array().unwrap().len(), 1);
    assert_eq!(d.body["callbacks"][0]["is_valid"], true);
    assert_eq!(d.body["logs"].as_array().unwrap().len(), 3);
    assert_eq!(d.body["supplier_calls"][0]["outcome"], "success");

    let stats = t.get("/api/v1/admin/transactions/statistics", Some(&admin)).await;
    assert_eq!(stats.body["total"], 3);
    assert_eq!(stats.body["by_status"]["success"], 1);
    assert_eq!(stats.body["by_status"]["pending"], 1);
    assert_eq!(stats.body["revenue"], 12_000);
    assert_eq!(stats.body["profit"], 2_000, "selling price minus the supplier cost, not the gateway fee");

    // Illegal moves are refused; a legal one is logged with its reason.
    let bad = t
        .post(
            &format!("/api/v1/admin/transactions/{ok_code}/status"),
            Some(&admin),
            json!({"status": "pending", "reason": "oops"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::CONFLICT);
    // The stuck order (supplier timed out): once the re-check gap has passed, a re-check
    // finds it done.
    assert!(
        t.wait_for(&format!(
            "SELECT COUNT(*) FROM supplier_calls s JOIN transactions t ON t.id = s.transaction_id
                                WHERE t.transaction_code = '{stuck_code}'"
        ))
        .await
    );
    t.advance(chrono::Duration::seconds(2));
    let r = t.post(&format!("/api/v1/admin/transactions/{stuck_code}/recheck"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "success");
    assert_eq!(t.digiflazz.handle.purchases(), 2, "the re-check bought nothing");
    let retry = t.post(&format!("/api/v1/admin/transactions/{stuck_code}/retry"), Some(&admin), json!({})).await;
    assert_eq!(retry.status, StatusCode::CONFLICT, "only processing orders are retried");
    assert!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'transaction.recheck'").await >= 1);
    // Customers cannot see any of it.
    let (cust, _) = t.register("c@example.com", "081288889999").await;
    assert_eq!(t.get("/api/v1/admin/transactions", Some(&cust)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_admin_sees_the_job_queue_and_can_retry() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    let order = buy(&t, guest(item, "087800001230", "QRIS"), None).await;
    let code = order["transaction_code"].as_str().unwrap().to_string();
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let mut jobs = Value::Null;
    for _ in 0..50 {
        jobs = t.get("/api/v1/admin/jobs", Some(&admin)).await.body;
        if jobs["data"][0]["status"] == "Done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(jobs["data"][0]["transaction_code"], code.as_str(), "{jobs}");
    assert_eq!(jobs["data"][0]["status"], "Done");
    // Done counts every finished job: this order's, and a re-check the sweep may have
    // queued meanwhile on a busy machine; each one is listed.
    let done =
        jobs["counts"].as_array().unwrap().iter().find(|c| c["status"] == "Done").map(|c| c["count"].as_i64().unwrap());
    let listed = jobs["data"].as_array().unwrap().iter().filter(|j| j["status"] == "Done").count() as i64;
    assert_eq!(done, Some(listed), "{jobs}");
    let id = jobs["data"][0]["id"].as_str().unwrap().to_string();
    // A retry of a finished order only checks it again: nothing is bought twice.
    let r = t.post(&format!("/api/v1/admin/jobs/{id}/retry"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Wait until the retried job has run.
    let done = |j: &Value| j["counts"].as_array().unwrap().iter().any(|c| c["status"] == "Done" && c["count"] == 2);
    for _ in 0..100 {
        if done(&t.get("/api/v1/admin/jobs", Some(&admin)).await.body) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(done(&t.get("/api/v1/admin/jobs", Some(&admin)).await.body), "the retried job ran");
    assert_eq!(t.digiflazz.handle.purchases(), 1, "nothing was bought twice");
    assert_eq!(t.digiflazz.handle.calls_for(&code), 1, "a delivered order is not even asked again");
    assert_eq!(t.get("/api/v1/admin/jobs/nope/retry", Some(&admin)).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(t.post("/api/v1/admin/jobs/nope/retry", Some(&admin), json!({})).await.status, StatusCode::NOT_FOUND);
    let (cust, _) = t.register("j@example.com", "081277770000").await;
    assert_eq!(t.get("/api/v1/admin/jobs", Some(&cust)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_quote_shows_the_discount_and_total_before_buying_and_reserves_nothing() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    let r = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "QUOTE", "name": "Quote", "type": "fixed", "value": 1500, "usage_limit": 1, "min_transaction": 5000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let q = t
        .post(
            "/api/v1/transactions/quote",
            None,
            json!({"product_item_id": item, "voucher_code": "quote", "payment_method": "QRIS"}),
        )
        .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    let price = q.body["product_price"].as_i64().unwrap();
    assert_eq!(q.body["discount_amount"], 1500);
    assert_eq!(q.body["amount"].as_i64().unwrap(), price - 1500);
    let fee = q.body["admin_fee"].as_i64().unwrap();
    assert!(fee > 0);
    assert_eq!(q.body["total_price"].as_i64().unwrap(), price - 1500 + fee);
    // Asking twice takes nothing from a one-use voucher; the checkout agrees with the quote.
    let again =
        t.post("/api/v1/transactions/quote", None, json!({"product_item_id": item, "voucher_code": "QUOTE"})).await;
    assert_eq!((again.status, again.body["discount_amount"].as_i64()), (StatusCode::OK, Some(1500)));
    assert!(again.body.get("total_price").is_none(), "no method, no total: {}", again.body);
    let mut body = guest(item, "087800001230", "QRIS");
    body["voucher_code"] = json!("QUOTE");
    let order = buy(&t, body, None).await;
    assert_eq!(order["total_price"], q.body["total_price"]);
    // Now it is used up, and the quote says so on the field.
    let used =
        t.post("/api/v1/transactions/quote", None, json!({"product_item_id": item, "voucher_code": "QUOTE"})).await;
    assert_eq!(
        (used.status, used.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("voucher_code")),
        "{}",
        used.body
    );
    assert!(used.body["message"].as_str().unwrap().contains("used up"));
    let bad =
        t.post("/api/v1/transactions/quote", None, json!({"product_item_id": item, "payment_method": "NOPE"})).await;
    assert_eq!(bad.body["field"], "payment_method", "{}", bad.body);
}

#[tokio::test]
async fn a_repeat_for_the_same_number_within_a_day_needs_confirmation() {
    let t =
        TestApp::spawn_with(|f| f.merge(figment::providers::Serialized::default("orders.duplicate_window_hours", 24)))
            .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let item = t.item_id("xld10").await;
    let first = buy(&t, guest(item, "087811110000", "QRIS"), None).await;
    let code = first["transaction_code"].as_str().unwrap().to_string();

    // Someone else, the same item and number, while the first waits for payment.
    let mut again = guest(item, "087811110000", "QRIS");
    again["customer_email"] = json!("other@example.com");
    let r = t.post("/api/v1/transactions", None, again.clone()).await;
    assert_eq!(
        (r.status, r.error_code(), r.body["field"].as_str()),
        (StatusCode::CONFLICT, "duplicate_order", Some("confirm_duplicate")),
        "{}",
        r.body
    );
    assert!(r.body["message"].as_str().unwrap().contains("24 hours"));
    assert!(!r.body.to_string().contains(&code), "the other buyer's order is not named");
    // Another number, or another item, is not a repeat.
    buy(&t, guest(item, "087811110001", "QRIS"), None).await;
    buy(&t, guest(t.item_id("xld5").await, "087811110000", "QRIS"), None).await;
    // Confirmed, it goes through.
    again["confirm_duplicate"] = json!(true);
    buy(&t, again, None).await;

    // A failed or expired order does not count; a day later nothing counts.
    let item20 = t.item_id("xld20").await;
    let failed = buy(&t, guest(item20, "087812349902", "QRIS"), None).await;
    t.pay(failed["transaction_code"].as_str().unwrap()).await;
    t.wait_status(failed["transaction_code"].as_str().unwrap(), "failed").await;
    buy(&t, guest(item20, "087812349902", "QRIS"), None).await;
    t.advance(chrono::Duration::hours(25));
    buy(&t, guest(item, "087811110000", "QRIS"), None).await;
}
