//! Writing the audit log (always inside the caller's transaction, so the record and the
//! change commit together) and reading it.

use chrono::Duration;

use super::{
    model::{Action, ActionCount, ActivityFilter, ActivityList, Record, Subject},
    repo,
};
use crate::{app::App, auth::model::Actor, clock::ts, db::DbError, web::pagination::PageRequest};

/// Records `rec` by `actor` in the caller's transaction.
pub fn record(tx: &rusqlite::Connection, actor: &Actor, rec: Record) -> rusqlite::Result<()> {
    repo::insert(tx, actor, &rec)
}

/// Records a call lapak made to Tripay or Digiflazz, inside the transaction that stores
/// its result (actor: lapak itself). Only lapak's own facts go in: never a key or a
/// signature.
pub fn upstream(
    tx: &rusqlite::Connection,
    action: Action,
    subject: Subject,
    meta: serde_json::Value,
) -> rusqlite::Result<()> {
    record(tx, &Actor::system(), Record::new(action, subject, action.as_str()).with_meta(meta))
}

pub async fn list(app: &App, filter: ActivityFilter, page: PageRequest) -> Result<ActivityList, DbError> {
    let (data, total) = app.db.read(move |c| Ok::<_, DbError>(repo::list(c, &filter, page.into())?)).await?;
    Ok(ActivityList { data, meta: page.meta(total) })
}

pub async fn counts(app: &App) -> Result<Vec<ActionCount>, DbError> {
    app.db.read(|c| Ok(repo::counts_by_action(c)?)).await
}

/// Deletes entries older than `days`; the clean-up itself is recorded.
pub async fn clean(app: &App, actor: Actor, days: i64) -> Result<i64, DbError> {
    let cutoff = ts(app.clock.now() - Duration::days(days));
    app.db
        .write(move |tx| {
            let n = repo::delete_before(tx, &cutoff)?;
            record(
                tx,
                &actor,
                Record::new(Action::ActivityClean, Subject::None, format!("older than {days} days: {n}")),
            )?;
            Ok(n)
        })
        .await
}
