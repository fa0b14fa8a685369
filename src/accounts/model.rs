//! Accounts: users (admins, customers, resellers, guests): registration, login,
//! profile, password care, guest-order claims, the admin's user management.

use crate::text::Rupiah;
use poem_openapi::{types::MaybeUndefined, Object};

pub use crate::auth::model::{AuthUser, CustomerType, Role, UserStatus};
use crate::{
    db::DbError,
    error::{ApiError, Invalid},
};

/// A `users` row as the code sees it (the password hash stays in the repo).
#[derive(Clone, Debug)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub customer_type: CustomerType,
    pub is_guest: bool,
    pub status: UserStatus,
    pub avatar: Option<String>,
    pub referral_code: Option<String>,
    pub referred_by: Option<i64>,
    pub last_login_at: Option<String>,
    pub created_at: String,
    pub deleted_at: Option<String>,
}

// --- API shapes -----------------------------------------------------------------------

/// Google sign-in: the ID token Google Identity Services gave the front end (the
/// `credential` of its callback).
#[derive(Debug, Object)]
pub struct GoogleSignIn {
    #[oai(validator(min_length = 1, max_length = 8192))]
    pub id_token: String,
}

/// Self-registration; always a retail customer.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RegisterRequest {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    #[oai(validator(max_length = 255))]
    pub email: String,
    /// Indonesian mobile number: 08..., 628... or +628...
    #[oai(validator(max_length = 20))]
    pub phone: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
    /// Another user's referral code.
    #[oai(validator(max_length = 20))]
    pub referral_code: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginRequest {
    /// E-mail address or phone number.
    #[oai(validator(min_length = 1, max_length = 255))]
    pub identifier: String,
    #[oai(validator(min_length = 1, max_length = 128))]
    pub password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub token_type: String,
    pub expires_at: String,
    pub user: Profile,
}

/// The admin console's session. The session itself is the HttpOnly cookie
/// `lapak_console` (never readable by scripts); send `csrf_token` as `X-CSRF-Token`
/// with every state-changing console call.
#[derive(Debug, Object)]
pub struct ConsoleSession {
    #[oai(skip)]
    pub session_token: String,
    pub csrf_token: String,
    /// The session ends after this many minutes without a request.
    pub idle_minutes: u64,
    /// When it ends if unused from now on: `idle_minutes` from now, or its cap
    /// (`auth.console_session_hours` after login) when that comes first.
    pub expires_at: String,
    pub user: Profile,
}

/// A user as the user itself (and an admin) sees it.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub customer_type: CustomerType,
    pub status: UserStatus,
    pub is_guest: bool,
    pub avatar: Option<String>,
    pub referral_code: Option<String>,
    /// Wallet balance in rupiah.
    pub balance: i64,
    pub created_at: String,
}

impl Profile {
    pub fn of(u: User, balance: i64) -> Self {
        Profile {
            id: u.id,
            name: u.name,
            email: u.email,
            phone: u.phone,
            role: u.role,
            customer_type: u.customer_type,
            status: u.status,
            is_guest: u.is_guest,
            avatar: u.avatar,
            referral_code: u.referral_code,
            balance,
            created_at: u.created_at,
        }
    }
}

/// A user in the admin's lists.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminUser {
    #[oai(flatten)]
    pub profile: Profile,
    pub referred_by: Option<i64>,
    /// Users who registered with this user's referral code.
    pub referral_count: i64,
    pub last_login_at: Option<String>,
    pub deleted_at: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminUserList {
    pub data: Vec<AdminUser>,
    pub meta: crate::web::pagination::PageMeta,
}

/// What an admin may change on a user. Balances are not here: they change only
/// through the ledger.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdminUserUpdate {
    pub role: Option<Role>,
    pub customer_type: Option<CustomerType>,
    pub status: Option<UserStatus>,
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
}

/// A change to one's profile: a field left out stays as it is; `null` removes the
/// phone number.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProfileUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(nullable, validator(max_length = 20))]
    pub phone: MaybeUndefined<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct PasswordChange {
    #[oai(validator(min_length = 1, max_length = 128))]
    pub current_password: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub new_password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccountDeletion {
    #[oai(validator(min_length = 1, max_length = 128))]
    pub password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ForgotPassword {
    #[oai(validator(max_length = 255))]
    pub email: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ResetPassword {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub token: String,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Accepted {
    pub message: String,
}

/// The token from the claim e-mail.
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ClaimConfirm {
    #[oai(validator(min_length = 1, max_length = 200))]
    pub token: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ClaimResult {
    /// Guest orders that now show in the account.
    pub claimed: i64,
}

/// A user made by an admin (any role and tier).
#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UserCreate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: String,
    #[oai(validator(max_length = 255))]
    pub email: String,
    #[oai(validator(max_length = 20))]
    pub phone: Option<String>,
    #[oai(validator(min_length = 8, max_length = 128))]
    pub password: String,
    pub role: Option<Role>,
    pub customer_type: Option<CustomerType>,
}

#[derive(Debug, poem_openapi::Multipart)]
pub struct AvatarForm {
    /// PNG, JPEG, GIF or WebP, at most 2 MB.
    pub image: poem_openapi::types::multipart::Upload,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AvatarResult {
    pub avatar: String,
}

/// Orders of the admin's user list.
#[derive(Debug, Clone, Copy, poem_openapi::Enum)]
#[oai(rename_all = "lowercase")]
pub enum UserSort {
    Newest,
    Oldest,
    Name,
    Balance,
}

/// Which users the admin's list shows.
#[derive(Debug, Default)]
pub struct UserFilter {
    pub search: Option<String>,
    pub role: Option<Role>,
    pub customer_type: Option<CustomerType>,
    pub status: Option<UserStatus>,
    pub include_guests: bool,
    pub include_deleted: bool,
    pub sort: Option<UserSort>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UserStats {
    pub total: i64,
    pub admins: i64,
    pub resellers: i64,
    pub retail: i64,
    pub guests: i64,
    pub suspended: i64,
    pub deleted: i64,
    pub new_last_30_days: i64,
    pub with_balance: i64,
    pub total_balance: i64,
}

/// What the account rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("this e-mail address is already registered")]
    EmailTaken,
    #[error("this phone number is already registered")]
    PhoneTaken,
    #[error("wrong identifier or password")]
    BadCredentials,
    #[error("this account is {}", .0.as_str())]
    NotActive(UserStatus),
    #[error("user not found")]
    NotFound,
    #[error("this account is not an admin; the console is for admins")]
    NotAdmin,
    #[error("an admin cannot demote or suspend itself")]
    SelfLockout,
    #[error("an admin account cannot delete itself")]
    AdminAccount,
    #[error("{0} order(s) are still pending or processing; wait until they finish")]
    OrdersInProgress(i64),
    #[error("this account holds {}; spend or withdraw it before deleting the account", Rupiah(*.0))]
    BalanceNotZero(i64),
    #[error("too many attempts; try again in {0} s")]
    RateLimited(u64),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Google(#[from] crate::google::GoogleError),
    #[error("Google has not verified this account's e-mail address; sign in with a password instead")]
    GoogleEmailUnverified,
    #[error("this shop account is already linked to another Google account")]
    GoogleLinkedElsewhere,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> Self {
        AccountError::Db(e.into())
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        use poem::http::StatusCode;
        let message = e.to_string();
        match e {
            AccountError::Invalid(i) => i.into(),
            AccountError::EmailTaken => ApiError::conflict("email_taken", message).with_field("email"),
            AccountError::PhoneTaken => ApiError::conflict("phone_taken", message).with_field("phone"),
            AccountError::BadCredentials => ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", message),
            AccountError::NotActive(s) => {
                ApiError::forbidden(message).with_details(serde_json::json!({"status": s.as_str()}))
            }
            AccountError::NotFound => ApiError::not_found("user"),
            AccountError::NotAdmin => ApiError::new(StatusCode::FORBIDDEN, "not_admin", message),
            AccountError::SelfLockout => ApiError::conflict("self_lockout", message),
            AccountError::AdminAccount => ApiError::conflict("admin_account", message),
            AccountError::OrdersInProgress(_) => ApiError::conflict("orders_in_progress", message),
            AccountError::BalanceNotZero(b) => {
                ApiError::conflict("balance_not_zero", message).with_details(serde_json::json!({"balance": b}))
            }
            AccountError::RateLimited(secs) => ApiError::too_many(secs),
            AccountError::Hashing(cause) => ApiError::internal(cause),
            AccountError::Google(g) => match g {
                crate::google::GoogleError::Disabled => {
                    ApiError::new(StatusCode::FORBIDDEN, "google_sign_in_disabled", message)
                }
                crate::google::GoogleError::Invalid(_) => {
                    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_google_token", message).with_field("id_token")
                }
                crate::google::GoogleError::KeysUnavailable(_) => {
                    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "google_unavailable", message)
                }
            },
            AccountError::GoogleEmailUnverified => {
                ApiError::new(StatusCode::FORBIDDEN, "google_email_unverified", message)
            }
            AccountError::GoogleLinkedElsewhere => ApiError::conflict("google_linked_elsewhere", message),
            AccountError::Db(e) => e.into(),
        }
    }
}
