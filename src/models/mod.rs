//! Normal-return models (METHODS-SPEC §3): each a settings type with `fit` and a fitted type
//! that predicts (STYLE.md §4, after linfa). All are linear in `x_t = [1, R_mt]` or a subset,
//! so the prediction-error algebra of §3.1 reduces to three numbers per fit:
//! `normal(R_m)`, the leverage `h_t = x_t'(X'X)^-1 x_t`, and for a window with
//! `g = sum x_t` the factor `L2 + g'(X'X)^-1 g` of `Var(CAR) = sigma2 * factor`.

mod adjusted;
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

/// A normal-return model: settings in, fitted model out.
pub trait Model {
    /// The fitted model.
    type Fitted;
    /// Fit on the estimation rows.
    ///
    /// # Errors
    /// [`FitError`] when the sample cannot identify the model.
    fn fit(&self, est: &Estimation<'_>) -> Result<Self::Fitted, FitError>;
}

/// Any fitted model, with the numbers every report shows.
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
    /// Fit the model named by `kind`.
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

    /// Expected (normal) return given the market return.
    pub fn normal(&self, rm: f64) -> f64 {
        match self {
            Fitted::Market(f) => f.alpha + f.beta * rm,
            Fitted::Mean(f) => f.mu,
            Fitted::MarketAdjusted(_) => rm,
        }
    }

    /// Leverage `h_t = x_t'(X'X)^-1 x_t` of a day with market return `rm`.
    pub fn leverage(&self, rm: f64) -> f64 {
        match self {
            Fitted::Market(f) => 1.0 / f.n as f64 + (rm - f.mean_market).powi(2) / f.ss_market,
            Fitted::Mean(f) => 1.0 / f.n as f64,
            Fitted::MarketAdjusted(_) => 0.0,
        }
    }

    /// `L2 + g'(X'X)^-1 g` for a window of `l2` days whose market returns sum to `sum_rm`.
    pub fn window_factor(&self, l2: usize, sum_rm: f64) -> f64 {
        let l = l2 as f64;
        match self {
            Fitted::Market(f) => {
                l + l * l / f.n as f64 + (sum_rm - l * f.mean_market).powi(2) / f.ss_market
            }
            Fitted::Mean(f) => l + l * l / f.n as f64,
            Fitted::MarketAdjusted(_) => l,
        }
    }

    /// Residual variance `sigma2`.
    pub fn sigma2(&self) -> f64 {
        match self {
            Fitted::Market(f) => f.sigma2,
            Fitted::Mean(f) => f.sigma2,
            Fitted::MarketAdjusted(f) => f.sigma2,
        }
    }

    /// Number of estimation rows `M`.
    pub fn n(&self) -> usize {
        match self {
            Fitted::Market(f) => f.n,
            Fitted::Mean(f) => f.n,
            Fitted::MarketAdjusted(f) => f.n,
        }
    }

    /// Estimated mean parameters `p`.
    pub fn params(&self) -> usize {
        match self {
            Fitted::Market(_) => 2,
            Fitted::Mean(_) => 1,
            Fitted::MarketAdjusted(_) => 0,
        }
    }

    /// Residual degrees of freedom (`M - p`; `M - 1` for market-adjusted, METHODS-SPEC §3.2).
    pub fn df_resid(&self) -> usize {
        self.n() - self.params().max(1)
    }

    /// `alpha` (the mean for the constant-mean model), when the model has one.
    pub fn alpha(&self) -> Option<f64> {
        match self {
            Fitted::Market(f) => Some(f.alpha),
            Fitted::Mean(f) => Some(f.mu),
            Fitted::MarketAdjusted(_) => None,
        }
    }

    /// `beta`, market model only.
    pub fn beta(&self) -> Option<f64> {
        match self {
            Fitted::Market(f) => Some(f.beta),
            _ => None,
        }
    }

    /// R², market model only.
    pub fn r2(&self) -> Option<f64> {
        match self {
            Fitted::Market(f) => Some(f.r2),
            _ => None,
        }
    }
}

/// Hard minimum number of rows for a model with `p` parameters (`p + 3`, at least 4).
pub(crate) fn hard_minimum(p: usize) -> usize {
    p.max(1) + 3
}

pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}
