//! Simple sign test and Cowan (1992) generalized sign test (METHODS-SPEC §5.7)
//! `[Cow92] [EST] [ES-R]`:
//!
//! ```text
//! w      = #{ i : x_i > 0 },  x = AR_it (day) or CAR_i (window); zero is not positive
//! simple:       Z = (w - n/2) / sqrt(n/4)                                  ~ N(0,1)
//! generalized:  phat = (1/n) sum_i (1/M_i) sum_{t in E_i} 1[AR_it > 0]
//!               Z = (w - n phat) / sqrt(n phat (1 - phat))                 ~ N(0,1)
//! ```
//!
//! No continuity correction. `phat` is Cowan's per-event average (not the pooled fraction of
//! `[estudy2]`), over **all** events of the sample (Cowan's `N`), so one `phat` serves every
//! day and window; `M_i` counts the event's present estimation ARs, and an event with none
//! is left out of `phat`.

use super::common::{Measure, Reference, Span, estimation_rows, missing, per_event, ratio};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::{EventSeries, TestStat};

/// `sign` on a day's ARs or a window's CARs.
pub(super) fn sign(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let x = per_event(sample, span, Measure::Raw);
    let n = x.len();
    if n == 0 {
        return missing(TestKind::Sign, 0, Reference::Normal, "n<1");
    }
    let w = x.iter().filter(|&&(_, v)| v > 0.0).count() as f64;
    let nf = n as f64;
    ratio(
        TestKind::Sign,
        n,
        Reference::Normal,
        w - 0.5 * nf,
        (0.25 * nf).sqrt(),
        alternative,
    )
}

/// Fraction of positive ARs among the event's present estimation ARs.
fn positive_fraction(event: &EventSeries) -> Option<f64> {
    let est: Vec<f64> = estimation_rows(event)
        .filter_map(|r| event.ar_at(r))
        .collect();
    if est.is_empty() {
        return None;
    }
    Some(est.iter().filter(|&&v| v > 0.0).count() as f64 / est.len() as f64)
}

/// Cowan's `phat` over the sample's events (`None` when no event has an estimation AR);
/// computed once per sample.
fn phat(sample: &Sample<'_>) -> Option<f64> {
    *sample.phat.get_or_init(|| {
        let fractions: Vec<f64> = sample
            .events()
            .iter()
            .filter_map(|ev| positive_fraction(ev))
            .collect();
        (!fractions.is_empty()).then(|| fractions.iter().sum::<f64>() / fractions.len() as f64)
    })
}

/// `gen_sign` on a day's ARs or a window's CARs.
pub(super) fn gen_sign(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::GenSign;
    let x = per_event(sample, span, Measure::Raw);
    let n = x.len();
    if n == 0 {
        return missing(kind, 0, Reference::Normal, "n<1");
    }
    let Some(phat) = phat(sample) else {
        return missing(kind, n, Reference::Normal, "no_estimation_returns");
    };
    let w = x.iter().filter(|&&(_, v)| v > 0.0).count() as f64;
    let nf = n as f64;
    ratio(
        kind,
        n,
        Reference::Normal,
        w - nf * phat,
        (nf * phat * (1.0 - phat)).sqrt(),
        alternative,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    /// Ten events, three with a positive day-0 AR; 13 of each event's 25 estimation ARs are
    /// positive, so `phat = 0.52` (the §5.7 worked example).
    fn ten_events() -> Vec<EventSeries> {
        let est: Vec<f64> = (0..25).map(|k| if k < 13 { 0.01 } else { -0.01 }).collect();
        (0..10)
            .map(|i| event(&i.to_string(), &est, &[if i < 3 { 0.02 } else { -0.02 }], 0))
            .collect()
    }

    #[test]
    fn generalized_sign_on_three_of_ten_with_phat_0_52_is_minus_1_393() {
        let s = gen_sign(
            &Sample::new(&ten_events()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -1.392_517, max_relative = 1e-6);
        assert_eq!((s.n, s.distribution.as_str()), (10, "normal"));
    }

    #[test]
    fn simple_sign_on_three_of_ten_is_minus_1_265() {
        let s = sign(
            &Sample::new(&ten_events()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(
            s.statistic.unwrap(),
            -2.0 / 2.5f64.sqrt(),
            max_relative = 1e-12
        );
    }

    #[test]
    fn zero_counts_as_not_positive() {
        let events: Vec<_> = (0..4)
            .map(|i| event(&i.to_string(), &[0.01, -0.01], &[0.0], 0))
            .collect();
        let values = [
            window(0.0, 0.0, 1),
            window(0.1, 0.0, 1),
            window(0.0, 0.0, 1),
            window(-0.1, 0.0, 1),
        ];
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = sign(&Sample::new(&events), span, Alternative::TwoSided);
        assert_relative_eq!(s.statistic.unwrap(), -1.0, max_relative = 1e-12); // (1 - 2)/1
    }

    #[test]
    fn generalized_sign_with_all_estimation_ars_positive_has_zero_variance() {
        let events: Vec<_> = (0..3)
            .map(|i| event(&i.to_string(), &[0.01, 0.02], &[0.1], 0))
            .collect();
        let s = gen_sign(&Sample::new(&events), Span::Day(0), Alternative::TwoSided);
        assert_eq!((s.statistic, s.note.as_str()), (None, "zero_variance"));
    }
}
