//! Trade-to-trade (span) returns and the thin-trading models on real data agree with the
//! independent numpy/statsmodels script `tests/reference/span_reference.py` (WLS with `1/span`
//! weights, spanned market returns) to 1e-10 (p-values 1e-8). See #10.

use std::collections::HashMap;

use evstudy::{ModelKind, Window};

use crate::common::{
    cell, check_windows, close, read_fixture, require_shared, sanctions_span_config,
};

const TOL: f64 = 1e-10;

fn config(model: ModelKind) -> evstudy::StudyConfig {
    let mut cfg = sanctions_span_config(model);
    cfg.car_windows.push(Window { from: 0, to: 2 });
    cfg
}

fn check(model: ModelKind, ar_fixture: &str, events_fixture: &str) {
    require_shared!();
    let study = evstudy::run(&config(model)).unwrap();
    let name = model.name();
    let events: HashMap<_, _> = study
        .events
        .iter()
        .map(|e| (e.event_id.clone(), e))
        .collect();
    let mut n_rows = 0;
    for row in read_fixture(ar_fixture)
        .iter()
        .filter(|r| r["model"] == name)
    {
        let e = events
            .get(&row["event_id"])
            .unwrap_or_else(|| panic!("{} not computed", row["event_id"]));
        let t: i32 = row["rel_day"].parse().unwrap();
        let d = e.days.iter().find(|d| d.rel_day == t).unwrap();
        let what = |c: &str| format!("{name} {} day {t} {c}", e.event_id);
        assert_eq!(d.date.to_string(), row["date"], "{}", what("date"));
        assert_eq!(d.span.map(f64::from), cell(row, "span"), "{}", what("span"));
        close(&what("ret"), d.ret, cell(row, "ret"), TOL);
        close(&what("ar"), d.stats.ar, cell(row, "ar"), TOL);
        close(&what("sar"), d.stats.sar, cell(row, "sar"), TOL);
        if d.stats.ar.is_some() {
            close(
                &what("market_ret"),
                d.market_ret,
                cell(row, "market_ret"),
                TOL,
            );
            close(
                &what("normal_ret"),
                d.stats.normal_ret,
                cell(row, "normal_ret"),
                TOL,
            );
        }
        n_rows += 1;
    }
    assert_eq!(n_rows, study.events.len() * 21);
    for row in read_fixture(events_fixture)
        .iter()
        .filter(|r| r["model"] == name)
    {
        let id = &row["event_id"];
        if row["status"] != "ok" {
            let s = study.skipped.iter().find(|s| &s.event_id == id).unwrap();
            assert_eq!(s.reason.name(), row["skip_reason"]);
            continue;
        }
        let e = events[id];
        let what = |c: &str| format!("{name} {id} {c}");
        close(&what("alpha"), e.fit.alpha(), cell(row, "alpha"), TOL);
        close(&what("beta"), e.fit.beta(), cell(row, "beta"), TOL);
        close(
            &what("sigma2"),
            Some(e.fit.sigma2()),
            cell(row, "sigma2"),
            TOL,
        );
        assert_eq!(
            Some(e.fit.df_resid() as f64),
            cell(row, "df"),
            "{}",
            what("df")
        );
        check_windows(&what, &e.windows, row, TOL);
    }
}

#[test]
fn span_market_model_agrees_with_wls_reference() {
    check(
        ModelKind::Market,
        "span_sanctions_ar.csv",
        "span_sanctions_events.csv",
    );
}

#[test]
fn span_mean_model_agrees_with_wls_reference() {
    check(
        ModelKind::Mean,
        "span_sanctions_ar.csv",
        "span_sanctions_events.csv",
    );
}

#[test]
fn span_market_adjusted_model_agrees_with_reference() {
    check(
        ModelKind::MarketAdjusted,
        "span_sanctions_ar.csv",
        "span_sanctions_events.csv",
    );
}

#[test]
fn scholes_williams_agrees_with_reference() {
    check(
        ModelKind::ScholesWilliams,
        "thin_sanctions_ar.csv",
        "thin_sanctions_events.csv",
    );
}

#[test]
fn dimson_agrees_with_statsmodels_reference() {
    check(
        ModelKind::Dimson,
        "thin_sanctions_ar.csv",
        "thin_sanctions_events.csv",
    );
}

/// The case: the Entity List news of 2019-10-07 (US time); Hikvision and Dahua were
/// halted on 2019-10-08 and 2019-10-09 and resumed on 2019-10-10 with a 3-session return.
#[test]
fn hikvision_and_dahua_entity_list_reaction_is_in_the_resumption_row() {
    require_shared!();
    let study = evstudy::run(&config(ModelKind::Market)).unwrap();
    let day = |id: &str, t: i32| {
        let e = study.events.iter().find(|e| e.event_id == id).unwrap();
        e.days.iter().find(|d| d.rel_day == t).unwrap().clone()
    };
    let h = day("002415.SZ_2019-10-08", 2);
    assert_eq!(h.date.to_string(), "2019-10-10");
    assert_eq!(h.span, Some(3));
    close(
        "Hikvision AR(+2)",
        h.stats.ar,
        Some(-0.066_078_490_422_245_63),
        1e-10,
    );
    assert!(day("002415.SZ_2019-10-08", 0).stats.ar.is_none());
    assert_eq!(day("002236.SZ_2019-10-08", 2).span, Some(3));
}

/// Halted day 0 (#10): the limit analysis starts from the first traded day. Sugon was halted
/// on days 0..+2 after the Entity List news of 2019-06-21, locked limit-down on day +3 and
/// traded freely on day +4; Hikvision resumed freely on day +2 after the 2019-10-07 news.
#[test]
fn halted_day0_events_report_the_halt_and_measure_the_reaction_after_it() {
    require_shared!();
    let study = evstudy::run(&config(ModelKind::Market)).unwrap();
    let event = |id: &str| study.events.iter().find(|e| e.event_id == id).unwrap();
    let sugon = event("603019.SH_2019-06-24");
    let h = sugon.halt.as_ref().unwrap();
    assert_eq!(h.halt_days, 3);
    assert_eq!(h.first_trade_day, Some(3));
    assert_eq!(h.resumption_span, Some(4));
    let l = &sugon.limits.as_ref().unwrap().summary;
    assert_eq!(l.first_free_day, Some(4));
    assert_eq!(l.limit_run_day0, -1);
    let ar = |e: &evstudy::result::EventResult, t: i32| {
        e.days
            .iter()
            .find(|d| d.rel_day == t)
            .unwrap()
            .stats
            .ar
            .unwrap()
    };
    close(
        "Sugon car_free",
        l.car_free,
        Some(ar(sugon, 3) + ar(sugon, 4)),
        1e-15,
    );
    let hik = event("002415.SZ_2019-10-08");
    let l = &hik.limits.as_ref().unwrap().summary;
    assert_eq!(l.first_free_day, Some(2));
    close("Hikvision car_free", l.car_free, Some(ar(hik, 2)), 1e-15);
    close(
        "Hikvision CAR(0:2)",
        hik.halt.as_ref().unwrap().car_to_resumption,
        Some(-0.066_078_490_422_245_63),
        1e-10,
    );
    let notices = evstudy::report::summary::halt_notices(&study);
    assert!(notices.iter().any(|n| n.starts_with(
        "002415.SZ halted 2019-10-08..2019-10-09 (days 0..+1); resumed 2019-10-10 (day +2):\n    AR -6.61% over 3 sessions (trade-to-trade); CAR(0:2) -6.61%"
    )));
    assert!(notices.iter().any(|n| n.contains(
        "closed limit-down (one-price lock) on day +3; first free day 2019-06-28 (day +4)"
    )));
}
