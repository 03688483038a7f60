//! Publication tables in Markdown and LaTeX (booktabs): per group, CAR windows × (CAAR, the
//! main tests with p-values and significance stars, n), the limit-adjusted `0:f` row, and
//! the per-event table with the limit columns; a notes line names the model, windows and
//! tests and flags censored day-0 returns. Pure functions of a finished [`Study`].

use std::fmt::Write as _;

use super::summary::{censored_notices, stars};
use crate::config::TexForm;
use crate::result::Study;
use crate::stats::TestStat;

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "–".to_string(), |x| format!("{:.2}%", 100.0 * x))
}

/// `statistic***` and `p` of a test, `–` when missing.
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

/// Every test the study ran, in the order of its settings (#14: the reports list them all).
fn shown_tests(study: &Study) -> Vec<&'static str> {
    study.config.tests.iter().map(|t| t.name()).collect()
}

/// One window column of a group: label, N, events left out, CAAR, ABHAR, and (stat, p) per
/// test.
struct WindowColumn {
    label: String,
    n: usize,
    out: usize,
    caar: String,
    abhar: String,
    tests: Vec<(String, String)>,
}

/// A group's name, number of events and window columns.
type GroupTable = (String, usize, Vec<WindowColumn>);

/// The window columns of each group (its CAR windows, then the limit-adjusted `0:f`).
fn group_rows(study: &Study) -> Vec<GroupTable> {
    let shown = shown_tests(study);
    study
        .groups
        .iter()
        .map(|g| {
            let mut cols: Vec<WindowColumn> = g
                .windows
                .iter()
                .map(|w| WindowColumn {
                    label: format!("CAR({})", w.window),
                    n: w.n,
                    out: w.n_excluded,
                    caar: pct(w.caar),
                    abhar: pct(w.abhar),
                    tests: shown.iter().map(|n| stat_cells(&w.tests, n)).collect(),
                })
                .collect();
            if let Some(f) = &g.car_free {
                cols.push(WindowColumn {
                    label: "CAR(0,f) free".to_string(),
                    n: f.n,
                    out: f.n_excluded,
                    caar: pct(f.caar_free),
                    abhar: pct(f.abhar_free),
                    tests: shown.iter().map(|n| stat_cells(&f.tests, n)).collect(),
                });
            }
            (g.group.clone(), g.n_events, cols)
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
            crate::data::ReturnSource::AdjClose => "adj_close".to_string(),
            crate::data::ReturnSource::PrevClose => "close / prev_close".to_string(),
            crate::data::ReturnSource::Close => {
                "close-to-close (payouts not accounted for)".to_string()
            }
            crate::data::ReturnSource::ReturnsColumn => format!(
                "the file's returns column {}",
                c.returns_column.as_deref().unwrap_or("?")
            ),
        },
        study.events.len(),
        study.skipped.len(),
        shown_tests(study).join(", "),
        c.alternative.label()
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
    for (group, n, cols) in group_rows(study) {
        let _ = writeln!(out, "## Group `{group}` ({n} events)\n");
        out.push_str("| Window | N | left out | CAAR | ABHAR |\n|---|---:|---:|---:|---:|\n");
        for c in &cols {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                c.label, c.n, c.out, c.caar, c.abhar
            );
        }
        let _ = write!(out, "\nTests (statistic, p):\n\n| Test |");
        for c in &cols {
            let _ = write!(out, " {} |", c.label);
        }
        let _ = writeln!(out, "\n|---|{}", "---:|".repeat(cols.len()));
        for (i, t) in shown.iter().enumerate() {
            let _ = write!(out, "| {t} |");
            for c in &cols {
                let (s, p) = &c.tests[i];
                let _ = write!(out, " {s} ({p}) |");
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

/// Rough printed width of a table in characters (the widest cell of each column plus its
/// padding), to decide whether it must be shrunk to the text width.
fn tex_width(rows: &[Vec<String>]) -> usize {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
                + 2
        })
        .sum()
}

/// Characters of 10 pt text that fit the text width of the document's A4 page (2 cm
/// margins: 17 cm at about 0.2 cm a character in a table).
const TEX_TEXT_CHARS: usize = 85;

/// One booktabs table: header row and body rows (already LaTeX), column spec, caption; shrunk
/// to `\linewidth` with `\resizebox` when wider than the page.
fn tex_table(
    out: &mut String,
    caption: &str,
    spec: &str,
    header: &[String],
    body: &[Vec<String>],
    plain: &[Vec<String>],
) {
    let wide = tex_width(plain) > TEX_TEXT_CHARS;
    let _ = writeln!(
        out,
        "\\begin{{table}}[htbp]\n\\centering\n\\caption{{{caption}}}"
    );
    if wide {
        out.push_str("\\resizebox{\\linewidth}{!}{%\n");
    }
    let _ = writeln!(out, "\\begin{{tabular}}{{{spec}}}\n\\toprule");
    let _ = writeln!(out, "{} \\\\\n\\midrule", header.join(" & "));
    for r in body {
        let _ = writeln!(out, "{} \\\\", r.join(" & "));
    }
    out.push_str("\\bottomrule\n\\end{tabular}");
    if wide {
        out.push('}');
    }
    out.push_str("\n\\end{table}\n\n");
}

/// `report.tex`: booktabs tables per group (windows; every test by window) and the per-event
/// table, then the notes; a whole document by default.
pub fn latex(study: &Study, form: TexForm) -> Vec<u8> {
    let shown = shown_tests(study);
    let mut out = String::new();
    match form {
        TexForm::Document => out.push_str(
            "% evstudy report: compile with pdflatex report.tex\n\\documentclass[10pt]{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n\\usepackage[a4paper,margin=2cm]{geometry}\n\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\begin{document}\n",
        ),
        TexForm::Fragment => {
            out.push_str("% evstudy report (fragment); needs \\usepackage{booktabs} and \\usepackage{graphicx}\n");
        }
    }
    let _ = writeln!(
        out,
        "\\section*{{Event study: {} events, {} model}}\n",
        study.events.len(),
        tex_escape(study.config.model.name())
    );
    for (group, n, cols) in group_rows(study) {
        let g = tex_escape(&group);
        let header: Vec<String> = ["Window", "N", "Left out", "CAAR", "ABHAR"]
            .map(String::from)
            .to_vec();
        let plain: Vec<Vec<String>> = cols
            .iter()
            .map(|c| {
                vec![
                    c.label.clone(),
                    c.n.to_string(),
                    c.out.to_string(),
                    c.caar.clone(),
                    c.abhar.clone(),
                ]
            })
            .collect();
        let body: Vec<Vec<String>> = plain
            .iter()
            .map(|r| r.iter().map(|c| tex_escape(c)).collect())
            .collect();
        tex_table(
            &mut out,
            &format!("CAAR by window, group {g} ({n} events)"),
            "lrrrr",
            &header,
            &body,
            &plain,
        );
        let mut header = vec!["Test".to_string()];
        header.extend(cols.iter().map(|c| tex_escape(&c.label)));
        let mut plain: Vec<Vec<String>> = vec![
            std::iter::once("Test".to_string())
                .chain(cols.iter().map(|c| c.label.clone()))
                .collect(),
        ];
        let mut body = Vec::new();
        for (i, t) in shown.iter().enumerate() {
            let cells = cols.iter().map(|c| &c.tests[i]);
            plain.push(
                std::iter::once((*t).to_string())
                    .chain(cells.clone().map(|(s, p)| format!("{s} ({p})")))
                    .collect(),
            );
            body.push(
                std::iter::once(tex_escape(t))
                    .chain(cells.map(|(s, p)| format!("{} ({})", tex_cell(s), tex_escape(p))))
                    .collect(),
            );
        }
        let spec = format!("l{}", "r".repeat(cols.len()));
        tex_table(
            &mut out,
            &format!("Test statistics (p-value), group {g}"),
            &spec,
            &header,
            &body,
            &plain,
        );
    }
    let h = event_header(study);
    let rows = event_rows(study);
    let mut plain = vec![h.clone()];
    plain.extend(rows.iter().cloned());
    let header: Vec<String> = h.iter().map(|c| tex_escape(c)).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| tex_cell(c)).collect())
        .collect();
    let spec = format!("lll{}", "r".repeat(h.len() - 3));
    tex_table(&mut out, "Events", &spec, &header, &body, &plain);
    if form == TexForm::Document {
        // Place every table before the notes.
        out.push_str("\\clearpage\n");
    }
    out.push_str("\\paragraph{Notes.}");
    for n in notes(study) {
        let _ = write!(out, " {}", tex_escape(&n));
    }
    out.push('\n');
    if form == TexForm::Document {
        out.push_str("\\end{document}\n");
    }
    out.into_bytes()
}
