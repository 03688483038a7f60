//! Reporting: pure functions from a finished [`Study`] to bytes (STYLE.md §5), and the
//! atomic writer. Nothing here computes a statistic.

pub mod csv;
pub mod html;
pub mod json;
pub mod settings;
pub mod summary;
pub mod tables;
pub mod write;
pub mod xlsx;

use std::path::{Path, PathBuf};

use crate::chart::{ChartFormat, ChartOptions};
use crate::config::ReportFormat;
use crate::error::{Error, Result};
use crate::result::Study;

/// Render the tables of `formats` and the charts of `charts` for a finished study.
///
/// # Errors
/// `Chart` when a chart cannot be rendered (also those `report.html` inlines) or
/// `results.xlsx` cannot be written, `Internal` when a table cannot be written.
pub fn render(
    study: &Study,
    formats: &[ReportFormat],
    charts: &[ChartFormat],
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for f in formats {
        match f {
            ReportFormat::Csv => files.extend([
                ("ar.csv".to_string(), csv::ar_csv(study)?),
                ("events.csv".to_string(), csv::events_csv(study)?),
                ("aar.csv".to_string(), csv::aar_csv(study)?),
                ("tests.csv".to_string(), csv::tests_csv(study)?),
            ]),
            ReportFormat::Json => {
                let json = json::study_json(study)?;
                files.push(("study.json".to_string(), json));
            }
            ReportFormat::Md => files.push(("report.md".to_string(), tables::markdown(study))),
            ReportFormat::Tex => files.push(("report.tex".to_string(), tables::latex(study))),
            ReportFormat::Html => {
                files.push(("report.html".to_string(), html::report_html(study)?));
            }
            ReportFormat::Xlsx => {
                files.push(("results.xlsx".to_string(), xlsx::results_xlsx(study)?));
            }
        }
    }
    if !charts.is_empty() {
        let opts = ChartOptions {
            formats: charts.to_vec(),
            width: study.config.chart_width,
            height: study.config.chart_height,
        };
        files.extend(
            crate::chart::render_all(study, &opts).map_err(|e| Error::Chart(e.to_string()))?,
        );
    }
    Ok(files)
}

/// Render what the study's settings ask for (`format`, `chart`) and write it into `dir`,
/// every file whole or not at all.
///
/// # Errors
/// `Io` when a file cannot be written, `Chart` when a chart cannot be rendered, `Internal`
/// when a table cannot be written.
pub fn write_study(study: &Study, dir: &Path) -> Result<Vec<PathBuf>> {
    let files = render(study, &study.config.format, &study.config.chart)?;
    write::write_all(dir, &files)
}

/// Read a `study.json` written by `evstudy run`.
///
/// # Errors
/// `Io` when unreadable, `Config` when it is not a study of this evstudy version.
pub fn read_study(path: &Path) -> Result<Study> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        message: format!("not a study.json written by evstudy run: {e}"),
    })
}
