//! The events file: `ticker,date` required; `event_id`, `label`, `timing`, `group` optional
//! (METHODS-SPEC §1.1, §1.5). A row that cannot be read is not fatal: it becomes an
//! [`EventProblem`] that the study reports as a skipped event.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{self, Field};
use super::csv::{self, Col, Kind};
use crate::config::ColumnMap;
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
    /// Ticker as in the price file.
    pub ticker: String,
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
        let map = ColumnMap::new();
        let headers = csv::read_header(path)?;
        let ticker_i = columns::require(path, &headers, columns::TICKER, &map)?;
        let date_i = columns::require(path, &headers, columns::DATE, &map)?;
        let mut fields = vec![(columns::TICKER, ticker_i), (columns::DATE, date_i)];
        for f in [EVENT_ID, LABEL, TIMING, GROUP] {
            if let Some(i) = columns::find(path, &headers, f, &map)? {
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
        let df = csv::read_columns(path, &cols)?;
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
        };
        let file = path.display();
        let mut default_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        for row in 0..df.height() {
            let line = csv::line_of(row);
            let ticker = tickers[row].clone();
            let raw_date = &dates[row];
            let date = csv::parse_date(raw_date);
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
            let Some(date) = date else {
                out.problems.push(problem(format!(
                    "{file}: line {line}: column {:?}: cannot parse date {raw_date:?} (expected YYYY-MM-DD or YYYYMMDD)",
                    headers[date_i]
                )));
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
