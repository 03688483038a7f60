//! Which events enter each cross-event test of a group (METHODS.md §4.0; see #10), decided
//! once per day and window so that every test of it uses the same events:
//!
//! * a day's tests: the events with an SAR (hence an AR) that day;
//! * a CAR window's tests: the events with a CAR and an SCAR over it — a complete window, or
//!   with `--allow-partial-car` one with at least one AR day. The others are left out of
//!   **every** test of the window and counted by the reason the event gives
//!   ([`EventOutcome::window_missing_reason`]);
//! * the `CAR_free` row: the events with a `CAR_free` and its standardized value.
//!
//! The same lists, with each event's window on the calendar, are the pairs of the tests'
//! `rbar` ([`Plan::targets`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::aggregate::{EventOutcome, FreeValues};
use super::cross_section::WindowValues;
use super::significance::{RbarMethod, Target};
use crate::config::Window;

/// Events left out of a window's tests for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    /// Reason code, e.g. `no_trade_in_window`.
    pub reason: String,
    /// Number of events.
    pub n: usize,
}

/// The events of one window's tests and the events left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowEvents {
    /// Positions in the group of the events in the tests, ascending.
    pub members: Vec<usize>,
    /// Their window values, in the same order.
    pub values: Vec<WindowValues>,
    /// Their windows in relative days (`(0, f_i)` for `CAR_free`).
    pub days: Vec<(i32, i32)>,
    /// The events left out, by reason (ascending).
    pub excluded: Vec<Exclusion>,
}

impl WindowEvents {
    /// Room for `n` events.
    fn with_capacity(n: usize) -> Self {
        WindowEvents {
            members: Vec::with_capacity(n),
            values: Vec::with_capacity(n),
            days: Vec::with_capacity(n),
            excluded: Vec::new(),
        }
    }

    /// The same, holding no spare capacity (a plan lives through the tests: at 100,000
    /// events spare capacity was tens of MB, #13).
    fn compact(self) -> Self {
        WindowEvents {
            members: compact(self.members),
            values: compact(self.values),
            days: compact(self.days),
            excluded: self.excluded,
        }
    }

    /// Number of events left out.
    pub fn n_excluded(&self) -> usize {
        self.excluded.iter().map(|e| e.n).sum()
    }
}

/// Whether an event's window values let it enter every test of the window: a finite CAR
/// (for the rank, sign and t tests) and SCAR (for the standardized tests). An event with a
/// CAR has at least one AR day, hence a CSAR for the Patell test.
pub fn usable(v: &WindowValues) -> bool {
    v.car.is_some_and(f64::is_finite) && v.scar.is_some_and(f64::is_finite)
}

/// The events of every test of one group.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Per relative day of the event window: the day and the events with an SAR on it.
    pub days: Vec<(i32, Vec<usize>)>,
    /// Per CAR window, in order.
    pub windows: Vec<WindowEvents>,
    /// The `CAR_free` row, when some event of the group has limit analysis.
    pub free: Option<WindowEvents>,
}

impl Plan {
    /// The events of the tests of `events` (one group) on each day of `window`, each CAR
    /// window and `CAR_free`.
    pub fn new<E: EventOutcome>(events: &[&E], window: Window, car_windows: &[Window]) -> Self {
        let days = (window.from..=window.to)
            .map(|t| {
                let with_sar = (0..events.len())
                    .filter(|&k| {
                        events[k]
                            .day(t)
                            .and_then(|d| d.sar)
                            .is_some_and(f64::is_finite)
                    })
                    .collect::<Vec<usize>>();
                (t, compact(with_sar))
            })
            .collect();
        let windows = car_windows
            .iter()
            .map(|&w| {
                let mut reasons = Reasons::default();
                let mut out = WindowEvents::with_capacity(events.len());
                for (k, e) in events.iter().enumerate() {
                    let v = e.window(w).unwrap_or(WindowValues::MISSING);
                    if usable(&v) {
                        out.members.push(k);
                        out.values.push(v);
                        out.days.push((w.from, w.to));
                    } else if v.car.is_some_and(f64::is_finite) {
                        reasons.add("missing_scar");
                    } else {
                        reasons.add(e.window_missing_reason(w).unwrap_or("missing_car"));
                    }
                }
                out.excluded = reasons.finish();
                out.compact()
            })
            .collect();
        Plan {
            days,
            windows,
            free: free_events(events),
        }
    }

    /// The targets of the `rbar`s in the sample whose `positions[k]`-th event is the group's
    /// `k`-th: the whole group first (calendar `rbar`, reported with the group), then each
    /// day, each CAR window and `CAR_free` (when present), in order; the tests' targets sum
    /// the calendar `rbar` only when `method` asks for it.
    pub fn targets(&self, positions: &[usize], method: RbarMethod) -> Vec<Target> {
        let at = |members: &[usize]| members.iter().map(|&k| positions[k]).collect();
        let test = |t: Target| match method {
            RbarMethod::Calendar => t.with_calendar(),
            RbarMethod::Overlap => t,
        };
        let mut out = vec![Target::shared(positions.to_vec(), 0, 0).with_calendar()];
        for (t, members) in &self.days {
            out.push(test(Target::shared(at(members), *t, *t)));
        }
        for w in self.windows.iter().chain(&self.free) {
            out.push(test(Target::new(at(&w.members), |k| w.days[k])));
        }
        out
    }
}

/// The `CAR_free` row's events: those with limit analysis and a usable `CAR_free`.
fn free_events<E: EventOutcome>(events: &[&E]) -> Option<WindowEvents> {
    let free: Vec<Option<FreeValues>> = events.iter().map(|e| e.free()).collect();
    if free.iter().all(Option::is_none) {
        return None;
    }
    let mut reasons = Reasons::default();
    let mut out = WindowEvents::default();
    for (k, f) in free.iter().enumerate() {
        let Some(f) = f else { continue };
        if usable(&f.values) {
            out.members.push(k);
            out.values.push(f.values);
            out.days.push((0, f.first_free_day.unwrap_or(0).max(0)));
        } else {
            reasons.add("no_car_free");
        }
    }
    out.excluded = reasons.finish();
    Some(out.compact())
}

/// `v` without spare capacity.
fn compact<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// Counts by reason.
#[derive(Default)]
struct Reasons(BTreeMap<&'static str, usize>);

impl Reasons {
    fn add(&mut self, reason: &'static str) {
        *self.0.entry(reason).or_insert(0) += 1;
    }

    fn finish(self) -> Vec<Exclusion> {
        self.0
            .into_iter()
            .map(|(reason, n)| Exclusion {
                reason: reason.to_owned(),
                n,
            })
            .collect()
    }
}
