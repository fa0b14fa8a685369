//! The storefront's serving: the page at `/` and its client-side paths, assets under a
//! version that changes with them (cached for a year), the CSP, revalidation by ETag,
//! and the switch that hands `/` back to the API docs.

use crate::common;

use common::TestApp;
use figment::providers::Serialized;
use reqwest::{header, redirect::Policy, StatusCode};

fn asset_paths(page: &str) -> Vec<String> {
    page.split('"').filter(|s| s.starts_with("/store/")).map(str::to_string).collect()
}

#[tokio::test]
async fn the_shop_is_served_at_the_root_with_cacheable_assets() {
    let t = TestApp::spawn().await;
    for path in ["/", "/p/mobile-legends", "/order/LPK123", "/login", "/account"] {
        let r = t.client.get(t.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-cache");
    }
    let r = t.client.get(t.url("/")).send().await.unwrap();
    let etag = r.headers()[header::ETAG].clone();
    let page = r.text().await.unwrap();
    assert!(page.contains("lang=\"id\""), "Indonesian by default");
    let assets = asset_paths(&page);
    assert_eq!(assets.len(), 2, "{page}");
    let version = assets[0].split('/').nth(2).unwrap().to_string();
    assert_eq!(version.len(), 12, "{assets:?}");
    assert!(!page.contains("{{V}}"));

    // Revalidation answers 304 without a body.
    let again = t.client.get(t.url("/")).header(header::IF_NONE_MATCH, etag).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Assets of this version are immutable; modules next to app.js share its version.
    for path in assets.iter().cloned().chain([format!("/store/{version}/pages/product.js")]) {
        let r = t.client.get(t.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable", "{path}");
    }
    let old = t.client.get(t.url("/store/000000000000/app.js")).send().await.unwrap();
    assert_eq!((old.status(), old.headers()[header::CACHE_CONTROL].to_str().unwrap()), (StatusCode::OK, "no-cache"));
    for missing in
        [format!("/store/{version}/nope.js"), format!("/store/{version}/index.html"), "/store/app.js".to_string()]
    {
        assert_eq!(t.client.get(t.url(&missing)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{missing}");
    }
    assert_eq!(t.client.get(t.url("/no-such-page")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn switched_off_the_root_leads_to_the_api_docs() {
    let t = TestApp::spawn_with(|f| f.merge(Serialized::default("storefront.enabled", false))).await;
    let client = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
    let r = client.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FOUND);
    assert_eq!(r.headers()[header::LOCATION], "/docs");
    assert_eq!(client.get(t.url("/p/mobile-legends")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get(t.url("/api/v1/products")).send().await.unwrap().status(), StatusCode::OK, "the API stays");
}
