//! Opaque login tokens: 256 random bits, stored as SHA-256, with an expiry; every
//! request re-checks the user behind its token (suspension ends it at once).

use chrono::{DateTime, Duration, Utc};
use rand::{distributions::Alphanumeric, Rng};
use sha2::{Digest, Sha256};

use super::{
    model::{Actor, AuthUser},
    repo,
};
use crate::{
    app::App,
    db::{ts, DbError},
    error::{ApiError, ApiResult},
};

const TOKEN_PREFIX: &str = "lpk_";

/// A new random token (256 bits) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let raw: String = rand::rngs::OsRng.sample_iter(&Alphanumeric).take(43).map(char::from).collect();
    let token = format!("{TOKEN_PREFIX}{raw}");
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    // Tokens carry 256 bits of randomness, so a plain SHA-256 is enough to make a
    // leaked table useless; a slow hash would only slow every request.
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session for `user_id` that lasts `ttl_hours` from `now`: (token, expiry).
pub fn issue_token(
    c: &rusqlite::Connection,
    user_id: i64,
    ttl_hours: u64,
    now: DateTime<Utc>,
    origin: &Actor,
) -> rusqlite::Result<(String, String)> {
    let expires_at = ts(now + Duration::hours(ttl_hours as i64));
    Ok((insert_new(c, user_id, &expires_at, origin, None)?, expires_at))
}

/// Stores a new token's hash with its expiry and origin; the token.
fn insert_new(
    c: &rusqlite::Connection,
    user_id: i64,
    expires_at: &str,
    origin: &Actor,
    idle: Option<repo::Idle<'_>>,
) -> rusqlite::Result<String> {
    let (token, hash) = new_token();
    let ip = origin.ip.as_deref().unwrap_or("unknown");
    repo::insert_token(c, user_id, &hash, expires_at, ip, origin.user_agent.as_deref(), idle)?;
    Ok(token)
}

/// A console session for `user_id`: it ends after `idle_minutes` without a request, and
/// at the latest `max_hours` from `now`. (token, first expiry).
pub fn issue_console_token(
    c: &rusqlite::Connection,
    user_id: i64,
    idle_minutes: u64,
    max_hours: u64,
    now: DateTime<Utc>,
    origin: &Actor,
) -> rusqlite::Result<(String, String)> {
    let renew_until = ts(now + Duration::hours(max_hours as i64));
    let expires_at = ts(now + Duration::minutes(idle_minutes as i64)).min(renew_until.clone());
    let idle = repo::Idle { minutes: idle_minutes as i64, renew_until: &renew_until };
    Ok((insert_new(c, user_id, &expires_at, origin, Some(idle))?, expires_at))
}

/// The value a console page sends as `X-CSRF-Token` with every state-changing call: bound
/// to the session cookie (a keyed hash of it), readable only by a page that was told it
/// (`GET /admin/session` answers same-origin pages only). Another site can make the
/// browser send the cookie, never this header.
pub fn csrf_token(session_token: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(session_token.as_bytes()).expect("any key length");
    mac.update(b"lapak console csrf");
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `given` is the CSRF token of `session_token` (constant time).
pub fn csrf_ok(session_token: &str, given: &str) -> bool {
    subtle::ConstantTimeEq::ct_eq(csrf_token(session_token).as_bytes(), given.as_bytes()).into()
}

/// The user behind a bearer token, or 401.
pub async fn authenticate(app: &App, token: &str) -> ApiResult<AuthUser> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Err(ApiError::unauthorized("the bearer token is invalid or expired"));
    }
    let hash = token_hash(token);
    let now = app.clock.now();
    let now_s = ts(now);
    let (user, used) = app
        .db
        .read(move |c| Ok::<_, DbError>(repo::find_token_user(c, &hash, &now_s)?))
        .await?
        .ok_or_else(|| ApiError::unauthorized("the bearer token is invalid or expired"))?;
    // Record use at most every five minutes (a console session: every minute, pushing
    // its idle expiry forward), not on every request.
    let every = if used.idle_minutes.is_some() { Duration::minutes(1) } else { Duration::minutes(5) };
    if used.last_used_at.is_none_or(|t| t < ts(now - every)) {
        let expires = match (used.idle_minutes, used.renew_until) {
            (Some(idle), Some(until)) => Some(ts(now + Duration::minutes(idle)).min(until)),
            _ => None,
        };
        let (id, now_s) = (user.token_id, ts(now));
        app.db.write(move |tx| Ok::<_, DbError>(repo::touch_token(tx, id, &now_s, expires.as_deref())?)).await?;
    }
    Ok(user)
}

/// When a console session used now ends: `idle_minutes` from now, or its cap if sooner.
pub async fn console_session_end(app: &App, token_id: i64, idle_minutes: u64) -> Result<String, DbError> {
    let idle_end = ts(app.clock.now() + Duration::minutes(idle_minutes as i64));
    let cap = app.db.read(move |c| Ok::<_, DbError>(repo::renew_until(c, token_id)?)).await?;
    Ok(cap.map_or(idle_end.clone(), |cap| idle_end.min(cap)))
}

/// Ends the session of this token.
pub async fn logout(app: &App, token_id: i64) -> Result<(), DbError> {
    app.db.write(move |tx| Ok(repo::revoke_token(tx, token_id)?)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, hb) = new_token();
        assert_ne!(a, b);
        assert_ne!(ha, hb);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 43);
        assert_eq!(token_hash(&a), ha);
    }
}
