//! One event, in named steps: [`locate`] (ticker, day 0, windows on the calendar) →
//! duplicate check → [`EventData`] (returns and limit days of the span the event reads) →
//! [`estimation_sample`] → [`fit`] → [`event_days`] → windows → series → limits.
//! Each step that can fail returns the event's [`Skip`] with a located message.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::NaiveDate;

use super::inputs::Inputs;
use super::limits::event_limits;
use super::returns::{ReturnRules, StockDay, stock_days};
use crate::calendar::Alignment;
use crate::config::{GapPolicy, StudyConfig};
use crate::data::{EventRow, PricePanel};
use crate::limits::{Board, Instrument, LimitContext, LimitDay, off_grid_dates};
use crate::models::{Estimation, FitError, Fitted, Regressors};
use crate::result::{DayRow, EventResult, HaltInfo, Skip, SkipReason};
use crate::stats::EventSeries;
use crate::stats::event::{DayInput, DayStats, day_stats, window_stats};

/// Events computed so far, for the duplicate check (same id, or same ticker and day 0).
#[derive(Default)]
pub(super) struct Seen {
    ids: HashMap<String, u64>,
    days: HashMap<(String, usize), u64>,
}

impl Seen {
    /// Remember a computed event.
    pub(super) fn record(&mut self, ev: &EventRow, r: &EventResult) {
        let win_lo = r
            .series
            .cal_at(r.series.n_est_rows)
            .map_or(0, |c| usize::try_from(c).unwrap_or(0));
        self.ids.entry(ev.event_id.clone()).or_insert(ev.line);
        self.days
            .entry((ev.ticker.clone(), win_lo))
            .or_insert(ev.line);
    }

    /// The line of the earliest computed event that `ev` repeats.
    fn duplicate_of(&self, ev: &EventRow, win_lo: usize) -> Option<u64> {
        let by_id = self.ids.get(&ev.event_id).copied();
        let by_day = self.days.get(&(ev.ticker.clone(), win_lo)).copied();
        by_id.into_iter().chain(by_day).min()
    }
}

/// Where an event sits on the calendar: its ticker, day 0 and windows as calendar indices.
struct Frame {
    ticker: usize,
    alignment: Alignment,
    /// The event window.
    window: RangeInclusive<usize>,
    /// The estimation window, clipped at the calendar start (`None` when it lies before it).
    estimation: Option<RangeInclusive<usize>>,
    /// First calendar index whose return is read.
    lo: usize,
}

impl Frame {
    fn day0(&self) -> usize {
        self.alignment.day0
    }

    fn rel_day(&self, k: usize) -> i32 {
        (k as i64 - self.day0() as i64) as i32
    }
}

/// An event's skip record: `file: line N: event ID: what; event skipped`.
fn skip(
    inputs: &Inputs,
    ev: &EventRow,
    reason: SkipReason,
    what: impl std::fmt::Display,
) -> Box<Skip> {
    Box::new(Skip {
        event_id: ev.event_id.clone(),
        ticker: ev.ticker.clone(),
        line: ev.line,
        reason,
        message: format!(
            "{}: line {}: event {}: {what}; event skipped",
            inputs.events.path.display(),
            ev.line,
            ev.event_id
        ),
    })
}

/// Step 1: the ticker and the event's windows on the calendar.
fn locate(inputs: &Inputs, cfg: &StudyConfig, ev: &EventRow) -> Result<Frame, Box<Skip>> {
    let Some(ticker) = inputs.panel.ticker_index(&ev.ticker) else {
        return Err(skip(
            inputs,
            ev,
            SkipReason::UnknownTicker,
            format!(
                "column \"ticker\": unknown ticker {:?} (not in {})",
                ev.ticker,
                inputs.panel.files_display()
            ),
        ));
    };
    let cal = &inputs.calendar;
    let outside = || {
        let (first, last) = (cal.date(0), cal.date(cal.len() - 1));
        skip(
            inputs,
            ev,
            SkipReason::WindowOutsideData,
            format!(
                "column \"date\": {} with window {} reaches outside the market calendar {first}..{last}",
                ev.date, cfg.window
            ),
        )
    };
    let alignment = cal.align(ev.date, ev.timing).ok_or_else(outside)?;
    let window = cal.slice(alignment.day0, cfg.window).ok_or_else(outside)?;
    let estimation = cal.slice_clipped(alignment.day0, cfg.estimation);
    let lo = estimation.as_ref().map_or(*window.start(), |e| *e.start());
    Ok(Frame {
        ticker,
        alignment,
        window,
        estimation,
        lo,
    })
}

/// Step 2: the stock and limit data of calendar indices `lo..=hi`.
struct EventData<'a> {
    inputs: &'a Inputs,
    lo: usize,
    days: Vec<StockDay>,
    limit_days: Option<Vec<LimitDay>>,
    /// Lead and lag market returns the model reads (`K`).
    shifts: u32,
    gaps: GapPolicy,
}

impl EventData<'_> {
    fn day(&self, k: usize) -> StockDay {
        self.days[k - self.lo]
    }

    /// The regressors of calendar index `k`'s row: its span, the market return over it and,
    /// for the thin-trading models, that return shifted by `-K..=K` sessions.
    fn regressors(&self, k: usize) -> Option<Regressors> {
        let d = self.day(k);
        let span = d.span.unwrap_or(1) as usize;
        let market = self.inputs.market_over(k, span, 0)?;
        let mut x = Regressors::spanned(span as f64, market);
        let kk = i64::from(self.shifts);
        for j in -kk..=kk {
            x.shifts[(j + kk) as usize] = self.inputs.market_over(k, span, j).unwrap_or(f64::NAN);
        }
        if let Some(f) = &self.inputs.factors {
            x.rf = f.over(k, span, &mut x.factors);
        }
        Some(x)
    }

    /// Whether a row's regressors are complete: every lead and lag of the market, and for a
    /// factor model every factor and `RF` over the row's span.
    fn complete(&self, x: &Regressors) -> bool {
        let k = self.inputs.factors.as_ref().map_or(0, |f| f.names.len());
        x.shifts[..=(2 * self.shifts as usize)]
            .iter()
            .chain(&x.factors[..k])
            .all(|v| v.is_finite())
            && x.rf.is_finite()
    }

    /// Limit facts of calendar index `k` (with the span of its return).
    fn limit_at(&self, k: usize) -> Option<LimitDay> {
        let mut day = self
            .limit_days
            .as_ref()
            .and_then(|v| v.get(k - self.lo))
            .copied()?;
        if let Some(s) = self.day(k).span.filter(|_| self.day(k).ret.is_some()) {
            day.return_span = s;
        }
        Some(day)
    }

    fn censored(&self, k: usize) -> bool {
        self.limit_at(k).is_some_and(|d| d.censored)
    }

    fn day_input(&self, frame: &Frame, k: usize) -> DayInput {
        let d = self.day(k);
        // The market return over the row's span is computed once, inside the regressors.
        let all = self.regressors(k);
        let x = all.filter(|x| self.complete(x));
        DayInput {
            rel_day: frame.rel_day(k),
            ret: d.ret,
            market_ret: all.map(|x| x.market),
            x,
            absorbed: !d.traded && self.gaps == GapPolicy::Span,
        }
    }

    fn day_inputs(&self, frame: &Frame, days: &[usize]) -> Vec<DayInput> {
        days.iter().map(|&k| self.day_input(frame, k)).collect()
    }
}

/// The estimation rows that enter the fit.
struct EstimationSample {
    stock: Vec<f64>,
    market: Vec<f64>,
    span: Vec<f64>,
    shifts: Vec<f64>,
    market_calendar: Vec<f64>,
    /// Factor returns (row-major) and `RF` of each row, for a factor model.
    factors: Vec<f64>,
    rf: Vec<f64>,
    /// Calendar indices of the estimation window kept for the tests' estimation series
    /// (dropped limit days leave both the fit and the tests).
    kept: Vec<usize>,
    /// Limit-close days in the estimation window.
    n_limit_days: usize,
    /// Sessions of the estimation window on which the stock traded.
    n_traded: usize,
}

/// Step 3: the estimation sample (rows with both returns; limit-close days dropped on request).
fn estimation_sample(frame: &Frame, data: &EventData<'_>, cfg: &StudyConfig) -> EstimationSample {
    let range: Vec<usize> = frame
        .estimation
        .clone()
        .map_or_else(Vec::new, Iterator::collect);
    let n_limit_days = range.iter().filter(|&&k| data.censored(k)).count();
    let kept: Vec<usize> = range
        .iter()
        .copied()
        .filter(|&k| !(cfg.drop_limit_days_in_estimation && data.censored(k)))
        .collect();
    let width = 2 * data.shifts as usize + 1;
    let mut est = EstimationSample {
        stock: Vec::with_capacity(kept.len()),
        market: Vec::with_capacity(kept.len()),
        span: Vec::with_capacity(kept.len()),
        shifts: Vec::new(),
        market_calendar: Vec::new(),
        factors: Vec::new(),
        rf: Vec::new(),
        kept: Vec::new(),
        n_limit_days,
        n_traded: kept.iter().filter(|&&k| data.day(k).traded).count(),
    };
    let n_factors = data.inputs.factors.as_ref().map(|f| f.names.len());
    for &k in &kept {
        if let (Some(y), Some(x)) = (data.day(k).ret, data.regressors(k)) {
            if let Some(n) = n_factors {
                // A factor model's rows without factors are not estimation returns.
                if !data.complete(&x) {
                    continue;
                }
                est.factors.extend_from_slice(&x.factors[..n]);
                est.rf.push(x.rf);
            }
            est.stock.push(y);
            est.market.push(x.market);
            est.span.push(x.span);
            if data.shifts > 0 {
                est.shifts.extend_from_slice(&x.shifts[..width]);
            }
        }
    }
    if data.shifts > 0 {
        est.market_calendar = range
            .iter()
            .map(|&k| data.inputs.market_ret[k].unwrap_or(f64::NAN))
            .collect();
    }
    est.kept = kept;
    est
}

/// Step 4a, after the fit (so a short estimation window keeps its own reason): an event
/// whose stock has no return on any day of the event window (delisted, or prices that end
/// before it) is skipped (`no_data_in_window`), never `ok` and empty.
fn no_data_in_window(
    inputs: &Inputs,
    ev: &EventRow,
    frame: &Frame,
    data: &EventData<'_>,
) -> Result<(), Box<Skip>> {
    if frame.window.clone().any(|k| data.day(k).ret.is_some()) {
        return Ok(());
    }
    let cal = &inputs.calendar;
    let p = &inputs.panel;
    let rows = p.ranges[frame.ticker].clone();
    let span = match (rows.clone().next(), rows.last()) {
        (Some(a), Some(b)) => format!("its price rows run {}..{}", p.date[a], p.date[b]),
        _ => "it has no price rows".to_string(),
    };
    Err(skip(
        inputs,
        ev,
        SkipReason::NoDataInWindow,
        format!(
            "{} has no return in the event window {}..{} ({span}); check the prices file or the event date",
            ev.ticker,
            cal.date(*frame.window.start()),
            cal.date(*frame.window.end()),
        ),
    ))
}

/// Step 3a, factor models: the event-window days without factors (they get no AR), or the
/// event's skip when no day of its window has factors (`no_factors`).
fn no_factor_days(
    inputs: &Inputs,
    cfg: &StudyConfig,
    ev: &EventRow,
    frame: &Frame,
) -> Result<Option<usize>, Box<Skip>> {
    let Some(f) = &inputs.factors else {
        return Ok(None);
    };
    let missing = frame.window.clone().filter(|&k| !f.present(k)).count();
    if missing == frame.window.clone().count() {
        let cal = &inputs.calendar;
        return Err(skip(
            inputs,
            ev,
            SkipReason::NoFactors,
            format!(
                "no day of the event window {}..{} has the factors of --model {} ({}) in the --factors files",
                cal.date(*frame.window.start()),
                cal.date(*frame.window.end()),
                cfg.model.name(),
                f.names.join(", ")
            ),
        ));
    }
    Ok(Some(missing))
}

/// Step 4: the normal-return model, or the event's skip.
fn fit(
    inputs: &Inputs,
    cfg: &StudyConfig,
    ev: &EventRow,
    est: &EstimationSample,
) -> Result<Fitted, Box<Skip>> {
    if est.stock.len() < cfg.min_estimation_obs {
        return Err(skip(
            inputs,
            ev,
            SkipReason::ShortEstimation,
            format!(
                "{} estimation returns ({} of {} estimation-window sessions traded), need {} (see --min-estimation-obs)",
                est.stock.len(),
                est.n_traded,
                est.kept.len(),
                cfg.min_estimation_obs
            ),
        ));
    }
    let factor_names = inputs.factors.as_ref().map_or(&[][..], |f| &f.names[..]);
    Fitted::fit(
        cfg.model,
        cfg.dimson_lags,
        &Estimation {
            stock: &est.stock,
            market: &est.market,
            span: &est.span,
            shifts: &est.shifts,
            market_calendar: &est.market_calendar,
            factors: &est.factors,
            rf: &est.rf,
            factor_names,
        },
    )
    .map_err(|e| {
        let what = match e {
            FitError::Collinear(c) if cfg.model.is_factor_model() => format!(
                "collinear factors: X'X is singular over the estimation window (condition estimate {c:.3e}); drop one of {}",
                factor_names.join(", ")
            ),
            e => e.to_string(),
        };
        skip(
            inputs,
            ev,
            SkipReason::ModelFailed,
            format!("{} model: {what}", cfg.model.name()),
        )
    })
}

/// Step 5: the event-window rows (prices, limit facts and figures of each day).
fn event_days(
    frame: &Frame,
    data: &EventData<'_>,
    win: &[usize],
    inputs_days: &[DayInput],
    stats: &[DayStats],
) -> Vec<DayRow> {
    let panel = &data.inputs.panel;
    let cal = &data.inputs.calendar;
    win.iter()
        .zip(inputs_days)
        .zip(stats)
        .map(|((&k, d), s)| {
            let bar = bar_on(panel, frame.ticker, cal.date(k));
            let col = |c: &Option<Vec<f64>>| bar.and_then(|r| finite(c.as_ref().map(|v| v[r])));
            DayRow {
                rel_day: d.rel_day,
                date: cal.date(k),
                ret: d.ret,
                market_ret: d.market_ret,
                span: data.day(k).span.filter(|_| data.day(k).traded),
                open: col(&panel.open),
                high: col(&panel.high),
                low: col(&panel.low),
                close: bar.map(|r| panel.close[r]),
                limit: data.limit_at(k),
                stats: *s,
            }
        })
        .collect()
}

/// One event computed on its own (on any thread): its outcome, what the duplicate check
/// needs, and what it would note in the [`LimitContext`]. [`Merge::push`] applies them in
/// event order, so the study does not depend on the order the events were computed in.
pub(super) struct Computed {
    /// Once the event is located: the calendar index of its first event-window day, of its
    /// day 0, and its ticker.
    located: Option<(usize, usize, usize)>,
    outcome: Result<EventResult, Box<Skip>>,
    notes: LimitNotes,
}

/// What one event would note in the [`LimitContext`] (applied by [`Merge::push`]).
#[derive(Default)]
struct LimitNotes {
    /// The board inferred from the ticker's code, if it was.
    inferred: Option<Board>,
    /// Days classified with a price off the tick grid.
    off_grid: Vec<NaiveDate>,
}

/// Compute one event, or say why it is skipped (the duplicate check is [`Merge::push`]'s).
pub(super) fn compute_event(
    inputs: &Inputs,
    cfg: &StudyConfig,
    ev: &EventRow,
    lctx: &LimitContext,
) -> Computed {
    let mut notes = LimitNotes::default();
    match locate(inputs, cfg, ev) {
        Ok(frame) => Computed {
            located: Some((*frame.window.start(), frame.day0(), frame.ticker)),
            outcome: compute_located(inputs, cfg, ev, &frame, lctx, &mut notes),
            notes,
        },
        Err(s) => Computed {
            located: None,
            outcome: Err(s),
            notes,
        },
    }
}

/// The events computed so far, in event order: the results, the skips and the duplicate
/// check (same id, or same ticker and day 0, as an earlier computed event).
#[derive(Default)]
pub(super) struct Merge {
    seen: Seen,
    pub(super) computed: Vec<EventResult>,
    pub(super) skipped: Vec<Skip>,
}

impl Merge {
    /// Add the next event in event order.
    pub(super) fn push(
        &mut self,
        inputs: &Inputs,
        ev: &EventRow,
        c: Computed,
        lctx: &mut LimitContext,
    ) {
        if let Some((win_lo, day0, _)) = c.located
            && let Some(line) = self.seen.duplicate_of(ev, win_lo)
        {
            self.skipped.push(*skip(
                inputs,
                ev,
                SkipReason::DuplicateEvent,
                format!(
                    "duplicate of line {line} (same event_id, or same ticker and day 0 {})",
                    inputs.calendar.date(day0)
                ),
            ));
            return;
        }
        if let Some((_, _, ticker)) = c.located {
            if let Some(b) = c.notes.inferred {
                lctx.note_inferred(&inputs.panel, ticker, b);
            }
            lctx.note_off_grid(ticker, &c.notes.off_grid);
        }
        match c.outcome {
            Ok(r) => {
                self.seen.record(ev, &r);
                self.computed.push(r);
            }
            Err(s) => self.skipped.push(*s),
        }
    }
}

fn compute_located(
    inputs: &Inputs,
    cfg: &StudyConfig,
    ev: &EventRow,
    frame: &Frame,
    lctx: &LimitContext,
    notes: &mut LimitNotes,
) -> Result<EventResult, Box<Skip>> {
    let cal = &inputs.calendar;
    // Limit analysis may look past the window for the first free day and the days after it.
    let instrument =
        lctx.instrument_of(&inputs.panel, frame.ticker)
            .map(|(inst, label, inferred)| {
                notes.inferred = inferred;
                (inst, label)
            });
    let win_hi = *frame.window.end();
    let ext_hi = if instrument.is_some() {
        (win_hi.max(frame.day0()) + cfg.max_limit_run as usize + cfg.post_free_days as usize)
            .min(cal.len() - 1)
    } else {
        win_hi
    };
    // A halt from day 0 is followed to the first trade, up to the longest bridged halt.
    let ext_hi = ext_hi.max((frame.day0() + cfg.max_span as usize + 1).min(cal.len() - 1));
    let shifts = Fitted::shifts_needed(cfg.model, cfg.dimson_lags);
    let rules = ReturnRules {
        kind: inputs.returns,
        gaps: cfg.gaps,
        max_span: cfg.max_span,
    };
    let data = EventData {
        inputs,
        lo: frame.lo,
        days: stock_days(&inputs.panel, cal, rules, frame.ticker, frame.lo, ext_hi),
        limit_days: instrument.as_ref().map(|(inst, _): &(Instrument, _)| {
            let days = lctx.classify_days(&inputs.panel, cal, frame.ticker, inst, frame.lo, ext_hi);
            notes.off_grid = off_grid_dates(&days);
            days
        }),
        shifts,
        gaps: cfg.gaps,
    };
    let n_no_factors = no_factor_days(inputs, cfg, ev, frame)?;
    let est = estimation_sample(frame, &data, cfg);
    let fit = fit(inputs, cfg, ev, &est)?;
    no_data_in_window(inputs, ev, frame, &data)?;

    let win: Vec<usize> = frame.window.clone().collect();
    let inputs_days = data.day_inputs(frame, &win);
    let stats = day_stats(&fit, &inputs_days, cfg.allow_partial_car);
    let windows = cfg
        .car_windows
        .iter()
        .map(|&w| {
            window_stats(
                &fit,
                &inputs_days,
                &stats,
                w,
                cfg.returns,
                cfg.allow_partial_car,
            )
        })
        .collect();
    let series = event_series(ev, &fit, frame, &data, &est.kept, &win, &stats);
    let days = event_days(frame, &data, &win, &inputs_days, &stats);
    let limits = instrument.map(|(_, board)| {
        let ext: Vec<usize> = (*frame.window.start()..=ext_hi).collect();
        let ext_days = data.day_inputs(frame, &ext);
        let ext_stats = day_stats(&fit, &ext_days, cfg.allow_partial_car);
        event_limits(
            cfg,
            &fit,
            board,
            &ext,
            &ext_days,
            &ext_stats,
            &|k| data.limit_at(k),
            est.n_limit_days,
        )
    });
    let ext_all: Vec<usize> = (frame.day0()..=ext_hi).collect();
    let halt = halt_info(frame, &data, &fit, &ext_all);
    let n_span_too_long = win.iter().filter(|&&k| data.day(k).span_too_long).count();
    Ok(EventResult {
        event_id: ev.event_id.clone(),
        ticker: ev.ticker.clone(),
        ticker_as_written: ev.ticker_as_written.clone(),
        label: ev.label.clone(),
        group: ev.group.clone(),
        line: ev.line,
        event_date: ev.date,
        day0: cal.date(frame.day0()),
        shift_days: frame.alignment.shift_days,
        shift_reason: frame.alignment.shift_reason,
        fit,
        n_overlapping_other_events: 0,
        limits,
        halt,
        n_span_too_long,
        n_no_factors,
        days,
        windows,
        series,
    })
}

/// The halt day 0 falls in, if it does: its sessions, the first trade after it and that
/// row's trade-to-trade reaction (days `day0..` of `ext`).
fn halt_info(frame: &Frame, data: &EventData<'_>, fit: &Fitted, ext: &[usize]) -> Option<HaltInfo> {
    let cal = &data.inputs.calendar;
    let day0 = frame.day0();
    if data.day(day0).traded {
        return None;
    }
    let first = ext.iter().copied().find(|&k| data.day(k).traded);
    let last_halted = first.map_or(*ext.last()?, |k| k - 1);
    let reaction = first.map(|k| {
        let d = data.day_input(frame, k);
        let ar = d.ret.zip(d.x).map(|(r, x)| r - fit.normal(&x));
        (k, ar)
    });
    Some(HaltInfo {
        halt_days: (last_halted + 1 - day0) as u32,
        halt_from: cal.date(day0),
        halt_to: cal.date(last_halted),
        first_trade_day: first.map(|k| frame.rel_day(k)),
        first_trade_date: first.map(|k| cal.date(k)),
        resumption_span: first.and_then(|k| data.day(k).span),
        resumption_ar: reaction.and_then(|(_, ar)| ar),
        // Days 0..first are halted, so the only AR through the first trade is its own.
        car_to_resumption: reaction.and_then(|(_, ar)| ar),
    })
}

/// Row of `ticker` on `date`, if it traded.
fn bar_on(p: &PricePanel, ticker: usize, date: NaiveDate) -> Option<usize> {
    let r = p.ranges[ticker].clone();
    p.date[r.clone()]
        .binary_search(&date)
        .ok()
        .map(|i| r.start + i)
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Step 6: estimation residuals and SARs (with their leverage) plus the event-window rows,
/// for the cross-event tests.
fn event_series(
    ev: &EventRow,
    fit: &Fitted,
    frame: &Frame,
    data: &EventData<'_>,
    est: &[usize],
    win: &[usize],
    stats: &[DayStats],
) -> EventSeries {
    let n = est.len() + win.len();
    let mut s = EventSeries {
        event_id: ev.event_id.clone(),
        rel_day: Vec::with_capacity(n),
        day0_cal: frame.day0() as i64,
        ar: Vec::with_capacity(n),
        sar: Vec::with_capacity(n),
        n_est_rows: est.len(),
        m: fit.n(),
        p: fit.params(),
        df_resid: fit.df_resid(),
        sigma2: fit.sigma2(),
    };
    for &k in est {
        let d = data.day_input(frame, k);
        let ar = d.ret.zip(d.x).map(|(y, x)| y - fit.normal(&x));
        let sar = ar.zip(d.x).map(|(a, x)| a / fit.ar_variance(&x).sqrt());
        s.rel_day.push(frame.rel_day(k));
        s.ar.push(EventSeries::stored(ar));
        s.sar.push(EventSeries::stored(sar));
    }
    for (&k, st) in win.iter().zip(stats) {
        debug_assert_eq!(st.rel_day, frame.rel_day(k));
        s.rel_day.push(st.rel_day);
        s.ar.push(EventSeries::stored(st.ar));
        s.sar.push(EventSeries::stored(st.sar));
    }
    s
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
