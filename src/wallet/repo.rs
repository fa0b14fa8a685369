//! The SQL of balances, balance mutations and withdrawals. A balance changes only
//! through `credit`/`debit`, which write the mutation in the same statement sequence.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{EntryKind, LedgerEntry, Refs, Withdrawal, WithdrawalStatus, MAX_BALANCE};
use crate::db::query::{self, Filter, Slice};

/// The user's balance row (made when missing).
pub fn balance_row(tx: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    tx.execute("INSERT OR IGNORE INTO balances (user_id) VALUES (?1)", [user_id])?;
    tx.query_row("SELECT id FROM balances WHERE user_id = ?1", [user_id], |r| r.get(0))
}

#[allow(clippy::too_many_arguments)]
pub fn insert_mutation(
    tx: &Connection,
    balance_id: i64,
    user_id: i64,
    debit: bool,
    amount: i64,
    after: i64,
    kind: EntryKind,
    description: &str,
    refs: Refs,
) -> rusqlite::Result<i64> {
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

/// Adds `amount` unless the balance would pass `MAX_BALANCE`: the new balance, or None.
pub fn add(tx: &Connection, balance_id: i64, amount: i64) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "UPDATE balances SET balance = balance + ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND balance <= ?3 RETURNING balance",
        params![balance_id, amount, MAX_BALANCE - amount],
        |r| r.get(0),
    )
    .optional()
}

/// Takes `amount` only if it is there: the new balance, or None.
pub fn take(tx: &Connection, balance_id: i64, amount: i64) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "UPDATE balances SET balance = balance - ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1 AND balance >= ?2 RETURNING balance",
        params![balance_id, amount],
        |r| r.get(0),
    )
    .optional()
}

pub fn balance_by_id(c: &Connection, balance_id: i64) -> rusqlite::Result<i64> {
    c.query_row("SELECT balance FROM balances WHERE id = ?1", [balance_id], |r| r.get(0))
}

pub fn balance_of(c: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    Ok(c.query_row("SELECT balance FROM balances WHERE user_id = ?1", [user_id], |r| r.get(0)).optional()?.unwrap_or(0))
}

/// A balance with the sum of its mutations: (balance id, user id, e-mail, balance, sum).
pub type BalanceSum = (i64, i64, String, i64, i64);

/// Every balance with the sum of its mutations.
pub fn balances_with_sums(c: &Connection) -> rusqlite::Result<Vec<BalanceSum>> {
    let mut s = c.prepare(
        "SELECT b.id, b.user_id, u.email, b.balance,
                COALESCE((SELECT SUM(CASE type WHEN 'credit' THEN amount ELSE -amount END)
                          FROM balance_mutations m WHERE m.balance_id = b.id), 0)
         FROM balances b JOIN users u ON u.id = b.user_id ORDER BY b.user_id",
    )?;
    let rows = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    rows.collect()
}

/// A balance's mutations in order: (id, balance_before, balance_after).
pub fn chain(c: &Connection, balance_id: i64) -> rusqlite::Result<Vec<(i64, i64, i64)>> {
    let mut s = c.prepare_cached(
        "SELECT id, balance_before, balance_after FROM balance_mutations WHERE balance_id = ?1 ORDER BY id",
    )?;
    let rows = s.query_map([balance_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

fn entry_from(r: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let debit: String = r.get(2)?;
    let amount: i64 = r.get(3)?;
    Ok(LedgerEntry {
        id: r.get(0)?,
        kind: r.get(1)?,
        amount: if debit == "debit" { -amount } else { amount },
        balance_before: r.get(4)?,
        balance_after: r.get(5)?,
        transaction_code: r.get(6)?,
        reference_id: r.get(7)?,
        description: r.get(8)?,
        created_by: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub fn mutations(
    c: &Connection,
    user_id: i64,
    kind: Option<EntryKind>,
    from: Option<String>,
    to: Option<String>,
    slice: Slice,
) -> rusqlite::Result<(Vec<LedgerEntry>, i64)> {
    let mut w = Filter::new();
    w.eq("m.user_id", Some(user_id)).eq("m.reference_type", kind).range("m.created_at", from, to);
    query::page(
        c,
        "m.id, m.reference_type, m.type, m.amount, m.balance_before, m.balance_after, t.transaction_code,
         m.reference_id, m.description, m.created_by, m.created_at",
        "balance_mutations m LEFT JOIN transactions t ON t.id = m.transaction_id",
        &w,
        "m.id DESC",
        slice,
        entry_from,
    )
}

const WD_COLS: &str =
    "id, user_id, reference_id, amount, payment_method, account_number, account_name, status, admin_note, \
                       completed_at, created_at, updated_at, \
                       (SELECT u.name FROM users u WHERE u.id = withdrawals.user_id), \
                       (SELECT u.email FROM users u WHERE u.id = withdrawals.user_id)";

fn withdrawal_from(r: &Row<'_>) -> rusqlite::Result<Withdrawal> {
    Ok(Withdrawal {
        id: r.get(0)?,
        user_id: r.get(1)?,
        reference_id: r.get(2)?,
        amount: r.get(3)?,
        payment_method: r.get(4)?,
        account_number: r.get(5)?,
        account_name: r.get(6)?,
        status: r.get(7)?,
        admin_note: r.get(8)?,
        completed_at: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        user_name: r.get(12)?,
        user_email: r.get(13)?,
    })
}

pub fn find_withdrawal(c: &Connection, id: i64) -> rusqlite::Result<Option<Withdrawal>> {
    c.query_row(&format!("SELECT {WD_COLS} FROM withdrawals WHERE id = ?1"), [id], withdrawal_from).optional()
}

/// Pending first, then newest.
pub fn list_withdrawals(
    c: &Connection,
    user_id: Option<i64>,
    status: Option<WithdrawalStatus>,
    slice: Slice,
) -> rusqlite::Result<(Vec<Withdrawal>, i64)> {
    let mut w = Filter::new();
    w.eq("user_id", user_id).eq("status", status);
    query::page(c, WD_COLS, "withdrawals", &w, "(status = 'pending') DESC, id DESC", slice, withdrawal_from)
}

pub fn withdrawal_reference_taken(c: &Connection, reference: &str) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM withdrawals WHERE reference_id = ?1)", [reference], |x| x.get(0))
}

pub fn insert_withdrawal(
    c: &Connection,
    user_id: i64,
    amount: i64,
    method: &str,
    account_number: &str,
    account_name: &str,
    reference: &str,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO withdrawals (user_id, amount, payment_method, account_number, account_name, reference_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![user_id, amount, method, account_number, account_name, reference],
    )?;
    Ok(c.last_insert_rowid())
}

/// Moves a withdrawal from `from` to `to`; false when it is no longer `from`.
pub fn move_withdrawal(
    c: &Connection,
    id: i64,
    from: WithdrawalStatus,
    to: WithdrawalStatus,
    note: Option<&str>,
    admin: i64,
    now: &str,
) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE withdrawals SET status = ?2, admin_note = COALESCE(?3, admin_note), processed_by = ?4,
                completed_at = CASE WHEN ?2 = 'completed' THEN ?5 ELSE completed_at END, updated_at = ?5
         WHERE id = ?1 AND status = ?6",
        params![id, to, note, admin, now, from],
    )? == 1)
}

/// A member (not a guest) with this id exists.
pub fn member_exists(c: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1 AND is_guest = 0)", [user_id], |r| r.get(0))
}
