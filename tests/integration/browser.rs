//! `report.html` in a real browser (#14): Debian's headless Chromium renders the demo
//! study's page to a PNG, which must not be blank, and dumps its DOM, which must hold the
//! key numbers as the page prints them. Without `/usr/bin/chromium` the tests print a skip
//! notice and pass, unless `CI=true` (`.ci/run` installs Chromium), where they fail.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as BinCommand;

use crate::common::demo;

const CHROMIUM: &str = "/usr/bin/chromium";

/// `/usr/bin/chromium`, or `None` after a skip notice (a failure under `CI=true`).
fn chromium_or_skip() -> Option<PathBuf> {
    let p = PathBuf::from(CHROMIUM);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{CHROMIUM} not found: CI=true, and CI must run the browser test (.ci/run installs Debian's chromium)"
    );
    let _ = writeln!(
        std::io::stderr(),
        "browser test: skipped: {CHROMIUM} not found (apt-get install chromium; set CI=true to make this a failure)"
    );
    None
}

/// The demo study's `report.html` (and its CSV tables), written by the binary into `dir`.
fn demo_report(dir: &Path) -> PathBuf {
    let out = dir.join("demo");
    BinCommand::cargo_bin("evstudy")
        .unwrap()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .args(["--format", "html,csv", "--chart", "png", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// Run headless Chromium on `page` with `extra` arguments; its stdout (through a file: a
/// page's DOM is more than a pipe holds while we wait). Killed after 180 s.
fn chromium(exe: &Path, profile: &Path, extra: &[String], page: &Path) -> String {
    let stdout = profile.with_extension("stdout");
    let mut child = Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "chromium failed: {status:?}");
    String::from_utf8_lossy(&std::fs::read(&stdout).unwrap()).into_owned()
}

/// The CAAR of group `all`, window 0:0, as the page prints it (two decimals of a percent).
fn caar_0_0(dir: &Path) -> String {
    let mut rd = csv::Reader::from_path(dir.join("tests.csv")).unwrap();
    let h = rd.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (g, w, t, s) = (col("group"), col("window"), col("test"), col("statistic"));
    let row = rd
        .records()
        .map(Result::unwrap)
        .find(|r| &r[g] == "all" && &r[w] == "0:0" && &r[t] == "caar")
        .unwrap();
    format!("{:.2}%", 100.0 * row[s].parse::<f64>().unwrap())
}

#[test]
fn chromium_renders_the_demo_report_with_its_numbers() {
    let Some(exe) = chromium_or_skip() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = demo_report(tmp.path());
    let page = dir.join("report.html");
    let profile = tmp.path().join("profile");

    let shot = tmp.path().join("shot.png");
    chromium(
        &exe,
        &profile,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".to_string(),
        ],
        &page,
    );
    let img = image::open(&shot).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1280, 2000));
    let mut counts = std::collections::HashMap::new();
    for p in img.pixels() {
        *counts.entry(p.0).or_insert(0usize) += 1;
    }
    let most = counts.values().max().copied().unwrap_or(0);
    assert!(
        counts.len() >= 64,
        "only {} colours: blank page?",
        counts.len()
    );
    assert!(
        most < img.pixels().len() * 97 / 100,
        "one colour covers {most} of {} pixels: blank page?",
        img.pixels().len()
    );

    let dom = chromium(&exe, &profile, &["--dump-dom".to_string()], &page);
    let caar = caar_0_0(&dir);
    for want in [
        "<th scope=\"rowgroup\">CAR(0:0)</th>".to_string(),
        format!("<td class=\"num\">{caar}</td>"),
        "SANC1-600101".to_string(),
        "<td class=\"test\">bmp_t</td>".to_string(),
        "<td class=\"test\">grank_t</td>".to_string(),
        "Price limits: ".to_string(),
        "CAR of event SANC1-600101 (600101.SH, day 0 2022-05-05)".to_string(),
    ] {
        assert!(dom.contains(&want), "the DOM has no {want:?}");
    }
    // Every chart is in the DOM as an SVG element.
    assert!(dom.matches("<svg ").count() >= 4);
}
