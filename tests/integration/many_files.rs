//! Several price files read as one (#11): one file per stock (ticker from the file name),
//! `--prices` repeated, a pattern, a folder, and a ticker's history split across files with
//! overlapping rows — each gives the tables of the one concatenated file, byte for byte.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;

use crate::common::demo;

fn evstudy() -> Command {
    Command::cargo_bin("evstudy").unwrap()
}

/// The demo's price file split into one file per ticker, without the ticker column, named
/// by the code (`000102.SZ.csv`); the file names.
fn split_by_ticker(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut by: BTreeMap<String, String> = BTreeMap::new();
    for l in lines {
        let c: Vec<&str> = l.split(',').collect();
        let row: Vec<&str> = c
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, v)| *v)
            .collect();
        let e = by.entry(c[1].to_string()).or_default();
        e.push_str(&row.join(","));
        e.push('\n');
    }
    let head: Vec<&str> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, v)| *v)
        .collect();
    std::fs::create_dir_all(dir).unwrap();
    by.iter()
        .map(|(t, body)| {
            let name = format!("{t}.csv");
            std::fs::write(dir.join(&name), format!("{}\n{body}", head.join(","))).unwrap();
            name
        })
        .collect()
}

/// Run the demo with `prices` (flags) and return the tables that do not record the inputs.
fn tables(prices: &[String], out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut cmd = evstudy();
    cmd.args(["run", "-q"]);
    for p in prices {
        cmd.args(["--prices", p]);
    }
    cmd.arg("--market")
        .arg(demo("index.csv"))
        .arg("--events")
        .arg(demo("events.csv"))
        .args(["--format", "csv", "--out"])
        .arg(out)
        .assert()
        .success();
    [
        "ar.csv",
        "aar.csv",
        "events.csv",
        "tests.csv",
        "skipped.csv",
    ]
    .iter()
    .filter_map(|f| Some((f.to_string(), std::fs::read(out.join(f)).ok()?)))
    .collect()
}

#[test]
fn one_file_per_stock_gives_the_tables_of_the_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    let want = tables(
        &[demo("prices.csv").display().to_string()],
        &tmp.path().join("one"),
    );
    assert!(want.contains_key("ar.csv") && want.contains_key("events.csv"));
    let stocks = tmp.path().join("stocks");
    let names = split_by_ticker(&stocks);
    assert!(names.len() >= 3, "{names:?}");
    let s = |p: &Path| p.display().to_string();
    // A pattern, a folder, and every file named.
    let pattern = tables(&[s(&stocks.join("*.csv"))], &tmp.path().join("glob"));
    assert_eq!(pattern, want, "--prices 'stocks/*.csv'");
    let folder = tables(&[s(&stocks)], &tmp.path().join("dir"));
    assert_eq!(folder, want, "--prices stocks/");
    let each: Vec<String> = names.iter().rev().map(|n| s(&stocks.join(n))).collect();
    assert_eq!(
        tables(&each, &tmp.path().join("each")),
        want,
        "--prices repeated"
    );
}

#[test]
fn a_history_split_across_files_with_overlapping_rows_is_one_history() {
    let tmp = tempfile::tempdir().unwrap();
    let want = tables(
        &[demo("prices.csv").display().to_string()],
        &tmp.path().join("one"),
    );
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (header, rows) = (lines[0], &lines[1..]);
    // Two halves that share 40 rows (exact duplicates), the second half first on the line.
    let mid = rows.len() / 2;
    let a = format!("{header}\n{}\n", rows[..mid + 20].join("\n"));
    let b = format!("{header}\n{}\n", rows[mid - 20..].join("\n"));
    std::fs::write(tmp.path().join("a.csv"), a).unwrap();
    std::fs::write(tmp.path().join("b.csv"), b).unwrap();
    let s = |n: &str| tmp.path().join(n).display().to_string();
    let out = tmp.path().join("split");
    let got = tables(&[s("b.csv"), s("a.csv")], &out);
    assert_eq!(got, want);
    // The notes are on stderr and in study.json (written with --format json).
    let err = evstudy()
        .args(["run", "--prices", &s("a.csv"), "--prices", &s("b.csv")])
        .arg("--market")
        .arg(demo("index.csv"))
        .arg("--events")
        .arg(demo("events.csv"))
        .args(["--format", "json", "--out"])
        .arg(tmp.path().join("notes"))
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&err);
    assert!(err.contains("read 2 price files as one"), "{err}");
    assert!(
        err.contains("dropped 40 exact duplicate rows found in two price files"),
        "{err}"
    );
    let study: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("notes/study.json")).unwrap())
            .unwrap();
    let inputs = study["inputs"].as_array().unwrap();
    assert_eq!(
        inputs.iter().filter(|i| i["role"] == "prices").count(),
        2,
        "each price file is fingerprinted: {inputs:?}"
    );
}

/// `evstudy limits` on `prices` (each a `--prices`): stderr with `tmp` as `<tmp>`, after
/// checking the exit code.
fn limits_stderr(prices: &[&Path], tmp: &Path, code: i32) -> String {
    let mut cmd = evstudy();
    cmd.arg("limits");
    for p in prices {
        cmd.arg("--prices").arg(p);
    }
    let out = cmd
        .env("NO_COLOR", "1")
        .assert()
        .code(code)
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).replace(&tmp.display().to_string(), "<tmp>")
}

#[test]
fn a_conflicting_row_in_two_files_names_both() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let a = format!("{}\n{}\n{}\n", lines[0], lines[1], lines[2]);
    let mut changed: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    changed[5] = "99.99".into();
    let b = format!("{}\n{}\n", lines[0], changed.join(","));
    std::fs::write(tmp.path().join("a.csv"), a).unwrap();
    std::fs::write(tmp.path().join("b.csv"), b).unwrap();
    let (a, b) = (tmp.path().join("a.csv"), tmp.path().join("b.csv"));
    insta::assert_snapshot!(limits_stderr(&[&a, &b], tmp.path(), 3));
}

#[test]
fn a_pattern_that_matches_nothing_is_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let pattern = tmp.path().join("stocks/*.csv");
    insta::assert_snapshot!(limits_stderr(&[&pattern], tmp.path(), 2));
}

/// #15 with #11: `--out` may not be the folder the price files come from, however given.
#[test]
fn out_into_the_folder_of_the_price_files_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let stocks = tmp.path().join("stocks");
    split_by_ticker(&stocks);
    for prices in [stocks.clone(), stocks.join("*.csv")] {
        evstudy()
            .args(["run", "--prices"])
            .arg(&prices)
            .arg("--market")
            .arg(demo("index.csv"))
            .arg("--events")
            .arg(demo("events.csv"))
            .arg("--out")
            .arg(&stocks)
            .assert()
            .code(2);
    }
}
