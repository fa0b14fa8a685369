//! Wallet: reseller balances as a small ledger. Deposits through Tripay, purchases paid
//! with balance, automatic refunds, withdrawals held at request time, admin adjustments.

pub mod api;
pub mod ledger;

use poem_openapi::{Enum, Object};
use rusqlite::{params, types::Value, Connection, OptionalExtension, Row};

use crate::{db::text_enum, db::numbered_where, web::pagination::PageMeta};
use ledger::{EntryKind, LedgerEntry};

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
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<LedgerEntry>, i64)> {
    let mut clauses = vec!["m.user_id = ?{n}"];
    let mut args: Vec<Value> = vec![user_id.into()];
    if let Some(k) = kind {
        clauses.push("m.reference_type = ?{n}");
        args.push(k.as_str().to_string().into());
    }
    if let Some(f) = from {
        clauses.push("m.created_at >= ?{n}");
        args.push(f.into());
    }
    if let Some(t) = to {
        clauses.push("m.created_at < ?{n}");
        args.push(t.into());
    }
    let w = numbered_where(&clauses);
    let total: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM balance_mutations m {w}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let n = args.len();
    args.push(limit.into());
    args.push(offset.into());
    let mut s = c.prepare(&format!(
        "SELECT m.id, m.reference_type, m.type, m.amount, m.balance_before, m.balance_after, t.transaction_code,
                m.reference_id, m.description, m.created_by, m.created_at
         FROM balance_mutations m LEFT JOIN transactions t ON t.id = m.transaction_id
         {w} ORDER BY m.id DESC LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    ))?;
    let rows = s.query_map(rusqlite::params_from_iter(args.iter()), entry_from)?.collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
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
}

const WD_COLS: &str =
    "id, user_id, reference_id, amount, payment_method, account_number, account_name, status, admin_note, \
                       completed_at, created_at, updated_at";

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
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Withdrawal>, i64)> {
    let mut clauses = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(u) = user_id {
        clauses.push("user_id = ?{n}");
        args.push(u.into());
    }
    if let Some(s) = status {
        clauses.push("status = ?{n}");
        args.push(s.as_str().to_string().into());
    }
    let w = numbered_where(&clauses);
    let total: i64 =
        c.query_row(&format!("SELECT COUNT(*) FROM withdrawals {w}"), rusqlite::params_from_iter(args.iter()), |r| {
            r.get(0)
        })?;
    let n = args.len();
    args.push(limit.into());
    args.push(offset.into());
    let mut s = c.prepare(&format!(
        "SELECT {WD_COLS} FROM withdrawals {w} ORDER BY (status = 'pending') DESC, id DESC LIMIT ?{} OFFSET ?{}",
        n + 1,
        n + 2
    ))?;
    let rows = s.query_map(rusqlite::params_from_iter(args.iter()), withdrawal_from)?.collect::<Result<Vec<_>, _>>()?;
    Ok((rows, total))
}

pub fn new_withdrawal_reference(c: &Connection) -> rusqlite::Result<String> {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let tail: String = (0..8).map(|_| CHARS[rand::rngs::OsRng.gen_range(0..CHARS.len())] as char).collect();
        let r = format!("WD-{tail}");
        let taken: bool =
            c.query_row("SELECT EXISTS (SELECT 1 FROM withdrawals WHERE reference_id = ?1)", params![r], |x| x.get(0))?;
        if !taken {
            return Ok(r);
        }
    }
}
