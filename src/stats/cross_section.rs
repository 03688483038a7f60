//! The cross-section handed to the test statistics: per event, its estimation-window and
//! event-window abnormal returns in event time, with what the per-event fit knows about them.
//!
//! This is the only input type of `stats::significance`; the core study builds it from each
//! event's fitted model (METHODS-SPEC §3–§4), the tests read it and compute nothing else.

use serde::{Deserialize, Serialize};

/// One event's abnormal returns in event time, estimation window and event window together.
///
/// Rows are in ascending relative day. The first `n_est_rows` rows are the estimation window
/// `[T0+1, T1]`; the remaining rows are the event window `[tau1, tau2]` (days of a gap between
/// the two are not present). A missing return is NaN on that row (suspension, no data): the values are held as
/// plain `f64`s, 20 bytes a row instead of 44 with `Option<f64>` and a stored `i64` position (at
/// 100,000 events of ~270 rows the difference is about 0.5 GB, #13); read them with
/// [`EventSeries::ar_at`] and [`EventSeries::sar_at`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct EventSeries {
    /// Unique event identifier (joins are keyed on it, never on ticker).
    pub event_id: String,
    /// Relative trading day of each row (`0` = aligned event day).
    pub rel_day: Vec<i32>,
    /// Position of relative day 0 in the market calendar: row `r`'s date is at
    /// `day0_cal + rel_day[r]` ([`EventSeries::cal_at`]; for calendar-time alignment of
    /// residuals, METHODS-SPEC §5.5). Relative days count market sessions, so one number
    /// holds every row's position.
    pub day0_cal: i64,
    /// Abnormal return `AR_it` (§4); NaN where the return is missing.
    pub ar: Vec<f64>,
    /// Standardized abnormal return `SAR_it = AR_it / sqrt(sigma2 (1 + h_t))` (§4), with the
    /// forecast-error correction on event-window rows and on estimation rows alike
    /// (`h_t` of an estimation row is its leverage `x_t'(X'X)^-1 x_t`); NaN where missing.
    pub sar: Vec<f64>,
    /// Number of leading rows that belong to the estimation window.
    pub n_est_rows: usize,
    /// `M_i`: non-missing estimation returns used in the fit.
    pub m: usize,
    /// `p`: number of estimated mean parameters of the model (0 for market-adjusted, whose
    /// degrees of freedom are nevertheless `M - 1`; see `df_resid`).
    pub p: usize,
    /// Residual degrees of freedom of the fit, `M_i - p` (`M_i - 1` for market-adjusted).
    pub df_resid: usize,
    /// Residual variance `sigma2_i = SSR / df_resid`.
    pub sigma2: f64,
}

impl EventSeries {
    /// The stored form of a value that may be missing: NaN for `None`.
    #[must_use]
    pub fn stored(value: Option<f64>) -> f64 {
        value.unwrap_or(f64::NAN)
    }

    /// `AR` of row `r` when present and finite (the tests' notion of present).
    #[must_use]
    pub fn ar_at(&self, r: usize) -> Option<f64> {
        self.ar.get(r).copied().filter(|v| v.is_finite())
    }

    /// `SAR` of row `r` when present and finite.
    #[must_use]
    pub fn sar_at(&self, r: usize) -> Option<f64> {
        self.sar.get(r).copied().filter(|v| v.is_finite())
    }

    /// Calendar position of row `r`.
    #[must_use]
    pub fn cal_at(&self, r: usize) -> Option<i64> {
        self.rel_day.get(r).map(|&d| self.day0_cal + i64::from(d))
    }
}

/// Per-event values over one CAR window, computed by the core study (§4).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct WindowValues {
    /// `CAR_i(tau1, tau2)`; `None` when a window day is missing (unless partial CARs are allowed).
    pub car: Option<f64>,
    /// `SCAR_i = CAR_i / S_CAR_i` with the full prediction-error covariance (§4).
    pub scar: Option<f64>,
    /// `CSAR_i = sum of SAR_it` over the window (Patell's cumulated standardized residual).
    pub csar: Option<f64>,
    /// `L2_i`: number of non-missing AR days in the window.
    pub n_days: usize,
    /// Buy-and-hold abnormal return over the window (§4).
    pub bhar: Option<f64>,
}

impl WindowValues {
    /// No value at all (the event lacks the window).
    pub const MISSING: WindowValues = WindowValues {
        car: None,
        scar: None,
        csar: None,
        n_days: 0,
        bhar: None,
    };
}

/// One test statistic with everything a reader needs to judge it (METHODS-SPEC §5.11).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TestStat {
    /// Short stable name, e.g. `bmp`, `patell`, `grank_t` (the `test` column of `tests.csv`).
    pub name: String,
    /// The statistic; `None` when it cannot be computed (see `note`).
    pub statistic: Option<f64>,
    /// Two-sided p-value by default (or as requested by the alternative).
    pub p_value: Option<f64>,
    /// Degrees of freedom of a Student-t reference; `None` for N(0,1) or exact references.
    pub df: Option<f64>,
    /// Number of events used.
    pub n: usize,
    /// Reference distribution: `"t"`, `"normal"` or `"exact"`.
    pub distribution: String,
    /// Why the statistic is missing, or an extra number worth reporting (e.g. `z=-1.6855`).
    pub note: String,
    /// The `rbar` behind a Kolari–Pynnönen adjustment (`kp_bmp_t`, `patell_z_kp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation: Option<CrossCorrelation>,
}

/// An average pairwise correlation `rbar` of estimation-window ARs, how many pairs it
/// averages and how much the pairs' windows overlap (METHODS-SPEC §5.5).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CrossCorrelation {
    /// The average correlation; `0` when `n_pairs == 0`.
    pub rbar: f64,
    /// Number of pairs that entered the average.
    pub n_pairs: usize,
    /// Mean overlap `o_ij` of the windows over every pair of the events (`None` without a
    /// pair, or when `rbar` does not belong to one window).
    #[serde(default)]
    pub mean_overlap: Option<f64>,
    /// Whether `rbar` is the day-0 grouped estimate of a large sample (METHODS.md §4.9),
    /// not the exact average over the pairs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub grouped: bool,
}

impl CrossCorrelation {
    /// No correlation: the KP factors are 1.
    pub const ZERO: CrossCorrelation = CrossCorrelation {
        rbar: 0.0,
        n_pairs: 0,
        mean_overlap: None,
        grouped: false,
    };

    /// The same `rbar` without a mean overlap.
    #[must_use]
    pub fn without_overlap(self) -> Self {
        CrossCorrelation {
            mean_overlap: None,
            ..self
        }
    }
}
