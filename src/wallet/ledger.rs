//! The ledger. A balance changes only here, always together with one
//! `balance_mutations` row, inside the caller's SQLite transaction. A debit is a
//! conditional update (`balance >= amount`); the CHECK constraint is only the last line
//! of defence. Mutations are append-only (triggers refuse UPDATE and DELETE).

use poem_openapi::{Enum, Object};
use rusqlite::{params, Connection, OptionalExtension};

use crate::{db::text_enum, db::DbError};

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
    #[error("the balance would exceed Rp {MAX_BALANCE}")]
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

fn balance_row(tx: &Connection, user_id: i64) -> Result<i64, DbError> {
    tx.execute("INSERT OR IGNORE INTO balances (user_id) VALUES (?1)", [user_id])?;
    Ok(tx.query_row("SELECT id FROM balances WHERE user_id = ?1", [user_id], |r| r.get(0))?)
}

fn record(
    tx: &Connection,
    balance_id: i64,
    user_id: i64,
    debit: bool,
    amount: i64,
    after: i64,
    kind: EntryKind,
    description: &str,
    refs: Refs,
) -> Result<i64, DbError> {
    let before = if debit { after + amount } else { after - amount };
    tx.execute(
        "INSERT INTO balance_mutations (balance_id, user_id, transaction_id, type, amount, balance_before, balance_after,
                                        description, reference_type, reference_id, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            balance_id,
            user_id,
            refs.transaction_id,
            if debit { "debit" } else { "credit" },
            amount,
            before,
            after,
            description,
            kind,
            refs.reference_id,
            refs.created_by
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Adds money. Returns the new balance.
pub fn credit(
    tx: &Connection,
    user_id: i64,
    amount: i64,
    kind: EntryKind,
    description: &str,
    refs: Refs,
) -> Result<i64, LedgerError> {
    if amount <= 0 {
        return Err(LedgerError::NonPositive);
    }
    if amount > MAX_BALANCE {
        return Err(LedgerError::TooLarge);
    }
    let balance_id = balance_row(tx, user_id)?;
    // Checked in the statement itself: the balance never passes MAX_BALANCE, so no sum of
    // balances or mutations comes near i64's limit.
    let after: Option<i64> = tx
        .query_row(
            "UPDATE balances SET balance = balance + ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND balance <= ?3 RETURNING balance",
            params![balance_id, amount, MAX_BALANCE - amount],
            |r| r.get(0),
        )
        .optional()?;
    let Some(after) = after else {
        return Err(LedgerError::TooLarge);
    };
    record(tx, balance_id, user_id, false, amount, after, kind, description, refs)?;
    Ok(after)
}

/// Takes money, only if it is there. Returns the new balance.
pub fn debit(
    tx: &Connection,
    user_id: i64,
    amount: i64,
    kind: EntryKind,
    description: &str,
    refs: Refs,
) -> Result<i64, LedgerError> {
    if amount <= 0 {
        return Err(LedgerError::NonPositive);
    }
    let balance_id = balance_row(tx, user_id)?;
    let after: Option<i64> = tx
        .query_row(
            "UPDATE balances SET balance = balance - ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1 AND balance >= ?2 RETURNING balance",
            params![balance_id, amount],
            |r| r.get(0),
        )
        .optional()?;
    let Some(after) = after else {
        let balance: i64 = tx.query_row("SELECT balance FROM balances WHERE id = ?1", [balance_id], |r| r.get(0))?;
        return Err(LedgerError::Insufficient { balance, needed: amount });
    };
    record(tx, balance_id, user_id, true, amount, after, kind, description, refs)?;
    Ok(after)
}

pub fn balance_of(c: &Connection, user_id: i64) -> Result<i64, DbError> {
    Ok(c.query_row("SELECT balance FROM balances WHERE user_id = ?1", [user_id], |r| r.get(0)).optional()?.unwrap_or(0))
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

/// `lapak check-ledger`: for every balance, balance == sum of mutations and the
/// before/after chain is unbroken.
pub fn check(c: &Connection) -> Result<(usize, Vec<Offender>), DbError> {
    let mut users = c.prepare(
        "SELECT b.id, b.user_id, u.email, b.balance,
                COALESCE((SELECT SUM(CASE type WHEN 'credit' THEN amount ELSE -amount END)
                          FROM balance_mutations m WHERE m.balance_id = b.id), 0)
         FROM balances b JOIN users u ON u.id = b.user_id ORDER BY b.user_id",
    )?;
    let rows: Vec<(i64, i64, String, i64, i64)> = users
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    let mut chain =
        c.prepare("SELECT id, balance_before, balance_after FROM balance_mutations WHERE balance_id = ?1 ORDER BY id")?;
    let mut offenders = Vec::new();
    for (balance_id, user_id, email, balance, sum) in &rows {
        let mut expected = 0;
        let mut broken_at = None;
        let mut last_after = 0;
        for m in
            chain.query_map([balance_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?
        {
            let (id, before, after) = m?;
            if before != expected && broken_at.is_none() {
                broken_at = Some(id);
            }
            expected = after;
            last_after = after;
        }
        if balance != sum || broken_at.is_some() || last_after != *balance {
            offenders.push(Offender {
                user_id: *user_id,
                email: email.clone(),
                balance: *balance,
                sum_of_mutations: *sum,
                broken_at,
            });
        }
    }
    Ok((rows.len(), offenders))
}
