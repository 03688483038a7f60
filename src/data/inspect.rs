//! `evstudy inspect` (#11): what the loaders see in a file — encoding, delimiter, header
//! line, the column each field is read from, tickers, dates, and every notice, warning or
//! error a study would raise — without computing anything. The same front end and loaders
//! as `run`, so what `inspect` reports is what `run` will do.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::columns::{self, Role};
use super::source::Source;
use super::{EventFile, MarketIndex, PricePanel, ReadOptions};

/// Which loader reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileRole {
    /// A price file (`--prices`).
    Prices,
    /// A market index file (`--market`).
    Market,
    /// An events file (`--events`).
    Events,
}

/// What evstudy sees in one file.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    /// The file.
    pub path: PathBuf,
    /// The loader used.
    pub role: FileRole,
    /// `UTF-8` or `GBK`, with `+BOM` when a byte-order mark was removed.
    pub encoding: Option<String>,
    /// The layout (`long`, `wide`, `yahoo`), detected or given (prices).
    pub layout: Option<String>,
    /// The delimiter, in words (`comma`, `semicolon`, `tab`, `pipe`).
    pub delimiter: Option<&'static str>,
    /// File line of the header.
    pub header_line: Option<u64>,
    /// The header's names.
    pub headers: Vec<String>,
    /// Field → the header it is read from (price files).
    pub columns: Vec<(String, String)>,
    /// Rows kept (prices, market) or events read.
    pub rows: usize,
    /// Tickers (canonical), prices and events.
    pub tickers: usize,
    /// The first tickers, in name order.
    pub first_tickers: Vec<String>,
    /// First and last date.
    pub dates: Option<(String, String)>,
    /// Where the returns come from (prices).
    pub return_source: Option<String>,
    /// How the file was read.
    pub notes: Vec<String>,
    /// What a study would warn about.
    pub warnings: Vec<String>,
    /// The error a study would stop with, if any.
    pub error: Option<String>,
}

/// Tickers listed before the count says the rest.
const SHOWN_TICKERS: usize = 8;

/// Inspect `path` as a file of `role`.
pub fn inspect(path: &Path, role: FileRole, opts: &ReadOptions<'_>) -> Inspection {
    let mut out = Inspection {
        path: path.to_path_buf(),
        role,
        encoding: None,
        layout: None,
        delimiter: None,
        header_line: None,
        headers: Vec::new(),
        columns: Vec::new(),
        rows: 0,
        tickers: 0,
        first_tickers: Vec::new(),
        dates: None,
        return_source: None,
        notes: Vec::new(),
        warnings: Vec::new(),
        error: None,
    };
    // Inspect reports on the text form (a Parquet file as the CSV it would be).
    match Source::open(path).and_then(|s| s.as_text()) {
        Ok(src) => {
            out.encoding = Some(format!(
                "{}{}",
                src.encoding.name(),
                if src.bom { "+BOM" } else { "" }
            ));
            out.delimiter = Some(match src.delimiter {
                b';' => "semicolon",
                b'\t' => "tab",
                b'|' => "pipe",
                _ => "comma",
            });
            out.header_line = Some(src.header_line);
            out.headers.clone_from(&src.headers);
            if role == FileRole::Prices {
                out.layout = super::layout::detect(&src, opts.layout, opts.columns)
                    .ok()
                    .map(|l| {
                        match l {
                            crate::config::Layout::Long => "long (a row per ticker and day)",
                            crate::config::Layout::Wide => "wide (a close column per ticker)",
                            crate::config::Layout::Yahoo if src.yahoo_header => {
                                "yahoo (yfinance's Price/Ticker/Date header)"
                            }
                            crate::config::Layout::Yahoo => "yahoo (classic download)",
                        }
                        .to_string()
                    });
                // The mapping of what the loader reads: a reshaped file's long columns.
                let long = super::layout::to_long(src.clone(), opts.layout, opts.columns)
                    .map_or(src, |(s, _)| s);
                let src = &long;
                for f in columns::PRICE_FIELDS {
                    if let Ok(Some(i)) = columns::find(src, Role::Prices, f, opts.columns) {
                        out.columns
                            .push((f.name.to_string(), src.headers[i].clone()));
                    }
                }
                if let Some((name, _)) = opts.returns_column
                    && let Ok(i) = columns::require_named(src, name)
                {
                    out.columns.push(("returns".into(), src.headers[i].clone()));
                }
            }
        }
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    }
    let loaded = match role {
        FileRole::Prices => PricePanel::load_with(path, opts).map(|p| {
            out.rows = p.len();
            out.tickers = p.tickers.len();
            out.first_tickers = p.tickers.iter().take(SHOWN_TICKERS).cloned().collect();
            let (lo, hi) = (p.date.iter().min(), p.date.iter().max());
            out.dates = lo.zip(hi).map(|(a, b)| (a.to_string(), b.to_string()));
            out.return_source = Some(
                match p.return_source() {
                    super::ReturnSource::AdjClose => "adj_close",
                    super::ReturnSource::PrevClose => "close / prev_close",
                    super::ReturnSource::Close => "close-to-close (no adj_close or prev_close)",
                    super::ReturnSource::ReturnsColumn => "the returns column",
                }
                .to_string(),
            );
            out.notes.clone_from(&p.notices);
            out.warnings = p.warnings.iter().cloned().chain(p.plausibility()).collect();
        }),
        FileRole::Market => MarketIndex::load_with(path, opts).map(|m| {
            out.rows = m.dates.len();
            out.dates = m
                .dates
                .first()
                .zip(m.dates.last())
                .map(|(a, b)| (a.to_string(), b.to_string()));
            out.notes.clone_from(&m.notices);
        }),
        FileRole::Events => EventFile::load_with(path, opts).map(|e| {
            out.rows = e.rows.len();
            let mut t: Vec<String> = e.rows.iter().map(|r| r.ticker.clone()).collect();
            t.sort();
            t.dedup();
            out.tickers = t.len();
            out.first_tickers = t.into_iter().take(SHOWN_TICKERS).collect();
            let (lo, hi) = (
                e.rows.iter().map(|r| r.date).min(),
                e.rows.iter().map(|r| r.date).max(),
            );
            out.dates = lo.zip(hi).map(|(a, b)| (a.to_string(), b.to_string()));
            out.notes.clone_from(&e.notices);
            out.warnings = e
                .problems
                .iter()
                .map(|p| format!("{}; the event would be skipped", p.message))
                .collect();
        }),
    };
    if let Err(e) = loaded {
        out.error = Some(e.to_string());
    }
    out
}

impl Inspection {
    /// The report as text, one `key: value` per line, then notes, warnings and the error.
    pub fn to_text(&self) -> String {
        let mut s = format!("{}\n", self.path.display());
        let mut kv = |k: &str, v: String| {
            let _ = writeln!(s, "  {k:<14}{v}");
        };
        kv(
            "read as",
            match self.role {
                FileRole::Prices => "prices",
                FileRole::Market => "market index",
                FileRole::Events => "events",
            }
            .to_string(),
        );
        if let Some(e) = &self.encoding {
            kv("encoding", e.clone());
        }
        if let Some(d) = self.delimiter {
            kv("delimiter", d.to_string());
        }
        if let Some(l) = &self.layout {
            kv("layout", l.clone());
        }
        if let Some(h) = self.header_line {
            kv("header", format!("line {h}: {}", self.headers.join(", ")));
        }
        if !self.columns.is_empty() {
            let m: Vec<String> = self
                .columns
                .iter()
                .map(|(f, h)| {
                    if f == h {
                        f.clone()
                    } else {
                        format!("{f} <- {h}")
                    }
                })
                .collect();
            kv("columns", m.join(", "));
        }
        if self.error.is_none() {
            kv("rows", self.rows.to_string());
            if self.role != FileRole::Market {
                let more = self.tickers.saturating_sub(self.first_tickers.len());
                kv(
                    "tickers",
                    format!(
                        "{}{}{}",
                        self.tickers,
                        if self.tickers > 0 { ": " } else { "" },
                        self.first_tickers.join(", ")
                            + &if more > 0 {
                                format!(", … ({more} more)")
                            } else {
                                String::new()
                            }
                    ),
                );
            }
            if let Some((a, b)) = &self.dates {
                kv("dates", format!("{a} to {b}"));
            }
            if let Some(r) = &self.return_source {
                kv("returns from", r.clone());
            }
        }
        for n in &self.notes {
            let _ = writeln!(s, "  note: {n}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        if let Some(e) = &self.error {
            let _ = writeln!(s, "  error: {e}");
        }
        s
    }
}
