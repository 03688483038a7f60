//! The price panel: every ticker's rows in one set of contiguous columns, sorted by
//! (ticker, date), so a study works on each ticker's slice without scanning the panel.
//! Optional columns hold `NaN` where a cell is empty.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::columns::{self, Field, Role};
use super::csv::{self, Col, Kind};
use super::source::Source;
use super::{ReadOptions, codes, dates, rows};
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
    /// Read from the file's returns column (`--returns-column`, #11).
    ReturnsColumn,
}

/// All tickers' daily rows, sorted by ticker then date.
#[derive(Debug, Clone)]
pub struct PricePanel {
    /// The file read (the first of several, #11).
    pub path: PathBuf,
    /// Every file read, in the order given (one for a single file).
    pub files: Vec<PathBuf>,
    /// Index into `files` of each row's file; empty for a single file.
    pub file: Vec<u16>,
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
    /// Each row's simple return read from `--returns-column` (`NaN` missing), #11.
    pub ret: Option<Vec<f64>>,
    /// The header of the returns column read.
    pub ret_column: Option<String>,
    /// File line of each row (for messages): [`PricePanel::line_at`].
    pub(super) line: Lines,
    /// What the loader did to read the file (decoding, title lines, dropped duplicates…).
    pub notices: Vec<String>,
    /// What the loader dropped that changes the data (suspension rows).
    pub warnings: Vec<String>,
    pub(super) index: HashMap<String, usize>,
}

/// The file line of each panel row, held by ticker when each ticker's rows are consecutive
/// file lines (a file sorted or grouped by ticker without dropped rows: 4 bytes a ticker
/// instead of 4 bytes a row, 0.4 GB at 104 M rows, #13), else one line per row.
#[derive(Debug, Clone)]
pub(super) enum Lines {
    /// Ticker `t`'s rows are the lines from `first[t]` on.
    ByTicker(Vec<u32>),
    /// One line per row.
    Rows(Vec<u32>),
}

impl Lines {
    /// The lines of rows whose file lines are `line(0..n)`, in tickers `ranges`.
    pub(super) fn new(ranges: &[Range<usize>], n: usize, line: impl Fn(usize) -> u32) -> Self {
        let by_ticker = ranges.iter().all(|r| {
            let first = line(r.start);
            r.clone()
                .all(|i| u64::from(line(i)) == u64::from(first) + (i - r.start) as u64)
        });
        if by_ticker {
            Lines::ByTicker(ranges.iter().map(|r| line(r.start)).collect())
        } else {
            Lines::Rows((0..n).map(line).collect())
        }
    }
}

impl PricePanel {
    /// The ticker (position in `tickers`) of row `row`; `None` past the end.
    pub fn ticker_at(&self, row: usize) -> Option<usize> {
        let t = self.ranges.partition_point(|r| r.end <= row);
        self.ranges.get(t).filter(|r| r.contains(&row)).map(|_| t)
    }

    /// The file line of row `row` (0 past the end).
    pub fn line_at(&self, row: usize) -> u32 {
        match &self.line {
            Lines::Rows(lines) => lines.get(row).copied().unwrap_or(0),
            Lines::ByTicker(first) => self
                .ticker_at(row)
                .and_then(|t| Some(first.get(t)? + (row - self.ranges[t].start) as u32))
                .unwrap_or(0),
        }
    }

    /// The file line of every row.
    pub fn lines(&self) -> Vec<u32> {
        (0..self.len()).map(|i| self.line_at(i)).collect()
    }

    /// Plausibility of the bars (#15): rows whose high is below their low, or whose close
    /// (or open) lies outside `[low, high]`, each as one warning with the count and the first
    /// row (line, ticker, date, values). Such rows are kept: the warning says where to look.
    pub fn plausibility(&self) -> Vec<String> {
        let (Some(high), Some(low)) = (&self.high, &self.low) else {
            return Vec::new();
        };
        // A cent of tolerance on the grid's float representation.
        let tol = |x: f64| 1e-9 * x.abs().max(1.0);
        let ticker_of = |i: usize| self.ticker_at(i).map_or("", |t| self.tickers[t].as_str());
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
                    self.file_of(i).display(),
                    rows.len(),
                    if rows.len() == 1 { "row" } else { "rows" },
                    self.line_at(i),
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
        Self::load_with(path, &ReadOptions::with_columns(map))
    }

    /// [`PricePanel::load`] with the reading options of `opts` (#11).
    ///
    /// # Errors
    /// As [`PricePanel::load`]; `MissingTicker` without a ticker column, `--ticker` or a
    /// file name that is a code; `AmbiguousCode`.
    pub fn load_with(path: &Path, opts: &ReadOptions<'_>) -> Result<Self> {
        let (src, layout_note) =
            super::layout::to_long(Source::open(path)?, opts.layout, opts.columns)?;
        let map = opts.columns;
        let role = Role::Prices;
        let date_i = columns::require(&src, role, columns::DATE, map)?;
        let ticker_i = columns::find(&src, role, columns::TICKER, map)?;
        let close_i = columns::require(&src, role, columns::CLOSE, map)?;
        let (fixed, mut notices) = if ticker_i.is_some() {
            (None, Vec::new())
        } else {
            let (t, note) = ticker_of_file(&src, opts)?;
            (Some(t), note.into_iter().collect::<Vec<_>>())
        };
        let h = &src.headers;
        let mut cols = vec![col(h, date_i, Kind::Text), col(h, close_i, Kind::Number)];
        if let Some(i) = ticker_i {
            cols.push(col(h, i, Kind::Text));
        }
        let mut present: Vec<(Field, usize)> = Vec::new();
        for f in OPTIONAL {
            if let Some(i) = columns::find(&src, role, f, map)? {
                cols.push(col(h, i, Kind::Number));
                present.push((f, i));
            }
        }
        let suspended_i = columns::find(&src, role, columns::SUSPENDED, map)?;
        if let Some(i) = suspended_i {
            cols.push(col(h, i, Kind::Text));
        }
        let ret_i = opts
            .returns_column
            .map(|(name, _)| columns::require_named(&src, name))
            .transpose()?;
        if let Some(i) = ret_i.filter(|i| !cols.iter().any(|c| c.index == *i)) {
            cols.push(col(h, i, Kind::Text));
        }
        // One column at a time, each freed once converted (#13).
        let mut read = csv::Columns::read(&src, &cols)?;
        let col_of = |i: usize| cols.iter().find(|c| c.index == i).cloned();
        let mut take = |i: usize| match col_of(i) {
            Some(c) => read.take(&c),
            None => Err(Error::Internal(format!("column {i} was not read"))),
        };
        // Notices of the values, after those of the file.
        let mut later = Vec::new();
        let df = take(date_i)?;
        let n = df.height();
        // Rows are numbered in 4 bytes (the sort order and the rows kept, #13).
        if u32::try_from(n).is_err() {
            return Err(Error::TooManyRows {
                path: path.to_path_buf(),
                rows: n,
            });
        }
        let dates = dates::column(&src, &df, &h[date_i], opts.date_format)?;
        drop(df);
        let df = take(close_i)?;
        let close = if ret_i.is_some() {
            let (close, negative) = prices_beside_returns(&src, &df, &h[close_i])?;
            if let Some(row) = negative.first() {
                later.push(format!(
                    "{}: {} negative {} read as their absolute value, as CRSP's bid/ask midpoints are (first: line {})",
                    src.path.display(),
                    negative.len(),
                    h[close_i],
                    src.line_of(*row)
                ));
            }
            close
        } else {
            required_prices(&src, &df, &h[close_i])?
        };
        drop(df);
        let ret = match (ret_i, opts.returns_column) {
            (Some(i), Some((_, units))) => {
                let (ret, missing) = returns_cells(&src, &take(i)?, &h[i], units)?;
                if missing > 0 {
                    later.push(format!(
                        "{}: {missing} empty or CRSP-coded (A-E) cells of returns column {} read as missing returns",
                        src.path.display(),
                        h[i]
                    ));
                }
                Some(ret)
            }
            _ => None,
        };
        let (ids, names) = match ticker_i {
            Some(i) => intern(&src, &h[i], &csv::text_column(path, &take(i)?, &h[i])?)?,
            None => (vec![0; n], vec![fixed.unwrap_or_default()]),
        };
        let mut values: Vec<(Field, Vec<f64>)> = Vec::new();
        for &(field, i) in &present {
            let header = &h[i];
            let df = take(i)?;
            let v = if PRICE_LIKE.contains(&field.name) {
                optional_prices(&src, &df, header)?
            } else {
                csv::float_values(path, &df, header)?.0
            };
            values.push((field, v));
        }
        let suspended = suspended_i
            .map(|i| {
                csv::text_column(path, &take(i)?, &h[i])
                    .map(|c| c.iter().map(|v| v.is_some_and(rows::flag)).collect())
            })
            .transpose()?;
        notices.extend(src.notices(read.trimmed));
        notices.extend(layout_note);
        notices.extend(later);

        // Rank tickers by name so output order never depends on file order.
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut rank = vec![0u32; names.len()];
        for (r, &id) in by_name.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        let key = |i: usize| (rank[ids[i] as usize], dates[i]);
        let sorted = (1..n).all(|i| key(i - 1) < key(i));
        let order: Vec<u32> = if sorted {
            (0..n as u32).collect()
        } else {
            ticker_date_order(&ids, &rank, &dates)
        };
        let get = |name: &str| {
            values
                .iter()
                .find(|(f, _)| f.name == name)
                .map(|(_, v)| v.as_slice())
        };
        let data = rows::RowData {
            ids: &ids,
            dates: &dates,
            numbers: std::iter::once(close.as_slice())
                .chain(ret.as_deref())
                .chain(values.iter().map(|(_, v)| v.as_slice()))
                .collect(),
            ohl: ["open", "high", "low"]
                .iter()
                .filter_map(|f| get(f))
                .collect(),
            close: &close,
            prev_close: get("prev_close"),
            volume: get("volume"),
            tradestatus: get("tradestatus"),
            suspended,
        };
        let kept = rows::keep(order, &data).map_err(|rows::Conflict(first, second)| {
            Error::DuplicateRow {
                path: path.to_path_buf(),
                line: src.line_of(second),
                first_line: src.line_of(first),
                ticker: names[ids[second] as usize].clone(),
                date: dates[second].to_string(),
            }
        })?;
        let mut warnings = Vec::new();
        report_dropped(
            &src,
            &kept,
            &names,
            &ids,
            &dates,
            &mut notices,
            &mut warnings,
        );
        let keep = kept.rows;
        // Zero volume on a day kept as traded (#15): a vendor's filler row or a bad cell.
        if let Some(volume) = get("volume") {
            let zero: Vec<usize> = keep
                .iter()
                .map(|&i| i as usize)
                .filter(|&i| volume[i] == 0.0)
                .collect();
            if let Some(&i) = zero.first() {
                warnings.push(format!(
                    "{}: {} {} with zero volume on a day kept as traded (not at the previous close, or no previous close to compare; first: line {}, {} {}); check the file's volume column",
                    src.path.display(),
                    zero.len(),
                    if zero.len() == 1 { "row" } else { "rows" },
                    src.line_of(i),
                    names[ids[i] as usize],
                    dates[i]
                ));
            }
        }
        // Rows already in (ticker, date) order with none dropped (the usual case) are moved,
        // not copied.
        let moved = sorted && keep.len() == n;
        // Each ticker's rows, then the row lines and the dates, each source freed once its
        // last use is done (the peak of a large load is here, #13).
        let mut ranges = Vec::with_capacity(names.len());
        let mut start = 0;
        for r in 1..=keep.len() {
            if r == keep.len() || ids[keep[r] as usize] != ids[keep[start] as usize] {
                ranges.push(start..r);
                start = r;
            }
        }
        drop(ids);
        let line = Lines::new(&ranges, keep.len(), |r| {
            src.line_of(keep[r] as usize) as u32
        });
        let date = if moved {
            dates
        } else {
            keep.iter().map(|&i| dates[i as usize]).collect()
        };
        let mut gather = Gather {
            keep: &keep,
            moved,
            spare: Vec::new(),
        };
        let mut panel = PricePanel {
            path: path.to_path_buf(),
            files: vec![path.to_path_buf()],
            file: Vec::new(),
            tickers: by_name
                .iter()
                .map(|&id| names[id as usize].clone())
                .collect(),
            ranges,
            date,
            close: gather.column(close),
            ret: ret.map(|r| gather.column(r)),
            ret_column: ret_i.map(|i| h[i].clone()),
            open: None,
            high: None,
            low: None,
            prev_close: None,
            adj_close: None,
            st: None,
            line,
            notices,
            warnings,
            index: HashMap::new(),
        };
        for (field, v) in values {
            let v = Some(gather.column(v));
            match field.name {
                "open" => panel.open = v,
                "high" => panel.high = v,
                "low" => panel.low = v,
                "prev_close" => panel.prev_close = v,
                "adj_close" => panel.adj_close = v,
                "st" => panel.st = v,
                _ => {}
            }
        }
        panel.reindex();
        Ok(panel)
    }

    /// Rebuild the ticker index from `tickers`.
    pub(super) fn reindex(&mut self) {
        self.index = self
            .tickers
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i))
            .collect();
    }

    /// The file row `row` was read from.
    pub fn file_of(&self, row: usize) -> &Path {
        self.file
            .get(row)
            .and_then(|&f| self.files.get(usize::from(f)))
            .unwrap_or(&self.path)
    }

    /// The files read, for a message: `a.csv` or `a.csv, b.csv (2 files)`.
    pub fn files_display(&self) -> String {
        match self.files.as_slice() {
            [one] => one.display().to_string(),
            many if many.len() <= 3 => many
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            many => format!(
                "{} and {} more price files",
                many[0].display(),
                many.len() - 1
            ),
        }
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
        if self.ret.is_some() {
            ReturnSource::ReturnsColumn
        } else if self.adj_close.is_some() {
            ReturnSource::AdjClose
        } else if self.prev_close.is_some() {
            ReturnSource::PrevClose
        } else {
            ReturnSource::Close
        }
    }
}

/// The rows `keep` of one column after another, each gathered into the buffer the column
/// before it left free: reordering a panel takes one new column of memory, not one per
/// column (#13: fresh pages cost ~1.4 s a GB on this machine, and a 104 M-row panel has five
/// such columns). Columns already in order (`moved`) are passed through.
struct Gather<'a> {
    keep: &'a [u32],
    moved: bool,
    spare: Vec<f64>,
}

impl Gather<'_> {
    fn column(&mut self, v: Vec<f64>) -> Vec<f64> {
        if self.moved {
            return v;
        }
        let mut out = std::mem::take(&mut self.spare);
        out.clear();
        out.reserve_exact(self.keep.len());
        out.extend(self.keep.iter().map(|&i| v[i as usize]));
        self.spare = v;
        out
    }
}

/// The optional numeric columns read (prices, then volume and the flags).
const OPTIONAL: [Field; 8] = [
    columns::OPEN,
    columns::HIGH,
    columns::LOW,
    columns::PREV_CLOSE,
    columns::ADJ_CLOSE,
    columns::ST,
    columns::VOLUME,
    columns::TRADESTATUS,
];

/// The optional columns that hold prices (present cells must be positive).
const PRICE_LIKE: [&str; 5] = ["open", "high", "low", "prev_close", "adj_close"];

/// The rows in (ticker rank, date) order; rows with the same key keep their file order.
/// A file grouped by ticker in another order (a vendor's code order; dates ascending in
/// each ticker) has its tickers' runs put in order, in linear time (#13: sorting 104 M
/// rows took 20 s); any other order is sorted on the rayon pool, stably.
/// Rows are numbered in 4 bytes (the loader refuses more rows).
fn ticker_date_order(ids: &[u32], rank: &[u32], dates: &[NaiveDate]) -> Vec<u32> {
    use rayon::prelude::*;
    let n = ids.len();
    let mut runs: Vec<(u32, Range<usize>)> = Vec::new();
    let mut start = 0;
    let mut grouped = true;
    for i in 1..=n {
        if i == n || ids[i] != ids[start] {
            runs.push((rank[ids[start] as usize], start..i));
            start = i;
        } else if dates[i] <= dates[i - 1] {
            grouped = false;
            break;
        }
    }
    if grouped {
        runs.sort_unstable_by_key(|r| r.0);
        // Each ticker in one run: every key is distinct, so this is the sorted order.
        if runs.windows(2).all(|w| w[0].0 < w[1].0) {
            return runs
                .into_iter()
                .flat_map(|(_, r)| r.start as u32..r.end as u32)
                .collect();
        }
    }
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.par_sort_by_key(|&i| (rank[ids[i as usize] as usize], dates[i as usize]));
    order
}

/// Ticker ids of a ticker column (canonical codes, #11) and the names, in first-seen order.
fn intern(
    src: &Source,
    column: &str,
    cells: &polars::prelude::StringChunked,
) -> Result<(Vec<u32>, Vec<String>)> {
    let mut ids: Vec<u32> = Vec::with_capacity(cells.len());
    let mut names: Vec<String> = Vec::new();
    let mut by_raw: HashMap<&str, u32> = HashMap::new();
    let mut by_name: HashMap<String, u32> = HashMap::new();
    let mut last: Option<(&str, u32)> = None;
    for (row, t) in cells.iter().enumerate() {
        let t = t
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::EmptyValue {
                path: src.path.clone(),
                line: src.line_of(row),
                column: column.to_string(),
            })?;
        let id = match last {
            Some((prev, id)) if prev == t => id,
            _ => {
                if let Some(&id) = by_raw.get(t) {
                    id
                } else {
                    let name = codes::canonical(t).map_err(|p| Error::AmbiguousCode {
                        path: src.path.clone(),
                        line: src.line_of(row),
                        column: column.to_string(),
                        value: t.to_string(),
                        why: p.why,
                        example: p.example,
                    })?;
                    let id = *by_name.entry(name.to_string()).or_insert_with(|| {
                        names.push(name.to_string());
                        (names.len() - 1) as u32
                    });
                    by_raw.insert(t, id);
                    id
                }
            }
        };
        last = Some((t, id));
        ids.push(id);
    }
    Ok((ids, names))
}

/// The ticker of a file without a ticker column: `--ticker`, else the file stem when it is
/// an instrument code (with a notice), else `MissingTicker`.
fn ticker_of_file(src: &Source, opts: &ReadOptions<'_>) -> Result<(String, Option<String>)> {
    if let Some(t) = opts.ticker {
        let t =
            codes::canonical(t).map_or_else(|_| t.trim().to_string(), std::borrow::Cow::into_owned);
        return Ok((t, None));
    }
    let stem = src.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    // Yahoo's classic download names no ticker: the file name (AAPL.csv) is it.
    let yahoo = opts.layout == Some(crate::config::Layout::Yahoo)
        || src.headers
            == [
                "Date",
                "Open",
                "High",
                "Low",
                "Close",
                "Adj Close",
                "Volume",
            ];
    if yahoo && !stem.trim().is_empty() && !codes::is_code(stem) {
        let t = stem.trim().to_string();
        let note = format!(
            "{}: Yahoo download without a ticker column: every row is {t}, from the file name (pass --ticker to choose)",
            src.path.display()
        );
        return Ok((t, Some(note)));
    }
    match codes::canonical(stem) {
        Ok(c) if codes::is_code(stem) => {
            let note = format!(
                "{}: no ticker column: every row is {c}, from the file name (pass --ticker to choose)",
                src.path.display()
            );
            Ok((c.into_owned(), Some(note)))
        }
        _ => Err(Error::MissingTicker {
            path: src.path.clone(),
            line: src.header_line,
            found: columns::list(&src.headers),
        }),
    }
}

/// The notice of dropped exact duplicates and the warning of dropped suspension rows.
fn report_dropped(
    src: &Source,
    kept: &rows::Kept,
    names: &[String],
    ids: &[u32],
    dates: &[NaiveDate],
    notices: &mut Vec<String>,
    warnings: &mut Vec<String>,
) {
    let file = src.path.display();
    let what = |i: usize| format!("{} {}", names[ids[i] as usize], dates[i]);
    if let Some((i, first)) = kept.first_duplicate {
        notices.push(format!(
            "{file}: dropped {} exact duplicate {} (first: line {}, {}, repeats line {})",
            kept.duplicates,
            if kept.duplicates == 1 { "row" } else { "rows" },
            src.line_of(i),
            what(i),
            src.line_of(first)
        ));
    }
    if let Some(i) = kept.first_halt {
        let [status, flag, flat] = kept.halts;
        let n = status + flag + flat;
        let mut why = Vec::new();
        if status > 0 {
            why.push(format!("{status} with tradestatus 0"));
        }
        if flag > 0 {
            why.push(format!("{flag} flagged suspended"));
        }
        if flat > 0 {
            why.push(format!("{flat} with zero volume at the previous close"));
        }
        warnings.push(format!(
            "{file}: {n} suspension {} ({}) read as days without a trade, like a missing row (first: line {}, {})",
            if n == 1 { "row" } else { "rows" },
            why.join(", "),
            src.line_of(i),
            what(i)
        ));
    }
}

fn col(headers: &[String], index: usize, kind: Kind) -> Col {
    Col {
        index,
        header: headers[index].clone(),
        kind,
    }
}

/// A required price column: every cell present, finite and positive.
///
/// # Errors
/// `EmptyValue` or `NonPositivePrice` naming the line.
pub fn required_prices(
    src: &Source,
    df: &polars::prelude::DataFrame,
    name: &str,
) -> Result<Vec<f64>> {
    let (values, first_null) = csv::float_values(&src.path, df, name)?;
    if let Some(row) = first_null {
        return Err(Error::EmptyValue {
            path: src.path.clone(),
            line: src.line_of(row),
            column: name.to_string(),
        });
    }
    check_all_positive(src, name, &values)?;
    Ok(values)
}

fn optional_prices(src: &Source, df: &polars::prelude::DataFrame, name: &str) -> Result<Vec<f64>> {
    let (values, first_null) = csv::float_values(&src.path, df, name)?;
    if first_null.is_none() {
        check_all_positive(src, name, &values)?;
    } else {
        // Empty cells are NaN here and allowed; every present value must be positive.
        if let Some(row) = values
            .iter()
            .position(|v| !(v.is_nan() || (v.is_finite() && *v > 0.0)))
        {
            return Err(non_positive(src, row, name, values[row]));
        }
    }
    Ok(values)
}

fn check_all_positive(src: &Source, name: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !(v.is_finite() && *v > 0.0)) {
        Some(row) => Err(non_positive(src, row, name, values[row])),
        None => Ok(()),
    }
}

/// The price column of a file whose returns are read from a column: empty or zero cells
/// are missing prices, negative ones (CRSP's bid/ask midpoints) their absolute value; the
/// rows of the negative ones.
fn prices_beside_returns(
    src: &Source,
    df: &polars::prelude::DataFrame,
    name: &str,
) -> Result<(Vec<f64>, Vec<usize>)> {
    let (mut values, _) = csv::float_values(&src.path, df, name)?;
    let mut negative = Vec::new();
    for (row, v) in values.iter_mut().enumerate() {
        if *v < 0.0 {
            negative.push(row);
            *v = -*v;
        } else if *v == 0.0 || !v.is_finite() {
            *v = f64::NAN;
        }
    }
    Ok((values, negative))
}

/// The returns column as decimal simple returns (`NaN` missing) and the count of missing
/// cells: empty, or one of CRSP's letter codes `A`–`E`.
///
/// # Errors
/// `BadReturn` for a cell that is not a number, or a return below -100% (CRSP's numeric
/// missing codes -66, -77, -88, -99 among them).
fn returns_cells(
    src: &Source,
    df: &polars::prelude::DataFrame,
    name: &str,
    units: crate::config::ReturnUnits,
) -> Result<(Vec<f64>, usize)> {
    let scale = match units {
        crate::config::ReturnUnits::Decimal => 1.0,
        crate::config::ReturnUnits::Percent => 0.01,
    };
    let cells = csv::text_column(&src.path, df, name)?;
    let mut missing = 0;
    let mut out = Vec::with_capacity(cells.len());
    for (row, cell) in cells.iter().enumerate() {
        let t = cell.map_or("", str::trim);
        let (t, scale) = match t.strip_suffix('%') {
            Some(t) => (t.trim_end(), 0.01),
            None => (t, scale),
        };
        if t.is_empty() || matches!(t, "A" | "B" | "C" | "D" | "E") {
            missing += 1;
            out.push(f64::NAN);
            continue;
        }
        let bad = |why| Error::BadReturn {
            path: src.path.clone(),
            line: src.line_of(row),
            column: name.to_string(),
            value: t.to_string(),
            why,
        };
        let r = t
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite())
            .ok_or_else(|| bad("not a number"))?
            * scale;
        if r < -1.0 {
            return Err(bad(
                "below -100%; CRSP's missing codes -66, -77, -88, -99 must be empty cells, and a percent column needs --returns-units percent",
            ));
        }
        out.push(r);
    }
    Ok((out, missing))
}

fn non_positive(src: &Source, row: usize, name: &str, value: f64) -> Error {
    Error::NonPositivePrice {
        path: src.path.clone(),
        line: src.line_of(row),
        column: name.to_string(),
        value,
    }
}

#[cfg(test)]
#[path = "prices_tests.rs"]
mod tests;
