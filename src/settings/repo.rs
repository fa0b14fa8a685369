//! The SQL of `settings`.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::Setting;

const COLS: &str = "key, value, type, \"group\", description, is_public, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Setting> {
    Ok(Setting {
        key: r.get(0)?,
        value: r.get(1)?,
        kind: r.get(2)?,
        group: r.get(3)?,
        description: r.get(4)?,
        is_public: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

pub fn find(c: &Connection, key: &str) -> rusqlite::Result<Option<Setting>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM settings WHERE key = ?1"))?.query_row([key], from_row).optional()
}

pub fn list(c: &Connection, group: Option<&str>, public_only: bool) -> rusqlite::Result<Vec<Setting>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM settings WHERE (?1 IS NULL OR \"group\" = ?1) AND (?2 = 0 OR is_public = 1) ORDER BY \"group\", key"
    ))?;
    let rows = s.query_map(params![group, public_only], from_row)?;
    rows.collect()
}

pub fn upsert(c: &Connection, s: &Setting) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO settings (key, value, type, \"group\", description, is_public) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, type = excluded.type, \"group\" = excluded.\"group\",
             description = excluded.description, is_public = excluded.is_public,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![s.key, s.value, s.kind, s.group, s.description, s.is_public],
    )?;
    Ok(())
}

pub fn delete(c: &Connection, key: &str) -> rusqlite::Result<()> {
    c.execute("DELETE FROM settings WHERE key = ?1", [key])?;
    Ok(())
}
