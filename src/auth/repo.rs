//! All SQL for login tokens (`access_tokens`, stored hashed).

use rusqlite::{params, Connection, OptionalExtension};

use super::model::AuthUser;

/// How a console session slides: idle minutes, and the time it never passes.
pub struct Idle<'a> {
    pub minutes: i64,
    pub renew_until: &'a str,
}

pub fn insert_token(
    c: &Connection,
    user_id: i64,
    hash: &str,
    expires_at: &str,
    ip: &str,
    user_agent: Option<&str>,
    idle: Option<Idle<'_>>,
) -> rusqlite::Result<i64> {
    let name = if idle.is_some() { "console" } else { "api" };
    c.execute(
        "INSERT INTO access_tokens (user_id, token_hash, expires_at, ip_address, user_agent, name, idle_minutes, renew_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            user_id,
            hash,
            expires_at,
            ip,
            user_agent,
            name,
            idle.as_ref().map(|i| i.minutes),
            idle.as_ref().map(|i| i.renew_until)
        ],
    )?;
    Ok(c.last_insert_rowid())
}

/// The user behind a token, only if the token is unrevoked and unexpired and the user is
/// active, not a guest and not deleted; plus when the token was last used and, for a
/// console session, its idle minutes and the time it cannot be renewed past.
pub struct TokenUse {
    pub last_used_at: Option<String>,
    pub idle_minutes: Option<i64>,
    pub renew_until: Option<String>,
}

pub fn find_token_user(c: &Connection, hash: &str, now: &str) -> rusqlite::Result<Option<(AuthUser, TokenUse)>> {
    c.query_row(
        "SELECT u.id, u.name, u.email, u.phone, u.role, u.customer_type, t.id, t.last_used_at, t.idle_minutes, t.renew_until
         FROM access_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2
           AND u.status = 'active' AND u.deleted_at IS NULL AND u.is_guest = 0",
        params![hash, now],
        |r| {
            let used = TokenUse { last_used_at: r.get(7)?, idle_minutes: r.get(8)?, renew_until: r.get(9)? };
            Ok((auth_user(r, r.get(6)?)?, used))
        },
    )
    .optional()
}

/// Records a use; a console session's expiry moves to `expires_at` (already capped).
pub fn touch_token(c: &Connection, token_id: i64, now: &str, expires_at: Option<&str>) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE access_tokens SET last_used_at = ?2, expires_at = COALESCE(?3, expires_at)
         WHERE id = ?1 AND revoked_at IS NULL",
        params![token_id, now, expires_at],
    )?;
    Ok(())
}

/// The time a console session cannot be renewed past (None for other tokens).
pub fn renew_until(c: &Connection, token_id: i64) -> rusqlite::Result<Option<String>> {
    Ok(c.query_row("SELECT renew_until FROM access_tokens WHERE id = ?1", [token_id], |r| r.get(0))
        .optional()?
        .flatten())
}

pub fn revoke_token(c: &Connection, token_id: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE access_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND revoked_at IS NULL",
        [token_id],
    )?;
    Ok(())
}

pub fn revoke_all_tokens(c: &Connection, user_id: i64) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE access_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE user_id = ?1 AND revoked_at IS NULL",
        [user_id],
    )
}

/// Ends every session of a user but `keep` (a password change keeps the caller's).
pub fn revoke_other_tokens(c: &Connection, user_id: i64, keep: i64) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE access_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE user_id = ?1 AND id <> ?2 AND revoked_at IS NULL",
        params![user_id, keep],
    )
}

/// An active member as an authenticated caller (no token: `token_id` 0), for requests
/// authenticated another way (a signed H2H request).
pub fn find_active_user(c: &Connection, id: i64) -> rusqlite::Result<Option<AuthUser>> {
    c.query_row(
        "SELECT id, name, email, phone, role, customer_type FROM users
         WHERE id = ?1 AND status = 'active' AND deleted_at IS NULL AND is_guest = 0",
        [id],
        |r| auth_user(r, 0),
    )
    .optional()
}

/// An `AuthUser` from columns id, name, email, phone, role, customer_type (in that order).
fn auth_user(r: &rusqlite::Row<'_>, token_id: i64) -> rusqlite::Result<AuthUser> {
    Ok(AuthUser {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        role: r.get(4)?,
        customer_type: r.get(5)?,
        token_id,
    })
}
