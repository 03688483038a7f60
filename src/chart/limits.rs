//! What the charts show about daily price limits, read from a finished study: each day's
//! limit state (limit-up or limit-down close, one-price lock), its up and down limit prices,
//! and the event's first free day with the CAR through it.
//!
//! This is the only place that knows the limit fields of [`DayRow`] and [`EventResult`]; the
//! chart files draw [`EventLimits`] and never look at the study's limit types.

use crate::study::{DayRow, EventResult};

/// A limit day worth a marker on the charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitMark {
    /// Closed at the up limit, traded during the day.
    UpClose,
    /// Closed at the down limit, traded during the day.
    DownClose,
    /// One-price lock at the up limit (open = high = low = close).
    UpLock,
    /// One-price lock at the down limit.
    DownLock,
}

impl LimitMark {
    /// Up (price ceiling) rather than down.
    pub fn is_up(self) -> bool {
        matches!(self, LimitMark::UpClose | LimitMark::UpLock)
    }

    /// A one-price lock.
    pub fn is_lock(self) -> bool {
        matches!(self, LimitMark::UpLock | LimitMark::DownLock)
    }
}

/// Limit facts of one event-window day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayLimits {
    /// Relative day.
    pub rel_day: i32,
    /// Marker, if the day closed at a limit.
    pub mark: Option<LimitMark>,
    /// Up limit price.
    pub up: Option<f64>,
    /// Down limit price.
    pub down: Option<f64>,
}

/// Limit facts of one event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventLimits {
    /// Per event-window day.
    pub days: Vec<DayLimits>,
    /// First day the price could move freely after the day-0 limit run.
    pub first_free_day: Option<i32>,
    /// CAR from the window start through the first free day.
    pub car_free: Option<f64>,
}

impl EventLimits {
    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.first_free_day.is_none()
            && self
                .days
                .iter()
                .all(|d| d.mark.is_none() && d.up.is_none() && d.down.is_none())
    }
}

/// The limit facts of `event`, or `None` when the study carries no limit data.
pub fn event_limits(event: &EventResult) -> Option<EventLimits> {
    let limits = EventLimits {
        days: event.days.iter().map(day_limits).collect(),
        ..EventLimits::default()
    };
    (!limits.is_empty()).then_some(limits)
}

/// The limit facts of one day.
///
/// The study does not carry price-limit fields yet: every day reads as "no limit data". Wire
/// `mark` to `DayRow::limit_state` (`up_close`/`up_lock`/`down_close`/`down_lock`), `up`/`down`
/// to `DayRow::up_limit`/`down_limit`, and fill `first_free_day`/`car_free` in
/// [`event_limits`] from `EventResult::limits` once they exist.
fn day_limits(day: &DayRow) -> DayLimits {
    DayLimits {
        rel_day: day.rel_day,
        mark: None,
        up: None,
        down: None,
    }
}
