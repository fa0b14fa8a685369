//! Wallet rules: a reseller's withdrawals (held from the balance at request time), the
//! admin's adjustments and withdrawal moves. Every balance change goes through `ledger`.

use crate::text::Rupiah;
use serde_json::json;

use super::{
    ledger,
    model::{
        AdjustmentRequest, EntryKind, MutationList, Refs, WalletError, Withdrawal, WithdrawalList, WithdrawalRequest,
        WithdrawalStatus,
    },
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::{Actor, AuthUser},
    error::Invalid,
    notifications::{self, Kind},
    web::pagination::PageRequest,
};

type Result<T, E = WalletError> = std::result::Result<T, E>;

pub async fn balance(app: &App, user_id: i64) -> Result<i64> {
    app.db.read(move |c| Ok(repo::balance_of(c, user_id)?)).await
}

pub async fn mutations(
    app: &App,
    user_id: i64,
    kind: Option<EntryKind>,
    from: Option<String>,
    to: Option<String>,
    page: PageRequest,
) -> Result<MutationList> {
    let (data, total) =
        app.db.read(move |c| Ok::<_, WalletError>(repo::mutations(c, user_id, kind, from, to, page.into())?)).await?;
    Ok(MutationList { data, meta: page.meta(total) })
}

pub async fn withdrawals(
    app: &App,
    user_id: Option<i64>,
    status: Option<WithdrawalStatus>,
    page: PageRequest,
) -> Result<WithdrawalList> {
    let (data, total) =
        app.db.read(move |c| Ok::<_, WalletError>(repo::list_withdrawals(c, user_id, status, page.into())?)).await?;
    Ok(WithdrawalList { data, meta: page.meta(total) })
}

fn new_reference(c: &rusqlite::Connection) -> rusqlite::Result<String> {
    use rand::Rng;
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let tail: String = (0..8).map(|_| CHARS[rand::rngs::OsRng.gen_range(0..CHARS.len())] as char).collect();
        let r = format!("WD-{tail}");
        if !repo::withdrawal_reference_taken(c, &r)? {
            return Ok(r);
        }
    }
}

/// Cash out (resellers): the amount leaves the balance at once and is held until an
/// admin completes or rejects the withdrawal.
pub async fn withdraw(app: &App, user: &AuthUser, b: WithdrawalRequest) -> Result<Withdrawal> {
    if !user.is_reseller() {
        return Err(WalletError::NotReseller);
    }
    let min = app.config.wallet.withdrawal_min;
    if b.amount < min {
        return Err(Invalid::new("amount", format!("the smallest withdrawal is {}", Rupiah(min))).into());
    }
    let uid = user.id;
    app.db
        .write(move |tx| -> Result<_> {
            let reference = new_reference(tx)?;
            let (method, number) = (b.payment_method.trim(), b.account_number.trim());
            let id = repo::insert_withdrawal(tx, uid, b.amount, method, number, b.account_name.trim(), &reference)?;
            let description = format!("Withdrawal {reference} to {method} {number}");
            ledger::debit(
                tx,
                uid,
                b.amount,
                EntryKind::Withdrawal,
                &description,
                Refs { reference_id: Some(id), ..Default::default() },
            )?;
            repo::find_withdrawal(tx, id)?.ok_or(WalletError::NotFound("withdrawal"))
        })
        .await
}

/// A signed adjustment with a reason; recorded in the ledger and the audit log. No
/// other admin path changes a balance.
pub async fn adjust(app: &App, actor: Actor, user_id: i64, b: AdjustmentRequest) -> Result<i64> {
    if b.amount == 0 {
        return Err(Invalid::new("amount", "the amount must not be zero").into());
    }
    app.db
        .write(move |tx| -> Result<_> {
            if !repo::member_exists(tx, user_id)? {
                return Err(WalletError::NotFound("user"));
            }
            let refs = Refs { created_by: actor.user_id, ..Default::default() };
            let reason = b.reason.trim();
            let description = format!("Adjustment: {reason}");
            let balance = if b.amount > 0 {
                ledger::credit(tx, user_id, b.amount, EntryKind::Adjustment, &description, refs)?
            } else {
                ledger::debit(tx, user_id, -b.amount, EntryKind::Adjustment, &description, refs)?
            };
            let rec = Record::new(Action::BalanceAdjust, Subject::User(user_id), reason)
                .with_meta(json!({"amount": b.amount, "balance_after": balance}));
            audit::record(tx, &actor, rec)?;
            Ok(balance)
        })
        .await
}

/// pending -> approved -> completed, or -> rejected (the amount goes back, once). The
/// user is told, and the audit log records it, in the same transaction.
pub async fn move_withdrawal(
    app: &App,
    actor: Actor,
    id: i64,
    to: WithdrawalStatus,
    note: Option<String>,
) -> Result<Withdrawal> {
    let now = app.clock.now_str();
    let admin = actor.user_id.unwrap_or_default();
    let w = app
        .db
        .write(move |tx| -> Result<_> {
            let w = repo::find_withdrawal(tx, id)?.ok_or(WalletError::NotFound("withdrawal"))?;
            if !w.status.can_move_to(to) {
                return Err(WalletError::IllegalMove(format!(
                    "a {} withdrawal cannot become {}",
                    w.status.as_str(),
                    to.as_str()
                )));
            }
            // The status guard makes the move (and a rejection's credit) happen once.
            if !repo::move_withdrawal(tx, id, w.status, to, note.as_deref(), admin, &now)? {
                return Err(WalletError::IllegalMove("the withdrawal changed meanwhile".into()));
            }
            if to == WithdrawalStatus::Rejected {
                let description = format!("Withdrawal {} rejected: amount returned", w.reference_id);
                let refs = Refs { reference_id: Some(id), created_by: Some(admin), ..Default::default() };
                ledger::credit(tx, w.user_id, w.amount, EntryKind::Withdrawal, &description, refs)?;
            }
            let (kind, title, msg, action) = match to {
                WithdrawalStatus::Rejected => (
                    Kind::Warning,
                    "Penarikan Ditolak",
                    format!("Penarikan {} ditolak; {} dikembalikan ke saldo.", w.reference_id, Rupiah(w.amount)),
                    Action::WithdrawalRejected,
                ),
                WithdrawalStatus::Completed => (
                    Kind::Success,
                    "Penarikan Selesai",
                    format!("Penarikan {} sebesar {} sudah dikirim.", w.reference_id, Rupiah(w.amount)),
                    Action::WithdrawalCompleted,
                ),
                _ => (
                    Kind::Info,
                    "Penarikan Disetujui",
                    format!("Penarikan {} disetujui.", w.reference_id),
                    Action::WithdrawalApproved,
                ),
            };
            let data = json!({"withdrawal": w.reference_id, "status": to.as_str()});
            notifications::create(tx, w.user_id, kind, title, &msg, data)?;
            audit::record(tx, &actor, Record::new(action, Subject::Withdrawal(id), note.unwrap_or_default()))?;
            repo::find_withdrawal(tx, id)?.ok_or(WalletError::NotFound("withdrawal"))
        })
        .await?;
    notifications::wake(app);
    Ok(w)
}
