//! Settings: typed key/value rows (string, number, boolean, json) with a group and a
//! public flag. `GET /app-config` is built from the public ones; checkout obeys the
//! maintenance and feature switches.

pub mod api;

use poem_openapi::{Enum, Object};
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::{db::text_enum, error::ApiError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum SettingType {
    String,
    Number,
    Boolean,
    Json,
}

text_enum!(SettingType { String => "string", Number => "number", Boolean => "boolean", Json => "json" });

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Setting {
    pub key: String,
    pub value: Option<String>,
    #[oai(rename = "type")]
    pub kind: SettingType,
    pub group: Option<String>,
    pub description: Option<String>,
    pub is_public: bool,
    pub updated_at: String,
}

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
    c.query_row(&format!("SELECT {COLS} FROM settings WHERE key = ?1"), [key], from_row).optional()
}

pub fn list(c: &Connection, group: Option<&str>, public_only: bool) -> rusqlite::Result<Vec<Setting>> {
    let mut s = c.prepare(&format!(
        "SELECT {COLS} FROM settings WHERE (?1 IS NULL OR \"group\" = ?1) AND (?2 = 0 OR is_public = 1) ORDER BY \"group\", key"
    ))?;
    let rows = s.query_map(params![group, public_only], from_row)?.collect();
    rows
}

/// A boolean switch; `default` when unset or unreadable.
pub fn flag(c: &Connection, key: &str, default: bool) -> rusqlite::Result<bool> {
    Ok(find(c, key)?.and_then(|s| s.value).map(|v| v == "true" || v == "1").unwrap_or(default))
}

/// A value must read as its type: numbers as integers or decimals, booleans as
/// true/false, json as JSON.
pub fn check_value(key: &str, kind: SettingType, value: &Option<String>) -> Result<(), ApiError> {
    let Some(v) = value else { return Ok(()) };
    let ok = match kind {
        SettingType::String => true,
        SettingType::Number => v.trim().parse::<i64>().is_ok() || v.trim().parse::<f64>().is_ok_and(|f| f.is_finite()),
        SettingType::Boolean => v == "true" || v == "false",
        SettingType::Json => serde_json::from_str::<serde_json::Value>(v).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation("value", format!("{key}: {v:?} is not a valid {}", kind.as_str())))
    }
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

/// Refuses purchases and deposits while maintenance is on (503 with the message).
pub fn ensure_open(c: &Connection) -> Result<(), ApiError> {
    if flag(c, "maintenance.active", false)? {
        let message =
            find(c, "maintenance.message")?.and_then(|s| s.value).unwrap_or_else(|| "under maintenance".into());
        return Err(ApiError::new(poem::http::StatusCode::SERVICE_UNAVAILABLE, "maintenance", message));
    }
    Ok(())
}
