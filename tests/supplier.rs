//! Digiflazz: the real client against the simulator, product sync, pricing rules and
//! the webhook.

use crate::common;

use std::time::Duration;

use common::TestApp;
use lapak::{
    config::DigiflazzConfig,
    digiflazz::{
        model::{SupplierStatus, TopupRequest},
        simulator::{SimConfig, Simulator},
        webhook_signature, DigiflazzClient, DigiflazzError, PriceListKind,
    },
};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn client_for(sim: &Simulator, api_key: &str, timeout_secs: u64) -> DigiflazzClient {
    DigiflazzClient::new(&DigiflazzConfig {
        username: "demo".into(),
        api_key: api_key.into(),
        base_url: sim.url.clone(),
        testing: true,
        timeout_secs,
        ..Default::default()
    })
}

fn topup(sku: &str, no: &str, ref_id: &str) -> TopupRequest {
    TopupRequest { sku: sku.into(), customer_no: no.into(), ref_id: ref_id.into(), max_price: None, callback_url: None }
}

#[tokio::test]
async fn client_follows_the_documented_test_cases() {
    let sim =
        Simulator::start(SimConfig { pending_delay: Duration::from_millis(200), ..SimConfig::demo() }).await.unwrap();
    let c = client_for(&sim, "demo-key", 5);

    let ok = c.topup(&topup("xld10", "087800001230", "t-1")).await;
    assert_eq!(ok.status, SupplierStatus::Success);
    assert_eq!((ok.rc.as_str(), ok.sn.as_str(), ok.price), ("00", "1234567890", Some(10_000)));
    assert!(ok.created);

    let failed = c.topup(&topup("xld10", "087800001232", "t-2")).await;
    assert_eq!((failed.status.clone(), failed.rc.as_str()), (SupplierStatus::Failed, "02"));
    assert!(failed.created);

    for (no, ref_id, final_status) in
        [("087800001233", "t-3", SupplierStatus::Success), ("087800001234", "t-4", SupplierStatus::Failed)]
    {
        let pending = c.topup(&topup("xld10", no, ref_id)).await;
        assert_eq!((pending.status.clone(), pending.rc.as_str()), (SupplierStatus::Pending, "03"));
        // Re-checking with the same ref_id is the status check; no new purchase.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let later = c.topup(&topup("xld10", no, ref_id)).await;
        assert_eq!(later.status, final_status, "{ref_id}");
        assert_eq!(sim.handle.calls_for(ref_id), 2);
    }
    assert_eq!(sim.handle.purchases(), 4, "re-checks bought nothing");

    // The same ref_id again returns the same transaction.
    let again = c.topup(&topup("xld10", "087800001230", "t-1")).await;
    assert_eq!((again.status, again.sn.as_str()), (SupplierStatus::Success, "1234567890"));
    assert_eq!(sim.handle.purchases(), 4);

    // Unknown SKU: rc 43, no record at Digiflazz (answered with HTTP 400 and a JSON body).
    let unknown = c.topup(&topup("nope", "0812", "t-5")).await;
    assert_eq!((unknown.status, unknown.rc.as_str(), unknown.created), (SupplierStatus::Failed, "43", false));

    // Balance.
    assert!(c.balance().await.unwrap() > 0);
}

#[tokio::test]
async fn wrong_key_is_rc_41_and_timeouts_are_unknown() {
    let sim = Simulator::start(SimConfig { slow_answer: Duration::from_secs(3), ..SimConfig::demo() }).await.unwrap();
    let bad = client_for(&sim, "wrong-key", 5);
    let r = bad.topup(&topup("xld10", "087800001230", "w-1")).await;
    assert_eq!((r.status, r.rc.as_str(), r.created), (SupplierStatus::Failed, "41", false));
    assert!(matches!(bad.balance().await, Err(DigiflazzError::Rejected { rc, .. }) if rc == "41"));
    assert!(
        matches!(bad.price_list(PriceListKind::Prepaid).await, Err(DigiflazzError::Rejected { rc, .. }) if rc == "41")
    );

    // A slow answer: the outcome is unknown, not failed.
    let c = client_for(&sim, "demo-key", 1);
    let slow = c.topup(&topup("tsel10", "081234569999", "w-2")).await;
    assert_eq!(slow.status, SupplierStatus::Unknown, "{slow:?}");
    // It did go through at the supplier; the re-check with the same ref_id says so.
    let again = client_for(&sim, "demo-key", 5).topup(&topup("tsel10", "081234569999", "w-2")).await;
    assert_eq!(again.status, SupplierStatus::Success);

    // Nothing listening: unknown too.
    let dead = DigiflazzClient::new(&DigiflazzConfig {
        username: "demo".into(),
        api_key: "demo-key".into(),
        base_url: "http://127.0.0.1:9/v1".into(),
        timeout_secs: 1,
        ..Default::default()
    });
    assert_eq!(dead.topup(&topup("xld10", "087800001230", "w-3")).await.status, SupplierStatus::Unknown);
    assert!(matches!(dead.balance().await, Err(DigiflazzError::Transport(_))));
}

#[tokio::test]
async fn price_list_limit_is_rc_83() {
    let sim = Simulator::start(SimConfig::demo()).await.unwrap();
    let c = client_for(&sim, "demo-key", 5);
    let list = c.price_list(PriceListKind::Prepaid).await.unwrap();
    assert!(list.len() >= 60);
    assert!(list.iter().any(|p| p.sku == "xld10" && p.price == 10_000 && p.orderable()));
    assert!(list.iter().any(|p| p.sku == "gi1090" && !p.orderable()), "seller status off");
    assert!(matches!(c.price_list(PriceListKind::Prepaid).await, Err(DigiflazzError::RateLimited(_))));
}

fn item<'a>(detail: &'a Value, sku: &str) -> Option<&'a Value> {
    detail["items"].as_array().unwrap().iter().find(|i| i["sku"] == sku)
}

async fn product_id_of(t: &TestApp, slug: &str) -> i64 {
    let d = t.get(&format!("/api/v1/products/slug/{slug}"), None).await;
    assert_eq!(d.status, StatusCode::OK, "{slug}: {}", d.body);
    d.body["id"].as_i64().unwrap()
}

/// Forces the next sync to fetch a fresh list.
fn fresh_list(t: &TestApp) {
    *t.app.caches.price_list.lock().unwrap() = None;
    t.digiflazz.handle.reset_pricelist_limit();
}

#[tokio::test]
async fn sync_fills_the_catalog_with_tier_prices() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let r = t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Both lists: prepaid products and bills (pasca).
    let n = (t.digiflazz.handle.catalogue_len() + t.digiflazz.handle.pasca_catalogue_len()) as i64;
    assert_eq!(r.body["received"], n);
    assert_eq!(r.body["added"], n);
    assert_eq!(r.body["source"], "supplier");
    assert_eq!(r.body["categories_added"], 6, "Games, Pulsa, Data, E-Money, PLN and Pascabayar");

    // Default rules: retail +2 000, reseller +1 000, rounded up to 100.
    let (_, rid) = t.register("re@example.com", "081211110000").await;
    t.make_reseller(&admin, rid).await;
    let reseller = t.login("re@example.com", "rahasia-123").await;
    let xl = t.get("/api/v1/products/slug/xl-pulsa", None).await;
    assert_eq!(item(&xl.body, "xld10").unwrap()["price"], 12_000);
    let xl_r = t.get("/api/v1/products/slug/xl-pulsa", Some(&reseller)).await;
    assert_eq!(item(&xl_r.body, "xld10").unwrap()["price"], 11_000);
    // ml5 costs 1 380: 3 380 -> 3 400 retail, 2 380 -> 2 400 reseller.
    let ml = t.get("/api/v1/products/slug/mobile-legends", None).await;
    assert_eq!(item(&ml.body, "ml5").unwrap()["price"], 3_400);
    assert_eq!(ml.body["type"], "game");
    assert_eq!(ml.body["customer_no_format"], "{user_id}{zone_id}");
    let pln = t.get("/api/v1/products/slug/pln-token", None).await;
    assert_eq!(pln.body["input_fields"][0]["name"], "meter_no");
    let dana = t.get("/api/v1/products/slug/dana-e-money", None).await;
    assert_eq!(dana.body["input_fields"][0]["name"], "phone");

    // The seller switched gi1090 off and pubg1800 is out of stock: not orderable, not shown.
    let gi = t.get("/api/v1/products/slug/genshin-impact", None).await;
    assert!(item(&gi.body, "gi1090").is_none());
    assert!(item(&gi.body, "gi60").is_some());
    // pln1000 has a nightly cut-off window, kept as the supplier gave it.
    let admin_pln =
        t.get(&format!("/api/v1/admin/products/{}", product_id_of(&t, "pln-token").await), Some(&admin)).await;
    let pln1000 = admin_pln.body["items"].as_array().unwrap().iter().find(|i| i["sku"] == "pln1000").unwrap().clone();
    assert_eq!(pln1000["cut_off"], json!({"start": "23:45", "end": "00:15"}));
    assert_eq!(pln1000["base_price"], 1_001_500);

    // A second sync right away reuses the list (one full list per 5 minutes) and changes nothing.
    let again = t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    assert_eq!(again.body["source"], "cache");
    assert_eq!(again.body["unchanged"], n);
    assert_eq!(t.count("SELECT COUNT(*) FROM sync_runs WHERE ok = 1").await, 2);
}

#[tokio::test]
async fn sync_keeps_admin_edits_and_unlists_what_disappeared() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    let ml = product_id_of(&t, "mobile-legends").await;
    let detail = t.get(&format!("/api/v1/admin/products/{ml}"), Some(&admin)).await;
    let id_of = |sku: &str| {
        detail.body["items"].as_array().unwrap().iter().find(|i| i["sku"] == sku).unwrap()["id"].as_i64().unwrap()
    };
    let (ml86, ml172, ml5) = (id_of("ml86"), id_of("ml172"), id_of("ml5"));

    // The admin renames, re-describes, changes the form, fixes a price, disables an item.
    let r = t
        .patch(
            &format!("/api/v1/admin/products/{ml}"),
            Some(&admin),
            json!({"name": "MLBB", "description": "Top up MLBB", "is_featured": true, "sort_order": 1,
                   "input_fields": [{"name": "user_id", "label": "ID"}, {"name": "zone_id", "label": "Server"}],
                   "customer_no_format": "{user_id}({zone_id})"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    t.patch(&format!("/api/v1/admin/items/{ml86}"), Some(&admin), json!({"retail_price": 30_000, "name": "86 DM"}))
        .await;
    t.delete(&format!("/api/v1/admin/items/{ml172}"), Some(&admin)).await;

    // The supplier: ml86 costs more, ml5 disappears, tsel5 is switched off, a new SKU appears.
    t.digiflazz.handle.edit_catalogue(|c| {
        c.iter_mut().find(|i| i.buyer_sku_code == "ml86").unwrap().price = Some(24_000);
        c.retain(|i| i.buyer_sku_code != "ml5");
        c.iter_mut().find(|i| i.buyer_sku_code == "tsel5").unwrap().buyer_product_status = Some(false);
        let mut new = c.iter().find(|i| i.buyer_sku_code == "ml86").unwrap().clone();
        new.buyer_sku_code = "ml2195".into();
        new.product_name = "MOBILE LEGENDS 2195 Diamonds".into();
        new.price = Some(560_000);
        c.push(new);
    });
    fresh_list(&t);
    let s = t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["added"], 1);
    assert_eq!(s.body["deactivated"], 2, "ml5 delisted, tsel5 switched off: {}", s.body);
    assert_eq!(s.body["updated"], 1, "ml86's cost: {}", s.body);

    let p = t.get(&format!("/api/v1/admin/products/{ml}"), Some(&admin)).await;
    assert_eq!(p.body["name"], "MLBB");
    assert_eq!(p.body["description"], "Top up MLBB");
    assert_eq!(p.body["is_featured"], true);
    assert_eq!(p.body["customer_no_format"], "{user_id}({zone_id})");
    assert_eq!(p.body["input_fields"][1]["label"], "Server");
    let items = p.body["items"].as_array().unwrap();
    let get = |sku: &str| items.iter().find(|i| i["sku"] == sku).unwrap().clone();
    assert_eq!(get("ml86")["name"], "86 DM");
    assert_eq!(get("ml86")["base_price"], 24_000);
    assert_eq!(get("ml86")["retail_price"], 30_000, "the override survives");
    assert_eq!(get("ml86")["reseller_price"], 25_000, "rule price follows the cost");
    assert_eq!(get("ml172")["is_active"], false, "admin's disable survives");
    assert_eq!(get("ml5")["supplier_available"], false);
    assert_eq!(get("ml5")["unavailable_reason"], "supplier_unavailable");
    assert_eq!(get("ml2195")["name"], "2195 Diamonds");
    assert_eq!(get("ml2195")["retail_price"], 562_000);

    let public = t.get(&format!("/api/v1/products/{ml}"), None).await;
    assert!(item(&public.body, "ml5").is_none());
    assert!(item(&public.body, "ml172").is_none());
    let tsel = t.get("/api/v1/products/slug/telkomsel-pulsa", None).await;
    assert!(item(&tsel.body, "tsel5").is_none());
    // The admin can list products with nothing orderable left.
    t.sql(
        "UPDATE product_items SET is_active = 0 WHERE product_id = (SELECT id FROM products WHERE slug = 'free-fire')",
    )
    .await;
    let dead = t.get("/api/v1/admin/products?orderable=false", Some(&admin)).await;
    assert_eq!(dead.body["meta"]["total"], 1, "{}", dead.body);
    assert_eq!(dead.body["data"][0]["slug"], "free-fire");
    let _ = ml5;
}

#[tokio::test]
async fn the_limit_and_empty_lists_never_wipe_the_catalog() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    let before = t.count("SELECT COUNT(*) FROM product_items WHERE supplier_available = 1").await;
    assert!(before > 60);

    // rc 83: our cached list is gone, the supplier refuses another full list.
    *t.app.caches.price_list.lock().unwrap() = None;
    let limited = t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.body);
    assert!(limited.body["limited"].as_str().unwrap().contains("limitasi"), "{}", limited.body);
    assert_eq!(limited.body["source"], "none");
    assert_eq!(t.count("SELECT COUNT(*) FROM product_items WHERE supplier_available = 1").await, before);

    // An empty list is refused.
    t.digiflazz.handle.edit_catalogue(|c| c.clear());
    fresh_list(&t);
    let empty = t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_GATEWAY);
    assert_eq!(empty.error_code(), "upstream_error");
    assert_eq!(t.count("SELECT COUNT(*) FROM product_items WHERE supplier_available = 1").await, before);
    assert_eq!(t.count("SELECT COUNT(*) FROM sync_runs WHERE ok = 0").await, 2);

    // Customers cannot sync.
    let (cust, _) = t.register("c@example.com", "081299990000").await;
    assert_eq!(t.post("/api/v1/admin/products/sync", Some(&cust), json!({})).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pricing_rules_move_prices_at_once() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.post("/api/v1/admin/products/sync", Some(&admin), json!({})).await;
    let price = |body: &Value, sku: &str| item(body, sku).unwrap()["price"].as_i64().unwrap();
    let xl = t.get("/api/v1/products/slug/xl-pulsa", None).await;
    assert_eq!(price(&xl.body, "xld10"), 12_000);

    // Brand rule for XL retail: 5 % + 250, rounded up to 500.
    let r = t
        .post(
            "/api/v1/admin/pricing-rules",
            Some(&admin),
            json!({"scope": "brand", "brand": "XL", "tier": "retail", "percent_bp": 500, "flat": 250, "round_to": 500}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body["repriced_items"].as_i64().unwrap() >= 6);
    let rule_id = r.body["rule"]["id"].as_i64().unwrap();
    let xl = t.get("/api/v1/products/slug/xl-pulsa", None).await;
    assert_eq!(price(&xl.body, "xld10"), 11_000, "10 000 + 500 + 250 = 10 750 -> 11 000");
    // XL data is the same brand; Telkomsel is not touched.
    let xl_data = t.get("/api/v1/products/slug/xl-data", None).await;
    assert_eq!(price(&xl_data.body, "xldata1"), 13_500, "12 500 + 625 + 250 = 13 375 -> 13 500");
    let tsel = t.get("/api/v1/products/slug/telkomsel-pulsa", None).await;
    assert_eq!(price(&tsel.body, "tsel10"), 12_400);

    // A product rule beats the brand rule; a max profit caps it.
    let pid = product_id_of(&t, "xl-pulsa").await;
    let r = t
        .post(
            "/api/v1/admin/pricing-rules",
            Some(&admin),
            json!({"scope": "product", "product_id": pid, "tier": "retail", "percent_bp": 1000, "max_profit": 700}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let xl = t.get("/api/v1/products/slug/xl-pulsa", None).await;
    assert_eq!(price(&xl.body, "xld10"), 10_700);
    assert_eq!(price(&xl.body, "xld100"), 100_850, "100 150 + min(10 015, 700)");

    // Editing the brand rule does not matter for XL Pulsa now, but does for XL Data.
    let e = t.patch(&format!("/api/v1/admin/pricing-rules/{rule_id}"), Some(&admin), json!({"flat": 0})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.body);
    let xl_data = t.get("/api/v1/products/slug/xl-data", None).await;
    assert_eq!(price(&xl_data.body, "xldata1"), 13_500, "12 500 + 625 = 13 125 -> 13 500");

    // Deleting falls back to the global rule.
    t.delete(&format!("/api/v1/admin/pricing-rules/{rule_id}"), Some(&admin)).await;
    let xl_data = t.get("/api/v1/products/slug/xl-data", None).await;
    assert_eq!(price(&xl_data.body, "xldata1"), 14_500);

    // Bad rules are refused with the field named.
    let bad = t
        .post("/api/v1/admin/pricing-rules", Some(&admin), json!({"scope": "brand", "tier": "retail", "flat": 1}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["field"], "scope");
    let neg = t
        .post("/api/v1/admin/pricing-rules", Some(&admin), json!({"scope": "global", "tier": "retail", "flat": -5}))
        .await;
    assert_eq!(neg.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(neg.body["field"], "flat");
    let dup = t
        .post("/api/v1/admin/pricing-rules", Some(&admin), json!({"scope": "global", "tier": "retail", "flat": 5}))
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let list = t.get("/api/v1/admin/pricing-rules", Some(&admin)).await;
    assert_eq!(list.body.as_array().unwrap().len(), 3);
}

async fn post_webhook(t: &TestApp, body: &str, signature: Option<&str>) -> (StatusCode, Value) {
    let mut rb = t
        .client
        .post(t.url("/api/v1/webhooks/digiflazz"))
        .header("content-type", "application/json")
        .header("x-digiflazz-event", "update")
        .header("user-agent", "Digiflazz-Hookshot");
    if let Some(s) = signature {
        rb = rb.header("x-hub-signature", s);
    }
    let r = rb.body(body.to_string()).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn webhook_body(ref_id: &str, status: &str, rc: &str, sn: &str) -> String {
    json!({"data": {"ref_id": ref_id, "customer_no": "087800001233", "buyer_sku_code": "xld10",
                    "message": format!("Transaksi {status}"), "status": status, "rc": rc, "sn": sn,
                    "buyer_last_saldo": 990000, "price": 10000}})
    .to_string()
}

#[tokio::test]
async fn the_webhook_rejects_forgeries_and_applies_real_ones_once() {
    let t = TestApp::spawn().await;
    t.processing_order("LPK-WH-1", "xld10", "087800001233").await;
    let good = webhook_body("LPK-WH-1", "Sukses", "00", "SN-111");

    // Forged and missing signatures: 401, stored, nothing changed.
    let (s, b) = post_webhook(&t, &good, Some(&webhook_signature("not-the-secret", good.as_bytes()))).await;
    assert_eq!((s, b["success"].clone()), (StatusCode::UNAUTHORIZED, json!(false)));
    let (s, _) = post_webhook(&t, &good, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = post_webhook(&t, &good, Some("sha1=")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-WH-1'").await.unwrap(),
        "processing"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM supplier_webhooks WHERE verified = 0 AND outcome = 'invalid_signature'").await,
        3
    );

    // The real one applies.
    let sig = webhook_signature("demo-secret", good.as_bytes());
    let (s, b) = post_webhook(&t, &good, Some(&sig)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b, json!({"success": true, "outcome": "succeeded"}));
    assert_eq!(t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-WH-1'").await.unwrap(), "success");
    assert_eq!(
        t.text("SELECT digiflazz_serial_number FROM transactions WHERE transaction_code = 'LPK-WH-1'").await.unwrap(),
        "SN-111"
    );
    let logs = t.count("SELECT COUNT(*) FROM transaction_logs").await;
    assert_eq!(logs, 1);

    // Replays change nothing, and a late Gagal cannot undo a success.
    for _ in 0..5 {
        let (s, b) = post_webhook(&t, &good, Some(&sig)).await;
        assert_eq!((s, b["outcome"].clone()), (StatusCode::OK, json!("ignored")));
    }
    // A late Gagal cannot undo a success either, but it is not dropped: the admin sees it.
    let late_fail = webhook_body("LPK-WH-1", "Gagal", "02", "");
    let late_sig = webhook_signature("demo-secret", late_fail.as_bytes());
    let (s, b) = post_webhook(&t, &late_fail, Some(&late_sig)).await;
    assert_eq!((s, b["outcome"].clone()), (StatusCode::OK, json!("failed_after_success")));
    assert_eq!(t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-WH-1'").await.unwrap(), "success");
    assert_eq!(
        t.text("SELECT attention FROM transactions WHERE transaction_code = 'LPK-WH-1'").await.unwrap(),
        "supplier_failed_after_success"
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM transaction_logs").await, logs + 1, "one attention note");
    let (_, b) = post_webhook(&t, &late_fail, Some(&late_sig)).await;
    assert_eq!(b["outcome"], "ignored", "its replay changes nothing");
    assert_eq!(t.count("SELECT COUNT(*) FROM transaction_logs").await, logs + 1);

    // Every delivery is stored byte for byte.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM supplier_webhooks").await,
        11,
        "3 forged, 1 real, 5 replays, a late Gagal and its replay"
    );
    assert_eq!(t.text("SELECT raw_body FROM supplier_webhooks WHERE outcome = 'succeeded'").await.unwrap(), good);

    // A ping (no data) is fine; an unknown ref_id is acknowledged and changes nothing.
    let ping = r#"{"sed":"x","hook_id":"abc","hook":{"url":"u","secret":"s","type":"json","status":true}}"#;
    let (s, b) = post_webhook(&t, ping, Some(&webhook_signature("demo-secret", ping.as_bytes()))).await;
    assert_eq!((s, b["outcome"].clone()), (StatusCode::OK, json!("ping")));
    let other = webhook_body("NOPE", "Sukses", "00", "1");
    let (s, b) = post_webhook(&t, &other, Some(&webhook_signature("demo-secret", other.as_bytes()))).await;
    assert_eq!((s, b["outcome"].clone()), (StatusCode::OK, json!("unknown_ref")));

    // A failure on another processing order moves it to failed with the reason.
    t.processing_order("LPK-WH-2", "xld10", "087800001234").await;
    let fail = webhook_body("LPK-WH-2", "Gagal", "02", "");
    let (s, _) = post_webhook(&t, &fail, Some(&webhook_signature("demo-secret", fail.as_bytes()))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-WH-2'").await.unwrap(), "failed");
    assert_eq!(
        t.text("SELECT failed_reason FROM transactions WHERE transaction_code = 'LPK-WH-2'").await.unwrap(),
        "Transaksi Gagal"
    );
}

#[tokio::test]
async fn a_pending_order_completes_from_the_simulators_signed_webhook() {
    let t = TestApp::spawn().await;
    t.processing_order("LPK-PEND-1", "xld10", "087800001233").await;
    // The supplier is asked (this is what the fulfilment job does) and answers Pending.
    let id = t.count("SELECT id FROM transactions WHERE transaction_code = 'LPK-PEND-1'").await;
    let asked =
        lapak::orders::fulfilment::ask_supplier(&t.app, id, lapak::orders::fulfilment::Asker::Job).await.unwrap();
    assert!(matches!(asked, lapak::orders::fulfilment::Asked::Answered { outcome: "still_pending", .. }), "{asked:?}");
    assert_eq!(
        t.text("SELECT digiflazz_rc FROM transactions WHERE transaction_code = 'LPK-PEND-1'").await.unwrap(),
        "03"
    );
    // The simulator posts its signed webhook a moment later.
    let mut status = String::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        status = t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-PEND-1'").await.unwrap();
        if status != "processing" {
            break;
        }
    }
    assert_eq!(status, "success");
    // The simulator counts a webhook once lapak has answered it.
    for _ in 0..50 {
        if t.digiflazz.handle.webhooks_sent() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(t.digiflazz.handle.webhooks_sent(), 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM supplier_webhooks WHERE verified = 1").await, 1);
}

#[tokio::test]
async fn without_a_secret_a_webhook_is_only_a_hint() {
    let t =
        TestApp::spawn_with(|f| f.merge(figment::providers::Serialized::default("digiflazz.webhook_secret", ""))).await;
    t.processing_order("LPK-NS-1", "xld10", "087800001232").await;
    // Someone claims success without a signature; lapak asks Digiflazz, which says Gagal.
    let claim = webhook_body("LPK-NS-1", "Sukses", "00", "FAKE");
    let (s, b) = post_webhook(&t, &claim, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["outcome"], "rechecked:failed");
    assert_eq!(t.text("SELECT status FROM transactions WHERE transaction_code = 'LPK-NS-1'").await.unwrap(), "failed");
    assert!(t
        .text("SELECT digiflazz_serial_number FROM transactions WHERE transaction_code = 'LPK-NS-1'")
        .await
        .is_none());
}
