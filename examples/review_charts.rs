//! Every chart of the demo study (`data/study.toml`), for a human to look at: each chart in
//! PNG and SVG at 1200x675 and at 600x338, plus an 11-event small-multiples overview
//! (`grid_overview.png`, the layout past 8 events, which the demo's groups never reach).
//!
//! `cargo run --example review_charts -- OUTDIR` writes `OUTDIR/1200/` and `OUTDIR/600/`
//! (OUTDIR defaults to `evstudy-charts` in the temp folder). The chart tests check sizes,
//! colours and well-formedness; this is for the eye.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use evstudy::chart::{ChartFormat, ChartOptions, render_all};
use evstudy::report::write::write_all;
use evstudy::{Study, StudyConfig};

/// Image sizes written, one sub-folder (named by the width) each.
const SIZES: [(u32, u32); 2] = [(1200, 675), (600, 338)];

#[allow(clippy::print_stdout, clippy::print_stderr)]
fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map_or_else(
        || std::env::temp_dir().join("evstudy-charts"),
        PathBuf::from,
    );
    match write_review_charts(&dir) {
        Ok(n) => {
            println!("{n} files written under {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Render and write every chart at every size; returns the number of files written.
fn write_review_charts(dir: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let config = StudyConfig::from_toml_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data/study.toml"),
    )?;
    let study = evstudy::run(&config)?;
    let grid = eleven_events(&study);
    let mut written = 0;
    for (width, height) in SIZES {
        let sub = dir.join(width.to_string());
        let opts = |formats: &[ChartFormat]| ChartOptions {
            formats: formats.to_vec(),
            width,
            height,
        };
        let files: Vec<(String, Vec<u8>)> =
            render_all(&study, &opts(&[ChartFormat::Png, ChartFormat::Svg]))?
                .into_iter()
                .map(|(name, bytes)| (name.trim_start_matches("charts/").to_string(), bytes))
                .collect();
        written += write_all(&sub, &files)?.len();
        let overview = render_all(&grid, &opts(&[ChartFormat::Png]))?
            .into_iter()
            .find(|(name, _)| name == "charts/overview_all.png")
            .ok_or("no overview_all.png rendered")?;
        written += write_all(&sub, &[("grid_overview.png".to_string(), overview.1)])?.len();
    }
    Ok(written)
}

/// The demo study with its events repeated to 11 and only the `all` group, so that the
/// `all` overview is drawn as small multiples.
fn eleven_events(study: &Study) -> Study {
    let mut grid = study.clone();
    grid.events = study.events.iter().cycle().take(11).cloned().collect();
    grid.groups.retain(|g| g.group == "all");
    grid
}
