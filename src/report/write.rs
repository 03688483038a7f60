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
    let mut stage = Stage::new(dir)?;
    // Every target checked before anything is staged: an unsafe one writes nothing.
    for (name, _) in files {
        guard::check_target(dir, name)?;
    }
    for (name, bytes) in files {
        stage.file(name, &mut |w| w.write_all(bytes))?;
    }
    stage.commit()
}

/// `Settings(OutNotFolder)` unless `dir` is a folder or absent.
fn check_folder(dir: &Path) -> Result<()> {
    if let Some(ft) = guard::entry_type(dir)?.filter(|ft| !ft.is_dir()) {
        return Err(SettingsError::OutNotFolder {
            path: dir.to_path_buf(),
            kind: guard::kind_name(ft),
        }
        .into());
    }
    Ok(())
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
    let mut stage = Stage::default();
    stage.target(path.to_path_buf(), &mut |w| w.write_all(bytes))?;
    let mut written = stage.commit()?;
    Ok(written.remove(0))
}

/// The folder a target is written in (`.` for a bare file name).
fn parent_of(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Output files staged one at a time, each in a temporary file beside its target as it is
/// written, and renamed into place together by [`Stage::commit`] (#13: a large output
/// goes to disk as it is rendered, not held in memory until the last file is ready).
/// Dropped before the commit, a stage removes its temporary files: nothing is written.
#[derive(Default)]
pub struct Stage {
    /// The output folder (`None` for [`write_file`]'s single target).
    dir: Option<PathBuf>,
    /// Folders already cleared of leftovers.
    cleaned: Vec<PathBuf>,
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl Stage {
    /// A stage for files under `dir`, which is created, with its sub-folders, when the
    /// first file is staged in it (a rendering failure before that leaves no folder).
    ///
    /// # Errors
    /// `Settings(OutNotFolder)` when `dir` is not a plain folder.
    pub fn new(dir: &Path) -> Result<Self> {
        check_folder(dir)?;
        Ok(Stage {
            dir: Some(dir.to_path_buf()),
            ..Stage::default()
        })
    }

    /// Stage `name` (relative to the folder) with the bytes `write` writes, and return their
    /// BLAKE3 (lowercase hex).
    ///
    /// # Errors
    /// `Settings(UnsafeTarget)` when the target or a folder on its way is a symlink or a
    /// special file, `Io` naming the file that could not be written; the error `write`
    /// returns, as an `Io` of the file.
    pub fn file(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<String> {
        let dir = self.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        guard::check_target(&dir, name)?;
        self.target(dir.join(name), write)
    }

    fn target(
        &mut self,
        target: PathBuf,
        write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<String> {
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let parent = parent_of(&target).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io)?;
        // This version's `.evstudy-tmp.*` once per folder, before this run stages any there;
        // an earlier version's `.<target>.XXXXXX` as each target is staged.
        if !self.cleaned.contains(&parent) {
            remove_leftovers(&parent, |n| is_leftover(n, &[]))?;
            self.cleaned.push(parent.clone());
        }
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        remove_leftovers(&parent, |n| {
            !n.starts_with(TMP_PREFIX) && is_leftover(n, &[base.as_str()])
        })?;
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{TMP_PREFIX}{base}."))
            .rand_bytes(6)
            .tempfile_in(&parent)
            .map_err(io)?;
        let hash = {
            let mut w = std::io::BufWriter::with_capacity(
                1 << 16,
                Hashing {
                    file: tmp.as_file_mut(),
                    hasher: blake3::Hasher::new(),
                },
            );
            write(&mut w).map_err(io)?;
            let hashing = w.into_inner().map_err(|e| io(e.into_error()))?;
            hashing.hasher.finalize().to_hex().to_string()
        };
        // Temporary files are created owner-only; results are ordinary files.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(io)?;
        }
        tmp.as_file().sync_all().map_err(io)?;
        self.staged.push((tmp, target));
        Ok(hash)
    }

    /// Rename every staged file into place, in the order staged; returns their paths.
    ///
    /// # Errors
    /// `Io` naming the file that could not be renamed.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.staged.len());
        for (tmp, target) in self.staged {
            tmp.persist(&target).map_err(|e| Error::Io {
                path: target.clone(),
                source: e.error,
            })?;
            written.push(target);
        }
        Ok(written)
    }
}

/// A file that hashes (BLAKE3) what is written to it; large writes hash on the rayon pool.
struct Hashing<'a> {
    file: &'a mut std::fs::File,
    hasher: blake3::Hasher,
}

impl Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write_all(buf)?;
        if buf.len() > 1 << 18 {
            self.hasher.update_rayon(buf);
        } else {
            self.hasher.update(buf);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes `render(chunk)` of each chunk in turn with `write`, rendering the next chunk (on
/// the rayon pool) while the last one is written: the big streamed files (`study.json`,
/// `ar.csv`) were written by one thread with the other cores idle, and rendered with the
/// writer idle (#13). The bytes are those of rendering and writing each chunk in turn; the
/// first error of either side is returned and stops the other.
pub(crate) fn pipelined<'a, T: Sync + 'a, R: Send>(
    chunks: impl Iterator<Item = &'a [T]> + Send,
    render: impl Fn(&'a [T]) -> std::io::Result<R> + Sync,
    mut write: impl FnMut(R) -> std::io::Result<()>,
) -> std::io::Result<()> {
    std::thread::scope(|scope| {
        // One chunk rendered ahead: memory stays at two chunks' worth.
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<R>>(1);
        let render = &render;
        scope.spawn(move || {
            for chunk in chunks {
                let done = render(chunk);
                let failed = done.is_err();
                // A closed channel: the writer failed and has stopped.
                if tx.send(done).is_err() || failed {
                    break;
                }
            }
        });
        for done in rx {
            write(done?)?;
        }
        Ok(())
    })
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

/// Remove from `dir` the regular files whose names `leftover` picks (see [`is_leftover`]).
fn remove_leftovers(dir: &Path, leftover: impl Fn(&str) -> bool) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let Some(name) = name.to_str().filter(|n| leftover(n)) else {
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
