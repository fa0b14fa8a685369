//! Settings, app-config, maintenance mode, the operator lookup and check, notifications.

use crate::common;

use common::{TestApp, PNG};
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

async fn upload_banner(
    t: &TestApp,
    admin: &str,
    title: &str,
    extra: &[(&str, &str)],
    bytes: &'static [u8],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("title", title.to_string())
        .part("image", reqwest::multipart::Part::bytes(bytes).file_name("b.png").mime_str("image/png").unwrap());
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    t.client.post(t.url("/api/v1/admin/banners")).bearer_auth(admin).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn banners_with_images_schedule_and_order() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let a = upload_banner(&t, &admin, "Promo A", &[("sort_order", "2")], PNG).await;
    assert_eq!(a.status(), StatusCode::CREATED);
    let a: serde_json::Value = a.json().await.unwrap();
    let image = a["image"].as_str().unwrap().to_string();
    assert!(image.starts_with("/uploads/banners/") && image.ends_with(".png"));
    let served = t.client.get(t.url(&image)).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let b = upload_banner(&t, &admin, "Promo B", &[("sort_order", "1")], PNG)
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let future = upload_banner(&t, &admin, "Later", &[("start_date", "2099-01-01")], PNG).await;
    assert_eq!(future.status(), StatusCode::CREATED);
    let ended =
        upload_banner(&t, &admin, "Over", &[("start_date", "2000-01-01"), ("end_date", "2000-02-01")], PNG).await;
    assert_eq!(ended.status(), StatusCode::CREATED);

    // Not an image: refused, whatever its name says.
    let fake = upload_banner(&t, &admin, "Evil", &[], b"<svg onload=alert(1)></svg>").await;
    assert_eq!(fake.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let titles = |v: &serde_json::Value| {
        v.as_array().unwrap().iter().map(|b| b["title"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(titles(&t.get("/api/v1/banners", None).await.body), vec!["Promo B", "Promo A"], "in window, in order");
    // Reorder (the source's reorder route was shadowed and never worked).
    let r = t
        .post(
            "/api/v1/admin/banners/reorder",
            Some(&admin),
            json!({"orders": [{"id": a["id"], "sort_order": 0}, {"id": b["id"], "sort_order": 5}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(titles(&t.get("/api/v1/banners", None).await.body), vec!["Promo A", "Promo B"]);
    t.patch(&format!("/api/v1/admin/banners/{}", a["id"]), Some(&admin), json!({"is_active": false})).await;
    assert_eq!(titles(&t.get("/api/v1/banners", None).await.body), vec!["Promo B"]);
    assert_eq!(t.delete(&format!("/api/v1/admin/banners/{}", b["id"]), Some(&admin)).await.status, StatusCode::OK);
    assert_eq!(t.get("/api/v1/banners", None).await.body.as_array().unwrap().len(), 0);
    // Paths outside the uploads are not served.
    assert_eq!(
        t.client.get(t.url("/uploads/banners/..%2F..%2Flapak.db")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.client.get(t.url("/uploads/../lapak.db")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn avatar_upload() {
    let t = TestApp::spawn().await;
    let (token, _) = t.register("pic@example.com", "081200005555").await;
    let form = reqwest::multipart::Form::new()
        .part("image", reqwest::multipart::Part::bytes(PNG).file_name("me.png").mime_str("image/png").unwrap());
    let r = t.client.post(t.url("/api/v1/me/avatar")).bearer_auth(&token).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    let me = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.body["avatar"], body["avatar"]);
    assert_eq!(t.client.get(t.url(body["avatar"].as_str().unwrap())).send().await.unwrap().status(), StatusCode::OK);
}
