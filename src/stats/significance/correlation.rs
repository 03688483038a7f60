//! Average cross-correlation `rbar` of the events' estimation-window abnormal returns, the
//! input of the Kolari–Pynnönen adjustments (METHODS-SPEC §5.5; METHODS.md §4.9)
//! `[KP10] [KPP18] [ESTUDY-STATA]`, over the events of one test (a [`Target`]):
//!
//! ```text
//! calendar (KP10):  rbar = (1/P_r) sum_{i<j qualifying} r_ij
//! overlap (KPP18):  rbar = (1/P_o) sum_{i<j} r_ij o_ij       o_ij = |W_i ∩ W_j| / sqrt(L_i L_j)
//! ```
//!
//! `r_ij` is the Pearson correlation of the two events' estimation ARs aligned on
//! **calendar** position (`cal_idx`) over their pairwise-complete dates (each series
//! demeaned over them); a pair with fewer than `min_common` common dates, or a constant
//! series on them, does not qualify. `P_r` counts the qualifying pairs. `o_ij` is the
//! overlap of the two events' windows (`overlap.rs`); a pair whose windows never meet has
//! `o_ij = 0` and enters `P_o` with a zero term, whatever its `r_ij`, while a pair whose windows
//! meet enters only when it qualifies. With no pair, `rbar = 0` (adjustment factor 1, as
//! `[ES-R]`). When every window is the same calendar span (one event date), `o_ij = 1` and
//! the two are equal, bit for bit.

use std::ops::Range;

use super::overlap::{Geometry, Target, day0, geometry};
use super::pairwise::Calendar;
use super::parallel::map_parallel;
use super::sample::Sample;
use crate::config::RbarMethod;
pub use crate::stats::cross_section::CrossCorrelation;

/// Events whose pairs are computed (in parallel) before they are summed.
const WAVE: usize = 512;
/// Events per parallel job.
const BLOCK: usize = 16;
/// Slot of an event that is not in a target.
const ABSENT: u32 = u32::MAX;

/// The sums behind both `rbar`s of one target, from one pass over the pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairSums {
    /// `sum r_ij` over the qualifying pairs, in pair order `(i, j)`, `i < j`.
    sum_r: f64,
    /// Qualifying pairs.
    n_r: usize,
    /// `sum r_ij o_ij` over the qualifying pairs whose windows meet, in pair order.
    sum_ro: f64,
    /// Qualifying pairs whose windows meet.
    n_meeting_r: usize,
    /// Every pair of the target, before any correlation.
    geometry: Geometry,
    /// Whether `sum_r`, `n_r` were summed (over every pair, not only those that meet).
    calendar: bool,
    /// Whether the sums come from the day-0 groups of `grouped.rs`, not from every pair.
    grouped: bool,
}

impl PairSums {
    /// Sums to be filled by the day-0 groups of `grouped.rs`.
    pub(super) fn from_geometry(geometry: Geometry, calendar: bool) -> Self {
        PairSums {
            geometry,
            calendar,
            grouped: true,
            ..PairSums::default()
        }
    }

    /// `pairs` qualifying pairs whose correlations sum to `sum_r`, all with overlap `o`.
    pub(super) fn add_many(&mut self, pairs: usize, sum_r: f64, o: f64) {
        if pairs == 0 {
            return;
        }
        self.sum_r += sum_r;
        self.n_r += pairs;
        if o > 0.0 {
            self.sum_ro += sum_r * o;
            self.n_meeting_r += pairs;
        }
    }

    fn add(&mut self, r: f64, o: f64) {
        self.add_many(1, r, o);
    }

    /// `rbar` by `method`, with the mean overlap of the target's pairs. The calendar `rbar`
    /// needs a target made [`Target::with_calendar`].
    pub fn rbar(&self, method: RbarMethod) -> CrossCorrelation {
        debug_assert!(self.calendar || method == RbarMethod::Overlap);
        let g = self.geometry;
        let (sum, n) = match method {
            RbarMethod::Calendar => (self.sum_r, self.n_r),
            RbarMethod::Overlap => (self.sum_ro, g.pairs - g.meeting + self.n_meeting_r),
        };
        CrossCorrelation {
            rbar: if n == 0 { 0.0 } else { sum / n as f64 },
            n_pairs: n,
            mean_overlap: (g.pairs > 0).then(|| g.sum_overlap / g.pairs as f64),
            grouped: self.grouped,
        }
    }
}

/// Calendar `rbar` over every pair of the sample (§5.5): [`target_correlations`] of one
/// target holding all events.
///
/// A pair enters when the two events share at least `min_common` calendar dates with both
/// estimation ARs present and neither series is constant on those dates. Only pairs whose
/// date ranges overlap by `min_common` days are visited (events swept in calendar order),
/// so the cost is `O(N^2 L1)` only for a sample clustered in time.
pub fn cross_correlation(sample: &Sample<'_>, min_common: usize) -> CrossCorrelation {
    let all = Target::all(sample, 0, 0).with_calendar();
    target_correlations(sample, min_common, std::slice::from_ref(&all))[0]
        .rbar(RbarMethod::Calendar)
        .without_overlap()
}

/// The [`PairSums`] of every target, from one pass over the pairs of the sample: the pairs
/// are correlated once, on all cores, and each target adds the pairs of its own events in
/// pair order `(i, j)`. A target's calendar `rbar` therefore equals [`cross_correlation`] of
/// a sample of just its events, bit for bit (same pairs, same order of summation).
pub fn target_correlations(
    sample: &Sample<'_>,
    min_common: usize,
    targets: &[Target],
) -> Vec<PairSums> {
    let calendar = Calendar::new(sample.events());
    let n = sample.len();
    let slots: Vec<Vec<u32>> = targets
        .iter()
        .map(|t| {
            let mut slot = vec![ABSENT; n];
            for (k, &i) in t.members.iter().enumerate() {
                slot[i] = k as u32;
            }
            slot
        })
        .collect();
    let day0: Vec<i64> = sample.events().iter().map(|ev| day0(ev)).collect();
    let mut sums: Vec<PairSums> = map_parallel(targets, |t| PairSums {
        geometry: geometry(&t.windows(&day0)),
        calendar: t.calendar,
        ..PairSums::default()
    });
    // Targets share out the summing: each job adds every pair of the wave to its targets.
    let per_job = targets.len().div_ceil(4 * available_cores()).max(1);
    let jobs: Vec<Range<usize>> = (0..targets.len())
        .step_by(per_job)
        .map(|t| t..(t + per_job).min(targets.len()))
        .collect();
    for wave in (0..n).step_by(WAVE) {
        let wave_end = (wave + WAVE).min(n);
        let blocks: Vec<Range<usize>> = (wave..wave_end)
            .step_by(BLOCK)
            .map(|b| b..(b + BLOCK).min(wave_end))
            .collect();
        let done: Vec<Vec<(usize, f64)>> = map_parallel(&blocks, |block| {
            block
                .clone()
                .map(|i| {
                    let mut pairs = Vec::new();
                    calendar.correlations_after(i, min_common, &mut pairs);
                    pairs
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let added = map_parallel(&jobs, |job| {
            let mut out = sums[job.clone()].to_vec();
            let all: Vec<usize> = job.clone().collect();
            let calendar_only: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&t| targets[t].calendar)
                .collect();
            // A pair whose days 0 lie this far apart meets in none of the job's targets.
            let reach = all.iter().map(|&t| targets[t].reach).max().unwrap_or(0);
            for (i, pairs) in (wave..wave_end).zip(&done) {
                for &(j, r) in pairs {
                    let far = (day0[i] - day0[j]).abs() >= reach;
                    for &t in if far { &calendar_only } else { &all } {
                        let (slot, target) = (&slots[t], &targets[t]);
                        let (a, b) = (slot[i], slot[j]);
                        if a != ABSENT && b != ABSENT {
                            let a = target.window(a as usize, day0[i]);
                            let b = target.window(b as usize, day0[j]);
                            out[t - job.start].add(r, a.overlap(b));
                        }
                    }
                }
            }
            out
        });
        sums = added.concat();
    }
    sums
}

fn available_cores() -> usize {
    super::parallel::threads()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::cross_section::EventSeries;
    use crate::stats::significance::fixtures_tests::event;
    use approx::assert_relative_eq;

    #[test]
    fn identical_series_correlate_perfectly_and_negated_ones_negatively() {
        let ar: Vec<f64> = (0..40).map(|k| f64::from(k % 7) - 3.0).collect();
        let neg: Vec<f64> = ar.iter().map(|v| -v).collect();
        let evs = [
            event("a", &ar, &[], 0),
            event("b", &ar, &[], 0),
            event("c", &neg, &[], 0),
        ];
        let rho = cross_correlation(&Sample::new(&evs), 30);
        assert_eq!(rho.n_pairs, 3);
        // pairs: (a,b) = 1, (a,c) = -1, (b,c) = -1
        assert_relative_eq!(rho.rbar, -1.0 / 3.0, max_relative = 1e-12);
    }

    #[test]
    fn pairs_are_aligned_on_calendar_dates_not_relative_days() {
        // b is a shifted by 5 calendar days: same relative days, overlapping dates differ.
        let ar: Vec<f64> = (0..60).map(|k| f64::from((k * 37) % 11)).collect();
        let a = event("a", &ar, &[], 0);
        let b = event("b", &ar[5..], &[], 5);
        let rho = cross_correlation(&Sample::new(&[a, b]), 30);
        assert_eq!(rho.n_pairs, 1);
        assert_relative_eq!(rho.rbar, 1.0, max_relative = 1e-12);
    }

    #[test]
    fn pairs_with_too_few_common_dates_are_dropped_and_rbar_is_zero() {
        let ar: Vec<f64> = (0..40).map(|k| f64::from(k % 5)).collect();
        let a = event("a", &ar, &[], 0);
        let b = event("b", &ar, &[], 20); // 20 common dates < 30
        let rho = cross_correlation(&Sample::new(&[a, b]), 30);
        assert_eq!(rho, CrossCorrelation::ZERO);
    }

    /// Three events with identical estimation ARs (every `r_ij = 1`) whose day 0 lie at
    /// calendar positions 60, 62 and 100.
    fn three_dates() -> Vec<EventSeries> {
        let ar: Vec<f64> = (0..140).map(|k| f64::from((k * 37) % 11)).collect();
        [0, 2, 40]
            .iter()
            .map(|&start| event("e", &ar[start..start + 60], &[0.0; 5], start as i64))
            .collect()
    }

    #[test]
    fn overlap_rbar_weights_each_pair_by_the_days_its_windows_share() {
        let evs = three_dates();
        let sample = Sample::new(&evs);
        // window [0, 4]: (a, b) share 3 of 5 days, (a, c) and (b, c) none; r = 1 for every
        // pair with enough common dates ((a, b) 58, (a, c) 20 < 30, (b, c) 22 < 30).
        let target = Target::all(&sample, 0, 4).with_calendar();
        let sums = target_correlations(&sample, 30, std::slice::from_ref(&target))[0];
        let over = sums.rbar(RbarMethod::Overlap);
        assert_eq!(over.n_pairs, 3);
        assert_relative_eq!(over.rbar, 0.6 / 3.0, max_relative = 1e-12);
        assert_relative_eq!(over.mean_overlap.unwrap(), 0.2, max_relative = 1e-12);
        let cal = sums.rbar(RbarMethod::Calendar);
        assert_eq!((cal.rbar, cal.n_pairs), (1.0, 1));
        // day 0: no two events share a calendar day
        let day = Target::all(&sample, 0, 0);
        let sums = target_correlations(&sample, 30, std::slice::from_ref(&day))[0];
        assert_eq!(sums.rbar(RbarMethod::Overlap).rbar, 0.0);
        assert_eq!(sums.rbar(RbarMethod::Overlap).n_pairs, 3);
    }

    #[test]
    fn a_pair_whose_windows_meet_but_lack_common_dates_is_left_out() {
        let evs = three_dates();
        let sample = Sample::new(&evs);
        // With 59 common dates required, (a, b) does not qualify: only the two pairs that
        // never meet remain, with zero terms.
        let target = Target::all(&sample, 0, 4);
        let over = target_correlations(&sample, 59, std::slice::from_ref(&target))[0]
            .rbar(RbarMethod::Overlap);
        assert_eq!((over.rbar, over.n_pairs), (0.0, 2));
    }

    #[test]
    fn overlap_and_calendar_rbar_coincide_for_one_event_date() {
        // See #10: fully clustered samples.
        let base: Vec<f64> = (0..80).map(|k| f64::from((k * 37) % 11)).collect();
        let evs: Vec<EventSeries> = (0..5)
            .map(|i| {
                let est: Vec<f64> = base
                    .iter()
                    .enumerate()
                    .map(|(k, v)| v + f64::from(((k * (i + 3)) % 7) as u8))
                    .collect();
                event(&i.to_string(), &est, &[0.0; 3], 0)
            })
            .collect();
        let sample = Sample::new(&evs);
        let targets = [
            Target::all(&sample, 0, 2).with_calendar(),
            Target::all(&sample, 1, 1).with_calendar(),
        ];
        for sums in target_correlations(&sample, 30, &targets) {
            let (over, cal) = (
                sums.rbar(RbarMethod::Overlap),
                sums.rbar(RbarMethod::Calendar),
            );
            assert_eq!(over.rbar.to_bits(), cal.rbar.to_bits());
            assert_eq!((over.n_pairs, cal.n_pairs), (10, 10));
            assert_eq!(over.mean_overlap, Some(1.0));
            assert_eq!(
                cal.rbar.to_bits(),
                cross_correlation(&sample, 30).rbar.to_bits()
            );
        }
    }

    #[test]
    fn a_target_holds_only_its_own_events() {
        let evs = three_dates();
        let sample = Sample::new(&evs);
        let target = Target::shared(vec![0, 2], 0, 4).with_calendar();
        let sums = target_correlations(&sample, 10, std::slice::from_ref(&target))[0];
        // (a, c): 20 common dates, r = 1, windows apart
        let cal = sums.rbar(RbarMethod::Calendar);
        assert_eq!((cal.rbar, cal.n_pairs), (1.0, 1));
        let over = sums.rbar(RbarMethod::Overlap);
        assert_eq!(
            (over.rbar, over.n_pairs, over.mean_overlap),
            (0.0, 1, Some(0.0))
        );
    }
}
