//! Reporting: pure functions from a finished [`Study`] to bytes (STYLE.md §5), and the
//! atomic writer. Nothing here computes a statistic.

pub mod csv;
pub mod json;
pub mod summary;
pub mod write;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::study::Study;

/// Render `ar.csv`, `events.csv`, `aar.csv`, `tests.csv` and `study.json` and write them into `dir`.
///
/// # Errors
/// `Io` when a file cannot be written.
pub fn write_study(study: &Study, dir: &Path) -> Result<Vec<PathBuf>> {
    let json = json::study_json(study).map_err(|e| Error::Io {
        path: dir.join("study.json"),
        source: std::io::Error::other(e),
    })?;
    let files = vec![
        ("ar.csv".to_string(), csv::ar_csv(study)),
        ("events.csv".to_string(), csv::events_csv(study)),
        ("aar.csv".to_string(), csv::aar_csv(study)),
        ("tests.csv".to_string(), csv::tests_csv(study)),
        ("study.json".to_string(), json),
    ];
    write::write_all(dir, &files)
}
