//! The output folder is evstudy's (#14): `study.json` lists every file a run wrote with its
//! BLAKE3 hash (the manifest), and the next run into the same folder removes the files of that
//! manifest it does not write again — only those, and only while they still have the bytes
//! evstudy wrote; a file changed since, or never listed, is never touched.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
pub use crate::result::ManifestEntry;

/// The manifest's name for the `study.json` that holds it (its own hash cannot be in it).
pub const SELF: &str = "study.json";

/// The manifest of `files` (name, bytes), `study.json` listed without a hash.
pub fn manifest_of(files: &[(String, Vec<u8>)]) -> Vec<ManifestEntry> {
    files
        .iter()
        .map(|(name, bytes)| ManifestEntry {
            file: name.clone(),
            hash: if name == SELF {
                String::new()
            } else {
                blake3_hex(bytes)
            },
            algorithm: crate::result::HASH_ALGORITHM.to_string(),
        })
        .collect()
}

/// BLAKE3 of `bytes`, lowercase hex (multi-threaded above a few hundred KiB).
pub fn blake3_hex(bytes: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    if bytes.len() > 1 << 18 {
        h.update_rayon(bytes);
    } else {
        h.update(bytes);
    }
    h.finalize().to_hex().to_string()
}

/// The hash of `bytes` by `algorithm` (`blake3`, or `sha256` for a manifest of format 1).
fn hash_by(algorithm: &str, bytes: &[u8]) -> Option<String> {
    use sha2::{Digest, Sha256};
    use std::fmt::Write as _;
    match algorithm {
        "blake3" => Some(blake3_hex(bytes)),
        "sha256" => Some(Sha256::digest(bytes).iter().fold(
            String::with_capacity(64),
            |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            },
        )),
        _ => None,
    }
}

/// The manifest of the `study.json` in `dir`, when there is one that evstudy wrote.
pub fn previous(dir: &Path) -> Option<Vec<ManifestEntry>> {
    #[derive(Deserialize)]
    struct Head {
        #[serde(default)]
        manifest: Option<Vec<ManifestEntry>>,
    }
    let path = dir.join(SELF);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    // The manifest is the last field evstudy writes: read from the file's tail when it is
    // there (#13: a re-run into the folder of a large study does not parse its events), else
    // from the whole file.
    if let Some(m) = tail_manifest(&path, meta.len()) {
        return Some(m);
    }
    let bytes = std::fs::read(&path).ok()?;
    serde_json::from_slice::<Head>(&bytes).ok()?.manifest
}

/// The `manifest` of a `study.json` read from its last [`TAIL`] bytes: the text from the
/// last `"manifest":` on, as the one field of an object. In JSON that byte sequence is only
/// ever a key (a quote inside a string is escaped), and a key that is not the study's
/// manifest does not leave a valid object; `None` sends the caller to the whole file.
fn tail_manifest(path: &Path, len: u64) -> Option<Vec<ManifestEntry>> {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 1 << 22;
    #[derive(Deserialize)]
    struct Only {
        manifest: Vec<ManifestEntry>,
    }
    let mut f = std::fs::File::open(path).ok()?;
    let from = len.saturating_sub(TAIL);
    f.seek(SeekFrom::Start(from)).ok()?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail).ok()?;
    let at = memchr::memmem::rfind(&tail, b"\"manifest\":")?;
    let mut object = b"{".to_vec();
    object.extend_from_slice(&tail[at..]);
    serde_json::from_slice::<Only>(&object)
        .ok()
        .map(|o| o.manifest)
}

/// What [`remove_stale`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleanup {
    /// Files of the previous run removed.
    pub removed: Vec<PathBuf>,
    /// Files of the previous run left in place because their bytes changed since.
    pub kept_changed: Vec<PathBuf>,
}

/// Remove from `dir` the files of the previous manifest `prev` that this run did not write
/// (`written`, relative names), when they are regular files with the bytes the manifest
/// records (`study.json` when it still holds that manifest).
///
/// # Errors
/// `Io` when a file cannot be removed.
pub fn remove_stale(dir: &Path, prev: &[ManifestEntry], written: &[String]) -> Result<Cleanup> {
    let mut out = Cleanup::default();
    for e in prev {
        if written.contains(&e.file) || !safe_relative(&e.file) {
            continue;
        }
        let path = dir.join(&e.file);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let unchanged = if e.file == SELF {
            previous(dir).as_deref() == Some(prev)
        } else {
            std::fs::read(&path)
                .is_ok_and(|b| hash_by(&e.algorithm, &b).is_some_and(|h| h == e.hash))
        };
        if !unchanged {
            out.kept_changed.push(path);
            continue;
        }
        std::fs::remove_file(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        out.removed.push(path);
    }
    // A sub-folder (charts/) left empty by the cleanup goes too.
    let mut folders: Vec<&str> = prev
        .iter()
        .filter_map(|e| e.file.split_once('/').map(|(f, _)| f))
        .collect();
    folders.dedup();
    for f in folders {
        let p = dir.join(f);
        if std::fs::read_dir(&p).is_ok_and(|mut d| d.next().is_none()) {
            let _ = std::fs::remove_dir(&p);
        }
    }
    Ok(out)
}

/// A manifest name that stays inside the folder: relative, no `..`, no root.
fn safe_relative(name: &str) -> bool {
    let p = Path::new(name);
    !name.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<(String, Vec<u8>)> {
        names
            .iter()
            .map(|n| ((*n).to_string(), format!("bytes of {n}").into_bytes()))
            .collect()
    }

    fn write(dir: &Path, files: &[(String, Vec<u8>)], manifest: &[ManifestEntry]) {
        for (n, b) in files {
            let p = dir.join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            if n == SELF {
                let doc = serde_json::json!({ "version": "x", "manifest": manifest });
                std::fs::write(p, serde_json::to_vec(&doc).unwrap()).unwrap();
            } else {
                std::fs::write(p, b).unwrap();
            }
        }
    }

    #[test]
    fn a_rerun_removes_the_files_it_no_longer_writes_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let first = files(&["ar.csv", SELF, "report.md", "charts/a.png", "charts/b.png"]);
        let m = manifest_of(&first);
        write(dir.path(), &first, &m);
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        // The user edited report.md: it is theirs now.
        std::fs::write(dir.path().join("report.md"), "edited").unwrap();
        let prev = previous(dir.path()).unwrap();
        assert_eq!(prev, m);
        let done = remove_stale(dir.path(), &prev, &["ar.csv".into(), SELF.into()]).unwrap();
        assert_eq!(done.removed.len(), 2);
        assert_eq!(done.kept_changed, [dir.path().join("report.md")]);
        assert!(!dir.path().join("charts").exists(), "empty charts/ removed");
        for kept in ["ar.csv", SELF, "report.md", "notes.txt"] {
            assert!(dir.path().join(kept).exists(), "{kept}");
        }
    }

    #[test]
    fn names_outside_the_folder_and_symlinks_are_never_removed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("v.csv");
        std::fs::write(&victim, "bytes of v.csv").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, dir.path().join("link.csv")).unwrap();
        let evil = [
            ManifestEntry {
                file: format!(
                    "../{}/v.csv",
                    outside.path().file_name().unwrap().to_string_lossy()
                ),
                hash: blake3_hex(b"bytes of v.csv"),
                algorithm: "blake3".into(),
            },
            ManifestEntry {
                file: victim.display().to_string(),
                hash: blake3_hex(b"bytes of v.csv"),
                algorithm: "blake3".into(),
            },
            ManifestEntry {
                file: "link.csv".into(),
                hash: blake3_hex(b"bytes of v.csv"),
                algorithm: "blake3".into(),
            },
        ];
        let done = remove_stale(dir.path(), &evil, &[]).unwrap();
        assert!(done.removed.is_empty());
        assert!(victim.exists());
    }

    /// The manifest is read from the file's tail when it is the last field (compact or
    /// indented, past labels that hold the key's text), and from the whole file otherwise.
    #[test]
    fn the_previous_manifest_is_read_from_the_tail_or_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SELF);
        let m = manifest_of(&files(&["ar.csv", "report.md"]));
        let label = "a \"manifest\": [] label ".repeat(20);
        let events: Vec<serde_json::Value> = (0..10_000)
            .map(|i| serde_json::json!({ "event_id": format!("E{i}"), "label": label }))
            .collect();
        // serde_json's maps keep their keys sorted: "events" < "manifest" < "zz".
        let last = serde_json::json!({ "version": "x", "events": events, "manifest": m });
        for bytes in [
            serde_json::to_vec(&last).unwrap(),
            serde_json::to_vec_pretty(&last).unwrap(),
        ] {
            assert!(bytes.len() as u64 > 1 << 22, "{} bytes", bytes.len());
            std::fs::write(&path, &bytes).unwrap();
            let len = std::fs::metadata(&path).unwrap().len();
            assert_eq!(tail_manifest(&path, len).as_ref(), Some(&m));
            assert_eq!(previous(dir.path()).as_ref(), Some(&m));
        }
        let first = serde_json::json!({ "manifest": m, "zz": events });
        std::fs::write(&path, serde_json::to_vec(&first).unwrap()).unwrap();
        let len = std::fs::metadata(&path).unwrap().len();
        assert_eq!(tail_manifest(&path, len), None);
        assert_eq!(previous(dir.path()).as_ref(), Some(&m));
    }
}
