//! `/admin/dashboard`, `/admin/reports/*` and the customer's `/me/analytics`.

use chrono::NaiveDate;
use poem::web::Data;
use poem_openapi::{
    param::Query,
    payload::{Attachment, Json},
    OpenApi,
};

use super::{
    model::{Analytics, Dashboard, GroupBy, Period, Report, SalesKey, WalletRow},
    service,
};
use crate::{
    app::App,
    auth::api::{AdminAuth, BearerAuth},
    error::ApiResult,
    openapi_tags::ApiTags,
};

pub struct ReportsApi;

#[OpenApi(prefix_path = "/admin", tag = "ApiTags::AdminReports")]
impl ReportsApi {
    /// Today / week / month / year at a glance.
    #[oai(path = "/dashboard", method = "get", operation_id = "adminDashboard")]
    async fn dashboard(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        period: Query<Option<Period>>,
    ) -> ApiResult<Json<Dashboard>> {
        Ok(Json(service::dashboard(&app, period.0.unwrap_or(Period::Today)).await?))
    }

    /// Sales per day, week or month (Jakarta time). Default range: the last 30 days.
    #[oai(path = "/reports/sales", method = "get", operation_id = "adminReportSales")]
    async fn sales(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
        group_by: Query<Option<GroupBy>>,
    ) -> ApiResult<Json<Report>> {
        let key = SalesKey::Period(group_by.0.unwrap_or(GroupBy::Day));
        Ok(Json(service::sales(&app, key, from.0, to.0).await?))
    }

    /// Sales per product item.
    #[oai(path = "/reports/products", method = "get", operation_id = "adminReportProducts")]
    async fn products(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        Ok(Json(service::sales(&app, SalesKey::Product, from.0, to.0).await?))
    }

    /// Sales per customer (e-mail).
    #[oai(path = "/reports/users", method = "get", operation_id = "adminReportUsers")]
    async fn users(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        Ok(Json(service::sales(&app, SalesKey::Customer, from.0, to.0).await?))
    }

    /// Sales per payment method (BALANCE included).
    #[oai(path = "/reports/payment-methods", method = "get", operation_id = "adminReportPaymentMethods")]
    async fn payment_methods(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Report>> {
        Ok(Json(service::sales(&app, SalesKey::PaymentMethod, from.0, to.0).await?))
    }

    /// Wallet credits and debits per kind of movement.
    #[oai(path = "/reports/wallet", method = "get", operation_id = "adminReportWallet")]
    async fn wallet(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Vec<WalletRow>>> {
        Ok(Json(service::wallet(&app, from.0, to.0).await?))
    }

    /// Every order in the range as CSV (spreadsheet formulas neutralised).
    #[oai(path = "/reports/export/transactions", method = "get", operation_id = "adminExportTransactions")]
    async fn export(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Attachment<Vec<u8>>> {
        let bytes = service::export_csv(&app, from.0, to.0).await?;
        Ok(Attachment::new(bytes).filename("transactions.csv"))
    }
}

pub struct AnalyticsApi;

#[OpenApi(tag = "ApiTags::Account")]
impl AnalyticsApi {
    /// The caller's own purchase figures (default: the last 30 days, Jakarta days).
    #[oai(path = "/me/analytics", method = "get", operation_id = "getMyAnalytics")]
    async fn analytics(
        &self,
        app: Data<&App>,
        auth: BearerAuth,
        from: Query<Option<NaiveDate>>,
        to: Query<Option<NaiveDate>>,
    ) -> ApiResult<Json<Analytics>> {
        Ok(Json(service::analytics(&app, auth.0.id, from.0, to.0).await?))
    }
}
