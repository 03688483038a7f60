//! `results.xlsx` read back with calamine (#14): every sheet that mirrors a CSV table has
//! its header and, cell by cell, its values (numbers equal as `f64`, empty cells where the
//! CSV is empty, dates as the CSV's `YYYY-MM-DD`, booleans, text); the `limits` sheet is
//! the limit columns of `events.csv`; the sheets have a frozen header, an autofilter and
//! percent formats; a rerun writes the same bytes.

use std::io::{Cursor, Read as _};
use std::path::Path;

use assert_cmd::Command;
use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use evstudy::report::xlsx::{CellKind, cell_kind};

use crate::common::demo;

fn run_demo(out: &Path) {
    Command::cargo_bin("evstudy")
        .unwrap()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--format", "xlsx,csv", "--chart", "png", "--out"])
        .arg(out)
        .assert()
        .success();
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    let mut rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let header = rows.remove(0);
    (header, rows)
}

/// Does the workbook cell equal the CSV cell of a column of `kind`?
fn same(cell: &Data, text: &str, kind: CellKind) -> bool {
    match (cell, kind) {
        (Data::Empty, _) => text.is_empty(),
        (Data::Float(x), CellKind::Number | CellKind::Percent) => text.parse::<f64>() == Ok(*x),
        (Data::Int(x), CellKind::Number | CellKind::Percent) => text.parse::<i64>() == Ok(*x),
        (Data::Bool(b), CellKind::Bool) => text == b.to_string(),
        (Data::DateTime(_), CellKind::Date) => {
            cell.as_date().map(|d| d.to_string()).as_deref() == Some(text)
        }
        (Data::String(s), CellKind::Text) => s == text,
        _ => false,
    }
}

fn check_sheet(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    header: &[String],
    rows: &[Vec<String>],
) {
    let range = wb.worksheet_range(sheet).unwrap();
    let at = |r: usize, c: usize| {
        range
            .get_value((r as u32, c as u32))
            .cloned()
            .unwrap_or(Data::Empty)
    };
    for (c, h) in header.iter().enumerate() {
        assert_eq!(
            at(0, c),
            Data::String(h.clone()),
            "{sheet}: header column {c}"
        );
    }
    assert_eq!(
        range.end().map(|(r, _)| r as usize),
        Some(rows.len()),
        "{sheet}: rows"
    );
    let mut numbers = 0;
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let kind = cell_kind(&header[c]);
            let cell = at(r + 1, c);
            assert!(
                same(&cell, text, kind),
                "{sheet}: row {} column {}: workbook {cell:?}, CSV {text:?}",
                r + 2,
                header[c]
            );
            numbers += usize::from(matches!(cell, Data::Float(_)));
        }
    }
    assert!(numbers > 0, "{sheet}: no number cell");
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn workbook_sheets_hold_the_csv_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    run_demo(&out);
    let bytes = std::fs::read(out.join("results.xlsx")).unwrap();
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["events", "ar", "aar", "tests", "limits", "settings"]
    );
    for sheet in ["events", "ar", "aar", "tests"] {
        let (header, rows) = read_csv(&out.join(format!("{sheet}.csv")));
        check_sheet(&mut wb, sheet, &header, &rows);
    }
    // `limits`: the identity and limit columns of the events.csv rows that have a board.
    let (header, rows) = read_csv(&out.join("events.csv"));
    let first = header.iter().position(|h| h == "limit_board").unwrap();
    let last = header
        .iter()
        .position(|h| h == "n_limit_days_estimation")
        .unwrap();
    let keep: Vec<usize> = [0, 1, 2, 6].into_iter().chain(first..=last).collect();
    assert_eq!(header[6], "day0");
    let pick = |r: &Vec<String>| keep.iter().map(|&i| r[i].clone()).collect::<Vec<_>>();
    let limit_rows: Vec<Vec<String>> = rows
        .iter()
        .filter(|r| !r[first].is_empty())
        .map(pick)
        .collect();
    assert!(!limit_rows.is_empty());
    check_sheet(&mut wb, "limits", &pick(&header), &limit_rows);

    // Frozen header row, autofilter, percent and date formats.
    let sheet1 = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("ySplit=\"1\"") && sheet1.contains("state=\"frozen\""));
    assert!(sheet1.contains("<autoFilter ref=\"A1:"));
    assert!(sheet1.contains("<col "));
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.00%\""));
    assert!(styles.contains("formatCode=\"yyyy-mm-dd\""));

    // A second run writes the same bytes.
    run_demo(&out);
    assert_eq!(std::fs::read(out.join("results.xlsx")).unwrap(), bytes);
}
