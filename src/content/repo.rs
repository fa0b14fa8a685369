//! The SQL of `banners`.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::model::{Banner, BannerFields};

const COLS: &str =
    "id, title, subtitle, image, link, description, is_active, start_date, end_date, sort_order, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Banner> {
    Ok(Banner {
        id: r.get(0)?,
        title: r.get(1)?,
        subtitle: r.get(2)?,
        image: r.get(3)?,
        link: r.get(4)?,
        description: r.get(5)?,
        is_active: r.get(6)?,
        start_date: r.get(7)?,
        end_date: r.get(8)?,
        sort_order: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
    })
}

pub fn find(c: &Connection, id: i64) -> rusqlite::Result<Option<Banner>> {
    c.query_row(&format!("SELECT {COLS} FROM banners WHERE id = ?1"), [id], from_row).optional()
}

/// Every banner, or with `live_at` only the active ones inside their schedule then.
pub fn list(c: &Connection, live_at: Option<&str>) -> rusqlite::Result<Vec<Banner>> {
    let mut s = c.prepare_cached(&format!(
        "SELECT {COLS} FROM banners
         WHERE ?1 IS NULL OR (is_active = 1 AND (start_date IS NULL OR start_date <= ?1)
                              AND (end_date IS NULL OR end_date > ?1))
         ORDER BY sort_order, id DESC"
    ))?;
    let rows = s.query_map([live_at], from_row)?;
    rows.collect()
}

pub fn insert(c: &Connection, b: &BannerFields) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO banners (title, subtitle, image, link, description, is_active, start_date, end_date, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            b.title,
            b.subtitle,
            b.image,
            b.link,
            b.description,
            b.is_active,
            b.start_date,
            b.end_date,
            b.sort_order
        ],
    )?;
    Ok(c.last_insert_rowid())
}

pub fn update(c: &Connection, id: i64, b: &BannerFields, now: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE banners SET title = ?2, subtitle = ?3, image = ?4, link = ?5, description = ?6, is_active = ?7,
                start_date = ?8, end_date = ?9, sort_order = ?10, updated_at = ?11 WHERE id = ?1",
        params![
            id,
            b.title,
            b.subtitle,
            b.image,
            b.link,
            b.description,
            b.is_active,
            b.start_date,
            b.end_date,
            b.sort_order,
            now
        ],
    )?;
    Ok(())
}

/// False when there is no such banner.
pub fn set_sort_order(c: &Connection, id: i64, sort_order: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(c.execute("UPDATE banners SET sort_order = ?2, updated_at = ?3 WHERE id = ?1", params![id, sort_order, now])?
        == 1)
}

pub fn delete(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM banners WHERE id = ?1", [id])?;
    Ok(())
}
