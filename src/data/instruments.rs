//! The instruments file: `ticker[,board][,listing_date][,st_from,st_to]`, one row per ST
//! period. Loading only: the rows are read and their dates parsed here; what a board name
//! means is the limits layer's business.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::columns::{self, Role};
use super::csv::{self, Col, Kind};
use super::source::Source;
use super::{ReadOptions, codes};
use crate::error::{Error, Result};

/// One row of an instruments file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentRow {
    /// Line in the file (1-based, header = line 1).
    pub line: u64,
    /// Ticker cell.
    pub ticker: String,
    /// Board name, as written.
    pub board: Option<String>,
    /// Listing date.
    pub listing_date: Option<NaiveDate>,
    /// Start of an ST period.
    pub st_from: Option<NaiveDate>,
    /// End of that ST period (open when missing).
    pub st_to: Option<NaiveDate>,
}

/// The rows of an instruments file.
#[derive(Debug, Clone)]
pub struct InstrumentFile {
    /// Path as given.
    pub path: PathBuf,
    /// Rows in file order.
    pub rows: Vec<InstrumentRow>,
}

impl InstrumentFile {
    /// Read an instruments file.
    ///
    /// # Errors
    /// Missing ticker column, unreadable file, or a date cell that does not parse.
    pub fn load(path: &Path) -> Result<Self> {
        Self::load_with(path, &ReadOptions::default())
    }

    /// [`InstrumentFile::load`] with `--columns instruments.…` and `--date-format`; tickers
    /// are read as canonical codes (#11).
    ///
    /// # Errors
    /// As [`InstrumentFile::load`]; `AmbiguousCode`.
    pub fn load_with(path: &Path, opts: &ReadOptions<'_>) -> Result<Self> {
        let src = Source::open(path)?;
        let headers = src.headers.clone();
        let map = opts.columns;
        let role = Role::Instruments;
        let ti = columns::require(&src, role, columns::TICKER, map)?;
        let find = |name: &str| {
            role.mapped(map, name).map_or_else(
                || {
                    headers
                        .iter()
                        .position(|h| columns::normalize(h) == columns::normalize(name))
                },
                |m| headers.iter().position(|h| h == m),
            )
        };
        let opt_cols = [
            find("board"),
            find("listing_date"),
            find("st_from"),
            find("st_to"),
        ];
        let cols: Vec<Col> = std::iter::once(ti)
            .chain(opt_cols.iter().flatten().copied())
            .map(|index| Col {
                index,
                header: headers[index].clone(),
                kind: Kind::Text,
            })
            .collect();
        let df = csv::read(&src, &cols)?.df;
        let text = |i: Option<usize>| -> Result<Option<Vec<String>>> {
            i.map(|i| {
                csv::text_column(path, &df, &headers[i]).map(|c| {
                    c.iter()
                        .map(|v| v.unwrap_or("").trim().to_string())
                        .collect()
                })
            })
            .transpose()
        };
        let tickers = text(Some(ti))?.unwrap_or_default();
        let [board, listing, st_from, st_to] = opt_cols.map(text);
        let (board, listing, st_from, st_to) = (board?, listing?, st_from?, st_to?);
        let cell = |v: &Option<Vec<String>>, row: usize| -> Option<String> {
            v.as_ref().map(|v| v[row].clone()).filter(|s| !s.is_empty())
        };
        let date_at =
            |v: &Option<Vec<String>>, row: usize, col: &str| -> Result<Option<NaiveDate>> {
                let Some(s) = cell(v, row) else {
                    return Ok(None);
                };
                let parsed = match opts.date_format {
                    Some(f) => NaiveDate::parse_from_str(&s, f).ok(),
                    None => csv::parse_date(&s),
                };
                parsed.map(Some).ok_or_else(|| Error::BadDate {
                    path: path.to_path_buf(),
                    line: src.line_of(row),
                    column: col.into(),
                    value: s,
                })
            };
        let mut rows = Vec::with_capacity(tickers.len());
        for (row, t) in tickers.iter().enumerate() {
            let ticker = codes::canonical(t).map_err(|p| Error::AmbiguousCode {
                path: path.to_path_buf(),
                line: src.line_of(row),
                column: headers[ti].clone(),
                value: t.clone(),
                why: p.why,
                example: p.example,
            })?;
            rows.push(InstrumentRow {
                line: src.line_of(row),
                ticker: ticker.into_owned(),
                board: cell(&board, row),
                listing_date: date_at(&listing, row, "listing_date")?,
                st_from: date_at(&st_from, row, "st_from")?,
                st_to: date_at(&st_to, row, "st_to")?,
            });
        }
        Ok(InstrumentFile {
            path: path.to_path_buf(),
            rows,
        })
    }
}
