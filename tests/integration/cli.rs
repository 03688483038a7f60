//! The binary, run as a user would: one test per README example and per exit code.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{demo, require_shared, shared};

fn evstudy() -> Command {
    Command::cargo_bin("evstudy").unwrap()
}

/// README: `cargo run -- run --config data/study.toml --out out/demo`.
#[test]
fn readme_demo_study_runs_and_writes_three_files() {
    let dir = tempfile::tempdir().unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("8 events computed, 0 skipped"))
        .stdout(predicate::str::contains("SANC1-600101"));
    for f in ["ar.csv", "events.csv", "study.json"] {
        assert!(dir.path().join(f).metadata().unwrap().len() > 100, "{f}");
    }
}

/// README: flags override the study file (`--model mean --car-window=-1:1`).
#[test]
fn readme_flags_override_the_study_file() {
    let dir = tempfile::tempdir().unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args([
            "--model",
            "mean",
            "--car-window=-1:1",
            "--car-window",
            "0:2",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("mean model"))
        .stdout(predicate::str::contains("CAR(0:2)"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("study.json")).unwrap()).unwrap();
    assert_eq!(json["config"]["model"], "mean");
    assert_eq!(
        json["config"]["car_windows"],
        serde_json::json!(["-1:1", "0:2"])
    );
}

/// README: the sanctions study on real data, every file named by flag.
#[test]
fn readme_real_data_study_with_explicit_files() {
    require_shared!();
    let dir = tempfile::tempdir().unwrap();
    evstudy()
        .arg("run")
        .arg("--prices")
        .arg(shared("prices_sanctioned.csv"))
        .arg("--market")
        .arg(shared("index_csi300.csv"))
        .arg("--events")
        .arg(shared("events_sanctions.csv"))
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("002415.SZ_2022-05-04"))
        .stdout(predicate::str::contains("2022-05-05"));
}

/// README: a tushare-style file loads without editing; `--columns` maps anything else.
#[test]
fn readme_vendor_headers_and_column_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let renamed = src
        .replacen(
            "date,ticker,open,high,low,close,prev_close,volume",
            "trade_date,ts_code,open,high,low,px_last,pre_close,vol",
            1,
        )
        .lines()
        .map(|l| l.replacen('-', "", 2))
        .collect::<Vec<_>>()
        .join("\n");
    let prices = dir.path().join("tushare.csv");
    std::fs::write(&prices, renamed).unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .arg("--prices")
        .arg(&prices)
        .args(["--columns", "close=px_last", "--quiet", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout("");
}

#[test]
fn exit_code_2_for_bad_usage() {
    evstudy().args(["run", "--model", "capm"]).assert().code(2);
    // A window at the ends of i32 is refused, not an overflow panic.
    evstudy()
        .args(["run", "--window=-2147483648:2147483647", "--out", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reaches beyond"));
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--estimation=-5:3", "--out", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("must end before the event window"));
}

#[test]
fn exit_code_3_for_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("prices.csv");
    std::fs::write(&bad, "date,ticker,close\n2022-05-05,A,abc\n").unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .arg("--prices")
        .arg(&bad)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "line 2: column \"close\": cannot parse number \"abc\"",
        ));
    assert!(!dir.path().join("out").exists(), "no output on failure");
}

#[test]
fn exit_code_4_when_strict_and_an_event_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    let mut text = std::fs::read_to_string(demo("events.csv")).unwrap();
    text.push_str("NOPE-1,999999.SZ,2022-05-05,unknown firm,,entity_list\n");
    std::fs::write(&events, text).unwrap();
    let run = |strict: bool| {
        let mut c = evstudy();
        c.args(["run", "--config"])
            .arg(demo("study.toml"))
            .arg("--events")
            .arg(&events)
            .arg("--out")
            .arg(dir.path().join("out"));
        if strict {
            c.arg("--strict");
        }
        c.assert()
    };
    run(false)
        .success()
        .stderr(predicate::str::contains("unknown ticker \"999999.SZ\""));
    run(true).code(4);
}

#[test]
fn exit_code_1_when_output_cannot_be_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .arg("--out")
        .arg(file.join("sub"))
        .assert()
        .code(1);
}

#[test]
fn same_inputs_give_byte_identical_outputs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [&a, &b] {
        evstudy()
            .args(["run", "-q", "--config"])
            .arg(demo("study.toml"))
            .arg("--out")
            .arg(d.path())
            .assert()
            .success();
    }
    for f in ["ar.csv", "events.csv", "study.json"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

/// `--rbar calendar` reaches the study (and `study.json`); an unknown method is bad usage.
/// See #10.
#[test]
fn rbar_flag_chooses_the_kolari_pynnonen_rbar() {
    let dir = tempfile::tempdir().unwrap();
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--rbar", "calendar", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "mean calendar-aligned pair correlation",
        ));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("study.json")).unwrap()).unwrap();
    assert_eq!(json["config"]["rbar"], "calendar");
    let tests = std::fs::read_to_string(dir.path().join("tests.csv")).unwrap();
    assert!(tests.starts_with(
        "group,window,test,statistic,p_value,df,n,distribution,note,n_excluded,excluded,rbar,rbar_pairs,mean_overlap\n"
    ));
    evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--rbar", "pairs", "--out"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("overlap, calendar"));
}

#[test]
fn help_documents_every_run_flag_with_its_default() {
    evstudy()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[default: -250:-11]"))
        .stdout(predicate::str::contains("--min-estimation-obs"))
        .stdout(predicate::str::contains("--columns"));
}

#[test]
fn limits_scan_lists_the_demo_limit_days_as_csv_and_json() {
    let out = evstudy()
        .args(["limits", "--prices"])
        .arg(demo("prices.csv"))
        .arg("--market")
        .arg(demo("index.csv"))
        .args(["--from", "2022-05-01", "--to", "2022-05-31"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("ticker,date,state,close,ref_price,up_limit,down_limit"));
    assert!(
        text.contains("600101.SH,2022-05-05,down_close,63.77,70.85,77.94,63.77"),
        "{text}"
    );
    assert!(text.contains("600101.SH,2022-05-06,down_touch"), "{text}");
    assert!(text.contains("000102.SZ,2022-05-05,down_lock"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("hits.json");
    evstudy()
        .args(["limits", "--prices"])
        .arg(demo("prices.csv"))
        .arg("--out")
        .arg(&json)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["n_tickers"], 8);
    assert!(v["hits"].as_array().unwrap().len() >= 4);
}

#[test]
fn chart_and_report_rerender_a_saved_study() {
    let dir = tempfile::tempdir().unwrap();
    evstudy()
        .args(["run", "-q", "--config"])
        .arg(demo("study.toml"))
        .args(["--chart", "svg", "--format", "json", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    let study = dir.path().join("study.json");
    evstudy()
        .arg("chart")
        .arg(&study)
        .args(["--chart", "svg", "--out"])
        .arg(dir.path().join("again"))
        .assert()
        .success();
    // `chart --out DIR` writes into DIR itself (#14).
    for f in ["car_SANC1-600101.svg", "aar_all.svg"] {
        assert_eq!(
            std::fs::read(dir.path().join("charts").join(f)).unwrap(),
            std::fs::read(dir.path().join("again").join(f)).unwrap(),
            "{f}"
        );
    }
    evstudy()
        .arg("report")
        .arg(&study)
        .args(["--format", "md,tex", "--out"])
        .arg(dir.path().join("rep"))
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(dir.path().join("rep/report.md"))
            .unwrap()
            .contains("## Group `all`")
    );
    evstudy()
        .arg("report")
        .arg(dir.path().join("nope.json"))
        .args(["--out"])
        .arg(dir.path())
        .assert()
        .code(1);
}

/// Renders the charts of the real Hikvision 2022-05-04 event (see #6).
#[test]
fn charts_of_the_real_hikvision_event_render() {
    require_shared!();
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    std::fs::write(&events, "ticker,date,label\n002415.SZ,2022-05-04,FT: US moving towards SDN sanctions on Hikvision\n").unwrap();
    evstudy()
        .args(["run", "-q", "--prices"])
        .arg(shared("prices_sanctioned.csv"))
        .arg("--market")
        .arg(shared("index_csi300.csv"))
        .arg("--events")
        .arg(&events)
        .args(["--chart", "png,svg", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let charts = dir.path().join("out/charts");
    for kind in ["car", "price"] {
        let png = charts.join(format!("{kind}_002415.SZ_2022-05-04.png"));
        let img = image::open(&png).unwrap();
        assert_eq!((img.width(), img.height()), (1200, 675), "{kind}");
        let svg = std::fs::read_to_string(charts.join(format!("{kind}_002415.SZ_2022-05-04.svg")))
            .unwrap();
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("002415.SZ"), "{kind} chart names the ticker");
    }
    let meta = std::fs::metadata(charts.join("car_002415.SZ_2022-05-04.png")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o644);
    }
    let _ = meta;
}
