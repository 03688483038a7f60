//! The study: load → align → fit → abnormal returns, per event, on each ticker's contiguous
//! slice of the panel (no per-event scan of the whole panel; each event costs
//! `O(estimation + window + log rows)`). A bad event is skipped with its reason; the others go on.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, ShiftReason};
use crate::config::{ReturnKind, StudyConfig};
use crate::data::{EventFile, EventRow, MarketIndex, PricePanel, ReturnSource};
use crate::models::{Estimation, Fitted};
use crate::stats::EventSeries;

mod limits;

use crate::stats::event::{DayInput, DayStats, WindowStats, day_stats, window_stats};
pub use limits::{EventLimits, LimitContext};

/// Why an event was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The events-file row could not be read.
    BadEventRow,
    /// The ticker is not in the price file.
    UnknownTicker,
    /// The event window reaches past the data (or the date is after the last session).
    WindowOutsideData,
    /// Fewer estimation returns than `--min-estimation-obs`.
    ShortEstimation,
    /// The model could not be fitted (singular or degenerate).
    ModelFailed,
    /// Same event id, or same ticker and day 0, as an earlier row.
    DuplicateEvent,
}

impl SkipReason {
    /// Stable name for files.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::BadEventRow => "bad_event_row",
            SkipReason::UnknownTicker => "unknown_ticker",
            SkipReason::WindowOutsideData => "window_outside_data",
            SkipReason::ShortEstimation => "short_estimation",
            SkipReason::ModelFailed => "model_failed",
            SkipReason::DuplicateEvent => "duplicate_event",
        }
    }
}

/// A skipped event, reported (never silently dropped).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skip {
    /// Event id (or what could be formed of it).
    pub event_id: String,
    /// Ticker cell.
    pub ticker: String,
    /// Line in the events file.
    pub line: u64,
    /// Reason code.
    pub reason: SkipReason,
    /// Full message: file, line, column, value, and what to do.
    pub message: String,
}

/// One event-window day of a computed event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DayRow {
    /// Relative day.
    pub rel_day: i32,
    /// Trading date.
    pub date: NaiveDate,
    /// Stock return.
    pub ret: Option<f64>,
    /// Market return.
    pub market_ret: Option<f64>,
    /// Raw open, high, low, close of the stock that day (missing when it did not trade).
    pub open: Option<f64>,
    /// Raw high.
    pub high: Option<f64>,
    /// Raw low.
    pub low: Option<f64>,
    /// Raw close.
    pub close: Option<f64>,
    /// Limit facts of the day (when a limit rule applies to the ticker).
    pub limit: Option<crate::limits::LimitDay>,
    /// Normal return, AR, CAR, SAR.
    #[serde(flatten)]
    pub stats: DayStats,
}

/// A computed event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventResult {
    /// Unique id.
    pub event_id: String,
    /// Ticker.
    pub ticker: String,
    /// Label from the events file.
    pub label: String,
    /// Subsample.
    pub group: String,
    /// Events-file line.
    pub line: u64,
    /// Event date as given.
    pub event_date: NaiveDate,
    /// Aligned day 0.
    pub day0: NaiveDate,
    /// Calendar days from event date to day 0.
    pub shift_days: i64,
    /// Why day 0 moved.
    pub shift_reason: ShiftReason,
    /// The fitted normal-return model.
    pub fit: Fitted,
    /// Other events of the same ticker whose event window overlaps this estimation window.
    pub n_overlapping_other_events: usize,
    /// Event-window days.
    pub days: Vec<DayRow>,
    /// Every CAR window.
    pub windows: Vec<WindowStats>,
    /// Price-limit picture and limit-adjusted reaction (when a limit rule applies).
    pub limits: Option<EventLimits>,
    /// Estimation and event-window ARs for the cross-event tests (not serialized).
    #[serde(skip)]
    pub series: EventSeries,
}

/// SHA-256 of an input file, recorded for reproducibility.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    /// `prices`, `market` or `events`.
    pub role: String,
    /// Path as given.
    pub path: String,
    /// Lowercase hex digest.
    pub sha256: String,
}

/// A finished study: everything reports and charts need (they compute nothing).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Study {
    /// evstudy version.
    pub version: String,
    /// Exact settings.
    pub config: StudyConfig,
    /// Input files and digests.
    pub inputs: Vec<InputFile>,
    /// Price column used for returns.
    pub return_source: ReturnSource,
    /// Warnings (also printed to stderr by the CLI).
    pub warnings: Vec<String>,
    /// Computed events, in events-file order.
    pub events: Vec<EventResult>,
    /// Skipped events, in events-file order.
    pub skipped: Vec<Skip>,
    /// Cross-event results: `all` first, then each group.
    pub groups: Vec<crate::stats::aggregate::GroupResults>,
}

/// Loaded inputs, ready for per-event work.
struct Inputs {
    panel: PricePanel,
    calendar: Calendar,
    market_ret: Vec<Option<f64>>,
    returns: ReturnKind,
}

/// Run a study from its settings.
///
/// # Errors
/// File-level input errors; `NoEvents` when every event was skipped.
pub fn run(config: &StudyConfig) -> crate::Result<Study> {
    run_with_progress(config, &mut |_, _| {})
}

/// [`run`], calling `progress(done, total)` after each event (the CLI draws a bar from it).
///
/// # Errors
/// As [`run`].
pub fn run_with_progress(
    config: &StudyConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> crate::Result<Study> {
    config.validate()?;
    // The input digests are computed on a second thread while the files are parsed.
    let (loaded, digests) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| -> crate::Result<Vec<InputFile>> {
            Ok(vec![
                digest("prices", &config.prices)?,
                digest("market", &config.market)?,
                digest("events", &config.events)?,
            ])
        });
        let loaded = (|| -> crate::Result<_> {
            let panel = PricePanel::load(&config.prices, &config.columns)?;
            let market = MarketIndex::load(&config.market, &crate::config::ColumnMap::new())?;
            let events = EventFile::load(&config.events)?;
            Ok((panel, market, events))
        })();
        (loaded, hashing.join())
    });
    let (panel, market, events) = loaded?;
    let inputs_meta =
        digests.map_err(|_| crate::Error::Internal("the input hashing thread failed".into()))??;
    let mut warnings = Vec::new();
    let return_source = panel.return_source();
    if return_source == ReturnSource::Close {
        warnings.push(format!(
            "{}: no adj_close or prev_close column: returns are close-to-close, so payouts on ex-dates are not accounted for",
            config.prices.display()
        ));
    }
    let calendar = Calendar::new(market.dates.clone());
    let market_ret = returns_on_calendar(&market.close, config.returns);
    let inputs = Inputs {
        panel,
        calendar,
        market_ret,
        returns: config.returns,
    };
    warn_off_calendar(&inputs, &mut warnings);

    let mut skipped: Vec<Skip> = events
        .problems
        .iter()
        .map(|p| Skip {
            event_id: p.event_id.clone(),
            ticker: p.ticker.clone(),
            line: p.line,
            reason: SkipReason::BadEventRow,
            message: format!("{}; event skipped", p.message),
        })
        .collect();
    let mut lctx = LimitContext::new(config, &inputs.panel)?;
    let mut computed = Vec::new();
    let mut seen: Vec<(&EventRow, usize)> = Vec::new();
    let total = events.rows.len();
    for (done, ev) in events.rows.iter().enumerate() {
        if done % 64 == 0 {
            progress(done, total);
        }
        match compute_event(&inputs, config, &events, ev, &seen, &mut lctx) {
            Ok(r) => {
                seen.push((
                    ev,
                    r.series.cal_idx[r.series.n_est_rows..]
                        .first()
                        .map_or(0, |&c| c as usize),
                ));
                computed.push(r);
            }
            Err(s) => skipped.push(*s),
        }
    }
    skipped.sort_by_key(|s| s.line);
    if !lctx.inferred.is_empty() {
        let list: Vec<String> = lctx
            .inferred
            .iter()
            .take(6)
            .map(|(t, b)| format!("{t} -> {b}"))
            .collect();
        warnings.push(format!(
            "limit board inferred from the A-share code for {} tickers ({}{}); give an instruments file (--instruments) to set boards, ST periods and listing dates",
            lctx.inferred.len(),
            list.join(", "),
            if lctx.inferred.len() > 6 { ", …" } else { "" }
        ));
    }
    count_overlaps(&mut computed, config, &mut warnings);
    if computed.is_empty() {
        return Err(crate::Error::NoEvents {
            skipped: skipped.len(),
        });
    }
    Ok(Study {
        version: env!("CARGO_PKG_VERSION").to_string(),
        config: config.clone(),
        inputs: inputs_meta,
        return_source,
        warnings,
        groups: crate::stats::aggregate::by_group(
            &computed,
            config.window,
            &config.car_windows,
            &config.test_options(),
        ),
        events: computed,
        skipped,
    })
}

fn digest(role: &str, path: &std::path::Path) -> crate::Result<InputFile> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let io = |source| crate::Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let hash = hasher.finalize();
    Ok(InputFile {
        role: role.to_string(),
        path: path.display().to_string(),
        sha256: hash.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        }),
    })
}

/// Close-to-close returns of a series on consecutive calendar days.
fn returns_on_calendar(close: &[f64], kind: ReturnKind) -> Vec<Option<f64>> {
    std::iter::once(None)
        .chain(close.windows(2).map(|w| Some(to_kind(w[1] / w[0], kind))))
        .collect()
}

fn to_kind(gross: f64, kind: ReturnKind) -> f64 {
    match kind {
        ReturnKind::Simple => gross - 1.0,
        ReturnKind::Log => gross.ln(),
    }
}

fn warn_off_calendar(inputs: &Inputs, warnings: &mut Vec<String>) {
    let cal = inputs.calendar.dates();
    let p = &inputs.panel;
    let mut count = 0usize;
    let mut first: Option<usize> = None;
    for r in &p.ranges {
        let mut k = 0;
        for i in r.clone() {
            while k < cal.len() && cal[k] < p.date[i] {
                k += 1;
            }
            if k == cal.len() || cal[k] != p.date[i] {
                count += 1;
                first.get_or_insert(i);
            }
        }
    }
    if let Some(i) = first {
        warnings.push(format!(
            "{}: {count} rows fall on dates that are not trading days of the market file (first: line {}, {} {}); they are ignored",
            p.path.display(),
            p.line[i],
            p.tickers[p.ranges.iter().position(|r| r.contains(&i)).unwrap_or(0)],
            p.date[i]
        ));
    }
}

/// Stock returns on calendar indices `lo..=hi` (missing unless the stock trades on both
/// consecutive calendar days, METHODS-SPEC §1.4).
fn stock_returns(inputs: &Inputs, ticker: usize, lo: usize, hi: usize) -> Vec<Option<f64>> {
    let p = &inputs.panel;
    let cal = inputs.calendar.dates();
    let range = p.ranges[ticker].clone();
    let dates = &p.date[range.clone()];
    let mut out = vec![None; hi + 1 - lo];
    let start_date = cal[lo.saturating_sub(1)];
    let mut j = dates.partition_point(|d| *d < start_date);
    let mut prev_k: Option<usize> = None;
    let mut prev_row: Option<usize> = None;
    while j < dates.len() && dates[j] <= cal[hi] {
        let Some(k) = inputs.calendar.index_of(dates[j]) else {
            j += 1;
            continue;
        };
        let row = range.start + j;
        if k >= lo
            && prev_k == Some(k.wrapping_sub(1))
            && let Some(prev) = prev_row
        {
            out[k - lo] = row_return(p, row, prev, inputs.returns);
        }
        prev_k = Some(k);
        prev_row = Some(row);
        j += 1;
    }
    out
}

fn row_return(p: &PricePanel, row: usize, prev: usize, kind: ReturnKind) -> Option<f64> {
    let gross = if let Some(adj) = &p.adj_close {
        adj[row] / adj[prev]
    } else if let Some(pc) = p.prev_close.as_ref().filter(|pc| pc[row].is_finite()) {
        p.close[row] / pc[row]
    } else {
        p.close[row] / p.close[prev]
    };
    gross.is_finite().then(|| to_kind(gross, kind))
}

fn skip(
    events: &EventFile,
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
            events.path.display(),
            ev.line,
            ev.event_id
        ),
    })
}

fn compute_event(
    inputs: &Inputs,
    cfg: &StudyConfig,
    events: &EventFile,
    ev: &EventRow,
    seen: &[(&EventRow, usize)],
    lctx: &mut LimitContext,
) -> Result<EventResult, Box<Skip>> {
    let Some(ticker) = inputs.panel.ticker_index(&ev.ticker) else {
        return Err(skip(
            events,
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
    let (first, last) = (cal.date(0), cal.date(cal.len() - 1));
    let outside = || {
        format!(
            "column \"date\": {} with window {} reaches outside the market calendar {first}..{last}",
            ev.date, cfg.window
        )
    };
    let Some(a) = cal.align(ev.date, ev.timing) else {
        return Err(skip(events, ev, SkipReason::WindowOutsideData, outside()));
    };
    let d0 = a.day0 as i64;
    let (win_lo, win_hi) = (
        d0 + i64::from(cfg.window.from),
        d0 + i64::from(cfg.window.to),
    );
    if win_lo < 0 || win_hi >= cal.len() as i64 {
        return Err(skip(events, ev, SkipReason::WindowOutsideData, outside()));
    }
    if let Some((dup, _)) = seen.iter().find(|(s, d)| {
        s.event_id == ev.event_id || (s.ticker == ev.ticker && *d == win_lo as usize)
    }) {
        return Err(skip(
            events,
            ev,
            SkipReason::DuplicateEvent,
            format!(
                "duplicate of line {} (same event_id, or same ticker and day 0 {})",
                dup.line,
                cal.date(a.day0)
            ),
        ));
    }
    let est_lo = (d0 + i64::from(cfg.estimation.from)).max(0) as usize;
    let est_hi = d0 + i64::from(cfg.estimation.to);
    let lo = if est_hi < 0 { win_lo as usize } else { est_lo };
    // Limit analysis may look past the window for the first free day and the days after it.
    let instrument = lctx.instrument(&inputs.panel, ticker);
    let ext_hi = if instrument.is_some() {
        (win_hi.max(d0) + i64::from(cfg.max_limit_run) + i64::from(cfg.post_free_days))
            .min(cal.len() as i64 - 1) as usize
    } else {
        win_hi as usize
    };
    let rets = stock_returns(inputs, ticker, lo, ext_hi);
    let limit_days = instrument
        .as_ref()
        .map(|(inst, _)| lctx.classify(&inputs.panel, cal, ticker, inst, lo, ext_hi));
    let limit_at = |k: usize| limit_days.as_ref().and_then(|v| v.get(k - lo)).copied();
    let at = |k: usize| (rets[k - lo], inputs.market_ret[k]);

    let est_range: Vec<usize> = if est_hi < 0 {
        Vec::new()
    } else {
        (est_lo..=est_hi as usize).collect()
    };
    let (mut ys, mut xs) = (
        Vec::with_capacity(est_range.len()),
        Vec::with_capacity(est_range.len()),
    );
    let n_limit_days_estimation = est_range
        .iter()
        .filter(|&&k| limit_at(k).is_some_and(|d| d.censored))
        .count();
    for &k in &est_range {
        if cfg.drop_limit_days_in_estimation && limit_at(k).is_some_and(|d| d.censored) {
            continue;
        }
        if let (Some(y), Some(x)) = at(k) {
            ys.push(y);
            xs.push(x);
        }
    }
    if ys.len() < cfg.min_estimation_obs {
        return Err(skip(
            events,
            ev,
            SkipReason::ShortEstimation,
            format!(
                "{} estimation returns, need {} (see --min-estimation-obs)",
                ys.len(),
                cfg.min_estimation_obs
            ),
        ));
    }
    let fit = Fitted::fit(
        cfg.model,
        &Estimation {
            stock: &ys,
            market: &xs,
        },
    )
    .map_err(|e| {
        skip(
            events,
            ev,
            SkipReason::ModelFailed,
            format!("{} model: {e}", cfg.model.name()),
        )
    })?;

    let win: Vec<usize> = (win_lo as usize..=win_hi as usize).collect();
    let day_inputs = |days: &[usize]| -> Vec<DayInput> {
        days.iter()
            .map(|&k| {
                let (ret, market_ret) = at(k);
                DayInput {
                    rel_day: (k as i64 - d0) as i32,
                    ret,
                    market_ret,
                }
            })
            .collect()
    };
    let inputs_days = day_inputs(&win);
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
    // Dropped limit days leave the estimation ARs of the cross-event tests too.
    let est_kept: Vec<usize> = est_range
        .iter()
        .copied()
        .filter(|&k| {
            !(cfg.drop_limit_days_in_estimation && limit_at(k).is_some_and(|d| d.censored))
        })
        .collect();
    let series = event_series(ev, &fit, &est_kept, &win, d0, at, &stats);
    let days = win
        .iter()
        .zip(&inputs_days)
        .zip(&stats)
        .map(|((&k, d), s)| {
            let bar = bar_on(&inputs.panel, ticker, cal.date(k));
            let col = |c: &Option<Vec<f64>>| bar.and_then(|r| finite(c.as_ref().map(|v| v[r])));
            DayRow {
                rel_day: d.rel_day,
                date: cal.date(k),
                ret: d.ret,
                market_ret: d.market_ret,
                open: col(&inputs.panel.open),
                high: col(&inputs.panel.high),
                low: col(&inputs.panel.low),
                close: bar.map(|r| inputs.panel.close[r]),
                limit: limit_at(k),
                stats: *s,
            }
        })
        .collect();
    let limits = instrument.map(|(_, board)| {
        let ext: Vec<usize> = (win_lo as usize..=ext_hi).collect();
        let ext_days = day_inputs(&ext);
        let ext_stats = day_stats(&fit, &ext_days, cfg.allow_partial_car);
        limits::event_limits(
            cfg,
            &fit,
            board,
            &ext,
            &ext_days,
            &ext_stats,
            &limit_at,
            n_limit_days_estimation,
        )
    });
    Ok(EventResult {
        event_id: ev.event_id.clone(),
        ticker: ev.ticker.clone(),
        label: ev.label.clone(),
        group: ev.group.clone(),
        line: ev.line,
        event_date: ev.date,
        day0: cal.date(a.day0),
        shift_days: a.shift_days,
        shift_reason: a.shift_reason,
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

/// Estimation residuals and SARs (with their leverage) plus the event-window rows.
fn event_series(
    ev: &EventRow,
    fit: &Fitted,
    est: &[usize],
    win: &[usize],
    d0: i64,
    at: impl Fn(usize) -> (Option<f64>, Option<f64>),
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
        let (y, x) = at(k);
        let ar = y.zip(x).map(|(y, x)| y - fit.normal(x));
        let sar = ar
            .zip(x)
            .map(|(a, x)| a / (fit.sigma2() * (1.0 + fit.leverage(x))).sqrt());
        s.rel_day.push((k as i64 - d0) as i32);
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

/// Count, per event, other events of the same ticker whose event window overlaps its
/// estimation window (METHODS-SPEC §2.3), and warn once per study.
fn count_overlaps(events: &mut [EventResult], cfg: &StudyConfig, warnings: &mut Vec<String>) {
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
