//! The binary under hostile conditions (#15): an `--out` that would destroy something, a
//! stderr that cannot be written, a closed stdout, a 300-character event id, reserved group
//! names, repeated flags. Every new user-facing message is snapshot-tested (insta), with
//! the temp dir shown as `<tmp>`.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common::{demo, demo_inputs};

fn evstudy() -> Command {
    Command::cargo_bin("evstudy").unwrap()
}

/// `evstudy run` on the demo files (csv and json only, no charts) into `out`.
fn run_demo(out: &Path) -> Command {
    let mut c = evstudy();
    c.args(["run", "-q"])
        .args(demo_inputs())
        .arg("--out")
        .arg(out);
    c
}

/// The stderr of a finished command, with `dir` shown as `<tmp>`.
fn stderr_of(out: &std::process::Output, dir: &Path) -> String {
    String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "<tmp>")
}

/// The demo inputs copied into `dir`, as (prices, market, events).
fn copy_demo(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let names = ["prices.csv", "index.csv", "events.csv"];
    for n in names {
        std::fs::copy(demo(n), dir.join(n)).unwrap();
    }
    (dir.join(names[0]), dir.join(names[1]), dir.join(names[2]))
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    assert!(
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success()
    );
}

/// `--out` a symlink to a folder: refused before anything is read, the folder untouched.
#[cfg(unix)]
#[test]
fn out_that_is_a_symlink_is_refused_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = run_demo(&link).assert().code(2).get_output().clone();
    assert!(std::fs::read_dir(&real).unwrap().next().is_none());
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
}

/// `--out` a FIFO: refused, and still a FIFO afterwards (it was replaced by a regular
/// file before #15).
#[cfg(unix)]
#[test]
fn out_that_is_a_fifo_is_refused_with_exit_2() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe");
    mkfifo(&pipe);
    let out = run_demo(&pipe).assert().code(2).get_output().clone();
    assert!(pipe.symlink_metadata().unwrap().file_type().is_fifo());
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
}

/// `--out` the folder of the inputs: refused, `events.csv` not overwritten.
#[test]
fn out_that_holds_the_inputs_is_refused_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let (prices, market, events) = copy_demo(tmp.path());
    let before = std::fs::read(&events).unwrap();
    let out = evstudy()
        .args(["run", "-q", "--prices"])
        .arg(&prices)
        .arg("--market")
        .arg(&market)
        .arg("--events")
        .arg(&events)
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(std::fs::read(&events).unwrap(), before);
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
}

/// `limits --out FILE`: the price file itself, or a FIFO, is refused; neither is changed.
#[cfg(unix)]
#[test]
fn limits_out_that_is_an_input_or_a_fifo_is_refused_with_exit_2() {
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    let (prices, _, _) = copy_demo(tmp.path());
    let before = std::fs::read(&prices).unwrap();
    let limits = |out: &Path| {
        evstudy()
            .args(["limits", "--prices"])
            .arg(&prices)
            .arg("--out")
            .arg(out)
            .assert()
            .code(2)
            .get_output()
            .clone()
    };
    let same = limits(&prices);
    assert_eq!(std::fs::read(&prices).unwrap(), before);
    insta::assert_snapshot!("limits_out_is_an_input", stderr_of(&same, tmp.path()));
    let pipe = tmp.path().join("hits.csv");
    mkfifo(&pipe);
    let fifo = limits(&pipe);
    assert!(pipe.symlink_metadata().unwrap().file_type().is_fifo());
    insta::assert_snapshot!("limits_out_is_a_fifo", stderr_of(&fifo, tmp.path()));
}

/// A symlink planted at `OUT/events.csv`: the run is refused, the file it points to keeps
/// its contents, and no other result is written. A symlink at a chart file, whose name
/// depends on the events, is refused by the writer after the study is computed.
#[cfg(unix)]
#[test]
fn a_symlink_inside_out_is_never_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let victim = tmp.path().join("victim.csv");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, out_dir.join("events.csv")).unwrap();
    let out = run_demo(&out_dir).assert().code(2).get_output().clone();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!out_dir.join("ar.csv").exists());
    // Checked before the study is computed: no warning of the study precedes the error.
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
    std::fs::remove_file(out_dir.join("events.csv")).unwrap();
    std::fs::create_dir(out_dir.join("charts")).unwrap();
    let chart = out_dir.join("charts/aar_all.svg");
    std::os::unix::fs::symlink(&victim, &chart).unwrap();
    run_demo(&out_dir)
        .args(["--chart", "svg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{}: is a symlink inside the output folder",
            chart.display()
        )));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(!out_dir.join("ar.csv").exists());
}

/// Leftover temporary files of an interrupted run are removed by the next run.
#[test]
fn a_rerun_removes_leftover_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let leftover = tmp.path().join(".evstudy-tmp.ar.csv.k9X2aB");
    let legacy = tmp.path().join(".events.csv.Qw3rTy");
    std::fs::write(&leftover, "partial").unwrap();
    std::fs::write(&legacy, "partial").unwrap();
    std::fs::write(tmp.path().join("mine.txt"), "kept").unwrap();
    run_demo(tmp.path()).assert().success();
    assert!(!leftover.exists() && !legacy.exists());
    assert!(tmp.path().join("mine.txt").exists());
    let hidden: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// A 300-character event id draws its charts under a bounded, stable name (it failed with
/// "File name too long" before #15).
#[test]
fn a_300_character_event_id_gets_bounded_stable_chart_names() {
    let tmp = tempfile::tempdir().unwrap();
    let id = "E".repeat(300);
    let events = tmp.path().join("events.csv");
    std::fs::write(
        &events,
        format!("event_id,ticker,date\n{id},600101.SH,2022-05-05\n"),
    )
    .unwrap();
    let charts = |out: &str| {
        evstudy()
            .args(["run", "-q", "--prices"])
            .arg(demo("prices.csv"))
            .arg("--market")
            .arg(demo("index.csv"))
            .arg("--events")
            .arg(&events)
            .args(["--chart", "svg", "--out"])
            .arg(tmp.path().join(out))
            .assert()
            .success();
        let mut names: Vec<String> = std::fs::read_dir(tmp.path().join(out).join("charts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    };
    let first = charts("a");
    let stem = format!("{}-76251503db02c7ef", "E".repeat(83));
    assert!(first.contains(&format!("car_{stem}.svg")), "{first:?}");
    assert!(first.contains(&format!("price_{stem}.svg")), "{first:?}");
    assert_eq!(charts("b"), first, "the same names on every run");
}

/// With stderr on `/dev/full` every write to it fails: the binary still exits with the
/// code of what happened (0 with warnings, 3 for bad input), never 101.
#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_stderr_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let events = tmp.path().join("events.csv");
    // An unknown ticker: a warning on stderr, the run succeeds.
    std::fs::write(
        &events,
        "ticker,date\n600101.SH,2022-05-05\nXYZ,2022-05-05\n",
    )
    .unwrap();
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "date,ticker,close\n2022-05-05,A,abc\n").unwrap();
    for (prices, events, code) in [
        (demo("prices.csv"), events.clone(), 0),
        (bad.clone(), events.clone(), 3),
    ] {
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_evstudy"))
            .arg("run")
            .arg("--prices")
            .arg(&prices)
            .arg("--market")
            .arg(demo("index.csv"))
            .arg("--events")
            .arg(&events)
            .arg("--out")
            .arg(tmp.path().join("out"))
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create("/dev/full").unwrap()))
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{}", prices.display());
    }
}

/// A closed stdout (`evstudy limits | head -0`) is not an error: exit 0, no error or panic
/// on stderr, which ends with the scan's one-line count.
#[test]
fn a_closed_stdout_exits_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_evstudy"))
        .args(["limits", "--prices"])
        .arg(demo("prices.csv"))
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .last()
            .is_some_and(|l| l.starts_with("4822 rows, 8 tickers")),
        "{stderr}"
    );
}

/// `--chart-width 0` is bad usage (2) on `run` and on `chart`, before any data is read.
#[test]
fn a_chart_size_of_0_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_demo(&tmp.path().join("out"))
        .arg("--chart-width=0")
        .assert()
        .code(2)
        .get_output()
        .clone();
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
    run_demo(&tmp.path().join("out")).assert().success();
    evstudy()
        .arg("chart")
        .arg(tmp.path().join("out/study.json"))
        .args(["--chart-height", "0", "--out"])
        .arg(tmp.path().join("charts"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "chart size 1200x0 is out of range",
        ));
}

/// `report --format json` into the folder of the study.json it reads would replace its own
/// input: refused. Charts beside it are fine.
#[test]
fn report_never_replaces_the_study_json_it_reads() {
    let tmp = tempfile::tempdir().unwrap();
    run_demo(tmp.path()).assert().success();
    let study = tmp.path().join("study.json");
    let before = std::fs::read(&study).unwrap();
    let out = evstudy()
        .arg("report")
        .arg(&study)
        .args(["--format", "json,md", "--out"])
        .arg(tmp.path())
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(std::fs::read(&study).unwrap(), before);
    assert!(!tmp.path().join("report.md").exists());
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
    evstudy()
        .arg("report")
        .arg(&study)
        .args(["--format", "md", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
}

/// A group named like a built-in subsample is bad input (3), located.
#[test]
fn a_group_named_all_is_refused_with_exit_3() {
    let tmp = tempfile::tempdir().unwrap();
    let events = tmp.path().join("events.csv");
    std::fs::write(
        &events,
        "ticker,date,group\n600101.SH,2022-05-05,sanctions\n000102.SZ,2022-05-05,all\n",
    )
    .unwrap();
    let out = evstudy()
        .args(["run", "-q", "--prices"])
        .arg(demo("prices.csv"))
        .arg("--market")
        .arg(demo("index.csv"))
        .arg("--events")
        .arg(&events)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(3)
        .get_output()
        .clone();
    assert!(!tmp.path().join("out").exists());
    insta::assert_snapshot!(stderr_of(&out, tmp.path()));
}

/// 2,000 repeated `--car-window` flags give each CAR column once and one notice.
#[test]
fn repeated_car_windows_give_each_column_once_and_one_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cmd = run_demo(tmp.path());
    for i in 0..2000 {
        cmd.arg(if i % 2 == 0 {
            "--car-window=0:1"
        } else {
            "--car-window=-1:1"
        });
    }
    let out = cmd
        .args(["--tests", "bw_t,bw_t"])
        .assert()
        .success()
        .get_output()
        .clone();
    let header = std::fs::read_to_string(tmp.path().join("events.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let cars: Vec<&str> = header
        .split(',')
        .filter(|c| c.starts_with("car_"))
        .collect();
    assert_eq!(cars, ["car_0_1", "car_m1_1", "car_free"]);
    let stderr = stderr_of(&out, tmp.path());
    assert_eq!(stderr.matches("duplicates ignored").count(), 1, "{stderr}");
    insta::assert_snapshot!(stderr);
}
