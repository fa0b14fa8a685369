//! All SQL for users and tokens.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{CustomerType, Role, User, UserStatus};
use crate::db::{like_pattern, numbered_where};

const USER_COLS: &str = "id, name, email, phone, role, customer_type, is_guest, status, avatar, \
                         referral_code, referred_by, last_login_at, created_at, deleted_at";

fn user_from(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        role: r.get(4)?,
        customer_type: r.get(5)?,
        is_guest: r.get(6)?,
        status: r.get(7)?,
        avatar: r.get(8)?,
        referral_code: r.get(9)?,
        referred_by: r.get(10)?,
        last_login_at: r.get(11)?,
        created_at: r.get(12)?,
        deleted_at: r.get(13)?,
    })
}

pub struct NewUser<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub role: Role,
    pub customer_type: CustomerType,
    pub is_guest: bool,
    pub referral_code: Option<&'a str>,
    pub referred_by: Option<i64>,
}

pub fn insert_user(c: &Connection, u: &NewUser<'_>) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO users (name, email, phone, password, role, customer_type, is_guest, referral_code, referred_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            u.name,
            u.email,
            u.phone,
            u.password_hash,
            u.role,
            u.customer_type,
            u.is_guest,
            u.referral_code,
            u.referred_by
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn find_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    c.query_row(&format!("SELECT {USER_COLS} FROM users WHERE id = ?1"), [id], user_from).optional()
}

/// The live (not deleted) member with this e-mail, with the password hash. Guest rows
/// (made by checkout) share addresses with members and are never returned here.
pub fn find_live_by_email(c: &Connection, email: &str) -> rusqlite::Result<Option<(User, Option<String>)>> {
    c.query_row(
        &format!("SELECT {USER_COLS}, password FROM users WHERE email = ?1 AND deleted_at IS NULL AND is_guest = 0"),
        [email],
        |r| Ok((user_from(r)?, r.get(14)?)),
    )
    .optional()
}

pub fn find_live_by_phone(c: &Connection, phone: &str) -> rusqlite::Result<Option<(User, Option<String>)>> {
    c.query_row(
        &format!("SELECT {USER_COLS}, password FROM users WHERE phone = ?1 AND deleted_at IS NULL"),
        [phone],
        |r| Ok((user_from(r)?, r.get(14)?)),
    )
    .optional()
}

pub fn id_by_referral_code(c: &Connection, code: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT id FROM users WHERE referral_code = ?1 AND deleted_at IS NULL", [code], |r| r.get(0)).optional()
}

pub fn referral_code_taken(c: &Connection, code: &str) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE referral_code = ?1)", [code], |r| r.get(0))
}

/// The live guest row checkout made for an e-mail.
pub fn find_guest_by_email(c: &Connection, email: &str) -> rusqlite::Result<Option<i64>> {
    c.query_row("SELECT id FROM users WHERE email = ?1 AND is_guest = 1 AND deleted_at IS NULL", [email], |r| r.get(0))
        .optional()
}

pub fn set_password_and_admin(c: &Connection, id: i64, hash: &str, name: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET password = ?2, role = 'admin', is_guest = 0, status = 'active', name = ?3,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, hash, name],
    )?;
    Ok(())
}

pub fn record_login(c: &Connection, id: i64, ip: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), last_login_ip = ?2 WHERE id = ?1",
        params![id, ip],
    )?;
    Ok(())
}

pub fn balance_of(c: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    Ok(c.query_row("SELECT balance FROM balances WHERE user_id = ?1", [user_id], |r| r.get(0)).optional()?.unwrap_or(0))
}

#[derive(Default)]
pub struct UserFilter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub customer_type: Option<CustomerType>,
    pub status: Option<UserStatus>,
    pub include_guests: bool,
    pub include_deleted: bool,
    /// `newest` (default), `oldest`, `name` or `balance` (highest first).
    pub sort: Option<&'static str>,
}

/// Admin list: whitelisted filters only, newest first.
pub fn list_users(
    c: &Connection,
    f: &UserFilter,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<(User, i64, i64)>, i64)> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(s) = f.search.as_deref().filter(|s| !s.trim().is_empty()) {
        clauses
            .push("(u.name LIKE ?{n} ESCAPE '\\' OR u.email LIKE ?{n} ESCAPE '\\' OR u.phone LIKE ?{n} ESCAPE '\\')");
        args.push(like_pattern(s).into());
    }
    if let Some(r) = f.role {
        clauses.push("u.role = ?{n}");
        args.push(r.as_str().to_string().into());
    }
    if let Some(t) = f.customer_type {
        clauses.push("u.customer_type = ?{n}");
        args.push(t.as_str().to_string().into());
    }
    if let Some(s) = f.status {
        clauses.push("u.status = ?{n}");
        args.push(s.as_str().to_string().into());
    }
    if !f.include_guests {
        clauses.push("u.is_guest = 0");
    }
    if !f.include_deleted {
        clauses.push("u.deleted_at IS NULL");
    }
    let where_sql = numbered_where(&clauses);
    let total: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM users u {where_sql}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let n = args.len();
    let sql = format!(
        "SELECT {cols}, COALESCE(b.balance, 0), (SELECT COUNT(*) FROM users r WHERE r.referred_by = u.id)
         FROM users u LEFT JOIN balances b ON b.user_id = u.id
         {where_sql} ORDER BY {order} LIMIT ?{l} OFFSET ?{o}",
        order = match f.sort {
            Some("oldest") => "u.id ASC",
            Some("name") => "u.name COLLATE NOCASE ASC, u.id",
            Some("balance") => "COALESCE(b.balance, 0) DESC, u.id DESC",
            _ => "u.id DESC",
        },
        cols = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", "),
        l = n + 1,
        o = n + 2,
    );
    let mut all = args;
    all.push(limit.into());
    all.push(offset.into());
    let mut stmt = c.prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(all.iter()), |r| Ok((user_from(r)?, r.get(14)?, r.get(15)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

pub fn update_user(
    c: &Connection,
    id: i64,
    role: Option<Role>,
    customer_type: Option<CustomerType>,
    status: Option<UserStatus>,
    name: Option<&str>,
) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE users SET role = COALESCE(?2, role), customer_type = COALESCE(?3, customer_type),
                status = COALESCE(?4, status), name = COALESCE(?5, name),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND deleted_at IS NULL",
        params![id, role, customer_type, status, name],
    )
}

/// Writes an `activity_logs` row (admin actions, logins, ...).
pub fn log_activity(
    c: &Connection,
    user_id: Option<i64>,
    action: &str,
    model_type: Option<&str>,
    model_id: Option<i64>,
    description: &str,
    ip: Option<&str>,
    meta: Option<&serde_json::Value>,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO activity_logs (user_id, action, model_type, model_id, description, ip_address, meta_data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![user_id, action, model_type, model_id, description, ip, meta.map(|m| m.to_string())],
    )?;
    Ok(())
}

pub fn referral_count(c: &Connection, id: i64) -> rusqlite::Result<i64> {
    c.query_row("SELECT COUNT(*) FROM users WHERE referred_by = ?1", [id], |r| r.get(0))
}
