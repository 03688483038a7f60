//! Market-adjusted model (MacKinlay 1997 §4.2): `AR_t = R_it - R_mt`, nothing estimated;
//! `sigma2` = sample variance of the estimation-window ARs (denominator `M - 1`), `h_t = 0`
//! (METHODS-SPEC §3.2 DECISION; EventStudy R multiplies sigma by `sqrt(1 + 1/M)` instead).
//! A trade-to-trade row of span `s` has `Var(AR) = s sigma2`, and
//! `sigma2 = sum (AR - abar s)^2 / s / (M - 1)` with `abar = sum AR / S`.

use serde::{Deserialize, Serialize};

use super::least_squares::{mean, sum_sq_dev};
use super::{Estimation, FitError, FittedModel, Model, Regressors, hard_minimum};

/// Market-adjusted settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarketAdjusted;

/// A "fitted" market-adjusted model: only its residual variance is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedMarketAdjusted {
    /// Sample variance of `R_i - R_m` over the estimation window.
    pub sigma2: f64,
    /// `M`.
    pub n: usize,
}

impl Model for MarketAdjusted {
    type Fitted = FittedMarketAdjusted;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedMarketAdjusted, FitError> {
        let n = est.len();
        let need = hard_minimum(0);
        if n < need {
            return Err(FitError::TooFew { got: n, need });
        }
        let ar: Vec<f64> = est.stock[..n]
            .iter()
            .zip(est.market)
            .map(|(r, m)| r - m)
            .collect();
        let spans: Vec<f64> = (0..n).map(|i| est.span_of(i)).collect();
        let ss = if spans.iter().all(|&s| s == 1.0) {
            sum_sq_dev(&ar, mean(&ar))
        } else {
            let abar = ar.iter().sum::<f64>() / spans.iter().sum::<f64>();
            ar.iter()
                .zip(&spans)
                .map(|(a, s)| (a - abar * s).powi(2) / s)
                .sum()
        };
        let sigma2 = ss / (n - 1) as f64;
        if sigma2 < 0.0 || !sigma2.is_finite() {
            return Err(FitError::DegenerateVariance(sigma2));
        }
        Ok(FittedMarketAdjusted { sigma2, n })
    }
}

impl FittedModel for FittedMarketAdjusted {
    fn normal(&self, x: &Regressors) -> f64 {
        x.market
    }

    fn leverage(&self, _x: &Regressors) -> f64 {
        0.0
    }

    fn window_factor(&self, g: &Regressors) -> f64 {
        g.span
    }

    fn sigma2(&self) -> f64 {
        self.sigma2
    }

    fn n(&self) -> usize {
        self.n
    }

    fn params(&self) -> usize {
        0
    }
}
