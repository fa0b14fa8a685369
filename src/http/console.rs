//! The admin console: static files from `assets/admin/`, compiled into the binary
//! (rust-embed), served at `/admin`, and its cookie session. The console logs in with
//! `POST /api/v1/admin/session`, which sets an HttpOnly, SameSite=Strict cookie valid for
//! `/api/v1/admin` only: no script can read the session, a reload keeps it, and each
//! state-changing call must carry the CSRF token the page was told. The strict
//! Content-Security-Policy below allows scripts from lapak only.

use poem::{handler, http::header, http::HeaderValue, http::Method, http::StatusCode, Request, Response};
use rust_embed::RustEmbed;

use crate::{
    auth::{
        api::{ConsoleToken, CONSOLE_COOKIE},
        service::csrf_ok,
    },
    error::ApiError,
};

/// A console call (`/api/v1/admin/...`) that carries the session cookie and no bearer
/// token is authenticated by the cookie: a state-changing one only with the session's
/// `X-CSRF-Token` (403 `csrf_failed` otherwise). Logging in needs neither.
pub(crate) fn cookie_session(req: &mut Request) -> Result<(), ApiError> {
    let path = req.uri().path();
    if !path.starts_with("/api/v1/admin/") || req.headers().contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    if path.trim_end_matches('/') == "/api/v1/admin/session" && req.method() == Method::POST {
        return Ok(());
    }
    // The first cookie of that name (the most specific path, RFC 6265 5.4).
    let token = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == CONSOLE_COOKIE)
        .map(|c| c.value().to_string());
    let Some(token) = token else {
        return Ok(());
    };
    if token.is_empty() {
        return Ok(());
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let given = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !csrf_ok(&token, given) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf_failed",
                "this console call needs the session's X-CSRF-Token header (reload the console)",
            ));
        }
    }
    let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| ApiError::unauthorized("the console session cookie is malformed; log in again"))?;
    req.headers_mut().insert(header::AUTHORIZATION, bearer);
    req.set_data(ConsoleToken(token));
    Ok(())
}

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
