//! Property tests of the limit module (STYLE.md §6): exact limit closes are always found, no
//! free day is censored, and every limit band holds its reference price.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::board::{Board, Instrument};
use super::classify::{Bar, LimitState, classify};
use super::price::{band_limits, pct_limits};
use super::rules::{RuleKind, RuleSet};

const BOARDS: [Board; 15] = Board::ALL;

fn date(offset: u64) -> NaiveDate {
    // 2023-02-01 + offset: every builtin board has a rule from then on.
    NaiveDate::from_ymd_opt(2023, 2, 1)
        .and_then(|d| d.checked_add_days(Days::new(offset)))
        .unwrap()
}

fn instrument(board: Board, st: bool) -> Instrument {
    let mut inst = Instrument::on_board(board);
    inst.listing_date = NaiveDate::from_ymd_opt(2000, 1, 4);
    if st {
        inst.st_periods.push((date(0), date(5000)));
    }
    inst
}

/// A reference price on the board's unit grid, between 1 and 1,000,000 units.
fn reference(board: Board, units: i64) -> f64 {
    let rule = RuleSet::builtin()
        .rule_for(Some(board), false, date(0))
        .cloned()
        .unwrap();
    rule.unit.to_price(units)
}

fn one_day(board: Board, st: bool, day: u64, bar: Bar) -> super::classify::LimitDay {
    let days = classify(
        &[date(day)],
        &[Some(bar)],
        &instrument(board, st),
        &RuleSet::builtin(),
    );
    days.unwrap()[0]
}

proptest! {
    #[test]
    fn a_close_at_the_computed_limit_is_always_a_limit_close(
        b in 0..BOARDS.len(),
        units in 100i64..1_000_000,
        st in any::<bool>(),
        day in 0u64..800,
        up in any::<bool>(),
        low_frac in 0.0f64..1.0,
    ) {
        let board = BOARDS[b];
        let prev = reference(board, units);
        let probe = one_day(board, st, day, Bar { close: prev, prev_close: Some(prev), ..Bar::default() });
        let (Some(hi), Some(lo)) = (probe.up_limit, probe.down_limit) else {
            return Ok(()); // above a band table: limits unknown
        };
        let close = if up { hi } else { lo };
        let low = if up { (lo + (hi - lo) * low_frac).min(hi) } else { lo };
        let low = RuleSet::builtin().rule_for(Some(board), st, date(day)).map_or(low, |r| {
            r.unit.to_price(r.unit.to_units(low).map_or(0, |u| u.0))
        });
        let bar = Bar { open: Some(close), high: Some(hi.max(close)), low: Some(low.min(close)), close, prev_close: Some(prev) };
        let got = one_day(board, st, day, bar);
        let want: &[LimitState] = if up {
            &[LimitState::UpClose, LimitState::UpLock]
        } else {
            &[LimitState::DownClose, LimitState::DownLock]
        };
        prop_assert!(want.contains(&got.state), "{board} ref {prev} close {close}: {:?}", got.state);
        prop_assert!(got.censored && !got.free_day && !got.rule_mismatch && !got.off_grid);
    }

    #[test]
    fn no_free_day_is_ever_censored(
        b in 0..BOARDS.len(),
        start in 100i64..200_000,
        moves in prop::collection::vec((-1.2f64..1.2, any::<bool>(), prop::option::of(0u8..3)), 1..40),
    ) {
        let board = BOARDS[b];
        let rule = RuleSet::builtin().rule_for(Some(board), false, date(0)).cloned().unwrap();
        let mut prev = start;
        let mut dates = Vec::new();
        let mut rows = Vec::new();
        for (i, &(m, suspended, hit)) in moves.iter().enumerate() {
            dates.push(date(i as u64));
            if suspended {
                rows.push(None);
                continue;
            }
            let limits = match &rule.kind {
                RuleKind::Pct(p) => pct_limits(prev, *p, &rule.ticks, rule.rounding),
                RuleKind::BandTable(t) => band_limits(prev, t),
                RuleKind::NoLimit => None,
            };
            let Some(l) = limits else { break };
            let close = match hit {
                Some(0) => l.up,
                Some(1) => l.down,
                _ => (prev as f64 * (1.0 + 0.1 * m)).round().max(1.0) as i64,
            };
            let to_px = |u: i64| rule.unit.to_price(u);
            rows.push(Some(Bar {
                open: Some(to_px(prev)),
                high: Some(to_px(close.max(prev))),
                low: Some(to_px(close.min(prev))),
                close: to_px(close),
                prev_close: Some(to_px(prev)),
            }));
            prev = close.max(1);
        }
        dates.truncate(rows.len());
        let days = classify(&dates, &rows, &instrument(board, false), &RuleSet::builtin()).unwrap();
        for (day, row) in days.iter().zip(&rows) {
            prop_assert!(!(day.free_day && day.censored), "{day:?}");
            if day.censored {
                prop_assert!(day.limit_run != 0);
            }
            if let (true, Some(up), Some(down), Some(bar)) = (day.free_day, day.up_limit, day.down_limit, row) {
                prop_assert!(down < bar.close && bar.close < up);
            }
        }
    }

    #[test]
    fn every_band_holds_its_reference(units in 1i64..50_000_000, rule_index in 0usize..64) {
        let rules = RuleSet::builtin();
        let rule = &rules.rules()[rule_index % rules.rules().len()];
        let limits = match &rule.kind {
            RuleKind::Pct(p) => pct_limits(units, *p, &rule.ticks, rule.rounding),
            RuleKind::BandTable(t) => band_limits(units, t),
            RuleKind::NoLimit => None,
        };
        if let Some(l) = limits {
            prop_assert!(l.up >= units && units >= l.down && l.down >= 0, "{}: {units} -> {l:?}", rule.origin);
        }
    }
}
