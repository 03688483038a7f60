//! The last mile of the outputs and the command line (#14): the JSON summary, the one
//! `wrote` line, `init`/`completions`/`man`/`help`, `--window` narrowing the default CAR
//! windows, comma lists, unique default event ids, `chart`/`limits --out`, the p-value label
//! that follows `--alternative`, skip reasons on stderr only, and `no_data_in_window`.

use std::path::Path;

use assert_cmd::Command;

use crate::common::demo;

fn evstudy() -> Command {
    Command::cargo_bin("evstudy").unwrap()
}

/// `evstudy run --config data/study.toml ARGS --out DIR`: (code, stdout, stderr).
fn run_demo(args: &[&str], out: &Path) -> (Option<i32>, String, String) {
    let o = evstudy()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--format", "csv,json"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

#[test]
fn summary_json_is_one_document_with_the_numbers_of_tests_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run_demo(&["--summary", "json", "--chart", "png"], dir.path());
    assert_eq!(code, Some(0));
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).expect("stdout is one JSON document");
    assert_eq!(doc["kind"], "evstudy-summary");
    assert_eq!(doc["schema"], 2);
    assert_eq!(doc["events"]["computed"], 8);
    let files = doc["written"]["files"].as_array().unwrap();
    assert!(files.iter().any(|f| f == "tests.csv"));
    assert!(
        files
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("charts/"))
    );
    // Every window test agrees with tests.csv.
    let tests = std::fs::read_to_string(dir.path().join("tests.csv")).unwrap();
    let mut n = 0;
    for g in doc["groups"].as_array().unwrap() {
        for w in g["windows"].as_array().unwrap() {
            for t in w["tests"].as_array().unwrap() {
                let key = format!(
                    "{},{},{},",
                    g["group"].as_str().unwrap(),
                    w["window"].as_str().unwrap(),
                    t["test"].as_str().unwrap()
                );
                let line = tests.lines().find(|l| l.starts_with(&key)).unwrap();
                let stat = line.split(',').nth(3).unwrap();
                match t["statistic"].as_f64() {
                    Some(v) => assert_eq!(stat.parse::<f64>().unwrap(), v, "{key}"),
                    None => assert_eq!(stat, "", "{key}"),
                }
                n += 1;
            }
        }
    }
    assert!(n > 100, "{n} tests compared");
    // The whole document, paths made machine-independent (stable keys and order).
    let text = stdout
        .replace(&dir.path().display().to_string(), "<out>")
        .replace(&demo("").display().to_string(), "<demo>/");
    insta::assert_snapshot!(text);
}

#[test]
fn text_summary_ends_with_one_wrote_line_and_names_the_alternative() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run_demo(&["--chart", "svg", "--alternative", "less"], dir.path());
    assert_eq!(code, Some(0));
    let last = stdout.lines().last().unwrap();
    let want = format!(
        "wrote 31 files to {} (ar.csv, events.csv, aar.csv, tests.csv, study.json; charts/: 26 files)",
        dir.path().display()
    );
    assert_eq!(last, want);
    assert!(
        stdout.contains("test statistics with one-sided p (H1: mean < 0)"),
        "{stdout}"
    );
    assert!(!stdout.contains("two-sided p:"), "{stdout}");
}

#[test]
fn init_writes_a_template_that_runs_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.toml");
    evstudy().arg("init").arg(&path).assert().success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# evstudy study file"));
    // A second init is refused (exit 2) and leaves the file alone; --force replaces it.
    std::fs::write(&path, "edited").unwrap();
    evstudy().arg("init").arg(&path).assert().code(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited");
    evstudy()
        .arg("init")
        .arg(&path)
        .arg("--force")
        .assert()
        .success();
    // Pointed at the demo files, the template runs as it is.
    let edited = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"prices.csv\"", &format!("{:?}", demo("prices.csv")))
        .replace("\"index.csv\"", &format!("{:?}", demo("index.csv")))
        .replace("\"events.csv\"", &format!("{:?}", demo("events.csv")));
    std::fs::write(&path, edited).unwrap();
    evstudy()
        .args(["run", "-q", "--config"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert!(dir.path().join("out/study.json").exists());
}

#[test]
fn completions_man_and_help_print_on_stdout() {
    for shell in ["bash", "zsh", "fish"] {
        let o = evstudy().args(["completions", shell]).output().unwrap();
        assert!(o.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("evstudy") && text.contains("--car-window"),
            "{shell}"
        );
    }
    let o = evstudy().arg("man").output().unwrap();
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && page.contains(".TH evstudy 1"),
        "{page}"
    );
    let o = evstudy().args(["help", "--help"]).output().unwrap();
    assert!(o.status.success());
    let o = evstudy().args(["help", "run"]).output().unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("Usage: evstudy run"));
    evstudy().args(["help", "nope"]).assert().code(2);
}

#[test]
fn a_narrower_window_keeps_the_default_car_windows_that_fit() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run_demo(&["--window=-5:5"], dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("note: default CAR windows -10:10 do not fit the event window -5:5: using 0:0, 0:1, -1:1, -5:5"),
        "{stderr}"
    );
    let events = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    assert!(events.contains("car_m5_5") && !events.contains("car_m10_10"));
    // An explicit CAR window that does not fit stays an error; comma lists work.
    let (code, _, _) = run_demo(&["--window=-5:5", "--car-window=-10:10"], dir.path());
    assert_eq!(code, Some(2));
    let (code, _, stderr) = run_demo(
        &["--car-window=-1:1,0:2", "--car-window", "0:3"],
        dir.path(),
    );
    assert_eq!(code, Some(0), "{stderr}");
    let header = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    let header = header.lines().next().unwrap().to_string();
    for w in ["car_m1_1", "car_0_2", "car_0_3"] {
        assert!(header.contains(w), "{w}");
    }
    assert!(!header.contains("car_m5_5"));
}

#[test]
fn repeated_rows_get_unique_default_ids_and_are_reported_as_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    std::fs::write(
        &events,
        "ticker,date\n600101.SH,2022-05-05\n600101.SH,2022-05-05\n000102.SZ,2022-05-05\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run_demo(&["--events", events.to_str().unwrap(), "-q"], &out);
    assert_eq!(code, Some(0));
    // -q silences the summary only: the skip reason is on stderr, and only there.
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("event 600101.SH_2022-05-05#3: duplicate of line 2"),
        "{stderr}"
    );
    let ev = std::fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(ev.contains("600101.SH_2022-05-05#3,600101.SH"), "{ev}");
    assert!(ev.contains("skipped,duplicate_event"));
}

#[test]
fn every_event_skipped_lists_the_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events.csv");
    std::fs::write(
        &events,
        "ticker,date\n999999.SH,2022-05-05\n600101.SH,2030-01-02\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run_demo(
        &["--events", events.to_str().unwrap()],
        &dir.path().join("out"),
    );
    assert_eq!(code, Some(3));
    assert!(stdout.is_empty());
    assert!(stderr.contains("all 2 events were skipped:"), "{stderr}");
    assert!(stderr.contains("unknown ticker \"999999.SH\""), "{stderr}");
    assert!(
        stderr.contains("reaches outside the market calendar"),
        "{stderr}"
    );
    assert!(!stderr.contains("see the reasons above"));
}

#[test]
fn an_event_without_prices_in_its_window_is_skipped_not_ok_and_empty() {
    // 600101.SH's prices stop at 2022-03-31; its 2022-05-05 event window has no price.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let cut: String = text
        .lines()
        .filter(|l| !(l.contains(",600101.SH,") && &l[..10] > "2022-03-31"))
        .map(|l| format!("{l}\n"))
        .collect();
    let prices = dir.path().join("prices.csv");
    std::fs::write(&prices, cut).unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = run_demo(&["--prices", prices.to_str().unwrap()], &out);
    assert_eq!(code, Some(0), "{stderr}");
    let ev = std::fs::read_to_string(out.join("events.csv")).unwrap();
    let rows: Vec<&str> = ev
        .lines()
        .filter(|l| l.contains("SANC1-600101,600101.SH"))
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("skipped,no_data_in_window"), "{}", rows[0]);
    assert!(
        stderr.contains("600101.SH has no return in the event window 2022-04-18..2022-05-19 (its price rows run 2021-01-04..2022-03-31)"),
        "{stderr}"
    );
    // Its November event is skipped too (its estimation window is short first); the other
    // tickers' events compute.
    assert!(
        ev.contains("FCC2-600101,600101.SH,,,8,,,,,skipped,short_estimation"),
        "{ev}"
    );
    assert_eq!(ev.matches(",ok,").count(), 6);
}

#[test]
fn chart_and_limits_write_into_the_folder_they_are_given() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, _) = run_demo(&[], &dir.path().join("study"));
    assert_eq!(code, Some(0));
    let charts = dir.path().join("charts");
    evstudy()
        .arg("chart")
        .arg(dir.path().join("study/study.json"))
        .args(["--chart", "svg", "--out"])
        .arg(&charts)
        .assert()
        .success();
    assert!(charts.join("aar_all.svg").exists());
    assert!(!charts.join("charts").exists());
    let scan = dir.path().join("scan");
    evstudy()
        .args(["limits", "--prices"])
        .arg(demo("prices.csv"))
        .arg("--market")
        .arg(demo("index.csv"))
        .arg("--out")
        .arg(&scan)
        .assert()
        .success();
    assert!(scan.join("limits.csv").exists());
    evstudy()
        .args(["limits", "--prices"])
        .arg(demo("prices.csv"))
        .arg("--out")
        .arg(dir.path().join("hits.json"))
        .assert()
        .success();
    let json = std::fs::read_to_string(dir.path().join("hits.json")).unwrap();
    assert!(json.trim_start().starts_with('{'));
}

#[test]
fn a_rerun_with_fewer_outputs_removes_only_the_files_the_previous_run_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, _) = run_demo(&["--format", "csv,json,md,tex", "--chart", "png"], &out);
    assert_eq!(code, Some(0));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("study.json")).unwrap()).unwrap();
    let manifest = json["manifest"].as_array().unwrap();
    assert_eq!(manifest.len(), 4 + 1 + 2 + 26);
    assert!(manifest.iter().any(|e| e["file"] == "charts/aar_all.png"));
    // A file of the user's and an edited report stay; the rest of the old run goes.
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("report.md"), "edited").unwrap();
    let (code, _, stderr) = run_demo(&["--chart", "svg"], &out);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("note: removed 27 files of the previous run"),
        "{stderr}"
    );
    assert!(
        stderr.contains("report.md: a file of the previous run, changed since"),
        "{stderr}"
    );
    assert!(!out.join("report.tex").exists());
    assert!(!out.join("charts/aar_all.png").exists());
    assert!(out.join("charts/aar_all.svg").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        "edited"
    );
    // The manifest lists exactly what is there now.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("study.json")).unwrap()).unwrap();
    let files: Vec<&str> = json["manifest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), 5 + 26);
    assert_eq!(files[..4], ["ar.csv", "events.csv", "aar.csv", "tests.csv"]);
    assert_eq!(files.last(), Some(&"study.json"));
    for f in &files {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn report_html_inlines_the_run_s_svg_charts_as_a_rerender_draws_them() {
    // With --chart svg the run hands its drawn SVGs to report.html instead of drawing them
    // again; the page is the one `evstudy report` draws from study.json.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let (code, _, stderr) = run_demo(&["--format", "json,html", "--chart", "svg"], &out);
    assert_eq!(code, Some(0), "{stderr}");
    let again = dir.path().join("again");
    evstudy()
        .arg("report")
        .arg(out.join("study.json"))
        .args(["--format", "html", "--out"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(out.join("report.html")).unwrap(),
        std::fs::read(again.join("report.html")).unwrap()
    );
}
