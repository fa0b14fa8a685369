//! The public catalog served like a static file. Anonymous `GET`s of the catalog
//! (`/categories`, `/products`, a product by id or slug) are answered from an in-memory
//! snapshot of the response: its bytes, an ETag (`If-None-Match` answers 304), and gzip
//! and brotli bodies made once and reused. A snapshot is valid while the database's
//! catalog version (bumped by triggers in the transaction of any catalog change: a sync,
//! a pricing rule, an admin's edit) is the one it was built at, and for the Jakarta
//! minute it was built in (an item's daily cut-off window moves availability with the
//! clock). A miss asks the catalog's handler once and keeps its answer; a hit touches
//! neither the database nor the writer. Callers with a token are priced for their tier
//! and skip the snapshot.

use std::{
    collections::HashMap,
    io::Write,
    sync::{Arc, Mutex, OnceLock},
};

use poem::{
    http::{header, HeaderValue, Method, StatusCode},
    Body, Endpoint, IntoResponse, Middleware, Request, Response,
};

use crate::app::App;

/// Distinct snapshots kept (catalog pages, searches); past it the oldest half goes.
const MAX_ENTRIES: usize = 1024;
/// Bodies smaller than this are sent as they are.
const COMPRESS_FROM: usize = 512;

struct Snapshot {
    version: u64,
    minute: i64,
    etag: String,
    /// Inserted at, for eviction.
    seq: u64,
    body: bytes::Bytes,
    gzip: OnceLock<bytes::Bytes>,
    br: OnceLock<bytes::Bytes>,
}

#[derive(Default)]
struct Store {
    map: HashMap<String, Arc<Snapshot>>,
    seq: u64,
}

/// The middleware; one store per app.
#[derive(Clone)]
pub struct CatalogCache {
    app: App,
    store: Arc<Mutex<Store>>,
}

impl CatalogCache {
    pub fn new(app: App) -> Self {
        CatalogCache { app, store: Arc::default() }
    }
}

impl<E: Endpoint> Middleware<E> for CatalogCache {
    type Output = CatalogCacheEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        CatalogCacheEndpoint { inner: ep, cache: self.clone() }
    }
}

pub struct CatalogCacheEndpoint<E> {
    inner: E,
    cache: CatalogCache,
}

/// Whether `path` is a public catalog read.
fn is_catalog(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api/v1/") else { return false };
    let rest = rest.trim_end_matches('/');
    rest == "categories"
        || rest == "products"
        || rest.strip_prefix("products/").is_some_and(|r| {
            let parts: Vec<&str> = r.split('/').collect();
            matches!(parts.as_slice(), [id] if id.chars().all(|c| c.is_ascii_digit()) && !id.is_empty())
                || matches!(parts.as_slice(), ["slug", s] if !s.is_empty())
        })
}

/// The encoding to send: brotli, then gzip, when the client accepts it (q > 0).
fn pick_encoding(accept: Option<&str>) -> Option<&'static str> {
    let accept = accept?;
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or_default().trim();
            let refused = it.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=").is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepts("br") {
        Some("br")
    } else if accepts("gzip") {
        Some("gzip")
    } else {
        None
    }
}

fn gzip(body: &[u8]) -> bytes::Bytes {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 4), flate2::Compression::new(6));
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default().into()
}

fn brotli(body: &[u8]) -> bytes::Bytes {
    let mut out = Vec::with_capacity(body.len() / 4);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        let _ = w.write_all(body);
    }
    out.into()
}

/// What the client asked of the answer: `If-None-Match` and `Accept-Encoding`.
struct Asked {
    if_none_match: Option<String>,
    accept_encoding: Option<String>,
}

impl Asked {
    /// Takes both headers off the request (the snapshot answers them, not the handler).
    fn take(req: &mut Request) -> Asked {
        let mut take = |name| req.headers_mut().remove(name).and_then(|v| v.to_str().ok().map(str::to_string));
        Asked { if_none_match: take(header::IF_NONE_MATCH), accept_encoding: take(header::ACCEPT_ENCODING) }
    }
}

impl Snapshot {
    fn respond(&self, asked: &Asked) -> Response {
        let matches = asked
            .if_none_match
            .as_deref()
            .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == self.etag));
        let mut resp = if matches {
            Response::builder().status(StatusCode::NOT_MODIFIED).finish()
        } else {
            let (body, coding) =
                match pick_encoding(asked.accept_encoding.as_deref()).filter(|_| self.body.len() >= COMPRESS_FROM) {
                    Some("br") => (self.br.get_or_init(|| brotli(&self.body)).clone(), Some("br")),
                    Some(_) => (self.gzip.get_or_init(|| gzip(&self.body)).clone(), Some("gzip")),
                    None => (self.body.clone(), None),
                };
            let mut r = Response::builder()
                .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
                .body(Body::from_bytes(body));
            if let Some(c) = coding {
                r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
            }
            r
        };
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            h.insert(header::ETAG, v);
        }
        // Revalidate every time: a 304 costs nothing, and a price change shows at once.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding, authorization"));
        resp
    }
}

impl<E: Endpoint> Endpoint for CatalogCacheEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let cacheable = req.method() == Method::GET
            && !req.headers().contains_key(header::AUTHORIZATION)
            && is_catalog(req.uri().path());
        if !cacheable {
            return self.inner.call(req).await.map(IntoResponse::into_response);
        }
        let key = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        let version = crate::catalog::service::version(&self.cache.app);
        let minute = self.cache.app.clock.now().timestamp().div_euclid(60);
        let found = {
            let store = self.cache.store.lock().unwrap_or_else(|p| p.into_inner());
            store.map.get(&key).filter(|s| s.version == version && s.minute == minute).cloned()
        };
        let asked = Asked::take(&mut req);
        if let Some(snap) = found {
            return Ok(snap.respond(&asked));
        }
        let resp = self.inner.call(req).await?.into_response();
        if resp.status() != StatusCode::OK {
            return Ok(resp);
        }
        let body = resp.into_body().into_bytes().await?;
        let digest = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&body));
        let etag = format!("\"c{version}-{}\"", &digest[..20]);
        let snap = {
            let mut store = self.cache.store.lock().unwrap_or_else(|p| p.into_inner());
            store.seq += 1;
            let snap = Arc::new(Snapshot {
                version,
                minute,
                etag,
                seq: store.seq,
                body,
                gzip: OnceLock::new(),
                br: OnceLock::new(),
            });
            if store.map.len() >= MAX_ENTRIES {
                let cut = store.seq.saturating_sub(MAX_ENTRIES as u64 / 2);
                store.map.retain(|_, s| s.seq > cut && s.version == version);
            }
            store.map.insert(key, snap.clone());
            snap
        };
        Ok(snap.respond(&asked))
    }
}

#[cfg(test)]
mod tests {
    use super::is_catalog;

    #[test]
    fn only_public_catalog_reads_are_snapshots() {
        for p in [
            "/api/v1/products",
            "/api/v1/products/",
            "/api/v1/categories",
            "/api/v1/products/12",
            "/api/v1/products/slug/xl-pulsa",
        ] {
            assert!(is_catalog(p), "{p}");
        }
        for p in [
            "/api/v1/products/12/items",
            "/api/v1/admin/products",
            "/api/v1/products/slug/",
            "/api/v1/transactions",
            "/api/v1/products/x1",
        ] {
            assert!(!is_catalog(p), "{p}");
        }
    }
}
