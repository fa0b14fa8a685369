//! The wallet's shapes: balances, ledger entries, withdrawals; and what the ledger and
//! the wallet rules refuse.

use crate::text::Rupiah;
use poem_openapi::{Enum, Object};
use serde_json::json;

use crate::{
    db::{text_enum, DbError},
    error::{ApiError, Invalid},
    web::pagination::PageMeta,
};

/// What a movement is for (`balance_mutations.reference_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum EntryKind {
    /// A deposit (balance top-up) paid through Tripay.
    Topup,
    Purchase,
    Refund,
    Bonus,
    Withdrawal,
    Adjustment,
}

text_enum!(EntryKind {
    Topup => "topup", Purchase => "purchase", Refund => "refund", Bonus => "bonus",
    Withdrawal => "withdrawal", Adjustment => "adjustment"
});

/// The largest amount one request may name (Rp 1 trillion), as the API documents it.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
/// The largest balance one account may hold: far above any shop, far below overflow.
pub const MAX_BALANCE: i64 = 100 * MAX_AMOUNT;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("insufficient balance: {balance} available, {needed} needed")]
    Insufficient { balance: i64, needed: i64 },
    #[error("the amount must be positive")]
    NonPositive,
    /// The credit would take the balance above `MAX_BALANCE`.
    #[error("the balance would exceed {}", Rupiah(MAX_BALANCE))]
    TooLarge,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        LedgerError::Db(DbError::from(e))
    }
}

/// One movement, as the API shows it: a signed amount.
#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LedgerEntry {
    pub id: i64,
    pub kind: EntryKind,
    /// Positive for money in, negative for money out.
    pub amount: i64,
    pub balance_before: i64,
    pub balance_after: i64,
    pub transaction_code: Option<String>,
    pub reference_id: Option<i64>,
    pub description: String,
    /// The admin who made an adjustment.
    pub created_by: Option<i64>,
    pub created_at: String,
}

/// What a movement belongs to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Refs {
    pub transaction_id: Option<i64>,
    pub reference_id: Option<i64>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Balance {
    /// Rupiah.
    pub balance: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MutationList {
    pub data: Vec<LedgerEntry>,
    pub meta: PageMeta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum WithdrawalStatus {
    Pending,
    Approved,
    Rejected,
    Completed,
}

text_enum!(WithdrawalStatus { Pending => "pending", Approved => "approved", Rejected => "rejected", Completed => "completed" });

impl WithdrawalStatus {
    /// pending -> approved -> completed; pending/approved -> rejected.
    pub fn can_move_to(self, to: WithdrawalStatus) -> bool {
        use WithdrawalStatus::*;
        matches!((self, to), (Pending, Approved) | (Approved, Completed) | (Pending, Rejected) | (Approved, Rejected))
    }
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Withdrawal {
    pub id: i64,
    pub user_id: i64,
    pub reference_id: String,
    pub amount: i64,
    /// Bank or e-wallet name (BCA, GoPay, ...).
    pub payment_method: String,
    pub account_number: String,
    pub account_name: String,
    pub status: WithdrawalStatus,
    pub admin_note: Option<String>,
    pub completed_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The member's name and e-mail, as lists show them.
    pub user_name: Option<String>,
    pub user_email: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WithdrawalRequest {
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub amount: i64,
    /// Bank or e-wallet name: BCA, BRI, GoPay, OVO...
    #[oai(validator(min_length = 1, max_length = 50))]
    pub payment_method: String,
    #[oai(validator(min_length = 1, max_length = 50))]
    pub account_number: String,
    #[oai(validator(min_length = 1, max_length = 100))]
    pub account_name: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WithdrawalList {
    pub data: Vec<Withdrawal>,
    pub meta: PageMeta,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdjustmentRequest {
    /// Signed rupiah: positive credits, negative debits.
    #[oai(validator(minimum(value = "-1000000000000"), maximum(value = "1000000000000")))]
    pub amount: i64,
    #[oai(validator(min_length = 3, max_length = 500))]
    pub reason: String,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AdjustmentResult {
    pub balance: i64,
}

#[derive(Debug, Object, Default)]
#[oai(skip_serializing_if_is_none)]
pub struct NoteRequest {
    #[oai(validator(max_length = 1000))]
    pub note: Option<String>,
}

/// A user whose ledger does not add up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offender {
    pub user_id: i64,
    pub email: String,
    pub balance: i64,
    pub sum_of_mutations: i64,
    /// The first mutation whose balance_before is not the previous balance_after.
    pub broken_at: Option<i64>,
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        match e {
            LedgerError::Insufficient { balance, needed } => ApiError::validation(
                "amount",
                format!("insufficient balance: {} available, {} needed", Rupiah(balance), Rupiah(needed)),
            )
            .with_code("insufficient_balance")
            .with_details(json!({"balance": balance, "needed": needed})),
            LedgerError::NonPositive => ApiError::validation("amount", "the amount must be positive"),
            LedgerError::TooLarge => {
                ApiError::validation("amount", LedgerError::TooLarge.to_string()).with_code("amount_too_large")
            }
            LedgerError::Db(d) => d.into(),
        }
    }
}

/// What the wallet rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// "user" or "withdrawal".
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("withdrawals are for reseller accounts")]
    NotReseller,
    #[error("{0}")]
    IllegalMove(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for WalletError {
    fn from(e: rusqlite::Error) -> Self {
        WalletError::Db(e.into())
    }
}

impl From<WalletError> for ApiError {
    fn from(e: WalletError) -> Self {
        match e {
            WalletError::Ledger(l) => l.into(),
            WalletError::Invalid(i) => i.into(),
            WalletError::NotFound(what) => ApiError::not_found(what),
            WalletError::NotReseller => ApiError::forbidden("withdrawals are for reseller accounts"),
            WalletError::IllegalMove(why) => ApiError::conflict("illegal_move", why),
            WalletError::Db(d) => d.into(),
        }
    }
}
