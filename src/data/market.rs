//! The market index file (`date,close`; a `ticker` column is allowed when it holds one
//! value). Its dates are the trading calendar of the study (METHODS-SPEC §1.4).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::columns;
use super::csv::{self, Col, Kind};
use super::prices::{parse_dates, required_prices};
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
}

impl MarketIndex {
    /// Load and sort the market file.
    ///
    /// # Errors
    /// Input errors naming file, line, column and value; `DuplicateDate`, `SeveralIndexTickers`.
    pub fn load(path: &Path, map: &ColumnMap) -> Result<Self> {
        let headers = csv::read_header(path)?;
        let date_i = columns::require(path, &headers, columns::DATE, map)?;
        let close_i = columns::find(path, &headers, columns::ADJ_CLOSE, map)?
            .map_or_else(|| columns::require(path, &headers, columns::CLOSE, map), Ok)?;
        let ticker_i = columns::find(path, &headers, columns::TICKER, map)?;
        let mut cols = vec![
            Col {
                index: date_i,
                header: headers[date_i].clone(),
                kind: Kind::Text,
            },
            Col {
                index: close_i,
                header: headers[close_i].clone(),
                kind: Kind::Number,
            },
        ];
        if let Some(i) = ticker_i {
            cols.push(Col {
                index: i,
                header: headers[i].clone(),
                kind: Kind::Text,
            });
        }
        let df = csv::read_columns(path, &cols)?;
        let dates = parse_dates(path, &df, &headers[date_i])?;
        let close = required_prices(path, &df, &headers[close_i])?;
        let mut ticker = None;
        if let Some(i) = ticker_i {
            let tc = csv::text_column(path, &df, &headers[i])?;
            for (row, t) in tc.iter().enumerate() {
                let t = t.unwrap_or("").trim();
                match &ticker {
                    None => ticker = Some(t.to_string()),
                    Some(first) if first != t => {
                        return Err(Error::SeveralIndexTickers {
                            path: path.to_path_buf(),
                            line: csv::line_of(row),
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
        for w in order.windows(2) {
            if dates[w[0]] == dates[w[1]] {
                return Err(Error::DuplicateDate {
                    path: path.to_path_buf(),
                    line: csv::line_of(w[1]),
                    first_line: csv::line_of(w[0]),
                    date: dates[w[1]].to_string(),
                });
            }
        }
        Ok(MarketIndex {
            path: path.to_path_buf(),
            ticker,
            dates: order.iter().map(|&i| dates[i]).collect(),
            close: order.iter().map(|&i| close[i]).collect(),
        })
    }
}
