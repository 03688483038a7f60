//! The short summary printed on stdout: one line per event with day 0, AR(0) and each CAR
//! window with its per-event t, then skips and a pointer to the files.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::csv::num;
use crate::study::Study;

fn pct(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map_or_else(|| "—".to_string(), |x| format!("{:+.2}%", 100.0 * x))
}

fn stars(p: Option<f64>) -> &'static str {
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
pub fn write_summary<W: Write>(study: &Study, w: &mut W) -> io::Result<()> {
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
    let mut header = format!(
        "{:<24} {:<10} {:<10} {:>9}",
        "event", "ticker", "day0", "AR(0)"
    );
    for win in &cfg.car_windows {
        let _ = write!(header, " {:>13}", format!("CAR({win})"));
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
        writeln!(w, "{}", line.trim_end())?;
    }
    writeln!(
        w,
        "significance of each CAR's t (SCAR, Student t with M-p d.f.): *** 1%, ** 5%, * 10%"
    )?;
    for s in &study.skipped {
        writeln!(
            w,
            "skipped {} ({}): {}",
            s.event_id,
            s.reason.name(),
            s.message
        )?;
    }
    let _ = num;
    Ok(())
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
