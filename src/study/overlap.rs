//! Other events of the same ticker inside an event's estimation window (METHODS-SPEC §2.3):
//! counted per event and warned about once per study; the events are kept, as estudy2 and
//! Stata estudy keep them.

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
            let est_lo = s.cal_idx.first().copied().unwrap_or(0);
            let est_hi = s.cal_idx[..s.n_est_rows].last().copied().unwrap_or(-1);
            let w = &s.cal_idx[s.n_est_rows..];
            (
                e.ticker.clone(),
                est_lo,
                est_hi,
                w.first().copied().unwrap_or(0),
                w.last().copied().unwrap_or(0),
            )
        })
        .collect();
    let mut total = 0;
    for (i, e) in events.iter_mut().enumerate() {
        let (t, lo, hi, _, _) = &spans[i];
        e.n_overlapping_other_events = spans
            .iter()
            .enumerate()
            .filter(|(j, (u, _, _, wl, wh))| *j != i && u == t && wl <= hi && wh >= lo)
            .count();
        total += usize::from(e.n_overlapping_other_events > 0);
    }
    if total > 0 {
        warnings.push(format!(
            "{total} events have another event of the same ticker inside their estimation window {} (kept, as estudy2 and Stata estudy do; see n_overlapping_other_events in events.csv)",
            cfg.estimation
        ));
    }
}
