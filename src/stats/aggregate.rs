//! Across events (METHODS-SPEC §5.0): AAR per relative day, CAAR per day (mean of the
//! events' running CARs) and per CAR window (mean of available CARs, the same events as
//! its tests), ABHAR, and every requested test statistic — for all events and for each
//! `group` of the events file.
//!
//! ```text
//! AAR_t = (1/N_t) sum_i AR_it        CAAR(t1,t2) = (1/N_W) sum_i CAR_i(t1,t2)
//! ```

use serde::{Deserialize, Serialize};

use super::cross_section::{TestStat, WindowValues};
use super::tests::{CrossCorrelation, TestOptions, day_tests, window_tests};
use crate::config::Window;
use crate::study::EventResult;

/// One relative day across the events of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AarRow {
    /// Relative day.
    pub rel_day: i32,
    /// Events with an AR that day.
    pub n: usize,
    /// Average abnormal return.
    pub aar: Option<f64>,
    /// Mean of the events' CARs from the window start through this day.
    pub caar: Option<f64>,
    /// Running sum of AAR (for charts; differs from `caar` when ARs are missing).
    pub caar_sum: Option<f64>,
    /// Day tests.
    pub tests: Vec<TestStat>,
}

/// One CAR window across the events of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaarRow {
    /// The window.
    pub window: Window,
    /// Events with a CAR over it.
    pub n: usize,
    /// Mean CAR.
    pub caar: Option<f64>,
    /// Mean BHAR (events with a complete window).
    pub abhar: Option<f64>,
    /// Window tests.
    pub tests: Vec<TestStat>,
}

/// Cross-event results of one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupResults {
    /// `all`, or a value of the events file's `group` column.
    pub group: String,
    /// Computed events in the group.
    pub n_events: usize,
    /// Average residual cross-correlation used by the Kolari–Pynnönen tests.
    pub cross_correlation: CrossCorrelation,
    /// Per relative day.
    pub days: Vec<AarRow>,
    /// Per CAR window.
    pub windows: Vec<CaarRow>,
}

fn mean(v: impl Iterator<Item = f64>) -> (usize, Option<f64>) {
    let (n, s) = v.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    (n, (n > 0).then(|| s / n as f64))
}

/// Aggregate the events of one group.
pub fn aggregate(
    group: &str,
    events: &[&EventResult],
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> GroupResults {
    let series: Vec<_> = events.iter().map(|e| e.series.clone()).collect();
    let needs_rho = opts
        .tests
        .iter()
        .any(|t| matches!(t.name(), "kp_bmp_t" | "patell_z_kp"));
    let rho = if needs_rho && series.len() > 1 {
        super::tests::cross_correlation(&series, opts.min_common_dates)
    } else {
        CrossCorrelation::ZERO
    };
    let mut running = 0.0;
    let days = (window.from..=window.to)
        .map(|t| {
            let day = |e: &&EventResult| e.days.iter().find(|d| d.rel_day == t).map(|d| d.stats);
            let (n, aar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.ar)));
            let (_, caar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.car)));
            running += aar.unwrap_or(0.0);
            AarRow {
                rel_day: t,
                n,
                aar,
                caar,
                caar_sum: aar.map(|_| running),
                tests: day_tests(&series, t, &rho, opts),
            }
        })
        .collect();
    let windows = car_windows
        .iter()
        .map(|&w| {
            let values: Vec<WindowValues> = events
                .iter()
                .map(|e| {
                    e.windows
                        .iter()
                        .find(|x| x.window == w)
                        .map(|x| x.values)
                        .unwrap_or(WindowValues {
                            car: None,
                            scar: None,
                            csar: None,
                            n_days: 0,
                            bhar: None,
                        })
                })
                .collect();
            let (n, caar) = mean(values.iter().filter_map(|v| v.car));
            let (_, abhar) = mean(values.iter().filter_map(|v| v.bhar));
            CaarRow {
                window: w,
                n,
                caar,
                abhar,
                tests: window_tests(&series, &values, w.from, w.to, &rho, opts),
            }
        })
        .collect();
    GroupResults {
        group: group.to_string(),
        n_events: events.len(),
        cross_correlation: rho,
        days,
        windows,
    }
}

/// `all` first, then each named group in ascending order (only when the events file names any).
pub fn by_group(
    events: &[EventResult],
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> Vec<GroupResults> {
    let all: Vec<&EventResult> = events.iter().collect();
    let mut out = vec![aggregate("all", &all, window, car_windows, opts)];
    let mut names: Vec<&str> = events
        .iter()
        .map(|e| e.group.as_str())
        .filter(|g| *g != "all")
        .collect();
    names.sort_unstable();
    names.dedup();
    for g in names {
        let members: Vec<&EventResult> = events.iter().filter(|e| e.group == g).collect();
        out.push(aggregate(g, &members, window, car_windows, opts));
    }
    out
}
