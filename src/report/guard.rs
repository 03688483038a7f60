//! Output safety (#15): where a run may write. An output folder must be a plain folder
//! (or not exist yet) and hold none of the run's inputs; an output file must be a regular
//! file (or not exist yet) and not be an input; nothing inside the output folder is
//! written through a symlink, a device, a FIFO or a socket. Checked with
//! `symlink_metadata`, which never follows the link it looks at, before any data is read
//! (settings errors, exit 2) and again by the writer for every file it replaces.

use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

use crate::config::{ReportFormat, StudyConfig};
use crate::error::{Error, Result, SettingsError};
use crate::limits::ScanConfig;

/// An input file of a run and its role (`prices`, `market`, …), as given (price patterns
/// and folders expanded to their files, #11).
pub type Input<'a> = (&'static str, std::borrow::Cow<'a, Path>);

/// The price files of `prices` as inputs (a pattern that matches nothing stays as given:
/// the load reports it).
fn price_inputs(prices: &crate::config::Paths) -> Vec<Input<'_>> {
    match prices.expand("prices") {
        Ok(files) => files.into_iter().map(|f| ("prices", f.into())).collect(),
        Err(_) => prices
            .iter()
            .map(|f| ("prices", f.as_path().into()))
            .collect(),
    }
}

/// The input files of `evstudy run`: prices, market, events, and instruments, limit
/// rules and factor files when given.
pub fn run_inputs(cfg: &StudyConfig) -> Vec<Input<'_>> {
    let mut v = price_inputs(&cfg.prices);
    v.push(("market", cfg.market.as_path().into()));
    v.push(("events", cfg.events.as_path().into()));
    v.extend(
        cfg.instruments
            .as_deref()
            .map(|p| ("instruments", p.into())),
    );
    v.extend(
        cfg.limit_rules
            .as_deref()
            .map(|p| ("limit rules", p.into())),
    );
    v.extend(cfg.factors.iter().map(|p| ("factors", p.as_path().into())));
    v
}

/// The input files of `evstudy limits`: prices, and market, instruments and limit rules
/// when given.
pub fn scan_inputs(cfg: &ScanConfig) -> Vec<Input<'_>> {
    let mut v = price_inputs(&cfg.prices);
    v.extend(cfg.market.as_deref().map(|p| ("market", p.into())));
    v.extend(
        cfg.limits
            .instruments
            .as_deref()
            .map(|p| ("instruments", p.into())),
    );
    v.extend(
        cfg.limits
            .limit_rules
            .as_deref()
            .map(|p| ("limit rules", p.into())),
    );
    v
}

/// What a directory entry is, in words for a message.
pub fn kind_name(ft: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "FIFO";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_block_device() {
            return "block device";
        }
        if ft.is_char_device() {
            return "character device";
        }
    }
    if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "folder"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

/// The type of `path` itself (a symlink is not followed), or `None` when nothing is there.
///
/// # Errors
/// `Io` when the entry exists but cannot be examined.
pub fn entry_type(path: &Path) -> Result<Option<FileType>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) => Ok(Some(m.file_type())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Check an output folder (`run`, `chart`, `report --out DIR`): absent or a plain folder
/// (not a symlink to one), holding none of `inputs` directly or in its `charts/`.
///
/// # Errors
/// `Settings(OutNotFolder)`, `Settings(OutHoldsInput)`; `Io` when it cannot be examined.
pub fn check_out_dir(out: &Path, inputs: &[Input<'_>]) -> Result<()> {
    match entry_type(out)? {
        None => return Ok(()),
        Some(ft) if ft.is_dir() => {}
        Some(ft) => {
            return Err(SettingsError::OutNotFolder {
                path: out.to_path_buf(),
                kind: kind_name(ft),
            }
            .into());
        }
    }
    let folders: Vec<PathBuf> = [out.to_path_buf(), out.join("charts")]
        .iter()
        .filter_map(|d| d.canonicalize().ok())
        .collect();
    for (role, input) in inputs {
        let role = *role;
        let parent = input
            .canonicalize()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        if parent.is_some_and(|p| folders.contains(&p)) {
            return Err(SettingsError::OutHoldsInput {
                path: out.to_path_buf(),
                role,
                input: input.to_path_buf(),
            }
            .into());
        }
    }
    Ok(())
}

/// Check, before a study is computed, the targets whose names the settings fix: the table
/// files of `formats` and, when charts are drawn, the `charts/` folder (chart file names
/// depend on the events and are checked by the writer).
///
/// # Errors
/// As [`check_target`].
pub fn check_planned(out: &Path, formats: &[ReportFormat], charts: bool) -> Result<()> {
    for &f in formats {
        for name in super::table_files(f) {
            check_target(out, name)?;
        }
    }
    if charts {
        check_target(out, "charts/_")?;
    }
    Ok(())
}

/// Check an output file (`limits --out FILE`): absent or a regular file that is none of
/// `inputs`.
///
/// # Errors
/// `Settings(OutNotFile)`, `Settings(OutIsInput)`; `Io` when it cannot be examined.
pub fn check_out_file(out: &Path, inputs: &[Input<'_>]) -> Result<()> {
    match entry_type(out)? {
        None => Ok(()),
        Some(ft) if ft.is_file() => check_not_input(out, inputs),
        Some(ft) => Err(SettingsError::OutNotFile {
            path: out.to_path_buf(),
            kind: kind_name(ft),
        }
        .into()),
    }
}

/// Refuse to replace an input: `target` must not be the same file as any of `inputs`.
///
/// # Errors
/// `Settings(OutIsInput)`.
pub fn check_not_input(target: &Path, inputs: &[Input<'_>]) -> Result<()> {
    let Ok(t) = target.canonicalize() else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|(_, p)| p.canonicalize().is_ok_and(|p| p == t))
    {
        Some(&(role, _)) => Err(SettingsError::OutIsInput {
            path: target.to_path_buf(),
            role,
        }
        .into()),
        None => Ok(()),
    }
}

/// Check that `dir/name` can be written without following anything: every folder on the
/// way below `dir` is absent or a plain folder, and the file is absent or a regular file.
///
/// # Errors
/// `Settings(UnsafeTarget)` naming the entry; `Internal` for a name that leaves `dir`.
pub fn check_target(dir: &Path, name: &str) -> Result<()> {
    let rel = Path::new(name);
    let parts: Vec<_> = rel.components().collect();
    let mut path = dir.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(part) = part else {
            return Err(Error::Internal(format!(
                "output name {name:?} leaves the output folder"
            )));
        };
        path.push(part);
        let last = i + 1 == parts.len();
        match entry_type(&path)? {
            None => return Ok(()),
            Some(ft) if (last && ft.is_file()) || (!last && ft.is_dir()) => {}
            Some(ft) => {
                return Err(SettingsError::UnsafeTarget {
                    path,
                    kind: kind_name(ft),
                }
                .into());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
