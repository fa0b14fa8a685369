//! The edge, probed as an attacker would (issue 11): bounded bodies, rate limits that a
//! header cannot dodge, no oracles, no overflow, clean input, CORS, headers.

use crate::common;

use common::TestApp;
use figment::providers::Serialized;
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

async fn setup_with(tweak: impl FnOnce(figment::Figment) -> figment::Figment) -> (TestApp, String) {
    let t = TestApp::spawn_with(tweak).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    (t, admin)
}

/// A body of `size` bytes streamed from a generator (the client never holds it), sent
/// with or without a Content-Length. Returns the status, or None when lapak closed the
/// connection before answering.
async fn big_post(
    t: &TestApp,
    path: &str,
    content_type: &str,
    size: usize,
    declare_length: bool,
) -> Option<StatusCode> {
    let chunk = bytes::Bytes::from(vec![b'a'; 64 * 1024]);
    let n = size / chunk.len();
    let stream = futures_util::stream::iter((0..n).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let mut rb = t.client.post(t.url(path)).header(header::CONTENT_TYPE, content_type);
    if declare_length {
        rb = rb.header(header::CONTENT_LENGTH, (n * 64 * 1024).to_string());
    }
    rb.body(reqwest::Body::wrap_stream(stream)).send().await.ok().map(|r| r.status())
}

async fn post_raw(
    t: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut rb = t.client.post(t.url(path));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.body(body.to_string()).send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.json().await.unwrap_or(Value::Null))
}

// 1 ----------------------------------------------------------------------------------

#[tokio::test]
async fn webhook_bodies_are_bounded_forgeries_kept_short_limited_and_pruned() {
    let (t, _) = setup_with(|f| f.merge(Serialized::default("limits.webhook_failures_per_minute", 3))).await;
    // Over the 64 KiB webhook limit, whatever the content type: refused, nothing stored.
    for path in ["/api/v1/callbacks/tripay", "/api/v1/webhooks/digiflazz"] {
        let s = big_post(&t, path, "text/plain", 100 * 1024 * 1024, true).await;
        assert_eq!(s, Some(StatusCode::PAYLOAD_TOO_LARGE), "{path}");
        let s = big_post(&t, path, "application/json", 200 * 1024, false).await;
        assert!(s.is_none() || s == Some(StatusCode::PAYLOAD_TOO_LARGE), "{path} chunked: {s:?}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM payment_callbacks").await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM supplier_webhooks").await, 0);

    // A forged delivery under the limit is kept only as a short prefix.
    let forged = format!("{{\"reference\":\"X\",\"pad\":\"{}\"}}", "z".repeat(40_000));
    let (s, _, _) = post_raw(
        &t,
        "/api/v1/callbacks/tripay",
        &[("content-type", "application/json"), ("x-callback-signature", "00"), ("x-callback-event", "payment_status")],
        &forged,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let stored = t.count("SELECT MAX(length(callback_data)) FROM payment_callbacks").await;
    assert!(stored < 2_200, "{stored} bytes stored of a forged delivery");
    let (s, _, _) = post_raw(
        &t,
        "/api/v1/webhooks/digiflazz",
        &[("content-type", "application/json"), ("x-hub-signature", "sha1=00")],
        &forged,
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(t.count("SELECT MAX(length(raw_body)) FROM supplier_webhooks").await < 2_200);

    // Failed deliveries from one address are limited; past the limit nothing is stored.
    for _ in 0..3 {
        post_raw(
            &t,
            "/api/v1/webhooks/digiflazz",
            &[("content-type", "application/json"), ("x-hub-signature", "sha1=00")],
            "{}",
        )
        .await;
    }
    let before = t.count("SELECT COUNT(*) FROM supplier_webhooks").await;
    let (s, h, _) = post_raw(
        &t,
        "/api/v1/webhooks/digiflazz",
        &[("content-type", "application/json"), ("x-hub-signature", "sha1=00")],
        "{}",
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!(h.get("retry-after").is_some());
    assert_eq!(t.count("SELECT COUNT(*) FROM supplier_webhooks").await, before);

    // Stored deliveries are pruned by age (setting webhooks.keep_days).
    t.sql("UPDATE settings SET value = '30' WHERE key = 'webhooks.keep_days'").await;
    t.app.clock.advance(chrono::Duration::days(31));
    lapak::jobs::schedule::prune_deliveries(&t.app).await;
    assert_eq!(t.count("SELECT COUNT(*) FROM payment_callbacks").await, 0);
    assert_eq!(t.count("SELECT COUNT(*) FROM supplier_webhooks").await, 0);
}

// 2 ----------------------------------------------------------------------------------

#[tokio::test]
async fn the_body_limit_holds_whatever_the_content_type_says() {
    let t = TestApp::spawn().await;
    for ct in [
        "Application/JSON",
        "application/vnd.api+json",
        "application/problem+json",
        "text/plain",
        "application/octet-stream",
    ] {
        let s = big_post(&t, "/api/v1/auth/register", ct, 100 * 1024 * 1024, true).await;
        assert_eq!(s, Some(StatusCode::PAYLOAD_TOO_LARGE), "{ct}");
        let s = big_post(&t, "/api/v1/auth/register", ct, 3 * 1024 * 1024, false).await;
        assert!(s.is_none() || s == Some(StatusCode::PAYLOAD_TOO_LARGE), "{ct} chunked: {s:?}");
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0);
}

// 3 ----------------------------------------------------------------------------------

#[tokio::test]
async fn behind_a_proxy_the_client_is_the_rightmost_untrusted_address() {
    let t = TestApp::spawn_with(|f| {
        f.merge(Serialized::default("server.trusted_proxies", vec!["127.0.0.1"]))
            .merge(Serialized::default("auth.registrations_per_minute", 3))
    })
    .await;
    let register = |i: usize, xff: String| {
        let body = json!({"name": "Proxy", "email": format!("p{i}@example.com"), "phone": format!("08128888{i:04}"),
                          "password": "rahasia-123"});
        let rb = t.client.post(t.url("/api/v1/auth/register")).header("x-forwarded-for", xff).json(&body);
        async move { rb.send().await.unwrap().status() }
    };
    // The client writes whatever it likes on the left; the proxy appends the real address.
    for i in 0..3 {
        assert_eq!(register(i, format!("10.9.9.{i}, 203.0.113.7")).await, StatusCode::CREATED);
    }
    assert_eq!(register(3, "10.9.9.99, 203.0.113.7".into()).await, StatusCode::TOO_MANY_REQUESTS);
    // Another real client is another address.
    assert_eq!(register(4, "203.0.113.8".into()).await, StatusCode::CREATED);

    // Without trusted proxies the header is ignored: varying it changes nothing.
    let t2 = TestApp::spawn_with(|f| f.merge(Serialized::default("auth.registrations_per_minute", 2))).await;
    let mut statuses = Vec::new();
    for i in 0..3 {
        let body = json!({"name": "Direct", "email": format!("d{i}@example.com"), "phone": format!("08129999{i:04}"),
                          "password": "rahasia-123"});
        let r = t2
            .client
            .post(t2.url("/api/v1/auth/register"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&body);
        statuses.push(r.send().await.unwrap().status());
    }
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS]);
}

#[test]
fn the_old_proxy_switch_points_to_trusted_proxies() {
    let figment = figment::Figment::from(Serialized::defaults(lapak::Config::default()))
        .merge(Serialized::default("server.trust_proxy_headers", true));
    let e = lapak::Config::from_figment(figment).unwrap_err().to_string();
    assert!(e.contains("server.trusted_proxies"), "{e}");
    let figment = figment::Figment::from(Serialized::defaults(lapak::Config::default()))
        .merge(Serialized::default("server.trusted_proxies", vec!["10.0.0.0/33"]));
    assert!(lapak::Config::from_figment(figment).unwrap_err().to_string().contains("server.trusted_proxies"));
}

// 4 ----------------------------------------------------------------------------------

#[tokio::test]
async fn one_account_gets_one_login_allowance_however_its_number_is_written() {
    // Every attempt from another client address (behind a trusted proxy), so only the
    // identifier and the account can connect them.
    let t = TestApp::spawn_with(|f| {
        f.merge(Serialized::default("auth.login_attempts_per_minute", 5))
            .merge(Serialized::default("server.trusted_proxies", vec!["127.0.0.1"]))
    })
    .await;
    t.register("fmt@example.com", "081234500000").await;
    let login = |i: usize, id: &str| {
        let rb = t
            .client
            .post(t.url("/api/v1/auth/login"))
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .json(&json!({"identifier": id, "password": format!("wrong-{i}")}));
        async move { rb.send().await.unwrap().status() }
    };
    let spellings =
        ["+62 812-3450-0000", "(0812) 3450 0000", "081234500000", "6281234500000", "0812.3450.0000", "+6281234500000"];
    let mut statuses = Vec::new();
    for (i, id) in spellings.iter().enumerate() {
        statuses.push(login(i, id).await);
    }
    assert_eq!(&statuses[..5], &[StatusCode::UNAUTHORIZED; 5], "{statuses:?}");
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "the sixth attempt on one account: {statuses:?}");
    // The account key holds across an e-mail and a phone spelling too.
    let mut statuses = Vec::new();
    t.register("both@example.com", "081234511111").await;
    for (i, id) in [
        "both@example.com",
        "+62 812 3451 1111",
        "BOTH@example.com",
        "0812-3451-1111",
        "both@example.com",
        "081234511111",
    ]
    .iter()
    .enumerate()
    {
        statuses.push(login(100 + i, id).await);
    }
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

// 5 ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_bogus_reset_token_costs_nothing_and_resets_are_limited() {
    let t = TestApp::spawn_with(|f| f.merge(Serialized::default("limits.password_reset_per_minute", 5))).await;
    // The token is checked before the password: a bogus token with a weak password is a
    // token error (no argon2 ran for it).
    let r = t.post("/api/v1/auth/reset-password", None, json!({"token": "lpk_bogus", "password": "12345678"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("token")));
    let started = std::time::Instant::now();
    for _ in 0..4 {
        let r = t
            .post("/api/v1/auth/reset-password", None, json!({"token": "lpk_bogus", "password": "kopi tubruk pagi"}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = t
        .post("/api/v1/auth/reset-password", None, json!({"token": "lpk_bogus", "password": "kopi tubruk pagi"}))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.get("retry-after").is_some());
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "bogus tokens are cheap");
}

// 6 ----------------------------------------------------------------------------------

#[tokio::test]
async fn checkout_lookups_cancels_and_webhooks_are_rate_limited() {
    let (t, _) = setup_with(|f| {
        f.merge(Serialized::default("limits.checkout_per_minute", 2))
            .merge(Serialized::default("limits.order_lookup_per_minute", 3))
            .merge(Serialized::default("limits.webhook_per_minute", 2))
            .merge(Serialized::default("limits.lookup_per_minute", 2))
    })
    .await;
    let item = t.item_id("xld10").await;
    let body = json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                      "customer_name": "Budi", "customer_email": "rl@example.com"});
    let first = t.post("/api/v1/transactions", None, body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(t.post("/api/v1/transactions", None, body.clone()).await.status, StatusCode::CREATED);
    let r = t.post("/api/v1/transactions", None, body.clone()).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(r.headers.get("retry-after").is_some());
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 2, "the refused checkout wrote nothing");

    let code = first.body["transaction_code"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(
            t.get(&format!("/api/v1/transactions/{code}?email=rl@example.com"), None).await.status,
            StatusCode::OK
        );
    }
    let cancel = t.post(&format!("/api/v1/transactions/{code}/cancel"), None, json!({"email": "x@example.com"})).await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    let r = t.get(&format!("/api/v1/transactions/{code}?email=rl@example.com"), None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);

    for _ in 0..2 {
        assert_eq!(t.get("/api/v1/payment-channels?amount=10000", None).await.status, StatusCode::OK);
    }
    assert_eq!(t.get("/api/v1/payment-channels?amount=10000", None).await.status, StatusCode::TOO_MANY_REQUESTS);

    for _ in 0..2 {
        post_raw(&t, "/api/v1/webhooks/digiflazz", &[("content-type", "application/json")], r#"{"sed":"x"}"#).await;
    }
    let (s, _, _) =
        post_raw(&t, "/api/v1/webhooks/digiflazz", &[("content-type", "application/json")], r#"{"sed":"x"}"#).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

// 7 ----------------------------------------------------------------------------------

#[tokio::test]
async fn checkout_does_not_tell_who_has_an_account() {
    let (t, _) = setup_with(|f| f).await;
    t.register("known@example.com", "081277771111").await;
    let item = t.item_id("xld10").await;
    let mut answers = Vec::new();
    for email in ["known@example.com", "unknown@example.com"] {
        let r = t
            .post(
                "/api/v1/transactions",
                None,
                json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                       "customer_name": "Tamu", "customer_email": email}),
            )
            .await;
        answers.push((r.status, r.body["status"].clone(), r.body["payment_status"].clone()));
    }
    assert_eq!(answers[0], answers[1], "the same answer for a member's address and a stranger's");
    assert_eq!(answers[0].0, StatusCode::CREATED);
}

// 8 ----------------------------------------------------------------------------------

#[tokio::test]
async fn amounts_are_bounded_and_money_never_overflows() {
    let (t, admin) = setup_with(|f| f).await;
    let (_, funded) = t.register("rich@example.com", "081266660001").await;
    let (_, empty) = t.register("empty@example.com", "081266660002").await;
    t.fund(&admin, funded, 50_000).await;
    for uid in [funded, empty] {
        for amount in
            [json!(9_223_372_036_854_775_807i64), json!(-9_223_372_036_854_775_807i64), json!(1_000_000_000_001i64)]
        {
            let r = t
                .post(
                    &format!("/api/v1/admin/users/{uid}/balance-adjustments"),
                    Some(&admin),
                    json!({"amount": amount, "reason": "overflow probe"}),
                )
                .await;
            assert!(r.status.is_client_error(), "{amount} for user {uid}: {} {}", r.status, r.body);
            assert_eq!(r.body["field"], "amount", "{}", r.body);
        }
    }
    // The largest documented amount works, and a balance cannot be pushed past its cap.
    let r = t
        .post(
            &format!("/api/v1/admin/users/{empty}/balance-adjustments"),
            Some(&admin),
            json!({"amount": 1_000_000_000_000i64, "reason": "big but legal"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for path in ["/api/v1/admin/reports/wallet", "/api/v1/admin/users/statistics"] {
        let r = t.get(path, Some(&admin)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
    t.assert_ledger().await;
    let r = t.get("/api/v1/payment-channels?amount=9223372036854775807", None).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = t.get("/api/v1/payment-channels?amount=1000000000000", None).await;
    assert_eq!(r.status, StatusCode::OK);
    for c in r.body.as_array().unwrap() {
        assert!(c["total"].as_i64().unwrap() >= 1_000_000_000_000, "{c}");
    }
    // Other money fields carry the same bound.
    let r = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "HUGE", "name": "Huge", "type": "fixed", "value": 9_223_372_036_854_775_807i64}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
}

// 9 ----------------------------------------------------------------------------------

#[tokio::test]
async fn passwords_names_links_and_callback_amounts_are_checked() {
    let (owned, admin) = setup_with(|f| f).await;
    let t = &owned;
    let register = |name: &str, email: &str, password: &str| {
        let body = json!({"name": name, "email": email, "phone": "081255550000", "password": password});
        async move { t.post("/api/v1/auth/register", None, body).await }
    };
    for weak in ["12345678", "password", "        ", "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}", "hygiene@example.com"]
    {
        let r = register("Budi", "hygiene@example.com", weak).await;
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("password")),
            "{weak:?}: {}",
            r.body
        );
    }
    for name in ["\u{200B}", "Bu\u{0}di", "\u{1b}[31mBudi", "Bu\u{7}di", "\u{202E}idub"] {
        let r = register(name, "hygiene@example.com", "kopi tubruk pagi").await;
        assert_eq!(
            (r.status, r.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
            "{name:?}: {}",
            r.body
        );
    }
    let r = register("Budi", "hy\u{200B}giene@example.com", "kopi tubruk pagi").await;
    assert_eq!(r.body["field"], "email", "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE email LIKE 'hy%'").await, 0, "nothing stored");
    // A decomposed name is stored composed (NFC), trimmed.
    let r = register("  Rene\u{301}  ", "hygiene@example.com", "kopi tubruk pagi").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["user"]["name"], "Ren\u{e9}");

    // Banner links: http(s) or a site path only.
    for (link, ok) in [
        ("javascript:alert(1)", false),
        ("data:text/html,x", false),
        ("//evil.example", false),
        ("https://shop.example/promo", true),
        ("/promo", true),
    ] {
        let form = reqwest::multipart::Form::new()
            .text("title", "Promo")
            .text("link", link.to_string())
            .part("image", reqwest::multipart::Part::bytes(png()).file_name("b.png").mime_str("image/png").unwrap());
        let r = t.client.post(t.url("/api/v1/admin/banners")).bearer_auth(&admin).multipart(form).send().await.unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if ok {
            assert_eq!(status, StatusCode::CREATED, "{link}: {body}");
        } else {
            assert_eq!(
                (status, body["field"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("link")),
                "{link}: {body}"
            );
        }
    }

    // Tripay amounts must be integers: "12834" or 12834.4 are refused, the order stays unpaid.
    let item = t.item_id("xld10").await;
    let order = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                   "customer_name": "Budi", "customer_email": "amt@example.com"}),
        )
        .await;
    let code = order.body["transaction_code"].as_str().unwrap();
    let reference = order.body["payment"]["reference"].as_str().unwrap();
    let total = order.body["total_price"].as_i64().unwrap();
    for amount in [json!(total.to_string()), json!(total as f64 + 0.4)] {
        let body = json!({"reference": reference, "merchant_ref": code, "total_amount": amount, "status": "PAID",
                          "payment_method_code": "QRIS"})
        .to_string();
        let sig = lapak::tripay::callback_signature("test-private-key", body.as_bytes());
        let (s, _, _) = post_raw(
            t,
            "/api/v1/callbacks/tripay",
            &[
                ("content-type", "application/json"),
                ("x-callback-signature", &sig),
                ("x-callback-event", "payment_status"),
            ],
            &body,
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{amount}");
    }
    assert_eq!(t.order_text(code, "payment_status").await.as_deref(), Some("pending"));
}

/// A 1x1 PNG.
fn png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1,
        8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0, 1, 0, 0, 5,
        0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ]
}

// 10 ---------------------------------------------------------------------------------

#[tokio::test]
async fn same_origin_requests_pass_whatever_cors_allows() {
    let t =
        TestApp::spawn_with(|f| f.merge(Serialized::default("server.cors_origins", vec!["http://shop.example"]))).await;
    t.register("cors@example.com", "081244440000").await;
    let login = json!({"identifier": "cors@example.com", "password": "rahasia-123"});
    let own = t.base.clone();
    let r = t.client.post(t.url("/api/v1/auth/login")).header("origin", &own).json(&login).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "lapak's own origin");
    let r = t
        .client
        .post(t.url("/api/v1/auth/login"))
        .header("origin", "http://shop.example")
        .json(&login)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a configured origin");
    assert_eq!(r.headers().get("access-control-allow-origin").unwrap(), "http://shop.example");
    let r = t
        .client
        .post(t.url("/api/v1/auth/login"))
        .header("origin", "http://evil.example")
        .json(&login)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "another origin is refused: {}", r.status());
}

// 11 ---------------------------------------------------------------------------------

#[tokio::test]
async fn private_answers_are_not_cached_or_sniffed_and_metrics_can_be_closed() {
    let t = TestApp::spawn_with(|f| {
        f.merge(Serialized::default("server.metrics_token", "m3trics-t0ken"))
            .merge(Serialized::default("server.public_url", "https://shop.example"))
    })
    .await;
    let (token, _) = t.register("hdr@example.com", "081233330000").await;
    let r = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
    assert!(r.headers.get("strict-transport-security").unwrap().to_str().unwrap().contains("max-age="));
    let bad = t.get("/api/v1/nope", None).await;
    assert_eq!(bad.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(t.get("/metrics", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/metrics", Some("wrong")).await.status, StatusCode::UNAUTHORIZED);
    let m = t.get("/metrics", Some("m3trics-t0ken")).await;
    assert_eq!(m.status, StatusCode::OK);
    // Without https, no HSTS; without a token, metrics stay open (the default).
    let plain = TestApp::spawn().await;
    let r = plain.get("/healthz", None).await;
    assert!(r.headers.get("strict-transport-security").is_none());
    assert_eq!(plain.get("/metrics", None).await.status, StatusCode::OK);
}
