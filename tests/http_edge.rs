//! The uniform error body, health, metrics, the spec and the docs page.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn bad_bodies_get_the_uniform_error() {
    let t = TestApp::spawn().await;
    let url = t.url("/api/v1/auth/register");
    let raw =
        |body: &'static str| t.client.post(url.clone()).header("content-type", "application/json").body(body).send();

    // Malformed JSON.
    let r = raw("{\"name\": \"x\",").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["code"], "invalid_json");
    assert_eq!(b["status"], 400);

    // A missing field is named.
    let r =
        t.post("/api/v1/auth/register", None, json!({"name": "x", "email": "a@b.co", "password": "12345678"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error_code(), "validation_failed");
    assert_eq!(r.body["field"], "phone");

    // A wrong type is named.
    let r = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "x", "email": "a@b.co", "phone": "081234567890", "password": ["x"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "password");

    // A failed validator is named.
    let r = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": "x", "email": "a@b.co", "phone": "081234567890", "password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "password");

    // Wrong content type.
    let r = t.client.post(url.clone()).body("name=x").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["code"], "unsupported_media_type");

    // Not an object at all.
    let r = raw("[1,2]").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Nothing was written by any of these.
    let admin = t.admin().await;
    let users = t.get("/api/v1/admin/users", Some(&admin)).await;
    assert_eq!(users.body["meta"]["total"], 1, "only the admin exists");
}

#[tokio::test]
async fn unknown_routes_methods_and_params() {
    let t = TestApp::spawn().await;
    let r = t.get("/api/v1/nothing-here", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
    let r = t.delete("/api/v1/categories", None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "method_not_allowed");
    let r = t.get("/api/v1/products/not-a-number", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["field"], "id");
    let r = t.get("/api/v1/products?page=-1", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["field"], "page");
}

#[tokio::test]
async fn request_ids_are_echoed_or_made() {
    let t = TestApp::spawn().await;
    let r = t.client.get(t.url("/healthz")).header("x-request-id", "abc-123").send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    let r = t.client.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(r.headers()["x-request-id"].len(), 26, "a ULID");
}

#[tokio::test]
async fn health_metrics_spec_and_docs() {
    let t = TestApp::spawn().await;
    let h = t.get("/healthz", None).await;
    assert_eq!(h.status, StatusCode::OK);
    assert_eq!(h.body["database"], "ok");

    t.get("/api/v1/products/12345", None).await;
    let m = t.client.get(t.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(
        m.contains(r#"lapak_http_requests_total{method="GET",route="/api/v1/products/{id}",status="404"} 1"#),
        "{m}"
    );
    assert!(m.contains("lapak_http_request_duration_seconds_bucket"), "{m}");

    let spec = t.get("/openapi.json", None).await;
    assert_eq!(spec.status, StatusCode::OK);
    let paths = spec.body["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/register",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/categories",
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/products/slug/{slug}",
        "/api/v1/admin/categories",
        "/api/v1/admin/categories/{id}",
        "/api/v1/admin/products",
        "/api/v1/admin/products/{id}",
        "/api/v1/admin/products/{id}/items",
        "/api/v1/admin/items/{id}",
        "/api/v1/admin/users",
        "/api/v1/admin/users/{id}",
    ] {
        assert!(paths.contains_key(p), "{p} missing from the spec");
    }
    // Every operation documents the error body.
    let login = &spec.body["paths"]["/api/v1/auth/login"]["post"]["responses"]["4XX"];
    assert!(login["content"].to_string().contains("ErrorBody"), "{login}");
    // Input fields are typed in the spec.
    assert!(spec.body["components"]["schemas"]["InputField"]["properties"]["pattern"].is_object());

    let docs = t.client.get(t.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().to_lowercase().contains("swagger"));
}

#[tokio::test]
async fn cors_allows_configured_origins_only() {
    let t = TestApp::spawn_with(|f| {
        f.merge(figment::providers::Serialized::default("server.cors_origins", vec!["http://shop.example"]))
    })
    .await;
    let ok = t
        .client
        .request(reqwest::Method::OPTIONS, t.url("/api/v1/products"))
        .header("origin", "http://shop.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://shop.example");
    let other = t.client.get(t.url("/api/v1/products")).header("origin", "http://evil.example").send().await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn every_admin_route_refuses_guests_and_customers() {
    let t = TestApp::spawn().await;
    let (customer, _) = t.register("walker@example.com", "081255550000").await;
    let spec = t.get("/openapi.json", None).await.body;
    let mut walked = 0;
    for (path, ops) in spec["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/admin/") {
            continue;
        }
        let concrete = regex::Regex::new(r"\{[^}]+\}").unwrap().replace_all(path, "1").to_string();
        for method in ops.as_object().unwrap().keys() {
            // The console's login is how an admin gets in (a customer's credentials get
            // 403 `not_admin` there: tests/console.rs).
            if path == "/api/v1/admin/session" && method == "post" {
                continue;
            }
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = if matches!(method.as_str(), "post" | "put" | "patch") { Some(json!({})) } else { None };
            let guest = t.call(m.clone(), &concrete, None, body.clone()).await;
            assert_eq!(guest.status, StatusCode::UNAUTHORIZED, "{method} {path} as a guest: {}", guest.body);
            let cust = t.call(m, &concrete, Some(&customer), body).await;
            assert_eq!(cust.status, StatusCode::FORBIDDEN, "{method} {path} as a customer: {}", cust.body);
            walked += 1;
        }
    }
    assert!(walked >= 60, "walked {walked} admin operations");
}
