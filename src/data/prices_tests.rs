//! Unit tests of the price panel: small files written into a temp dir, loaded with
//! [`PricePanel::load`]. Vendor header spellings and `YYYYMMDD` dates, (ticker, date) sorting
//! with each row's file line kept, ticker ranges, empty optional cells as `NaN`, and the
//! located errors (line 1 is the header).

use std::path::PathBuf;

use chrono::NaiveDate;
use tempfile::TempDir;

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `text` as `prices.csv` in a fresh temp dir (kept alive by the returned `TempDir`).
fn file(text: &str) -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.csv");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn load(text: &str) -> Result<PricePanel> {
    let (_dir, path) = file(text);
    PricePanel::load(&path, &ColumnMap::new())
}

fn load_err(text: &str) -> Error {
    load(text).unwrap_err()
}

#[test]
fn tushare_headers_and_yyyymmdd_dates_load_with_prev_close_returns() {
    let p = load(
        "ts_code,trade_date,open,high,low,close,pre_close,vol\n\
         600000.SH,20220105,10.1,10.5,10.0,10.4,10.2,1000\n\
         600000.SH,20220104,10.0,10.3,9.9,10.2,10.0,900\n",
    )
    .unwrap();
    assert_eq!(p.tickers, ["600000.SH"]);
    assert_eq!(p.date, [d("2022-01-04"), d("2022-01-05")]);
    assert_eq!(p.close, [10.2, 10.4]);
    assert_eq!(p.open, Some(vec![10.0, 10.1]));
    assert_eq!(p.high, Some(vec![10.3, 10.5]));
    assert_eq!(p.low, Some(vec![9.9, 10.0]));
    assert_eq!(p.prev_close, Some(vec![10.0, 10.2]));
    assert_eq!((p.adj_close.as_ref(), p.st.as_ref()), (None, None));
    assert_eq!(p.return_source(), ReturnSource::PrevClose);
    assert_eq!(
        p.lines(),
        [3, 2],
        "rows keep their file lines after sorting"
    );
}

#[test]
fn yahoo_adj_close_makes_adjusted_returns_and_close_only_makes_close_returns() {
    let yahoo = load(
        "Date,Symbol,Open,High,Low,Close,Adj Close,Volume\n\
         2022-01-03,AAPL,177.83,182.88,177.71,182.01,179.95,104487900\n",
    )
    .unwrap();
    assert_eq!(yahoo.adj_close, Some(vec![179.95]));
    assert_eq!(yahoo.return_source(), ReturnSource::AdjClose);
    let bare = load("date,ticker,close\n2022-01-03,AAA,10\n").unwrap();
    assert_eq!(bare.return_source(), ReturnSource::Close);
    assert_eq!((bare.open.as_ref(), bare.prev_close.as_ref()), (None, None));
}

#[test]
fn five_unsorted_rows_of_two_tickers_sort_by_ticker_then_date_into_ranges_0_3_and_3_5() {
    let p = load(
        "date,ticker,close\n\
         2022-01-04,BBB,11\n\
         2022-01-03,AAA,20\n\
         2022-01-03,BBB,10\n\
         2022-01-05,AAA,22\n\
         2022-01-04,AAA,21\n",
    )
    .unwrap();
    assert_eq!(p.tickers, ["AAA", "BBB"]);
    assert_eq!(p.ranges, [0..3, 3..5]);
    assert_eq!(
        p.date,
        [
            "2022-01-03",
            "2022-01-04",
            "2022-01-05",
            "2022-01-03",
            "2022-01-04"
        ]
        .map(d)
    );
    assert_eq!(p.close, [20.0, 21.0, 22.0, 10.0, 11.0]);
    assert_eq!(p.lines(), [3, 6, 5, 4, 2]);
    assert_eq!((p.len(), p.is_empty()), (5, false));
    assert_eq!(
        (
            p.ticker_index("AAA"),
            p.ticker_index("BBB"),
            p.ticker_index("CCC")
        ),
        (Some(0), Some(1), None)
    );
}

#[test]
fn tickers_are_ordered_by_name_not_by_first_appearance_and_trimmed() {
    let p = load("date,ticker,close\n2022-01-03, ZZZ ,1\n2022-01-03,AAA,2\n").unwrap();
    assert_eq!(p.tickers, ["AAA", "ZZZ"]);
    assert_eq!(p.close, [2.0, 1.0]);
    assert_eq!(p.ticker_index("ZZZ"), Some(1));
}

#[test]
fn columns_mapping_names_headers_the_alias_table_does_not_know() {
    let (_dir, path) = file("asof,sym,px_last\n2022-01-03,AAA,10.5\n");
    let err = PricePanel::load(&path, &ColumnMap::new()).unwrap_err();
    assert!(
        matches!(&err, Error::MissingColumn { column: "date", found, .. } if found == "asof, sym, px_last"),
        "{err}"
    );
    let map: ColumnMap = [("date", "asof"), ("ticker", "sym"), ("close", "px_last")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let p = PricePanel::load(&path, &map).unwrap();
    assert_eq!((p.tickers[0].as_str(), p.close[0]), ("AAA", 10.5));
}

#[test]
fn empty_optional_cells_are_nan_and_the_st_flag_is_read() {
    let p = load(
        "date,ticker,close,open,isST\n\
         2022-01-03,AAA,10,,1\n\
         2022-01-04,AAA,11,10.5,\n",
    )
    .unwrap();
    let open = p.open.unwrap();
    assert!(open[0].is_nan());
    assert_eq!(open[1], 10.5);
    let st = p.st.unwrap();
    assert_eq!(st[0], 1.0);
    assert!(st[1].is_nan());
}

#[test]
fn empty_close_on_line_3_is_an_empty_value_error() {
    let err = load("date,ticker,close\n2022-01-03,AAA,10\n2022-01-04,AAA,\n");
    assert!(
        matches!(&err, Err(Error::EmptyValue { line: 3, column, .. }) if column == "close"),
        "{err:?}"
    );
}

#[test]
fn zero_close_and_negative_open_are_non_positive_prices_on_their_lines() {
    let err = load_err("date,ticker,close\n2022-01-03,AAA,10\n2022-01-04,AAA,0\n");
    assert!(
        matches!(&err, Error::NonPositivePrice { line: 3, column, value, .. } if column == "close" && *value == 0.0),
        "{err}"
    );
    let err = load_err("date,ticker,close,open\n2022-01-03,AAA,10,\n2022-01-04,AAA,11,-1\n");
    assert!(
        matches!(&err, Error::NonPositivePrice { line: 3, column, value, .. } if column == "open" && *value == -1.0),
        "{err}"
    );
}

#[test]
fn a_13th_month_on_line_2_is_a_bad_date() {
    let err = load_err("date,ticker,close\n2022-13-01,AAA,10\n");
    assert!(
        matches!(&err, Error::BadDate { line: 2, column, value, .. } if column == "date" && value == "2022-13-01"),
        "{err}"
    );
}

#[test]
fn text_in_the_close_column_is_a_bad_number_on_its_line() {
    let err = load_err("date,ticker,close\n2022-01-03,AAA,10\n2022-01-04,AAA,n/a\n");
    assert!(
        matches!(&err, Error::BadNumber { line: 3, column, value, .. } if column == "close" && value == "n/a"),
        "{err}"
    );
}

#[test]
fn empty_ticker_on_line_2_is_an_empty_value_error() {
    let err = load_err("date,ticker,close\n2022-01-03,,10\n");
    assert!(
        matches!(&err, Error::EmptyValue { line: 2, column, .. } if column == "ticker"),
        "{err}"
    );
}

#[test]
fn the_same_ticker_and_date_on_lines_2_and_4_is_a_duplicate_row() {
    let err = load_err(
        "date,ticker,close\n\
         2022-01-03,AAA,10\n\
         2022-01-04,AAA,11\n\
         2022-01-03,AAA,12\n",
    );
    assert!(
        matches!(&err, Error::DuplicateRow { line: 4, first_line: 2, ticker, date, .. }
            if ticker == "AAA" && date == "2022-01-03"),
        "{err}"
    );
}

#[test]
fn a_header_without_rows_is_an_empty_file() {
    assert!(matches!(
        load_err("date,ticker,close\n"),
        Error::EmptyFile { .. }
    ));
    assert!(matches!(load_err(""), Error::EmptyFile { .. }));
}

proptest::proptest! {
    /// The run reordering and the parallel sort give the stable sort's order, whether the
    /// rows are grouped by ticker (in any ticker order), interleaved, or hold duplicates.
    #[test]
    fn ticker_date_order_is_the_stable_sort(
        rows in proptest::collection::vec((0u32..4, 0u32..6), 0..60),
        grouped in proptest::bool::ANY,
        flip in proptest::bool::ANY,
    ) {
        let mut rows = rows;
        if grouped {
            // Grouped by ticker, ascending dates, tickers in file order of first sight.
            rows.sort_by_key(|&(t, d)| (t, d));
            rows.dedup();
        }
        let rank: Vec<u32> = if flip { vec![3, 2, 1, 0] } else { vec![0, 1, 2, 3] };
        let ids: Vec<u32> = rows.iter().map(|r| r.0).collect();
        let day0 = NaiveDate::from_ymd_opt(2022, 1, 3).unwrap();
        let dates: Vec<NaiveDate> = rows
            .iter()
            .map(|r| day0 + chrono::Duration::days(i64::from(r.1)))
            .collect();
        let mut expected: Vec<u32> = (0..ids.len() as u32).collect();
        expected.sort_by_key(|&i| (rank[ids[i as usize] as usize], dates[i as usize]));
        proptest::prop_assert_eq!(ticker_date_order(&ids, &rank, &dates), expected);
    }
}

/// A file grouped by ticker in code order (a vendor's), sorted into name order: each ticker's
/// rows are still consecutive file lines, held as one line per ticker (#13); a dropped row
/// inside a ticker falls back to one line per row. Both give every row its file line.
#[test]
fn row_lines_are_held_per_ticker_when_each_tickers_rows_are_consecutive_lines() {
    let grouped = load(
        "date,ticker,close\n\
         2022-01-04,600000.SH,10.0\n\
         2022-01-05,600000.SH,10.1\n\
         2022-01-04,000001.SZ,5.0\n\
         2022-01-05,000001.SZ,5.1\n\
         2022-01-06,000001.SZ,5.2\n",
    )
    .unwrap();
    assert_eq!(grouped.tickers, ["000001.SZ", "600000.SH"]);
    assert!(
        matches!(grouped.line, Lines::ByTicker(_)),
        "{:?}",
        grouped.line
    );
    assert_eq!(grouped.lines(), [4, 5, 6, 2, 3]);
    assert_eq!(grouped.line_at(5), 0, "past the end");
    // An exact duplicate (line 3) is dropped: 600000.SH's rows are lines 2 and 4.
    let dropped = load(
        "date,ticker,close\n\
         2022-01-04,600000.SH,10.0\n\
         2022-01-04,600000.SH,10.0\n\
         2022-01-05,600000.SH,10.1\n\
         2022-01-04,000001.SZ,5.0\n",
    )
    .unwrap();
    assert!(matches!(dropped.line, Lines::Rows(_)), "{:?}", dropped.line);
    assert_eq!(dropped.lines(), [5, 2, 4]);
}
