//! Constant-mean-return model (MacKinlay 1997 eq. 1; CLM 1997 §4.3):
//! `R_it = mu + e_t`, `sigma2 = sum (R - mu)^2 / (M - 1)`, `h_t = 1/M`.

use serde::{Deserialize, Serialize};

use super::least_squares::{mean, sum_sq_dev};
use super::{Estimation, FitError, FittedModel, Model, hard_minimum};

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
}

impl Model for ConstantMean {
    type Fitted = FittedConstantMean;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedConstantMean, FitError> {
        let n = est.stock.len();
        let need = hard_minimum(1);
        if n < need {
            return Err(FitError::TooFew { got: n, need });
        }
        let mu = mean(est.stock);
        let sigma2 = sum_sq_dev(est.stock, mu) / (n - 1) as f64;
        if sigma2 < 0.0 || !sigma2.is_finite() {
            return Err(FitError::DegenerateVariance(sigma2));
        }
        Ok(FittedConstantMean { mu, sigma2, n })
    }
}

impl FittedModel for FittedConstantMean {
    fn normal(&self, _rm: f64) -> f64 {
        self.mu
    }

    fn leverage(&self, _rm: f64) -> f64 {
        1.0 / self.n as f64
    }

    fn window_factor(&self, l2: usize, _sum_rm: f64) -> f64 {
        let l = l2 as f64;
        l + l * l / self.n as f64
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
            })
            .unwrap();
        assert_relative_eq!(f.mu, 0.005, max_relative = 1e-12);
        // deviations .005 -.015 .015 -.005 -> SS = 5e-4, /3
        assert_relative_eq!(f.sigma2, 5e-4 / 3.0, max_relative = 1e-12);
    }
}
