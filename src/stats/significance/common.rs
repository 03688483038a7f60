//! Plumbing shared by the test families: what a test is computed over (one day or one
//! window), per-event value extraction, sample moments, average ranks, and turning a raw
//! statistic into a [`TestStat`] with its p-value (METHODS-SPEC §0 conventions: p-values from
//! statrs `sf`/`cdf`, never `1 - cdf`; a statistic that is not finite is reported missing).

use std::rc::Rc;

use super::sample::Sample;
use crate::config::{Alternative, TestKind};
use crate::stats::cross_section::{CrossCorrelation, EventSeries, TestStat, WindowValues};
pub(super) use crate::stats::pvalue::{Reference, p_value};

/// What a test is computed over: one relative day, or one CAR window.
#[derive(Debug, Clone, Copy)]
pub(super) enum Span<'a> {
    /// A single relative day `t` (AAR tests).
    Day(i32),
    /// The window `[from, to]`; `values[i]` belongs to `events[i]` (CAAR tests).
    Window {
        values: &'a [WindowValues],
        from: i32,
        to: i32,
    },
}

/// Which per-event number a test reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Measure {
    /// `AR_it` on a day, `CAR_i` on a window.
    Raw,
    /// `SAR_it` on a day, `SCAR_i` on a window.
    Standardized,
}

/// A present, finite value (non-finite inputs count as missing).
pub(super) fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// Row of `event` whose relative day is `day` (rows are in ascending relative day, so a
/// binary search finds the first such row). Rows are usually one per relative day from the
/// first on, so the row `day - first` is tried first: one look instead of a binary
/// search's worth of cache misses per event, for the tests' per-day lookups over every
/// event (#13).
pub(super) fn day_row(event: &EventSeries, day: i32) -> Option<usize> {
    let rel = &event.rel_day;
    let guess = rel
        .first()
        .and_then(|&first| usize::try_from(i64::from(day) - i64::from(first)).ok());
    if let Some(g) = guess
        && rel.get(g) == Some(&day)
        && (g == 0 || rel[g - 1] < day)
    {
        return Some(g);
    }
    let row = rel.partition_point(|&d| d < day);
    (rel.get(row) == Some(&day)).then_some(row)
}

/// Rows of `event` whose relative day lies in `[from, to]`.
pub(super) fn window_rows(event: &EventSeries, from: i32, to: i32) -> std::ops::Range<usize> {
    let start = event.rel_day.partition_point(|&d| d < from);
    let end = event.rel_day.partition_point(|&d| d <= to);
    start..end.max(start)
}

/// `AR_it` of `event` on `day`, if present.
pub(super) fn day_ar(event: &EventSeries, day: i32) -> Option<f64> {
    day_row(event, day).and_then(|r| event.ar_at(r))
}

/// `SAR_it` of `event` on `day`, if present.
pub(super) fn day_sar(event: &EventSeries, day: i32) -> Option<f64> {
    day_row(event, day).and_then(|r| event.sar_at(r))
}

/// Indices of the estimation rows of `event` (never past the end of its vectors).
pub(super) fn estimation_rows(event: &EventSeries) -> std::ops::Range<usize> {
    0..event.n_est_rows.min(event.rel_day.len())
}

/// `(event index, value)` pairs in event order, shared by the tests that read them.
pub(super) type EventValues = Rc<Vec<(usize, f64)>>;

/// `(event index, value)` of every event with the requested measure present on `span`, in
/// event order. A day's values are looked up once per sample and shared by its tests.
pub(super) fn per_event(sample: &Sample<'_>, span: Span<'_>, measure: Measure) -> EventValues {
    match span {
        Span::Day(day) => sample.day_values(day, measure),
        Span::Window { values, .. } => Rc::new(
            values
                .iter()
                .take(sample.len())
                .enumerate()
                .filter_map(|(i, w)| {
                    let v = match measure {
                        Measure::Raw => finite(w.car),
                        Measure::Standardized => finite(w.scar),
                    };
                    v.map(|v| (i, v))
                })
                .collect(),
        ),
    }
}

/// `(event index, value)` of every event with the requested measure present on `day`.
pub(super) fn on_day(events: &[&EventSeries], day: i32, measure: Measure) -> Vec<(usize, f64)> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, ev)| {
            let v = match measure {
                Measure::Raw => day_ar(ev, day),
                Measure::Standardized => day_sar(ev, day),
            };
            v.map(|v| (i, v))
        })
        .collect()
}

/// Just the values of [`per_event`].
pub(super) fn values_of(pairs: &[(usize, f64)]) -> Vec<f64> {
    pairs.iter().map(|&(_, v)| v).collect()
}

/// Values per relative day, in a dense vector over the range of days seen (the dense
/// counterpart of a `BTreeMap<i32, T>`: slots come out in ascending day).
#[derive(Debug, Clone, Default)]
pub(super) struct ByDay<T> {
    first: i32,
    slots: Vec<T>,
}

impl<T: Clone + Default> ByDay<T> {
    /// Default slots for every day from the smallest to the largest of `days`.
    pub(super) fn covering(days: impl IntoIterator<Item = i32>) -> Self {
        let (lo, hi) = days
            .into_iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
        if lo > hi {
            return ByDay {
                first: 0,
                slots: Vec::new(),
            };
        }
        ByDay {
            first: lo,
            slots: vec![T::default(); (i64::from(hi) - i64::from(lo) + 1) as usize],
        }
    }

    /// Position of `day` among the slots.
    pub(super) fn index(&self, day: i32) -> Option<usize> {
        let k = usize::try_from(i64::from(day) - i64::from(self.first)).ok()?;
        (k < self.slots.len()).then_some(k)
    }

    /// The slot of `day`, if covered.
    pub(super) fn get(&self, day: i32) -> Option<&T> {
        self.slots.get(self.index(day)?)
    }

    /// The slot of `day`; panics when `day` is not covered.
    pub(super) fn slot_mut(&mut self, day: i32) -> &mut T {
        let k = self.index(day).expect("day outside the covered range");
        &mut self.slots[k]
    }

    /// Slots of `[from, to]` (clipped to the covered range), ascending.
    pub(super) fn range(&self, from: i32, to: i32) -> &[T] {
        let lo = (i64::from(from) - i64::from(self.first)).max(0) as usize;
        let hi =
            (i64::from(to) - i64::from(self.first) + 1).clamp(0, self.slots.len() as i64) as usize;
        self.slots.get(lo..hi).unwrap_or(&[])
    }

    /// All slots, ascending.
    pub(super) fn slots(&self) -> &[T] {
        &self.slots
    }
}

/// Arithmetic mean; `None` for an empty slice.
pub(super) fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

/// Sample standard deviation (denominator `n - 1`); `None` for fewer than two values.
pub(super) fn sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    let ss: f64 = x.iter().map(|v| (v - m).powi(2)).sum();
    Some((ss / (x.len() - 1) as f64).sqrt())
}

/// 1-based ranks of `x`, ties given their average rank (`x` must be finite).
pub(super) fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut twice = vec![0; x.len()];
    twice_average_ranks(x, &mut twice);
    twice.into_iter().map(|t| f64::from(t) / 2.0).collect()
}

/// Twice the [`average_ranks`] of `x`, into `out` (ranks are halves of integers, so this
/// is exact in half the memory of the `f64` ranks).
pub(super) fn twice_average_ranks(x: &[f64], out: &mut [u32]) {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    for run in tie_runs(&order, |&i| x[i]) {
        // positions start..end hold ranks start+1..=end; twice their average:
        let twice = (run.start + 1 + run.end) as u32;
        for &idx in &order[run] {
            out[idx] = twice;
        }
    }
}

/// Twice the average rank of each finite value of `values` among them, written to `out` (one
/// item per value, 0 where the value is not finite: a ranked one's is at least 2), with
/// `scratch` reused between calls. Corrado's and GRANK's per-row ranks.
pub(super) fn twice_ranks_on_rows(
    values: &[f64],
    (present, ranks): &mut (Vec<f64>, Vec<u32>),
    out: &mut [u32],
) {
    present.clear();
    present.extend(values.iter().copied().filter(|v| v.is_finite()));
    ranks.clear();
    ranks.resize(present.len(), 0);
    twice_average_ranks(present, ranks);
    let mut next = ranks.iter();
    for (o, v) in out.iter_mut().zip(values) {
        if v.is_finite() {
            *o = next.next().copied().unwrap_or(0);
        }
    }
}

/// Number of finite values of `values` (the ranked ones of [`twice_ranks_on_rows`]).
pub(super) fn n_finite(values: &[f64]) -> u32 {
    u32::try_from(values.iter().filter(|v| v.is_finite()).count()).unwrap_or(u32::MAX)
}

/// Variable-length per-event rows built on the pool straight into two flat vectors (no
/// per-event vector to copy from, so each value is written to fresh memory once): row `i`
/// has `lens[i]` items and `fill(scratch, i, a, b)` writes them, with a scratch buffer
/// reused by the rows of one piece of the pool's work. Returns each row's range and the
/// two vectors, in row order whatever the thread count.
pub(super) fn flat_rows<A, B, S>(
    lens: &[usize],
    fill: impl Fn(&mut S, usize, &mut [A], &mut [B]) + Sync,
) -> (Vec<std::ops::Range<usize>>, Vec<A>, Vec<B>)
where
    A: Copy + Default + Send,
    B: Copy + Default + Send,
    S: Default,
{
    use rayon::prelude::*;
    let mut rows = Vec::with_capacity(lens.len());
    let mut end = 0;
    for &len in lens {
        rows.push(end..end + len);
        end += len;
    }
    let mut a = vec![A::default(); end];
    let mut b = vec![B::default(); end];
    let mut pieces = Vec::with_capacity(lens.len());
    let (mut rest_a, mut rest_b) = (&mut a[..], &mut b[..]);
    for (i, &len) in lens.iter().enumerate() {
        let (row_a, tail_a) = rest_a.split_at_mut(len);
        let (row_b, tail_b) = rest_b.split_at_mut(len);
        pieces.push((i, row_a, row_b));
        (rest_a, rest_b) = (tail_a, tail_b);
    }
    pieces
        .into_par_iter()
        .for_each_init(S::default, |scratch, (i, row_a, row_b)| {
            fill(scratch, i, row_a, row_b);
        });
    (rows, a, b)
}

/// The runs of equal values of `sorted` (in ascending order of `value`), as position
/// ranges: positions `start..end` share the ranks `start + 1 ..= end`. Each run holds at
/// least its first item (a NaN is a run of its own).
pub(super) fn tie_runs<'a, T>(
    sorted: &'a [T],
    value: impl Fn(&T) -> f64 + 'a,
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        let first = value(sorted.get(start)?);
        let end = start
            + 1
            + sorted[start + 1..]
                .iter()
                .take_while(|v| value(v) == first)
                .count();
        let run = start..end;
        start = end;
        Some(run)
    })
}

/// A statistic that could not be computed, with the reason.
pub(super) fn missing(
    kind: TestKind,
    n: usize,
    reference: Reference,
    note: impl Into<String>,
) -> TestStat {
    TestStat {
        name: kind.name().to_string(),
        statistic: None,
        p_value: None,
        df: None,
        n,
        distribution: reference.label().to_string(),
        note: note.into(),
        correlation: None,
    }
}

/// A computed statistic: checks it is finite (else `zero_variance`/`non_finite`) and the
/// reference is usable, then attaches the p-value.
pub(super) fn finish(
    kind: TestKind,
    n: usize,
    reference: Reference,
    statistic: f64,
    alternative: Alternative,
    note: impl Into<String>,
) -> TestStat {
    if !statistic.is_finite() {
        return missing(kind, n, reference, "non_finite");
    }
    if let Reference::StudentT(df) = reference
        && !(df.is_finite() && df > 0.0)
    {
        return missing(kind, n, reference, format!("df={df}"));
    }
    TestStat {
        name: kind.name().to_string(),
        statistic: Some(statistic),
        p_value: p_value(statistic, reference, alternative),
        df: reference.df(),
        n,
        distribution: reference.label().to_string(),
        note: note.into(),
        correlation: None,
    }
}

/// `stat` with the `rbar` its Kolari–Pynnönen adjustment used.
pub(super) fn with_rho(stat: TestStat, rho: &CrossCorrelation) -> TestStat {
    TestStat {
        correlation: Some(*rho),
        ..stat
    }
}

/// `numerator / denominator` as a finished statistic, or `zero_variance` when the
/// denominator is zero or not finite.
pub(super) fn ratio(
    kind: TestKind,
    n: usize,
    reference: Reference,
    numerator: f64,
    denominator: f64,
    alternative: Alternative,
) -> TestStat {
    if !(denominator.is_finite() && denominator > 0.0) {
        return missing(kind, n, reference, "zero_variance");
    }
    finish(kind, n, reference, numerator / denominator, alternative, "")
}

/// The one-sample t of §5.1 on `x`: `sqrt(n) mean / sd`, `t(n - 1)`; `n < 2` or `sd = 0`
/// give a missing statistic.
pub(super) fn one_sample_t(kind: TestKind, x: &[f64], alternative: Alternative) -> TestStat {
    let n = x.len();
    let reference = Reference::StudentT(n.saturating_sub(1) as f64);
    match (mean(x), sd(x)) {
        (Some(m), Some(s)) => ratio(kind, n, reference, (n as f64).sqrt() * m, s, alternative),
        _ => missing(kind, n, reference, "n<2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// The first-guess lookup finds what the binary search finds: contiguous days, gaps,
    /// repeated days, days outside the rows.
    #[test]
    fn day_row_is_the_first_row_of_the_day() {
        let layouts: [&[i32]; 6] = [
            &[-5, -4, -3, -2, -1, 0, 1, 2],
            &[-5, -3, -2, 0, 1, 4],
            &[-2, -1, -1, 0, 0, 0, 3],
            &[0],
            &[],
            &[-250, -249, -11, -10, 0, 10],
        ];
        for rel in layouts {
            let ev = EventSeries {
                rel_day: rel.to_vec(),
                ..EventSeries::default()
            };
            for day in -260..15 {
                let row = rel.partition_point(|&d| d < day);
                let want = (rel.get(row) == Some(&day)).then_some(row);
                assert_eq!(day_row(&ev, day), want, "{rel:?} day {day}");
            }
        }
    }

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(
            average_ranks(&[3.0, 1.0, 3.0, 2.0]),
            vec![3.5, 1.0, 3.5, 2.0]
        );
    }

    #[test]
    fn two_sided_normal_p_of_1_96_is_five_percent() {
        let p = p_value(
            1.959_963_984_540_054,
            Reference::Normal,
            Alternative::TwoSided,
        )
        .unwrap();
        assert_relative_eq!(p, 0.05, max_relative = 1e-9);
    }

    #[test]
    fn one_sided_p_values_split_the_two_sided_one() {
        let r = Reference::StudentT(4.0);
        let less = p_value(-2.0, r, Alternative::Less).unwrap();
        let greater = p_value(-2.0, r, Alternative::Greater).unwrap();
        let two = p_value(-2.0, r, Alternative::TwoSided).unwrap();
        assert_relative_eq!(less + greater, 1.0, max_relative = 1e-12);
        assert_relative_eq!(2.0 * less, two, max_relative = 1e-12);
    }

    #[test]
    fn by_day_covers_the_days_seen_and_clips_ranges() {
        let mut days: ByDay<usize> = ByDay::covering([-3, 2, 0]);
        *days.slot_mut(-3) += 1;
        *days.slot_mut(2) += 5;
        assert_eq!(days.slots(), &[1, 0, 0, 0, 0, 5]);
        assert_eq!(
            (days.range(1, 9), days.range(-9, -3)),
            (&[0, 5][..], &[1][..])
        );
        assert!(days.range(3, 9).is_empty() && days.get(3).is_none());
    }

    #[test]
    fn sample_sd_of_one_two_three_is_one() {
        assert_relative_eq!(sd(&[1.0, 2.0, 3.0]).unwrap(), 1.0);
        assert!(sd(&[1.0]).is_none());
    }
}
