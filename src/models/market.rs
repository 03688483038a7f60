//! Market model (MacKinlay 1997 eq. 5–7; Campbell-Lo-MacKinlay 1997 §4.4):
//! `R_it = alpha + beta R_mt + e_t`, OLS on the estimation window.
//!
//! ```text
//! beta  = sum (R_m - Rbar_m)(R_i - Rbar_i) / SS_m ,  SS_m = sum (R_m - Rbar_m)^2
//! alpha = Rbar_i - beta Rbar_m ,  sigma2 = SSR / (M - 2)
//! Var(AR_t) = sigma2 [1 + 1/M + (R_mt - Rbar_m)^2 / SS_m]
//! ```
//!
//! Under trade-to-trade returns a row spanning `s` sessions is `R = alpha s + beta R_m + e`
//! with `Var(e) = s sigma2`, fitted by weighted least squares with weights `1/s`
//! (Maynes–Rumsey 1993): the same formulas with `M` replaced by `S = sum s`, `Rbar = sum R / S`,
//! deviations `R - s Rbar` and every square divided by `s`; `Var(AR_t) = sigma2 (s_t + h_t)`,
//! `h_t = s_t^2 / S + (R_mt - s_t Rbar_m)^2 / SS_m`.
//!
//! Sums are taken about the means (two passes, `least_squares.rs`), which keeps them exact
//! to rounding for returns of any scale.

use serde::{Deserialize, Serialize};

use super::least_squares::{market_leverage, market_window_factor, simple_regression};
use super::{Estimation, FitError, FittedModel, Model, Regressors, hard_minimum};

/// Market-model settings (none: OLS with intercept).
#[derive(Debug, Clone, Copy, Default)]
pub struct MarketModel;

/// A fitted market model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedMarketModel {
    /// Intercept.
    pub alpha: f64,
    /// Slope on the market return.
    pub beta: f64,
    /// Residual variance `SSR / (M - 2)`.
    pub sigma2: f64,
    /// `M`, rows used.
    pub n: usize,
    /// `S = sum s_t`, the sessions the rows span (`M` when every row spans one session).
    #[serde(default)]
    pub sum_span: f64,
    /// `Rbar_m = sum R_m / S` over the same rows.
    pub mean_market: f64,
    /// `SS_m = sum (R_m - s Rbar_m)^2 / s` over the same rows.
    pub ss_market: f64,
    /// Coefficient of determination.
    pub r2: f64,
}

impl Model for MarketModel {
    type Fitted = FittedMarketModel;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedMarketModel, FitError> {
        let n = est.len();
        let need = hard_minimum(2);
        if n < need {
            return Err(FitError::TooFew { got: n, need });
        }
        let r = simple_regression(est.stock, est.market, &est.spans()).ok_or(FitError::Singular)?;
        let sigma2 = r.ssr / (n - 2) as f64;
        if sigma2 < 0.0 || !sigma2.is_finite() {
            return Err(FitError::DegenerateVariance(sigma2));
        }
        let r2 = if r.ss_y > 0.0 {
            1.0 - r.ssr / r.ss_y
        } else {
            0.0
        };
        Ok(FittedMarketModel {
            alpha: r.alpha,
            beta: r.beta,
            sigma2,
            n,
            sum_span: r.sum_span,
            mean_market: r.mean_x,
            ss_market: r.ss_x,
            r2,
        })
    }
}

impl FittedMarketModel {
    /// `S`, or `M` for a fit read from an older study.json.
    pub fn sessions(&self) -> f64 {
        if self.sum_span > 0.0 {
            self.sum_span
        } else {
            self.n as f64
        }
    }
}

impl FittedModel for FittedMarketModel {
    fn normal(&self, x: &Regressors) -> f64 {
        self.alpha * x.span + self.beta * x.market
    }

    fn leverage(&self, x: &Regressors) -> f64 {
        market_leverage(
            x.span,
            x.market,
            self.sessions(),
            self.mean_market,
            self.ss_market,
        )
    }

    fn window_factor(&self, g: &Regressors) -> f64 {
        market_window_factor(
            g.span,
            g.market,
            self.sessions(),
            self.mean_market,
            self.ss_market,
        )
    }

    fn sigma2(&self) -> f64 {
        self.sigma2
    }

    fn n(&self) -> usize {
        self.n
    }

    fn params(&self) -> usize {
        2
    }

    fn alpha(&self) -> Option<f64> {
        Some(self.alpha)
    }

    fn beta(&self) -> Option<f64> {
        Some(self.beta)
    }

    fn r2(&self) -> Option<f64> {
        Some(self.r2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    // METHODS-SPEC §8 example A.
    const RM: [f64; 5] = [0.01, -0.02, 0.00, 0.03, -0.02];
    const RI: [f64; 5] = [0.018, -0.028, -0.002, 0.046, -0.029];

    #[test]
    fn market_model_recovers_alpha_beta_of_worked_example_a() {
        let f = MarketModel
            .fit(&Estimation {
                stock: &RI,
                market: &RM,
                ..Estimation::default()
            })
            .unwrap();
        assert_relative_eq!(f.alpha, 0.001, max_relative = 1e-10);
        assert_relative_eq!(f.beta, 1.5, max_relative = 1e-10);
        assert_relative_eq!(f.sigma2, 4.666_666_666_666_667e-6, max_relative = 1e-10);
        assert_relative_eq!(
            f.sigma2.sqrt(),
            0.002_160_246_899_469_287,
            max_relative = 1e-9
        );
        assert_relative_eq!(f.ss_market, 0.0018, max_relative = 1e-10);
        assert_eq!(f.n, 5);
    }

    #[test]
    fn market_model_recovers_alpha_beta_of_exact_line() {
        let rm = [0.01, -0.02, 0.005, 0.03, -0.01, 0.0];
        let ri: Vec<f64> = rm.iter().map(|x| 0.002 + 0.8 * x).collect();
        let f = MarketModel
            .fit(&Estimation {
                stock: &ri,
                market: &rm,
                ..Estimation::default()
            })
            .unwrap();
        assert_relative_eq!(f.alpha, 0.002, max_relative = 1e-12);
        assert_relative_eq!(f.beta, 0.8, max_relative = 1e-12);
        assert!(f.sigma2 < 1e-30);
    }

    #[test]
    fn constant_market_is_singular() {
        let rm = [0.01; 6];
        let ri = [0.0, 0.01, 0.02, 0.0, 0.01, 0.02];
        assert_eq!(
            MarketModel.fit(&Estimation {
                stock: &ri,
                market: &rm,
                ..Estimation::default()
            }),
            Err(FitError::Singular)
        );
    }

    #[test]
    fn too_few_rows_are_refused() {
        let r = MarketModel.fit(&Estimation {
            stock: &RI[..4],
            market: &RM[..4],
            ..Estimation::default()
        });
        assert_eq!(r, Err(FitError::TooFew { got: 4, need: 5 }));
    }
}
