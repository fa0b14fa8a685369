//! Banner rules: safe links, schedules that move forward, images checked by their bytes.

use poem_openapi::types::{multipart::Upload, MaybeUndefined};

use super::{
    model::{upload_error, Banner, BannerFields, BannerForm, BannerUpdate, ContentError, OrderEntry},
    repo,
};
use crate::{
    app::App,
    audit::{self, Action, Record, Subject},
    auth::model::Actor,
    clock::parse_bound,
    error::Invalid,
    web::uploads,
};

type Result<T, E = ContentError> = std::result::Result<T, E>;

/// A banner's link: an http(s) URL, or a path on this site (`/promo`). Anything else
/// (`javascript:`, `data:`, `//host`) is refused; empty means none.
pub fn banner_link(link: Option<String>) -> Result<Option<String>, Invalid> {
    let Some(link) = link.map(|l| l.trim().to_string()).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let site_path = link.starts_with('/') && !link.starts_with("//") && !crate::text::has_hidden(&link);
    let web = url::Url::parse(&link).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if !(site_path || web) || link.len() > 255 {
        return Err(Invalid::new("link", "a link must be an http(s) URL or a path on this site such as /promo"));
    }
    Ok(Some(link))
}

fn date(field: &'static str, v: Option<String>) -> Result<Option<String>, Invalid> {
    parse_bound(v, false).map_err(|why| Invalid::new(field, why))
}

fn schedule(start: &Option<String>, end: &Option<String>) -> Result<(), Invalid> {
    match (start, end) {
        (Some(s), Some(e)) if e <= s => Err(Invalid::new("end_date", "end_date is not after start_date")),
        _ => Ok(()),
    }
}

async fn store(app: &App, upload: Upload) -> Result<String> {
    uploads::store_image(&app.config.storage.uploads_dir, "banners", upload).await.map_err(|e| upload_error("image", e))
}

/// Active banners inside their schedule, in display order.
pub async fn live(app: &App) -> Result<Vec<Banner>> {
    let now = app.clock.now_str();
    app.db.read(move |c| Ok(repo::list(c, Some(&now))?)).await
}

pub async fn all(app: &App) -> Result<Vec<Banner>> {
    app.db.read(|c| Ok(repo::list(c, None)?)).await
}

pub async fn create(app: &App, actor: Actor, form: BannerForm) -> Result<Banner> {
    let title = form.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 255 {
        return Err(Invalid::new("title", "a title of 1 to 255 characters is required").into());
    }
    let (start_date, end_date) = (date("start_date", form.start_date)?, date("end_date", form.end_date)?);
    schedule(&start_date, &end_date)?;
    let link = banner_link(form.link)?;
    let image = store(app, form.image).await?;
    let fields = BannerFields {
        title,
        subtitle: form.subtitle,
        image,
        link,
        description: form.description,
        is_active: form.is_active.unwrap_or(true),
        start_date,
        end_date,
        sort_order: form.sort_order.unwrap_or(0),
    };
    app.db
        .write(move |tx| -> Result<_> {
            let id = repo::insert(tx, &fields)?;
            audit::record(tx, &actor, Record::new(Action::BannerCreate, Subject::Banners(Some(id)), fields.title))?;
            repo::find(tx, id)?.ok_or(ContentError::NotFound)
        })
        .await
}

/// Sets the display order of many banners at once (all or nothing).
pub async fn reorder(app: &App, actor: Actor, orders: Vec<OrderEntry>) -> Result<Vec<Banner>> {
    let now = app.clock.now_str();
    app.db
        .write(move |tx| -> Result<_> {
            for (i, o) in orders.iter().enumerate() {
                if !repo::set_sort_order(tx, o.id, o.sort_order, &now)? {
                    return Err(Invalid::new(format!("orders[{i}].id"), "no such banner").into());
                }
            }
            audit::record(tx, &actor, Record::new(Action::BannerReorder, Subject::Banners(None), "banners reordered"))?;
            Ok(repo::list(tx, None)?)
        })
        .await
}

/// Changes the fields sent: one left out keeps its value, `null` removes an optional one
/// (an empty link or date does too).
pub async fn update(app: &App, actor: Actor, id: i64, b: BannerUpdate) -> Result<Banner> {
    // None: keep; Some(None): remove; Some(Some(v)): set.
    let sent = |v: MaybeUndefined<String>| -> Option<Option<String>> { v.into() };
    let start = sent(b.start_date).map(|v| date("start_date", v)).transpose()?;
    let end = sent(b.end_date).map(|v| date("end_date", v)).transpose()?;
    let link = sent(b.link).map(banner_link).transpose()?;
    let (subtitle, description) = (sent(b.subtitle), sent(b.description));
    let now = app.clock.now_str();
    app.db
        .write(move |tx| -> Result<_> {
            let cur = repo::find(tx, id)?.ok_or(ContentError::NotFound)?;
            let fields = BannerFields {
                title: b.title.map(|t| t.trim().to_string()).unwrap_or(cur.title),
                subtitle: subtitle.unwrap_or(cur.subtitle),
                image: cur.image,
                link: link.unwrap_or(cur.link),
                description: description.unwrap_or(cur.description),
                is_active: b.is_active.unwrap_or(cur.is_active),
                start_date: start.unwrap_or(cur.start_date),
                end_date: end.unwrap_or(cur.end_date),
                sort_order: b.sort_order.unwrap_or(cur.sort_order),
            };
            schedule(&fields.start_date, &fields.end_date)?;
            repo::update(tx, id, &fields, &now)?;
            audit::record(tx, &actor, Record::new(Action::BannerUpdate, Subject::Banners(Some(id)), "banner updated"))?;
            repo::find(tx, id)?.ok_or(ContentError::NotFound)
        })
        .await
}

/// Replaces a banner's image.
pub async fn replace_image(app: &App, actor: Actor, id: i64, upload: Upload) -> Result<Banner> {
    if app.db.read(move |c| Ok::<_, ContentError>(repo::find(c, id)?)).await?.is_none() {
        return Err(ContentError::NotFound);
    }
    let image = store(app, upload).await?;
    let now = app.clock.now_str();
    app.db
        .write(move |tx| -> Result<_> {
            let cur = repo::find(tx, id)?.ok_or(ContentError::NotFound)?;
            let fields = BannerFields {
                title: cur.title,
                subtitle: cur.subtitle,
                image,
                link: cur.link,
                description: cur.description,
                is_active: cur.is_active,
                start_date: cur.start_date,
                end_date: cur.end_date,
                sort_order: cur.sort_order,
            };
            repo::update(tx, id, &fields, &now)?;
            audit::record(
                tx,
                &actor,
                Record::new(Action::BannerUpdate, Subject::Banners(Some(id)), "banner image replaced"),
            )?;
            repo::find(tx, id)?.ok_or(ContentError::NotFound)
        })
        .await
}

pub async fn delete(app: &App, actor: Actor, id: i64) -> Result<Banner> {
    app.db
        .write(move |tx| -> Result<_> {
            let b = repo::find(tx, id)?.ok_or(ContentError::NotFound)?;
            repo::delete(tx, id)?;
            audit::record(tx, &actor, Record::new(Action::BannerDelete, Subject::Banners(Some(id)), b.title.as_str()))?;
            Ok(b)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_web_addresses_or_site_paths() {
        let ok = |s: &str| banner_link(Some(s.into())).unwrap();
        assert_eq!(ok("https://example.com/promo"), Some("https://example.com/promo".into()));
        assert_eq!(ok("/promo"), Some("/promo".into()));
        assert_eq!(ok("  "), None);
        for bad in ["javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.example"] {
            assert!(banner_link(Some(bad.into())).is_err(), "{bad}");
        }
    }
}
