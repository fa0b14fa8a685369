//! HTTP surface of the wallet: balance, mutations, deposits, withdrawals; the admin's
//! adjustments, withdrawal moves and refunds.

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
    http::{
        auth::{AdminAuth, BearerAuth},
        pagination::{PageMeta, PageRequest},
        ClientIp,
    },
    notifications::{self, Kind},
    openapi_tags::ApiTags,
    orders::{
        api::day_bound,
        checkout as orders,
        model::{OrderList, OrderView, TransactionType},
        repo::{self as orders_repo, OrderFilter},
        service::{self as order_service, Admin, AdminAction},
    },
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
pub struct DepositRequest {
    /// Rupiah to add to the balance (the gateway fee is paid on top).
    #[oai(validator(minimum(value = "1"), maximum(value = "1000000000000")))]
    pub amount: i64,
    /// A payment channel code from `GET /payment-channels`.
    #[oai(validator(min_length = 1, max_length = 50))]
    pub payment_method: String,
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
pub enum DepositCreated {
    #[oai(status = 201)]
    Created(Json<OrderView>),
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
        let (from, to) = (day_bound(from.0, false), day_bound(to.0, true));
        let id = auth.0.id;
        let (data, total) = app
            .db
            .run(move |c| -> ApiResult<_> { Ok(mutations(c, id, kind.0, from, to, pr.limit(), pr.offset())?) })
            .await?;
        Ok(Json(MutationList { data, meta: pr.meta(total) }))
    }

    /// Top up the balance through Tripay (resellers; retail members when
    /// `wallet.retail_deposits`). The PAID callback credits the amount once; money paid
    /// after the deposit expired is credited too (a late payment).
    #[oai(path = "/deposits", method = "post", operation_id = "createDeposit")]
    async fn deposit(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<DepositRequest>,
    ) -> ApiResult<DepositCreated> {
        let view = orders::create_deposit(&app, &auth.0, body.0.amount, &body.0.payment_method).await?;
        Ok(DepositCreated::Created(Json(view)))
    }

    /// The caller's deposits.
    #[oai(path = "/deposits", method = "get", operation_id = "listDeposits")]
    async fn deposits(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<OrderList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = OrderFilter {
            user_id: Some(auth.0.id),
            transaction_type: Some(TransactionType::Topup),
            ..Default::default()
        };
        let (data, total) = app.db.run(move |c| order_service::list_views(c, &filter, pr.limit(), pr.offset())).await?;
        Ok(Json(OrderList { data, meta: pr.meta(total) }))
    }

    /// One of the caller's deposits.
    #[oai(path = "/deposits/:invoice", method = "get", operation_id = "getDeposit")]
    async fn deposit_detail(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        invoice: Path<String>,
    ) -> ApiResult<Json<OrderView>> {
        let uid = auth.0.id;
        let view = app
            .db
            .run(move |c| -> ApiResult<_> {
                let o = orders_repo::find_by_code(c, &invoice.0)?
                    .filter(|o| o.user_id == Some(uid) && o.transaction_type == TransactionType::Topup)
                    .ok_or_else(|| ApiError::not_found("deposit"))?;
                let p = orders_repo::payment_of(c, o.id)?;
                Ok(order_service::to_view(o, p))
            })
            .await?;
        Ok(Json(view))
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

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RefundRequired {
    pub transaction_code: String,
    pub user_id: Option<i64>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub is_guest: bool,
    pub product_name: Option<String>,
    pub total_price: i64,
    pub payment_method: Option<String>,
    pub status: String,
    pub failed_reason: Option<String>,
    pub created_at: String,
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

    /// Paid orders that failed and still need their money returned (guests, or late
    /// payments on closed orders).
    #[oai(path = "/transactions/refund-required", method = "get", operation_id = "adminListRefundRequired")]
    async fn refund_required(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<RefundRequired>>> {
        let rows = app
            .db
            .run(|c| -> ApiResult<_> {
                let mut s = c.prepare(
                    "SELECT t.transaction_code, t.user_id, t.contact_email, t.contact_phone, COALESCE(u.is_guest, 1),
                            t.product_name, t.total_price, t.payment_method, t.status, t.failed_reason, t.created_at
                     FROM transactions t LEFT JOIN users u ON u.id = t.user_id
                     WHERE t.refund_required = 1 ORDER BY t.id",
                )?;
                let rows = s
                    .query_map([], |r| {
                        Ok(RefundRequired {
                            transaction_code: r.get(0)?,
                            user_id: r.get(1)?,
                            contact_email: r.get(2)?,
                            contact_phone: r.get(3)?,
                            is_guest: r.get(4)?,
                            product_name: r.get(5)?,
                            total_price: r.get(6)?,
                            payment_method: r.get(7)?,
                            status: r.get(8)?,
                            failed_reason: r.get(9)?,
                            created_at: r.get(10)?,
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows)
            })
            .await?;
        Ok(Json(rows))
    }

    /// Refund a failed, paid member order to its balance (once).
    #[oai(path = "/transactions/:code/refund", method = "post", operation_id = "adminRefundToBalance")]
    async fn refund(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
    ) -> ApiResult<Json<OrderView>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        let id = order_service::admin_act(&app, &admin, &code.0, AdminAction::RefundToBalance).await?;
        Ok(Json(order_service::view(&app, id).await?))
    }

    /// Record that a failed order's money was returned outside lapak (guests: bank
    /// transfer, e-wallet), with a note.
    #[oai(path = "/transactions/:code/mark-refunded", method = "post", operation_id = "adminMarkRefunded")]
    async fn mark_refunded(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        code: Path<String>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<OrderView>> {
        let admin = Admin { id: auth.0.id, ip: req.data::<ClientIp>().map(|c| c.0.clone()) };
        let note = body.0.note.unwrap_or_default();
        let id = order_service::admin_act(&app, &admin, &code.0, AdminAction::MarkRefunded { note }).await?;
        Ok(Json(order_service::view(&app, id).await?))
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
