//! The admin's view of the job queue: counts by status, the jobs with their last
//! result, and a retry that queues the order again (the job is idempotent).

use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, OpenApi};

use super::{
    model::{JobList, JobRow},
    service,
};
use crate::{app::App, auth::api::AdminAuth, error::ApiResult, openapi_tags::ApiTags};

pub struct AdminJobsApi;

#[OpenApi(prefix_path = "/admin/jobs", tag = "ApiTags::AdminOrders")]
impl AdminJobsApi {
    /// Fulfilment jobs, newest first, optionally of one status (e.g. `Failed`).
    #[oai(path = "/", method = "get", operation_id = "adminListJobs")]
    async fn list(
        &self,
        app: Data<&App>,
        _auth: AdminAuth,
        /// Pending, Queued, Running, Done, Failed or Killed.
        #[oai(validator(max_length = 20))]
        status: Query<Option<String>>,
        /// How many jobs, at most 200 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<JobList>> {
        Ok(Json(service::list(&app, status.0, i64::from(limit.0.unwrap_or(50).clamp(1, 200))).await?))
    }

    /// Queue a job's order again (same ref_id: a purchase that never reached the
    /// supplier is made, one that did is only checked).
    #[oai(path = "/:id/retry", method = "post", operation_id = "adminRetryJob")]
    async fn retry(&self, app: Data<&App>, auth: AdminAuth, id: Path<String>) -> ApiResult<Json<JobRow>> {
        Ok(Json(service::retry(&app, auth.0.actor(), &id.0).await?))
    }
}
