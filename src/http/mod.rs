//! The HTTP edge: route table, OpenAPI service, docs UI, health and metrics, and the one
//! middleware every request passes (request id, log line, metrics, uniform errors).

pub mod body_check;
pub mod callbacks;
pub mod catalog_cache;
pub mod console;
pub mod signed;
pub mod spec;
pub mod store;
pub mod system;
pub mod uploads;

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use governor::DefaultKeyedRateLimiter;
use ipnet::IpNet;

use poem::{
    endpoint::make_sync,
    handler,
    http::header,
    http::HeaderValue,
    http::Method,
    http::StatusCode,
    listener::{Acceptor, Listener, TcpListener},
    middleware::Compression,
    middleware::Cors,
    web::{Data, Json},
    Endpoint, EndpointExt, IntoResponse, Middleware, Request, Response, Route, Server,
};
use poem_openapi::{error::ParseRequestPayloadError, OpenApiService};
use tracing::Instrument;

use crate::{
    accounts,
    app::{App, Limits},
    audit, bills, catalog, content, error, h2h, jobs, notifications, orders, pricing, reports, settings, supplier,
    vouchers, wallet,
};

pub fn api_service(app: &App) -> OpenApiService<impl poem_openapi::OpenApi, ()> {
    // Grouped: poem-openapi implements OpenApi for tuples of up to 16.
    let public = (
        accounts::api::AuthApi,
        accounts::api::MeApi,
        catalog::api::CatalogApi,
        orders::api::OrdersApi,
        bills::api::BillsApi,
        orders::api::DepositsApi,
        orders::api::PaymentChannelsApi,
        vouchers::api::VouchersApi,
        wallet::api::WalletApi,
        notifications::api::NotificationsApi,
        settings::api::SettingsApi,
        reports::api::AnalyticsApi,
        content::api::ContentApi,
        h2h::api::MeApiKeysApi,
    );
    let webhooks = (callbacks::SupplierWebhookApi, callbacks::TripayCallbackApi);
    let admin = (
        catalog::api::AdminCatalogApi,
        accounts::api::AdminUsersApi,
        supplier::api::AdminSupplierApi,
        pricing::api::PricingRulesApi,
        vouchers::api::AdminVouchersApi,
        wallet::api::AdminWalletApi,
        orders::api::AdminOrdersApi,
        settings::api::AdminSettingsApi,
        reports::api::ReportsApi,
        audit::api::AuditApi,
        system::SystemApi,
        content::api::AdminContentApi,
        jobs::api::AdminJobsApi,
        h2h::api::AdminApiKeysApi,
        accounts::api::ConsoleSessionApi,
    );
    let apis = (public, webhooks, admin);
    OpenApiService::new(apis, "lapak", env!("CARGO_PKG_VERSION"))
        .description(
            "lapak: a top-up store backend for Indonesian digital-goods resellers \
             (game top-ups, phone credit, data, e-money, PLN tokens). Every error has the body \
             `{status, code, message, field?, details?}`. Authenticate with \
             `Authorization: Bearer <token>` from `POST /api/v1/auth/login`.",
        )
        .url_prefix("/api/v1")
        .server(app.config.server.public_url.trim_end_matches('/').to_string())
}

/// The whole app as one endpoint.
pub fn routes(app: App) -> impl Endpoint {
    let api = api_service(&app);
    let spec = spec::finish(&api.spec());
    let spec_for_checks = spec.clone();
    let docs = api.swagger_ui();

    let cors = {
        let origins = &app.config.server.cors_origins;
        let mut c = Cors::new()
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE])
            .allow_headers(["authorization", "content-type", "idempotency-key", "x-request-id"])
            .expose_headers(["x-request-id", "retry-after"])
            .max_age(3600);
        for o in origins {
            c = c.allow_origin(o.as_str());
        }
        c
    };

    let mut route = Route::new();
    if let Some(sim) = app.demo_tripay.get() {
        route = route.nest("/demo/tripay", sim.routes());
    }
    let route = route
        .nest("/api/v1", api)
        .nest("/h2h", signed::routes(&app))
        .at(
            "/openapi.json",
            make_sync(move |_| Response::builder().content_type("application/json; charset=utf-8").body(spec.clone())),
        )
        .nest("/docs", docs)
        .at("/healthz", healthz)
        .at("/uploads/*path", uploads::serve)
        .at("/admin", console::serve.with(Compression::new()))
        .at("/admin/*path", console::serve.with(Compression::new()))
        .at("/metrics", metrics_handler);
    // The storefront at `/`, or (switched off) a pointer to the API docs.
    let route = if app.config.storefront.enabled {
        store::mount(route, !app.config.auth.google_client_id.trim().is_empty())
    } else {
        route.at(
            "/",
            make_sync(|_| Response::builder().status(StatusCode::FOUND).header(header::LOCATION, "/docs").finish()),
        )
    };
    route
        .with(catalog_cache::CatalogCache::new(app.clone()))
        // No configured origin means same-origin only: no CORS headers at all (poem's Cors
        // with an empty list would allow every origin).
        .with_if(!app.config.server.cors_origins.is_empty(), cors)
        .with(Edge {
            app: app.clone(),
            spec: Arc::new(body_check::SpecIndex::new(&spec_for_checks)),
            proxies: Arc::new(app.config.server.proxy_nets()),
            hsts: app.config.server.public_url.starts_with("https://"),
        })
        .data(app)
}

#[handler]
async fn healthz(app: Data<&App>) -> Response {
    match app.db.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ok", "database": "ok", "version": env!("CARGO_PKG_VERSION")}))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            error::ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unhealthy", "database unreachable").into_response()
        }
    }
}

#[handler]
fn metrics_handler(app: Data<&App>, req: &Request) -> Response {
    let token = &app.config.server.metrics_token;
    if !token.is_empty() {
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        let ok: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into();
        if !ok {
            return error::ApiError::unauthorized("/metrics needs the metrics token (server.metrics_token)")
                .into_response();
        }
    }
    Response::builder().content_type("text/plain; version=0.0.4; charset=utf-8").body(app.metrics.render())
}

/// Request id, client address, bounded bodies, rate limits, a log line, metrics,
/// security headers, and the uniform error body.
struct Edge {
    app: App,
    spec: Arc<body_check::SpecIndex>,
    proxies: Arc<Vec<IpNet>>,
    hsts: bool,
}

impl<E: Endpoint> Middleware<E> for Edge {
    type Output = EdgeEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        EdgeEndpoint {
            inner: ep,
            app: self.app.clone(),
            spec: self.spec.clone(),
            proxies: self.proxies.clone(),
            hsts: self.hsts,
        }
    }
}

struct EdgeEndpoint<E> {
    inner: E,
    app: App,
    spec: Arc<body_check::SpecIndex>,
    proxies: Arc<Vec<IpNet>>,
    hsts: bool,
}

/// The per-address limit a request counts against, if any.
fn rate_limit<'a>(limits: &'a Limits, method: &Method, path: &str) -> Option<&'a DefaultKeyedRateLimiter<String>> {
    let p = path.strip_prefix("/api/v1")?.trim_end_matches('/');
    let order = p.strip_prefix("/transactions/").filter(|rest| !rest.is_empty());
    match *method {
        Method::POST if p == "/transactions" || p == "/deposits" => Some(&limits.checkout),
        Method::GET if order.is_some_and(|r| !r.contains('/')) => Some(&limits.order_lookup),
        Method::POST if order.is_some_and(|r| r.ends_with("/cancel")) => Some(&limits.order_lookup),
        Method::GET if p == "/payment-channels" || p.starts_with("/utility/") => Some(&limits.lookup),
        Method::POST if p == "/callbacks/tripay" || p == "/webhooks/digiflazz" => Some(&limits.webhook),
        Method::POST if p == "/bills/inquiry" => Some(&limits.bill_inquiry),
        Method::POST if p == "/auth/forgot-password" || p == "/auth/reset-password" => Some(&limits.password_reset),
        _ => None,
    }
}

/// The media type of a request, lowercased, without parameters.
fn media_type(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A request from the page's own origin: its `Origin` names the host it was sent to.
/// Such requests need no CORS, whatever `server.cors_origins` lists.
fn same_origin(req: &Request, public_url: &str) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Ok(o) = url::Url::parse(origin) else { return false };
    let authority = |u: &url::Url| {
        u.host_str().map(|h| match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        })
    };
    let Some(from) = authority(&o) else { return false };
    let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    from.eq_ignore_ascii_case(host) || url::Url::parse(public_url).ok().is_some_and(|p| p.origin() == o.origin())
}

impl<E: Endpoint> Endpoint for EdgeEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let started = Instant::now();
        let request_id = req
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_graphic()))
            .map(str::to_string)
            .unwrap_or_else(|| ulid::Ulid::generate().to_string());
        let ip = client_ip(&req, &self.proxies);
        req.set_data(crate::web::RequestId(request_id.clone()));
        req.set_data(crate::web::ClientIp(ip.clone()));
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let span = tracing::info_span!("request", id = %request_id, %method, %path, %ip);
        let refuse = |e: error::ApiError, label: &str| {
            self.app.metrics.observe(method.as_str(), label, e.status.as_u16(), started.elapsed().as_secs_f64());
            let mut resp = e.into_response();
            if let Ok(v) = HeaderValue::from_str(&request_id) {
                resp.headers_mut().insert("x-request-id", v);
            }
            resp.headers_mut().insert("x-content-type-options", HeaderValue::from_static("nosniff"));
            Ok(resp)
        };

        if let Some(limiter) = rate_limit(&self.app.limits, &method, &path) {
            if let Err(wait) = Limits::check(limiter, ip.clone()) {
                return refuse(error::ApiError::too_many(wait), "(rate limited)");
            }
        }
        if same_origin(&req, &self.app.config.server.public_url) {
            req.headers_mut().remove(header::ORIGIN);
        }
        if let Err(e) = console::cookie_session(&mut req) {
            return refuse(e, "(csrf)");
        }

        // Every body is bounded, whatever its content type, before anything reads it:
        // webhooks to a few KiB, image uploads to a few MiB, the rest to `body_max_kb`.
        let media = media_type(&req);
        let limits = &self.app.config.limits;
        let kib = if path.starts_with("/api/v1/callbacks/") || path.starts_with("/api/v1/webhooks/") {
            limits.webhook_body_max_kb
        } else if media == "multipart/form-data" {
            limits.upload_max_kb
        } else {
            limits.body_max_kb
        };
        let limit = usize::try_from(kib * 1024).unwrap_or(usize::MAX);
        let too_large = || {
            error::ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the request body is larger than {kib} KiB"),
            )
        };
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut body_copy = None;
        if !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
            if declared.is_some_and(|n| n > limit as u64) {
                return refuse(too_large(), "(body too large)");
            }
            match req.take_body().into_bytes_limit(limit).await {
                Ok(bytes) => {
                    // Keep a copy of JSON bodies so a schema error can name its field.
                    if media == "application/json" || media.ends_with("+json") {
                        body_copy = Some(bytes.clone());
                    }
                    req.set_body(bytes);
                }
                Err(poem::error::ReadBodyError::PayloadTooLarge) => return refuse(too_large(), "(body too large)"),
                Err(e) => {
                    return refuse(
                        error::ApiError::new(
                            StatusCode::BAD_REQUEST,
                            "unreadable_body",
                            format!("the body could not be read: {e}"),
                        ),
                        "(bad body)",
                    )
                }
            }
        }

        // A string field given a number or a boolean is refused, not coerced (poem-openapi
        // would turn `123` into "123").
        if let Some(bytes) = &body_copy {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
                if let Some(field) = self.spec.mistyped_field(method.as_str(), &path, &v) {
                    let e = error::ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        format!("field `{field}` has the wrong type"),
                    )
                    .with_field(field);
                    return refuse(e, "(bad body)");
                }
            }
        }

        let result = self.inner.call(req).instrument(span.clone()).await;
        let (route, mut resp) = match result {
            Ok(resp) => {
                let resp = resp.into_response();
                let route = resp.data::<poem::PathPattern>().map(|p| p.0.to_string());
                (route, resp)
            }
            Err(err) => {
                let route = err.data::<poem::PathPattern>().map(|p| p.0.to_string());
                let payload = err.downcast_ref::<ParseRequestPayloadError>().map(|e| e.reason.clone());
                let resp = match (payload, &body_copy) {
                    (Some(reason), Some(bytes)) => {
                        let (spec, m, r) = (&self.spec, method.as_str(), route.clone().unwrap_or_default());
                        error::payload_error(&reason, bytes, |v| spec.field_at_fault(m, &r, v)).into_response()
                    }
                    _ => {
                        let r = route.clone().unwrap_or_default();
                        error::to_response(err, |n| self.spec.path_param_name(&r, n).unwrap_or_else(|| n.to_string()))
                    }
                };
                (route, resp)
            }
        };
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            resp.headers_mut().insert("x-request-id", v);
        }
        if resp.status() == StatusCode::METHOD_NOT_ALLOWED && !resp.headers().contains_key(header::ALLOW) {
            let allowed = self.spec.methods_for(&path).join(", ");
            if let Ok(v) = HeaderValue::from_str(&allowed) {
                resp.headers_mut().insert(header::ALLOW, v);
            }
        }
        let headers = resp.headers_mut();
        headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
        if path.starts_with("/api/") && !headers.contains_key(header::CACHE_CONTROL) {
            // API answers are per caller (tokens, balances, orders): never cached on the way.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        if self.hsts {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
        }
        let status = resp.status().as_u16();
        let elapsed = started.elapsed();
        let route = match route {
            Some(r) => self.spec.documented_path(&r).map(str::to_string).unwrap_or(r),
            None if status == 404 => "(unmatched)".into(),
            None => "(other)".into(),
        };
        self.app.metrics.observe(method.as_str(), &route, status, elapsed.as_secs_f64());
        span.in_scope(|| {
            tracing::info!(status, ms = elapsed.as_millis() as u64, "handled");
        });
        Ok(resp)
    }
}

/// The client's address. The connection's own address, unless it is one of the trusted
/// proxies: then the right-most `X-Forwarded-For` address that is not a trusted proxy
/// (the left part of that header is whatever the client wrote).
fn client_ip(req: &Request, proxies: &[IpNet]) -> String {
    let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
    let trusted = |ip: &IpAddr| proxies.iter().any(|n| n.contains(ip));
    let Some(mut client) = peer else { return "unknown".into() };
    if !trusted(&client) {
        return client.to_string();
    }
    let hops: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_string()).collect::<Vec<_>>())
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !trusted(&ip) {
                    break;
                }
            }
            // Garbage in the chain: stop at the last address a proxy vouched for.
            Err(_) => break,
        }
    }
    client.to_string()
}

/// Binds the configured address.
pub async fn bind(addr: &str) -> std::io::Result<impl Acceptor> {
    TcpListener::bind(addr.to_string()).into_acceptor().await
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve<A: Acceptor + 'static>(
    app: App,
    acceptor: A,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = Duration::from_secs(app.config.server.shutdown_grace_secs);
    let pruner = {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                app.limits.prune();
            }
        })
    };
    let result =
        Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(routes(app), shutdown, Some(grace)).await;
    pruner.abort();
    result
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
