//! Vendor files load unedited and give the ARs of the canonical long file (#11). The
//! fixtures are made by `tests/fixtures/vendor/make_vendor.py` from one canonical file.

use evstudy::StudyConfig;

use crate::common::fixture;

fn v(name: &str) -> std::path::PathBuf {
    fixture(&format!("vendor/{name}"))
}

fn ar(prices: &str, market: &str, events: &str, edit: impl FnOnce(&mut StudyConfig)) -> String {
    let mut cfg = StudyConfig {
        prices: v(prices).into(),
        market: v(market),
        events: v(events),
        estimation: evstudy::config::Window { from: -80, to: -11 },
        min_estimation_obs: 50,
        ..StudyConfig::default()
    };
    edit(&mut cfg);
    let study = evstudy::run(&cfg).unwrap();
    String::from_utf8(evstudy::report::csv::ar_csv(&study).unwrap()).unwrap()
}

#[test]
fn every_vendor_layout_gives_the_ars_of_the_canonical_file() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    assert!(want.lines().count() > 20, "{want}");
    // See #11: baostock halt rows are exactly missing rows.
    assert_eq!(ar("baostock.csv", "market.csv", "events.csv", |_| {}), want);
    assert_eq!(
        ar("akshare_gbk.csv", "market.csv", "events.csv", |_| {}),
        want
    );
    assert_eq!(ar("mdy_tab.csv", "market.csv", "events.csv", |_| {}), want);
    assert_eq!(
        ar(
            "canonical.csv",
            "market_title.csv",
            "events_vendor.csv",
            |c| {
                c.columns.insert("market.close".into(), "px_last".into());
            }
        ),
        want
    );
}

#[test]
fn a_one_stock_file_takes_its_ticker_from_the_file_name() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let got = ar("sz.002415.csv", "market.csv", "events.csv", |_| {});
    let first: Vec<&str> = want.lines().filter(|l| !l.contains("600519")).collect();
    assert_eq!(got.lines().collect::<Vec<_>>(), first);
}

/// Columns `names` of a CSV table, row by row.
fn columns(csv: &str, names: &[&str]) -> Vec<Vec<String>> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx: Vec<usize> = names
        .iter()
        .map(|n| header.iter().position(|h| h == n).unwrap())
        .collect();
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            idx.iter().map(|&i| c[i].to_string()).collect()
        })
        .collect()
}

const AR_NUMBERS: [&str; 9] = [
    "rel_day",
    "date",
    "ret",
    "market_ret",
    "normal_ret",
    "ar",
    "car",
    "sar",
    "car_se",
];

/// #11: CRSP's `PERMNO,date,RET,PRC` with `--returns-column RET` gives the canonical file's
/// returns and ARs exactly (RET is written in full precision), negative PRC read as its
/// absolute value, RET "C" a missing return; the source is recorded in study.json.
#[test]
fn crsp_returns_column_gives_the_canonical_ars() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let mut cfg = StudyConfig {
        prices: v("crsp.csv").into(),
        market: v("market.csv"),
        events: v("events_crsp.csv"),
        estimation: evstudy::config::Window { from: -80, to: -11 },
        min_estimation_obs: 50,
        returns_column: Some("RET".into()),
        ..StudyConfig::default()
    };
    let study = evstudy::run(&cfg).unwrap();
    let got = String::from_utf8(evstudy::report::csv::ar_csv(&study).unwrap()).unwrap();
    assert_eq!(columns(&got, &AR_NUMBERS), columns(&want, &AR_NUMBERS));
    assert_eq!(
        study.return_source,
        evstudy::data::ReturnSource::ReturnsColumn
    );
    let notes = study.notes.join("\n");
    assert!(
        notes.contains("negative PRC read as their absolute value"),
        "{notes}"
    );
    assert!(
        notes.contains("2 empty or CRSP-coded (A-E) cells of returns column RET"),
        "{notes}"
    );
    let json = serde_json::to_value(&study).unwrap();
    assert_eq!(json["return_source"], "returns_column");
    assert_eq!(json["config"]["returns_column"], "RET");
    // Without the flag the same file's prices give returns (|PRC| is refused as a close).
    cfg.returns_column = None;
    assert!(evstudy::run(&cfg).is_err());
}

/// #11: a vendor's percent change (`pctChg`, `--returns-units percent`) gives the canonical
/// ARs to 1e-12 (the percent is the return × 100, rounded once more).
#[test]
fn percent_returns_column_gives_the_canonical_ars() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let got = ar("pctchg.csv", "market.csv", "events.csv", |c| {
        c.returns_column = Some("pctChg".into());
        c.returns_units = evstudy::config::ReturnUnits::Percent;
    });
    let (g, w) = (columns(&got, &AR_NUMBERS), columns(&want, &AR_NUMBERS));
    assert_eq!(g.len(), w.len());
    for (a, b) in g.iter().zip(&w) {
        assert_eq!(a[..2], b[..2]);
        for (x, y) in a[2..].iter().zip(&b[2..]) {
            let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
            assert!((x - y).abs() <= 1e-12 * y.abs().max(1e-3), "{x} vs {y}");
        }
    }
}

#[test]
fn a_returns_column_that_is_absent_or_not_returns_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |prices: std::path::PathBuf, col: &str| -> String {
        let cfg = StudyConfig {
            prices: prices.into(),
            market: v("market.csv"),
            events: v("events_crsp.csv"),
            returns_column: Some(col.into()),
            ..StudyConfig::default()
        };
        let e = evstudy::run(&cfg).unwrap_err();
        assert_eq!(e.class(), evstudy::error::ErrorClass::Input);
        e.to_string()
            .replace(&fixture("").display().to_string(), "<fixtures>/")
            .replace(&tmp.path().display().to_string(), "<tmp>")
    };
    let absent = run(v("crsp.csv"), "RETX");
    let text = std::fs::read_to_string(v("crsp.csv")).unwrap();
    let coded = tmp.path().join("coded.csv");
    std::fs::write(&coded, text.replacen(",C,", ",-99,", 1)).unwrap();
    let numeric_code = run(coded, "RET");
    let junk = tmp.path().join("junk.csv");
    std::fs::write(&junk, text.replacen(",C,", ",n/a,", 1)).unwrap();
    let not_a_number = run(junk, "RET");
    insta::assert_snapshot!(format!("{absent}\n{numeric_code}\n{not_a_number}"));
}

/// #11: a wide table (date and a close column per ticker, detected or `--layout wide`) and
/// yfinance's three-line header give the canonical file's returns and ARs exactly.
#[test]
fn wide_and_yahoo_layouts_give_the_canonical_ars() {
    let want = columns(
        &ar("canonical.csv", "market.csv", "events.csv", |_| {}),
        &AR_NUMBERS,
    );
    let wide = ar("wide.csv", "market.csv", "events.csv", |_| {});
    assert_eq!(columns(&wide, &AR_NUMBERS), want, "wide, detected");
    let forced = ar("wide.csv", "market.csv", "events.csv", |c| {
        c.layout = Some(evstudy::config::Layout::Wide);
    });
    assert_eq!(forced, wide, "--layout wide");
    let yahoo = ar("yahoo_multi.csv", "market.csv", "events.csv", |_| {});
    assert_eq!(columns(&yahoo, &AR_NUMBERS), want, "yfinance header");
    // The layout is said, and the file's own lines are named in messages.
    let mut cfg = StudyConfig {
        prices: v("wide.csv").into(),
        market: v("market.csv"),
        events: v("events.csv"),
        ..StudyConfig::default()
    };
    cfg.estimation = evstudy::config::Window { from: -80, to: -11 };
    cfg.min_estimation_obs = 50;
    let study = evstudy::run(&cfg).unwrap();
    assert!(
        study
            .notes
            .iter()
            .any(|n| n.contains("wide layout") && n.contains("2 tickers")),
        "{:?}",
        study.notes
    );
}

/// #11: Yahoo's classic download has no ticker column; the file name (`MOUTAI.csv`) is the
/// ticker, with a notice, though it is not an A-share code.
#[test]
fn yahoo_classic_download_takes_its_ticker_from_the_file_name() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let want: Vec<Vec<String>> = columns(&want, &["ticker", "rel_day", "ar", "car"])
        .into_iter()
        .filter(|r| r[0] == "600519.SH")
        .map(|r| r[1..].to_vec())
        .collect();
    let got = ar("MOUTAI.csv", "market.csv", "events_moutai.csv", |_| {});
    assert_eq!(columns(&got, &["rel_day", "ar", "car"]), want);
}

/// #11: a reshaped file's messages name the file's own lines: a bad close in row 5 of a
/// wide table, and a yfinance header without its `Ticker` line.
#[test]
fn reshaped_files_name_their_own_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(v("wide.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[4] = lines[4].replacen(',', ",abc", 2).replacen(",abc", ",", 1);
    let bad = tmp.path().join("wide.csv");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let load = |p: &std::path::Path, layout| {
        let opts = evstudy::data::ReadOptions {
            layout,
            ..evstudy::data::ReadOptions::default()
        };
        evstudy::data::PricePanel::load_with(p, &opts)
            .unwrap_err()
            .to_string()
            .replace(&tmp.path().display().to_string(), "<tmp>")
    };
    let wide = load(&bad, None);
    assert!(wide.contains("line 5"), "{wide}");
    let yahoo = tmp.path().join("y.csv");
    std::fs::write(&yahoo, "Price,Close\nDate,\n2022-01-03,1.5\n").unwrap();
    let no_ticker_line = load(&yahoo, Some(evstudy::config::Layout::Yahoo));
    insta::assert_snapshot!(format!("{wide}\n{no_ticker_line}"));
}

/// #11: Parquet input (written by pyarrow, `make_parquet.py`: typed columns, a date32 and a
/// millisecond-timestamp date, snappy and zstd) goes through the same loaders and gives the
/// canonical CSV's tables byte for byte.
#[test]
fn parquet_files_give_the_tables_of_the_csv() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    assert_eq!(
        ar("canonical.parquet", "market.csv", "events.csv", |_| {}),
        want
    );
    assert_eq!(
        ar("canonical.parquet", "market.parquet", "events.csv", |_| {}),
        want
    );
    let cfg = StudyConfig {
        prices: v("canonical.parquet").into(),
        market: v("market.parquet"),
        events: v("events.csv"),
        estimation: evstudy::config::Window { from: -80, to: -11 },
        min_estimation_obs: 50,
        ..StudyConfig::default()
    };
    let study = evstudy::run(&cfg).unwrap();
    assert!(
        study.notes.iter().any(|n| n.contains("read as Parquet")),
        "{:?}",
        study.notes
    );
}

#[test]
fn a_file_that_starts_as_parquet_but_is_not_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("cut.parquet");
    let bytes = std::fs::read(v("canonical.parquet")).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    let e = evstudy::data::PricePanel::load(&p, &evstudy::config::ColumnMap::new()).unwrap_err();
    assert_eq!(e.class(), evstudy::error::ErrorClass::Input);
    let msg = e
        .to_string()
        .replace(&tmp.path().display().to_string(), "<tmp>");
    insta::assert_snapshot!(msg);
}

/// #11: one file per stock in a folder, by pattern: the canonical ARs.
#[test]
fn a_folder_of_one_file_per_stock_gives_the_canonical_ars() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let got = ar("canonical.csv", "market.csv", "events.csv", |c| {
        c.prices = evstudy::config::Paths::one(v("stocks/*.csv"));
    });
    assert_eq!(got, want);
}

/// #11/#13: `evstudy convert` writes any accepted layout as one canonical long Parquet file
/// that gives the same tables as its source; `--to` may not be an input.
#[test]
fn convert_writes_parquet_that_gives_the_same_tables() {
    let tmp = tempfile::tempdir().unwrap();
    for (source, extra) in [
        ("akshare_gbk.csv", vec![]),
        ("baostock.csv", vec![]),
        ("wide.csv", vec![]),
        ("crsp.csv", vec!["--returns-column", "RET"]),
    ] {
        let to = tmp.path().join(format!("{source}.parquet"));
        assert_cmd::Command::cargo_bin("evstudy")
            .unwrap()
            .arg("convert")
            .arg(v(source))
            .arg("--to")
            .arg(&to)
            .args(&extra)
            .assert()
            .success();
        assert!(std::fs::read(&to).unwrap().starts_with(b"PAR1"));
        let (events, col) = if source == "crsp.csv" {
            ("events_crsp.csv", Some("ret"))
        } else {
            ("events.csv", None)
        };
        let want = ar(source, "market.csv", events, |c| {
            c.returns_column = extra.get(1).map(|s| (*s).to_string());
        });
        let got = ar("canonical.csv", "market.csv", events, |c| {
            c.prices = evstudy::config::Paths::one(&to);
            c.returns_column = col.map(str::to_string);
        });
        assert_eq!(got, want, "{source}");
    }
    assert_cmd::Command::cargo_bin("evstudy")
        .unwrap()
        .arg("convert")
        .arg(v("canonical.csv"))
        .arg("--to")
        .arg(v("canonical.csv"))
        .assert()
        .code(2);
}
