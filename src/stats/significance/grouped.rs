//! `rbar` of large samples by day-0 groups, at a cost linear in events (METHODS.md §4.9;
//! #13). The exact estimator ([`super::correlation`]) correlates every pair whose estimation
//! ranges meet, `O(N^2 L)` for a sample spread over a few years; above
//! [`super::TestOptions::rbar_exact_max`] events the study uses this one instead.
//!
//! Events that share day 0 share their estimation calendar. Each event's estimation ARs are
//! standardised once over its own dates,
//!
//! ```text
//! z_i(t) = (AR_i(t) - mean_i) / sqrt( sum_s (AR_i(s) - mean_i)^2 )      (0 where AR_i(t) is missing)
//! ```
//!
//! so that `r_ij = sum_t z_i(t) z_j(t)` is the Pearson correlation of two complete series on
//! the same dates. Summing inside a group `g` and across groups `g, h`:
//!
//! ```text
//! Z_g(t) = sum_{i in g} z_i(t)
//! W_g(t) = sum_{i in g} z_i(t)^2
//! sum_{i<j in g} r_ij = ( |Z_g|^2 - sum_{i in g} |z_i|^2 ) / 2
//! sum_{i in g, j in h} r_ij = ( sum_C Z_g Z_h - S_g S_h / c ) / sqrt(V_g V_h)
//! S_g = sum_C Z_g,   V_g = sum_C W_g / q_g - c (S_g / (c q_g))^2
//! ```
//!
//! over the `c` common dates `C` of the two groups' ranges (`q_g` qualifying members): the
//! products re-centred and re-scaled to the common dates, as the exact correlation is. Building the `Z_g` costs `O(N L)`; the
//! cross terms cost `O(L)` per pair of groups that are visited: for the overlap `rbar`, the
//! groups whose event windows meet (a bounded number per group); for the calendar `rbar`,
//! the groups whose estimation ranges share `min_common` dates (at most `2 L` per group). The
//! number of groups is at most the number of calendar days, so the cost is linear in events.
//!
//! **What it gives up** against the exact estimator (stated in `tests.csv`'s note):
//! - within a group, with complete estimation ARs, nothing (the same correlation, summed in
//!   another order, so equal to rounding);
//! - a missing AR counts as `z = 0` in the pair's products instead of dropping the date from
//!   both series (pairwise-complete);
//! - for two groups whose days 0 differ, each pair is re-scaled by the members' average
//!   variance on the shared dates, not by its own two (exact when each group is one event);
//! - a pair qualifies when both series have `min_common` present dates and vary, and the
//!   groups' ranges share `min_common` dates.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::common::estimation_rows;
use super::correlation::PairSums;
use super::overlap::{CalendarWindow, Target, day0, geometry};
use super::parallel::map_parallel;
use super::sample::Sample;
use crate::stats::cross_section::EventSeries;

/// One event's standardised estimation ARs on calendar positions `first..first + z.len()`.
struct Standardised {
    first: i64,
    z: Vec<f64>,
    /// `sum z^2` (1 up to rounding).
    norm2: f64,
}

impl Standardised {
    /// `None` when the event has fewer than `need` present ARs or they do not vary.
    fn of(ev: &EventSeries, need: usize) -> Option<Self> {
        let rows = estimation_rows(ev);
        let present: Vec<(i64, f64)> = rows
            .filter_map(|r| Some((ev.cal_at(r)?, ev.ar_at(r)?)))
            .collect();
        if present.len() < need {
            return None;
        }
        // Rows are in calendar order (`rel_day` strictly increasing).
        let (first, last) = (present.first()?.0, present.last()?.0);
        let mean = present.iter().map(|p| p.1).sum::<f64>() / present.len() as f64;
        let ss: f64 = present.iter().map(|p| (p.1 - mean) * (p.1 - mean)).sum();
        if !(ss > 0.0 && ss.is_finite()) {
            return None;
        }
        let scale = ss.sqrt().recip();
        let mut z = vec![0.0; (last - first + 1) as usize];
        for &(cal, v) in &present {
            z[(cal - first) as usize] = (v - mean) * scale;
        }
        let norm2 = z.iter().map(|v| v * v).sum();
        Some(Standardised { first, z, norm2 })
    }

    fn last(&self) -> i64 {
        self.first + self.z.len() as i64 - 1
    }
}

/// The standardised series of some events of a sample (positions ascending), made for the
/// groups being built and dropped with them: each event's series is made where its day 0's
/// groups are summed, instead of holding every event's at once (~2 KB an event: ~200 MB at
/// 100,000 events, at the study's peak of memory, #13).
struct Standardisations {
    /// Sample positions, ascending.
    of: Vec<usize>,
    series: Vec<Option<Standardised>>,
}

impl Standardisations {
    /// The series of the events at `positions` (any order, repeats allowed) of `events`.
    fn new(events: &[&EventSeries], mut positions: Vec<usize>, need: usize) -> Self {
        positions.sort_unstable();
        positions.dedup();
        let series = positions
            .iter()
            .map(|&i| Standardised::of(events[i], need))
            .collect();
        Standardisations {
            of: positions,
            series,
        }
    }

    /// The series of sample position `i` (`None` when it was not made or does not qualify).
    fn get(&self, i: usize) -> Option<&Standardised> {
        let k = self.of.binary_search(&i).ok()?;
        self.series[k].as_ref()
    }
}

/// The events of one target that share day 0 (and relative window).
struct Group {
    day0: i64,
    /// `Z_g` on positions `first..first + sum.len()` (empty without a qualifying member).
    first: i64,
    sum: Vec<f64>,
    /// `W_g(t) = sum_{i in g} z_i(t)^2` on the same positions.
    sq: Vec<f64>,
    /// Qualifying members.
    q: usize,
    /// `sum |z_i|^2` over them.
    norm2: f64,
}

impl Group {
    /// No event.
    fn empty(day0: i64) -> Self {
        Group {
            day0,
            first: 0,
            sum: Vec::new(),
            sq: Vec::new(),
            q: 0,
            norm2: 0.0,
        }
    }

    /// Zero sums over the span of the present events of `members`, none added yet.
    fn spanning(day0: i64, members: &[usize], standardised: &Standardisations) -> Self {
        let present = || members.iter().filter_map(|&i| standardised.get(i));
        let (Some(first), Some(last)) = (
            present().map(|s| s.first).min(),
            present().map(Standardised::last).max(),
        ) else {
            return Group::empty(day0);
        };
        let len = (last - first + 1) as usize;
        Group {
            day0,
            first,
            sum: vec![0.0; len],
            sq: vec![0.0; len],
            q: 0,
            norm2: 0.0,
        }
    }

    /// Adds one event's series (inside the group's span).
    fn add(&mut self, s: &Standardised) {
        let at = (s.first - self.first) as usize;
        let end = at + s.z.len();
        for ((acc, acc2), v) in self.sum[at..end]
            .iter_mut()
            .zip(&mut self.sq[at..end])
            .zip(&s.z)
        {
            *acc += v;
            *acc2 += v * v;
        }
        self.norm2 += s.norm2;
        self.q += 1;
    }

    fn last(&self) -> i64 {
        self.first + self.sum.len() as i64 - 1
    }

    /// Common positions of the two groups' ranges.
    fn common(&self, other: &Group) -> i64 {
        (self.last().min(other.last()) - self.first.max(other.first) + 1).max(0)
    }

    /// `sum_{i in g, j in h} r_ij` over the common positions `C`, `c = |C|`: each pair's
    /// product re-centred and re-scaled to `C` through the group sums,
    ///
    /// ```text
    /// S_g = sum_C Z_g,   V_g = sum_C W_g / q_g - c (S_g / (c q_g))^2
    /// sum r_ij = ( sum_C Z_g Z_h - S_g S_h / c ) / sqrt(V_g V_h)
    /// ```
    ///
    /// exact for two single events with complete data; for larger groups `V_g` is the
    /// members' average variance on `C`.
    fn cross(&self, other: &Group) -> f64 {
        let lo = self.first.max(other.first);
        let hi = self.last().min(other.last());
        if hi < lo {
            return 0.0;
        }
        let span = |g: &Group| (lo - g.first) as usize..=(hi - g.first) as usize;
        let (a, b) = (&self.sum[span(self)], &other.sum[span(other)]);
        let (wa, wb) = (&self.sq[span(self)], &other.sq[span(other)]);
        let c = a.len() as f64;
        let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
        let (sa, sb): (f64, f64) = (a.iter().sum(), b.iter().sum());
        let var = |w: &[f64], s: f64, q: usize| {
            let q = q as f64;
            w.iter().sum::<f64>() / q - c * (s / (c * q)).powi(2)
        };
        let (va, vb) = (var(wa, sa, self.q), var(wb, sb, other.q));
        if !(va > 0.0 && vb > 0.0) {
            return 0.0;
        }
        (dot - sa * sb / c) / (va * vb).sqrt()
    }
}

/// The [`PairSums`] of every target by day-0 groups (see the module text). Targets whose
/// members all have the same relative window (every day and CAR window) share the groups
/// of their member list, built once; the targets are summed in parallel, each in a fixed
/// order, so the result does not depend on the thread count.
pub fn grouped_correlations(
    sample: &Sample<'_>,
    min_common: usize,
    targets: &[Target],
) -> Vec<PairSums> {
    let need = min_common.max(2);
    let events = sample.events();
    let day0s: Vec<i64> = events.iter().map(|ev| day0(ev)).collect();
    let mut lists: Vec<&[usize]> = Vec::new();
    // Per target: its member list's place in `lists`, and its relative window.
    let mut list_of: Vec<Option<(usize, (i32, i32))>> = Vec::with_capacity(targets.len());
    let mut index: HashMap<&[usize], usize> = HashMap::new();
    for t in targets {
        list_of.push(
            t.shared_days()
                .map(|rel| (intern(&mut lists, &mut index, &t.members), rel)),
        );
    }
    let shared = list_groups(events, need, &lists, &day0s);
    let jobs: Vec<usize> = (0..targets.len()).collect();
    map_parallel(&jobs, |&k| {
        let t = &targets[k];
        if let Some((l, days)) = list_of[k] {
            let windows: Vec<CalendarWindow> = shared[l]
                .iter()
                .map(|g| CalendarWindow::around(g.day0, days))
                .collect();
            return target_sums(t, &day0s, &shared[l], &windows, need);
        }
        // Windows of different lengths (`CAR_free`): groups by day 0 and window.
        let mut keyed: BTreeMap<(i64, i64, i64), Vec<usize>> = BTreeMap::new();
        for (k, &i) in t.members.iter().enumerate() {
            let w = t.window(k, day0s[i]);
            keyed
                .entry((day0s[i], w.first, w.last))
                .or_default()
                .push(i);
        }
        let (groups, windows): (Vec<Arc<Group>>, Vec<CalendarWindow>) = keyed
            .into_iter()
            .map(|((d, first, last), m)| {
                let standardised = Standardisations::new(events, m.clone(), need);
                (
                    Arc::new(group(d, &m, &standardised)),
                    CalendarWindow { first, last },
                )
            })
            .filter(|(g, _)| g.q > 0)
            .unzip();
        target_sums(t, &day0s, &groups, &windows, need)
    })
}

/// The place of `members` among `distinct`, added at the end when new (`place` indexes it).
fn intern<'a>(
    distinct: &mut Vec<&'a [usize]>,
    place: &mut HashMap<&'a [usize], usize>,
    members: &'a [usize],
) -> usize {
    *place.entry(members).or_insert_with(|| {
        distinct.push(members);
        distinct.len() - 1
    })
}

/// The sums of one target over its groups (in day-0 order) and their windows.
fn target_sums(
    target: &Target,
    day0s: &[i64],
    groups: &[Arc<Group>],
    windows: &[CalendarWindow],
    need: usize,
) -> PairSums {
    // Every range starts at or after its day 0 plus `lead`.
    let lead = groups.iter().map(|g| g.first - g.day0).min().unwrap_or(0);
    let mut sums = PairSums::from_geometry(geometry(&target.windows(day0s)), target.calendar);
    for (k, (g, gw)) in groups.iter().zip(windows).enumerate() {
        let within = g.sum.iter().map(|v| v * v).sum::<f64>() - g.norm2;
        sums.add_many(g.q * (g.q - 1) / 2, within / 2.0, gw.overlap(*gw));
        for (h, hw) in groups[k + 1..].iter().zip(&windows[k + 1..]) {
            // Groups come in day-0 order: past both limits no later group counts.
            let windows_apart = h.day0 - g.day0 >= target.reach;
            let ranges_apart = h.day0 + lead > g.last() - need as i64 + 1;
            if windows_apart && (ranges_apart || !target.calendar) {
                break;
            }
            let o = gw.overlap(*hw);
            if (o > 0.0 || target.calendar) && g.common(h) >= need as i64 {
                sums.add_many(g.q * h.q, g.cross(h), o);
            }
        }
    }
    sums
}

/// Per list of events: its groups by day 0 (ascending, those with an event present), each
/// [`group`] of the list's events with that day 0 in list order.
///
/// Computed a day 0 at a time for all lists together, on the pool: an event's
/// standardised series is read once per day 0 and added to every list that holds it,
/// instead of once per list (a study has ~70 lists, nearly all of every event; streaming
/// every series from memory once per list was the cost, #13). Each list's sums take its
/// events in the same order as [`group`] does, so they are the same bit for bit.
fn list_groups(
    events: &[&EventSeries],
    need: usize,
    lists: &[&[usize]],
    day0s: &[i64],
) -> Vec<Vec<Arc<Group>>> {
    // Day 0 -> the lists with events on it, each with those events in list order.
    let mut by_day0: BTreeMap<i64, Lists> = BTreeMap::new();
    for (l, members) in lists.iter().enumerate() {
        let mut mine: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for &i in *members {
            mine.entry(day0s[i]).or_default().push(i);
        }
        for (d, m) in mine {
            by_day0.entry(d).or_default().push((l, m));
        }
    }
    let days: Vec<(i64, Lists)> = by_day0.into_iter().collect();
    let per_day = map_parallel(&days, |(d, lists)| {
        let union = lists.iter().flat_map(|(_, m)| m.iter().copied()).collect();
        groups_on(*d, lists, &Standardisations::new(events, union, need))
    });
    let mut out: Vec<Vec<Arc<Group>>> = lists.iter().map(|_| Vec::new()).collect();
    for groups in per_day {
        for (l, g) in groups {
            if g.q > 0 {
                out[l].push(g);
            }
        }
    }
    out
}

/// `(list, its events on one day 0 in list order)` of the lists with events on that day 0.
type Lists = Vec<(usize, Vec<usize>)>;

/// The [`group`] of each `(list, events)` on day 0 `day0`, reading each event's series once
/// when every list holds its events in ascending order (as the study's lists do). Lists
/// with the same events on the day share one group (the study's ~70 lists mostly hold the
/// same events of a day 0, and a group's sums are ~4 KB: at 100,000 events, one group per
/// list and day 0 was ~1 GB, #13); a shared group is the one [`group`] makes, bit for bit.
fn groups_on(
    day0: i64,
    lists: &[(usize, Vec<usize>)],
    standardised: &Standardisations,
) -> Vec<(usize, Arc<Group>)> {
    // The distinct member lists of the day, and each list's place among them.
    let mut distinct: Vec<&[usize]> = Vec::new();
    let mut place: HashMap<&[usize], usize> = HashMap::new();
    let of_list: Vec<usize> = lists
        .iter()
        .map(|(_, m)| intern(&mut distinct, &mut place, m))
        .collect();
    let ascending = |m: &[usize]| m.windows(2).all(|w| w[0] < w[1]);
    let groups: Vec<Arc<Group>> = if distinct.iter().all(|m| ascending(m)) {
        let mut groups: Vec<Group> = distinct
            .iter()
            .map(|m| Group::spanning(day0, m, standardised))
            .collect();
        let mut next = vec![0usize; distinct.len()];
        for (&i, s) in standardised.of.iter().zip(&standardised.series) {
            let s = s.as_ref();
            for (j, m) in distinct.iter().enumerate() {
                if m.get(next[j]) != Some(&i) {
                    continue;
                }
                next[j] += 1;
                if let Some(s) = s {
                    groups[j].add(s);
                }
            }
        }
        groups.into_iter().map(Arc::new).collect()
    } else {
        distinct
            .iter()
            .map(|m| Arc::new(group(day0, m, standardised)))
            .collect()
    };
    lists
        .iter()
        .zip(of_list)
        .map(|((l, _), k)| (*l, Arc::clone(&groups[k])))
        .collect()
}

fn group(day0: i64, members: &[usize], standardised: &Standardisations) -> Group {
    let mut g = Group::spanning(day0, members, standardised);
    for s in members.iter().filter_map(|&i| standardised.get(i)) {
        g.add(s);
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RbarMethod;
    use crate::stats::significance::correlation::target_correlations;
    use crate::stats::significance::fixtures_tests::event;
    use approx::assert_relative_eq;

    /// A deterministic pseudo-random AR series (no shared factor, so `r_ij` is small) plus
    /// `common` times a factor shared by every event on the same calendar dates.
    fn series(seed: u64, start: i64, len: usize, common: f64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..len)
            .map(|k| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let own = ((x >> 33) as f64 / f64::from(1u32 << 31)) - 0.5;
                let cal = start + k as i64;
                let shared = (((cal * 7919) % 101) as f64 / 101.0) - 0.5;
                own + common * shared
            })
            .collect()
    }

    fn sample_on(starts: &[i64], per_date: usize, common: f64) -> Vec<EventSeries> {
        let mut evs = Vec::new();
        for (d, &start) in starts.iter().enumerate() {
            for k in 0..per_date {
                let seed = (d * 1000 + k) as u64;
                evs.push(event(
                    &format!("{d}-{k}"),
                    &series(seed, start, 120, common),
                    &[0.0; 11],
                    start,
                ));
            }
        }
        evs
    }

    fn both(evs: &[EventSeries], from: i32, to: i32) -> (PairSums, PairSums) {
        let sample = Sample::new(evs);
        let target = Target::all(&sample, from, to).with_calendar();
        let exact = target_correlations(&sample, 30, std::slice::from_ref(&target))[0];
        let grouped = grouped_correlations(&sample, 30, std::slice::from_ref(&target))[0];
        (exact, grouped)
    }

    #[test]
    fn lists_with_the_same_events_on_a_day_0_share_one_group_equal_to_its_own() {
        let evs = sample_on(&[0, 3, 40], 4, 0.7);
        let sample = Sample::new(&evs);
        let standardised = Standardisations::new(sample.events(), (0..evs.len()).collect(), 30);
        let day0s: Vec<i64> = sample.events().iter().map(|ev| day0(ev)).collect();
        let all: Vec<usize> = (0..evs.len()).collect();
        // Without event 5: a different list on the second day 0 only.
        let some: Vec<usize> = all.iter().copied().filter(|&i| i != 5).collect();
        let lists: Vec<&[usize]> = vec![&all, &some, &all];
        let groups = list_groups(sample.events(), 30, &lists, &day0s);
        assert_eq!(groups.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 3]);
        for (a, c) in groups[0].iter().zip(&groups[2]) {
            assert!(Arc::ptr_eq(a, c));
        }
        assert!(Arc::ptr_eq(&groups[0][0], &groups[1][0]));
        assert!(!Arc::ptr_eq(&groups[0][1], &groups[1][1]));
        assert!(Arc::ptr_eq(&groups[0][2], &groups[1][2]));
        for (list, made) in lists.iter().zip(&groups) {
            for g in made {
                let members: Vec<usize> = list
                    .iter()
                    .copied()
                    .filter(|&i| day0s[i] == g.day0)
                    .collect();
                let alone = group(g.day0, &members, &standardised);
                assert_eq!(g.q, alone.q);
                assert_eq!(g.norm2.to_bits(), alone.norm2.to_bits());
                assert_eq!(g.sum, alone.sum);
                assert_eq!(g.sq, alone.sq);
            }
        }
    }

    #[test]
    fn one_event_date_with_complete_data_gives_the_exact_rbar() {
        let evs = sample_on(&[0], 12, 0.8);
        for (from, to) in [(0, 0), (0, 10), (3, 5)] {
            let (exact, grouped) = both(&evs, from, to);
            for m in [RbarMethod::Overlap, RbarMethod::Calendar] {
                let (e, g) = (exact.rbar(m), grouped.rbar(m));
                assert_relative_eq!(e.rbar, g.rbar, max_relative = 1e-12);
                assert_eq!((e.n_pairs, e.mean_overlap), (g.n_pairs, g.mean_overlap));
                assert!(g.grouped && !e.grouped);
            }
        }
    }

    #[test]
    fn several_dates_come_close_to_the_exact_rbar_and_count_the_same_pairs() {
        // Days 0 a few sessions apart (windows meet) and far apart (only estimation
        // ranges meet), six events on each date with a shared factor (rbar ~ 0.5).
        let evs = sample_on(&[0, 3, 8, 40, 90], 6, 1.0);
        for (from, to) in [(0, 0), (0, 10)] {
            let (exact, grouped) = both(&evs, from, to);
            for m in [RbarMethod::Overlap, RbarMethod::Calendar] {
                let (e, g) = (exact.rbar(m), grouped.rbar(m));
                assert_eq!(e.n_pairs, g.n_pairs, "{m:?} [{from},{to}]");
                // Seen: 3e-16 (overlap, day 0), 1e-4 relative (overlap, [0, 10]), 2e-3
                // relative (calendar).
                assert_relative_eq!(e.rbar, g.rbar, max_relative = 5e-3);
            }
        }
    }

    #[test]
    fn one_event_per_date_gives_the_exact_rbar() {
        let evs = sample_on(&[0, 3, 8, 40, 90, 91], 1, 1.0);
        for (from, to) in [(0, 0), (0, 10), (-2, 4)] {
            let (exact, grouped) = both(&evs, from, to);
            for m in [RbarMethod::Overlap, RbarMethod::Calendar] {
                let (e, g) = (exact.rbar(m), grouped.rbar(m));
                assert_eq!(e.n_pairs, g.n_pairs);
                assert_relative_eq!(e.rbar, g.rbar, max_relative = 1e-12);
            }
        }
    }

    #[test]
    fn events_without_enough_present_ars_do_not_qualify() {
        let mut evs = sample_on(&[0], 4, 0.5);
        for v in evs[0].ar.iter_mut().take(100) {
            *v = f64::NAN;
        }
        let (exact, grouped) = both(&evs, 0, 0);
        assert_eq!(exact.rbar(RbarMethod::Overlap).n_pairs, 3);
        assert_eq!(grouped.rbar(RbarMethod::Overlap).n_pairs, 3);
        assert_relative_eq!(
            exact.rbar(RbarMethod::Overlap).rbar,
            grouped.rbar(RbarMethod::Overlap).rbar,
            max_relative = 1e-12
        );
    }
}
