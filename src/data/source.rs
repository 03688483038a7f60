//! The file front end (#11): every input file is read once (memory-mapped) and turned into
//! UTF-8 text with a located header before polars sees it, so that the structure check and
//! polars read the same bytes and every message names a true file line.
//!
//! In order: a UTF-8 byte-order mark is removed; text that is not UTF-8 is decoded as
//! GB18030 (a superset of GBK, what Excel writes on Chinese Windows) when it is valid
//! GB18030, else refused naming the line of the first bad byte; the delimiter (`,` `;` tab
//! `|`) and the header line are sniffed from the first lines (free-text title lines above the
//! header, such as `数据由…整理`, are skipped and counted). The clean case (UTF-8, comma,
//! header on line 1) copies nothing: the bytes polars parses are the file's own pages,
//! memory-mapped read-only (#13; [`Text`]).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::polars_utils::mmap::MMapSemaphore;

use crate::error::{Error, Result};

fn parquet_error(path: &Path, e: &polars::prelude::PolarsError) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        message: e.to_string().lines().next().unwrap_or("").to_string(),
    }
}

/// Delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Lines looked at to find the delimiter and the header.
const SNIFF_LINES: usize = 50;

/// How the file's bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a byte-order mark), used as is.
    Utf8,
    /// GBK/GB18030, decoded to UTF-8.
    Gbk,
}

impl Encoding {
    /// `UTF-8` or `GBK`.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
        }
    }
}

/// A text file's bytes: the file's own pages, memory-mapped read-only with polars' mapping
/// (the one its CSV reader uses on a path; unmapped in the background when large), or
/// bytes in memory (decoded from GBK, reshaped from a wide layout, written from Parquet).
/// Reading a file into memory instead copies it into fresh pages: 0.35–0.45 s of the
/// 311 MB benchmark CSV on this machine, a third of polars' own parse of it (#13).
#[derive(Clone)]
enum Text {
    /// Bytes in memory.
    Owned(Vec<u8>),
    /// The file's pages from byte `from` on (after a byte-order mark).
    Mapped {
        map: Arc<MMapSemaphore>,
        from: usize,
    },
}

impl Text {
    /// The same text without its first `n` bytes.
    fn skip(self, n: usize) -> Text {
        match self {
            Text::Owned(mut bytes) => {
                bytes.drain(..n.min(bytes.len()));
                Text::Owned(bytes)
            }
            Text::Mapped { map, from } => Text::Mapped {
                from: (from + n).min(mapped(&map).len()),
                map,
            },
        }
    }
}

/// The bytes of a mapping.
fn mapped(map: &MMapSemaphore) -> &[u8] {
    map.as_ref()
}

impl std::ops::Deref for Text {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Text::Owned(bytes) => bytes,
            Text::Mapped { map, from } => &mapped(map)[*from..],
        }
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            Text::Owned(_) => "in memory",
            Text::Mapped { .. } => "mapped",
        };
        write!(f, "Text({} bytes {kind})", self.len())
    }
}

/// A file's text from its header line on, with what the front end found.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // independent facts about one file
pub struct Source {
    /// The file read.
    pub path: PathBuf,
    text: Text,
    /// Byte offset of the header line in `text`.
    start: usize,
    /// Byte offset of the first data line in `text`.
    body: usize,
    /// File line of the header (1-based).
    pub header_line: u64,
    /// The field delimiter.
    pub delimiter: u8,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// Whether a UTF-8 byte-order mark was removed.
    pub bom: bool,
    /// Header names, trimmed and unquoted.
    pub headers: Vec<String>,
    /// Whether some header name had spaces around it.
    pub padded_headers: bool,
    /// yfinance's three-line header (`Price,…` / `Ticker,…` / `Date,,…`) starts here.
    pub yahoo_header: bool,
    /// File line of each data row when the text is a reshaped file's (#11 layouts).
    row_lines: Option<Vec<u64>>,
    /// Read from a Parquet file: "line N" in messages is its N-th row.
    pub parquet: bool,
    /// A Parquet file's footer (#13): its columns are decoded when [`ParquetFile::read`]
    /// asks for them, as they are, without a text form; `None` for text files (and once
    /// [`Source::as_text`] made one).
    pub(super) parquet_file: Option<std::sync::Arc<ParquetFile>>,
}

/// A Parquet file whose footer was read (#13): the columns are decoded on demand, a few at
/// a time, so a loader holds one decoded column beside what it built from the others, not
/// the whole file twice (the 104 M-row panel: 13.8 GiB peak when every column was decoded
/// up front).
#[derive(Debug)]
pub struct ParquetFile {
    path: PathBuf,
    metadata: polars::io::parquet::metadata::FileMetadataRef,
    /// Column names as the file writes them.
    names: Vec<String>,
    /// Each column's type, as polars decodes it.
    dtypes: Vec<polars::prelude::DataType>,
    /// Rows in the file.
    pub rows: usize,
}

impl ParquetFile {
    fn open(path: &Path) -> Result<Self> {
        use polars::prelude::{ParquetReader, SerReader};
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mut reader = ParquetReader::new(file);
        let schema = reader.schema().map_err(|e| parquet_error(path, &e))?;
        let metadata = reader
            .get_metadata()
            .map_err(|e| parquet_error(path, &e))?
            .clone();
        Ok(ParquetFile {
            path: path.to_path_buf(),
            names: schema.iter_names().map(ToString::to_string).collect(),
            dtypes: schema
                .iter_values()
                .map(polars::prelude::DataType::from_arrow_field)
                .collect(),
            rows: metadata.num_rows,
            metadata,
        })
    }

    /// Column names as the file writes them.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The type polars decodes column `index` as.
    pub fn read_schema_of(&self, index: usize) -> Option<&polars::prelude::DataType> {
        self.dtypes.get(index)
    }

    /// Decode the columns at `indices` (positions in the header; every column for `None`),
    /// in file order, through a memory map of the file.
    ///
    /// # Errors
    /// `Io` when the file cannot be opened again; `Parquet` when polars cannot decode it.
    pub fn read(&self, indices: Option<&[usize]>) -> Result<polars::prelude::DataFrame> {
        use polars::prelude::{ParquetReader, SerReader};
        let file = std::fs::File::open(&self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            source,
        })?;
        let mut reader = ParquetReader::new(file);
        reader.set_metadata(self.metadata.clone());
        let projection = indices.map(|i| {
            let mut i = i.to_vec();
            i.sort_unstable();
            i.dedup();
            i
        });
        reader
            .with_projection(projection)
            .finish()
            .map_err(|e| parquet_error(&self.path, &e))
    }
}

impl Source {
    /// Read and decode a file, and locate its header.
    ///
    /// # Errors
    /// `Io` when unreadable, `BadEncoding` for bytes that are neither UTF-8 nor GBK,
    /// `EmptyFile` without a header, `DuplicateHeader`.
    pub fn open(path: &Path) -> Result<Self> {
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut magic = Vec::with_capacity(4);
        let file = std::fs::File::open(path).map_err(io)?;
        (&file).take(4).read_to_end(&mut magic).map_err(io)?;
        if magic == b"PAR1" {
            return Self::from_parquet(path);
        }
        // A file that cannot be mapped (a pipe, an empty file) is read on from its first
        // four bytes, already taken.
        match MMapSemaphore::new_from_file(&file) {
            Ok(map) if !map.as_ref().is_empty() => Self::from_text(
                path,
                Text::Mapped {
                    map: Arc::new(map),
                    from: 0,
                },
            ),
            _ => {
                let mut bytes = magic;
                (&file).read_to_end(&mut bytes).map_err(io)?;
                Self::from_bytes(path, bytes)
            }
        }
    }

    /// A Parquet file (#11, #13): its footer, with the column names as the header. The
    /// loaders decode the columns they read as they are ([`ParquetFile::read`]); a consumer
    /// that needs text (a wide layout to reshape, `inspect`, a cell that does not convert)
    /// asks for [`Source::as_text`].
    ///
    /// # Errors
    /// `Io`; `Parquet` when polars cannot read the footer; `DuplicateHeader`.
    fn from_parquet(path: &Path) -> Result<Self> {
        let file = ParquetFile::open(path)?;
        let headers: Vec<String> = file.names().iter().map(|n| n.trim().to_string()).collect();
        check_unique(path, 1, &headers)?;
        Ok(Source {
            path: path.to_path_buf(),
            text: Text::Owned(Vec::new()),
            start: 0,
            body: 0,
            header_line: 1,
            delimiter: b',',
            encoding: Encoding::Utf8,
            bom: false,
            padded_headers: headers.iter().zip(file.names()).any(|(h, n)| h != n),
            headers,
            yahoo_header: false,
            row_lines: None,
            parquet: true,
            parquet_file: Some(std::sync::Arc::new(file)),
        })
    }

    /// The source as CSV text (a Parquet source's columns written as a CSV would hold them:
    /// dates and datetimes `YYYY-MM-DD`, floats in shortest round-trip form, nulls as empty
    /// cells); a text source as it is.
    ///
    /// # Errors
    /// `Parquet` when polars cannot decode or write the columns.
    pub fn as_text(&self) -> Result<Source> {
        use polars::prelude::{CsvWriter, SerWriter};
        let Some(file) = &self.parquet_file else {
            return Ok(self.clone());
        };
        let mut df = file.read(None)?;
        let mut csv = Vec::new();
        CsvWriter::new(&mut csv)
            .include_header(true)
            .with_date_format(Some("%Y-%m-%d".into()))
            .with_datetime_format(Some("%Y-%m-%d".into()))
            .finish(&mut df)
            .map_err(|e| parquet_error(&self.path, &e))?;
        let mut src = Self::from_bytes(&self.path, csv)?;
        src.parquet = true;
        Ok(src)
    }

    /// A Parquet source's file (`None` for text).
    pub fn parquet_file(&self) -> Option<&ParquetFile> {
        self.parquet_file.as_deref()
    }

    /// [`Source::open`] on bytes already read.
    ///
    /// # Errors
    /// As [`Source::open`].
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self> {
        Self::from_text(path, Text::Owned(bytes))
    }

    fn from_text(path: &Path, bytes: Text) -> Result<Self> {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let bytes = if bom { bytes.skip(3) } else { bytes };
        let (text, encoding) = decode(path, bytes)?;
        let (start, delimiter) = sniff(&text);
        let header_line = 1 + count_newlines(&text[..start]);
        let end = text[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| start + i + 1);
        let line = String::from_utf8_lossy(&text[start..end]);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            return Err(Error::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        let raw = split_fields(line, delimiter);
        let padded_headers = raw.iter().any(|h| h.trim() != *h);
        let headers: Vec<String> = raw
            .iter()
            .map(|h| h.trim().trim_matches('"').trim().to_string())
            .collect();
        // yfinance repeats the field names (`Close,Close` for two tickers): their second
        // line says which ticker each is; checked when the file is reshaped.
        let yahoo_header =
            headers.first().is_some_and(|h| h == "Price") && text[end..].starts_with(b"Ticker");
        if !yahoo_header {
            check_unique(path, header_line, &headers)?;
        }
        Ok(Source {
            path: path.to_path_buf(),
            text,
            start,
            body: end,
            header_line,
            delimiter,
            encoding,
            bom,
            headers,
            padded_headers,
            yahoo_header,
            row_lines: None,
            parquet: false,
            parquet_file: None,
        })
    }

    /// The same file as long text (#11 layouts): `text` is a header line and data rows,
    /// `row_lines` the file line each data row comes from.
    pub(super) fn reshaped(&self, text: Vec<u8>, row_lines: Vec<u64>) -> Source {
        let body = text
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| i + 1);
        let header = String::from_utf8_lossy(&text[..body]);
        let headers = split_fields(header.trim_end_matches(['\r', '\n']), self.delimiter)
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        Source {
            path: self.path.clone(),
            text: Text::Owned(text),
            start: 0,
            body,
            header_line: self.header_line,
            delimiter: self.delimiter,
            encoding: self.encoding,
            bom: self.bom,
            headers,
            padded_headers: self.padded_headers,
            yahoo_header: false,
            row_lines: Some(row_lines),
            parquet: self.parquet,
            parquet_file: None,
        }
    }

    /// The data lines as text, one per line (for reshaping), with their file lines.
    pub(super) fn data_lines(&self) -> impl Iterator<Item = (u64, &str)> {
        let text = std::str::from_utf8(self.data()).unwrap_or("");
        text.lines()
            .enumerate()
            .map(move |(i, l)| (self.header_line + 1 + i as u64, l.trim_end_matches('\r')))
    }

    /// The fields of one line.
    pub(super) fn fields<'a>(&self, line: &'a str) -> Vec<&'a str> {
        split_fields(line, self.delimiter)
    }

    /// The text from the header line on (what the structure check scans).
    pub fn from_header(&self) -> &[u8] {
        &self.text[self.start..]
    }

    /// The data lines (what polars parses, without the header).
    pub fn data(&self) -> &[u8] {
        &self.text[self.body..]
    }

    /// The file line of data row `row` (0-based).
    pub fn line_of(&self, row: usize) -> u64 {
        match &self.row_lines {
            Some(lines) => lines.get(row).copied().unwrap_or(0),
            None => self.header_line + 1 + row as u64,
        }
    }

    /// Title lines skipped above the header.
    pub fn title_lines(&self) -> u64 {
        self.header_line - 1
    }

    /// The front end's notices about this file (decoding, title lines, delimiter, trimming),
    /// one line each; `trimmed` says whether data fields had spaces around them.
    pub fn notices(&self, trimmed: bool) -> Vec<String> {
        let file = self.path.display();
        let mut out = Vec::new();
        if self.parquet {
            out.push(format!(
                "{file}: read as Parquet; messages count its rows as lines after a header line (line 2 is the first row)"
            ));
        }
        if self.encoding == Encoding::Gbk {
            out.push(format!(
                "{file}: decoded as GBK (the file is not UTF-8); save it as UTF-8 to skip this step"
            ));
        }
        match self.title_lines() {
            0 => {}
            1 => out.push(format!(
                "{file}: skipped 1 title line above the header (line 2)"
            )),
            n => out.push(format!(
                "{file}: skipped {n} title lines above the header (line {})",
                self.header_line
            )),
        }
        if self.delimiter != b',' {
            out.push(format!(
                "{file}: fields are separated by {}",
                delimiter_name(self.delimiter)
            ));
        }
        if trimmed || self.padded_headers {
            out.push(format!(
                "{file}: spaces around header names or fields were trimmed"
            ));
        }
        out
    }
}

/// `semicolons`, `tabs`, `'|'`.
pub fn delimiter_name(d: u8) -> &'static str {
    match d {
        b',' => "commas",
        b';' => "semicolons",
        b'\t' => "tabs",
        _ => "'|'",
    }
}

/// UTF-8 as is, else GB18030 when every byte sequence is valid GB18030.
fn decode(path: &Path, bytes: Text) -> Result<(Text, Encoding)> {
    let bad = match std::str::from_utf8(&bytes) {
        Ok(_) => return Ok((bytes, Encoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    if let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(&bytes)
    {
        return Ok((Text::Owned(text.into_owned().into_bytes()), Encoding::Gbk));
    }
    Err(Error::BadEncoding {
        path: path.to_path_buf(),
        line: crate::error::text_position(&bytes, bad).0,
        offset: bad as u64,
        byte: bytes[bad],
    })
}

#[allow(clippy::naive_bytecount)] // Only the bytes above the header or a bad byte.
fn count_newlines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

/// The header's byte offset and the delimiter. For each delimiter, the most common field
/// count `m` (at least 2) of the first lines; the header is the first line with `m`
/// fields. The delimiter whose header comes first wins (then the one with more lines of
/// `m` fields, then more fields). No delimiter gives two fields: the first non-blank line,
/// with commas.
fn sniff(text: &[u8]) -> (usize, u8) {
    let mut lines: Vec<(usize, &[u8])> = Vec::new();
    let mut at = 0;
    while at < text.len() && lines.len() < SNIFF_LINES {
        let end = text[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| at + i);
        let line = &text[at..end];
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            lines.push((at, line));
        }
        at = end + 1;
    }
    let Some(&(first, _)) = lines.first() else {
        return (0, b',');
    };
    let mut best: Option<(usize, usize, usize, u8)> = None;
    for d in DELIMITERS {
        let counts: Vec<usize> = lines.iter().map(|(_, l)| count_fields(l, d)).collect();
        let mut tally: Vec<(usize, usize)> = Vec::new();
        for &c in counts.iter().filter(|&&c| c >= 2) {
            match tally.iter_mut().find(|(k, _)| *k == c) {
                Some((_, n)) => *n += 1,
                None => tally.push((c, 1)),
            }
        }
        let Some(&(m, n)) = tally.iter().max_by_key(|&&(k, n)| (n, k)) else {
            continue;
        };
        let Some(h) = counts.iter().position(|&c| c == m) else {
            continue;
        };
        let better = best.is_none_or(|(bh, bn, bm, _)| {
            (h, usize::MAX - n, usize::MAX - m) < (bh, usize::MAX - bn, usize::MAX - bm)
        });
        if better {
            best = Some((h, n, m, d));
        }
    }
    match best {
        Some((h, _, _, d)) => (lines[h].0, d),
        None => (first, b','),
    }
}

/// Fields of one line, quotes respected.
fn count_fields(line: &[u8], d: u8) -> usize {
    let mut quoted = false;
    let mut n = 1;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Split one line into fields, quotes respected (kept; the caller strips them).
fn split_fields(line: &str, d: u8) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut from = 0;
    for (i, b) in line.bytes().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == d && !quoted {
            out.push(&line[from..i]);
            from = i + 1;
        }
    }
    out.push(&line[from..]);
    out
}

fn check_unique(path: &Path, line: u64, headers: &[String]) -> Result<()> {
    for (j, h) in headers.iter().enumerate() {
        let key = h.to_lowercase();
        if key.is_empty() {
            continue;
        }
        if let Some(i) = headers[..j].iter().position(|x| x.to_lowercase() == key) {
            return Err(Error::DuplicateHeader {
                path: path.to_path_buf(),
                line,
                name: h.clone(),
                first: i + 1,
                second: j + 1,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "source_tests.rs"]
mod tests;
