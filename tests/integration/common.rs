//! Shared helpers: paths to the real data in `../shared/data`, fixture reading, tolerances.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// `../shared/data/NAME` (CI has it beside the clone).
pub fn shared(name: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data")
        .join(name);
    assert!(
        p.exists(),
        "{} is missing: the real-data tests need ../shared beside the repo",
        p.display()
    );
    p
}

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
        prices: shared("prices_sanctioned.csv"),
        market: shared("index_csi300.csv"),
        events: shared("events_sanctions_cn_day0.csv"),
        model,
        ..evstudy::StudyConfig::default()
    }
}
