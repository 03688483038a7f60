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
use std::sync::{Arc, OnceLock};

use super::brown_warner::EstimationAars;
use super::common::{EventValues, Measure, on_day};
use super::corrado::{EventRanks, RankDays};
use super::grank::EstimationRanks;
use crate::config::TestKind;
use crate::stats::cross_section::EventSeries;

/// The per-event ranks shared by a sample and its subsamples, computed lazily over the
/// events of the sample built with [`Sample::new`] (or of a [`SharedRanks`]).
#[derive(Debug, Default)]
pub(super) struct Ranks<'a> {
    pub(super) events: Vec<&'a EventSeries>,
    pub(super) corrado: OnceLock<EventRanks>,
    pub(super) grank: OnceLock<EstimationRanks>,
}

impl Ranks<'_> {
    pub(super) fn corrado(&self) -> &EventRanks {
        self.corrado.get_or_init(|| EventRanks::new(&self.events))
    }

    pub(super) fn grank(&self) -> &EstimationRanks {
        self.grank
            .get_or_init(|| EstimationRanks::new(&self.events))
    }
}

/// The per-event ranks of a study's events, shared by the samples of all its groups and
/// across threads: an event's ranks do not depend on the other events, so the groups
/// (`all`, the named groups, `limit_day0`, `no_limit_day0`) rank each event once between
/// them instead of once each. A group's [`SharedRanks::sample`] gives the same numbers as
/// [`Sample::new`] on the same events, bit for bit.
#[derive(Debug, Clone)]
pub struct SharedRanks<'a>(Arc<Ranks<'a>>);

impl<'a> SharedRanks<'a> {
    /// The ranks of `events` (computed on first use, or by [`SharedRanks::prepare`]).
    pub fn new(events: impl IntoIterator<Item = &'a EventSeries>) -> Self {
        SharedRanks(Arc::new(Ranks {
            events: events.into_iter().collect(),
            ..Ranks::default()
        }))
    }

    /// Rank every event now, on the pool, for those of `tests` that use ranks (Corrado's
    /// ranks of all ARs, GRANK's ranks of the estimation SARs), so that the groups' tests,
    /// run in parallel, find them made.
    pub fn prepare(&self, tests: &[TestKind]) {
        let uses = |kinds: &[TestKind]| tests.iter().any(|t| kinds.contains(t));
        if uses(&[TestKind::Corrado, TestKind::CorradoZivney]) {
            self.0.corrado();
        }
        if uses(&[TestKind::GrankT, TestKind::GrankZ]) {
            self.0.grank();
        }
    }

    /// The sample of the events at positions `members` (in the order wanted).
    pub fn sample(&self, members: &[usize]) -> Sample<'a> {
        Sample {
            events: members.iter().map(|&k| self.0.events[k]).collect(),
            origin: members.to_vec(),
            ranks: Arc::clone(&self.0),
            ..Sample::default()
        }
    }
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
    pub(super) ranks: Arc<Ranks<'a>>,
    pub(super) corrado: OnceCell<RankDays>,
    pub(super) brown_warner: OnceCell<EstimationAars>,
    pub(super) phat: OnceCell<Option<f64>>,
    /// `(event, value)` lists of the days asked for so far.
    days: RefCell<HashMap<(i32, Measure), EventValues>>,
    /// GRANK's ranks of the days given to [`Sample::prepare_day_ranks`], by (day, Stata
    /// variant), made in one pass over the events.
    pub(super) grank_days: RefCell<HashMap<(i32, bool), Rc<super::grank::Ranking>>>,
}

impl<'a> Sample<'a> {
    /// The sample of `events`, in the given order (`values[i]` of a window test belongs to
    /// the `i`-th event).
    pub fn new(events: impl IntoIterator<Item = &'a EventSeries>) -> Self {
        let shared = SharedRanks::new(events);
        let all: Vec<usize> = (0..shared.0.events.len()).collect();
        shared.sample(&all)
    }

    /// The sample of the events at `members` (positions, in the order wanted), sharing this
    /// sample's per-event ranks. Its tests give the same numbers as those of
    /// `Sample::new` on the same events, bit for bit.
    #[must_use]
    pub fn subsample(&self, members: &[usize]) -> Self {
        Sample {
            events: members.iter().map(|&k| self.events[k]).collect(),
            origin: members.iter().map(|&k| self.origin[k]).collect(),
            ranks: Arc::clone(&self.ranks),
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

    /// Rank the GRANK tests of every day of `days` now, in one pass over the events'
    /// estimation rows instead of one pass a day (#13: that pass, memory-bound, was the
    /// largest cost of the tests at 100,000 events), for those of `opts`' tests that use
    /// them; the tests of those days then read the ranks made here (the same numbers, bit
    /// for bit: every sum takes the events in the same order).
    pub fn prepare_day_ranks(&self, days: &[i32], opts: &super::TestOptions) {
        let t = opts.tests.contains(&TestKind::GrankT);
        let z = opts.tests.contains(&TestKind::GrankZ);
        let estudy = opts.grank_variant == crate::config::GrankVariant::Estudy;
        let mut variants = Vec::new();
        if z || (t && !estudy) {
            variants.push(false);
        }
        if t && estudy {
            variants.push(true);
        }
        for estudy in variants {
            let ranked = super::grank::rank_days(self, days, estudy);
            let mut map = self.grank_days.borrow_mut();
            for (&d, r) in days.iter().zip(ranked) {
                map.insert((d, estudy), Rc::new(r));
            }
        }
    }

    /// GRANK's ranks of `day` made by [`Sample::prepare_day_ranks`].
    pub(super) fn day_ranks(&self, day: i32, estudy: bool) -> Option<Rc<super::grank::Ranking>> {
        self.grank_days.borrow().get(&(day, estudy)).cloned()
    }

    /// Forgets the per-day values found so far (once a day's tests have run: a later day or
    /// window does not read them, and at 100,000 events each day holds a few MB).
    pub fn forget_days(&self) {
        self.days.borrow_mut().clear();
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
