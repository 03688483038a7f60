//! The checks every fuzz target runs on one input (#15), shared by the cargo-fuzz targets in
//! `fuzz/fuzz_targets/` (which include this file by path) and by the regression tests that
//! replay the committed reproducers in `fuzz/regressions/<target>/`.
//!
//! The contract checked, beyond "no panic": an input file that is refused is refused with a
//! message naming the file, and, when the problem is in a row, the line (`line N`) — never
//! raw parser text without a place. File-level problems (an empty file) and the TOML/JSON
//! parsers' own located messages are allowed as they are.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use evstudy::Error;

/// Every fuzz target, by the name of its folder under `fuzz/`.
pub const TARGETS: [&str; 8] = [
    "prices",
    "market",
    "events",
    "instruments",
    "factors",
    "study_toml",
    "study_json",
    "rules",
];

/// A scratch file of this process for `target`, the bytes written to it.
fn scratch(target: &str, ext: &str, bytes: &[u8]) -> PathBuf {
    // One file per call: tests run in parallel threads, and rewriting a file another
    // thread's reader has mapped would be a SIGBUS, not a finding.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!("evstudy-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 64;
    let path = dir.join(format!("{target}-{n}.{ext}"));
    std::fs::write(&path, bytes).expect("scratch file");
    path
}

/// Panic (a finding) when a refused input's message breaks the contract.
fn check_error(target: &str, path: &Path, e: &Error) {
    let msg = e.to_string();
    let file = path.display().to_string();
    match e {
        // No place to name: the file itself is the problem, an I/O failure of the scratch
        // file, or a setting (not a row).
        Error::EmptyFile { .. } | Error::Io { .. } | Error::Settings(_) => {}
        _ => {
            assert!(
                msg.contains(&file),
                "{target}: error does not name the file: {msg}"
            );
            assert!(
                msg.contains("line ") || msg.contains("format:") || msg.contains("]: "),
                "{target}: error names no line: {msg}"
            );
        }
    }
    assert!(
        !matches!(e, Error::Internal(_)),
        "{target}: internal error on user input: {msg}"
    );
}

/// Run fuzz target `target` on `bytes`: load, and check the error contract.
pub fn run(target: &str, bytes: &[u8]) {
    let map = evstudy::config::ColumnMap::new();
    match target {
        "prices" => {
            let p = scratch(target, "csv", bytes);
            match evstudy::data::PricePanel::load(&p, &map) {
                Ok(panel) => {
                    let _ = panel.plausibility();
                }
                Err(e) => check_error(target, &p, &e),
            }
        }
        "market" => {
            let p = scratch(target, "csv", bytes);
            if let Err(e) = evstudy::data::MarketIndex::load(&p, &map) {
                check_error(target, &p, &e);
            }
        }
        "events" => {
            let p = scratch(target, "csv", bytes);
            if let Err(e) = evstudy::data::EventFile::load(&p) {
                check_error(target, &p, &e);
            }
        }
        "instruments" => {
            let p = scratch(target, "csv", bytes);
            if let Err(e) = evstudy::data::InstrumentFile::load(&p) {
                check_error(target, &p, &e);
            }
        }
        "factors" => {
            let p = scratch(target, "CSV", bytes);
            for units in [None, Some(evstudy::data::FactorUnits::Decimal)] {
                if let Err(e) = evstudy::data::FactorTable::load(std::slice::from_ref(&p), units) {
                    check_error(target, &p, &e);
                }
            }
        }
        "study_toml" => {
            let p = scratch(target, "toml", bytes);
            match evstudy::StudyConfig::from_toml_file(&p) {
                Ok(cfg) => {
                    let _ = cfg.validate();
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(
                        matches!(e, Error::StudyFile { .. }),
                        "study_toml: not a study-file error: {msg}"
                    );
                    assert!(msg.contains("line "), "study_toml: no line: {msg}");
                }
            }
        }
        "study_json" => {
            let p = scratch(target, "json", bytes);
            if let Err(e) = evstudy::report::read_study(&p) {
                check_error(target, &p, &e);
            }
        }
        "rules" => {
            let p = scratch(target, "toml", bytes);
            if let Err(e) = evstudy::limits::RuleSet::from_file(&p) {
                let msg = e.to_string();
                assert!(
                    msg.contains(&p.display().to_string()),
                    "rules: no file: {msg}"
                );
                assert!(msg.contains("line "), "rules: no line: {msg}");
            }
        }
        other => panic!("no fuzz target {other}"),
    }
}
