//! `report.html` on the demo study: deterministic, self-contained, every test and chart,
//! the notices in words, and user text escaped.

use std::path::Path;
use std::sync::OnceLock;

use super::report_html;
use crate::report::summary::censored_notices;
use crate::result::Study;

fn demo() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/study.toml");
        let config = crate::StudyConfig::from_toml_file(&path).unwrap();
        crate::run(&config).unwrap()
    })
}

fn html(study: &Study) -> String {
    String::from_utf8(report_html(study).unwrap()).unwrap()
}

#[test]
fn same_study_gives_the_same_bytes() {
    assert_eq!(report_html(demo()).unwrap(), report_html(demo()).unwrap());
}

#[test]
fn page_needs_no_script_and_no_network() {
    let h = html(demo());
    assert!(h.starts_with("<!DOCTYPE html>\n"));
    assert!(h.ends_with("</html>\n"));
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", "src=",
    ] {
        assert!(!h.contains(banned), "report.html contains {banned:?}");
    }
    // The only absolute URL is the SVG namespace of each inlined chart.
    let urls = h.matches("http").count();
    assert_eq!(
        urls,
        h.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(h.contains("@media (prefers-color-scheme: dark)"));
    assert!(h.contains("@media print"));
}

#[test]
fn every_test_of_every_window_has_a_row() {
    let study = demo();
    let h = html(study);
    let mut rows = 0;
    for g in &study.groups {
        let mut names: Vec<&str> = Vec::new();
        for w in &g.windows {
            assert!(h.contains(&format!("<th scope=\"rowgroup\">CAR({})</th>", w.window)));
            names.extend(w.tests.iter().map(|t| t.name.as_str()));
            rows += 1 + w.tests.len();
        }
        if let Some(f) = &g.car_free {
            names.extend(f.tests.iter().map(|t| t.name.as_str()));
            rows += 1 + f.tests.len();
        }
        for n in names {
            assert!(h.contains(&format!("<td class=\"test\">{n}</td>")), "{n}");
        }
    }
    assert!(study.groups.iter().any(|g| g.car_free.is_some()));
    assert!(h.contains("<th scope=\"rowgroup\">CAR(0:f)</th>"));
    assert_eq!(h.matches("<td class=\"test\">").count(), rows);
    // The demo runs every test family: 15 tests per window.
    assert_eq!(
        study.groups[0].windows[0].tests.len(),
        study.config.tests.len()
    );
}

#[test]
fn every_chart_is_inlined_as_svg_with_a_caption() {
    let study = demo();
    let h = html(study);
    let n = 2 * study.events.len() + 2 * study.groups.len();
    assert_eq!(h.matches("<figure id=\"chart-").count(), n);
    assert_eq!(h.matches("<svg ").count(), n);
    assert_eq!(h.matches("<figcaption>Figure ").count(), n);
    assert!(h.contains(&format!("<figcaption>Figure {n}. ")));
    assert!(h.contains("<span class=\"file\">(car_SANC1-600101)</span>"));
}

#[test]
fn limit_notices_are_written_in_words() {
    let study = demo();
    let notices = censored_notices(study);
    assert!(
        !notices.is_empty(),
        "the demo flagship closes limit-down on day 0"
    );
    let h = html(study);
    assert!(h.contains(&format!(
        "Price limits: {} events closed at a daily limit on day 0",
        notices.len()
    )));
    for n in notices {
        assert!(h.contains(&format!("<li>{}</li>", super::esc(&n))), "{n}");
    }
}

#[test]
fn event_ids_and_labels_are_escaped() {
    let mut study = demo().clone();
    study.events[0].event_id = "id<b>&\"'".to_string();
    study.events[0].label = "<script>alert(1)</script>".to_string();
    let h = html(&study);
    assert!(h.contains("id&lt;b&gt;&amp;&quot;&#39;"));
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!h.contains("<script>"));
    assert!(!h.contains("id<b>"));
}

#[test]
fn halt_notices_and_skipped_events_are_written_in_words() {
    let mut study = demo().clone();
    let e = study
        .events
        .iter_mut()
        .find(|e| e.event_id == "FCC2-000108")
        .unwrap();
    let d1 = e.days.iter().find(|d| d.rel_day == 1).unwrap().date;
    e.halt = Some(crate::result::HaltInfo {
        halt_days: 1,
        halt_from: e.day0,
        halt_to: e.day0,
        first_trade_day: Some(1),
        first_trade_date: Some(d1),
        resumption_span: Some(2),
        resumption_ar: Some(-0.05),
        car_to_resumption: Some(-0.06),
    });
    study.skipped.push(crate::result::Skip {
        event_id: "X<1>".to_string(),
        ticker: "999999.SZ".to_string(),
        line: 12,
        reason: crate::result::SkipReason::UnknownTicker,
        message: "ticker 999999.SZ is not in the price file".to_string(),
    });
    let h = html(&study);
    assert!(h.contains(
        "Trading halts: 1 events fall in a halt on day 0; the reaction is in the first traded row after it."
    ));
    let notice = &super::super::summary::halt_notices(&study)[0];
    let (first, second) = notice.split_once('\n').unwrap();
    assert!(h.contains(&format!(
        "<li>{}<br>{}</li>",
        super::esc(first.trim()),
        super::esc(second.trim())
    )));
    assert!(second.contains("AR -5.00% over 2 sessions (trade-to-trade)"));
    assert!(h.contains("1 events were skipped"));
    assert!(h.contains(
        "<tr><td class=\"id\">X&lt;1&gt;</td><td>999999.SZ</td><td class=\"num\">12</td><td>unknown_ticker</td>"
    ));
}

#[test]
fn a_windows_excluded_events_are_on_its_caar_row_as_in_tests_csv() {
    let mut study = demo().clone();
    let w = &mut study.groups[0].windows[0];
    w.n_excluded = 2;
    w.excluded = vec![crate::result::Exclusion {
        reason: "halt_in_window".to_string(),
        n: 2,
    }];
    let label = format!("CAR({})", w.window);
    let h = html(&study);
    let row = h
        .lines()
        .find(|l| l.contains(&format!("<th scope=\"rowgroup\">{label}</th>")))
        .unwrap();
    assert!(
        row.contains("<td class=\"num\">2</td><td>halt_in_window:2</td>"),
        "{row}"
    );
}
