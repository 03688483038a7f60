//! The factor-file parser on byte-exact samples of Kenneth French's published layouts
//! (`tests/fixtures/factors/`, see `tests/reference/README.md`) and on generic CSVs. See #12.

use super::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/factors")
        .join(name)
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn ken_french_daily_sample_loads_in_decimal_with_its_missing_value() {
    let t = FactorTable::load(&[fixture("kf_daily_sample.CSV")], None).unwrap();
    assert_eq!(t.dates.len(), 12);
    assert_eq!(t.dates[0], d(1926, 7, 1));
    assert_eq!(
        t.columns.keys().collect::<Vec<_>>(),
        ["hml", "mkt_rf", "rf", "smb"]
    );
    assert!((t.columns["mkt_rf"][0] - 0.0010).abs() < 1e-15);
    assert!((t.columns["rf"][0] - 0.000_09).abs() < 1e-15);
    // 19260709 SMB is -99.99 in the sample: missing, never -0.9999.
    let i = t.dates.binary_search(&d(1926, 7, 9)).unwrap();
    assert!(t.columns["smb"][i].is_nan());
    assert_eq!(t.sources[0].layout, FactorLayout::KenFrench);
}

#[test]
fn monthly_file_is_refused_for_a_daily_study_with_the_daily_file_named() {
    let e = FactorTable::load(&[fixture("kf_monthly_sample.CSV")], None).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("monthly factors (YYYYMM dates)"), "{m}");
    assert!(m.contains("line 5:"), "{m}");
}

#[test]
fn the_zip_as_downloaded_gives_the_same_table_as_its_csv() {
    let z = FactorTable::load(
        &[fixture("F-F_Research_Data_Factors_daily_CN_CSV.zip")],
        None,
    )
    .unwrap();
    let c = FactorTable::load(&[fixture("F-F_Research_Data_Factors_daily_CN.CSV")], None).unwrap();
    assert_eq!(z.dates, c.dates);
    assert_eq!(z.columns, c.columns);
    assert!(z.dates.len() > 1000);
}

#[test]
fn two_files_join_on_date_and_momentum_is_named_mom() {
    let t = FactorTable::load(
        &[
            fixture("F-F_Research_Data_Factors_daily_CN.CSV"),
            fixture("F-F_Momentum_Factor_daily_CN.CSV"),
        ],
        None,
    )
    .unwrap();
    assert!(t.columns.contains_key("mom"));
    assert_eq!(t.columns["mom"].len(), t.dates.len());
}

#[test]
fn generic_file_needs_its_units_and_percent_divides_by_100() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "f.csv",
        "date,MKT,SMB,UMD,rf\n2022-05-05,1.5,-0.5,0.25,0.01\n",
    );
    let e = FactorTable::load(std::slice::from_ref(&p), None).unwrap_err();
    assert!(e.to_string().contains("give --factor-units percent"), "{e}");
    let t = FactorTable::load(std::slice::from_ref(&p), Some(FactorUnits::Percent)).unwrap();
    assert!((t.columns["mkt_rf"][0] - 0.015).abs() < 1e-15);
    assert!((t.columns["mom"][0] - 0.0025).abs() < 1e-15);
    let t = FactorTable::load(&[p], Some(FactorUnits::Decimal)).unwrap();
    assert_eq!(t.columns["smb"][0], -0.5);
    assert_eq!(
        t.warnings.len(),
        1,
        "percent-looking values declared decimal warn"
    );
}

#[test]
fn bad_cells_and_duplicate_dates_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "a.csv", "date,mkt_rf\n20220505,0.1\n20220506,x\n");
    let e = FactorTable::load(&[p], Some(FactorUnits::Decimal)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: line 3: column \"mkt_rf\": value \"x\": cannot parse the number (expected a decimal such as 0.12)",
            dir.path().join("a.csv").display()
        )
    );
    let p = write(&dir, "b.csv", "date,mkt_rf\n20220505,0.1\n20220505,0.2\n");
    let e = FactorTable::load(&[p], Some(FactorUnits::Decimal)).unwrap_err();
    assert!(
        e.to_string().contains(
            "line 3: column \"date\": value \"20220505\": duplicate date (first on line 2)"
        ),
        "{e}"
    );
}

#[test]
fn on_calendar_leaves_days_without_factors_missing() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        &dir,
        "a.csv",
        "date,mkt_rf,rf\n20220505,0.1,0.0\n20220509,0.2,\n",
    );
    let e = FactorTable::load(&[p], Some(FactorUnits::Decimal));
    assert!(e.is_err(), "an empty cell is not a number");
    let p = write(
        &dir,
        "c.csv",
        "date,mkt_rf,rf\n20220505,0.1,0.0\n20220509,-99.99,0\n",
    );
    let t = FactorTable::load(&[p], Some(FactorUnits::Decimal)).unwrap();
    let cal = [d(2022, 5, 5), d(2022, 5, 6), d(2022, 5, 9)];
    let v = t.on_calendar(&cal, &["mkt_rf".to_string(), "rf".to_string()]);
    assert_eq!(v[0], Some(vec![0.1, 0.0]));
    assert_eq!(v[1], None);
    assert_eq!(v[2], None);
}
