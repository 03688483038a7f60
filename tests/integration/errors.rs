//! Every class of bad input gets a message naming file, line, column and value, and saying
//! how to fix it; snapshot-tested (insta). See #3.

use std::path::Path;

use evstudy::StudyConfig;

use crate::common::demo;

/// Run a study on the demo files with one of them replaced by `text`, return the message.
fn message_for(role: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{role}.csv"));
    std::fs::write(&file, text).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    match role {
        "prices" => cfg.prices = file.into(),
        "market" => cfg.market = file,
        _ => cfg.events = file,
    }
    let msg = match evstudy::run(&cfg) {
        Err(e) => e.to_string(),
        Ok(study) => study
            .skipped
            .iter()
            .map(|s| s.message.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    msg.replace(&dir.path().display().to_string(), "<tmp>")
        .replace(&demo("").display().to_string(), "<demo>/")
}

fn demo_rows(n: usize) -> String {
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    text.lines().take(n + 1).collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn missing_column() {
    insta::assert_snapshot!(message_for(
        "prices",
        "date,ticker,open\n2022-01-04,A,1.0\n"
    ));
}

#[test]
fn unparseable_date() {
    let mut t = demo_rows(3);
    t.push_str("2022-02-30,600101.SH,1,1,1,1,1,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

#[test]
fn unparseable_number() {
    let mut t = demo_rows(3);
    t.push_str("2023-07-03,600101.SH,1,1,1,12,3O,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

#[test]
fn duplicate_ticker_date() {
    // A duplicate with another value: an exact duplicate is dropped with a notice (#11).
    let rows = demo_rows(4);
    let line = rows.lines().nth(2).unwrap();
    let (head, _) = line.rsplit_once(',').unwrap();
    let second = format!("{head},1");
    insta::assert_snapshot!(message_for("prices", &format!("{rows}{second}\n")));
}

#[test]
fn empty_file() {
    insta::assert_snapshot!(message_for("prices", ""));
    insta::assert_snapshot!("header_only", message_for("events", "ticker,date\n"));
}

#[test]
fn non_positive_price() {
    let mut t = demo_rows(3);
    t.push_str("2023-07-03,600101.SH,1,1,1,-4.5,1,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

#[test]
fn unknown_ticker_is_a_reported_skip() {
    insta::assert_snapshot!(message_for(
        "events",
        "ticker,date\n600101.SH,2022-05-05\nXYZ,2022-05-05\n"
    ));
}

#[test]
fn events_outside_the_data_are_reported_skips() {
    insta::assert_snapshot!(message_for(
        "events",
        "ticker,date\n600101.SH,2022-05-05\n600101.SH,2030-01-02\n600101.SH,2021-01-05\n600101.SH,2021-02-30\n"
    ));
}

#[test]
fn ragged_row() {
    insta::assert_snapshot!(message_for(
        "events",
        "ticker,date\n600101.SH,2022-05-05\n600101.SH,2022-05-05,x\n"
    ));
}

#[test]
fn market_file_problems() {
    insta::assert_snapshot!(
        "market_duplicate_date",
        message_for("market", "date,close\n2022-01-04,1\n2022-01-04,2\n")
    );
    insta::assert_snapshot!(
        "market_several_tickers",
        message_for(
            "market",
            "date,ticker,close\n2022-01-04,A,1\n2022-01-05,B,2\n"
        )
    );
}

#[test]
fn mapped_column_that_is_absent() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.columns.insert("close".into(), "px_last".into());
    let msg = evstudy::run(&cfg).unwrap_err().to_string();
    let _ = dir;
    insta::assert_snapshot!(msg.replace(&demo("").display().to_string(), "<demo>/"));
}

#[test]
fn no_panic_on_garbage_bytes() {
    for text in [
        "\u{feff}",
        ",,,\n,,,\n",
        "date\n\"",
        "date,ticker,close\n2022-01-04,A,\n",
        "\0\0\0",
    ] {
        let _ = message_for("prices", text);
        let _ = message_for("events", text);
        let _ = message_for("market", text);
    }
    let _ = Path::new("");
}

/// #15: a stray quote at the end of one row would swallow the rest of the file (polars read
/// 4 of 9 rows and the run went on); now the quote's line and byte are named.
#[test]
fn stray_quote_that_would_swallow_the_rest_of_the_file() {
    let mut t = demo_rows(3);
    t.push_str("2021-01-07,600101.SH,1,1,1,1,1,1\"\n");
    t.push_str(&demo_rows(8).lines().skip(4).collect::<Vec<_>>().join("\n"));
    t.push('\n');
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15 (found by the `prices` fuzz target): text after a quoted field's closing quote made
/// polars fail with no line; the quote's line and byte are named.
#[test]
fn text_after_a_closing_quote() {
    let mut t = demo_rows(2);
    t.push_str("\"2021-01-06\"x,600101.SH,1,1,1,1,1,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15 (found by the `prices` fuzz target): a quoted header field running onto the next
/// line made the header's column count and polars' disagree, with no line in the message.
#[test]
fn a_header_quote_that_runs_past_the_line() {
    let mut t = "date,ticker,close,\"high\nlow\"\n".to_string();
    t.push_str("2021-01-06,600101.SH,1,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15 (found by the `prices` fuzz target): a carriage return inside a line made polars
/// split the line where the loader did not, with no line in the message.
#[test]
fn a_carriage_return_that_does_not_end_the_line() {
    let mut t = demo_rows(2);
    t.push_str("2021-01-06,600101.SH,1,1\r1,1,1,1,1\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15: one row with an extra trailing field was accepted without a word.
#[test]
fn extra_trailing_field() {
    let mut t = demo_rows(5);
    t.push_str("2023-07-03,600101.SH,1,1,1,12,12,100,extra\n");
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15: a duplicated `close` header silently used the first column.
#[test]
fn duplicated_header_name() {
    let t = demo_rows(3).replacen("prev_close,volume", "close,volume", 1);
    insta::assert_snapshot!(message_for("prices", &t));
}

/// #15: a quoted field may hold commas, quotes (`""`) and newlines; blank lines and CRLF are
/// fine.
#[test]
fn quoted_fields_blank_lines_and_crlf_still_load() {
    let text = "event_id,ticker,date,label\r\nA,600101.SH,2022-05-05,\"US adds, \"\"again\"\"\nto the list\"\r\n\r\nB,000102.SZ,2022-05-05,plain\r\n";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.csv");
    std::fs::write(&file, text).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.events = file;
    let study = evstudy::run(&cfg).unwrap();
    assert_eq!(study.events.len(), 2);
    assert_eq!(study.events[0].label, "US adds, \"again\"\nto the list");
}

/// #15: spaces after the commas of the data rows (`2022-01-04, 600101.SH, 12.5`) were
/// "polars rejected a numeric column but every cell parses"; the cells are trimmed and the
/// study is the same as without the spaces.
#[test]
fn spaces_around_fields_are_trimmed() {
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let mut lines = text.lines();
    let mut spaced = format!("{}\n", lines.next().unwrap());
    for l in lines {
        spaced.push_str(&l.replace(',', ", "));
        spaced.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prices.csv");
    std::fs::write(&file, spaced).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    let plain = evstudy::run(&cfg).unwrap();
    cfg.prices = file.into();
    let trimmed = evstudy::run(&cfg).unwrap();
    assert_eq!(plain.events.len(), trimmed.events.len());
    for (a, b) in plain.events.iter().zip(&trimmed.events) {
        for (x, y) in a.days.iter().zip(&b.days) {
            assert_eq!(x.stats.ar, y.stats.ar, "{} {}", a.event_id, x.date);
        }
    }
}

/// #15: implausible bars (high below low, close outside [low, high]) are kept but reported
/// once each, with the count and the first row, in study.json's warnings and on stderr.
#[test]
fn implausible_bars_are_warnings_with_count_and_first_row() {
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
        if i == 3 || i == 9 {
            // high below low
            c.swap(3, 4);
        }
        if i == 20 {
            c[5] = "99.99".into(); // close above high
        }
        out.push_str(&c.join(","));
        out.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prices.csv");
    std::fs::write(&file, out).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.prices = file.into();
    let study = evstudy::run(&cfg).unwrap();
    let found: Vec<String> = study
        .warnings
        .iter()
        .filter(|w| w.contains("[low, high]") || w.contains("high below low"))
        .map(|w| w.replace(&dir.path().display().to_string(), "<tmp>"))
        .collect();
    assert_eq!(found.len(), 2, "{:?}", study.warnings);
    insta::assert_snapshot!(found.join("\n"));
}

/// Like [`message_for`], for raw bytes (encodings). See #11.
fn message_for_bytes(role: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{role}.csv"));
    std::fs::write(&file, bytes).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.prices = file.into();
    let e = evstudy::run(&cfg).unwrap_err();
    assert_eq!(e.class(), evstudy::error::ErrorClass::Input);
    e.to_string()
        .replace(&dir.path().display().to_string(), "<tmp>")
}

// See #11.
#[test]
fn bytes_neither_utf8_nor_gbk() {
    insta::assert_snapshot!(message_for_bytes(
        "prices",
        b"date,ticker,close\n2022-01-04,A,1\n2022-01-05,caf\xE9,1\n"
    ));
}

// See #11.
#[test]
fn ambiguous_month_day_dates() {
    insta::assert_snapshot!(message_for(
        "prices",
        "date,ticker,close\n1/4/2022,A,1\n1/5/2022,A,1\n"
    ));
}

// See #11.
#[test]
fn no_ticker_column_and_a_file_name_that_is_no_code() {
    insta::assert_snapshot!(message_for("prices", "date,close\n2022-01-04,1\n"));
}

// See #11.
#[test]
fn a_bare_code_without_an_exchange() {
    insta::assert_snapshot!(message_for(
        "prices",
        "date,ticker,close\n2022-01-04,000300,1\n"
    ));
}

// See #11.
#[test]
fn missing_market_column_names_the_prefixed_flag() {
    insta::assert_snapshot!(message_for("market", "dates,close\n2022-01-04,1\n"));
}

/// #15: prices off the tick grid in a limit study (what back-adjusted files look like) are
/// one warning with the count of days and tickers and the first day, from `run` and from
/// `limits`; prices on the grid give none.
#[test]
fn back_adjusted_prices_are_an_off_grid_warning() {
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let mut out = String::new();
    for (i, l) in text.lines().enumerate() {
        let mut c: Vec<String> = l.split(',').map(str::to_string).collect();
        if i > 0 && c[1] == "002103.SZ" {
            // A back-adjustment factor: every price of this ticker leaves the cent grid.
            for v in &mut c[2..7] {
                let x: f64 = v.parse().unwrap();
                *v = format!("{:.4}", x * 0.987_654);
            }
        }
        out.push_str(&c.join(","));
        out.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prices.csv");
    std::fs::write(&file, out).unwrap();
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    let clean = evstudy::run(&cfg).unwrap();
    assert!(
        !clean.warnings.iter().any(|w| w.contains("tick grid")),
        "{:?}",
        clean.warnings
    );
    cfg.prices = file.clone().into();
    let study = evstudy::run(&cfg).unwrap();
    let found: Vec<String> = study
        .warnings
        .iter()
        .filter(|w| w.contains("tick grid"))
        .map(|w| w.replace(&dir.path().display().to_string(), "<tmp>"))
        .collect();
    assert_eq!(found.len(), 1, "{:?}", study.warnings);
    assert!(found[0].contains("in 1 ticker "), "{}", found[0]);
    assert!(found[0].contains("002103.SZ"), "{}", found[0]);
    insta::assert_snapshot!(found[0]);

    let scan = evstudy::limits::scan_limits(&evstudy::limits::ScanConfig {
        prices: file.into(),
        ..evstudy::limits::ScanConfig::default()
    })
    .unwrap();
    let w: Vec<&String> = scan
        .warnings
        .iter()
        .filter(|w| w.contains("tick grid"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", scan.warnings);
    assert!(w[0].contains("in 1 ticker "), "{}", w[0]);
}
