//! Per stock-day limit classification and limit-close runs (METHODS-SPEC §6.3, §7.3).
//!
//! Input: one stock's rows aligned to the market calendar (`None` = no bar: suspended, or not
//! listed yet). For each day: reference price (`prev_close` > raw previous close, §1.3), the
//! rule in force (§6.1), the limits in integer units (§6.2) and the state, with precedence
//!
//! ```text
//! suspended > no_limit > lock > close > touch > none        (unknown: see below)
//! ```
//!
//! * `up_lock`: `open == high == low == close == up` (一字板); `up_close`: `close == up`;
//!   `up_touch`: `max(high, close) >= up`, close not at the limit (checked before down).
//! * `unknown`: no rule or no reference price, or the close is inside the band but high/low
//!   are missing so a touch cannot be told.
//! * `censored` = close or lock at a limit (the return is a bound `[CH99]`); `free_day` =
//!   traded and (`no_limit` or `down < close < up`) `[CG05]`; `rule_mismatch` =
//!   `max(high, close) > up` or `min(low, close) < down` (data error or wrong rule/board/ST).
//! * Runs: maximal runs of same-direction limit closes over the stock's trading days;
//!   suspended days are skipped, not counted, and the run is flagged.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::board::Instrument;
use super::price::{LimitPrices, Pct, band_limits, pct_limits};
use super::rules::{Rule, RuleKind, RuleSet};
use crate::error::LimitsError;

/// One day's raw prices (on the exchange tick grid, not back-adjusted).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Bar {
    /// Opening price.
    pub open: Option<f64>,
    /// Day high.
    pub high: Option<f64>,
    /// Day low.
    pub low: Option<f64>,
    /// Closing price.
    pub close: f64,
    /// Exchange reference price (前收盘价; ex-right reference on ex-dates).
    pub prev_close: Option<f64>,
}

/// Limit state of a stock-day (METHODS-SPEC §7.3 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitState {
    /// Traded inside the band, touching neither limit.
    None,
    /// Closed at the up limit.
    UpClose,
    /// Closed at the down limit.
    DownClose,
    /// Reached the up limit intraday, closed below it.
    UpTouch,
    /// Reached the down limit intraday, closed above it.
    DownTouch,
    /// Open, high, low and close all at the up limit.
    UpLock,
    /// Open, high, low and close all at the down limit.
    DownLock,
    /// No limit applies (new-listing window, no-limit rule).
    NoLimit,
    /// No bar on a calendar day.
    Suspended,
    /// Cannot be told (no rule, no reference, or missing high/low).
    Unknown,
}

impl LimitState {
    /// The snake_case name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitState::None => "none",
            LimitState::UpClose => "up_close",
            LimitState::DownClose => "down_close",
            LimitState::UpTouch => "up_touch",
            LimitState::DownTouch => "down_touch",
            LimitState::UpLock => "up_lock",
            LimitState::DownLock => "down_lock",
            LimitState::NoLimit => "no_limit",
            LimitState::Suspended => "suspended",
            LimitState::Unknown => "unknown",
        }
    }

    /// The state in words, e.g. `closed limit-down (one-price lock)`.
    pub fn describe(self) -> &'static str {
        match self {
            LimitState::None => "traded inside the band",
            LimitState::UpClose => "closed limit-up",
            LimitState::DownClose => "closed limit-down",
            LimitState::UpTouch => "touched the up limit",
            LimitState::DownTouch => "touched the down limit",
            LimitState::UpLock => "closed limit-up (one-price lock)",
            LimitState::DownLock => "closed limit-down (one-price lock)",
            LimitState::NoLimit => "traded without a limit",
            LimitState::Suspended => "was suspended",
            LimitState::Unknown => "has an unknown limit state",
        }
    }

    /// Direction of a close at a limit (close or lock); `None` otherwise.
    pub fn close_direction(self) -> Option<Direction> {
        match self {
            LimitState::UpClose | LimitState::UpLock => Some(Direction::Up),
            LimitState::DownClose | LimitState::DownLock => Some(Direction::Down),
            _ => None,
        }
    }
}

impl fmt::Display for LimitState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Side of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Up limit.
    Up,
    /// Down limit.
    Down,
}

impl Direction {
    /// +1 for up, -1 for down.
    pub fn sign(self) -> i32 {
        match self {
            Direction::Up => 1,
            Direction::Down => -1,
        }
    }
}

/// Where the reference price came from (METHODS-SPEC §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefPriceSource {
    /// The input's exchange `prev_close`.
    PrevClose,
    /// The raw close of the previous trading row (warn: wrong on ex-dates).
    PreviousClose,
    /// No reference price.
    None,
}

impl RefPriceSource {
    /// Name used in output files.
    pub fn as_str(self) -> &'static str {
        match self {
            RefPriceSource::PrevClose => "prev_close",
            RefPriceSource::PreviousClose => "previous_close",
            RefPriceSource::None => "none",
        }
    }
}

/// The limit facts of one calendar day of one stock.
// The flags are the output columns of METHODS-SPEC §7.3; they combine freely.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LimitDay {
    /// Calendar date.
    pub date: NaiveDate,
    /// Reference price of the limits.
    pub ref_price: Option<f64>,
    /// Origin of `ref_price`.
    pub ref_price_source: RefPriceSource,
    /// Limit width in percent (10.0 = ±10%); `None` for band tables and no-limit days.
    pub limit_pct: Option<f64>,
    /// Up limit price.
    pub up_limit: Option<f64>,
    /// Down limit price.
    pub down_limit: Option<f64>,
    /// State.
    pub state: LimitState,
    /// Close at a limit: the observed return is a bound.
    pub censored: bool,
    /// Traded freely: no limit, or the close strictly inside the band.
    pub free_day: bool,
    /// Traded outside the band.
    pub rule_mismatch: bool,
    /// A price was not on the rule's unit grid (back-adjusted data?).
    pub off_grid: bool,
    /// Calendar days covered by the day's return: 1 (the caller sets more under `--gaps span`).
    pub return_span: u32,
    /// Signed length of the limit-close run holding this day (+ up, - down, 0 none).
    pub limit_run: i32,
    /// The run holding this day skips suspended days.
    pub run_spans_suspension: bool,
}

impl LimitDay {
    fn suspended(date: NaiveDate) -> LimitDay {
        LimitDay {
            date,
            ref_price: None,
            ref_price_source: RefPriceSource::None,
            limit_pct: None,
            up_limit: None,
            down_limit: None,
            state: LimitState::Suspended,
            censored: false,
            free_day: false,
            rule_mismatch: false,
            off_grid: false,
            return_span: 1,
            limit_run: 0,
            run_spans_suspension: false,
        }
    }
}

/// A maximal run of same-direction limit closes over a stock's trading days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitRun {
    /// Index of the first day (into the calendar-aligned rows).
    pub start: usize,
    /// Index of the last day, inclusive.
    pub end: usize,
    /// Side.
    pub direction: Direction,
    /// Trading days in the run (suspended days not counted).
    pub length: u32,
    /// The run skips suspended days.
    pub spans_suspension: bool,
}

/// Classifies every calendar day of one stock.
///
/// `rows[i]` is the stock's bar on `dates[i]` (`None`: no bar, reported as `suspended`).
/// Trading day `n` since listing (the listing day is 1) has no limit when `n` is within the
/// window of the rule in force on the listing date.
///
/// # Errors
/// [`LimitsError::Misaligned`] when `dates` and `rows` differ in length.
pub fn classify(
    dates: &[NaiveDate],
    rows: &[Option<Bar>],
    instrument: &Instrument,
    rules: &RuleSet,
) -> Result<Vec<LimitDay>, LimitsError> {
    classify_numbered(dates, rows, instrument, rules).map(|(days, _)| days)
}

/// The no-limit window after listing of `instrument`: `(trading days without a limit,
/// limit of the listing day)`, read at the listing date.
fn listing_window(
    listing: Option<NaiveDate>,
    instrument: &Instrument,
    rules: &RuleSet,
) -> (u32, Option<Pct>) {
    listing
        .and_then(|l| rules.rule_for(instrument.board, false, l))
        .map_or((0, None), |r| (r.no_limit_first_n_days, r.listing_day_pct))
}

/// Whether classifying a stock's days from `d0` on numbers its trading days since listing
/// as a classification from an earlier start would, as far as the limits can tell: both
/// number the days from `listing_date` on alike when it is on or after `d0`; otherwise the
/// later start counts weekdays up to `d0` (it cannot see the bars), which is safe when that
/// count is already past the no-limit window and the listing day, and the earlier start's
/// last day within them (`last_near`) is before `d0`.
pub(super) fn numbering_agrees(
    instrument: &Instrument,
    rules: &RuleSet,
    d0: NaiveDate,
    last_near: Option<NaiveDate>,
) -> bool {
    let Some(listing) = instrument.listing_date else {
        return false;
    };
    if listing >= d0 {
        return true;
    }
    let (n_free, _) = listing_window(Some(listing), instrument, rules);
    weekdays_between(listing, d0) >= n_free.max(1) && last_near.is_none_or(|d| d < d0)
}

/// [`classify`], and the last date numbered within the no-limit window or as the listing
/// day (for [`numbering_agrees`]).
pub(super) fn classify_numbered(
    dates: &[NaiveDate],
    rows: &[Option<Bar>],
    instrument: &Instrument,
    rules: &RuleSet,
) -> Result<(Vec<LimitDay>, Option<NaiveDate>), LimitsError> {
    if dates.len() != rows.len() {
        return Err(LimitsError::Misaligned {
            dates: dates.len(),
            rows: rows.len(),
        });
    }
    let first_bar = dates.iter().zip(rows).find_map(|(d, r)| r.map(|_| *d));
    let listing = instrument.listing_date.or(first_bar);
    let window = listing_window(listing, instrument, rules);
    let mut last_near = None;
    let mut n_since_listing = match (listing, dates.first()) {
        (Some(l), Some(&d0)) if l < d0 => weekdays_between(l, d0),
        _ => 0,
    };
    let mut previous_close = None;
    let mut in_force: Option<(NaiveDate, Option<NaiveDate>, bool, Option<&Rule>)> = None;
    let mut days = Vec::with_capacity(rows.len());
    for (&date, row) in dates.iter().zip(rows) {
        let Some(bar) = row else {
            days.push(LimitDay::suspended(date));
            continue;
        };
        let day_number = listing.is_some_and(|l| date >= l).then(|| {
            n_since_listing += 1;
            n_since_listing
        });
        let (ref_price, source) = match bar.prev_close.filter(|p| p.is_finite() && *p > 0.0) {
            Some(p) => (Some(p), RefPriceSource::PrevClose),
            None => previous_close.map_or((None, RefPriceSource::None), |p| {
                (Some(p), RefPriceSource::PreviousClose)
            }),
        };
        // The row in force, looked up again only when the ST flag changes or a row starts or
        // stops (`next_change`): the scan over the rows was most of a day's cost (#13).
        let st = instrument.is_st(date);
        let rule = match in_force {
            Some((from, until, s, rule))
                if s == st && from <= date && until.is_none_or(|u| date < u) =>
            {
                rule
            }
            _ => {
                let rule = rules.rule_for(instrument.board, st, date);
                in_force = Some((date, rules.next_change(date), st, rule));
                rule
            }
        };
        if day_number.is_some_and(|n| n <= window.0.max(1)) {
            last_near = Some(date);
        }
        let in_window = day_number.is_some_and(|n| n <= window.0);
        let listing_pct = window.1.filter(|_| day_number == Some(1));
        let mut day = classify_bar(date, bar, ref_price, rule, in_window, listing_pct);
        day.ref_price_source = source;
        days.push(day);
        previous_close = Some(bar.close);
    }
    mark_runs(&mut days);
    Ok((days, last_near))
}

/// Trading days of a stock between its listing date and the first calendar date, counted as
/// weekdays (the calendar does not reach back); capped, since only `n <= window` matters.
fn weekdays_between(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .take_while(|d| *d < to)
        .take(64)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .count() as u32
}

fn classify_bar(
    date: NaiveDate,
    bar: &Bar,
    ref_price: Option<f64>,
    rule: Option<&Rule>,
    in_window: bool,
    listing_pct: Option<Pct>,
) -> LimitDay {
    let mut day = LimitDay {
        ref_price,
        state: LimitState::Unknown,
        ..LimitDay::suspended(date)
    };
    let Some(rule) = rule else { return day };
    let (pct, no_limit) = match &rule.kind {
        _ if in_window => (None, true),
        RuleKind::NoLimit => (None, true),
        RuleKind::Pct(p) => (Some(listing_pct.unwrap_or(*p)), false),
        RuleKind::BandTable(_) => (listing_pct, false),
    };
    if no_limit {
        day.state = LimitState::NoLimit;
        day.free_day = true;
        return day;
    }
    day.limit_pct = pct.map(Pct::percent);
    let unit = rule.unit;
    let px = |p: Option<f64>| p.and_then(|p| unit.to_units(p));
    let (Some((reference, ref_ok)), Some((close, close_ok))) = (px(ref_price), px(Some(bar.close)))
    else {
        return day;
    };
    let (open, high, low) = (px(bar.open), px(bar.high), px(bar.low));
    day.off_grid = !(ref_ok && close_ok)
        || [open, high, low]
            .iter()
            .any(|x| x.is_some_and(|(_, ok)| !ok));
    let limits = match (&rule.kind, pct) {
        (_, Some(p)) => pct_limits(reference, p, &rule.ticks, rule.rounding),
        (RuleKind::BandTable(bands), None) => band_limits(reference, bands),
        _ => None,
    };
    let Some(LimitPrices { up, down }) = limits else {
        return day;
    };
    day.up_limit = Some(unit.to_price(up));
    day.down_limit = Some(unit.to_price(down));
    let (open, high, low) = (open.map(|x| x.0), high.map(|x| x.0), low.map(|x| x.0));
    let highest = high.map_or(close, |h| h.max(close));
    let lowest = low.map_or(close, |l| l.min(close));
    let all_at = |v: i64| [open, high, low].iter().all(|x| *x == Some(v));
    day.state = if close == up {
        if all_at(up) {
            LimitState::UpLock
        } else {
            LimitState::UpClose
        }
    } else if close == down {
        if all_at(down) {
            LimitState::DownLock
        } else {
            LimitState::DownClose
        }
    } else if highest >= up {
        LimitState::UpTouch
    } else if lowest <= down {
        LimitState::DownTouch
    } else if high.is_none() || low.is_none() {
        LimitState::Unknown
    } else {
        LimitState::None
    };
    day.censored = day.state.close_direction().is_some();
    day.free_day = down < close && close < up;
    day.rule_mismatch = highest > up || lowest < down;
    day
}

/// Maximal runs of same-direction limit closes; suspended days are skipped and flag the run.
pub fn limit_runs(days: &[LimitDay]) -> Vec<LimitRun> {
    let mut runs = Vec::new();
    let mut current: Option<LimitRun> = None;
    let mut gap = false;
    for (i, day) in days.iter().enumerate() {
        if day.state == LimitState::Suspended {
            gap |= current.is_some();
            continue;
        }
        match (day.state.close_direction(), current.as_mut()) {
            (Some(dir), Some(run)) if run.direction == dir => {
                run.end = i;
                run.length += 1;
                run.spans_suspension |= gap;
            }
            (dir, _) => {
                runs.extend(current.take());
                current = dir.map(|direction| LimitRun {
                    start: i,
                    end: i,
                    direction,
                    length: 1,
                    spans_suspension: false,
                });
            }
        }
        gap = false;
    }
    runs.extend(current);
    runs
}

/// Marks the limit-close runs of `days` (whose run fields are unset).
pub(super) fn mark_runs(days: &mut [LimitDay]) {
    for run in limit_runs(days) {
        for day in &mut days[run.start..=run.end] {
            if day.state != LimitState::Suspended {
                day.limit_run = run.direction.sign() * run.length as i32;
                day.run_spans_suspension = run.spans_suspension;
            }
        }
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
