//! Brown–Warner time-series t with crude dependence adjustment and CLM's `J1` (METHODS-SPEC
//! §5.2) `[BW80] [BW85] [CLM97] [estudy2]`:
//!
//! ```text
//! AAR_t  = mean of the present ARs of estimation rel day t (all events, estimation rows)
//! S_AAR  = sqrt( sum_t (AAR_t - mean AAR)^2 / (L1 - 1) ),  L1 = estimation days with an AAR
//! day:     t = AAR_t / S_AAR                         t(L1 - 1)
//! window:  t = CAAR / (sqrt(L2) * S_AAR),  L2 = to - from + 1
//! J1     = CAAR / ( sqrt(sum_i S2_CAR_i) / N ),  S2_CAR_i = (CAR_i / SCAR_i)^2   ~ N(0,1)
//! ```
//!
//! `bw_t` measures the variance of the average directly (robust to cross-correlation, not to
//! event-induced variance). `J1` assumes independence; on a day `S2_AR_i = (AR_i/SAR_i)^2`.

use super::common::{
    ByDay, Measure, Reference, Span, day_ar, day_sar, estimation_rows, finite, mean, missing,
    per_event, ratio, sd, values_of,
};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::{EventSeries, TestStat};

/// The sample's estimation-window AAR series, reduced to what `bw_t` needs; computed once
/// per sample.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct EstimationAars {
    /// `L1`: estimation rel days with an AAR.
    l1: usize,
    /// `S_AAR`; `None` when `L1 < 2`.
    s_aar: Option<f64>,
}

impl EstimationAars {
    fn new(events: &[&EventSeries]) -> Self {
        let aars = estimation_aars(events);
        EstimationAars {
            l1: aars.len(),
            s_aar: sd(&aars),
        }
    }
}

/// `bw_t` on a day's AAR or a window's CAAR.
pub(super) fn bw_t(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::BwT;
    let x = values_of(&per_event(sample, span, Measure::Raw));
    let n = x.len();
    let est = *sample
        .brown_warner
        .get_or_init(|| EstimationAars::new(sample.events()));
    let reference = Reference::StudentT(est.l1.saturating_sub(1) as f64);
    let Some(s_aar) = est.s_aar else {
        return missing(kind, n, reference, "estimation_days<2");
    };
    let Some(avg) = mean(&x) else {
        return missing(kind, n, reference, "n<1");
    };
    let scale = match span {
        Span::Day(_) => 1.0,
        Span::Window { from, to, .. } => f64::from((to - from + 1).max(1)).sqrt(),
    };
    ratio(kind, n, reference, avg, scale * s_aar, alternative)
}

/// `AAR_t` of every estimation relative day with at least one present AR, by rel day.
fn estimation_aars(events: &[&EventSeries]) -> Vec<f64> {
    let est_days = events
        .iter()
        .flat_map(|ev| estimation_rows(ev).map(|r| ev.rel_day[r]));
    let mut by_day: ByDay<(f64, usize)> = ByDay::covering(est_days);
    for ev in events {
        for r in estimation_rows(ev) {
            if let Some(v) = ev.ar_at(r) {
                let slot = by_day.slot_mut(ev.rel_day[r]);
                slot.0 += v;
                slot.1 += 1;
            }
        }
    }
    by_day
        .slots()
        .iter()
        .filter(|&&(_, c)| c > 0)
        .map(|&(s, c)| s / c as f64)
        .collect()
}

/// CLM `J1` on a day's AARs or a window's CARs.
pub(super) fn j1(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::J1;
    let events = sample.events();
    let pairs: Vec<(f64, f64)> = match span {
        Span::Day(day) => events
            .iter()
            .filter_map(|ev| Some((day_ar(ev, day)?, day_sar(ev, day)?)))
            .collect(),
        Span::Window { values, .. } => values
            .iter()
            .take(events.len())
            .filter_map(|w| Some((finite(w.car)?, finite(w.scar)?)))
            .collect(),
    };
    // The variance is recovered as (x / standardized x)^2; a zero SAR/SCAR hides it.
    let usable: Vec<(f64, f64)> = pairs
        .iter()
        .map(|&(x, z)| (x, (x / z).powi(2)))
        .filter(|(_, s2)| s2.is_finite())
        .collect();
    let dropped = pairs.len() - usable.len();
    let n = usable.len();
    if n == 0 {
        return missing(kind, n, Reference::Normal, "n<1");
    }
    let caar = usable.iter().map(|(x, _)| x).sum::<f64>() / n as f64;
    let s2: f64 = usable.iter().map(|(_, s2)| s2).sum();
    let mut stat = ratio(
        kind,
        n,
        Reference::Normal,
        caar,
        s2.sqrt() / n as f64,
        alternative,
    );
    if dropped > 0 && stat.statistic.is_some() {
        stat.note = format!("variance_unknown={dropped}");
    }
    stat
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    /// Example I: three events whose estimation ARs are the spec's AARs shifted by `d_i`
    /// (the shifts sum to zero, so the cross-event means are exactly the AARs).
    fn example_i() -> Vec<EventSeries> {
        let aar = [0.002, -0.004, 0.001, 0.003, -0.002, 0.000];
        let d = [0.01, -0.02, 0.01];
        (0..3)
            .map(|i| {
                let est: Vec<f64> = aar.iter().map(|a| a + d[i]).collect();
                event(&i.to_string(), &est, &[-0.031 + d[i], 0.0], 0)
            })
            .collect()
    }

    #[test]
    fn bw_t_on_example_i_day_zero_is_minus_11_888() {
        let s = bw_t(
            &Sample::new(&example_i()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(s.statistic.unwrap(), -11.887_957, max_relative = 1e-7);
        assert_eq!((s.df, s.n), (Some(5.0), 3));
    }

    #[test]
    fn bw_t_on_example_i_window_divides_by_sqrt_l2() {
        let events = example_i();
        let cars = [-0.045 + 0.01, -0.045 - 0.02, -0.045 + 0.01];
        let values: Vec<_> = cars.iter().map(|&c| window(c, c, 2)).collect();
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 1,
        };
        let s = bw_t(&Sample::new(&events), span, Alternative::TwoSided);
        assert_relative_eq!(s.statistic.unwrap(), -12.202_338, max_relative = 1e-7);
    }

    #[test]
    fn j1_divides_caar_by_root_mean_variance() {
        // CARs 0.1, 0.3 with S_CAR 0.1, 0.2: sqrt(0.01 + 0.04)/2 = 0.1118034; CAAR 0.2.
        let events = [
            event("a", &[0.0; 3], &[0.0], 0),
            event("b", &[0.0; 3], &[0.0], 0),
        ];
        let values = [window(0.1, 1.0, 1), window(0.3, 1.5, 1)];
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = j1(&Sample::new(&events), span, Alternative::TwoSided);
        assert_relative_eq!(
            s.statistic.unwrap(),
            0.2 / (0.05f64.sqrt() / 2.0),
            max_relative = 1e-12
        );
        assert_eq!((s.distribution.as_str(), s.df), ("normal", None));
    }
}
