//! CSV tables: `ar.csv` (one row per event × relative day) and `events.csv` (one row per
//! event, skipped ones included with their reason). Pure functions from a finished
//! [`Study`] to bytes. Numbers are written in Rust's shortest round-trip form, missing
//! values as empty cells, so the same study always gives the same bytes.

use std::fmt::Write as _;

use crate::result::Study;

/// Format an optional number: shortest round-trip decimal, empty when missing.
pub fn num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(String::new, |x| format!("{x}"))
}

/// Quote a CSV field when it holds a comma, quote or line break.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// `ar.csv`.
pub fn ar_csv(study: &Study) -> Vec<u8> {
    let mut out = String::from(
        "event_id,ticker,group,event_date,day0,rel_day,date,ret,market_ret,normal_ret,ar,car,sar,car_se,open,high,low,close,ref_price,ref_price_source,limit_pct,up_limit,down_limit,limit_state,censored,free_day,return_span,rule_mismatch\n",
    );
    for e in &study.events {
        for d in &e.days {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                field(&e.event_id),
                field(&e.ticker),
                field(&e.group),
                e.event_date,
                e.day0,
                d.rel_day,
                d.date,
                num(d.ret),
                num(d.market_ret),
                num(d.stats.normal_ret),
                num(d.stats.ar),
                num(d.stats.car),
                num(d.stats.sar),
                num(d.stats.car_se),
                num(d.open),
                num(d.high),
                num(d.low),
                num(d.close),
            );
            match &d.limit {
                Some(l) => {
                    let _ = writeln!(
                        out,
                        ",{},{},{},{},{},{},{},{},{},{}",
                        num(l.ref_price),
                        l.ref_price_source.as_str(),
                        num(l.limit_pct),
                        num(l.up_limit),
                        num(l.down_limit),
                        l.state.as_str(),
                        l.censored,
                        l.free_day,
                        l.return_span,
                        l.rule_mismatch
                    );
                }
                None => out.push_str(",,,,,,,,,,\n"),
            }
        }
    }
    out.into_bytes()
}

/// `events.csv`.
pub fn events_csv(study: &Study) -> Vec<u8> {
    let mut out = String::from(
        "event_id,ticker,group,label,line,event_date,day0,shift_days,shift_reason,status,skip_reason,model,alpha,beta,sigma,r2,n_est,df,n_overlapping_other_events",
    );
    for w in &study.config.car_windows {
        let s = w.column_suffix();
        let _ = write!(out, ",car_{s},bhar_{s},scar_{s},t_{s},p_{s},n_ar_{s}");
    }
    out.push_str(LIMIT_COLUMNS);
    out.push('\n');
    for e in &study.events {
        let f = &e.fit;
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},ok,,{},{},{},{},{},{},{},{}",
            field(&e.event_id),
            field(&e.ticker),
            field(&e.group),
            field(&e.label),
            e.line,
            e.event_date,
            e.day0,
            e.shift_days,
            e.shift_reason.name(),
            study.config.model.name(),
            num(f.alpha()),
            num(f.beta()),
            num(Some(f.sigma2().sqrt())),
            num(f.r2()),
            f.n(),
            f.df_resid(),
            e.n_overlapping_other_events,
        );
        for w in &e.windows {
            let v = &w.values;
            let _ = write!(
                out,
                ",{},{},{},{},{},{}",
                num(v.car),
                num(v.bhar),
                num(v.scar),
                num(v.scar),
                num(w.p_value),
                v.n_days
            );
        }
        out.push_str(&limit_cells(e.limits.as_ref()));
        out.push('\n');
    }
    let blanks =
        ",".repeat(6 * study.config.car_windows.len() + LIMIT_COLUMNS.matches(',').count());
    for s in &study.skipped {
        let _ = writeln!(
            out,
            "{},{},,,{},,,,,skipped,{},{},,,,,,,{blanks}",
            field(&s.event_id),
            field(&s.ticker),
            s.line,
            s.reason.name(),
            study.config.model.name(),
        );
    }
    out.into_bytes()
}

/// `aar.csv`: per group and relative day, n, AAR, CAAR and each day test (statistic and p).
pub fn aar_csv(study: &Study) -> Vec<u8> {
    let mut out = String::from("group,rel_day,n,aar,caar,caar_sum");
    for t in &study.config.tests {
        let _ = write!(out, ",{0},{0}_p", t.name());
    }
    out.push('\n');
    for g in &study.groups {
        for d in &g.days {
            let _ = write!(
                out,
                "{},{},{},{},{},{}",
                field(&g.group),
                d.rel_day,
                d.n,
                num(d.aar),
                num(d.caar),
                num(d.caar_sum)
            );
            for t in &d.tests {
                let _ = write!(out, ",{},{}", num(t.statistic), num(t.p_value));
            }
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// `tests.csv`: long table, one row per group × CAR window × test, preceded by the window's
/// CAAR as test `caar`:
/// `group,window,test,statistic,p_value,df,n,distribution,note,n_excluded,excluded,rbar,rbar_pairs,mean_overlap`.
/// `n_excluded` and `excluded` (`reason:count;...`) describe the window, so every row of it
/// repeats them (all its tests use the same events); `rbar`, `rbar_pairs` and
/// `mean_overlap` are filled on the rows of the Kolari–Pynnönen tests.
pub fn tests_csv(study: &Study) -> Vec<u8> {
    let mut out = String::from(
        "group,window,test,statistic,p_value,df,n,distribution,note,n_excluded,excluded,rbar,rbar_pairs,mean_overlap\n",
    );
    for g in &study.groups {
        if let Some(f) = &g.car_free {
            let excluded = exclusion_cells(f.n_excluded, &f.excluded);
            let _ = writeln!(
                out,
                "{},0:f,caar_free,{},,,{},,abhar_free={};continuation={};reversal={}{excluded},,,",
                field(&g.group),
                num(f.caar_free),
                f.n,
                num(f.abhar_free),
                f.n_continuation,
                f.n_reversal
            );
            write_tests(&mut out, &g.group, "0:f", &f.tests, &excluded);
        }
        for w in &g.windows {
            let excluded = exclusion_cells(w.n_excluded, &w.excluded);
            let _ = writeln!(
                out,
                "{},{},caar,{},,,{},,abhar={}{excluded},,,",
                field(&g.group),
                w.window,
                num(w.caar),
                w.n,
                num(w.abhar)
            );
            write_tests(
                &mut out,
                &g.group,
                &w.window.to_string(),
                &w.tests,
                &excluded,
            );
        }
    }
    out.into_bytes()
}

/// `reason:count;...` of the events a window left out (empty when none).
pub fn exclusion_summary(excluded: &[crate::result::Exclusion]) -> String {
    excluded
        .iter()
        .map(|e| format!("{}:{}", e.reason, e.n))
        .collect::<Vec<_>>()
        .join(";")
}

/// `,n_excluded,excluded` of a window.
fn exclusion_cells(n: usize, excluded: &[crate::result::Exclusion]) -> String {
    format!(",{n},{}", field(&exclusion_summary(excluded)))
}

const LIMIT_COLUMNS: &str = ",limit_board,limit_pct_day0,n_limit_up_close,n_limit_down_close,n_touch,n_one_price_lock,limit_run_day0,first_limit_day,first_free_day,first_free_date,car_free,bhar_free,sar_free,post_free_car_k,continuation,limit_run_censored,n_limit_days_estimation";

fn limit_cells(l: Option<&crate::result::EventLimits>) -> String {
    let Some(l) = l else {
        return ",".repeat(LIMIT_COLUMNS.matches(',').count());
    };
    let s = &l.summary;
    let opt = |v: Option<i32>| v.map_or_else(String::new, |v| v.to_string());
    format!(
        ",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
        l.limit_board,
        num(s.limit_pct_day0),
        s.n_limit_up_close,
        s.n_limit_down_close,
        s.n_touch,
        s.n_one_price_lock,
        s.limit_run_day0,
        opt(s.first_limit_day),
        opt(s.first_free_day),
        s.first_free_date
            .map_or_else(String::new, |d| d.to_string()),
        num(s.car_free),
        num(s.bhar_free),
        num(l.sar_free),
        num(s.post_free_car_k),
        s.continuation.map_or_else(String::new, |c| c.to_string()),
        s.limit_run_censored,
        l.n_limit_days_estimation
    )
}

fn write_tests(
    out: &mut String,
    group: &str,
    window: &str,
    tests: &[crate::stats::TestStat],
    excluded: &str,
) {
    for t in tests {
        let rho = t.correlation.map_or_else(
            || ",,".to_string(),
            |c| {
                format!(
                    "{},{},{}",
                    num(Some(c.rbar)),
                    c.n_pairs,
                    num(c.mean_overlap)
                )
            },
        );
        let _ = writeln!(
            out,
            "{},{window},{},{},{},{},{},{},{}{excluded},{rho}",
            field(group),
            t.name,
            num(t.statistic),
            num(t.p_value),
            num(t.df),
            t.n,
            t.distribution,
            field(&t.note)
        );
    }
}

/// `evstudy limits` CSV: one row per hit.
pub fn hits_csv(scan: &crate::limits::LimitScan) -> Vec<u8> {
    let mut out = String::from(
        "ticker,date,state,close,ref_price,up_limit,down_limit,run_length,rule_mismatch,run_spans_suspension\n",
    );
    for h in &scan.hits {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{}",
            field(&h.ticker),
            h.date,
            h.state.as_str(),
            num(Some(h.close)),
            num(h.ref_price),
            num(h.up_limit),
            num(h.down_limit),
            h.run_length,
            h.rule_mismatch,
            h.run_spans_suspension
        );
    }
    out.into_bytes()
}
