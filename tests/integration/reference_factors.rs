//! Factor models (FF3, Carhart, FF5) on real data agree with the independent statsmodels script
//! `tests/reference/factor_reference.py` to 1e-10 (p-values 1e-8): every return, normal
//! return, AR, running CAR and SAR of the event windows, and per event n, R², sigma2, df,
//! every coefficient with its standard error and t, CAR, BHAR, SCAR and p of each CAR window,
//! and the skips. The factor files are the proxy files of `tests/fixtures/factors/` (built by
//! `tests/reference/make_factors.py` from the CSI indices, in Kenneth French's layout). See #12.

use std::collections::HashMap;
use std::path::PathBuf;

use evstudy::ModelKind;

use crate::common::{
    cell, check_windows, close, fixture, read_fixture, require_shared, sanctions_config,
};

const TOL: f64 = 1e-10;

fn factor_file(name: &str) -> PathBuf {
    fixture(&format!("factors/{name}"))
}

fn config(model: ModelKind) -> evstudy::StudyConfig {
    let mut cfg = sanctions_config(model);
    cfg.factors = match model {
        ModelKind::Ff3 => vec![factor_file("F-F_Research_Data_Factors_daily_CN_CSV.zip")],
        ModelKind::Carhart => vec![
            factor_file("F-F_Research_Data_Factors_daily_CN.CSV"),
            factor_file("F-F_Momentum_Factor_daily_CN.CSV"),
        ],
        _ => vec![factor_file("F-F_Research_Data_5_Factors_2x3_daily_CN.CSV")],
    };
    cfg
}

fn check(model: ModelKind) {
    require_shared!();
    let study = evstudy::run(&config(model)).unwrap();
    let name = model.name();
    let events: HashMap<_, _> = study
        .events
        .iter()
        .map(|e| (e.event_id.clone(), e))
        .collect();
    let mut n_rows = 0;
    for row in read_fixture("factor_sanctions_ar.csv")
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
        close(&what("ret"), d.ret, cell(row, "ret"), TOL);
        close(&what("ar"), d.stats.ar, cell(row, "ar"), TOL);
        close(&what("car"), d.stats.car, cell(row, "car"), TOL);
        close(&what("sar"), d.stats.sar, cell(row, "sar"), TOL);
        if d.stats.ar.is_some() {
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
    let mut n_events = 0;
    for row in read_fixture("factor_sanctions_events.csv")
        .iter()
        .filter(|r| r["model"] == name)
    {
        n_events += 1;
        let id = &row["event_id"];
        if row["status"] != "ok" {
            let s = study.skipped.iter().find(|s| &s.event_id == id).unwrap();
            assert_eq!(s.reason.name(), row["skip_reason"], "{id}");
            continue;
        }
        let e = events[id];
        let what = |c: &str| format!("{name} {id} {c}");
        assert_eq!(Some(e.fit.n() as f64), cell(row, "n"), "{}", what("n"));
        assert_eq!(
            Some(e.fit.df_resid() as f64),
            cell(row, "df"),
            "{}",
            what("df")
        );
        close(&what("r2"), e.fit.r2(), cell(row, "r2"), TOL);
        close(
            &what("sigma2"),
            Some(e.fit.sigma2()),
            cell(row, "sigma2"),
            TOL,
        );
        let coefs = e.fit.coefficients();
        for c in ["const", "mkt_rf", "smb", "hml", "mom", "rmw", "cma"] {
            let got = coefs.iter().find(|k| k.name == c);
            let want = cell(row, &format!("coef_{c}"));
            assert_eq!(got.is_some(), want.is_some(), "{}", what(c));
            close(&what(&format!("coef_{c}")), got.map(|k| k.coef), want, TOL);
            let se = cell(row, &format!("se_{c}"));
            close(&what(&format!("se_{c}")), got.map(|k| k.se), se, TOL);
            let t = cell(row, &format!("t_{c}"));
            close(&what(&format!("t_{c}")), got.map(|k| k.t), t, TOL);
        }
        assert_eq!(e.fit.alpha(), coefs.first().map(|k| k.coef));
        check_windows(&what, &e.windows, row, TOL);
    }
    assert_eq!(n_events, study.events.len() + study.skipped.len());
}

#[test]
fn ff3_agrees_with_statsmodels_reference() {
    check(ModelKind::Ff3);
}

#[test]
fn carhart_agrees_with_statsmodels_reference() {
    check(ModelKind::Carhart);
}

#[test]
fn ff5_agrees_with_statsmodels_reference() {
    check(ModelKind::Ff5);
}
