//! Unit tests of the atomic writer: files land whole, folders are created, and a failure
//! while staging leaves neither the target nor a temporary file behind.

use super::*;

/// The names in `dir`, sorted (temporary files start with a dot).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn files(list: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(n, b)| ((*n).to_string(), b.as_bytes().to_vec()))
        .collect()
}

#[test]
fn write_all_writes_every_file_and_creates_its_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let written = write_all(
        &out,
        &files(&[("a.csv", "x,y\n"), ("charts/b.svg", "<svg/>")]),
    )
    .unwrap();
    assert_eq!(written, [out.join("a.csv"), out.join("charts/b.svg")]);
    assert_eq!(std::fs::read_to_string(out.join("a.csv")).unwrap(), "x,y\n");
    assert_eq!(
        std::fs::read_to_string(out.join("charts/b.svg")).unwrap(),
        "<svg/>"
    );
    assert_eq!(names(&out), ["a.csv", "charts"]);
    assert_eq!(names(&out.join("charts")), ["b.svg"]);
}

#[cfg(unix)]
#[test]
fn written_files_are_ordinary_0644_files() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    write_all(tmp.path(), &files(&[("a.csv", "1\n")])).unwrap();
    let mode = std::fs::metadata(tmp.path().join("a.csv"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o644);
}

#[test]
fn an_existing_file_is_replaced_whole() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("a.csv"),
        "old contents, longer than the new\n",
    )
    .unwrap();
    write_all(tmp.path(), &files(&[("a.csv", "new\n")])).unwrap();
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.csv")).unwrap(),
        "new\n"
    );
    assert_eq!(names(tmp.path()), ["a.csv"]);
}

#[test]
fn a_failed_write_leaves_no_file_behind() {
    let tmp = tempfile::tempdir().unwrap();
    // `blocker` is a file, so the folder `blocker/` of the second file cannot be created:
    // the failure comes after `a.csv` was staged and before anything was renamed.
    std::fs::write(tmp.path().join("blocker"), "").unwrap();
    let err = write_all(
        tmp.path(),
        &files(&[("a.csv", "1\n"), ("blocker/b.csv", "2\n")]),
    )
    .unwrap_err();
    match &err {
        Error::Io { path, .. } => assert_eq!(path, &tmp.path().join("blocker/b.csv")),
        other => panic!("expected an Io error, got {other:?}"),
    }
    assert!(err.to_string().contains("blocker/b.csv"), "{err}");
    assert_eq!(names(tmp.path()), ["blocker"]);
}

#[test]
fn an_output_folder_that_is_a_file_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "").unwrap();
    let err = write_all(&out, &files(&[("a.csv", "1\n")])).unwrap_err();
    match err {
        Error::Io { path, .. } => assert_eq!(path, out),
        other => panic!("expected an Io error, got {other:?}"),
    }
}
