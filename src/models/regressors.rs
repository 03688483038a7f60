//! The regressors of one row, `x_t` of METHODS-SPEC §3.1: the row's span (the intercept's
//! multiplier under trade-to-trade returns, 1 otherwise), the market return over that span,
//! and for the thin-trading models the market returns over the same span shifted by
//! `-K..=K` sessions, and for the factor models the factor returns and the risk-free rate
//! over the span (each summed over the span's sessions). A window's `g = sum x_t` is the
//! component-wise sum.

use std::ops::AddAssign;

use crate::config::{MAX_DIMSON_LAGS, MAX_FACTORS};

/// Most shifted market returns a row carries (`2 K + 1` for the largest Dimson `K`).
pub const MAX_SHIFTS: usize = 2 * MAX_DIMSON_LAGS as usize + 1;

/// The regressors of one row (or their sum over a window).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Regressors {
    /// Span `s_t` (sessions since the previous trade; 1 for consecutive trades).
    pub span: f64,
    /// Market return over the span.
    pub market: f64,
    /// Market returns over the span shifted by `j = -K..=K` sessions, at index `j + K`
    /// (unused entries are 0).
    pub shifts: [f64; MAX_SHIFTS],
    /// Factor returns of the factor models, in the model's column order (unused entries 0).
    pub factors: [f64; MAX_FACTORS],
    /// Risk-free rate over the span (0 for the models without factors).
    pub rf: f64,
}

impl Default for Regressors {
    fn default() -> Self {
        Regressors {
            span: 0.0,
            market: 0.0,
            shifts: [0.0; MAX_SHIFTS],
            factors: [0.0; MAX_FACTORS],
            rf: 0.0,
        }
    }
}

impl Regressors {
    /// A one-session row with market return `market`.
    pub fn daily(market: f64) -> Self {
        Regressors::spanned(1.0, market)
    }

    /// A row of span `span` with market return `market` over it.
    pub fn spanned(span: f64, market: f64) -> Self {
        Regressors {
            span,
            market,
            ..Regressors::default()
        }
    }
}

impl AddAssign<&Regressors> for Regressors {
    fn add_assign(&mut self, x: &Regressors) {
        self.span += x.span;
        self.market += x.market;
        for (a, b) in self.shifts.iter_mut().zip(&x.shifts) {
            *a += b;
        }
        for (a, b) in self.factors.iter_mut().zip(&x.factors) {
            *a += b;
        }
        self.rf += x.rf;
    }
}
