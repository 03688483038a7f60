//! Builders of small synthetic cross-sections for the unit tests.

use crate::stats::cross_section::{EventSeries, WindowValues};

/// An event with estimation ARs `est` on relative days `-L1..=-1` and event-window ARs
/// `window` on days `0, 1, ...`; calendar positions run from `cal_start` without gaps.
/// SARs equal the ARs (unit variance); market model (`p = 2`, `df_resid = M - 2`).
pub(crate) fn event(id: &str, est: &[f64], window: &[f64], cal_start: i64) -> EventSeries {
    let l1 = est.len() as i32;
    let n_rows = est.len() + window.len();
    let ar: Vec<f64> = est.iter().chain(window).copied().collect();
    EventSeries {
        event_id: id.to_owned(),
        rel_day: (0..n_rows as i32).map(|k| k - l1).collect(),
        day0_cal: cal_start + i64::from(l1),
        sar: ar.clone(),
        ar,
        n_est_rows: est.len(),
        m: est.len(),
        p: 2,
        df_resid: est.len().saturating_sub(2),
        sigma2: 1.0,
    }
}

/// Window values with every field present and `csar = scar`.
pub(crate) fn window(car: f64, scar: f64, n_days: usize) -> WindowValues {
    WindowValues {
        car: Some(car),
        scar: Some(scar),
        csar: Some(scar),
        n_days,
        bhar: None,
    }
}

/// METHODS-SPEC §8 Example C: day-0 SARs `[-2.0, -1.5, 0.5]`, `M = [100, 60, 250]`, market
/// model (`df_resid = M - 2`).
pub(crate) fn example_c() -> Vec<EventSeries> {
    [(-2.0, 100), (-1.5, 60), (0.5, 250)]
        .iter()
        .enumerate()
        .map(|(i, &(sar, m))| event(&i.to_string(), &vec![0.0; m], &[sar], 0))
        .collect()
}
