//! The admin console's cookie session: HttpOnly + SameSite=Strict cookie scoped to the
//! admin API, CSRF on every state-changing call, idle expiry, logout; and the order view's
//! list of legal admin moves.

use crate::common;

use chrono::Duration;
use common::{Resp, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// One request with the console cookie (and, when given, the CSRF header).
async fn with_cookie(
    t: &TestApp,
    method: Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> Resp {
    let mut rb = t.client.request(method, t.url(path)).header("cookie", format!("lapak_console={cookie}"));
    if let Some(c) = csrf {
        rb = rb.header("x-csrf-token", c);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    Resp::from(rb.send().await.expect("sent")).await
}

/// Logs in to the console: (session cookie value, csrf token, the whole Set-Cookie).
async fn console_login(t: &TestApp, identifier: &str, password: &str) -> (String, String, String) {
    let r = t.post("/api/v1/admin/session", None, json!({"identifier": identifier, "password": password})).await;
    assert_eq!(r.status, StatusCode::OK, "console login: {}", r.body);
    let set = r.headers.get("set-cookie").expect("a session cookie").to_str().unwrap().to_string();
    let value = set.split(';').next().unwrap().strip_prefix("lapak_console=").expect("the console cookie").to_string();
    (value, r.body["csrf_token"].as_str().unwrap().to_string(), set)
}

#[tokio::test]
async fn the_console_session_is_a_strict_http_only_cookie_with_csrf_and_idle_expiry() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (_, _) = t.register("member@example.com", "081234500001").await;

    // A member cannot open a console session; no cookie is set.
    let r = t
        .post("/api/v1/admin/session", None, json!({"identifier": "member@example.com", "password": "rahasia-123"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.error_code(), "not_admin");
    assert!(r.headers.get("set-cookie").is_none());

    let (cookie, csrf, set) = console_login(&t, "admin@example.com", "admin-pass-123").await;
    let attrs: Vec<String> = set.split(';').map(|a| a.trim().to_ascii_lowercase()).collect();
    for want in ["httponly", "samesite=strict", "path=/api/v1/admin"] {
        assert!(attrs.iter().any(|a| a == want), "{want} missing from {set}");
    }
    assert!(!attrs.iter().any(|a| a == "secure"), "served over plain http here: {set}");
    assert!(cookie.starts_with("lpk_") && csrf.len() == 64);

    // A reload asks who is logged in: the same CSRF token, the admin.
    let r = with_cookie(&t, Method::GET, "/api/v1/admin/session", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["csrf_token"], csrf.as_str());
    assert_eq!(r.body["user"]["email"], "admin@example.com");
    assert_eq!(r.body["idle_minutes"], 30);

    // Reads work with the cookie alone; writes need the CSRF header, and the right one.
    let r = with_cookie(&t, Method::GET, "/api/v1/admin/settings", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let change = json!({"value": "Toko Uji"});
    let r = with_cookie(&t, Method::PUT, "/api/v1/admin/settings/app.name", &cookie, None, Some(change.clone())).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_failed"), "{}", r.body);
    let r = with_cookie(
        &t,
        Method::PUT,
        "/api/v1/admin/settings/app.name",
        &cookie,
        Some(&"0".repeat(64)),
        Some(change.clone()),
    )
    .await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_failed"));
    assert_ne!(t.text("SELECT value FROM settings WHERE key = 'app.name'").await.as_deref(), Some("Toko Uji"));
    let r = with_cookie(&t, Method::PUT, "/api/v1/admin/settings/app.name", &cookie, Some(&csrf), Some(change)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(t.text("SELECT value FROM settings WHERE key = 'app.name'").await.as_deref(), Some("Toko Uji"));

    // The cookie is the admin API's only: elsewhere it authenticates nothing.
    let r = with_cookie(&t, Method::GET, "/api/v1/me", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);

    // Use keeps it alive (each request pushes the idle expiry on) ...
    for _ in 0..3 {
        t.advance(Duration::minutes(20));
        let r = with_cookie(&t, Method::GET, "/api/v1/admin/session", &cookie, None, None).await;
        assert_eq!(r.status, StatusCode::OK, "used every 20 minutes it stays: {}", r.body);
    }
    // ... 31 idle minutes end it.
    t.advance(Duration::minutes(31));
    let r = with_cookie(&t, Method::GET, "/api/v1/admin/session", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Logout ends the session at once and clears the cookie.
    let (cookie, csrf, _) = console_login(&t, "admin@example.com", "admin-pass-123").await;
    let r = with_cookie(&t, Method::DELETE, "/api/v1/admin/session", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "logout is a state change: it needs the CSRF token");
    let r = with_cookie(&t, Method::DELETE, "/api/v1/admin/session", &cookie, Some(&csrf), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let cleared = r.headers.get("set-cookie").unwrap().to_str().unwrap().to_ascii_lowercase();
    assert!(cleared.contains("max-age=0"), "{cleared}");
    let r = with_cookie(&t, Method::GET, "/api/v1/admin/transactions", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Bearer clients are untouched by all this.
    let r = t.get("/api/v1/admin/settings", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_session_ends_at_its_cap_however_busy() {
    let t = TestApp::spawn_with(|f| f.merge(("auth.console_session_hours", 1))).await;
    t.admin().await;
    let (cookie, _, _) = console_login(&t, "admin@example.com", "admin-pass-123").await;
    let mut ends = Vec::new();
    for _ in 0..2 {
        t.advance(Duration::minutes(25));
        let r = with_cookie(&t, Method::GET, "/api/v1/admin/session", &cookie, None, None).await;
        assert_eq!(r.status, StatusCode::OK);
        ends.push(chrono::DateTime::parse_from_rfc3339(r.body["expires_at"].as_str().unwrap()).unwrap());
    }
    // 25 minutes in, the idle window ends first (at 55); 50 minutes in, the cap (60)
    // does: the session says so rather than promising 30 more minutes (80).
    assert!((ends[1] - ends[0] - Duration::minutes(5)).num_seconds().abs() <= 1, "{ends:?}");
    t.advance(Duration::minutes(11));
    let r = with_cookie(&t, Method::GET, "/api/v1/admin/session", &cookie, None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "61 minutes after login with a 1-hour cap");
}

#[tokio::test]
async fn the_order_view_offers_only_legal_moves() {
    // No job worker: a paid order stays processing until the test moves it.
    let t = TestApp::spawn_manual(|f| f).await;
    let admin = t.admin().await;
    let (_, items) = common::seed_catalog(&t, &admin).await;
    let (member, member_id) = t.register("buyer@example.com", "081234500002").await;
    t.fund(&admin, member_id, 1_000_000).await;

    let actions = |r: &Resp| -> Vec<String> {
        r.body["actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect()
    };
    // A guest order failed after payment: its money cannot go to a balance.
    let r = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": items[0], "customer_data": {"user_id": "12345678", "zone_id": "1234"}, "payment_method": "QRIS",
                   "customer_email": "guest@example.com", "customer_name": "Guest"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let guest = r.body["transaction_code"].as_str().unwrap().to_string();
    let r = t.get(&format!("/api/v1/admin/transactions/{guest}"), Some(&admin)).await;
    assert_eq!(actions(&r), ["fail"], "an unpaid order can only be failed");
    t.sql(&format!(
        "UPDATE transactions SET status = 'failed', payment_status = 'paid', refund_required = 1 WHERE transaction_code = '{guest}'"
    ))
    .await;
    let r = t.get(&format!("/api/v1/admin/transactions/{guest}"), Some(&admin)).await;
    assert_eq!(actions(&r), ["mark_refunded"]);
    let r = t.post(&format!("/api/v1/admin/transactions/{guest}/refund"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the move not offered is refused: {}", r.body);

    // A member's order paid from the balance, processing at the supplier.
    let r = t
        .post(
            "/api/v1/transactions",
            Some(&member),
            json!({"product_item_id": items[0], "customer_data": {"user_id": "12345678", "zone_id": "1234"}, "payment_method": "balance"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.body["transaction_code"].as_str().unwrap().to_string();
    let r = t.get(&format!("/api/v1/admin/transactions/{code}"), Some(&admin)).await;
    assert_eq!(actions(&r), ["recheck", "retry", "succeed", "fail"]);
    let r = t
        .post(
            &format!("/api/v1/admin/transactions/{code}/status"),
            Some(&admin),
            json!({"status": "failed", "reason": "test: forced", "force": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t.get(&format!("/api/v1/admin/transactions/{code}"), Some(&admin)).await;
    assert_eq!(r.body["status"], "refunded", "a member's failed order goes back to the balance at once");
    assert_eq!(actions(&r), Vec::<String>::new());
    t.assert_ledger().await;
}
