//! The one error type of the library: every variant says where (file, line, column, value)
//! and what to do about it (STYLE.md §3). Event-level problems are not errors: they become
//! [`crate::result::Skip`] records and the study goes on.

mod limits;

use std::path::PathBuf;

pub use limits::LimitsError;

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
    /// A price file with more rows than a panel's row numbers hold (#13).
    #[error(
        "{path}: {rows} rows: one price file holds at most 4294967295; split it by ticker (evstudy reads a folder or a pattern of files as one)"
    )]
    TooManyRows { path: PathBuf, rows: usize },
    /// A required column is absent under every spelling evstudy knows.
    #[error(
        "{path}: line {line}: the {role} file has no column {column:?} (header has {found}); name it {column:?}, {fix}"
    )]
    MissingColumn {
        path: PathBuf,
        line: u64,
        role: &'static str,
        column: &'static str,
        found: String,
        /// The aliases, and the exact `--columns` flag that fixes it (with the closest
        /// header when one is near).
        fix: String,
    },
    /// A `--columns` mapping names a header that is not in the file.
    #[error(
        "{path}: line {line}: --columns maps {flag} to {name:?}, but the header has no such column (header has {found})"
    )]
    MappedColumnAbsent {
        path: PathBuf,
        line: u64,
        flag: String,
        name: String,
        /// The header, and the closest name when one is near.
        found: String,
    },
    /// `--returns-column` names a header that is not in the price file (#11).
    #[error(
        "{path}: line {line}: --returns-column {name:?} is not a column of the price file (header has {found}); give the header of the returns column"
    )]
    ReturnsColumnAbsent {
        path: PathBuf,
        line: u64,
        name: String,
        /// The header, and the closest name when one is near.
        found: String,
    },
    /// A returns-column cell that is not a return (#11).
    #[error(
        "{path}: line {line}: column {column:?}: {value:?} is not a daily return ({why}); leave the cell empty when the return is missing"
    )]
    BadReturn {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
        why: &'static str,
    },
    /// A Parquet file polars cannot read (#11).
    #[error("{path}: cannot read as Parquet: {message}")]
    Parquet { path: PathBuf, message: String },
    /// Bytes that are neither UTF-8 nor GBK/GB18030 (#11).
    #[error(
        "{path}: line {line} (byte {offset}): byte 0x{byte:02X} is neither UTF-8 nor GBK; save the file as UTF-8 (in Excel: Save As, CSV UTF-8)"
    )]
    BadEncoding {
        path: PathBuf,
        line: u64,
        offset: u64,
        byte: u8,
    },
    /// A date column whose `A/B/YYYY` dates read both as month/day and as day/month (#11).
    #[error(
        "{path}: line {line}: column {column:?}: date {value:?} can be month/day or day/month (no value in the column settles it); give --date-format %m/%d/%Y or --date-format %d/%m/%Y"
    )]
    AmbiguousDate {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// A price file without a ticker column, whose name is not an instrument code (#11).
    #[error(
        "{path}: line {line}: the prices file has no ticker column (header has {found}) and its name is not an instrument code; pass --ticker CODE for a one-stock file, or map the column with --columns ticker=NAME"
    )]
    MissingTicker {
        path: PathBuf,
        line: u64,
        found: String,
    },
    /// An instrument code whose exchange cannot be told from the code (#11).
    #[error(
        "{path}: line {line}: column {column:?}: code {value:?} {why}; write it with its exchange, e.g. {example}"
    )]
    AmbiguousCode {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
        why: &'static str,
        example: String,
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
    /// The same (ticker, date) in two price files with different values (#11).
    #[error(
        "{path}: line {line}: ticker {ticker:?} on {date} is also in {other} (line {other_line}) with other values; keep one row per ticker and date across the price files"
    )]
    DuplicateAcrossFiles {
        path: PathBuf,
        line: u64,
        other: PathBuf,
        other_line: u64,
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
    /// A quote that is never closed: it would swallow the rest of the file (#15).
    #[error(
        "{path}: line {line} (byte {offset}): a quote opens here and is never closed, so it would swallow the rest of the file; remove the stray \" or close it"
    )]
    UnterminatedQuote {
        path: PathBuf,
        line: u64,
        offset: u64,
    },
    /// A carriage return that does not end a line (#15): polars would split the line there
    /// and the loader would not, so the two would disagree on the file's records.
    #[error(
        "{path}: line {line} (byte {offset}): a carriage return (\\r) that does not end the line; save the file with LF or CRLF line endings, or remove the stray character"
    )]
    LoneCarriageReturn {
        path: PathBuf,
        line: u64,
        offset: u64,
    },
    /// A quoted header field that runs past the end of the header line (#15): the loader
    /// reads the header as one line, so the file's columns would be miscounted.
    #[error(
        "{path}: line {line} (byte {offset}): a quote in the header opens a field that runs past the end of the line; header names cannot span lines: close the quote or remove it"
    )]
    HeaderQuote {
        path: PathBuf,
        line: u64,
        offset: u64,
    },
    /// A quote inside a field, or text after a quoted field's closing quote (#15): the CSV
    /// reader cannot tell where the field ends.
    #[error(
        "{path}: line {line} (byte {offset}): a quote inside a field; quote the whole field (\"like this\"), double any quote inside it (\"\"), or remove the stray \""
    )]
    MisplacedQuote {
        path: PathBuf,
        line: u64,
        offset: u64,
    },
    /// Two header fields with the same name (#15): which one was meant is unknown.
    #[error(
        "{path}: line {line}: column {name:?} appears twice in the header (fields {first} and {second}); rename or remove one"
    )]
    DuplicateHeader {
        path: PathBuf,
        line: u64,
        name: String,
        first: usize,
        second: usize,
    },
    /// A factor file (`--factors`) that cannot be used: where, what, and what to do.
    #[error("{}: {}", path.display(), located(*line, column, value, what))]
    BadFactor {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
        what: String,
    },
    /// A CSV that polars cannot tokenize at all.
    #[error("{path}: cannot read CSV: {message}")]
    Csv { path: PathBuf, message: String },
    /// An input file that is not what its role needs (e.g. an instruments board that does
    /// not parse).
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// The TOML study file (`--config`) cannot be used: not UTF-8, not TOML, or an unknown
    /// key. A settings problem (exit 2), located by line and column.
    #[error("{path}: {message}")]
    StudyFile { path: PathBuf, message: String },
    /// A `study.json` given to `evstudy chart`/`report` that cannot be re-rendered: not JSON
    /// of a study (line and column), a newer format, or internally inconsistent (the JSON
    /// path of the first inconsistency).
    #[error("{path}: {at}: {message}")]
    StudyJson {
        path: PathBuf,
        at: String,
        message: String,
    },
    /// Settings that contradict each other (checked once, before any data is read).
    #[error("invalid settings: {0}")]
    Settings(#[from] SettingsError),
    /// A limit-rules file (`--limit-rules`) or `--limit-rule` that cannot be used.
    #[error("{source}")]
    Rules {
        #[source]
        source: LimitsError,
    },
    /// A chart or report could not be rendered (a machine failure, not the user's input).
    #[error("cannot render output: {0}")]
    Chart(String),
    /// A bug or an internal failure (reported rather than panicking).
    #[error("internal error: {0}")]
    Internal(String),
    /// No event could be computed: every event was skipped, for the reasons listed.
    #[error("no event could be computed: {}", skip_list(*skipped, reasons))]
    NoEvents {
        skipped: usize,
        /// The skip messages (file, line, event, what), in the events file's order.
        reasons: Vec<String>,
    },
    /// An events-file group named like a built-in subsample (`all`, `limit_day0`,
    /// `no_limit_day0`). See #15.
    #[error(
        "{path}: line {line}: column {column:?}: group {value:?} is reserved for a built-in subsample ({reserved}); rename the group"
    )]
    ReservedGroup {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
        reserved: String,
    },
}

/// `all N events were skipped:` and the first 20 reasons, one per line.
fn skip_list(n: usize, reasons: &[String]) -> String {
    const SHOWN: usize = 20;
    let mut out = if n == 0 {
        "the events file has no event".to_string()
    } else {
        format!("all {n} events were skipped:")
    };
    for r in reasons.iter().take(SHOWN) {
        out.push_str("\n  ");
        out.push_str(r);
    }
    if reasons.len() > SHOWN {
        out.push_str("\n  ... and ");
        out.push_str(&(reasons.len() - SHOWN).to_string());
        out.push_str(" more");
    }
    out
}

/// `line N: column "C": value "V": what`, leaving out the parts that are not known.
fn located(line: u64, column: &str, value: &str, what: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if line > 0 {
        let _ = write!(out, "line {line}: ");
    }
    if !column.is_empty() {
        let _ = write!(out, "column {column:?}: ");
    }
    if !value.is_empty() {
        let _ = write!(out, "value {value:?}: ");
    }
    out + what
}

/// What kind of failure an error is, for the exit code (README, "Exit codes").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Bad command line or settings (exit 2).
    Usage,
    /// Bad input data: the message names file, line, column and value (exit 3).
    Input,
    /// The machine failed: a file could not be read or written, a chart could not be
    /// rendered, an internal fault (exit 1).
    Machine,
}

impl Error {
    /// Whether the user's settings, the user's data or the machine is at fault.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Settings(_) | Error::StudyFile { .. } => ErrorClass::Usage,
            Error::Io { .. } | Error::Chart(_) | Error::Internal(_) => ErrorClass::Machine,
            _ => ErrorClass::Input,
        }
    }
}

/// A settings rule that is broken, with the values that break it (checked once, before any
/// data is read; exit code 2).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// A required input file is not given.
    #[error("no {role} file given (use --{role} or `{role} = \"...\"` in the study file)")]
    MissingInput { role: &'static str },
    /// A pattern or folder of input files that holds no file (#11).
    #[error(
        "no {role} file matches {pattern:?}: check the pattern or folder (a folder contributes its .csv, .txt, .tsv and .parquet files)"
    )]
    NoFiles { role: &'static str, pattern: String },
    /// A malformed file pattern.
    #[error("{pattern:?} is not a valid file pattern: {reason}")]
    BadPattern { pattern: String, reason: String },
    /// No output folder.
    #[error("no output folder: give --out DIR")]
    MissingOutput,
    /// A window whose start lies after its end.
    #[error("window {from}:{to} starts after it ends")]
    WindowReversed { from: i32, to: i32 },
    /// The estimation window does not end before the event window starts.
    #[error(
        "the estimation window {}:{} must end before the event window {}:{} starts",
        estimation.0, estimation.1, window.0, window.1
    )]
    EstimationOverlapsWindow {
        estimation: (i32, i32),
        window: (i32, i32),
    },
    /// A CAR window reaching outside the event window.
    #[error(
        "CAR window {}:{} lies outside the event window {}:{}",
        car.0, car.1, window.0, window.1
    )]
    CarWindowOutside { car: (i32, i32), window: (i32, i32) },
    /// `--min-estimation-obs` below the model's hard minimum.
    #[error(
        "--min-estimation-obs {given} is below the hard minimum {need} for the {model} model (p + 3)"
    )]
    MinEstimationObs {
        given: usize,
        need: usize,
        model: &'static str,
    },
    /// A `--columns` entry that is not `FIELD=HEADER`.
    #[error("--columns {pair:?}: expected FIELD=HEADER, e.g. date=trade_date")]
    ColumnsPair { pair: String },
    /// A `--columns` field evstudy does not know for that file.
    #[error("--columns: unknown field {field:?} for the {role} file (fields: {known})")]
    UnknownColumnField {
        field: String,
        role: &'static str,
        known: String,
    },
    /// A `--columns FILE.FIELD` whose `FILE` is not an input (#11).
    #[error(
        "--columns {key:?}: unknown file {file:?} (use prices., market., events. or instruments., or no prefix for the price file)"
    )]
    UnknownColumnFile { key: String, file: String },
    /// A `--date-format` that cannot read a date (#11).
    #[error(
        "--date-format {format:?}: not a date layout chrono can read back (it needs a year, a month and a day, e.g. %d.%m.%Y)"
    )]
    DateFormat { format: String },
    /// `--dimson-lags` beyond what the model takes.
    #[error("--dimson-lags {given} is more than the {max} lags and leads the Dimson model takes")]
    DimsonLags { given: u32, max: u32 },
    /// `evstudy help NAME` for a subcommand that does not exist.
    #[error("no subcommand {name:?} (run, limits, chart, report, init, completions, man)")]
    UnknownSubcommand { name: String },
    /// `evstudy init` over an existing file.
    #[error("{path} exists: give another file name, or --force to replace it")]
    InitExists { path: String },
    /// A factor model without factor files.
    #[error(
        "--model {model} needs factor files: give --factors FILE (e.g. F-F_Research_Data_Factors_daily_CSV.zip as downloaded)"
    )]
    MissingFactors { model: &'static str },
    /// Factor files given to a model that reads none.
    #[error(
        "--factors is given but --model {model} uses no factors: choose --model ff3, carhart, ff5 or factors"
    )]
    FactorsWithoutFactorModel { model: &'static str },
    /// `--factor-columns` that cannot be used.
    #[error("--factor-columns: {reason}")]
    FactorColumns { reason: String },
    /// A `--limit-rule` that is not a percentage.
    #[error("--limit-rule {value:?}: {reason} (expected a percentage such as 10%)")]
    LimitRule { value: String, reason: String },
    /// A chart size outside the range the renderer accepts (0 included). See #15.
    #[error(
        "chart size {width}x{height} is out of range: --chart-width takes {min_w}..={max} and --chart-height {min_h}..={max} pixels"
    )]
    ChartSize {
        width: u32,
        height: u32,
        min_w: u32,
        min_h: u32,
        max: u32,
    },
    /// An output folder (`--out DIR`) that exists and is not a plain folder. See #15.
    #[error(
        "--out {path}: is a {kind}, not a folder; give a folder (evstudy never writes through a symlink, device, FIFO or socket)"
    )]
    OutNotFolder { path: PathBuf, kind: &'static str },
    /// An output file (`limits --out FILE`) that exists and is not a regular file. See #15.
    #[error(
        "--out {path}: is a {kind}, not a regular file; give a new or regular file (evstudy never writes through a symlink, device, FIFO or socket)"
    )]
    OutNotFile { path: PathBuf, kind: &'static str },
    /// An output folder that holds one of the run's input files. See #15.
    #[error(
        "--out {path}: the folder holds the {role} file {input}, which a run may overwrite; write the results into another folder"
    )]
    OutHoldsInput {
        path: PathBuf,
        role: &'static str,
        input: PathBuf,
    },
    /// An output file that is one of the run's input files. See #15.
    #[error("--out {path}: is the {role} file of this run; write to another file")]
    OutIsInput { path: PathBuf, role: &'static str },
    /// A path inside the output folder that is a symlink or not a regular file (a folder
    /// for `charts/`): evstudy does not write through it. See #15.
    #[error(
        "{path}: is a {kind} inside the output folder; evstudy does not write through it (remove it or choose another --out)"
    )]
    UnsafeTarget { path: PathBuf, kind: &'static str },
}

/// Library result type.
pub type Result<T> = std::result::Result<T, Error>;

/// The 1-based line and column (in bytes) of byte `offset` of a text file, for messages
/// about bytes no parser could place (e.g. the first byte that is not UTF-8).
pub fn text_position(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.split(|&b| b == b'\n').count() as u64;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, (before.len() - start) as u64 + 1)
}
