//! The events of each test, end to end through `aggregate`: every test of a window uses the
//! same events, the others are counted by reason, and each KP test carries the `rbar` of
//! its own events. See #10.

use super::aggregate::{EventOutcome, FreeValues, aggregate};
use super::cross_section::{EventSeries, WindowValues};
use super::event::DayStats;
use super::significance::{RbarMethod, TestKind, TestOptions};
use crate::config::Window;

/// An event with its series, the values of one window and, optionally, its own reason.
struct Fake {
    series: EventSeries,
    values: WindowValues,
    reason: Option<&'static str>,
}

impl EventOutcome for Fake {
    fn group(&self) -> &'static str {
        "all"
    }

    fn series(&self) -> &EventSeries {
        &self.series
    }

    fn day(&self, rel_day: i32) -> Option<DayStats> {
        let r = self.series.rel_day.iter().position(|&d| d == rel_day)?;
        Some(DayStats {
            rel_day,
            normal_ret: Some(0.0),
            ar: self.series.ar_at(r),
            car: None,
            sar: self.series.sar_at(r),
            car_se: None,
        })
    }

    fn window(&self, _: Window) -> Option<WindowValues> {
        Some(self.values)
    }

    fn free(&self) -> Option<FreeValues> {
        None
    }

    fn window_missing_reason(&self, w: Window) -> Option<&'static str> {
        match self.reason {
            Some(r) => Some(r),
            None => self
                .window(w)
                .and_then(|v| v.car)
                .is_none()
                .then_some("missing_car"),
        }
    }
}

/// Event `k`: 60 estimation ARs (a common factor plus its own noise) on calendar positions
/// `start..start + 60`, then relative days 0 and 1; `day1` is its day-1 AR.
fn fake(k: usize, start: i64, day1: Option<f64>, reason: Option<&'static str>) -> Fake {
    let est = (0..60).map(|t| {
        let common = f64::from(((start + t) * 37 % 11) as i32) - 5.0;
        let own = f64::from(((t + 7 * k as i64) * 13 % 7) as i32) - 3.0;
        Some(0.01 * (common + own))
    });
    let window = [Some(0.02 + 0.01 * k as f64), day1];
    let ar: Vec<Option<f64>> = est.chain(window).collect();
    let car = day1.map(|d| 0.02 + 0.01 * k as f64 + d);
    Fake {
        series: EventSeries {
            event_id: format!("e{k}"),
            rel_day: (-60..=1).collect(),
            day0_cal: start + 60,
            sar: ar.iter().map(|&v| EventSeries::stored(v)).collect(),
            ar: ar.iter().map(|&v| EventSeries::stored(v)).collect(),
            n_est_rows: 60,
            m: 60,
            p: 2,
            df_resid: 58,
            sigma2: 1.0,
        },
        values: WindowValues {
            car,
            scar: car.map(|c| c / 2f64.sqrt()),
            // Before #10 Patell took the CSAR of an incomplete window.
            csar: Some(0.02 + 0.01 * k as f64 + day1.unwrap_or(0.0)),
            n_days: 1 + usize::from(day1.is_some()),
            bhar: None,
        },
        reason,
    }
}

fn opts(rbar: RbarMethod) -> TestOptions {
    TestOptions {
        tests: TestKind::ALL.to_vec(),
        rbar,
        ..TestOptions::default()
    }
}

#[test]
fn every_test_of_a_window_uses_the_same_events_and_counts_the_others() {
    let events = [
        fake(0, 0, Some(0.01), None),
        fake(1, 0, Some(-0.02), None),
        fake(2, 3, Some(0.005), None),
        fake(3, 0, None, Some("halt_in_window")),
        fake(4, 1, None, None),
    ];
    let refs: Vec<&Fake> = events.iter().collect();
    let w = Window { from: 0, to: 1 };
    let g = aggregate(
        "all",
        &refs,
        Window { from: 0, to: 1 },
        &[w],
        &opts(RbarMethod::Overlap),
    );
    let row = &g.windows[0];
    assert_eq!((row.n, row.n_excluded), (3, 2));
    let reasons: Vec<(&str, usize)> = row
        .excluded
        .iter()
        .map(|e| (e.reason.as_str(), e.n))
        .collect();
    assert_eq!(reasons, [("halt_in_window", 1), ("missing_car", 1)]);
    for t in row.tests.iter().filter(|t| t.name != "corrado_zivney") {
        assert_eq!(t.n, 3, "{}", t.name);
    }
    // Day 0 keeps all five events (each has a day-0 SAR).
    let day0 = &g.days[0];
    assert!(
        day0.tests
            .iter()
            .all(|t| t.n == 5 || t.name == "corrado_zivney")
    );
}

#[test]
fn kp_tests_carry_the_overlap_rbar_of_their_own_events() {
    // Events 0 and 1 share day 0 (position 60); event 2's day 0 is three days later, so its
    // window [0, 1] meets neither of theirs.
    let events = [
        fake(0, 0, Some(0.01), None),
        fake(1, 0, Some(-0.02), None),
        fake(2, 3, Some(0.005), None),
        fake(4, 1, None, None),
    ];
    let refs: Vec<&Fake> = events.iter().collect();
    let w = Window { from: 0, to: 1 };
    let over = aggregate("all", &refs, w, &[w], &opts(RbarMethod::Overlap));
    let cal = aggregate("all", &refs, w, &[w], &opts(RbarMethod::Calendar));
    let rho = |g: &super::aggregate::GroupResults| {
        g.windows[0]
            .tests
            .iter()
            .find(|t| t.name == "kp_bmp_t")
            .and_then(|t| t.correlation)
            .unwrap()
    };
    let (o, c) = (rho(&over), rho(&cal));
    // Three events in the window: (0, 1) overlap fully, (0, 2) and (1, 2) not at all.
    assert_eq!((o.n_pairs, o.mean_overlap), (3, Some(1.0 / 3.0)));
    assert_eq!(c.mean_overlap, Some(1.0 / 3.0));
    let r01 = {
        let pair = [&events[0], &events[1]];
        let g = aggregate("all", &pair, w, &[w], &opts(RbarMethod::Calendar));
        rho(&g).rbar
    };
    assert!(
        (o.rbar - r01 / 3.0).abs() < 1e-15,
        "{} vs {}",
        o.rbar,
        r01 / 3.0
    );
    assert_eq!(c.n_pairs, 3);
    // The group header keeps the calendar rbar of every pair of the group.
    assert_eq!(over.cross_correlation.n_pairs, 6);
}
