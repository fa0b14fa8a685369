//! Account rules: registration, login (argon2id, rate-limited), profile and password
//! care, guest-order claims, the admin's users. SQL is in `repo`; every change that an
//! audit record describes commits with it.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use chrono::Duration;
use poem_openapi::types::MaybeUndefined;
use rand::Rng;

use super::{
    model::{
        AccountDeletion, AccountError, AdminUser, AdminUserUpdate, AuthUser, ConsoleSession, CustomerType,
        LoginRequest, PasswordChange, Profile, ProfileUpdate, RegisterRequest, Role, TokenResponse, User, UserCreate,
        UserFilter, UserStats, UserStatus,
    },
    repo,
};
use crate::{
    app::{App, Limits},
    audit::{self, Action, Record, Subject},
    auth::{
        model::Actor,
        repo::revoke_all_tokens,
        service::{issue_token, new_token, token_hash},
    },
    clock::ts,
    db::{Db, DbError},
    error::Invalid,
    text::{normalize_email, normalize_phone},
    web::pagination::{PageMeta, PageRequest},
};

type Result<T, E = AccountError> = std::result::Result<T, E>;

pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))?
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Synchronous argon2 (the command line, and `hash_password` on a blocking thread).
pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
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

/// A person's name as stored, or the reason naming `field`.
pub fn person_name(field: &'static str, raw: &str) -> Result<String, Invalid> {
    crate::text::clean_name(raw, 255).map_err(|why| Invalid::new(field, format!("{field} {why}")))
}

/// A new password, or why not (weak, trivial, or the user's own details).
pub fn check_new_password(field: &'static str, password: &str, user_inputs: &[&str]) -> Result<(), Invalid> {
    match crate::text::password_problem(password, user_inputs) {
        Some(why) => Err(Invalid::new(field, why).with_code("weak_password")),
        None => Ok(()),
    }
}

fn email_of(field: &'static str, raw: &str) -> Result<String, Invalid> {
    normalize_email(raw).ok_or_else(|| Invalid::new(field, format!("{field} is not a valid e-mail address")))
}

fn phone_of(field: &'static str, raw: &str) -> Result<String, Invalid> {
    normalize_phone(raw)
        .ok_or_else(|| Invalid::new(field, format!("{field} must be an Indonesian mobile number such as 081234567890")))
}

fn limited(limiter: &governor::DefaultKeyedRateLimiter<String>, key: String) -> Result<()> {
    Limits::check(limiter, key).map_err(AccountError::RateLimited)
}

/// Refuses an address or number a live member already has (other than `except`).
fn ensure_free(c: &rusqlite::Connection, email: Option<&str>, phone: Option<&str>, except: Option<i64>) -> Result<()> {
    if let Some(e) = email {
        if repo::find_live_by_email(c, e)?.is_some_and(|(u, _)| Some(u.id) != except) {
            return Err(AccountError::EmailTaken);
        }
    }
    if let Some(p) = phone {
        if repo::find_live_by_phone(c, p)?.is_some_and(|(u, _)| Some(u.id) != except) {
            return Err(AccountError::PhoneTaken);
        }
    }
    Ok(())
}

/// A new retail customer (a member, not a guest) with its own referral code.
fn insert_customer(
    tx: &rusqlite::Connection,
    name: &str,
    email: &str,
    phone: Option<&str>,
    password_hash: Option<&str>,
    referred_by: Option<i64>,
) -> Result<i64> {
    let code = referral_code_for(tx)?;
    Ok(repo::insert_user(
        tx,
        &repo::NewUser {
            name,
            email,
            phone,
            password_hash,
            role: Role::Customer,
            customer_type: CustomerType::Retail,
            is_guest: false,
            referral_code: Some(&code),
            referred_by,
        },
    )?)
}

pub async fn register(app: &App, req: RegisterRequest, origin: Actor) -> Result<TokenResponse> {
    let ip = origin.ip.clone().unwrap_or_default();
    limited(&app.limits.register, format!("ip:{ip}"))?;
    let name = person_name("name", &req.name)?;
    let email = email_of("email", &req.email)?;
    let phone = phone_of("phone", &req.phone)?;
    check_new_password("password", &req.password, &[&email, &name, &phone])?;
    let referral = req.referral_code.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
    let hash = hash_password(req.password).await?;
    let ttl = app.config.auth.token_ttl_hours;
    let now = app.clock.now();

    let (user_id, token, expires_at) = app
        .db
        .write(move |tx| -> Result<_> {
            let referred_by = match &referral {
                Some(code) => Some(
                    repo::id_by_referral_code(tx, code)?
                        .ok_or_else(|| Invalid::new("referral_code", "no user has this referral code"))?,
                ),
                None => None,
            };
            // Members only: a guest row with the same address (checkout made it) stays
            // the guest's, with its orders; claiming them takes the mailed link.
            ensure_free(tx, Some(&email), Some(&phone), None)?;
            let id = insert_customer(tx, &name, &email, Some(&phone), Some(&hash), referred_by)?;
            let (token, expires_at) = issue_token(tx, id, ttl, now, &origin)?;
            let actor = Actor { user_id: Some(id), ..origin };
            audit::record(tx, &actor, Record::new(Action::Register, Subject::User(id), "account registered"))?;
            Ok((id, token, expires_at))
        })
        .await?;
    let user = profile(app, user_id).await?;
    Ok(TokenResponse { token, token_type: "Bearer".into(), expires_at, user })
}

pub async fn login(app: &App, req: LoginRequest, origin: Actor) -> Result<TokenResponse> {
    let (uid, ip) = (check_login(app, req, &origin).await?, origin.ip.clone().unwrap_or_default());
    let ttl = app.config.auth.token_ttl_hours;
    let now = app.clock.now();
    let (token, expires_at) = app
        .db
        .write(move |tx| -> Result<_> {
            repo::record_login(tx, uid, &ip)?;
            Ok(issue_token(tx, uid, ttl, now, &origin)?)
        })
        .await?;
    let user = profile(app, uid).await?;
    Ok(TokenResponse { token, token_type: "Bearer".into(), expires_at, user })
}

/// The admin console's login: an admin only (anyone else is refused before a session
/// exists), a session that ends after `auth.console_idle_minutes` without use.
/// (session token for the cookie, its CSRF token, the admin).
pub async fn console_login(app: &App, req: LoginRequest, origin: Actor) -> Result<ConsoleSession> {
    let (uid, ip) = (check_login(app, req, &origin).await?, origin.ip.clone().unwrap_or_default());
    let user = profile(app, uid).await?;
    if user.role != Role::Admin {
        return Err(AccountError::NotAdmin);
    }
    let (idle, max) = (app.config.auth.console_idle_minutes, app.config.auth.console_session_hours);
    let now = app.clock.now();
    let (token, expires_at) = app
        .db
        .write(move |tx| -> Result<_> {
            repo::record_login(tx, uid, &ip)?;
            Ok(crate::auth::service::issue_console_token(tx, uid, idle, max, now, &origin)?)
        })
        .await?;
    Ok(console_view(token, idle, expires_at, user))
}

/// The console session of admin `uid` using `token` (token `token_id`): its CSRF token,
/// its idle window and when it ends unless used again (its cap, if sooner).
pub async fn console_session(app: &App, uid: i64, token_id: i64, token: String) -> Result<ConsoleSession> {
    let idle = app.config.auth.console_idle_minutes;
    let user = profile(app, uid).await?;
    let expires_at = crate::auth::service::console_session_end(app, token_id, idle).await?;
    Ok(console_view(token, idle, expires_at, user))
}

fn console_view(token: String, idle_minutes: u64, expires_at: String, user: Profile) -> ConsoleSession {
    ConsoleSession {
        csrf_token: crate::auth::service::csrf_token(&token),
        session_token: token,
        idle_minutes,
        expires_at,
        user,
    }
}

/// The account behind an identifier and password, under the login limits.
async fn check_login(app: &App, req: LoginRequest, origin: &Actor) -> Result<i64> {
    let identifier = req.identifier.trim().to_lowercase();
    let ip = origin.ip.clone().unwrap_or_default();
    // The address, the identifier and the account are each limited: the first stops one
    // client trying many accounts, the others many clients (or many spellings of one
    // phone number: +62 812..., (0812)..., 0812...) trying one account.
    limited(&app.limits.login, format!("ip:{ip}"))?;
    let key = match (normalize_email(&identifier), normalize_phone(&identifier)) {
        (Some(e), _) if identifier.contains('@') => e,
        (_, Some(p)) => p,
        _ => identifier.clone(),
    };
    limited(&app.limits.login, format!("id:{key}"))?;

    let lookup = identifier.clone();
    let found = app
        .db
        .read(move |c| -> Result<_> {
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
        limited(&app.limits.login, format!("account:{}", u.id))?;
    }
    if !verify_password(req.password, hash).await {
        return Err(AccountError::BadCredentials);
    }
    let user = user.ok_or(AccountError::BadCredentials)?;
    if user.status != UserStatus::Active {
        return Err(AccountError::NotActive(user.status));
    }
    Ok(user.id)
}

/// Google sign-in. The account is the one already linked to this Google account; else
/// the member with the same e-mail address, linked now (only because Google vouches for
/// the address); else a new retail customer without password or phone. A guest's
/// orders stay the guest's, as with `register`. `Ok((tokens, created))`.
pub async fn google_sign_in(app: &App, id_token: &str, origin: Actor) -> Result<(TokenResponse, bool)> {
    let ip = origin.ip.clone().unwrap_or_default();
    limited(&app.limits.login, format!("ip:{ip}"))?;
    let who = app.google.verify(id_token).await?;
    let email = who.email.as_deref().and_then(normalize_email);
    let Some(email) = email.filter(|_| who.email_verified) else {
        return Err(AccountError::GoogleEmailUnverified);
    };
    let fallback = email.split('@').next().unwrap_or("Member").to_string();
    let name = who
        .name
        .as_deref()
        .and_then(|n| crate::text::clean_name(n, 255).ok())
        .unwrap_or_else(|| crate::text::clean_name(&fallback, 255).unwrap_or_else(|_| "Member".into()));
    let ttl = app.config.auth.token_ttl_hours;
    let now = app.clock.now();
    let (uid, created, token, expires_at) = app
        .db
        .write(move |tx| -> Result<_> {
            let stamp = ts(now);
            let (user, created) = match repo::find_by_google_id(tx, &who.sub)? {
                Some(u) => (u, false),
                None => match repo::find_live_by_email(tx, &email)? {
                    Some((u, _)) => {
                        if repo::google_id_of(tx, u.id)?.is_some() {
                            return Err(AccountError::GoogleLinkedElsewhere);
                        }
                        repo::link_google(tx, u.id, &who.sub, who.picture.as_deref(), &stamp)?;
                        let actor = Actor { user_id: Some(u.id), ..origin.clone() };
                        let record = Record::new(Action::GoogleLink, Subject::User(u.id), "account linked to Google");
                        audit::record(tx, &actor, record)?;
                        (u, false)
                    }
                    None => {
                        let id = insert_customer(tx, &name, &email, None, None, None)?;
                        repo::link_google(tx, id, &who.sub, who.picture.as_deref(), &stamp)?;
                        let actor = Actor { user_id: Some(id), ..origin.clone() };
                        let record = Record::new(Action::Register, Subject::User(id), "account registered with Google");
                        audit::record(tx, &actor, record)?;
                        (repo::find_by_id(tx, id)?.ok_or(AccountError::NotFound)?, true)
                    }
                },
            };
            if user.status != UserStatus::Active {
                return Err(AccountError::NotActive(user.status));
            }
            repo::record_login(tx, user.id, &ip)?;
            let (token, expires_at) = issue_token(tx, user.id, ttl, now, &origin)?;
            Ok((user.id, created, token, expires_at))
        })
        .await?;
    let user = profile(app, uid).await?;
    Ok((TokenResponse { token, token_type: "Bearer".into(), expires_at, user }, created))
}

pub async fn profile(app: &App, user_id: i64) -> Result<Profile> {
    app.db
        .read(move |c| -> Result<_> {
            let user = repo::find_by_id(c, user_id)?.ok_or(AccountError::NotFound)?;
            Ok(Profile::of(user, repo::balance_of(c, user_id)?))
        })
        .await
}

pub async fn update_profile(app: &App, user_id: i64, b: ProfileUpdate) -> Result<Profile> {
    let name = b.name.as_deref().map(|n| person_name("name", n)).transpose()?;
    // None: keep; Some(None): remove (`null`); Some(Some(p)): a new number.
    let phone = match b.phone {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(p) => Some(Some(phone_of("phone", &p)?)),
    };
    app.db
        .write(move |tx| -> Result<()> {
            let new_phone = phone.as_ref().map(|p| p.as_deref());
            ensure_free(tx, None, new_phone.flatten(), Some(user_id))?;
            Ok(repo::update_profile(tx, user_id, name.as_deref(), new_phone)?)
        })
        .await?;
    profile(app, user_id).await
}

/// Stores the caller's new avatar image and points the profile at it.
pub async fn set_avatar(app: &App, user_id: i64, upload: poem_openapi::types::multipart::Upload) -> Result<String> {
    let path = crate::web::uploads::store_image(&app.config.storage.uploads_dir, "avatars", upload).await.map_err(
        |e| match e {
            crate::web::uploads::UploadError::Io(cause) => AccountError::Db(DbError::Other(cause)),
            other => Invalid::new("image", other.to_string()).into(),
        },
    )?;
    let (p, now) = (path.clone(), app.clock.now_str());
    app.db.write(move |tx| Ok::<_, AccountError>(repo::set_avatar(tx, user_id, &p, &now)?)).await?;
    Ok(path)
}

async fn password_hash_of(app: &App, user_id: i64) -> Result<Option<String>> {
    app.db.read(move |c| Ok(repo::password_hash_of(c, user_id)?)).await
}

pub async fn change_password(app: &App, user: &AuthUser, actor: Actor, b: PasswordChange) -> Result<()> {
    if !verify_password(b.current_password, password_hash_of(app, user.id).await?).await {
        return Err(Invalid::new("current_password", "the current password is wrong").into());
    }
    let phone = user.phone.clone().unwrap_or_default();
    check_new_password("new_password", &b.new_password, &[&user.email, &user.name, &phone])?;
    let hash = hash_password(b.new_password).await?;
    let (uid, keep, now) = (user.id, user.token_id, app.clock.now_str());
    app.db
        .write(move |tx| -> Result<()> {
            repo::set_password(tx, uid, &hash, &now)?;
            crate::auth::repo::revoke_other_tokens(tx, uid, keep)?;
            audit::record(tx, &actor, Record::new(Action::PasswordChange, Subject::User(uid), "password changed"))?;
            Ok(())
        })
        .await
}

pub async fn delete_account(app: &App, user: &AuthUser, actor: Actor, b: AccountDeletion) -> Result<()> {
    if user.is_admin() {
        return Err(AccountError::AdminAccount);
    }
    if !verify_password(b.password, password_hash_of(app, user.id).await?).await {
        return Err(Invalid::new("password", "the password is wrong").into());
    }
    let (uid, now) = (user.id, app.clock.now_str());
    app.db
        .write(move |tx| -> Result<()> {
            let busy = repo::open_orders_of(tx, uid)?;
            if busy > 0 {
                return Err(AccountError::OrdersInProgress(busy));
            }
            // Money must not be stranded in an account nobody can log in to.
            let balance = repo::balance_of(tx, uid)?;
            if balance != 0 {
                return Err(AccountError::BalanceNotZero(balance));
            }
            repo::soft_delete(tx, uid, &now)?;
            revoke_all_tokens(tx, uid)?;
            let rec = Record::new(Action::AccountDelete, Subject::User(uid), "account deleted by its owner");
            audit::record(tx, &actor, rec)?;
            Ok(())
        })
        .await
}

/// Starts a password reset. The answer never says whether the address exists (the
/// work happens in the background, so neither does the timing); the edge limits it
/// per client address.
pub async fn forgot_password(app: &App, email: &str) -> Result<()> {
    let Some(email) = normalize_email(email) else {
        return Ok(());
    };
    let app = app.clone();
    tokio::spawn(async move {
        let ttl = app.config.smtp.reset_ttl_minutes as i64;
        let expires_at = ts(app.clock.now() + Duration::minutes(ttl));
        let e2 = email.clone();
        let made = app
            .db
            .write(move |tx| -> Result<Option<String>> {
                let Some((u, _)) = repo::find_live_by_email(tx, &e2)? else { return Ok(None) };
                if u.is_guest || u.status != UserStatus::Active {
                    return Ok(None);
                }
                let (token, hash) = new_token();
                repo::insert_reset_token(tx, u.id, &hash, &expires_at)?;
                Ok(Some(token))
            })
            .await;
        if let Ok(Some(token)) = made {
            let link =
                crate::config::SmtpConfig::link(&app.config.smtp.reset_url, &app.config.server.public_url, &token);
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
pub async fn reset_password(app: &App, token: &str, password: String, origin: Actor) -> Result<()> {
    let refused = || Invalid::new("token", "this reset link is invalid, used or expired");
    let hash = token_hash(token.trim());
    let now = app.clock.now_str();
    let found = {
        let now = now.clone();
        app.db.read(move |c| Ok::<_, AccountError>(repo::find_reset_token(c, &hash, &now)?)).await?
    };
    let Some((token_id, uid, email, name, phone)) = found else {
        return Err(refused().into());
    };
    check_new_password("password", &password, &[&email, &name, &phone])?;
    let new_hash = hash_password(password).await?;
    app.db
        .write(move |tx| -> Result<()> {
            if !repo::use_reset_token(tx, token_id, &now)? {
                return Err(refused().into());
            }
            repo::set_password(tx, uid, &new_hash, &now)?;
            revoke_all_tokens(tx, uid)?;
            let actor = Actor { user_id: Some(uid), ..origin };
            let rec = Record::new(Action::PasswordReset, Subject::User(uid), "password reset by e-mail");
            audit::record(tx, &actor, rec)?;
            Ok(())
        })
        .await
}

/// `lapak create-admin`: creates the admin, or makes an existing account an admin with
/// the new password. Returns (user id, created?). Synchronous: the command line.
pub fn create_admin(db: &Db, email: &str, name: &str, password_hash: &str) -> Result<(i64, bool), DbError> {
    db.write_blocking(|tx| {
        let out = match repo::find_live_by_email(tx, email)? {
            Some((u, _)) => {
                repo::set_password_and_admin(tx, u.id, password_hash, name)?;
                revoke_all_tokens(tx, u.id)?;
                (u.id, false)
            }
            None => {
                let code = referral_code_for(tx)?;
                let id = repo::insert_user(
                    tx,
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
        let rec = Record::new(Action::CreateAdmin, Subject::User(out.0), "admin set by the command line");
        audit::record(tx, &Actor::system(), rec)?;
        Ok(out)
    })
}

/// `POST /me/guest-orders/claim`: mails a one-time link to the member's own address.
/// Whoever can open it owns the address, and so the guest orders bought with it. Sent
/// only when there is something to claim; the answer is the same either way.
pub async fn request_guest_claim(app: &App, user: &AuthUser) -> Result<()> {
    limited(&app.limits.login, format!("claim:{}", user.id))?;
    let (uid, email) = (user.id, user.email.clone());
    let ttl = app.config.smtp.reset_ttl_minutes as i64;
    let expires_at = ts(app.clock.now() + Duration::minutes(ttl));
    let made = app
        .db
        .write(move |tx| -> Result<Option<(String, i64)>> {
            let orders = repo::guest_orders_of_email(tx, &email)?;
            if orders == 0 {
                return Ok(None);
            }
            let (token, hash) = new_token();
            repo::insert_guest_claim(tx, uid, &email, &hash, &expires_at)?;
            Ok(Some((token, orders)))
        })
        .await?;
    if let Some((token, orders)) = made {
        let app = app.clone();
        let to = user.email.clone();
        tokio::spawn(async move {
            let link =
                crate::config::SmtpConfig::link(&app.config.smtp.claim_url, &app.config.server.public_url, &token);
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
pub async fn confirm_guest_claim(app: &App, user: &AuthUser, actor: Actor, token: &str) -> Result<i64> {
    let hash = token_hash(token.trim());
    let (uid, now) = (user.id, app.clock.now_str());
    app.db
        .write(move |tx| -> Result<i64> {
            let email = repo::use_guest_claim(tx, &hash, uid, &now)?
                .ok_or_else(|| Invalid::new("token", "this claim link is invalid, used or expired"))?;
            let claimed = repo::move_guest_orders(tx, &email, uid, &now)?;
            let rec = Record::new(
                Action::GuestOrdersClaim,
                Subject::User(uid),
                format!("{claimed} guest order(s) of {email} claimed with the mailed link"),
            );
            audit::record(tx, &actor, rec)?;
            Ok(claimed)
        })
        .await
}

/// The guest row for an e-mail (checkout without an account): reused, or created. A
/// member with the same address is another row: a guest's orders never land in an
/// account (and checkout does not tell who has one).
pub fn guest_user(tx: &rusqlite::Connection, name: &str, email: &str) -> rusqlite::Result<i64> {
    match repo::find_guest_by_email(tx, email)? {
        Some(id) => Ok(id),
        None => repo::insert_user(
            tx,
            &repo::NewUser {
                name,
                email,
                phone: None,
                password_hash: None,
                role: Role::Customer,
                customer_type: CustomerType::Retail,
                is_guest: true,
                referral_code: None,
                referred_by: None,
            },
        ),
    }
}

fn admin_view(u: User, balance: i64, referrals: i64) -> AdminUser {
    AdminUser {
        referred_by: u.referred_by,
        referral_count: referrals,
        last_login_at: u.last_login_at.clone(),
        deleted_at: u.deleted_at.clone(),
        profile: Profile::of(u, balance),
    }
}

/// `POST /admin/users`: a user of any role and tier, made by an admin.
pub async fn create_user(app: &App, actor: Actor, b: UserCreate) -> Result<AdminUser> {
    let email = email_of("email", &b.email)?;
    let phone = b.phone.as_deref().filter(|p| !p.trim().is_empty()).map(|p| phone_of("phone", p)).transpose()?;
    let name = person_name("name", &b.name)?;
    let phone_text = phone.clone().unwrap_or_default();
    check_new_password("password", &b.password, &[&email, &name, &phone_text])?;
    let hash = hash_password(b.password).await?;
    let id = app
        .db
        .write(move |tx| -> Result<i64> {
            ensure_free(tx, Some(&email), phone.as_deref(), None)?;
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
            repo::ensure_balance_row(tx, id)?;
            audit::record(tx, &actor, Record::new(Action::UserCreate, Subject::User(id), email))?;
            Ok(id)
        })
        .await?;
    admin_user(app, id).await
}

pub async fn list_users(app: &App, filter: UserFilter, page: PageRequest) -> Result<(Vec<AdminUser>, PageMeta)> {
    let (rows, total) = app.db.read(move |c| Ok::<_, AccountError>(repo::list_users(c, &filter, page.into())?)).await?;
    let data = rows.into_iter().map(|(u, balance, referrals)| admin_view(u, balance, referrals)).collect();
    Ok((data, page.meta(total)))
}

pub async fn admin_user(app: &App, id: i64) -> Result<AdminUser> {
    app.db
        .read(move |c| -> Result<_> {
            let u = repo::find_by_id(c, id)?.ok_or(AccountError::NotFound)?;
            Ok(admin_view(u, repo::balance_of(c, id)?, repo::referral_count(c, id)?))
        })
        .await
}

/// Role, tier, status or name. Suspending or deactivating ends the user's sessions.
pub async fn update_user(app: &App, admin_id: i64, actor: Actor, id: i64, b: AdminUserUpdate) -> Result<AdminUser> {
    if id == admin_id && (b.role == Some(Role::Customer) || b.status.is_some_and(|s| s != UserStatus::Active)) {
        return Err(AccountError::SelfLockout);
    }
    let name = b.name.as_deref().map(|n| person_name("name", n)).transpose()?;
    let meta = serde_json::json!({
        "role": b.role.map(|r| r.as_str()),
        "customer_type": b.customer_type.map(|t| t.as_str()),
        "status": b.status.map(|s| s.as_str()),
        "name": name,
    });
    app.db
        .write(move |tx| -> Result<()> {
            if repo::update_user(tx, id, b.role, b.customer_type, b.status, name.as_deref())? == 0 {
                return Err(AccountError::NotFound);
            }
            if b.status.is_some_and(|s| s != UserStatus::Active) {
                revoke_all_tokens(tx, id)?;
            }
            let rec = Record::new(Action::UserUpdate, Subject::User(id), "admin updated a user").with_meta(meta);
            audit::record(tx, &actor, rec)?;
            Ok(())
        })
        .await?;
    admin_user(app, id).await
}

/// The users who registered with this user's referral code.
pub async fn referrals(app: &App, id: i64) -> Result<Vec<Profile>> {
    let rows = app.db.read(move |c| Ok::<_, AccountError>(repo::referrals_of(c, id)?)).await?;
    Ok(rows.into_iter().map(|(u, balance)| Profile::of(u, balance)).collect())
}

/// Counts of users by kind, and balances held.
pub async fn stats(app: &App) -> Result<UserStats> {
    let since = ts(app.clock.now() - Duration::days(30));
    app.db.read(move |c| Ok(repo::stats(c, &since)?)).await
}
