//! The trading calendar (the market file's dates) and event-day alignment
//! (METHODS-SPEC §1.4–§1.5): day 0 is the first trading day on or after the event date, or
//! the next session for news after the close. Alignment never moves an event earlier.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use std::ops::RangeInclusive;

use crate::config::Window;
use crate::data::Timing;

/// Trading dates, ascending and unique.
#[derive(Debug, Clone)]
pub struct Calendar {
    dates: Vec<NaiveDate>,
}

/// Why day 0 differs from the event date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftReason {
    /// The event date is a trading day and the news came before the close.
    None,
    /// The event date is a weekend or holiday: day 0 is the next session.
    NonTradingDay,
    /// The news came after the close: day 0 is the next session.
    AfterClose,
}

impl ShiftReason {
    /// Stable name used in output files.
    pub fn name(self) -> &'static str {
        match self {
            ShiftReason::None => "none",
            ShiftReason::NonTradingDay => "non_trading_day",
            ShiftReason::AfterClose => "after_close",
        }
    }
}

/// Where an event lands on the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Alignment {
    /// Calendar index of day 0.
    pub day0: usize,
    /// Calendar days from the event date to day 0 (never negative).
    pub shift_days: i64,
    /// Why it moved.
    pub shift_reason: ShiftReason,
}

impl Calendar {
    /// A calendar from ascending unique dates.
    pub fn new(dates: Vec<NaiveDate>) -> Self {
        debug_assert!(dates.windows(2).all(|w| w[0] < w[1]));
        Calendar { dates }
    }

    /// All dates.
    pub fn dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// Number of trading days.
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// Whether there are no trading days.
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// Date of calendar index `i`.
    pub fn date(&self, i: usize) -> NaiveDate {
        self.dates[i]
    }

    /// Index of `date` if it is a trading day.
    pub fn index_of(&self, date: NaiveDate) -> Option<usize> {
        self.dates.binary_search(&date).ok()
    }

    /// Index of the first trading day on or after `date`.
    pub fn first_on_or_after(&self, date: NaiveDate) -> Option<usize> {
        let i = self.dates.partition_point(|d| *d < date);
        (i < self.dates.len()).then_some(i)
    }

    /// Align an event date: `None` when no trading day follows it.
    pub fn align(&self, date: NaiveDate, timing: Timing) -> Option<Alignment> {
        let first = self.first_on_or_after(date)?;
        let (day0, reason) = if self.dates[first] != date {
            (first, ShiftReason::NonTradingDay)
        } else if timing == Timing::AfterClose {
            (first + 1, ShiftReason::AfterClose)
        } else {
            (first, ShiftReason::None)
        };
        let d0 = *self.dates.get(day0)?;
        Some(Alignment {
            day0,
            shift_days: (d0 - date).num_days(),
            shift_reason: reason,
        })
    }
}

impl Calendar {
    /// Calendar indices of `window` around day 0 (calendar index `day0`), when the whole
    /// window lies on the calendar.
    pub fn slice(&self, day0: usize, window: Window) -> Option<RangeInclusive<usize>> {
        let lo = day0 as i64 + i64::from(window.from);
        let hi = day0 as i64 + i64::from(window.to);
        (lo >= 0 && hi < self.dates.len() as i64).then_some(lo as usize..=hi as usize)
    }

    /// Calendar indices of `window` around day 0, cut at the calendar's first day (an
    /// estimation window may start before the data); `None` when it ends before the
    /// calendar starts. The end is not checked against the calendar's last day.
    pub fn slice_clipped(&self, day0: usize, window: Window) -> Option<RangeInclusive<usize>> {
        let lo = (day0 as i64 + i64::from(window.from)).max(0);
        let hi = day0 as i64 + i64::from(window.to);
        (hi >= 0).then_some(lo as usize..=hi as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn labour_day_2022() -> Calendar {
        Calendar::new(vec![
            d(2022, 4, 28),
            d(2022, 4, 29),
            d(2022, 5, 5),
            d(2022, 5, 6),
        ])
    }

    #[test]
    fn holiday_event_moves_to_first_session_after_it() {
        let a = labour_day_2022()
            .align(d(2022, 5, 4), Timing::Unknown)
            .unwrap();
        assert_eq!(a.day0, 2);
        assert_eq!(a.shift_days, 1);
        assert_eq!(a.shift_reason, ShiftReason::NonTradingDay);
    }

    #[test]
    fn after_close_news_moves_to_next_session() {
        let a = labour_day_2022()
            .align(d(2022, 4, 29), Timing::AfterClose)
            .unwrap();
        assert_eq!(
            (a.day0, a.shift_days, a.shift_reason),
            (2, 6, ShiftReason::AfterClose)
        );
        let b = labour_day_2022()
            .align(d(2022, 5, 5), Timing::PreOpen)
            .unwrap();
        assert_eq!((b.day0, b.shift_reason), (2, ShiftReason::None));
    }

    #[test]
    fn event_after_the_last_session_has_no_day0() {
        assert!(
            labour_day_2022()
                .align(d(2022, 5, 7), Timing::Unknown)
                .is_none()
        );
        assert!(
            labour_day_2022()
                .align(d(2022, 5, 6), Timing::AfterClose)
                .is_none()
        );
    }
}
