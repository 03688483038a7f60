//! The market index file (`date,close`; a `ticker` column is allowed when it holds one
//! value), read through the same front end as the prices ([`Source`]). Its dates are the trading calendar of the study (METHODS-SPEC §1.4).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::columns::{self, Role};
use super::csv::{self, Col, Kind};
use super::prices::required_prices;
use super::source::Source;
use super::{ReadOptions, dates};
use crate::config::ColumnMap;
use crate::error::{Error, Result};

/// Market index closes by date, ascending.
#[derive(Debug, Clone)]
pub struct MarketIndex {
    /// The file read.
    pub path: PathBuf,
    /// The index ticker, when the file names one.
    pub ticker: Option<String>,
    /// Trading dates, ascending and unique.
    pub dates: Vec<NaiveDate>,
    /// Index close on each date.
    pub close: Vec<f64>,
    /// What the loader did to read the file (decoding, title lines, dropped duplicates…).
    pub notices: Vec<String>,
}

impl MarketIndex {
    /// Load and sort the market file.
    ///
    /// # Errors
    /// Input errors naming file, line, column and value; `DuplicateDate`, `SeveralIndexTickers`.
    pub fn load(path: &Path, map: &ColumnMap) -> Result<Self> {
        Self::load_with(path, &ReadOptions::with_columns(map))
    }

    /// [`MarketIndex::load`] with the reading options of `opts` (`--columns market.…`,
    /// `--date-format`). Rows in any date order; an exact duplicate row is dropped (a
    /// notice), a date with two closes is an error.
    ///
    /// # Errors
    /// As [`MarketIndex::load`].
    pub fn load_with(path: &Path, opts: &ReadOptions<'_>) -> Result<Self> {
        let src = Source::open(path)?;
        let (map, role) = (opts.columns, Role::Market);
        let h = &src.headers;
        let date_i = columns::require(&src, role, columns::DATE, map)?;
        let close_i = match columns::find(&src, role, columns::ADJ_CLOSE, map)? {
            Some(i) => i,
            None => columns::require(&src, role, columns::CLOSE, map)?,
        };
        let ticker_i = columns::find(&src, role, columns::TICKER, map)?;
        let col = |index: usize, kind: Kind| Col {
            index,
            header: h[index].clone(),
            kind,
        };
        let mut cols = vec![col(date_i, Kind::Text), col(close_i, Kind::Number)];
        if let Some(i) = ticker_i {
            cols.push(col(i, Kind::Text));
        }
        let frame = csv::read(&src, &cols)?;
        let mut notices = src.notices(frame.trimmed);
        let df = &frame.df;
        let dates = dates::column(&src, df, &h[date_i], opts.date_format)?;
        let close = required_prices(&src, df, &h[close_i])?;
        let mut ticker = None;
        if let Some(i) = ticker_i {
            let tc = csv::text_column(path, df, &h[i])?;
            for (row, t) in tc.iter().enumerate() {
                let t = t.unwrap_or("").trim();
                match &ticker {
                    None => ticker = Some(t.to_string()),
                    Some(first) if first != t => {
                        return Err(Error::SeveralIndexTickers {
                            path: path.to_path_buf(),
                            line: src.line_of(row),
                            first: first.clone(),
                            other: t.to_string(),
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        let mut order: Vec<usize> = (0..dates.len()).collect();
        order.sort_by_key(|&i| (dates[i], i));
        let mut kept: Vec<usize> = Vec::with_capacity(order.len());
        let mut dropped = 0usize;
        for &i in &order {
            if let Some(&p) = kept.last()
                && dates[p] == dates[i]
            {
                if close[p] != close[i] {
                    return Err(Error::DuplicateDate {
                        path: path.to_path_buf(),
                        line: src.line_of(i),
                        first_line: src.line_of(p),
                        date: dates[i].to_string(),
                    });
                }
                dropped += 1;
                continue;
            }
            kept.push(i);
        }
        if dropped > 0 {
            notices.push(format!(
                "{}: dropped {dropped} exact duplicate {}",
                path.display(),
                if dropped == 1 { "row" } else { "rows" }
            ));
        }
        Ok(MarketIndex {
            path: path.to_path_buf(),
            ticker,
            dates: kept.iter().map(|&i| dates[i]).collect(),
            close: kept.iter().map(|&i| close[i]).collect(),
            notices,
        })
    }
}
