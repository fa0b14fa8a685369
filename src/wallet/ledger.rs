//! The ledger. A balance changes only here, always together with one
//! `balance_mutations` row, inside the caller's SQLite transaction. A debit is a
//! conditional update (`balance >= amount`); the CHECK constraint is only the last line
//! of defence. Mutations are append-only (triggers refuse UPDATE and DELETE).

use rusqlite::Connection;

pub use super::model::{EntryKind, LedgerError, Offender, Refs, MAX_AMOUNT, MAX_BALANCE};
use super::repo;
use crate::db::DbError;

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
    let balance_id = repo::balance_row(tx, user_id)?;
    // Checked in the statement itself: the balance never passes MAX_BALANCE, so no sum of
    // balances or mutations comes near i64's limit.
    let after = repo::add(tx, balance_id, amount)?.ok_or(LedgerError::TooLarge)?;
    repo::insert_mutation(tx, balance_id, user_id, false, amount, after, kind, description, refs)?;
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
    let balance_id = repo::balance_row(tx, user_id)?;
    let Some(after) = repo::take(tx, balance_id, amount)? else {
        return Err(LedgerError::Insufficient { balance: repo::balance_by_id(tx, balance_id)?, needed: amount });
    };
    repo::insert_mutation(tx, balance_id, user_id, true, amount, after, kind, description, refs)?;
    Ok(after)
}

pub fn balance_of(c: &Connection, user_id: i64) -> Result<i64, DbError> {
    Ok(repo::balance_of(c, user_id)?)
}

/// `lapak check-ledger`: for every balance, balance == sum of mutations and the
/// before/after chain is unbroken.
pub fn check(c: &Connection) -> Result<(usize, Vec<Offender>), DbError> {
    let rows = repo::balances_with_sums(c)?;
    let mut offenders = Vec::new();
    for (balance_id, user_id, email, balance, sum) in &rows {
        let mut expected = 0;
        let mut broken_at = None;
        for (id, before, after) in repo::chain(c, *balance_id)? {
            if before != expected && broken_at.is_none() {
                broken_at = Some(id);
            }
            expected = after;
        }
        if balance != sum || broken_at.is_some() || expected != *balance {
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
