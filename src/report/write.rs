//! Output files are written whole or not at all: each goes to a temporary file beside its
//! target and is renamed into place only when every file has been staged.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Write every `(relative name, bytes)` under `dir` (sub-folders such as `charts/` are
/// created), each through a temporary file and a rename.
///
/// All contents are rendered before this is called, so a rendering failure leaves the
/// folder untouched; a failing disk leaves no partial file behind.
///
/// # Errors
/// `Io` naming the file that could not be written.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut staged = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let target = dir.join(name);
        let io = |source| Error::Io {
            path: target.clone(),
            source,
        };
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(io)?;
        let base = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{base}."))
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
        tmp.persist(&target).map_err(|e| Error::Io {
            path: target.clone(),
            source: e.error,
        })?;
        written.push(target);
    }
    Ok(written)
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
