//! Google sign-in against a fake key server: the app fetches a JWK set from
//! 127.0.0.1 (as it would from googleapis.com), the test signs ID tokens with RSA keys
//! it generated itself, and every rule of the check is tried: signature, kid, alg,
//! iss, aud, exp, the verified e-mail, linking, a guest's orders, suspension, rotation.

use crate::common;

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc, Mutex,
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use common::TestApp;
use figment::providers::Serialized;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use poem::{get, handler, listener::TcpListener, web::Data, EndpointExt, Response, Route, Server};
use reqwest::StatusCode;
use rsa::{pkcs1::EncodeRsaPrivateKey, traits::PublicKeyParts, RsaPrivateKey};
use serde_json::{json, Value};

const CLIENT_ID: &str = "1234-shop.apps.googleusercontent.com";

struct Key {
    kid: String,
    private: EncodingKey,
    jwk: Value,
}

impl Key {
    fn generate(kid: &str) -> Key {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let public = private.to_public_key();
        let jwk = json!({
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        let der = private.to_pkcs1_der().unwrap();
        Key { kid: kid.into(), private: EncodingKey::from_rsa_der(der.as_bytes()), jwk }
    }

    fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.private).unwrap()
    }
}

/// The fake https://www.googleapis.com/oauth2/v3/certs: serves the keys it is given
/// and counts the fetches.
#[derive(Clone, Default)]
struct KeyServer {
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

#[handler]
fn certs(server: Data<&KeyServer>) -> Response {
    server.fetches.fetch_add(1, Ordering::SeqCst);
    let body = json!({ "keys": *server.keys.lock().unwrap() });
    Response::builder()
        .header("content-type", "application/json")
        .header("cache-control", "public, max-age=19850, must-revalidate, no-transform")
        .body(body.to_string())
}

async fn key_server(keys: Vec<Value>) -> (KeyServer, String) {
    let server = KeyServer { keys: Arc::new(Mutex::new(keys)), fetches: Arc::default() };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let app = Route::new().at("/oauth2/v3/certs", get(certs)).data(server.clone());
    tokio::spawn(Server::new(TcpListener::bind(addr)).run(app));
    let url = format!("http://{addr}/oauth2/v3/certs");
    for _ in 0..50 {
        if reqwest::get(&url).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    server.fetches.store(0, Ordering::SeqCst);
    (server, url)
}

fn claims(sub: &str, email: &str, verified: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({
        "iss": "https://accounts.google.com", "azp": CLIENT_ID, "aud": CLIENT_ID, "sub": sub,
        "email": email, "email_verified": verified, "name": "Sari Dewi",
        "picture": "https://lh3.googleusercontent.com/a/sari", "iat": now, "exp": now + 3600,
    })
}

async fn app_with_google(keys_url: &str) -> TestApp {
    let url = keys_url.to_string();
    TestApp::spawn_with(move |f| {
        f.merge(Serialized::default("auth.google_client_id", CLIENT_ID))
            .merge(Serialized::default("auth.google_keys_url", url))
            .merge(Serialized::default("auth.login_attempts_per_minute", 1000))
    })
    .await
}

async fn sign_in(t: &TestApp, token: &str) -> common::Resp {
    t.post("/api/v1/auth/google", None, json!({ "id_token": token })).await
}

#[tokio::test]
async fn google_sign_in_is_off_without_a_client_id() {
    let t = TestApp::spawn().await;
    let key = Key::generate("k1");
    let r = sign_in(&t, &key.sign(&claims("1", "a@example.com", json!(true)))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "google_sign_in_disabled"), "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0);
}

#[tokio::test]
async fn a_new_google_account_becomes_a_member_and_signs_in_again() {
    let key = Key::generate("k1");
    let (server, url) = key_server(vec![key.jwk.clone()]).await;
    let t = app_with_google(&url).await;

    let r = sign_in(&t, &key.sign(&claims("g-100", "Sari@Example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let token = r.body["token"].as_str().unwrap().to_string();
    let id = r.body["user"]["id"].as_i64().unwrap();
    assert_eq!(r.body["user"]["email"], "sari@example.com");
    assert_eq!(r.body["user"]["name"], "Sari Dewi");
    assert_eq!(r.body["user"]["customer_type"], "retail");
    let me = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!((me.status, me.body["id"].as_i64()), (StatusCode::OK, Some(id)));
    assert_eq!(t.text(&format!("SELECT google_id FROM users WHERE id = {id}")).await.as_deref(), Some("g-100"));
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM users WHERE id = {id} AND password IS NULL AND phone IS NULL AND email_verified_at IS NOT NULL")).await, 1);

    // Again: the same account (found by Google's id even if the e-mail changed).
    let r = sign_in(&t, &key.sign(&claims("g-100", "sari.new@example.com", json!(true)))).await;
    assert_eq!((r.status, r.body["user"]["id"].as_i64()), (StatusCode::OK, Some(id)), "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 1);
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1, "the keys are cached as max-age says");
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'register'").await, 1);
}

#[tokio::test]
async fn an_existing_member_is_linked_only_when_google_verified_the_address() {
    let key = Key::generate("k1");
    let (_server, url) = key_server(vec![key.jwk.clone()]).await;
    let t = app_with_google(&url).await;
    let (_, member) = t.register("budi@example.com", "081211110000").await;

    // Unverified: no link, no new account.
    let r = sign_in(&t, &key.sign(&claims("g-200", "budi@example.com", json!(false)))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "google_email_unverified"), "{}", r.body);
    assert_eq!(t.text(&format!("SELECT google_id FROM users WHERE id = {member}")).await, None);
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 1);

    // Verified (older tokens say "true" as a string): linked to the member.
    let r = sign_in(&t, &key.sign(&claims("g-200", "budi@example.com", json!("true")))).await;
    assert_eq!((r.status, r.body["user"]["id"].as_i64()), (StatusCode::OK, Some(member)), "{}", r.body);
    assert_eq!(t.text(&format!("SELECT google_id FROM users WHERE id = {member}")).await.as_deref(), Some("g-200"));
    assert_eq!(t.count("SELECT COUNT(*) FROM activity_logs WHERE action = 'google.link'").await, 1);
    // The password still works.
    t.login("budi@example.com", "rahasia-123").await;

    // Another Google account with the same address cannot take the linked member.
    let r = sign_in(&t, &key.sign(&claims("g-999", "budi@example.com", json!(true)))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "google_linked_elsewhere"), "{}", r.body);
}

#[tokio::test]
async fn a_guests_orders_stay_the_guests_and_a_suspended_member_stays_out() {
    let key = Key::generate("k1");
    let (_server, url) = key_server(vec![key.jwk.clone()]).await;
    let t = app_with_google(&url).await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let item = t.item_id("xld10").await;
    let order = t
        .post(
            "/api/v1/transactions",
            None,
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS",
                   "customer_name": "Victim", "customer_email": "victim@example.com"}),
        )
        .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.body);

    let r = sign_in(&t, &key.sign(&claims("g-300", "victim@example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::CREATED, "a new member, not the guest row: {}", r.body);
    let token = r.body["token"].as_str().unwrap().to_string();
    let list = t.get("/api/v1/transactions", Some(&token)).await;
    assert_eq!(list.body["meta"]["total"], 0, "the guest's order is not shown: {}", list.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE email = 'victim@example.com'").await, 2);

    let id = r.body["user"]["id"].as_i64().unwrap();
    let s = t.patch(&format!("/api/v1/admin/users/{id}"), Some(&admin), json!({"status": "suspended"})).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let r = sign_in(&t, &key.sign(&claims("g-300", "victim@example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn forged_stale_and_foreign_tokens_are_refused() {
    let key = Key::generate("k1");
    let (server, url) = key_server(vec![key.jwk.clone()]).await;
    let t = app_with_google(&url).await;
    let good = claims("g-400", "eve@example.com", json!(true));
    let with = |k: &str, v: Value| {
        let mut c = good.clone();
        c[k] = v;
        c
    };
    // Another key that claims to be k1: the signature does not match the published key.
    let impostor = Key { kid: "k1".into(), ..Key::generate("k1") };
    let now = chrono::Utc::now().timestamp();
    let hs256 = jsonwebtoken::encode(
        &Header { kid: Some("k1".into()), ..Header::new(Algorithm::HS256) },
        &good,
        &EncodingKey::from_secret(b"guessable"),
    )
    .unwrap();
    let cases = [
        ("signed by another key", impostor.sign(&good), "signature"),
        (
            "another client id",
            key.sign(&with("aud", json!("someone-else.apps.googleusercontent.com"))),
            "another client id",
        ),
        ("not Google", key.sign(&with("iss", json!("https://evil.example.com"))), "not issued by Google"),
        ("expired", key.sign(&with("exp", json!(now - 3600))), "expired"),
        ("HS256 with a guessed secret", hs256, "RS256"),
        ("not a JWT", "hello".to_string(), "not a signed JWT"),
    ];
    for (what, token, says) in cases {
        let r = sign_in(&t, &token).await;
        assert_eq!(
            (r.status, r.error_code()),
            (StatusCode::UNAUTHORIZED, "invalid_google_token"),
            "{what}: {}",
            r.body
        );
        assert_eq!(r.body["field"], "id_token", "{what}");
        assert!(r.body["message"].as_str().unwrap().contains(says), "{what}: {}", r.body);
    }
    assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0, "nothing was created");

    // A key Google does not publish: fetched again once, then refused; not again within
    // the minute.
    let unknown = Key::generate("k9");
    let before = server.fetches.load(Ordering::SeqCst);
    let r = sign_in(&t, &unknown.sign(&good)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = sign_in(&t, &unknown.sign(&good)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert!(
        server.fetches.load(Ordering::SeqCst) - before <= 1,
        "an unknown kid cannot make lapak hammer the key server"
    );
}

#[tokio::test]
async fn a_rotated_key_is_picked_up() {
    let old = Key::generate("old");
    let (server, url) = key_server(vec![old.jwk.clone()]).await;
    let t = app_with_google(&url).await;
    let r = sign_in(&t, &old.sign(&claims("g-500", "rita@example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Google publishes a new key and signs with it: lapak fetches the set again.
    let new = Key::generate("new");
    server.keys.lock().unwrap().push(new.jwk.clone());
    let r = sign_in(&t, &new.sign(&claims("g-500", "rita@example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(server.fetches.load(Ordering::SeqCst), 2);
    // The old key is withdrawn; tokens it signed still verify until the set goes stale
    // (Google keeps a withdrawn key's tokens valid until they expire anyway).
    server.keys.lock().unwrap().remove(0);
    let r = sign_in(&t, &old.sign(&claims("g-500", "rita@example.com", json!(true)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
