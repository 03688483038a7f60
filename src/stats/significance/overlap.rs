//! The events of one test and the overlap of their windows in calendar time, the weights of
//! the overlap-weighted `rbar` (METHODS-SPEC §5.5; METHODS.md §4.9; Kolari, Pape & Pynnönen
//! 2018 `[KPP18]`):
//!
//! ```text
//! o_ij = |W_i ∩ W_j| / sqrt(L_i L_j)      W_i = the calendar positions of event i's window, L_i = |W_i|
//! ```
//!
//! For a CAR window `[t1, t2]` every `L_i = t2 - t1 + 1`, so `o_ij` is the number of trading
//! days the two windows share divided by the window length; for a single day, `o_ij = 1` on
//! the same calendar day and `0` otherwise. If the daily ARs of two events correlate `r_ij`
//! on the same calendar day and not across days, their CARs correlate `r_ij o_ij`.

use super::sample::Sample;

/// The calendar positions `first..=last` of one event's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CalendarWindow {
    pub(super) first: i64,
    pub(super) last: i64,
}

impl CalendarWindow {
    /// Relative days `(from, to)` of an event whose day 0 is at calendar position `day0`.
    pub(super) fn around(day0: i64, (from, to): (i32, i32)) -> Self {
        CalendarWindow {
            first: day0 + i64::from(from),
            last: day0 + i64::from(to),
        }
    }

    fn len(self) -> i64 {
        (self.last - self.first + 1).max(0)
    }

    /// `o_ij`: common positions over `sqrt(L_i L_j)`; exactly `1` for equal windows.
    pub(super) fn overlap(self, other: CalendarWindow) -> f64 {
        let common = self.last.min(other.last) - self.first.max(other.first) + 1;
        if common <= 0 {
            return 0.0;
        }
        common as f64 / ((self.len() * other.len()) as f64).sqrt()
    }
}

/// The events of one test (day, CAR window or `CAR_free`) and each one's window on the
/// calendar: the pairs of its `rbar`.
///
/// A member's window on the calendar is its day 0 plus its relative window; the relative
/// windows are held once when the members share one (every day and CAR window), so a target
/// costs 8 bytes per member instead of 24 (at 100,000 events the study's ~80 targets held
/// ~130 MB of per-member calendar windows, #13).
#[derive(Debug, Clone)]
pub struct Target {
    /// Positions in the sample, ascending.
    pub(super) members: Vec<usize>,
    /// The members' relative windows.
    days: Days,
    /// Two members whose days 0 are `reach` or more positions apart have windows that do
    /// not meet: the longest window plus the spread of the windows' starts in relative days.
    pub(super) reach: i64,
    /// Whether the calendar `rbar` is wanted too (it needs every pair, not only those whose
    /// windows meet).
    pub(super) calendar: bool,
}

/// The relative windows `(from, to)` of a target's members.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Days {
    /// One window for every member.
    Shared(i32, i32),
    /// Per member (`CAR_free`, whose windows end on each event's first free day).
    Each(Vec<(i32, i32)>),
}

impl Target {
    /// The events `members` of a sample (positions, ascending), the `k`-th of them over its
    /// relative days `days(k) = (from, to)`; relative day `t` of an event is calendar
    /// position `day 0 + t`.
    pub fn new(members: Vec<usize>, days: impl Fn(usize) -> (i32, i32)) -> Self {
        let each: Vec<(i32, i32)> = (0..members.len()).map(days).collect();
        let days = match each.first() {
            Some(&first) if each.iter().any(|&d| d != first) => Days::Each(each),
            Some(&(from, to)) => Days::Shared(from, to),
            None => Days::Shared(0, 0),
        };
        Target::with_days(members, days)
    }

    /// Every member over the same relative days `[from, to]`.
    pub fn shared(members: Vec<usize>, from: i32, to: i32) -> Self {
        Target::with_days(members, Days::Shared(from, to))
    }

    fn with_days(members: Vec<usize>, days: Days) -> Self {
        let (lo, hi, longest) = match &days {
            Days::Shared(from, to) => (*from, *from, i64::from(*to) - i64::from(*from) + 1),
            Days::Each(each) => {
                each.iter()
                    .fold((i32::MAX, i32::MIN, 0), |(lo, hi, longest), &(from, to)| {
                        let len = i64::from(to) - i64::from(from) + 1;
                        (lo.min(from), hi.max(from), longest.max(len))
                    })
            }
        };
        let reach = if members.is_empty() {
            0
        } else {
            longest.max(0) + (i64::from(hi) - i64::from(lo)).max(0)
        };
        Target {
            members,
            days,
            reach,
            calendar: false,
        }
    }

    /// The same target, with the calendar `rbar` summed too.
    #[must_use]
    pub fn with_calendar(self) -> Self {
        Target {
            calendar: true,
            ..self
        }
    }

    /// Every event of `sample` over the same relative days `[from, to]`.
    pub fn all(sample: &Sample<'_>, from: i32, to: i32) -> Self {
        Target::shared((0..sample.len()).collect(), from, to)
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the test has no event.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The relative window every member shares, if they share one.
    pub(super) fn shared_days(&self) -> Option<(i32, i32)> {
        match self.days {
            Days::Shared(from, to) => Some((from, to)),
            Days::Each(_) => None,
        }
    }

    /// The `k`-th member's window on the calendar, its day 0 being `day0`.
    pub(super) fn window(&self, k: usize, day0: i64) -> CalendarWindow {
        let days = match &self.days {
            Days::Shared(from, to) => (*from, *to),
            Days::Each(each) => each[k],
        };
        CalendarWindow::around(day0, days)
    }

    /// Every member's window on the calendar, given each sample event's day 0.
    pub(super) fn windows(&self, day0s: &[i64]) -> Vec<CalendarWindow> {
        (self.members.iter().enumerate())
            .map(|(k, &i)| self.window(k, day0s[i]))
            .collect()
    }
}

/// Calendar position of an event's day 0 (relative day `t` is at `day 0 + t`).
pub(super) fn day0(ev: &crate::stats::cross_section::EventSeries) -> i64 {
    ev.day0_cal
}

/// What the pairs of a target are, before any correlation: how many, how many of them have
/// windows that meet, and the sum of their `o_ij`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Geometry {
    pub(super) pairs: usize,
    pub(super) meeting: usize,
    pub(super) sum_overlap: f64,
}

/// The [`Geometry`] of `windows`. Windows of one length (every day and CAR window) take
/// `O(N log N)` with exact integer sums; windows of different lengths (`CAR_free`) visit the
/// pairs that meet.
pub(super) fn geometry(windows: &[CalendarWindow]) -> Geometry {
    let n = windows.len();
    let mut sorted = windows.to_vec();
    sorted.sort_by_key(|w| (w.first, w.last));
    let pairs = n * n.saturating_sub(1) / 2;
    let Some(len) = sorted.first().map(|w| w.len()) else {
        return Geometry::default();
    };
    if len > 0 && sorted.iter().all(|w| w.len() == len) {
        // Pairs k < k' with d = first_k' - first_k < L share L - d positions.
        let (mut meeting, mut common, mut lo, mut prefix) = (0usize, 0i128, 0usize, vec![0i128]);
        for w in &sorted {
            prefix.push(prefix[prefix.len() - 1] + i128::from(w.first));
        }
        for (k, w) in sorted.iter().enumerate() {
            while w.first - sorted[lo].first >= len {
                lo += 1;
            }
            let count = (k - lo) as i128;
            meeting += k - lo;
            common += count * i128::from(len - w.first) + (prefix[k] - prefix[lo]);
        }
        return Geometry {
            pairs,
            meeting,
            sum_overlap: common as f64 / len as f64,
        };
    }
    let (mut meeting, mut sum_overlap) = (0, 0.0);
    for (k, w) in sorted.iter().enumerate() {
        for other in sorted[k + 1..].iter().take_while(|o| o.first <= w.last) {
            let o = w.overlap(*other);
            if o > 0.0 {
                meeting += 1;
                sum_overlap += o;
            }
        }
    }
    Geometry {
        pairs,
        meeting,
        sum_overlap,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn w(first: i64, last: i64) -> CalendarWindow {
        CalendarWindow { first, last }
    }

    #[test]
    fn overlap_is_common_days_over_the_window_length() {
        assert_eq!(w(0, 4).overlap(w(0, 4)), 1.0);
        assert_relative_eq!(w(0, 4).overlap(w(2, 6)), 0.6);
        assert_eq!(w(0, 4).overlap(w(5, 9)), 0.0);
        // one day: same calendar day or nothing
        assert_eq!(
            (w(3, 3).overlap(w(3, 3)), w(3, 3).overlap(w(4, 4))),
            (1.0, 0.0)
        );
        // different lengths: 2 common days over sqrt(2 * 8)
        assert_relative_eq!(w(0, 1).overlap(w(0, 7)), 0.5);
    }

    #[test]
    fn geometry_of_equal_windows_matches_visiting_every_pair() {
        let windows = [w(0, 4), w(2, 6), w(2, 6), w(4, 8), w(20, 24), w(-3, 1)];
        let mut slow = Geometry {
            pairs: 15,
            ..Geometry::default()
        };
        for (k, a) in windows.iter().enumerate() {
            for b in &windows[k + 1..] {
                let o = a.overlap(*b);
                slow.meeting += usize::from(o > 0.0);
                slow.sum_overlap += o;
            }
        }
        let fast = geometry(&windows);
        assert_eq!((fast.pairs, fast.meeting), (slow.pairs, slow.meeting));
        assert_relative_eq!(fast.sum_overlap, slow.sum_overlap, max_relative = 1e-12);
        // A-B, A-C, A-D, A-F, B-C, B-D, C-D: 3/5 + 3/5 + 1/5 + 2/5 + 1 + 3/5 + 3/5
        assert_eq!(fast.meeting, 7);
        assert_relative_eq!(fast.sum_overlap, 4.0, max_relative = 1e-12);
    }

    #[test]
    fn a_target_holds_a_shared_window_once_and_gives_each_members_calendar_window() {
        let day0s = [10, 12, 30];
        let same = Target::new(vec![0, 2], |_| (-1, 3));
        assert_eq!(same.shared_days(), Some((-1, 3)));
        assert_eq!(same.windows(&day0s), [w(9, 13), w(29, 33)]);
        assert_eq!(same.reach, 5);
        let each = Target::new(vec![0, 1, 2], |k| [(0, 2), (0, 0), (-1, 4)][k]);
        assert_eq!(each.shared_days(), None);
        assert_eq!(each.windows(&day0s), [w(10, 12), w(12, 12), w(29, 34)]);
        // longest window (6) plus the spread of the starts (0 - -1)
        assert_eq!(each.reach, 7);
        assert_eq!(Target::new(Vec::new(), |_| (0, 5)).reach, 0);
    }

    #[test]
    fn geometry_of_unequal_windows_visits_the_pairs_that_meet() {
        let g = geometry(&[w(0, 1), w(0, 7), w(9, 9)]);
        assert_eq!((g.pairs, g.meeting), (3, 1));
        assert_relative_eq!(g.sum_overlap, 0.5);
        assert_eq!(geometry(&[]), Geometry::default());
    }
}
