//! Daily price limits on real data (see #5): every limit state of `prices_sanctioned.csv`
//! agrees with the independent `tests/reference/limits_reference.py` (exact decimal
//! half-up rounding); the Hikvision and Sugon events show their limit picture.

use std::collections::BTreeMap;

use evstudy::ModelKind;
use evstudy::limits::{ScanConfig, scan_limits};

use crate::common::{read_fixture, require_shared, sanctions_config, shared};

type Key = (String, String);

fn scan(market: bool) -> evstudy::limits::LimitScan {
    scan_limits(&ScanConfig {
        prices: shared("prices_sanctioned.csv").into(),
        market: market.then(|| shared("index_csi300.csv")),
        // 601360.SH's rows start after its listing, ZTE's first row is its listing day (the
        // file starts there, which evstudy otherwise reads as "listed earlier"); 300367.SZ is
        // ST from 2020-09-15.
        limits: evstudy::limits::LimitSettings {
            instruments: Some(crate::common::fixture("instruments_sanctioned.csv")),
            ..Default::default()
        },
        ..ScanConfig::default()
    })
    .unwrap()
}

#[test]
fn limit_states_of_every_sanctioned_row_agree_with_reference_script() {
    require_shared!();
    let fixture = read_fixture("limits_sanctioned.csv");
    let want: BTreeMap<Key, (String, String, String, String)> = fixture
        .iter()
        .map(|r| {
            let key = (r["ticker"].clone(), r["date"].clone());
            (
                key,
                (
                    r["state"].clone(),
                    r["up_limit"].clone(),
                    r["down_limit"].clone(),
                    r["rule_mismatch"].clone(),
                ),
            )
        })
        .collect();
    // Every price row: the panel's own dates as calendar (the CSI 300 starts in 2005).
    let all = scan(false);
    let fmt = |v: Option<f64>| v.map_or_else(String::new, |x| format!("{x:.2}"));
    let got: BTreeMap<Key, (String, String, String, String)> = all
        .hits
        .iter()
        .filter(|h| h.state.as_str() != "suspended")
        .map(|h| {
            let key = (h.ticker.clone(), h.date.to_string());
            (
                key,
                (
                    h.state.as_str().to_string(),
                    fmt(h.up_limit),
                    fmt(h.down_limit),
                    h.rule_mismatch.to_string(),
                ),
            )
        })
        .collect();
    let norm = |v: &(String, String, String, String)| {
        let p = |s: &str| {
            s.parse::<f64>()
                .map_or_else(|_| String::new(), |x| format!("{x:.2}"))
        };
        (v.0.clone(), p(&v.1), p(&v.2), v.3.clone())
    };
    let want_traded: BTreeMap<Key, _> = want
        .iter()
        .filter(|(_, v)| v.0 != "suspended" && v.0 != "no_limit")
        .map(|(k, v)| (k.clone(), norm(v)))
        .collect();
    assert_eq!(got.len(), want_traded.len(), "number of non-quiet rows");
    for (k, v) in &want_traded {
        assert_eq!(got.get(k), Some(v), "{k:?}");
    }
    // Suspensions against the market calendar.
    let with_cal = scan(true);
    let susp: Vec<Key> = with_cal
        .hits
        .iter()
        .filter(|h| h.state.as_str() == "suspended")
        .map(|h| (h.ticker.clone(), h.date.to_string()))
        .collect();
    let want_susp: Vec<Key> = want
        .iter()
        .filter(|(_, v)| v.0 == "suspended")
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(
        with_cal.counts.get("suspended").copied().unwrap_or(0),
        want_susp.len()
    );
    let _ = susp;
    // The data README's counts: 334 limit-up and 187 limit-down closes (locks included).
    let c = |s: &str| all.counts.get(s).copied().unwrap_or(0);
    // No-limit days (IPO days, STAR's first five sessions) are counted, not listed as hits.
    assert_eq!(
        c("no_limit"),
        want.values().filter(|v| v.0 == "no_limit").count()
    );
    assert_eq!(c("up_close") + c("up_lock"), 334);
    assert_eq!(c("down_close") + c("down_lock"), 187);
    // Only the rights-issue-era ZTE rows trade outside their band.
    assert_eq!(all.n_rule_mismatch, 3);
    assert!(
        all.hits
            .iter()
            .filter(|h| h.rule_mismatch)
            .all(|h| h.ticker == "000063.SZ" && h.date.to_string().as_str() < "2002")
    );
}

/// Hikvision 2022-05-05: limit-down close on day 0, first free day +1 (touched 34.42, closed
/// inside the band), and `car_free` = CAR(0,1).
#[test]
fn hikvision_day0_limit_down_first_free_day_plus_one() {
    require_shared!();
    let mut cfg = sanctions_config(ModelKind::Market);
    cfg.events = shared("events_sanctions.csv");
    let study = evstudy::run(&cfg).unwrap();
    let e = study
        .events
        .iter()
        .find(|e| e.event_id == "002415.SZ_2022-05-04")
        .unwrap();
    let d0 = e
        .days
        .iter()
        .find(|d| d.rel_day == 0)
        .unwrap()
        .limit
        .unwrap();
    assert_eq!(
        (d0.state.as_str(), d0.down_limit, d0.up_limit, d0.censored),
        ("down_close", Some(38.24), Some(46.74), true)
    );
    let d1 = e
        .days
        .iter()
        .find(|d| d.rel_day == 1)
        .unwrap()
        .limit
        .unwrap();
    assert_eq!(
        (d1.state.as_str(), d1.down_limit, d1.free_day),
        ("down_touch", Some(34.42), true)
    );
    let l = e.limits.as_ref().unwrap();
    assert_eq!(
        (
            l.summary.limit_run_day0,
            l.summary.first_free_day,
            l.summary.first_limit_day
        ),
        (-1, Some(1), Some(0))
    );
    assert_eq!(l.summary.first_free_date.unwrap().to_string(), "2022-05-06");
    let car01 = e
        .windows
        .iter()
        .find(|w| w.window.to_string() == "0:1")
        .unwrap()
        .values
        .car
        .unwrap();
    assert!((l.summary.car_free.unwrap() - car01).abs() < 1e-15);
    let notices = evstudy::report::summary::censored_notices(&study);
    assert!(
        notices
            .iter()
            .any(|n| n.starts_with("002415.SZ 2022-05-05 closed limit-down: day-0 AR is a bound")),
        "{notices:?}"
    );
}

/// Sugon (603019.SH) was halted after the Entity-List news of 2019-06-21 and reopened on
/// 2019-06-27 locked at limit-down: the halt shows as suspended days 0..2, the run from
/// day 0 skips them (-1, a one-price lock on day +3), and the first free day is +4. Under
/// the default `missing` gap policy the resumption day has no return, so `car_free` is
/// missing unless partial CARs are allowed.
#[test]
fn sugon_suspension_then_limit_down_lock_is_reported() {
    require_shared!();
    let study = evstudy::run(&sanctions_config(ModelKind::Market)).unwrap();
    let e = study
        .events
        .iter()
        .find(|e| e.event_id == "603019.SH_2019-06-24")
        .unwrap();
    let state = |t: i32| {
        e.days
            .iter()
            .find(|d| d.rel_day == t)
            .unwrap()
            .limit
            .unwrap()
            .state
            .as_str()
    };
    assert_eq!(
        [state(0), state(1), state(2), state(3), state(4)],
        [
            "suspended",
            "suspended",
            "suspended",
            "down_lock",
            "down_touch"
        ]
    );
    let l = e.limits.as_ref().unwrap();
    assert_eq!(
        (
            l.summary.limit_run_day0,
            l.summary.first_free_day,
            l.summary.n_one_price_lock
        ),
        (-1, Some(4), 1)
    );
    assert_eq!(l.summary.car_free, None);
    assert!(
        e.days
            .iter()
            .find(|d| d.rel_day == 3)
            .unwrap()
            .ret
            .is_none(),
        "no return across the halt"
    );
}

/// An `st` (baostock `isST`) column in the price file gives ST periods: a flagged
/// main-board stock has a ±5% limit, so the demo flagship's −10% close no longer fits.
#[test]
fn st_flag_column_switches_main_board_limit_to_five_percent() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::common::demo("prices.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let flag = if i == 0 {
            "isST"
        } else if line.contains("600101.SH") && line.starts_with("2022-05") {
            "1"
        } else {
            "0"
        };
        out.push_str(&format!("{line},{flag}\n"));
    }
    let prices = dir.path().join("prices.csv");
    std::fs::write(&prices, out).unwrap();
    let mut cfg = evstudy::StudyConfig::from_toml_file(&crate::common::demo("study.toml")).unwrap();
    cfg.prices = prices.into();
    cfg.chart.clear();
    let study = evstudy::run(&cfg).unwrap();
    let e = study
        .events
        .iter()
        .find(|e| e.event_id == "SANC1-600101")
        .unwrap();
    let d0 = e
        .days
        .iter()
        .find(|d| d.rel_day == 0)
        .unwrap()
        .limit
        .unwrap();
    assert_eq!((d0.limit_pct, d0.rule_mismatch), (Some(5.0), true));
    let before = e
        .days
        .iter()
        .find(|d| d.rel_day == -1)
        .unwrap()
        .limit
        .unwrap();
    assert_eq!(before.limit_pct, Some(10.0), "2022-04-29 is not flagged");
}

/// #11: `--columns instruments.…` maps the instruments file's headers in `limits` (and
/// `run`); without the mapping the error names the flag that fixes it.
#[test]
fn instruments_columns_are_mapped_in_a_limit_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst.csv");
    std::fs::write(
        &inst,
        "sec,brd\n000102.SZ,szse_main\n000108.SZ,szse_main\n002103.SZ,szse_main\n300104.SZ,chinext\n600101.SH,sse_main\n688105.SH,star\n",
    )
    .unwrap();
    let run = |extra: &[&str], code: i32| -> String {
        let out = assert_cmd::Command::cargo_bin("evstudy")
            .unwrap()
            .args(["limits", "--prices"])
            .arg(crate::common::demo("prices.csv"))
            .arg("--instruments")
            .arg(&inst)
            .args(extra)
            .assert()
            .code(code)
            .get_output()
            .clone();
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let mapped = run(
        &["--columns", "instruments.ticker=sec,instruments.board=brd"],
        0,
    );
    // The demo has 8 tickers: the 6 of the file are mapped, 2 inferred from their codes.
    assert!(
        mapped.contains("inferred from the A-share code for 2 tickers"),
        "{mapped}"
    );
    let unmapped = run(&[], 3);
    assert!(
        unmapped.contains("--columns instruments.ticker="),
        "{unmapped}"
    );
}
