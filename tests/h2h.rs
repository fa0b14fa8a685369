//! The H2H API: API keys, signed requests (good, bad, expired, tampered), the IP
//! whitelist, suspension, and orders idempotent by the shop's ref_id, against the real
//! app and the simulators.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Shop {
    key: String,
    secret: String,
}

async fn setup() -> (TestApp, String, String, i64) {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, id) = t.register("toko@example.com", "081277771111").await;
    t.make_reseller(&admin, id).await;
    t.fund(&admin, id, 100_000).await;
    (t, admin, token, id)
}

async fn new_key(t: &TestApp, token: &str, whitelist: &[&str]) -> Shop {
    let r = t.post("/api/v1/me/api-keys", Some(token), json!({"name": "Toko Online", "ip_whitelist": whitelist})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    Shop { key: r.body["key"]["key_id"].as_str().unwrap().into(), secret: r.body["secret"].as_str().unwrap().into() }
}

/// HMAC-SHA256 computed here with the hmac crate, as a shop would.
fn signature(secret: &str, method: &str, path: &str, ts: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{method}\n{path}\n{ts}\n{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

struct Call<'a> {
    method: &'a str,
    path: &'a str,
    body: String,
    /// Seconds added to lapak's clock for the timestamp.
    skew: i64,
    /// Sign this body instead of the one sent (a tampered request).
    signed_body: Option<String>,
    secret: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn new(method: &'a str, path: &'a str, body: Value) -> Self {
        Call {
            method,
            path,
            body: if body.is_null() { String::new() } else { body.to_string() },
            skew: 0,
            signed_body: None,
            secret: None,
        }
    }
}

async fn send(t: &TestApp, shop: &Shop, c: Call<'_>) -> common::Resp {
    let ts = t.app.clock.now().timestamp() + c.skew;
    let sig =
        signature(c.secret.unwrap_or(&shop.secret), c.method, c.path, ts, c.signed_body.as_deref().unwrap_or(&c.body));
    let mut rb = t
        .client
        .request(c.method.parse().unwrap(), t.url(c.path))
        .header("x-lapak-key", &shop.key)
        .header("x-lapak-timestamp", ts.to_string())
        .header("x-lapak-signature", sig);
    if !c.body.is_empty() {
        rb = rb.header("content-type", "application/json").body(c.body.clone());
    }
    let r = rb.send().await.unwrap();
    common::Resp::from(r).await
}

#[tokio::test]
async fn keys_are_for_resellers_their_secret_is_shown_once_and_rotation_retires_it() {
    let (t, _admin, token, _) = setup().await;
    let (retail, _) = t.register("biasa@example.com", "081277772222").await;
    let r = t.post("/api/v1/me/api-keys", Some(&retail), json!({"name": "x", "ip_whitelist": ["127.0.0.1"]})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let bad = t
        .post("/api/v1/me/api-keys", Some(&token), json!({"name": "x", "ip_whitelist": ["127.0.0.1", "300.1.1.1"]}))
        .await;
    assert_eq!(
        (bad.status, bad.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("ip_whitelist[1]")),
        "{}",
        bad.body
    );

    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    assert!(shop.secret.starts_with("sk_") && shop.secret.len() > 40);
    let list = t.get("/api/v1/me/api-keys", Some(&token)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body[0]["key_id"], shop.key.as_str());
    assert!(!list.body.to_string().contains(&shop.secret), "the secret is never shown again");
    assert_eq!(t.count("SELECT COUNT(*) FROM api_keys WHERE secret_check LIKE '%' || 'sk_' || '%'").await, 0);
    let ok = send(&t, &shop, Call::new("GET", "/h2h/v1/balance", Value::Null)).await;
    assert_eq!((ok.status, ok.body["balance"].as_i64()), (StatusCode::OK, Some(100_000)), "{}", ok.body);
    // The last use is noted.
    let list = t.get("/api/v1/me/api-keys", Some(&token)).await;
    assert_eq!(list.body[0]["last_ip"], "127.0.0.1");

    let rotated = t.post(&format!("/api/v1/me/api-keys/{}/rotate", shop.key), Some(&token), json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, shop.secret);
    let old = send(&t, &shop, Call::new("GET", "/h2h/v1/balance", Value::Null)).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.body);
    let mut c = Call::new("GET", "/h2h/v1/balance", Value::Null);
    c.secret = Some(&new_secret);
    assert_eq!(send(&t, &shop, c).await.status, StatusCode::OK);

    let gone = t.delete(&format!("/api/v1/me/api-keys/{}", shop.key), Some(&token)).await;
    assert!(gone.status.is_success(), "{}", gone.body);
    let mut c = Call::new("GET", "/h2h/v1/balance", Value::Null);
    c.secret = Some(&new_secret);
    assert_eq!(send(&t, &shop, c).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_a_fresh_correct_signature_from_a_listed_address_gets_in() {
    let (t, admin, token, uid) = setup().await;
    let shop = new_key(&t, &token, &["127.0.0.0/8"]).await;
    let body = json!({"sku": "xld10", "customer_no": "087800001230", "ref_id": "INV-1"});
    // Tampered body, other method, old and future timestamps, missing headers.
    let mut tampered = Call::new("POST", "/h2h/v1/orders", body.clone());
    tampered.signed_body = Some(json!({"sku": "xld10", "customer_no": "087800001230", "ref_id": "INV-2"}).to_string());
    let mut old = Call::new("POST", "/h2h/v1/orders", body.clone());
    old.skew = -301;
    let mut future = Call::new("POST", "/h2h/v1/orders", body.clone());
    future.skew = 301;
    let mut wrong_secret = Call::new("POST", "/h2h/v1/orders", body.clone());
    wrong_secret.secret = Some("sk_0000");
    for (what, c) in [("tampered", tampered), ("old", old), ("future", future), ("wrong secret", wrong_secret)] {
        let r = send(&t, &shop, c).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "unauthorized"), "{what}: {}", r.body);
    }
    let bare = t.client.get(t.url("/h2h/v1/balance")).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 0, "nothing was bought");
    // 299 s is still inside the window.
    let mut late = Call::new("GET", "/h2h/v1/balance", Value::Null);
    late.skew = -299;
    assert_eq!(send(&t, &shop, late).await.status, StatusCode::OK);

    // Another address: 403 naming it; added to the whitelist, it works.
    let elsewhere = new_key(&t, &token, &["203.0.113.7"]).await;
    let r = send(&t, &elsewhere, Call::new("GET", "/h2h/v1/balance", Value::Null)).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "ip_not_allowed"), "{}", r.body);
    assert!(r.body["message"].as_str().unwrap().contains("127.0.0.1"), "{}", r.body);
    let u = t
        .put_json(
            &format!("/api/v1/me/api-keys/{}", elsewhere.key),
            &token,
            json!({"ip_whitelist": ["203.0.113.7", "127.0.0.1"]}),
        )
        .await;
    assert_eq!(u.status, StatusCode::OK, "{}", u.body);
    assert_eq!(send(&t, &elsewhere, Call::new("GET", "/h2h/v1/balance", Value::Null)).await.status, StatusCode::OK);

    // An admin suspends the key: it stops at once; let again, it works.
    let s = t.post(&format!("/api/v1/admin/api-keys/{}/suspend", shop.key), Some(&admin), json!({})).await;
    assert_eq!((s.status, s.body["status"].as_str()), (StatusCode::OK, Some("suspended")), "{}", s.body);
    let r = send(&t, &shop, Call::new("GET", "/h2h/v1/balance", Value::Null)).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "key_suspended"), "{}", r.body);
    t.post(&format!("/api/v1/admin/api-keys/{}/unsuspend", shop.key), Some(&admin), json!({})).await;
    assert_eq!(send(&t, &shop, Call::new("GET", "/h2h/v1/balance", Value::Null)).await.status, StatusCode::OK);
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'api_key.suspend'").await, 1);
    // A suspended account stops its keys too.
    let r = t.patch(&format!("/api/v1/admin/users/{uid}"), Some(&admin), json!({"status": "suspended"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = send(&t, &shop, Call::new("GET", "/h2h/v1/balance", Value::Null)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn the_same_ref_id_five_times_at_once_buys_once_and_debits_once() {
    let (t, _admin, token, uid) = setup().await;
    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    let body = json!({"sku": "xld10", "customer_no": "087800001230", "ref_id": "INV-0001"});
    let calls = (0..5).map(|_| send(&t, &shop, Call::new("POST", "/h2h/v1/orders", body.clone())));
    let answers = futures_util::future::join_all(calls).await;
    let created = answers.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let same = answers.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!((created, same), (1, 4), "{:?}", answers.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>());
    let codes: std::collections::HashSet<_> =
        answers.iter().map(|r| r.body["transaction_code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes.len(), 1);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    let price = answers[0].body["price"].as_i64().unwrap();
    assert_eq!(t.balance(uid).await, 100_000 - price);
    assert_eq!(
        t.count(&format!("SELECT COUNT(*) FROM balance_mutations WHERE user_id = {uid} AND type = 'debit'")).await,
        1
    );
    // Delivered by the supplier: the order by ref_id says so.
    let code = codes.into_iter().next().unwrap();
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let o = send(&t, &shop, Call::new("GET", "/h2h/v1/orders/INV-0001", Value::Null)).await;
    assert_eq!(
        (o.status, o.body["status"].as_str(), o.body["sn"].as_str()),
        (StatusCode::OK, Some("success"), Some("1234567890")),
        "{}",
        o.body
    );
    assert_eq!(o.body["balance_after"].as_i64(), Some(100_000 - price));
    assert_eq!(t.digiflazz.handle.purchases(), 1);
    // The same ref_id with another body: 409, nothing bought.
    let other = json!({"sku": "xld10", "customer_no": "087800009999", "ref_id": "INV-0001"});
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", other)).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "idempotency_conflict"), "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    let unknown = send(&t, &shop, Call::new("GET", "/h2h/v1/orders/NOPE", Value::Null)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // The admin sees the key's volume.
    let keys = t.get("/api/v1/admin/api-keys", Some(&_admin)).await;
    let k = keys.body.as_array().unwrap().iter().find(|k| k["key_id"] == shop.key.as_str()).unwrap();
    assert_eq!((k["stats"]["orders"].as_i64(), k["stats"]["orders_success"].as_i64()), (Some(1), Some(1)), "{k}");
    assert_eq!(k["stats"]["volume"].as_i64(), Some(price));
    t.assert_ledger().await;
}

#[tokio::test]
async fn refusals_are_clear_and_charge_nothing() {
    let (t, _admin, token, uid) = setup().await;
    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    let order = |sku: &str, no: &str, r: &str| json!({"sku": sku, "customer_no": no, "ref_id": r});
    // Not enough balance (PLN 1,000,000).
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", order("pln1000", "12345678901", "A1"))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "insufficient_balance"), "{}", r.body);
    // Above max_price.
    let mut body = order("xld10", "087800001230", "A2");
    body["max_price"] = json!(5_000);
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", body)).await;
    assert_eq!(
        (r.status, r.error_code(), r.body["field"].as_str()),
        (StatusCode::CONFLICT, "price_above_max", Some("max_price")),
        "{}",
        r.body
    );
    // An unknown SKU, and a game without its two fields.
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", order("nope", "1", "A3"))).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("sku")), "{}", r.body);
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", order("ml5", "123456781234", "A4"))).await;
    assert_eq!(
        (r.status, r.body["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("customer_data")),
        "{}",
        r.body
    );
    let game = json!({"sku": "ml5", "customer_data": {"user_id": "12345678", "zone_id": "1234"}, "ref_id": "A5"});
    let r = send(&t, &shop, Call::new("POST", "/h2h/v1/orders", game)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.body["customer_no"], "123456781234");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    // The order and its link to the key were written together; the refused ones left none.
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM h2h_orders h JOIN transactions t ON t.id = h.transaction_id WHERE h.ref_id = 'A5'"
        )
        .await,
        1
    );
    assert_eq!(t.count("SELECT COUNT(*) FROM h2h_orders").await, 1);
    assert_eq!(t.balance(uid).await, 100_000 - r.body["price"].as_i64().unwrap());
    t.assert_ledger().await;
}

#[tokio::test]
async fn the_h2h_api_has_its_own_openapi_document() {
    let t = TestApp::spawn().await;
    let spec = t.get("/h2h/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    let paths = &spec.body["paths"];
    for (p, m, id) in [
        ("/balance", "get", "h2hBalance"),
        ("/orders", "post", "h2hCreateOrder"),
        ("/orders/{ref_id}", "get", "h2hGetOrder"),
    ] {
        let op = &paths[p][m];
        assert_eq!(op["operationId"], id, "{p}");
        let headers: Vec<_> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["in"] == "header")
            .map(|x| x["name"].as_str().unwrap())
            .collect();
        assert_eq!(headers, ["X-Lapak-Key", "X-Lapak-Timestamp", "X-Lapak-Signature"], "{p}");
    }
    assert!(spec.body["servers"][0]["url"].as_str().unwrap().ends_with("/h2h/v1"));
}

// --- callbacks ---------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Received {
    /// (X-Lapak-Delivery, X-Lapak-Timestamp, X-Lapak-Signature, X-Lapak-Event, path, body)
    calls: std::sync::Arc<std::sync::Mutex<Vec<(String, String, String, String, String, String)>>>,
    fail_first: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

#[poem::handler]
async fn receive(req: &poem::Request, body: poem::Body, state: poem::web::Data<&Received>) -> poem::Response {
    let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let text = body.into_string().await.unwrap_or_default();
    let path = req.original_uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    state.calls.lock().unwrap().push((
        h("x-lapak-delivery"),
        h("x-lapak-timestamp"),
        h("x-lapak-signature"),
        h("x-lapak-event"),
        path,
        text,
    ));
    let failing = state
        .fail_first
        .fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let status = if failing { poem::http::StatusCode::INTERNAL_SERVER_ERROR } else { poem::http::StatusCode::OK };
    poem::Response::builder().status(status).body("ok")
}

/// A reseller's server: records every callback; the first `fail_first` get HTTP 500.
async fn receiver(fail_first: usize) -> (String, Received) {
    use poem::{listener::Acceptor, EndpointExt};
    let acceptor =
        poem::listener::Listener::into_acceptor(poem::listener::TcpListener::bind("127.0.0.1:0")).await.unwrap();
    let addr = acceptor.local_addr().into_iter().find_map(|a| a.as_socket_addr().cloned()).unwrap();
    let state = Received::default();
    state.fail_first.store(fail_first, std::sync::atomic::Ordering::SeqCst);
    let app = poem::Route::new().at("/cb", poem::get(receive).post(receive)).data(state.clone());
    tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(app).await });
    (format!("http://{addr}/cb?shop=1"), state)
}

#[tokio::test]
async fn callbacks_are_signed_retried_after_failures_across_a_restart_and_can_be_resent() {
    let mut t = TestApp::spawn_manual(|f| f).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, uid) = t.register("toko@example.com", "081277771111").await;
    t.make_reseller(&admin, uid).await;
    t.fund(&admin, uid, 100_000).await;
    let (url, got) = receiver(3).await;
    let r = t
        .post(
            "/api/v1/me/api-keys",
            Some(&token),
            json!({"name": "Toko", "ip_whitelist": ["127.0.0.1"], "callback_url": url}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let shop = Shop {
        key: r.body["key"]["key_id"].as_str().unwrap().into(),
        secret: r.body["secret"].as_str().unwrap().into(),
    };
    let o = send(
        &t,
        &shop,
        Call::new("POST", "/h2h/v1/orders", json!({"sku": "xld10", "customer_no": "087800001230", "ref_id": "CB-1"})),
    )
    .await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.body);
    let code = o.body["transaction_code"].as_str().unwrap().to_string();
    let id = t.count(&format!("SELECT id FROM transactions WHERE transaction_code = '{code}'")).await;
    lapak::orders::fulfilment::ask_supplier(&t.app, id, lapak::orders::fulfilment::Asker::Job).await.unwrap();
    assert_eq!(t.order_text(&code, "status").await.as_deref(), Some("success"));

    let tries = |n: i64| format!("SELECT COUNT(*) = {n} FROM h2h_callback_attempts");
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for(&tries(1)).await, "the first try");
    // Retries wait 30 s, then 60 s, then 120 s (lapak's clock); a restart in between.
    for (wait, n) in [(31, 2), (61, 3)] {
        t.advance(chrono::Duration::seconds(wait));
        lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
        assert!(t.wait_for(&tries(n)).await, "try {n}");
    }
    t.restart().await;
    t.advance(chrono::Duration::seconds(121));
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for(&tries(4)).await, "the fourth try, after the restart");
    assert!(t.wait_for("SELECT COUNT(*) FROM h2h_callbacks WHERE status = 'delivered'").await);
    let codes = t
        .text("SELECT group_concat(http_code, ',') FROM (SELECT http_code FROM h2h_callback_attempts ORDER BY id)")
        .await;
    assert_eq!(codes.as_deref(), Some("500,500,500,200"));

    let calls = got.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|c| c.0 == calls[0].0), "one delivery id on every try");
    let (_, ts, sig, event, path, body) = calls.last().unwrap().clone();
    assert_eq!((event.as_str(), path.as_str()), ("order.success", "/cb?shop=1"));
    assert_eq!(sig, signature(&shop.secret, "POST", &path, ts.parse().unwrap(), &body), "signed as requests are");
    let b: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (b["ref_id"].as_str(), b["status"].as_str(), b["sn"].as_str()),
        (Some("CB-1"), Some("success"), Some("1234567890"))
    );
    assert_eq!(b["transaction_code"], code.as_str());

    // The delivery log, a resend, and a test callback.
    let log = t.get(&format!("/api/v1/me/api-keys/{}/callbacks", shop.key), Some(&token)).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert_eq!((log.body[0]["status"].as_str(), log.body[0]["attempts"].as_i64()), (Some("delivered"), Some(4)));
    assert_eq!(log.body[0]["ref_id"], "CB-1");
    let cb = log.body[0]["id"].as_i64().unwrap();
    let r = t.post(&format!("/api/v1/me/api-keys/{}/callbacks/{cb}/resend", shop.key), Some(&token), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for(&tries(5)).await, "resent");
    let r = t.post(&format!("/api/v1/me/api-keys/{}/test-callback", shop.key), Some(&token), json!({})).await;
    assert!(r.status.is_success(), "{}", r.body);
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for(&tries(6)).await, "the test callback");
    assert_eq!(got.calls.lock().unwrap().last().unwrap().3, "test");

    // A failed order: refunded to the balance, and said so.
    let o = send(
        &t,
        &shop,
        Call::new("POST", "/h2h/v1/orders", json!({"sku": "xld10", "customer_no": "087800001232", "ref_id": "CB-2"})),
    )
    .await;
    let code = o.body["transaction_code"].as_str().unwrap().to_string();
    let id = t.count(&format!("SELECT id FROM transactions WHERE transaction_code = '{code}'")).await;
    lapak::orders::fulfilment::ask_supplier(&t.app, id, lapak::orders::fulfilment::Asker::Job).await.unwrap();
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for(&tries(7)).await, "the failure's callback");
    let last: Value = serde_json::from_str(&got.calls.lock().unwrap().last().unwrap().5).unwrap();
    assert_eq!(
        (last["event"].as_str(), last["status"].as_str(), last["refunded"].as_bool()),
        (Some("order.refunded"), Some("failed"), Some(true))
    );
    assert_eq!(t.balance(uid).await, 100_000 - b["price"].as_i64().unwrap(), "only the delivered order is paid for");
    t.assert_ledger().await;
}

#[tokio::test]
async fn the_price_list_is_the_resellers_and_cheap_to_poll() {
    let (t, admin, token, _) = setup().await;
    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    let r = send(&t, &shop, Call::new("GET", "/h2h/v1/products", Value::Null)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let etag = r.headers.get("etag").unwrap().to_str().unwrap().to_string();
    let xl = r.body["data"].as_array().unwrap().iter().find(|p| p["sku"] == "xld10").unwrap().clone();
    // xld10 costs 10,000: the reseller price (default rule +1,000), not the retail one.
    assert_eq!((xl["price"].as_i64(), xl["available"].as_bool()), (Some(11_000), Some(true)), "{xl}");
    assert!(r.body["data"].as_array().unwrap().iter().any(|p| p["postpaid"] == true), "bills are listed as postpaid");
    let off = r.body["data"].as_array().unwrap().iter().find(|p| p["sku"] == "gi1090").unwrap();
    assert_eq!(off["available"], false, "the seller switched it off");
    // Unchanged: 304 with the same tag and no body.
    let ts = t.app.clock.now().timestamp();
    let again = t
        .client
        .get(t.url("/h2h/v1/products"))
        .header("x-lapak-key", &shop.key)
        .header("x-lapak-timestamp", ts.to_string())
        .header("x-lapak-signature", signature(&shop.secret, "GET", "/h2h/v1/products", ts, ""))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.text().await.unwrap(), "");
    // A price change changes the tag.
    let rule = t
        .post("/api/v1/admin/pricing-rules", Some(&admin), json!({"name": "XL", "scope": "brand", "brand": "XL", "tier": "reseller", "markup_fixed": 1500, "priority": 10}))
        .await;
    assert!(rule.status.is_success(), "{}", rule.body);
    let changed = send(&t, &shop, Call::new("GET", "/h2h/v1/products", Value::Null)).await;
    assert_ne!(changed.headers.get("etag").unwrap().to_str().unwrap(), etag);
    // Filters.
    let pulsa = send(&t, &shop, Call::new("GET", "/h2h/v1/products?category=pulsa&brand=xl", Value::Null)).await;
    assert_eq!(pulsa.status, StatusCode::OK, "{}", pulsa.body);
    let list = pulsa.body["data"].as_array().unwrap();
    assert!(!list.is_empty() && list.iter().all(|p| p["category"] == "pulsa" && p["brand"] == "XL"), "{}", pulsa.body);
}

#[tokio::test]
async fn each_key_has_its_own_limits() {
    let t = TestApp::spawn_with(|f| {
        f.merge(figment::providers::Serialized::default("h2h.orders_per_second", 2))
            .merge(figment::providers::Serialized::default("h2h.price_list_per_minute", 2))
    })
    .await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, id) = t.register("toko@example.com", "081277771111").await;
    t.make_reseller(&admin, id).await;
    t.fund(&admin, id, 100_000).await;
    let a = new_key(&t, &token, &["127.0.0.1"]).await;
    let b = new_key(&t, &token, &["127.0.0.1"]).await;
    for _ in 0..2 {
        assert_eq!(send(&t, &a, Call::new("GET", "/h2h/v1/products", Value::Null)).await.status, StatusCode::OK);
    }
    let over = send(&t, &a, Call::new("GET", "/h2h/v1/products", Value::Null)).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.body);
    assert!(over.headers.get("retry-after").is_some());
    assert_eq!(
        send(&t, &b, Call::new("GET", "/h2h/v1/products", Value::Null)).await.status,
        StatusCode::OK,
        "another key"
    );
    let order = |r: &str| json!({"sku": "xld10", "customer_no": format!("08780000{r}"), "ref_id": r});
    let mut statuses = vec![];
    for r in ["1001", "1002", "1003"] {
        statuses.push(send(&t, &a, Call::new("POST", "/h2h/v1/orders", order(r))).await.status);
    }
    assert_eq!(statuses[..2], [StatusCode::CREATED, StatusCode::CREATED]);
    assert_eq!(statuses[2], StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 2, "the refused one bought nothing");
}

#[tokio::test]
async fn counter_software_buys_with_the_otomax_sign_and_gets_get_reports() {
    let mut t = TestApp::spawn_manual(|f| f).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, uid) = t.register("konter@example.com", "081277773333").await;
    t.make_reseller(&admin, uid).await;
    t.fund(&admin, uid, 100_000).await;
    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    let (report, got) = receiver(0).await;
    let setup =
        t.post(&format!("/api/v1/me/api-keys/{}/otomax", shop.key), Some(&token), json!({"report_url": report})).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    let (member, pin, password) = (
        setup.body["member_id"].as_str().unwrap().to_string(),
        setup.body["pin"].as_str().unwrap().to_string(),
        setup.body["password"].as_str().unwrap().to_string(),
    );
    // The sign, computed here by hand: base64(sha1("OtomaX|member|product|dest|refID|pin|password")).
    let sign = |product: &str, dest: &str, r: &str| {
        use base64::Engine;
        use sha1::Digest;
        let d = sha1::Sha1::digest(format!("OtomaX|{member}|{product}|{dest}|{r}|{pin}|{password}").as_bytes());
        base64::engine::general_purpose::STANDARD.encode(d)
    };
    let trx = |product: &str, dest: &str, r: &str, sign: &str| {
        let url = reqwest::Url::parse_with_params(
            &t.url("/h2h/otomax/trx"),
            &[("memberID", member.as_str()), ("product", product), ("dest", dest), ("refID", r), ("sign", sign)],
        )
        .unwrap();
        let client = t.client.clone();
        async move {
            let r = client.get(url).send().await.unwrap();
            let ct = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
            let text = r.text().await.unwrap();
            assert_eq!(ct, "text/plain; charset=utf-8", "{text}");
            text
        }
    };
    let bad = trx("xld10", "087800001230", "OT-1", "AAAA").await;
    assert!(bad.starts_with("R#OT-1 xld10.087800001230 GAGAL."), "{bad}");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 0);
    let first = trx("xld10", "087800001230", "OT-1", &sign("xld10", "087800001230", "OT-1")).await;
    assert!(first.starts_with("R#OT-1 xld10.087800001230 DIPROSES. SN:. Harga:11000. Saldo:89000."), "{first}");
    // The same refID again: the same order, not a second one.
    let again = trx("xld10", "087800001230", "OT-1", &sign("xld10", "087800001230", "OT-1")).await;
    assert!(again.contains("Saldo:89000"), "{again}");
    assert_eq!(t.count("SELECT COUNT(*) FROM transactions").await, 1);
    let code = t.text("SELECT transaction_code FROM transactions").await.unwrap();
    let id = t.count("SELECT id FROM transactions").await;
    lapak::orders::fulfilment::ask_supplier(&t.app, id, lapak::orders::fulfilment::Asker::Job).await.unwrap();
    let done = trx("xld10", "087800001230", "OT-1", &sign("xld10", "087800001230", "OT-1")).await;
    assert!(done.starts_with("R#OT-1 xld10.087800001230 SUKSES. SN:1234567890."), "{done}");
    // The report: an HTTP GET in the IRS/Digiflazz shape.
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for("SELECT COUNT(*) FROM h2h_callbacks WHERE status = 'delivered'").await);
    let (_, _, _, event, path, _) = got.calls.lock().unwrap().last().unwrap().clone();
    assert_eq!(event, "order.success");
    let q: std::collections::HashMap<String, String> =
        reqwest::Url::parse(&format!("http://x{path}")).unwrap().query_pairs().into_owned().collect();
    assert_eq!(q["serverid"], code);
    assert_eq!(q["clientid"], "OT-1");
    assert_eq!(q["statuscode"], "1");
    assert_eq!((q["kp"].as_str(), q["msisdn"].as_str(), q["sn"].as_str()), ("xld10", "087800001230", "1234567890"));
    assert!(q["msg"].starts_with("SUKSES"), "{}", q["msg"]);
    // A failure is statuscode 2.
    let fail = trx("xld10", "087800001232", "OT-2", &sign("xld10", "087800001232", "OT-2")).await;
    assert!(fail.contains("DIPROSES"), "{fail}");
    let id = t.count("SELECT MAX(id) FROM transactions").await;
    lapak::orders::fulfilment::ask_supplier(&t.app, id, lapak::orders::fulfilment::Asker::Job).await.unwrap();
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(t.wait_for("SELECT COUNT(*) = 2 FROM h2h_callbacks WHERE status = 'delivered'").await);
    let (_, _, _, _, path, _) = got.calls.lock().unwrap().last().unwrap().clone();
    assert!(path.contains("statuscode=2") && path.contains("clientid=OT-2"), "{path}");
    // Rotating the key changes the PIN and password: the old sign no longer works.
    t.post(&format!("/api/v1/me/api-keys/{}/rotate", shop.key), Some(&token), json!({})).await;
    let stale = trx("xld10", "087800001230", "OT-3", &sign("xld10", "087800001230", "OT-3")).await;
    assert!(stale.contains("GAGAL"), "{stale}");
    t.restart().await;
    t.assert_ledger().await;
}

#[tokio::test]
async fn a_shop_pays_a_bill_through_its_quote() {
    let (t, _admin, token, uid) = setup().await;
    let shop = new_key(&t, &token, &["127.0.0.1"]).await;
    t.fund(&_admin, uid, 1_000_000).await;
    let q = send(
        &t,
        &shop,
        Call::new("POST", "/h2h/v1/bills/inquiry", json!({"sku": "pln", "customer_no": "530000000001"})),
    )
    .await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    assert_eq!(q.body["bill"]["customer_name"], "SUPRIYADI");
    let total = q.body["total_price"].as_i64().unwrap();
    let pay = json!({"quote_id": q.body["quote_id"], "ref_id": "BILL-1"});
    let first = send(&t, &shop, Call::new("POST", "/h2h/v1/bills/pay", pay.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.body["price"].as_i64(), Some(total));
    let again = send(&t, &shop, Call::new("POST", "/h2h/v1/bills/pay", pay)).await;
    assert_eq!(
        (again.status, again.body["transaction_code"].clone()),
        (StatusCode::OK, first.body["transaction_code"].clone())
    );
    let code = first.body["transaction_code"].as_str().unwrap().to_string();
    assert_eq!(t.wait_status(&code, "success").await, "success");
    let o = send(&t, &shop, Call::new("GET", "/h2h/v1/orders/BILL-1", Value::Null)).await;
    assert_eq!(
        (o.body["status"].as_str(), o.body["sn"].as_str().map(|s| !s.is_empty())),
        (Some("success"), Some(true)),
        "{}",
        o.body
    );
    assert_eq!(t.balance(uid).await, 1_100_000 - total, "debited once");
    t.assert_ledger().await;
}

#[tokio::test]
async fn a_price_change_tells_the_shop_products_changed() {
    let (t, admin, token, _) = setup().await;
    let (url, got) = receiver(0).await;
    let r = t
        .post(
            "/api/v1/me/api-keys",
            Some(&token),
            json!({"name": "Toko", "ip_whitelist": ["127.0.0.1"], "callback_url": url}),
        )
        .await;
    let shop = Shop {
        key: r.body["key"]["key_id"].as_str().unwrap().into(),
        secret: r.body["secret"].as_str().unwrap().into(),
    };
    // The first look notes the list; nothing changed, nothing is sent.
    assert_eq!(lapak::h2h::service::products_changed_tick(&t.app).await.unwrap(), 0);
    assert_eq!(lapak::h2h::service::products_changed_tick(&t.app).await.unwrap(), 0);
    let rule = t
        .post("/api/v1/admin/pricing-rules", Some(&admin), json!({"name": "XL", "scope": "brand", "brand": "XL", "tier": "reseller", "markup_fixed": 1500, "priority": 10}))
        .await;
    assert!(rule.status.is_success(), "{}", rule.body);
    assert_eq!(lapak::h2h::service::products_changed_tick(&t.app).await.unwrap(), 1);
    assert_eq!(lapak::h2h::service::products_changed_tick(&t.app).await.unwrap(), 0, "told once");
    lapak::h2h::service::callbacks_tick(&t.app).await.unwrap();
    assert!(
        t.wait_for("SELECT COUNT(*) FROM h2h_callbacks WHERE event = 'products.changed' AND status = 'delivered'")
            .await
    );
    let (_, _, _, event, _, body) = got.calls.lock().unwrap().last().unwrap().clone();
    assert_eq!(event, "products.changed");
    let b: Value = serde_json::from_str(&body).unwrap();
    let list = send(&t, &shop, Call::new("GET", "/h2h/v1/products", Value::Null)).await;
    assert_eq!(b["etag"].as_str(), list.headers.get("etag").unwrap().to_str().ok(), "the tag GET /products answers");
}
