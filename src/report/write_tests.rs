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
    // A 240-byte name passes the checks, but its temporary file (prefix and random suffix
    // added) is longer than a file name may be: the failure comes after `a.csv` was staged
    // and before anything was renamed.
    let long = "y".repeat(240);
    let err = write_all(tmp.path(), &files(&[("a.csv", "1\n"), (&long, "2\n")])).unwrap_err();
    match &err {
        Error::Io { path, .. } => assert_eq!(path, &tmp.path().join(&long)),
        other => panic!("expected an Io error, got {other:?}"),
    }
    assert!(err.to_string().contains(&long), "{err}");
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

#[test]
fn an_output_folder_that_is_a_file_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::write(&out, "").unwrap();
    let err = write_all(&out, &files(&[("a.csv", "1\n")])).unwrap_err();
    match err {
        Error::Settings(SettingsError::OutNotFolder { path, kind }) => {
            assert_eq!((path, kind), (out, "regular file"));
        }
        other => panic!("expected OutNotFolder, got {other:?}"),
    }
}

/// A symlink at a target or in the place of `charts/` is refused before anything is
/// written; the file it points to is untouched. See #15.
#[cfg(unix)]
#[test]
fn nothing_is_written_through_a_symlink_inside_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = tmp.path().join("victim.csv");
    std::fs::write(&victim, "precious\n").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("events.csv")).unwrap();
    let err = write_all(&out, &files(&[("ar.csv", "1\n"), ("events.csv", "2\n")])).unwrap_err();
    assert!(
        matches!(&err, Error::Settings(SettingsError::UnsafeTarget { path, kind: "symlink" }) if *path == out.join("events.csv")),
        "{err:?}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(names(&out), ["events.csv"], "ar.csv was not written either");

    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("charts")).unwrap();
    let err = write_all(&out, &files(&[("charts/aar_all.svg", "<svg/>")])).unwrap_err();
    assert!(
        matches!(&err, Error::Settings(SettingsError::UnsafeTarget { path, .. }) if *path == out.join("charts")),
        "{err:?}"
    );
    assert!(names(&elsewhere).is_empty());
}

/// Regular files named `.evstudy-tmp.*` (and the `.<target>.XXXXXX` of earlier versions)
/// are removed from every folder written into; anything else, and anything that is not a
/// regular file, stays. See #15.
#[cfg(unix)]
#[test]
fn leftover_temporary_files_are_removed_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    std::fs::create_dir(out.join("charts")).unwrap();
    for leftover in [
        ".evstudy-tmp.ar.csv.Ab12Cd",
        ".ar.csv.x1Y2z3",
        "charts/.evstudy-tmp.car_a.png.000000",
    ] {
        std::fs::write(out.join(leftover), "partial").unwrap();
    }
    let keep = [
        "notes.txt",
        ".other.csv.abcdef",
        ".ar.csv.toolong7",
        "charts/.hidden",
    ];
    for k in keep {
        std::fs::write(out.join(k), "mine").unwrap();
    }
    std::fs::create_dir(out.join(".evstudy-tmp.folder")).unwrap();
    std::os::unix::fs::symlink(out.join("notes.txt"), out.join(".evstudy-tmp.link")).unwrap();
    write_all(
        out,
        &files(&[("ar.csv", "1\n"), ("charts/car_a.png", "png")]),
    )
    .unwrap();
    assert_eq!(
        names(out),
        [
            ".ar.csv.toolong7",
            ".evstudy-tmp.folder",
            ".evstudy-tmp.link",
            ".other.csv.abcdef",
            "ar.csv",
            "charts",
            "notes.txt"
        ]
    );
    assert_eq!(names(&out.join("charts")), [".hidden", "car_a.png"]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn leftover_names_are_the_writer_prefix_or_a_target_with_six_characters() {
    assert!(is_leftover(".evstudy-tmp.anything", &[]));
    assert!(is_leftover(".ar.csv.aB3dE9", &["ar.csv"]));
    assert!(!is_leftover(".ar.csv.aB3dE9", &["tests.csv"]));
    assert!(!is_leftover(".ar.csv.aB3d", &["ar.csv"]));
    assert!(!is_leftover(".ar.csv.aB3d-9", &["ar.csv"]));
    assert!(!is_leftover("ar.csv", &["ar.csv"]));
    assert!(!is_leftover(".evstudy-tmp", &[]));
}

/// `limits --out FILE`: a FIFO or a symlink at FILE is refused, a regular file replaced.
#[cfg(unix)]
#[test]
fn write_file_replaces_a_regular_file_and_refuses_anything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let hits = tmp.path().join("hits.csv");
    std::fs::write(&hits, "old\n").unwrap();
    assert_eq!(write_file(&hits, b"new\n").unwrap(), hits);
    assert_eq!(std::fs::read_to_string(&hits).unwrap(), "new\n");
    let pipe = tmp.path().join("pipe.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink(&hits, &link).unwrap();
    for (p, want) in [(&pipe, "FIFO"), (&link, "symlink")] {
        match write_file(p, b"x") {
            Err(Error::Settings(SettingsError::OutNotFile { path, kind })) => {
                assert_eq!((&path, kind), (p, want));
            }
            other => panic!("{}: {other:?}", p.display()),
        }
    }
    assert_eq!(std::fs::read_to_string(&hits).unwrap(), "new\n");
}

#[test]
fn a_stage_hashes_what_it_streams_and_a_failing_stream_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Nothing staged: the folder is not created.
    drop(Stage::new(&out).unwrap());
    assert!(!out.exists());

    // Written in pieces larger than the writer's buffer, hashed as one.
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mut stage = Stage::new(&out).unwrap();
    let hash = stage
        .file("big.csv", &mut |w| {
            for piece in big.chunks(70_001) {
                w.write_all(piece)?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(hash, blake3::hash(&big).to_hex().to_string());
    // A writer that fails half-way: the error names the file, and when the stage is
    // dropped neither file is left, nor any temporary file.
    let err = stage
        .file("half.csv", &mut |w| {
            w.write_all(b"a,b\n")?;
            Err(std::io::Error::other("render failed"))
        })
        .unwrap_err();
    match &err {
        Error::Io { path, .. } => assert_eq!(path, &out.join("half.csv")),
        other => panic!("expected an Io error, got {other:?}"),
    }
    drop(stage);
    assert!(names(&out).is_empty(), "{:?}", names(&out));

    let mut stage = Stage::new(&out).unwrap();
    stage.file("big.csv", &mut |w| w.write_all(&big)).unwrap();
    assert_eq!(stage.commit().unwrap(), [out.join("big.csv")]);
    assert_eq!(std::fs::read(out.join("big.csv")).unwrap(), big);
    assert_eq!(names(&out), ["big.csv"]);
}
