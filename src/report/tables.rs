//! Publication tables in Markdown and LaTeX (booktabs): per group, CAR windows × (CAAR, the
//! main tests with p-values and significance stars, n), the limit-adjusted `0:f` row, and
//! the per-event table with the limit columns; a notes line names the model, windows and
//! tests and flags censored day-0 returns. Pure functions of a finished [`Study`].

use std::fmt::Write as _;

use super::summary::{censored_notices, stars};
use crate::result::Study;
use crate::stats::TestStat;

/// Tests shown in the tables (all of them are in `tests.csv`).
const TABLE_TESTS: [&str; 4] = ["csect_t", "bmp_t", "kp_bmp_t", "grank_t"];

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "–".to_string(), |x| format!("{:.2}%", 100.0 * x))
}

fn stat_cells(tests: &[TestStat], name: &str) -> (String, String) {
    tests.iter().find(|t| t.name == name).map_or_else(
        || ("–".into(), "–".into()),
        |t| match t.statistic {
            Some(s) => (
                format!("{s:.3}{}", stars(t.p_value)),
                t.p_value.map_or_else(|| "–".into(), |p| format!("{p:.4}")),
            ),
            None => ("–".into(), "–".into()),
        },
    )
}

fn shown_tests(study: &Study) -> Vec<&'static str> {
    TABLE_TESTS
        .iter()
        .copied()
        .filter(|n| study.config.tests.iter().any(|t| t.name() == *n))
        .collect()
}

/// A row of a group table: label, n, CAAR, and (statistic, p) per shown test.
type TableRow = (String, usize, String, Vec<(String, String)>);
/// A group's name, number of events and rows.
type GroupTable = (String, usize, Vec<TableRow>);

/// Rows of one group's window table: label, n, CAAR and (stat, p) per shown test.
fn group_rows(study: &Study) -> Vec<GroupTable> {
    let shown = shown_tests(study);
    study
        .groups
        .iter()
        .map(|g| {
            let mut rows: Vec<_> = g
                .windows
                .iter()
                .map(|w| {
                    (
                        format!("CAR({})", w.window),
                        w.n,
                        pct(w.caar),
                        shown.iter().map(|n| stat_cells(&w.tests, n)).collect(),
                    )
                })
                .collect();
            if let Some(f) = &g.car_free {
                rows.push((
                    "CAR(0,f) free".to_string(),
                    f.n,
                    pct(f.caar_free),
                    shown.iter().map(|n| stat_cells(&f.tests, n)).collect(),
                ));
            }
            (g.group.clone(), g.n_events, rows)
        })
        .collect()
}

fn notes(study: &Study) -> Vec<String> {
    let c = &study.config;
    let mut out = vec![format!(
        "{} model estimated over relative days {}; event window {}; {} returns from {}; {} events computed, {} skipped. Tests: {}. Significance: *** 1%, ** 5%, * 10% ({} p-values).",
        c.model.name(),
        c.estimation,
        c.window,
        match c.returns {
            crate::config::ReturnKind::Simple => "simple",
            crate::config::ReturnKind::Log => "log",
        },
        match study.return_source {
            crate::data::ReturnSource::AdjClose => "adj_close",
            crate::data::ReturnSource::PrevClose => "close / prev_close",
            crate::data::ReturnSource::Close => "close-to-close (payouts not accounted for)",
        },
        study.events.len(),
        study.skipped.len(),
        shown_tests(study).join(", "),
        match c.alternative {
            crate::config::Alternative::TwoSided => "two-sided",
            crate::config::Alternative::Less => "one-sided (less)",
            crate::config::Alternative::Greater => "one-sided (greater)",
        }
    )];
    if shown_tests(study).contains(&"kp_bmp_t") {
        out.push(match c.rbar {
            crate::config::RbarMethod::Overlap => "kp_bmp_t: rbar over each window's events, every pair's residual correlation weighted by the overlap of the two event windows (Kolari, Pape and Pynnönen 2018).".to_string(),
            crate::config::RbarMethod::Calendar => "kp_bmp_t: rbar over each window's events, the mean calendar-aligned residual correlation (Kolari and Pynnönen 2010).".to_string(),
        });
    }
    for g in &study.groups {
        let left_out: Vec<String> = g
            .windows
            .iter()
            .filter(|w| w.n_excluded > 0)
            .map(|w| {
                let why: Vec<String> = w
                    .excluded
                    .iter()
                    .map(|e| format!("{} {}", e.reason.replace('_', " "), e.n))
                    .collect();
                format!("CAR({}) {}", w.window, why.join(", "))
            })
            .collect();
        if !left_out.is_empty() {
            out.push(format!(
                "Group {}: events without a CAR over a window are left out of all its tests ({}).",
                g.group,
                left_out.join("; ")
            ));
        }
    }
    let censored = censored_notices(study);
    if !censored.is_empty() {
        out.push(format!(
            "Censored day-0 returns: {} events closed at a daily price limit on day 0, so their day-0 AR is a bound; CAR(0,f) runs through each event's first free day.",
            censored.len()
        ));
        out.extend(censored);
    }
    out
}

/// Per-event rows: id, ticker, day 0, AR(0), CARs, limit state of day 0, first free day, CAR_free.
fn event_rows(study: &Study) -> Vec<Vec<String>> {
    study
        .events
        .iter()
        .map(|e| {
            let d0 = e.days.iter().find(|d| d.rel_day == 0);
            let mut row = vec![
                e.event_id.clone(),
                e.ticker.clone(),
                e.day0.to_string(),
                pct(d0.and_then(|d| d.stats.ar)),
            ];
            row.extend(
                e.windows
                    .iter()
                    .map(|w| format!("{}{}", pct(w.values.car), stars(w.p_value))),
            );
            let l = e.limits.as_ref();
            row.push(
                d0.and_then(|d| d.limit)
                    .map_or_else(|| "–".into(), |l| l.state.as_str().to_string()),
            );
            row.push(
                l.and_then(|l| l.summary.first_free_day)
                    .map_or_else(|| "–".into(), |f| format!("{f:+}")),
            );
            row.push(pct(l.and_then(|l| l.summary.car_free)));
            row
        })
        .collect()
}

fn event_header(study: &Study) -> Vec<String> {
    let mut h: Vec<String> = ["Event", "Ticker", "Day 0", "AR(0)"]
        .map(String::from)
        .to_vec();
    h.extend(study.config.car_windows.iter().map(|w| format!("CAR({w})")));
    h.extend(["Day-0 limit", "First free", "CAR(0,f)"].map(String::from));
    h
}

/// `report.md`.
pub fn markdown(study: &Study) -> Vec<u8> {
    let shown = shown_tests(study);
    let mut out = format!("# Event study: {} events\n\n", study.events.len());
    for (group, n, rows) in group_rows(study) {
        let _ = writeln!(out, "## Group `{group}` ({n} events)\n");
        let mut head = "| Window | N | CAAR |".to_string();
        let mut rule = "|---|---:|---:|".to_string();
        for t in &shown {
            let _ = write!(head, " {t} | p |");
            rule.push_str("---:|---:|");
        }
        let _ = writeln!(out, "{head}\n{rule}");
        for (label, n, caar, cells) in rows {
            let _ = write!(out, "| {label} | {n} | {caar} |");
            for (s, p) in cells {
                let _ = write!(out, " {s} | {p} |");
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("## Events\n\n");
    let h = event_header(study);
    let _ = writeln!(out, "| {} |", h.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(h.len()));
    for r in event_rows(study) {
        let _ = writeln!(
            out,
            "| {} |",
            r.iter()
                .map(|c| c.replace('|', "\\|"))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out.push_str("\n**Notes.** ");
    out.push_str(&notes(study).join("\n\n- "));
    out.push('\n');
    out.into_bytes()
}

/// A table cell for LaTeX: escaped, with trailing significance stars as a superscript.
fn tex_cell(s: &str) -> String {
    let body = s.trim_end_matches('*');
    let stars = &s[body.len()..];
    if stars.is_empty() {
        tex_escape(body)
    } else {
        format!("{}$^{{{stars}}}$", tex_escape(body))
    }
}

fn tex_escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '%' | '_' | '&' | '#' | '$' | '{' | '}' => format!("\\{c}"),
            '~' => "\\textasciitilde{}".into(),
            '^' => "\\textasciicircum{}".into(),
            '\\' => "\\textbackslash{}".into(),
            c => c.to_string(),
        })
        .collect()
}

/// `report.tex`: booktabs tables, one per group plus the per-event table.
pub fn latex(study: &Study) -> Vec<u8> {
    let shown = shown_tests(study);
    let mut out = String::from("% evstudy report; needs \\usepackage{booktabs}\n");
    for (group, n, rows) in group_rows(study) {
        let cols = format!("lrr{}", "rr".repeat(shown.len()));
        let _ = writeln!(
            out,
            "\\begin{{table}}[htbp]\n\\centering\n\\caption{{CAAR and test statistics, group {} ({n} events)}}",
            tex_escape(&group)
        );
        let _ = writeln!(out, "\\begin{{tabular}}{{{cols}}}\n\\toprule");
        let mut head = "Window & N & CAAR".to_string();
        for t in &shown {
            let _ = write!(head, " & {} & $p$", tex_escape(t));
        }
        let _ = writeln!(out, "{head} \\\\\n\\midrule");
        for (label, n, caar, cells) in rows {
            let mut line = format!("{} & {n} & {}", tex_escape(&label), tex_escape(&caar));
            for (s, p) in cells {
                let _ = write!(line, " & {} & {}", tex_cell(&s), tex_escape(&p));
            }
            let _ = writeln!(out, "{line} \\\\");
        }
        let _ = writeln!(out, "\\bottomrule\n\\end{{tabular}}\n\\end{{table}}\n");
    }
    let h = event_header(study);
    let _ = writeln!(
        out,
        "\\begin{{table}}[htbp]\n\\centering\n\\caption{{Events}}\n\\begin{{tabular}}{{lll{}}}\n\\toprule",
        "r".repeat(h.len() - 3)
    );
    let _ = writeln!(
        out,
        "{} \\\\\n\\midrule",
        h.iter()
            .map(|c| tex_escape(c))
            .collect::<Vec<_>>()
            .join(" & ")
    );
    for r in event_rows(study) {
        let _ = writeln!(
            out,
            "{} \\\\",
            r.iter()
                .map(|c| tex_cell(c))
                .collect::<Vec<_>>()
                .join(" & ")
        );
    }
    let _ = writeln!(out, "\\bottomrule\n\\end{{tabular}}\n\\end{{table}}\n");
    out.push_str("\\paragraph{Notes.}");
    for n in notes(study) {
        let _ = write!(out, " {}", tex_escape(&n));
    }
    out.push('\n');
    out.into_bytes()
}
