//! Scholes–Williams (1977) market model for thin trading (METHODS-SPEC §3.3):
//!
//! ```text
//! on the truncated sample (estimation rows without the first and the last):
//! b_j      = slope of R_i on R_m shifted by j = -1, 0, +1 sessions
//! rho_m    = first-order autocorrelation of the market return over the estimation window
//! beta_SW  = (b_-1 + b_0 + b_+1) / (1 + 2 rho_m)
//! alpha_SW = mean(R_i) - beta_SW mean(R_m)
//! ```
//!
//! **DECISION** (no source gives an exact prediction variance): `sigma2 = SSR / (M' - 2)` on
//! the truncated sample of `M'` rows and the market-model leverage of that sample with
//! `beta_SW` plugged in; reported as approximate. Trade-to-trade rows enter every slope by
//! weighted least squares on `[s, R_m^(j)]` with weights `1/s`, `R_m^(j)` the market return
//! over the row's span shifted by `j`; the means become `sum / S`.

use serde::{Deserialize, Serialize};

use super::least_squares::{market_leverage, market_window_factor, simple_regression};
use super::{Estimation, FitError, FittedModel, Model, Regressors, hard_minimum};

/// Scholes–Williams settings (one lag and one lead).
#[derive(Debug, Clone, Copy, Default)]
pub struct ScholesWilliams;

/// A fitted Scholes–Williams model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FittedScholesWilliams {
    /// `alpha_SW`.
    pub alpha: f64,
    /// `beta_SW`.
    pub beta: f64,
    /// Slope on the lagged market return.
    pub b_lag: f64,
    /// Slope on the same-day market return.
    pub b_0: f64,
    /// Slope on the led market return.
    pub b_lead: f64,
    /// First-order autocorrelation of the market return.
    pub rho_m: f64,
    /// `SSR / (M' - 2)`.
    pub sigma2: f64,
    /// `M'`, rows of the truncated sample.
    pub n: usize,
    /// Estimation rows before truncation.
    pub n_rows: usize,
    /// `S` of the truncated sample.
    pub sum_span: f64,
    /// `Rbar_m` of the truncated sample.
    pub mean_market: f64,
    /// `SS_m` of the truncated sample.
    pub ss_market: f64,
}

/// Pearson correlation of `r_t` with `r_{t-1}` over the consecutive finite pairs.
fn first_order_autocorrelation(r: &[f64]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = r
        .windows(2)
        .filter(|w| w[0].is_finite() && w[1].is_finite())
        .map(|w| (w[1], w[0]))
        .collect();
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let (ma, mb) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sab += (a - ma) * (b - mb);
        saa += (a - ma).powi(2);
        sbb += (b - mb).powi(2);
    }
    let rho = sab / (saa * sbb).sqrt();
    rho.is_finite().then_some(rho)
}

impl Model for ScholesWilliams {
    type Fitted = FittedScholesWilliams;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedScholesWilliams, FitError> {
        let n_rows = est.len();
        let need = hard_minimum(2) + 2;
        if n_rows < need {
            return Err(FitError::TooFew { got: n_rows, need });
        }
        let width = 3;
        let rows = 1..n_rows - 1;
        let shift = |i: usize, j: usize| est.shifts.get(i * width + j).copied().unwrap_or(f64::NAN);
        let slope = |j: usize| -> Result<f64, FitError> {
            let (mut y, mut x, mut s) = (Vec::new(), Vec::new(), Vec::new());
            for i in rows.clone() {
                let m = if j == 1 { est.market[i] } else { shift(i, j) };
                if m.is_finite() {
                    y.push(est.stock[i]);
                    x.push(m);
                    s.push(est.span_of(i));
                }
            }
            simple_regression(&y, &x, &s)
                .map(|r| r.beta)
                .ok_or(FitError::Singular)
        };
        let (b_lag, b_0, b_lead) = (slope(0)?, slope(1)?, slope(2)?);
        let rho_m = first_order_autocorrelation(est.market_calendar).ok_or(FitError::Singular)?;
        let beta = (b_lag + b_0 + b_lead) / (1.0 + 2.0 * rho_m);
        let y = &est.stock[rows.clone()];
        let x = &est.market[rows.clone()];
        let s: Vec<f64> = rows.clone().map(|i| est.span_of(i)).collect();
        let mm = simple_regression(y, x, &s).ok_or(FitError::Singular)?;
        let alpha = (y.iter().sum::<f64>() - beta * x.iter().sum::<f64>()) / mm.sum_span;
        let n = y.len();
        let ssr: f64 = y
            .iter()
            .zip(x)
            .zip(&s)
            .map(|((y, x), s)| (y - alpha * s - beta * x).powi(2) / s)
            .sum();
        let sigma2 = ssr / (n - 2) as f64;
        if !(sigma2 >= 0.0 && sigma2.is_finite() && beta.is_finite()) {
            return Err(FitError::DegenerateVariance(sigma2));
        }
        Ok(FittedScholesWilliams {
            alpha,
            beta,
            b_lag,
            b_0,
            b_lead,
            rho_m,
            sigma2,
            n,
            n_rows,
            sum_span: mm.sum_span,
            mean_market: mm.mean_x,
            ss_market: mm.ss_x,
        })
    }
}

impl FittedModel for FittedScholesWilliams {
    fn normal(&self, x: &Regressors) -> f64 {
        self.alpha * x.span + self.beta * x.market
    }

    fn leverage(&self, x: &Regressors) -> f64 {
        market_leverage(
            x.span,
            x.market,
            self.sum_span,
            self.mean_market,
            self.ss_market,
        )
    }

    fn window_factor(&self, g: &Regressors) -> f64 {
        market_window_factor(
            g.span,
            g.market,
            self.sum_span,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn autocorrelation_of_an_alternating_series_is_minus_one() {
        let r = [0.01, -0.01, 0.01, -0.01, 0.01, -0.01];
        assert!((first_order_autocorrelation(&r).unwrap() + 1.0).abs() < 1e-12);
    }

    #[test]
    fn scholes_williams_of_a_synchronous_exact_line_is_its_beta_scaled_by_rho() {
        // y = 0.001 + 1.5 R_m exactly; lag and lead slopes come from the market's own
        // autocorrelation, so beta_SW = (b_-1 + 1.5 + b_+1) / (1 + 2 rho).
        let m: Vec<f64> = (0..40)
            .map(|i| (f64::from(i * 7 % 11) - 5.0) / 500.0)
            .collect();
        let y: Vec<f64> = m[1..39].iter().map(|x| 0.001 + 1.5 * x).collect();
        let shifts: Vec<f64> = (1..39).flat_map(|t| [m[t - 1], m[t], m[t + 1]]).collect();
        let f = ScholesWilliams
            .fit(&Estimation {
                stock: &y,
                market: &m[1..39],
                shifts: &shifts,
                market_calendar: &m[1..39],
                ..Estimation::default()
            })
            .unwrap();
        assert!((f.b_0 - 1.5).abs() < 1e-12);
        let want = (f.b_lag + f.b_0 + f.b_lead) / (1.0 + 2.0 * f.rho_m);
        assert!((f.beta - want).abs() < 1e-15);
        assert_eq!((f.n, f.n_rows), (36, 38));
    }
}
