//! Kolari–Pynnönen (2011) generalized rank tests GRANK-T and GRANK-Z (METHODS-SPEC §5.8)
//! `[KP11] [ESTUDY-STATA] [ESTK]`. The whole CAR window is one observation per event:
//!
//! ```text
//! SCAR*_i = SCAR_i / sd_i(SCAR_i)                      (a day t: the window [t, t], SCAR = SAR_it)
//! GSAR_it = SAR_it on estimation days,  GSAR_i0 = SCAR*_i ;  T_i = present GSARs
//! U_it    = rank(GSAR_it within event i) / (T_i + 1) - 1/2
//! Ubar_t  = (1/N_t) sum_i U_it   for each estimation rel day t and the collapsed day 0
//! S_Ubar  = sqrt( (1/T) sum_{t in E and 0} (N_t / N) Ubar_t^2 ),   T = L1 + 1
//! Z       = Ubar_0 / S_Ubar ;  t_grank = Z sqrt( (T - 2) / (T - 1 - Z^2) )     t(T - 2)
//! GRANK-Z = Ubar_0 / sqrt( (1/N^2) sum_i (T_i - 1) / (12 (T_i + 1)) )           ~ N(0,1)
//! ```
//!
//! `L1` = estimation rel days on which some event in the test has a SAR. `t_grank` is missing
//! when `Z^2 >= T - 1`. The Stata `estudy` variant (`GrankVariant::Estudy`) uses
//! `U = rank/T_i - 1/2`, divides the sum by `L1` and takes `T = L1` in the t transform
//! (`t(L1 - 2)`); its sigma-only standardization of estimation ARs is not reproduced (SARs
//! here always carry the forecast correction). GRANK-Z always uses the paper's `U`.

use std::ops::Range;
use std::rc::Rc;

use rayon::prelude::*;

use super::common::{
    ByDay, EventValues, Measure, Reference, Span, estimation_rows, finish, flat_rows, missing,
    n_finite, per_event, ratio, sd, twice_ranks_on_rows, values_of,
};
use super::sample::Sample;
use crate::config::{Alternative, GrankVariant, TestKind};
use crate::stats::cross_section::{EventSeries, TestStat};

/// Every event's present estimation SARs ranked once per sample. A test appends one value
/// `x` (the collapsed window) to each event: the estimation values below `x` keep their
/// rank, those equal to it gain 1/2 (their tie grows by one) and those above gain 1, and
/// `x` itself ranks `#below + 1 + #equal / 2` — one pass over the event's rows, not a
/// re-sort. The ranks sit on the rows of the event's series, whose SARs and relative days
/// the pass reads (4 bytes a row, not a sorted copy of the SARs: #13).
#[derive(Debug, Clone, Default)]
pub(super) struct EstimationRanks {
    /// Estimation rel days of the sample (the slots of the per-day sums).
    days: ByDay<()>,
    /// Per event: its range in `rank2` (one item per estimation row of its series).
    rows: Vec<Range<usize>>,
    /// Per event: its number of present estimation SARs.
    present: Vec<u32>,
    /// Per estimation row: twice its SAR's average rank among the event's estimation SARs
    /// (ranks are halves of integers, so this is exact); 0 where the SAR is missing (a
    /// present SAR's is at least 2).
    rank2: Vec<u32>,
}

impl EstimationRanks {
    /// On the pool; the same ranks, in the same order, on any number of threads.
    pub(super) fn new(events: &[&EventSeries]) -> Self {
        let est_days = events
            .iter()
            .flat_map(|ev| estimation_rows(ev).map(|r| ev.rel_day[r]));
        let days = ByDay::covering(est_days);
        let lens: Vec<usize> = events.iter().map(|ev| estimation_rows(ev).len()).collect();
        let (rows, rank2, _) = flat_rows(&lens, |scratch, i, rank2: &mut [u32], _: &mut [()]| {
            let ev = events[i];
            twice_ranks_on_rows(&ev.sar[estimation_rows(ev)], scratch, rank2);
        });
        let present = events
            .par_iter()
            .map(|ev| n_finite(&ev.sar[estimation_rows(ev)]))
            .collect();
        EstimationRanks {
            days,
            rows,
            present,
            rank2,
        }
    }
}

/// Ranked generalized SARs of the events in a test.
#[derive(Debug)]
pub(super) struct Ranked {
    /// Events in the test.
    n: usize,
    /// Per estimation rel day slot: sum of U.
    sums: Vec<f64>,
    /// Per estimation rel day slot: number of events present.
    counts: Vec<usize>,
    /// Sum over events of the day-0 U.
    pub(super) sum_u0: f64,
    /// `sum_i (T_i - 1) / (12 (T_i + 1))`, the independence variance of the day-0 ranks.
    pub(super) var_u0: f64,
}

impl Ranked {
    /// `(sum of U, events)` of the estimation days on which some event of the test has a SAR.
    pub(super) fn est_days(&self) -> impl Iterator<Item = (f64, usize)> + '_ {
        self.sums
            .iter()
            .copied()
            .zip(self.counts.iter().copied())
            .filter(|&(_, c)| c > 0)
    }
}

/// `U = (h / 2) / denom - 1/2` for every doubled rank `h` of an event with `m` estimation
/// SARs (`h <= 2 m + 2`), so the per-row work is a lookup. `denom` depends on `m` only.
fn u_table(m: usize, estudy: bool) -> Vec<f64> {
    let t = (m + 1) as f64;
    let denom = if estudy { t } else { t + 1.0 };
    (0..=2 * m + 2)
        .map(|h| h as f64 / 2.0 / denom - 0.5)
        .collect()
}

/// `U` tables by number of estimation SARs (a sample has few distinct ones).
#[derive(Default)]
struct Tables {
    estudy: bool,
    by_m: Vec<Vec<f64>>,
}

impl Tables {
    fn of(&mut self, m: usize) -> &[f64] {
        if self.by_m.len() <= m {
            self.by_m.resize(m + 1, Vec::new());
        }
        if self.by_m[m].is_empty() {
            self.by_m[m] = u_table(m, self.estudy);
        }
        &self.by_m[m]
    }
}

impl Ranked {
    fn new(n: usize, n_slots: usize) -> Self {
        Ranked {
            n,
            sums: vec![0.0; n_slots],
            counts: vec![0; n_slots],
            sum_u0: 0.0,
            var_u0: 0.0,
        }
    }

    /// Add event `i` of the sample, whose collapsed window is `x`: one pass over its
    /// estimation rows. Below x: rank unchanged; tied with x: +1/2; above (or x not a
    /// number): +1 (in halves: 0, 1, 2). Each rel day is one row of the event, so every
    /// slot's sum takes the events in the order they are added whatever the order of an
    /// event's rows.
    fn add(&mut self, pre: &EstimationRanks, o: usize, ev: &EventSeries, u: &[f64], x: f64) {
        let m = pre.present[o] as usize;
        let (mut below, mut tied) = (0, 0);
        let rank2 = &pre.rank2[pre.rows[o].clone()];
        let (sars, rels) = (&ev.sar[..rank2.len()], &ev.rel_day[..rank2.len()]);
        // Relative days ascend, all inside `days`: a row's slot is the first row's plus its
        // distance from it (what `days.index` gives, without its checks on every row).
        let rel0 = rels.first().copied().unwrap_or(0);
        let slot0 = pre.days.index(rel0).unwrap_or(0);
        let mut step = |k2: u32, v: f64, sum: &mut f64, count: &mut usize| {
            let (lt, eq) = (usize::from(v < x), usize::from(v == x));
            below += lt;
            tied += eq;
            *sum += u[k2 as usize + 2 - 2 * lt - eq];
            *count += 1;
        };
        let last = rels.last().copied().unwrap_or(rel0);
        let (sums, counts) = (&mut self.sums[slot0..], &mut self.counts[slot0..]);
        if usize::try_from(last - rel0).ok() == Some(rels.len().saturating_sub(1))
            && rels.len() <= sums.len()
        {
            // One row a day from the first (the usual case): row j is slot `slot0 + j`.
            let rows = rank2
                .iter()
                .zip(sars)
                .zip(sums.iter_mut().zip(counts.iter_mut()));
            for ((&k2, &v), (sum, count)) in rows {
                if k2 != 0 {
                    step(k2, v, sum, count);
                }
            }
        } else {
            for ((&k2, &v), &d) in rank2.iter().zip(sars).zip(rels) {
                let j = (d - rel0) as usize;
                if k2 != 0 {
                    step(k2, v, &mut sums[j], &mut counts[j]);
                }
            }
        }
        self.sum_u0 += u[2 * below + tied + 2];
        let t = (m + 1) as f64;
        self.var_u0 += (t - 1.0) / (12.0 * (t + 1.0));
    }
}

/// Rank GSARs per event; `estudy` divides ranks by `T_i` instead of `T_i + 1`.
pub(super) fn rank(sample: &Sample<'_>, used: &[(usize, f64)], scale: f64, estudy: bool) -> Ranked {
    // Per-event ranks are shared with the sample's parent: event `i` is its `origin[i]`.
    let pre = sample.ranks.grank();
    let mut out = Ranked::new(used.len(), pre.days.slots().len());
    let mut tables = Tables {
        estudy,
        ..Tables::default()
    };
    for &(i, scar) in used {
        let o = sample.origin[i];
        let u = tables.of(pre.present[o] as usize);
        out.add(pre, o, sample.events()[i], u, scar / scale);
    }
    out
}

/// The ranks of a day's test, or `(n, reason)` when the day cannot be tested.
pub(super) type Ranking = Result<Ranked, (usize, &'static str)>;

/// Days ranked in one pass (their SAR lists are held together: 1.6 MB a day at 100,000
/// events, and a large study's peak memory is in its tests).
const DAYS_PER_PASS: usize = 4;

/// [`rank`] on each of `days`, [`DAYS_PER_PASS`] days a pass over the events: each event's
/// estimation rows are read once for the days of a pass it has a SAR on (they stay in
/// cache) instead of once a day. Every day's sums take the events in sample order, as
/// [`rank`] does, so the ranks are the same, bit for bit.
pub(super) fn rank_days(sample: &Sample<'_>, days: &[i32], estudy: bool) -> Vec<Ranking> {
    let mut out = Vec::with_capacity(days.len());
    for pass in days.chunks(DAYS_PER_PASS) {
        out.extend(rank_days_together(sample, pass, estudy));
        sample.forget_days();
    }
    out
}

fn rank_days_together(sample: &Sample<'_>, days: &[i32], estudy: bool) -> Vec<Ranking> {
    let pre = sample.ranks.grank();
    let n_slots = pre.days.slots().len();
    let inputs: Vec<Result<Scaled, (usize, &'static str)>> = days
        .iter()
        .map(|&d| standardized(sample, Span::Day(d)))
        .collect();
    let mut out: Vec<Ranking> = inputs
        .iter()
        .map(|r| match r {
            Ok((used, _)) => Ok(Ranked::new(used.len(), n_slots)),
            Err(e) => Err(*e),
        })
        .collect();
    let mut tables = Tables {
        estudy,
        ..Tables::default()
    };
    // Per day: the next of its events (its list ascends in sample order).
    let mut next = vec![0usize; days.len()];
    for (i, ev) in sample.events().iter().enumerate() {
        let o = sample.origin[i];
        let u = tables.of(pre.present[o] as usize);
        for ((input, ranked), k) in inputs.iter().zip(&mut out).zip(&mut next) {
            let (Ok((used, scale)), Ok(ranked)) = (input, ranked) else {
                continue;
            };
            if let Some(&(j, scar)) = used.get(*k)
                && j == i
            {
                *k += 1;
                ranked.add(pre, o, ev, u, scar / *scale);
            }
        }
    }
    out
}

/// `(event, SCAR)` of the test's events and the cross-sectional sd of the SCARs.
type Scaled = (EventValues, f64);

/// The test's events with their SCARs and its SCAR sd, or `(n, reason)` when unusable.
fn standardized(sample: &Sample<'_>, span: Span<'_>) -> Result<Scaled, (usize, &'static str)> {
    let used = per_event(sample, span, Measure::Standardized);
    let n = used.len();
    match sd(&values_of(&used)) {
        None => Err((n, "n<2")),
        Some(s) if !(s > 0.0 && s.is_finite()) => Err((n, "zero_variance")),
        Some(s) => Ok((used, s)),
    }
}

/// The ranks of one span, made once per variant for the GRANK tests run on it (#13): a
/// day's are those [`Sample::prepare_day_ranks`] made for all days together, when it made
/// them; otherwise they are ranked here, and GRANK-T and GRANK-Z on a window share the
/// paper's (the same pass over every estimation row was made twice).
#[derive(Default)]
pub(super) struct Memo {
    /// By variant: the paper's, then the Stata `estudy`'s.
    made: [Option<Rc<Ranking>>; 2],
}

impl Memo {
    fn ranking(&mut self, sample: &Sample<'_>, span: Span<'_>, estudy: bool) -> Rc<Ranking> {
        let made = self.made[usize::from(estudy)].get_or_insert_with(|| {
            if let Span::Day(d) = span
                && let Some(r) = sample.day_ranks(d, estudy)
            {
                return r;
            }
            Rc::new(
                standardized(sample, span).map(|(used, scale)| rank(sample, &used, scale, estudy)),
            )
        });
        Rc::clone(made)
    }
}

/// `grank_t` on a day or window, in the requested variant.
pub(super) fn grank_t(
    sample: &Sample<'_>,
    span: Span<'_>,
    variant: GrankVariant,
    alternative: Alternative,
    memo: &mut Memo,
) -> TestStat {
    let kind = TestKind::GrankT;
    let estudy = variant == GrankVariant::Estudy;
    let ranking = memo.ranking(sample, span, estudy);
    let r = match ranking.as_ref() {
        Ok(r) => r,
        Err((n, note)) => return missing(kind, *n, Reference::StudentT(0.0), *note),
    };
    let n = r.n as f64;
    let l1 = r.est_days().count() as f64;
    let ubar0 = r.sum_u0 / n;
    let sum_sq = ubar0.powi(2)
        + r.est_days()
            .map(|(s, c)| (c as f64 / n) * (s / c as f64).powi(2))
            .sum::<f64>();
    let big_t = if estudy { l1 } else { l1 + 1.0 };
    let reference = Reference::StudentT(big_t - 2.0);
    let divisor = if estudy { l1 } else { l1 + 1.0 };
    if big_t - 2.0 <= 0.0 {
        return missing(kind, r.n, reference, "estimation_days<2");
    }
    let s_ubar = (sum_sq / divisor).sqrt();
    if !(s_ubar > 0.0 && s_ubar.is_finite()) {
        return missing(kind, r.n, reference, "zero_variance");
    }
    let z = ubar0 / s_ubar;
    if z * z >= big_t - 1.0 {
        return missing(kind, r.n, reference, "z^2>=T-1");
    }
    let t = z * ((big_t - 2.0) / (big_t - 1.0 - z * z)).sqrt();
    finish(kind, r.n, reference, t, alternative, format!("z={z:.6}"))
}

/// `grank_z` on a day or window (always the paper's `U`).
pub(super) fn grank_z(
    sample: &Sample<'_>,
    span: Span<'_>,
    alternative: Alternative,
    memo: &mut Memo,
) -> TestStat {
    let kind = TestKind::GrankZ;
    let ranking = memo.ranking(sample, span, false);
    let r = match ranking.as_ref() {
        Ok(r) => r,
        Err((n, note)) => return missing(kind, *n, Reference::Normal, *note),
    };
    let n = r.n as f64;
    ratio(
        kind,
        r.n,
        Reference::Normal,
        r.sum_u0 / n,
        r.var_u0.sqrt() / n,
        alternative,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::significance::fixtures_tests::{event, window};
    use approx::assert_relative_eq;

    /// METHODS-SPEC §8 Example G: three events, `L1 = 4`, `SCAR = [-2.4, -1.1, -3.0]`.
    fn example_g() -> (
        Vec<EventSeries>,
        Vec<crate::stats::cross_section::WindowValues>,
    ) {
        let est = [
            [0.5, -1.2, 0.8, -0.3],
            [-0.7, 0.4, 1.1, -1.5],
            [1.3, -0.2, -0.9, 0.6],
        ];
        let events = est
            .iter()
            .enumerate()
            .map(|(i, e)| event(&i.to_string(), e, &[0.0], 0))
            .collect();
        let values = [-2.4, -1.1, -3.0]
            .iter()
            .map(|&s| window(0.0, s, 1))
            .collect();
        (events, values)
    }

    /// The ranks of several days made in passes of [`DAYS_PER_PASS`] days are those of one
    /// day at a time, bit for bit, with missing SARs in the estimation and event windows,
    /// ties with the collapsed window, and a day no event has (in both variants).
    #[test]
    fn days_ranked_together_are_the_days_ranked_one_at_a_time() {
        let nan = f64::NAN;
        let events: Vec<EventSeries> = (0..7)
            .map(|i| {
                let f = f64::from(i);
                let est: Vec<f64> = (0..9)
                    .map(|k| {
                        let k = f64::from(k);
                        if (i + k as i32) % 5 == 0 {
                            nan
                        } else {
                            ((f + 1.0) * (k + 2.0)).sin()
                        }
                    })
                    .collect();
                // Event days 0..=5: day 0 ties an estimation SAR, day 2 is missing for some, day 5
                // for all (days before 0 are estimation days).
                let window = [
                    est[1],
                    (f * 0.7).cos(),
                    if i % 3 == 0 { nan } else { -0.4 * f },
                    0.2,
                    f - 3.0,
                    nan,
                ];
                event(&i.to_string(), &est, &window, i64::from(i))
            })
            .collect();
        let sample = Sample::new(&events);
        let days: Vec<i32> = (-1..=5).collect();
        for estudy in [false, true] {
            let together = rank_days(&sample, &days, estudy);
            for (&d, got) in days.iter().zip(&together) {
                let want = standardized(&sample, Span::Day(d))
                    .map(|(used, scale)| rank(&sample, &used, scale, estudy));
                match (got, &want) {
                    (Ok(g), Ok(w)) => {
                        assert_eq!((g.n, &g.counts), (w.n, &w.counts), "day {d}");
                        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(bits(&g.sums), bits(&w.sums), "day {d}");
                        assert_eq!(g.sum_u0.to_bits(), w.sum_u0.to_bits(), "day {d}");
                        assert_eq!(g.var_u0.to_bits(), w.var_u0.to_bits(), "day {d}");
                    }
                    (Err(g), Err(w)) => assert_eq!(g, w, "day {d}"),
                    _ => panic!("day {d}: {got:?} against {want:?}"),
                }
            }
            assert!(
                together[..6].iter().all(Result::is_ok),
                "days -1..=4 are tested"
            );
            assert!(together[6].is_err(), "day 5 has no event");
        }
    }

    /// An estimation day without a row ranks as a row with a missing SAR: the pass over rows
    /// one day apart and the pass that looks up each row's day agree bit for bit.
    #[test]
    fn a_day_without_a_row_ranks_as_a_row_with_a_missing_sar() {
        let (events, values) = example_g();
        let mut gapped = events.clone();
        let mut with_nan = events;
        // Event 1 loses its second estimation row (rel day -3).
        let ev = &mut gapped[1];
        ev.rel_day.remove(1);
        ev.ar.remove(1);
        ev.sar.remove(1);
        ev.n_est_rows -= 1;
        with_nan[1].sar[1] = f64::NAN;
        with_nan[1].ar[1] = f64::NAN;
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let ranked = |evs: &[EventSeries]| {
            let sample = Sample::new(evs);
            let (used, scale) = standardized(&sample, span).unwrap();
            rank(&sample, &used, scale, false)
        };
        let (g, w) = (ranked(&gapped), ranked(&with_nan));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!((g.n, &g.counts), (w.n, &w.counts));
        assert_eq!(bits(&g.sums), bits(&w.sums));
        assert_eq!(g.sum_u0.to_bits(), w.sum_u0.to_bits());
        assert_eq!(g.counts, [3, 2, 3, 3], "the gap's day has two events");
    }

    #[test]
    fn grank_t_on_example_g_is_minus_2_712() {
        let (events, values) = example_g();
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = grank_t(
            &Sample::new(&events),
            span,
            GrankVariant::Paper,
            Alternative::TwoSided,
            &mut Memo::default(),
        );
        assert_relative_eq!(s.statistic.unwrap(), -2.711_630_7, max_relative = 1e-7);
        assert_relative_eq!(s.p_value.unwrap(), 0.073_063_7, epsilon = 1e-7);
        assert_eq!((s.df, s.n, s.note.as_str()), (Some(3.0), 3, "z=-1.685500"));
    }

    #[test]
    fn grank_z_on_example_g_is_minus_2_041() {
        let (events, values) = example_g();
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = grank_z(
            &Sample::new(&events),
            span,
            Alternative::TwoSided,
            &mut Memo::default(),
        );
        assert_relative_eq!(s.statistic.unwrap(), -2.041_241_5, max_relative = 1e-7);
    }

    #[test]
    fn estudy_variant_divides_ranks_by_t_and_the_sum_by_l1() {
        // rank sums per day (est 1..4, day 0): 12, 9, 12, 8, 4 over 3 events; U = rank/5 - 1/2.
        let ubar = [12.0, 9.0, 12.0, 8.0, 4.0].map(|s: f64| s / 15.0 - 0.5);
        let s_ubar = (ubar.iter().map(|u| u * u).sum::<f64>() / 4.0).sqrt();
        let z = ubar[4] / s_ubar;
        let want = z * (2.0 / (3.0 - z * z)).sqrt();
        let (events, values) = example_g();
        let span = Span::Window {
            values: &values,
            from: 0,
            to: 0,
        };
        let s = grank_t(
            &Sample::new(&events),
            span,
            GrankVariant::Estudy,
            Alternative::TwoSided,
            &mut Memo::default(),
        );
        assert_relative_eq!(s.statistic.unwrap(), want, max_relative = 1e-12);
        assert_eq!(s.df, Some(2.0));
    }

    #[test]
    fn grank_on_a_day_uses_that_days_sar_as_the_collapsed_window() {
        let (mut events, values) = example_g();
        for (ev, w) in events.iter_mut().zip(&values) {
            let last = ev.sar.len() - 1;
            ev.sar[last] = EventSeries::stored(w.scar);
        }
        let s = grank_t(
            &Sample::new(&events),
            Span::Day(0),
            GrankVariant::Paper,
            Alternative::TwoSided,
            &mut Memo::default(),
        );
        assert_relative_eq!(s.statistic.unwrap(), -2.711_630_7, max_relative = 1e-7);
    }

    #[test]
    fn grank_with_one_event_is_missing() {
        let (events, values) = example_g();
        let span = Span::Window {
            values: &values[..1],
            from: 0,
            to: 0,
        };
        let s = grank_t(
            &Sample::new(&events),
            span,
            GrankVariant::Paper,
            Alternative::TwoSided,
            &mut Memo::default(),
        );
        assert_eq!((s.statistic, s.note.as_str()), (None, "n<2"));
    }
}
