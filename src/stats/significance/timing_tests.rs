//! Timing harness of the cross-event layer at benchmark scale (ignored by default):
//! `aggregate::by_group` over 5,000 synthetic events × 261 rows (240 estimation + 21 event
//! days) with random calendar starts over 2,600 sessions, ~1% missing returns, a common
//! market factor (so `rbar > 0`) and ~10% of events closing at a limit on day 0 (so the
//! `limit_day0` / `no_limit_day0` groups are computed too).
//!
//! ```text
//! cargo test --release --lib stats::significance::timing_tests -- --ignored --nocapture
//! ```
//!
//! `default` uses the overlap-weighted `rbar`, `default_calendar` the calendar one (which
//! sums every pair into every test's `rbar`, so it costs more). Each run also writes the
//! results as JSON to `target/tmp/aggregate_timing_*.json`, so two
//! builds can be compared byte for byte.

use std::time::Instant;

use chrono::NaiveDate;

use crate::calendar::ShiftReason;
use crate::config::{Window, default_car_windows};
use crate::limits::EventLimitSummary;
use crate::models::{Fitted, FittedMarketModel};
use crate::result::{DayRow, EventLimits, EventResult};
use crate::stats::aggregate::{GroupResults, by_group};
use crate::stats::cross_section::{EventSeries, WindowValues};
use crate::stats::event::{DayStats, WindowStats};
use crate::stats::significance::{RbarMethod, Sample, TestKind, TestOptions, cross_correlation};

const SESSIONS: i64 = 2_600;
const L1: i32 = 240;
const WINDOW: Window = Window { from: -10, to: 10 };

/// A seeded generator: uniform draws and a rough normal (sum of four uniforms).
struct Lcg(u64);

impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.uniform()).sum::<f64>() * 3f64.sqrt() - 2.0 * 3f64.sqrt()
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 2).unwrap()
}

fn window_values(rows: &[(i32, Option<f64>, Option<f64>)], w: Window, sigma: f64) -> WindowStats {
    let inside: Vec<_> = rows
        .iter()
        .filter(|(d, _, _)| (w.from..=w.to).contains(d))
        .collect();
    let ars: Vec<f64> = inside.iter().filter_map(|r| r.1).collect();
    let complete = ars.len() == inside.len();
    let car = complete.then(|| ars.iter().sum::<f64>());
    let n_days = ars.len();
    WindowStats {
        window: w,
        values: WindowValues {
            car,
            scar: car.map(|c| c / (sigma * (n_days as f64 * 1.02).sqrt())),
            csar: (n_days > 0).then(|| inside.iter().filter_map(|r| r.2).sum()),
            n_days,
            bhar: car.map(|c| c * 1.01),
        },
        missing: None,
        p_value: None,
        df: 238,
    }
}

fn one_event(g: &mut Lcg, k: usize, market: &[f64], group: &str) -> EventResult {
    let start = (g.uniform() * (SESSIONS - 261) as f64) as i64;
    let d0 = start + i64::from(L1) + 10;
    let sigma = 0.01 + 0.02 * g.uniform();
    let beta = 0.5 + g.uniform();
    let jump = if g.uniform() < 0.1 { 0.1 } else { 0.0 };
    let mut series = EventSeries {
        event_id: format!("e{k}"),
        n_est_rows: L1 as usize,
        p: 2,
        day0_cal: d0,
        sigma2: sigma * sigma,
        ..EventSeries::default()
    };
    for cal in start..start + 261 {
        let rel = (cal - d0) as i32;
        let ar = (g.uniform() >= 0.01).then(|| {
            let shock = if rel == 0 { jump } else { 0.0 };
            beta * market[cal as usize] * 0.3 + sigma * g.normal() + shock
        });
        series.rel_day.push(rel);
        series.ar.push(EventSeries::stored(ar));
        series
            .sar
            .push(EventSeries::stored(ar.map(|a| a / (sigma * 1.004))));
    }
    series.m = (0..L1 as usize)
        .filter(|&r| series.ar_at(r).is_some())
        .count();
    series.df_resid = series.m - 2;
    let rows: Vec<(i32, Option<f64>, Option<f64>)> = (L1 as usize..261)
        .map(|r| (series.rel_day[r], series.ar_at(r), series.sar_at(r)))
        .collect();
    let mut car = Some(0.0);
    let days = rows
        .iter()
        .map(|&(rel_day, ar, sar)| {
            car = car.zip(ar).map(|(c, a)| c + a);
            DayRow {
                rel_day,
                date: date(),
                ret: ar,
                market_ret: Some(0.0),
                span: Some(1),
                open: None,
                high: None,
                low: None,
                close: None,
                limit: None,
                stats: DayStats {
                    rel_day,
                    normal_ret: Some(0.0),
                    ar,
                    car,
                    sar,
                    car_se: None,
                },
            }
        })
        .collect();
    let windows = default_car_windows()
        .into_iter()
        .map(|w| window_values(&rows, w, sigma))
        .collect();
    let free = window_values(&rows, Window { from: 0, to: 1 }, sigma).values;
    let limits = EventLimits {
        limit_board: "main".to_owned(),
        summary: EventLimitSummary {
            limit_run_day0: i32::from(jump > 0.0),
            car_free: free.car,
            n_ar_free: free.n_days as u32,
            bhar_free: free.bhar,
            continuation: free.car.map(|c| c > 0.0),
            ..EventLimitSummary::default()
        },
        sar_free: free.scar,
        n_limit_days_estimation: 0,
        dropped_limit_days: false,
    };
    EventResult {
        event_id: series.event_id.clone(),
        ticker: format!("T{}", k % 2000),
        ticker_as_written: None,
        label: String::new(),
        group: group.to_owned(),
        line: k as u64 + 2,
        event_date: date(),
        day0: date(),
        shift_days: 0,
        shift_reason: ShiftReason::None,
        fit: Fitted::Market(FittedMarketModel {
            alpha: 0.0,
            beta,
            sigma2: sigma * sigma,
            n: series.m,
            sum_span: series.m as f64,
            mean_market: 0.0,
            ss_market: 1.0,
            r2: 0.1,
        }),
        n_overlapping_other_events: 0,
        days,
        windows,
        limits: Some(limits),
        halt: None,
        n_span_too_long: 0,
        n_no_factors: None,
        series,
    }
}

/// `n` events; `groups` names are assigned round-robin.
fn cross_section(n: usize, seed: u64, groups: &[&str]) -> Vec<EventResult> {
    let mut g = Lcg(seed);
    let market: Vec<f64> = (0..SESSIONS).map(|_| 0.012 * g.normal()).collect();
    (0..n)
        .map(|k| one_event(&mut g, k, &market, groups[k % groups.len()]))
        .collect()
}

fn timed(label: &str, events: &[EventResult], tests: &[TestKind]) -> Vec<GroupResults> {
    timed_with(label, events, tests, RbarMethod::Overlap)
}

fn timed_with(
    label: &str,
    events: &[EventResult],
    tests: &[TestKind],
    rbar: RbarMethod,
) -> Vec<GroupResults> {
    let opts = TestOptions {
        tests: tests.to_vec(),
        rbar,
        ..TestOptions::default()
    };
    let windows = default_car_windows();
    // Best of three: the machine may be busy.
    let mut best = f64::INFINITY;
    let mut out = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        out = by_group(events, WINDOW, &windows, &opts);
        best = best.min(t.elapsed().as_secs_f64());
    }
    let rho = &out[0].cross_correlation;
    println!(
        "{label}: {} events, {} groups, {best:.3} s best of 3 (rbar {:.6} over {} pairs)",
        events.len(),
        out.len(),
        rho.rbar,
        rho.n_pairs
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let json = serde_json::to_string_pretty(&out).unwrap();
    std::fs::write(dir.join(format!("aggregate_timing_{label}.json")), json).unwrap();
    out
}

#[test]
#[ignore = "timing harness; run with --release --ignored --nocapture"]
fn by_group_on_5000_events_at_benchmark_scale() {
    let events = cross_section(5_000, 42, &["all"]);
    let sample = Sample::new(events.iter().map(|e| &e.series));
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let rho = cross_correlation(&sample, 30);
        assert!(rho.n_pairs > 1_000_000);
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("rbar of 5000 events alone: {best:.3} s");
    let out = timed("default", &events, TestKind::DEFAULT);
    assert_eq!(out.len(), 3);
    assert!(out[0].cross_correlation.n_pairs > 1_000_000);
    timed("all15", &events, TestKind::ALL);
    timed_with(
        "default_calendar",
        &events,
        TestKind::DEFAULT,
        RbarMethod::Calendar,
    );
    let no_rbar: Vec<TestKind> = TestKind::DEFAULT
        .iter()
        .copied()
        .filter(|&t| t != TestKind::KpBmpT)
        .collect();
    timed("default_without_kp", &events, &no_rbar);
    let named = cross_section(900, 7, &["all", "a", "b"]);
    let out = timed("named_all15", &named, TestKind::ALL);
    assert_eq!(out.len(), 5);
}
