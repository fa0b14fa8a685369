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
    Ok(AdminCtx { id: user.id, name: user.name, email: user.email, ip: origin.ip, user_agent: origin.user_agent })
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
