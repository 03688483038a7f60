//! Normal-return models (METHODS-SPEC §3): each a settings type with `fit` and a fitted type
//! that predicts (STYLE.md §4, after linfa), one file per model, each implementing [`Model`]
//! and [`FittedModel`]; the least squares they share is in `least_squares.rs`.
//!
//! All are linear in a row's regressors `x_t` ([`Regressors`]: the span `s_t` of a
//! trade-to-trade row, which multiplies the intercept, and the market returns over the same
//! span), so the prediction-error algebra of §3.1 reduces to three numbers per fit: the normal
//! return `x_t' theta`, the leverage `h_t = x_t'(X'WX)^-1 x_t`, and for a window with
//! `g = sum x_t` the factor `sum s_t + g'(X'WX)^-1 g` of `Var(CAR) = sigma2 * factor`.
//! Rows are weighted by `1/s_t` (Maynes–Rumsey 1993: a return over `s` sessions has `s`
//! times the variance), so `Var(AR_t) = sigma2 (s_t + h_t)`; with every `s_t = 1` this is
//! ordinary least squares to the last bit.

mod adjusted;
mod dimson;
mod factor;
mod least_squares;
mod market;
mod mean;
mod regressors;
mod scholes_williams;
#[cfg(test)]
mod span_tests;

pub use adjusted::{FittedMarketAdjusted, MarketAdjusted};
pub use dimson::{Dimson, FittedDimson};
pub use factor::{Coefficient, FactorModel, FittedFactorModel};
pub use market::{FittedMarketModel, MarketModel};
pub use mean::{ConstantMean, FittedConstantMean};
pub use regressors::{MAX_SHIFTS, Regressors};
pub use scholes_williams::{FittedScholesWilliams, ScholesWilliams};

use serde::{Deserialize, Serialize};

use crate::config::ModelKind;

/// Estimation-window rows with both a stock and a market return.
#[derive(Debug, Clone, Copy, Default)]
pub struct Estimation<'a> {
    /// Stock returns `R_it` (over each row's span).
    pub stock: &'a [f64],
    /// Market returns `R_mt` over the same spans, same length.
    pub market: &'a [f64],
    /// Span `s_t` of each row (sessions since the previous trade); empty means all 1.
    pub span: &'a [f64],
    /// Lead and lag market returns over each row's span, row-major, `2K + 1` per row
    /// (`R_m` shifted by `-K..=K` sessions; `NaN` where the calendar has none). Only the
    /// thin-trading models read it.
    pub shifts: &'a [f64],
    /// One-session market returns over the estimation window's calendar days (for the
    /// Scholes–Williams autocorrelation).
    pub market_calendar: &'a [f64],
    /// Factor returns over each row's span, row-major, `factor_names.len()` per row. Only
    /// the factor models read it.
    pub factors: &'a [f64],
    /// Risk-free rate over each row's span (factor models; empty means 0).
    pub rf: &'a [f64],
    /// Names of the factor columns (canonical: `mkt_rf`, `smb`, ...).
    pub factor_names: &'a [String],
}

impl Estimation<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.stock.len().min(self.market.len())
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Span of row `i` (1 when no spans are given).
    pub fn span_of(&self, i: usize) -> f64 {
        self.span.get(i).copied().unwrap_or(1.0)
    }

    /// The spans of all rows (ones when none are given).
    pub fn spans(&self) -> Vec<f64> {
        (0..self.len()).map(|i| self.span_of(i)).collect()
    }
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer rows than the hard minimum.
    #[error("{got} estimation returns, need at least {need}")]
    TooFew { got: usize, need: usize },
    /// The market return does not vary over the estimation window (`SS_m = 0`).
    #[error("market return is constant over the estimation window (X'X singular)")]
    Singular,
    /// The regressors are collinear (`X'X` singular or too badly conditioned to invert).
    #[error("collinear regressors: X'X is singular (condition estimate {0:.3e})")]
    Collinear(f64),
    /// Residual variance is negative or not finite (zero is a valid exact fit; the study
    /// skips such an event because its SARs are undefined).
    #[error("residual variance is {0} (a perfect or degenerate fit)")]
    DegenerateVariance(f64),
}

/// A normal-return model: settings in, fitted model out (linfa's fit → fitted type).
pub trait Model {
    /// The fitted model.
    type Fitted: FittedModel;
    /// Fit on the estimation rows.
    ///
    /// # Errors
    /// [`FitError`] when the sample cannot identify the model.
    fn fit(&self, est: &Estimation<'_>) -> Result<Self::Fitted, FitError>;
}

/// What every fitted model answers (METHODS-SPEC §3.1), each in its own file.
pub trait FittedModel {
    /// Expected (normal) return of a row with regressors `x`.
    fn normal(&self, x: &Regressors) -> f64;
    /// Leverage `h_t = x_t'(X'WX)^-1 x_t` of a row.
    fn leverage(&self, x: &Regressors) -> f64;
    /// `sum s_t + g'(X'WX)^-1 g` for a window whose rows' regressors sum to `g`.
    fn window_factor(&self, g: &Regressors) -> f64;
    /// Residual variance `sigma2`.
    fn sigma2(&self) -> f64;
    /// Number of estimation rows `M`.
    fn n(&self) -> usize;
    /// Estimated mean parameters `p`.
    fn params(&self) -> usize;
    /// `alpha` (the mean for the constant-mean model), when the model has one.
    fn alpha(&self) -> Option<f64> {
        None
    }
    /// Slope on the market return, when the model has one.
    fn beta(&self) -> Option<f64> {
        None
    }
    /// R², when the model reports one.
    fn r2(&self) -> Option<f64> {
        None
    }
}

/// Any fitted model (the result schema stores this; it serializes with a `model` tag).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Fitted {
    /// Market model.
    Market(FittedMarketModel),
    /// Constant mean.
    Mean(FittedConstantMean),
    /// Market-adjusted.
    MarketAdjusted(FittedMarketAdjusted),
    /// Scholes–Williams.
    ScholesWilliams(FittedScholesWilliams),
    /// Dimson.
    Dimson(FittedDimson),
    /// A factor model (FF3, Carhart, FF5 or any factors).
    Factor(FittedFactorModel),
}

impl Fitted {
    /// Fit the model named by `kind` (the one place that maps a setting to a model).
    ///
    /// # Errors
    /// [`FitError`].
    pub fn fit(kind: ModelKind, lags: u32, est: &Estimation<'_>) -> Result<Self, FitError> {
        Ok(match kind {
            ModelKind::Market => Fitted::Market(MarketModel.fit(est)?),
            ModelKind::Mean => Fitted::Mean(ConstantMean.fit(est)?),
            ModelKind::MarketAdjusted => Fitted::MarketAdjusted(MarketAdjusted.fit(est)?),
            ModelKind::ScholesWilliams => Fitted::ScholesWilliams(ScholesWilliams.fit(est)?),
            ModelKind::Dimson => Fitted::Dimson(Dimson { lags }.fit(est)?),
            ModelKind::Ff3 | ModelKind::Carhart | ModelKind::Ff5 | ModelKind::Factors => {
                Fitted::Factor(FactorModel { kind }.fit(est)?)
            }
        })
    }

    /// Lead and lag market returns the model reads per row (`K` of `-K..=K`); 0 for models
    /// that read only the same-day market return.
    pub fn shifts_needed(kind: ModelKind, lags: u32) -> u32 {
        match kind {
            ModelKind::ScholesWilliams => 1,
            ModelKind::Dimson => lags,
            _ => 0,
        }
    }

    /// The fitted model behind the tag.
    pub fn model(&self) -> &dyn FittedModel {
        match self {
            Fitted::Market(f) => f,
            Fitted::Mean(f) => f,
            Fitted::MarketAdjusted(f) => f,
            Fitted::ScholesWilliams(f) => f,
            Fitted::Dimson(f) => f,
            Fitted::Factor(f) => f,
        }
    }

    /// See [`FittedModel::normal`].
    pub fn normal(&self, x: &Regressors) -> f64 {
        self.model().normal(x)
    }

    /// See [`FittedModel::leverage`].
    pub fn leverage(&self, x: &Regressors) -> f64 {
        self.model().leverage(x)
    }

    /// See [`FittedModel::window_factor`].
    pub fn window_factor(&self, g: &Regressors) -> f64 {
        self.model().window_factor(g)
    }

    /// Forecast-error variance of a row's AR: `sigma2 (s_t + h_t)`.
    pub fn ar_variance(&self, x: &Regressors) -> f64 {
        self.sigma2() * (x.span + self.leverage(x))
    }

    /// See [`FittedModel::sigma2`].
    pub fn sigma2(&self) -> f64 {
        self.model().sigma2()
    }

    /// See [`FittedModel::n`].
    pub fn n(&self) -> usize {
        self.model().n()
    }

    /// See [`FittedModel::params`].
    pub fn params(&self) -> usize {
        self.model().params()
    }

    /// Residual degrees of freedom (`M - p`; `M - 1` for market-adjusted, METHODS-SPEC §3.2).
    pub fn df_resid(&self) -> usize {
        self.n() - self.params().max(1)
    }

    /// See [`FittedModel::alpha`].
    pub fn alpha(&self) -> Option<f64> {
        self.model().alpha()
    }

    /// See [`FittedModel::beta`].
    pub fn beta(&self) -> Option<f64> {
        self.model().beta()
    }

    /// See [`FittedModel::r2`].
    pub fn r2(&self) -> Option<f64> {
        self.model().r2()
    }

    /// The coefficients of a factor model with their standard errors and t values (empty
    /// for the other models).
    pub fn coefficients(&self) -> &[Coefficient] {
        match self {
            Fitted::Factor(f) => &f.coefficients,
            _ => &[],
        }
    }
}

/// Hard minimum number of rows for a model with `p` parameters (`p + 3`, at least 4).
pub(crate) fn hard_minimum(p: usize) -> usize {
    p.max(1) + 3
}
