//! Unit tests of the per-event limit summary, including METHODS-SPEC §8 E.
// Numbers are written as METHODS-SPEC prints them.
#![allow(clippy::unreadable_literal)]

use super::*;
use crate::limits::board::{Board, Instrument};
use crate::limits::classify::{Bar, RefPriceSource, classify};
use crate::limits::rules::RuleSet;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A day in state `state`; free when `None`/touch/no-limit, censored for closes and locks.
fn day(state: LimitState) -> LimitDay {
    let censored = state.close_direction().is_some();
    LimitDay {
        date: d("2022-05-05"),
        ref_price: Some(10.0),
        ref_price_source: RefPriceSource::PrevClose,
        limit_pct: Some(10.0),
        up_limit: Some(11.0),
        down_limit: Some(9.0),
        state,
        censored,
        free_day: !censored && !matches!(state, LimitState::Suspended | LimitState::Unknown),
        rule_mismatch: false,
        off_grid: false,
        return_span: 1,
        limit_run: 0,
        run_spans_suspension: false,
    }
}

fn event(states: &[LimitState], ars: &[Option<f64>], tau1: i32) -> Vec<EventDay> {
    states
        .iter()
        .zip(ars)
        .enumerate()
        .map(|(i, (&s, &ar))| EventDay {
            rel_day: tau1 + i as i32,
            limit: day(s),
            ar,
            ret: ar,
            normal_ret: ar.map(|_| 0.0),
        })
        .collect()
}

use LimitState::{DownClose, DownLock, DownTouch, None as Free, Suspended, UpClose, UpTouch};

#[test]
fn section_8e_limit_adjusted_car_covers_the_limit_day_and_the_first_free_day() {
    let dates = [d("2022-04-29"), d("2022-05-05"), d("2022-05-06")];
    let bar = |o, h, l, c, p| {
        Some(Bar {
            open: Some(o),
            high: Some(h),
            low: Some(l),
            close: c,
            prev_close: Some(p),
        })
    };
    let bars = [
        bar(41.10, 43.13, 40.68, 42.49, 40.87),
        bar(38.24, 38.80, 38.24, 38.24, 42.49),
        bar(35.91, 36.35, 34.42, 34.50, 38.24),
    ];
    let mut inst = Instrument::on_board(Board::SzseMain);
    inst.listing_date = Some(d("2010-05-28"));
    let limits = classify(&dates, &bars, &inst, &RuleSet::builtin()).unwrap();
    let (rm0, rm1) = (-0.005, 0.002); // alpha = 0, beta = 1
    let r0 = 38.24 / 42.49 - 1.0;
    let r1 = 34.50 / 38.24 - 1.0;
    let rows = [
        EventDay {
            rel_day: 0,
            limit: limits[1],
            ar: Some(r0 - rm0),
            ret: Some(r0),
            normal_ret: Some(rm0),
        },
        EventDay {
            rel_day: 1,
            limit: limits[2],
            ar: Some(r1 - rm1),
            ret: Some(r1),
            normal_ret: Some(rm1),
        },
    ];
    let params = EventLimitParams {
        tau1: 0,
        tau2: 0,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&rows, &params);
    assert_eq!(limits[2].state, DownTouch);
    assert_eq!(s.limit_run_day0, -1);
    assert_eq!(s.first_free_day, Some(1));
    assert_eq!(s.first_free_date, Some(d("2022-05-06")));
    assert_eq!(s.window_adj_end, 1);
    assert!((rows[0].ar.unwrap() - -0.0950235).abs() < 1e-7, "CAR(0,0)");
    assert!((s.car_free.unwrap() - -0.1948268).abs() < 1e-7);
    assert_eq!(s.n_ar_free, 2);
    let bhar = (1.0 + r0) * (1.0 + r1) - (1.0 + rm0) * (1.0 + rm1);
    assert!((s.bhar_free.unwrap() - bhar).abs() < 1e-15);
    assert_eq!(s.post_free_car_k, None, "no rows after day 1");
    assert_eq!(s.continuation, None);
    assert!(!s.limit_run_censored);
    assert_eq!(s.limit_pct_day0, Some(10.0));
    assert_eq!(
        (s.n_limit_down_close, s.n_one_price_lock, s.n_touch),
        (1, 0, 0)
    );
}

#[test]
fn a_free_day_0_makes_car_free_equal_to_ar0_and_tests_continuation() {
    let states = [Free, Free, Free, Free, Free, Free, Free];
    let ars = [
        Some(-0.03),
        Some(-0.01),
        Some(0.002),
        Some(-0.004),
        Some(0.001),
        Some(-0.002),
        Some(0.5),
    ];
    let s = summarize_event(&event(&states, &ars, 0), &EventLimitParams::default());
    assert_eq!(s.first_free_day, Some(0));
    assert_eq!(s.car_free, Some(-0.03));
    assert!(
        (s.post_free_car_k.unwrap() - -0.013).abs() < 1e-15,
        "days 1..=5, not day 6"
    );
    assert_eq!(s.continuation, Some(true));
    assert_eq!((s.limit_run_day0, s.first_limit_day), (0, None));
}

#[test]
fn suspended_days_neither_end_the_run_nor_enter_the_sums() {
    // Sugon 2019: news on day 0, halted days 0-2, limit-down lock on day 3, free on day 4.
    let states = [Free, Suspended, Suspended, Suspended, DownLock, DownTouch];
    let ars = [Some(0.001), None, None, None, Some(-0.095), Some(-0.02)];
    let params = EventLimitParams {
        tau1: -1,
        tau2: 3,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&event(&states, &ars, -1), &params);
    assert_eq!(s.limit_run_day0, -1);
    assert_eq!(s.first_limit_day, Some(3));
    assert_eq!(s.first_free_day, Some(4));
    assert_eq!(s.window_adj_end, 4);
    assert!((s.car_free.unwrap() - -0.115).abs() < 1e-15);
    assert_eq!(
        (s.n_limit_down_close, s.n_one_price_lock),
        (1, 1),
        "a lock is also a close"
    );
}

#[test]
fn a_run_longer_than_max_limit_run_is_censored() {
    let states = [UpClose, UpClose, UpClose, UpClose];
    let ars = [Some(0.1); 4];
    let params = EventLimitParams {
        max_limit_run: 2,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&event(&states, &ars, 0), &params);
    assert!(s.limit_run_censored);
    assert_eq!((s.first_free_day, s.car_free), (None, None));
    assert_eq!(
        s.limit_run_day0, 4,
        "the run itself is counted over all rows"
    );
    assert_eq!(s.window_adj_end, 10);
}

#[test]
fn the_free_day_may_be_day_max_limit_run() {
    let states = [UpClose, UpClose, UpTouch];
    let params = EventLimitParams {
        max_limit_run: 2,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&event(&states, &[Some(0.1); 3], 0), &params);
    assert_eq!(s.first_free_day, Some(2));
    assert!((s.car_free.unwrap() - 0.3).abs() < 1e-15);
}

#[test]
fn a_missing_ar_makes_car_free_missing_unless_partial_sums_are_allowed() {
    let states = [DownClose, DownClose, Free];
    let ars = [Some(-0.1), None, Some(-0.05)];
    let rows = event(&states, &ars, 0);
    let s = summarize_event(&rows, &EventLimitParams::default());
    assert_eq!((s.first_free_day, s.car_free), (Some(2), None));
    let partial = EventLimitParams {
        allow_partial_car: true,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&rows, &partial);
    assert!((s.car_free.unwrap() - -0.15).abs() < 1e-15);
    assert_eq!(s.n_ar_free, 2);
    assert_eq!(s.bhar_free, None, "BHAR has no partial form");
}

#[test]
fn counts_cover_only_the_event_window() {
    let states = [UpClose, UpTouch, Free, DownTouch, DownLock, UpClose];
    let params = EventLimitParams {
        tau1: -2,
        tau2: 2,
        ..EventLimitParams::default()
    };
    let s = summarize_event(&event(&states, &[Some(0.0); 6], -2), &params);
    assert_eq!((s.n_limit_up_close, s.n_limit_down_close), (1, 1));
    assert_eq!((s.n_touch, s.n_one_price_lock), (2, 1));
    assert_eq!((s.limit_run_day0, s.first_limit_day), (0, Some(2)));
    let all: Vec<LimitDay> = event(&states, &[None; 6], -2)
        .iter()
        .map(|e| e.limit)
        .collect();
    assert_eq!(count_limit_closes(&all), 3);
}
