//! Normal-return models (METHODS-SPEC §3): each a settings type with `fit` and a fitted type
//! that predicts (STYLE.md §4, after linfa), one file per model, each implementing [`Model`]
//! and [`FittedModel`]; the sums of squares they share are in `least_squares.rs`. All are linear in `x_t = [1, R_mt]` or a subset,
//! so the prediction-error algebra of §3.1 reduces to three numbers per fit:
//! `normal(R_m)`, the leverage `h_t = x_t'(X'X)^-1 x_t`, and for a window with
//! `g = sum x_t` the factor `L2 + g'(X'X)^-1 g` of `Var(CAR) = sigma2 * factor`.

mod adjusted;
mod least_squares;
mod market;
mod mean;

pub use adjusted::{FittedMarketAdjusted, MarketAdjusted};
pub use market::{FittedMarketModel, MarketModel};
pub use mean::{ConstantMean, FittedConstantMean};

use serde::{Deserialize, Serialize};

use crate::config::ModelKind;

/// Estimation-window rows with both a stock and a market return.
#[derive(Debug, Clone, Copy)]
pub struct Estimation<'a> {
    /// Stock returns `R_it`.
    pub stock: &'a [f64],
    /// Market returns `R_mt`, same length.
    pub market: &'a [f64],
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
    /// Expected (normal) return given the market return.
    fn normal(&self, rm: f64) -> f64;
    /// Leverage `h_t = x_t'(X'X)^-1 x_t` of a day with market return `rm`.
    fn leverage(&self, rm: f64) -> f64;
    /// `L2 + g'(X'X)^-1 g` for a window of `l2` days whose market returns sum to `sum_rm`.
    fn window_factor(&self, l2: usize, sum_rm: f64) -> f64;
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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Fitted {
    /// Market model.
    Market(FittedMarketModel),
    /// Constant mean.
    Mean(FittedConstantMean),
    /// Market-adjusted.
    MarketAdjusted(FittedMarketAdjusted),
}

impl Fitted {
    /// Fit the model named by `kind` (the one place that maps a setting to a model).
    ///
    /// # Errors
    /// [`FitError`].
    pub fn fit(kind: ModelKind, est: &Estimation<'_>) -> Result<Self, FitError> {
        Ok(match kind {
            ModelKind::Market => Fitted::Market(MarketModel.fit(est)?),
            ModelKind::Mean => Fitted::Mean(ConstantMean.fit(est)?),
            ModelKind::MarketAdjusted => Fitted::MarketAdjusted(MarketAdjusted.fit(est)?),
        })
    }

    /// The fitted model behind the tag.
    pub fn model(&self) -> &dyn FittedModel {
        match self {
            Fitted::Market(f) => f,
            Fitted::Mean(f) => f,
            Fitted::MarketAdjusted(f) => f,
        }
    }

    /// See [`FittedModel::normal`].
    pub fn normal(&self, rm: f64) -> f64 {
        self.model().normal(rm)
    }

    /// See [`FittedModel::leverage`].
    pub fn leverage(&self, rm: f64) -> f64 {
        self.model().leverage(rm)
    }

    /// See [`FittedModel::window_factor`].
    pub fn window_factor(&self, l2: usize, sum_rm: f64) -> f64 {
        self.model().window_factor(l2, sum_rm)
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
}

/// Hard minimum number of rows for a model with `p` parameters (`p + 3`, at least 4).
pub(crate) fn hard_minimum(p: usize) -> usize {
    p.max(1) + 3
}
