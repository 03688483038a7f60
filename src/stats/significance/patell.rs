//! Patell (1976) standardized-residual Z and its Kolari–Pynnönen (2010) clustering
//! adjustment (METHODS-SPEC §5.3) `[P76] [EST] [ES-R] [KP10] [ESTUDY-STATA]`:
//!
//! ```text
//! Q_i    = df_resid_i / (df_resid_i - 2)           ( = (M_i - p)/(M_i - p - 2) )
//! day:     Z_t = sum_{i in A_t} SAR_it / sqrt( sum_{i in A_t} Q_i )              ~ N(0,1)
//! window:  Z_W = (1/sqrt(N_W)) sum_i CSAR_i / sqrt(L2_i * Q_i)                   ~ N(0,1)
//! KP:      Z_adj = Z * sqrt( 1 / (1 + (N - 1) rbar) )                            ~ N(0,1)
//! ```
//!
//! `A_t` is the set of events with a SAR on day `t`; numerator and `sum Q_i` run over the
//! same set (unlike `[estudy2]`/`[ES-R]`). `L2_i` is the number of present window days.
//! `rbar` is that of the test's own events and is reported with the statistic.

use super::common::{Measure, Reference, Span, finish, finite, missing, per_event, with_rho};
use super::correlation::CrossCorrelation;
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::{EventSeries, TestStat};

/// `(Z, N)` of the Patell test, or `(N, reason)` when it cannot be computed.
fn patell(sample: &Sample<'_>, span: Span<'_>) -> Result<(f64, usize), (usize, String)> {
    let events = sample.events();
    // (standardized value, number of days it cumulates, event) of every event used.
    let used: Vec<(f64, usize, &EventSeries)> = match span {
        Span::Day(_) => per_event(sample, span, Measure::Standardized)
            .iter()
            .map(|&(i, sar)| (sar, 1, events[i]))
            .collect(),
        Span::Window { values, .. } => values
            .iter()
            .zip(events.iter().copied())
            .filter(|(w, _)| w.n_days > 0)
            .filter_map(|(w, ev)| Some((finite(w.csar)?, w.n_days, ev)))
            .collect(),
    };
    let n = used.len();
    if n == 0 {
        return Err((0, "n<1".to_owned()));
    }
    if let Some((_, _, ev)) = used.iter().find(|(_, _, ev)| ev.df_resid <= 2) {
        return Err((n, format!("df_resid<=2 (event {})", ev.event_id)));
    }
    let q = |ev: &EventSeries| ev.df_resid as f64 / (ev.df_resid as f64 - 2.0);
    let z = match span {
        Span::Day(_) => {
            let sum_sar: f64 = used.iter().map(|(v, _, _)| v).sum();
            let sum_q: f64 = used.iter().map(|(_, _, ev)| q(ev)).sum();
            sum_sar / sum_q.sqrt()
        }
        Span::Window { .. } => {
            let sum: f64 = used
                .iter()
                .map(|&(v, days, ev)| v / (days as f64 * q(ev)).sqrt())
                .sum();
            sum / (n as f64).sqrt()
        }
    };
    Ok((z, n))
}

/// `patell_z` on a day (SAR) or window (CSAR).
pub(super) fn patell_z(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    match patell(sample, span) {
        Ok((z, n)) => finish(TestKind::PatellZ, n, Reference::Normal, z, alternative, ""),
        Err((n, note)) => missing(TestKind::PatellZ, n, Reference::Normal, note),
    }
}

/// `patell_z_kp`: Patell Z times `sqrt(1 / (1 + (N-1) rbar))`.
pub(super) fn patell_z_kp(
    sample: &Sample<'_>,
    span: Span<'_>,
    rho: &CrossCorrelation,
    alternative: Alternative,
) -> TestStat {
    let kind = TestKind::PatellZKp;
    let stat = match patell(sample, span) {
        Ok((z, n)) => {
            let denom = 1.0 + (n as f64 - 1.0) * rho.rbar;
            if denom.is_finite() && denom > 0.0 {
                let z = z / denom.sqrt();
                finish(kind, n, Reference::Normal, z, alternative, "")
            } else {
                missing(kind, n, Reference::Normal, "degenerate_correlation")
            }
        }
        Err((n, note)) => missing(kind, n, Reference::Normal, note),
    };
    with_rho(stat, rho)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, example_c, window};
    use approx::assert_relative_eq;

    #[test]
    fn patell_z_on_example_c_is_minus_1_714() {
        let s = patell_z(
            &Sample::new(&example_c()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -1.713_676_5, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.086_588_1, epsilon = 1e-7);
        assert_eq!((s.n, s.distribution.as_str()), (3, "normal"));
    }

    #[test]
    fn kp_patell_on_example_c_with_rbar_0_2_divides_by_sqrt_1_4() {
        let rho = CrossCorrelation {
            rbar: 0.2,
            n_pairs: 3,
            mean_overlap: Some(1.0),
            grouped: false,
        };
        let s = patell_z_kp(
            &Sample::new(&example_c()),
            Span::Day(0),
            &rho,
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -1.448_321_0, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.147_527_3, epsilon = 1e-7);
        assert_eq!((s.note.as_str(), s.correlation), ("", Some(rho)));
    }

    #[test]
    fn kp_patell_is_missing_when_correlation_is_degenerate() {
        let rho = CrossCorrelation {
            rbar: -0.6,
            n_pairs: 3,
            mean_overlap: None,
            grouped: false,
        };
        let s = patell_z_kp(
            &Sample::new(&example_c()),
            Span::Day(0),
            &rho,
            Alternative::TwoSided,
        );
        assert_eq!(
            (s.statistic, s.note.as_str()),
            (None, "degenerate_correlation")
        );
    }

    #[test]
    fn patell_window_scales_each_csar_by_its_own_days_and_q() {
        // CSAR 2 over 4 days, Q = 98/96; CSAR -1 over 1 day, Q = 58/56.
        let events = [
            event("a", &[0.0; 100], &[0.0; 4], 0),
            event("b", &[0.0; 60], &[0.0], 0),
        ];
        let values = [window(0.0, 2.0, 4), window(0.0, -1.0, 1)];
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 3,
        };
        let s = patell_z(&Sample::new(&events), span, Alternative::TwoSided);
        let want =
            (2.0 / (4.0 * 98.0 / 96.0f64).sqrt() - 1.0 / (58.0 / 56.0f64).sqrt()) / 2f64.sqrt();
        assert_relative_eq!(s.statistic.unwrap(), want, max_relative = 1e-12);
    }

    #[test]
    fn patell_needs_more_than_two_residual_degrees_of_freedom() {
        let events = [event("short", &[0.0; 4], &[1.0], 0)];
        let s = patell_z(&Sample::new(&events), Span::Day(0), Alternative::TwoSided);
        assert_eq!(s.note, "df_resid<=2 (event short)");
    }
}
