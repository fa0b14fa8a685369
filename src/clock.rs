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
        crate::db::ts(self.now())
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
