//! Boehmer–Musumeci–Poulsen (1991) standardized cross-sectional t and its Kolari–Pynnönen
//! (2010) clustering adjustment (METHODS-SPEC §5.4, §5.5) `[BMP91] [KP10] [ES-R] [estudy2]`:
//!
//! ```text
//! day:     t_BMP = sqrt(N_t) * mean(SAR_it) / sd(SAR_it)          t(N_t - 1)
//! window:  t_BMP = sqrt(N_W) * mean(SCAR_i) / sd(SCAR_i)          t(N_W - 1)
//! KP:      t_KP  = t_BMP * sqrt( (1 - rbar) / (1 + (N - 1) rbar) )  t(N - 1)
//! ```
//!
//! SARs/SCARs carry the forecast-error correction (§4). `rbar` is that of the test's own
//! events (`correlation.rs`) and is reported with the statistic; `t_KP` is missing
//! (`degenerate_correlation`) when `1 + (N - 1) rbar <= 0`.

use super::common::{
    Measure, Reference, Span, finish, missing, one_sample_t, per_event, values_of, with_rho,
};
use super::correlation::CrossCorrelation;
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::TestStat;

/// `bmp_t` on a day's SARs or a window's SCARs.
pub(super) fn bmp_t(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let x = values_of(&per_event(sample, span, Measure::Standardized));
    one_sample_t(TestKind::BmpT, &x, alternative)
}

/// `kp_bmp_t`: the BMP t scaled by the Kolari–Pynnönen factor.
pub(super) fn kp_bmp_t(
    sample: &Sample<'_>,
    span: Span<'_>,
    rho: &CrossCorrelation,
    alternative: Alternative,
) -> TestStat {
    let kind = TestKind::KpBmpT;
    let bmp = bmp_t(sample, span, alternative);
    let n = bmp.n;
    let reference = Reference::StudentT(n.saturating_sub(1) as f64);
    let Some(t) = bmp.statistic else {
        return with_rho(missing(kind, n, reference, bmp.note), rho);
    };
    let denom = 1.0 + (n as f64 - 1.0) * rho.rbar;
    let factor = ((1.0 - rho.rbar) / denom).sqrt();
    if !(denom > 0.0 && factor.is_finite()) {
        return with_rho(missing(kind, n, reference, "degenerate_correlation"), rho);
    }
    with_rho(finish(kind, n, reference, t * factor, alternative, ""), rho)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, example_c, window};
    use approx::assert_relative_eq;

    #[test]
    fn bmp_t_on_example_c_is_minus_1_309() {
        let s = bmp_t(
            &Sample::new(&example_c()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -1.309_307_3, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.320_633_8, epsilon = 1e-7);
        assert_eq!(s.df, Some(2.0));
    }

    #[test]
    fn kp_bmp_t_on_example_c_with_rbar_0_2_is_minus_0_990() {
        let rho = CrossCorrelation {
            rbar: 0.2,
            n_pairs: 3,
            mean_overlap: Some(1.0),
            grouped: false,
        };
        let s = kp_bmp_t(
            &Sample::new(&example_c()),
            Span::Day(0),
            &rho,
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -0.989_743_3, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.426_617_8, epsilon = 1e-7);
        assert_eq!((s.df, s.note.as_str()), (Some(2.0), ""));
        assert_eq!(s.correlation, Some(rho));
    }

    #[test]
    fn kp_bmp_t_reports_degenerate_correlation() {
        let rho = CrossCorrelation {
            rbar: -0.5,
            n_pairs: 3,
            mean_overlap: None,
            grouped: false,
        };
        let s = kp_bmp_t(
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
    fn bmp_t_on_a_window_uses_scar_not_car() {
        let events = [
            event("a", &[0.0; 3], &[0.0], 0),
            event("b", &[0.0; 3], &[0.0], 0),
        ];
        let values = [window(9.0, 1.0, 1), window(-9.0, 3.0, 1)];
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        // mean 2, sd sqrt(2): t = sqrt(2) * 2 / sqrt(2) = 2
        let s = bmp_t(&Sample::new(&events), span, Alternative::TwoSided);
        assert_relative_eq!(s.statistic.unwrap(), 2.0, max_relative = 1e-12);
    }
}
