//! Reporting: pure functions from a finished [`Study`] to bytes (STYLE.md §5), and the
//! atomic writer. Nothing here computes a statistic.

pub mod csv;
pub mod guard;
pub mod html;
pub mod json;
pub mod manifest;
pub mod settings;
pub mod summary;
pub mod summary_json;
pub mod tables;
pub mod write;
pub mod xlsx;

use std::path::{Path, PathBuf};

use crate::chart::{ChartFormat, ChartOptions};
use crate::config::{ReportFormat, Step};
use crate::error::{Error, Result};
use crate::result::Study;

/// The files a table format writes, relative to the output folder.
pub fn table_files(format: ReportFormat) -> &'static [&'static str] {
    match format {
        ReportFormat::Csv => &["ar.csv", "events.csv", "aar.csv", "tests.csv"],
        ReportFormat::Json => &["study.json"],
        ReportFormat::Md => &["report.md"],
        ReportFormat::Tex => &["report.tex"],
        ReportFormat::Html => &["report.html"],
        ReportFormat::Xlsx => &["results.xlsx"],
        ReportFormat::Parquet => &["ar.parquet", "events.parquet"],
    }
}

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
    render_with_progress(study, formats, charts, &mut |_| {})
}

/// [`render`], calling `progress` at each table format and chart ([`Step::Table`],
/// [`Step::Charts`]).
///
/// # Errors
/// As [`render`].
pub fn render_with_progress(
    study: &Study,
    formats: &[ReportFormat],
    charts: &[ChartFormat],
    progress: &mut dyn FnMut(Step),
) -> Result<Vec<(String, Vec<u8>)>> {
    // The charts first: report.html inlines the SVG ones rather than drawing them again.
    let drawn = if charts.is_empty() {
        Vec::new()
    } else {
        let opts = ChartOptions {
            formats: charts.to_vec(),
            width: study.config.chart_width,
            height: study.config.chart_height,
        };
        crate::chart::render_all_with_progress(study, &opts, &mut |done, total| {
            progress(Step::Charts { done, total });
        })
        .map_err(|e| Error::Chart(e.to_string()))?
    };
    let mut files = Vec::new();
    for f in formats {
        progress(Step::Table(f.name()));
        let contents = match f {
            ReportFormat::Csv => vec![
                csv::ar_csv(study)?,
                csv::events_csv(study)?,
                csv::aar_csv(study)?,
                csv::tests_csv(study)?,
            ],
            ReportFormat::Json => vec![json::study_json(study)?],
            ReportFormat::Parquet => {
                // From the CSV bytes already rendered for `csv`, when it came first.
                let table = |name: &str, render: fn(&Study) -> Result<Vec<u8>>| {
                    let csv = match files.iter().find(|(n, _): &&(String, Vec<u8>)| n == name) {
                        Some((_, bytes)) => std::borrow::Cow::Borrowed(bytes.as_slice()),
                        None => std::borrow::Cow::Owned(render(study)?),
                    };
                    crate::data::convert::table_to_parquet(&csv, csv::column_type)
                };
                vec![
                    table("ar.csv", csv::ar_csv)?,
                    table("events.csv", csv::events_csv)?,
                ]
            }
            ReportFormat::Md => vec![tables::markdown(study)],
            ReportFormat::Tex => vec![tables::latex(study, study.config.tex_form)],
            ReportFormat::Html if charts.contains(&ChartFormat::Svg) => {
                let svgs: Vec<(String, Vec<u8>)> = drawn
                    .iter()
                    .filter(|(name, _)| {
                        Path::new(name).extension()
                            == Some(std::ffi::OsStr::new(ChartFormat::Svg.extension()))
                    })
                    .cloned()
                    .collect();
                vec![html::report_html_with(study, &svgs)?]
            }
            ReportFormat::Html => vec![html::report_html(study)?],
            ReportFormat::Xlsx => vec![xlsx::results_xlsx(study)?],
        };
        let names = table_files(*f).iter().map(|n| (*n).to_string());
        files.extend(names.zip(contents));
    }
    files.extend(drawn);
    Ok(files)
}

/// Render what the study's settings ask for (`format`, `chart`) and write it into `dir`,
/// every file whole or not at all.
///
/// # Errors
/// `Io` when a file cannot be written, `Chart` when a chart cannot be rendered, `Internal`
/// when a table cannot be written.
pub fn write_study(study: &mut Study, dir: &Path) -> Result<Vec<PathBuf>> {
    write_study_with_progress(study, dir, &mut |_| {}).map(|(w, _)| w)
}

/// [`write_study`], calling `progress` while rendering and before writing.
///
/// # Errors
/// As [`write_study`].
pub fn write_study_with_progress(
    study: &mut Study,
    dir: &Path,
    progress: &mut dyn FnMut(Step),
) -> Result<(Vec<PathBuf>, manifest::Cleanup)> {
    let prev = manifest::previous(dir);
    let formats: Vec<ReportFormat> = study.config.format.clone();
    let charts = study.config.chart.clone();
    let others: Vec<ReportFormat> = formats
        .iter()
        .copied()
        .filter(|f| *f != ReportFormat::Json)
        .collect();
    let mut files = render_with_progress(study, &others, &charts, progress)?;
    if formats.contains(&ReportFormat::Json) {
        // study.json last: it lists every file of the run (itself without a hash).
        progress(Step::Table("json"));
        let mut entries = manifest::manifest_of(&files);
        entries.push(manifest::ManifestEntry {
            file: manifest::SELF.to_string(),
            hash: String::new(),
            algorithm: crate::result::HASH_ALGORITHM.to_string(),
        });
        study.manifest = Some(entries);
        let json = json::study_json(study)?;
        // In the order of the formats asked for: after the files of those before json.
        let before: usize = formats
            .iter()
            .take_while(|f| **f != ReportFormat::Json)
            .map(|f| table_files(*f).len())
            .sum();
        files.insert(before.min(files.len()), (manifest::SELF.to_string(), json));
    }
    progress(Step::Writing { files: files.len() });
    let written = write::write_all(dir, &files)?;
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let cleanup = match prev {
        Some(prev) => manifest::remove_stale(dir, &prev, &names)?,
        None => manifest::Cleanup::default(),
    };
    Ok((written, cleanup))
}

/// The two fields of a `study.json` read before the rest: its format and version.
#[derive(serde::Deserialize)]
struct Head {
    #[serde(default)]
    format: u32,
    #[serde(default)]
    version: Option<String>,
}

/// Read a `study.json` written by `evstudy run` (#15): a UTF-8 byte-order mark is accepted,
/// a newer format refused, an older one (or another evstudy version) noted, and the study
/// checked for internal consistency ([`Study::check`]) before anything is drawn from it.
/// Returns the study and the notes for stderr.
///
/// # Errors
/// `Io` when unreadable; `StudyJson` with the line and column where the JSON is not a
/// study, with the format when it is newer than this evstudy's, or with the JSON path of
/// the first inconsistency.
pub fn read_study(path: &Path) -> Result<(Study, Vec<String>)> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let bad = |at: String, message: String| Error::StudyJson {
        path: path.to_path_buf(),
        at,
        message,
    };
    let located = |e: &serde_json::Error| format!("line {}, column {}", e.line(), e.column());
    // serde_json's message without its own " at line L column C" (the location leads).
    let what = |e: &serde_json::Error| {
        let m = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        m.strip_suffix(&suffix).unwrap_or(&m).to_string()
    };
    let ours = env!("CARGO_PKG_VERSION");
    let newer = |format: u32, by: &str| {
        bad(
            "format".into(),
            format!(
                "study format {format} (written by evstudy {by}) is newer than this evstudy {ours} reads (format {}); use evstudy {by} or newer, or re-run the study",
                crate::result::STUDY_FORMAT
            ),
        )
    };
    // One parse on the usual path. When it fails, the format alone is read, so a newer
    // file is refused for what it is, not for a field this version does not know.
    let study: Study =
        serde_json::from_slice(bytes).map_err(|e| match serde_json::from_slice::<Head>(bytes) {
            Ok(head) if head.format > crate::result::STUDY_FORMAT => newer(
                head.format,
                head.version.as_deref().unwrap_or("an unknown version"),
            ),
            _ => bad(
                located(&e),
                format!("not a study.json written by evstudy run: {}", what(&e)),
            ),
        })?;
    let by = study.version.as_str();
    if study.format > crate::result::STUDY_FORMAT {
        return Err(newer(study.format, by));
    }
    study.check().map_err(|(at, message)| bad(at, message))?;
    let mut notes = Vec::new();
    if study.format < crate::result::STUDY_FORMAT {
        notes.push(format!(
            "{}: written by evstudy {by} in study format {} (this evstudy writes format {}); re-rendered as read, fields added since are empty",
            path.display(),
            study.format,
            crate::result::STUDY_FORMAT
        ));
    } else if by != ours {
        notes.push(format!(
            "{}: written by evstudy {by}; re-rendered by evstudy {ours}",
            path.display()
        ));
    }
    Ok((study, notes))
}
