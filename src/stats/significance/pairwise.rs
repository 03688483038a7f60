//! The pairs behind `rbar` (METHODS-SPEC §5.5): every event's estimation ARs laid out
//! densely over its calendar range, a sweep in calendar order that visits only the pairs
//! whose ranges share `min_common` dates, and a kernel that correlates several pairs of one
//! event side by side (independent sums, so the CPU overlaps them).
//!
//! Each pair's arithmetic is exactly the two-pass, pairwise-complete definition over its
//! common dates, in calendar order:
//!
//! ```text
//! n, mx = (sum x) / n, my = (sum y) / n        (sums start at -0.0, like Iterator::sum)
//! r = sum (x-mx)(y-my) / sqrt( sum (x-mx)^2 * sum (y-my)^2 )
//! ```
//!
//! so a correlation does not depend on the pairs it is batched with. Dates where either AR
//! is missing are skipped; every date of a batch where all values are present (~all of them)
//! runs through a branch-free loop over the lanes.

use std::ops::Range;

use super::common::estimation_rows;
use crate::stats::cross_section::EventSeries;

/// Pairs correlated side by side.
const LANES: usize = 4;

/// Every event's estimation ARs in calendar time.
pub(super) struct Calendar {
    /// All events' values over their calendar ranges, back to back; `NaN` where missing.
    values: Vec<f64>,
    /// All events' missing dates inside their ranges, back to back, ascending.
    gaps: Vec<i64>,
    /// Per event; `None` without a present estimation AR.
    extents: Vec<Option<Extent>>,
    /// Events with an extent, by first date (then by index).
    by_first: Vec<usize>,
    /// First date of `by_first[k]`, for binary searches.
    firsts: Vec<i64>,
    /// Longest range, in calendar positions.
    longest: i64,
}

/// Where one event's data sit in [`Calendar`].
#[derive(Debug, Clone, Copy)]
struct Extent {
    /// First and last present calendar position.
    first: i64,
    last: i64,
    /// Start of its values.
    offset: usize,
    /// Its missing dates: `gaps[gap_from..gap_to]`.
    gap_from: usize,
    gap_to: usize,
}

impl Calendar {
    pub(super) fn new(events: &[&EventSeries]) -> Self {
        let (mut values, mut gaps) = (Vec::new(), Vec::new());
        let extents: Vec<Option<Extent>> = events
            .iter()
            .map(|ev| {
                let series = estimation_series(ev);
                let (&(first, _), &(last, _)) = series.first().zip(series.last())?;
                let offset = values.len();
                values.resize(offset + (last - first + 1) as usize, f64::NAN);
                for (cal, v) in series {
                    values[offset + (cal - first) as usize] = v;
                }
                let gap_from = gaps.len();
                gaps.extend(
                    (first..=last).filter(|&cal| values[offset + (cal - first) as usize].is_nan()),
                );
                Some(Extent {
                    first,
                    last,
                    offset,
                    gap_from,
                    gap_to: gaps.len(),
                })
            })
            .collect();
        let first = |i: usize| extents[i].map_or(0, |e| e.first);
        let mut by_first: Vec<usize> = (0..extents.len())
            .filter(|&i| extents[i].is_some())
            .collect();
        by_first.sort_by_key(|&i| (first(i), i));
        let firsts = by_first.iter().map(|&i| first(i)).collect();
        let longest = extents.iter().flatten().map(|e| e.last - e.first + 1).max();
        Calendar {
            values,
            gaps,
            extents,
            by_first,
            firsts,
            longest: longest.unwrap_or(0),
        }
    }

    fn values(&self, e: Extent) -> &[f64] {
        &self.values[e.offset..=e.offset + (e.last - e.first) as usize]
    }

    fn gaps(&self, e: Extent) -> &[i64] {
        &self.gaps[e.gap_from..e.gap_to]
    }

    /// `(j, r_ij)` of every qualifying pair of event `i` with a later event `j` (at least
    /// `max(min_common, 2)` common dates, neither series constant on them), ascending in `j`.
    pub(super) fn correlations_after(
        &self,
        i: usize,
        min_common: usize,
        out: &mut Vec<(usize, f64)>,
    ) {
        out.clear();
        let Some(a) = self.extents[i] else {
            return;
        };
        // A pair needs `need` common dates, so the later event's first date lies in [lo, hi].
        let need = min_common.max(2);
        let lo = a.first + need as i64 - self.longest;
        let hi = a.last - need as i64 + 1;
        let from = self.firsts.partition_point(|&f| f < lo);
        let to = self.firsts.partition_point(|&f| f <= hi).max(from);
        let mut lanes: Vec<(usize, Lane<'_>)> = Vec::new();
        for &j in &self.by_first[from..to] {
            let Some(b) = self.extents[j].filter(|_| j > i) else {
                continue;
            };
            let (start, end) = (a.first.max(b.first), a.last.min(b.last));
            if end - start + 1 < need as i64 {
                continue;
            }
            let y = &self.values(b)[(start - b.first) as usize..=(end - b.first) as usize];
            let gaps = self.gaps(b);
            lanes.push((j, Lane { start, y, gaps }));
        }
        let (x, x_gaps) = (self.values(a), self.gaps(a));
        let mut chunks = lanes.chunks_exact(LANES);
        for chunk in chunks.by_ref() {
            let batch: Batch<'_, LANES> = Batch {
                x,
                x_first: a.first,
                x_gaps,
                lanes: std::array::from_fn(|l| chunk[l].1),
            };
            let r = batch.correlations(need);
            out.extend(chunk.iter().zip(r).filter_map(|(&(j, _), r)| Some((j, r?))));
        }
        for &(j, lane) in chunks.remainder() {
            let batch = Batch {
                x,
                x_first: a.first,
                x_gaps,
                lanes: [lane],
            };
            if let [Some(r)] = batch.correlations(need) {
                out.push((j, r));
            }
        }
        out.sort_unstable_by_key(|&(j, _)| j);
    }
}

/// `(cal_idx, AR)` of the present estimation rows, sorted by calendar position.
fn estimation_series(event: &EventSeries) -> Vec<(i64, f64)> {
    let mut out: Vec<(i64, f64)> = estimation_rows(event)
        .filter_map(|r| {
            let cal = event.cal_at(r)?;
            event.ar_at(r).map(|v| (cal, v))
        })
        .collect();
    out.sort_by_key(|&(cal, _)| cal);
    out
}

/// One pair's overlap: the later event's ARs `y` on the dates `start..start + y.len()`, and
/// that event's missing dates.
#[derive(Debug, Clone, Copy)]
struct Lane<'s> {
    start: i64,
    y: &'s [f64],
    gaps: &'s [i64],
}

impl Lane<'_> {
    fn end(self) -> i64 {
        self.start + self.y.len() as i64
    }
}

/// Pairs of one earlier event `x` (dense from `x_first`) with `L` later events.
struct Batch<'s, const L: usize> {
    x: &'s [f64],
    x_first: i64,
    x_gaps: &'s [i64],
    lanes: [Lane<'s>; L],
}

/// What a pass adds up over the common dates of each lane.
trait Accumulate<const L: usize> {
    /// Date `(x, y)` of lane `l`; skipped when either is missing.
    fn one(&mut self, l: usize, x: f64, y: f64);
    /// Consecutive dates present in every lane: `xs[k]` with `ys[l][k]`.
    fn clean(&mut self, xs: &[f64], ys: [&[f64]; L]);
}

impl<'s, const L: usize> Batch<'s, L> {
    fn correlations(&self, need: usize) -> [Option<f64>; L] {
        let mid_from = self.lanes.iter().map(|l| l.start).max().unwrap_or(0);
        let mid_to = self.lanes.iter().map(|l| l.end()).min().unwrap_or(0);
        let missing = self.missing_in(mid_from, mid_to);
        let mut sums = Sums::<L>::new();
        self.visit(mid_from..mid_to, &missing, &mut sums);
        let mut products = Products::new(&sums);
        self.visit(mid_from..mid_to, &missing, &mut products);
        std::array::from_fn(|l| {
            if sums.n[l] < need {
                return None;
            }
            let (xy, xx, yy) = (products.xy[l], products.xx[l], products.yy[l]);
            let r = xy / (xx * yy).sqrt();
            (xx > 0.0 && yy > 0.0 && r.is_finite()).then_some(r.clamp(-1.0, 1.0))
        })
    }

    fn x_at(&self, cal: i64) -> f64 {
        self.x[(cal - self.x_first) as usize]
    }

    /// Every lane's dates in calendar order: its head (before `mid`, the dates all lanes
    /// share), the shared middle (runs without a missing value all lanes together, the
    /// `missing` dates lane by lane), its tail.
    fn visit(&self, mid: Range<i64>, missing: &[i64], acc: &mut impl Accumulate<L>) {
        let y_at = |l: usize, cal: i64| self.lanes[l].y[(cal - self.lanes[l].start) as usize];
        let Range {
            start: mid_from,
            end: mid_to,
        } = mid;
        let head_to: [i64; L] = std::array::from_fn(|l| mid_from.min(self.lanes[l].end()));
        for (l, lane) in self.lanes.iter().enumerate() {
            for cal in lane.start..head_to[l] {
                acc.one(l, self.x_at(cal), y_at(l, cal));
            }
        }
        if mid_from < mid_to {
            let mut from = mid_from;
            for d in missing.iter().copied().chain([mid_to]) {
                if from < d {
                    let xs = &self.x[(from - self.x_first) as usize..(d - self.x_first) as usize];
                    let ys = std::array::from_fn(|l| {
                        let lane = self.lanes[l];
                        &lane.y[(from - lane.start) as usize..(d - lane.start) as usize]
                    });
                    acc.clean(xs, ys);
                }
                if d < mid_to {
                    for l in 0..L {
                        acc.one(l, self.x_at(d), y_at(l, d));
                    }
                }
                from = d + 1;
            }
        }
        for (l, lane) in self.lanes.iter().enumerate() {
            for cal in mid_to.max(head_to[l])..lane.end() {
                acc.one(l, self.x_at(cal), y_at(l, cal));
            }
        }
    }

    /// Dates in `[from, to)` where `x` or some lane's `y` is missing, ascending, unique.
    fn missing_in(&self, from: i64, to: i64) -> Vec<i64> {
        let within = |gaps: &'s [i64]| {
            let lo = gaps.partition_point(|&g| g < from);
            let hi = gaps.partition_point(|&g| g < to).max(lo);
            &gaps[lo..hi]
        };
        let mut out: Vec<i64> = within(self.x_gaps).to_vec();
        for lane in &self.lanes {
            out.extend_from_slice(within(lane.gaps));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Per lane: common dates, sum of `x`, sum of `y`.
struct Sums<const L: usize> {
    n: [usize; L],
    x: [f64; L],
    y: [f64; L],
}

impl<const L: usize> Sums<L> {
    fn new() -> Self {
        Sums {
            n: [0; L],
            x: [-0.0; L],
            y: [-0.0; L],
        }
    }
}

impl<const L: usize> Accumulate<L> for Sums<L> {
    #[inline]
    fn one(&mut self, l: usize, x: f64, y: f64) {
        if !(x.is_nan() || y.is_nan()) {
            self.n[l] += 1;
            self.x[l] += x;
            self.y[l] += y;
        }
    }

    #[inline]
    fn clean(&mut self, xs: &[f64], ys: [&[f64]; L]) {
        // Locals, not fields: the sums stay in registers across the loop.
        let (mut sx, mut sy) = (self.x, self.y);
        let ys = ys.map(|y| &y[..xs.len()]);
        for (k, &x) in xs.iter().enumerate() {
            for l in 0..L {
                sx[l] += x;
                sy[l] += ys[l][k];
            }
        }
        (self.x, self.y) = (sx, sy);
        for n in &mut self.n {
            *n += xs.len();
        }
    }
}

/// Per lane: the means and the centered cross products over the common dates.
struct Products<const L: usize> {
    mx: [f64; L],
    my: [f64; L],
    xy: [f64; L],
    xx: [f64; L],
    yy: [f64; L],
}

impl<const L: usize> Products<L> {
    fn new(sums: &Sums<L>) -> Self {
        Products {
            mx: std::array::from_fn(|l| sums.x[l] / sums.n[l] as f64),
            my: std::array::from_fn(|l| sums.y[l] / sums.n[l] as f64),
            xy: [0.0; L],
            xx: [0.0; L],
            yy: [0.0; L],
        }
    }
}

impl<const L: usize> Accumulate<L> for Products<L> {
    #[inline]
    fn one(&mut self, l: usize, x: f64, y: f64) {
        if !(x.is_nan() || y.is_nan()) {
            let (dx, dy) = (x - self.mx[l], y - self.my[l]);
            self.xy[l] += dx * dy;
            self.xx[l] += dx * dx;
            self.yy[l] += dy * dy;
        }
    }

    #[inline]
    fn clean(&mut self, xs: &[f64], ys: [&[f64]; L]) {
        // Locals, not fields: the sums stay in registers across the loop.
        let (mx, my) = (self.mx, self.my);
        let (mut xy, mut xx, mut yy) = (self.xy, self.xx, self.yy);
        let ys = ys.map(|y| &y[..xs.len()]);
        for (k, &x) in xs.iter().enumerate() {
            for l in 0..L {
                let (dx, dy) = (x - mx[l], ys[l][k] - my[l]);
                xy[l] += dx * dy;
                xx[l] += dx * dx;
                yy[l] += dy * dy;
            }
        }
        (self.xy, self.xx, self.yy) = (xy, xx, yy);
    }
}
