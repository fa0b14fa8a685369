//! The signed H2H API at `/h2h/v1` (its own OpenAPI document at `/h2h/openapi.json`):
//! every request's signature, timestamp, key and address are checked over the raw body
//! before a handler runs; the handlers find the caller in the request.

use poem::{http::header, Body, Endpoint, IntoEndpoint, IntoResponse, Request, Response, Result as PoemResult};
use poem_openapi::OpenApiService;

use crate::{
    app::App,
    h2h::{api::H2hApi, service},
    web::ClientIp,
};

/// Checks the signature, then hands the request (body restored) to the API.
struct Verify<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for Verify<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> PoemResult<Response> {
        let Some(app) = req.data::<App>().cloned() else {
            return Ok(crate::error::ApiError::from(anyhow::anyhow!("no app")).into_response());
        };
        let body = req.take_body().into_vec().await?;
        let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let (key, stamp, sig) = (header("x-lapak-key"), header("x-lapak-timestamp"), header("x-lapak-signature"));
        let path = req.original_uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        let ip = req.data::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default();
        let method = req.method().as_str().to_string();
        let checked = service::authenticate(
            &app,
            service::Signed {
                key_id: key.as_deref(),
                timestamp: stamp.as_deref(),
                signature: sig.as_deref(),
                method: &method,
                path_and_query: &path,
                body: &body,
                ip: &ip,
            },
        )
        .await;
        match checked {
            Ok(caller) => {
                req.set_data(caller);
                req.set_body(Body::from(body));
                Ok(self.inner.call(req).await?.into_response())
            }
            Err(e) => Ok(crate::error::ApiError::from(e).into_response()),
        }
    }
}

pub fn service(app: &App) -> OpenApiService<H2hApi, ()> {
    OpenApiService::new(H2hApi, "lapak H2H", env!("CARGO_PKG_VERSION"))
        .description(
            "The host-to-host API for resellers' shops and counter software. Create a key in \
             your account (POST /api/v1/me/api-keys, resellers) with the addresses you call \
             from. Sign every request: X-Lapak-Key (the key id), X-Lapak-Timestamp (Unix \
             seconds, within 5 minutes of lapak's clock) and X-Lapak-Signature = lowercase hex \
             HMAC-SHA256(secret, METHOD + \"\\n\" + path with query + \"\\n\" + timestamp + \"\\n\" + \
             raw body). Orders are paid from your balance and idempotent by your ref_id. Errors \
             have the body {status, code, message, field}.",
        )
        .server(format!("{}/h2h/v1", app.config.server.public_url.trim_end_matches('/')))
}

/// `GET /h2h/otomax/trx`: counter software's own format (a signed query string in, one
/// plain-text line out).
#[poem::handler]
async fn otomax(req: &Request, query: poem::web::Query<std::collections::HashMap<String, String>>) -> Response {
    let Some(app) = req.data::<App>().cloned() else {
        return Response::builder().status(poem::http::StatusCode::INTERNAL_SERVER_ERROR).finish();
    };
    let q = query.0;
    let get = |k: &str| q.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let trx = service::OtomaxTrx {
        member_id: get("memberID"),
        product: get("product"),
        dest: get("dest"),
        ref_id: get("refID"),
        sign: get("sign"),
        ip: req.data::<ClientIp>().map(|c| c.0.clone()).unwrap_or_default(),
    };
    let line = service::otomax_trx(&app, trx).await;
    Response::builder().content_type("text/plain; charset=utf-8").body(line)
}

/// The H2H routes to nest at `/h2h`.
pub fn routes(app: &App) -> poem::Route {
    let api = service(app);
    let spec = api.spec();
    poem::Route::new().nest("/v1", Verify { inner: api.into_endpoint() }).at("/otomax/trx", poem::get(otomax)).at(
        "/openapi.json",
        poem::endpoint::make_sync(move |_| {
            Response::builder().header(header::CONTENT_TYPE, "application/json; charset=utf-8").body(spec.clone())
        }),
    )
}
