//! Unit tests of the events file: small files written into a temp dir, loaded with
//! [`EventFile::load`]. Column aliases, `YYYYMMDD` dates, the default event id and group,
//! the timing column, and unreadable rows kept as [`EventProblem`]s with their file lines
//! (line 1 is the header) while the other rows load.

use std::path::PathBuf;

use chrono::NaiveDate;
use tempfile::TempDir;

use super::*;
use crate::error::Error;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `text` as `events.csv` in a fresh temp dir (kept alive by the returned `TempDir`).
fn file(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn load(text: &str) -> EventFile {
    let (_dir, path) = file(text);
    EventFile::load(&path).unwrap()
}

#[test]
fn ticker_and_date_alone_give_id_ticker_date_group_all_and_unknown_timing() {
    let f = load("ticker,date\n002415.SZ,2022-05-04\n");
    assert!(f.problems.is_empty());
    let [r] = f.rows.as_slice() else {
        panic!("{:?}", f.rows)
    };
    assert_eq!(r.line, 2);
    assert_eq!(r.event_id, "002415.SZ_2022-05-04");
    assert_eq!((r.ticker.as_str(), r.date), ("002415.SZ", d("2022-05-04")));
    assert_eq!((r.label.as_str(), r.group.as_str()), ("", "all"));
    assert_eq!(r.timing, Timing::Unknown);
}

#[test]
fn vendor_aliases_and_a_yyyymmdd_date_are_read() {
    let f = load(
        "Symbol,Trade Date,ID,Headline,Sample\n\
         AAPL,20220103,E1,CES keynote,tech\n",
    );
    let r = &f.rows[0];
    assert_eq!(r.ticker, "AAPL");
    assert_eq!(r.date, d("2022-01-03"));
    assert_eq!(r.event_id, "E1");
    assert_eq!(r.label, "CES keynote");
    assert_eq!(r.group, "tech");
}

#[test]
fn the_default_id_uses_the_parsed_date_so_20220504_gives_ticker_2022_05_04() {
    let f = load("ticker,date,event_id\nAAA,20220504,\nBBB,2022-05-05,own\n");
    let ids: Vec<&str> = f.rows.iter().map(|r| r.event_id.as_str()).collect();
    assert_eq!(ids, ["AAA_2022-05-04", "own"]);
}

#[test]
fn rows_keep_file_order_and_lines_without_sorting() {
    let f = load("ticker,date\nBBB,2022-05-06\nAAA,2022-05-04\nAAA,2022-05-05\n");
    let got: Vec<(u64, &str, NaiveDate)> = f
        .rows
        .iter()
        .map(|r| (r.line, r.ticker.as_str(), r.date))
        .collect();
    assert_eq!(
        got,
        [
            (2, "BBB", d("2022-05-06")),
            (3, "AAA", d("2022-05-04")),
            (4, "AAA", d("2022-05-05"))
        ]
    );
}

#[test]
fn timing_spellings_map_to_the_four_timings() {
    let f = load(
        "ticker,date,timing\n\
         A,2022-05-04,BMO\n\
         B,2022-05-04,pre-open\n\
         C,2022-05-04,intraday\n\
         D,2022-05-04,during\n\
         E,2022-05-04,After Close\n\
         F,2022-05-04,amc\n\
         G,2022-05-04,\n\
         H,2022-05-04,unknown\n",
    );
    assert!(f.problems.is_empty(), "{:?}", f.problems);
    let timings: Vec<Timing> = f.rows.iter().map(|r| r.timing).collect();
    assert_eq!(
        timings,
        [
            Timing::PreOpen,
            Timing::PreOpen,
            Timing::Intraday,
            Timing::Intraday,
            Timing::AfterClose,
            Timing::AfterClose,
            Timing::Unknown,
            Timing::Unknown
        ]
    );
}

#[test]
fn bad_rows_on_lines_3_4_and_5_become_problems_and_the_good_rows_load() {
    let (_dir, path) = file(
        "event_id,ticker,date,timing\n\
         ok1,AAA,2022-05-04,\n\
         noticker,,2022-05-04,\n\
         baddate,BBB,2022-05-32,\n\
         badtiming,CCC,2022-05-04,lunchtime\n\
         ok2,DDD,20220505,amc\n",
    );
    let f = EventFile::load(&path).unwrap();
    let ok: Vec<(u64, &str)> = f
        .rows
        .iter()
        .map(|r| (r.line, r.event_id.as_str()))
        .collect();
    assert_eq!(ok, [(2, "ok1"), (6, "ok2")]);
    let problems: Vec<(u64, &str, &str)> = f
        .problems
        .iter()
        .map(|p| (p.line, p.event_id.as_str(), p.ticker.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            (3, "noticker", ""),
            (4, "baddate", "BBB"),
            (5, "badtiming", "CCC")
        ]
    );
    let file = path.display();
    assert_eq!(
        f.problems[0].message,
        format!("{file}: line 3: column \"ticker\": empty ticker")
    );
    assert_eq!(
        f.problems[1].message,
        format!(
            "{file}: line 4: column \"date\": cannot parse date \"2022-05-32\" (expected YYYY-MM-DD, YYYYMMDD, YYYY/M/D or M/D/YYYY; give --date-format for another layout)"
        )
    );
    assert_eq!(
        f.problems[2].message,
        format!(
            "{file}: line 5: column \"timing\": unknown timing \"lunchtime\" (use pre_open, intraday, after_close or unknown)"
        )
    );
}

#[test]
fn a_bad_date_without_an_event_id_keeps_the_raw_date_in_the_formed_id() {
    let f = load("ticker,date\nAAA,05/04/2022\n");
    assert!(f.rows.is_empty());
    assert_eq!(f.problems[0].event_id, "AAA_05/04/2022");
    assert_eq!(f.problems[0].line, 2);
}

#[test]
fn a_file_without_a_date_column_is_a_missing_column_error() {
    let (_dir, path) = file("ticker,when\nAAA,2022-05-04\n");
    let err = EventFile::load(&path).unwrap_err();
    assert!(
        matches!(&err, Error::MissingColumn { column: "date", found, .. } if found == "ticker, when"),
        "{err}"
    );
}

/// A group named like a built-in subsample is refused with file, line, column and value;
/// the same name with other letters or inside a longer name is an ordinary group. See #15.
#[test]
fn groups_named_like_built_in_subsamples_are_refused_where_they_are() {
    for (name, header) in [
        ("all", "group"),
        ("limit_day0", "sample"),
        ("no_limit_day0", "subsample"),
    ] {
        let (_dir, path) = file(&format!(
            "ticker,date,{header}\n002415.SZ,2022-05-04,fcc\n002415.SZ,2022-05-05,{name}\n"
        ));
        match EventFile::load(&path).unwrap_err() {
            Error::ReservedGroup {
                path: p,
                line,
                column,
                value,
                ..
            } => {
                assert_eq!((p, line), (path.clone(), 3));
                assert_eq!((column.as_str(), value.as_str()), (header, name));
            }
            other => panic!("{name}: expected ReservedGroup, got {other:?}"),
        }
    }
    let f = load("ticker,date,group\n002415.SZ,2022-05-04,ALL\n002415.SZ,2022-05-05,all_cn\n");
    let groups: Vec<&str> = f.rows.iter().map(|r| r.group.as_str()).collect();
    assert_eq!(groups, ["ALL", "all_cn"]);
}
