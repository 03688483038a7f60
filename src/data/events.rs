//! The events file: `ticker,date` required; `event_id`, `label`, `timing`, `group` optional
//! (METHODS-SPEC §1.1, §1.5). A row that cannot be read is not fatal: it becomes an
//! [`EventProblem`] that the study reports as a skipped event.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{self, Field, Role};
use super::csv::{self, Col, Kind};
use super::source::Source;
use super::{ReadOptions, codes, dates};
use crate::error::{Error, Result};

/// When the news came out relative to the exchange's trading session (METHODS-SPEC §1.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Before the open: day 0 is the date (if it trades).
    PreOpen,
    /// During the session: day 0 is the date.
    Intraday,
    /// After the close: day 0 is the next session.
    AfterClose,
    /// Not given: the date is trusted.
    #[default]
    Unknown,
}

impl Timing {
    fn parse(s: &str) -> Option<Self> {
        match columns::normalize(s).as_str() {
            "" | "unknown" => Some(Timing::Unknown),
            "preopen" | "beforeopen" | "bmo" => Some(Timing::PreOpen),
            "intraday" | "during" => Some(Timing::Intraday),
            "afterclose" | "amc" | "postclose" => Some(Timing::AfterClose),
            _ => None,
        }
    }
}

/// One event row as read.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    /// File line.
    pub line: u64,
    /// `event_id` column, or `TICKER_DATE` (`TICKER_DATE#LINE` when an earlier row has that
    /// default id).
    pub event_id: String,
    /// Ticker as in the price file (a canonical code for China A shares, #11).
    pub ticker: String,
    /// The ticker as the events file spells it, when that is not the canonical code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticker_as_written: Option<String>,
    /// Event date (exchange-local).
    pub date: NaiveDate,
    /// Free text.
    pub label: String,
    /// Session timing.
    pub timing: Timing,
    /// Subsample name (`all` when absent).
    pub group: String,
}

/// A row that could not be read, kept so it is reported, never dropped silently.
#[derive(Debug, Clone, Serialize)]
pub struct EventProblem {
    /// File line.
    pub line: u64,
    /// The event id if one could be formed.
    pub event_id: String,
    /// Ticker cell.
    pub ticker: String,
    /// What is wrong, naming the column and value.
    pub message: String,
}

/// All rows of an events file.
#[derive(Debug, Clone)]
pub struct EventFile {
    /// The file read.
    pub path: PathBuf,
    /// Readable rows in file order.
    pub rows: Vec<EventRow>,
    /// Unreadable rows.
    pub problems: Vec<EventProblem>,
    /// What the loader did to read the file (decoding, title lines, trimming).
    pub notices: Vec<String>,
}

/// The date column read as a whole (`YYYY/M/D`, `M/D/YYYY` settled over the column, or
/// `--date-format`); an error leaves each cell to the one-cell parser, so one bad row stays
/// one skipped event.
fn whole_column_dates(
    src: &Source,
    column: &str,
    cells: &[String],
    format: Option<&str>,
) -> Result<Vec<NaiveDate>> {
    dates::parse_column(src, column, cells.iter().map(|c| Some(c.as_str())), format)
}

/// Subsample names the study gives itself: every event, and the events whose day 0 did or
/// did not close at a price limit. A `group` cell may not use them (a user group `all`
/// would merge into the built-in one and give duplicate keys in aar.csv). See #15.
pub const RESERVED_GROUPS: [&str; 3] = ["all", "limit_day0", "no_limit_day0"];

const EVENT_ID: Field = Field {
    name: "event_id",
    aliases: &["eventid", "id", "event"],
};
const LABEL: Field = Field {
    name: "label",
    aliases: &["label", "description", "news", "headline"],
};
const TIMING: Field = Field {
    name: "timing",
    aliases: &["timing"],
};
const GROUP: Field = Field {
    name: "group",
    aliases: &["group", "sample", "subsample"],
};

impl EventFile {
    /// Read an events file.
    ///
    /// # Errors
    /// File-level problems: unreadable, empty, missing `ticker` or `date` column; and
    /// `ReservedGroup` for a `group` cell that names a built-in subsample.
    pub fn load(path: &Path) -> Result<Self> {
        Self::load_with(path, &ReadOptions::default())
    }

    /// [`EventFile::load`] with the reading options of `opts` (`--columns events.…`,
    /// `--date-format`). Tickers are read as canonical codes (#11); the spelling of the file
    /// is kept in [`EventRow::ticker_as_written`].
    ///
    /// # Errors
    /// As [`EventFile::load`].
    pub fn load_with(path: &Path, opts: &ReadOptions<'_>) -> Result<Self> {
        let src = Source::open(path)?;
        let (map, role) = (opts.columns, Role::Events);
        let headers = src.headers.clone();
        let ticker_i = columns::require(&src, role, columns::TICKER, map)?;
        let date_i = columns::require(&src, role, columns::DATE, map)?;
        let mut fields = vec![(columns::TICKER, ticker_i), (columns::DATE, date_i)];
        for f in [EVENT_ID, LABEL, TIMING, GROUP] {
            if let Some(i) = columns::find(&src, role, f, map)? {
                fields.push((f, i));
            }
        }
        let cols: Vec<Col> = fields
            .iter()
            .map(|&(_, i)| Col {
                index: i,
                header: headers[i].clone(),
                kind: Kind::Text,
            })
            .collect();
        let frame = csv::read(&src, &cols)?;
        let df = frame.df;
        let text = |f: &str| -> Result<Option<Vec<String>>> {
            let Some(&(_, i)) = fields.iter().find(|(ff, _)| ff.name == f) else {
                return Ok(None);
            };
            let c = csv::text_column(path, &df, &headers[i])?;
            Ok(Some(
                c.iter()
                    .map(|v| v.unwrap_or("").trim().to_string())
                    .collect(),
            ))
        };
        let tickers = text("ticker")?.unwrap_or_default();
        let dates = text("date")?.unwrap_or_default();
        let ids = text("event_id")?;
        let labels = text("label")?;
        let timings = text("timing")?;
        let groups = text("group")?;
        let mut out = EventFile {
            path: path.to_path_buf(),
            rows: Vec::new(),
            problems: Vec::new(),
            notices: src.notices(frame.trimmed),
        };
        let parsed_dates = whole_column_dates(&src, &headers[date_i], &dates, opts.date_format);
        let file = path.display();
        let mut default_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        for row in 0..df.height() {
            let line = src.line_of(row);
            let written = tickers[row].clone();
            let code = codes::canonical(&written);
            let ticker = code
                .as_ref()
                .map_or_else(|_| written.clone(), ToString::to_string);
            let raw_date = &dates[row];
            let date = parsed_dates
                .as_ref()
                .map_or_else(|_| csv::parse_date(raw_date), |d| Some(d[row]));
            let event_id = match (&ids, date) {
                (Some(ids), _) if !ids[row].is_empty() => ids[row].clone(),
                (_, Some(d)) => format!("{ticker}_{d}"),
                _ => format!("{ticker}_{raw_date}"),
            };
            // A default id that an earlier row already has gets its line: `TICKER_DATE#LINE`.
            let explicit = ids.as_ref().is_some_and(|ids| !ids[row].is_empty());
            let event_id = if !explicit && !default_ids.insert(event_id.clone()) {
                format!("{event_id}#{line}")
            } else {
                event_id
            };
            let problem = |message: String| EventProblem {
                line,
                event_id: event_id.clone(),
                ticker: ticker.clone(),
                message,
            };
            if ticker.is_empty() {
                out.problems.push(problem(format!(
                    "{file}: line {line}: column {:?}: empty ticker",
                    headers[ticker_i]
                )));
                continue;
            }
            if let Err(p) = &code {
                out.problems.push(problem(format!(
                    "{file}: line {line}: column {:?}: code {written:?} {}; write it with its exchange, e.g. {}",
                    headers[ticker_i], p.why, p.example
                )));
                continue;
            }
            let Some(date) = date else {
                let why = match &parsed_dates {
                    Err(e @ Error::AmbiguousDate { .. }) => e.to_string(),
                    _ => format!(
                        "{file}: line {line}: column {:?}: cannot parse date {raw_date:?} (expected YYYY-MM-DD, YYYYMMDD, YYYY/M/D or M/D/YYYY; give --date-format for another layout)",
                        headers[date_i]
                    ),
                };
                out.problems.push(problem(why));
                continue;
            };
            let raw_timing = timings.as_ref().map_or("", |t| t[row].as_str());
            let Some(timing) = Timing::parse(raw_timing) else {
                out.problems.push(problem(format!(
                    "{file}: line {line}: column \"timing\": unknown timing {raw_timing:?} (use pre_open, intraday, after_close or unknown)"
                )));
                continue;
            };
            let group = groups
                .as_ref()
                .map(|g| g[row].clone())
                .filter(|g| !g.is_empty());
            if let Some(g) = group.as_deref().filter(|g| RESERVED_GROUPS.contains(g)) {
                let column = fields
                    .iter()
                    .find(|(f, _)| f.name == GROUP.name)
                    .map(|&(_, i)| headers[i].clone())
                    .unwrap_or_default();
                return Err(Error::ReservedGroup {
                    path: path.to_path_buf(),
                    line,
                    column,
                    value: g.to_string(),
                    reserved: RESERVED_GROUPS.join(", "),
                });
            }
            out.rows.push(EventRow {
                line,
                event_id,
                ticker_as_written: (written != ticker).then_some(written),
                ticker,
                date,
                label: labels.as_ref().map(|l| l[row].clone()).unwrap_or_default(),
                timing,
                group: group.unwrap_or_else(|| "all".to_string()),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
