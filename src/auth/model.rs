//! Who is calling: roles and tiers, and the user behind a valid token.

use poem_openapi::Enum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Customer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum CustomerType {
    Retail,
    Reseller,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum, serde::Serialize, serde::Deserialize)]
#[oai(rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum UserStatus {
    Active,
    Inactive,
    Suspended,
}

use crate::db::text_enum;

text_enum!(Role { Admin => "admin", Customer => "customer" });
text_enum!(CustomerType { Retail => "retail", Reseller => "reseller" });
text_enum!(UserStatus { Active => "active", Inactive => "inactive", Suspended => "suspended" });

/// The caller behind a valid token.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub customer_type: CustomerType,
    pub token_id: i64,
}

impl AuthUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
    pub fn is_reseller(&self) -> bool {
        self.customer_type == CustomerType::Reseller
    }
}

/// Who did something, for the audit log: the user (none for the system or an anonymous
/// caller) and where the request came from.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    /// lapak itself (the command line, schedules).
    pub fn system() -> Self {
        Actor::default()
    }
}

/// An admin acting through the API: who, and from where. What `AdminAuth` yields.
#[derive(Clone, Debug)]
pub struct AdminCtx {
    pub id: i64,
    /// The session (token) the admin is acting through.
    pub token_id: i64,
    pub name: String,
    pub email: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl AdminCtx {
    pub fn actor(&self) -> Actor {
        Actor { user_id: Some(self.id), ip: self.ip.clone(), user_agent: self.user_agent.clone() }
    }
}
