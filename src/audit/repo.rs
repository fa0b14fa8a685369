//! The SQL of `activity_logs`.

use rusqlite::{params, Connection};

use super::model::{ActionCount, Activity, ActivityFilter, Record};
use crate::{
    auth::model::Actor,
    db::query::{self, Filter, Slice},
};

pub fn insert(c: &Connection, actor: &Actor, rec: &Record) -> rusqlite::Result<()> {
    let (model_type, model_id) = rec.subject.parts();
    c.prepare_cached(
        "INSERT INTO activity_logs (user_id, action, model_type, model_id, description, ip_address, user_agent, meta_data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        actor.user_id,
        rec.action.as_str(),
        model_type,
        model_id,
        rec.description,
        actor.ip,
        actor.user_agent,
        rec.meta.as_ref().map(|m| m.to_string()),
    ])?;
    Ok(())
}

pub fn list(c: &Connection, f: &ActivityFilter, slice: Slice) -> rusqlite::Result<(Vec<Activity>, i64)> {
    let mut w = Filter::new();
    w.eq("l.action", f.action.clone())
        .eq("l.user_id", f.user_id)
        .contains(&["l.description", "l.action"], f.search.as_deref())
        .range("l.created_at", f.from.clone(), f.until.clone());
    query::page(
        c,
        "l.id, l.user_id, u.email, l.action, l.model_type, l.model_id, l.description, l.ip_address, l.user_agent,
         l.meta_data, l.created_at",
        "activity_logs l LEFT JOIN users u ON u.id = l.user_id",
        &w,
        "l.id DESC",
        slice,
        |r| {
            let meta: Option<String> = r.get(9)?;
            Ok(Activity {
                id: r.get(0)?,
                user_id: r.get(1)?,
                user_email: r.get(2)?,
                action: r.get(3)?,
                model_type: r.get(4)?,
                model_id: r.get(5)?,
                description: r.get(6)?,
                ip_address: r.get(7)?,
                user_agent: r.get(8)?,
                meta_data: meta.and_then(|m| serde_json::from_str(&m).ok()),
                created_at: r.get(10)?,
            })
        },
    )
}

pub fn counts_by_action(c: &Connection) -> rusqlite::Result<Vec<ActionCount>> {
    let mut s = c.prepare("SELECT action, COUNT(*) FROM activity_logs GROUP BY action ORDER BY 2 DESC, 1")?;
    let rows = s.query_map([], |r| Ok(ActionCount { action: r.get(0)?, count: r.get(1)? }))?;
    rows.collect()
}

pub fn delete_before(c: &Connection, cutoff: &str) -> rusqlite::Result<i64> {
    Ok(c.execute("DELETE FROM activity_logs WHERE created_at < ?1", [cutoff])? as i64)
}
