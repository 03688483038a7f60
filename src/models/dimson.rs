//! Dimson (1979) market model for thin trading (METHODS-SPEC §3.3): a multiple regression on
//! the market return and `K` lags and leads of it,
//!
//! ```text
//! R_it = alpha + sum_{k=-K..K} b_k R_{m,t+k} + e_t ,  beta_D = sum_k b_k ,  p = 2K + 2
//! ```
//!
//! **DECISION** (§3.3): the AR uses the full fitted equation, so §3.1's prediction-error
//! algebra applies exactly (`(X'X)^-1` of the multiple regression). Trade-to-trade rows enter
//! by weighted least squares with weights `1/s`, the intercept multiplied by `s` and each
//! market return taken over the row's span shifted by `k` sessions. Rows without every lead
//! and lag are left out of the fit.

use serde::{Deserialize, Serialize};

use super::least_squares::{MultipleFit, multiple_regression, quadratic_form};
use super::{Estimation, FitError, FittedModel, Model, Regressors};

/// Dimson settings.
#[derive(Debug, Clone, Copy)]
pub struct Dimson {
    /// `K`: lags and leads of the market return.
    pub lags: u32,
}

/// A fitted Dimson model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedDimson {
    /// `K`.
    pub lags: u32,
    /// Intercept.
    pub alpha: f64,
    /// Slopes `b_{-K} .. b_K`.
    pub slopes: Vec<f64>,
    /// `beta_D = sum b_k`.
    pub beta: f64,
    /// `(X'WX)^-1`, row-major, `p × p`, columns `[s, R_m^(-K) .. R_m^(K)]`.
    pub xtx_inv: Vec<f64>,
    /// `SSR / (M - p)`.
    pub sigma2: f64,
    /// `M`, rows used.
    pub n: usize,
    /// Coefficient of determination (weighted, about the weighted mean).
    pub r2: f64,
}

impl Model for Dimson {
    type Fitted = FittedDimson;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedDimson, FitError> {
        let k = self.lags as usize;
        let width = 2 * k + 1;
        let p = width + 1;
        let (mut y, mut rows, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..est.len() {
            let shifts = est.shifts.get(i * width..(i + 1) * width);
            let Some(shifts) = shifts.filter(|x| x.iter().all(|v| v.is_finite())) else {
                continue;
            };
            let s = est.span_of(i);
            y.push(est.stock[i]);
            rows.push(s);
            rows.extend_from_slice(shifts);
            w.push(1.0 / s);
        }
        let MultipleFit { fit, n, sigma2, r2 } = multiple_regression(&y, &rows, p, &w)?;
        let slopes = fit.theta[1..].to_vec();
        Ok(FittedDimson {
            lags: self.lags,
            alpha: fit.theta[0],
            beta: slopes.iter().sum(),
            slopes,
            xtx_inv: fit.xtx_inv,
            sigma2,
            n,
            r2,
        })
    }
}

impl FittedDimson {
    /// The design row `[s, R_m^(-K) .. R_m^(K)]` of a row's regressors.
    fn design(&self, x: &Regressors) -> Vec<f64> {
        let width = 2 * self.lags as usize + 1;
        std::iter::once(x.span)
            .chain(x.shifts[..width].iter().copied())
            .collect()
    }
}

impl FittedModel for FittedDimson {
    fn normal(&self, x: &Regressors) -> f64 {
        self.alpha * x.span
            + self
                .slopes
                .iter()
                .zip(&x.shifts)
                .map(|(b, m)| b * m)
                .sum::<f64>()
    }

    fn leverage(&self, x: &Regressors) -> f64 {
        quadratic_form(&self.xtx_inv, &self.design(x))
    }

    fn window_factor(&self, g: &Regressors) -> f64 {
        g.span + quadratic_form(&self.xtx_inv, &self.design(g))
    }

    fn sigma2(&self) -> f64 {
        self.sigma2
    }

    fn n(&self) -> usize {
        self.n
    }

    fn params(&self) -> usize {
        2 * self.lags as usize + 2
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

    #[test]
    fn dimson_recovers_lag_and_lead_slopes_of_an_exact_equation() {
        // y_t = 0.002 + 0.3 m_{t-1} + 1.1 m_t + 0.2 m_{t+1}: beta_D = 1.6.
        let m: Vec<f64> = (0..60)
            .map(|i| (f64::from((i * 13) % 17) - 8.0) / 400.0)
            .collect();
        let t = 1..59;
        let y: Vec<f64> = t
            .clone()
            .map(|t| 0.002 + 0.3 * m[t - 1] + 1.1 * m[t] + 0.2 * m[t + 1])
            .collect();
        let shifts: Vec<f64> = t.clone().flat_map(|t| [m[t - 1], m[t], m[t + 1]]).collect();
        let f = Dimson { lags: 1 }
            .fit(&Estimation {
                stock: &y,
                market: &m[1..59],
                shifts: &shifts,
                ..Estimation::default()
            })
            .unwrap();
        assert!((f.alpha - 0.002).abs() < 1e-14);
        for (b, want) in f.slopes.iter().zip([0.3, 1.1, 0.2]) {
            assert!((b - want).abs() < 1e-11, "{b} vs {want}");
        }
        assert!((f.beta - 1.6).abs() < 1e-11);
        assert_eq!(f.n, 58);
    }
}
