//! Average cross-correlation `rbar` of the events' estimation-window abnormal returns, the
//! input of the Kolari–Pynnönen (2010) adjustments (METHODS-SPEC §5.5) `[KP10] [ESTUDY-STATA]`:
//!
//! ```text
//! rbar = mean over qualifying pairs (i < j) of corr(AR_i, AR_j)
//! ```
//!
//! Residuals are aligned on **calendar** position (`cal_idx`), correlations use the
//! pairwise-complete dates (Pearson, each series demeaned over the common dates), and a pair
//! with fewer than `min_common` common dates, or with a constant series on them, is dropped.
//! With no qualifying pair `rbar = 0` (adjustment factor 1, as `[ES-R]`).

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::pairwise::Calendar;
use super::parallel::map_parallel;
use super::sample::Sample;

/// Events whose pairs are computed (in parallel) before they are summed.
const WAVE: usize = 512;
/// Events per parallel job.
const BLOCK: usize = 16;

/// The average pairwise correlation and how many pairs it averages.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CrossCorrelation {
    /// Mean of the pairwise Pearson correlations; `0` when `n_pairs == 0`.
    pub rbar: f64,
    /// Number of pairs that entered the mean.
    pub n_pairs: usize,
}

impl CrossCorrelation {
    /// No correlation: the KP factors are 1.
    pub const ZERO: CrossCorrelation = CrossCorrelation {
        rbar: 0.0,
        n_pairs: 0,
    };
}

/// `rbar` of a whole sample and of the classes of some partitions of it (§5.5).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartitionedCorrelation {
    /// Over every pair of the sample.
    pub all: CrossCorrelation,
    /// `classes[p][c]`: over the pairs whose two events partition `p` puts in class `c`.
    pub classes: Vec<Vec<CrossCorrelation>>,
}

/// Average pairwise correlation of the events' estimation ARs in calendar time (§5.5).
///
/// A pair enters when the two events share at least `min_common` calendar dates with both
/// estimation ARs present and neither series is constant on those dates. Only pairs whose
/// date ranges overlap by `min_common` days are visited (events swept in calendar order),
/// so the cost is `O(N^2 L1)` only for a sample clustered in time.
pub fn cross_correlation(sample: &Sample<'_>, min_common: usize) -> CrossCorrelation {
    partitioned_cross_correlation(sample, min_common, &[]).all
}

/// [`cross_correlation`] of the whole sample and, from the same single pass over the pairs,
/// of every class of each partition: `partitions[p][i]` is the class of the sample's `i`-th
/// event in partition `p` (`None`: in no class). The `rbar` of a class equals
/// [`cross_correlation`] of a sample of just its events, bit for bit (same pairs, same
/// order of summation).
pub fn partitioned_cross_correlation(
    sample: &Sample<'_>,
    min_common: usize,
    partitions: &[&[Option<usize>]],
) -> PartitionedCorrelation {
    let calendar = Calendar::new(sample.events());
    let mut all = Mean::default();
    let mut classes: Vec<Vec<Mean>> = partitions
        .iter()
        .map(|labels| vec![Mean::default(); labels.iter().flatten().max().map_or(0, |m| m + 1)])
        .collect();
    // Pairs are computed on all cores, a wave of events at a time, and summed here in
    // `(i, j)` order.
    for wave in (0..sample.len()).step_by(WAVE) {
        let wave_end = (wave + WAVE).min(sample.len());
        let blocks: Vec<Range<usize>> = (wave..wave_end)
            .step_by(BLOCK)
            .map(|b| b..(b + BLOCK).min(wave_end))
            .collect();
        let done = map_parallel(&blocks, |block| {
            block
                .clone()
                .map(|i| {
                    let mut pairs = Vec::new();
                    calendar.correlations_after(i, min_common, &mut pairs);
                    pairs
                })
                .collect::<Vec<_>>()
        });
        for (i, pairs) in (wave..wave_end).zip(done.into_iter().flatten()) {
            for (j, r) in pairs {
                all.add(r);
                for (labels, means) in partitions.iter().zip(&mut classes) {
                    let class = |k: usize| labels.get(k).copied().flatten();
                    if let (Some(a), Some(b)) = (class(i), class(j))
                        && a == b
                    {
                        means[a].add(r);
                    }
                }
            }
        }
    }
    PartitionedCorrelation {
        all: all.finish(),
        classes: classes
            .into_iter()
            .map(|c| c.into_iter().map(Mean::finish).collect())
            .collect(),
    }
}

/// Running sum of correlations, in pair order `(i, j)`, `i < j`.
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    n: usize,
}

impl Mean {
    fn add(&mut self, r: f64) {
        self.sum += r;
        self.n += 1;
    }

    fn finish(self) -> CrossCorrelation {
        if self.n == 0 {
            CrossCorrelation::ZERO
        } else {
            CrossCorrelation {
                rbar: self.sum / self.n as f64,
                n_pairs: self.n,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
}
