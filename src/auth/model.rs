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

