//! The records of the CSV tables: one `Serialize` struct per record kind, one field per
//! column, in column order (the csv crate writes a struct's fields left to right, and a
//! tuple or `Vec` of structs as one flat record). The field names are the header (see
//! `columns` in `csv.rs`). Each struct is built from the result schema by a constructor,
//! so the writers in `csv.rs` only choose the rows.
//!
//! Cells are plain scalars: [`Num`] for numbers (Rust's shortest round-trip decimal through
//! [`num`](super::num), empty when missing or non-finite), `Option` for values that may be absent (an
//! empty cell), `bool` as `true`/`false`, dates as `YYYY-MM-DD`. `Default` is the all-empty
//! record.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::push_num;
use crate::limits::LimitHit;
use crate::result::{AarRow, DayRow, EventLimits, EventResult, Skip};
use crate::stats::TestStat;

/// A number cell: written by [`push_num`] (never with the exponent that the csv crate's own
/// `f64` formatting, `ryu`, would use for 1e-7).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Num(pub Option<f64>);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NUM_TEXT.with_borrow_mut(|text| {
            text.clear();
            push_num(self.0, text);
            s.serialize_str(text)
        })
    }
}

thread_local! {
    /// The text of the cell being written (one buffer per thread, not one per cell).
    static NUM_TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// One `ar.csv` record: an event-window day of a computed event; the limit cells are
/// empty when no limit rule applies to the ticker.
#[derive(Serialize, Default)]
pub(super) struct ArRow<'a> {
    event_id: &'a str,
    ticker: &'a str,
    group: &'a str,
    event_date: NaiveDate,
    day0: NaiveDate,
    rel_day: i32,
    date: NaiveDate,
    ret: Num,
    market_ret: Num,
    normal_ret: Num,
    ar: Num,
    car: Num,
    sar: Num,
    car_se: Num,
    span: Option<u32>,
    open: Num,
    high: Num,
    low: Num,
    close: Num,
    ref_price: Num,
    ref_price_source: Option<&'static str>,
    limit_pct: Num,
    up_limit: Num,
    down_limit: Num,
    limit_state: Option<&'static str>,
    censored: Option<bool>,
    free_day: Option<bool>,
    return_span: Option<u32>,
    rule_mismatch: Option<bool>,
}

impl<'a> ArRow<'a> {
    pub(super) fn new(e: &'a EventResult, d: &DayRow) -> Self {
        let l = d.limit.as_ref();
        let lim = |f: fn(&crate::limits::LimitDay) -> Option<f64>| Num(l.and_then(f));
        ArRow {
            event_id: &e.event_id,
            ticker: &e.ticker,
            group: &e.group,
            event_date: e.event_date,
            day0: e.day0,
            rel_day: d.rel_day,
            date: d.date,
            ret: Num(d.ret),
            market_ret: Num(d.market_ret),
            normal_ret: Num(d.stats.normal_ret),
            ar: Num(d.stats.ar),
            car: Num(d.stats.car),
            sar: Num(d.stats.sar),
            car_se: Num(d.stats.car_se),
            span: d.span,
            open: Num(d.open),
            high: Num(d.high),
            low: Num(d.low),
            close: Num(d.close),
            ref_price: lim(|l| l.ref_price),
            ref_price_source: l.map(|l| l.ref_price_source.as_str()),
            limit_pct: lim(|l| l.limit_pct),
            up_limit: lim(|l| l.up_limit),
            down_limit: lim(|l| l.down_limit),
            limit_state: l.map(|l| l.state.as_str()),
            censored: l.map(|l| l.censored),
            free_day: l.map(|l| l.free_day),
            return_span: l.map(|l| l.return_span),
            rule_mismatch: l.map(|l| l.rule_mismatch),
        }
    }
}

/// The fixed leading cells of an `events.csv` record. An `events.csv` record is
/// `(EventCells, Vec<WindowCells>, LimitCells)`: one `WindowCells` per CAR window.
#[derive(Serialize, Default)]
pub(super) struct EventCells<'a> {
    event_id: &'a str,
    ticker: &'a str,
    group: &'a str,
    label: &'a str,
    line: u64,
    event_date: Option<NaiveDate>,
    day0: Option<NaiveDate>,
    shift_days: Option<i64>,
    shift_reason: Option<&'static str>,
    status: &'static str,
    skip_reason: Option<&'static str>,
    model: &'static str,
    alpha: Num,
    beta: Num,
    sigma: Num,
    r2: Num,
    n_est: Option<usize>,
    df: Option<usize>,
    n_overlapping_other_events: Option<usize>,
    halt_days: Option<u32>,
    first_trade_day: Option<i32>,
    first_trade_date: Option<NaiveDate>,
    resumption_span: Option<u32>,
    n_span_too_long: Option<usize>,
}

impl<'a> EventCells<'a> {
    /// A computed event (`status = ok`) and its fitted model.
    pub(super) fn computed(e: &'a EventResult, model: &'static str) -> Self {
        let f = &e.fit;
        EventCells {
            event_id: &e.event_id,
            ticker: &e.ticker,
            group: &e.group,
            label: &e.label,
            line: e.line,
            event_date: Some(e.event_date),
            day0: Some(e.day0),
            shift_days: Some(e.shift_days),
            shift_reason: Some(e.shift_reason.name()),
            status: "ok",
            skip_reason: None,
            model,
            alpha: Num(f.alpha()),
            beta: Num(f.beta()),
            sigma: Num(Some(f.sigma2().sqrt())),
            r2: Num(f.r2()),
            n_est: Some(f.n()),
            df: Some(f.df_resid()),
            n_overlapping_other_events: Some(e.n_overlapping_other_events),
            halt_days: Some(e.halt.as_ref().map_or(0, |h| h.halt_days)),
            first_trade_day: e.halt.as_ref().and_then(|h| h.first_trade_day),
            first_trade_date: e.halt.as_ref().and_then(|h| h.first_trade_date),
            resumption_span: e.halt.as_ref().and_then(|h| h.resumption_span),
            n_span_too_long: Some(e.n_span_too_long),
        }
    }

    /// A skipped event: id, ticker, line, reason and model; everything else empty.
    pub(super) fn skipped(s: &'a Skip, model: &'static str) -> Self {
        EventCells {
            event_id: &s.event_id,
            ticker: &s.ticker,
            group: "",
            label: "",
            line: s.line,
            event_date: None,
            day0: None,
            shift_days: None,
            shift_reason: None,
            status: "skipped",
            skip_reason: Some(s.reason.name()),
            model,
            alpha: Num(None),
            beta: Num(None),
            sigma: Num(None),
            r2: Num(None),
            n_est: None,
            df: None,
            n_overlapping_other_events: None,
            halt_days: None,
            first_trade_day: None,
            first_trade_date: None,
            resumption_span: None,
            n_span_too_long: None,
        }
    }
}

/// One factor-model coefficient of an event: estimate, standard error, t (empty when the
/// event was skipped).
#[derive(Serialize, Default)]
pub(super) struct CoefCells {
    coef: Num,
    se: Num,
    t: Num,
}

impl CoefCells {
    pub(super) fn new(c: Option<&crate::models::Coefficient>) -> Self {
        CoefCells {
            coef: Num(c.map(|c| c.coef)),
            se: Num(c.map(|c| c.se)),
            t: Num(c.map(|c| c.t)),
        }
    }
}

/// The cells of one CAR window of an event (all empty for a skipped event).
#[derive(Serialize, Default)]
pub(super) struct WindowCells {
    car: Num,
    bhar: Num,
    scar: Num,
    /// The event's t-statistic of the window is its SCAR (METHODS.md).
    t: Num,
    p: Num,
    n_ar: Option<usize>,
}

impl WindowCells {
    pub(super) fn new(w: &crate::stats::event::WindowStats) -> Self {
        let v = &w.values;
        WindowCells {
            car: Num(v.car),
            bhar: Num(v.bhar),
            scar: Num(v.scar),
            t: Num(v.scar),
            p: Num(w.p_value),
            n_ar: Some(v.n_days),
        }
    }
}

/// The trailing limit cells of an `events.csv` record (all empty without a limit rule).
#[derive(Serialize, Default)]
pub(super) struct LimitCells<'a> {
    limit_board: Option<&'a str>,
    limit_pct_day0: Num,
    n_limit_up_close: Option<u32>,
    n_limit_down_close: Option<u32>,
    n_touch: Option<u32>,
    n_one_price_lock: Option<u32>,
    limit_run_day0: Option<i32>,
    first_limit_day: Option<i32>,
    first_free_day: Option<i32>,
    first_free_date: Option<NaiveDate>,
    car_free: Num,
    bhar_free: Num,
    sar_free: Num,
    post_free_car_k: Num,
    continuation: Option<bool>,
    limit_run_censored: Option<bool>,
    n_limit_days_estimation: Option<usize>,
}

impl<'a> LimitCells<'a> {
    pub(super) fn new(l: Option<&'a EventLimits>) -> Self {
        let Some(l) = l else {
            return LimitCells::default();
        };
        let s = &l.summary;
        LimitCells {
            limit_board: Some(&l.limit_board),
            limit_pct_day0: Num(s.limit_pct_day0),
            n_limit_up_close: Some(s.n_limit_up_close),
            n_limit_down_close: Some(s.n_limit_down_close),
            n_touch: Some(s.n_touch),
            n_one_price_lock: Some(s.n_one_price_lock),
            limit_run_day0: Some(s.limit_run_day0),
            first_limit_day: s.first_limit_day,
            first_free_day: s.first_free_day,
            first_free_date: s.first_free_date,
            car_free: Num(s.car_free),
            bhar_free: Num(s.bhar_free),
            sar_free: Num(l.sar_free),
            post_free_car_k: Num(s.post_free_car_k),
            continuation: s.continuation,
            limit_run_censored: Some(s.limit_run_censored),
            n_limit_days_estimation: Some(l.n_limit_days_estimation),
        }
    }
}

/// The fixed cells of an `aar.csv` record. An `aar.csv` record is
/// `(AarCells, Vec<StatCells>)`: one `StatCells` per day test.
#[derive(Serialize, Default)]
pub(super) struct AarCells<'a> {
    group: &'a str,
    rel_day: i32,
    n: usize,
    aar: Num,
    caar: Num,
    caar_sum: Num,
    caar_csect_t: Num,
    caar_csect_t_p: Num,
    caar_bmp_t: Num,
    caar_bmp_t_p: Num,
    caar_half95: Num,
}

impl<'a> AarCells<'a> {
    pub(super) fn new(group: &'a str, d: &AarRow) -> Self {
        let path =
            |kind: crate::config::TestKind| d.caar_tests.iter().find(|t| t.name == kind.name());
        let (cs, bmp) = (
            path(crate::config::TestKind::CsectT),
            path(crate::config::TestKind::BmpT),
        );
        AarCells {
            group,
            rel_day: d.rel_day,
            n: d.n,
            aar: Num(d.aar),
            caar: Num(d.caar),
            caar_sum: Num(d.caar_sum),
            caar_csect_t: Num(cs.and_then(|t| t.statistic)),
            caar_csect_t_p: Num(cs.and_then(|t| t.p_value)),
            caar_bmp_t: Num(bmp.and_then(|t| t.statistic)),
            caar_bmp_t_p: Num(bmp.and_then(|t| t.p_value)),
            caar_half95: Num(d.caar_half95),
        }
    }
}

/// A day test's statistic and p-value (`aar.csv` columns `<test>` and `<test>_p`).
#[derive(Serialize)]
pub(super) struct StatCells {
    statistic: Num,
    p: Num,
}

impl StatCells {
    pub(super) fn new(t: &TestStat) -> Self {
        StatCells {
            statistic: Num(t.statistic),
            p: Num(t.p_value),
        }
    }
}

/// One `tests.csv` record: a test of a group × window, or the window's CAAR itself.
#[derive(Serialize, Default)]
pub(super) struct TestRow<'a> {
    group: &'a str,
    window: &'a str,
    test: &'a str,
    statistic: Num,
    p_value: Num,
    df: Num,
    n: usize,
    distribution: &'a str,
    note: String,
    n_excluded: usize,
    excluded: &'a str,
    rbar: Num,
    rbar_pairs: Option<usize>,
    mean_overlap: Num,
}

/// A window's events left out of its tests: how many, and `reason:count;...`.
pub(super) type Excluded<'a> = (usize, &'a str);

impl<'a> TestRow<'a> {
    pub(super) fn test(
        group: &'a str,
        window: &'a str,
        t: &'a TestStat,
        (n_excluded, excluded): Excluded<'a>,
    ) -> Self {
        let rho = t.correlation.as_ref();
        TestRow {
            group,
            window,
            test: &t.name,
            statistic: Num(t.statistic),
            p_value: Num(t.p_value),
            df: Num(t.df),
            n: t.n,
            distribution: &t.distribution,
            note: match rho {
                Some(c) if c.grouped => {
                    let grouped =
                        "rbar by day-0 groups (more events than rbar_exact_max; METHODS.md 4.9)";
                    if t.note.is_empty() {
                        grouped.to_string()
                    } else {
                        format!("{}; {grouped}", t.note)
                    }
                }
                _ => t.note.clone(),
            },
            n_excluded,
            excluded,
            rbar: Num(rho.map(|c| c.rbar)),
            rbar_pairs: rho.map(|c| c.n_pairs),
            mean_overlap: Num(rho.and_then(|c| c.mean_overlap)),
        }
    }

    /// The pseudo-test `test` (`caar`, `caar_free`) whose statistic is the average itself
    /// over `n` events; `note` carries the companion numbers.
    pub(super) fn average(
        group: &'a str,
        window: &'a str,
        test: &'a str,
        (value, n): (Option<f64>, usize),
        note: String,
        (n_excluded, excluded): Excluded<'a>,
    ) -> Self {
        TestRow {
            group,
            window,
            test,
            statistic: Num(value),
            p_value: Num(None),
            df: Num(None),
            n,
            distribution: "",
            note,
            n_excluded,
            excluded,
            rbar: Num(None),
            rbar_pairs: None,
            mean_overlap: Num(None),
        }
    }
}

/// One `evstudy limits` record: a stock-day at or near a limit.
#[derive(Serialize, Default)]
pub(super) struct HitRow<'a> {
    ticker: &'a str,
    date: NaiveDate,
    state: &'static str,
    close: Num,
    ref_price: Num,
    up_limit: Num,
    down_limit: Num,
    run_length: i32,
    rule_mismatch: bool,
    run_spans_suspension: bool,
}

impl<'a> HitRow<'a> {
    pub(super) fn new(h: &'a LimitHit) -> Self {
        HitRow {
            ticker: &h.ticker,
            date: h.date,
            state: h.state.as_str(),
            close: Num(Some(h.close)),
            ref_price: Num(h.ref_price),
            up_limit: Num(h.up_limit),
            down_limit: Num(h.down_limit),
            run_length: h.run_length,
            rule_mismatch: h.rule_mismatch,
            run_spans_suspension: h.run_spans_suspension,
        }
    }
}
