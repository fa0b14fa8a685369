//! HTTP surface of the wallet: balance, mutations, withdrawals; the admin's adjustments
//! and withdrawal moves.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, Object, OpenApi};
use rusqlite::params;
use serde_json::json;

use super::{
    find_withdrawal,
    ledger::{self, EntryKind, LedgerError, Refs},
    list_withdrawals, mutations, new_withdrawal_reference, Balance, MutationList, Withdrawal, WithdrawalStatus,
};
use crate::{
    accounts::repo::log_activity,
    app::App,
    db::now_str,
    error::{ApiError, ApiResult},
    auth::api::{AdminAuth, BearerAuth}, web::pagination::{PageMeta, PageRequest}, web::ClientIp,
    notifications::{self, Kind},
    openapi_tags::ApiTags,
};

fn ledger_error(e: LedgerError) -> ApiError {
    match e {
        LedgerError::Insufficient { balance, needed } => {
            ApiError::validation("amount", format!("insufficient balance: Rp {balance} available, Rp {needed} needed"))
                .with_code("insufficient_balance")
                .with_details(json!({"balance": balance, "needed": needed}))
        }
        LedgerError::NonPositive => ApiError::validation("amount", "the amount must be positive"),
        LedgerError::TooLarge => {
            ApiError::validation("amount", LedgerError::TooLarge.to_string()).with_code("amount_too_large")
        }
        LedgerError::Db(d) => d.into(),
    }
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

#[derive(ApiResponse)]
pub enum WithdrawalCreated {
    #[oai(status = 201)]
    Created(Json<Withdrawal>),
}

pub struct WalletApi;

#[OpenApi(tag = "ApiTags::Wallet")]
impl WalletApi {
    /// The caller's balance.
    #[oai(path = "/me/balance", method = "get", operation_id = "getBalance")]
    async fn balance(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<Balance>> {
        let id = auth.0.id;
        let balance = app.db.run(move |c| -> ApiResult<_> { Ok(ledger::balance_of(c, id)?) }).await?;
        Ok(Json(Balance { balance }))
    }

    /// The caller's balance movements, newest first.
    #[oai(path = "/me/mutations", method = "get", operation_id = "listMutations")]
    async fn mutations(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(name = "type")] kind: Query<Option<EntryKind>>,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<MutationList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let (from, to) = (crate::clock::day_bound(from.0, false), crate::clock::day_bound(to.0, true));
        let id = auth.0.id;
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> { Ok(mutations(c, id, kind.0, from, to, pr.limit(), pr.offset())?) })
            .await?;
        Ok(Json(MutationList { data, meta: pr.meta(total) }))
    }

    /// Cash out (resellers). The amount is taken from the balance at once and held until
    /// an admin completes or rejects the withdrawal.
    #[oai(path = "/withdrawals", method = "post", operation_id = "createWithdrawal")]
    async fn withdraw(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<WithdrawalRequest>,
    ) -> ApiResult<WithdrawalCreated> {
        let (user, b) = (auth.0, body.0);
        if !user.is_reseller() {
            return Err(ApiError::forbidden("withdrawals are for reseller accounts"));
        }
        let min = app.config.wallet.withdrawal_min;
        if b.amount < min {
            return Err(ApiError::validation("amount", format!("the smallest withdrawal is Rp {min}")));
        }
        let w = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let reference = new_withdrawal_reference(tx)?;
                tx.execute(
                    "INSERT INTO withdrawals (user_id, amount, payment_method, account_number, account_name, reference_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![user.id, b.amount, b.payment_method.trim(), b.account_number.trim(), b.account_name.trim(), reference],
                )?;
                let id = tx.last_insert_rowid();
                ledger::debit(tx, user.id, b.amount, EntryKind::Withdrawal,
                              &format!("Withdrawal {reference} to {} {}", b.payment_method.trim(), b.account_number.trim()),
                              Refs { reference_id: Some(id), ..Default::default() })
                    .map_err(ledger_error)?;
                find_withdrawal(tx, id)?.ok_or_else(|| ApiError::internal("withdrawal vanished"))
            })
            .await?;
        Ok(WithdrawalCreated::Created(Json(w)))
    }

    /// The caller's withdrawals.
    #[oai(path = "/withdrawals", method = "get", operation_id = "listWithdrawals")]
    async fn withdrawals(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<WithdrawalList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let uid = auth.0.id;
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> { Ok(list_withdrawals(c, Some(uid), None, pr.limit(), pr.offset())?) })
            .await?;
        Ok(Json(WithdrawalList { data, meta: pr.meta(total) }))
    }
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

pub struct AdminWalletApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminWallet")]
impl AdminWalletApi {
    /// Adjust a user's balance (signed amount) with a reason; recorded in the ledger and
    /// the activity log. No other admin path changes a balance.
    #[oai(path = "/users/:id/balance-adjustments", method = "post", operation_id = "adminAdjustBalance")]
    async fn adjust(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<AdjustmentRequest>,
    ) -> ApiResult<Json<AdjustmentResult>> {
        let (uid, b, admin) = (id.0, body.0, auth.0.id);
        if b.amount == 0 {
            return Err(ApiError::validation("amount", "the amount must not be zero"));
        }
        let ip = req.data::<ClientIp>().map(|c| c.0.clone());
        let balance = app
            .db
            .write(move |tx| -> ApiResult<_> {
                let exists: bool =
                    tx.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1 AND is_guest = 0)", [uid], |r| {
                        r.get(0)
                    })?;
                if !exists {
                    return Err(ApiError::not_found("user"));
                }
                let refs = Refs { created_by: Some(admin), ..Default::default() };
                let description = format!("Adjustment: {}", b.reason.trim());
                let balance = if b.amount > 0 {
                    ledger::credit(tx, uid, b.amount, EntryKind::Adjustment, &description, refs)
                } else {
                    ledger::debit(tx, uid, -b.amount, EntryKind::Adjustment, &description, refs)
                }
                .map_err(ledger_error)?;
                log_activity(
                    tx,
                    Some(admin),
                    "balance.adjust",
                    Some("user"),
                    Some(uid),
                    b.reason.trim(),
                    ip.as_deref(),
                    Some(&json!({"amount": b.amount, "balance_after": balance})),
                )?;
                Ok(balance)
            })
            .await?;
        Ok(Json(AdjustmentResult { balance }))
    }

    /// A user's balance movements.
    #[oai(path = "/users/:id/mutations", method = "get", operation_id = "adminListUserMutations")]
    async fn user_mutations(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        id: Path<i64>,
        #[oai(name = "type")] kind: Query<Option<EntryKind>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<MutationList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let uid = id.0;
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> { Ok(mutations(c, uid, kind.0, None, None, pr.limit(), pr.offset())?) })
            .await?;
        Ok(Json(MutationList { data, meta: pr.meta(total) }))
    }

    /// Withdrawals, pending first.
    #[oai(path = "/withdrawals", method = "get", operation_id = "adminListWithdrawals")]
    async fn withdrawals(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        status: Query<Option<WithdrawalStatus>>,
        user_id: Query<Option<i64>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<WithdrawalList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> { Ok(list_withdrawals(c, user_id.0, status.0, pr.limit(), pr.offset())?) })
            .await?;
        Ok(Json(WithdrawalList { data, meta: pr.meta(total) }))
    }

    /// Approve a pending withdrawal (the money is still held).
    #[oai(path = "/withdrawals/:id/approve", method = "post", operation_id = "adminApproveWithdrawal")]
    async fn approve(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        move_withdrawal(&app, auth.0.id, req, id.0, WithdrawalStatus::Approved, body.0.note).await.map(Json)
    }

    /// Mark an approved withdrawal as paid out.
    #[oai(path = "/withdrawals/:id/complete", method = "post", operation_id = "adminCompleteWithdrawal")]
    async fn complete(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        move_withdrawal(&app, auth.0.id, req, id.0, WithdrawalStatus::Completed, body.0.note).await.map(Json)
    }

    /// Reject a pending or approved withdrawal: the amount goes back to the balance, once.
    #[oai(path = "/withdrawals/:id/reject", method = "post", operation_id = "adminRejectWithdrawal")]
    async fn reject(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        move_withdrawal(&app, auth.0.id, req, id.0, WithdrawalStatus::Rejected, body.0.note).await.map(Json)
    }
}

async fn move_withdrawal(
    app: &App,
    admin: i64,
    req: &Request,
    id: i64,
    to: WithdrawalStatus,
    note: Option<String>,
) -> ApiResult<Withdrawal> {
    let ip = req.data::<ClientIp>().map(|c| c.0.clone());
    let (w, notes) = app
        .db
        .write(move |tx| -> ApiResult<_> {
            let w = find_withdrawal(tx, id)?.ok_or_else(|| ApiError::not_found("withdrawal"))?;
            if !w.status.can_move_to(to) {
                return Err(ApiError::conflict(
                    "illegal_move",
                    format!("a {} withdrawal cannot become {}", w.status.as_str(), to.as_str()),
                ));
            }
            let now = now_str();
            // The status guard makes the move (and a rejection's credit) happen once.
            let moved = tx.execute(
                "UPDATE withdrawals SET status = ?2, admin_note = COALESCE(?3, admin_note), processed_by = ?4,
                        completed_at = CASE WHEN ?2 = 'completed' THEN ?5 ELSE completed_at END, updated_at = ?5
                 WHERE id = ?1 AND status = ?6",
                params![id, to, note, admin, now, w.status],
            )?;
            if moved == 0 {
                return Err(ApiError::conflict("illegal_move", "the withdrawal changed meanwhile"));
            }
            if to == WithdrawalStatus::Rejected {
                ledger::credit(
                    tx,
                    w.user_id,
                    w.amount,
                    EntryKind::Withdrawal,
                    &format!("Withdrawal {} rejected: amount returned", w.reference_id),
                    Refs { reference_id: Some(id), created_by: Some(admin), ..Default::default() },
                )
                .map_err(ledger_error)?;
            }
            let (kind, title, msg) = match to {
                WithdrawalStatus::Rejected => (
                    Kind::Warning,
                    "Penarikan Ditolak",
                    format!("Penarikan {} ditolak; Rp {} dikembalikan ke saldo.", w.reference_id, w.amount),
                ),
                WithdrawalStatus::Completed => (
                    Kind::Success,
                    "Penarikan Selesai",
                    format!("Penarikan {} sebesar Rp {} sudah dikirim.", w.reference_id, w.amount),
                ),
                _ => (Kind::Info, "Penarikan Disetujui", format!("Penarikan {} disetujui.", w.reference_id)),
            };
            let n = notifications::create(
                tx,
                w.user_id,
                kind,
                title,
                &msg,
                json!({"withdrawal": w.reference_id, "status": to.as_str()}),
            )?;
            log_activity(
                tx,
                Some(admin),
                &format!("withdrawal.{}", to.as_str()),
                Some("withdrawal"),
                Some(id),
                note.as_deref().unwrap_or(""),
                ip.as_deref(),
                None,
            )?;
            Ok((find_withdrawal(tx, id)?.ok_or_else(|| ApiError::not_found("withdrawal"))?, vec![n]))
        })
        .await?;
    notifications::deliver(app, notes);
    Ok(w)
}
