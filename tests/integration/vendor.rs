//! Vendor files load unedited and give the ARs of the canonical long file (#11). The
//! fixtures are made by `tests/fixtures/vendor/make_vendor.py` from one canonical file.

use evstudy::StudyConfig;

use crate::common::fixture;

fn v(name: &str) -> std::path::PathBuf {
    fixture(&format!("vendor/{name}"))
}

fn ar(prices: &str, market: &str, events: &str, edit: impl FnOnce(&mut StudyConfig)) -> String {
    let mut cfg = StudyConfig {
        prices: v(prices).into(),
        market: v(market),
        events: v(events),
        estimation: evstudy::config::Window { from: -80, to: -11 },
        min_estimation_obs: 50,
        ..StudyConfig::default()
    };
    edit(&mut cfg);
    let study = evstudy::run(&cfg).unwrap();
    String::from_utf8(evstudy::report::csv::ar_csv(&study).unwrap()).unwrap()
}

#[test]
fn every_vendor_layout_gives_the_ars_of_the_canonical_file() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    assert!(want.lines().count() > 20, "{want}");
    // See #11: baostock halt rows are exactly missing rows.
    assert_eq!(ar("baostock.csv", "market.csv", "events.csv", |_| {}), want);
    assert_eq!(
        ar("akshare_gbk.csv", "market.csv", "events.csv", |_| {}),
        want
    );
    assert_eq!(ar("mdy_tab.csv", "market.csv", "events.csv", |_| {}), want);
    assert_eq!(
        ar(
            "canonical.csv",
            "market_title.csv",
            "events_vendor.csv",
            |c| {
                c.columns.insert("market.close".into(), "px_last".into());
            }
        ),
        want
    );
}

#[test]
fn a_one_stock_file_takes_its_ticker_from_the_file_name() {
    let want = ar("canonical.csv", "market.csv", "events.csv", |_| {});
    let got = ar("sz.002415.csv", "market.csv", "events.csv", |_| {});
    let first: Vec<&str> = want.lines().filter(|l| !l.contains("600519")).collect();
    assert_eq!(got.lines().collect::<Vec<_>>(), first);
}
