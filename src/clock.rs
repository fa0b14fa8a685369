//! Time as a value. Every rule that depends on "now" (payment deadlines, supplier
//! re-check gaps) asks the app's clock, so tests move time forward instead of sleeping
//! or back-dating rows.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The wall clock, plus an offset that only tests move.
#[derive(Debug, Default)]
pub struct Clock {
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// `now()` as lapak stores times.
    pub fn now_str(&self) -> String {
        ts(self.now())
    }

    /// Moves this clock forward (tests).
    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// How far this clock is ahead of the wall clock.
    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }
}

/// A time as lapak stores it: UTC, RFC 3339, milliseconds (sorts as text).
pub fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The wall clock's now as lapak stores times; rules use `Clock::now_str` instead.
pub fn now_str() -> String {
    ts(Utc::now())
}

/// Jakarta's wall-clock time at `now`, to the minute (supplier cut-off windows).
pub fn jakarta_time(now: DateTime<Utc>) -> chrono::NaiveTime {
    use chrono::Timelike;
    let t = now.with_timezone(&chrono_tz::Asia::Jakarta).time();
    chrono::NaiveTime::from_hms_opt(t.hour(), t.minute(), 0).unwrap_or(t)
}

/// A stored timestamp as Jakarta wall-clock time, `2026-11-24 21:05:09` (WIB); a value
/// that is not a stored timestamp comes back unchanged.
pub fn jakarta_stamp(stored: &str) -> String {
    match DateTime::parse_from_rfc3339(stored) {
        Ok(t) => t.with_timezone(&chrono_tz::Asia::Jakarta).format("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => stored.to_string(),
    }
}

/// Jakarta's calendar date at `now` (Digiflazz pays a bill only on its inquiry's date).
pub fn jakarta_date(now: DateTime<Utc>) -> chrono::NaiveDate {
    now.with_timezone(&chrono_tz::Asia::Jakarta).date_naive()
}

/// The start (or, with `end`, the end) of a calendar day in Asia/Jakarta, as a stored
/// timestamp: how the `from`/`to` query parameters (`format: date`) bound a list.
pub fn day_bound(day: Option<chrono::NaiveDate>, end: bool) -> Option<String> {
    let day = day?;
    let day = if end { day.succ_opt().unwrap_or(day) } else { day };
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Jakarta, &local)
        .earliest()
        .map(|d| ts(d.with_timezone(&chrono::Utc)))
}

/// A date (`2026-11-24`) or an RFC 3339 time, as a stored timestamp; `end` makes a bare
/// date mean the end of that day (Asia/Jakarta). For text fields (banner schedules).
pub fn parse_bound(v: Option<String>, end: bool) -> Result<Option<String>, &'static str> {
    let Some(v) = v.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(v.trim()) {
        return Ok(Some(ts(d.with_timezone(&chrono::Utc))));
    }
    let date = chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
        .map_err(|_| "use a date (2026-11-24) or an RFC 3339 time")?;
    let day = if end { date.succ_opt().unwrap_or(date) } else { date };
    let local = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    let utc = chrono::TimeZone::from_local_datetime(&chrono_tz::Asia::Jakarta, &local)
        .single()
        .map(|d| d.with_timezone(&chrono::Utc))
        .ok_or("not a valid local date")?;
    Ok(Some(ts(utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_now_forward() {
        let c = Clock::default();
        let before = c.now();
        c.advance(Duration::hours(2));
        let gap = c.now() - before;
        assert!(gap >= Duration::hours(2) && gap < Duration::hours(2) + Duration::seconds(5), "{gap}");
    }
}
