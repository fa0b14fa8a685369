//! All SQL of accounts: users, password-reset tokens, guest-order claims.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{CustomerType, Role, User, UserFilter, UserSort, UserStats, UserStatus};
use crate::db::query::{self, Filter, Slice};

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

/// The live account signed in with this Google account, with the Google id it holds.
pub fn find_by_google_id(c: &Connection, google_id: &str) -> rusqlite::Result<Option<User>> {
    c.query_row(
        &format!("SELECT {USER_COLS} FROM users WHERE google_id = ?1 AND deleted_at IS NULL"),
        [google_id],
        user_from,
    )
    .optional()
}

/// The Google id an account is linked to, if any.
pub fn google_id_of(c: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    Ok(c.query_row("SELECT google_id FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten())
}

/// Links an account to a Google account (Google has verified its e-mail address).
pub fn link_google(c: &Connection, id: i64, google_id: &str, picture: Option<&str>, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET google_id = ?2, social_avatar = COALESCE(?3, social_avatar),
                email_verified_at = COALESCE(email_verified_at, ?4), updated_at = ?4 WHERE id = ?1",
        params![id, google_id, picture, now],
    )?;
    Ok(())
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

/// A user of the admin's list, with its balance and referral count.
pub type ListedUser = (User, i64, i64);

/// A live password-reset token: (token id, user id, e-mail, name, phone).
pub type ResetToken = (i64, i64, String, String, String);

/// Admin list: whitelisted filters only; each user with balance and referral count.
pub fn list_users(c: &Connection, f: &UserFilter, slice: Slice) -> rusqlite::Result<(Vec<ListedUser>, i64)> {
    let mut w = Filter::new();
    w.contains(&["u.name", "u.email", "u.phone"], f.search.as_deref())
        .eq("u.role", f.role)
        .eq("u.customer_type", f.customer_type)
        .eq("u.status", f.status);
    if !f.include_guests {
        w.and("u.is_guest = 0", []);
    }
    if !f.include_deleted {
        w.and("u.deleted_at IS NULL", []);
    }
    let order = match f.sort.unwrap_or(UserSort::Newest) {
        UserSort::Oldest => "u.id ASC",
        UserSort::Name => "u.name COLLATE NOCASE ASC, u.id",
        UserSort::Balance => "COALESCE(b.balance, 0) DESC, u.id DESC",
        UserSort::Newest => "u.id DESC",
    };
    let cols = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    query::page(
        c,
        &format!("{cols}, COALESCE(b.balance, 0), (SELECT COUNT(*) FROM users r WHERE r.referred_by = u.id)"),
        "users u LEFT JOIN balances b ON b.user_id = u.id",
        &w,
        order,
        slice,
        |r| Ok((user_from(r)?, r.get(14)?, r.get(15)?)),
    )
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

pub fn referral_count(c: &Connection, id: i64) -> rusqlite::Result<i64> {
    c.query_row("SELECT COUNT(*) FROM users WHERE referred_by = ?1", [id], |r| r.get(0))
}

/// The users who registered with `id`'s referral code, with their balances.
pub fn referrals_of(c: &Connection, id: i64) -> rusqlite::Result<Vec<(User, i64)>> {
    let cols = USER_COLS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
    let mut s = c.prepare(&format!(
        "SELECT {cols}, COALESCE(b.balance, 0) FROM users u LEFT JOIN balances b ON b.user_id = u.id
         WHERE u.referred_by = ?1 ORDER BY u.id"
    ))?;
    let rows = s.query_map([id], |r| Ok((user_from(r)?, r.get(14)?)))?;
    rows.collect()
}

/// `phone`: None keeps it, Some(None) removes it.
pub fn update_profile(
    c: &Connection,
    id: i64,
    name: Option<&str>,
    phone: Option<Option<&str>>,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET name = COALESCE(?2, name), phone = CASE WHEN ?3 THEN ?4 ELSE phone END,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, name, phone.is_some(), phone.flatten()],
    )?;
    Ok(())
}

pub fn password_hash_of(c: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    Ok(c.query_row("SELECT password FROM users WHERE id = ?1", [id], |r| r.get(0)).optional()?.flatten())
}

pub fn set_password(c: &Connection, id: i64, hash: &str, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE users SET password = ?2, updated_at = ?3 WHERE id = ?1", params![id, hash, now])?;
    Ok(())
}

/// Orders of a user still pending or processing.
pub fn open_orders_of(c: &Connection, id: i64) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT COUNT(*) FROM transactions WHERE user_id = ?1 AND status IN ('pending', 'processing')",
        [id],
        |r| r.get(0),
    )
}

/// Soft delete: the row stays (orders, ledger and logs point at it); the login data is
/// cleared so the address and number can be used again.
pub fn soft_delete(c: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET deleted_at = ?2, status = 'inactive', password = NULL, phone = NULL, remember_token = NULL,
                updated_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    c.execute("DELETE FROM user_devices WHERE user_id = ?1", [id])?;
    Ok(())
}

pub fn ensure_balance_row(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.execute("INSERT OR IGNORE INTO balances (user_id) VALUES (?1)", [id])?;
    Ok(())
}

pub fn insert_reset_token(c: &Connection, user_id: i64, hash: &str, expires_at: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO password_reset_tokens (user_id, token_hash, expires_at) VALUES (?1, ?2, ?3)",
        params![user_id, hash, expires_at],
    )?;
    Ok(())
}

/// The user a live reset token belongs to.
pub fn find_reset_token(c: &Connection, hash: &str, now: &str) -> rusqlite::Result<Option<ResetToken>> {
    c.query_row(
        "SELECT t.id, t.user_id, u.email, u.name, COALESCE(u.phone, '') FROM password_reset_tokens t
         JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2",
        params![hash, now],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .optional()
}

/// Marks a reset token used; false when it was used (or expired) meanwhile.
pub fn use_reset_token(c: &Connection, id: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE password_reset_tokens SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL AND expires_at > ?2",
        params![id, now],
    )? == 1)
}

/// Orders bought as a guest with this e-mail.
pub fn guest_orders_of_email(c: &Connection, email: &str) -> rusqlite::Result<i64> {
    c.query_row(
        "SELECT COUNT(*) FROM transactions t JOIN users u ON u.id = t.user_id
         WHERE u.is_guest = 1 AND u.deleted_at IS NULL AND u.email = ?1",
        [email],
        |r| r.get(0),
    )
}

pub fn insert_guest_claim(
    c: &Connection,
    user_id: i64,
    email: &str,
    hash: &str,
    expires_at: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO guest_claims (user_id, email, token_hash, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![user_id, email, hash, expires_at],
    )?;
    Ok(())
}

/// Uses a live claim of this member once: the e-mail it claims.
pub fn use_guest_claim(c: &Connection, hash: &str, user_id: i64, now: &str) -> rusqlite::Result<Option<String>> {
    let row: Option<(i64, String)> = c
        .query_row(
            "SELECT id, email FROM guest_claims
             WHERE token_hash = ?1 AND user_id = ?2 AND used_at IS NULL AND expires_at > ?3",
            params![hash, user_id, now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, email)) = row else { return Ok(None) };
    c.execute("UPDATE guest_claims SET used_at = ?2 WHERE id = ?1", params![id, now])?;
    Ok(Some(email))
}

/// Moves the guest orders of an e-mail to a member; how many moved.
pub fn move_guest_orders(c: &Connection, email: &str, to_user: i64, now: &str) -> rusqlite::Result<i64> {
    Ok(c.execute(
        "UPDATE transactions SET user_id = ?1, updated_at = ?3
         WHERE user_id IN (SELECT id FROM users WHERE is_guest = 1 AND deleted_at IS NULL AND email = ?2)",
        params![to_user, email, now],
    )? as i64)
}

/// Counts of users by kind, and the balances they hold.
pub fn stats(c: &Connection, since: &str) -> rusqlite::Result<UserStats> {
    c.query_row(
        "SELECT COALESCE(SUM(is_guest = 0 AND deleted_at IS NULL), 0),
                COALESCE(SUM(role = 'admin' AND deleted_at IS NULL), 0),
                COALESCE(SUM(customer_type = 'reseller' AND is_guest = 0 AND deleted_at IS NULL), 0),
                COALESCE(SUM(customer_type = 'retail' AND role = 'customer' AND is_guest = 0 AND deleted_at IS NULL), 0),
                COALESCE(SUM(is_guest = 1), 0),
                COALESCE(SUM(status = 'suspended' AND deleted_at IS NULL), 0),
                COALESCE(SUM(deleted_at IS NOT NULL), 0),
                COALESCE(SUM(is_guest = 0 AND created_at >= ?1), 0),
                (SELECT COUNT(*) FROM balances WHERE balance > 0),
                (SELECT COALESCE(SUM(balance), 0) FROM balances)
         FROM users",
        [since],
        |r| {
            Ok(UserStats {
                total: r.get(0)?,
                admins: r.get(1)?,
                resellers: r.get(2)?,
                retail: r.get(3)?,
                guests: r.get(4)?,
                suspended: r.get(5)?,
                deleted: r.get(6)?,
                new_last_30_days: r.get(7)?,
                with_balance: r.get(8)?,
                total_balance: r.get(9)?,
            })
        },
    )
}

pub fn set_avatar(c: &Connection, id: i64, path: &str, now: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE users SET avatar = ?2, updated_at = ?3 WHERE id = ?1", params![id, path, now])?;
    Ok(())
}
