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
        "prices" => cfg.prices = file,
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
    let rows = demo_rows(4);
    let second = rows.lines().nth(2).unwrap().to_string();
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
