//! `report.html`: one self-contained page a browser opens with no network and no script —
//! the notices in words (limit closes, trading halts, warnings, skips), per group every
//! test that was run for each CAR window and the limit-adjusted `0:f` row (the rows of
//! `tests.csv`), the per-event table and the skipped events, every chart inlined as SVG
//! with a caption, and last the settings and inputs.
//! One stylesheet (`html.css`) with light and dark schemes (`prefers-color-scheme`) and a
//! print layout (`@media print`).
//!
//! A pure function of a finished [`Study`]: it computes no statistic, every piece of text
//! (event ids and labels are user data) is HTML-escaped, and nothing time- or
//! machine-dependent is written, so the same study gives the same bytes. The charts are
//! drawn by [`crate::chart::render_all`] as SVG whatever `--chart` asks for (plotters
//! escapes the text it writes into them).

use std::fmt::Write as _;

use super::csv::exclusion_summary;
use super::summary::{censored_notices, halt_notices, stars};
use crate::chart::{ChartFormat, ChartOptions};
use crate::error::{Error, Result};
use crate::result::{CaarRow, FreeRow, GroupResults, Study};
use crate::stats::TestStat;

#[path = "html_parts.rs"]
mod parts;
#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;

use parts::{Table, esc, num_cell, p_cell, pct};

/// The stylesheet, inlined into the page.
const CSS: &str = include_str!("html.css");

/// `report.html`.
///
/// # Errors
/// `Chart` when a chart cannot be rendered (e.g. a chart size out of range).
pub fn report_html(study: &Study) -> Result<Vec<u8>> {
    let opts = ChartOptions {
        formats: vec![ChartFormat::Svg],
        width: study.config.chart_width,
        height: study.config.chart_height,
    };
    let charts = crate::chart::render_all(study, &opts).map_err(|e| Error::Chart(e.to_string()))?;
    report_html_with(study, &charts)
}

/// `report.html` around SVG charts already drawn (`charts/<name>.svg`, in
/// [`crate::chart::render_all`]'s order), so a run that writes them does not draw them twice.
///
/// # Errors
/// `Internal` when the charts do not match the study's chart captions.
pub fn report_html_with(study: &Study, charts: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let captions = parts::chart_captions(study);
    if captions.len() != charts.len() {
        return Err(Error::Internal(format!(
            "report.html: {} charts rendered for {} captions",
            charts.len(),
            captions.len()
        )));
    }
    let mut out = String::new();
    head(study, &mut out);
    notices(study, &mut out);
    out.push_str("<section id=\"results\">\n<h2>Results per group</h2>\n");
    out.push_str(&legend(study));
    for (k, g) in study.groups.iter().enumerate() {
        group(k, g, &mut out);
    }
    out.push_str("</section>\n");
    parts::events(study, &mut out);
    parts::skipped(study, &mut out);
    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    for (k, ((file, svg), caption)) in charts.iter().zip(&captions).enumerate() {
        let svg = String::from_utf8_lossy(svg);
        let _ = writeln!(
            out,
            "<figure id=\"chart-{k}\">\n<div class=\"chart\">\n{}\n</div>\n<figcaption>Figure {}. {} <span class=\"file\">({})</span></figcaption>\n</figure>",
            svg.trim(),
            k + 1,
            esc(caption),
            esc(file.trim_start_matches("charts/").trim_end_matches(".svg"))
        );
    }
    out.push_str("</section>\n");
    parts::settings(study, &mut out);
    out.push_str("</main>\n</body>\n</html>\n");
    Ok(out.into_bytes())
}

/// The document head, the title block and the table of contents.
fn head(study: &Study, out: &mut String) {
    let title = format!(
        "Event study: {} events computed, {} skipped",
        study.events.len(),
        study.skipped.len()
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"evstudy {v}\">\n<title>{t}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{t}</h1>\n\
         <p class=\"muted\">{model} model, estimation window {est}, event window {win}; \
         written by evstudy {v}.</p>\n</header>\n",
        v = esc(&study.version),
        t = esc(&title),
        model = esc(study.config.model.name()),
        est = study.config.estimation,
        win = study.config.window,
    );
    out.push_str(
        "<nav>\n<a href=\"#notices\">Notices</a> · <a href=\"#results\">Results per group</a> · \
         <a href=\"#events\">Events</a> · <a href=\"#skipped\">Skipped events</a> · \
         <a href=\"#charts\">Charts</a> · <a href=\"#settings\">Settings</a>\n</nav>\n",
    );
}

/// Limit closes, trading halts, warnings and skips in words; the summary's own sentences.
fn notices(study: &Study, out: &mut String) {
    out.push_str("<section id=\"notices\">\n<h2>Notices</h2>\n");
    let censored = censored_notices(study);
    let halts = halt_notices(study);
    if censored.is_empty() && halts.is_empty() && study.warnings.is_empty() {
        out.push_str("<p>No event closed at a daily price limit or fell in a trading halt on day 0, and there were no warnings.</p>\n");
    }
    let mut list = |intro: String, lines: &[String], class: &str| {
        if lines.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "<div class=\"notice {class}\">\n<p>{}</p>\n<ul>",
            esc(&intro)
        );
        for l in lines {
            // A halt notice is two lines: keep the break.
            let items: Vec<String> = l.lines().map(|x| esc(x.trim())).collect();
            let _ = writeln!(out, "<li>{}</li>", items.join("<br>"));
        }
        out.push_str("</ul>\n</div>\n");
    };
    list(
        format!(
            "Price limits: {} events closed at a daily limit on day 0; their day-0 AR is a bound (the true reaction spills into later days). CAR(0:f) runs through each event's first free day.",
            censored.len()
        ),
        &censored,
        "limits",
    );
    list(
        format!(
            "Trading halts: {} events fall in a halt on day 0; the reaction is in the first traded row after it.",
            halts.len()
        ),
        &halts,
        "halts",
    );
    list("Warnings:".to_string(), &study.warnings, "warnings");
    if !study.skipped.is_empty() {
        let _ = writeln!(
            out,
            "<p>{} events were skipped; their reasons are in <a href=\"#skipped\">Skipped events</a>.</p>",
            study.skipped.len()
        );
    }
    out.push_str("</section>\n");
}

/// What the stars and p-values mean.
fn legend(study: &Study) -> String {
    let alt = study.config.alternative.label();
    format!(
        "<p class=\"muted\">Every test that was run, per CAR window ({alt} p-values; *** 1%, ** 5%, * 10%). \
         All tests of a window use the same events: <em>n excluded</em> counts the events left out of all of them, \
         with the reasons. CAR(0:f) runs through each event's first free day.</p>\n"
    )
}

/// One group: a table with, per window, the CAAR row and one row per test.
fn group(k: usize, g: &GroupResults, out: &mut String) {
    let _ = writeln!(
        out,
        "<section class=\"group\" id=\"group-{k}\">\n<h3>Group {} ({} events)</h3>",
        esc(&g.group),
        g.n_events
    );
    let mut t = Table::new(
        "tests",
        &[
            "Window",
            "Test",
            "Statistic",
            "p",
            "df",
            "n",
            "n excluded",
            "Excluded",
            "Distribution",
            "Note",
        ],
    );
    for w in &g.windows {
        window_rows(&mut t, w);
    }
    if let Some(f) = &g.car_free {
        free_rows(&mut t, f);
    }
    out.push_str(&t.finish());
    out.push_str("</section>\n");
}

fn window_rows(t: &mut Table, w: &CaarRow) {
    t.group_start();
    let note = format!("ABHAR {}", pct(w.abhar));
    t.average_row(
        &format!("CAR({})", w.window),
        "CAAR",
        (w.caar, w.n),
        (w.n_excluded, &exclusion_summary(&w.excluded)),
        &note,
    );
    for s in &w.tests {
        test_row(t, s);
    }
}

fn free_rows(t: &mut Table, f: &FreeRow) {
    t.group_start();
    let note = format!(
        "ABHAR_free {}; continuation {}, reversal {}",
        pct(f.abhar_free),
        f.n_continuation,
        f.n_reversal
    );
    t.average_row(
        "CAR(0:f)",
        "CAAR_free",
        (f.caar_free, f.n),
        (f.n_excluded, &exclusion_summary(&f.excluded)),
        &note,
    );
    for s in &f.tests {
        test_row(t, s);
    }
}

fn test_row(t: &mut Table, s: &TestStat) {
    let stat = s.statistic.map_or_else(
        || "–".to_string(),
        |x| format!("{x:.3}{}", stars(s.p_value)),
    );
    let mut note = s.note.clone();
    if let Some(c) = &s.correlation {
        let _ = write!(
            note,
            "{}rbar {:.4} over {} pairs",
            if note.is_empty() { "" } else { "; " },
            c.rbar,
            c.n_pairs
        );
    }
    t.row(&[
        ("", ""),
        ("test", &s.name),
        ("num", &stat),
        ("num", &p_cell(s.p_value)),
        ("num", &num_cell(s.df)),
        ("num", &s.n.to_string()),
        ("", ""),
        ("", ""),
        ("", &s.distribution),
        ("note", &note),
    ]);
}
