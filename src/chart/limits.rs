//! What the charts show about daily price limits, read from a finished study: each day's
//! limit state (limit-up or limit-down close, one-price lock), its up and down limit prices,
//! and the event's first free day `f` with `CAR_free = CAR(0, f)` (METHODS-SPEC §7).
//!
//! This is the only place that knows the limit fields of [`DayRow`] (`limit`) and
//! [`EventResult`] (`limits.summary`); the chart files draw [`EventLimits`] and never look at
//! the study's limit types. Touches (`up_touch`, `down_touch`) get no marker: the close was free.

use crate::limits::LimitState;
use crate::result::{DayRow, EventResult};

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
    /// `CAR(0, f)`: from day 0 through the first free day `f`.
    pub car_free: Option<f64>,
    /// No free day within the longest limit run followed (or before the data end).
    pub run_censored: bool,
}

impl EventLimits {
    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.first_free_day.is_none()
            && !self.run_censored
            && self
                .days
                .iter()
                .all(|d| d.mark.is_none() && d.up.is_none() && d.down.is_none())
    }
}

/// The limit facts of `event`, or `None` when the study carries no limit data for it.
pub fn event_limits(event: &EventResult) -> Option<EventLimits> {
    let summary = event.limits.as_ref().map(|l| &l.summary);
    let limits = EventLimits {
        days: event.days.iter().map(day_limits).collect(),
        first_free_day: summary.and_then(|s| s.first_free_day),
        car_free: summary.and_then(|s| s.car_free),
        run_censored: summary.is_some_and(|s| s.limit_run_censored),
    };
    (!limits.is_empty()).then_some(limits)
}

/// The limit facts of one day, from `DayRow::limit`.
fn day_limits(day: &DayRow) -> DayLimits {
    let limit = day.limit.as_ref();
    DayLimits {
        rel_day: day.rel_day,
        mark: limit.and_then(|l| match l.state {
            LimitState::UpClose => Some(LimitMark::UpClose),
            LimitState::UpLock => Some(LimitMark::UpLock),
            LimitState::DownClose => Some(LimitMark::DownClose),
            LimitState::DownLock => Some(LimitMark::DownLock),
            _ => None,
        }),
        up: limit.and_then(|l| l.up_limit).filter(|v| v.is_finite()),
        down: limit.and_then(|l| l.down_limit).filter(|v| v.is_finite()),
    }
}
