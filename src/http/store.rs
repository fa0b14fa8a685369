//! The storefront: the buyers' shop, static files from `assets/store/` compiled into the
//! binary and served at `/` (client-side pages `/p/<slug>`, `/order/<code>`, ...). It
//! uses only the public API. Its files are served under `/store/<version>/`, where the
//! version is a hash of all of them, so they can be cached for a year; the page itself
//! is revalidated with its ETag. The console's strict Content-Security-Policy, content
//! types and revalidation.

use poem::{
    endpoint::make_sync,
    http::{header, StatusCode},
    middleware::Compression,
    Endpoint, EndpointExt, Request, Response, Route,
};
use rust_embed::RustEmbed;

use super::console::{content_type, not_modified, CSP};
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/store/"]
struct Store;

/// With Google sign-in on, the page may also load Google's button (Google Identity
/// Services: its script, its style, its frame), and nothing else of Google's.
const CSP_GOOGLE: &str = "default-src 'self'; script-src 'self' https://accounts.google.com/gsi/client; \
                          style-src 'self' https://accounts.google.com/gsi/style; frame-src https://accounts.google.com/gsi/; \
                          img-src 'self' data: https:; connect-src 'self' https://accounts.google.com/gsi/; \
                          frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The pages the storefront's router draws; each gets the shell.
pub const PAGES: [&str; 10] = [
    "/",
    "/p/:slug",
    "/order/:code",
    "/login",
    "/register",
    "/account",
    "/search",
    "/forgot",
    "/reset-password",
    "/claim-orders",
];

/// A hash over every storefront file: a new lapak gets new asset addresses.
fn version() -> String {
    let mut names: Vec<_> = Store::iter().collect();
    names.sort();
    let mut h = Sha256::new();
    for n in names {
        if let Some(f) = Store::get(&n) {
            h.update(n.as_bytes());
            h.update(f.metadata.sha256_hash());
        }
    }
    hex::encode(&h.finalize()[..6])
}

fn secured(b: poem::ResponseBuilder, google: bool) -> poem::ResponseBuilder {
    b.header("content-security-policy", if google { CSP_GOOGLE } else { CSP })
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
}

/// Adds the storefront to `route`: its pages (the shell) and `/store/<version>/...`.
pub fn mount(mut route: Route, google: bool) -> Route {
    let version = version();
    let page = Store::get("index.html").map(|f| String::from_utf8_lossy(&f.data).replace("{{V}}", &version));
    let etag = page.as_ref().map(|p| format!("\"{}\"", hex::encode(&Sha256::digest(p.as_bytes())[..12])));
    let shell = std::sync::Arc::new((page, etag));
    for path in PAGES {
        route = route.at(path, shell_endpoint(shell.clone(), google).with(Compression::new()));
    }
    route.nest("/store", assets(version, google).with(Compression::new()))
}

fn shell_endpoint(
    shell: std::sync::Arc<(Option<String>, Option<String>)>,
    google: bool,
) -> impl Endpoint<Output = Response> {
    make_sync(move |req: Request| {
        let (Some(page), Some(etag)) = (&shell.0, &shell.1) else {
            return Response::builder().status(StatusCode::NOT_FOUND).finish();
        };
        if let Some(unchanged) = not_modified(&req, etag) {
            return unchanged;
        }
        let b = Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .header(header::ETAG, etag.as_str())
            .header(header::CACHE_CONTROL, "no-cache");
        secured(b, google).body(page.clone())
    })
}

fn assets(current: String, google: bool) -> impl Endpoint<Output = Response> {
    make_sync(move |req: Request| {
        // /store/<version>/<file>
        let rest = req.uri().path().trim_start_matches('/').trim_start_matches("store/");
        let Some((v, file)) = rest.split_once('/') else {
            return Response::builder().status(StatusCode::NOT_FOUND).finish();
        };
        let Some(f) = Store::get(file).filter(|_| file != "index.html") else {
            return Response::builder().status(StatusCode::NOT_FOUND).finish();
        };
        // An old page may ask for an old version: answer, but do not let it stick.
        let cache = if v == current { "public, max-age=31536000, immutable" } else { "no-cache" };
        let etag = format!("\"{}\"", hex::encode(f.metadata.sha256_hash()));
        if let Some(unchanged) = not_modified(&req, &etag) {
            return unchanged;
        }
        let b = Response::builder()
            .header(header::CONTENT_TYPE, content_type(file))
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, cache);
        secured(b, google).body(f.data.into_owned())
    })
}
