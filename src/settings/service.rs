//! Setting rules: values read as their type, switches other features obey, the public
//! app configuration. Changes are audited in their own transaction.

use super::{
    model::{AppConfig, BulkItem, Features, Maintenance, Setting, SettingInput, SettingType, SettingsError},
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    error::Invalid,
};

type Result<T, E = SettingsError> = std::result::Result<T, E>;

/// A boolean switch; `default` when unset or unreadable.
pub fn flag(c: &rusqlite::Connection, key: &str, default: bool) -> rusqlite::Result<bool> {
    Ok(repo::find(c, key)?.and_then(|s| s.value).map(|v| v == "true" || v == "1").unwrap_or(default))
}

/// A whole number setting, if set and readable.
pub fn number(c: &rusqlite::Connection, key: &str) -> rusqlite::Result<Option<i64>> {
    Ok(repo::find(c, key)?.and_then(|s| s.value).and_then(|v| v.trim().parse().ok()))
}

/// Refuses purchases and deposits while maintenance is on.
pub fn ensure_open(c: &rusqlite::Connection) -> Result<()> {
    if flag(c, "maintenance.active", false)? {
        let message =
            repo::find(c, "maintenance.message")?.and_then(|s| s.value).unwrap_or_else(|| "under maintenance".into());
        return Err(SettingsError::Maintenance(message));
    }
    Ok(())
}

/// A value must read as its type: numbers as integers or decimals, booleans as
/// true/false, json as JSON.
pub fn check_value(key: &str, kind: SettingType, value: &Option<String>) -> Result<(), String> {
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
        Err(format!("{key}: {v:?} is not a valid {}", kind.as_str()))
    }
}

/// What a front end needs to know: name, feature switches, maintenance, links.
pub async fn app_config(app: &App) -> Result<AppConfig> {
    let public = app.db.read(|c| Ok::<_, SettingsError>(repo::list(c, None, true)?)).await?;
    let get = |k: &str| public.iter().find(|s| s.key == k).and_then(|s| s.value.clone()).unwrap_or_default();
    let on = |k: &str| get(k) == "true";
    let links = public
        .iter()
        .filter_map(|s| Some((s.key.strip_prefix("links.")?.to_string(), s.value.clone()?)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let settings = public.iter().map(|s| (s.key.clone(), s.value.clone().unwrap_or_default())).collect();
    Ok(AppConfig {
        app_name: get("app.name"),
        version: env!("CARGO_PKG_VERSION").into(),
        min_app_version: Some(get("app.min_version")).filter(|v| !v.is_empty()),
        features: Features {
            guest_checkout: on("features.guest_checkout"),
            deposits: on("features.deposits"),
            reseller_registration: on("features.reseller_registration"),
        },
        maintenance: Maintenance { active: on("maintenance.active"), message: get("maintenance.message") },
        links,
        settings,
        google_client_id: Some(app.config.auth.google_client_id.trim().to_string()).filter(|c| !c.is_empty()),
    })
}

pub async fn list(app: &App, group: Option<String>) -> Result<Vec<Setting>> {
    app.db.read(move |c| Ok(repo::list(c, group.as_deref(), false)?)).await
}

/// Creates or changes one setting; fields not sent keep their value.
pub async fn put(app: &App, actor: Actor, key: String, b: SettingInput) -> Result<Setting> {
    if key.is_empty() || key.len() > 100 || !key.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
        return Err(Invalid::new("key", "a key is letters, digits, dots, dashes and underscores").into());
    }
    app.db
        .write(move |tx| -> Result<_> {
            let cur = repo::find(tx, &key)?;
            let s = Setting {
                key: key.clone(),
                value: b.value.or(cur.as_ref().and_then(|c| c.value.clone())),
                kind: b.kind.or(cur.as_ref().map(|c| c.kind)).unwrap_or(SettingType::String),
                group: b.group.or(cur.as_ref().and_then(|c| c.group.clone())),
                description: b.description.or(cur.as_ref().and_then(|c| c.description.clone())),
                is_public: b.is_public.or(cur.as_ref().map(|c| c.is_public)).unwrap_or(false),
                updated_at: String::new(),
            };
            check_value(&key, s.kind, &s.value).map_err(|why| Invalid::new("value", why))?;
            repo::upsert(tx, &s)?;
            audit::record(tx, &actor, Record::new(Action::SettingUpdate, Subject::Setting, key.as_str()))?;
            repo::find(tx, &key)?.ok_or(SettingsError::NotFound)
        })
        .await
}

/// Changes several existing settings at once: all or nothing.
pub async fn bulk(app: &App, actor: Actor, items: Vec<BulkItem>) -> Result<Vec<Setting>> {
    app.db
        .write(move |tx| -> Result<_> {
            let mut out = Vec::new();
            for (i, item) in items.into_iter().enumerate() {
                let mut s = repo::find(tx, &item.key)?
                    .ok_or_else(|| Invalid::new(format!("settings[{i}].key"), format!("no setting {}", item.key)))?;
                check_value(&item.key, s.kind, &item.value)
                    .map_err(|why| Invalid::new(format!("settings[{i}].value"), why))?;
                s.value = item.value;
                repo::upsert(tx, &s)?;
                out.push(repo::find(tx, &s.key)?.ok_or(SettingsError::NotFound)?);
            }
            audit::record(tx, &actor, Record::new(Action::SettingBulkUpdate, Subject::Setting, "bulk update"))?;
            Ok(out)
        })
        .await
}

pub async fn delete(app: &App, actor: Actor, key: String) -> Result<Setting> {
    app.db
        .write(move |tx| -> Result<_> {
            let s = repo::find(tx, &key)?.ok_or(SettingsError::NotFound)?;
            repo::delete(tx, &key)?;
            audit::record(tx, &actor, Record::new(Action::SettingDelete, Subject::Setting, key.as_str()))?;
            Ok(s)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_must_read_as_their_type() {
        let some = |s: &str| Some(s.to_string());
        assert!(check_value("k", SettingType::Number, &some("12.5")).is_ok());
        assert!(check_value("k", SettingType::Number, &some("NaN")).is_err());
        assert!(check_value("k", SettingType::Boolean, &some("yes")).is_err());
        assert!(check_value("k", SettingType::Json, &some("{\"a\":1}")).is_ok());
        assert!(check_value("k", SettingType::Json, &some("{a:1}")).is_err());
        assert!(check_value("k", SettingType::Number, &None).is_ok());
    }
}
