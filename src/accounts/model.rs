//! Accounts: users (admins, customers, resellers, guests): registration, login,
//! profile, password care, guest-order claims, the admin's user management.

use poem_openapi::Object;

pub use crate::auth::model::{AuthUser, CustomerType, Role, UserStatus};

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

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ProfileUpdate {
    #[oai(validator(min_length = 1, max_length = 255))]
    pub name: Option<String>,
    #[oai(validator(max_length = 20))]
    pub phone: Option<String>,
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
