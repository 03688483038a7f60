//! `study.json`: the whole [`Study`] (settings, version, input digests, warnings, skipped
//! events and every number of the CSV tables), compact (one line) unless the study asks for
//! `pretty_json`, with a trailing newline; and the JSON form of a limit scan (pretty).

use rayon::prelude::*;
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
    let mut v = Vec::new();
    write_study_json(study, &mut v).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(v)
}

/// [`study_json`] written to `w` as it is serialized (#13).
///
/// # Errors
/// What `w` returns; a value that cannot be serialized (never in practice) as an `Other`
/// error.
pub fn write_study_json(study: &Study, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let internal =
        |e: serde_json::Error| std::io::Error::other(format!("cannot serialize JSON: {e}"));
    if study.config.json_style == crate::config::JsonStyle::Pretty {
        serde_json::to_writer_pretty(&mut *w, study).map_err(internal)?;
        return w.write_all(b"\n");
    }
    // `{head,"events":[` events `],tail}`: the events, nearly all of the bytes, are
    // serialized on the rayon pool a chunk at a time and written as they are (compact JSON
    // of a value does not depend on where it stands); head and tail are the other fields.
    let (head, tail) = parts(study);
    let mut head = serde_json::to_vec(&head).map_err(internal)?;
    head.pop(); // the head's closing brace
    w.write_all(&head)?;
    w.write_all(b",\"events\":[")?;
    let mut first = true;
    super::write::pipelined(
        study.events.chunks(JSON_CHUNK),
        |chunk| {
            chunk
                .par_iter()
                .map(serde_json::to_vec)
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(internal)
        },
        |parts| {
            for p in &parts {
                if !first {
                    w.write_all(b",")?;
                }
                first = false;
                w.write_all(p)?;
            }
            Ok(())
        },
    )?;
    w.write_all(b"],")?;
    let tail = serde_json::to_vec(&tail).map_err(internal)?;
    w.write_all(&tail[1..])?; // without the tail's opening brace
    w.write_all(b"\n")
}

/// Events serialized together by [`study_json`] before their bytes are appended.
const JSON_CHUNK: usize = 1024;

/// The fields of [`Study`] before `events`.
#[derive(Serialize)]
struct Head<'a> {
    format: u32,
    version: &'a str,
    config: &'a crate::config::StudyConfig,
    inputs: &'a [crate::result::InputFile],
    return_source: &'a crate::data::ReturnSource,
    warnings: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
}

/// The fields of [`Study`] after `events`.
#[derive(Serialize)]
struct Tail<'a> {
    skipped: &'a [crate::result::Skip],
    groups: &'a [crate::result::GroupResults],
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest: Option<&'a [crate::result::ManifestEntry]>,
}

/// A study's fields before `events` ([`Head`]) and after it ([`Tail`]), in the same
/// order and with the same rules for leaving one out, so that `head + events + tail` is the
/// derived `Study` JSON byte for byte (checked by `tests/integration/scale.rs`).
fn parts(study: &Study) -> (Head<'_>, Tail<'_>) {
    // Destructured, so that a field added to `Study` does not compile until it is here.
    let Study {
        format,
        version,
        config,
        inputs,
        return_source,
        warnings,
        notes,
        events: _,
        skipped,
        groups,
        manifest,
    } = study;
    (
        Head {
            format: *format,
            version,
            config,
            inputs,
            return_source,
            warnings,
            notes,
        },
        Tail {
            skipped,
            groups,
            manifest: manifest.as_deref(),
        },
    )
}

/// Serialize a limit scan (`evstudy limits --format json`).
///
/// # Errors
/// As [`study_json`].
pub fn scan_json(scan: &LimitScan) -> Result<Vec<u8>> {
    pretty(scan)
}
