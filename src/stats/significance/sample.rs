//! A prepared cross-section: the events of one group, plus what several tests derive from
//! the whole sample rather than from one day or window — Corrado's per-day rank sums and
//! `S_K`, each event's ranked estimation SARs for GRANK, the Brown–Warner estimation AARs
//! and `S_AAR`, the generalized-sign `phat`. Each is computed once, on first use, and then
//! shared by every day and window test of the group (a study asks for ~26 of them), so a
//! test costs `O(N)` or `O(N L1)` instead of re-ranking every event on every call. The
//! events' values on a day are looked up once too and shared by that day's tests.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::brown_warner::EstimationAars;
use super::common::{EventValues, Measure, on_day};
use super::corrado::RankDays;
use super::grank::EstimationRanks;
use crate::stats::cross_section::EventSeries;

/// The events of one group with the sample-wide quantities of the tests, computed lazily.
///
/// Build it once per group with [`Sample::new`] and pass it to every
/// [`day_tests`](super::day_tests) / [`window_tests`](super::window_tests) call of the group.
#[derive(Debug, Default)]
pub struct Sample<'a> {
    events: Vec<&'a EventSeries>,
    pub(super) corrado: OnceCell<RankDays>,
    pub(super) grank: OnceCell<EstimationRanks>,
    pub(super) brown_warner: OnceCell<EstimationAars>,
    pub(super) phat: OnceCell<Option<f64>>,
    /// `(event, value)` lists of the days asked for so far.
    days: RefCell<HashMap<(i32, Measure), EventValues>>,
}

impl<'a> Sample<'a> {
    /// The sample of `events`, in the given order (`values[i]` of a window test belongs to
    /// the `i`-th event).
    pub fn new(events: impl IntoIterator<Item = &'a EventSeries>) -> Self {
        Sample {
            events: events.into_iter().collect(),
            ..Sample::default()
        }
    }

    /// The events, in order.
    pub fn events(&self) -> &[&'a EventSeries] {
        &self.events
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the sample has no event.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// `(event, value)` of the events with `measure` present on `day`, found once per day.
    pub(super) fn day_values(&self, day: i32, measure: Measure) -> EventValues {
        if let Some(found) = self.days.borrow().get(&(day, measure)) {
            return Rc::clone(found);
        }
        let values = Rc::new(on_day(&self.events, day, measure));
        self.days
            .borrow_mut()
            .insert((day, measure), Rc::clone(&values));
        values
    }
}
