//! The cross-event rows of one group, as the result schema stores them: per relative day
//! (`AarRow`), per CAR window (`CaarRow`, with the events its tests leave out), the
//! limit-adjusted row (`FreeRow`) and the group (`GroupResults`). `stats::aggregate` fills
//! them; writers read them.

use serde::{Deserialize, Serialize};

use super::cross_section::{CrossCorrelation, TestStat};
use super::test_events::Exclusion;
use crate::config::Window;

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
    /// Half-width of the 95% interval of AAR from the day's cross-sectional t:
    /// `t_{0.975, df} · |AAR / t|` (1.96 for a normal reference); `None` without `csect_t`.
    #[serde(default)]
    pub aar_half95: Option<f64>,
    /// Half-width of the 95% interval of `caar` from the CAAR path's cross-sectional t
    /// (the CAR window from the event window's first day through this day).
    #[serde(default)]
    pub caar_half95: Option<f64>,
    /// Tests of the CAAR path through this day: `csect_t` and `bmp_t` of the running CARs.
    #[serde(default)]
    pub caar_tests: Vec<TestStat>,
    /// Day tests.
    pub tests: Vec<TestStat>,
}

/// One CAR window across the events of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaarRow {
    /// The window.
    pub window: Window,
    /// Events in the window's tests (every test uses the same events): those with a CAR and
    /// an SCAR over it.
    pub n: usize,
    /// Events of the group left out of the window's tests.
    #[serde(default)]
    pub n_excluded: usize,
    /// The events left out, by reason (ascending reason).
    #[serde(default)]
    pub excluded: Vec<Exclusion>,
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
    /// Positions of the group's events in the study's event list.
    #[serde(default)]
    pub members: Vec<usize>,
    /// Calendar-aligned `rbar` over every pair of the group's events (Kolari–Pynnönen 2010),
    /// a description of the group; each Kolari–Pynnönen test reports the `rbar` of its own
    /// events in its `correlation`. Zero unless `kp_bmp_t` or `patell_z_kp` is requested.
    pub cross_correlation: CrossCorrelation,
    /// Per relative day.
    pub days: Vec<AarRow>,
    /// Per CAR window.
    pub windows: Vec<CaarRow>,
    /// The limit-adjusted reaction `CAR_free = CAR(0, f)` across events (METHODS-SPEC §7.2),
    /// when any event of the group has limit analysis.
    pub car_free: Option<FreeRow>,
}

/// `CAR_free` across events: each event over its own window `[0, f_i]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FreeRow {
    /// Events with a `CAR_free` (and its standardized value), the events of the tests.
    pub n: usize,
    /// Events with limit analysis left out of the tests (no `CAR_free`).
    #[serde(default)]
    pub n_excluded: usize,
    /// The events left out, by reason.
    #[serde(default)]
    pub excluded: Vec<Exclusion>,
    /// Mean `CAR_free`.
    pub caar_free: Option<f64>,
    /// Mean `BHAR_free`.
    pub abhar_free: Option<f64>,
    /// Events whose post-free-day CAR continues the reaction (delayed price discovery).
    pub n_continuation: usize,
    /// Events whose post-free-day CAR reverses it (overreaction).
    pub n_reversal: usize,
    /// csect_t, bmp_t, kp_bmp_t and grank_t on `CAR_free` / `sar_free` (BW needs a common
    /// window and is not reported).
    pub tests: Vec<TestStat>,
}
