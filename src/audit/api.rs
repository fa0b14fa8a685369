//! `/admin/activity-logs`: the audit log for admins.

use poem::web::Data;
use poem_openapi::{param::Query, payload::Json, OpenApi};

use super::{
    model::{ActionCount, ActivityFilter, ActivityList, CleanRequest, Cleaned},
    service,
};
use crate::{
    app::App, auth::api::AdminAuth, clock::day_bound, error::ApiResult, openapi_tags::ApiTags,
    web::pagination::PageRequest,
};

pub struct AuditApi;

#[OpenApi(prefix_path = "/admin/activity-logs", tag = "ApiTags::AdminSystem")]
impl AuditApi {
    /// The activity log: every admin action, logins, account changes.
    #[allow(clippy::too_many_arguments)]
    #[oai(path = "/", method = "get", operation_id = "adminListActivity")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        action: Query<Option<String>>,
        user_id: Query<Option<i64>>,
        search: Query<Option<String>>,
        from: Query<Option<chrono::NaiveDate>>,
        to: Query<Option<chrono::NaiveDate>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "1000000")))] page: Query<Option<u32>>,
        /// Page size, at most 100 (default 20).
        #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
        per_page: Query<Option<u32>>,
    ) -> ApiResult<Json<ActivityList>> {
        let filter = ActivityFilter {
            action: action.0,
            user_id: user_id.0,
            search: search.0,
            from: day_bound(from.0, false),
            until: day_bound(to.0, true),
        };
        Ok(Json(service::list(&app, filter, PageRequest::new(page.0, per_page.0)).await?))
    }

    /// Entries per action, most frequent first.
    #[oai(path = "/statistics", method = "get", operation_id = "adminActivityStatistics")]
    async fn statistics(&self, app: Data<&App>, _auth: AdminAuth) -> ApiResult<Json<Vec<ActionCount>>> {
        Ok(Json(service::counts(&app).await?))
    }

    /// Delete activity entries older than N days.
    #[oai(path = "/clean", method = "post", operation_id = "adminCleanActivity")]
    async fn clean(&self, app: Data<&App>, auth: AdminAuth, body: Json<CleanRequest>) -> ApiResult<Json<Cleaned>> {
        Ok(Json(Cleaned { deleted: service::clean(&app, auth.0.actor(), body.0.days).await? }))
    }
}
