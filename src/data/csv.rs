//! The one place polars reads CSV. A fast typed read first (numbers as `Float64`); when
//! polars rejects a cell, a second read as text finds the first bad cell so the error can
//! name its line, column and value (STYLE.md §3). Line numbers count the header as line 1.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use polars::prelude::*;

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

/// Read the header line (UTF-8 BOM removed, quotes stripped).
///
/// # Errors
/// `Io` when unreadable, `EmptyFile` when there is no header.
pub fn read_header(path: &Path) -> Result<Vec<String>> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut line = String::new();
    BufReader::new(file)
        .read_line(&mut line)
        .map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
    let line = line
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\r', '\n']);
    if line.trim().is_empty() {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    let headers: Vec<String> = line
        .split(',')
        .map(|h| h.trim().trim_matches('"').to_string())
        .collect();
    for (j, h) in headers.iter().enumerate() {
        let key = h.to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(i) = headers[..j].iter().position(|x| x.to_lowercase() == key) {
            return Err(Error::DuplicateHeader {
                path: path.to_path_buf(),
                name: h.clone(),
                first: i + 1,
                second: j + 1,
            });
        }
    }
    Ok(headers)
}

/// Read the given columns. Numbers come back as `Float64` (empty cells null), text as `String`.
///
/// # Errors
/// `EmptyFile` without data rows; `BadNumber` naming the first unparseable cell; `Csv` when
/// polars cannot tokenize the file.
pub fn read_columns(path: &Path, cols: &[Col]) -> Result<DataFrame> {
    let df = if let Ok(df) = read(path, cols, true) {
        df
    } else {
        let text = read(path, cols, false).map_err(|e| structure_error(path, &e))?;
        locate_bad_number(path, &text, cols)?;
        // Every cell parses once trimmed: spaces around the fields (`1, 12.5`), which
        // polars' typed read refuses (#15). Read the numbers from the trimmed text.
        trimmed_numbers(path, text, cols)?
    };
    if df.height() == 0 {
        return Err(Error::EmptyFile {
            path: path.to_path_buf(),
        });
    }
    check_structure(path)?;
    Ok(df)
}

/// The structure polars does not check (#15): every record has as many fields as the header
/// and every quote is closed — a stray `"` would otherwise swallow the rest of the file, and
/// an extra field be dropped without a word. One streaming pass over the bytes.
///
/// # Errors
/// `RaggedRow` naming the first record with another field count, `UnterminatedQuote` naming
/// where the unclosed quote opens, `Io` when unreadable.
pub fn check_structure(path: &Path) -> Result<()> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?);
    let mut buf = vec![0u8; 1 << 20];
    let mut s = Scan::default();
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        if let Some((line, fields, expected)) = s.feed(&buf[..n]) {
            return Err(Error::RaggedRow {
                path: path.to_path_buf(),
                line,
                fields,
                expected,
            });
        }
    }
    if s.quoted {
        return Err(Error::UnterminatedQuote {
            path: path.to_path_buf(),
            line: s.quote_line,
            offset: s.quote_offset,
        });
    }
    if let Some((line, fields, expected)) = s.end_record() {
        return Err(Error::RaggedRow {
            path: path.to_path_buf(),
            line,
            fields,
            expected,
        });
    }
    Ok(())
}

/// The state of [`check_structure`]'s pass: RFC 4180 quoting (`""` inside quotes is a
/// quote), blank lines skipped, `\r` before `\n` ignored.
#[derive(Default)]
struct Scan {
    quoted: bool,
    fields: usize,
    nonempty: bool,
    expected: Option<usize>,
    /// File line of the current record's start, and of the current byte.
    record_line: u64,
    line: u64,
    offset: u64,
    quote_line: u64,
    quote_offset: u64,
}

impl Scan {
    /// Scan bytes; the first record with another field count (line, fields, expected).
    fn feed(&mut self, bytes: &[u8]) -> Option<(u64, usize, usize)> {
        if self.line == 0 {
            (self.line, self.record_line, self.fields) = (1, 1, 1);
        }
        for &b in bytes {
            match b {
                b'"' => {
                    if !self.quoted {
                        (self.quote_line, self.quote_offset) = (self.line, self.offset);
                    }
                    self.quoted = !self.quoted;
                    self.nonempty = true;
                }
                b',' if !self.quoted => {
                    self.fields += 1;
                    self.nonempty = true;
                }
                b'\n' => {
                    self.line += 1;
                    if !self.quoted {
                        if let Some(bad) = self.end_record() {
                            return Some(bad);
                        }
                        (self.fields, self.nonempty, self.record_line) = (1, false, self.line);
                    }
                }
                b'\r' => {}
                _ => self.nonempty = true,
            }
            self.offset += 1;
        }
        None
    }

    /// Close the current record: the header sets the field count, a blank line is skipped.
    fn end_record(&mut self) -> Option<(u64, usize, usize)> {
        if !self.nonempty {
            return None;
        }
        match self.expected {
            None => {
                self.expected = Some(self.fields);
                None
            }
            Some(n) if n != self.fields => Some((self.record_line, self.fields, n)),
            Some(_) => None,
        }
    }
}

/// Explain a CSV polars could not tokenize: the first record whose field count differs
/// from the header's, else polars' own message.
fn structure_error(path: &Path, e: &PolarsError) -> Error {
    let Ok(bytes) = std::fs::read(path) else {
        return csv_error(path, e);
    };
    let text = String::from_utf8_lossy(&bytes);
    let (mut expected, mut fields, mut line, mut start_line, mut quoted) =
        (None, 1usize, 1u64, 1u64, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields += 1,
            '\n' if !quoted => {
                match expected {
                    None => expected = Some(fields),
                    Some(n) if n != fields && !(fields == 1 && chars.peek().is_none()) => {
                        return Error::RaggedRow {
                            path: path.to_path_buf(),
                            line: start_line,
                            fields,
                            expected: n,
                        };
                    }
                    Some(_) => {}
                }
                fields = 1;
                line += 1;
                start_line = line;
            }
            '\n' => line += 1,
            _ => {}
        }
    }
    csv_error(path, e)
}

fn read(path: &Path, cols: &[Col], typed: bool) -> PolarsResult<DataFrame> {
    let mut schema = Schema::default();
    for c in cols {
        let dtype = if typed && c.kind == Kind::Number {
            DataType::Float64
        } else {
            DataType::String
        };
        schema.with_column(c.header.as_str().into(), dtype);
    }
    let projection: Vec<usize> = cols.iter().map(|c| c.index).collect();
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_projection(Some(Arc::new(projection)))
        .with_schema_overwrite(Some(Arc::new(schema)))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
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

fn locate_bad_number(path: &Path, df: &DataFrame, cols: &[Col]) -> Result<()> {
    for c in cols.iter().filter(|c| c.kind == Kind::Number) {
        let s = text_column(path, df, &c.header)?;
        for (row, v) in s.iter().enumerate() {
            if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty())
                && v.parse::<f64>().is_err()
            {
                {
                    return Err(Error::BadNumber {
                        path: path.to_path_buf(),
                        line: line_of(row),
                        column: c.header.clone(),
                        value: v.to_string(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// The file line of data row `row` (0-based), the header being line 1.
pub fn line_of(row: usize) -> u64 {
    row as u64 + 2
}

/// A text column of a frame read by [`read_columns`].
///
/// # Errors
/// `Csv` when the column is not text (a bug, reported rather than panicking).
pub fn text_column<'a>(path: &Path, df: &'a DataFrame, name: &str) -> Result<&'a StringChunked> {
    df.column(name)
        .and_then(|c| c.str())
        .map_err(|e| csv_error(path, &e))
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
    if ca.null_count() == 0 {
        return Ok((ca.into_no_null_iter().collect(), None));
    }
    let mut first_null = None;
    let values = ca
        .iter()
        .enumerate()
        .map(|(row, v)| {
            v.unwrap_or_else(|| {
                first_null.get_or_insert(row);
                f64::NAN
            })
        })
        .collect();
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
