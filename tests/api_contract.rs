//! The API contract (issue 12), checked on the served /openapi.json and on real answers.
//! The generated-client test (tests/contract/run.sh: openapi-typescript + tsc --strict,
//! openapi-python-client, schemathesis) runs the same document through the tools.

use crate::common;

use std::collections::HashSet;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn spec_text(t: &TestApp) -> String {
    t.client.get(t.url("/openapi.json")).send().await.unwrap().text().await.unwrap()
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, ops) in spec["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            out.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    out
}

#[tokio::test]
async fn every_operation_has_a_unique_readable_id_and_every_path_is_one_key() {
    let t = TestApp::spawn().await;
    let text = spec_text(&t).await;
    // A JSON parser keeps one of two equal keys: count them in the text itself.
    let keys = regex::Regex::new(r#""(/api/v1/[^"]*)":\{"#).unwrap();
    let mut seen = HashSet::new();
    for c in keys.captures_iter(&text) {
        assert!(seen.insert(c[1].to_string()), "{} is a key twice in paths", &c[1]);
    }
    let spec: Value = serde_json::from_str(&text).unwrap();
    let ops = operations(&spec);
    assert!(ops.len() > 100, "{}", ops.len());
    let camel = regex::Regex::new("^[a-z][a-zA-Z0-9]+$").unwrap();
    let mut ids = HashSet::new();
    for (m, p, op) in &ops {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{m} {p} has no operationId"));
        assert!(camel.is_match(id), "{m} {p}: {id}");
        assert!(ids.insert(id.to_string()), "{id} is used twice");
        if p.starts_with("/api/v1/admin/") {
            assert!(id.starts_with("admin"), "{m} {p}: {id}");
        }
    }
    for id in ["listProducts", "createTransaction", "adminListUsers", "adminCreateUser", "getTransaction"] {
        assert!(ids.contains(id), "{id}");
    }
}

#[tokio::test]
async fn schemas_are_named_refs_are_plain_and_errors_are_documented() {
    let t = TestApp::spawn().await;
    let spec: Value = serde_json::from_str(&spec_text(&t).await).unwrap();
    fn walk(v: &Value, at: &str, found: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(parts) = m.get("allOf").and_then(Value::as_array) {
                    let all_refs_or_notes =
                        parts.iter().all(|p| p.get("$ref").is_some() || p.get("properties").is_none());
                    if parts.len() <= 2 && parts[0].get("$ref").is_some() && all_refs_or_notes {
                        found.push(at.to_string());
                    }
                }
                for (k, c) in m {
                    walk(c, &format!("{at}/{k}"), found);
                }
            }
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| walk(c, &format!("{at}/{i}"), found)),
            _ => {}
        }
    }
    let mut wrapped = Vec::new();
    walk(&spec, "", &mut wrapped);
    assert!(wrapped.is_empty(), "allOf wrappers around a single reference: {wrapped:?}");
    for (m, p, op) in operations(&spec) {
        if let Some(content) = op["requestBody"]["content"].as_object() {
            for (ct, media) in content {
                assert!(media["schema"]["$ref"].is_string(), "{m} {p} {ct}: an inline request schema");
            }
        }
        for range in ["4XX", "5XX"] {
            assert_eq!(
                op["responses"][range]["content"]["application/json; charset=utf-8"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{m} {p} documents {range}"
            );
        }
    }
    // Separate create and update schemas, each with what it requires.
    let schemas = &spec["components"]["schemas"];
    let required = |s: &str| -> Vec<String> {
        schemas[s]["required"]
            .as_array()
            .map(|r| r.iter().map(|v| v.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    for f in ["code", "name", "type", "value"] {
        assert!(required("VoucherCreate").contains(&f.to_string()), "VoucherCreate requires {f}");
    }
    assert!(required("VoucherUpdate").is_empty());
    assert!(schemas["VoucherUpdate"]["properties"].get("code").is_none(), "a code cannot change");
}

#[tokio::test]
async fn paging_and_dates_are_bounded_in_the_spec_as_the_server_enforces() {
    let t = TestApp::spawn().await;
    let spec: Value = serde_json::from_str(&spec_text(&t).await).unwrap();
    let mut paged = 0;
    let mut dated = 0;
    for (m, p, op) in operations(&spec) {
        for param in op["parameters"].as_array().into_iter().flatten() {
            let schema = &param["schema"];
            match param["name"].as_str().unwrap() {
                "per_page" => {
                    paged += 1;
                    assert_eq!(
                        (schema["minimum"].as_f64(), schema["maximum"].as_f64()),
                        (Some(1.0), Some(100.0)),
                        "{m} {p}"
                    );
                }
                "page" => assert_eq!(schema["minimum"].as_f64(), Some(1.0), "{m} {p}"),
                "from" | "to" => {
                    dated += 1;
                    assert_eq!(schema["format"], "date", "{m} {p}");
                }
                _ => {}
            }
        }
    }
    assert!(paged >= 10 && dated >= 20, "{paged} paged, {dated} dated");
    // The server refuses exactly what the spec refuses, and takes what it allows.
    for (q, status) in [("per_page=101", 400), ("per_page=0", 400), ("page=0", 400), ("per_page=100&page=1", 200)] {
        assert_eq!(t.get(&format!("/api/v1/products?{q}"), None).await.status.as_u16(), status, "{q}");
    }
    let (token, _) = t.register("dates@example.com", "081200001111").await;
    for (q, status) in
        [("from=2026-02-30", 400), ("from=2026-11-24T00:00:00Z", 400), ("from=2026-11-01&to=2026-11-30", 200)]
    {
        assert_eq!(t.get(&format!("/api/v1/transactions?{q}"), Some(&token)).await.status.as_u16(), status, "{q}");
    }
}

#[tokio::test]
async fn answers_never_carry_null() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    let (token, uid) = t.register("nulls@example.com", "081200002222").await;
    let item = t.item_id("xld10").await;
    let order = t
        .post(
            "/api/v1/transactions",
            Some(&token),
            json!({"product_item_id": item, "customer_data": {"phone": "087800001230"}, "payment_method": "QRIS"}),
        )
        .await;
    let code = order.body["transaction_code"].as_str().unwrap().to_string();
    let product = t.get("/api/v1/products/slug/xl-pulsa", None).await.body["id"].as_i64().unwrap();
    let answers = [
        t.get("/api/v1/products?per_page=100", None).await,
        t.get(&format!("/api/v1/products/{product}"), None).await,
        t.get("/api/v1/me", Some(&token)).await,
        t.get(&format!("/api/v1/transactions/{code}"), Some(&token)).await,
        t.get("/api/v1/transactions", Some(&token)).await,
        t.get(&format!("/api/v1/admin/transactions/{code}"), Some(&admin)).await,
        t.get("/api/v1/admin/transactions", Some(&admin)).await,
        t.get(&format!("/api/v1/admin/users/{uid}"), Some(&admin)).await,
        t.get(&format!("/api/v1/admin/items/{item}"), Some(&admin)).await,
        t.get("/api/v1/admin/vouchers", Some(&admin)).await,
        t.get("/api/v1/app-config", None).await,
        t.get("/api/v1/admin/products/sync-runs", Some(&admin)).await,
    ];
    fn nulls(v: &Value, at: &str, out: &mut Vec<String>) {
        match v {
            Value::Null => out.push(at.to_string()),
            Value::Object(m) => m.iter().for_each(|(k, c)| nulls(c, &format!("{at}.{k}"), out)),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, c)| nulls(c, &format!("{at}[{i}]"), out)),
            _ => {}
        }
    }
    for r in answers {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut found = Vec::new();
        nulls(&r.body, "", &mut found);
        // Free-form JSON the admin stored (log meta) is the only place null may appear.
        found.retain(|p| !p.contains(".meta_data"));
        assert!(found.is_empty(), "null at {found:?}");
    }
}

#[tokio::test]
async fn strings_are_strings_405_names_the_methods_and_bad_references_are_422() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let r = t
        .post(
            "/api/v1/auth/register",
            None,
            json!({"name": 123, "email": "n@example.com", "phone": "081200003333", "password": "kopi tubruk pagi"}),
        )
        .await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")), "{}", r.body);
    let r = t.post("/api/v1/auth/forgot-password", None, json!({"email": false})).await;
    assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")), "{}", r.body);
    assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE email = 'n@example.com'").await, 0);

    let r = t.delete("/api/v1/products", None).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get("allow").unwrap(), "GET");
    let r = t.call(reqwest::Method::PUT, "/api/v1/admin/vouchers/1", Some(&admin), Some(json!({}))).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers.get("allow").unwrap(), "DELETE, GET, PATCH");

    let v = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "FK", "name": "FK", "type": "fixed", "value": 500}),
        )
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);
    let id = v.body["id"].as_i64().unwrap();
    for (body, field) in
        [(json!({"product_id": 999_999}), "product_id"), (json!({"category_id": 999_999}), "category_id")]
    {
        let r = t.patch(&format!("/api/v1/admin/vouchers/{id}"), Some(&admin), body).await;
        assert_eq!((r.status, r.body["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{}", r.body);
    }
    let r = t.post("/api/v1/admin/vouchers", Some(&admin), json!({})).await;
    assert!(r.status.is_client_error() && r.body["field"].is_string(), "{}", r.body);
    let r = t.patch(&format!("/api/v1/admin/vouchers/{id}"), Some(&admin), json!({"code": "OTHER"})).await;
    assert!(r.status.is_client_error(), "a code cannot change: {}", r.body);
    assert_eq!(t.get(&format!("/api/v1/admin/vouchers/{id}"), Some(&admin)).await.body["code"], "FK");
}

#[tokio::test]
async fn optional_login_is_described_as_optional() {
    let t = TestApp::spawn().await;
    let spec: Value = serde_json::from_str(&spec_text(&t).await).unwrap();
    let mut optional = Vec::new();
    for (m, p, op) in operations(&spec) {
        let described = op["description"].as_str().unwrap_or_default().contains("Login is optional");
        if described {
            assert!(op.get("security").is_none(), "{m} {p}: optional login carries no requirement");
            optional.push(format!("{m} {p}"));
        }
    }
    for expected in ["GET /api/v1/products", "POST /api/v1/transactions", "GET /api/v1/transactions/{code}"] {
        assert!(optional.contains(&expected.to_string()), "{expected} in {optional:?}");
    }
    // And they do work without a token.
    assert_eq!(t.get("/api/v1/products", None).await.status, StatusCode::OK);
}

/// A change (PATCH) names what it changes: a field left out stays as it is, `null`
/// removes an optional one (a banner's or voucher's window, a voucher's limits, a
/// description, a phone number), and the spec says which fields take `null`.
#[tokio::test]
async fn a_change_keeps_what_it_leaves_out_and_null_removes_an_optional_field() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = common::seed_catalog(&t, &admin).await;
    let cat = t.count(&format!("SELECT category_id FROM products WHERE id = {pid}")).await;
    let v = t
        .post(
            "/api/v1/admin/vouchers",
            Some(&admin),
            json!({"code": "NUL", "name": "N", "type": "fixed", "value": 500}),
        )
        .await;
    assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);
    let vid = v.body["id"].as_i64().unwrap();
    let (user, _) = t.register("nul@example.com", "081234567801").await;
    let form = reqwest::multipart::Form::new()
        .text("title", "Later")
        .part("image", reqwest::multipart::Part::bytes(common::PNG).file_name("b.png").mime_str("image/png").unwrap());
    let banner: Value = t
        .client
        .post(t.url("/api/v1/admin/banners"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bid = banner["id"].as_i64().unwrap();

    // (schema, path, token, field, a value to set)
    let cases: Vec<(&str, String, &str, &str, Value)> = vec![
        ("BannerUpdate", format!("/api/v1/admin/banners/{bid}"), &admin, "subtitle", json!("Diskon")),
        ("BannerUpdate", format!("/api/v1/admin/banners/{bid}"), &admin, "link", json!("/promo")),
        ("BannerUpdate", format!("/api/v1/admin/banners/{bid}"), &admin, "description", json!("akhir pekan")),
        ("BannerUpdate", format!("/api/v1/admin/banners/{bid}"), &admin, "end_date", json!("2099-02-01")),
        ("BannerUpdate", format!("/api/v1/admin/banners/{bid}"), &admin, "start_date", json!("2099-01-01")),
        ("CategoryUpdate", format!("/api/v1/admin/categories/{cat}"), &admin, "description", json!("semua game")),
        ("CategoryUpdate", format!("/api/v1/admin/categories/{cat}"), &admin, "icon", json!("/icons/g.png")),
        ("CategoryUpdate", format!("/api/v1/admin/categories/{cat}"), &admin, "image", json!("/img/g.png")),
        ("ProductUpdate", format!("/api/v1/admin/products/{pid}"), &admin, "publisher", json!("Moonton")),
        ("ProductUpdate", format!("/api/v1/admin/products/{pid}"), &admin, "description", json!("top up")),
        ("ProductUpdate", format!("/api/v1/admin/products/{pid}"), &admin, "image", json!("/img/ml.png")),
        ("ProductUpdate", format!("/api/v1/admin/products/{pid}"), &admin, "icon", json!("/icons/ml.png")),
        ("ItemUpdate", format!("/api/v1/admin/items/{}", items[0]), &admin, "group", json!("Diamonds")),
        ("ItemUpdate", format!("/api/v1/admin/items/{}", items[0]), &admin, "description", json!("instan")),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "description", json!("promo")),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "product_id", json!(pid)),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "category_id", json!(cat)),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "max_discount", json!(2_000)),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "usage_limit", json!(10)),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "start_date", json!("2026-01-01T00:00:00Z")),
        ("VoucherUpdate", format!("/api/v1/admin/vouchers/{vid}"), &admin, "end_date", json!("2099-01-01T00:00:00Z")),
        ("ProfileUpdate", "/api/v1/me".to_string(), &user, "phone", json!("081234567802")),
    ];
    let spec: Value = serde_json::from_str(&spec_text(&t).await).unwrap();
    for (schema, path, token, field, value) in &cases {
        let prop = &spec["components"]["schemas"][schema]["properties"][field];
        assert_eq!(prop["nullable"], true, "{schema}.{field} takes null in the spec: {prop}");

        let set = t.patch(path, Some(token), json!({ *field: value })).await;
        assert_eq!(set.status, StatusCode::OK, "{schema}.{field} = {value}: {}", set.body);
        let stored = set.body[field].clone();
        assert!(!stored.is_null(), "{schema}.{field} set: {}", set.body);
        let kept = t.patch(path, Some(token), json!({})).await;
        assert_eq!((kept.status, &kept.body[field]), (StatusCode::OK, &stored), "{schema}.{field} left out is kept");
        if *field == "start_date" && *schema == "BannerUpdate" {
            // Scheduled for 2099: not shown yet.
            assert!(t.get("/api/v1/banners", None).await.body.as_array().unwrap().is_empty());
        }
        let removed = t.patch(path, Some(token), json!({ *field: null })).await;
        assert_eq!(removed.status, StatusCode::OK, "{schema}.{field}: null: {}", removed.body);
        assert!(removed.body[field].is_null(), "{schema}.{field}: null removes it: {}", removed.body);
    }
    // A pricing rule's cap: the change answers with the rule and the items repriced.
    let rule = t
        .post(
            "/api/v1/admin/pricing-rules",
            Some(&admin),
            json!({"scope": "product", "product_id": pid, "tier": "retail", "percent_bp": 1000, "max_profit": 700}),
        )
        .await;
    assert_eq!(rule.status, StatusCode::CREATED, "{}", rule.body);
    let path = format!("/api/v1/admin/pricing-rules/{}", rule.body["rule"]["id"]);
    let prop = &spec["components"]["schemas"]["RuleUpdate"]["properties"]["max_profit"];
    assert_eq!(prop["nullable"], true, "{prop}");
    let kept = t.patch(&path, Some(&admin), json!({"percent_bp": 1200})).await;
    assert_eq!((kept.status, &kept.body["rule"]["max_profit"]), (StatusCode::OK, &json!(700)), "{}", kept.body);
    let removed = t.patch(&path, Some(&admin), json!({"max_profit": null})).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert!(removed.body["rule"]["max_profit"].is_null(), "{}", removed.body);
    assert_eq!(removed.body["rule"]["percent_bp"], 1200);

    // The banner's window is gone: it shows now.
    let live = t.get("/api/v1/banners", None).await.body;
    assert_eq!(live.as_array().unwrap().len(), 1, "{live}");
    // A field that is not optional is never removed by null.
    t.patch(&format!("/api/v1/admin/vouchers/{vid}"), Some(&admin), json!({"value": null})).await;
    assert_eq!(t.get(&format!("/api/v1/admin/vouchers/{vid}"), Some(&admin)).await.body["value"], 500);
}
