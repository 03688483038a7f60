//! The README's scaling charts, drawn by evstudy's own chart code from the CLI benchmark's
//! figures (#13): wall seconds against events, and against price rows, log-log.
//!
//! `cargo run --release --example bench_chart -- benches/cli_results.json docs`
//! writes `docs/scaling_events.png` and `docs/scaling_rows.png`.

use std::path::PathBuf;
use std::process::ExitCode;

use evstudy::chart::{ChartFormat, ScalingChart, ScalingSeries};
use serde_json::Value;

/// `(x, y)` of every entry of `results[key]` that has both numbers.
fn points(results: &Value, key: &str, x: &str, y: &str) -> Vec<(f64, f64)> {
    results[key]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| Some((r[x].as_f64()?, r[y].as_f64()?)))
                .collect()
        })
        .unwrap_or_default()
}

#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let (Some(results), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_chart cli_results.json OUTDIR");
        return ExitCode::from(2);
    };
    let parsed: Result<Value, String> = std::fs::read(&results)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()));
    let r = match parsed {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {}: {e}", results.display());
            return ExitCode::from(3);
        }
    };
    let subtitle = format!(
        "benches/cli_bench.sh · {} CPUs ({}) · {} · commit {}",
        r["nproc"],
        r["cpu"].as_str().unwrap_or("?"),
        r["date"].as_str().unwrap_or("?"),
        r["git_commit"]
            .as_str()
            .unwrap_or("?")
            .chars()
            .take(10)
            .collect::<String>()
    );
    let charts = [
        (
            "scaling_events.png",
            ScalingChart {
                title: "evstudy run: wall time against events (CSI 300 panel, 368,626 rows)".into(),
                subtitle: subtitle.clone(),
                x_desc: "events".into(),
                series: vec![
                    ScalingSeries {
                        label: "evstudy run (default settings)".into(),
                        points: points(&r, "curve_events", "events", "study_s"),
                    },
                    ScalingSeries {
                        label: "polars' bare read of the same CSV".into(),
                        points: points(&r, "curve_events", "events", "read_s"),
                    },
                ],
            },
        ),
        (
            "scaling_rows.png",
            ScalingChart {
                title: "evstudy run: wall time against price rows (5,000 events)".into(),
                subtitle,
                x_desc: "price rows".into(),
                series: vec![
                    ScalingSeries {
                        label: "evstudy run, CSV".into(),
                        points: points(&r, "curve_rows", "rows", "study_s"),
                    },
                    ScalingSeries {
                        label: "polars' bare read of the CSV".into(),
                        points: points(&r, "curve_rows", "rows", "read_s"),
                    },
                ],
            },
        ),
    ];
    for (name, chart) in charts {
        let path = dir.join(name);
        let written = chart
            .render(ChartFormat::Png, 1200, 675)
            .map_err(|e| e.to_string())
            .and_then(|png| std::fs::write(&path, png).map_err(|e| e.to_string()));
        if let Err(e) = written {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(1);
        }
        eprintln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
