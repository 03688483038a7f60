//! Factor files (METHODS-SPEC §3.4; #12): Kenneth French's data-library CSV exactly as
//! downloaded — free text before a header that starts with a comma (`,Mkt-RF,SMB,HML,RF`),
//! `YYYYMMDD` (daily) or `YYYYMM` (monthly) dates, values in percent, CRLF, a blank line and a
//! copyright line at the end, an "Annual Factors" block after a blank line in monthly files,
//! `-99.99`/`-999` for missing — as the CSV or as the `.zip` the library distributes; and any
//! other CSV with a `date` column and factor columns, whose units must be declared.
//!
//! Columns are named canonically: `mkt_rf` (`Mkt-RF`, `mkt_rf`, `MKT`), `smb`, `hml`, `rmw`,
//! `cma`, `mom` (`Mom`, `UMD`, `WML`), `rf`; other columns keep their lowercased header.
//! Several files are joined on date.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::csv::parse_date;
pub use crate::config::FactorUnits;
use crate::config::canonical_factor;
use crate::error::{Error, Result};

/// The layout a factor file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorLayout {
    /// Kenneth French's data library (percent, recognised without a flag).
    KenFrench,
    /// `date` plus factor columns.
    Generic,
}

/// One factor file as read.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorSource {
    /// The file.
    pub path: PathBuf,
    /// Its layout.
    pub layout: FactorLayout,
    /// Its columns (canonical names, without the date).
    pub names: Vec<String>,
    /// 1-based line of its header.
    pub header_line: usize,
}

/// Daily factor returns (decimal), joined on date over one or more files.
#[derive(Debug, Clone, Default)]
pub struct FactorTable {
    /// Ascending unique dates.
    pub dates: Vec<NaiveDate>,
    /// Canonical column name → values on `dates` (`NaN` = missing).
    pub columns: BTreeMap<String, Vec<f64>>,
    /// Where the columns came from, file by file.
    pub sources: Vec<FactorSource>,
    /// Notices (units, dropped blocks).
    pub warnings: Vec<String>,
}

/// The canonical name of a factor header (see [`canonical_factor`]).
pub fn canonical(header: &str) -> String {
    canonical_factor(header)
}

fn bad(path: &Path, line: usize, column: &str, value: &str, what: &str) -> Error {
    Error::BadFactor {
        path: path.to_path_buf(),
        line: line as u64,
        column: column.to_string(),
        value: value.to_string(),
        what: what.to_string(),
    }
}

/// The bytes of a factor file: a `.zip` holding one CSV is opened as downloaded.
fn read_text(path: &Path) -> Result<String> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let bytes = if bytes.starts_with(b"PK\x03\x04") {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
            bad(
                path,
                0,
                "",
                "",
                &format!("cannot open the zip archive: {e}"),
            )
        })?;
        let index = (0..archive.len())
            .find(|&i| {
                archive.by_index(i).is_ok_and(|f| {
                    f.name()
                        .is_ok_and(|n| n.to_ascii_lowercase().ends_with(".csv"))
                })
            })
            .ok_or_else(|| bad(path, 0, "", "", "the zip archive holds no .csv file"))?;
        let mut file = archive.by_index(index).map_err(|e| {
            bad(
                path,
                0,
                "",
                "",
                &format!("cannot read the zip archive: {e}"),
            )
        })?;
        let mut out = Vec::new();
        file.read_to_end(&mut out).map_err(io)?;
        out
    } else {
        bytes
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, col) = crate::error::text_position(e.as_bytes(), at);
        bad(
            path,
            usize::try_from(line).unwrap_or(usize::MAX),
            "",
            "",
            &format!("not UTF-8 text at column {col} (byte {at}); save it as UTF-8"),
        )
    })
}

/// A date cell: `YYYYMMDD` / `YYYY-MM-DD`; `Ok(None)` for a monthly `YYYYMM` cell.
fn factor_date(cell: &str) -> Option<std::result::Result<NaiveDate, ()>> {
    let c = cell.trim();
    if c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Err(()));
    }
    parse_date(c).map(Ok)
}

/// One file's columns and rows.
struct Parsed {
    layout: FactorLayout,
    header_line: usize,
    names: Vec<String>,
    rows: Vec<(usize, NaiveDate, Vec<f64>)>,
}

fn parse(path: &Path, text: &str, units: Option<FactorUnits>) -> Result<Parsed> {
    let lines: Vec<&str> = text.lines().map(|l| l.trim_end_matches('\r')).collect();
    // The header: the first line whose next non-blank line starts with a date.
    let starts_with_date = |l: &str| {
        l.split(',')
            .next()
            .is_some_and(|c| factor_date(c).is_some())
    };
    let header_at = (0..lines.len())
        .find(|&i| {
            lines[i].contains(',')
                && !starts_with_date(lines[i])
                && lines[i + 1..]
                    .iter()
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| starts_with_date(l))
        })
        .ok_or_else(|| {
            bad(
                path,
                1,
                "date",
                "",
                "no header line followed by dated rows (expected `date,<factor>,…` or the Ken French layout `,Mkt-RF,SMB,HML,RF`)",
            )
        })?;
    let header: Vec<&str> = lines[header_at].split(',').collect();
    let layout = if header[0].trim().is_empty() {
        FactorLayout::KenFrench
    } else {
        FactorLayout::Generic
    };
    let scale = match (layout, units) {
        (FactorLayout::KenFrench, None | Some(FactorUnits::Percent))
        | (FactorLayout::Generic, Some(FactorUnits::Percent)) => 0.01,
        (_, Some(FactorUnits::Decimal)) => 1.0,
        (FactorLayout::Generic, None) => {
            return Err(bad(
                path,
                header_at + 1,
                header[0],
                "",
                "the units of this factor file are not known: give --factor-units percent or --factor-units decimal",
            ));
        }
    };
    // Kenneth French's header leaves the date column unnamed.
    let date_col = match header[0].trim() {
        "" => "date",
        h => h,
    };
    let names: Vec<String> = header[1..].iter().map(|h| canonical(h)).collect();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            return Err(bad(
                path,
                header_at + 1,
                header[i + 1],
                "",
                "empty column name in the header",
            ));
        }
        if names[..i].contains(n) {
            return Err(bad(
                path,
                header_at + 1,
                header[i + 1],
                n,
                "duplicated column in the header",
            ));
        }
    }
    let mut rows = Vec::new();
    let mut seen: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for (i, line) in lines.iter().enumerate().skip(header_at + 1) {
        let line_no = i + 1;
        if line.trim().is_empty() {
            // The data block ends at the first blank line (an annual block or the footer follows).
            break;
        }
        let cells: Vec<&str> = line.split(',').collect();
        let date = match factor_date(cells[0]) {
            Some(Ok(d)) => d,
            Some(Err(())) => {
                return Err(bad(
                    path,
                    line_no,
                    date_col,
                    cells[0].trim(),
                    "monthly factors (YYYYMM dates) cannot serve a daily study: use the daily file (e.g. F-F_Research_Data_Factors_daily_CSV.zip)",
                ));
            }
            None => {
                return Err(bad(
                    path,
                    line_no,
                    date_col,
                    cells[0].trim(),
                    "cannot parse the date (expected YYYYMMDD or YYYY-MM-DD)",
                ));
            }
        };
        if cells.len() != header.len() {
            return Err(bad(
                path,
                line_no,
                "",
                &cells.len().to_string(),
                &format!(
                    "{} fields, but the header has {}",
                    cells.len(),
                    header.len()
                ),
            ));
        }
        if let Some(first) = seen.insert(date, line_no) {
            return Err(bad(
                path,
                line_no,
                date_col,
                cells[0].trim(),
                &format!("duplicate date (first on line {first}); keep one row per date"),
            ));
        }
        let mut values = Vec::with_capacity(names.len());
        for (c, cell) in cells[1..].iter().enumerate() {
            let t = cell.trim();
            let v: f64 = t.parse().map_err(|_| {
                bad(
                    path,
                    line_no,
                    header[c + 1].trim(),
                    t,
                    "cannot parse the number (expected a decimal such as 0.12)",
                )
            })?;
            let missing = !v.is_finite() || v == -99.99 || v == -999.0;
            values.push(if missing { f64::NAN } else { v * scale });
        }
        rows.push((line_no, date, values));
    }
    if rows.is_empty() {
        return Err(bad(
            path,
            header_at + 2,
            date_col,
            "",
            "no dated rows after the header",
        ));
    }
    Ok(Parsed {
        layout,
        header_line: header_at + 1,
        names,
        rows,
    })
}

impl FactorTable {
    /// Load and join factor files (`--factors`, repeatable).
    ///
    /// # Errors
    /// Unreadable files, a missing header, monthly dates, non-numeric cells, duplicate dates,
    /// a generic file without `--factor-units`, a column given by two files.
    pub fn load(paths: &[PathBuf], units: Option<FactorUnits>) -> Result<Self> {
        let mut table = FactorTable::default();
        let mut by_date: BTreeMap<NaiveDate, BTreeMap<String, f64>> = BTreeMap::new();
        let mut owner: BTreeMap<String, PathBuf> = BTreeMap::new();
        for path in paths {
            let parsed = parse(path, &read_text(path)?, units)?;
            for n in &parsed.names {
                if let Some(first) = owner.insert(n.clone(), path.clone()) {
                    return Err(bad(
                        path,
                        0,
                        n,
                        n,
                        &format!(
                            "column {n} is also in {}; give each factor once",
                            first.display()
                        ),
                    ));
                }
            }
            if parsed.layout == FactorLayout::Generic && units == Some(FactorUnits::Decimal) {
                let big = parsed
                    .rows
                    .iter()
                    .flat_map(|r| &r.2)
                    .filter(|v| v.abs() > 0.2)
                    .count();
                if big * 20 > parsed.rows.len() {
                    table.warnings.push(format!(
                        "{}: {big} daily factor values exceed 20% in absolute value although --factor-units decimal was given; are they percent?",
                        path.display()
                    ));
                }
            }
            for (_, date, values) in &parsed.rows {
                let row = by_date.entry(*date).or_default();
                for (n, v) in parsed.names.iter().zip(values) {
                    row.insert(n.clone(), *v);
                }
            }
            table.sources.push(FactorSource {
                path: path.clone(),
                layout: parsed.layout,
                names: parsed.names.clone(),
                header_line: parsed.header_line,
            });
        }
        table.dates = by_date.keys().copied().collect();
        for n in owner.keys() {
            let col = by_date
                .values()
                .map(|r| r.get(n).copied().unwrap_or(f64::NAN))
                .collect();
            table.columns.insert(n.clone(), col);
        }
        Ok(table)
    }

    /// Values of `names` (and `rf`) on each calendar date: `None` where a date has no row
    /// or any of them is missing.
    pub fn on_calendar(&self, calendar: &[NaiveDate], names: &[String]) -> Vec<Option<Vec<f64>>> {
        let cols: Vec<&Vec<f64>> = names.iter().filter_map(|n| self.columns.get(n)).collect();
        calendar
            .iter()
            .map(|d| {
                let i = self.dates.binary_search(d).ok()?;
                let v: Vec<f64> = cols.iter().map(|c| c[i]).collect();
                v.iter().all(|x| x.is_finite()).then_some(v)
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "factors_tests.rs"]
mod tests;
