//! Bearer-token authentication as poem-openapi security schemes: `BearerAuth` (any active
//! user), `AdminAuth` (role admin, 403 otherwise) and `MaybeAuth` (guest checkout and
//! the catalog: no token is fine, a bad token is still 401).

use poem::Request;
use poem_openapi::{auth::Bearer, SecurityScheme};

use super::{
    model::{Actor, AdminCtx, AuthUser},
    service,
};
use crate::{app::App, error::ApiError, web::ClientIp};

fn app_of(req: &Request) -> Result<&App, ApiError> {
    req.data::<App>().ok_or_else(|| ApiError::internal("app state missing from request"))
}

async fn user_checker(req: &Request, bearer: Bearer) -> poem::Result<AuthUser> {
    let app = app_of(req)?;
    Ok(service::authenticate(app, &bearer.token).await?)
}

async fn admin_checker(req: &Request, bearer: Bearer) -> poem::Result<AdminCtx> {
    let app = app_of(req)?;
    let user = service::authenticate(app, &bearer.token).await?;
    if !user.is_admin() {
        return Err(ApiError::forbidden("this route is for admins").into());
    }
    let origin = origin(req);
    Ok(AdminCtx {
        id: user.id,
        token_id: user.token_id,
        name: user.name,
        email: user.email,
        ip: origin.ip,
        user_agent: origin.user_agent,
    })
}

/// The admin console's session cookie. Valid for `/api/v1/admin` only, so the
/// storefront (same origin, its own bearer token or none) never acts as the admin.
pub const CONSOLE_COOKIE: &str = "lapak_console";
const CONSOLE_PATH: &str = "/api/v1/admin";

/// Set by the edge when a console request authenticated with the cookie: its token.
#[derive(Clone)]
pub struct ConsoleToken(pub String);

/// The `Set-Cookie` value that starts (`Some(token)`) or ends (`None`) a console session:
/// HttpOnly, SameSite=Strict, and Secure when lapak is reached over https.
pub fn console_cookie(app: &App, req: &Request, token: Option<&str>) -> String {
    let https = app.config.server.public_url.starts_with("https://")
        || req.uri().scheme_str() == Some("https")
        || req.headers().get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    let mut c = poem::web::cookie::Cookie::new_with_str(CONSOLE_COOKIE, token.unwrap_or(""));
    c.set_path(CONSOLE_PATH);
    c.set_http_only(true);
    c.set_same_site(poem::web::cookie::SameSite::Strict);
    c.set_secure(https);
    match token {
        Some(_) => c.set_max_age(std::time::Duration::from_secs(app.config.auth.console_session_hours * 3600)),
        None => c.set_max_age(std::time::Duration::ZERO),
    }
    c.to_string()
}

/// The token a request authenticated with: the console cookie's, else the bearer's.
pub fn session_token(req: &Request) -> String {
    if let Some(t) = req.data::<ConsoleToken>() {
        return t.0.clone();
    }
    req.headers()
        .get(poem::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string()
}

/// Where a request came from (the address the edge settled on, and the user agent),
/// as the actor of an audit record; `user_id` is filled by the caller.
pub fn origin(req: &Request) -> Actor {
    let user_agent = req
        .headers()
        .get(poem::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(255).collect());
    Actor { user_id: None, ip: req.data::<ClientIp>().map(|c| c.0.clone()), user_agent }
}

/// The user acting, and from where.
pub fn actor(user: &AuthUser, req: &Request) -> Actor {
    Actor { user_id: Some(user.id), ..origin(req) }
}

/// A logged-in user (`Authorization: Bearer <token>`).
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "user_checker")]
pub struct BearerAuth(pub AuthUser);

/// A logged-in admin, with the request's origin for the audit log.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", rename = "AdminBearer", checker = "admin_checker")]
pub struct AdminAuth(pub AdminCtx);

/// A token is optional here.
#[derive(SecurityScheme)]
pub enum MaybeAuth {
    User(BearerAuth),
    #[oai(fallback)]
    Anonymous,
}

impl MaybeAuth {
    /// The user, or None for an anonymous caller. A request that did send a token which
    /// does not work is refused: silently treating it as a guest would hide expiry.
    pub fn user(self, req: &Request) -> Result<Option<AuthUser>, ApiError> {
        match self {
            MaybeAuth::User(BearerAuth(u)) => Ok(Some(u)),
            MaybeAuth::Anonymous => {
                if req.headers().contains_key(poem::http::header::AUTHORIZATION) {
                    Err(ApiError::unauthorized("the bearer token is invalid or expired"))
                } else {
                    Ok(None)
                }
            }
        }
    }
}
