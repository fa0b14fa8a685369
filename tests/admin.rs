//! Admin tools: activity log, user creation and statistics, bulk prices; and the
//! customer's analytics.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn users_activity_and_bulk_prices() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let r = t
        .post(
            "/api/v1/admin/users",
            Some(&admin),
            json!({"name": "Toko Budi", "email": "toko@example.com", "phone": "081211110000", "password": "rahasia-123",
                     "customer_type": "reseller"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["customer_type"], "reseller");
    let token = t.login("toko@example.com", "rahasia-123").await;
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.body["customer_type"], "reseller");
    let dup = t
        .post(
            "/api/v1/admin/users",
            Some(&admin),
            json!({"name": "X", "email": "TOKO@example.com", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let (_, _) = t.register("retail@example.com", "081211112222").await;
    let stats = t.get("/api/v1/admin/users/statistics", Some(&admin)).await;
    assert_eq!(
        (
            stats.body["total"].as_i64(),
            stats.body["admins"].as_i64(),
            stats.body["resellers"].as_i64(),
            stats.body["retail"].as_i64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );

    // Bulk prices: overrides set and cleared, never below cost, all or nothing.
    let ml86 = t.item_id("ml86").await;
    let ml5 = t.item_id("ml5").await;
    let r = t
        .post(
            "/api/v1/admin/products/bulk-prices",
            Some(&admin),
            json!({"items": [{"item_id": ml86, "retail_price": 30000}, {"item_id": ml5, "reseller_price": 10}]}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("items[1].reseller_price"))
    );
    assert_eq!(
        t.count(&format!("SELECT retail_price FROM product_items WHERE id = {ml86}")).await,
        25_600,
        "unchanged"
    );
    let r = t
        .post(
            "/api/v1/admin/products/bulk-prices",
            Some(&admin),
            json!({"items": [{"item_id": ml86, "retail_price": 30000}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.count(&format!("SELECT retail_price FROM product_items WHERE id = {ml86}")).await, 30_000);
    t.post("/api/v1/admin/products/bulk-prices", Some(&admin), json!({"items": [{"item_id": ml86, "clear": true}]}))
        .await;
    assert_eq!(
        t.count(&format!("SELECT retail_price FROM product_items WHERE id = {ml86}")).await,
        25_600,
        "rules again"
    );

    // The activity log holds all of it, filterable, with statistics; old entries can go.
    let log = t.get("/api/v1/admin/activity-logs?action=user.create", Some(&admin)).await;
    assert_eq!(log.body["meta"]["total"], 1);
    assert_eq!(log.body["data"][0]["description"], "toko@example.com");
    let stats = t.get("/api/v1/admin/activity-logs/statistics", Some(&admin)).await;
    assert!(stats.body.as_array().unwrap().iter().any(|a| a["action"] == "products.bulk_prices" && a["count"] == 2));
    t.sql("UPDATE activity_logs SET created_at = '2000-01-01T00:00:00.000Z' WHERE action = 'register'").await;
    let r = t.post("/api/v1/admin/activity-logs/clean", Some(&admin), json!({"days": 30})).await;
    assert_eq!(r.body["deleted"], 1);
    assert_eq!(
        t.post("/api/v1/admin/activity-logs/clean", Some(&admin), json!({"days": 0})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(t.get("/api/v1/admin/activity-logs", Some(&token)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reseller_sees_its_own_analytics() {
    let t = TestApp::spawn().await;
    let (token, id) = t.register("an@example.com", "081233330000").await;
    let (_, other) = t.register("other@example.com", "081233331111").await;
    for (code, user, status, total, days, product) in [
        ("LPKB1", id, "success", 12_000, 0, "XL Pulsa 10000"),
        ("LPKB2", id, "success", 12_000, 1, "XL Pulsa 10000"),
        ("LPKB3", id, "failed", 22_000, 1, "ML 86"),
        ("LPKB4", id, "success", 22_000, 1, "ML 86"),
        ("LPKB5", other, "success", 99_000, 0, "Other"),
        ("LPKB6", id, "success", 50_000, 60, "Too old"),
    ] {
        t.sql(&format!(
            "INSERT INTO transactions (transaction_code, user_id, status, product_price, total_price, product_name, created_at)
             VALUES ('{code}', {user}, '{status}', {total}, {total}, '{product}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{days} days'))"
        ))
        .await;
    }
    let a = t.get("/api/v1/me/analytics", Some(&token)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["total_spent"], 46_000);
    assert_eq!(a.body["transaction_count"], 4);
    assert_eq!(a.body["success_rate"], 75.0);
    assert_eq!(a.body["top_products"][0]["product"], "XL Pulsa 10000");
    assert_eq!(a.body["per_day"].as_array().unwrap().iter().map(|d| d["orders"].as_i64().unwrap()).sum::<i64>(), 4);
    assert_eq!(t.get("/api/v1/me/analytics", None).await.status, StatusCode::UNAUTHORIZED);
}

/// An admin's change and its audit record commit together: the record says who, from
/// which address and user agent; a refused change leaves no record.
#[tokio::test]
async fn the_audit_record_commits_with_the_change_and_names_its_origin() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (_, uid) = t.register("audited@example.com", "081211113333").await;
    let r = t
        .client
        .patch(t.url(&format!("/api/v1/admin/users/{uid}")))
        .bearer_auth(&admin)
        .header("user-agent", "console-test/1.0")
        .json(&json!({"customer_type": "reseller"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let log = t.get("/api/v1/admin/activity-logs?action=user.update", Some(&admin)).await;
    assert_eq!(log.body["meta"]["total"], 1, "{}", log.body);
    let entry = &log.body["data"][0];
    assert_eq!(entry["user_agent"], "console-test/1.0");
    assert_eq!(entry["ip_address"], "127.0.0.1");
    assert_eq!(entry["model_type"], "user");
    assert_eq!(entry["model_id"], uid);
    assert_eq!(entry["meta_data"]["customer_type"], "reseller");

    // A refused change (an unknown user) writes no record.
    let missing = t.patch("/api/v1/admin/users/999999", Some(&admin), json!({"customer_type": "reseller"})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/admin/activity-logs?action=user.update", Some(&admin)).await.body["meta"]["total"], 1);
    // A refused withdrawal move (nothing to approve) neither.
    let no = t.post("/api/v1/admin/withdrawals/424242/approve", Some(&admin), json!({})).await;
    assert_eq!(no.status, StatusCode::NOT_FOUND);
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action LIKE 'withdrawal.%'").await, 0);
}
