//! `study.json`: the whole [`Study`] (settings, version, input digests, warnings, skipped
//! events and every number of the CSV tables), pretty-printed with a trailing newline.

use crate::study::Study;

/// Serialize a study.
///
/// # Errors
/// Never in practice (every field serializes); reported rather than panicking.
pub fn study_json(study: &Study) -> serde_json::Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(study)?;
    v.push(b'\n');
    Ok(v)
}
