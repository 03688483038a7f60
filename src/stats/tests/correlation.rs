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

use serde::{Deserialize, Serialize};

use super::common::{estimation_rows, finite};
use crate::stats::cross_section::EventSeries;

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

/// Average pairwise correlation of the events' estimation ARs in calendar time (§5.5).
///
/// A pair enters when the two events share at least `min_common` calendar dates with both
/// estimation ARs present and neither series is constant on those dates. Cost is
/// `O(N^2 L1)`.
pub fn cross_correlation(events: &[EventSeries], min_common: usize) -> CrossCorrelation {
    let series: Vec<Vec<(i64, f64)>> = events.iter().map(estimation_series).collect();
    let mut sum = 0.0;
    let mut n_pairs = 0usize;
    let span = |s: &[(i64, f64)]| s.first().zip(s.last()).map(|(a, b)| (a.0, b.0));
    let spans: Vec<Option<(i64, i64)>> = series.iter().map(|s| span(s)).collect();
    for (i, a) in series.iter().enumerate() {
        for (j, b) in series.iter().enumerate().skip(i + 1) {
            // Series are in calendar order: a pair whose date ranges share fewer than
            // `min_common` days cannot qualify, so skip it without merging.
            let (Some((a0, a1)), Some((b0, b1))) = (spans[i], spans[j]) else {
                continue;
            };
            if a1.min(b1) - a0.max(b0) + 1 < min_common as i64 {
                continue;
            }
            if let Some(r) = pair_correlation(a, b, min_common) {
                sum += r;
                n_pairs += 1;
            }
        }
    }
    if n_pairs == 0 {
        CrossCorrelation::ZERO
    } else {
        CrossCorrelation {
            rbar: sum / n_pairs as f64,
            n_pairs,
        }
    }
}

/// `(cal_idx, AR)` of the present estimation rows, sorted by calendar position.
fn estimation_series(event: &EventSeries) -> Vec<(i64, f64)> {
    let mut out: Vec<(i64, f64)> = estimation_rows(event)
        .filter_map(|r| {
            let cal = *event.cal_idx.get(r)?;
            finite(event.ar.get(r).copied().flatten()).map(|v| (cal, v))
        })
        .collect();
    out.sort_by_key(|&(cal, _)| cal);
    out
}

/// Pearson correlation over the common calendar positions of two sorted series.
fn pair_correlation(first: &[(i64, f64)], second: &[(i64, f64)], min_common: usize) -> Option<f64> {
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let (mut at_first, mut at_second) = (0, 0);
    while let (Some(&(cal_x, x)), Some(&(cal_y, y))) = (first.get(at_first), second.get(at_second))
    {
        match cal_x.cmp(&cal_y) {
            std::cmp::Ordering::Less => at_first += 1,
            std::cmp::Ordering::Greater => at_second += 1,
            std::cmp::Ordering::Equal => {
                xs.push(x);
                ys.push(y);
                at_first += 1;
                at_second += 1;
            }
        }
    }
    if xs.len() < min_common.max(2) {
        return None;
    }
    let count = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / count;
    let my = ys.iter().sum::<f64>() / count;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(&ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx).powi(2);
        syy += (y - my).powi(2);
    }
    let r = sxy / (sxx * syy).sqrt();
    (sxx > 0.0 && syy > 0.0 && r.is_finite()).then_some(r.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tests::fixtures::event;
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
        let rho = cross_correlation(&evs, 30);
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
        let rho = cross_correlation(&[a, b], 30);
        assert_eq!(rho.n_pairs, 1);
        assert_relative_eq!(rho.rbar, 1.0, max_relative = 1e-12);
    }

    #[test]
    fn pairs_with_too_few_common_dates_are_dropped_and_rbar_is_zero() {
        let ar: Vec<f64> = (0..40).map(|k| f64::from(k % 5)).collect();
        let a = event("a", &ar, &[], 0);
        let b = event("b", &ar, &[], 20); // 20 common dates < 30
        let rho = cross_correlation(&[a, b], 30);
        assert_eq!(rho, CrossCorrelation::ZERO);
    }
}
