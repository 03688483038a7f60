//! Unit tests of the command line: `Cli::try_parse_from` on argument lists, then
//! `into_config`. Flags override a TOML study file, defaults match `StudyConfig::default()`,
//! `--columns` mistakes are the `SettingsError` variants, and windows parse `FROM:TO`
//! (negative values included) within ±100,000 days.

use std::path::{Path, PathBuf};

use clap::Parser;
use clap::error::ErrorKind;

use super::*;
use crate::error::Error;

/// The `RunArgs` of `evstudy run ARGS…`.
fn run_args(args: &[&str]) -> RunArgs {
    let argv = ["evstudy", "run"].iter().chain(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Command::Run(a) => *a,
        other => panic!("not a run command: {other:?}"),
    }
}

fn run_config(args: &[&str]) -> Result<StudyConfig> {
    run_args(args).into_config()
}

/// The settings error of `evstudy run ARGS…`.
fn settings_error(args: &[&str]) -> SettingsError {
    match run_config(args).unwrap_err() {
        Error::Settings(e) => e,
        e => panic!("not a settings error: {e}"),
    }
}

/// The clap error of `evstudy run ARGS…`.
fn parse_error(args: &[&str]) -> clap::Error {
    let argv = ["evstudy", "run"].iter().chain(args);
    Cli::try_parse_from(argv).unwrap_err()
}

/// The three inputs and an output folder, as flags.
const FILES: [&str; 8] = [
    "--prices", "p.csv", "--market", "m.csv", "--events", "e.csv", "--out", "out",
];

fn with_files<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    FILES.iter().copied().chain(extra.iter().copied()).collect()
}

fn w(from: i32, to: i32) -> Window {
    Window { from, to }
}

/// A study file in a temp dir; its relative paths resolve against the dir.
fn study_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("study.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

const STUDY: &str = r#"
prices = "p.csv"
market = "m.csv"
events = "e.csv"
out = "results"
model = "mean"
estimation = "-120:-6"
window = "-5:5"
car_windows = ["-5:5"]
min_estimation_obs = 50
allow_partial_car = true
columns = { date = "asof", close = "px" }
"#;

#[test]
fn flags_alone_give_the_default_settings_with_those_files() {
    let cfg = run_config(&FILES).unwrap();
    let want = StudyConfig {
        prices: "p.csv".into(),
        market: "m.csv".into(),
        events: "e.csv".into(),
        out: Some("out".into()),
        ..StudyConfig::default()
    };
    assert_eq!(cfg, want);
    assert_eq!((cfg.estimation, cfg.window), (w(-250, -11), w(-10, 10)));
    assert_eq!(cfg.car_windows.len(), 5);
    assert_eq!(cfg.min_estimation_obs, 100);
    assert_eq!((cfg.chart_width, cfg.chart_height), (1200, 675));
}

#[test]
fn the_study_file_alone_is_read_with_paths_relative_to_its_folder() {
    let (dir, path) = study_file(STUDY);
    let cfg = run_config(&["--config", path.to_str().unwrap()]).unwrap();
    assert_eq!(cfg.prices, dir.path().join("p.csv"));
    assert_eq!(cfg.events, dir.path().join("e.csv"));
    assert_eq!(cfg.out, Some(dir.path().join("results")));
    assert_eq!(cfg.model, ModelKind::Mean);
    assert_eq!((cfg.estimation, cfg.window), (w(-120, -6), w(-5, 5)));
    assert_eq!(cfg.car_windows, [w(-5, 5)]);
    assert_eq!(cfg.min_estimation_obs, 50);
    assert!(cfg.allow_partial_car);
}

#[test]
fn flags_override_the_study_file_and_leave_its_other_settings() {
    let (dir, path) = study_file(STUDY);
    let cfg = run_config(&[
        "--config",
        path.to_str().unwrap(),
        "--model",
        "market",
        "--window=-3:3",
        "--car-window",
        "0:1",
        "--car-window=-1:1",
        "--prices",
        "other.csv",
        "--out",
        "elsewhere",
        "--columns",
        "close=Close,ticker=code",
    ])
    .unwrap();
    assert_eq!(cfg.model, ModelKind::Market);
    assert_eq!(cfg.window, w(-3, 3));
    // The file's -5:5 CAR window would lie outside -3:3; the flags replace the whole list.
    assert_eq!(cfg.car_windows, [w(0, 1), w(-1, 1)]);
    assert_eq!(
        cfg.prices,
        Path::new("other.csv"),
        "flag paths are taken as given"
    );
    assert_eq!(cfg.out, Some("elsewhere".into()));
    assert_eq!(cfg.market, dir.path().join("m.csv"));
    assert_eq!(cfg.estimation, w(-120, -6));
    assert_eq!(cfg.min_estimation_obs, 50);
    assert!(cfg.allow_partial_car, "no flag turns the file's `true` off");
    let columns: Vec<(&str, &str)> = cfg
        .columns
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        columns,
        [("close", "Close"), ("date", "asof"), ("ticker", "code")],
        "--columns adds to the file's mapping and wins on the same field"
    );
}

#[test]
fn switches_turn_on_settings_the_file_leaves_off() {
    let cfg = run_config(&with_files(&[
        "--strict",
        "--allow-partial-car",
        "--drop-limit-days-in-estimation",
        "--min-estimation-obs",
        "60",
        "--returns",
        "log",
        "--model",
        "market-adjusted",
        "--chart",
        "png,svg",
        "--chart-width",
        "600",
        "--format",
        "md,tex",
        "--tests",
        "bmp_t,grank_t",
        "--alternative",
        "less",
        "--max-limit-run",
        "7",
        "--post-free-days",
        "2",
        "--limit-rule",
        "10%",
    ]))
    .unwrap();
    assert!(cfg.strict && cfg.allow_partial_car && cfg.drop_limit_days_in_estimation);
    assert_eq!(cfg.min_estimation_obs, 60);
    assert_eq!(cfg.returns, ReturnKind::Log);
    assert_eq!(cfg.model, ModelKind::MarketAdjusted);
    assert_eq!(cfg.chart, [ChartFormat::Png, ChartFormat::Svg]);
    assert_eq!((cfg.chart_width, cfg.chart_height), (600, 675));
    assert_eq!(cfg.format, [ReportFormat::Md, ReportFormat::Tex]);
    assert_eq!(cfg.tests, [TestKind::BmpT, TestKind::GrankT]);
    assert_eq!(cfg.alternative, Alternative::Less);
    assert_eq!((cfg.max_limit_run, cfg.post_free_days), (7, 2));
    assert_eq!(cfg.limit_rule.as_deref(), Some("10%"));
}

#[test]
fn a_columns_entry_without_equals_is_a_columns_pair_error() {
    assert_eq!(
        settings_error(&with_files(&["--columns", "date=asof,close"])),
        SettingsError::ColumnsPair {
            pair: "close".into()
        }
    );
}

#[test]
fn an_unknown_columns_field_is_named_with_the_known_fields_of_its_file() {
    assert_eq!(
        settings_error(&with_files(&["--columns", "closing=px"])),
        SettingsError::UnknownColumnField {
            field: "closing".into(),
            role: "prices",
            known: "date, ticker, close, open, high, low, prev_close, adj_close, volume, st, tradestatus, suspended".into(),
        }
    );
    assert_eq!(
        settings_error(&with_files(&["--columns", "market.open=px"])),
        SettingsError::UnknownColumnField {
            field: "market.open".into(),
            role: "market",
            known: "date, close, adj_close, ticker".into(),
        }
    );
}

// See #11.
#[test]
fn columns_address_each_file_by_prefix() {
    let cfg = run_config(&with_files(&[
        "--columns",
        "market.close=px_last,events.date=event_date,prices.close=c",
    ]))
    .unwrap();
    assert_eq!(cfg.columns["market.close"], "px_last");
    assert_eq!(cfg.columns["events.date"], "event_date");
    assert!(matches!(
        settings_error(&with_files(&["--columns", "index.close=px"])),
        SettingsError::UnknownColumnFile { .. }
    ));
}

// See #11.
#[test]
fn a_date_format_without_a_day_is_a_settings_error() {
    assert!(matches!(
        settings_error(&with_files(&["--date-format", "%Y-%m"])),
        SettingsError::DateFormat { .. }
    ));
    let cfg = run_config(&with_files(&[
        "--date-format",
        "%d.%m.%Y",
        "--ticker",
        "sz.002415",
    ]))
    .unwrap();
    assert_eq!(cfg.date_format.as_deref(), Some("%d.%m.%Y"));
    assert_eq!(cfg.ticker.as_deref(), Some("sz.002415"));
}

#[test]
fn an_unknown_field_in_the_study_files_columns_is_the_same_error() {
    let (_dir, path) = study_file(
        "prices = \"p.csv\"\nmarket = \"m.csv\"\nevents = \"e.csv\"\nout = \"o\"\ncolumns = { when = \"asof\" }\n",
    );
    let err = settings_error(&["--config", path.to_str().unwrap()]);
    assert!(
        matches!(&err, SettingsError::UnknownColumnField { field, .. } if field == "when"),
        "{err}"
    );
}

#[test]
fn columns_pairs_are_trimmed_and_empty_entries_skipped() {
    let cfg = run_config(&with_files(&["--columns", " date = asof ,,close=px"])).unwrap();
    assert_eq!(cfg.columns.get("date").map(String::as_str), Some("asof"));
    assert_eq!(cfg.columns.get("close").map(String::as_str), Some("px"));
    assert_eq!(cfg.columns.len(), 2);
}

#[test]
fn no_out_is_missing_output_and_no_prices_is_missing_input() {
    assert_eq!(
        settings_error(&[
            "--prices", "p.csv", "--market", "m.csv", "--events", "e.csv"
        ]),
        SettingsError::MissingOutput
    );
    assert_eq!(
        settings_error(&["--market", "m.csv", "--events", "e.csv", "--out", "o"]),
        SettingsError::MissingInput { role: "prices" }
    );
}

#[test]
fn windows_parse_negative_bounds_with_or_without_equals() {
    let a = run_args(&["--window=-5:5", "--estimation", "-200:-21"]);
    assert_eq!(
        (a.window, a.estimation),
        (Some(w(-5, 5)), Some(w(-200, -21)))
    );
    let b = run_args(&["--window", " -1 : 1 ", "--car-window", "0:0"]);
    assert_eq!((b.window, b.car_windows), (Some(w(-1, 1)), vec![w(0, 0)]));
    let edge = run_args(&["--estimation=-100000:-11"]);
    assert_eq!(edge.estimation, Some(w(-100_000, -11)));
}

#[test]
fn a_reversed_window_5_to_minus_5_is_refused_by_the_parser() {
    let err = parse_error(&["--window", "5:-5"]);
    assert_eq!(err.kind(), ErrorKind::ValueValidation);
    assert!(
        err.to_string()
            .contains("window \"5:-5\" starts after it ends"),
        "{err}"
    );
}

#[test]
fn a_window_past_100000_days_or_without_a_colon_is_refused_by_the_parser() {
    let err = parse_error(&["--window=-100001:0"]);
    assert_eq!(err.kind(), ErrorKind::ValueValidation);
    assert!(
        err.to_string()
            .contains("reaches beyond ±100000 trading days"),
        "{err}"
    );
    let err = parse_error(&["--window", "5"]);
    assert!(
        err.to_string()
            .contains("\"5\" is not a window: expected FROM:TO in relative days"),
        "{err}"
    );
    let err = parse_error(&["--car-window", "a:b"]);
    assert_eq!(err.kind(), ErrorKind::ValueValidation);
}

#[test]
fn an_estimation_window_reaching_into_the_event_window_is_a_settings_error() {
    assert_eq!(
        settings_error(&with_files(&["--estimation=-250:-10", "--window=-10:10"])),
        SettingsError::EstimationOverlapsWindow {
            estimation: (-250, -10),
            window: (-10, 10),
        }
    );
    assert_eq!(
        settings_error(&with_files(&["--window=-1:1", "--car-window=-5:5"])),
        SettingsError::CarWindowOutside {
            car: (-5, 5),
            window: (-1, 1),
        }
    );
}

/// `evstudy limits ARGS…` as scan settings, format and output path.
fn limits_config(args: &[&str]) -> (ScanConfig, ScanFormat, Option<PathBuf>) {
    let argv = ["evstudy", "limits", "--prices", "p.csv"]
        .iter()
        .chain(args);
    match Cli::try_parse_from(argv).unwrap().command {
        Command::Limits(a) => a.into_config().unwrap(),
        other => panic!("not a limits command: {other:?}"),
    }
}

#[test]
fn limits_format_follows_the_out_extension_unless_given() {
    assert_eq!(limits_config(&[]).1, ScanFormat::Csv);
    assert_eq!(limits_config(&["--out", "hits.json"]).1, ScanFormat::Json);
    assert_eq!(limits_config(&["--out", "hits.csv"]).1, ScanFormat::Csv);
    assert_eq!(
        limits_config(&["--out", "hits.csv", "--format", "json"]).1,
        ScanFormat::Json
    );
    let (cfg, _, out) = limits_config(&[
        "--from",
        "20220104",
        "--to",
        "2022-05-06",
        "--columns",
        "close=px",
        "--out",
        "h.csv",
    ]);
    assert_eq!(cfg.from, chrono::NaiveDate::from_ymd_opt(2022, 1, 4));
    assert_eq!(cfg.to, chrono::NaiveDate::from_ymd_opt(2022, 5, 6));
    assert_eq!(cfg.columns.get("close").map(String::as_str), Some("px"));
    assert_eq!(out, Some("h.csv".into()));
}

#[test]
fn limits_columns_mistakes_are_the_same_settings_errors() {
    let argv = [
        "evstudy",
        "limits",
        "--prices",
        "p.csv",
        "--columns",
        "close",
    ];
    let Command::Limits(a) = Cli::try_parse_from(argv).unwrap().command else {
        panic!("not a limits command")
    };
    assert!(matches!(
        a.into_config(),
        Err(Error::Settings(SettingsError::ColumnsPair { pair })) if pair == "close"
    ));
}

#[test]
fn factor_settings_come_from_the_study_file_and_the_flags() {
    let (dir, path) = study_file(&format!(
        "{STUDY}factors = [\"ff3.CSV\", \"mom.CSV\"]\nfactor_units = \"decimal\"\n"
    ));
    let path = path.to_str().unwrap();
    let cfg = run_config(&["--config", path, "--model", "carhart"]).unwrap();
    assert_eq!(cfg.model, ModelKind::Carhart);
    assert_eq!(
        cfg.factors,
        [dir.path().join("ff3.CSV"), dir.path().join("mom.CSV")]
    );
    assert_eq!(cfg.factor_units, Some(FactorUnits::Decimal));
    assert_eq!(cfg.model_params(), 5);
    // Repeated --factors replace the file's list; --factor-columns is comma-separated and
    // read through the header aliases.
    let cfg = run_config(&[
        "--config",
        path,
        "--model",
        "factors",
        "--factors",
        "a.csv",
        "--factors",
        "b.csv",
        "--factor-columns",
        "Mkt-RF,UMD,liq",
        "--factor-units",
        "percent",
    ])
    .unwrap();
    assert_eq!(
        cfg.factors,
        [PathBuf::from("a.csv"), PathBuf::from("b.csv")]
    );
    assert_eq!(cfg.factor_names(), ["mkt_rf", "mom", "liq"]);
    assert_eq!(cfg.factor_units, Some(FactorUnits::Percent));
    assert_eq!(cfg.model_params(), 4);
    // The market model reads no factors: a study file that lists some is refused.
    assert!(matches!(
        settings_error(&["--config", path]),
        SettingsError::FactorsWithoutFactorModel { model: "mean" }
    ));
}

/// Repeated `--car-window` and `--tests` entries are kept once, at their first place, with
/// one notice naming each and its count; 2,000 repeats give one window. See #15.
#[test]
fn repeated_car_windows_and_tests_are_kept_once_with_one_notice() {
    let mut args = with_files(&["--car-window=0:1", "--car-window=-1:1"]);
    args.extend(std::iter::repeat_n("--car-window=0:1", 1998));
    args.extend(["--tests", "bw_t,csect_t,bw_t", "--tests", "bw_t"]);
    let (cfg, notice) = run_args(&args).into_config_with_notice().unwrap();
    assert_eq!(cfg.car_windows, [w(0, 1), w(-1, 1)]);
    assert_eq!(cfg.tests, [TestKind::BwT, TestKind::CsectT]);
    assert_eq!(
        notice.as_deref(),
        Some(
            "duplicates ignored, each kept once: --car-window 0:1 (1999 times), --tests bw_t (3 times)"
        )
    );
    let (_, notice) = run_args(&with_files(&["--car-window=0:1"]))
        .into_config_with_notice()
        .unwrap();
    assert_eq!(notice, None);
}

/// A chart side of 0 is bad usage (exit 2), checked with the other settings. See #15.
#[test]
fn a_chart_width_or_height_of_0_is_a_settings_error() {
    for (flag, want) in [
        ("--chart-width=0", (0, 675)),
        ("--chart-height=0", (1200, 0)),
    ] {
        match settings_error(&with_files(&[flag])) {
            SettingsError::ChartSize { width, height, .. } => {
                assert_eq!((width, height), want, "{flag}");
            }
            other => panic!("{flag}: {other:?}"),
        }
    }
}
