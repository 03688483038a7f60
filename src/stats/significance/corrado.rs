//! Corrado (1989) rank test, its Cowan (1992) CAR version, and the Corrado–Zivney (1992)
//! standardized-rank test (METHODS-SPEC §5.6) `[C89] [CZ92] [Cow92] [estudy2]`:
//!
//! ```text
//! K_it = rank of AR_it among event i's T_i present ARs (estimation + event window, ties averaged)
//! D_t  = (1/N_t) sum_i (K_it - (T_i + 1)/2)
//! S_K  = sqrt( (1/T) sum_t D_t^2 )      over the T rel days with a D_t (root mean square)
//! day:     T_C = D_t / S_K                                   ~ N(0,1)
//! window:  T_W = sqrt(L2) * mean_{t in W} D_t / S_K          ~ N(0,1)   (Cowan)
//! CZ day:  q_t = (1/sqrt(N_t)) sum_i (K_it/(T_i + 1) - 1/2),  Z_t = q_t / sqrt((1/T) sum_t q_t^2)
//! ```
//!
//! All events enter the ranks and `S_K`; `L2` counts the window days with a `D_t`, and `n`
//! of a window is the number of events with an AR on some window day. Corrado–Zivney is a
//! day test only.

use super::common::{
    ByDay, Reference, Span, finish, flat_rows, missing, n_finite, ratio, twice_ranks_on_rows,
    window_rows,
};
use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::{EventSeries, TestStat};

/// Per relative day: sum of `K - Kbar`, sum of `U - 1/2`, number of events present.
#[derive(Debug, Clone, Copy, Default)]
struct DayRanks {
    sum_dev: f64,
    sum_u: f64,
    n: usize,
}

impl DayRanks {
    fn d(self) -> f64 {
        self.sum_dev / self.n as f64
    }

    fn q(self) -> f64 {
        self.sum_u / (self.n as f64).sqrt()
    }
}

/// The sample's per-day rank sums and their root mean squares, computed once per sample.
#[derive(Debug, Clone, Default)]
pub(super) struct RankDays {
    /// Per relative day; a day with no AR has `n == 0`.
    days: ByDay<DayRanks>,
    /// `S_K`.
    s_k: f64,
    /// Root mean square of `q_t` (Corrado–Zivney).
    s_u: f64,
}

/// Every event's ARs ranked once (estimation and event window together): the average rank
/// of each present AR, on the rows of the event's series (whose relative days it reads, so
/// they are not copied: 4 bytes a row, #13). Shared by a sample and its subsamples.
#[derive(Debug, Clone, Default)]
pub(super) struct EventRanks {
    /// Per event: its range in `rank2` (one item per row of its series).
    rows: Vec<std::ops::Range<usize>>,
    /// Per event: `T_i`, its number of present ARs.
    present: Vec<u32>,
    /// Per row: twice the AR's average rank (exact: ranks are halves of integers); 0 where
    /// the AR is missing (a present AR's is at least 2).
    rank2: Vec<u32>,
}

impl EventRanks {
    /// On the pool; the same ranks, in the same order, on any number of threads.
    pub(super) fn new(events: &[&EventSeries]) -> Self {
        use rayon::prelude::*;
        let lens: Vec<usize> = events.iter().map(|ev| ev.ar.len()).collect();
        let (rows, rank2, _) = flat_rows(&lens, |scratch, i, rank2: &mut [u32], _: &mut [()]| {
            twice_ranks_on_rows(&events[i].ar, scratch, rank2);
        });
        let present = events.par_iter().map(|ev| n_finite(&ev.ar)).collect();
        EventRanks {
            rows,
            present,
            rank2,
        }
    }
}

impl RankDays {
    /// The per-day sums of the sample's events, from their (shared) ranks.
    fn new(sample: &Sample<'_>) -> Self {
        let ranks = sample.ranks.corrado();
        let rel_days = sample
            .events()
            .iter()
            .flat_map(|ev| ev.rel_day.iter().copied());
        let mut days: ByDay<DayRanks> = ByDay::covering(rel_days);
        for (ev, &o) in sample.events().iter().zip(&sample.origin) {
            let t = f64::from(ranks.present[o]);
            let rank2 = &ranks.rank2[ranks.rows[o].clone()];
            for (d, &k2) in ev.rel_day.iter().zip(rank2).filter(|(_, k2)| **k2 > 0) {
                let k = f64::from(k2) / 2.0;
                let slot = days.slot_mut(*d);
                slot.sum_dev += k - f64::midpoint(t, 1.0);
                slot.sum_u += k / (t + 1.0) - 0.5;
                slot.n += 1;
            }
        }
        let s_k = rms(&days, DayRanks::d);
        let s_u = rms(&days, DayRanks::q);
        RankDays { days, s_k, s_u }
    }

    /// The sums of `day`, when some event has an AR on it.
    fn day(&self, day: i32) -> Option<DayRanks> {
        self.days.get(day).copied().filter(|d| d.n > 0)
    }
}

/// Root mean square of `f(day)` over the days with an AR.
fn rms(days: &ByDay<DayRanks>, f: impl Fn(DayRanks) -> f64) -> f64 {
    let present = days.slots().iter().filter(|d| d.n > 0);
    let sum: f64 = present.clone().map(|&d| f(d).powi(2)).sum();
    (sum / present.count() as f64).sqrt()
}

fn rank_days<'s>(sample: &'s Sample<'_>) -> &'s RankDays {
    sample.corrado.get_or_init(|| RankDays::new(sample))
}

/// `corrado` on a day (Corrado 1989) or a window (Cowan 1992).
pub(super) fn corrado(sample: &Sample<'_>, span: Span<'_>, alternative: Alternative) -> TestStat {
    let kind = TestKind::Corrado;
    let ranks = rank_days(sample);
    match span {
        Span::Day(day) => match ranks.day(day) {
            Some(d) => ratio(kind, d.n, Reference::Normal, d.d(), ranks.s_k, alternative),
            None => missing(kind, 0, Reference::Normal, "n<1"),
        },
        Span::Window { from, to, .. } => {
            let n = sample
                .events()
                .iter()
                .filter(|ev| window_rows(ev, from, to).any(|r| ev.ar_at(r).is_some()))
                .count();
            let in_window: Vec<f64> = ranks
                .days
                .range(from, to)
                .iter()
                .filter(|d| d.n > 0)
                .map(|&d| d.d())
                .collect();
            if in_window.is_empty() {
                return missing(kind, n, Reference::Normal, "n<1");
            }
            let l2 = in_window.len() as f64;
            let dbar = in_window.iter().sum::<f64>() / l2;
            ratio(
                kind,
                n,
                Reference::Normal,
                l2.sqrt() * dbar,
                ranks.s_k,
                alternative,
            )
        }
    }
}

/// `corrado_zivney` on a day; missing ("day test only") on a window.
pub(super) fn corrado_zivney(
    sample: &Sample<'_>,
    span: Span<'_>,
    alternative: Alternative,
) -> TestStat {
    let kind = TestKind::CorradoZivney;
    let Span::Day(day) = span else {
        return missing(kind, 0, Reference::Normal, "day test only");
    };
    let ranks = rank_days(sample);
    match ranks.day(day) {
        Some(d) => {
            let s_u = ranks.s_u;
            if s_u > 0.0 && s_u.is_finite() {
                finish(kind, d.n, Reference::Normal, d.q() / s_u, alternative, "")
            } else {
                missing(kind, d.n, Reference::Normal, "zero_variance")
            }
        }
        None => missing(kind, 0, Reference::Normal, "n<1"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::event;
    use approx::assert_relative_eq;

    /// a: ranks 1..5 (deviations -2..2); b: ranks [2,1,4,3,5].
    /// `D = [-1.5, -1.5, 0.5, 0.5, 2]`, `S_K = sqrt(9/5)`.
    fn two_events() -> Vec<EventSeries> {
        vec![
            event("a", &[1.0, 2.0, 3.0, 4.0], &[10.0], 0),
            event("b", &[2.0, 1.0, 4.0, 3.0], &[5.0], 0),
        ]
    }

    #[test]
    fn corrado_day_divides_mean_rank_deviation_by_its_rms() {
        let s = corrado(
            &Sample::new(&two_events()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(
            s.statistic.unwrap(),
            2.0 / 1.8f64.sqrt(),
            max_relative = 1e-12
        );
        assert_eq!((s.n, s.distribution.as_str()), (2, "normal"));
    }

    #[test]
    fn cowan_window_scales_mean_deviation_by_sqrt_of_days() {
        let span = Span::Window {
            values: &[],
            from: -1,
            to: 0,
        };
        let s = corrado(&Sample::new(&two_events()), span, Alternative::TwoSided);
        let want = 2f64.sqrt() * 1.25 / 1.8f64.sqrt();
        assert_relative_eq!(s.statistic.unwrap(), want, max_relative = 1e-12);
        assert_eq!(s.n, 2);
    }

    #[test]
    fn corrado_zivney_equals_corrado_when_all_events_have_equal_t() {
        let s = corrado_zivney(
            &Sample::new(&two_events()),
            Span::Day(0),
            Alternative::TwoSided,
        );
        assert_relative_eq!(
            s.statistic.unwrap(),
            2.0 / 1.8f64.sqrt(),
            max_relative = 1e-12
        );
    }

    #[test]
    fn a_missing_ar_shrinks_that_events_rank_count() {
        let mut evs = two_events();
        evs[1].ar[0] = f64::NAN; // b ranks [_, 1, 3, 2, 4], T = 4, deviations [_, -1.5, 0.5, -0.5, 1.5]
        // D = [-2, -1.25, 0.25, 0.25, 1.75]
        let s_k = ((4.0 + 1.5625 + 0.0625 + 0.0625 + 3.0625) / 5.0f64).sqrt();
        let s = corrado(&Sample::new(&evs), Span::Day(0), Alternative::TwoSided);
        assert_relative_eq!(s.statistic.unwrap(), 1.75 / s_k, max_relative = 1e-12);
    }

    #[test]
    fn corrado_zivney_on_a_window_says_day_test_only() {
        let span = Span::Window {
            values: &[],
            from: -1,
            to: 0,
        };
        let s = corrado_zivney(&Sample::new(&two_events()), span, Alternative::TwoSided);
        assert_eq!((s.statistic, s.note.as_str()), (None, "day test only"));
    }
}
