//! Snapshot tests (insta) of every report format on the demo study: `ar.csv`,
//! `events.csv`, `aar.csv`, `tests.csv`, the stdout summary, Markdown and LaTeX. See #4, #6
//! and #9.

use evstudy::StudyConfig;
use evstudy::report::{csv, summary, tables};

use crate::common::demo;

fn demo_study() -> evstudy::Study {
    let mut cfg = StudyConfig::from_toml_file(&demo("study.toml")).unwrap();
    cfg.chart.clear();
    evstudy::run(&cfg).unwrap()
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

#[test]
fn ar_csv_of_demo_study() {
    insta::assert_snapshot!(text(csv::ar_csv(&demo_study()).unwrap()));
}

#[test]
fn events_csv_of_demo_study() {
    insta::assert_snapshot!(text(csv::events_csv(&demo_study()).unwrap()));
}

#[test]
fn tests_csv_of_demo_study() {
    insta::assert_snapshot!(text(csv::tests_csv(&demo_study()).unwrap()));
}

#[test]
fn aar_csv_of_demo_study() {
    insta::assert_snapshot!(text(csv::aar_csv(&demo_study()).unwrap()));
}

#[test]
fn stdout_summary_of_demo_study() {
    let mut out = Vec::new();
    summary::write_summary(&demo_study(), &mut out).unwrap();
    insta::assert_snapshot!(text(out));
}

#[test]
fn markdown_report_of_demo_study() {
    insta::assert_snapshot!(text(tables::markdown(&demo_study())));
}

#[test]
fn latex_report_of_demo_study() {
    insta::assert_snapshot!(text(tables::latex(
        &demo_study(),
        evstudy::config::TexForm::Document
    )));
}

#[test]
fn study_json_round_trips_and_rerenders_identically() {
    let study = demo_study();
    let json = evstudy::report::json::study_json(&study).unwrap();
    let back: evstudy::Study = serde_json::from_slice(&json).unwrap();
    assert!(
        tables::markdown(&back) == tables::markdown(&study),
        "markdown differs after a JSON round trip"
    );
    assert!(
        csv::tests_csv(&back).unwrap() == csv::tests_csv(&study).unwrap(),
        "tests.csv differs after a JSON round trip"
    );
    assert!(
        evstudy::report::json::study_json(&back).unwrap() == json,
        "study.json differs after a JSON round trip"
    );
}

/// `report.html` with each inlined chart cut to its `<svg …>` tag (the charts have their
/// own tests) and the repository's path as `[repo]`. See #14.
#[test]
fn html_report_of_demo_study() {
    let study = demo_study();
    let html = text(evstudy::report::html::report_html(&study).unwrap());
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<svg ") {
        let end = rest[i..].find("</svg>").unwrap() + i;
        let tag_end = rest[i..].find('>').unwrap() + i;
        out.push_str(&rest[..=tag_end]);
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    insta::assert_snapshot!(out.replace(env!("CARGO_MANIFEST_DIR"), "[repo]"));
}

/// The `report.html` of a study re-read from its `study.json` is the same page.
#[test]
fn html_report_rerenders_identically_from_study_json() {
    let study = demo_study();
    let json = evstudy::report::json::study_json(&study).unwrap();
    let back: evstudy::Study = serde_json::from_slice(&json).unwrap();
    assert!(
        evstudy::report::html::report_html(&back).unwrap()
            == evstudy::report::html::report_html(&study).unwrap()
    );
}
