//! Money at the edges of an order's life: one test per finding of the order-lifecycle
//! review (issue 10). Each drives the real app over HTTP against the simulators and
//! checks the ledger and the order logs afterwards.

use crate::common;

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use common::TestApp;
use figment::providers::Serialized;
use lapak::digiflazz::simulator::{Outcome, Plan, Reply};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn setup_with(tweak: impl FnOnce(figment::Figment) -> figment::Figment) -> (TestApp, String) {
    let t = TestApp::spawn_with(tweak).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    (t, admin)
}

async fn setup() -> (TestApp, String) {
    setup_with(|f| f).await
}

fn guest(item: i64, phone: &str, method: &str, email: &str) -> Value {
    json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": method,
           "customer_name": "Budi", "customer_email": email})
}

fn member(item: i64, phone: &str, method: &str) -> Value {
    json!({"product_item_id": item, "customer_data": {"phone": phone}, "payment_method": method})
}

/// Checks out and returns the order's code.
async fn buy(t: &TestApp, body: Value, token: Option<&str>) -> String {
    let r = t.post("/api/v1/transactions", token, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "checkout: {}", r.body);
    r.body["transaction_code"].as_str().unwrap().to_string()
}

async fn finish(t: &TestApp) {
    t.assert_ledger().await;
    t.assert_logs_legal().await;
}

async fn admin_status(t: &TestApp, admin: &str, code: &str, body: Value) -> common::Resp {
    t.post(&format!("/api/v1/admin/transactions/{code}/status"), Some(admin), body).await
}

// 1 ----------------------------------------------------------------------------------

#[tokio::test]
async fn registering_with_a_guests_email_takes_none_of_its_orders_or_refunds() {
    let (t, _) = setup().await;
    let item = t.item_id("xld10").await;
    let delivered = buy(&t, guest(item, "087800001230", "QRIS", "victim@example.com"), None).await;
    t.pay(&delivered).await;
    assert_eq!(t.wait_status(&delivered, "success").await, "success");
    let failing = buy(&t, guest(item, "087800001234", "QRIS", "victim@example.com"), None).await;
    t.pay(&failing).await;

    let (token, uid) = t.register("victim@example.com", "081211112222").await;
    let history = t.get("/api/v1/transactions", Some(&token)).await;
    assert_eq!(history.status, StatusCode::OK);
    assert_eq!(history.body["meta"]["total"], 0, "the guest's orders stay the guest's: {}", history.body);
    assert_eq!(t.get(&format!("/api/v1/transactions/{delivered}"), Some(&token)).await.status, StatusCode::NOT_FOUND);

    // The pending order fails at the supplier: its money goes to whoever paid (the guest,
    // through the refund list), not to the account created afterwards.
    assert_eq!(t.wait_status(&failing, "failed").await, "failed");
    assert_eq!(t.balance(uid).await, 0);
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM balance_mutations WHERE user_id = {uid}")).await, 0);
    assert_eq!(t.order_int(&failing, "refund_required").await, 1);

    // The guest still reads its order with the address, and can still buy with it.
    let own = t.get(&format!("/api/v1/transactions/{delivered}?email=victim@example.com"), None).await;
    assert_eq!((own.status, own.body["sn"].as_str()), (StatusCode::OK, Some("1234567890")));
    buy(&t, guest(item, "087800001230", "QRIS", "victim@example.com"), None).await;
    finish(&t).await;
}

#[tokio::test]
async fn claiming_guest_orders_takes_the_link_sent_to_the_address() {
    let (port, mails) = common::smtp_sink().await;
    let (t, _) = setup_with(|f| {
        f.merge(Serialized::default("smtp.host", "127.0.0.1"))
            .merge(Serialized::default("smtp.port", port))
            .merge(Serialized::default("smtp.security", "none"))
            .merge(Serialized::default("smtp.claim_url", "http://fe/claim?t={token}"))
    })
    .await;
    let item = t.item_id("xld10").await;
    let code = buy(&t, guest(item, "087800001230", "QRIS", "owner@example.com"), None).await;
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let (token, uid) = t.register("owner@example.com", "081233334444").await;
    let (stranger, _) = t.register("stranger@example.com", "081233335555").await;

    let r = t.post("/api/v1/me/guest-orders/claim", Some(&token), json!({})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let mut mail = String::new();
    for _ in 0..100 {
        if let Some(m) = mails.lock().unwrap().first() {
            mail = m.replace("=\n", "").replace("=3D", "=");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(mail.contains("owner@example.com"), "the link goes to the address itself: {mail}");
    let link = regex::Regex::new(r"http://fe/claim\?t=(lpk_[A-Za-z0-9]+)").unwrap().captures(&mail).expect("a link")[1]
        .to_string();
    // Nothing moved before the link is used, and the link is not the stranger's to use.
    assert_eq!(t.get("/api/v1/transactions", Some(&token)).await.body["meta"]["total"], 0);
    let r = t.post("/api/v1/me/guest-orders/claim/confirm", Some(&stranger), json!({"token": link})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("token")));
    let r = t.post("/api/v1/me/guest-orders/claim/confirm", Some(&token), json!({"token": link})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["claimed"], 1);
    let history = t.get("/api/v1/transactions", Some(&token)).await;
    assert_eq!(history.body["data"][0]["transaction_code"], code.as_str());
    let again = t.post("/api/v1/me/guest-orders/claim/confirm", Some(&token), json!({"token": link})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "single use");
    // Who paid does not change: a claimed order's refund never lands in the balance.
    assert_eq!(t.balance(uid).await, 0);
    finish(&t).await;
}

// 2 ----------------------------------------------------------------------------------

/// Runs `lapak serve` with these variables; returns (exit code, stderr) or panics if it
/// is still serving after 15 s.
fn serve_with(envs: &[(&str, &str)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lapak"));
    cmd.current_dir(dir.path()).arg("serve").stdout(Stdio::null()).stderr(Stdio::piped());
    cmd.env_remove("RUST_LOG").env("LAPAK_LOG__LEVEL", "warn").env("LAPAK_SERVER__PORT", "0");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("lapak runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > Duration::from_secs(15) {
            let _ = child.kill();
            panic!("lapak started serving with {envs:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_real_supplier_with_simulated_payments_or_the_reverse_refuses_to_start() {
    let (code, err) = serve_with(&[("LAPAK_DIGIFLAZZ__USERNAME", "shop"), ("LAPAK_DIGIFLAZZ__API_KEY", "prod-key")]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("tripay.api_key") && err.contains("digiflazz"), "{err}");
    let (code, err) = serve_with(&[
        ("LAPAK_TRIPAY__API_KEY", "k"),
        ("LAPAK_TRIPAY__PRIVATE_KEY", "p"),
        ("LAPAK_TRIPAY__MERCHANT_CODE", "T1"),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("digiflazz.username") && err.contains("tripay"), "{err}");
}

// 3 ----------------------------------------------------------------------------------

#[tokio::test]
async fn failing_an_unpaid_order_closes_its_payment_and_a_later_payment_goes_back_to_the_payer() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    let v = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "ONCE", "name": "Once", "type": "fixed", "value": 1000, "usage_limit": 1}),
        )
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);

    // A guest order with a voucher, failed by the admin before it is paid.
    let mut body = guest(item, "087800001230", "QRIS", "late@example.com");
    body["voucher_code"] = json!("ONCE");
    let g = buy(&t, body, None).await;
    let r = admin_status(&t, &admin, &g, json!({"status": "failed", "reason": "customer asked by phone"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let pay_status = format!(
        "SELECT p.status FROM payments p JOIN transactions t ON t.id = p.transaction_id WHERE t.transaction_code = '{g}'"
    );
    assert_eq!(t.text(&pay_status).await.as_deref(), Some("failed"), "the payment is closed");
    assert_eq!(t.count("SELECT usage_count FROM vouchers WHERE code = 'ONCE'").await, 0, "the voucher is released");

    // The guest pays anyway: nothing is fulfilled, the money is on the refund list.
    t.pay(&g).await;
    assert_eq!(t.order_text(&g, "status").await.as_deref(), Some("failed"));
    assert_eq!(t.order_text(&g, "payment_status").await.as_deref(), Some("paid"));
    assert_eq!(t.order_int(&g, "refund_required").await, 1);
    assert!(t.order_text(&g, "late_paid_at").await.is_some());
    let outbox = format!(
        "SELECT COUNT(*) FROM fulfilment_outbox o JOIN transactions t ON t.id = o.transaction_id WHERE t.transaction_code = '{g}'"
    );
    assert_eq!(t.count(&outbox).await, 0, "nothing was queued for the supplier");
    assert_eq!(t.digiflazz.handle.calls_for(&g), 0);
    let paid_note = "SELECT COUNT(*) FROM notifications WHERE title = 'Pembayaran Berhasil'";
    assert_eq!(t.count(paid_note).await, 0);
    let list = t.get("/api/v1/admin/transactions/refund-required", Some(&admin)).await;
    assert!(list.body.as_array().unwrap().iter().any(|o| o["transaction_code"] == g.as_str()), "{}", list.body);

    // A member's late payment goes to the member's balance, once.
    let (token, uid) = t.register("m3@example.com", "081277770003").await;
    let m = buy(&t, member(item, "087800001230", "QRIS"), Some(&token)).await;
    let total = t.order_int(&m, "total_price").await;
    let r = admin_status(&t, &admin, &m, json!({"status": "failed", "reason": "duplicate order"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    t.pay(&m).await;
    let reference = t.reference_of(&m).await;
    assert_eq!(t.tripay.sim.post_status(&reference, "PAID").await.unwrap(), 200, "a replay is acknowledged");
    assert_eq!(t.balance(uid).await, total);
    assert_eq!(t.order_text(&m, "status").await.as_deref(), Some("refunded"));
    assert_eq!(t.digiflazz.handle.calls_for(&m), 0);

    // A deposit paid after it was failed is credited, once, and never jumps to success.
    let d = t.post("/api/v1/deposits", Some(&token), json!({"amount": 50_000, "payment_method": "BRIVA"})).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let dcode = d.body["transaction_code"].as_str().unwrap().to_string();
    let r = admin_status(&t, &admin, &dcode, json!({"status": "failed", "reason": "wrong amount"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    t.pay(&dcode).await;
    assert_eq!(t.balance(uid).await, total + 50_000);
    assert_ne!(t.order_text(&dcode, "status").await.as_deref(), Some("success"));
    finish(&t).await;
}

// 4 ----------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_outcome_is_never_refunded() {
    let (t, admin) = setup_with(|f| f.merge(Serialized::default("orders.recheck_min_secs", 0))).await;
    let (token, uid) = t.register("m4@example.com", "081277770004").await;
    let item = t.item_id("xld10").await;
    let code = buy(&t, member(item, "087800001230", "QRIS"), Some(&token)).await;
    // The supplier delivers, but the answer is lost; the re-check hits a request-level
    // error (rc 45: the IP is not whitelisted).
    t.digiflazz.handle.plan(&code, Plan::new(Outcome::Deliver).replies([Reply::Lost, Reply::Refuse("45".into())]));
    t.pay(&code).await;
    assert!(
        t.wait_for(&format!("SELECT supplier_attempts >= 1 FROM transactions WHERE transaction_code = '{code}'")).await
    );
    assert!(t.wait_for(&format!("SELECT COUNT(*) FROM supplier_calls c JOIN transactions t ON t.id = c.transaction_id WHERE t.transaction_code = '{code}'")).await);
    assert_eq!(t.digiflazz.handle.truth(&code).as_deref(), Some("Sukses"));
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("processing"));

    let r = t.post(&format!("/api/v1/admin/transactions/{code}/recheck"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("processing"), "rc 45 decides nothing");
    assert_eq!(t.balance(uid).await, 0, "no refund");
    assert_eq!(t.order_text(&code, "attention").await.as_deref(), Some("unknown_outcome"), "the admin is told");
    let list = t.get("/api/v1/admin/transactions/attention", Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body["data"].as_array().unwrap().iter().any(|o| o["transaction_code"] == code.as_str()));

    // The next check reaches the transaction: delivered.
    let r = t.post(&format!("/api/v1/admin/transactions/{code}/recheck"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("success"));
    assert_eq!(t.balance(uid).await, 0);
    assert_eq!(t.digiflazz.handle.purchases(), 1);
    finish(&t).await;
}

// 5 ----------------------------------------------------------------------------------

#[tokio::test]
async fn failing_a_processing_order_asks_the_supplier_first_and_a_late_success_is_kept() {
    let (t, admin) = setup_with(|f| f.merge(Serialized::default("orders.recheck_min_secs", 0))).await;
    let (token, uid) = t.register("m5@example.com", "081277770005").await;
    let item = t.item_id("xld10").await;
    let code = buy(&t, member(item, "087800001230", "QRIS"), Some(&token)).await;
    let total = t.order_int(&code, "total_price").await;
    t.digiflazz.handle.plan(&code, Plan::new(Outcome::Deliver).pending());
    t.pay(&code).await;
    assert!(
        t.wait_for(&format!(
            "SELECT supplier_attempts >= 1 AND digiflazz_rc = '03' FROM transactions WHERE transaction_code = '{code}'"
        ))
        .await
    );

    // The supplier says pending: refused.
    let r = admin_status(&t, &admin, &code, json!({"status": "failed", "reason": "customer complains"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.error_code(), "supplier_pending");
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("processing"));
    assert_eq!(t.balance(uid).await, 0);

    // Forced, with a reason: failed and refunded at once.
    let r = admin_status(
        &t,
        &admin,
        &code,
        json!({"status": "failed", "reason": "supplier stuck for days", "force": true}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("refunded"));
    assert_eq!(t.balance(uid).await, total);

    // Then the supplier delivers after all: recorded, SN kept, on the attention list.
    assert_eq!(t.digiflazz.handle.resolve(&code, true).await, Some(200));
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("refunded"));
    assert!(t.order_text(&code, "digiflazz_serial_number").await.is_some_and(|s| !s.is_empty()), "SN kept");
    assert_eq!(t.order_text(&code, "attention").await.as_deref(), Some("late_supplier_success"));
    let list = t.get("/api/v1/admin/transactions/attention", Some(&admin)).await;
    assert!(list.body["data"].as_array().unwrap().iter().any(|o| o["transaction_code"] == code.as_str()));
    // The admin settles it and clears the flag.
    let r = t
        .post(
            &format!("/api/v1/admin/transactions/{code}/resolve"),
            Some(&admin),
            json!({"note": "called the customer"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(t.order_text(&code, "attention").await.is_none());

    // Failing an order the supplier delivered: the check finds the success and refuses.
    let code2 = buy(&t, member(item, "087800001230", "QRIS"), Some(&token)).await;
    t.digiflazz.handle.plan(&code2, Plan::new(Outcome::Deliver).pending());
    t.pay(&code2).await;
    assert!(t.wait_for(&format!("SELECT supplier_attempts >= 1 AND digiflazz_rc = '03' FROM transactions WHERE transaction_code = '{code2}'")).await);
    t.digiflazz.handle.resolve(&code2, false).await;
    let r = admin_status(&t, &admin, &code2, json!({"status": "failed", "reason": "looks stuck"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.error_code(), "supplier_success");
    assert_eq!(t.order_text(&code2, "status").await.as_deref(), Some("success"));
    assert_eq!(t.balance(uid).await, total);
    finish(&t).await;
}

// 6 ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_retail_member_can_spend_a_refunded_balance() {
    let (t, _) = setup().await;
    let (token, uid) = t.register("m6@example.com", "081277770006").await;
    let item = t.item_id("xld10").await;
    let failed = buy(&t, member(item, "087800001232", "QRIS"), Some(&token)).await;
    t.pay(&failed).await;
    assert_eq!(t.wait_status(&failed, "refunded").await, "refunded");
    let refunded = t.balance(uid).await;
    assert!(refunded > 12_000, "{refunded}");
    let r = t.post("/api/v1/transactions", Some(&token), member(item, "087800001230", "BALANCE")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(t.balance(uid).await, refunded - 12_000);
    finish(&t).await;
}

// 7 ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_members_order_is_not_readable_or_cancellable_with_an_email_or_phone() {
    let (t, _) = setup().await;
    let (token, _) = t.register("m7@example.com", "081277770007").await;
    let item = t.item_id("xld10").await;
    let code = buy(&t, member(item, "087800001230", "QRIS"), Some(&token)).await;
    for q in ["phone=081277770007", "email=m7@example.com"] {
        let r = t.get(&format!("/api/v1/transactions/{code}?{q}"), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{q}: {}", r.body);
    }
    for proof in [json!({"email": "m7@example.com"}), json!({"phone": "081277770007"})] {
        let r = t.post(&format!("/api/v1/transactions/{code}/cancel"), None, proof.clone()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{proof}: {}", r.body);
    }
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("pending"));
    let r = t.post(&format!("/api/v1/transactions/{code}/cancel"), Some(&token), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "the owner, by token: {}", r.body);
    finish(&t).await;
}

// 8 ----------------------------------------------------------------------------------

#[tokio::test]
async fn unsigned_webhooks_cannot_make_lapak_hammer_the_supplier() {
    let (t, _) = setup_with(|f| {
        f.merge(Serialized::default("digiflazz.webhook_secret", ""))
            .merge(Serialized::default("orders.recheck_min_secs", 60))
    })
    .await;
    let item = t.item_id("xld10").await;
    let code = buy(&t, guest(item, "087800001230", "QRIS", "hint@example.com"), None).await;
    t.digiflazz.handle.plan(&code, Plan::new(Outcome::Deliver).pending());
    t.pay(&code).await;
    assert!(
        t.wait_for(&format!(
            "SELECT supplier_attempts >= 1 AND digiflazz_rc = '03' FROM transactions WHERE transaction_code = '{code}'"
        ))
        .await
    );
    assert_eq!(t.digiflazz.handle.calls_for(&code), 1);
    let body = json!({"data": {"ref_id": code, "customer_no": "087800001230", "buyer_sku_code": "xld10",
                               "status": "Sukses", "rc": "00", "sn": "FAKE", "message": "Transaksi Sukses"}})
    .to_string();
    for _ in 0..10 {
        let r = t
            .client
            .post(t.url("/api/v1/webhooks/digiflazz"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
    assert_eq!(t.digiflazz.handle.calls_for(&code), 1, "a hint waits for orders.recheck_min_secs");
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("processing"), "an unsigned body decides nothing");
    finish(&t).await;
}

// 9 ----------------------------------------------------------------------------------

#[tokio::test]
async fn purchases_carry_max_price_and_the_charged_price_is_kept() {
    let (t, admin) = setup_with(|f| f.merge(Serialized::default("orders.max_price_tolerance", 200))).await;
    let item = t.item_id("xld10").await; // supplier cost 10 000, retail 12 000
    let code = buy(&t, guest(item, "087800001230", "QRIS", "price@example.com"), None).await;
    t.digiflazz.handle.plan(&code, Plan::new(Outcome::Deliver).price(10_150));
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let sent = t.digiflazz.handle.last_request(&code).unwrap();
    assert_eq!(sent.max_price, Some(10_200), "the cost snapshot plus the tolerance");
    assert_eq!(t.order_int(&code, "supplier_price").await, 10_150);
    assert!(t.order_text(&code, "supplier_balance").await.is_some());
    assert_eq!(t.order_text(&code, "attention").await.as_deref(), Some("overcharged"));
    let stats = t.get("/api/v1/admin/transactions/statistics", Some(&admin)).await;
    assert_eq!(stats.body["profit"], 12_000 - 10_150, "profit from the charged price: {}", stats.body);

    // Above max_price the supplier refuses (rc 69) and the order fails on its first call.
    let code2 = buy(&t, guest(item, "087800001230", "QRIS", "price@example.com"), None).await;
    t.digiflazz.handle.plan(&code2, Plan::new(Outcome::Deliver).price(10_300));
    t.pay(&code2).await;
    assert_eq!(t.wait_status(&code2, "failed").await, "failed");
    assert_eq!(t.order_text(&code2, "digiflazz_rc").await.as_deref(), Some("69"));
    assert_eq!(t.digiflazz.handle.purchases(), 1);
    finish(&t).await;
}

// 10 ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_account_holding_money_cannot_be_deleted() {
    let (t, admin) = setup().await;
    let (token, uid) = t.register("m10@example.com", "081277770010").await;
    t.fund(&admin, uid, 5_000).await;
    let r = t.call(reqwest::Method::DELETE, "/api/v1/me", Some(&token), Some(json!({"password": "rahasia-123"}))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.error_code(), "balance_not_zero");
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM users WHERE id = {uid} AND deleted_at IS NULL")).await, 1);
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);
    finish(&t).await;
}

// 11 ---------------------------------------------------------------------------------

#[tokio::test]
async fn postpaid_products_do_not_check_out_as_prepaid() {
    let (t, admin) = setup().await;
    let cat = t.post("/api/v1/admin/categories", Some(&admin), json!({"name": "Tagihan"})).await;
    let p = t
        .post(
            "/api/v1/admin/products",
            Some(&admin),
            json!({"category_id": cat.body["id"], "name": "PLN Pascabayar", "brand": "PLN", "type": "pln",
                   "payment_type": "postpaid"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let i = t
        .post(
            &format!("/api/v1/admin/products/{}/items", p.body["id"]),
            Some(&admin),
            json!({"sku": "plnpasca-manual", "name": "Tagihan PLN", "base_price": 2_500, "retail_price": 3_000, "reseller_price": 2_800}),
        )
        .await;
    assert_eq!(i.status, StatusCode::CREATED, "{}", i.body);
    let before = t.count("SELECT COUNT(*) FROM transactions").await;
    let body = json!({"product_item_id": i.body["id"], "customer_data": {"meter_no": "530000000001"},
                      "payment_method": "QRIS", "customer_name": "B", "customer_email": "b@example.com"});
    let r = t.post("/api/v1/transactions", None, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.error_code(), "quote_required");
    assert_eq!(r.body["field"], "product_item_id");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, before);
}

// 12 ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_tripay_refund_is_recorded_and_moves_no_money_twice() {
    let (t, admin) = setup().await;
    let item = t.item_id("xld10").await;
    // Delivered, then refunded by Tripay: the admin must look at it.
    let code = buy(&t, guest(item, "087800001230", "QRIS", "refund@example.com"), None).await;
    t.pay(&code).await;
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let reference = t.reference_of(&code).await;
    let logs = format!(
        "SELECT COUNT(*) FROM transaction_logs l JOIN transactions t ON t.id = l.transaction_id WHERE t.transaction_code = '{code}'"
    );
    let before = t.count(&logs).await;
    assert_eq!(t.tripay.sim.settle(&reference, "REFUND").await.unwrap(), 200);
    let after_refund = t.count(&logs).await;
    assert!(after_refund > before, "the refund is logged");
    assert_eq!(t.tripay.sim.post_status(&reference, "REFUND").await.unwrap(), 200, "a replay");
    assert_eq!(t.count(&logs).await, after_refund, "the replay changed nothing");
    let pay_status = |c: &str| {
        format!("SELECT p.status FROM payments p JOIN transactions t ON t.id = p.transaction_id WHERE t.transaction_code = '{c}'")
    };
    assert_eq!(t.text(&pay_status(&code)).await.as_deref(), Some("refunded"));
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("success"));
    assert_eq!(t.order_text(&code, "attention").await.as_deref(), Some("gateway_refund"));
    let stored = format!(
        "SELECT COUNT(*) FROM payment_callbacks c JOIN payments p ON p.id = c.payment_id JOIN transactions t ON t.id = p.transaction_id
         WHERE t.transaction_code = '{code}' AND c.callback_data LIKE '%REFUND%'"
    );
    assert_eq!(t.count(&stored).await, 2, "both deliveries stored");

    // A guest's failed order waiting for its refund: Tripay's refund settles it.
    let failed = buy(&t, guest(item, "087800001232", "QRIS", "refund@example.com"), None).await;
    t.pay(&failed).await;
    assert_eq!(t.wait_status(&failed, "failed").await, "failed");
    assert_eq!(t.order_int(&failed, "refund_required").await, 1);
    let reference = t.reference_of(&failed).await;
    assert_eq!(t.tripay.sim.settle(&reference, "REFUND").await.unwrap(), 200);
    assert_eq!(t.order_text(&failed, "status").await.as_deref(), Some("refunded"));
    assert_eq!(t.order_int(&failed, "refund_required").await, 0);
    let r = t.post(&format!("/api/v1/admin/transactions/{failed}/mark-refunded"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "not refunded twice: {}", r.body);

    // A member refunded to the balance, then refunded by Tripay too: flagged, no money moves.
    let (token, uid) = t.register("m12@example.com", "081277770012").await;
    let m = buy(&t, member(item, "087800001232", "QRIS"), Some(&token)).await;
    t.pay(&m).await;
    assert_eq!(t.wait_status(&m, "refunded").await, "refunded");
    let balance = t.balance(uid).await;
    let reference = t.reference_of(&m).await;
    assert_eq!(t.tripay.sim.settle(&reference, "REFUND").await.unwrap(), 200);
    assert_eq!(t.balance(uid).await, balance);
    assert_eq!(t.order_text(&m, "attention").await.as_deref(), Some("gateway_refund"));
    finish(&t).await;
}
