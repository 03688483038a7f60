//! Panel scan for `evstudy limits`: every stock-day at or near a limit, or outside the band.
//!
//! A hit is a day whose state is a close, lock, touch or `unknown` (METHODS-SPEC §6.3), or
//! any day with `rule_mismatch` (a price outside the computed band: a data error, a wrong
//! board or ST status, or a day the rules do not model, such as an ex-right day with a raw
//! reference price). `none`, `no_limit` and `suspended` days are left out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::board::Instrument;
use super::classify::{Bar, LimitState, classify};
use super::rules::RuleSet;
use crate::error::LimitsError;

/// One reported stock-day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LimitHit {
    /// Calendar date.
    pub date: NaiveDate,
    /// Ticker as given.
    pub ticker: String,
    /// Limit state.
    pub state: LimitState,
    /// Closing price.
    pub close: f64,
    /// Reference price.
    pub ref_price: Option<f64>,
    /// Up limit.
    pub up_limit: Option<f64>,
    /// Down limit.
    pub down_limit: Option<f64>,
    /// Signed length of the limit-close run holding the day (0 for touches).
    pub run_length: i32,
    /// Traded outside the band.
    pub rule_mismatch: bool,
    /// The run skips suspended days.
    pub run_spans_suspension: bool,
}

/// Classifies one stock and returns its hits in date order.
///
/// # Errors
/// [`LimitsError::Misaligned`] when `dates` and `rows` differ in length.
pub fn scan_hits(
    ticker: &str,
    dates: &[NaiveDate],
    rows: &[Option<Bar>],
    rules: &RuleSet,
    instrument: &Instrument,
) -> Result<Vec<LimitHit>, LimitsError> {
    let days = classify(dates, rows, instrument, rules)?;
    Ok(days
        .iter()
        .zip(rows)
        .filter_map(|(day, row)| {
            let quiet = matches!(
                day.state,
                LimitState::None | LimitState::NoLimit | LimitState::Suspended
            );
            let bar = row.as_ref()?;
            (!quiet || day.rule_mismatch).then(|| LimitHit {
                date: day.date,
                ticker: ticker.to_owned(),
                state: day.state,
                close: bar.close,
                ref_price: day.ref_price,
                up_limit: day.up_limit,
                down_limit: day.down_limit,
                run_length: day.limit_run,
                rule_mismatch: day.rule_mismatch,
                run_spans_suspension: day.run_spans_suspension,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::board::Board;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn scan_reports_limit_days_and_mismatches_but_not_quiet_days() {
        let dates = [
            d("2022-04-29"),
            d("2022-05-02"),
            d("2022-05-05"),
            d("2022-05-06"),
        ];
        let bar = |h, l, c, p| {
            Some(Bar {
                open: Some(c),
                high: Some(h),
                low: Some(l),
                close: c,
                prev_close: Some(p),
            })
        };
        let rows = [
            bar(43.13, 40.68, 42.49, 40.87),
            None,
            bar(38.80, 38.24, 38.24, 42.49),
            bar(36.35, 34.42, 34.80, 38.24),
        ];
        let mut inst = Instrument::on_board(Board::SzseMain);
        inst.listing_date = Some(d("2010-05-28"));
        let hits = scan_hits("002415.SZ", &dates, &rows, &RuleSet::builtin(), &inst).unwrap();
        let got: Vec<(NaiveDate, LimitState, i32)> = hits
            .iter()
            .map(|h| (h.date, h.state, h.run_length))
            .collect();
        assert_eq!(
            got,
            [
                (d("2022-05-05"), LimitState::DownClose, -1),
                (d("2022-05-06"), LimitState::DownTouch, 0)
            ]
        );
        assert_eq!(hits[0].ticker, "002415.SZ");
        assert_eq!(hits[0].down_limit, Some(38.24));
    }
}
