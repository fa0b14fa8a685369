//! HTTP surface of the wallet: balance, mutations, withdrawals; the admin's adjustments
//! and withdrawal moves.

use chrono::NaiveDate;
use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{
        AdjustmentRequest, AdjustmentResult, Balance, EntryKind, MutationList, NoteRequest, Withdrawal, WithdrawalList,
        WithdrawalRequest, WithdrawalStatus,
    },
    service,
};
use crate::{
    app::App,
    auth::api::{AdminAuth, BearerAuth},
    clock::day_bound,
    error::ApiResult,
    openapi_tags::ApiTags,
    web::pagination::PageRequest,
};

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
        Ok(Json(Balance { balance: service::balance(&app, auth.0.id).await? }))
    }

    /// The caller's balance movements, newest first.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/me/mutations", method = "get", operation_id = "listMutations")]
    async fn mutations(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(name = "type")] kind: Query<Option<EntryKind>>,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<MutationList>> {
        let (from, to) = (day_bound(from.0, false), day_bound(to.0, true));
        let page = PageRequest::new(page.0, per_page.0);
        Ok(Json(service::mutations(&app, auth.0.id, kind.0, from, to, page).await?))
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
        Ok(WithdrawalCreated::Created(Json(service::withdraw(&app, &auth.0, body.0).await?)))
    }

    /// The caller's withdrawals.
    #[oai(path = "/withdrawals", method = "get", operation_id = "listWithdrawals")]
    async fn withdrawals(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<WithdrawalList>> {
        Ok(Json(service::withdrawals(&app, Some(auth.0.id), None, PageRequest::new(page.0, per_page.0)).await?))
    }
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
        id: Path<i64>,
        body: Json<AdjustmentRequest>,
    ) -> ApiResult<Json<AdjustmentResult>> {
        Ok(Json(AdjustmentResult { balance: service::adjust(&app, auth.0.actor(), id.0, body.0).await? }))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<MutationList>> {
        Ok(Json(service::mutations(&app, id.0, kind.0, None, None, PageRequest::new(page.0, per_page.0)).await?))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<WithdrawalList>> {
        Ok(Json(service::withdrawals(&app, user_id.0, status.0, PageRequest::new(page.0, per_page.0)).await?))
    }

    /// Approve a pending withdrawal (the money is still held).
    #[oai(path = "/withdrawals/:id/approve", method = "post", operation_id = "adminApproveWithdrawal")]
    async fn approve(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        Ok(Json(service::move_withdrawal(&app, auth.0.actor(), id.0, WithdrawalStatus::Approved, body.0.note).await?))
    }

    /// Mark an approved withdrawal as paid out.
    #[oai(path = "/withdrawals/:id/complete", method = "post", operation_id = "adminCompleteWithdrawal")]
    async fn complete(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        Ok(Json(service::move_withdrawal(&app, auth.0.actor(), id.0, WithdrawalStatus::Completed, body.0.note).await?))
    }

    /// Reject a pending or approved withdrawal: the amount goes back to the balance, once.
    #[oai(path = "/withdrawals/:id/reject", method = "post", operation_id = "adminRejectWithdrawal")]
    async fn reject(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<NoteRequest>,
    ) -> ApiResult<Json<Withdrawal>> {
        Ok(Json(service::move_withdrawal(&app, auth.0.actor(), id.0, WithdrawalStatus::Rejected, body.0.note).await?))
    }
}
