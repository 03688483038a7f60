//! The error contract of the settings side (#15): the TOML study file, the limit-rules file,
//! contradictory flags and the `study.json` that `evstudy chart`/`report` re-render. Every
//! message is an insta snapshot (temp dir shown as `<tmp>`), every exit code asserted:
//! settings and the study file are usage (2); rules files and study.json are input (3).

use std::path::Path;

use assert_cmd::Command;

use crate::common::{demo, demo_inputs};

fn evstudy() -> Command {
    Command::cargo_bin("evstudy").unwrap()
}

/// Run `args`, expect exit `code`, return stderr with `dir` shown as `<tmp>`.
fn stderr(args: &[&str], dir: &Path, code: i32) -> String {
    let out = evstudy()
        .args(args)
        .env("NO_COLOR", "1")
        .assert()
        .code(code)
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "<tmp>")
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// The demo study with csv and json only, its `study.json` path.
fn demo_study(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("run");
    evstudy()
        .args(["run", "-q"])
        .args(demo_inputs())
        .args(["--format", "json", "--out"])
        .arg(&out)
        .assert()
        .success();
    out.join("study.json")
}

/// `study.json` edited as JSON by `edit`, written to `dir/name`.
fn edited(
    study: &Path,
    dir: &Path,
    name: &str,
    edit: impl FnOnce(&mut serde_json::Value),
) -> String {
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(study).unwrap()).unwrap();
    edit(&mut v);
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    path_str(&p)
}

fn report(study: &str, dir: &Path, code: i32) -> String {
    let out = path_str(&dir.join("rendered"));
    stderr(
        &["report", study, "--format", "md", "--out", &out],
        dir,
        code,
    )
}

#[test]
fn study_json_with_a_byte_order_mark_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(std::fs::read(&study).unwrap());
    let bom = tmp.path().join("bom.json");
    std::fs::write(&bom, bytes).unwrap();
    assert_eq!(report(&path_str(&bom), tmp.path(), 0), "");
    assert!(tmp.path().join("rendered/report.md").is_file());
}

#[test]
fn study_json_of_a_newer_format_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let newer = edited(&study, tmp.path(), "newer.json", |v| {
        v["format"] = 99.into();
        v["version"] = "9.0.0".into();
        v["a_field_from_the_future"] = true.into();
    });
    insta::assert_snapshot!(report(&newer, tmp.path(), 3));
}

#[test]
fn study_json_of_an_older_format_is_rendered_with_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let older = edited(&study, tmp.path(), "older.json", |v| {
        v.as_object_mut().unwrap().remove("format");
    });
    insta::assert_snapshot!(report(&older, tmp.path(), 0));
}

#[test]
fn study_json_with_a_repeated_day_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "repeated.json", |v| {
        let days = v["events"][1]["days"].as_array_mut().unwrap();
        let copy = days[3].clone();
        days.insert(3, copy);
    });
    insta::assert_snapshot!(report(&bad, tmp.path(), 3));
}

#[test]
fn study_json_with_unsorted_group_days_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "unsorted.json", |v| {
        v["groups"][0]["days"].as_array_mut().unwrap().swap(0, 4);
    });
    insta::assert_snapshot!(report(&bad, tmp.path(), 3));
}

#[test]
fn study_json_whose_counts_do_not_add_up_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "counts.json", |v| {
        v["groups"][1]["windows"][2]["n"] = 1.into();
    });
    insta::assert_snapshot!(report(&bad, tmp.path(), 3));
}

#[test]
fn study_json_with_a_removed_event_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "removed.json", |v| {
        v["events"].as_array_mut().unwrap().pop();
    });
    insta::assert_snapshot!(report(&bad, tmp.path(), 3));
}

#[test]
fn study_json_with_a_member_that_does_not_exist_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "member.json", |v| {
        v["groups"][1]["members"][0] = 40.into();
    });
    insta::assert_snapshot!(report(&bad, tmp.path(), 3));
}

#[test]
fn study_json_cut_short_names_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let pretty: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&study).unwrap()).unwrap();
    let text = serde_json::to_string_pretty(&pretty).unwrap();
    let cut = tmp.path().join("cut.json");
    std::fs::write(&cut, &text.as_bytes()[..400]).unwrap();
    insta::assert_snapshot!(report(&path_str(&cut), tmp.path(), 3));
}

#[test]
fn a_json_file_that_is_not_a_study_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other.json");
    std::fs::write(&other, "{\n  \"name\": \"not a study\"\n}\n").unwrap();
    insta::assert_snapshot!(report(&path_str(&other), tmp.path(), 3));
}

#[test]
fn chart_checks_the_study_json_too() {
    let tmp = tempfile::tempdir().unwrap();
    let study = demo_study(tmp.path());
    let bad = edited(&study, tmp.path(), "repeated.json", |v| {
        let days = v["groups"][0]["days"].as_array_mut().unwrap();
        let copy = days[0].clone();
        days.push(copy);
    });
    let out = path_str(&tmp.path().join("charts"));
    insta::assert_snapshot!(stderr(&["chart", &bad, "--out", &out], tmp.path(), 3));
    assert!(!tmp.path().join("charts").join("aar_all.png").exists());
}

/// Every study the engine writes passes its own consistency check: halts, partial CARs,
/// groups, limit subsamples (real data when `../shared` is there).
#[test]
fn every_study_the_engine_writes_passes_the_check() {
    let demo_cfg = evstudy::StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    let mut configs = vec![
        demo_cfg.clone(),
        evstudy::StudyConfig {
            allow_partial_car: true,
            ..demo_cfg
        },
    ];
    if let Some(prices) = crate::common::shared_or_skip("prices_sanctioned.csv") {
        for gaps in [
            evstudy::config::GapPolicy::Span,
            evstudy::config::GapPolicy::Missing,
        ] {
            for allow_partial_car in [false, true] {
                configs.push(evstudy::StudyConfig {
                    prices: prices.clone().into(),
                    market: crate::common::shared("index_csi300.csv"),
                    events: crate::common::shared("events_sanctions.csv"),
                    gaps,
                    allow_partial_car,
                    ..evstudy::StudyConfig::default()
                });
            }
        }
    }
    for cfg in configs {
        let study = evstudy::run(&cfg).unwrap();
        assert_eq!(study.check(), Ok(()), "{cfg:?}");
        assert_eq!(study.format, evstudy::result::STUDY_FORMAT);
    }
}

// ---------------------------------------------------------------- the TOML study file (exit 2)

fn study_file(dir: &Path, body: &[u8]) -> String {
    let p = dir.join("study.toml");
    std::fs::write(&p, body).unwrap();
    path_str(&p)
}

#[test]
fn study_file_that_is_not_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let f = study_file(tmp.path(), b"prices = \"p.csv\"\nmodel = market\n");
    insta::assert_snapshot!(stderr(
        &["run", "--config", &f, "--out", "o"],
        tmp.path(),
        2
    ));
}

#[test]
fn study_file_with_an_unknown_key() {
    let tmp = tempfile::tempdir().unwrap();
    let f = study_file(tmp.path(), b"prices = \"p.csv\"\nestimaton = [-250, -11]\n");
    insta::assert_snapshot!(stderr(
        &["run", "--config", &f, "--out", "o"],
        tmp.path(),
        2
    ));
}

#[test]
fn study_file_with_a_value_of_the_wrong_type() {
    let tmp = tempfile::tempdir().unwrap();
    let f = study_file(
        tmp.path(),
        b"prices = \"p.csv\"\nmin_estimation_obs = \"many\"\n",
    );
    insta::assert_snapshot!(stderr(
        &["run", "--config", &f, "--out", "o"],
        tmp.path(),
        2
    ));
}

#[test]
fn study_file_with_an_unknown_model() {
    let tmp = tempfile::tempdir().unwrap();
    let f = study_file(tmp.path(), b"model = \"capm\"\n");
    insta::assert_snapshot!(stderr(
        &["run", "--config", &f, "--out", "o"],
        tmp.path(),
        2
    ));
}

#[test]
fn study_file_in_gbk_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    // `# 研究` in GBK: not UTF-8.
    let f = study_file(tmp.path(), b"prices = \"p.csv\"\n# \xd1\xd0\xbe\xbf\n");
    insta::assert_snapshot!(stderr(
        &["run", "--config", &f, "--out", "o"],
        tmp.path(),
        2
    ));
}

#[test]
fn study_file_with_a_byte_order_mark_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("study.toml")).unwrap();
    let base = demo("");
    let mut body = b"\xef\xbb\xbf".to_vec();
    body.extend(
        text.replace("\"prices.csv\"", &format!("{:?}", base.join("prices.csv")))
            .replace("\"index.csv\"", &format!("{:?}", base.join("index.csv")))
            .replace("\"events.csv\"", &format!("{:?}", base.join("events.csv")))
            .into_bytes(),
    );
    let f = study_file(tmp.path(), &body);
    let cfg = evstudy::StudyConfig::from_toml_file(Path::new(&f)).unwrap();
    assert_eq!(cfg.prices, base.join("prices.csv"));
}

// ---------------------------------------------------------- contradictory settings (exit 2)

#[test]
fn settings_errors_are_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let p = path_str(&demo("prices.csv"));
    let m = path_str(&demo("index.csv"));
    let e = path_str(&demo("events.csv"));
    let o = path_str(&tmp.path().join("o"));
    let base = [
        "run", "--prices", &p, "--market", &m, "--events", &e, "--out", &o,
    ];
    let cases: [(&str, &[&str]); 7] = [
        ("estimation_overlaps_window", &["--estimation=-250:-5"]),
        ("car_window_outside", &["--car-window=-20:3"]),
        ("window_reversed", &["--window=5:-5"]),
        (
            "min_estimation_obs",
            &["--model", "market", "--min-estimation-obs", "3"],
        ),
        ("factors_without_factor_model", &["--factors", &p]),
        ("columns_pair", &["--columns", "close"]),
        ("unknown_column_field", &["--columns", "colse=px_last"]),
    ];
    let mut all = String::new();
    for (name, extra) in cases {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        all.push_str(&format!("{name}:\n{}\n", stderr(&args, tmp.path(), 2)));
    }
    let missing = stderr(&["run", "--prices", &p, "--out", &o], tmp.path(), 2);
    all.push_str(&format!("missing_input:\n{missing}\n"));
    let no_out = stderr(
        &["run", "--prices", &p, "--market", &m, "--events", &e],
        tmp.path(),
        2,
    );
    all.push_str(&format!("missing_output:\n{no_out}\n"));
    insta::assert_snapshot!(all);
}

// ------------------------------------------------------------- the limit-rules file (exit 3)

fn rules(dir: &Path, body: &[u8]) -> String {
    let p = dir.join("rules.toml");
    std::fs::write(&p, body).unwrap();
    let pr = path_str(&demo("prices.csv"));
    let o = path_str(&dir.join("o"));
    stderr(
        &[
            "limits",
            "--prices",
            &pr,
            "--limit-rules",
            &path_str(&p),
            "--out",
            &o,
        ],
        dir,
        3,
    )
}

#[test]
fn limit_rules_file_errors_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let row = "[[rule]]\nmarket = \"CN\"\nfrom = \"2020-01-01\"\n";
    let cases: [(&str, String); 6] = [
        ("not_toml", "[[rule]\nmarket = \"CN\"\n".to_string()),
        ("bad_pct", format!("{row}kind = \"pct\"\npct = -3\n")),
        ("missing_pct", format!("{row}kind = \"pct\"\n")),
        (
            "unknown_tick_table",
            format!("{row}kind = \"pct\"\npct = 10\ntick_table = \"nope\"\n"),
        ),
        (
            "bad_date",
            "[[rule]]\nmarket = \"CN\"\nfrom = \"2020-13-01\"\nkind = \"none\"\n".to_string(),
        ),
        (
            "unknown_market",
            "[[rule]]\nmarket = \"XX\"\nfrom = \"2020-01-01\"\nkind = \"none\"\n".to_string(),
        ),
    ];
    let mut all = String::new();
    for (name, body) in cases {
        all.push_str(&format!(
            "{name}:\n{}\n",
            rules(tmp.path(), body.as_bytes())
        ));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn limit_rules_file_in_gbk_is_located() {
    let tmp = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(rules(
        tmp.path(),
        b"[[rule]]\nmarket = \"CN\"\nnote = \"\xd5\xc7\xb5\xf8\"\n"
    ));
}

/// #15: bytes that are neither UTF-8 nor GBK/GB18030 are bad input (exit 3), located by
/// line and byte; GBK itself is decoded with a note (#11, `vendor.rs`).
#[test]
fn undecodable_bytes_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(demo("prices.csv")).unwrap();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    bytes.splice(at..at, [0xFF, 0xFE, 0x80, b'x']);
    let p = tmp.path().join("prices.csv");
    std::fs::write(&p, bytes).unwrap();
    let o = path_str(&tmp.path().join("o"));
    let err = stderr(
        &["limits", "--prices", &path_str(&p), "--out", &o],
        tmp.path(),
        3,
    );
    assert!(
        err.contains("<tmp>/prices.csv") && err.contains("line 2"),
        "{err}"
    );
    let mut args: Vec<String> = vec!["run".into()];
    args.extend(
        demo_inputs()
            .iter()
            .map(|a| a.to_string_lossy().into_owned()),
    );
    let i = args.iter().position(|a| a == "--prices").unwrap();
    args[i + 1] = path_str(&p);
    args.extend(["--out".into(), o]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = stderr(&refs, tmp.path(), 3);
    assert!(err.contains("line 2"), "{err}");
}
