//! Replays the fuzz seed corpora and every committed crash reproducer through the same
//! checks the cargo-fuzz targets run (`fuzz_harness.rs`; #15): what fuzzing once found
//! stays fixed in the normal test suite, without nightly.

use std::path::PathBuf;

use crate::fuzz_harness::{TARGETS, run};

fn files(folder: &str, target: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    v.sort();
    v
}

#[test]
fn every_committed_fuzz_reproducer_is_handled() {
    let mut n = 0;
    for t in TARGETS {
        for f in files("regressions", t) {
            run(t, &std::fs::read(&f).unwrap());
            n += 1;
        }
    }
    assert!(n > 0, "no reproducers found under fuzz/regressions");
}

#[test]
fn every_seed_of_the_fuzz_corpora_is_handled() {
    for t in TARGETS {
        let seeds = files("seeds", t);
        assert!(!seeds.is_empty(), "fuzz/seeds/{t} is empty");
        for f in seeds {
            run(t, &std::fs::read(&f).unwrap());
        }
    }
}
