//! Unit tests of the stock-day classifier, on rows of `../shared/data/prices_sanctioned.csv`.

use super::*;
use crate::limits::board::Board;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `(date, Some([open, high, low, close, prev_close]))`, `None` for no bar.
type Row = (&'static str, Option<[f64; 5]>);

fn run(board: Board, rows: &[Row], listing: Option<&str>) -> Vec<LimitDay> {
    let dates: Vec<NaiveDate> = rows.iter().map(|r| d(r.0)).collect();
    let bars: Vec<Option<Bar>> = rows
        .iter()
        .map(|r| {
            r.1.map(|[o, h, l, c, p]| Bar {
                open: Some(o),
                high: Some(h),
                low: Some(l),
                close: c,
                prev_close: Some(p),
            })
        })
        .collect();
    let mut inst = Instrument::on_board(board);
    inst.listing_date = listing.map(d);
    classify(&dates, &bars, &inst, &RuleSet::builtin()).unwrap()
}

fn states(days: &[LimitDay]) -> Vec<&'static str> {
    days.iter().map(|x| x.state.as_str()).collect()
}

const HIKVISION_2022: [Row; 3] = [
    ("2022-04-29", Some([41.10, 43.13, 40.68, 42.49, 40.87])),
    ("2022-05-05", Some([38.24, 38.80, 38.24, 38.24, 42.49])),
    ("2022-05-06", Some([35.91, 36.35, 34.42, 34.80, 38.24])),
];

#[test]
fn hikvision_2022_05_05_is_a_down_close_and_05_06_a_free_down_touch() {
    let days = run(Board::SzseMain, &HIKVISION_2022, Some("2010-05-28"));
    assert_eq!(states(&days), ["none", "down_close", "down_touch"]);
    let (d5, d6) = (&days[1], &days[2]);
    assert_eq!((d5.up_limit, d5.down_limit), (Some(46.74), Some(38.24)));
    assert_eq!(d5.limit_pct, Some(10.0));
    assert_eq!(d5.ref_price_source, RefPriceSource::PrevClose);
    assert!(d5.censored && !d5.free_day && !d5.rule_mismatch);
    assert_eq!(d5.limit_run, -1);
    assert_eq!((d6.up_limit, d6.down_limit), (Some(42.06), Some(34.42)));
    assert!(
        d6.free_day && !d6.censored,
        "closed inside the band after touching 34.42"
    );
}

#[test]
fn sugon_reopens_after_the_halt_in_a_down_lock() {
    let rows: [Row; 6] = [
        ("2019-06-21", Some([40.50, 41.35, 40.20, 40.55, 40.04])),
        ("2019-06-24", None),
        ("2019-06-25", None),
        ("2019-06-26", None),
        ("2019-06-27", Some([36.50, 36.50, 36.50, 36.50, 40.55])),
        ("2019-06-28", Some([32.85, 36.29, 32.85, 35.10, 36.50])),
    ];
    let days = run(Board::SseMain, &rows, Some("2014-11-06"));
    assert_eq!(
        states(&days),
        [
            "none",
            "suspended",
            "suspended",
            "suspended",
            "down_lock",
            "down_touch"
        ]
    );
    assert_eq!(
        days[4].down_limit,
        Some(36.50),
        "40.55 x 0.9 = 36.495 rounds up"
    );
    assert!(days[4].censored);
    assert!(days[5].free_day);
}

#[test]
fn runs_skip_suspended_days_and_are_flagged() {
    let rows: [Row; 5] = [
        ("2019-06-20", Some([10.0, 10.0, 10.0, 10.0, 11.11])),
        ("2019-06-21", None),
        ("2019-06-24", Some([9.0, 9.2, 9.0, 9.0, 10.0])),
        ("2019-06-25", Some([8.5, 8.8, 8.3, 8.5, 9.0])),
        ("2019-06-26", Some([8.6, 9.35, 8.5, 9.35, 8.5])),
    ];
    let days = run(Board::SseMain, &rows, Some("2000-01-04"));
    assert_eq!(
        states(&days),
        ["down_lock", "suspended", "down_close", "none", "up_close"]
    );
    let runs = limit_runs(&days);
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[0].start, runs[0].end, runs[0].length), (0, 2, 2));
    assert!(runs[0].spans_suspension);
    assert_eq!(runs[1].direction, Direction::Up);
    let marks: Vec<i32> = days.iter().map(|x| x.limit_run).collect();
    assert_eq!(marks, [-2, 0, -2, 0, 1]);
}

#[test]
fn star_listings_trade_without_limit_for_five_days() {
    let rows: [Row; 7] = [
        ("2020-07-20", Some([250.0, 295.0, 205.6, 212.4, 64.39])),
        ("2020-07-21", Some([208.0, 285.6, 202.0, 274.0, 212.4])),
        ("2020-07-22", Some([260.0, 284.33, 257.77, 281.0, 274.0])),
        ("2020-07-23", Some([274.92, 297.77, 268.0, 281.5, 281.0])),
        ("2020-07-24", Some([273.0, 276.0, 240.44, 259.33, 281.5])),
        ("2020-07-27", Some([252.28, 257.9, 227.94, 234.01, 259.33])),
        ("2020-07-28", Some([236.0, 243.8, 227.5, 238.64, 234.01])),
    ];
    let days = run(Board::Star, &rows, None);
    assert_eq!(
        states(&days)[..6],
        [
            "no_limit", "no_limit", "no_limit", "no_limit", "no_limit", "none"
        ]
    );
    assert!(days[..5].iter().all(|x| x.free_day && x.up_limit.is_none()));
    assert_eq!(
        (days[5].up_limit, days[5].down_limit),
        (Some(311.20), Some(207.46))
    );
}

#[test]
fn main_board_ipo_day_has_no_limit_and_day_two_has() {
    let rows: [Row; 2] = [
        ("2010-05-28", Some([78.00, 83.00, 76.88, 81.93, 68.00])),
        ("2010-05-31", Some([85.88, 87.77, 83.51, 85.00, 81.93])),
    ];
    let days = run(Board::SzseMain, &rows, None);
    assert_eq!(states(&days), ["no_limit", "none"]);
    assert!(
        !days[0].rule_mismatch,
        "83.00 is above 68.00 x 1.1 but day 1 is exempt"
    );
    assert_eq!(days[1].up_limit, Some(90.12));
}

#[test]
fn a_listing_date_before_the_data_keeps_the_first_row_limited() {
    // 601360.SH: the first row of the trimmed history is not a listing day.
    let rows: [Row; 1] = [("2018-02-28", Some([65.67, 65.67, 56.92, 56.92, 63.24]))];
    assert_eq!(states(&run(Board::SseMain, &rows, None)), ["no_limit"]);
    let days = run(Board::SseMain, &rows, Some("2018-02-26"));
    assert_eq!(
        states(&days),
        ["down_close"],
        "day 3 after a 2018-02-26 listing is limited"
    );
}

#[test]
fn st_days_use_the_five_percent_band() {
    let dates = [d("2019-03-01")];
    let bars = [Some(Bar {
        open: Some(3.40),
        high: Some(3.50),
        low: Some(3.40),
        close: 3.50,
        prev_close: Some(3.33),
    })];
    let mut inst = Instrument::on_board(Board::SseMain);
    inst.listing_date = Some(d("2000-01-04"));
    inst.st_periods.push((d("2019-01-01"), d("2019-12-31")));
    let days = classify(&dates, &bars, &inst, &RuleSet::builtin()).unwrap();
    assert_eq!(
        (days[0].up_limit, days[0].down_limit),
        (Some(3.50), Some(3.16))
    );
    assert_eq!(days[0].state, LimitState::UpClose);
    assert_eq!(days[0].limit_pct, Some(5.0));
}

#[test]
fn missing_prev_close_falls_back_to_the_previous_raw_close() {
    let dates = [d("2022-04-29"), d("2022-05-05")];
    let bar = |c: f64| {
        Some(Bar {
            close: c,
            ..Bar::default()
        })
    };
    let mut inst = Instrument::on_board(Board::SzseMain);
    inst.listing_date = Some(d("2010-05-28"));
    let days = classify(
        &dates,
        &[bar(42.49), bar(38.24)],
        &inst,
        &RuleSet::builtin(),
    )
    .unwrap();
    assert_eq!(days[0].ref_price_source, RefPriceSource::None);
    assert_eq!(days[0].state, LimitState::Unknown);
    assert_eq!(days[1].ref_price_source, RefPriceSource::PreviousClose);
    assert_eq!(
        days[1].state,
        LimitState::DownClose,
        "close-based state without OHL"
    );
}

#[test]
fn missing_high_low_inside_the_band_is_unknown_but_free() {
    let dates = [d("2022-05-06")];
    let bars = [Some(Bar {
        close: 34.80,
        prev_close: Some(38.24),
        ..Bar::default()
    })];
    let mut inst = Instrument::on_board(Board::SzseMain);
    inst.listing_date = Some(d("2010-05-28"));
    let days = classify(&dates, &bars, &inst, &RuleSet::builtin()).unwrap();
    assert_eq!(days[0].state, LimitState::Unknown);
    assert!(days[0].free_day);
}

#[test]
fn off_grid_prices_are_flagged() {
    let rows: [Row; 1] = [("2022-05-05", Some([38.24, 38.80, 38.24, 38.2437, 42.49]))];
    let days = run(Board::SzseMain, &rows, Some("2010-05-28"));
    assert!(days[0].off_grid);
    assert_eq!(
        days[0].state,
        LimitState::DownClose,
        "rounded to 38.24 and flagged"
    );
}

#[test]
fn a_close_outside_the_band_is_a_rule_mismatch_not_a_limit_close() {
    let rows: [Row; 1] = [("1998-09-21", Some([28.0, 28.75, 27.70, 28.05, 36.45]))];
    let days = run(Board::SzseMain, &rows, Some("1997-11-18"));
    assert_eq!(days[0].state, LimitState::DownTouch);
    assert!(days[0].rule_mismatch && !days[0].free_day && !days[0].censored);
}

#[test]
fn days_before_the_rules_begin_are_unknown() {
    let rows: [Row; 1] = [("1995-03-01", Some([10.0, 10.5, 9.9, 10.2, 10.0]))];
    let days = run(Board::SseMain, &rows, Some("1991-01-01"));
    assert_eq!(days[0].state, LimitState::Unknown);
    assert!(!days[0].free_day);
}

#[test]
fn misaligned_rows_are_an_error() {
    let err = classify(
        &[d("2022-05-05")],
        &[],
        &Instrument::default(),
        &RuleSet::builtin(),
    );
    assert_eq!(
        err.unwrap_err().to_string(),
        "1 calendar dates but 0 stock rows: rows must be aligned to the calendar"
    );
}
