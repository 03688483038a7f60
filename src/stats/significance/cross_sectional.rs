//! Cross-sectional t test (METHODS-SPEC §5.1) `[BW85] [BMP91] [EST] [estudy2] [ES-R]`:
//!
//! ```text
//! t = sqrt(n) * mean(x) / sd(x),   x = AR_it (day) or CAR_i (window),   t(n - 1)
//! ```
//!
//! Uses the event-period dispersion, so it is robust to event-induced variance but not to
//! cross-correlation. Events missing the day's AR (or the window's CAR) are left out.

use super::common::{Measure, Span, one_sample_t, per_event, values_of};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::TestStat;

/// `csect_t` on the ARs of a day or the CARs of a window.
pub(super) fn csect_t(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let x = values_of(&per_event(sample, span, Measure::Raw));
    one_sample_t(TestKind::CsectT, &x, alternative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    const CARS: [f64; 5] = [-0.12, -0.03, -0.05, 0.01, -0.08];

    #[test]
    fn csect_t_on_example_h_cars_is_minus_2_449() {
        let events: Vec<_> = (0..5)
            .map(|i| event(&i.to_string(), &[0.0; 3], &[0.0], 0))
            .collect();
        let values: Vec<_> = CARS.iter().map(|&c| window(c, c, 1)).collect();
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = csect_t(&Sample::new(&events), span, Alternative::TwoSided);
        assert_relative_eq!(s.statistic.unwrap(), -2.449_489_7, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.070_484_0, epsilon = 1e-7);
        assert_eq!((s.n, s.df, s.distribution.as_str()), (5, Some(4.0), "t"));
    }

    #[test]
    fn csect_t_on_a_day_skips_events_missing_that_day() {
        let mut events: Vec<_> = CARS
            .iter()
            .map(|&c| event("e", &[0.0; 3], &[c], 0))
            .collect();
        events.push(event("gap", &[0.0; 3], &[9.0], 0));
        events[5].ar[3] = f64::NAN;
        let s = csect_t(&Sample::new(&events), Span::Day(0), Alternative::TwoSided);
        assert_eq!(s.n, 5);
        assert_relative_eq!(s.statistic.unwrap(), -2.449_489_7, max_relative = 1e-7);
    }

    #[test]
    fn csect_t_with_one_event_or_no_dispersion_is_missing() {
        let one = [event("a", &[0.0; 3], &[0.1], 0)];
        let s = csect_t(&Sample::new(&one), Span::Day(0), Alternative::TwoSided);
        assert_eq!((s.statistic, s.note.as_str()), (None, "n<2"));
        let two = [
            event("a", &[0.0; 3], &[0.1], 0),
            event("b", &[0.0; 3], &[0.1], 0),
        ];
        let s = csect_t(&Sample::new(&two), Span::Day(0), Alternative::TwoSided);
        assert_eq!((s.statistic, s.note.as_str()), (None, "zero_variance"));
    }
}
