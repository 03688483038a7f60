//! Constant-mean-return model (MacKinlay 1997 eq. 1; CLM 1997 §4.3):
//! `R_it = mu + e_t`, `sigma2 = sum (R - mu)^2 / (M - 1)`, `h_t = 1/M`. A trade-to-trade
//! row of span `s` has mean `mu s` and variance `s sigma2` (weights `1/s`):
//! `mu = sum R / S`, `sigma2 = sum (R - mu s)^2 / s / (M - 1)`, `h_t = s_t^2 / S`.

use serde::{Deserialize, Serialize};

use super::least_squares::{mean, sum_sq_dev};
use super::{Estimation, FitError, FittedModel, Model, Regressors, hard_minimum};

/// Constant-mean settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConstantMean;

/// A fitted constant-mean model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedConstantMean {
    /// Mean estimation-window return.
    pub mu: f64,
    /// Residual variance `SSR / (M - 1)`.
    pub sigma2: f64,
    /// `M`.
    pub n: usize,
    /// `S = sum s_t` (`M` when every row spans one session).
    #[serde(default)]
    pub sum_span: f64,
}

impl Model for ConstantMean {
    type Fitted = FittedConstantMean;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedConstantMean, FitError> {
        let n = est.stock.len();
        let need = hard_minimum(1);
        if n < need {
            return Err(FitError::TooFew { got: n, need });
        }
        let spans: Vec<f64> = (0..n).map(|i| est.span_of(i)).collect();
        let sum_span: f64 = spans.iter().sum();
        let (mu, ssr) = if spans.iter().all(|&s| s == 1.0) {
            let mu = mean(est.stock);
            (mu, sum_sq_dev(est.stock, mu))
        } else {
            let mu = est.stock.iter().sum::<f64>() / sum_span;
            let ssr = est
                .stock
                .iter()
                .zip(&spans)
                .map(|(r, s)| (r - mu * s).powi(2) / s)
                .sum();
            (mu, ssr)
        };
        let sigma2 = ssr / (n - 1) as f64;
        if sigma2 < 0.0 || !sigma2.is_finite() {
            return Err(FitError::DegenerateVariance(sigma2));
        }
        Ok(FittedConstantMean {
            mu,
            sigma2,
            n,
            sum_span,
        })
    }
}

impl FittedConstantMean {
    /// `S`, or `M` for a fit read from an older study.json.
    fn sessions(&self) -> f64 {
        if self.sum_span > 0.0 {
            self.sum_span
        } else {
            self.n as f64
        }
    }
}

impl FittedModel for FittedConstantMean {
    fn normal(&self, x: &Regressors) -> f64 {
        self.mu * x.span
    }

    fn leverage(&self, x: &Regressors) -> f64 {
        x.span * x.span / self.sessions()
    }

    fn window_factor(&self, g: &Regressors) -> f64 {
        g.span + g.span * g.span / self.sessions()
    }

    fn sigma2(&self) -> f64 {
        self.sigma2
    }

    fn n(&self) -> usize {
        self.n
    }

    fn params(&self) -> usize {
        1
    }

    fn alpha(&self) -> Option<f64> {
        Some(self.mu)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn constant_mean_is_sample_mean_and_variance() {
        let r = [0.01, -0.01, 0.02, 0.0];
        let f = ConstantMean
            .fit(&Estimation {
                stock: &r,
                market: &[],
                ..Estimation::default()
            })
            .unwrap();
        assert_relative_eq!(f.mu, 0.005, max_relative = 1e-12);
        // deviations .005 -.015 .015 -.005 -> SS = 5e-4, /3
        assert_relative_eq!(f.sigma2, 5e-4 / 3.0, max_relative = 1e-12);
    }
}
