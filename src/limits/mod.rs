//! Daily price limits: dated rules, exact limit prices, per stock-day states, and the
//! limit-aware event summary (METHODS-SPEC §6, §7).
//!
//! Markets such as China's A shares stop a stock's price at ±10% (±5% ST, ±20% ChiNext and
//! STAR, ±30% BSE) of the exchange reference price `[PPDOC] [SZSE-EN] [CD20a] [STAR-QA]`.
//! A close at the limit is a truncated return: the reaction spills into the next days
//! `[KR97] [CRW05] [CG05]`. The module answers, per stock-day and per event:
//!
//! * [`rules`]: which limit was in force (`rules.toml`, user files, `--limit-rule 10%`);
//! * [`price`]: the exact limit prices in integer price units, e.g. China
//!   `up_fen = (ref_fen·(100+pct) + 50) div 100` (§6.2);
//! * [`classify`](mod@classify): `none / up_close / down_close / up_touch / down_touch / up_lock /
//!   down_lock / no_limit / suspended / unknown`, censoring, free days, runs (§6.3);
//! * [`event`]: per-event counts, the run from day 0 and `CAR_free = CAR(0, f)` (§7.2);
//! * [`context`]: which rule applies to each ticker of a loaded panel, and the
//!   calendar-aligned classification of its days (used by `run` and `limits` alike);
//! * [`scan`], [`panel`]: the hits of one stock, and of a whole panel, for `evstudy limits`.
//!
//! Prices must be raw (not back-adjusted) and on the tick grid (§1.3); the reference is the
//! input's `prev_close` (which carries the ex-right reference on ex-dates), else the raw
//! previous close, flagged in `ref_price_source`.

// Exchange and board names (ChiNext, TPEx, UPCoM) are proper nouns, not code.
#![allow(clippy::doc_markdown)]

pub mod board;
pub mod classify;
pub mod context;
pub mod event;
pub mod panel;
pub mod price;
pub mod rules;
mod rules_toml;
pub mod scan;

#[cfg(test)]
mod proptests;

pub use crate::error::LimitsError;
pub use board::{Board, Instrument, Market, infer_board};
pub use classify::{
    Bar, Direction, LimitDay, LimitRun, LimitState, RefPriceSource, classify, limit_runs,
};
pub use context::{LimitContext, LimitSettings, off_grid_dates};
pub use event::{
    EventDay, EventLimitParams, EventLimitSummary, count_limit_closes, summarize_event,
};
pub use panel::{LimitScan, ScanConfig, scan_limits};
pub use price::{LimitPrices, Pct, Rounding, StepTable, Unit, band_limits, pct_limits};
pub use rules::{BUILTIN_RULES_TOML, Rule, RuleKind, RuleSet};
pub use scan::{LimitHit, scan_hits};
