//! HTTP surface of accounts: `/auth/*`, `/me`, and the admin's user routes.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, OpenApi};

use super::model::{
    Accepted, AccountDeletion, ClaimConfirm, ClaimResult, ForgotPassword, PasswordChange, ProfileUpdate, ResetPassword,
};
use super::{
    model::{
        AdminUser, AdminUserList, AdminUserUpdate, CustomerType, LoginRequest, Profile, RegisterRequest, Role,
        TokenResponse, UserStatus,
    },
    repo, service,
};
use crate::{
    app::App,
    error::{ApiError, ApiResult},
    auth::api::{AdminAuth, BearerAuth}, web::pagination::PageRequest, web::ClientIp,
    openapi_tags::ApiTags,
};

fn client(req: &Request) -> (String, Option<String>) {
    let ip = req.data::<ClientIp>().map(|c| c.0.clone()).unwrap_or_else(|| "unknown".into());
    let ua = req
        .headers()
        .get(poem::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(255).collect());
    (ip, ua)
}

#[derive(ApiResponse)]
pub enum Registered {
    /// The account was created; the token logs it in.
    #[oai(status = 201)]
    Created(Json<TokenResponse>),
}

#[derive(ApiResponse)]
pub enum ForgotAccepted {
    #[oai(status = 202)]
    Accepted(Json<Accepted>),
}

#[derive(ApiResponse)]
pub enum NoContent {
    #[oai(status = 204)]
    Done,
}

pub struct AuthApi;

#[OpenApi(prefix_path = "/auth", tag = "ApiTags::Auth")]
impl AuthApi {
    /// Register a retail customer account.
    ///
    /// Guest orders bought earlier with the same e-mail stay the guest's: to see them in
    /// the account, claim them with the link `POST /me/guest-orders/claim` mails.
    #[oai(path = "/register", method = "post", operation_id = "register")]
    async fn register(&self, app: Data<&App>, req: &Request, body: Json<RegisterRequest>) -> ApiResult<Registered> {
        let (ip, ua) = client(req);
        Ok(Registered::Created(Json(service::register(&app, body.0, &ip, ua).await?)))
    }

    /// Log in with e-mail or phone and password.
    ///
    /// Limited per client IP and per identifier (429 with Retry-After).
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(&self, app: Data<&App>, req: &Request, body: Json<LoginRequest>) -> ApiResult<Json<TokenResponse>> {
        let (ip, ua) = client(req);
        Ok(Json(service::login(&app, body.0, &ip, ua).await?))
    }

    /// Ask for a password reset link by e-mail. The answer is the same whether or not
    /// the address has an account.
    #[oai(path = "/forgot-password", method = "post", operation_id = "forgotPassword")]
    async fn forgot(&self, app: Data<&App>, body: Json<ForgotPassword>) -> ApiResult<ForgotAccepted> {
        service::forgot_password(&app, &body.0.email).await?;
        Ok(ForgotAccepted::Accepted(Json(Accepted {
            message: "if this address has an account, a reset link is on its way".into(),
        })))
    }

    /// Set a new password with the token from the reset e-mail (once; it expires).
    /// Every session of the account ends.
    #[oai(path = "/reset-password", method = "post", operation_id = "resetPassword")]
    async fn reset(&self, app: Data<&App>, body: Json<ResetPassword>) -> ApiResult<NoContent> {
        let b = body.0;
        service::reset_password(&app, &b.token, b.password).await?;
        Ok(NoContent::Done)
    }

    /// Log out: the token used for this call stops working.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<NoContent> {
        crate::auth::service::logout(&app, auth.0.token_id).await?;
        Ok(NoContent::Done)
    }
}

pub struct MeApi;

#[OpenApi(tag = "ApiTags::Account")]
impl MeApi {
    /// The caller's profile, with role, customer type and wallet balance.
    #[oai(path = "/me", method = "get", operation_id = "getProfile")]
    async fn me(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<Json<Profile>> {
        Ok(Json(service::profile(&app, auth.0.id).await?))
    }

    /// Change name or phone.
    #[oai(path = "/me", method = "patch", operation_id = "updateProfile")]
    async fn update(&self, app: Data<&App>, auth: BearerAuth, body: Json<ProfileUpdate>) -> ApiResult<Json<Profile>> {
        service::update_profile(&app, auth.0.id, body.0).await?;
        Ok(Json(service::profile(&app, auth.0.id).await?))
    }

    /// Change the password; every other session ends.
    #[oai(path = "/me/password", method = "post", operation_id = "changePassword")]
    async fn change_password(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<PasswordChange>,
    ) -> ApiResult<NoContent> {
        service::change_password(&app, &auth.0, body.0).await?;
        Ok(NoContent::Done)
    }

    /// Mail a link to the caller's own address that adds the guest orders bought with
    /// it to the account (sent only when there are some; the answer is the same).
    #[oai(path = "/me/guest-orders/claim", method = "post", operation_id = "requestGuestOrderClaim")]
    async fn claim_guest_orders(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<ForgotAccepted> {
        service::request_guest_claim(&app, &auth.0).await?;
        Ok(ForgotAccepted::Accepted(Json(Accepted {
            message: "if guest orders were bought with your e-mail, a link to add them is on its way".into(),
        })))
    }

    /// Add the guest orders of the caller's address to the account, with the token from
    /// the claim e-mail (once, before it expires). Refunds still go to whoever paid.
    #[oai(path = "/me/guest-orders/claim/confirm", method = "post", operation_id = "confirmGuestOrderClaim")]
    async fn confirm_guest_claim(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        body: Json<ClaimConfirm>,
    ) -> ApiResult<Json<ClaimResult>> {
        let claimed = service::confirm_guest_claim(&app, &auth.0, &body.0.token).await?;
        Ok(Json(ClaimResult { claimed }))
    }

    /// Delete the account (with the password). Refused while an order is pending or
    /// processing, or while the balance is not zero. A soft delete: orders, ledger and logs stay for the books; the
    /// e-mail and phone become free again.
    #[oai(path = "/me", method = "delete", operation_id = "deleteAccount")]
    async fn delete(&self, app: Data<&App>, auth: BearerAuth, body: Json<AccountDeletion>) -> ApiResult<NoContent> {
        service::delete_account(&app, &auth.0, body.0).await?;
        Ok(NoContent::Done)
    }
}

/// Orders of the admin's user list.
#[derive(Debug, Clone, Copy, poem_openapi::Enum)]
#[oai(rename_all = "lowercase")]
pub enum UserSort {
    Newest,
    Oldest,
    Name,
    Balance,
}

pub struct AdminUsersApi;

#[derive(ApiResponse)]
pub enum UserCreated {
    #[oai(status = 201)]
    Created(Json<AdminUser>),
}

#[OpenApi(prefix_path = "/admin/users", tag = "ApiTags::AdminUsers")]
impl AdminUsersApi {
    /// Create a user of any role and tier.
    #[oai(path = "/", method = "post", operation_id = "adminCreateUser")]
    async fn create(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        body: Json<super::model::UserCreate>,
    ) -> ApiResult<UserCreated> {
        let ip = req.data::<ClientIp>().map(|c| c.0.clone());
        Ok(UserCreated::Created(Json(service::create_user_by_admin(&app, auth.0.id, ip, body.0).await?)))
    }

    /// List users (guests and deleted accounts on request).
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/", method = "get", operation_id = "adminListUsers")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        /// Matches name, e-mail or phone.
        search: Query<Option<String>>,
        role: Query<Option<Role>>,
        customer_type: Query<Option<CustomerType>>,
        status: Query<Option<UserStatus>>,
        include_guests: Query<Option<bool>>,
        include_deleted: Query<Option<bool>>,
        sort: Query<Option<UserSort>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))] per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminUserList>> {
        let pr = PageRequest::new(page.0, per_page.0);
        let filter = repo::UserFilter {
            search: search.0,
            role: role.0,
            customer_type: customer_type.0,
            status: status.0,
            include_guests: include_guests.0.unwrap_or(false),
            include_deleted: include_deleted.0.unwrap_or(false),
            sort: sort.0.map(|s| match s {
                UserSort::Newest => "newest",
                UserSort::Oldest => "oldest",
                UserSort::Name => "name",
                UserSort::Balance => "balance",
            }),
        };
        let (rows, total) =
            app.db.run(move |c| -> ApiResult<_> { Ok(repo::list_users(c, &filter, pr.limit(), pr.offset())?) }).await?;
        let data = rows
            .into_iter()
            .map(|(u, balance, referrals)| AdminUser {
                referred_by: u.referred_by,
                referral_count: referrals,
                last_login_at: u.last_login_at.clone(),
                deleted_at: u.deleted_at.clone(),
                profile: Profile::of(u, balance),
            })
            .collect();
        Ok(Json(AdminUserList { data, meta: pr.meta(total) }))
    }

    /// One user.
    #[oai(path = "/:id", method = "get", operation_id = "adminGetUser")]
    async fn get(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminUser>> {
        let id = id.0;
        let user = app
            .db
            .run(move |c| -> ApiResult<_> {
                let u = repo::find_by_id(c, id)?.ok_or_else(|| ApiError::not_found("user"))?;
                let balance = repo::balance_of(c, id)?;
                Ok(AdminUser {
                    referral_count: repo::referral_count(c, id)?,
                    referred_by: u.referred_by,
                    last_login_at: u.last_login_at.clone(),
                    deleted_at: u.deleted_at.clone(),
                    profile: Profile::of(u, balance),
                })
            })
            .await?;
        Ok(Json(user))
    }

    /// Change a user's role, customer type (retail/reseller), status or name.
    ///
    /// Suspending or deactivating takes effect at once: the user's tokens stop working.
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdateUser")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        req: &Request,
        id: Path<i64>,
        body: Json<AdminUserUpdate>,
    ) -> ApiResult<Json<AdminUser>> {
        let id = id.0;
        let admin_id = auth.0.id;
        let (ip, _) = client(req);
        let b = body.0;
        if id == admin_id && (b.role == Some(Role::Customer) || b.status.is_some_and(|s| s != UserStatus::Active)) {
            return Err(ApiError::conflict("self_lockout", "an admin cannot demote or suspend itself"));
        }
        let name = b.name.as_ref().map(|n| n.trim().to_string());
        if name.as_deref() == Some("") {
            return Err(ApiError::validation("name", "name must not be blank"));
        }
        let meta = serde_json::json!({
            "role": b.role.map(|r| r.as_str()),
            "customer_type": b.customer_type.map(|t| t.as_str()),
            "status": b.status.map(|s| s.as_str()),
            "name": name,
        });
        app.db
            .write(move |tx| -> ApiResult<_> {
                let n = repo::update_user(tx, id, b.role, b.customer_type, b.status, name.as_deref())?;
                if n == 0 {
                    return Err(ApiError::not_found("user"));
                }
                if b.status.is_some_and(|s| s != UserStatus::Active) {
                    crate::auth::repo::revoke_all_tokens(tx, id)?;
                }
                repo::log_activity(
                    tx,
                    Some(admin_id),
                    "user.update",
                    Some("user"),
                    Some(id),
                    "admin updated a user",
                    Some(&ip),
                    Some(&meta),
                )?;
                Ok(())
            })
            .await?;
        self.get(app, auth, Path(id)).await
    }
}
