//! A prepared cross-section: the events of one group, plus what several tests derive from
//! the whole sample rather than from one day or window — Corrado's per-day rank sums and
//! `S_K`, each event's ranked estimation SARs for GRANK, the Brown–Warner estimation AARs
//! and `S_AAR`, the generalized-sign `phat`. Each is computed once, on first use, and then
//! shared by every day and window test of the group (a study asks for ~26 of them), so a
//! test costs `O(N)` or `O(N L1)` instead of re-ranking every event on every call. The
//! events' values on a day are looked up once too and shared by that day's tests.
//!
//! A [`Sample::subsample`] (the events of one CAR window) shares its parent's per-event
//! ranks — an event's ranks do not depend on the other events — and sums its own per-day
//! figures from them, so a window's tests cost no re-ranking either.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use super::brown_warner::EstimationAars;
use super::common::{EventValues, Measure, on_day};
use super::corrado::{EventRanks, RankDays};
use super::grank::EstimationRanks;
use crate::stats::cross_section::EventSeries;

/// The per-event ranks shared by a sample and its subsamples, computed lazily over the
/// events of the sample built with [`Sample::new`].
#[derive(Debug, Default)]
pub(super) struct Ranks<'a> {
    pub(super) events: Vec<&'a EventSeries>,
    pub(super) corrado: OnceCell<EventRanks>,
    pub(super) grank: OnceCell<EstimationRanks>,
}

/// The events of one group with the sample-wide quantities of the tests, computed lazily.
///
/// Build it once per group with [`Sample::new`] and pass it to every
/// [`day_tests`](super::day_tests) / [`window_tests`](super::window_tests) call of the group.
#[derive(Debug, Default)]
pub struct Sample<'a> {
    events: Vec<&'a EventSeries>,
    /// Per event: its position among `ranks.events`.
    pub(super) origin: Vec<usize>,
    pub(super) ranks: Rc<Ranks<'a>>,
    pub(super) corrado: OnceCell<RankDays>,
    pub(super) brown_warner: OnceCell<EstimationAars>,
    pub(super) phat: OnceCell<Option<f64>>,
    /// `(event, value)` lists of the days asked for so far.
    days: RefCell<HashMap<(i32, Measure), EventValues>>,
}

impl<'a> Sample<'a> {
    /// The sample of `events`, in the given order (`values[i]` of a window test belongs to
    /// the `i`-th event).
    pub fn new(events: impl IntoIterator<Item = &'a EventSeries>) -> Self {
        let events: Vec<&'a EventSeries> = events.into_iter().collect();
        Sample {
            origin: (0..events.len()).collect(),
            ranks: Rc::new(Ranks {
                events: events.clone(),
                ..Ranks::default()
            }),
            events,
            ..Sample::default()
        }
    }

    /// The sample of the events at `members` (positions, in the order wanted), sharing this
    /// sample's per-event ranks. Its tests give the same numbers as those of
    /// `Sample::new` on the same events, bit for bit.
    #[must_use]
    pub fn subsample(&self, members: &[usize]) -> Self {
        Sample {
            events: members.iter().map(|&k| self.events[k]).collect(),
            origin: members.iter().map(|&k| self.origin[k]).collect(),
            ranks: Rc::clone(&self.ranks),
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
