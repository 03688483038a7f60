//! Skewness-adjusted t: Johnson (1978) with Hall's (1992) cubic term, as in Lyon–Barber–Tsai
//! (1999) and Stata `hallt` (METHODS-SPEC §5.10) `[J78] [H92] [LBT99] [HALLT]`:
//!
//! ```text
//! x = AR_it (day) or CAR_i (window);  S = mean(x) / sd(x)
//! gamma = sum (x_i - xbar)^3 / (n sd(x)^3)                                  (the /n estimator)
//! t_H = sqrt(n) * ( S + gamma S^2 / 3 + gamma^2 S^3 / 27 + gamma / (6n) )    t(n - 1)
//! ```
//!
//! The value with the other estimator, `gamma_u = n/((n-1)(n-2)) sum (x_i - xbar)^3 / sd^3`,
//! goes in the note as `t_unbiased=` (sources disagree on which one `[EST]` uses).

use super::common::{Measure, Reference, Span, finish, mean, missing, per_event, sd, values_of};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::TestStat;

/// Hall's transformed t for given `n`, `S` and `gamma`.
fn hall_t(n: f64, s: f64, gamma: f64) -> f64 {
    n.sqrt() * (s + gamma * s * s / 3.0 + gamma * gamma * s.powi(3) / 27.0 + gamma / (6.0 * n))
}

/// `skew_t` on a day's ARs or a window's CARs.
pub(super) fn skew_t(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::SkewT;
    let x = values_of(&per_event(sample, span, Measure::Raw));
    let n = x.len();
    let reference = Reference::StudentT(n.saturating_sub(1) as f64);
    let (Some(m), Some(sdev)) = (mean(&x), sd(&x)) else {
        return missing(kind, n, reference, "n<2");
    };
    if !(sdev > 0.0 && sdev.is_finite()) {
        return missing(kind, n, reference, "zero_variance");
    }
    let nf = n as f64;
    let s = m / sdev;
    // Two values are always symmetric about their mean: the skewness is exactly 0 (the
    // rounding of the cubed deviations would otherwise be amplified by `s^2` when the two
    // values nearly coincide).
    let cubes: f64 = if n == 2 {
        0.0
    } else {
        x.iter().map(|v| ((v - m) / sdev).powi(3)).sum()
    };
    let t_h = hall_t(nf, s, cubes / nf);
    let note = if n >= 3 {
        let gamma_u = nf / ((nf - 1.0) * (nf - 2.0)) * cubes;
        format!("t_unbiased={:.6}", hall_t(nf, s, gamma_u))
    } else {
        String::new()
    };
    finish(kind, n, reference, t_h, alternative, note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    #[test]
    fn skew_t_on_example_h_is_minus_2_497_and_minus_2_548_unbiased() {
        let cars = [-0.12, -0.03, -0.05, 0.01, -0.08];
        let events: Vec<_> = cars
            .iter()
            .map(|_| event("e", &[0.0; 3], &[0.0], 0))
            .collect();
        let values: Vec<_> = cars.iter().map(|&c| window(c, c, 1)).collect();
        let s = skew_t(
            &Sample::new(&events),
            Span::Window {
                values: &values,
                from: 0,
                to: 0,
            },
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -2.496_726_9, max_relative = 1e-7);
        assert_eq!((s.df, s.note.as_str()), (Some(4.0), "t_unbiased=-2.548478"));
    }

    #[test]
    fn hall_t_without_skewness_is_the_plain_t() {
        assert_relative_eq!(hall_t(5.0, -1.095_445_1, 0.0), 5f64.sqrt() * -1.095_445_1);
    }

    #[test]
    fn skew_t_with_one_event_is_missing() {
        let events = [event("a", &[0.0; 3], &[0.3], 0)];
        let s = skew_t(&Sample::new(&events), Span::Day(0), Alternative::TwoSided);
        assert_eq!((s.statistic, s.note.as_str()), (None, "n<2"));
    }
}
