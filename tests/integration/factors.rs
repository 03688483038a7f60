//! Factor models end to end (#12): the demo FF3 study from the README, generic factor files,
//! the per-event skips (`no_factors`, collinear factors), days without factors, the settings
//! errors (exit 2) and the factor files' located errors (exit 3), snapshot-tested (insta).

use std::path::Path;

use assert_cmd::Command;
use evstudy::{ModelKind, StudyConfig};

use crate::common::demo;

fn demo_config(model: ModelKind, factors: &[&Path]) -> StudyConfig {
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.model = model;
    cfg.factors = factors.iter().map(|p| p.to_path_buf()).collect();
    cfg.format = vec![];
    cfg.chart = vec![];
    cfg
}

/// The demo's French-layout factor file as a generic `date,...` CSV in decimals, with
/// `extra(mkt, smb, hml) -> (name, value)` columns appended.
fn generic_factors(
    dir: &Path,
    extra: &dyn Fn(f64, f64, f64) -> Vec<(String, f64)>,
) -> std::path::PathBuf {
    let text = std::fs::read_to_string(demo("factors_ff3_daily.CSV")).unwrap();
    let mut out = String::new();
    let mut header_done = false;
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 5 || !cells[0].bytes().all(|b| b.is_ascii_digit()) || cells[0].len() != 8
        {
            continue;
        }
        let v: Vec<f64> = cells[1..]
            .iter()
            .map(|c| c.parse::<f64>().unwrap() / 100.0)
            .collect();
        let more = extra(v[0], v[1], v[2]);
        if !header_done {
            out.push_str("date,mkt_rf,smb,hml,rf");
            for (n, _) in &more {
                out.push_str(&format!(",{n}"));
            }
            out.push('\n');
            header_done = true;
        }
        let d = cells[0];
        out.push_str(&format!(
            "{}-{}-{},{},{},{},{}",
            &d[..4],
            &d[4..6],
            &d[6..],
            v[0],
            v[1],
            v[2],
            v[3]
        ));
        for (_, x) in &more {
            out.push_str(&format!(",{x}"));
        }
        out.push('\n');
    }
    let p = dir.join("factors.csv");
    std::fs::write(&p, out).unwrap();
    p
}

fn message(cfg: &StudyConfig, dir: &Path) -> String {
    let msg = match evstudy::run(cfg) {
        Err(e) => e.to_string(),
        Ok(study) => study
            .skipped
            .iter()
            .map(|s| s.message.clone())
            .collect::<Vec<_>>()
            .join("\n"),
    };
    msg.replace(&dir.display().to_string(), "<tmp>")
        .replace(&demo("").display().to_string(), "<demo>/")
}

#[test]
fn demo_ff3_study_writes_coefficients_and_names_the_model() {
    let out = tempfile::tempdir().unwrap();
    let assert = Command::cargo_bin("evstudy")
        .unwrap()
        .args(["run", "--config"])
        .arg(demo("study.toml"))
        .arg("--factors")
        .arg(demo("factors_ff3_daily.CSV"))
        .args([
            "--model", "ff3", "--format", "csv,json", "--chart", "png", "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    assert!(stdout.contains("ff3 model"), "{stdout}");
    assert!(
        stdout.contains("Fama-French three-factor model: R - RF on const, mkt_rf, smb, hml"),
        "{stdout}"
    );
    let events = std::fs::read_to_string(out.path().join("events.csv")).unwrap();
    let header: Vec<&str> = events.lines().next().unwrap().split(',').collect();
    let tail = &header[header.len() - 13..];
    assert_eq!(
        tail,
        [
            "n_no_factors",
            "coef_const",
            "se_const",
            "t_const",
            "coef_mkt_rf",
            "se_mkt_rf",
            "t_mkt_rf",
            "coef_smb",
            "se_smb",
            "t_smb",
            "coef_hml",
            "se_hml",
            "t_hml"
        ]
    );
    // Every computed event has a coefficient, a standard error and t = coef / se.
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in events.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (c, se, t): (f64, f64, f64) = (
            cells[col("coef_smb")].parse().unwrap(),
            cells[col("se_smb")].parse().unwrap(),
            cells[col("t_smb")].parse().unwrap(),
        );
        assert!(
            se > 0.0 && (t - c / se).abs() <= 1e-12 * t.abs().max(1.0),
            "{line}"
        );
        assert_eq!(cells[col("n_no_factors")], "0");
        // The demo's stocks follow a market model: the market loading is near their beta.
        let b: f64 = cells[col("coef_mkt_rf")].parse().unwrap();
        assert!((0.4..1.7).contains(&b), "{line}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("study.json")).unwrap())
            .unwrap();
    let fit = &json["events"][0]["fit"];
    assert_eq!(fit["model"], "factor");
    assert_eq!(fit["kind"], "ff3");
    assert_eq!(fit["coefficients"].as_array().unwrap().len(), 4);
    assert_eq!(fit["coefficients"][1]["name"], "mkt_rf");
    let roles: Vec<&str> = json["inputs"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["role"].as_str()).collect())
        .unwrap_or_default();
    assert!(roles.contains(&"factors"), "{roles:?}");
}

#[test]
fn a_generic_decimal_file_gives_the_same_ff3_fit_as_the_french_layout() {
    let dir = tempfile::tempdir().unwrap();
    let generic = generic_factors(dir.path(), &|_, _, _| vec![]);
    let french = evstudy::run(&demo_config(
        ModelKind::Ff3,
        &[&demo("factors_ff3_daily.CSV")],
    ))
    .unwrap();
    let mut cfg = demo_config(ModelKind::Factors, &[&generic]);
    cfg.factor_columns = vec!["Mkt-RF".into(), "SMB".into(), "HML".into()];
    cfg.factor_units = Some(evstudy::data::FactorUnits::Decimal);
    let any = evstudy::run(&cfg).unwrap();
    assert_eq!(french.events.len(), 8);
    for (a, b) in french.events.iter().zip(&any.events) {
        assert_eq!(a.fit.coefficients().len(), 4);
        for (x, y) in a.fit.coefficients().iter().zip(b.fit.coefficients()) {
            assert_eq!(x.name, y.name);
            assert!(
                (x.coef - y.coef).abs() <= 1e-12 * x.coef.abs().max(1e-3),
                "{x:?} {y:?}"
            );
        }
        for (x, y) in a.days.iter().zip(&b.days) {
            match (x.stats.ar, y.stats.ar) {
                (Some(x), Some(y)) => assert!((x - y).abs() <= 1e-13, "{x} {y}"),
                (x, y) => assert_eq!(x, y),
            }
        }
    }
}

#[test]
fn days_without_factors_have_no_ar_and_are_counted() {
    // Drop two event-window dates of the May 2022 events from the factor file.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("factors_ff3_daily.CSV")).unwrap();
    let cut: String = text
        .split("\r\n")
        .filter(|l| !l.starts_with("20220506") && !l.starts_with("20220510"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let f = dir.path().join("ff3.CSV");
    std::fs::write(&f, cut).unwrap();
    let study = evstudy::run(&demo_config(ModelKind::Ff3, &[&f])).unwrap();
    let e = study
        .events
        .iter()
        .find(|e| e.event_id == "SANC1-600101")
        .unwrap();
    assert_eq!(e.n_no_factors, Some(2));
    for d in &e.days {
        let gone = ["2022-05-06", "2022-05-10"].contains(&d.date.to_string().as_str());
        assert_eq!(d.stats.ar.is_none(), gone, "{}", d.date);
    }
    // A CAR window over a day without factors has no CAR; the others do.
    let w = |from, to| {
        e.windows
            .iter()
            .find(|w| w.window.from == from && w.window.to == to)
            .unwrap()
    };
    assert!(w(0, 0).values.car.is_some());
    assert!(w(0, 1).values.car.is_none());
    let other = study
        .events
        .iter()
        .find(|e| e.event_id == "FCC2-600101")
        .unwrap();
    assert_eq!(other.n_no_factors, Some(0));
}

#[test]
fn events_outside_the_factor_files_are_skipped_with_no_factors() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("factors_ff3_daily.CSV")).unwrap();
    // Keep 2021 only: the windows of every event (2022-05 .. 2023-03) have no factors.
    let cut: String = text
        .split("\r\n")
        .filter(|l| !(l.len() > 8 && (l.starts_with("2022") || l.starts_with("2023"))))
        .collect::<Vec<_>>()
        .join("\r\n");
    let f = dir.path().join("ff3_2021.CSV");
    std::fs::write(&f, cut).unwrap();
    let cfg = demo_config(ModelKind::Ff3, &[&f]);
    let Err(evstudy::Error::NoEvents { skipped, reasons }) = evstudy::run(&cfg) else {
        panic!("every event should be skipped");
    };
    assert_eq!((skipped, reasons.len()), (8, 8));
    assert!(
        reasons
            .iter()
            .all(|r| r.contains("has the factors of --model ff3"))
    );
    // The message lists every skip.
    insta::assert_snapshot!(message(&cfg, dir.path()));
}

#[test]
fn collinear_factors_skip_the_event_with_model_failed() {
    let dir = tempfile::tempdir().unwrap();
    let generic = generic_factors(dir.path(), &|m, s, _| vec![("twice".into(), 2.0 * m - s)]);
    let mut cfg = demo_config(ModelKind::Factors, &[&generic]);
    cfg.factor_columns = vec!["mkt_rf".into(), "smb".into(), "twice".into()];
    cfg.factor_units = Some(evstudy::data::FactorUnits::Decimal);
    let Err(evstudy::Error::NoEvents { reasons, .. }) = evstudy::run(&cfg) else {
        panic!("every event should be skipped");
    };
    assert_eq!(reasons.len(), 8);
    for r in &reasons {
        assert!(r.contains("factors model: collinear factors"), "{r}");
    }
}

#[test]
fn a_factor_model_column_that_no_file_has_is_a_located_error() {
    // The momentum column of Carhart is not in the FF3 file.
    let cfg = demo_config(ModelKind::Carhart, &[&demo("factors_ff3_daily.CSV")]);
    insta::assert_snapshot!(message(&cfg, Path::new("/nonexistent")));
}

#[test]
fn a_generic_file_without_units_or_rf_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let generic = generic_factors(dir.path(), &|_, _, _| vec![]);
    let mut cfg = demo_config(ModelKind::Ff3, &[&generic]);
    insta::assert_snapshot!("generic_without_units", message(&cfg, dir.path()));
    cfg.factor_units = Some(evstudy::data::FactorUnits::Decimal);
    let no_rf = dir.path().join("no_rf.csv");
    let text = std::fs::read_to_string(&generic).unwrap();
    let stripped: String = text
        .lines()
        .map(|l| l.rsplit_once(',').unwrap().0.to_string() + "\n")
        .collect();
    std::fs::write(&no_rf, stripped).unwrap();
    cfg.factors = vec![no_rf];
    insta::assert_snapshot!("named_model_without_rf", message(&cfg, dir.path()));
}

#[test]
fn factor_file_cell_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.CSV");
    let text = std::fs::read_to_string(demo("factors_ff3_daily.CSV")).unwrap();
    std::fs::write(
        &f,
        text.replacen("20210105,    0.87", "20210105,    O.87", 1),
    )
    .unwrap();
    let cfg = demo_config(ModelKind::Ff3, &[&f]);
    insta::assert_snapshot!("non_numeric_cell", message(&cfg, dir.path()));
    std::fs::write(&f, text.replacen("20210105,", "20210104,", 1)).unwrap();
    insta::assert_snapshot!("duplicate_date", message(&cfg, dir.path()));
    let monthly = "Monthly\r\n\r\n,Mkt-RF,SMB,HML,RF\r\n202101,   1.00,   0.20,  -0.10,   0.01\r\n";
    std::fs::write(&f, monthly).unwrap();
    insta::assert_snapshot!("monthly_file", message(&cfg, dir.path()));
    // Found by fuzzing (#15): bytes that are not UTF-8 named no line.
    let mut bytes = text.into_bytes();
    let at = bytes.windows(9).position(|w| w == b"20210105,").unwrap() + 9;
    bytes.insert(at, 0xFF);
    std::fs::write(&f, bytes).unwrap();
    insta::assert_snapshot!("not_utf8", message(&cfg, dir.path()));
}

#[test]
fn factor_settings_errors_exit_2() {
    let run = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let o = Command::cargo_bin("evstudy")
            .unwrap()
            .args(["run", "--config"])
            .arg(demo("study.toml"))
            .args(extra)
            .arg("--out")
            .arg(out.path())
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).trim().to_string(),
        )
    };
    let f = demo("factors_ff3_daily.CSV");
    let f = f.to_str().unwrap();
    let cases = [
        run(&["--model", "ff3"]),
        run(&["--factors", f]),
        run(&["--model", "factors", "--factors", f]),
        run(&["--model", "ff3", "--factors", f, "--factor-columns", "smb"]),
        run(&[
            "--model",
            "factors",
            "--factors",
            f,
            "--factor-columns",
            "smb,SMB",
        ]),
        run(&[
            "--model",
            "factors",
            "--factors",
            f,
            "--factor-columns",
            "mkt_rf,rf",
        ]),
    ];
    let mut text = String::new();
    for (code, stderr) in &cases {
        assert_eq!(*code, Some(2), "{stderr}");
        text.push_str(stderr);
        text.push('\n');
    }
    insta::assert_snapshot!(text);
}

#[test]
fn one_factor_equal_to_the_market_return_is_the_market_model() {
    // `--model factors` on the index's own returns with RF = 0 is the market model. With
    // `--gaps missing`: over a trade-to-trade span the factor model sums the daily factors
    // (METHODS.md §2.4) where the market model compounds the index, so they differ there.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(demo("index.csv")).unwrap();
    let rows: Vec<(&str, f64)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[0], c[2].parse().unwrap())
        })
        .collect();
    let mut out = String::from("date,mkt\n");
    for w in rows.windows(2) {
        out.push_str(&format!("{},{}\n", w[1].0, w[1].1 / w[0].1 - 1.0));
    }
    let f = dir.path().join("mkt.csv");
    std::fs::write(&f, out).unwrap();
    let mut cfg = demo_config(ModelKind::Factors, &[&f]);
    cfg.factor_columns = vec!["mkt".into()];
    cfg.factor_units = Some(evstudy::data::FactorUnits::Decimal);
    cfg.gaps = evstudy::config::GapPolicy::Missing;
    let factor = evstudy::run(&cfg).unwrap();
    assert!(factor.warnings.iter().any(|w| w.contains("no RF column")));
    let mut market = demo_config(ModelKind::Market, &[]);
    market.gaps = evstudy::config::GapPolicy::Missing;
    let market = evstudy::run(&market).unwrap();
    assert_eq!(factor.events.len(), market.events.len());
    for (a, b) in factor.events.iter().zip(&market.events) {
        let near = |x: Option<f64>, y: Option<f64>, what: &str| match (x, y) {
            (Some(x), Some(y)) => assert!(
                (x - y).abs() <= 1e-11 * y.abs().max(1e-3),
                "{} {what}: {x} vs {y}",
                a.event_id
            ),
            (x, y) => assert_eq!(x, y, "{} {what}", a.event_id),
        };
        near(a.fit.alpha(), b.fit.alpha(), "alpha");
        near(
            a.fit.coefficients().get(1).map(|c| c.coef),
            b.fit.beta(),
            "beta",
        );
        near(Some(a.fit.sigma2()), Some(b.fit.sigma2()), "sigma2");
        near(a.fit.r2(), b.fit.r2(), "r2");
        for (x, y) in a.days.iter().zip(&b.days) {
            near(x.stats.ar, y.stats.ar, "ar");
            near(x.stats.sar, y.stats.sar, "sar");
        }
        for (x, y) in a.windows.iter().zip(&b.windows) {
            near(x.values.scar, y.values.scar, "scar");
            near(x.p_value, y.p_value, "p");
        }
    }
}
