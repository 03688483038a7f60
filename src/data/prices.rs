//! The price panel: every ticker's rows in one set of contiguous columns, sorted by
//! (ticker, date), so a study works on each ticker's slice without scanning the panel.
//! Optional columns hold `NaN` where a cell is empty.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::columns::{self, Field};
use super::csv::{self, Col, Kind};
use crate::config::ColumnMap;
use crate::error::{Error, Result};

/// Which price gives the return (METHODS-SPEC §1.3), in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnSource {
    /// `adj_close_t / adj_close_{t-1} - 1` (vendor total-return adjustment).
    AdjClose,
    /// `close_t / prev_close_t - 1` (exchange reference price; payouts accounted for).
    PrevClose,
    /// `close_t / close_{t-1} - 1` (price-only: ex-date returns include the payout drop).
    Close,
}

/// All tickers' daily rows, sorted by ticker then date.
#[derive(Debug, Clone)]
pub struct PricePanel {
    /// The file read.
    pub path: PathBuf,
    /// Tickers in ascending order.
    pub tickers: Vec<String>,
    /// Row range of each ticker (same order as `tickers`).
    pub ranges: Vec<Range<usize>>,
    /// Trading date of each row.
    pub date: Vec<NaiveDate>,
    /// Raw close.
    pub close: Vec<f64>,
    /// Optional raw open/high/low (`NaN` when absent).
    pub open: Option<Vec<f64>>,
    /// Optional high.
    pub high: Option<Vec<f64>>,
    /// Optional low.
    pub low: Option<Vec<f64>>,
    /// Optional exchange previous close.
    pub prev_close: Option<Vec<f64>>,
    /// Optional adjusted close.
    pub adj_close: Option<Vec<f64>>,
    /// Optional ST flag per row (`1` special treatment, `0` not, `NaN` unknown).
    pub st: Option<Vec<f64>>,
    /// File line of each row (for messages).
    pub line: Vec<u32>,
    index: HashMap<String, usize>,
}

impl PricePanel {
    /// Plausibility of the bars (#15): rows whose high is below their low, or whose close
    /// (or open) lies outside `[low, high]`, each as one warning with the count and the first
    /// row (line, ticker, date, values). Such rows are kept: the warning says where to look.
    pub fn plausibility(&self) -> Vec<String> {
        let (Some(high), Some(low)) = (&self.high, &self.low) else {
            return Vec::new();
        };
        // A cent of tolerance on the grid's float representation.
        let tol = |x: f64| 1e-9 * x.abs().max(1.0);
        let ticker_of = |i: usize| {
            self.ranges
                .iter()
                .position(|r| r.contains(&i))
                .map_or("", |t| self.tickers[t].as_str())
        };
        let mut checks: Vec<(&str, Vec<usize>)> = Vec::new();
        let finite = |i: usize| high[i].is_finite() && low[i].is_finite();
        let inverted: Vec<usize> = (0..self.close.len())
            .filter(|&i| finite(i) && high[i] + tol(high[i]) < low[i])
            .collect();
        checks.push(("high below low", inverted));
        let outside = |v: &[f64]| -> Vec<usize> {
            (0..self.close.len())
                .filter(|&i| {
                    finite(i)
                        && v[i].is_finite()
                        && high[i] >= low[i]
                        && (v[i] > high[i] + tol(high[i]) || v[i] < low[i] - tol(low[i]))
                })
                .collect()
        };
        checks.push(("close outside [low, high]", outside(&self.close)));
        if let Some(open) = &self.open {
            checks.push(("open outside [low, high]", outside(open)));
        }
        checks
            .into_iter()
            .filter_map(|(what, rows)| {
                let &i = rows.first()?;
                Some(format!(
                    "{}: {} {} with {what} (first: line {}, {} {}: low {}, high {}, close {}); check the file's columns",
                    self.path.display(),
                    rows.len(),
                    if rows.len() == 1 { "row" } else { "rows" },
                    self.line[i],
                    ticker_of(i),
                    self.date[i],
                    low[i],
                    high[i],
                    self.close[i]
                ))
            })
            .collect()
    }

    /// Load a long price CSV (`date,ticker,close` required; see [`columns::PRICE_FIELDS`]).
    ///
    /// # Errors
    /// Any of the input errors of [`Error`], each naming file, line, column and value.
    pub fn load(path: &Path, map: &ColumnMap) -> Result<Self> {
        let headers = csv::read_header(path)?;
        let date_i = columns::require(path, &headers, columns::DATE, map)?;
        let ticker_i = columns::require(path, &headers, columns::TICKER, map)?;
        let close_i = columns::require(path, &headers, columns::CLOSE, map)?;
        let optional = [
            columns::OPEN,
            columns::HIGH,
            columns::LOW,
            columns::PREV_CLOSE,
            columns::ADJ_CLOSE,
        ];
        let mut cols = vec![
            col(&headers, date_i, Kind::Text),
            col(&headers, ticker_i, Kind::Text),
            col(&headers, close_i, Kind::Number),
        ];
        let mut present: Vec<(Field, String)> = Vec::new();
        for f in optional {
            if let Some(i) = columns::find(path, &headers, f, map)? {
                cols.push(col(&headers, i, Kind::Number));
                present.push((f, headers[i].clone()));
            }
        }
        let st_col = columns::find(path, &headers, columns::ST, map)?;
        if let Some(i) = st_col {
            cols.push(col(&headers, i, Kind::Number));
        }
        let df = csv::read_columns(path, &cols)?;
        let n = df.height();

        let dates = parse_dates(path, &df, &headers[date_i])?;
        let tick_col = csv::text_column(path, &df, &headers[ticker_i])?;
        let close = required_prices(path, &df, &headers[close_i])?;

        // Intern tickers; consecutive rows usually repeat the previous ticker.
        let mut ids: Vec<u32> = Vec::with_capacity(n);
        let mut names: Vec<String> = Vec::new();
        let mut lookup: HashMap<String, u32> = HashMap::new();
        let mut last: Option<(&str, u32)> = None;
        for (row, t) in tick_col.iter().enumerate() {
            let t =
                t.map(str::trim)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| Error::EmptyValue {
                        path: path.to_path_buf(),
                        line: csv::line_of(row),
                        column: headers[ticker_i].clone(),
                    })?;
            let id = match last {
                Some((prev, id)) if prev == t => id,
                _ => *lookup.entry(t.to_string()).or_insert_with(|| {
                    names.push(t.to_string());
                    (names.len() - 1) as u32
                }),
            };
            last = Some((t, id));
            ids.push(id);
        }
        // Rank tickers by name so output order never depends on file order.
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut rank = vec![0u32; names.len()];
        for (r, &id) in by_name.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        let key = |i: usize| (rank[ids[i] as usize], dates[i]);
        let sorted = (1..n).all(|i| key(i - 1) <= key(i));
        let order: Vec<usize> = if sorted {
            (0..n).collect()
        } else {
            let mut o: Vec<usize> = (0..n).collect();
            o.sort_by_key(|&i| key(i));
            o
        };
        for w in order.windows(2) {
            if key(w[0]) == key(w[1]) {
                let (first, second) = (w[0].min(w[1]), w[0].max(w[1]));
                return Err(Error::DuplicateRow {
                    path: path.to_path_buf(),
                    line: csv::line_of(second),
                    first_line: csv::line_of(first),
                    ticker: names[ids[second] as usize].clone(),
                    date: dates[second].to_string(),
                });
            }
        }
        // Rows already in (ticker, date) order (the usual case) are moved, not copied.
        let gather = |v: Vec<f64>| -> Vec<f64> {
            if sorted {
                v
            } else {
                order.iter().map(|&i| v[i]).collect()
            }
        };
        let mut panel = PricePanel {
            path: path.to_path_buf(),
            tickers: by_name
                .iter()
                .map(|&id| names[id as usize].clone())
                .collect(),
            ranges: Vec::with_capacity(names.len()),
            date: if sorted {
                dates
            } else {
                order.iter().map(|&i| dates[i]).collect()
            },
            close: gather(close),
            open: None,
            high: None,
            low: None,
            prev_close: None,
            adj_close: None,
            st: None,
            line: order.iter().map(|&i| csv::line_of(i) as u32).collect(),
            index: HashMap::new(),
        };
        for (field, header) in present {
            let v = gather(optional_prices(path, &df, &header)?);
            match field.name {
                "open" => panel.open = Some(v),
                "high" => panel.high = Some(v),
                "low" => panel.low = Some(v),
                "prev_close" => panel.prev_close = Some(v),
                _ => panel.adj_close = Some(v),
            }
        }
        if let Some(i) = st_col {
            panel.st = Some(gather(csv::float_values(path, &df, &headers[i])?.0));
        }
        let mut start = 0;
        for r in 1..=n {
            if r == n || ids[order[r]] != ids[order[start]] {
                panel.ranges.push(start..r);
                start = r;
            }
        }
        panel.index = panel
            .tickers
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i))
            .collect();
        Ok(panel)
    }

    /// Position of `ticker` in `tickers`.
    pub fn ticker_index(&self, ticker: &str) -> Option<usize> {
        self.index.get(ticker).copied()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.date.len()
    }

    /// Whether the panel has no rows (never true after a successful load).
    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }

    /// The return source this panel supports (METHODS-SPEC §1.3).
    pub fn return_source(&self) -> ReturnSource {
        if self.adj_close.is_some() {
            ReturnSource::AdjClose
        } else if self.prev_close.is_some() {
            ReturnSource::PrevClose
        } else {
            ReturnSource::Close
        }
    }
}

fn col(headers: &[String], index: usize, kind: Kind) -> Col {
    Col {
        index,
        header: headers[index].clone(),
        kind,
    }
}

/// Parse a text date column, failing on the first bad or empty cell.
///
/// # Errors
/// `EmptyValue` or `BadDate` naming the line.
pub fn parse_dates(
    path: &Path,
    df: &polars::prelude::DataFrame,
    name: &str,
) -> Result<Vec<NaiveDate>> {
    let c = csv::text_column(path, df, name)?;
    c.iter()
        .enumerate()
        .map(|(row, v)| {
            let v = v.ok_or_else(|| Error::EmptyValue {
                path: path.to_path_buf(),
                line: csv::line_of(row),
                column: name.to_string(),
            })?;
            csv::parse_date(v).ok_or_else(|| Error::BadDate {
                path: path.to_path_buf(),
                line: csv::line_of(row),
                column: name.to_string(),
                value: v.to_string(),
            })
        })
        .collect()
}

/// A required price column: every cell present, finite and positive.
///
/// # Errors
/// `EmptyValue` or `NonPositivePrice` naming the line.
pub fn required_prices(
    path: &Path,
    df: &polars::prelude::DataFrame,
    name: &str,
) -> Result<Vec<f64>> {
    let (values, first_null) = csv::float_values(path, df, name)?;
    if let Some(row) = first_null {
        return Err(Error::EmptyValue {
            path: path.to_path_buf(),
            line: csv::line_of(row),
            column: name.to_string(),
        });
    }
    check_all_positive(path, name, &values)?;
    Ok(values)
}

fn optional_prices(path: &Path, df: &polars::prelude::DataFrame, name: &str) -> Result<Vec<f64>> {
    let (values, first_null) = csv::float_values(path, df, name)?;
    if first_null.is_none() {
        check_all_positive(path, name, &values)?;
    } else {
        // Empty cells are NaN here and allowed; every present value must be positive.
        if let Some(row) = values
            .iter()
            .position(|v| !(v.is_nan() || (v.is_finite() && *v > 0.0)))
        {
            return Err(non_positive(path, row, name, values[row]));
        }
    }
    Ok(values)
}

fn check_all_positive(path: &Path, name: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(row) => Err(non_positive(path, row, name, values[row])),
        None => Ok(()),
    }
}

fn non_positive(path: &Path, row: usize, name: &str, value: f64) -> Error {
    Error::NonPositivePrice {
        path: path.to_path_buf(),
        line: csv::line_of(row),
        column: name.to_string(),
        value,
    }
}

#[cfg(test)]
#[path = "prices_tests.rs"]
mod tests;
