//! Shared helpers: paths to the real data in `../shared/data`, fixture reading, tolerances.
//!
//! A test that reads `../shared/data` starts with [`require_shared!`]: on a fresh clone
//! without `../shared` beside it the test prints a notice and passes; under `CI=true` (CI
//! always has the folder) the missing folder is a failure, so CI never skips silently.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// `../shared/data`, beside the repository.
fn shared_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// `../shared/data/NAME` (CI has it beside the clone). Call it after [`require_shared!`].
pub fn shared(name: &str) -> PathBuf {
    let p = shared_dir().join(name);
    assert!(
        p.exists(),
        "{} is missing: the real-data tests need ../shared beside the repo",
        p.display()
    );
    p
}

/// `../shared/data/NAME`, or `None` when `../shared/data` is absent, after printing
/// `skipped: ../shared/data not found (set CI=true to make this a failure)` to stderr.
///
/// The notice is written to the process's stderr, past the test harness's output
/// capture, so `cargo test` shows it. Under `CI=true` an absent folder panics instead,
/// naming it; a present folder without `NAME` always panics (that is a broken checkout,
/// not a fresh clone).
pub fn shared_or_skip(name: &str) -> Option<PathBuf> {
    let dir = shared_dir();
    if dir.is_dir() {
        return Some(shared(name));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} not found: CI=true, and CI must run the real-data tests (put the shared folder beside the repository as ../shared)",
        dir.display()
    );
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(
        std::io::stderr(),
        "{test}: skipped: ../shared/data not found (set CI=true to make this a failure)"
    );
    None
}

/// Return from the calling test when `../shared/data` is absent (see [`shared_or_skip`]).
macro_rules! require_shared {
    () => {
        if crate::common::shared_or_skip("").is_none() {
            return;
        }
    };
}
pub(crate) use require_shared;

/// `tests/fixtures/NAME`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `data/NAME` (the demo study).
pub fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// `--prices … --market … --events …` of the demo files, for a command line.
pub fn demo_inputs() -> Vec<std::ffi::OsString> {
    let mut args = Vec::new();
    for (flag, file) in [
        ("--prices", "prices.csv"),
        ("--market", "index.csv"),
        ("--events", "events.csv"),
    ] {
        args.push(flag.into());
        args.push(demo(file).into_os_string());
    }
    args
}

/// A fixture CSV (no quoted commas) as rows of header → value.
pub fn read_fixture(name: &str) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_string))
                .collect()
        })
        .collect()
}

/// Optional number of a fixture cell (empty = missing).
pub fn cell(row: &HashMap<String, String>, col: &str) -> Option<f64> {
    let v = row
        .get(col)
        .unwrap_or_else(|| panic!("fixture has no column {col}"));
    if v.is_empty() {
        None
    } else {
        Some(v.parse().unwrap())
    }
}

/// Assert two optional numbers agree to `rel` relative error (absolute floor 1e-14).
#[track_caller]
pub fn close(what: &str, got: Option<f64>, want: Option<f64>, rel: f64) {
    match (got, want) {
        (None, None) => {}
        (Some(g), Some(w)) => {
            let err = (g - w).abs();
            assert!(
                err <= rel * w.abs().max(1e-4) || err <= 1e-14,
                "{what}: got {g}, want {w} (error {err:e})"
            );
        }
        _ => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

/// Every CAR window of a computed event against the `car_`, `bhar_`, `scar_` (to `tol`) and
/// `p_` (to 1e-8) cells of its fixture row; `what(column)` names the check in a failure.
#[track_caller]
pub fn check_windows(
    what: &dyn Fn(&str) -> String,
    windows: &[evstudy::stats::event::WindowStats],
    row: &HashMap<String, String>,
    tol: f64,
) {
    for w in windows {
        let s = w.window.column_suffix();
        let c = |k: &str| cell(row, &format!("{k}_{s}"));
        close(&what(&format!("car_{s}")), w.values.car, c("car"), tol);
        close(&what(&format!("bhar_{s}")), w.values.bhar, c("bhar"), tol);
        close(&what(&format!("scar_{s}")), w.values.scar, c("scar"), tol);
        close(&what(&format!("p_{s}")), w.p_value, c("p"), 1e-8);
    }
}

/// The sanctions study of the reference scripts `core_reference.py` and
/// `stats_reference.py`: events dated on the A-share day 0, `--gaps missing`.
pub fn sanctions_config(model: evstudy::ModelKind) -> evstudy::StudyConfig {
    evstudy::StudyConfig {
        gaps: evstudy::config::GapPolicy::Missing,
        ..sanctions_span_config(model)
    }
}

/// The same study with the default trade-to-trade returns (`span_reference.py`).
pub fn sanctions_span_config(model: evstudy::ModelKind) -> evstudy::StudyConfig {
    evstudy::StudyConfig {
        prices: shared("prices_sanctioned.csv").into(),
        market: shared("index_csi300.csv"),
        events: shared("events_sanctions_cn_day0.csv"),
        model,
        ..evstudy::StudyConfig::default()
    }
}

/// Every file under `dir` (relative path → bytes).
pub fn tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    files
}
