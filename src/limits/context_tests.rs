//! The classified calendar of a ticker (`History`) gives every event's days exactly as
//! classifying the event's days alone would: random panels with suspensions, listings
//! inside the panel (the no-limit window of ChiNext and STAR), missing exchange
//! `prev_close`s and limit-close runs that cross the requested days' edges.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;
use crate::data::ReadOptions;

/// Weekdays from 2021-01-04 on.
fn weekdays(n: usize) -> Vec<NaiveDate> {
    NaiveDate::from_ymd_opt(2021, 1, 4)
        .unwrap()
        .iter_days()
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .take(n)
        .collect()
}

/// One random ticker's rows: `(date index, close, prev_close)`, on the 0.01 grid, with
/// limit closes (±10% and ±20% moves) among smaller ones.
fn rows(
    seed: u64,
    n: usize,
    first: usize,
    suspended: u32,
    no_prev: u32,
) -> Vec<(usize, f64, Option<f64>)> {
    let mut x = seed | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut close = 2_000i64; // cents
    let mut out = Vec::new();
    for k in first..n {
        let r = next();
        if (r % 100) < u64::from(suspended) {
            continue;
        }
        let step = [-20, -10, -10, -3, 0, 2, 5, 10, 10, 20][(r >> 8) as usize % 10];
        let prev = close;
        close = ((prev * (100 + step) + 50) / 100).max(1);
        let prev_close = ((r >> 16) % 100 >= u64::from(no_prev)).then(|| prev as f64 / 100.0);
        out.push((k, close as f64 / 100.0, prev_close));
    }
    out
}

/// A panel of a reference ticker trading every day and `code` from day `first` on.
fn panel(
    code: &str,
    n: usize,
    rows: &[(usize, f64, Option<f64>)],
    with_prev: bool,
) -> (tempfile::TempDir, PricePanel) {
    let days = weekdays(n);
    let mut csv = String::from(if with_prev {
        "date,ticker,close,prev_close\n"
    } else {
        "date,ticker,close\n"
    });
    for d in &days {
        let _ = writeln!(
            csv,
            "{d},600000.SH,10.00{}",
            if with_prev { ",10.00" } else { "" }
        );
    }
    for &(k, c, p) in rows {
        let prev = match (with_prev, p) {
            (false, _) => String::new(),
            (true, Some(p)) => format!(",{p:.2}"),
            (true, None) => ",".to_string(),
        };
        let _ = writeln!(csv, "{},{code},{c:.2}{prev}", days[k]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.csv");
    std::fs::write(&path, csv).unwrap();
    let panel = PricePanel::load_with(&path, &ReadOptions::default()).unwrap();
    (dir, panel)
}

fn context(panel: &PricePanel) -> LimitContext {
    LimitContext::new(&LimitSettings::default(), panel, &ReadOptions::default()).unwrap()
}

/// `(slices compared, slices served from the history)`.
fn compare(
    code: &str,
    seed: u64,
    n: usize,
    first: usize,
    suspended: u32,
    no_prev: u32,
    with_prev: bool,
) -> (usize, usize) {
    let rows = rows(seed, n, first, suspended, no_prev);
    let (_dir, panel) = panel(code, n, &rows, with_prev);
    let cal = Calendar::new(weekdays(n));
    let Some(t) = panel.tickers.iter().position(|c| c == code) else {
        return (0, 0);
    };
    let dense = context(&panel);
    let (inst, _, _) = dense.instrument_of(&panel, t).unwrap();
    // Ask for the whole calendar until the history is made.
    for _ in 0..=HISTORY_AFTER {
        dense.classify_days(&panel, &cal, t, &inst, 0, n - 1);
    }
    assert!(dense.history[t].days.get().is_some());
    let (mut compared, mut served) = (0, 0);
    for lo in (0..n).step_by(3) {
        for hi in [lo, lo + 1, lo + 7, lo + 40, n - 1] {
            if hi >= n {
                continue;
            }
            // A context of its own has no history: the days classified alone.
            let alone = context(&panel).classify_days(&panel, &cal, t, &inst, lo, hi);
            let got = dense.classify_days(&panel, &cal, t, &inst, lo, hi);
            assert_eq!(got, alone, "{code} seed {seed}: days {lo}..={hi}");
            compared += 1;
            let start = lo.saturating_sub(1);
            served += usize::from(
                dense
                    .history_days(&panel, &cal, t, &inst, start, hi)
                    .is_some(),
            );
        }
    }
    (compared, served)
}

#[test]
fn the_history_serves_most_slices_and_each_exactly() {
    // ChiNext listed inside the panel (a five-day no-limit window), a prev_close column with
    // gaps, suspensions: most requests start past the window and are served.
    let (compared, served) = compare("300750.SZ", 7, 120, 10, 15, 20, true);
    assert!(
        compared > 100 && served > compared / 2,
        "{served} of {compared}"
    );
    // No prev_close column: requests starting on a suspension fall back to a slice.
    let (compared, served) = compare("600519.SH", 11, 120, 0, 20, 0, false);
    assert!(served > 0 && served < compared, "{served} of {compared}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn every_slice_from_the_history_equals_the_slice_classified_alone(
        code in prop::sample::select(vec!["300750.SZ", "688001.SH", "600519.SH", "000001.SZ"]),
        seed in any::<u64>(),
        n in 30usize..90,
        first in 0usize..15,
        suspended in 0u32..40,
        no_prev in 0u32..60,
        with_prev in any::<bool>(),
    ) {
        compare(code, seed, n, first, suspended, no_prev, with_prev);
    }
}
