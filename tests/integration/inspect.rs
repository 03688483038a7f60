//! `evstudy inspect` (#11): what evstudy sees in a file, the first command a user runs on a
//! new one. Snapshots of the vendor fixtures' reports; a file that would stop a run exits 3.

use assert_cmd::Command;

use crate::common::fixture;

fn inspect(args: &[&str], code: i32) -> String {
    let out = Command::cargo_bin("evstudy")
        .unwrap()
        .current_dir(fixture("vendor"))
        .arg("inspect")
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
        .code(code)
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn inspect_reports_encoding_header_columns_tickers_and_notes() {
    insta::assert_snapshot!(inspect(
        &["akshare_gbk.csv", "baostock.csv", "sz.002415.csv"],
        0
    ));
}

#[test]
fn inspect_reads_market_and_events_files_and_mapped_columns() {
    insta::assert_snapshot!(inspect(
        &[
            "--as",
            "market",
            "--columns",
            "market.close=px_last",
            "market_title.csv"
        ],
        0
    ));
    insta::assert_snapshot!(inspect(&["--as", "events", "events_vendor.csv"], 0));
}

#[test]
fn inspect_of_a_file_a_run_would_refuse_exits_3_with_the_error() {
    let text = inspect(&["--as", "market", "market_title.csv"], 3);
    assert!(
        text.contains("error: market_title.csv: line 2: the market file has no column \"close\""),
        "{text}"
    );
    assert!(text.contains("--columns market.close="), "{text}");
}

#[test]
fn inspect_json_is_one_object_per_file() {
    let text = inspect(
        &[
            "--format",
            "json",
            "--returns-column",
            "RET",
            "crsp.csv",
            "canonical.csv",
        ],
        3,
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let files = v.as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["return_source"], "the returns column");
    assert_eq!(files[0]["tickers"], 2);
    assert!(
        files[1]["error"]
            .as_str()
            .unwrap()
            .contains("--returns-column \"RET\"")
    );
}
