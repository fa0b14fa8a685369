//! Account rules: registration, login (argon2id, rate-limited), profile and password
//! care, guest-order claims, the admin's users.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::{Duration, Utc};
use rand::Rng;

use super::{
    model::{AuthUser, CustomerType, LoginRequest, Profile, RegisterRequest, Role, TokenResponse},
    repo,
};
use crate::auth::{
    repo::revoke_all_tokens,
    service::{issue_token, new_token, token_hash},
};
use crate::{
    app::{App, Limits},
    db::{ts, Db, DbError},
    error::{ApiError, ApiResult},
};

pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(format!("argon2: {e}")))
    })
    .await
    .map_err(|e| ApiError::internal(e))?
}

pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        // Without a hash (unknown user, guest) still do the work, so timing does not
        // tell which identifiers exist.
        const DUMMY: &str =
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2pM2ov9bUVYXwJ4F1tLZWsbdxwW5Vtn4Z8KkHUoFwWc";
        let stored = hash.as_deref().unwrap_or(DUMMY);
        let ok = match PasswordHash::new(stored) {
            Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        };
        ok && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

/// Lower-cased and trimmed; a light check (a mailbox, an @, a dotted domain).
pub fn normalize_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !crate::text::has_hidden(&email)
        && email.matches('@').count() == 1
        && email.len() <= 255;
    ok.then_some(email)
}

/// An Indonesian mobile number in the local `08...` form (10 to 15 digits).
pub fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    let local = if let Some(rest) = digits.strip_prefix("+62") {
        format!("0{rest}")
    } else if let Some(rest) = digits.strip_prefix("62") {
        format!("0{rest}")
    } else {
        digits
    };
    let ok = local.starts_with("08") && (10..=15).contains(&local.len()) && local.chars().all(|c| c.is_ascii_digit());
    ok.then_some(local)
}

fn new_referral_code() -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..8).map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char).collect()
}

/// A referral code no user has yet.
pub fn referral_code_for(c: &rusqlite::Connection) -> Result<String, DbError> {
    for _ in 0..20 {
        let code = new_referral_code();
        if !repo::referral_code_taken(c, &code)? {
            return Ok(code);
        }
    }
    Err(DbError::Other("could not find a free referral code".into()))
}

/// A person's name as stored, or a 422 naming `field`.
pub fn person_name(field: &str, raw: &str) -> ApiResult<String> {
    crate::text::clean_name(raw, 255).map_err(|why| ApiError::validation(field, format!("{field} {why}")))
}

/// A new password, or a 422 naming `field` (weak, trivial, or the user's own details).
pub fn check_new_password(field: &str, password: &str, user_inputs: &[&str]) -> ApiResult<()> {
    match crate::text::password_problem(password, user_inputs) {
        Some(why) => Err(ApiError::validation(field, why).with_code("weak_password")),
        None => Ok(()),
    }
}

pub async fn register(app: &App, req: RegisterRequest, ip: &str, ua: Option<String>) -> ApiResult<TokenResponse> {
    Limits::check(&app.limits.register, format!("ip:{ip}")).map_err(ApiError::too_many)?;
    let name = person_name("name", &req.name)?;
    let email = normalize_email(&req.email)
        .ok_or_else(|| ApiError::validation("email", "email is not a valid e-mail address"))?;
    let phone = normalize_phone(&req.phone).ok_or_else(|| {
        ApiError::validation("phone", "phone must be an Indonesian mobile number such as 081234567890")
    })?;
    check_new_password("password", &req.password, &[&email, &name, &phone])?;
    let referral = req.referral_code.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
    let hash = hash_password(req.password).await?;
    let ttl = app.config.auth.token_ttl_hours;
    let ip = ip.to_string();

    let (user_id, token, expires_at) = app
        .db
        .write(move |tx| -> ApiResult<_> {
            let referred_by = match &referral {
                Some(code) => Some(
                    repo::id_by_referral_code(tx, code)?
                        .ok_or_else(|| ApiError::validation("referral_code", "no user has this referral code"))?,
                ),
                None => None,
            };
            // Members only: a guest row with the same address (checkout made it) stays
            // the guest's, with its orders; claiming them takes the mailed link.
            if repo::find_live_by_email(tx, &email)?.is_some() {
                return Err(ApiError::conflict("email_taken", "this e-mail address is already registered").with_field("email"));
            }
            if repo::find_live_by_phone(tx, &phone)?.is_some() {
                return Err(ApiError::conflict("phone_taken", "this phone number is already registered").with_field("phone"));
            }
            let code = referral_code_for(tx)?;
            let id = repo::insert_user(
                tx,
                &repo::NewUser {
                    name: &name,
                    email: &email,
                    phone: Some(&phone),
                    password_hash: Some(&hash),
                    role: Role::Customer,
                    customer_type: CustomerType::Retail,
                    is_guest: false,
                    referral_code: Some(&code),
                    referred_by,
                },
            )?;
            let (token, expires_at) = issue_token(tx, id, ttl, &ip, ua.as_deref())?;
            repo::log_activity(
                tx,
                Some(id),
                "register",
                Some("user"),
                Some(id),
                "account registered",
                Some(&ip),
                None,
            )?;
            Ok((id, token, expires_at))
        })
        .await?;
    let user = profile(app, user_id).await?;
    Ok(TokenResponse { token, token_type: "Bearer".into(), expires_at, user })
}

pub async fn login(app: &App, req: LoginRequest, ip: &str, ua: Option<String>) -> ApiResult<TokenResponse> {
    let identifier = req.identifier.trim().to_lowercase();
    // The address, the identifier and the account are each limited: the first stops one
    // client trying many accounts, the others many clients (or many spellings of one
    // phone number: +62 812..., (0812)..., 0812...) trying one account.
    Limits::check(&app.limits.login, format!("ip:{ip}")).map_err(ApiError::too_many)?;
    let key = match (normalize_email(&identifier), normalize_phone(&identifier)) {
        (Some(e), _) if identifier.contains('@') => e,
        (_, Some(p)) => p,
        _ => identifier.clone(),
    };
    Limits::check(&app.limits.login, format!("id:{key}")).map_err(ApiError::too_many)?;

    let lookup = identifier.clone();
    let found = app
        .db
        .run(move |c| -> ApiResult<_> {
            let by_email = if lookup.contains('@') { repo::find_live_by_email(c, &lookup)? } else { None };
            Ok(match by_email {
                Some(u) => Some(u),
                None => match normalize_phone(&lookup) {
                    Some(p) => repo::find_live_by_phone(c, &p)?,
                    None => None,
                },
            })
        })
        .await?;
    let (user, hash) = match found {
        Some((u, h)) if !u.is_guest => (Some(u), h),
        _ => (None, None),
    };
    if let Some(u) = &user {
        Limits::check(&app.limits.login, format!("account:{}", u.id)).map_err(ApiError::too_many)?;
    }
    if !verify_password(req.password, hash).await {
        return Err(ApiError::new(
            poem::http::StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong identifier or password",
        ));
    }
    let user = user.ok_or_else(|| ApiError::internal("verified without a user"))?;
    if user.status != super::model::UserStatus::Active {
        return Err(ApiError::forbidden(format!("this account is {}", user.status.as_str()))
            .with_details(serde_json::json!({"status": user.status.as_str()})));
    }
    let ttl = app.config.auth.token_ttl_hours;
    let ip = ip.to_string();
    let uid = user.id;
    let (token, expires_at) = app
        .db
        .write(move |tx| -> ApiResult<_> {
            repo::record_login(tx, uid, &ip)?;
            Ok(issue_token(tx, uid, ttl, &ip, ua.as_deref())?)
        })
        .await?;
    let user = profile(app, uid).await?;
    Ok(TokenResponse { token, token_type: "Bearer".into(), expires_at, user })
}

pub async fn profile(app: &App, user_id: i64) -> ApiResult<Profile> {
    app.db
        .run(move |c| -> ApiResult<_> {
            let user = repo::find_by_id(c, user_id)?.ok_or_else(|| ApiError::not_found("user"))?;
            let balance = repo::balance_of(c, user_id)?;
            Ok(Profile::of(user, balance))
        })
        .await
}

pub async fn update_profile(app: &App, user_id: i64, b: super::model::ProfileUpdate) -> ApiResult<()> {
    let name = match b.name.as_deref() {
        Some(n) => Some(person_name("name", n)?),
        None => None,
    };
    let phone = match b.phone.as_deref() {
        Some(p) => {
            Some(normalize_phone(p).ok_or_else(|| ApiError::validation("phone", "not an Indonesian mobile number"))?)
        }
        None => None,
    };
    app.db
        .write(move |tx| -> ApiResult<()> {
            if let Some(p) = &phone {
                if repo::find_live_by_phone(tx, p)?.is_some_and(|(u, _)| u.id != user_id) {
                    return Err(ApiError::conflict("phone_taken", "this phone number is already registered")
                        .with_field("phone"));
                }
            }
            tx.execute(
                "UPDATE users SET name = COALESCE(?2, name), phone = COALESCE(?3, phone),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                rusqlite::params![user_id, name, phone],
            )?;
            Ok(())
        })
        .await
}

async fn password_hash_of(app: &App, user_id: i64) -> ApiResult<Option<String>> {
    app.db
        .run(move |c| -> ApiResult<_> {
            Ok(c.query_row("SELECT password FROM users WHERE id = ?1", [user_id], |r| r.get(0))?)
        })
        .await
}

pub async fn change_password(app: &App, user: &AuthUser, b: super::model::PasswordChange) -> ApiResult<()> {
    if !verify_password(b.current_password, password_hash_of(app, user.id).await?).await {
        return Err(ApiError::validation("current_password", "the current password is wrong"));
    }
    let phone = user.phone.clone().unwrap_or_default();
    check_new_password("new_password", &b.new_password, &[&user.email, &user.name, &phone])?;
    let hash = hash_password(b.new_password).await?;
    let (uid, keep) = (user.id, user.token_id);
    app.db
        .write(move |tx| -> ApiResult<()> {
            tx.execute(
                "UPDATE users SET password = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                rusqlite::params![uid, hash],
            )?;
            tx.execute(
                "UPDATE access_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE user_id = ?1 AND id <> ?2 AND revoked_at IS NULL",
                rusqlite::params![uid, keep],
            )?;
            repo::log_activity(
                tx,
                Some(uid),
                "password.change",
                Some("user"),
                Some(uid),
                "password changed",
                None,
                None,
            )?;
            Ok(())
        })
        .await
}

pub async fn delete_account(app: &App, user: &AuthUser, b: super::model::AccountDeletion) -> ApiResult<()> {
    if user.is_admin() {
        return Err(ApiError::conflict("admin_account", "an admin account cannot delete itself"));
    }
    if !verify_password(b.password, password_hash_of(app, user.id).await?).await {
        return Err(ApiError::validation("password", "the password is wrong"));
    }
    let uid = user.id;
    app.db
        .write(move |tx| -> ApiResult<()> {
            let busy: i64 = tx.query_row(
                "SELECT COUNT(*) FROM transactions WHERE user_id = ?1 AND status IN ('pending', 'processing')",
                [uid],
                |r| r.get(0),
            )?;
            if busy > 0 {
                return Err(ApiError::conflict(
                    "orders_in_progress",
                    format!("{busy} order(s) are still pending or processing; wait until they finish"),
                ));
            }
            // Money must not be stranded in an account nobody can log in to.
            let balance = repo::balance_of(tx, uid)?;
            if balance != 0 {
                return Err(ApiError::conflict(
                    "balance_not_zero",
                    format!("this account holds Rp {balance}; spend or withdraw it before deleting the account"),
                )
                .with_details(serde_json::json!({"balance": balance})));
            }
            let now = crate::db::now_str();
            // Soft delete: the row stays (orders, ledger and logs point at it); the
            // login data is cleared so the address and number can be used again.
            tx.execute(
                "UPDATE users SET deleted_at = ?2, status = 'inactive', password = NULL, phone = NULL, remember_token = NULL,
                        updated_at = ?2 WHERE id = ?1",
                rusqlite::params![uid, now],
            )?;
            revoke_all_tokens(tx, uid)?;
            tx.execute("DELETE FROM user_devices WHERE user_id = ?1", [uid])?;
            repo::log_activity(tx, Some(uid), "account.delete", Some("user"), Some(uid), "account deleted by its owner", None, None)?;
            Ok(())
        })
        .await
}

/// Starts a password reset. The answer never says whether the address exists (the
/// work happens in the background, so neither does the timing); the edge limits it
/// per client address.
pub async fn forgot_password(app: &App, email: &str) -> ApiResult<()> {
    let Some(email) = normalize_email(email) else {
        return Ok(());
    };
    let app = app.clone();
    tokio::spawn(async move {
        let ttl = app.config.smtp.reset_ttl_minutes as i64;
        let e2 = email.clone();
        let made = app
            .db
            .write(move |tx| -> ApiResult<Option<String>> {
                let Some((u, _)) = repo::find_live_by_email(tx, &e2)? else { return Ok(None) };
                if u.is_guest || u.status != super::model::UserStatus::Active {
                    return Ok(None);
                }
                let (token, hash) = new_token();
                tx.execute(
                    "INSERT INTO password_reset_tokens (user_id, token_hash, expires_at) VALUES (?1, ?2, ?3)",
                    rusqlite::params![u.id, hash, ts(Utc::now() + Duration::minutes(ttl))],
                )?;
                Ok(Some(token))
            })
            .await;
        if let Ok(Some(token)) = made {
            let link = app.config.smtp.reset_url.replace("{token}", &token);
            let body = format!(
                "Halo,\n\nSeseorang meminta reset password untuk akun ini. Buka tautan berikut dalam {} menit:\n\n{link}\n\n\
                 Jika bukan Anda, abaikan e-mail ini.\n",
                app.config.smtp.reset_ttl_minutes
            );
            if let Err(e) = super::mail::send(&app.config.smtp, &email, "Reset password", body).await {
                tracing::error!(error = %e, "password reset e-mail failed");
            }
        }
    });
    Ok(())
}

/// Finishes a reset: the token works once, before it expires; every session ends. The
/// token is looked up before any password hashing, so bogus tokens cost nothing.
pub async fn reset_password(app: &App, token: &str, password: String) -> ApiResult<()> {
    let hash = token_hash(token.trim());
    let now = ts(app.clock.now());
    let found = {
        let (hash, now) = (hash.clone(), now.clone());
        app.db
            .run(move |c| -> ApiResult<Option<(i64, String, String, String)>> {
                Ok(rusqlite::OptionalExtension::optional(c.query_row(
                    "SELECT t.user_id, u.email, u.name, COALESCE(u.phone, '') FROM password_reset_tokens t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = ?1 AND t.used_at IS NULL AND t.expires_at > ?2",
                    rusqlite::params![hash, now],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                ))?)
            })
            .await?
    };
    let Some((_, email, name, phone)) = found else {
        return Err(ApiError::validation("token", "this reset link is invalid, used or expired"));
    };
    check_new_password("password", &password, &[&email, &name, &phone])?;
    let new_hash = hash_password(password).await?;
    app.db
        .write(move |tx| -> ApiResult<()> {
            let row: Option<(i64, i64)> = rusqlite::OptionalExtension::optional(tx.query_row(
                "SELECT id, user_id FROM password_reset_tokens WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                rusqlite::params![hash, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?;
            let (id, uid) = row.ok_or_else(|| ApiError::validation("token", "this reset link is invalid, used or expired"))?;
            tx.execute("UPDATE password_reset_tokens SET used_at = ?2 WHERE id = ?1", rusqlite::params![id, now])?;
            tx.execute("UPDATE users SET password = ?2, updated_at = ?3 WHERE id = ?1", rusqlite::params![uid, new_hash, now])?;
            revoke_all_tokens(tx, uid)?;
            repo::log_activity(tx, Some(uid), "password.reset", Some("user"), Some(uid), "password reset by e-mail", None, None)?;
            Ok(())
        })
        .await
}

/// `lapak create-admin`: creates the admin, or makes an existing account an admin with
/// the new password. Returns (user id, created?).
pub fn create_admin(db: &Db, email: &str, name: &str, password_hash: &str) -> Result<(i64, bool), DbError> {
    let mut conn = db.conn()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let out = match repo::find_live_by_email(&tx, email)? {
        Some((u, _)) => {
            repo::set_password_and_admin(&tx, u.id, password_hash, name)?;
            revoke_all_tokens(&tx, u.id)?;
            (u.id, false)
        }
        None => {
            let code = referral_code_for(&tx)?;
            let id = repo::insert_user(
                &tx,
                &repo::NewUser {
                    name,
                    email,
                    phone: None,
                    password_hash: Some(password_hash),
                    role: Role::Admin,
                    customer_type: CustomerType::Retail,
                    is_guest: false,
                    referral_code: Some(&code),
                    referred_by: None,
                },
            )?;
            (id, true)
        }
    };
    repo::log_activity(
        &tx,
        Some(out.0),
        "create_admin",
        Some("user"),
        Some(out.0),
        "admin set by the command line",
        None,
        None,
    )?;
    tx.commit()?;
    Ok(out)
}

/// Synchronous argon2 for the CLI.
pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// `POST /me/guest-orders/claim`: mails a one-time link to the member's own address.
/// Whoever can open it owns the address, and so the guest orders bought with it. Sent
/// only when there is something to claim; the answer is the same either way.
pub async fn request_guest_claim(app: &App, user: &AuthUser) -> ApiResult<()> {
    Limits::check(&app.limits.login, format!("claim:{}", user.id)).map_err(ApiError::too_many)?;
    let (uid, email) = (user.id, user.email.clone());
    let ttl = app.config.smtp.reset_ttl_minutes as i64;
    let now = app.clock.now();
    let made = app
        .db
        .write(move |tx| -> ApiResult<Option<(String, i64)>> {
            let orders: i64 = tx.query_row(
                "SELECT COUNT(*) FROM transactions t JOIN users u ON u.id = t.user_id
                 WHERE u.is_guest = 1 AND u.deleted_at IS NULL AND u.email = ?1",
                [&email],
                |r| r.get(0),
            )?;
            if orders == 0 {
                return Ok(None);
            }
            let (token, hash) = new_token();
            tx.execute(
                "INSERT INTO guest_claims (user_id, email, token_hash, expires_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![uid, email, hash, ts(now + Duration::minutes(ttl))],
            )?;
            Ok(Some((token, orders)))
        })
        .await?;
    if let Some((token, orders)) = made {
        let app = app.clone();
        let to = user.email.clone();
        tokio::spawn(async move {
            let link = app.config.smtp.claim_url.replace("{token}", &token);
            let body = format!(
                "Halo,\n\nAda {orders} pesanan tamu yang dibeli dengan alamat e-mail ini. Untuk menampilkannya di akun \
                 Anda, buka tautan berikut dalam {} menit:\n\n{link}\n\nJika bukan Anda yang meminta, abaikan e-mail ini.\n",
                app.config.smtp.reset_ttl_minutes
            );
            if let Err(e) = super::mail::send(&app.config.smtp, &to, "Tambahkan pesanan ke akun Anda", body).await {
                tracing::error!(error = %e, "guest-order claim e-mail failed");
            }
        });
    }
    Ok(())
}

/// `POST /me/guest-orders/claim/confirm`: with the mailed token (the same member, once,
/// before it expires) the guest orders of the address show in the account. Who paid
/// does not change: a refund still goes to the payer the guest was.
pub async fn confirm_guest_claim(app: &App, user: &AuthUser, token: &str) -> ApiResult<i64> {
    let hash = token_hash(token.trim());
    let uid = user.id;
    let now = ts(app.clock.now());
    app.db
        .write(move |tx| -> ApiResult<i64> {
            let row: Option<(i64, String)> = rusqlite::OptionalExtension::optional(tx.query_row(
                "SELECT id, email FROM guest_claims
                 WHERE token_hash = ?1 AND user_id = ?2 AND used_at IS NULL AND expires_at > ?3",
                rusqlite::params![hash, uid, now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            ))?;
            let (id, email) =
                row.ok_or_else(|| ApiError::validation("token", "this claim link is invalid, used or expired"))?;
            tx.execute("UPDATE guest_claims SET used_at = ?2 WHERE id = ?1", rusqlite::params![id, now])?;
            let claimed = tx.execute(
                "UPDATE transactions SET user_id = ?1, updated_at = ?3
                 WHERE user_id IN (SELECT id FROM users WHERE is_guest = 1 AND deleted_at IS NULL AND email = ?2)",
                rusqlite::params![uid, email, now],
            )? as i64;
            repo::log_activity(
                tx,
                Some(uid),
                "guest_orders.claim",
                Some("user"),
                Some(uid),
                &format!("{claimed} guest order(s) of {email} claimed with the mailed link"),
                None,
                None,
            )?;
            Ok(claimed)
        })
        .await
}

/// `POST /admin/users`: a user of any role and tier, made by an admin.
pub async fn create_user_by_admin(
    app: &App,
    admin: i64,
    ip: Option<String>,
    b: super::model::UserCreate,
) -> ApiResult<super::model::AdminUser> {
        let email =
            normalize_email(&b.email).ok_or_else(|| ApiError::validation("email", "not a valid e-mail address"))?;
        let phone = match b.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => Some(
                normalize_phone(p).ok_or_else(|| ApiError::validation("phone", "not an Indonesian mobile number"))?,
            ),
            None => None,
        };
        let name = person_name("name", &b.name)?;
        let phone_text = phone.clone().unwrap_or_default();
        check_new_password("password", &b.password, &[&email, &name, &phone_text])?;
        let hash = hash_password(b.password).await?;
        let user = app
            .db
            .write(move |tx| -> ApiResult<_> {
                if repo::find_live_by_email(tx, &email)?.is_some() {
                    return Err(ApiError::conflict("email_taken", "this e-mail address is already registered")
                        .with_field("email"));
                }
                if let Some(p) = &phone {
                    if repo::find_live_by_phone(tx, p)?.is_some() {
                        return Err(ApiError::conflict("phone_taken", "this phone number is already registered")
                            .with_field("phone"));
                    }
                }
                let code = referral_code_for(tx)?;
                let id = repo::insert_user(
                    tx,
                    &repo::NewUser {
                        name: &name,
                        email: &email,
                        phone: phone.as_deref(),
                        password_hash: Some(&hash),
                        role: b.role.unwrap_or(Role::Customer),
                        customer_type: b.customer_type.unwrap_or(CustomerType::Retail),
                        is_guest: false,
                        referral_code: Some(&code),
                        referred_by: None,
                    },
                )?;
                tx.execute("INSERT OR IGNORE INTO balances (user_id) VALUES (?1)", [id])?;
                repo::log_activity(
                    tx,
                    Some(admin),
                    "user.create",
                    Some("user"),
                    Some(id),
                    &email,
                    ip.as_deref(),
                    None,
                )?;
                let u = repo::find_by_id(tx, id)?.ok_or_else(|| ApiError::internal("user vanished"))?;
                Ok(super::model::AdminUser {
                    referred_by: None,
                    referral_count: 0,
                    last_login_at: None,
                    deleted_at: None,
                    profile: Profile::of(u, 0),
                })
            })
            .await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_to_local_form() {
        assert_eq!(normalize_phone("+62 812-3456-7890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("6281234567890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("081234567890").as_deref(), Some("081234567890"));
        assert_eq!(normalize_phone("021555123"), None);
        assert_eq!(normalize_phone("08abc"), None);
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(normalize_email(" Budi@Example.COM ").as_deref(), Some("budi@example.com"));
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@b"), None);
        assert_eq!(normalize_email("a@@b.com"), None);
    }
}
