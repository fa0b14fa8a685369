//! The HTTP edge: route table, OpenAPI service, docs UI, health and metrics, and the one
//! middleware every request passes (request id, log line, metrics, uniform errors).

pub mod auth;
pub mod body_check;
pub mod metrics;
pub mod pagination;
pub mod raw;

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use poem::{
    endpoint::make_sync,
    handler,
    http::{header, HeaderValue, Method, StatusCode},
    listener::{Acceptor, Listener, TcpListener},
    middleware::Cors,
    web::{Data, Json},
    Endpoint, EndpointExt, IntoResponse, Middleware, Request, Response, Route, Server,
};
use poem_openapi::{error::ParseRequestPayloadError, OpenApiService};
use tracing::Instrument;

use crate::{
    accounts, admin, app::App, catalog, content, error, jobs, notifications, orders, payments, reports, settings,
    supplier, utility, vouchers, wallet,
};

/// The id of the current request (also sent back as `X-Request-Id`).
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// The client address, proxy headers honoured only when configured.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

pub fn api_service(app: &App) -> OpenApiService<impl poem_openapi::OpenApi, ()> {
    // Grouped: poem-openapi implements OpenApi for tuples of up to 16.
    let public = (
        accounts::api::AuthApi,
        accounts::api::MeApi,
        catalog::api::CatalogApi,
        orders::api::OrdersApi,
        payments::api::PaymentChannelsApi,
        vouchers::api::VouchersApi,
        wallet::api::WalletApi,
        notifications::api::NotificationsApi,
        settings::api::SettingsApi,
        utility::UtilityApi,
        admin::AnalyticsApi,
        content::ContentApi,
    );
    let webhooks = (supplier::api::SupplierWebhookApi, payments::api::TripayCallbackApi);
    let admin = (
        catalog::api::AdminCatalogApi,
        accounts::api::AdminUsersApi,
        supplier::api::AdminSupplierApi,
        supplier::api::PricingRulesApi,
        vouchers::api::AdminVouchersApi,
        wallet::api::AdminWalletApi,
        orders::admin_api::AdminOrdersApi,
        settings::api::AdminSettingsApi,
        reports::ReportsApi,
        admin::AdminToolsApi,
        content::AdminContentApi,
        jobs::api::AdminJobsApi,
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
    let spec = api.spec();
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
    route
        .nest("/api/v1", api)
        .at(
            "/openapi.json",
            make_sync(move |_| Response::builder().content_type("application/json; charset=utf-8").body(spec.clone())),
        )
        .nest("/docs", docs)
        .at("/healthz", healthz)
        .at("/uploads/*path", content::serve_upload)
        .at("/admin", admin::console::serve)
        .at("/admin/*path", admin::console::serve)
        .at("/metrics", metrics_handler)
        .at(
            "/",
            make_sync(|_| Response::builder().status(StatusCode::FOUND).header(header::LOCATION, "/docs").finish()),
        )
        // No configured origin means same-origin only: no CORS headers at all (poem's Cors
        // with an empty list would allow every origin).
        .with_if(!app.config.server.cors_origins.is_empty(), cors)
        .with(Edge { app: app.clone(), spec: Arc::new(body_check::SpecIndex::new(&spec_for_checks)) })
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
fn metrics_handler(app: Data<&App>) -> Response {
    Response::builder().content_type("text/plain; version=0.0.4; charset=utf-8").body(app.metrics.render())
}

/// Request id, client IP, a log line, metrics, and the uniform error body.
struct Edge {
    app: App,
    spec: Arc<body_check::SpecIndex>,
}

/// JSON bodies larger than this are refused (413); nothing lapak takes is near it.
const MAX_JSON_BODY: usize = 1024 * 1024;

impl<E: Endpoint> Middleware<E> for Edge {
    type Output = EdgeEndpoint<E>;
    fn transform(&self, ep: E) -> Self::Output {
        EdgeEndpoint { inner: ep, app: self.app.clone(), spec: self.spec.clone() }
    }
}

struct EdgeEndpoint<E> {
    inner: E,
    app: App,
    spec: Arc<body_check::SpecIndex>,
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
        let ip = client_ip(&req, self.app.config.server.trust_proxy_headers);
        req.set_data(RequestId(request_id.clone()));
        req.set_data(ClientIp(ip.clone()));
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let span = tracing::info_span!("request", id = %request_id, %method, %path, %ip);

        // Keep a copy of JSON bodies so a schema error can name its field.
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json"));
        let body_copy = if is_json && matches!(method, Method::POST | Method::PUT | Method::PATCH) {
            match req.take_body().into_bytes_limit(MAX_JSON_BODY).await {
                Ok(bytes) => {
                    req.set_body(bytes.clone());
                    Some(bytes)
                }
                Err(_) => {
                    let resp = error::ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "the request body is too large",
                    )
                    .into_response();
                    self.app.metrics.observe(method.as_str(), "(body too large)", 413, started.elapsed().as_secs_f64());
                    return Ok(resp);
                }
            }
        } else {
            None
        };

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

fn client_ip(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
        {
            if first.parse::<IpAddr>().is_ok() {
                return first.to_string();
            }
        }
    }
    match req.remote_addr().as_socket_addr() {
        Some(addr) => addr.ip().to_string(),
        None => "unknown".into(),
    }
}

/// The HTTP client for calls to Digiflazz and Tripay: a whole-call timeout, a shorter
/// connect timeout, lapak's user agent.
pub fn outbound_client(timeout_secs: u64) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(timeout_secs))
        .connect_timeout(Duration::from_secs(timeout_secs.min(10)))
        .user_agent(concat!("lapak/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a reqwest client with these settings always builds")
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
