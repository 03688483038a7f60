//! `results.xlsx` on the demo study: sheet list and kinds of cells, deterministic bytes
//! (the read-back against the CSV tables is `tests/integration/xlsx.rs`).

use std::path::Path;
use std::sync::OnceLock;

use super::{CellKind, cell_kind, results_xlsx, sheets};
use crate::result::Study;

fn demo() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/study.toml");
        let config = crate::StudyConfig::from_toml_file(&path).unwrap();
        crate::run(&config).unwrap()
    })
}

#[test]
fn columns_are_typed_by_name() {
    assert_eq!(cell_kind("ticker"), CellKind::Text);
    assert_eq!(cell_kind("event_id"), CellKind::Text);
    assert_eq!(cell_kind("window"), CellKind::Text);
    assert_eq!(cell_kind("day0"), CellKind::Date);
    assert_eq!(cell_kind("first_free_date"), CellKind::Date);
    assert_eq!(cell_kind("censored"), CellKind::Bool);
    assert_eq!(cell_kind("ar"), CellKind::Percent);
    assert_eq!(cell_kind("car_m1_1"), CellKind::Percent);
    assert_eq!(cell_kind("bhar_0_0"), CellKind::Percent);
    assert_eq!(cell_kind("car_free"), CellKind::Percent);
    assert_eq!(cell_kind("scar_0_0"), CellKind::Number);
    assert_eq!(cell_kind("p_value"), CellKind::Number);
    assert_eq!(cell_kind("rel_day"), CellKind::Number);
}

#[test]
fn workbook_has_one_sheet_per_table_and_limits_for_limit_events() {
    let study = demo();
    let s = sheets(study).unwrap();
    let names: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        ["events", "ar", "aar", "tests", "limits", "settings"]
    );
    let with_limits = study.events.iter().filter(|e| e.limits.is_some()).count();
    assert!(with_limits > 0);
    assert_eq!(s[4].rows.len(), with_limits);
    assert_eq!(s[4].header.len(), 4 + super::LIMIT_COLUMNS.len());
    assert!(
        s[5].rows
            .iter()
            .any(|r| r[0] == "car_windows" && r[1] == "0:0, 0:1, -1:1, -5:5, -10:10")
    );
}

#[test]
fn no_limits_sheet_without_limit_data() {
    let mut study = demo().clone();
    for e in &mut study.events {
        e.limits = None;
    }
    let s = sheets(&study).unwrap();
    assert!(s.iter().all(|s| s.name != "limits"));
}

#[test]
fn same_study_gives_the_same_bytes() {
    let a = results_xlsx(demo()).unwrap();
    assert!(a.starts_with(b"PK"));
    assert_eq!(a, results_xlsx(demo()).unwrap());
}
