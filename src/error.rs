//! The one error type of the library: every variant says where (file, line, column, value)
//! and what to do about it (STYLE.md §3). Event-level problems are not errors: they become
//! [`crate::study::Skip`] records and the study goes on.

use std::path::PathBuf;

/// Everything that can stop a study before it produces results.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file has no data rows (or no header).
    #[error("{path}: file is empty (expected a header line and at least one data row)")]
    EmptyFile { path: PathBuf },
    /// A required column is absent under every spelling evstudy knows.
    #[error(
        "{path}: line 1: missing column {column:?} (header has {found}); name it {column:?}, use one of the aliases {aliases}, or map it with --columns {column}=NAME"
    )]
    MissingColumn {
        path: PathBuf,
        column: &'static str,
        found: String,
        aliases: String,
    },
    /// A `--columns` mapping names a header that is not in the file.
    #[error(
        "{path}: line 1: --columns maps {column} to {name:?}, but the header has no such column (header has {found})"
    )]
    MappedColumnAbsent {
        path: PathBuf,
        column: String,
        name: String,
        found: String,
    },
    /// A date cell that is neither `YYYY-MM-DD` nor `YYYYMMDD`.
    #[error(
        "{path}: line {line}: column {column:?}: cannot parse date {value:?} (expected YYYY-MM-DD or YYYYMMDD)"
    )]
    BadDate {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// A numeric cell that does not parse.
    #[error(
        "{path}: line {line}: column {column:?}: cannot parse number {value:?} (expected a decimal such as 12.34)"
    )]
    BadNumber {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// A required cell is empty.
    #[error(
        "{path}: line {line}: column {column:?}: empty value (every row needs one; drop the row or fill it)"
    )]
    EmptyValue {
        path: PathBuf,
        line: u64,
        column: String,
    },
    /// A price that is zero, negative or not finite.
    #[error(
        "{path}: line {line}: column {column:?}: price {value} is not positive (prices must be raw prices > 0)"
    )]
    NonPositivePrice {
        path: PathBuf,
        line: u64,
        column: String,
        value: f64,
    },
    /// The same (ticker, date) appears twice.
    #[error(
        "{path}: line {line}: duplicate row for ticker {ticker:?} on {date} (first seen on line {first_line}); keep one row per ticker and date"
    )]
    DuplicateRow {
        path: PathBuf,
        line: u64,
        first_line: u64,
        ticker: String,
        date: String,
    },
    /// The market file has two rows for one date.
    #[error(
        "{path}: line {line}: duplicate date {date} in the market index (first seen on line {first_line}); keep one row per date"
    )]
    DuplicateDate {
        path: PathBuf,
        line: u64,
        first_line: u64,
        date: String,
    },
    /// The market file holds more than one ticker.
    #[error(
        "{path}: line {line}: column \"ticker\": the market file holds several tickers ({first:?} and {other:?}); give one index per file"
    )]
    SeveralIndexTickers {
        path: PathBuf,
        line: u64,
        first: String,
        other: String,
    },
    /// A record with more or fewer fields than the header.
    #[error(
        "{path}: line {line}: {fields} fields, but the header has {expected}; remove the extra commas or quote the field"
    )]
    RaggedRow {
        path: PathBuf,
        line: u64,
        fields: usize,
        expected: usize,
    },
    /// A CSV that polars cannot tokenize at all.
    #[error("{path}: cannot read CSV: {message}")]
    Csv { path: PathBuf, message: String },
    /// The TOML study file is malformed.
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// Settings that contradict each other (checked once, before any data is read).
    #[error("invalid settings: {0}")]
    Settings(String),
    /// A chart or report could not be rendered.
    #[error("cannot render output: {0}")]
    Chart(String),
    /// A bug or an internal failure (reported rather than panicking).
    #[error("internal error: {0}")]
    Internal(String),
    /// No event could be computed.
    #[error("no event could be computed ({skipped} skipped; see the reasons above)")]
    NoEvents { skipped: usize },
}

impl Error {
    /// Whether this error is the user's input (exit code `BadInput`) rather than the machine's.
    pub fn is_input_error(&self) -> bool {
        !matches!(self, Error::Io { .. })
    }
}

/// Library result type.
pub type Result<T> = std::result::Result<T, Error>;
