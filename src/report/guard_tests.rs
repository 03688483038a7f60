//! Unit tests of the output checks: what `--out` may be, and what may stand at a target
//! inside it. Special files are made in a temp dir (a FIFO with `mkfifo`, a socket by
//! binding one); `/dev/null` is only looked at, never written. See #15.

use super::*;

fn settings(r: Result<()>) -> SettingsError {
    match r {
        Err(Error::Settings(e)) => e,
        other => panic!("expected a settings error, got {other:?}"),
    }
}

#[cfg(unix)]
fn fifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn an_absent_or_plain_output_folder_without_inputs_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("prices.csv"), "x").unwrap();
    let prices = inputs.join("prices.csv");
    let list = [("prices", prices.as_path().into())];
    assert!(check_out_dir(&tmp.path().join("new"), &list).is_ok());
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    assert!(check_out_dir(&tmp.path().join("out"), &list).is_ok());
    // The parent of the inputs' folder is not their folder.
    assert!(check_out_dir(tmp.path(), &list).is_ok());
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_symlink_fifo_socket_device_or_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let pipe = tmp.path().join("pipe");
    fifo(&pipe);
    let sock = tmp.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "").unwrap();
    for (path, want) in [
        (link.as_path(), "symlink"),
        (pipe.as_path(), "FIFO"),
        (sock.as_path(), "socket"),
        (Path::new("/dev/null"), "character device"),
        (file.as_path(), "regular file"),
    ] {
        match settings(check_out_dir(path, &[])) {
            SettingsError::OutNotFolder { path: p, kind } => {
                assert_eq!((p.as_path(), kind), (path, want));
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
}

#[test]
fn an_output_folder_holding_an_input_directly_or_in_charts_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let events = tmp.path().join("events.csv");
    std::fs::write(&events, "ticker,date\n").unwrap();
    let prices = tmp.path().join("p/prices.csv");
    std::fs::create_dir(tmp.path().join("p")).unwrap();
    std::fs::write(&prices, "x").unwrap();
    let list = [
        ("prices", prices.as_path().into()),
        ("events", events.as_path().into()),
    ];
    // Spelled differently (`dir/.`) it is still the folder of events.csv.
    let out = tmp.path().join(".");
    match settings(check_out_dir(&out, &list)) {
        SettingsError::OutHoldsInput { path, role, input } => {
            assert_eq!((path, role, input), (out.clone(), "events", events.clone()));
        }
        other => panic!("{other:?}"),
    }
    let out = tmp.path().join("o");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    let rules = out.join("charts/rules.toml");
    std::fs::write(&rules, "").unwrap();
    let list = [("limit rules", rules.as_path().into())];
    assert!(matches!(
        settings(check_out_dir(&out, &list)),
        SettingsError::OutHoldsInput {
            role: "limit rules",
            ..
        }
    ));
}

#[test]
fn an_output_file_may_be_new_or_regular_but_not_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let prices = tmp.path().join("prices.csv");
    std::fs::write(&prices, "x").unwrap();
    let hits = tmp.path().join("hits.csv");
    let list = [("prices", prices.as_path().into())];
    assert!(check_out_file(&hits, &list).is_ok());
    std::fs::write(&hits, "old").unwrap();
    assert!(check_out_file(&hits, &list).is_ok());
    let same = tmp.path().join(".").join("prices.csv");
    match settings(check_out_file(&same, &list)) {
        SettingsError::OutIsInput { path, role } => assert_eq!((path, role), (same, "prices")),
        other => panic!("{other:?}"),
    }
    match settings(check_out_file(Path::new("/dev/null"), &list)) {
        SettingsError::OutNotFile { kind, .. } => assert_eq!(kind, "character device"),
        other => panic!("{other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_or_special_file_at_a_target_or_on_its_way_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    assert!(
        check_target(dir, "charts/car_a.png").is_ok(),
        "nothing there yet"
    );
    std::fs::write(dir.join("ar.csv"), "old").unwrap();
    assert!(
        check_target(dir, "ar.csv").is_ok(),
        "a regular file is replaced"
    );
    std::os::unix::fs::symlink(elsewhere.join("x"), dir.join("aar.csv")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("charts")).unwrap();
    fifo(&dir.join("tests.csv"));
    std::fs::create_dir(dir.join("study.json")).unwrap();
    for (name, at, want) in [
        ("aar.csv", "aar.csv", "symlink"),
        ("charts/car_a.png", "charts", "symlink"),
        ("tests.csv", "tests.csv", "FIFO"),
        ("study.json", "study.json", "folder"),
        ("ar.csv/x", "ar.csv", "regular file"),
    ] {
        match settings(check_target(dir, name)) {
            SettingsError::UnsafeTarget { path, kind } => {
                assert_eq!((path, kind), (dir.join(at), want), "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(matches!(
        check_target(dir, "../x.csv"),
        Err(Error::Internal(_))
    ));
}

/// Before the study is computed: the table files of the formats asked for, and `charts/`
/// only when charts are drawn.
#[cfg(unix)]
#[test]
fn planned_targets_are_the_table_files_and_charts_when_drawn() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("report.md")).unwrap();
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("charts")).unwrap();
    let (csv, md) = (ReportFormat::Csv, ReportFormat::Md);
    assert!(check_planned(dir, &[csv], false).is_ok());
    for (formats, charts, at) in [
        (&[csv, md][..], false, "report.md"),
        (&[csv][..], true, "charts"),
    ] {
        match settings(check_planned(dir, formats, charts)) {
            SettingsError::UnsafeTarget { path, kind } => {
                assert_eq!((path, kind), (dir.join(at), "symlink"));
            }
            other => panic!("{at}: {other:?}"),
        }
    }
}
