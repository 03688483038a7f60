//! `kill -9` while writing (#15): a run killed at any moment leaves every output file
//! absent, in its old version or in its new version — never partial. Old and new are two
//! different studies (market and mean model) into the same folder; the kill moments are
//! spread over the whole run, measured first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common::demo_inputs;

fn command(model: &str, out: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("evstudy"));
    c.args(["run", "-q"])
        .args(demo_inputs())
        .args([
            "--model",
            model,
            "--format",
            "csv,json,md,tex,html,xlsx",
            "--chart",
            "png",
        ])
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
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

fn copy(from: &BTreeMap<PathBuf, Vec<u8>>, to: &Path) {
    for (rel, bytes) in from {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn a_run_killed_while_writing_leaves_old_or_new_files_never_partial() {
    let tmp = tempfile::tempdir().unwrap();
    let (old_dir, new_dir) = (tmp.path().join("old"), tmp.path().join("new"));
    assert!(command("mean", &old_dir).status().unwrap().success());
    let start = Instant::now();
    assert!(command("market", &new_dir).status().unwrap().success());
    let full = start.elapsed();
    let (old, new) = (tree(&old_dir), tree(&new_dir));
    assert!(old.len() > 20 && new.len() > 20);
    // Kill moments from 40% to 115% of a full run, denser towards the end where the files
    // are written (a fixed sequence: the test is deterministic in what it checks, not in
    // when the kernel schedules the child).
    let trials = 16;
    let (mut killed, mut some_new) = (0, 0);
    for k in 0..trials {
        let dir = tmp.path().join(format!("trial{k}"));
        copy(&old, &dir);
        let mut child = command("market", &dir).spawn().unwrap();
        std::thread::sleep(
            full.mul_f64(0.4 + 0.75 * (f64::from(k) / f64::from(trials - 1)).sqrt()),
        );
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        for (rel, bytes) in tree(&dir) {
            let name = rel.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with(".evstudy-tmp.") {
                continue; // a temp file of the killed run: removed by the next run
            }
            let is_old = old.get(&rel) == Some(&bytes);
            let is_new = new.get(&rel) == Some(&bytes);
            assert!(
                is_old || is_new,
                "trial {k}: {} is neither the old nor the new version ({} bytes)",
                rel.display(),
                bytes.len()
            );
            if is_new && !is_old {
                some_new += 1;
            }
        }
        // A rerun completes and removes the killed run's temp files.
        assert!(command("market", &dir).status().unwrap().success());
        assert_eq!(
            tree(&dir),
            new,
            "trial {k}: a rerun gives the new study exactly"
        );
    }
    eprintln!(
        "kill -9: {killed} of {trials} runs killed while running ({some_new} new files seen), full run {full:?}"
    );
}
