//! Engine tests on a tiny hand-built study: three files written into a temp dir and run
//! through [`crate::run`], with numbers that can be checked by hand.
//!
//! The calendar is every weekday from Monday 2022-01-03 except the holiday Monday
//! 2022-06-20, 130 sessions; index 120 is Tuesday 2022-06-21 (the event day). The market
//! return of session `k >= 1` is `0.002 * (7k mod 11) - 0.01` (between -1% and +1%; on the
//! event day `7 * 120 mod 11 = 4`, so -0.2%). Stock `AAA` returns exactly
//! `0.001 + 1.5 * market` and `BBB` exactly `-0.0005 + 0.8 * market`, plus a jump on the
//! event day (+5% and -3%). Windows: estimation -110:-6 (105 sessions), event -5:5.

use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::ShiftReason;
use crate::config::{StudyConfig, Window};
use crate::result::{EventResult, SkipReason, Study};

/// Sessions in the calendar.
const SESSIONS: usize = 130;
/// Calendar index of Tuesday 2022-06-21, the event day.
const DAY0: usize = 120;
/// Tolerance for values that are exact up to the decimal printing of the prices.
const EXACT: f64 = 1e-10;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn calendar() -> Vec<NaiveDate> {
    d("2022-01-03")
        .iter_days()
        .filter(|x| !matches!(x.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|&x| x != d("2022-06-20"))
        .take(SESSIONS)
        .collect()
}

fn market_return(k: usize) -> f64 {
    0.002 * ((7 * k) % 11) as f64 - 0.01
}

/// Closes from `start`, each session's simple return given by `ret(k)`.
fn closes(start: f64, ret: impl Fn(usize) -> f64) -> Vec<f64> {
    let mut c = vec![start];
    for k in 1..SESSIONS {
        c.push(c[k - 1] * (1.0 + ret(k)));
    }
    c
}

fn jump(k: usize, size: f64) -> f64 {
    if k == DAY0 { size } else { 0.0 }
}

/// The events file: one row per line 2, 3, … as `event_id,ticker,date,timing`.
const EVENTS: &str = "event_id,ticker,date,timing
E1,AAA,2022-06-21,
E1,AAA,2022-06-21,
E3,ZZZ,2022-06-21,
E4,BBB,2022-06-20,
E5,AAA,2022-03-14,
E6,AAA,2022-07-04,
E7,BBB,2022-06-17,after_close
";

/// Write the three files into `dir` and return the study settings that read them.
fn write_study(dir: &std::path::Path) -> StudyConfig {
    let cal = calendar();
    let market = closes(1000.0, market_return);
    let aaa = closes(20.0, |k| 0.001 + 1.5 * market_return(k) + jump(k, 0.05));
    let bbb = closes(50.0, |k| -0.0005 + 0.8 * market_return(k) + jump(k, -0.03));
    let mut index = String::from("date,close\n");
    let mut prices = String::from("date,ticker,close\n");
    for (k, date) in cal.iter().enumerate() {
        writeln!(index, "{date},{}", market[k]).unwrap();
        writeln!(prices, "{date},AAA,{}", aaa[k]).unwrap();
        writeln!(prices, "{date},BBB,{}", bbb[k]).unwrap();
    }
    let cfg = StudyConfig {
        prices: dir.join("prices.csv").into(),
        market: dir.join("index.csv"),
        events: dir.join("events.csv"),
        estimation: Window { from: -110, to: -6 },
        window: Window { from: -5, to: 5 },
        car_windows: vec![
            Window { from: 0, to: 0 },
            Window { from: -1, to: 1 },
            Window { from: -5, to: 5 },
        ],
        ..StudyConfig::default()
    };
    std::fs::write(&cfg.prices.0[0], prices).unwrap();
    std::fs::write(&cfg.market, index).unwrap();
    std::fs::write(&cfg.events, EVENTS).unwrap();
    cfg
}

fn study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        crate::run(&write_study(dir.path())).unwrap()
    })
}

fn event(id: &str) -> &'static EventResult {
    study()
        .events
        .iter()
        .find(|e| e.event_id == id)
        .unwrap_or_else(|| panic!("{id} not computed; skipped: {:?}", study().skipped))
}

fn close(what: &str, got: Option<f64>, want: f64) {
    let got = got.unwrap_or_else(|| panic!("{what}: missing"));
    assert!((got - want).abs() < EXACT, "{what}: got {got}, want {want}");
}

#[test]
fn the_hand_built_calendar_puts_the_event_day_at_index_120() {
    let cal = calendar();
    assert_eq!(cal.len(), SESSIONS);
    assert_eq!((cal[119], cal[DAY0]), (d("2022-06-17"), d("2022-06-21")));
    assert_eq!(
        (cal[50], cal[SESSIONS - 1]),
        (d("2022-03-14"), d("2022-07-04"))
    );
    close(
        "market return of the event day",
        Some(market_return(DAY0)),
        -0.002,
    );
}

#[test]
fn a_stock_of_exactly_0_001_plus_1_5_market_fits_alpha_0_001_and_beta_1_5() {
    let fit = &event("E1").fit;
    close("alpha", fit.alpha(), 0.001);
    close("beta", fit.beta(), 1.5);
    assert_eq!(
        fit.n(),
        105,
        "estimation -110:-6 is 105 sessions, all with returns"
    );
    assert!(fit.sigma2() < EXACT, "an exact line leaves no residual");
    let bbb = &event("E4").fit;
    close("BBB alpha", bbb.alpha(), -0.0005);
    close("BBB beta", bbb.beta(), 0.8);
}

#[test]
fn abnormal_return_is_0_outside_day_0_and_the_injected_5_percent_on_day_0() {
    let e = event("E1");
    assert_eq!(e.days.len(), 11);
    for day in &e.days {
        let want = if day.rel_day == 0 { 0.05 } else { 0.0 };
        close(&format!("AR on day {}", day.rel_day), day.stats.ar, want);
    }
    let day0 = e.days.iter().find(|x| x.rel_day == 0).unwrap();
    assert_eq!(day0.date, d("2022-06-21"));
    // Market -0.2% that day: normal return 0.001 + 1.5 * -0.002 = -0.002, actual 0.048.
    close("normal return", day0.stats.normal_ret, -0.002);
    close("return", day0.ret, 0.048);
    close("market return", day0.market_ret, -0.002);
    for w in &e.windows {
        close(&format!("CAR({})", w.window), w.values.car, 0.05);
        assert_eq!(w.values.n_days, w.window.len());
    }
}

#[test]
fn an_event_on_the_holiday_2022_06_20_moves_to_the_next_session_2022_06_21() {
    let e = event("E4");
    assert_eq!(e.event_date, d("2022-06-20"));
    assert_eq!(e.day0, d("2022-06-21"));
    assert_eq!(e.shift_days, 1);
    assert_eq!(e.shift_reason, ShiftReason::NonTradingDay);
    let day0 = e.days.iter().find(|x| x.rel_day == 0).unwrap();
    close("AR on the next session", day0.stats.ar, -0.03);
}

#[test]
fn a_repeated_event_row_on_line_3_is_skipped_as_a_duplicate_of_line_2() {
    let s = study()
        .skipped
        .iter()
        .find(|s| s.line == 3)
        .expect("line 3 skipped");
    assert_eq!(
        (s.reason, s.reason.name()),
        (SkipReason::DuplicateEvent, "duplicate_event")
    );
    assert_eq!(s.event_id, "E1");
    assert!(
        s.message
            .ends_with("line 3: event E1: duplicate of line 2 (same event_id, or same ticker and day 0 2022-06-21); event skipped"),
        "{}",
        s.message
    );
}

#[test]
fn after_close_news_on_friday_lands_on_tuesday_after_the_holiday_and_duplicates_line_5() {
    // E7 (BBB, Friday 2022-06-17 after the close) has day 0 2022-06-21, the day 0 of E4.
    let s = study().skipped.iter().find(|s| s.line == 8).unwrap();
    assert_eq!(s.reason, SkipReason::DuplicateEvent);
    assert!(s.message.contains("duplicate of line 5"), "{}", s.message);
}

#[test]
fn a_ticker_missing_from_the_prices_is_skipped_as_unknown_ticker() {
    let s = study().skipped.iter().find(|s| s.line == 4).unwrap();
    assert_eq!(
        (s.reason, s.reason.name()),
        (SkipReason::UnknownTicker, "unknown_ticker")
    );
    assert_eq!((s.event_id.as_str(), s.ticker.as_str()), ("E3", "ZZZ"));
    assert!(
        s.message
            .contains("column \"ticker\": unknown ticker \"ZZZ\""),
        "{}",
        s.message
    );
}

#[test]
fn an_event_at_session_50_has_44_estimation_returns_and_is_skipped_as_short() {
    // Estimation -110:-6 around index 50 is clipped to indices 0..=44; index 0 has no return.
    let s = study().skipped.iter().find(|s| s.line == 6).unwrap();
    assert_eq!(s.reason, SkipReason::ShortEstimation);
    assert!(
        s.message
            .contains("44 estimation returns (45 of 45 estimation-window sessions traded), need 100 (see --min-estimation-obs)"),
        "{}",
        s.message
    );
}

#[test]
fn an_event_on_the_last_session_is_skipped_as_window_outside_data() {
    let s = study().skipped.iter().find(|s| s.line == 7).unwrap();
    assert_eq!(s.reason, SkipReason::WindowOutsideData);
    assert!(
        s.message.contains(
            "2022-07-04 with window -5:5 reaches outside the market calendar 2022-01-03..2022-07-04"
        ),
        "{}",
        s.message
    );
}

#[test]
fn two_of_seven_rows_are_computed_and_five_skipped_in_line_order() {
    let st = study();
    let computed: Vec<&str> = st.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(computed, ["E1", "E4"]);
    let lines: Vec<u64> = st.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [3, 4, 6, 7, 8]);
    assert_eq!(st.groups[0].group, "all");
}
