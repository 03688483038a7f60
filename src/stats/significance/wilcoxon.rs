//! Wilcoxon (1945) signed-rank test (METHODS-SPEC §5.9) `[W45] [estudy2] [ESTUDY-STATA]`:
//!
//! ```text
//! x_i = AR_it (day) or CAR_i (window); drop x_i = 0; rank |x_i| (ties averaged)
//! W+  = sum of the ranks of the positive x_i
//! exact (no ties and n <= 50): P(W+ <= w) from the signed-rank distribution (DP over 2^n signs)
//! else: Z = (W+ - n(n+1)/4) / sqrt( n(n+1)(2n+1)/24 - sum_g (t_g^3 - t_g)/48 )   ~ N(0,1)
//! ```
//!
//! The exact two-sided p is `min(1, 2 min(P(W+ <= w), P(W+ >= w)))`. No continuity
//! correction. The statistic is `W+` when exact (note `z=`) and `Z` otherwise (note
//! `w_plus=`); `n` counts the events with a value, zeros included (noted `zeros_dropped=`).

use super::common::{
    Measure, Reference, Span, average_ranks, finish, missing, per_event, values_of,
};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::TestStat;

/// Largest sample with an exact p-value (2^50 sign patterns are still exact in `f64`).
const MAX_EXACT: usize = 50;

/// `wilcoxon` on a day's ARs or a window's CARs.
pub(super) fn wilcoxon(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::Wilcoxon;
    let all = values_of(&per_event(sample, span, Measure::Raw));
    let n_used = all.len();
    let x: Vec<f64> = all.into_iter().filter(|&v| v != 0.0).collect();
    let n = x.len();
    if n == 0 {
        return missing(kind, n_used, Reference::Normal, "n<1");
    }
    let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
    let ranks = average_ranks(&abs);
    let w_plus: f64 = x
        .iter()
        .zip(&ranks)
        .filter(|(v, _)| **v > 0.0)
        .map(|(_, r)| r)
        .sum();
    let tie_term = tie_correction(&ranks);
    let nf = n as f64;
    let var = nf * (nf + 1.0) * (2.0 * nf + 1.0) / 24.0 - tie_term / 48.0;
    let z = (w_plus - nf * (nf + 1.0) / 4.0) / var.sqrt();
    let zeros = if n_used > n {
        format!("; zeros_dropped={}", n_used - n)
    } else {
        String::new()
    };
    if tie_term == 0.0 && n <= MAX_EXACT {
        let p = exact_p(n, w_plus.round() as usize, alternative);
        let mut stat = finish(
            kind,
            n_used,
            Reference::Exact,
            w_plus,
            alternative,
            format!("z={z:.6}{zeros}"),
        );
        stat.p_value = Some(p);
        return stat;
    }
    if !(var.is_finite() && var > 0.0) {
        return missing(kind, n_used, Reference::Normal, "zero_variance");
    }
    finish(
        kind,
        n_used,
        Reference::Normal,
        z,
        alternative,
        format!("w_plus={w_plus}{zeros}"),
    )
}

/// `sum_g (t_g^3 - t_g)` over groups of tied ranks (0 without ties).
fn tie_correction(ranks: &[f64]) -> f64 {
    let mut sorted = ranks.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut total = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        let end = start
            + sorted[start..]
                .iter()
                .take_while(|&&r| r == sorted[start])
                .count();
        let t = (end - start) as f64;
        total += t * t * t - t;
        start = end;
    }
    total
}

/// Exact p-value of `W+ = w` among `n` untied nonzero values.
fn exact_p(n: usize, w: usize, alternative: Alternative) -> f64 {
    let max = n * (n + 1) / 2;
    // counts[s] = number of sign patterns with W+ = s
    let mut counts = vec![0.0f64; max + 1];
    counts[0] = 1.0;
    for k in 1..=n {
        for s in (k..=max).rev() {
            counts[s] += counts[s - k];
        }
    }
    let total = 2f64.powi(n as i32);
    let w = w.min(max);
    let le = counts[..=w].iter().sum::<f64>() / total;
    let ge = counts[w..].iter().sum::<f64>() / total;
    match alternative {
        Alternative::TwoSided => (2.0 * le.min(ge)).min(1.0),
        Alternative::Less => le,
        Alternative::Greater => ge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    fn on_cars(cars: &[f64], alternative: Alternative) -> TestStat {
        let events: Vec<_> = cars
            .iter()
            .map(|_| event("e", &[0.0; 3], &[0.0], 0))
            .collect();
        let values: Vec<_> = cars.iter().map(|&c| window(c, c, 1)).collect();
        wilcoxon(
            &Sample::new(&events),
            Span::Window {
                values: &values,
                from: 0,
                to: 0,
            },
            alternative,
        )
    }

    #[test]
    fn wilcoxon_on_example_h_has_w_plus_1_and_exact_p_0_125() {
        let s = on_cars(&[-0.12, -0.03, -0.05, 0.01, -0.08], Alternative::TwoSided);
        assert_eq!(
            (s.statistic, s.distribution.as_str(), s.n),
            (Some(1.0), "exact", 5)
        );
        assert_relative_eq!(s.p_value.unwrap(), 0.125, max_relative = 1e-12);
        let less = on_cars(&[-0.12, -0.03, -0.05, 0.01, -0.08], Alternative::Less);
        assert_relative_eq!(less.p_value.unwrap(), 0.0625, max_relative = 1e-12);
    }

    #[test]
    fn ties_switch_to_the_tie_corrected_normal_approximation() {
        // |x| = 1,1,2,3 → ranks 1.5,1.5,3,4; W+ = 1.5 + 3 = 4.5; var = 4*5*9/24 - 6/48 = 7.375
        let s = on_cars(&[1.0, -1.0, 2.0, -3.0], Alternative::TwoSided);
        assert_eq!(s.distribution, "normal");
        assert_relative_eq!(
            s.statistic.unwrap(),
            (4.5 - 5.0) / 7.375f64.sqrt(),
            max_relative = 1e-12
        );
        assert_eq!(s.note, "w_plus=4.5");
    }

    #[test]
    fn zeros_are_dropped_but_counted_in_n() {
        let s = on_cars(
            &[0.0, -0.12, -0.03, -0.05, 0.01, -0.08],
            Alternative::TwoSided,
        );
        assert_eq!((s.statistic, s.n), (Some(1.0), 6));
        assert!(s.note.ends_with("zeros_dropped=1"));
    }

    #[test]
    fn exact_distribution_of_fifty_sums_to_one() {
        assert_relative_eq!(
            exact_p(50, 0, Alternative::Greater),
            1.0,
            max_relative = 1e-15
        );
        assert_relative_eq!(
            exact_p(50, 1275, Alternative::Less),
            1.0,
            max_relative = 1e-15
        );
    }
}
