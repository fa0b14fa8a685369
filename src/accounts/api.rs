//! HTTP surface of accounts: `/auth/*`, `/me`, and the admin's user routes.

use poem::{web::Data, Request};
use poem_openapi::{param::Path, param::Query, payload::Json, ApiResponse, OpenApi};

use super::{
    model::{
        Accepted, AccountDeletion, AdminUser, AdminUserList, AdminUserUpdate, AvatarForm, AvatarResult, ClaimConfirm,
        ClaimResult, ConsoleSession, CustomerType, ForgotPassword, GoogleSignIn, LoginRequest, PasswordChange, Profile,
        ProfileUpdate, RegisterRequest, ResetPassword, Role, TokenResponse, UserCreate, UserFilter, UserSort,
        UserStats, UserStatus,
    },
    service,
};
use crate::{
    app::App,
    auth::api::{actor, console_cookie, origin, session_token, AdminAuth, BearerAuth},
    error::ApiResult,
    openapi_tags::ApiTags,
    web::pagination::PageRequest,
};

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
pub enum GoogleSignedIn {
    /// Signed in to an existing account.
    #[oai(status = 200)]
    SignedIn(Json<TokenResponse>),
    /// A new account was made for this Google account.
    #[oai(status = 201)]
    Created(Json<TokenResponse>),
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
        Ok(Registered::Created(Json(service::register(&app, body.0, origin(req)).await?)))
    }

    /// Log in with e-mail or phone and password.
    ///
    /// Limited per client IP and per identifier (429 with Retry-After).
    #[oai(path = "/login", method = "post", operation_id = "login")]
    async fn login(&self, app: Data<&App>, req: &Request, body: Json<LoginRequest>) -> ApiResult<Json<TokenResponse>> {
        Ok(Json(service::login(&app, body.0, origin(req)).await?))
    }

    /// Sign in with Google.
    ///
    /// Send the ID token Google Identity Services gives the page (its `credential`). It
    /// is checked against Google's published keys, for this shop's client id
    /// (`auth.google_client_id`; 403 `google_sign_in_disabled` when unset). The account
    /// is the one linked to that Google account, else the member with the same e-mail
    /// address when Google has verified it (linked now), else a new retail customer
    /// (201). A guest's orders stay the guest's.
    #[oai(path = "/google", method = "post", operation_id = "googleSignIn")]
    async fn google(&self, app: Data<&App>, req: &Request, body: Json<GoogleSignIn>) -> ApiResult<GoogleSignedIn> {
        let (tokens, created) = service::google_sign_in(&app, &body.0.id_token, origin(req)).await?;
        Ok(if created { GoogleSignedIn::Created(Json(tokens)) } else { GoogleSignedIn::SignedIn(Json(tokens)) })
    }

    /// Ask for a password reset link by e-mail. The answer is the same whether or not
    /// the address has an account.
    #[oai(path = "/forgot-password", method = "post", operation_id = "forgotPassword")]
    async fn forgot(&self, app: Data<&App>, body: Json<ForgotPassword>) -> ApiResult<ForgotAccepted> {
        service::forgot_password(&app, &body.0.email).await?;
        let message = "if this address has an account, a reset link is on its way".into();
        Ok(ForgotAccepted::Accepted(Json(Accepted { message })))
    }

    /// Set a new password with the token from the reset e-mail (once; it expires).
    /// Every session of the account ends.
    #[oai(path = "/reset-password", method = "post", operation_id = "resetPassword")]
    async fn reset(&self, app: Data<&App>, req: &Request, body: Json<ResetPassword>) -> ApiResult<NoContent> {
        service::reset_password(&app, &body.0.token, body.0.password, origin(req)).await?;
        Ok(NoContent::Done)
    }

    /// Log out: the token used for this call stops working.
    #[oai(path = "/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<NoContent> {
        crate::auth::service::logout(&app, auth.0.token_id).await?;
        Ok(NoContent::Done)
    }
}

#[derive(ApiResponse)]
pub enum ConsoleStarted {
    /// Logged in: the session is the `lapak_console` cookie (HttpOnly, SameSite=Strict,
    /// Secure over https).
    #[oai(status = 200)]
    Started(Json<ConsoleSession>, #[oai(header = "Set-Cookie")] String),
}

#[derive(ApiResponse)]
pub enum ConsoleEnded {
    /// Logged out; the cookie is cleared.
    #[oai(status = 204)]
    Ended(#[oai(header = "Set-Cookie")] String),
}

/// The admin console's cookie session. Other clients use bearer tokens (`/auth/login`).
pub struct ConsoleSessionApi;

#[OpenApi(prefix_path = "/admin/session", tag = "ApiTags::Auth")]
impl ConsoleSessionApi {
    /// Log in to the admin console: sets the `lapak_console` session cookie (valid for
    /// `/api/v1/admin` only) and answers the CSRF token that every state-changing call
    /// with that cookie must send as `X-CSRF-Token`. The session ends after
    /// `auth.console_idle_minutes` without a request. Admins only (403 `not_admin`).
    #[oai(path = "/", method = "post", operation_id = "adminConsoleLogin")]
    async fn login(&self, app: Data<&App>, req: &Request, body: Json<LoginRequest>) -> ApiResult<ConsoleStarted> {
        let s = service::console_login(&app, body.0, origin(req)).await?;
        let cookie = console_cookie(&app, req, Some(&s.session_token));
        Ok(ConsoleStarted::Started(Json(s), cookie))
    }

    /// The console session behind the cookie (a reload asks this instead of logging in
    /// again), with its CSRF token.
    #[oai(path = "/", method = "get", operation_id = "adminConsoleSession")]
    async fn current(&self, app: Data<&App>, req: &Request, auth: AdminAuth) -> ApiResult<Json<ConsoleSession>> {
        Ok(Json(service::console_session(&app, auth.0.id, auth.0.token_id, session_token(req)).await?))
    }

    /// Log out of the console: the session ends and the cookie is cleared.
    #[oai(path = "/", method = "delete", operation_id = "adminConsoleLogout")]
    async fn logout(&self, app: Data<&App>, req: &Request, auth: AdminAuth) -> ApiResult<ConsoleEnded> {
        crate::auth::service::logout(&app, auth.0.token_id).await?;
        Ok(ConsoleEnded::Ended(console_cookie(&app, req, None)))
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
        Ok(Json(service::update_profile(&app, auth.0.id, body.0).await?))
    }

    /// Upload the caller's avatar (PNG, JPEG, GIF or WebP, at most 2 MB).
    #[oai(path = "/me/avatar", method = "post", operation_id = "uploadAvatar")]
    async fn avatar(&self, app: Data<&App>, auth: BearerAuth, form: AvatarForm) -> ApiResult<Json<AvatarResult>> {
        Ok(Json(AvatarResult { avatar: service::set_avatar(&app, auth.0.id, form.image).await? }))
    }

    /// Change the password; every other session ends.
    #[oai(path = "/me/password", method = "post", operation_id = "changePassword")]
    async fn change_password(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        req: &Request,
        body: Json<PasswordChange>,
    ) -> ApiResult<NoContent> {
        service::change_password(&app, &auth.0, actor(&auth.0, req), body.0).await?;
        Ok(NoContent::Done)
    }

    /// Mail a link to the caller's own address that adds the guest orders bought with
    /// it to the account (sent only when there are some; the answer is the same).
    #[oai(path = "/me/guest-orders/claim", method = "post", operation_id = "requestGuestOrderClaim")]
    async fn claim_guest_orders(&self, app: Data<&App>, auth: BearerAuth) -> ApiResult<ForgotAccepted> {
        service::request_guest_claim(&app, &auth.0).await?;
        let message = "if guest orders were bought with your e-mail, a link to add them is on its way".into();
        Ok(ForgotAccepted::Accepted(Json(Accepted { message })))
    }

    /// Add the guest orders of the caller's address to the account, with the token from
    /// the claim e-mail (once, before it expires). Refunds still go to whoever paid.
    #[oai(path = "/me/guest-orders/claim/confirm", method = "post", operation_id = "confirmGuestOrderClaim")]
    async fn confirm_guest_claim(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        req: &Request,
        body: Json<ClaimConfirm>,
    ) -> ApiResult<Json<ClaimResult>> {
        let claimed = service::confirm_guest_claim(&app, &auth.0, actor(&auth.0, req), &body.0.token).await?;
        Ok(Json(ClaimResult { claimed }))
    }

    /// Delete the account (with the password). Refused while an order is pending or
    /// processing, or while the balance is not zero. A soft delete: orders, ledger and
    /// logs stay for the books; the e-mail and phone become free again.
    #[oai(path = "/me", method = "delete", operation_id = "deleteAccount")]
    async fn delete(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        req: &Request,
        body: Json<AccountDeletion>,
    ) -> ApiResult<NoContent> {
        service::delete_account(&app, &auth.0, actor(&auth.0, req), body.0).await?;
        Ok(NoContent::Done)
    }
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
    async fn create(&self, app: Data<&App>, auth: AdminAuth, body: Json<UserCreate>) -> ApiResult<UserCreated> {
        Ok(UserCreated::Created(Json(service::create_user(&app, auth.0.actor(), body.0).await?)))
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
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<AdminUserList>> {
        let filter = UserFilter {
            search: search.0,
            role: role.0,
            customer_type: customer_type.0,
            status: status.0,
            include_guests: include_guests.0.unwrap_or(false),
            include_deleted: include_deleted.0.unwrap_or(false),
            sort: sort.0,
        };
        let (data, meta) = service::list_users(&app, filter, PageRequest::new(page.0, per_page.0)).await?;
        Ok(Json(AdminUserList { data, meta }))
    }

    /// Counts of users by kind, and balances held.
    #[oai(path = "/statistics", method = "get", operation_id = "adminUserStatistics")]
    async fn statistics(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<UserStats>> {
        Ok(Json(service::stats(&app).await?))
    }

    /// One user.
    #[oai(path = "/:id", method = "get", operation_id = "adminGetUser")]
    async fn get(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<AdminUser>> {
        Ok(Json(service::admin_user(&app, id.0).await?))
    }

    /// Change a user's role, customer type (retail/reseller), status or name.
    ///
    /// Suspending or deactivating takes effect at once: the user's tokens stop working.
    #[oai(path = "/:id", method = "patch", operation_id = "adminUpdateUser")]
    async fn update(
        &self,
        app: Data<&App>,
        auth: AdminAuth,
        id: Path<i64>,
        body: Json<AdminUserUpdate>,
    ) -> ApiResult<Json<AdminUser>> {
        Ok(Json(service::update_user(&app, auth.0.id, auth.0.actor(), id.0, body.0).await?))
    }

    /// The users who registered with this user's referral code.
    #[oai(path = "/:id/referrals", method = "get", operation_id = "adminListReferrals")]
    async fn referrals(&self, app: Data<&App>, _auth: AdminAuth, id: Path<i64>) -> ApiResult<Json<Vec<Profile>>> {
        Ok(Json(service::referrals(&app, id.0).await?))
    }
}
