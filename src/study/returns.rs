//! Returns on the market calendar (METHODS-SPEC §1.2–§1.4): the market's close-to-close
//! returns, and a stock's returns from its rows, in the model's scale (simple or log).
//!
//! A stock row's gross return is `adj_close_k / adj_close_prev` when adjusted prices are
//! given, else `close_k / prev_close_k` (the exchange reference, which accounts for payouts
//! and, after a halt, is the last close before it), else `close_k / close_prev`, where `prev`
//! is the stock's previous row on the calendar.
//!
//! - `--gaps missing`: a return needs rows on calendar days `k` and `k - 1`.
//! - `--gaps span` (trade-to-trade, #10): the previous row may lie `s` sessions back; the
//!   return covers those `s` sessions and records `span = s` (Maynes–Rumsey 1993; estudy2
//!   `multi_day`). A halt longer than `max_span` sessions (`s - 1 > max_span`) is not
//!   bridged: the return is missing with reason `span_too_long`.

use crate::calendar::Calendar;
use crate::config::{GapPolicy, ReturnKind};
use crate::data::PricePanel;

/// Close-to-close returns of a series on consecutive calendar days.
pub(super) fn returns_on_calendar(close: &[f64], kind: ReturnKind) -> Vec<Option<f64>> {
    std::iter::once(None)
        .chain(close.windows(2).map(|w| Some(to_kind(w[1] / w[0], kind))))
        .collect()
}

/// A gross return in the model's scale.
pub(super) fn to_kind(gross: f64, kind: ReturnKind) -> f64 {
    match kind {
        ReturnKind::Simple => gross - 1.0,
        ReturnKind::Log => gross.ln(),
    }
}

/// How returns are formed.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReturnRules {
    pub kind: ReturnKind,
    pub gaps: GapPolicy,
    pub max_span: u32,
}

/// One calendar day of a stock.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct StockDay {
    /// The stock has a row (it traded) this day.
    pub traded: bool,
    /// Return over the row's span.
    pub ret: Option<f64>,
    /// Sessions the return covers (`None` without a previous row).
    pub span: Option<u32>,
    /// The previous trade lies more than `max_span` halted sessions back.
    pub span_too_long: bool,
    /// Panel row of the day.
    pub row: Option<usize>,
}

/// The days `lo..=hi` of one ticker.
pub(super) fn stock_days(
    panel: &PricePanel,
    calendar: &Calendar,
    rules: ReturnRules,
    ticker: usize,
    lo: usize,
    hi: usize,
) -> Vec<StockDay> {
    let cal = calendar.dates();
    let range = panel.ranges[ticker].clone();
    let dates = &panel.date[range.clone()];
    let mut out = vec![StockDay::default(); hi + 1 - lo];
    // The previous row on the calendar before `lo` (any distance back under `span`).
    let mut j = dates.partition_point(|d| *d < cal[lo]);
    let mut prev: Option<(usize, usize)> = dates[..j]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, d)| calendar.index_of(*d).map(|k| (k, range.start + i)));
    while j < dates.len() && dates[j] <= cal[hi] {
        let Some(k) = calendar.index_of(dates[j]) else {
            j += 1;
            continue;
        };
        let row = range.start + j;
        let day = &mut out[k - lo];
        day.traded = true;
        day.row = Some(row);
        if let Some((pk, prow)) = prev {
            let s = k - pk;
            let bridged = match rules.gaps {
                GapPolicy::Missing => s == 1,
                GapPolicy::Span => s as u64 - 1 <= u64::from(rules.max_span),
            };
            if bridged {
                day.ret = row_return(panel, row, prow, rules.kind);
                day.span = Some(s as u32);
            } else if rules.gaps == GapPolicy::Span {
                day.span = Some(s as u32);
                day.span_too_long = true;
            }
        }
        prev = Some((k, row));
        j += 1;
    }
    out
}

fn row_return(p: &PricePanel, row: usize, prev: usize, kind: ReturnKind) -> Option<f64> {
    if let Some(r) = &p.ret {
        // A return read from the file: exactly as given (simple), `ln(1 + r)` (log).
        let r = r[row];
        return r.is_finite().then(|| match kind {
            ReturnKind::Simple => r,
            ReturnKind::Log => r.ln_1p(),
        });
    }
    let gross = if let Some(adj) = &p.adj_close {
        adj[row] / adj[prev]
    } else if let Some(pc) = p.prev_close.as_ref().filter(|pc| pc[row].is_finite()) {
        p.close[row] / pc[row]
    } else {
        p.close[row] / p.close[prev]
    };
    gross.is_finite().then(|| to_kind(gross, kind))
}
