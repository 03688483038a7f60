//! Per-event limit summary: limit counts, runs from day 0, and the limit-adjusted CAR
//! (METHODS-SPEC §7.2, §7.3).
//!
//! On a day that closes at the limit the return is a bound, and the rest of the reaction comes
//! on later days `[KR97] [CRW05]`. Following the "equilibrium on the first free day" idea of
//! `[CG05]` (**DECISION**, §7.2):
//!
//! ```text
//! f          = first relative day t >= 0 that is a free day, searched over t = 0..=max_limit_run
//!              (suspended days do not end the search); none found: limit_run_censored
//! CAR_free   = sum_{t=0..f} AR_t            BHAR_free = prod(1 + R_t) - prod(1 + E[R_t])
//! post_k     = CAR(f+1, f+k)                continuation = sign(post_k) == sign(CAR_free)
//! window_adj = [tau1, max(tau2, f)]
//! ```
//!
//! Suspended days carry no AR and are skipped in these sums (under `--gaps span` the day after
//! the suspension carries the whole move); a missing AR on a traded day makes the sum missing
//! unless partial sums are allowed (§2.2 `--allow-partial-car`). `sar_free = CAR_free / S_CAR`
//! needs the fitted model and is left to the caller (window `[0, f]`, `L2 = f + 1`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::classify::{Direction, LimitDay, LimitState};

/// One relative day of an event: its limit facts and returns.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EventDay {
    /// Relative trading day (0 = event day).
    pub rel_day: i32,
    /// Limit classification of the day.
    pub limit: LimitDay,
    /// Abnormal return.
    pub ar: Option<f64>,
    /// Stock return.
    pub ret: Option<f64>,
    /// Normal (model) return.
    pub normal_ret: Option<f64>,
}

/// Settings of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLimitParams {
    /// First day of the event window.
    pub tau1: i32,
    /// Last day of the event window.
    pub tau2: i32,
    /// Last relative day searched for the first free day (`--max-limit-run`, default 20).
    pub max_limit_run: u32,
    /// Days after the free day in the continuation test (default 5).
    pub k: u32,
    /// Sum the available ARs when some are missing (`--allow-partial-car`).
    pub allow_partial_car: bool,
}

impl Default for EventLimitParams {
    fn default() -> Self {
        EventLimitParams {
            tau1: -10,
            tau2: 10,
            max_limit_run: 20,
            k: 5,
            allow_partial_car: false,
        }
    }
}

/// The per-event limit columns of METHODS-SPEC §7.3.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EventLimitSummary {
    /// Limit width on day 0, percent.
    pub limit_pct_day0: Option<f64>,
    /// Closes at the up limit in `[tau1, tau2]` (locks included).
    pub n_limit_up_close: u32,
    /// Closes at the down limit in `[tau1, tau2]` (locks included).
    pub n_limit_down_close: u32,
    /// Touches (either side) in `[tau1, tau2]`.
    pub n_touch: u32,
    /// One-price locks in `[tau1, tau2]`.
    pub n_one_price_lock: u32,
    /// Signed length of the limit-close run starting at day 0 (suspended days skipped).
    pub limit_run_day0: i32,
    /// First day in `[0, tau2]` closing at a limit.
    pub first_limit_day: Option<i32>,
    /// First free day `f >= 0`.
    pub first_free_day: Option<i32>,
    /// Date of `f`.
    pub first_free_date: Option<NaiveDate>,
    /// `max(tau2, f)`: end of the adjusted event window.
    pub window_adj_end: i32,
    /// `CAR(0, f)`.
    pub car_free: Option<f64>,
    /// ARs summed in `car_free`.
    pub n_ar_free: u32,
    /// `BHAR(0, f)`.
    pub bhar_free: Option<f64>,
    /// `CAR(f+1, f+k)`.
    pub post_free_car_k: Option<f64>,
    /// `sign(post_free_car_k) == sign(car_free)`; `None` when either is missing or zero.
    pub continuation: Option<bool>,
    /// No free day within `max_limit_run` (or before the data end).
    pub limit_run_censored: bool,
}

/// Summarises an event's rows, which run from `tau1` to the last available day, one per
/// relative day (rows after a missing relative day are ignored).
pub fn summarize_event(days: &[EventDay], params: &EventLimitParams) -> EventLimitSummary {
    let mut rows: Vec<&EventDay> = days.iter().collect();
    rows.sort_by_key(|d| d.rel_day);
    let from0: Vec<&EventDay> = rows
        .iter()
        .skip_while(|d| d.rel_day < 0)
        .enumerate()
        .take_while(|&(i, d)| d.rel_day == i as i32)
        .map(|(_, d)| *d)
        .collect();
    let mut s = EventLimitSummary {
        limit_pct_day0: from0.first().and_then(|d| d.limit.limit_pct),
        window_adj_end: params.tau2,
        ..EventLimitSummary::default()
    };
    for d in rows
        .iter()
        .filter(|d| (params.tau1..=params.tau2).contains(&d.rel_day))
    {
        let state = d.limit.state;
        match state.close_direction() {
            Some(Direction::Up) => s.n_limit_up_close += 1,
            Some(Direction::Down) => s.n_limit_down_close += 1,
            None => {}
        }
        s.n_one_price_lock += u32::from(matches!(state, LimitState::UpLock | LimitState::DownLock));
        s.n_touch += u32::from(matches!(state, LimitState::UpTouch | LimitState::DownTouch));
    }
    s.limit_run_day0 = run_from_day0(&from0);
    s.first_limit_day = from0
        .iter()
        .take_while(|d| d.rel_day <= params.tau2)
        .find(|d| d.limit.state.close_direction().is_some())
        .map(|d| d.rel_day);
    let free = from0
        .iter()
        .take_while(|d| d.rel_day <= params.max_limit_run as i32)
        .find(|d| d.limit.free_day);
    let Some(free) = free else {
        s.limit_run_censored = true;
        return s;
    };
    let f = free.rel_day;
    s.first_free_day = Some(f);
    s.first_free_date = Some(free.limit.date);
    s.window_adj_end = params.tau2.max(f);
    if let Some((car, n)) = sum_ar(&from0, 0, f, params.allow_partial_car) {
        (s.car_free, s.n_ar_free) = (Some(car), n);
    }
    s.bhar_free = bhar(&from0, f);
    s.post_free_car_k = sum_ar(&from0, f + 1, f + params.k as i32, false).map(|x| x.0);
    s.continuation = match (s.car_free, s.post_free_car_k) {
        (Some(c), Some(p)) if c != 0.0 && p != 0.0 => Some((c > 0.0) == (p > 0.0)),
        _ => None,
    };
    s
}

/// Limit-close days (closes and locks) in a slice, e.g. the estimation window
/// (`n_limit_days_estimation`: those returns are truncated).
pub fn count_limit_closes(days: &[LimitDay]) -> usize {
    days.iter().filter(|d| d.censored).count()
}

/// Signed run of same-direction limit closes from day 0; suspended days are skipped.
fn run_from_day0(from0: &[&EventDay]) -> i32 {
    let mut traded = from0
        .iter()
        .filter(|d| d.limit.state != LimitState::Suspended);
    let Some(dir) = traded.next().and_then(|d| d.limit.state.close_direction()) else {
        return 0;
    };
    let more = traded
        .take_while(|d| d.limit.state.close_direction() == Some(dir))
        .count();
    dir.sign() * (1 + more as i32)
}

/// Sum of ARs over traded days `from..=to` (rows `0..` in `from0`); `None` when a row is
/// missing, an AR is missing and partial sums are not allowed, or no AR was summed.
fn sum_ar(from0: &[&EventDay], from: i32, to: i32, partial: bool) -> Option<(f64, u32)> {
    let rows = from0.get(usize::try_from(from).ok()?..=usize::try_from(to).ok()?)?;
    let mut sum = 0.0;
    let mut n = 0;
    for d in rows
        .iter()
        .filter(|d| d.limit.state != LimitState::Suspended)
    {
        match d.ar {
            Some(ar) => (sum, n) = (sum + ar, n + 1),
            None if partial => {}
            None => return None,
        }
    }
    (n > 0).then_some((sum, n))
}

/// `prod(1 + R) - prod(1 + E[R])` over traded days `0..=f`; `None` if a return is missing.
fn bhar(from0: &[&EventDay], f: i32) -> Option<f64> {
    let rows = from0.get(..=usize::try_from(f).ok()?)?;
    let (mut actual, mut normal) = (1.0, 1.0);
    for d in rows
        .iter()
        .filter(|d| d.limit.state != LimitState::Suspended)
    {
        actual *= 1.0 + d.ret?;
        normal *= 1.0 + d.normal_ret?;
    }
    Some(actual - normal)
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
