//! The SQL of the job queue's own file (apalis' `Jobs` table, through sqlx).

use apalis_sqlite::SqlitePool;
use sqlx::Row;

use super::model::{JobRow, StatusCount};
use crate::queue::{ProcessDigiflazzOrder, QUEUE};

fn job_row(r: &sqlx::sqlite::SqliteRow) -> (JobRow, Option<ProcessDigiflazzOrder>) {
    let payload: Option<String> = r.get("payload");
    let job = payload.and_then(|p| serde_json::from_str::<ProcessDigiflazzOrder>(&p).ok());
    let row = JobRow {
        id: r.get("id"),
        status: r.get("status"),
        attempts: r.get("attempts"),
        max_attempts: r.get("max_attempts"),
        run_at: r.get("run_at"),
        done_at: r.get("done_at"),
        last_result: r.get("last_result"),
        worker: r.get("lock_by"),
        transaction_id: job.as_ref().map(|j| j.transaction_id),
        transaction_code: job.as_ref().map(|j| j.transaction_code.clone()),
    };
    (row, job)
}

pub async fn counts(pool: &SqlitePool) -> Result<Vec<StatusCount>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT status, COUNT(*) AS n FROM Jobs WHERE job_type = ?1 GROUP BY status ORDER BY status")
            .bind(QUEUE)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| StatusCount { status: r.get::<String, _>("status"), count: r.get::<i64, _>("n") })
        .collect())
}

pub async fn list(pool: &SqlitePool, status: Option<String>, limit: i64) -> Result<Vec<JobRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, status, attempts, max_attempts, run_at, done_at, last_result, lock_by, CAST(job AS TEXT) AS payload
         FROM Jobs WHERE job_type = ?1 AND (?2 IS NULL OR status = ?2) ORDER BY run_at DESC, rowid DESC LIMIT ?3",
    )
    .bind(QUEUE)
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(|r| job_row(r).0).collect())
}

/// One job, with its payload when it reads.
pub async fn find(pool: &SqlitePool, id: &str) -> Result<Option<(JobRow, Option<ProcessDigiflazzOrder>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, status, attempts, max_attempts, run_at, done_at, last_result, lock_by, CAST(job AS TEXT) AS payload
         FROM Jobs WHERE id = ?1 AND job_type = ?2",
    )
    .bind(id)
    .bind(QUEUE)
    .fetch_optional(pool)
    .await?;
    Ok(row.as_ref().map(job_row))
}

/// Deletes finished jobs that finished before `cutoff` (unix seconds).
pub async fn prune(pool: &SqlitePool, cutoff: i64) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM Jobs WHERE status IN ('Done', 'Killed') AND done_at IS NOT NULL AND done_at < ?1")
            .bind(cutoff)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}
