//! Property tests (proptest): CAR = ΣAR; scaling prices leaves returns unchanged; alignment
//! never moves an event earlier; the binary never panics on random small CSVs.

use chrono::NaiveDate;
use evstudy::calendar::Calendar;
use evstudy::data::Timing;
use evstudy::models::{Estimation, Fitted};
use evstudy::stats::event::{DayInput, day_stats};
use proptest::prelude::*;

use crate::common::demo;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn car_is_the_running_sum_of_ar(
        est in prop::collection::vec((-0.05f64..0.05, -0.05f64..0.05), 20..60),
        days in prop::collection::vec((-0.1f64..0.1, -0.05f64..0.05), 1..21),
    ) {
        let (y, x): (Vec<f64>, Vec<f64>) = est.into_iter().unzip();
        let Ok(fit) = Fitted::fit(evstudy::ModelKind::Market, 1, &Estimation { stock: &y, market: &x, ..Estimation::default() }) else { return Ok(()) };
        let input: Vec<DayInput> = days.iter().enumerate()
            .map(|(i, &(r, m))| DayInput::daily(i as i32, Some(r), Some(m)))
            .collect();
        let s = day_stats(&fit, &input, false);
        let mut sum = 0.0;
        for d in &s {
            sum += d.ar.unwrap();
            prop_assert!((d.car.unwrap() - sum).abs() <= 1e-12);
        }
    }

    #[test]
    fn alignment_never_moves_an_event_earlier(
        gaps in prop::collection::vec(1i64..6, 5..40),
        offset in 0i64..120,
        after_close in any::<bool>(),
    ) {
        let start = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
        let mut dates = Vec::new();
        let mut d = start;
        for g in gaps { d += chrono::Duration::days(g); dates.push(d); }
        let cal = Calendar::new(dates);
        let event = start + chrono::Duration::days(offset);
        let timing = if after_close { Timing::AfterClose } else { Timing::Unknown };
        if let Some(a) = cal.align(event, timing) {
            prop_assert!(cal.date(a.day0) >= event);
            prop_assert!(a.shift_days >= 0);
            if after_close { prop_assert!(cal.date(a.day0) > event); }
            if a.day0 > 0 { prop_assert!(cal.date(a.day0 - 1) < event || (after_close && cal.date(a.day0 - 1) == event)); }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    #[test]
    fn scaling_prices_leaves_returns_and_ars_unchanged(scale in 0.01f64..100.0) {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(demo("prices.csv")).unwrap();
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            if i == 0 { out.push_str(line); out.push('\n'); continue; }
            let f: Vec<&str> = line.split(',').collect();
            let sc = |s: &str| format!("{}", s.parse::<f64>().unwrap() * scale);
            out.push_str(&format!("{},{},{},{},{},{},{},{}\n", f[0], f[1], sc(f[2]), sc(f[3]), sc(f[4]), sc(f[5]), sc(f[6]), f[7]));
        }
        let scaled = dir.path().join("prices.csv");
        std::fs::write(&scaled, out).unwrap();
        let base_cfg = evstudy::StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
        let mut cfg = base_cfg.clone();
        cfg.prices = scaled.into();
        let (a, b) = (evstudy::run(&base_cfg).unwrap(), evstudy::run(&cfg).unwrap());
        for (ea, eb) in a.events.iter().zip(&b.events) {
            for (da, db) in ea.days.iter().zip(&eb.days) {
                match (da.ret, db.ret) {
                    (Some(x), Some(y)) => prop_assert!((x - y).abs() <= 1e-12 * (1.0 + x.abs())),
                    (x, y) => prop_assert_eq!(x, y),
                }
                if let (Some(x), Some(y)) = (da.stats.ar, db.stats.ar) {
                    prop_assert!((x - y).abs() <= 1e-12);
                }
            }
        }
    }

    #[test]
    fn binary_never_panics_on_random_small_csvs(
        cells in prop::collection::vec(prop::sample::select(vec!["2022-05-05", "20220506", "A", "600101.SH", "1.5", "-1", "", "x", "0", "\"q,\"", "1e400", "NaN"]), 0..40),
        width in 1usize..9,
        role in 0usize..3,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let header = ["date", "ticker", "close", "open", "high", "low", "prev_close", "volume", "timing"];
        let mut text = header[..width].join(",");
        text.push('\n');
        for row in cells.chunks(width) { text.push_str(&row.join(",")); text.push('\n'); }
        let file = dir.path().join("f.csv");
        std::fs::write(&file, text).unwrap();
        let flag = ["--prices", "--market", "--events"][role];
        let out = assert_cmd::Command::cargo_bin("evstudy").unwrap()
            .args(["run", "-q", "--config"]).arg(demo("study.toml"))
            .arg(flag).arg(&file).arg("--out").arg(dir.path().join("o"))
            .output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!stderr.contains("panicked"), "{}", stderr);
        prop_assert!(matches!(out.status.code(), Some(0..=4)), "{:?}", out.status);
    }
}

/// A one-stock study in `dir` from random returns: a weekday calendar of `n` sessions, the
/// stock trading every session except the indices in `halts`; events at `events`.
fn random_study(
    dir: &std::path::Path,
    rets: &[(f64, f64)],
    halts: &[usize],
    events: &[usize],
) -> evstudy::StudyConfig {
    let start = NaiveDate::from_ymd_opt(2020, 1, 6).unwrap();
    let dates: Vec<NaiveDate> = start
        .iter_days()
        .filter(|d| chrono::Datelike::weekday(d).number_from_monday() <= 5)
        .take(rets.len())
        .collect();
    let (mut m, mut p) = (100.0, 10.0);
    let mut market = String::from("date,close\n");
    let mut prices = String::from("date,ticker,close,prev_close\n");
    let mut last_close = p;
    for (i, (d, &(rm, ri))) in dates.iter().zip(rets).enumerate() {
        m *= 1.0 + rm;
        p *= 1.0 + ri;
        market.push_str(&format!("{d},{m}\n"));
        if !halts.contains(&i) {
            prices.push_str(&format!("{d},AAA.X,{p},{last_close}\n"));
            last_close = p;
        }
    }
    let mut ev = String::from("ticker,date\n");
    for &e in events {
        ev.push_str(&format!("AAA.X,{}\n", dates[e]));
    }
    for (name, text) in [("m.csv", market), ("p.csv", prices), ("e.csv", ev)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    evstudy::StudyConfig {
        prices: dir.join("p.csv").into(),
        market: dir.join("m.csv"),
        events: dir.join("e.csv"),
        estimation: evstudy::Window {
            from: -100,
            to: -11,
        },
        min_estimation_obs: 50,
        ..evstudy::StudyConfig::default()
    }
}

fn tables(study: &evstudy::Study) -> Vec<(String, Vec<u8>)> {
    evstudy::report::render(study, &[evstudy::config::ReportFormat::Csv], &[]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    // See #10: trade-to-trade returns change nothing where the stock never halts.
    #[test]
    fn span_and_missing_give_identical_tables_without_halts(
        rets in prop::collection::vec((-0.03f64..0.03, -0.05f64..0.05), 140),
        day0 in 110usize..125,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let cfg = random_study(dir.path(), &rets, &[], &[day0]);
        let span = evstudy::run(&cfg).unwrap();
        let missing = evstudy::run(&evstudy::StudyConfig {
            gaps: evstudy::config::GapPolicy::Missing,
            ..cfg
        })
        .unwrap();
        prop_assert_eq!(tables(&span), tables(&missing));
    }

    // See #10: a span return is a price ratio, so scaling every price leaves it unchanged.
    #[test]
    fn scaling_prices_leaves_span_returns_unchanged(
        rets in prop::collection::vec((-0.03f64..0.03, -0.05f64..0.05), 140),
        halt_start in 111usize..118,
        halt_len in 1usize..4,
        scale in 0.01f64..100.0,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let halts: Vec<usize> = (halt_start..halt_start + halt_len).collect();
        let cfg = random_study(dir.path(), &rets, &halts, &[120]);
        let a = evstudy::run(&cfg).unwrap();
        let text = std::fs::read_to_string(&cfg.prices.0[0]).unwrap();
        let mut scaled = String::new();
        for (i, line) in text.lines().enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            if i == 0 {
                scaled.push_str(line);
            } else {
                let sc = |s: &str| s.parse::<f64>().unwrap() * scale;
                scaled.push_str(&format!("{},{},{},{}", f[0], f[1], sc(f[2]), sc(f[3])));
            }
            scaled.push('\n');
        }
        std::fs::write(&cfg.prices.0[0], scaled).unwrap();
        let b = evstudy::run(&cfg).unwrap();
        let mut n_span = 0;
        for (da, db) in a.events[0].days.iter().zip(&b.events[0].days) {
            prop_assert_eq!(da.span, db.span);
            n_span += usize::from(da.span.is_some_and(|s| s > 1));
            match (da.ret, db.ret) {
                (Some(x), Some(y)) => prop_assert!((x - y).abs() <= 1e-12 * (1.0 + x.abs())),
                (x, y) => prop_assert_eq!(x, y),
            }
        }
        prop_assert_eq!(n_span, 1);
    }
}
