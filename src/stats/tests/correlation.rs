//! Average cross-correlation `rbar` of the events' estimation-window abnormal returns, the
//! input of the Kolari–Pynnönen (2010) adjustments (METHODS-SPEC §5.5) `[KP10] [ESTUDY-STATA]`:
//!
//! ```text
//! rbar = mean over qualifying pairs (i < j) of corr(AR_i, AR_j)
//! ```
//!
//! Residuals are aligned on **calendar** position (`cal_idx`), correlations use the
//! pairwise-complete dates (Pearson, each series demeaned over the common dates), and a pair
//! with fewer than `min_common` common dates, or with a constant series on them, is dropped.
//! With no qualifying pair `rbar = 0` (adjustment factor 1, as `[ES-R]`).

use serde::{Deserialize, Serialize};

use super::common::{estimation_rows, finite};
use super::sample::Sample;
use crate::stats::cross_section::EventSeries;

/// The average pairwise correlation and how many pairs it averages.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CrossCorrelation {
    /// Mean of the pairwise Pearson correlations; `0` when `n_pairs == 0`.
    pub rbar: f64,
    /// Number of pairs that entered the mean.
    pub n_pairs: usize,
}

impl CrossCorrelation {
    /// No correlation: the KP factors are 1.
    pub const ZERO: CrossCorrelation = CrossCorrelation {
        rbar: 0.0,
        n_pairs: 0,
    };
}

/// `rbar` of a whole sample and of the classes of some partitions of it (§5.5).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartitionedCorrelation {
    /// Over every pair of the sample.
    pub all: CrossCorrelation,
    /// `classes[p][c]`: over the pairs whose two events partition `p` puts in class `c`.
    pub classes: Vec<Vec<CrossCorrelation>>,
}

/// Average pairwise correlation of the events' estimation ARs in calendar time (§5.5).
///
/// A pair enters when the two events share at least `min_common` calendar dates with both
/// estimation ARs present and neither series is constant on those dates. Only pairs whose
/// date ranges overlap by `min_common` days are visited (events swept in calendar order),
/// so the cost is `O(N^2 L1)` only for a sample clustered in time.
pub fn cross_correlation(sample: &Sample<'_>, min_common: usize) -> CrossCorrelation {
    partitioned_cross_correlation(sample, min_common, &[]).all
}

/// [`cross_correlation`] of the whole sample and, from the same single pass over the pairs,
/// of every class of each partition: `partitions[p][i]` is the class of the sample's `i`-th
/// event in partition `p` (`None`: in no class). The `rbar` of a class equals
/// [`cross_correlation`] of a sample of just its events, bit for bit (same pairs, same
/// order of summation).
pub fn partitioned_cross_correlation(
    sample: &Sample<'_>,
    min_common: usize,
    partitions: &[&[Option<usize>]],
) -> PartitionedCorrelation {
    let calendar = Calendar::new(sample.events());
    let mut all = Mean::default();
    let mut classes: Vec<Vec<Mean>> = partitions
        .iter()
        .map(|labels| vec![Mean::default(); labels.iter().flatten().max().map_or(0, |m| m + 1)])
        .collect();
    let mut pairs = Vec::new();
    for i in 0..sample.len() {
        calendar.correlations_after(i, min_common, &mut pairs);
        for &(j, r) in &pairs {
            all.add(r);
            for (labels, means) in partitions.iter().zip(&mut classes) {
                let class = |k: usize| labels.get(k).copied().flatten();
                if let (Some(a), Some(b)) = (class(i), class(j))
                    && a == b
                {
                    means[a].add(r);
                }
            }
        }
    }
    PartitionedCorrelation {
        all: all.finish(),
        classes: classes
            .into_iter()
            .map(|c| c.into_iter().map(Mean::finish).collect())
            .collect(),
    }
}

/// Running sum of correlations, in pair order `(i, j)`, `i < j`.
#[derive(Debug, Clone, Copy, Default)]
struct Mean {
    sum: f64,
    n: usize,
}

impl Mean {
    fn add(&mut self, r: f64) {
        self.sum += r;
        self.n += 1;
    }

    fn finish(self) -> CrossCorrelation {
        if self.n == 0 {
            CrossCorrelation::ZERO
        } else {
            CrossCorrelation {
                rbar: self.sum / self.n as f64,
                n_pairs: self.n,
            }
        }
    }
}

/// Every event's estimation ARs laid out densely over its calendar range (first to last
/// present date; `NaN` where missing), so a pair is an indexed loop over the overlap.
struct Calendar {
    /// All events' dense values, back to back.
    values: Vec<f64>,
    /// Per event: where its values start in `values`, its first and last calendar
    /// positions; `None` without a present estimation AR.
    spans: Vec<Option<Extent>>,
    /// Events with a span, by first calendar position (then by index).
    by_first: Vec<usize>,
    /// `spans[by_first[k]].first`, for binary searches.
    firsts: Vec<i64>,
    /// Longest span, in calendar positions.
    longest: i64,
}

#[derive(Debug, Clone, Copy)]
struct Extent {
    offset: usize,
    first: i64,
    last: i64,
}

impl Extent {
    fn len(self) -> usize {
        (self.last - self.first + 1) as usize
    }
}

impl Calendar {
    fn new(events: &[&EventSeries]) -> Self {
        let mut values = Vec::new();
        let spans: Vec<Option<Extent>> = events
            .iter()
            .map(|ev| {
                let series = estimation_series(ev);
                let (&(first, _), &(last, _)) = series.first().zip(series.last())?;
                let offset = values.len();
                values.resize(offset + (last - first + 1) as usize, f64::NAN);
                for (cal, v) in series {
                    values[offset + (cal - first) as usize] = v;
                }
                Some(Extent {
                    offset,
                    first,
                    last,
                })
            })
            .collect();
        let mut by_first: Vec<usize> = (0..spans.len()).filter(|&i| spans[i].is_some()).collect();
        let first = |i: usize| spans[i].map_or(0, |s| s.first);
        by_first.sort_by_key(|&i| (first(i), i));
        let firsts = by_first.iter().map(|&i| first(i)).collect();
        let longest = spans.iter().flatten().map(|s| s.last - s.first + 1).max();
        Calendar {
            values,
            spans,
            by_first,
            firsts,
            longest: longest.unwrap_or(0),
        }
    }

    fn values(&self, span: Extent) -> &[f64] {
        &self.values[span.offset..span.offset + span.len()]
    }

    /// `(j, r_ij)` of every qualifying pair of `i` with a later event `j`, ascending in `j`.
    fn correlations_after(&self, i: usize, min_common: usize, out: &mut Vec<(usize, f64)>) {
        out.clear();
        let Some(a) = self.spans[i] else {
            return;
        };
        // A pair needs `need` common dates, so `first_j` lies in `[lo, hi]`.
        let need = min_common.max(2) as i64;
        let lo = a.first + need - self.longest;
        let hi = a.last - need + 1;
        let from = self.firsts.partition_point(|&f| f < lo);
        let to = self.firsts.partition_point(|&f| f <= hi);
        let mut lanes: Vec<(usize, Lane<'_>)> = Vec::new();
        for &j in &self.by_first[from..to.max(from)] {
            let Some(b) = self.spans[j].filter(|_| j > i) else {
                continue;
            };
            let start = a.first.max(b.first);
            let end = a.last.min(b.last);
            if end - start + 1 < need {
                continue;
            }
            let y = &self.values(b)[(start - b.first) as usize..=(end - b.first) as usize];
            lanes.push((j, Lane { start, y }));
        }
        let x = self.values(a);
        let need = need as usize;
        let mut chunks = lanes.chunks_exact(LANES);
        for chunk in chunks.by_ref() {
            let batch: [Lane<'_>; LANES] = std::array::from_fn(|l| chunk[l].1);
            let r = pearson(x, a.first, &batch, need);
            out.extend(chunk.iter().zip(r).filter_map(|(&(j, _), r)| Some((j, r?))));
        }
        for &(j, lane) in chunks.remainder() {
            if let [Some(r)] = pearson(x, a.first, &[lane], need) {
                out.push((j, r));
            }
        }
        out.sort_unstable_by_key(|&(j, _)| j);
    }
}

/// Pairs correlated together: their sums run side by side (independent chains), each in
/// calendar order exactly as a pair alone would.
const LANES: usize = 4;

/// One pair's overlap: the later event's ARs `y` on the dates `start..start + y.len()`.
#[derive(Debug, Clone, Copy)]
struct Lane<'s> {
    start: i64,
    y: &'s [f64],
}

/// `(n, sum x, sum y)` over the common dates; missing dates add `-0.0`, which leaves any
/// sum unchanged, so the sums equal the plain sums over the common dates (which start at
/// `-0.0`, as `Iterator::sum` does).
#[derive(Debug, Clone, Copy)]
struct Sums {
    n: usize,
    x: f64,
    y: f64,
}

impl Sums {
    const EMPTY: Sums = Sums {
        n: 0,
        x: -0.0,
        y: -0.0,
    };

    #[inline]
    fn add(&mut self, x: f64, y: f64) {
        let both = !(x.is_nan() || y.is_nan());
        self.n += usize::from(both);
        self.x += if both { x } else { -0.0 };
        self.y += if both { y } else { -0.0 };
    }
}

/// Centered cross products over the common dates.
#[derive(Debug, Clone, Copy)]
struct Products {
    mx: f64,
    my: f64,
    xy: f64,
    xx: f64,
    yy: f64,
}

impl Products {
    #[inline]
    fn add(&mut self, x: f64, y: f64) {
        let both = !(x.is_nan() || y.is_nan());
        let (dx, dy) = (x - self.mx, y - self.my);
        self.xy += if both { dx * dy } else { -0.0 };
        self.xx += if both { dx * dx } else { -0.0 };
        self.yy += if both { dy * dy } else { -0.0 };
    }
}

/// Pearson correlations of the earlier event's dense ARs `x` (first date `x_first`) with each
/// lane, pairwise complete: both series demeaned over their common dates; `None` with fewer
/// than `need` common dates or a constant series.
fn pearson<const L: usize>(
    x: &[f64],
    x_first: i64,
    lanes: &[Lane<'_>; L],
    need: usize,
) -> [Option<f64>; L] {
    // Each lane runs head, middle (the dates every lane shares, done side by side) and tail,
    // so its sums still go in calendar order.
    let mid_first = lanes.iter().map(|l| l.start).max().unwrap_or(0);
    let mid_end = lanes
        .iter()
        .map(|l| l.start + l.y.len() as i64)
        .min()
        .unwrap_or(0);
    let mid_len = (mid_end - mid_first).max(0) as usize;
    let head: [usize; L] =
        std::array::from_fn(|l| ((mid_first - lanes[l].start) as usize).min(lanes[l].y.len()));
    let xs = |l: usize| &x[(lanes[l].start - x_first) as usize..][..lanes[l].y.len()];
    let x_mid = &x[(mid_first - x_first).max(0) as usize..][..mid_len];
    let y_mid: [&[f64]; L] = std::array::from_fn(|l| &lanes[l].y[head[l]..head[l] + mid_len]);

    let mut sums = [Sums::EMPTY; L];
    for (l, s) in sums.iter_mut().enumerate() {
        for (&x, &y) in xs(l)[..head[l]].iter().zip(&lanes[l].y[..head[l]]) {
            s.add(x, y);
        }
    }
    for (k, &x) in x_mid.iter().enumerate() {
        for (s, y) in sums.iter_mut().zip(&y_mid) {
            s.add(x, y[k]);
        }
    }
    for (l, s) in sums.iter_mut().enumerate() {
        let tail = head[l] + mid_len;
        for (&x, &y) in xs(l)[tail..].iter().zip(&lanes[l].y[tail..]) {
            s.add(x, y);
        }
    }

    let mut prods: [Products; L] = std::array::from_fn(|l| {
        let count = sums[l].n as f64;
        Products {
            mx: sums[l].x / count,
            my: sums[l].y / count,
            xy: 0.0,
            xx: 0.0,
            yy: 0.0,
        }
    });
    for (l, p) in prods.iter_mut().enumerate() {
        for (&x, &y) in xs(l)[..head[l]].iter().zip(&lanes[l].y[..head[l]]) {
            p.add(x, y);
        }
    }
    for (k, &x) in x_mid.iter().enumerate() {
        for (p, y) in prods.iter_mut().zip(&y_mid) {
            p.add(x, y[k]);
        }
    }
    for (l, p) in prods.iter_mut().enumerate() {
        let tail = head[l] + mid_len;
        for (&x, &y) in xs(l)[tail..].iter().zip(&lanes[l].y[tail..]) {
            p.add(x, y);
        }
    }

    std::array::from_fn(|l| {
        if sums[l].n < need {
            return None;
        }
        let p = prods[l];
        let r = p.xy / (p.xx * p.yy).sqrt();
        (p.xx > 0.0 && p.yy > 0.0 && r.is_finite()).then_some(r.clamp(-1.0, 1.0))
    })
}

/// `(cal_idx, AR)` of the present estimation rows, sorted by calendar position.
fn estimation_series(event: &EventSeries) -> Vec<(i64, f64)> {
    let mut out: Vec<(i64, f64)> = estimation_rows(event)
        .filter_map(|r| {
            let cal = *event.cal_idx.get(r)?;
            finite(event.ar.get(r).copied().flatten()).map(|v| (cal, v))
        })
        .collect();
    out.sort_by_key(|&(cal, _)| cal);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::tests::fixtures::event;
    use approx::assert_relative_eq;

    #[test]
    fn identical_series_correlate_perfectly_and_negated_ones_negatively() {
        let ar: Vec<f64> = (0..40).map(|k| f64::from(k % 7) - 3.0).collect();
        let neg: Vec<f64> = ar.iter().map(|v| -v).collect();
        let evs = [
            event("a", &ar, &[], 0),
            event("b", &ar, &[], 0),
            event("c", &neg, &[], 0),
        ];
        let rho = cross_correlation(&Sample::new(&evs), 30);
        assert_eq!(rho.n_pairs, 3);
        // pairs: (a,b) = 1, (a,c) = -1, (b,c) = -1
        assert_relative_eq!(rho.rbar, -1.0 / 3.0, max_relative = 1e-12);
    }

    #[test]
    fn pairs_are_aligned_on_calendar_dates_not_relative_days() {
        // b is a shifted by 5 calendar days: same relative days, overlapping dates differ.
        let ar: Vec<f64> = (0..60).map(|k| f64::from((k * 37) % 11)).collect();
        let a = event("a", &ar, &[], 0);
        let b = event("b", &ar[5..], &[], 5);
        let rho = cross_correlation(&Sample::new(&[a, b]), 30);
        assert_eq!(rho.n_pairs, 1);
        assert_relative_eq!(rho.rbar, 1.0, max_relative = 1e-12);
    }

    #[test]
    fn pairs_with_too_few_common_dates_are_dropped_and_rbar_is_zero() {
        let ar: Vec<f64> = (0..40).map(|k| f64::from(k % 5)).collect();
        let a = event("a", &ar, &[], 0);
        let b = event("b", &ar, &[], 20); // 20 common dates < 30
        let rho = cross_correlation(&Sample::new(&[a, b]), 30);
        assert_eq!(rho, CrossCorrelation::ZERO);
    }
}
