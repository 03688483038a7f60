//! The one place polars reads CSV, from the text a [`Source`] decoded (its delimiter, from
//! its header line on). A fast typed read first (numbers as `Float64`); when polars rejects
//! a cell, a second read as text finds the first bad cell so the error can name its line,
//! column and value (STYLE.md §3). Line numbers are file lines ([`Source::line_of`]).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

pub use super::source::Source;
use crate::error::{Error, Result};

/// How a projected column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Kept as text (dates, tickers, labels).
    Text,
    /// Parsed as `f64`.
    Number,
}

/// A column to read: its header index, header text, and kind.
#[derive(Debug, Clone)]
pub struct Col {
    /// Position in the header.
    pub index: usize,
    /// Header text as written in the file.
    pub header: String,
    /// Text or number.
    pub kind: Kind,
}

/// Read the header line of a file (see [`Source`]).
///
/// # Errors
/// As [`Source::open`].
pub fn read_header(path: &Path) -> Result<Vec<String>> {
    Source::open(path).map(|s| s.headers)
}

/// Read the given columns of a file (see [`read`]).
///
/// # Errors
/// As [`Source::open`] and [`read`].
pub fn read_columns(path: &Path, cols: &[Col]) -> Result<DataFrame> {
    read(&Source::open(path)?, cols).map(|f| f.df)
}

/// Columns read from a [`Source`], and whether their cells had spaces around them.
#[derive(Debug)]
pub struct Frame {
    /// One column per [`Col`], named by its header.
    pub df: DataFrame,
    /// Whether some cell was read only once trimmed (a notice, once per file).
    pub trimmed: bool,
}

/// The columns of a read, handed out one at a time so that each is freed once the loader
/// has converted it (#13): a text file's are parsed together and dropped as they are taken;
/// a Parquet file's are decoded as they are taken, so that at most one decoded column is
/// held beside what the loader built from the others.
#[derive(Debug)]
pub struct Columns<'a> {
    src: &'a Source,
    /// Every column parsed (text files, and Parquet files read through their text form).
    parsed: Option<DataFrame>,
    /// Whether some cell was read only once trimmed (as [`Frame::trimmed`]).
    pub trimmed: bool,
}

impl<'a> Columns<'a> {
    /// Prepare to read `cols` of `src`: a text file is parsed now (as [`read`]); a Parquet
    /// file whose number columns are numeric waits for [`Columns::take`].
    ///
    /// # Errors
    /// As [`read`].
    pub fn read(src: &'a Source, cols: &[Col]) -> Result<Self> {
        if let Some(file) = src.parquet_file() {
            if file.rows == 0 {
                return Err(Error::EmptyFile {
                    path: src.path.clone(),
                });
            }
            let numeric = |c: &Col| {
                c.kind == Kind::Text
                    || file
                        .read_schema_of(c.index)
                        .is_some_and(DataType::is_primitive_numeric)
            };
            if cols.iter().all(numeric) {
                return Ok(Columns {
                    src,
                    parsed: None,
                    trimmed: false,
                });
            }
        }
        let frame = read(src, cols)?;
        Ok(Columns {
            src,
            parsed: Some(frame.df),
            trimmed: frame.trimmed,
        })
    }

    /// Column `col` as a one-column frame named by its header, as [`read`] gives it. The
    /// reader does not keep it: a column taken twice is read twice.
    ///
    /// # Errors
    /// As [`read`].
    pub fn take(&mut self, col: &Col) -> Result<DataFrame> {
        if let Some(df) = &mut self.parsed
            && let Some(column) = df.drop_in_place(&col.header).ok()
        {
            return DataFrame::new(column.len(), vec![column])
                .map_err(|e| csv_error(&self.src.path, &e));
        }
        let frame = read(self.src, std::slice::from_ref(col))?;
        self.trimmed |= frame.trimmed;
        Ok(frame.df)
    }
}

/// Read the given columns. Numbers come back as `Float64` (empty cells null), text as `String`.
///
/// # Errors
/// `EmptyFile` without data rows; `BadNumber` naming the first unparseable cell; `Csv` when
/// polars cannot tokenize the file; the errors of [`check_structure`].
pub fn read(src: &Source, cols: &[Col]) -> Result<Frame> {
    if let Some(file) = src.parquet_file() {
        // Typed columns as they are (#13); a column that does not convert (text where a
        // number belongs) is read from the text form, for the located message.
        return match parquet_columns(src, file, cols)? {
            Some(frame) => Ok(frame),
            None => read(&src.as_text()?, cols),
        };
    }
    if src.data().iter().all(u8::is_ascii_whitespace) {
        return Err(Error::EmptyFile {
            path: src.path.clone(),
        });
    }
    // Structure first: polars must never see an unbalanced or misplaced quote (one in a
    // number field can panic inside its parser, found by fuzzing).
    check_structure(src)?;
    let (df, trimmed) = if let Ok(df) = polars_read(src, cols, true) {
        (df, false)
    } else {
        let text = polars_read(src, cols, false).map_err(|e| located_csv_error(src, &e))?;
        locate_bad_number(src, &text, cols)?;
        // Every cell parses once trimmed: spaces around the fields (`1, 12.5`), which
        // polars' typed read refuses (#15). Read the numbers from the trimmed text.
        (trimmed_numbers(&src.path, text, cols)?, true)
    };
    if df.height() == 0 {
        return Err(Error::EmptyFile {
            path: src.path.clone(),
        });
    }
    let trimmed = trimmed || text_padded(&df, cols);
    Ok(Frame { df, trimmed })
}

/// The columns `cols` of a Parquet source, as [`read`] gives them from text: numbers
/// `Float64` (from any integer or float type), text `String`, dates and datetimes `Date`
/// ([`text_column`] gives them as `YYYY-MM-DD`, as the text form writes them). `None` when
/// a number column is not numeric.
fn parquet_columns(
    src: &Source,
    file: &super::source::ParquetFile,
    cols: &[Col],
) -> Result<Option<Frame>> {
    if file.rows == 0 {
        return Err(Error::EmptyFile {
            path: src.path.clone(),
        });
    }
    let bad = |e: PolarsError| Error::Parquet {
        path: src.path.clone(),
        message: e.to_string().lines().next().unwrap_or("").to_string(),
    };
    let names = file.names();
    if cols.iter().any(|c| c.index >= names.len()) {
        return Ok(None);
    }
    let indices: Vec<usize> = cols.iter().map(|c| c.index).collect();
    let df = file.read(Some(&indices))?;
    let mut out = Vec::with_capacity(cols.len());
    for c in cols {
        let column = df.column(names[c.index].as_str()).map_err(bad)?;
        let dtype = column.dtype();
        let converted = match c.kind {
            Kind::Number if dtype.is_primitive_numeric() => {
                column.cast(&DataType::Float64).map_err(bad)?
            }
            Kind::Number => return Ok(None),
            // Dates stay dates (the price and market loaders take them as they are;
            // `text_column` writes them `YYYY-MM-DD` for the others).
            Kind::Text => match dtype {
                DataType::String | DataType::Date => column.clone(),
                DataType::Datetime(..) => column.cast(&DataType::Date).map_err(bad)?,
                _ => column.cast(&DataType::String).map_err(bad)?,
            },
        };
        out.push(converted.with_name(c.header.as_str().into()));
    }
    let df = DataFrame::new(df.height(), out).map_err(bad)?;
    let trimmed = text_padded(&df, cols);
    Ok(Some(Frame { df, trimmed }))
}

/// Whether a text column has a cell with spaces around it among its first rows (the
/// loaders trim text cells anyway; this is only for the notice, so the clean path stays a
/// single pass).
fn text_padded(df: &DataFrame, cols: &[Col]) -> bool {
    const SAMPLE: usize = 1000;
    cols.iter().filter(|c| c.kind == Kind::Text).any(|c| {
        df.column(&c.header)
            .and_then(|c| c.str())
            .is_ok_and(|s| s.iter().take(SAMPLE).flatten().any(|v| v.trim() != v))
    })
}

/// The structure polars does not check (#15): every record has as many fields as the header,
/// every quote is closed, and quotes stand where RFC 4180 allows them (a quoted field is
/// quoted whole) — a stray `"` would otherwise swallow the rest of the file, an extra field
/// be dropped without a word, and a quote inside a number field panic polars' parser. One
/// pass over the bytes from the header on.
///
/// # Errors
/// `RaggedRow` naming the first record with another field count, `MisplacedQuote` the
/// first quote inside a field, `UnterminatedQuote` where the unclosed quote opens.
pub fn check_structure(src: &Source) -> Result<()> {
    if plain_and_even(src.from_header(), src.delimiter) {
        return Ok(());
    }
    let mut s = Scan {
        delimiter: src.delimiter,
        ..Scan::default()
    };
    let first = src.header_line;
    let problem = |p: Problem| match p {
        Problem::Ragged {
            line,
            fields,
            expected,
        } => Error::RaggedRow {
            path: src.path.clone(),
            line: line + first - 1,
            fields,
            expected,
        },
        Problem::Misplaced { line, offset } => Error::MisplacedQuote {
            path: src.path.clone(),
            line: line + first - 1,
            offset,
        },
        Problem::HeaderQuote { line, offset } => Error::HeaderQuote {
            path: src.path.clone(),
            line: line + first - 1,
            offset,
        },
        Problem::LoneCr { line, offset } => Error::LoneCarriageReturn {
            path: src.path.clone(),
            line: line + first - 1,
            offset,
        },
    };
    if let Some(bad) = s.feed(src.from_header()) {
        return Err(problem(bad));
    }
    if s.quoted {
        return Err(Error::UnterminatedQuote {
            path: src.path.clone(),
            line: s.quote_line + first - 1,
            offset: s.quote_offset,
        });
    }
    if let Some(bad) = s.end_record() {
        return Err(problem(bad));
    }
    Ok(())
}

/// Whether `bytes` holds no quote and no `\r`, and every non-empty line as many fields as
/// the first: the usual file, for which [`Scan`] can find no problem (without quotes or
/// carriage returns the only one is a ragged row). Checked on the rayon pool, a line-aligned
/// chunk at a time (#13: the byte-at-a-time automaton took a second on a 311 MB file); any
/// other file goes through [`Scan`], which locates what is wrong.
fn plain_and_even(bytes: &[u8], delimiter: u8) -> bool {
    use rayon::prelude::*;
    const MIN_CHUNK: usize = 1 << 20;
    if memchr::memchr2(b'"', b'\r', bytes).is_some() {
        return false;
    }
    let fields = |line: &[u8]| memchr::memchr_iter(delimiter, line).count();
    let even = |chunk: &[u8], expected: usize| {
        chunk
            .split(|&b| b == b'\n')
            .all(|line| line.is_empty() || fields(line) == expected)
    };
    // The header: the first non-empty line.
    let mut start = 0;
    let expected = loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |p| start + p);
        if end > start {
            break fields(&bytes[start..end]);
        }
        if end == bytes.len() {
            return true;
        }
        start = end + 1;
    };
    let size = MIN_CHUNK.max(bytes.len() / (4 * rayon::current_num_threads()).max(1));
    let mut chunks = Vec::new();
    while start < bytes.len() {
        let end = (start + size).min(bytes.len());
        let end = memchr::memchr(b'\n', &bytes[end..]).map_or(bytes.len(), |p| end + p + 1);
        chunks.push(&bytes[start..end]);
        start = end;
    }
    chunks.par_iter().all(|chunk| even(chunk, expected))
}

/// What [`Scan`] found (lines counted from the header, offsets from its first byte).
enum Problem {
    Ragged {
        line: u64,
        fields: usize,
        expected: usize,
    },
    Misplaced {
        line: u64,
        offset: u64,
    },
    /// A quoted field of the header holds a line break.
    HeaderQuote {
        line: u64,
        offset: u64,
    },
    /// A `\r` outside quotes that is not followed by `\n`.
    LoneCr {
        line: u64,
        offset: u64,
    },
}

/// The state of [`check_structure`]'s pass: RFC 4180 quoting (`""` inside quotes is a
/// quote), blank lines skipped, `\r` before `\n` ignored.
#[derive(Default)]
#[allow(clippy::struct_excessive_bools)] // the states of one byte-level automaton
struct Scan {
    delimiter: u8,
    quoted: bool,
    /// Inside a field that has a byte (so a quote here is misplaced).
    in_field: bool,
    /// Just after a quoted field's closing quote (or a `""` pair's first quote).
    closed: bool,
    fields: usize,
    nonempty: bool,
    expected: Option<usize>,
    /// File line of the current record's start, and of the current byte.
    record_line: u64,
    line: u64,
    offset: u64,
    quote_line: u64,
    quote_offset: u64,
    /// A `\r` outside quotes just seen (a line ending only when `\n` follows).
    cr: bool,
}

impl Scan {
    /// Scan bytes; the first problem.
    fn feed(&mut self, bytes: &[u8]) -> Option<Problem> {
        if self.line == 0 {
            (self.line, self.record_line, self.fields) = (1, 1, 1);
        }
        for &b in bytes {
            if self.cr && b != b'\n' {
                return Some(Problem::LoneCr {
                    line: self.line,
                    offset: self.offset - 1,
                });
            }
            self.cr = false;
            if self.quoted {
                match b {
                    b'"' => (self.quoted, self.closed) = (false, true),
                    b'\n' if self.expected.is_none() => {
                        return Some(Problem::HeaderQuote {
                            line: self.quote_line,
                            offset: self.quote_offset,
                        });
                    }
                    b'\n' => self.line += 1,
                    _ => {}
                }
                self.offset += 1;
                continue;
            }
            match b {
                // `""` inside a quoted field: the field goes on.
                b'"' if self.closed => (self.quoted, self.closed) = (true, false),
                b'"' if !self.in_field => {
                    (self.quote_line, self.quote_offset) = (self.line, self.offset);
                    (self.quoted, self.in_field, self.nonempty) = (true, true, true);
                }
                b'"' => {
                    return Some(Problem::Misplaced {
                        line: self.line,
                        offset: self.offset,
                    });
                }
                b if b == self.delimiter => {
                    self.fields += 1;
                    (self.nonempty, self.in_field, self.closed) = (true, false, false);
                }
                b'\n' => {
                    self.line += 1;
                    if let Some(bad) = self.end_record() {
                        return Some(bad);
                    }
                    (self.fields, self.nonempty, self.record_line) = (1, false, self.line);
                    (self.in_field, self.closed) = (false, false);
                }
                b'\r' => self.cr = true,
                _ if self.closed => {
                    return Some(Problem::Misplaced {
                        line: self.line,
                        offset: self.offset,
                    });
                }
                _ => (self.nonempty, self.in_field) = (true, true),
            }
            self.offset += 1;
        }
        None
    }

    /// Close the current record: the header sets the field count, a blank line is skipped.
    fn end_record(&mut self) -> Option<Problem> {
        if !self.nonempty {
            return None;
        }
        match self.expected {
            None => {
                self.expected = Some(self.fields);
                None
            }
            Some(n) if n != self.fields => Some(Problem::Ragged {
                line: self.record_line,
                fields: self.fields,
                expected: n,
            }),
            Some(_) => None,
        }
    }
}

/// polars' message for a file it could not read, with the first line holding the value it
/// names (`could not parse `X` as ...`) when there is one.
fn located_csv_error(src: &Source, e: &PolarsError) -> Error {
    let message = e.to_string().lines().next().unwrap_or("").to_string();
    let value = message
        .split('`')
        .nth(1)
        .filter(|v| !v.is_empty())
        .map(str::as_bytes);
    let line = value.and_then(|v| {
        src.from_header()
            .split(|&b| b == b'\n')
            .position(|l| l.windows(v.len()).any(|w| w == v))
    });
    match line {
        Some(i) => Error::Csv {
            path: src.path.clone(),
            message: format!("line {}: {message}", i as u64 + src.header_line),
        },
        None => csv_error(&src.path, e),
    }
}

fn polars_read(src: &Source, cols: &[Col], typed: bool) -> PolarsResult<DataFrame> {
    let mut schema = Schema::default();
    for (i, h) in src.headers.iter().enumerate() {
        let kind = cols.iter().find(|c| c.index == i).map(|c| c.kind);
        let dtype = if typed && kind == Some(Kind::Number) {
            DataType::Float64
        } else {
            DataType::String
        };
        // Names are the trimmed headers (unique, checked by `Source`); an unread or empty
        // header gets a placeholder.
        let name = if h.is_empty() || kind.is_none() {
            format!("\u{1}{i}")
        } else {
            h.clone()
        };
        schema.with_column(name.into(), dtype);
    }
    let projection: Vec<usize> = cols.iter().map(|c| c.index).collect();
    let delimiter = src.delimiter;
    CsvReadOptions::default()
        .with_has_header(false)
        .with_schema(Some(Arc::new(schema)))
        .with_projection(Some(Arc::new(projection)))
        .map_parse_options(|o| o.with_separator(delimiter))
        .into_reader_with_file_handle(std::io::Cursor::new(src.data()))
        .finish()
}

fn csv_error(path: &Path, e: &PolarsError) -> Error {
    Error::Csv {
        path: path.to_path_buf(),
        message: e.to_string().lines().next().unwrap_or("").to_string(),
    }
}

/// The text read with its number columns parsed from the trimmed cells (text columns
/// trimmed too).
fn trimmed_numbers(path: &Path, mut df: DataFrame, cols: &[Col]) -> Result<DataFrame> {
    for c in cols {
        let s = text_column(path, &df, &c.header)?;
        let column: Column = match c.kind {
            Kind::Number => {
                let v: Float64Chunked = s
                    .iter()
                    .map(|v| {
                        v.map(str::trim)
                            .filter(|v| !v.is_empty())
                            .and_then(|v| v.parse::<f64>().ok())
                    })
                    .collect();
                v.with_name(c.header.as_str().into()).into_column()
            }
            Kind::Text => {
                let v: StringChunked = s.iter().map(|v| v.map(str::trim)).collect();
                v.with_name(c.header.as_str().into()).into_column()
            }
        };
        df.with_column(column).map_err(|e| csv_error(path, &e))?;
    }
    Ok(df)
}

fn locate_bad_number(src: &Source, df: &DataFrame, cols: &[Col]) -> Result<()> {
    let path = &src.path;
    for c in cols.iter().filter(|c| c.kind == Kind::Number) {
        let s = text_column(path, df, &c.header)?;
        for (row, v) in s.iter().enumerate() {
            if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty())
                && v.parse::<f64>().is_err()
            {
                {
                    return Err(Error::BadNumber {
                        path: path.clone(),
                        line: src.line_of(row),
                        column: c.header.clone(),
                        value: v.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// A text column of a frame read by [`read_columns`].
///
/// # Errors
/// `Csv` when the column is not text (a bug, reported rather than panicking).
pub fn text_column(path: &Path, df: &DataFrame, name: &str) -> Result<StringChunked> {
    let column = df.column(name).map_err(|e| csv_error(path, &e))?;
    if column.dtype() == &DataType::Date {
        // A Parquet date column (#13), as its text form would hold it.
        let text = column
            .cast(&DataType::String)
            .map_err(|e| csv_error(path, &e))?;
        return text.str().cloned().map_err(|e| csv_error(path, &e));
    }
    column.str().cloned().map_err(|e| csv_error(path, &e))
}

/// A numeric column of a frame read by [`read_columns`], as `Option<f64>` per row.
///
/// # Errors
/// `Csv` when the column is not numeric.
pub fn number_column(path: &Path, df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    Ok(float_column(path, df, name)?.iter().collect())
}

/// A numeric column as `f64` with `NaN` for empty cells, and the row of the first empty
/// cell (if any), in one pass without an `Option` per row.
///
/// # Errors
/// `Csv` when the column is not numeric.
pub fn float_values(path: &Path, df: &DataFrame, name: &str) -> Result<(Vec<f64>, Option<usize>)> {
    let ca = float_column(path, df, name)?;
    // The value buffers copied whole (#13: a value at a time was 8 ns a cell), then NaN
    // where a cell is null.
    let mut values = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        values.extend_from_slice(arr.values().as_slice());
    }
    if ca.null_count() == 0 {
        return Ok((values, None));
    }
    let mut first_null = None;
    for (row, v) in ca.iter().enumerate() {
        if v.is_none() {
            first_null.get_or_insert(row);
            values[row] = f64::NAN;
        }
    }
    Ok((values, first_null))
}

fn float_column<'a>(path: &Path, df: &'a DataFrame, name: &str) -> Result<&'a Float64Chunked> {
    df.column(name)
        .and_then(|c| c.f64())
        .map_err(|e| csv_error(path, &e))
}

/// Parse `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` (a time part after the date is ignored).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    let digits = |r: &[u8]| -> Option<u32> {
        r.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (y, m, d) = if b.len() >= 10 && (b[4] == b'-' || b[4] == b'/') && b[7] == b[4] {
        if b.len() > 10 && b[10] != b' ' && b[10] != b'T' {
            return None;
        }
        (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?)
    } else if b.len() == 8 {
        (digits(&b[0..4])?, digits(&b[4..6])?, digits(&b[6..8])?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether [`Scan`] finds no problem in `bytes` (as [`check_structure`] runs it).
    fn scan_ok(bytes: &[u8], delimiter: u8) -> bool {
        let mut s = Scan {
            delimiter,
            ..Scan::default()
        };
        s.feed(bytes).is_none() && !s.quoted && s.end_record().is_none()
    }

    proptest::proptest! {
        /// The fast path never passes a file the automaton refuses, and on files without
        /// quotes or carriage returns it agrees with it exactly.
        #[test]
        fn the_fast_structure_check_agrees_with_the_automaton(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"a1,;\n\n\"\r ".to_vec()), 0..120)
        ) {
            let fast = plain_and_even(&bytes, b',');
            let slow = scan_ok(&bytes, b',');
            proptest::prop_assert!(!fast || slow);
            if !bytes.iter().any(|&b| b == b'"' || b == b'\r') {
                proptest::prop_assert_eq!(fast, slow);
            }
        }
    }

    /// Files larger than one chunk: a ragged row far from the start is found.
    #[test]
    fn the_fast_structure_check_reads_every_chunk() {
        let mut text = b"date,ticker,close\n".to_vec();
        for i in 0..200_000 {
            text.extend_from_slice(format!("2022-01-{:02},T{i},1.5\n", i % 28 + 1).as_bytes());
        }
        assert!(text.len() > 3 << 20);
        assert!(plain_and_even(&text, b','));
        let at = text.len() - 1000;
        let line_end = at + memchr::memchr(b'\n', &text[at..]).unwrap();
        text.insert(line_end, b',');
        assert!(!plain_and_even(&text, b','));
        assert!(!scan_ok(&text, b','));
    }

    /// [`Columns`] hands out the columns [`read`] reads, one at a time, from a text file (parsed
    /// once) and from a Parquet file (decoded as taken); a column taken twice is read again,
    /// and a Parquet text cell in a number column falls back to the text read's located error.
    #[test]
    fn columns_taken_one_at_a_time_are_the_columns_read_together() {
        use crate::data::convert::{TableType, table_to_parquet};
        let dir = tempfile::tempdir().unwrap();
        let text = "date,ticker,close\n2022-05-05,002415.SZ,38.24\n2022-05-06,002415.SZ,34.8\n";
        let csv_path = dir.path().join("p.csv");
        std::fs::write(&csv_path, text).unwrap();
        let typed = |name: &str| match name {
            "date" => TableType::Date,
            "close" => TableType::Float,
            _ => TableType::Text,
        };
        let pq_path = dir.path().join("p.parquet");
        std::fs::write(&pq_path, table_to_parquet(text.as_bytes(), typed).unwrap()).unwrap();
        let cols = [
            Col {
                index: 0,
                header: "date".into(),
                kind: Kind::Text,
            },
            Col {
                index: 2,
                header: "close".into(),
                kind: Kind::Number,
            },
            Col {
                index: 1,
                header: "ticker".into(),
                kind: Kind::Text,
            },
        ];
        for path in [&csv_path, &pq_path] {
            let src = Source::open(path).unwrap();
            let whole = read(&src, &cols).unwrap().df;
            let mut columns = Columns::read(&src, &cols).unwrap();
            for c in cols.iter().chain(std::iter::once(&cols[1])) {
                let one = columns.take(c).unwrap();
                assert_eq!(one.width(), 1, "{}", path.display());
                assert_eq!(
                    one.column(&c.header).unwrap(),
                    whole.column(&c.header).unwrap(),
                    "{} {}",
                    path.display(),
                    c.header
                );
            }
        }
        // A number column of text in Parquet: the text read names the cell.
        let bad = dir.path().join("bad.parquet");
        let with_text = "date,ticker,close\n2022-05-05,002415.SZ,38.24\n2022-05-06,002415.SZ,n/a\n";
        std::fs::write(
            &bad,
            table_to_parquet(with_text.as_bytes(), |n| {
                if n == "date" {
                    TableType::Date
                } else {
                    TableType::Text
                }
            })
            .unwrap(),
        )
        .unwrap();
        let src = Source::open(&bad).unwrap();
        let err = Columns::read(&src, &cols).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("n/a"), "{err}");
    }

    #[test]
    fn dates_parse_in_the_three_vendor_layouts() {
        let d = NaiveDate::from_ymd_opt(2022, 5, 5).unwrap();
        assert_eq!(parse_date("2022-05-05"), Some(d));
        assert_eq!(parse_date("20220505"), Some(d));
        assert_eq!(parse_date("2022/05/05"), Some(d));
        assert_eq!(parse_date("2022-05-05 00:00:00"), Some(d));
        assert_eq!(parse_date("2022-13-05"), None);
        assert_eq!(parse_date("05/05/2022"), None);
        assert_eq!(parse_date("2022-05-0x"), None);
        assert_eq!(parse_date(""), None);
    }
}
