//! Date columns (#11). Each cell is tried as `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYYMMDD` first
//! (the fast path, [`parse_date`]); a column that is not all in those layouts is read as a
//! whole: `YYYY/M/D` (unpadded) always, `A/B/YYYY` as month/day when some `B` exceeds 12 and
//! as day/month when some `A` does — never a guess when neither does (an error that asks
//! for `--date-format`). `--date-format` (a chrono strftime pattern) reads every cell.

use chrono::NaiveDate;
use rayon::prelude::*;

use super::csv::parse_date;
use super::source::Source;
use crate::error::{Error, Result};

/// The dates of column `column` of a frame read from `src`: a Parquet date
/// column without nulls as it is (#13: no text round trip), else its cells parsed by
/// [`parse_column`] (with `--date-format` when given).
///
/// # Errors
/// As [`parse_column`].
pub fn column(
    src: &Source,
    df: &polars::prelude::DataFrame,
    column: &str,
    format: Option<&str>,
) -> Result<Vec<NaiveDate>> {
    if format.is_none()
        && let Some(dates) = typed_column(df, column)
    {
        return Ok(dates);
    }
    let cells = super::csv::text_column(&src.path, df, column)?;
    parse_column(src, column, cells.iter(), format)
}

/// The dates of column `name` when it is a date column without nulls (a Parquet file's,
/// #13); `None` otherwise (text, or a null to report).
fn typed_column(df: &polars::prelude::DataFrame, name: &str) -> Option<Vec<NaiveDate>> {
    use polars::prelude::{ChunkAgg, DataType};
    let column = df.column(name).ok()?;
    if column.dtype() != &DataType::Date || column.null_count() > 0 {
        return None;
    }
    let days = column.cast(&DataType::Int32).ok()?;
    let days = days.i32().ok()?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let date = |d: i32| epoch.checked_add_signed(chrono::Duration::days(i64::from(d)));
    // A panel's rows share few dates: each day of the span converted once (#13), unless
    // the span is wider than the column is long.
    let (lo, hi) = (days.min()?, days.max()?);
    let span = usize::try_from(i64::from(hi) - i64::from(lo) + 1).ok()?;
    if span > days.len() {
        return days.into_no_null_iter().map(date).collect();
    }
    let table: Vec<NaiveDate> = (lo..=hi).map(date).collect::<Option<_>>()?;
    days.into_no_null_iter()
        .map(|d| {
            usize::try_from(d - lo)
                .ok()
                .and_then(|k| table.get(k).copied())
        })
        .collect()
}

/// Parse a column of date cells (`None` = empty), failing on the first bad or empty cell.
///
/// # Errors
/// `EmptyValue`, `BadDate` or `AmbiguousDate` naming the file line.
pub fn parse_column<'a>(
    src: &Source,
    column: &str,
    cells: impl Iterator<Item = Option<&'a str>>,
    format: Option<&str>,
) -> Result<Vec<NaiveDate>> {
    let cells: Vec<Option<&str>> = cells.collect();
    let empty = |row: usize| Error::EmptyValue {
        path: src.path.clone(),
        line: src.line_of(row),
        column: column.to_string(),
    };
    let bad = |row: usize, v: &str| Error::BadDate {
        path: src.path.clone(),
        line: src.line_of(row),
        column: column.to_string(),
        value: v.to_string(),
    };
    if let Some(fmt) = format {
        return cells
            .iter()
            .enumerate()
            .map(|(row, v)| {
                let v = v.ok_or_else(|| empty(row))?;
                NaiveDate::parse_from_str(v.trim(), fmt).map_err(|_| bad(row, v))
            })
            .collect();
    }
    // The usual column, every cell a date of the fast layouts: parsed on the rayon pool (#13).
    // Otherwise the rows in order, for the first bad cell or the slashed layouts.
    if let Some(dates) = cells
        .par_iter()
        .map(|v| v.and_then(parse_date))
        .collect::<Option<Vec<NaiveDate>>>()
    {
        return Ok(dates);
    }
    let mut out = Vec::with_capacity(cells.len());
    for (row, v) in cells.iter().enumerate() {
        let v = v.ok_or_else(|| empty(row))?;
        match parse_date(v) {
            Some(d) => out.push(d),
            None => return slashed(src, column, &cells, row),
        }
    }
    Ok(out)
}

/// The column read as `Y/M/D`, `M/D/Y` or `D/M/Y` (see the module docs); `from` is the
/// first row the fast path refused.
fn slashed(
    src: &Source,
    column: &str,
    cells: &[Option<&str>],
    from: usize,
) -> Result<Vec<NaiveDate>> {
    let bad = |row: usize| Error::BadDate {
        path: src.path.clone(),
        line: src.line_of(row),
        column: column.to_string(),
        value: cells[row].unwrap_or("").to_string(),
    };
    let parts: Vec<Option<(u32, u32, u32, bool)>> = cells
        .iter()
        .map(|v| v.and_then(|v| split3(v.trim())))
        .collect();
    if let Some(row) = parts.iter().position(Option::is_none) {
        return Err(bad(row));
    }
    let parts: Vec<(u32, u32, u32, bool)> = parts.into_iter().flatten().collect();
    let year_first = parts.iter().all(|p| p.3);
    let order = if year_first {
        Order::Ymd
    } else if parts.iter().any(|p| p.3) {
        let row = parts.iter().position(|p| p.3 != parts[0].3).unwrap_or(from);
        return Err(bad(row));
    } else {
        let a_over = parts.iter().position(|p| p.0 > 12);
        let b_over = parts.iter().position(|p| p.1 > 12);
        match (a_over, b_over) {
            (None, Some(_)) => Order::Mdy,
            (Some(_), None) => Order::Dmy,
            (Some(a), Some(b)) => return Err(bad(a.max(b))),
            (None, None) => {
                return Err(Error::AmbiguousDate {
                    path: src.path.clone(),
                    line: src.line_of(from),
                    column: column.to_string(),
                    value: cells[from].unwrap_or("").to_string(),
                });
            }
        }
    };
    parts
        .iter()
        .enumerate()
        .map(|(row, &(a, b, c, _))| {
            let (y, m, d) = match order {
                Order::Ymd => (a, b, c),
                Order::Mdy => (c, a, b),
                Order::Dmy => (c, b, a),
            };
            NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| bad(row))
        })
        .collect()
}

#[derive(Clone, Copy)]
enum Order {
    Ymd,
    Mdy,
    Dmy,
}

/// `2022/6/30` → (2022, 6, 30, true); `6/30/2022` → (6, 30, 2022, false). One separator,
/// `/` `-` or `.`, used twice; a 4-digit year first or last; a time part after a space is
/// ignored.
fn split3(s: &str) -> Option<(u32, u32, u32, bool)> {
    let s = s.split([' ', 'T']).next()?;
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut it = s.split(sep);
    let (a, b, c) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let num = |x: &str| -> Option<u32> {
        (!x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    let (a_n, b_n, c_n) = (num(a)?, num(b)?, num(c)?);
    match (a.len(), c.len()) {
        (4, 1 | 2) if b.len() <= 2 => Some((a_n, b_n, c_n, true)),
        (1 | 2, 4) if b.len() <= 2 => Some((a_n, b_n, c_n, false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn src() -> Source {
        Source::from_bytes(Path::new("x.csv"), b"date\n".to_vec()).unwrap()
    }

    fn parse(cells: &[&str], format: Option<&str>) -> Result<Vec<NaiveDate>> {
        parse_column(&src(), "date", cells.iter().map(|c| Some(*c)), format)
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn unpadded_year_first_dates_parse() {
        let got = parse(&["2022/6/30", "2022/7/1"], None).unwrap();
        assert_eq!(got, vec![d(2022, 6, 30), d(2022, 7, 1)]);
    }

    #[test]
    fn month_first_is_settled_by_a_day_above_12() {
        let got = parse(&["6/1/2022", "6/30/2022"], None).unwrap();
        assert_eq!(got, vec![d(2022, 6, 1), d(2022, 6, 30)]);
        let got = parse(&["1/6/2022", "30/6/2022"], None).unwrap();
        assert_eq!(got, vec![d(2022, 6, 1), d(2022, 6, 30)]);
    }

    #[test]
    fn a_column_that_fits_both_orders_is_an_error() {
        let e = parse(&["2022-06-01", "6/1/2022", "6/2/2022"], None).unwrap_err();
        assert!(matches!(e, Error::BadDate { line: 3, .. }), "{e}");
        let e = parse(&["6/1/2022", "6/2/2022"], None).unwrap_err();
        assert!(matches!(e, Error::AmbiguousDate { line: 2, .. }), "{e}");
    }

    #[test]
    fn date_format_reads_every_cell() {
        let got = parse(&["30.06.2022"], Some("%d.%m.%Y")).unwrap();
        assert_eq!(got, vec![d(2022, 6, 30)]);
        assert!(matches!(
            parse(&["2022-06-30"], Some("%d.%m.%Y")),
            Err(Error::BadDate { .. })
        ));
    }
}
