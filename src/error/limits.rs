//! Errors of the price-limit module: a bad rules file, a bad `--limit-rule`, misaligned rows.
//!
//! Messages follow STYLE.md §3: they name the file, the line and the value, and say what was
//! expected.

use std::path::PathBuf;

/// Everything that can go wrong while loading limit rules or classifying stock-days.
#[derive(Debug, thiserror::Error)]
pub enum LimitsError {
    /// The rules file could not be read.
    #[error("{path}: cannot read limit rules: {source}")]
    Read {
        /// File that failed.
        path: PathBuf,
        /// Underlying I/O error.
        source: std::io::Error,
    },
    /// The rules file is not UTF-8 (line and column of the first bad byte).
    #[error(
        "{path}: line {line}, column {column}: not UTF-8 (byte 0x{byte:02x}); save the rules file as UTF-8"
    )]
    NotUtf8 {
        /// File that failed.
        path: PathBuf,
        /// 1-based line of the first bad byte.
        line: u64,
        /// 1-based byte column.
        column: u64,
        /// The byte.
        byte: u8,
    },
    /// The rules file is not valid TOML or has a field of the wrong type (line in the message).
    #[error("{path}: {source}")]
    Toml {
        /// File that failed (`<builtin>/limits/rules.toml` for the compiled-in rules).
        path: PathBuf,
        /// Parser error, with line, column and an excerpt.
        source: Box<toml::de::Error>,
    },
    /// A field of a rule row has a value outside its domain.
    #[error("{path}: line {line}: {field} = {value:?}: {reason}")]
    BadValue {
        /// File holding the row.
        path: PathBuf,
        /// 1-based line of the value.
        line: usize,
        /// Field name.
        field: &'static str,
        /// The value as written.
        value: String,
        /// What was expected.
        reason: &'static str,
    },
    /// A rule row lacks the field its kind needs.
    #[error("{path}: line {line}: kind = {kind:?} needs a `{field}` value")]
    MissingField {
        /// File holding the row.
        path: PathBuf,
        /// 1-based line of the row.
        line: usize,
        /// The row's kind.
        kind: &'static str,
        /// The missing field.
        field: &'static str,
    },
    /// A rule names a tick or band table that no file defines.
    #[error("{path}: line {line}: {field} = {name:?} is not defined (known: {known})")]
    UnknownTable {
        /// File holding the row.
        path: PathBuf,
        /// 1-based line of the name.
        line: usize,
        /// `tick_table` or `band_table`.
        field: &'static str,
        /// The name as written.
        name: String,
        /// Comma-separated defined names.
        known: String,
    },
    /// A `--limit-rule` value that is not a percentage.
    #[error("limit rule {value:?}: {reason} (expected a percentage such as \"10%\")")]
    BadCustomRule {
        /// The value as given.
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Stock rows not aligned one-to-one with the calendar dates.
    #[error("{dates} calendar dates but {rows} stock rows: rows must be aligned to the calendar")]
    Misaligned {
        /// Number of dates.
        dates: usize,
        /// Number of rows.
        rows: usize,
    },
}
