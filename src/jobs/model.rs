//! The admin's view of the job queue.

use poem_openapi::Object;

use crate::{db::DbError, error::ApiError};

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

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("the job queue is not started")]
    NotStarted,
    #[error("job not found")]
    NotFound,
    #[error("this job's payload cannot be read")]
    Unreadable,
    #[error("job queue: {0}")]
    Queue(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Queue(e.to_string())
    }
}

impl From<JobError> for ApiError {
    fn from(e: JobError) -> Self {
        match e {
            JobError::NotFound => ApiError::not_found("job"),
            JobError::Unreadable => ApiError::conflict("unreadable_job", e.to_string()),
            JobError::NotStarted | JobError::Queue(_) => ApiError::internal(e),
            JobError::Db(d) => d.into(),
        }
    }
}
