//! Unit tests of the CSV writers: number cells, quoting, headers and record counts of the
//! demo study (`data/study.toml`), skipped events, and the error on a ragged study.

use std::path::Path;
use std::sync::OnceLock;

use super::rows::Num;
use super::*;
use crate::result::{Skip, SkipReason};

/// The demo study, computed once for all tests (charts are not needed).
fn demo() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let toml = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/study.toml");
        let mut cfg = crate::StudyConfig::from_toml_file(&toml).unwrap();
        cfg.chart.clear();
        crate::run(&cfg).unwrap()
    })
}

fn text(bytes: Result<Vec<u8>>) -> String {
    String::from_utf8(bytes.unwrap()).unwrap()
}

/// The records of a CSV text, as read back by the csv crate.
fn records(csv: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// One record written by the tables' writer.
fn written(record: impl Serialize) -> String {
    let mut w = writer();
    w.serialize(record).unwrap();
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn num_writes_shortest_round_trip_decimals_without_exponent() {
    assert_eq!(num(Some(0.1)), "0.1");
    assert_eq!(num(Some(1.0)), "1");
    assert_eq!(num(Some(1e-7)), "0.0000001");
    assert_eq!(num(Some(1e21)), "1000000000000000000000");
    assert_eq!(num(Some(-0.0)), "-0");
    assert_eq!(num(Some(-2.5)), "-2.5");
}

#[test]
fn num_leaves_missing_and_non_finite_values_empty() {
    assert_eq!(num(None), "");
    assert_eq!(num(Some(f64::NAN)), "");
    assert_eq!(num(Some(f64::INFINITY)), "");
    assert_eq!(num(Some(f64::NEG_INFINITY)), "");
}

#[test]
fn number_cells_are_written_by_num_not_by_the_csv_crate() {
    // The csv crate's own f64 cells (ryu) would read `1e-7,-0.0,,,1.0`.
    let cells = (
        Num(Some(1e-7)),
        Num(Some(-0.0)),
        Num(Some(f64::NAN)),
        Num(None),
        Num(Some(1.0)),
    );
    assert_eq!(written(cells), "0.0000001,-0,,,1\n");
}

#[test]
fn booleans_options_and_dates_are_plain_cells() {
    let date = chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let cells = (true, false, None::<bool>, Some(-3_i32), None::<i32>, date);
    assert_eq!(written(cells), "true,false,,-3,,2024-01-02\n");
}

#[test]
fn fields_are_quoted_only_when_they_hold_a_comma_quote_or_line_break() {
    let cells = [
        "plain",
        "a,b",
        "say \"hi\"",
        "two\nlines",
        "cr\rhere",
        "",
        " spaced ",
        "#hash",
        "semi;colon",
    ];
    assert_eq!(
        written(cells),
        "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",, spaced ,#hash,semi;colon\n"
    );
}

#[test]
fn columns_are_the_row_struct_field_names() {
    let hits = columns::<rows::HitRow>().unwrap();
    let names: Vec<&str> = hits
        .iter()
        .map(|f| std::str::from_utf8(f).unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ticker",
            "date",
            "state",
            "close",
            "ref_price",
            "up_limit",
            "down_limit",
            "run_length",
            "rule_mismatch",
            "run_spans_suspension"
        ]
    );
}

#[test]
fn ar_csv_of_demo_study_has_its_header_and_one_row_per_event_day() {
    let study = demo();
    let csv = text(ar_csv(study));
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "event_id,ticker,group,event_date,day0,rel_day,date,ret,market_ret,normal_ret,ar,car,sar,car_se,span,open,high,low,close,ref_price,ref_price_source,limit_pct,up_limit,down_limit,limit_state,censored,free_day,return_span,rule_mismatch"
    );
    let days: usize = study.events.iter().map(|e| e.days.len()).sum();
    // 8 events × 21 days of the -10:10 window.
    assert_eq!(days, 8 * 21);
    let recs = records(&csv);
    assert_eq!(recs.len(), 1 + days);
    assert!(recs.iter().all(|r| r.len() == 29));
}

#[test]
fn events_csv_of_demo_study_has_six_columns_per_car_window() {
    let study = demo();
    let csv = text(events_csv(study));
    let header = csv.lines().next().unwrap();
    let windows = ",car_0_0,bhar_0_0,scar_0_0,t_0_0,p_0_0,n_ar_0_0,car_0_1,bhar_0_1,scar_0_1,t_0_1,p_0_1,n_ar_0_1,car_m1_1,bhar_m1_1,scar_m1_1,t_m1_1,p_m1_1,n_ar_m1_1,car_m5_5,bhar_m5_5,scar_m5_5,t_m5_5,p_m5_5,n_ar_m5_5,car_m10_10,bhar_m10_10,scar_m10_10,t_m10_10,p_m10_10,n_ar_m10_10,";
    assert_eq!(
        header,
        format!(
            "event_id,ticker,group,label,line,event_date,day0,shift_days,shift_reason,status,skip_reason,model,alpha,beta,sigma,r2,n_est,df,n_overlapping_other_events,halt_days,first_trade_day,first_trade_date,resumption_span,n_span_too_long{windows}limit_board,limit_pct_day0,n_limit_up_close,n_limit_down_close,n_touch,n_one_price_lock,limit_run_day0,first_limit_day,first_free_day,first_free_date,car_free,bhar_free,sar_free,post_free_car_k,continuation,limit_run_censored,n_limit_days_estimation"
        )
    );
    let recs = records(&csv);
    assert_eq!(recs.len(), 1 + study.events.len() + study.skipped.len());
    assert!(recs.iter().all(|r| r.len() == 24 + 6 * 5 + 17));
    // t_<window> is the event's SCAR (METHODS.md).
    let first = &recs[1];
    assert_eq!(&first[26], &first[27]);
}

#[test]
fn a_skipped_event_is_a_full_length_row_with_its_reason() {
    let mut study = demo().clone();
    study.skipped.push(Skip {
        event_id: "X,1".into(),
        ticker: "000000.SZ".into(),
        line: 42,
        reason: SkipReason::UnknownTicker,
        message: "unknown".into(),
    });
    let csv = text(events_csv(&study));
    let last = csv.lines().last().unwrap();
    let blanks = ",".repeat(6 * 5 + 17);
    assert_eq!(
        last,
        format!("\"X,1\",000000.SZ,,,42,,,,,skipped,unknown_ticker,market,,,,,,,,,,,,{blanks}")
    );
}

#[test]
fn a_label_with_comma_quote_and_line_break_round_trips() {
    let mut study = demo().clone();
    let label = "US says \"no\",\nagain";
    study.events[0].label = label.into();
    study.events[0].group = "a,b".into();
    let csv = text(events_csv(&study));
    assert!(csv.contains(",\"a,b\",\"US says \"\"no\"\",\nagain\","));
    let recs = records(&csv);
    assert_eq!(&recs[1][3], label);
    assert_eq!(&recs[1][2], "a,b");
    assert_eq!(recs.len(), 1 + study.events.len() + study.skipped.len());
}

#[test]
fn aar_and_tests_csv_of_demo_study_have_one_row_per_day_and_test() {
    let study = demo();
    let aar = records(&text(aar_csv(study)));
    let days: usize = study.groups.iter().map(|g| g.days.len()).sum();
    assert_eq!(aar.len(), 1 + days);
    assert_eq!(aar[0].len(), 11 + 2 * study.config.tests.len());
    assert_eq!(
        aar[0].iter().skip(6).take(5).collect::<Vec<_>>(),
        [
            "caar_csect_t",
            "caar_csect_t_p",
            "caar_bmp_t",
            "caar_bmp_t_p",
            "caar_half95"
        ]
    );
    let tests = records(&text(tests_csv(study)));
    let rows: usize = study
        .groups
        .iter()
        .map(|g| {
            let free = g.car_free.as_ref().map_or(0, |f| 1 + f.tests.len());
            free + g.windows.iter().map(|w| 1 + w.tests.len()).sum::<usize>()
        })
        .sum();
    assert_eq!(tests.len(), 1 + rows);
    assert_eq!(&tests[1][2], "caar_free");
}

#[test]
fn an_event_missing_a_car_window_is_an_error_naming_the_file() {
    let mut study = demo().clone();
    study.events[0].windows.pop();
    let err = events_csv(&study).unwrap_err().to_string();
    assert!(
        err.starts_with("internal error: cannot write events.csv:"),
        "{err}"
    );
    assert!(err.contains("fields"), "{err}");
}

#[test]
fn hits_csv_writes_one_row_per_hit() {
    use crate::limits::classify::LimitState;
    let hit = crate::limits::scan::LimitHit {
        date: chrono::NaiveDate::from_ymd_opt(2024, 1, 2).unwrap(),
        ticker: "600000.SH".into(),
        state: LimitState::UpClose,
        close: 11.0,
        ref_price: Some(10.0),
        up_limit: Some(11.0),
        down_limit: None,
        run_length: 1,
        rule_mismatch: false,
        run_spans_suspension: true,
    };
    let scan = crate::limits::LimitScan {
        notes: Vec::new(),
        n_rows: 1,
        n_tickers: 1,
        n_tickers_with_rule: 1,
        counts: std::collections::BTreeMap::new(),
        n_rule_mismatch: 0,
        warnings: Vec::new(),
        hits: vec![hit],
    };
    assert_eq!(
        text(hits_csv(&scan)),
        "ticker,date,state,close,ref_price,up_limit,down_limit,run_length,rule_mismatch,run_spans_suspension\n\
         600000.SH,2024-01-02,up_close,11,10,11,,1,false,true\n"
    );
}

#[test]
fn a_table_without_rows_is_its_header_line() {
    let scan = crate::limits::LimitScan {
        notes: Vec::new(),
        n_rows: 0,
        n_tickers: 0,
        n_tickers_with_rule: 0,
        counts: std::collections::BTreeMap::new(),
        n_rule_mismatch: 0,
        warnings: Vec::new(),
        hits: Vec::new(),
    };
    assert_eq!(
        text(hits_csv(&scan)),
        "ticker,date,state,close,ref_price,up_limit,down_limit,run_length,rule_mismatch,run_spans_suspension\n"
    );
    let mut study = demo().clone();
    study.events.clear();
    assert_eq!(text(ar_csv(&study)).lines().count(), 1);
}

/// `push_num` writes the shortest decimal that reads back as the same double, in positional
/// notation as Rust's `{}` does (the text every table had before it), and when several are
/// as short the one nearest the double, as Python's `repr` and numpy print it (`{}` picks
/// another in about 1 double of 7,500): on edge cases and a million doubles drawn over the
/// whole range of bit patterns and of small magnitudes.
#[test]
fn push_num_writes_the_shortest_nearest_positional_decimal() {
    let mut edge = vec![
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.1,
        1e-7,
        1.5e-7,
        123.0,
        1e15,
        1e16,
        1e21,
        1e22,
        9.007_199_254_740_993e15,
        f64::MIN_POSITIVE,
        5e-324,
        f64::MAX,
        f64::MIN,
        0.000_068_676_483_801_225_2,
        38.24,
        42.49,
        -0.1,
    ];
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for k in 0..1_000_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = if k % 2 == 0 {
            f64::from_bits(x)
        } else {
            // Returns, prices and statistics: magnitudes 1e-12 to 1e6.
            ((x >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 10f64.powi((x % 19) as i32 - 12)
        };
        edge.push(v);
    }
    let (mut same, mut total) = (0usize, 0usize);
    for v in edge.into_iter().filter(|v| v.is_finite()) {
        let mut got = String::new();
        push_num(Some(v), &mut got);
        let display = format!("{v}");
        assert_eq!(
            got.parse::<f64>().ok().map(f64::to_bits),
            Some(v.to_bits()),
            "{got}"
        );
        assert_eq!(got.len(), display.len(), "{got} vs {display}");
        assert!(!got.contains(['e', 'E']), "{got}");
        same += usize::from(got == display);
        total += 1;
    }
    assert!(
        same * 1000 >= total * 999,
        "{same} of {total} as `{{}}` writes them"
    );
    // Python: repr(struct.unpack('<d', bytes.fromhex('6deda7b367041843'))[0]).
    assert_eq!(
        num(Some(f64::from_bits(0x4318_0467_b3a7_ed6d))),
        "1690060720831323.2"
    );
    assert_eq!(num(Some(-0.0)), "-0");
    assert_eq!(num(Some(1e-7)), "0.0000001");
    assert_eq!(num(None), "");
    assert_eq!(num(Some(f64::NAN)), "");
    assert_eq!(num(Some(f64::INFINITY)), "");
}
