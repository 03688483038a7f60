//! One or several input files for one role (#11): `prices = "p.csv"` or
//! `prices = ["a.csv", "data/stocks/*.csv", "data/more/"]` in a study file, `--prices` given
//! once or repeated on the command line. A pattern (`*`, `?`, `[`) or a folder is expanded
//! when the files are read ([`Paths::expand`]), in sorted order.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result, SettingsError};

/// The file extensions a folder given as prices contributes.
pub const FOLDER_EXTENSIONS: [&str; 4] = ["csv", "txt", "tsv", "parquet"];

/// Input files as given: paths, patterns or folders. Serialized as one string when there is
/// one, so a single-file study reads and writes as before.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths(pub Vec<PathBuf>);

impl Paths {
    /// One path.
    pub fn one(p: impl Into<PathBuf>) -> Paths {
        Paths(vec![p.into()])
    }

    /// Nothing given.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|p| p.as_os_str().is_empty())
    }

    /// The paths as given.
    pub fn iter(&self) -> impl Iterator<Item = &PathBuf> {
        self.0.iter()
    }

    /// The paths as given, mutable (relative paths of a study file are resolved).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut PathBuf> {
        self.0.iter_mut()
    }

    /// The paths for a message: `a.csv` or `a.csv, b.csv`.
    pub fn display(&self) -> String {
        self.0
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The files: each pattern expanded (sorted), each folder's files with one of
    /// [`FOLDER_EXTENSIONS`] (sorted, not recursive), each plain path as it is; a file named
    /// twice is read once.
    ///
    /// # Errors
    /// [`SettingsError::NoFiles`] when a pattern or folder holds no file,
    /// [`SettingsError::BadPattern`] for a malformed pattern (`role` names the input).
    pub fn expand(&self, role: &'static str) -> Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = Vec::new();
        for p in &self.0 {
            let text = p.to_string_lossy();
            let found: Vec<PathBuf> = if text.contains(['*', '?', '[']) && !p.exists() {
                let paths = glob::glob(&text).map_err(|e| SettingsError::BadPattern {
                    pattern: text.to_string(),
                    reason: e.to_string(),
                })?;
                let mut v: Vec<PathBuf> = paths.flatten().filter(|f| f.is_file()).collect();
                v.sort();
                v
            } else if p.is_dir() {
                let entries = std::fs::read_dir(p).map_err(|source| Error::Io {
                    path: p.clone(),
                    source,
                })?;
                let mut v: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|f| f.is_file() && has_data_extension(f))
                    .collect();
                v.sort();
                v
            } else {
                vec![p.clone()]
            };
            if found.is_empty() {
                return Err(SettingsError::NoFiles {
                    role,
                    pattern: text.to_string(),
                }
                .into());
            }
            for f in found {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        Ok(out)
    }
}

fn has_data_extension(f: &Path) -> bool {
    f.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FOLDER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

impl From<PathBuf> for Paths {
    fn from(p: PathBuf) -> Paths {
        Paths::one(p)
    }
}

impl From<&str> for Paths {
    fn from(p: &str) -> Paths {
        Paths::one(p)
    }
}

impl PartialEq<PathBuf> for Paths {
    fn eq(&self, other: &PathBuf) -> bool {
        self.0.len() == 1 && &self.0[0] == other
    }
}

impl PartialEq<&Path> for Paths {
    fn eq(&self, other: &&Path) -> bool {
        self.0.len() == 1 && self.0[0] == *other
    }
}

impl From<&Path> for Paths {
    fn from(p: &Path) -> Paths {
        Paths::one(p)
    }
}

impl Serialize for Paths {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Paths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Paths, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "a path or a list of paths")]
        enum OneOrMany {
            One(PathBuf),
            Many(Vec<PathBuf>),
        }
        Ok(match OneOrMany::deserialize(d)? {
            OneOrMany::One(p) => Paths(vec![p]),
            OneOrMany::Many(v) => Paths(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_path_reads_and_writes_as_a_string_several_as_a_list() {
        let one: Paths = serde_json::from_str("\"p.csv\"").unwrap();
        assert_eq!(one, Paths::one("p.csv"));
        assert_eq!(serde_json::to_string(&one).unwrap(), "\"p.csv\"");
        let many: Paths = serde_json::from_str("[\"a.csv\",\"b.csv\"]").unwrap();
        assert_eq!(many.0.len(), 2);
        assert_eq!(
            serde_json::to_string(&many).unwrap(),
            "[\"a.csv\",\"b.csv\"]"
        );
    }

    #[test]
    fn patterns_and_folders_expand_sorted_and_once() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.csv", "a.csv", "c.txt", "notes.md"] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        let folder = Paths::one(dir.path());
        let names = |v: Vec<PathBuf>| -> Vec<String> {
            v.iter()
                .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names(folder.expand("prices").unwrap()),
            ["a.csv", "b.csv", "c.txt"]
        );
        let pattern = Paths(vec![dir.path().join("*.csv"), dir.path().join("a.csv")]);
        assert_eq!(names(pattern.expand("prices").unwrap()), ["a.csv", "b.csv"]);
        let none = Paths::one(dir.path().join("*.parquet"));
        assert!(matches!(
            none.expand("prices"),
            Err(Error::Settings(SettingsError::NoFiles { .. }))
        ));
    }
}
