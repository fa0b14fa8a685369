//! Registration, login, tokens, roles, suspension and the login rate limit.

use crate::common;

use common::TestApp;
use figment::providers::Serialized;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_login_me_logout() {
    let t = TestApp::spawn().await;
    let (token, id) = t.register("budi@example.com", "+62 812-3456-7890").await;

    let me = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["id"].as_i64(), Some(id));
    assert_eq!(me.body["role"], "customer");
    assert_eq!(me.body["customer_type"], "retail");
    assert_eq!(me.body["balance"], 0);
    assert_eq!(me.body["phone"], "081234567890", "phone stored in local form");
    assert!(me.body.get("password").is_none());

    // Log in by phone and by e-mail (any case).
    let by_phone = t.login("081234567890", "rahasia-123").await;
    let by_email = t.login("BUDI@example.com", "rahasia-123").await;
    assert_ne!(by_phone, by_email);

    let out = t.post("/api/v1/auth/logout", Some(&by_phone), json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = t.get("/api/v1/me", Some(&by_phone)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.error_code(), "unauthorized");
    // Other sessions are untouched.
    assert_eq!(t.get("/api/v1/me", Some(&by_email)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn duplicate_email_and_phone_are_conflicts() {
    let t = TestApp::spawn().await;
    t.register("siti@example.com", "081111111111").await;
    let again = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "Siti", "email": "Siti@Example.com", "phone": "082222222222", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "email_taken");
    assert_eq!(again.body["field"], "email");
    let phone = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "Other", "email": "other@example.com", "phone": "6281111111111", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(phone.status, StatusCode::CONFLICT);
    assert_eq!(phone.body["field"], "phone");
}

#[tokio::test]
async fn referral_code_links_the_new_user() {
    let t = TestApp::spawn().await;
    let (tok, referrer) = t.register("ref@example.com", "081200000001").await;
    let code = t.get("/api/v1/me", Some(&tok)).await.body["referral_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    let r = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "New", "email": "new@example.com", "phone": "081200000002", "password": "rahasia-123",
                   "referral_code": code.to_lowercase()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let admin = t.admin().await;
    let new_id = r.body["user"]["id"].as_i64().unwrap();
    let u = t.get(&format!("/api/v1/admin/users/{new_id}"), Some(&admin)).await;
    assert_eq!(u.body["referred_by"].as_i64(), Some(referrer));

    let bad = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "X", "email": "x@example.com", "phone": "081200000003", "password": "rahasia-123",
                   "referral_code": "NOPE1234"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["field"], "referral_code");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let t = TestApp::spawn().await;
    t.register("ani@example.com", "081300000000").await;
    let wrong =
        t.post("/api/v1/auth/login", None, json!({"identifier": "ani@example.com", "password": "nope-nope"})).await;
    let unknown =
        t.post("/api/v1/auth/login", None, json!({"identifier": "who@example.com", "password": "nope-nope"})).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.error_code(), "invalid_credentials");
    assert_eq!(wrong.body["message"], unknown.body["message"]);
}

#[tokio::test]
async fn expired_unknown_and_malformed_tokens_are_refused() {
    let t = TestApp::spawn().await;
    let (token, id) = t.register("tok@example.com", "081400000000").await;
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);

    for bad in ["lpk_doesnotexist", "garbage", ""] {
        let r = t.get("/api/v1/me", Some(bad)).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "token {bad:?}");
        r.error_code();
    }
    // Just before the token's lifetime ends it works; just after, it does not.
    let ttl = chrono::Duration::hours(t.app.config.auth.token_ttl_hours as i64);
    t.advance(ttl - chrono::Duration::minutes(1));
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);
    assert!(id > 0);
    t.advance(chrono::Duration::minutes(2));
    let expired = t.get("/api/v1/me", Some(&token)).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(expired.error_code(), "unauthorized");
}

#[tokio::test]
async fn tokens_are_stored_hashed() {
    let t = TestApp::spawn().await;
    let (token, _) = t.register("hash@example.com", "081500000000").await;
    let stored: Vec<String> = t
        .app
        .db
        .read(|c| {
            let mut s = c.prepare("SELECT token_hash FROM access_tokens")?;
            let v = s.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok::<_, lapak::db::DbError>(v)
        })
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert!(!stored[0].contains(&token[4..]));
}

#[tokio::test]
async fn suspending_a_user_stops_its_tokens_at_once() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (token, id) = t.register("susp@example.com", "081700000000").await;
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK);

    let r = t.patch(&format!("/api/v1/admin/users/{id}"), Some(&admin), json!({"status": "suspended"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["status"], "suspended");
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::UNAUTHORIZED);

    let login =
        t.post("/api/v1/auth/login", None, json!({"identifier": "susp@example.com", "password": "rahasia-123"})).await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    assert_eq!(login.body["details"]["status"], "suspended");

    // Reactivated, it can log in again (old tokens stay revoked).
    t.patch(&format!("/api/v1/admin/users/{id}"), Some(&admin), json!({"status": "active"})).await;
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::UNAUTHORIZED);
    let fresh = t.login("susp@example.com", "rahasia-123").await;
    assert_eq!(t.get("/api/v1/me", Some(&fresh)).await.status, StatusCode::OK);

    // The action is in the activity log.
    let logged: i64 = t
        .app
        .db
        .read(move |c| {
            c.query_row(
                "SELECT COUNT(*) FROM activity_logs WHERE action = 'user.update' AND model_id = ?1",
                [id],
                |r| r.get(0),
            )
            .map_err(lapak::db::DbError::from)
        })
        .await
        .unwrap();
    assert_eq!(logged, 2);
}

#[tokio::test]
async fn an_admin_cannot_lock_itself_out() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let me = t.get("/api/v1/me", Some(&admin)).await;
    let id = me.body["id"].as_i64().unwrap();
    let r = t.patch(&format!("/api/v1/admin/users/{id}"), Some(&admin), json!({"role": "customer"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(t.get("/api/v1/me", Some(&admin)).await.body["role"], "admin");
}

#[tokio::test]
async fn login_is_rate_limited_per_ip_and_identifier() {
    let t = TestApp::spawn_with(|f| f.merge(Serialized::default("auth.login_attempts_per_minute", 3))).await;
    t.register("rl@example.com", "081800000000").await;
    for i in 0..3 {
        let r =
            t.post("/api/v1/auth/login", None, json!({"identifier": "rl@example.com", "password": "wrong-pass"})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let limited =
        t.post("/api/v1/auth/login", None, json!({"identifier": "rl@example.com", "password": "rahasia-123"})).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.error_code(), "rate_limited");
    let retry: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
}

#[tokio::test]
async fn profile_password_and_soft_delete() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (token, id) = t.register("care@example.com", "081300001111").await;
    let other = t.login("care@example.com", "rahasia-123").await;

    let r = t.patch("/api/v1/me", Some(&token), json!({"name": "Budi Baru", "phone": "+6281300002222"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.body["name"].as_str(), r.body["phone"].as_str()), (Some("Budi Baru"), Some("081300002222")));
    t.register("taken@example.com", "081300003333").await;
    let r = t.patch("/api/v1/me", Some(&token), json!({"phone": "081300003333"})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::CONFLICT, Some("phone")));

    // Changing the password needs the current one and ends the other sessions.
    let r = t
        .post(
            "/api/v1/me/password",
            Some(&token),
            json!({"current_password": "wrong-one", "new_password": "new-secret-1"}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("current_password")));
    let r = t
        .post(
            "/api/v1/me/password",
            Some(&token),
            json!({"current_password": "rahasia-123", "new_password": "new-secret-1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get("/api/v1/me", Some(&token)).await.status, StatusCode::OK, "this session stays");
    assert_eq!(t.get("/api/v1/me", Some(&other)).await.status, StatusCode::UNAUTHORIZED, "others end");
    let fresh = t.login("care@example.com", "new-secret-1").await;

    // An order in flight blocks deletion; then a soft delete keeps the history.
    t.sql(&format!(
        "INSERT INTO transactions (transaction_code, user_id, product_price, total_price, status) VALUES ('LPKDEL1', {id}, 1000, 1000, 'pending')"
    ))
    .await;
    t.post(
        &format!("/api/v1/admin/users/{id}/balance-adjustments"),
        Some(&admin),
        json!({"amount": 5000, "reason": "gift"}),
    )
    .await;
    let r =
        t.call(reqwest::Method::DELETE, "/api/v1/me", Some(&fresh), Some(json!({"password": "new-secret-1"}))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "orders_in_progress"));
    t.sql("UPDATE transactions SET status = 'failed' WHERE transaction_code = 'LPKDEL1'").await;
    let r = t.call(reqwest::Method::DELETE, "/api/v1/me", Some(&fresh), Some(json!({"password": "nope-nope"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Money in the account blocks deletion too, until it is gone.
    let r =
        t.call(reqwest::Method::DELETE, "/api/v1/me", Some(&fresh), Some(json!({"password": "new-secret-1"}))).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::CONFLICT, "balance_not_zero"));
    t.post(
        &format!("/api/v1/admin/users/{id}/balance-adjustments"),
        Some(&admin),
        json!({"amount": -5000, "reason": "paid out by bank transfer"}),
    )
    .await;
    let r =
        t.call(reqwest::Method::DELETE, "/api/v1/me", Some(&fresh), Some(json!({"password": "new-secret-1"}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get("/api/v1/me", Some(&fresh)).await.status, StatusCode::UNAUTHORIZED);
    let login =
        t.post("/api/v1/auth/login", None, json!({"identifier": "care@example.com", "password": "new-secret-1"})).await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
    // History intact: the order, the ledger, the log rows all still point at the user.
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM transactions WHERE user_id = {id}")).await, 1);
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM balance_mutations WHERE user_id = {id}")).await, 2);
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM users WHERE id = {id} AND deleted_at IS NOT NULL")).await, 1);
    let u = t.get(&format!("/api/v1/admin/users/{id}"), Some(&admin)).await;
    assert!(u.body["deleted_at"].is_string());
    // The address is free again.
    t.register("care@example.com", "081300004444").await;
}

#[tokio::test]
async fn forgot_and_reset_password_by_email() {
    let (port, mails) = common::smtp_sink().await;
    let t = TestApp::spawn_with(|f| {
        f.merge(Serialized::default("smtp.host", "127.0.0.1"))
            .merge(Serialized::default("smtp.port", port))
            .merge(Serialized::default("smtp.security", "none"))
            .merge(Serialized::default("smtp.from", "Toko <no-reply@toko.example>"))
            .merge(Serialized::default("smtp.reset_url", "http://fe/r?t={token}"))
    })
    .await;
    let (old_token, _) = t.register("lupa@example.com", "081400001111").await;

    // No enumeration: the same answer for an unknown address, and no mail for it.
    let known = t.post("/api/v1/auth/forgot-password", None, json!({"email": "lupa@example.com"})).await;
    let unknown = t.post("/api/v1/auth/forgot-password", None, json!({"email": "nobody@example.com"})).await;
    assert_eq!((known.status, unknown.status), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(known.body, unknown.body);
    let mut mail = String::new();
    for _ in 0..100 {
        if let Some(m) = mails.lock().unwrap().first() {
            mail = m.clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(mail.contains("lupa@example.com"), "{mail}");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(mails.lock().unwrap().len(), 1, "nothing sent for the unknown address");
    // Decode quoted-printable as a mail client would (soft breaks, =3D).
    let qp = |m: &str| m.replace("=\n", "").replace("=3D", "=");
    let mail = qp(&mail);
    let token = regex::Regex::new(r"http://fe/r\?t=(lpk_[A-Za-z0-9]+)").unwrap().captures(&mail).expect("a link")[1]
        .to_string();

    // The link works once; every session ends.
    let r = t.post("/api/v1/auth/reset-password", None, json!({"token": token, "password": "brand-new-1"})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(t.get("/api/v1/me", Some(&old_token)).await.status, StatusCode::UNAUTHORIZED);
    t.login("lupa@example.com", "brand-new-1").await;
    let again = t.post("/api/v1/auth/reset-password", None, json!({"token": token, "password": "another-2"})).await;
    assert_eq!((again.status, again.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("token")));
    // Expired links fail too.
    t.post("/api/v1/auth/forgot-password", None, json!({"email": "lupa@example.com"})).await;
    for _ in 0..100 {
        if mails.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    t.advance(chrono::Duration::minutes(t.app.config.smtp.reset_ttl_minutes as i64 + 1));
    let mail2 = qp(&mails.lock().unwrap().last().cloned().unwrap());
    let token2 = regex::Regex::new(r"t=(lpk_[A-Za-z0-9]+)").unwrap().captures(&mail2).unwrap()[1].to_string();
    assert_ne!(token2, token);
    let r = t.post("/api/v1/auth/reset-password", None, json!({"token": token2, "password": "another-2"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}
