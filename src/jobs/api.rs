//! The admin's view of the job queue: counts by status, the jobs with their last
//! result, and a retry that queues the order again (the job is idempotent).

use poem::web::Data;
use poem_openapi::{param::Path, param::Query, payload::Json, Object, OpenApi};
use sqlx::Row;

use super::queue::{ProcessDigiflazzOrder, QUEUE};
use crate::{
    accounts::repo::log_activity,
    app::App,
    error::{ApiError, ApiResult},
    auth::api::AdminAuth,
    openapi_tags::ApiTags,
};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct JobRow {
    pub id: String,
    /// Pending, Queued, Running, Done, Failed or Killed.
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    /// Unix seconds.
    pub run_at: i64,
    pub done_at: Option<i64>,
    pub last_result: Option<String>,
    pub worker: Option<String>,
    pub transaction_id: Option<i64>,
    pub transaction_code: Option<String>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct JobList {
    pub counts: Vec<StatusCount>,
    pub data: Vec<JobRow>,
}

fn queue_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("job queue: {e}"))
}

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
        let pool = app.jobs.pool().ok_or_else(|| queue_error("not started"))?;
        let counts =
            sqlx::query("SELECT status, COUNT(*) AS n FROM Jobs WHERE job_type = ?1 GROUP BY status ORDER BY status")
                .bind(QUEUE)
                .fetch_all(pool)
                .await
                .map_err(queue_error)?
                .into_iter()
                .map(|r| StatusCount { status: r.get::<String, _>("status"), count: r.get::<i64, _>("n") })
                .collect();
        let rows = sqlx::query(
            "SELECT id, status, attempts, max_attempts, run_at, done_at, last_result, lock_by, CAST(job AS TEXT) AS payload
             FROM Jobs WHERE job_type = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY run_at DESC, rowid DESC LIMIT ?3",
        )
        .bind(QUEUE)
        .bind(status.0)
        .bind(i64::from(limit.0.unwrap_or(50).clamp(1, 200)))
        .fetch_all(pool)
        .await
        .map_err(queue_error)?;
        let data = rows
            .into_iter()
            .map(|r| {
                let payload: Option<String> = r.get("payload");
                let job = payload.and_then(|p| serde_json::from_str::<ProcessDigiflazzOrder>(&p).ok());
                JobRow {
                    id: r.get("id"),
                    status: r.get("status"),
                    attempts: r.get("attempts"),
                    max_attempts: r.get("max_attempts"),
                    run_at: r.get("run_at"),
                    done_at: r.get("done_at"),
                    last_result: r.get("last_result"),
                    worker: r.get("lock_by"),
                    transaction_id: job.as_ref().map(|j| j.transaction_id),
                    transaction_code: job.map(|j| j.transaction_code),
                }
            })
            .collect();
        Ok(Json(JobList { counts, data }))
    }

    /// Queue a job's order again (same ref_id: a purchase that never reached the
    /// supplier is made, one that did is only checked).
    #[oai(path = "/:id/retry", method = "post", operation_id = "adminRetryJob")]
    async fn retry(&self, app: Data<&App>, auth: AdminAuth, id: Path<String>) -> ApiResult<Json<JobRow>> {
        let pool = app.jobs.pool().ok_or_else(|| queue_error("not started"))?;
        let row = sqlx::query("SELECT id, status, attempts, max_attempts, run_at, done_at, last_result, lock_by, CAST(job AS TEXT) AS payload FROM Jobs WHERE id = ?1 AND job_type = ?2")
            .bind(&id.0)
            .bind(QUEUE)
            .fetch_optional(pool)
            .await
            .map_err(queue_error)?
            .ok_or_else(|| ApiError::not_found("job"))?;
        let payload: Option<String> = row.get("payload");
        let job = payload
            .and_then(|p| serde_json::from_str::<ProcessDigiflazzOrder>(&p).ok())
            .ok_or_else(|| ApiError::conflict("unreadable_job", "this job's payload cannot be read"))?;
        let (tid, admin, code) = (job.transaction_id, auth.0.id, job.transaction_code.clone());
        app.db
            .write(move |tx| -> ApiResult<()> {
                tx.execute(
                    "UPDATE transactions SET next_check_at = NULL WHERE id = ?1 AND status = 'processing'",
                    [tid],
                )?;
                log_activity(tx, Some(admin), "job.retry", Some("transaction"), Some(tid), &code, None, None)?;
                Ok(())
            })
            .await?;
        app.jobs.push(job.clone()).await.map_err(queue_error)?;
        Ok(Json(JobRow {
            id: row.get("id"),
            status: row.get("status"),
            attempts: row.get("attempts"),
            max_attempts: row.get("max_attempts"),
            run_at: row.get("run_at"),
            done_at: row.get("done_at"),
            last_result: row.get("last_result"),
            worker: row.get("lock_by"),
            transaction_id: Some(job.transaction_id),
            transaction_code: Some(job.transaction_code),
        }))
    }
}
