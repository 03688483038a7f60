//! The prepared paths against direct implementations of their definitions, bit for bit:
//! `rbar` from the calendar sweep and batched kernel versus merging every pair's dates,
//! a target's calendar `rbar` from one pass over all pairs versus its events alone, the
//! overlap-weighted `rbar` versus weighting every merged pair by its windows' overlap, GRANK's shifted
//! ranks versus re-ranking each event with the collapsed value appended, and Corrado's
//! per-sample rank sums versus recomputing them, and every test on a subsample (sharing its
//! parent's ranks) versus a sample of the same events alone. Values come from a coarse grid as well as
//! a continuum, so ties (among a series, and with GRANK's appended value), zeros of both
//! signs and missing returns all occur.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::common::{Span, average_ranks, estimation_rows};
use super::corrado::corrado;
use super::correlation::{CrossCorrelation, cross_correlation, target_correlations};
use super::fixtures_tests::{event, window};
use super::grank::rank;
use super::overlap::Target;
use super::sample::Sample;
use super::{TestKind, TestOptions, day_tests, window_tests};
use crate::config::Alternative;
use crate::config::RbarMethod;
use crate::stats::cross_section::EventSeries;

fn value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(-0.0)),
        4 => (-8i32..8).prop_map(|k| Some(f64::from(k) * 0.25)),
        6 => (-1.0f64..1.0).prop_map(Some),
    ]
}

/// 1–11 events, 5–45 estimation rows and 1–3 event-window rows each, calendar starts 0–40.
fn events() -> impl Strategy<Value = Vec<EventSeries>> {
    let one = (prop::collection::vec(value(), 6..48), 0i64..40, 1usize..4).prop_map(
        |(values, start, window)| {
            let n_est = values.len() - window;
            let mut ev = event("e", &vec![0.0; n_est], &vec![0.0; window], start);
            ev.ar = values.iter().map(|&v| EventSeries::stored(v)).collect();
            ev.sar.clone_from(&ev.ar);
            ev
        },
    );
    prop::collection::vec(one, 1..12)
}

/// The pre-sweep `rbar`: every pair, its present dates merged on calendar position.
fn merged_rbar(events: &[EventSeries], min_common: usize) -> CrossCorrelation {
    merged_pairs(events, min_common, &[])
}

/// Every pair's merged correlation; with `windows` (one `(first, last)` calendar span per
/// event), the overlap-weighted `rbar` over all pairs instead (a pair whose windows never
/// meet is a zero term; one that meets but does not qualify is left out).
fn merged_pairs(
    events: &[EventSeries],
    min_common: usize,
    windows: &[(i64, i64)],
) -> CrossCorrelation {
    let series: Vec<Vec<(i64, f64)>> = events
        .iter()
        .map(|ev| {
            estimation_rows(ev)
                .filter_map(|r| Some((ev.cal_at(r)?, ev.ar_at(r)?)))
                .collect()
        })
        .collect();
    let (mut sum, mut n_pairs) = (0.0, 0);
    let overlap = |i: usize, j: usize| {
        let ((a0, a1), (b0, b1)) = (windows[i], windows[j]);
        let common = a1.min(b1) - a0.max(b0) + 1;
        if common <= 0 {
            0.0
        } else {
            common as f64 / (((a1 - a0 + 1) * (b1 - b0 + 1)) as f64).sqrt()
        }
    };
    for (i, a) in series.iter().enumerate() {
        for (j, b) in series.iter().enumerate().skip(i + 1) {
            let o = if windows.is_empty() {
                1.0
            } else {
                overlap(i, j)
            };
            if o == 0.0 {
                n_pairs += 1;
                continue;
            }
            let (xs, ys): (Vec<f64>, Vec<f64>) = a
                .iter()
                .filter_map(|&(cal, x)| Some((x, b.iter().find(|p| p.0 == cal)?.1)))
                .unzip();
            if xs.len() < min_common.max(2) {
                continue;
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
            if sxx > 0.0 && syy > 0.0 && r.is_finite() {
                sum += r.clamp(-1.0, 1.0) * o;
                n_pairs += 1;
            }
        }
    }
    match n_pairs {
        0 => CrossCorrelation::ZERO,
        n => CrossCorrelation {
            rbar: sum / n as f64,
            n_pairs: n,
            mean_overlap: None,
            grouped: false,
        },
    }
}

/// Sums of GRANK's U per estimation day, `sum U_0` and `sum var U_0`, re-ranking each event.
fn reranked(
    events: &[EventSeries],
    used: &[(usize, f64)],
    scale: f64,
    estudy: bool,
) -> (Vec<(f64, usize)>, f64, f64) {
    let (mut est, mut sum_u0, mut var_u0) = (BTreeMap::<i32, (f64, usize)>::new(), 0.0, 0.0);
    for &(i, scar) in used {
        let ev = &events[i];
        let (mut days, mut gsar): (Vec<i32>, Vec<f64>) = estimation_rows(ev)
            .filter_map(|r| ev.sar_at(r).map(|v| (ev.rel_day[r], v)))
            .unzip();
        gsar.push(scar / scale);
        days.push(0);
        let t = gsar.len() as f64;
        let denom = if estudy { t } else { t + 1.0 };
        let ranks = average_ranks(&gsar);
        let (last, est_ranks) = ranks.split_last().unwrap();
        for (d, k) in days.iter().zip(est_ranks) {
            let slot = est.entry(*d).or_insert((0.0, 0));
            slot.0 += k / denom - 0.5;
            slot.1 += 1;
        }
        sum_u0 += last / denom - 0.5;
        var_u0 += (t - 1.0) / (12.0 * (t + 1.0));
    }
    (est.into_values().collect(), sum_u0, var_u0)
}

/// Corrado's `D_t / S_K` on `day` from per-call rank sums.
fn corrado_direct(events: &[EventSeries], day: i32) -> Option<f64> {
    let mut days: BTreeMap<i32, (f64, usize)> = BTreeMap::new();
    for ev in events {
        let (rel, ar): (Vec<i32>, Vec<f64>) = ev
            .rel_day
            .iter()
            .zip(&ev.ar)
            .filter_map(|(&d, &v)| v.is_finite().then_some((d, v)))
            .unzip();
        let t = ar.len() as f64;
        for (d, k) in rel.iter().zip(average_ranks(&ar)) {
            let slot = days.entry(*d).or_default();
            slot.0 += k - f64::midpoint(t, 1.0);
            slot.1 += 1;
        }
    }
    let d = |(s, n): (f64, usize)| s / n as f64;
    let s_k = (days.values().map(|&v| d(v).powi(2)).sum::<f64>() / days.len() as f64).sqrt();
    let stat = d(*days.get(&day)?) / s_k;
    (s_k > 0.0 && stat.is_finite()).then_some(stat)
}

proptest! {
    #[test]
    fn rbar_equals_merging_every_pair_bit_for_bit(evs in events(), min_common in 2usize..25) {
        let fast = cross_correlation(&Sample::new(&evs), min_common);
        let slow = merged_rbar(&evs, min_common);
        prop_assert_eq!(fast.n_pairs, slow.n_pairs);
        prop_assert_eq!(fast.rbar.to_bits(), slow.rbar.to_bits());
    }

    #[test]
    fn target_rbar_equals_the_target_alone_bit_for_bit(
        (evs, keep) in events().prop_flat_map(|evs| {
            let n = evs.len();
            (Just(evs), prop::collection::vec(any::<bool>(), n))
        }),
        min_common in 2usize..25,
    ) {
        let sample = Sample::new(&evs);
        let members: Vec<usize> = (0..evs.len()).filter(|&i| keep[i]).collect();
        let targets = [
            Target::all(&sample, 0, 0).with_calendar(),
            Target::shared(members.clone(), 0, 0).with_calendar(),
        ];
        let sums = target_correlations(&sample, min_common, &targets);
        let all = sums[0].rbar(RbarMethod::Calendar).without_overlap();
        prop_assert_eq!(all, cross_correlation(&sample, min_common));
        let alone = cross_correlation(&Sample::new(members.iter().map(|&i| &evs[i])), min_common);
        let got = sums[1].rbar(RbarMethod::Calendar);
        prop_assert_eq!(got.n_pairs, alone.n_pairs);
        prop_assert_eq!(got.rbar.to_bits(), alone.rbar.to_bits());
    }

    #[test]
    fn overlap_rbar_equals_weighting_every_merged_pair(
        (evs, spans) in events().prop_flat_map(|evs| {
            let n = evs.len();
            (Just(evs), prop::collection::vec((-2i32..2, 0i32..3), n))
        }),
        min_common in 2usize..25,
    ) {
        // Each event over its own relative days [from, from + len]: windows of unequal
        // length too (as CAR_free).
        let sample = Sample::new(&evs);
        let days = |k: usize| (spans[k].0, spans[k].0 + spans[k].1);
        let target = Target::new((0..evs.len()).collect(), days);
        let got = target_correlations(&sample, min_common, std::slice::from_ref(&target))[0]
            .rbar(RbarMethod::Overlap);
        let windows: Vec<(i64, i64)> = evs
            .iter()
            .enumerate()
            .map(|(k, ev)| {
                let day0 = ev.day0_cal;
                let (from, to) = days(k);
                (day0 + i64::from(from), day0 + i64::from(to))
            })
            .collect();
        let want = merged_pairs(&evs, min_common, &windows);
        prop_assert_eq!(got.n_pairs, want.n_pairs);
        prop_assert!((got.rbar - want.rbar).abs() <= 1e-12, "{} vs {}", got.rbar, want.rbar);
    }

    #[test]
    fn grank_shifted_ranks_equal_reranking_bit_for_bit(
        (evs, xs) in events().prop_flat_map(|evs| {
            let n = evs.len();
            (Just(evs), prop::collection::vec(value(), n))
        }),
        scale in prop_oneof![Just(1.0), 0.1f64..3.0],
        estudy in any::<bool>(),
    ) {
        let used: Vec<(usize, f64)> = xs
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.map(|x| (i, x)))
            .collect();
        let fast = rank(&Sample::new(&evs), &used, scale, estudy);
        let (est, sum_u0, var_u0) = reranked(&evs, &used, scale, estudy);
        let bits = |v: &[(f64, usize)]| v.iter().map(|&(s, c)| (s.to_bits(), c)).collect::<Vec<_>>();
        prop_assert_eq!(bits(&fast.est_days().collect::<Vec<_>>()), bits(&est));
        prop_assert_eq!(fast.sum_u0.to_bits(), sum_u0.to_bits());
        prop_assert_eq!(fast.var_u0.to_bits(), var_u0.to_bits());
    }

    #[test]
    fn a_subsample_gives_the_tests_of_its_events_alone_bit_for_bit(
        (evs, keep) in events().prop_flat_map(|evs| {
            let n = evs.len();
            (Just(evs), prop::collection::vec(any::<bool>(), n))
        }),
        day in -3i32..2,
    ) {
        let opts = TestOptions { tests: TestKind::ALL.to_vec(), ..TestOptions::default() };
        let parent = Sample::new(&evs);
        // The parent's ranks exist before the subsample is taken, as in the aggregation.
        let _ = day_tests(&parent, day, &CrossCorrelation::ZERO, &opts);
        let members: Vec<usize> = (0..evs.len()).filter(|&i| keep[i]).collect();
        let sub = parent.subsample(&members);
        let alone = Sample::new(members.iter().map(|&i| &evs[i]));
        let values: Vec<_> = members
            .iter()
            .map(|&i| window(0.1 * i as f64 - 0.3, 0.2 * i as f64 - 0.5, 2))
            .collect();
        let bits = |v: Vec<crate::stats::TestStat>| {
            v.into_iter().map(|t| (t.name, t.n, t.statistic.map(f64::to_bits))).collect::<Vec<_>>()
        };
        let rho = CrossCorrelation::ZERO;
        prop_assert_eq!(bits(day_tests(&sub, day, &rho, &opts)), bits(day_tests(&alone, day, &rho, &opts)));
        prop_assert_eq!(
            bits(window_tests(&sub, &values, -1, 0, &rho, &opts)),
            bits(window_tests(&alone, &values, -1, 0, &rho, &opts))
        );
    }

    #[test]
    fn corrado_from_sample_rank_sums_equals_direct_ranking(evs in events(), day in -3i32..2) {
        let s = corrado(&Sample::new(&evs), Span::Day(day), Alternative::TwoSided);
        prop_assert_eq!(s.statistic.map(f64::to_bits), corrado_direct(&evs, day).map(f64::to_bits));
    }
}
