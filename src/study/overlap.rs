//! Other events of the same ticker inside an event's estimation window (METHODS-SPEC §2.3):
//! counted per event and warned about once per study; the events are kept, as estudy2 and
//! Stata estudy keep them.

use std::collections::HashMap;

use crate::config::StudyConfig;
use crate::result::EventResult;

/// Count, per event, other events of the same ticker whose event window overlaps its
/// estimation window (METHODS-SPEC §2.3), and warn once per study.
pub(super) fn count_overlaps(
    events: &mut [EventResult],
    cfg: &StudyConfig,
    warnings: &mut Vec<String>,
) {
    let spans: Vec<(String, i64, i64, i64, i64)> = events
        .iter()
        .map(|e| {
            let s = &e.series;
            let est_lo = s.cal_at(0).unwrap_or(0);
            let est_hi = s
                .n_est_rows
                .checked_sub(1)
                .and_then(|r| s.cal_at(r))
                .unwrap_or(-1);
            let (w_lo, w_hi) = if s.rel_day.len() > s.n_est_rows {
                (s.cal_at(s.n_est_rows), s.cal_at(s.rel_day.len() - 1))
            } else {
                (None, None)
            };
            (
                e.ticker.clone(),
                est_lo,
                est_hi,
                w_lo.unwrap_or(0),
                w_hi.unwrap_or(0),
            )
        })
        .collect();
    let counts = overlap_counts(&spans);
    let mut total = 0;
    for (e, n) in events.iter_mut().zip(counts) {
        e.n_overlapping_other_events = n;
        total += usize::from(n > 0);
    }
    if total > 0 {
        warnings.push(format!(
            "{total} events have another event of the same ticker inside their estimation window {} (kept, as estudy2 and Stata estudy do; see n_overlapping_other_events in events.csv)",
            cfg.estimation
        ));
    }
}

/// One event: ticker, estimation window first and last calendar index, event window first
/// and last.
type Span = (String, i64, i64, i64, i64);

/// Per event, the other events of its ticker whose event window meets its estimation window.
///
/// Per ticker, the event windows' first and last days, sorted: the windows that meet
/// `[lo, hi]` are those starting on or before `hi` less those ending before `lo` (a window
/// that ends before `lo` starts before it too), so each count is two binary searches
/// (O(N log N) in all; #13: this was a scan of all pairs).
fn overlap_counts(spans: &[Span]) -> Vec<usize> {
    type Windows = (Vec<i64>, Vec<i64>, Vec<(i64, i64)>);
    let mut by_ticker: HashMap<&str, Windows> = HashMap::new();
    for (t, _, _, wl, wh) in spans {
        let entry = by_ticker.entry(t.as_str()).or_default();
        entry.0.push(*wl);
        entry.1.push(*wh);
        entry.2.push((*wl, *wh));
    }
    for (starts, ends, _) in by_ticker.values_mut() {
        starts.sort_unstable();
        ends.sort_unstable();
    }
    spans
        .iter()
        .map(|(t, lo, hi, wl, wh)| {
            let (starts, ends, windows) = &by_ticker[t.as_str()];
            let meeting = if lo <= hi {
                starts.partition_point(|&s| s <= *hi) - ends.partition_point(|&x| x < *lo)
            } else {
                // No estimation row: count directly.
                windows.iter().filter(|(a, b)| a <= hi && b >= lo).count()
            };
            meeting - usize::from(wl <= hi && wh >= lo)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_counts_equal_a_scan_of_all_pairs() {
        let mut x: u64 = 7;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 33) % m) as i64
        };
        let spans: Vec<Span> = (0..400)
            .map(|_| {
                let t = format!("T{}", next(7));
                let day0 = next(2000);
                let (lo, hi) = (day0 - 250, day0 - 11 - next(3) * 200);
                (t, lo, hi, day0 - next(11), day0 + next(11))
            })
            .collect();
        let slow: Vec<usize> = spans
            .iter()
            .enumerate()
            .map(|(i, (t, lo, hi, _, _))| {
                spans
                    .iter()
                    .enumerate()
                    .filter(|(j, (u, _, _, wl, wh))| *j != i && u == t && wl <= hi && wh >= lo)
                    .count()
            })
            .collect();
        assert_eq!(overlap_counts(&spans), slow);
        assert!(slow.iter().sum::<usize>() > 100);
    }
}
