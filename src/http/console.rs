//! The admin console: static files from `assets/admin/`, compiled into the binary
//! (rust-embed), served at `/admin`. The console keeps its bearer token in memory only
//! (a page reload asks to log in again): nothing readable by other scripts survives in
//! storage, and the strict Content-Security-Policy below allows scripts from lapak only.

use poem::{handler, http::header, http::StatusCode, Request, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/admin/"]
struct Console;

/// Scripts, styles and connections from lapak only (the storefront uses it too).
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
                   connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The content type of an embedded file, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// 304 when the client already holds this version (`If-None-Match` equals `etag`).
pub(crate) fn not_modified(req: &Request, etag: &str) -> Option<Response> {
    (req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag))
        .then(|| Response::builder().status(StatusCode::NOT_MODIFIED).header(header::ETAG, etag).finish())
}

/// `GET /admin` and `/admin/<file>`; unknown paths get the shell (client-side routes).
#[handler]
pub fn serve(req: &Request) -> Response {
    let path = req.uri().path().trim_start_matches("/admin").trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    let (name, file) = match Console::get(path) {
        Some(f) => (path, f),
        None if !path.contains('.') => match Console::get("index.html") {
            Some(f) => ("index.html", f),
            None => return Response::builder().status(StatusCode::NOT_FOUND).finish(),
        },
        None => return Response::builder().status(StatusCode::NOT_FOUND).finish(),
    };
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    if let Some(unchanged) = not_modified(req, &etag) {
        return unchanged;
    }
    Response::builder()
        .header(header::CONTENT_TYPE, content_type(name))
        .header(header::ETAG, etag)
        // Revalidate every time: the ETag makes that cheap, and a new lapak is seen at once.
        .header(header::CACHE_CONTROL, "no-cache")
        .header("content-security-policy", CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .body(file.data.into_owned())
}
