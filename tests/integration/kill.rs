//! `kill -9` while writing (#15): a run killed at any moment leaves every output file
//! absent, in its old version or in its new version — never partial. Old and new are two
//! different studies (market and mean model) into the same folder; the kill moments are
//! spread over the whole run, measured first.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common::{demo_inputs, tree};

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
    // The writes start when the first temp file appears (the rendering before it is in
    // memory and cannot leave a file). One watched run measures the write phase, from that
    // moment to the exit; the trials kill the child at moments spread evenly over it (and a
    // little past it). Deterministic in what it checks; when the kernel schedules the child
    // is not, so it also requires that enough kills landed while files were being written,
    // and says how many did.
    let is_tmp = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".evstudy-tmp."))
    };
    // Spawn into `dir`, return once a temp file is there (or the child ended).
    let spawn_until_writing = |dir: &Path| {
        let mut child = command("market", dir).spawn().unwrap();
        let watch = Instant::now();
        loop {
            let writing = std::fs::read_dir(dir)
                .is_ok_and(|mut rd| rd.any(|e| e.is_ok_and(|e| is_tmp(&e.path()))));
            if writing || child.try_wait().unwrap().is_some() || watch.elapsed() > full * 20 {
                break;
            }
            std::thread::yield_now();
        }
        (child, Instant::now())
    };
    let probe = tmp.path().join("probe");
    copy(&old, &probe);
    let (mut child, t0) = spawn_until_writing(&probe);
    assert!(child.wait().unwrap().success());
    let writes = t0.elapsed();
    let (mut before, mut during, mut after, mut mixed) = (0, 0, 0, 0);
    let trials: u32 = 16;
    for k in 0..trials {
        let dir = tmp.path().join(format!("trial{k}"));
        copy(&old, &dir);
        let (mut child, _) = spawn_until_writing(&dir);
        std::thread::sleep(writes.mul_f64(1.1 * f64::from(k) / f64::from(trials - 1)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (mut n_new, mut n_old, mut n_tmp) = (0, 0, 0);
        for (rel, bytes) in tree(&dir) {
            let name = rel.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with(".evstudy-tmp.") {
                n_tmp += 1; // a temp file of the killed run: removed by the next run
                continue;
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
                n_new += 1;
            } else if is_old && !is_new {
                n_old += 1;
            }
        }
        if n_new == 0 && n_tmp == 0 {
            before += 1;
        } else if n_old == 0 && n_tmp == 0 && tree(&dir).len() == new.len() {
            after += 1;
        } else {
            during += 1;
            // Killed between two renames: some files already new, others still old.
            mixed += usize::from(n_new > 0 && n_old > 0);
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
        "kill -9: {trials} trials: {before} before the first write, {during} while writing ({mixed} with old and new files side by side), {after} after the last; full run {full:?}, write phase {writes:?}"
    );
    assert!(
        during >= 3,
        "only {during} of {trials} kills landed while writing ({before} before, {after} after)"
    );
}
