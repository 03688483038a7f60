//! Returns on the market calendar (METHODS-SPEC §1.2–§1.4): the market's close-to-close
//! returns, and a stock's returns from its rows, in the model's scale (simple or log).
//!
//! A stock return on calendar day `k` needs a row on day `k` and on day `k - 1`
//! (the `missing` gap policy of §1.4). Its gross return is `adj_close_k / adj_close_{k-1}`
//! when adjusted prices are given, else `close_k / prev_close_k` (the exchange reference,
//! which accounts for payouts), else `close_k / close_{k-1}`.

use crate::calendar::Calendar;
use crate::config::ReturnKind;
use crate::data::PricePanel;

/// Close-to-close returns of a series on consecutive calendar days.
pub(super) fn returns_on_calendar(close: &[f64], kind: ReturnKind) -> Vec<Option<f64>> {
    std::iter::once(None)
        .chain(close.windows(2).map(|w| Some(to_kind(w[1] / w[0], kind))))
        .collect()
}

pub(super) fn to_kind(gross: f64, kind: ReturnKind) -> f64 {
    match kind {
        ReturnKind::Simple => gross - 1.0,
        ReturnKind::Log => gross.ln(),
    }
}

/// Stock returns on calendar indices `lo..=hi` (missing unless the stock trades on both
/// consecutive calendar days, METHODS-SPEC §1.4).
pub(super) fn stock_returns(
    panel: &PricePanel,
    calendar: &Calendar,
    kind: ReturnKind,
    ticker: usize,
    lo: usize,
    hi: usize,
) -> Vec<Option<f64>> {
    let p = panel;
    let cal = calendar.dates();
    let range = p.ranges[ticker].clone();
    let dates = &p.date[range.clone()];
    let mut out = vec![None; hi + 1 - lo];
    let start_date = cal[lo.saturating_sub(1)];
    let mut j = dates.partition_point(|d| *d < start_date);
    let mut prev_k: Option<usize> = None;
    let mut prev_row: Option<usize> = None;
    while j < dates.len() && dates[j] <= cal[hi] {
        let Some(k) = calendar.index_of(dates[j]) else {
            j += 1;
            continue;
        };
        let row = range.start + j;
        if k >= lo
            && prev_k == Some(k.wrapping_sub(1))
            && let Some(prev) = prev_row
        {
            out[k - lo] = row_return(p, row, prev, kind);
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
