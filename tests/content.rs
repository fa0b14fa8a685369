//! Settings, app-config, maintenance mode, the operator lookup and check, notifications.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn app_config_and_maintenance_mode() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let c = t.get("/api/v1/app-config", None).await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.body["app_name"], "lapak");
    assert_eq!(c.body["features"]["guest_checkout"], true);
    assert_eq!(c.body["maintenance"]["active"], false);

    // Maintenance on: purchases and deposits are refused with the message.
    let r = t.put_json("/api/v1/admin/settings/maintenance.active", &admin, json!({"value": "true"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    t.put_json("/api/v1/admin/settings/maintenance.message", &admin, json!({"value": "Sedang perbaikan"})).await;
    let c = t.get("/api/v1/app-config", None).await;
    assert_eq!(c.body["maintenance"], json!({"active": true, "message": "Sedang perbaikan"}));
    let item = t.item_id("tsel10").await;
    let body = json!({"product_item_id": item, "customer_data": {"phone": "081234567890"}, "payment_method": "QRIS",
                      "customer_name": "B", "customer_email": "b@example.com"});
    let r = t.post("/api/v1/transactions", None, body.clone()).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.error_code(), "maintenance");
    assert_eq!(r.body["message"], "Sedang perbaikan");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 0);

    // Off again, and guest checkout switched off: guests are told to log in.
    t.post("/api/v1/admin/settings/bulk", Some(&admin),
           json!({"settings": [{"key": "maintenance.active", "value": "false"}, {"key": "features.guest_checkout", "value": "false"}]}))
        .await;
    let r = t.post("/api/v1/transactions", None, body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Typed values are checked; a bad bulk update changes nothing.
    let r = t.put_json("/api/v1/admin/settings/maintenance.active", &admin, json!({"value": "maybe"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post(
            "/api/v1/admin/settings/bulk",
            Some(&admin),
            json!({"settings": [{"key": "features.guest_checkout", "value": "true"}, {"key": "nope", "value": "1"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.get("/api/v1/app-config", None).await.body["features"]["guest_checkout"], false);
    // Private settings stay private.
    t.put_json("/api/v1/admin/settings/secret.thing", &admin, json!({"value": "hidden", "is_public": false})).await;
    assert!(t.get("/api/v1/app-config", None).await.body["settings"].get("secret.thing").is_none());
    let (cust, _) = t.register("c@example.com", "081200001111").await;
    assert_eq!(t.get("/api/v1/admin/settings", Some(&cust)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn operator_lookup_and_the_pulsa_check() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let r = t.get("/api/v1/utility/operator?phone=%2B6285612345678", None).await;
    assert_eq!(r.body, json!({"phone": "085612345678", "operator": "Indosat"}));
    assert_eq!(t.get("/api/v1/utility/operator?phone=123", None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Telkomsel pulsa to an Indosat number: refused with a clear message.
    let tsel = t.item_id("tsel10").await;
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": tsel, "customer_data": {"phone": "085612345678"}, "payment_method": "QRIS",
                     "customer_name": "B", "customer_email": "b@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "operator_mismatch");
    assert!(r.body["message"].as_str().unwrap().contains("Indosat"));
    // A DANA top-up to a Telkomsel number is fine (e-wallets are not operators).
    let dana = t.item_id("dana10").await;
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": dana, "customer_data": {"phone": "081234567890"}, "payment_method": "QRIS",
                     "customer_name": "B", "customer_email": "b@example.com"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn notifications_are_the_users_own() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (a, a_id) = t.register("a@example.com", "081200002222").await;
    let (b, _) = t.register("b@example.com", "081200003333").await;
    // Two notifications for A.
    t.sql(&format!(
        "INSERT INTO notifications (user_id, title, message) VALUES ({a_id}, 'One', 'm'), ({a_id}, 'Two', 'm')"
    ))
    .await;
    let list = t.get("/api/v1/notifications", Some(&a)).await;
    assert_eq!(list.body["meta"]["total"], 2);
    assert_eq!(list.body["data"][0]["title"], "Two", "newest first");
    assert_eq!(t.get("/api/v1/notifications/count", Some(&a)).await.body["count"], 2);
    let first = list.body["data"][1]["id"].as_i64().unwrap();
    // B cannot read or mark A's notification.
    assert_eq!(t.get("/api/v1/notifications", Some(&b)).await.body["meta"]["total"], 0);
    let r = t.post(&format!("/api/v1/notifications/{first}/read"), Some(&b), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.post(&format!("/api/v1/notifications/{first}/read"), Some(&a), json!({})).await.body["updated"], 1);
    assert_eq!(t.get("/api/v1/notifications/count", Some(&a)).await.body["count"], 1);
    assert_eq!(t.post("/api/v1/notifications/read-all", Some(&a), json!({})).await.body["updated"], 1);
    assert_eq!(t.get("/api/v1/notifications/count", Some(&a)).await.body["count"], 0);
    // Devices upsert on (user, device).
    for token in ["tok-1", "tok-2"] {
        let r = t
            .post(
                "/api/v1/devices",
                Some(&a),
                json!({"device_id": "phone-1", "fcm_token": token, "platform": "android"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM user_devices").await, 1);
    assert_eq!(t.text("SELECT fcm_token FROM user_devices").await.unwrap(), "tok-2");
    assert_eq!(t.delete("/api/v1/devices/phone-1", Some(&b)).await.status, StatusCode::NOT_FOUND);
    let _ = admin;
}
