//! One event, in named steps: [`locate`] (ticker, day 0, windows on the calendar) →
//! duplicate check → [`EventData`] (returns and limit days of the span the event reads) →
//! [`estimation_sample`] → [`fit`] → [`event_days`] → windows → series → limits.
//! Each step that can fail returns the event's [`Skip`] with a located message.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::NaiveDate;

use super::inputs::Inputs;
use super::limits::event_limits;
use super::returns::stock_returns;
use crate::calendar::Alignment;
use crate::config::StudyConfig;
use crate::data::{EventRow, PricePanel};
use crate::limits::{Instrument, LimitContext, LimitDay};
use crate::models::{Estimation, Fitted};
use crate::result::{DayRow, EventResult, Skip, SkipReason};
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
        let win_lo = r.series.cal_idx[r.series.n_est_rows..]
            .first()
            .map_or(0, |&c| c as usize);
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
                inputs.panel.path.display()
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
    rets: Vec<Option<f64>>,
    limit_days: Option<Vec<LimitDay>>,
}

impl EventData<'_> {
    /// `(stock return, market return)` of calendar index `k`.
    fn at(&self, k: usize) -> (Option<f64>, Option<f64>) {
        (self.rets[k - self.lo], self.inputs.market_ret[k])
    }

    /// Limit facts of calendar index `k`.
    fn limit_at(&self, k: usize) -> Option<LimitDay> {
        self.limit_days
            .as_ref()
            .and_then(|v| v.get(k - self.lo))
            .copied()
    }

    fn censored(&self, k: usize) -> bool {
        self.limit_at(k).is_some_and(|d| d.censored)
    }

    fn day_inputs(&self, frame: &Frame, days: &[usize]) -> Vec<DayInput> {
        days.iter()
            .map(|&k| {
                let (ret, market_ret) = self.at(k);
                DayInput {
                    rel_day: frame.rel_day(k),
                    ret,
                    market_ret,
                }
            })
            .collect()
    }
}

/// The estimation rows that enter the fit.
struct EstimationSample {
    stock: Vec<f64>,
    market: Vec<f64>,
    /// Calendar indices of the estimation window kept for the tests' estimation series
    /// (dropped limit days leave both the fit and the tests).
    kept: Vec<usize>,
    /// Limit-close days in the estimation window.
    n_limit_days: usize,
}

/// Step 3: the estimation sample (rows with both returns; limit-close days dropped on request).
fn estimation_sample(frame: &Frame, data: &EventData<'_>, cfg: &StudyConfig) -> EstimationSample {
    let range: Vec<usize> = frame
        .estimation
        .clone()
        .map_or_else(Vec::new, Iterator::collect);
    let n_limit_days = range.iter().filter(|&&k| data.censored(k)).count();
    let kept: Vec<usize> = range
        .into_iter()
        .filter(|&k| !(cfg.drop_limit_days_in_estimation && data.censored(k)))
        .collect();
    let (mut stock, mut market) = (
        Vec::with_capacity(kept.len()),
        Vec::with_capacity(kept.len()),
    );
    for &k in &kept {
        if let (Some(y), Some(x)) = data.at(k) {
            stock.push(y);
            market.push(x);
        }
    }
    EstimationSample {
        stock,
        market,
        kept,
        n_limit_days,
    }
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
                "{} estimation returns, need {} (see --min-estimation-obs)",
                est.stock.len(),
                cfg.min_estimation_obs
            ),
        ));
    }
    Fitted::fit(
        cfg.model,
        &Estimation {
            stock: &est.stock,
            market: &est.market,
        },
    )
    .map_err(|e| {
        skip(
            inputs,
            ev,
            SkipReason::ModelFailed,
            format!("{} model: {e}", cfg.model.name()),
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

/// Compute one event, or say why it is skipped.
pub(super) fn compute_event(
    inputs: &Inputs,
    cfg: &StudyConfig,
    ev: &EventRow,
    seen: &Seen,
    lctx: &mut LimitContext,
) -> Result<EventResult, Box<Skip>> {
    let frame = locate(inputs, cfg, ev)?;
    let cal = &inputs.calendar;
    if let Some(line) = seen.duplicate_of(ev, *frame.window.start()) {
        return Err(skip(
            inputs,
            ev,
            SkipReason::DuplicateEvent,
            format!(
                "duplicate of line {line} (same event_id, or same ticker and day 0 {})",
                cal.date(frame.day0())
            ),
        ));
    }
    // Limit analysis may look past the window for the first free day and the days after it.
    let instrument = lctx.instrument(&inputs.panel, frame.ticker);
    let win_hi = *frame.window.end();
    let ext_hi = if instrument.is_some() {
        (win_hi.max(frame.day0()) + cfg.max_limit_run as usize + cfg.post_free_days as usize)
            .min(cal.len() - 1)
    } else {
        win_hi
    };
    let data = EventData {
        inputs,
        lo: frame.lo,
        rets: stock_returns(
            &inputs.panel,
            cal,
            inputs.returns,
            frame.ticker,
            frame.lo,
            ext_hi,
        ),
        limit_days: instrument.as_ref().map(|(inst, _): &(Instrument, _)| {
            lctx.classify(&inputs.panel, cal, frame.ticker, inst, frame.lo, ext_hi)
        }),
    };
    let est = estimation_sample(&frame, &data, cfg);
    let fit = fit(inputs, cfg, ev, &est)?;

    let win: Vec<usize> = frame.window.clone().collect();
    let inputs_days = data.day_inputs(&frame, &win);
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
    let series = event_series(ev, &fit, &frame, &data, &est.kept, &win, &stats);
    let days = event_days(&frame, &data, &win, &inputs_days, &stats);
    let limits = instrument.map(|(_, board)| {
        let ext: Vec<usize> = (*frame.window.start()..=ext_hi).collect();
        let ext_days = data.day_inputs(&frame, &ext);
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
    Ok(EventResult {
        event_id: ev.event_id.clone(),
        ticker: ev.ticker.clone(),
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
        days,
        windows,
        series,
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
        cal_idx: Vec::with_capacity(n),
        ar: Vec::with_capacity(n),
        sar: Vec::with_capacity(n),
        n_est_rows: est.len(),
        m: fit.n(),
        p: fit.params(),
        df_resid: fit.df_resid(),
        sigma2: fit.sigma2(),
    };
    for &k in est {
        let (y, x) = data.at(k);
        let ar = y.zip(x).map(|(y, x)| y - fit.normal(x));
        let sar = ar
            .zip(x)
            .map(|(a, x)| a / (fit.sigma2() * (1.0 + fit.leverage(x))).sqrt());
        s.rel_day.push(frame.rel_day(k));
        s.cal_idx.push(k as i64);
        s.ar.push(ar);
        s.sar.push(sar);
    }
    for (&k, st) in win.iter().zip(stats) {
        s.rel_day.push(st.rel_day);
        s.cal_idx.push(k as i64);
        s.ar.push(st.ar);
        s.sar.push(st.sar);
    }
    s
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
