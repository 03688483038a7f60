//! `study.json`: the whole [`Study`] (settings, version, input digests, warnings, skipped
//! events and every number of the CSV tables), compact (one line) unless the study asks for
//! `pretty_json`, with a trailing newline; and the JSON form of a limit scan (pretty).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::limits::LimitScan;
use crate::result::Study;

fn pretty(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(value)
        .map_err(|e| Error::Internal(format!("cannot serialize JSON: {e}")))?;
    v.push(b'\n');
    Ok(v)
}

/// Serialize a study.
///
/// # Errors
/// Never in practice (every field serializes); reported as `Internal` rather than panicking.
pub fn study_json(study: &Study) -> Result<Vec<u8>> {
    if study.config.json_style == crate::config::JsonStyle::Pretty {
        return pretty(study);
    }
    let mut v = serde_json::to_vec(study)
        .map_err(|e| Error::Internal(format!("cannot serialize JSON: {e}")))?;
    v.push(b'\n');
    Ok(v)
}

/// Serialize a limit scan (`evstudy limits --format json`).
///
/// # Errors
/// As [`study_json`].
pub fn scan_json(scan: &LimitScan) -> Result<Vec<u8>> {
    pretty(scan)
}
