//! `results.xlsx` (rust_xlsxwriter): one sheet per table — `events`, `ar`, `aar`, `tests`
//! (the CSV tables, same columns in the same order, same rows), `limits` (the limit columns
//! of `events.csv` for the events a limit rule applied to; only when there are such events)
//! and `settings` (the `StudyConfig` of `study.json` as key/value rows, then the inputs
//! with their SHA-256).
//!
//! The sheets are written from the CSV tables' own cells, so a sheet and its CSV cannot
//! disagree. Cells are typed by column: numbers as numbers (the CSV's shortest round-trip
//! decimal parses back to the same `f64`), missing values as empty cells, `true`/`false` as
//! booleans, dates as Excel dates shown `yyyy-mm-dd`, ids, tickers, labels, windows and
//! reasons as text (a ticker `000001` stays text). Returns, ARs, CARs, BHARs and limit
//! percentages are shown as percentages (`0.00%`; the cell holds the fraction, as in the
//! CSV). Every sheet has a bold frozen header row, an autofilter over its columns and
//! widths from its longest cell (capped at 50 characters).
//!
//! Pure function of a finished [`Study`]; the workbook's creation date is fixed (2000-01-01
//! 00:00:00 UTC) and the crate writes fixed zip timestamps, so the same study gives the
//! same bytes.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::csv as csv_tables;
use crate::error::{Error, Result};
use crate::result::Study;

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;

/// Rows of one worksheet below its header: Excel's 1,048,576 rows less the header.
const MAX_ROWS: usize = 1_048_575;

/// The limit columns of `events.csv` that the `limits` sheet shows after the event's
/// identity (`event_id, ticker, group, day0`).
const LIMIT_COLUMNS: [&str; 17] = [
    "limit_board",
    "limit_pct_day0",
    "n_limit_up_close",
    "n_limit_down_close",
    "n_touch",
    "n_one_price_lock",
    "limit_run_day0",
    "first_limit_day",
    "first_free_day",
    "first_free_date",
    "car_free",
    "bhar_free",
    "sar_free",
    "post_free_car_k",
    "continuation",
    "limit_run_censored",
    "n_limit_days_estimation",
];

/// A table: header and rows of cells as the CSV writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Worksheet name.
    pub name: String,
    /// Column names.
    pub header: Vec<String>,
    /// Records, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A string.
    Text,
    /// An Excel date (`yyyy-mm-dd`).
    Date,
    /// A boolean.
    Bool,
    /// A number in the General format.
    Number,
    /// A number shown as a percentage (`0.00%`).
    Percent,
}

/// The kind of column `name` (by the CSV tables' column names).
pub fn cell_kind(name: &str) -> CellKind {
    const TEXT: [&str; 18] = [
        "event_id",
        "ticker",
        "group",
        "label",
        "status",
        "skip_reason",
        "model",
        "shift_reason",
        "limit_board",
        "ref_price_source",
        "limit_state",
        "window",
        "test",
        "distribution",
        "note",
        "excluded",
        "setting",
        "value",
    ];
    const DATES: [&str; 5] = [
        "date",
        "event_date",
        "day0",
        "first_free_date",
        "first_trade_date",
    ];
    const BOOLS: [&str; 6] = [
        "censored",
        "free_day",
        "rule_mismatch",
        "continuation",
        "limit_run_censored",
        "dropped_limit_days",
    ];
    const PERCENT: [&str; 12] = [
        "ret",
        "market_ret",
        "normal_ret",
        "ar",
        "car",
        "car_se",
        "aar",
        "caar",
        "caar_sum",
        "post_free_car_k",
        "limit_pct",
        "limit_pct_day0",
    ];
    if TEXT.contains(&name) {
        CellKind::Text
    } else if DATES.contains(&name) {
        CellKind::Date
    } else if BOOLS.contains(&name) {
        CellKind::Bool
    } else if PERCENT.contains(&name) || name.starts_with("car_") || name.starts_with("bhar_") {
        CellKind::Percent
    } else {
        CellKind::Number
    }
}

/// The sheets of `results.xlsx`, in workbook order, as text cells.
///
/// # Errors
/// `Internal` when a CSV table cannot be written or read back (a bug).
pub fn sheets(study: &Study) -> Result<Vec<Sheet>> {
    let events = parse("events", &csv_tables::events_csv(study)?)?;
    let mut out = vec![
        events.clone(),
        parse("ar", &csv_tables::ar_csv(study)?)?,
        parse("aar", &csv_tables::aar_csv(study)?)?,
        parse("tests", &csv_tables::tests_csv(study)?)?,
    ];
    if study.events.iter().any(|e| e.limits.is_some()) {
        out.push(limits_sheet(&events));
    }
    out.push(settings_sheet(study));
    Ok(out)
}

/// `results.xlsx`.
///
/// # Errors
/// `Chart` ("cannot render output") when a table has more rows than an Excel sheet holds
/// or the workbook cannot be written; `Internal` when a CSV table cannot be formed.
pub fn results_xlsx(study: &Study) -> Result<Vec<u8>> {
    let fail = |e: XlsxError| Error::Chart(format!("results.xlsx: {e}"));
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(fail)?;
    let props = DocProperties::new()
        .set_title("evstudy results")
        .set_comment(format!("written by evstudy {}", study.version))
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    let formats = Formats::new();
    for s in sheets(study)? {
        if s.rows.len() > MAX_ROWS {
            return Err(Error::Chart(format!(
                "results.xlsx: sheet {} has {} rows, more than the {MAX_ROWS} an Excel sheet holds below its header (use --format csv)",
                s.name,
                s.rows.len()
            )));
        }
        let ws = wb.add_worksheet();
        write_sheet(ws, &s, &formats).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}

/// The cell formats every sheet shares.
struct Formats {
    header: Format,
    date: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            percent: Format::new().set_num_format("0.00%"),
        }
    }
}

fn write_sheet(ws: &mut Worksheet, s: &Sheet, f: &Formats) -> std::result::Result<(), XlsxError> {
    ws.set_name(&s.name)?;
    let kinds: Vec<CellKind> = s.header.iter().map(|h| cell_kind(h)).collect();
    for (c, h) in s.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &f.header)?;
    }
    for (r, row) in s.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (cell, kind)) in row.iter().zip(&kinds).enumerate() {
            write_cell(ws, (r, c as u16), cell, *kind, f)?;
        }
    }
    let last_col = s.header.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, s.rows.len() as u32, last_col)?;
    for (c, h) in s.header.iter().enumerate() {
        let widest = s
            .rows
            .iter()
            .map(|row| shown_width(&row[c], kinds[c]))
            .chain(std::iter::once(h.chars().count() + 3))
            .max()
            .unwrap_or(8);
        ws.set_column_width(c as u16, widest.clamp(6, 50) as f64 + 1.0)?;
    }
    Ok(())
}

/// One cell: empty text is an empty cell; a cell that does not parse as its column's kind
/// is written as text (no CSV table has one).
fn write_cell(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    cell: &str,
    kind: CellKind,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    if cell.is_empty() {
        return Ok(());
    }
    match kind {
        CellKind::Number | CellKind::Percent => match cell.parse::<f64>() {
            Ok(x) if kind == CellKind::Percent => ws.write_number_with_format(r, c, x, &f.percent),
            Ok(x) => ws.write_number(r, c, x),
            Err(_) => ws.write_string(r, c, cell),
        },
        CellKind::Bool => match cell {
            "true" => ws.write_boolean(r, c, true),
            "false" => ws.write_boolean(r, c, false),
            _ => ws.write_string(r, c, cell),
        },
        CellKind::Date => match ExcelDateTime::parse_from_str(cell) {
            Ok(d) if cell.len() == 10 => ws.write_datetime_with_format(r, c, &d, &f.date),
            _ => ws.write_string(r, c, cell),
        },
        CellKind::Text => ws.write_string(r, c, cell),
    }?;
    Ok(())
}

/// Characters a cell takes on screen in its column's format.
fn shown_width(cell: &str, kind: CellKind) -> usize {
    match kind {
        CellKind::Date => 10,
        CellKind::Percent if !cell.is_empty() => 9,
        CellKind::Number => cell.chars().count().min(12),
        _ => cell.chars().count(),
    }
}

/// A CSV table (header line first) as a sheet of text cells.
fn parse(name: &str, bytes: &[u8]) -> Result<Sheet> {
    let bad = |e: csv::Error| Error::Internal(format!("cannot read back {name}.csv: {e}"));
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    let mut records = rd.records();
    let header: Vec<String> = match records.next() {
        Some(h) => h.map_err(bad)?.iter().map(String::from).collect(),
        None => Vec::new(),
    };
    let rows = records
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<std::result::Result<Vec<Vec<String>>, _>>()
        .map_err(bad)?;
    Ok(Sheet {
        name: name.to_string(),
        header,
        rows,
    })
}

/// The `events` rows that have limit data, with their identity and limit columns.
fn limits_sheet(events: &Sheet) -> Sheet {
    let wanted: Vec<&str> = ["event_id", "ticker", "group", "day0"]
        .into_iter()
        .chain(LIMIT_COLUMNS)
        .collect();
    let idx: Vec<usize> = wanted
        .iter()
        .filter_map(|w| events.header.iter().position(|h| h == w))
        .collect();
    let board = events.header.iter().position(|h| h == "limit_board");
    let rows = events
        .rows
        .iter()
        .filter(|r| board.is_some_and(|b| !r[b].is_empty()))
        .map(|r| idx.iter().map(|&i| r[i].clone()).collect())
        .collect();
    Sheet {
        name: "limits".to_string(),
        header: idx.iter().map(|&i| events.header[i].clone()).collect(),
        rows,
    }
}

/// The settings as `setting, value` rows (see [`super::settings::settings_rows`]), then
/// `input.<role>` (path) and `input.<role>.<algorithm>` rows.
fn settings_sheet(study: &Study) -> Sheet {
    let mut rows: Vec<Vec<String>> = super::settings::settings_rows(study)
        .into_iter()
        .map(|(k, v)| vec![k, v])
        .collect();
    for i in &study.inputs {
        rows.push(vec![format!("input.{}", i.role), i.path.clone()]);
        rows.push(vec![
            format!("input.{}.{}", i.role, i.algorithm),
            i.hash.clone(),
        ]);
    }
    Sheet {
        name: "settings".to_string(),
        header: vec!["setting".to_string(), "value".to_string()],
        rows,
    }
}
