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
    let mut files = Vec::new();
    render_each(study, formats, charts, progress, &mut |name, content| {
        let bytes = match content {
            Content::Bytes(b) => b,
            Content::Stream(mut write) => {
                let mut b = Vec::new();
                write(&mut b).map_err(|e| Error::Internal(format!("cannot render {name}: {e}")))?;
                b
            }
        };
        files.push((name, bytes));
        Ok(())
    })?;
    Ok(files)
}

/// What writes a streamed file to the writer it is given.
pub type WriteFn<'a> = Box<dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()> + Send + 'a>;

/// A rendered output: its bytes, or, for a table that can be large (`ar.csv`), what writes
/// them, so that they can go to disk as they are rendered (#13).
pub enum Content<'a> {
    /// The whole file.
    Bytes(Vec<u8>),
    /// Writes the whole file to the writer it is given.
    Stream(WriteFn<'a>),
}

/// Render the tables of `formats`, then the charts, handing each file to `sink` as soon
/// as it is ready (in the order [`render`] lists them).
fn render_each<'a>(
    study: &'a Study,
    formats: &[ReportFormat],
    charts: &[ChartFormat],
    progress: &mut dyn FnMut(Step),
    sink: &mut dyn FnMut(String, Content<'a>) -> Result<()>,
) -> Result<()> {
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
    // events.csv rendered for `csv`, kept when `parquet` follows (its table is made from it).
    let mut events_csv: Option<Vec<u8>> = None;
    let wants_parquet = formats.contains(&ReportFormat::Parquet);
    for f in formats {
        progress(Step::Table(f.name()));
        let contents: Vec<Content<'a>> = match f {
            ReportFormat::Csv => {
                let events = csv::events_csv(study)?;
                if wants_parquet {
                    events_csv = Some(events.clone());
                }
                vec![
                    Content::Stream(Box::new(|w| csv::write_ar_csv(study, w))),
                    Content::Bytes(events),
                    Content::Bytes(csv::aar_csv(study)?),
                    Content::Bytes(csv::tests_csv(study)?),
                ]
            }
            ReportFormat::Json => vec![Content::Stream(Box::new(|w| {
                json::write_study_json(study, w)
            }))],
            ReportFormat::Parquet => {
                let events = match events_csv.take() {
                    Some(bytes) => bytes,
                    None => csv::events_csv(study)?,
                };
                vec![
                    Content::Bytes(crate::data::convert::table_to_parquet(
                        &csv::ar_csv(study)?,
                        csv::column_type,
                    )?),
                    Content::Bytes(crate::data::convert::table_to_parquet(
                        &events,
                        csv::column_type,
                    )?),
                ]
            }
            ReportFormat::Md => vec![Content::Bytes(tables::markdown(study))],
            ReportFormat::Tex => vec![Content::Bytes(tables::latex(study, study.config.tex_form))],
            ReportFormat::Html if charts.contains(&ChartFormat::Svg) => {
                let svgs: Vec<(String, Vec<u8>)> = drawn
                    .iter()
                    .filter(|(name, _)| {
                        Path::new(name).extension()
                            == Some(std::ffi::OsStr::new(ChartFormat::Svg.extension()))
                    })
                    .cloned()
                    .collect();
                vec![Content::Bytes(html::report_html_with(study, &svgs)?)]
            }
            ReportFormat::Html => vec![Content::Bytes(html::report_html(study)?)],
            ReportFormat::Xlsx => vec![Content::Bytes(xlsx::results_xlsx(study)?)],
        };
        for (name, content) in table_files(*f).iter().zip(contents) {
            sink((*name).to_string(), content)?;
        }
    }
    for (name, bytes) in drawn {
        sink(name, Content::Bytes(bytes))?;
    }
    Ok(())
}

/// Render what the study's settings ask for (`format`, `chart`) and write it into `dir`,
/// every file whole or not at all: each is staged in a temporary file as it is rendered and
/// all are renamed into place at the end, so a rendering or disk failure leaves no new or
/// changed result behind (the staged temporary files are removed; the charts are drawn
/// first, so a chart failure does not even create the folder).
///
/// # Errors
/// `Io` when a file cannot be written, `Chart` when a chart cannot be rendered, `Internal`
/// when a table cannot be written.
pub fn write_study(study: &mut Study, dir: &Path) -> Result<Vec<PathBuf>> {
    write_study_with_progress(study, dir, &mut |_| {}).map(|(w, _)| w)
}

/// [`write_study`], calling `progress` while rendering and before the files are renamed
/// into place. Each file goes to its temporary file as it is rendered (`ar.csv` and
/// `study.json` as they are written), so a large study is not held in memory twice (#13).
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
    let mut stage = write::Stage::new(dir)?;
    let mut entries: Vec<manifest::ManifestEntry> = Vec::new();
    render_each(study, &others, &charts, progress, &mut |name, content| {
        let hash = match content {
            Content::Bytes(bytes) => stage.file(&name, &mut |w| w.write_all(&bytes))?,
            Content::Stream(mut write) => stage.file(&name, &mut *write)?,
        };
        entries.push(manifest::ManifestEntry {
            file: name,
            hash,
            algorithm: crate::result::HASH_ALGORITHM.to_string(),
        });
        Ok(())
    })?;
    let mut names: Vec<String> = entries.iter().map(|e| e.file.clone()).collect();
    if formats.contains(&ReportFormat::Json) {
        // study.json last: it lists every file of the run (itself without a hash).
        progress(Step::Table("json"));
        entries.push(manifest::ManifestEntry {
            file: manifest::SELF.to_string(),
            hash: String::new(),
            algorithm: crate::result::HASH_ALGORITHM.to_string(),
        });
        study.manifest = Some(entries);
        stage.file(manifest::SELF, &mut |w| json::write_study_json(study, w))?;
        names.push(manifest::SELF.to_string());
    }
    progress(Step::Writing { files: names.len() });
    let mut written = stage.commit()?;
    if formats.contains(&ReportFormat::Json) {
        // Listed in the order of the formats asked for: after the files of those before json.
        let before: usize = formats
            .iter()
            .take_while(|f| **f != ReportFormat::Json)
            .map(|f| table_files(*f).len())
            .sum();
        let at = before.min(written.len() - 1);
        let json = written.pop();
        written.splice(at..at, json);
        let name = names.pop();
        names.splice(at..at, name);
    }
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
