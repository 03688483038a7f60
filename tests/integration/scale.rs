//! #13: the scale features keep the numbers. Outputs byte-identical at 1, 2 and 3 threads and
//! from CSV or Parquet input; the day-0 grouped `rbar` is named in `tests.csv`; `study.json`
//! compact by default and indented with `--pretty-json`, both re-rendering the same report;
//! `--format parquet` holds the CSV's values; input fingerprints are BLAKE3.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{demo, demo_inputs, shared_or_skip, tree};

fn evstudy() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("evstudy").unwrap()
}

/// Run `evstudy --threads N run ARGS --out OUT` and return the files it wrote.
fn run_with(
    threads: u16,
    inputs: &[std::ffi::OsString],
    extra: &[&str],
    out: &Path,
) -> BTreeMap<PathBuf, Vec<u8>> {
    evstudy()
        .arg("--threads")
        .arg(threads.to_string())
        .args(["run", "-q"])
        .args(inputs)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    tree(out)
}

fn assert_same(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>, what: &str) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: file names"
    );
    for (name, bytes) in a {
        assert!(bytes == &b[name], "{what}: {} differs", name.display());
    }
}

#[test]
fn outputs_are_byte_identical_on_one_two_and_three_threads() {
    let tmp = tempfile::tempdir().unwrap();
    // Exact rbar, and the grouped one forced with --rbar-exact-max 1 (both run in parallel).
    for extra in [
        vec!["--format", "csv,json,parquet,md"],
        vec![
            "--format",
            "csv,json",
            "--rbar-exact-max",
            "1",
            "--rbar",
            "calendar",
        ],
    ] {
        let one = run_with(1, &demo_inputs(), &extra, &tmp.path().join("t1"));
        for n in [2, 3] {
            let other = run_with(n, &demo_inputs(), &extra, &tmp.path().join(format!("t{n}")));
            assert_same(&one, &other, &format!("{n} threads, {extra:?}"));
        }
        assert!(one.contains_key(Path::new("study.json")) && one.contains_key(Path::new("ar.csv")));
    }
}

/// The same on the real sanctions study (25 events, halts and limit days), when
/// `../shared` is beside the project.
#[test]
fn real_sanctions_study_is_byte_identical_on_one_and_two_threads() {
    let Some(events) = shared_or_skip("events_sanctions.csv") else {
        return;
    };
    let (Some(prices), Some(market)) = (
        shared_or_skip("prices_sanctioned.csv"),
        shared_or_skip("index_csi300.csv"),
    ) else {
        return;
    };
    let inputs: Vec<std::ffi::OsString> = vec![
        "--prices".into(),
        prices.into_os_string(),
        "--market".into(),
        market.into_os_string(),
        "--events".into(),
        events.into_os_string(),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let one = run_with(
        1,
        &inputs,
        &["--format", "csv,json"],
        &tmp.path().join("t1"),
    );
    let two = run_with(
        2,
        &inputs,
        &["--format", "csv,json"],
        &tmp.path().join("t2"),
    );
    assert_same(&one, &two, "sanctions study");
}

#[test]
fn csv_and_parquet_inputs_give_identical_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let parquet = tmp.path().join("prices.parquet");
    evstudy()
        .arg("convert")
        .arg(demo("prices.csv"))
        .arg("--to")
        .arg(&parquet)
        .assert()
        .success();
    let from_csv = run_with(
        2,
        &demo_inputs(),
        &["--format", "csv,parquet"],
        &tmp.path().join("csv"),
    );
    let mut inputs = demo_inputs();
    inputs[1] = parquet.into_os_string();
    let from_parquet = run_with(
        2,
        &inputs,
        &["--format", "csv,parquet"],
        &tmp.path().join("pq"),
    );
    assert_same(&from_csv, &from_parquet, "CSV vs Parquet input");
    assert_eq!(from_csv.len(), 6, "{:?}", from_csv.keys());
}

#[test]
fn grouped_rbar_is_named_in_the_tests_note_and_close_to_the_exact_one() {
    let tmp = tempfile::tempdir().unwrap();
    let tests = |extra: &[&str], dir: &str| -> Vec<csv::StringRecord> {
        let out = tmp.path().join(dir);
        run_with(2, &demo_inputs(), extra, &out);
        let mut r = csv::Reader::from_path(out.join("tests.csv")).unwrap();
        r.records().map(Result::unwrap).collect()
    };
    let exact = tests(&[], "exact");
    let grouped = tests(&["--rbar-exact-max", "7"], "grouped");
    let header = csv::Reader::from_path(tmp.path().join("exact/tests.csv"))
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (note, rbar, pairs) = (col("note"), col("rbar"), col("rbar_pairs"));
    let mut compared = 0;
    for (e, g) in exact.iter().zip(&grouped) {
        if e[rbar].is_empty() {
            assert!(!g[note].contains("day-0 groups"));
            continue;
        }
        assert!(!e[note].contains("day-0 groups"), "{e:?}");
        assert!(g[note].contains("rbar by day-0 groups"), "{g:?}");
        assert_eq!(e[pairs], g[pairs], "{e:?}");
        let (re, rg): (f64, f64) = (e[rbar].parse().unwrap(), g[rbar].parse().unwrap());
        // The demo's 8 events fall on 3 dates; on the same date the two agree to rounding.
        assert!(
            (re - rg).abs() <= 2e-2 * re.abs().max(0.05),
            "{re} vs {rg}: {g:?}"
        );
        compared += 1;
    }
    assert!(compared > 10, "{compared} KP rows compared");
}

#[test]
fn study_json_is_compact_by_default_and_indented_with_pretty_json() {
    let tmp = tempfile::tempdir().unwrap();
    let compact = run_with(
        2,
        &demo_inputs(),
        &["--format", "json"],
        &tmp.path().join("c"),
    );
    let pretty = run_with(
        2,
        &demo_inputs(),
        &["--format", "json", "--pretty-json"],
        &tmp.path().join("p"),
    );
    let (c, p) = (
        &compact[Path::new("study.json")],
        &pretty[Path::new("study.json")],
    );
    assert_eq!(String::from_utf8_lossy(c).lines().count(), 1);
    assert!(String::from_utf8_lossy(p).lines().count() > 1000);
    assert!(
        c.len() * 3 < p.len() * 2,
        "{} vs {} bytes",
        c.len(),
        p.len()
    );
    // The same study, re-rendered to the same report from either.
    let render = |dir: &str| {
        let out = tmp.path().join(format!("{dir}-md"));
        evstudy()
            .args(["report"])
            .arg(tmp.path().join(dir).join("study.json"))
            .args(["--format", "md", "--out"])
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out.join("report.md")).unwrap()
    };
    let (mc, mp) = (render("c"), render("p"));
    let strip = |b: &[u8]| {
        String::from_utf8_lossy(b).replace("json_style | pretty", "json_style | compact")
    };
    assert_eq!(strip(&mc), strip(&mp));
}

/// `--format parquet`: ar.parquet and events.parquet have the columns of the CSVs, in order,
/// typed, with the same values (floats bit for bit).
#[test]
fn parquet_tables_hold_the_csv_values() {
    use polars::prelude::{AnyValue, ParquetReader, SerReader};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    run_with(2, &demo_inputs(), &["--format", "csv,parquet"], &out);
    for table in ["ar", "events"] {
        let file = std::fs::File::open(out.join(format!("{table}.parquet"))).unwrap();
        let df = ParquetReader::new(file).finish().unwrap();
        let mut csv = csv::Reader::from_path(out.join(format!("{table}.csv"))).unwrap();
        let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        assert_eq!(names, header, "{table}");
        let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
        assert_eq!(df.height(), rows.len());
        for (c, name) in header.iter().enumerate() {
            let col = df.column(name).unwrap();
            for (i, row) in rows.iter().enumerate() {
                let cell = &row[c];
                let v = col.get(i).unwrap();
                let ok = match v {
                    AnyValue::Null => cell.is_empty(),
                    AnyValue::Float64(x) => cell.parse::<f64>().unwrap().to_bits() == x.to_bits(),
                    AnyValue::Int64(x) => cell.parse::<i64>().unwrap() == x,
                    AnyValue::Boolean(x) => cell == if x { "true" } else { "false" },
                    AnyValue::Date(_) => v.to_string().trim_matches('"') == cell,
                    AnyValue::String(s) => s == cell,
                    AnyValue::StringOwned(ref s) => s.as_str() == cell,
                    other => panic!("{table}.{name}: unexpected {other:?}"),
                };
                assert!(ok, "{table} row {i} {name}: csv {cell:?} parquet {v:?}");
            }
        }
    }
}

#[test]
fn input_fingerprints_are_blake3_with_the_algorithm_named() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_with(
        1,
        &demo_inputs(),
        &["--format", "json"],
        &tmp.path().join("o"),
    );
    let v: serde_json::Value = serde_json::from_slice(&out[Path::new("study.json")]).unwrap();
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 3);
    // python3 -c "import blake3; print(blake3.blake3(open('data/prices.csv','rb').read()).hexdigest())"
    // (the reference implementation, pip's blake3)
    assert_eq!(inputs[0]["role"], "prices");
    assert_eq!(inputs[0]["algorithm"], "blake3");
    assert_eq!(
        inputs[0]["hash"],
        "83aa95528f03c38a0922ad33afb916a39b9871234607765fdec7f7c2da0f4872"
    );
    for m in v["manifest"].as_array().unwrap() {
        assert_eq!(m["algorithm"], "blake3");
    }
}

/// A study.json of format 1 (SHA-256 in `sha256` fields) still re-renders, and a rerun into
/// its folder still recognises (and removes) the unchanged files its manifest lists.
#[test]
fn a_format_1_study_json_with_sha256_fields_is_still_read() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("o");
    run_with(1, &demo_inputs(), &["--format", "csv,json"], &dir);
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("study.json")).unwrap()).unwrap();
    v["format"] = 1.into();
    let sha = |p: PathBuf| {
        use sha2::Digest;
        sha2::Sha256::digest(std::fs::read(p).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    for f in v["inputs"].as_array_mut().unwrap() {
        let o = f.as_object_mut().unwrap();
        o.remove("algorithm");
        let h = o.remove("hash").unwrap();
        o.insert("sha256".into(), h);
    }
    for m in v["manifest"].as_array_mut().unwrap() {
        let o = m.as_object_mut().unwrap();
        o.remove("algorithm");
        let file = o.remove("hash").unwrap();
        let name = o["file"].as_str().unwrap().to_string();
        let h = if file.as_str() == Some("") {
            String::new()
        } else {
            sha(dir.join(&name))
        };
        o.insert("sha256".into(), h.into());
    }
    std::fs::write(dir.join("study.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    evstudy()
        .arg("report")
        .arg(dir.join("study.json"))
        .args(["--format", "md", "--out"])
        .arg(tmp.path().join("md"))
        .assert()
        .success();
    // A rerun writing only JSON removes the unchanged CSVs of the old (SHA-256) manifest.
    run_with(1, &demo_inputs(), &["--format", "json"], &dir);
    assert!(
        !dir.join("ar.csv").exists(),
        "the format-1 manifest was not recognised"
    );
}

/// The compact `study.json` is written in parts (the fields before the events, the events a
/// chunk at a time on the thread pool, the fields after): it must be the derived JSON of the
/// study it holds, byte for byte, with more events than one chunk and with skipped events.
#[test]
fn compact_study_json_is_the_derived_json_of_its_study() {
    let tmp = tempfile::tempdir().unwrap();
    let prices = std::fs::read_to_string(demo("prices.csv")).unwrap();
    let mut tickers: Vec<&str> = prices
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    tickers.sort_unstable();
    tickers.dedup();
    let days: Vec<&str> = prices
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|d| d.starts_with("2022") || d.starts_with("2021-0"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut events = String::from("event_id,ticker,date\n");
    for t in &tickers {
        for d in &days {
            events.push_str(&format!("{t}-{d},{t},{d}\n"));
        }
    }
    let events_path = tmp.path().join("events.csv");
    std::fs::write(&events_path, events).unwrap();
    let files = run_with(
        2,
        &[
            "--prices".into(),
            demo("prices.csv").into_os_string(),
            "--market".into(),
            demo("index.csv").into_os_string(),
            "--events".into(),
            events_path.into_os_string(),
        ],
        &["--format", "json"],
        &tmp.path().join("out"),
    );
    let bytes = &files[Path::new("study.json")];
    let study: evstudy::Study = serde_json::from_slice(bytes).unwrap();
    assert!(study.events.len() > 1024, "{} events", study.events.len());
    assert!(!study.skipped.is_empty(), "no skipped events");
    assert!(study.manifest.is_some());
    let mut derived = serde_json::to_vec(&study).unwrap();
    derived.push(b'\n');
    assert!(
        derived == *bytes,
        "compact study.json ({} bytes) is not the derived JSON ({} bytes)",
        bytes.len(),
        derived.len()
    );
}

/// `EVSTUDY_TIMINGS`: one stderr line per step with the seconds since the start, in order,
/// ending with `done` (the phase breakdown the CLI benchmark records); nothing without it.
#[test]
fn evstudy_timings_prints_each_step_once_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |timings: bool, out: &str| {
        let mut cmd = evstudy();
        cmd.args(["run", "-q"])
            .args(demo_inputs())
            .args(["--format", "csv,json", "--out"])
            .arg(tmp.path().join(out));
        if timings {
            cmd.env("EVSTUDY_TIMINGS", "1");
        } else {
            cmd.env_remove("EVSTUDY_TIMINGS");
        }
        let out = cmd.assert().success().get_output().clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let stderr = run(true, "a");
    let lines: Vec<(f64, &str)> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timing: "))
        .map(|l| {
            let (secs, step) = l.split_once(" s ").unwrap();
            (secs.parse().unwrap(), step)
        })
        .collect();
    let steps: Vec<&str> = lines.iter().map(|(_, s)| *s).collect();
    assert_eq!(
        steps,
        [
            "loading", "events", "tests", "csv", "json", "saving", "done"
        ]
    );
    assert!(lines.windows(2).all(|w| w[0].0 <= w[1].0), "{lines:?}");
    assert!(!run(false, "b").contains("timing:"));
}
