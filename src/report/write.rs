//! Output files are written whole or not at all: each goes to a temporary file beside its
//! target and is renamed into place only when every file has been staged.
//!
//! Nothing is written through a symlink or a special file (the targets are checked with
//! [`guard::check_target`] before anything is staged), temporary files are named
//! `.evstudy-tmp.<name>.<random>`, and the leftovers of an interrupted run (regular files of
//! that pattern) are removed from every folder written into. See #15.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::guard;
use crate::error::{Error, Result, SettingsError};

/// Start of the name of every temporary file the writer creates.
pub const TMP_PREFIX: &str = ".evstudy-tmp.";

/// Write every `(relative name, bytes)` under `dir` (sub-folders such as `charts/` are
/// created), each through a temporary file and a rename.
///
/// All contents are rendered before this is called, so a rendering failure leaves the
/// folder untouched; a failing disk leaves no partial file behind.
///
/// # Errors
/// `Settings(OutNotFolder)` when `dir` is not a plain folder, `Settings(UnsafeTarget)`
/// when a target or a folder on its way is a symlink or a special file (nothing is written
/// then), `Io` naming the file that could not be written.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    if let Some(ft) = guard::entry_type(dir)?.filter(|ft| !ft.is_dir()) {
        return Err(SettingsError::OutNotFolder {
            path: dir.to_path_buf(),
            kind: guard::kind_name(ft),
        }
        .into());
    }
    for (name, _) in files {
        guard::check_target(dir, name)?;
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let targets: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    stage_and_rename(&targets, files.iter().map(|(_, b)| b.as_slice()))
}

/// Write one file whole or not at all (`limits --out FILE`); the folder it names is used
/// as it is (it may be reached through a symlink), the file itself is never followed.
///
/// # Errors
/// `Settings(OutNotFile)` when `path` exists and is not a regular file, `Io` naming the
/// file when it cannot be written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    if let Some(ft) = guard::entry_type(path)?.filter(|ft| !ft.is_file()) {
        return Err(SettingsError::OutNotFile {
            path: path.to_path_buf(),
            kind: guard::kind_name(ft),
        }
        .into());
    }
    let mut written = stage_and_rename(&[path.to_path_buf()], std::iter::once(bytes))?;
    Ok(written.remove(0))
}

/// The folder a target is written in (`.` for a bare file name).
fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn stage_and_rename<'a>(
    targets: &[PathBuf],
    contents: impl Iterator<Item = &'a [u8]>,
) -> Result<Vec<PathBuf>> {
    let mut cleaned: Vec<&Path> = Vec::new();
    let mut staged = Vec::with_capacity(targets.len());
    for (target, bytes) in targets.iter().zip(contents) {
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let parent = parent_of(target);
        std::fs::create_dir_all(parent).map_err(io)?;
        if !cleaned.contains(&parent) {
            remove_leftovers(parent, targets)?;
            cleaned.push(parent);
        }
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{base}."))
            .rand_bytes(6)
            .tempfile_in(parent)
            .map_err(io)?;
        tmp.write_all(bytes).map_err(io)?;
        // Temporary files are created owner-only; results are ordinary files.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(io)?;
        }
        tmp.as_file().sync_all().map_err(io)?;
        staged.push((tmp, target));
    }
    let mut written = Vec::with_capacity(staged.len());
    for (tmp, target) in staged {
        tmp.persist(target).map_err(|e| Error::Io {
            path: target.clone(),
            source: e.error,
        })?;
        written.push(target.clone());
    }
    Ok(written)
}

/// Whether `name` is a temporary file of an interrupted write: `.evstudy-tmp.*`, or the
/// `.<target>.XXXXXX` of earlier versions for a target written into the same folder.
pub fn is_leftover(name: &str, targets_here: &[&str]) -> bool {
    if name.starts_with(TMP_PREFIX) {
        return true;
    }
    targets_here.iter().any(|t| {
        name.strip_prefix('.')
            .and_then(|r| r.strip_prefix(*t))
            .and_then(|r| r.strip_prefix('.'))
            .is_some_and(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_alphanumeric()))
    })
}

/// Remove the leftover temporary files (regular files only) of `dir`.
fn remove_leftovers(dir: &Path, targets: &[PathBuf]) -> Result<()> {
    let here: Vec<&str> = targets
        .iter()
        .filter(|t| parent_of(t) == dir)
        .filter_map(|t| t.file_name().and_then(|n| n.to_str()))
        .collect();
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| is_leftover(n, &here)) else {
            continue;
        };
        if !entry.file_type().map_err(io)?.is_file() {
            continue;
        }
        match std::fs::remove_file(entry.path()) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::Io {
                    path: dir.join(name),
                    source: e,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
