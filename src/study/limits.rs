//! The limit step of the engine: from an event's classified days, fit and day figures to its
//! limit columns (METHODS-SPEC §7.2–§7.3), with `sar_free = CAR(0, f) / S_CAR(0, f)`.

use crate::config::{ReturnKind, StudyConfig};
use crate::limits::{EventDay, EventLimitParams, LimitDay, summarize_event};
use crate::models::{Fitted, Regressors};
use crate::result::EventLimits;
use crate::stats::event::{DayInput, DayStats};

/// The per-event limit columns from the days `ext` (window start to the extended end).
#[allow(clippy::too_many_arguments)]
pub(super) fn event_limits(
    cfg: &StudyConfig,
    fit: &Fitted,
    board: &'static str,
    ext: &[usize],
    days: &[DayInput],
    stats: &[DayStats],
    limit_at: &dyn Fn(usize) -> Option<LimitDay>,
    n_limit_days_estimation: usize,
) -> EventLimits {
    let rows: Vec<EventDay> = ext
        .iter()
        .zip(days)
        .zip(stats)
        .filter_map(|((&k, d), s)| {
            Some(EventDay {
                rel_day: d.rel_day,
                limit: limit_at(k)?,
                ar: s.ar,
                ret: d.ret.map(|r| simple(cfg, r)),
                normal_ret: s.normal_ret.map(|r| simple(cfg, r)),
            })
        })
        .collect();
    let params = EventLimitParams {
        tau1: cfg.window.from,
        tau2: cfg.window.to,
        max_limit_run: cfg.max_limit_run,
        k: cfg.post_free_days,
        allow_partial_car: cfg.allow_partial_car,
    };
    let summary = summarize_event(&rows, &params);
    let sar_free = summary
        .first_free_day
        .zip(summary.car_free)
        .and_then(|(f, car)| {
            let mut g = Regressors::default();
            let mut n = 0usize;
            for (d, _) in days
                .iter()
                .zip(stats)
                .filter(|(d, s)| (0..=f).contains(&d.rel_day) && s.ar.is_some())
            {
                if let Some(x) = &d.x {
                    g += x;
                    n += 1;
                }
            }
            (n > 0).then(|| car / (fit.sigma2() * fit.window_factor(&g)).sqrt())
        });
    EventLimits {
        limit_board: board.to_string(),
        summary,
        sar_free,
        n_limit_days_estimation,
        dropped_limit_days: cfg.drop_limit_days_in_estimation,
    }
}

fn simple(cfg: &StudyConfig, r: f64) -> f64 {
    match cfg.returns {
        ReturnKind::Simple => r,
        ReturnKind::Log => r.exp_m1(),
    }
}
