//! The short summary printed on stdout: one line per event with day 0, AR(0) and each CAR
//! window with its per-event t, then skips and a pointer to the files.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::csv::num;
use crate::config::ModelKind;
use crate::result::Study;

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "—".to_string(), |x| format!("{:+.2}%", 100.0 * x))
}

/// Significance stars of a p-value: `***` 1%, `**` 5%, `*` 10%.
pub fn stars(p: Option<f64>) -> &'static str {
    match p {
        Some(p) if p < 0.01 => "***",
        Some(p) if p < 0.05 => "**",
        Some(p) if p < 0.10 => "*",
        _ => "",
    }
}

/// Write the summary table.
///
/// # Errors
/// I/O errors of `w`.
pub fn write_summary<W: Write + ?Sized>(study: &Study, w: &mut W) -> io::Result<()> {
    let cfg = &study.config;
    writeln!(
        w,
        "evstudy {}: {} model, estimation {}, window {}, {} events computed, {} skipped",
        study.version,
        cfg.model.name(),
        cfg.estimation,
        cfg.window,
        study.events.len(),
        study.skipped.len()
    )?;
    if cfg.model.is_factor_model() {
        writeln!(w, "{}", factor_line(study))?;
    }
    let mut header = format!(
        "{:<24} {:<10} {:<10} {:>9}",
        "event", "ticker", "day0", "AR(0)"
    );
    for win in &cfg.car_windows {
        let _ = write!(header, " {:>13}", format!("CAR({win})"));
    }
    let limits = study.events.iter().any(|e| e.limits.is_some());
    if limits {
        let _ = write!(header, " {:>11} {:>13}", "day-0 limit", "CAR(0:f)");
    }
    writeln!(w, "{header}")?;
    for e in &study.events {
        let ar0 = e
            .days
            .iter()
            .find(|d| d.rel_day == 0)
            .and_then(|d| d.stats.ar);
        let mut line = format!(
            "{:<24} {:<10} {:<10} {:>9}",
            truncate(&e.event_id, 24),
            e.ticker,
            e.day0,
            pct(ar0)
        );
        for win in &e.windows {
            let _ = write!(
                line,
                " {:>13}",
                format!("{}{}", pct(win.values.car), stars(win.p_value))
            );
        }
        if limits {
            let state = e
                .days
                .iter()
                .find(|d| d.rel_day == 0)
                .and_then(|d| d.limit)
                .map_or("—", |l| l.state.as_str());
            let free = e.limits.as_ref().map(|l| {
                let f = l
                    .summary
                    .first_free_day
                    .map_or_else(|| "censored".to_string(), |f| format!("f={f:+}"));
                format!("{} {f}", pct(l.summary.car_free))
            });
            let _ = write!(
                line,
                " {state:>11} {:>13}",
                free.unwrap_or_else(|| "—".into())
            );
        }
        writeln!(w, "{}", line.trim_end())?;
    }
    writeln!(
        w,
        "significance of each CAR's t (SCAR, Student t with M-p d.f., two-sided): *** 1%, ** 5%, * 10%"
    )?;
    if limits {
        writeln!(
            w,
            "CAR(0:f): CAR through the first day the stock traded freely (f = its relative day), the reaction a limit close hides"
        )?;
    }
    let halts = halt_notices(study);
    if !halts.is_empty() {
        writeln!(
            w,
            "\ntrading halts: {} events fall in a halt on day 0; the reaction is in the first traded row after it:",
            halts.len()
        )?;
        for n in &halts {
            writeln!(w, "  {n}")?;
        }
    }
    let notices = censored_notices(study);
    if !notices.is_empty() {
        writeln!(
            w,
            "\nprice limits: {} events closed at a daily limit on day 0; their day-0 AR is a bound (the true reaction spills into later days):",
            notices.len()
        )?;
        for n in &notices {
            writeln!(w, "  {n}")?;
        }
    }
    write_groups(study, w)?;
    if !study.skipped.is_empty() {
        writeln!(
            w,
            "{} events skipped ({}); the reasons are on stderr and in events.csv",
            study.skipped.len(),
            skip_counts(study)
        )?;
    }
    let _ = num;
    Ok(())
}

/// `reason n, reason n` of the skipped events, in order of first appearance.
fn skip_counts(study: &Study) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for s in &study.skipped {
        let r = s.reason.name();
        match counts.iter_mut().find(|(k, _)| *k == r) {
            Some((_, n)) => *n += 1,
            None => counts.push((r, 1)),
        }
    }
    counts
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How the p-values of the table are read: `two-sided p`, `one-sided p (H1: mean < 0)`, ...
fn p_label(alt: crate::config::Alternative) -> &'static str {
    match alt {
        crate::config::Alternative::TwoSided => "two-sided p",
        crate::config::Alternative::Less => "one-sided p (H1: mean < 0)",
        crate::config::Alternative::Greater => "one-sided p (H1: mean > 0)",
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Tests shown in the terminal summary (all are in `tests.csv`).
const MAIN_TESTS: [&str; 5] = ["csect_t", "bmp_t", "kp_bmp_t", "grank_t", "gen_sign"];

fn write_groups<W: Write + ?Sized>(study: &Study, w: &mut W) -> io::Result<()> {
    let mut any_rbar = false;
    for g in &study.groups {
        let shown: Vec<&str> = MAIN_TESTS
            .iter()
            .copied()
            .filter(|n| {
                g.windows
                    .first()
                    .is_some_and(|win| win.tests.iter().any(|t| t.name == *n))
            })
            .collect();
        let rbar_of = |tests: &[crate::stats::TestStat]| {
            tests
                .iter()
                .find(|t| t.name == "kp_bmp_t")
                .and_then(|t| t.correlation)
        };
        let with_rbar = g.windows.iter().any(|win| rbar_of(&win.tests).is_some());
        any_rbar |= with_rbar;
        writeln!(
            w,
            "\nacross events, group {} ({} events; calendar rbar {:.4} over {} pairs):",
            g.group, g.n_events, g.cross_correlation.rbar, g.cross_correlation.n_pairs
        )?;
        let mut header = format!("{:<10} {:>4} {:>4} {:>9}", "window", "n", "out", "CAAR");
        for n in &shown {
            let _ = write!(header, " {n:>14}");
        }
        if with_rbar {
            let _ = write!(header, " {:>8}", "rbar");
        }
        writeln!(w, "{header}")?;
        let rbar_cell = |tests: &[crate::stats::TestStat]| {
            rbar_of(tests).map_or_else(String::new, |c| format!(" {:>8.4}", c.rbar))
        };
        for win in &g.windows {
            let line = test_row(
                &win.window.to_string(),
                (win.n, win.n_excluded),
                win.caar,
                &win.tests,
                &shown,
            );
            writeln!(
                w,
                "{}",
                format!("{line}{}", rbar_cell(&win.tests)).trim_end()
            )?;
        }
        if let Some(f) = &g.car_free {
            let line = test_row(
                "0:f free",
                (f.n, f.n_excluded),
                f.caar_free,
                &f.tests,
                &shown,
            );
            writeln!(w, "{}", format!("{line}{}", rbar_cell(&f.tests)).trim_end())?;
            writeln!(
                w,
                "           (CAR through each event's first free day; continuation {} / reversal {} after it)",
                f.n_continuation, f.n_reversal
            )?;
        }
        for win in g.windows.iter().filter(|win| win.n_excluded > 0) {
            writeln!(
                w,
                "           left out of every {} test: {}",
                win.window,
                exclusion_list(&win.excluded)
            )?;
        }
    }
    if !study.groups.is_empty() {
        writeln!(
            w,
            "test statistics with {}: *** 1%, ** 5%, * 10% (all tests: tests.csv, aar.csv); out: events left out of the window's tests",
            p_label(study.config.alternative)
        )?;
    }
    if any_rbar {
        let how = match study.config.rbar {
            crate::config::RbarMethod::Overlap => {
                "pair correlations weighted by the overlap of the event windows (Kolari-Pape-Pynnonen 2018)"
            }
            crate::config::RbarMethod::Calendar => {
                "mean calendar-aligned pair correlation (Kolari-Pynnonen 2010)"
            }
        };
        writeln!(w, "rbar: of kp_bmp_t over the window's events, {how}")?;
    }
    Ok(())
}

/// `reason n, reason n` of the events a window left out.
fn exclusion_list(excluded: &[crate::result::Exclusion]) -> String {
    excluded
        .iter()
        .map(|e| format!("{} {}", e.reason, e.n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sentence per event whose day 0 closed at a daily limit (METHODS-SPEC §7.3 reporting
/// rule): the day-0 AR is a bound, and the reaction through the first free day is given.
pub fn censored_notices(study: &Study) -> Vec<String> {
    study
        .events
        .iter()
        .filter(|e| e.halt.is_none())
        .filter_map(|e| {
            let l = e.limits.as_ref()?;
            let run = l.summary.limit_run_day0;
            if run == 0 {
                return None;
            }
            let side = if run > 0 { "up" } else { "down" };
            let days = if run.abs() > 1 { format!(" ({} sessions in a row)", run.abs()) } else { String::new() };
            let ar0 = e.days.iter().find(|d| d.rel_day == 0).and_then(|d| d.stats.ar);
            let through = match (l.summary.first_free_date, l.summary.first_free_day) {
                (Some(date), Some(f)) => format!(
                    "reaction through the first free day {date} (day {f:+}): CAR_free {} vs AR(0) {}",
                    pct(l.summary.car_free),
                    pct(ar0)
                ),
                _ => "no free day within the limit-run horizon: the reaction is still censored".to_string(),
            };
            Some(format!("{} {} closed limit-{side}{days}: day-0 AR is a bound; {through}", e.ticker, e.day0))
        })
        .collect()
}

/// The factor model in words: its name, its factors, and how many event-window days had
/// none (those days have no AR).
fn factor_line(study: &Study) -> String {
    let cfg = &study.config;
    let name = match cfg.model {
        ModelKind::Ff3 => "Fama-French three-factor",
        ModelKind::Carhart => "Carhart four-factor",
        ModelKind::Ff5 => "Fama-French five-factor",
        _ => "factor",
    };
    let missing: usize = study.events.iter().filter_map(|e| e.n_no_factors).sum();
    let hit = study
        .events
        .iter()
        .filter(|e| e.n_no_factors.is_some_and(|n| n > 0))
        .count();
    let mut line = format!(
        "{name} model: R - RF on const, {}",
        cfg.factor_names().join(", ")
    );
    if missing > 0 {
        let _ = write!(
            line,
            "; {missing} event-window days of {hit} events have no factors (no AR on those days)"
        );
    }
    line
}

/// Two lines per event whose day 0 falls in a trading halt (#10): the halted sessions, the
/// first trade and its trade-to-trade AR, and what the price limits did after the halt.
pub fn halt_notices(study: &Study) -> Vec<String> {
    study
        .events
        .iter()
        .filter_map(|e| {
            let h = e.halt.as_ref()?;
            let last = h.halt_days as i32 - 1;
            let days = if last == 0 {
                "day 0".to_string()
            } else {
                format!("days 0..{last:+}")
            };
            let mut line = format!(
                "{} halted {}..{} ({days});",
                e.ticker, h.halt_from, h.halt_to
            );
            let (Some(date), Some(t)) = (h.first_trade_date, h.first_trade_day) else {
                line.push_str(" no trade within the data searched: no reaction can be measured");
                return Some(line);
            };
            let _ = write!(
                line,
                " resumed {date} (day {t:+}):\n    AR {} over {} sessions (trade-to-trade); CAR(0:{t}) {}",
                pct(h.resumption_ar),
                h.resumption_span.unwrap_or(1),
                pct(h.car_to_resumption)
            );
            if let Some(l) = e.limits.as_ref() {
                let state = e
                    .days
                    .iter()
                    .find(|d| d.rel_day == t)
                    .and_then(|d| d.limit)
                    .map(|d| d.state);
                if let Some(s) = state.filter(|s| s.close_direction().is_some()) {
                    let _ = write!(line, "; {} on day {t:+}", s.describe());
                }
                if let (Some(f), Some(date)) = (l.summary.first_free_day, l.summary.first_free_date)
                    && f != t
                {
                    let _ = write!(
                        line,
                        "; first free day {date} (day {f:+}): CAR_free {}",
                        pct(l.summary.car_free)
                    );
                }
            }
            Some(line)
        })
        .collect()
}

/// One line of a group table: label, n and the events left out, CAAR, then each shown test
/// with its stars.
fn test_row(
    label: &str,
    (n, out): (usize, usize),
    caar: Option<f64>,
    tests: &[crate::stats::TestStat],
    shown: &[&str],
) -> String {
    let mut line = format!("{label:<10} {n:>4} {out:>4} {:>9}", pct(caar));
    for name in shown {
        let cell = tests
            .iter()
            .find(|t| t.name == *name)
            .map_or_else(String::new, |t| {
                t.statistic.map_or_else(
                    || "—".to_string(),
                    |s| format!("{s:.3}{}", stars(t.p_value)),
                )
            });
        let _ = write!(line, " {cell:>14}");
    }
    line
}
