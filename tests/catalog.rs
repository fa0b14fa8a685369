//! The catalog: tier prices by caller, hidden supplier cost, filters, admin edits.

use crate::common;

use common::{seed_catalog, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn item<'a>(detail: &'a Value, sku: &str) -> &'a Value {
    detail["items"].as_array().unwrap().iter().find(|i| i["sku"] == sku).unwrap_or_else(|| panic!("{sku} in {detail}"))
}

/// No customer-facing document may carry these keys anywhere.
fn assert_no_cost(v: &Value) {
    match v {
        Value::Object(m) => {
            for k in ["base_price", "retail_price", "reseller_price", "retail_profit", "reseller_profit"] {
                assert!(!m.contains_key(k), "{k} leaked: {v}");
            }
            m.values().for_each(assert_no_cost);
        }
        Value::Array(a) => a.iter().for_each(assert_no_cost),
        _ => {}
    }
}

#[tokio::test]
async fn prices_follow_the_callers_tier_and_hide_the_cost() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, _) = seed_catalog(&t, &admin).await;
    let (retail, _) = t.register("retail@example.com", "081234000001").await;
    let (reseller, rid) = t.register("reseller@example.com", "081234000002").await;
    t.make_reseller(&admin, rid).await;

    // Anonymous and retail callers see retail prices.
    for token in [None, Some(retail.as_str())] {
        let d = t.get(&format!("/api/v1/products/{pid}"), token).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.body);
        assert_eq!(item(&d.body, "ml86")["price"], 22_000);
        assert_eq!(d.body["price_range"], json!({"min": 1_700, "max": 43_500}));
        assert_no_cost(&d.body);
    }
    // A reseller sees reseller prices, on the list too.
    let d = t.get(&format!("/api/v1/products/{pid}"), Some(&reseller)).await;
    assert_eq!(item(&d.body, "ml86")["price"], 20_500);
    assert_eq!(item(&d.body, "ml5")["price"], 1_550);
    assert_no_cost(&d.body);
    let list = t.get("/api/v1/products", Some(&reseller)).await;
    assert_eq!(list.body["tier"], "reseller");
    assert_eq!(list.body["data"][0]["price_range"], json!({"min": 1_550, "max": 40_500}));
    assert_no_cost(&list.body);
    let anon_list = t.get("/api/v1/products", None).await;
    assert_eq!(anon_list.body["tier"], "retail");
    assert_no_cost(&anon_list.body);

    // By slug, with the typed input fields and customer_no format.
    let s = t.get("/api/v1/products/slug/mobile-legends", None).await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(s.body["id"].as_i64(), Some(pid));
    assert_eq!(s.body["customer_no_format"], "{user_id}{zone_id}");
    assert_eq!(s.body["input_fields"][0]["name"], "user_id");
    assert_eq!(s.body["input_fields"][1]["name"], "zone_id");
    assert!(s.body["input_fields"][0]["pattern"].is_string());

    // A bad token on a public route is still 401, not a silent guest.
    let bad = t.get("/api/v1/products", Some("lpk_wrong")).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_admin_sees_every_price() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = seed_catalog(&t, &admin).await;
    let p = t.get(&format!("/api/v1/admin/products/{pid}"), Some(&admin)).await;
    assert_eq!(p.status, StatusCode::OK);
    let ml86 = p.body["items"].as_array().unwrap().iter().find(|i| i["sku"] == "ml86").unwrap().clone();
    assert_eq!(ml86["base_price"], 19_000);
    assert_eq!(ml86["retail_profit"], 3_000);
    assert_eq!(ml86["reseller_profit"], 1_500);
    let i = t.get(&format!("/api/v1/admin/items/{}", items[1]), Some(&admin)).await;
    assert_eq!(i.body["reseller_price"], 20_500);
}

#[tokio::test]
async fn selling_below_cost_is_refused() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = seed_catalog(&t, &admin).await;
    let r = t
        .post(
            &format!("/api/v1/admin/products/{pid}/items"),
            Some(&admin),
            json!({"sku": "cheap", "name": "Cheap", "base_price": 10_000, "retail_price": 9_000, "reseller_price": 10_000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "retail_price");
    let r = t.patch(&format!("/api/v1/admin/items/{}", items[0]), Some(&admin), json!({"reseller_price": 100})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "reseller_price");
    // Nothing changed.
    let i = t.get(&format!("/api/v1/admin/items/{}", items[0]), Some(&admin)).await;
    assert_eq!(i.body["reseller_price"], 1_550);
    // A valid edit is stored as an override (kept by product sync).
    let ok = t.patch(&format!("/api/v1/admin/items/{}", items[0]), Some(&admin), json!({"retail_price": 1_800})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["retail_price"], 1_800);
    assert_eq!(ok.body["retail_price_override"], 1_800);
    assert_eq!(ok.body["retail_profit"], 400);
}

#[tokio::test]
async fn filters_search_sort_and_page_caps() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    seed_catalog(&t, &admin).await;
    let cat = t.post("/api/v1/admin/categories", Some(&admin), json!({"name": "Pulsa", "sort_order": 2})).await;
    let cid = cat.body["id"].as_i64().unwrap();
    let tsel = t
        .post(
            "/api/v1/admin/products",
            Some(&admin),
            json!({"category_id": cid, "name": "Telkomsel Pulsa", "brand": "TELKOMSEL", "type": "pulsa"}),
        )
        .await;
    assert_eq!(tsel.status, StatusCode::CREATED);
    assert_eq!(tsel.body["input_fields"][0]["name"], "phone");
    let tid = tsel.body["id"].as_i64().unwrap();
    t.post(
        &format!("/api/v1/admin/products/{tid}/items"),
        Some(&admin),
        json!({"sku": "tsel10", "name": "Pulsa 10.000", "base_price": 10_100, "retail_price": 11_000, "reseller_price": 10_600}),
    )
    .await;

    let by_cat = t.get("/api/v1/products?category=pulsa", None).await;
    assert_eq!(by_cat.body["meta"]["total"], 1);
    assert_eq!(by_cat.body["data"][0]["brand"], "TELKOMSEL");
    let by_type = t.get("/api/v1/products?type=game", None).await;
    assert_eq!(by_type.body["data"][0]["name"], "Mobile Legends");
    let featured = t.get("/api/v1/products?featured=true", None).await;
    assert_eq!(featured.body["meta"]["total"], 1);
    let search_sku = t.get("/api/v1/products?search=tsel10", None).await;
    assert_eq!(search_sku.body["meta"]["total"], 1);
    let search_none = t.get("/api/v1/products?search=%25", None).await;
    assert_eq!(search_none.body["meta"]["total"], 0, "LIKE wildcards are escaped");
    let by_price = t.get("/api/v1/products?sort=price&order=desc", None).await;
    assert_eq!(by_price.body["data"][0]["name"], "Telkomsel Pulsa");

    // Unknown query keys are not filters (the source turned them into SQL).
    let sneaky = t.get("/api/v1/products?items.base_price=19000&base_price=1", None).await;
    assert_eq!(sneaky.body["meta"]["total"], 2);
    // Page size is capped at 100, as the spec says: more is refused, naming the field.
    let big = t.get("/api/v1/products?per_page=100000", None).await;
    assert_eq!((big.status, big.body["field"].as_str()), (StatusCode::BAD_REQUEST, Some("per_page")));
    let most = t.get("/api/v1/products?per_page=100", None).await;
    assert_eq!(most.body["meta"]["per_page"], 100);
    let bad_sort = t.get("/api/v1/products?sort=base_price", None).await;
    assert_eq!(bad_sort.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_sort.body["field"], "sort");

    let cats = t.get("/api/v1/categories", None).await;
    assert_eq!(cats.body.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn inactive_things_leave_the_public_catalog() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = seed_catalog(&t, &admin).await;

    // A deactivated item disappears from the product's items.
    let r = t.delete(&format!("/api/v1/admin/items/{}", items[0]), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["is_active"], false);
    let d = t.get(&format!("/api/v1/products/{pid}"), None).await;
    assert_eq!(d.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(d.body["price_range"]["min"], 22_000);

    // A deactivated product is 404 for customers, still visible to the admin.
    t.delete(&format!("/api/v1/admin/products/{pid}"), Some(&admin)).await;
    assert_eq!(t.get(&format!("/api/v1/products/{pid}"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/products", None).await.body["meta"]["total"], 0);
    assert_eq!(t.get(&format!("/api/v1/admin/products/{pid}"), Some(&admin)).await.status, StatusCode::OK);
    t.patch(&format!("/api/v1/admin/products/{pid}"), Some(&admin), json!({"is_active": true})).await;
    assert_eq!(t.get(&format!("/api/v1/products/{pid}"), None).await.status, StatusCode::OK);

    // So does a product whose category is deactivated.
    let cat_id =
        t.get(&format!("/api/v1/admin/products/{pid}"), Some(&admin)).await.body["category"]["id"].as_i64().unwrap();
    t.delete(&format!("/api/v1/admin/categories/{cat_id}"), Some(&admin)).await;
    assert_eq!(t.get(&format!("/api/v1/products/{pid}"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/categories", None).await.body.as_array().unwrap().len(), 0);

    let missing = t.get("/api/v1/products/999999", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.error_code(), "not_found");
}

#[tokio::test]
async fn items_in_their_cut_off_window_are_shown_but_not_orderable() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = seed_catalog(&t, &admin).await;
    // A window around 01:00 Jakarta time (the clock moves there), and one far from it.
    let (start, end, far_s, far_e) = ("00:30", "01:30", "04:00", "05:00");
    t.advance_to_jakarta(1, 0);
    t.sql(&format!(
        "UPDATE product_items SET cut_off_start = '{start}', cut_off_end = '{end}' WHERE id = {};
         UPDATE product_items SET cut_off_start = '{far_s}', cut_off_end = '{far_e}' WHERE id = {};",
        items[0], items[1]
    ))
    .await;
    let d = t.get(&format!("/api/v1/products/{pid}"), None).await;
    let ml5 = item(&d.body, "ml5");
    assert_eq!(ml5["is_orderable"], false);
    assert_eq!(ml5["unavailable_reason"], "cut_off");
    assert_eq!(ml5["cut_off"]["start"], start);
    let ml86 = item(&d.body, "ml86");
    assert_eq!(ml86["is_orderable"], true);
    assert!(ml86.get("unavailable_reason").is_none());
    assert_eq!(item(&d.body, "ml172")["is_orderable"], true);
}

#[tokio::test]
async fn admin_edits_are_validated() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, _) = seed_catalog(&t, &admin).await;
    // customer_no_format must name declared fields.
    let r = t
        .patch(&format!("/api/v1/admin/products/{pid}"), Some(&admin), json!({"customer_no_format": "{server}"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "customer_no_format");
    // Patterns must compile.
    let r = t
        .patch(
            &format!("/api/v1/admin/products/{pid}"),
            Some(&admin),
            json!({"input_fields": [{"name": "user_id", "label": "ID", "pattern": "(["}], "customer_no_format": "{user_id}"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.body["field"], "input_fields[0].pattern");
    // A good edit: a server dropdown for the game.
    let r = t
        .patch(
            &format!("/api/v1/admin/products/{pid}"),
            Some(&admin),
            json!({"input_fields": [
                      {"name": "user_id", "label": "User ID", "pattern": "^[0-9]{5,12}$"},
                      {"name": "server", "label": "Server", "type": "select", "options": ["Asia", "America"]}],
                   "customer_no_format": "{user_id}|{server}", "name": "Mobile Legends: Bang Bang"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["name"], "Mobile Legends: Bang Bang");
    assert_eq!(r.body["slug"], "mobile-legends", "slug stays stable");
    let d = t.get(&format!("/api/v1/products/{pid}"), None).await;
    assert_eq!(d.body["input_fields"][1]["type"], "select");
    assert_eq!(d.body["input_fields"][1]["required"], true);
    // Duplicate slugs and SKUs conflict.
    let dup = t
        .post(
            &format!("/api/v1/admin/products/{pid}/items"),
            Some(&admin),
            json!({"sku": "ml5", "name": "Again", "base_price": 1, "retail_price": 1, "reseller_price": 1}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.body["field"], "sku");
    let unknown_cat = t
        .post(
            "/api/v1/admin/products",
            Some(&admin),
            json!({"category_id": 999, "name": "X", "brand": "X", "type": "game"}),
        )
        .await;
    assert_eq!(unknown_cat.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown_cat.body["field"], "category_id");
    let same_name = t
        .post(
            "/api/v1/admin/products",
            Some(&admin),
            json!({"category_id": d.body["category"]["id"], "name": "Mobile Legends", "brand": "ML", "type": "game"}),
        )
        .await;
    assert_eq!(same_name.status, StatusCode::CREATED);
    assert_eq!(same_name.body["slug"], "mobile-legends-2");
}

#[tokio::test]
async fn products_sort_by_how_much_they_sold() {
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    t.sync(&admin).await;
    t.sql("UPDATE product_items SET total_sold = 40 WHERE digiflazz_code = 'xld10'").await;
    t.sql("UPDATE product_items SET total_sold = 7 WHERE digiflazz_code IN ('ml5', 'ml12')").await;
    let r = t.get("/api/v1/products?sort=popular&per_page=3", None).await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    let slugs: Vec<&str> = r.body["data"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap()).collect();
    assert_eq!(&slugs[..2], ["xl-pulsa", "mobile-legends"], "{slugs:?}");
    let r = t.get("/api/v1/products?sort=popular&order=desc&per_page=100", None).await;
    let last = r.body["data"].as_array().unwrap().last().unwrap()["slug"].as_str().unwrap().to_string();
    assert_eq!(last, "xl-pulsa", "order=desc puts the best seller last");
}

/// A GET with headers, read raw (no decompression by the client).
async fn raw_get(
    t: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut rb = t.client.get(t.url(path));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.unwrap();
    let (status, headers) = (r.status(), r.headers().clone());
    (status, headers, r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_public_catalog_is_a_snapshot_with_etags_and_compression_rebuilt_on_change() {
    use std::io::Read;
    let t = TestApp::spawn().await;
    let admin = t.admin().await;
    let (pid, items) = seed_catalog(&t, &admin).await;
    let path = "/api/v1/products?per_page=50";

    let (s, h, plain) = raw_get(&t, path, &[]).await;
    assert_eq!(s, StatusCode::OK);
    let etag = h["etag"].to_str().unwrap().to_string();
    assert!(h.get("content-encoding").is_none());
    let first: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(first["data"][0]["name"], "Mobile Legends");

    // Unchanged: the same tag, and 304 for a client that holds it.
    let (s, h, body) = raw_get(&t, path, &[("if-none-match", &etag)]).await;
    assert_eq!((s, body.len()), (StatusCode::NOT_MODIFIED, 0));
    assert_eq!(h["etag"].to_str().unwrap(), etag);

    // gzip and brotli, negotiated; both decode to the same JSON.
    let (_, h, gz) = raw_get(&t, path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(h["content-encoding"], "gzip");
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut out).unwrap();
    assert_eq!(out, plain);
    let (_, h, br) = raw_get(&t, path, &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(h["content-encoding"], "br");
    let mut out = Vec::new();
    brotli::Decompressor::new(&br[..], 4096).read_to_end(&mut out).unwrap();
    assert_eq!(out, plain);
    let (_, h, _) = raw_get(&t, path, &[("accept-encoding", "br;q=0, gzip")]).await;
    assert_eq!(h["content-encoding"], "gzip", "br refused with q=0");

    // An admin's edit commits: the next read is rebuilt (new tag, new name).
    let r = t
        .patch(&format!("/api/v1/admin/products/{pid}"), Some(&admin), json!({"name": "Mobile Legends: Bang Bang"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (s, h, body) = raw_get(&t, path, &[("if-none-match", &etag)]).await;
    assert_eq!(s, StatusCode::OK, "the old tag no longer matches");
    assert_ne!(h["etag"].to_str().unwrap(), etag);
    let now: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(now["data"][0]["name"], "Mobile Legends: Bang Bang");

    // A price change reaches the product page too.
    let page = format!("/api/v1/products/{pid}");
    let before: Value = serde_json::from_slice(&raw_get(&t, &page, &[]).await.2).unwrap();
    let r = t.patch(&format!("/api/v1/admin/items/{}", items[0]), Some(&admin), json!({"retail_price": 2_500})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after: Value = serde_json::from_slice(&raw_get(&t, &page, &[]).await.2).unwrap();
    let price =
        |v: &Value| v["items"].as_array().unwrap().iter().find(|i| i["id"] == items[0]).unwrap()["price"].clone();
    assert_ne!(price(&before), price(&after));
    assert_eq!(price(&after), 2_500);

    // A sale moves only a counter: the snapshot stays.
    let (_, h1, _) = raw_get(&t, &page, &[]).await;
    t.sql(&format!("UPDATE product_items SET total_sold = total_sold + 1 WHERE id = {}", items[0])).await;
    let (_, h2, _) = raw_get(&t, &page, &[]).await;
    assert_eq!(h1["etag"], h2["etag"]);

    // A caller with a token is priced for its tier, not served the guests' snapshot.
    let (member, member_id) = t.register("reseller@example.com", "081234500009").await;
    t.make_reseller(&admin, member_id).await;
    let reseller = t.get(&page, Some(&member)).await;
    assert!(reseller.headers.get("etag").is_none());
    assert_eq!(price(&reseller.body), 1_550, "the reseller price, not the snapshot's retail price");
}
