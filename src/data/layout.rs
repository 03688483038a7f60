//! Price files that are not one row per ticker and day (#11), reshaped to that long form
//! in memory before the loader reads them, every row keeping the file line it came from:
//!
//! - **wide**: `date` and one column of closes per ticker (`date,002415.SZ,600519.SH`); an
//!   empty cell is a day without a price (as a missing row of a long file);
//! - **yahoo**: yfinance's three-line header `Price,Close,High,…` / `Ticker,AAPL,AAPL,…` /
//!   `Date,,,…`, one or several tickers side by side. Yahoo's classic download
//!   (`Date,Open,High,Low,Close,Adj Close,Volume`) is already long, with the ticker in the
//!   file name (see `prices::ticker_of_file`).
//!
//! Detected (a wide file when every column after `date` is an A-share code; a yahoo file by
//! its header) or forced with `--layout long|wide|yahoo`.

use super::columns::{self, Role};
use super::source::Source;
use crate::config::{ColumnMap, Layout};
use crate::error::{Error, Result};

/// The file in long form and a note saying what was done (`None` for a long file).
///
/// # Errors
/// The structure errors of the original file; `Config` for a yahoo header whose second
/// line is not `Ticker,…` or a wide file without a date column.
pub fn to_long(
    src: Source,
    forced: Option<Layout>,
    map: &ColumnMap,
) -> Result<(Source, Option<String>)> {
    match detect(&src, forced, map)? {
        Layout::Long => Ok((src, None)),
        Layout::Yahoo if !src.yahoo_header => Ok((src, None)), // the classic download
        Layout::Yahoo => yahoo(&src.as_text()?),
        Layout::Wide => wide(&src.as_text()?, map),
    }
}

/// The layout of `src`: `forced`, else detected.
///
/// # Errors
/// A `--columns` mapping that names an absent header.
pub fn detect(src: &Source, forced: Option<Layout>, map: &ColumnMap) -> Result<Layout> {
    Ok(match forced {
        Some(l) => l,
        None if src.yahoo_header => Layout::Yahoo,
        None if looks_wide(src, map)? => Layout::Wide,
        None => Layout::Long,
    })
}

/// A date column, no ticker or close column, and only A-share codes besides.
fn looks_wide(src: &Source, map: &ColumnMap) -> Result<bool> {
    let Some(date) = columns::find(src, Role::Prices, columns::DATE, map)? else {
        return Ok(false);
    };
    if columns::find(src, Role::Prices, columns::TICKER, map)?.is_some()
        || columns::find(src, Role::Prices, columns::CLOSE, map)?.is_some()
    {
        return Ok(false);
    }
    let others: Vec<&String> = src
        .headers
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != date)
        .map(|(_, h)| h)
        .collect();
    Ok(!others.is_empty() && others.iter().all(|h| super::codes::is_code(h)))
}

fn wide(src: &Source, map: &ColumnMap) -> Result<(Source, Option<String>)> {
    super::csv::check_structure(src)?;
    let date = columns::require(src, Role::Prices, columns::DATE, map)?;
    let d = char::from(src.delimiter);
    let tickers: Vec<(usize, &str)> = src
        .headers
        .iter()
        .enumerate()
        .filter(|&(i, h)| i != date && !h.is_empty())
        .map(|(i, h)| (i, h.as_str()))
        .collect();
    let mut text = format!("date{d}ticker{d}close\n").into_bytes();
    let mut lines = Vec::new();
    for (line, l) in src.data_lines() {
        if l.trim().is_empty() {
            continue;
        }
        let f = src.fields(l);
        for &(i, t) in &tickers {
            let cell = f.get(i).map_or("", |c| c.trim());
            if cell.is_empty() {
                continue;
            }
            text.extend_from_slice(format!("{}{d}{t}{d}{cell}\n", f[date]).as_bytes());
            lines.push(line);
        }
    }
    let note = format!(
        "{}: wide layout (date and one close column per ticker): read as {} rows of {} tickers",
        src.path.display(),
        lines.len(),
        tickers.len()
    );
    Ok((src.reshaped(text, lines), Some(note)))
}

fn yahoo(src: &Source) -> Result<(Source, Option<String>)> {
    super::csv::check_structure(src)?;
    let mut rows = src.data_lines();
    let bad = |line: u64, message: String| Error::Config {
        path: src.path.clone(),
        message: format!("line {line}: {message}"),
    };
    let (tl, ticker_line) = rows.next().ok_or_else(|| {
        bad(
            src.header_line + 1,
            "no `Ticker,…` line under the `Price,…` header".into(),
        )
    })?;
    let tickers = src.fields(ticker_line);
    if tickers.first().map(|t| t.trim()) != Some("Ticker") {
        return Err(bad(tl, "a yfinance file's second line is `Ticker,AAPL,…`; pass --layout long if this is not one".into()));
    }
    // (field, ticker) of every column after the first.
    let cols: Vec<(usize, &str, &str)> = (1..src.headers.len())
        .filter_map(|i| {
            let t = tickers.get(i).map(|t| t.trim()).filter(|t| !t.is_empty())?;
            Some((i, src.headers[i].as_str(), t))
        })
        .collect();
    let mut names: Vec<&str> = Vec::new();
    let mut fields: Vec<&str> = Vec::new();
    for &(_, f, t) in &cols {
        if !names.contains(&t) {
            names.push(t);
        }
        if !fields.contains(&f) {
            fields.push(f);
        }
    }
    let d = char::from(src.delimiter);
    let mut text = format!("date{d}ticker").into_bytes();
    for f in &fields {
        text.extend_from_slice(format!("{d}{f}").as_bytes());
    }
    text.push(b'\n');
    let mut lines = Vec::new();
    for (line, l) in rows {
        let f = src.fields(l);
        let first = f.first().map_or("", |c| c.trim());
        if l.trim().is_empty() || first == "Date" {
            continue; // the third header line, `Date,,,…`
        }
        for t in &names {
            let cells: Vec<&str> = fields
                .iter()
                .map(|name| {
                    cols.iter()
                        .find(|(_, cf, ct)| cf == name && ct == t)
                        .and_then(|&(i, _, _)| f.get(i))
                        .map_or("", |c| c.trim())
                })
                .collect();
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            text.extend_from_slice(
                format!("{first}{d}{t}{d}{}\n", cells.join(&d.to_string())).as_bytes(),
            );
            lines.push(line);
        }
    }
    let note = format!(
        "{}: yfinance layout (Price/Ticker/Date header lines): read as {} rows of {} tickers",
        src.path.display(),
        lines.len(),
        names.len()
    );
    Ok((src.reshaped(text, lines), Some(note)))
}
