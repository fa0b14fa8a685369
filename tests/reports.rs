//! Dashboard and report figures against hand-computed values; CSV export safety.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;

/// Seeds known orders: (code, status, type, method, price, discount, base, fee, days ago, product, email).
async fn seed(t: &TestApp) {
    let rows = [
        ("LPKA1", "success", "purchase", "QRIS", 12_000, 0, 10_000, 834, 0, "XL Pulsa 10000", "a@example.com"),
        (
            "LPKA2",
            "success",
            "purchase",
            "BALANCE",
            22_000,
            1_000,
            19_000,
            0,
            0,
            "Mobile Legends 86 Diamonds",
            "b@example.com",
        ),
        ("LPKA3", "success", "purchase", "QRIS", 12_000, 0, 10_000, 834, 3, "XL Pulsa 10000", "a@example.com"),
        ("LPKA4", "failed", "purchase", "QRIS", 12_000, 0, 10_000, 834, 0, "XL Pulsa 10000", "c@example.com"),
        (
            "LPKA5",
            "pending",
            "purchase",
            "BRIVA",
            50_000,
            0,
            48_000,
            4_250,
            0,
            "=HYPERLINK(\"x\")",
            "+evil@example.com",
        ),
        ("LPKA6", "success", "topup", "BRIVA", 100_000, 0, 0, 4_250, 1, "Deposit saldo", "b@example.com"),
        ("LPKA7", "success", "purchase", "QRIS", 40_000, 0, 38_000, 1_030, 40, "Old sale", "a@example.com"),
    ];
    for (code, status, kind, method, price, disc, base, fee, days, product, email) in rows {
        t.sql(&format!(
            "INSERT INTO transactions (transaction_code, status, transaction_type, payment_method, product_price, discount_amount,
                                       base_price, admin_fee, total_price, product_name, contact_email, created_at)
             VALUES ('{code}', '{status}', '{kind}', '{method}', {price}, {disc}, {base}, {fee}, {price} - {disc} + {fee},
                     '{}', '{email}', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-{days} days'))",
            product.replace('\'', "''")
        ))
        .await;
    }
}

#[tokio::test]
async fn dashboard_figures_match_the_seeded_orders() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    seed(&t).await;
    // The last 7 days: LPKA1, LPKA2, LPKA3 sold (LPKA7 is 40 days old).
    let d = t.get("/api/v1/admin/dashboard?period=week", Some(&admin)).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let f = &d.body["figures"];
    assert_eq!(f["orders"], 3);
    assert_eq!(f["revenue"], 12_000 + 21_000 + 12_000);
    assert_eq!(f["profit"], 2_000 + 2_000 + 2_000, "price - discount - supplier cost, never the gateway fee");
    assert_eq!(f["success_rate"], 75.0, "3 of 4 finished purchases");
    let by_status = d.body["orders_by_status"].as_array().unwrap();
    let count = |s: &str| by_status.iter().find(|b| b["key"] == s).map(|b| b["count"].as_i64().unwrap()).unwrap_or(0);
    assert_eq!((count("success"), count("failed"), count("pending")), (3, 1, 1), "counts are independent");
    assert_eq!(d.body["deposits"], 100_000);
    assert_eq!(d.body["top_products"][0]["key"], "XL Pulsa 10000");
    assert_eq!(d.body["top_products"][0]["count"], 2);
    assert_eq!(d.body["daily"].as_array().unwrap().len(), 2, "two days with sales");
    let methods = d.body["by_payment_method"].as_array().unwrap();
    assert_eq!(methods.iter().find(|m| m["key"] == "BALANCE").unwrap()["revenue"], 21_000);
    // Today only.
    let today = t.get("/api/v1/admin/dashboard?period=today", Some(&admin)).await;
    assert_eq!(today.body["figures"]["orders"], 2);
    // The year includes the old sale.
    let year = t.get("/api/v1/admin/dashboard?period=year", Some(&admin)).await;
    assert_eq!(year.body["figures"]["revenue"], 12_000 + 21_000 + 12_000 + 40_000);
}

#[tokio::test]
async fn reports_and_csv() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    seed(&t).await;
    let sales = t.get("/api/v1/admin/reports/sales?group_by=day", Some(&admin)).await;
    assert_eq!(sales.status, StatusCode::OK, "{}", sales.body);
    assert_eq!(sales.body["totals"]["revenue"], 45_000, "the default range is the last 30 days");
    assert_eq!(sales.body["rows"].as_array().unwrap().iter().map(|r| r["count"].as_i64().unwrap()).sum::<i64>(), 3);
    let month = t.get("/api/v1/admin/reports/sales?group_by=month&from=2000-01-01", Some(&admin)).await;
    assert_eq!(month.body["totals"]["orders"], 4);
    let users = t.get("/api/v1/admin/reports/users", Some(&admin)).await;
    let a = users.body["rows"].as_array().unwrap().iter().find(|r| r["key"] == "a@example.com").unwrap().clone();
    assert_eq!((a["count"].as_i64(), a["revenue"].as_i64()), (Some(2), Some(24_000)));
    let methods = t.get("/api/v1/admin/reports/payment-methods", Some(&admin)).await;
    assert_eq!(methods.body["rows"][0]["key"], "QRIS");
    let bad = t.get("/api/v1/admin/reports/sales?from=2026-02-01&to=2026-01-01", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let csv = t
        .client
        .get(t.url("/api/v1/admin/reports/export/transactions?from=2000-01-01"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 7);
    assert_eq!(&reader.headers().unwrap()[1], "created_at_wib");
    let evil_at = t.text("SELECT created_at FROM transactions WHERE transaction_code = 'LPKA5'").await.unwrap();
    let utc = chrono::DateTime::parse_from_rfc3339(&evil_at).unwrap();
    let wib = (utc + chrono::Duration::hours(7)).format("%Y-%m-%d %H:%M:%S").to_string();
    let evil = rows.iter().find(|r| &r[0] == "LPKA5").unwrap();
    assert_eq!(&evil[1], wib, "CSV times are Jakarta time, like the console's");
    assert_eq!(&evil[3], "'=HYPERLINK(\"x\")");
    assert_eq!(&evil[5], "'+evil@example.com");
    assert!(!text.contains(",=HYPERLINK"));
    let (cust, _) = t.register("c@example.com", "081299998888").await;
    assert_eq!(t.get("/api/v1/admin/dashboard", Some(&cust)).await.status, StatusCode::FORBIDDEN);
}
