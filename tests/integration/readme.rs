//! Every command in the README is run here, as written: the `evstudy …` lines of its code
//! blocks (continuation lines joined), with `out/` redirected to a temporary folder and the
//! placeholder `my_prices.csv` replaced by a renamed-header copy of the demo prices and
//! `my_factors.csv` by the demo's factors as a generic decimal `date,...` CSV. The
//! README's chart must be the one its demo command draws, byte for byte.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common::{require_shared, shared_or_skip};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `evstudy` commands of the README's shell blocks.
fn readme_commands() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut cmds = Vec::new();
    let mut in_sh = false;
    let mut current = String::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line.trim() == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let l = line.split("  #").next().unwrap_or("").trim();
        if current.is_empty() && !l.starts_with("evstudy ") && !l.starts_with("cargo run -- ") {
            continue;
        }
        current.push_str(l.trim_end_matches('\\'));
        current.push(' ');
        if !l.ends_with('\\') {
            cmds.push(current.split_whitespace().collect::<Vec<_>>().join(" "));
            current.clear();
        }
    }
    cmds
}

fn vendor_prices(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(root().join("data/prices.csv")).unwrap();
    let renamed = src.replacen(
        "date,ticker,open,high,low,close,prev_close,volume",
        "asof,ts_code,open,high,low,px_last,pre_close,vol",
        1,
    );
    let p = dir.join("my_prices.csv");
    std::fs::write(&p, renamed).unwrap();
    p
}

/// The demo's French-layout factors as `date,mkt_rf,smb,hml,rf` in decimals.
fn generic_factors(dir: &Path) -> PathBuf {
    let src = std::fs::read_to_string(root().join("data/factors_ff3_daily.CSV")).unwrap();
    let mut out = String::from("date,mkt_rf,smb,hml,rf\n");
    for line in src.lines() {
        let cells: Vec<&str> = line
            .trim_end_matches('\r')
            .split(',')
            .map(str::trim)
            .collect();
        if cells.len() == 5 && cells[0].len() == 8 && cells[0].bytes().all(|b| b.is_ascii_digit()) {
            let v: Vec<String> = cells[1..]
                .iter()
                .map(|c| (c.parse::<f64>().unwrap() / 100.0).to_string())
                .collect();
            out.push_str(&format!("{},{}\n", cells[0], v.join(",")));
        }
    }
    let p = dir.join("my_factors.csv");
    std::fs::write(&p, out).unwrap();
    p
}

fn run(cmd: &str, tmp: &Path) -> std::process::Output {
    let args: Vec<String> = cmd
        .split_whitespace()
        .skip(if cmd.starts_with("cargo run -- ") {
            3
        } else {
            1
        })
        // Shell quotes (`'stocks/*.csv'`) are the shell's: the program sees the bare pattern.
        .map(|a| a.trim_matches('\''))
        .map(|a| {
            if let Some(rest) = a.strip_prefix("out/") {
                tmp.join("out").join(rest).display().to_string()
            } else if a == "my_prices.csv" {
                vendor_prices(tmp).display().to_string()
            } else if a == "my_factors.csv" {
                generic_factors(tmp).display().to_string()
            } else {
                a.to_string()
            }
        })
        .collect();
    Command::cargo_bin("evstudy")
        .unwrap()
        .current_dir(root())
        .args(&args)
        .output()
        .unwrap()
}

#[test]
fn every_readme_command_runs_as_written() {
    let cmds = readme_commands();
    assert!(
        cmds.len() >= 10,
        "found only {} README commands: {cmds:?}",
        cmds.len()
    );
    // On a fresh clone without ../shared the real-data commands are left out (CI runs them).
    let with_shared = shared_or_skip("").is_some();
    let tmp = tempfile::tempdir().unwrap();
    // Commands run in README order: `chart`/`report` read the demo's study.json.
    for cmd in cmds
        .iter()
        .filter(|c| with_shared || !c.contains("../shared/"))
    {
        let out = run(cmd, tmp.path());
        assert!(
            out.status.success(),
            "README command failed: {cmd}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let o = tmp.path().join("out");
    for f in [
        "demo/ar.csv",
        "demo/report.md",
        "demo/charts/car_SANC1-600101.svg",
        "basic/events.csv",
        "mean/tests.csv",
        "ff3/events.csv",
        "factors/events.csv",
        "hits.csv",
        "charts/aar_all.svg",
        "report/report.tex",
        "pages/report.html",
        "pages/results.xlsx",
        "vendor/baostock/ar.csv",
        "vendor/stocks/ar.csv",
        "vendor/crsp/ar.csv",
        "vendor/wide/ar.csv",
        "vendor/parquet/ar.csv",
        "vendor/akshare.parquet",
    ]
    .into_iter()
    .filter(|&f| with_shared || f != "hits.csv")
    {
        assert!(o.join(f).exists(), "{f} was not written");
    }
    // The README opens with the chart its own demo command draws.
    assert_eq!(
        std::fs::read(o.join("demo/charts/car_SANC1-600101.png")).unwrap(),
        std::fs::read(root().join("docs/car_SANC1-600101.png")).unwrap(),
        "docs/car_SANC1-600101.png is stale: copy it from out/demo/charts/"
    );
}

#[test]
fn readme_sanctions_summary_excerpt_is_what_the_command_prints() {
    require_shared!();
    let cmds = readme_commands();
    let cmd = cmds
        .iter()
        .find(|c| c.contains("events_sanctions.csv"))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(cmd, tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let excerpt: Vec<&str> = readme
        .lines()
        .filter(|l| {
            l.contains("closed limit-down: day-0 AR is a bound")
                || l.starts_with("price limits:")
                || l.starts_with("trading halts:")
                || l.contains(" halted 20")
                || l.contains("over 3 sessions (trade-to-trade)")
        })
        .collect();
    assert!(!excerpt.is_empty());
    for line in excerpt {
        assert!(
            stdout.contains(line.trim()),
            "README shows a line the command does not print: {line}\n---\n{stdout}"
        );
    }
}

#[test]
fn readme_opens_with_the_hikvision_charts_that_evstudy_draws_from_the_shared_data() {
    require_shared!();
    // docs/make_images.sh, run through the binary.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("real");
    let status = Command::cargo_bin("evstudy")
        .unwrap()
        .current_dir(root())
        .args([
            "run",
            "--prices",
            "../shared/data/prices_sanctioned.csv",
            "--market",
            "../shared/data/index_csi300.csv",
            "--events",
            "../shared/data/events_sanctions_cn_day0.csv",
            "--format",
            "csv",
            "--chart",
            "png",
            "-q",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success());
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let script = std::fs::read_to_string(root().join("docs/make_images.sh")).unwrap();
    for day in ["2022-05-05", "2019-10-08"] {
        let doc = format!("docs/hikvision_{day}.png");
        assert!(readme.contains(&doc), "README does not show {doc}");
        assert!(script.contains(&format!("car_002415.SZ_{day}.png")));
        assert_eq!(
            std::fs::read(out.join(format!("charts/car_002415.SZ_{day}.png"))).unwrap(),
            std::fs::read(root().join(&doc)).unwrap(),
            "{doc} is stale: run bash docs/make_images.sh"
        );
    }
    // The README opens with the real case, before the demo.
    let real = readme.find("docs/hikvision_2022-05-05.png").unwrap();
    assert!(real < readme.find("docs/car_SANC1-600101.png").unwrap());
}
