//! Pieces of `report.html`: escaping and number cells, the table builder, and the
//! settings, per-event and skipped-event sections and the chart captions.

use std::fmt::Write as _;

use crate::report::summary::stars;
use crate::result::Study;

/// `s` with `& < > " '` replaced by entities: safe in element text and in quoted attributes.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A return as a percentage with two decimals (`-3.21%`), `–` when missing.
pub(super) fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "–".to_string(), |x| format!("{:.2}%", 100.0 * x))
}

/// A p-value with four decimals, `<0.0001` below that, `–` when missing.
pub(super) fn p_cell(p: Option<f64>) -> String {
    match p.filter(|x| x.is_finite()) {
        None => "–".to_string(),
        Some(p) if p < 0.0001 => "<0.0001".to_string(),
        Some(p) => format!("{p:.4}"),
    }
}

/// Degrees of freedom: whole numbers as such, others with two decimals; empty when missing.
pub(super) fn num_cell(v: Option<f64>) -> String {
    match v.filter(|x| x.is_finite()) {
        None => String::new(),
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
    }
}

/// An HTML table being written: header, then row groups (`<tbody>`) of rows.
pub(super) struct Table {
    html: String,
    open: bool,
}

impl Table {
    pub(super) fn new(class: &str, header: &[&str]) -> Self {
        let mut html = format!("<div class=\"scroll\">\n<table class=\"{class}\">\n<thead><tr>");
        for h in header {
            let _ = write!(html, "<th scope=\"col\">{}</th>", esc(h));
        }
        html.push_str("</tr></thead>\n");
        Table { html, open: false }
    }

    /// Start a row group (a window's rows).
    pub(super) fn group_start(&mut self) {
        if self.open {
            self.html.push_str("</tbody>\n");
        }
        self.html.push_str("<tbody>\n");
        self.open = true;
    }

    /// One row of `(class, text)` cells; the text is escaped.
    pub(super) fn row(&mut self, cells: &[(&str, &str)]) {
        if !self.open {
            self.group_start();
        }
        self.html.push_str("<tr>");
        for (class, text) in cells {
            if class.is_empty() {
                let _ = write!(self.html, "<td>{}</td>", esc(text));
            } else {
                let _ = write!(self.html, "<td class=\"{class}\">{}</td>", esc(text));
            }
        }
        self.html.push_str("</tr>\n");
    }

    /// A window's first row: its label, the average (`CAAR`) over `n` events, the events
    /// left out of its tests and a note.
    pub(super) fn average_row(
        &mut self,
        label: &str,
        what: &str,
        (value, n): (Option<f64>, usize),
        (n_excluded, excluded): (usize, &str),
        note: &str,
    ) {
        let _ = writeln!(
            self.html,
            "<tr class=\"average\"><th scope=\"rowgroup\">{}</th><td class=\"test\">{}</td><td class=\"num\">{}</td><td></td><td></td><td class=\"num\">{n}</td><td class=\"num\">{n_excluded}</td><td>{}</td><td></td><td class=\"note\">{}</td></tr>",
            esc(label),
            esc(what),
            pct(value),
            esc(excluded),
            esc(note)
        );
    }

    pub(super) fn finish(mut self) -> String {
        if self.open {
            self.html.push_str("</tbody>\n");
        }
        self.html.push_str("</table>\n</div>\n");
        self.html
    }
}

/// The settings (`key`/`value`, see [`crate::report::settings::settings_rows`]), then the
/// inputs with their SHA-256.
pub(super) fn settings(study: &Study, out: &mut String) {
    out.push_str("<section id=\"settings\">\n<h2>Settings</h2>\n");
    let mut t = Table::new("settings", &["Setting", "Value"]);
    for (k, v) in crate::report::settings::settings_rows(study) {
        t.row(&[("key", &k), ("", &v)]);
    }
    out.push_str(&t.finish());
    out.push_str("<h3>Inputs</h3>\n");
    let mut t = Table::new("inputs", &["Role", "Path", "SHA-256"]);
    for i in &study.inputs {
        t.row(&[
            ("", &i.role),
            ("", &i.path),
            ("hash", &format!("{} {}", i.algorithm, i.hash)),
        ]);
    }
    out.push_str(&t.finish());
    out.push_str("</section>\n");
}

/// The per-event table: identity, AR(0), each CAR window with its stars, and the limit
/// columns when a limit rule applied to some event.
pub(super) fn events(study: &Study, out: &mut String) {
    out.push_str("<section id=\"events\">\n<h2>Events</h2>\n");
    let limits = study.events.iter().any(|e| e.limits.is_some());
    let mut head: Vec<String> = [
        "Event",
        "Ticker",
        "Label",
        "Group",
        "Event date",
        "Day 0",
        "AR(0)",
    ]
    .map(String::from)
    .to_vec();
    head.extend(study.config.car_windows.iter().map(|w| format!("CAR({w})")));
    if limits {
        head.extend(["Day-0 limit", "First free day", "CAR(0:f)"].map(String::from));
    }
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut t = Table::new("events", &head);
    for e in &study.events {
        let d0 = e.days.iter().find(|d| d.rel_day == 0);
        let mut cells: Vec<(&str, String)> = vec![
            ("id", e.event_id.clone()),
            ("", e.ticker.clone()),
            ("label", e.label.clone()),
            ("", e.group.clone()),
            ("date", e.event_date.to_string()),
            ("date", e.day0.to_string()),
            ("num", pct(d0.and_then(|d| d.stats.ar))),
        ];
        for w in &e.windows {
            cells.push(("num", format!("{}{}", pct(w.values.car), stars(w.p_value))));
        }
        if limits {
            let l = e.limits.as_ref();
            let state = d0.and_then(|d| d.limit).map(|l| l.state.as_str());
            cells.push(("", state.unwrap_or("–").to_string()));
            let free = l.and_then(|l| l.summary.first_free_day);
            cells.push(("num", free.map_or_else(|| "–".into(), |f| format!("{f:+}"))));
            cells.push(("num", pct(l.and_then(|l| l.summary.car_free))));
        }
        let cells: Vec<(&str, &str)> = cells.iter().map(|(c, s)| (*c, s.as_str())).collect();
        t.row(&cells);
    }
    out.push_str(&t.finish());
    out.push_str("<p class=\"muted\">CAR stars: the event's own t (SCAR, Student t with M−p d.f.): *** 1%, ** 5%, * 10%.</p>\n");
    out.push_str("</section>\n");
}

/// Skipped events with their reasons (the section is always there, so its link works).
pub(super) fn skipped(study: &Study, out: &mut String) {
    out.push_str("<section id=\"skipped\">\n<h2>Skipped events</h2>\n");
    if study.skipped.is_empty() {
        out.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    let mut t = Table::new("skipped", &["Event", "Ticker", "Line", "Reason", "Message"]);
    for s in &study.skipped {
        t.row(&[
            ("id", &s.event_id),
            ("", &s.ticker),
            ("num", &s.line.to_string()),
            ("", s.reason.name()),
            ("note", &s.message),
        ]);
    }
    out.push_str(&t.finish());
    out.push_str("</section>\n");
}

/// One caption per chart, in [`crate::chart::render_all`]'s order: per event its CAR and
/// price charts, then per group its AAR/CAAR chart and overview.
pub(super) fn chart_captions(study: &Study) -> Vec<String> {
    let mut out = Vec::new();
    for e in &study.events {
        let what = format!("{} ({}, day 0 {})", e.event_id, e.ticker, e.day0);
        let limit = if e.limits.is_some() {
            ", limit days marked"
        } else {
            ""
        };
        out.push(format!(
            "CAR of event {what} over the event window, with its 95% band{limit}."
        ));
        out.push(format!(
            "Daily prices of {what}{}.",
            if e.limits.is_some() {
                ", with the limit prices"
            } else {
                ""
            }
        ));
    }
    for g in &study.groups {
        let who = match g.group.as_str() {
            "all" => "all events".to_string(),
            crate::result::LIMIT_DAY0 => "events with day 0 at a price limit".to_string(),
            crate::result::NO_LIMIT_DAY0 => "events with day 0 not at a price limit".to_string(),
            name => format!("group {name}"),
        };
        out.push(format!(
            "AAR per relative day with cross-sectional 95% intervals, and the CAAR: {who} ({} events).",
            g.n_events
        ));
        out.push(format!("Every event's CAR path: {who}."));
    }
    out
}
