//! The result schema: plain data that every writer reads (CSV, JSON, Markdown, LaTeX, charts)
//! and that `study.json` round-trips. The engine (`study`) fills it; nothing here computes.
//! Cross-event rows (`GroupResults`, `AarRow`, `CaarRow`, `FreeRow`) are the statistics
//! layer's own types, re-exported here so that writers name one module.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::ShiftReason;
use crate::config::{StudyConfig, Window};
use crate::data::ReturnSource;
use crate::limits::{EventLimitSummary, LimitDay};
use crate::models::Fitted;
use crate::stats::EventSeries;
pub use crate::stats::aggregate::{
    AarRow, CaarRow, Exclusion, FreeRow, GroupResults, LIMIT_DAY0, NO_LIMIT_DAY0,
};
use crate::stats::aggregate::{EventOutcome, FreeValues};
use crate::stats::cross_section::WindowValues;
use crate::stats::event::{DayStats, WindowStats};

/// Why an event was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The events-file row could not be read.
    BadEventRow,
    /// The ticker is not in the price file.
    UnknownTicker,
    /// The event window reaches past the data (or the date is after the last session).
    WindowOutsideData,
    /// Fewer estimation returns than `--min-estimation-obs`.
    ShortEstimation,
    /// The model could not be fitted (singular or degenerate).
    ModelFailed,
    /// Same event id, or same ticker and day 0, as an earlier row.
    DuplicateEvent,
    /// A factor model, and no day of the event window has factors.
    NoFactors,
    /// The stock has no return on any day of the event window (no price data there).
    NoDataInWindow,
}

impl SkipReason {
    /// Stable name for files.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::BadEventRow => "bad_event_row",
            SkipReason::UnknownTicker => "unknown_ticker",
            SkipReason::WindowOutsideData => "window_outside_data",
            SkipReason::ShortEstimation => "short_estimation",
            SkipReason::ModelFailed => "model_failed",
            SkipReason::DuplicateEvent => "duplicate_event",
            SkipReason::NoFactors => "no_factors",
            SkipReason::NoDataInWindow => "no_data_in_window",
        }
    }
}

/// A skipped event, reported (never silently dropped).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skip {
    /// Event id (or what could be formed of it).
    pub event_id: String,
    /// Ticker cell.
    pub ticker: String,
    /// Line in the events file.
    pub line: u64,
    /// Reason code.
    pub reason: SkipReason,
    /// Full message: file, line, column, value, and what to do.
    pub message: String,
}

/// One event-window day of a computed event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DayRow {
    /// Relative day.
    pub rel_day: i32,
    /// Trading date.
    pub date: NaiveDate,
    /// Stock return.
    pub ret: Option<f64>,
    /// Market return (over the same span as the stock return).
    pub market_ret: Option<f64>,
    /// Sessions the stock return covers (1 for consecutive trades; more for the first row
    /// after a halt under trade-to-trade returns); missing on a day without a trade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<u32>,
    /// Raw open, high, low, close of the stock that day (missing when it did not trade).
    pub open: Option<f64>,
    /// Raw high.
    pub high: Option<f64>,
    /// Raw low.
    pub low: Option<f64>,
    /// Raw close.
    pub close: Option<f64>,
    /// Limit facts of the day (when a limit rule applies to the ticker).
    pub limit: Option<LimitDay>,
    /// Normal return, AR, CAR, SAR.
    #[serde(flatten)]
    pub stats: DayStats,
}

/// A computed event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventResult {
    /// Unique id.
    pub event_id: String,
    /// Ticker (a canonical code for China A shares, #11).
    pub ticker: String,
    /// The ticker as the events file spells it, when that is not the canonical code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticker_as_written: Option<String>,
    /// Label from the events file.
    pub label: String,
    /// Subsample.
    pub group: String,
    /// Events-file line.
    pub line: u64,
    /// Event date as given.
    pub event_date: NaiveDate,
    /// Aligned day 0.
    pub day0: NaiveDate,
    /// Calendar days from event date to day 0.
    pub shift_days: i64,
    /// Why day 0 moved.
    pub shift_reason: ShiftReason,
    /// The fitted normal-return model.
    pub fit: Fitted,
    /// Other events of the same ticker whose event window overlaps this estimation window.
    pub n_overlapping_other_events: usize,
    /// Event-window days.
    pub days: Vec<DayRow>,
    /// Every CAR window.
    pub windows: Vec<WindowStats>,
    /// Price-limit picture and limit-adjusted reaction (when a limit rule applies).
    pub limits: Option<EventLimits>,
    /// The trading halt that day 0 falls in, when it does (#10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halt: Option<HaltInfo>,
    /// Event-window rows whose return is missing because the halt before them was longer
    /// than `--max-span` sessions (`span_too_long`).
    #[serde(default)]
    pub n_span_too_long: usize,
    /// Factor models: event-window days without factors (they have no AR); `None` for the
    /// other models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_no_factors: Option<usize>,
    /// Estimation and event-window ARs for the cross-event tests: not serialized, and empty
    /// in the [`Study`] that `study::run` returns (freed once the tests are computed).
    #[serde(skip)]
    pub series: EventSeries,
}

/// A trading halt covering day 0: the reaction is in the first traded row after it, whose
/// trade-to-trade return spans the halt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HaltInfo {
    /// Sessions from day 0 on without a trade.
    pub halt_days: u32,
    /// First halted session (day 0).
    pub halt_from: NaiveDate,
    /// Last halted session before the first trade (or the last session searched).
    pub halt_to: NaiveDate,
    /// Relative day of the first trade at or after day 0, when within the data searched.
    pub first_trade_day: Option<i32>,
    /// Its date.
    pub first_trade_date: Option<NaiveDate>,
    /// Sessions its return covers.
    pub resumption_span: Option<u32>,
    /// Its abnormal return.
    pub resumption_ar: Option<f64>,
    /// `CAR(0, first_trade_day)`: every AR from day 0 through the first trade.
    pub car_to_resumption: Option<f64>,
}

/// The fingerprint of an input file, recorded for reproducibility.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputFile {
    /// `prices`, `market`, `events` or `factors`.
    pub role: String,
    /// Path as given.
    pub path: String,
    /// Lowercase hex digest (`sha256` in files of format 1).
    #[serde(alias = "sha256")]
    pub hash: String,
    /// The hash function: [`HASH_ALGORITHM`] (`sha256` in files of format 1).
    #[serde(default = "sha256_name")]
    pub algorithm: String,
}

/// The hash of input fingerprints and of the manifest: BLAKE3 (256-bit), multi-threaded.
pub const HASH_ALGORITHM: &str = "blake3";

fn sha256_name() -> String {
    "sha256".to_string()
}

/// The `study.json` format this evstudy writes: raised whenever a field is removed or
/// changes meaning, so an older evstudy refuses a file it would misread (#15).
/// Format 2 (#13): input and manifest hashes are BLAKE3, in `hash` with an `algorithm`.
pub const STUDY_FORMAT: u32 = 2;

/// A finished study: everything reports and charts need (they compute nothing).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Study {
    /// The `study.json` format ([`STUDY_FORMAT`] when written; 0 in files written before the
    /// field existed). `evstudy chart`/`report` refuse a newer format and note an older one.
    #[serde(default)]
    pub format: u32,
    /// evstudy version.
    pub version: String,
    /// Exact settings.
    pub config: StudyConfig,
    /// Input files and digests.
    pub inputs: Vec<InputFile>,
    /// Price column used for returns.
    pub return_source: ReturnSource,
    /// Warnings (also printed to stderr by the CLI).
    pub warnings: Vec<String>,
    /// Notes on how the input files were read (decoding, title lines, delimiter, trimmed
    /// spaces, dropped exact duplicates; #11), printed to stderr as `note:` by the CLI.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Computed events, in events-file order.
    pub events: Vec<EventResult>,
    /// Skipped events, in events-file order.
    pub skipped: Vec<Skip>,
    /// Cross-event results: `all` first, then each group.
    pub groups: Vec<GroupResults>,
    /// The files the run wrote, with their hashes (set when `study.json` is written; the
    /// next run into the folder removes those it does not rewrite). See #14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<Vec<ManifestEntry>>,
}

/// One file a run wrote, as `study.json`'s manifest lists it (#14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path relative to the output folder, `/`-separated (`charts/aar_all.png`).
    pub file: String,
    /// The hash of its bytes, hex; empty for `study.json` itself (`sha256` in format 1).
    #[serde(alias = "sha256")]
    pub hash: String,
    /// The hash function ([`HASH_ALGORITHM`]; `sha256` in files of format 1).
    #[serde(default = "sha256_name")]
    pub algorithm: String,
}

/// The limit columns of one event (METHODS-SPEC §7.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventLimits {
    /// Board whose rule applied (`custom` for `--limit-rule`).
    pub limit_board: String,
    /// Counts, run from day 0, first limit and free days, `car_free`, continuation.
    #[serde(flatten)]
    pub summary: EventLimitSummary,
    /// `CAR_free / S_CAR(0, f)`.
    pub sar_free: Option<f64>,
    /// Limit-close days in the estimation window (truncated returns).
    pub n_limit_days_estimation: usize,
    /// Whether those days were dropped from the fit.
    pub dropped_limit_days: bool,
}

impl EventOutcome for EventResult {
    fn group(&self) -> &str {
        &self.group
    }

    fn series(&self) -> &EventSeries {
        &self.series
    }

    fn day(&self, rel_day: i32) -> Option<DayStats> {
        self.days
            .iter()
            .find(|d| d.rel_day == rel_day)
            .map(|d| d.stats)
    }

    fn window(&self, w: Window) -> Option<WindowValues> {
        self.windows
            .iter()
            .find(|x| x.window == w)
            .map(|x| x.values)
    }

    /// Read from the window's days: `no_trade_in_window` when no day of the window has a
    /// close, `halt_in_window` when some day has none (a suspension), else `missing_return`
    /// (a return or market return is missing although the stock traded).
    fn window_missing_reason(&self, w: Window) -> Option<&'static str> {
        let computed = self.windows.iter().find(|x| x.window == w);
        if computed.is_some_and(|x| x.values.car.is_some()) {
            return None;
        }
        let days: Vec<&DayRow> = self.days.iter().filter(|d| w.contains(d.rel_day)).collect();
        let no_close = days.iter().filter(|d| d.close.is_none()).count();
        Some(match (computed, days.len()) {
            (None, _) | (_, 0) => "missing_car",
            _ if no_close == days.len() => "no_trade_in_window",
            _ if no_close > 0 => "halt_in_window",
            _ => "missing_return",
        })
    }

    fn free(&self) -> Option<FreeValues> {
        let l = self.limits.as_ref()?;
        let s = &l.summary;
        Some(FreeValues {
            first_free_day: s.first_free_day,
            values: WindowValues {
                car: s.car_free,
                scar: l.sar_free,
                csar: None,
                n_days: s.n_ar_free as usize,
                bhar: s.bhar_free,
            },
            continuation: s.continuation,
            limit_day0: s.limit_run_day0 != 0,
        })
    }
}

impl Study {
    /// Internal consistency of a study read back from `study.json` (#15): every event's days
    /// and every group's days sorted and unique, group members that exist, once each, and
    /// counts that add up (`n_events` = members; a window's `n` + `n_excluded` = `n_events`;
    /// a day's `n` at most `n_events`; the `all` group first, holding every event).
    ///
    /// # Errors
    /// The JSON path of the first inconsistency (`events[3].days[7]`) and what is wrong.
    pub fn check(&self) -> std::result::Result<(), (String, String)> {
        let sorted = |days: &mut dyn Iterator<Item = i32>| -> Option<(usize, i32, i32)> {
            let mut prev: Option<i32> = None;
            for (k, d) in days.enumerate() {
                if let Some(p) = prev
                    && d <= p
                {
                    return Some((k, p, d));
                }
                prev = Some(d);
            }
            None
        };
        let order = |at: String, (k, p, d): (usize, i32, i32)| {
            let what = if d == p { "repeats" } else { "comes after" };
            Err((
                format!("{at}[{k}]"),
                format!("relative day {d} {what} day {p}; days must be sorted and unique"),
            ))
        };
        for (i, e) in self.events.iter().enumerate() {
            if let Some(bad) = sorted(&mut e.days.iter().map(|d| d.rel_day)) {
                return order(format!("events[{i}] ({}).days", e.event_id), bad);
            }
        }
        let n = self.events.len();
        match self.groups.first() {
            Some(g) if g.group == "all" && g.n_events == n => {}
            Some(g) => {
                return Err((
                    "groups[0]".into(),
                    format!(
                        "the first group must be `all` with every one of the {n} events; found `{}` with {}",
                        g.group, g.n_events
                    ),
                ));
            }
            None if n == 0 => {}
            None => return Err(("groups".into(), "no groups for the study's events".into())),
        }
        for (j, g) in self.groups.iter().enumerate() {
            let at = format!("groups[{j}] ({})", g.group);
            if !g.members.is_empty() {
                if g.members.len() != g.n_events {
                    return Err((
                        format!("{at}.members"),
                        format!("{} members but n_events {}", g.members.len(), g.n_events),
                    ));
                }
                let mut seen = vec![false; n];
                for (k, &m) in g.members.iter().enumerate() {
                    match seen.get_mut(m) {
                        Some(s) if !*s => *s = true,
                        Some(_) => {
                            return Err((
                                format!("{at}.members[{k}]"),
                                format!("event {m} is listed twice"),
                            ));
                        }
                        None => {
                            return Err((
                                format!("{at}.members[{k}]"),
                                format!("event {m} does not exist (the study has {n} events)"),
                            ));
                        }
                    }
                }
            }
            if let Some(bad) = sorted(&mut g.days.iter().map(|d| d.rel_day)) {
                return order(format!("{at}.days"), bad);
            }
            if let Some((k, d)) = g.days.iter().enumerate().find(|(_, d)| d.n > g.n_events) {
                return Err((
                    format!("{at}.days[{k}]"),
                    format!(
                        "day {} counts {} events, more than the group's {}",
                        d.rel_day, d.n, g.n_events
                    ),
                ));
            }
            for (k, w) in g.windows.iter().enumerate() {
                if w.n + w.n_excluded != g.n_events {
                    return Err((
                        format!("{at}.windows[{k}]"),
                        format!(
                            "window {}: n {} + n_excluded {} is not the group's {} events",
                            w.window, w.n, w.n_excluded, g.n_events
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
