//! Factor models (METHODS-SPEC §3.4; #12): Fama–French three factors (1993), Carhart (1997),
//! Fama–French five factors (2015) and any factors named on the command line, fitted by
//! least squares on the estimation window:
//!
//! ```text
//! y_t = R_it - RF_t = alpha + x_t' b + e_t ,   x_t = (MKT_t, SMB_t, HML_t [, MOM_t] [, RMW_t, CMA_t])
//! normal_t = RF_t + alpha + x_t' b ,   AR_t = R_it - normal_t ,   p = 1 + k
//! ```
//!
//! The prediction-error algebra of §3.1 applies unchanged with the full `(X'X)^-1`:
//! `Var(AR_t) = sigma2 (1 + z_t'(X'X)^-1 z_t)` with `z_t = (1, x_t)`, and for a window
//! `Var(CAR) = sigma2 (L + g'(X'X)^-1 g)`, `g = sum z_t`. Coefficient standard errors are
//! `sqrt(sigma2 [(X'X)^-1]_jj)` and `t = coef / se` (statsmodels' `bse`, `tvalues`).
//!
//! Trade-to-trade rows (`--gaps span`) enter as in the other models with an intercept: the
//! intercept multiplied by the span `s`, the factors and `RF` summed over the span's
//! sessions, weight `1/s` (Maynes–Rumsey 1993). With every `s = 1` this is OLS.

use serde::{Deserialize, Serialize};

use super::least_squares::{MultipleFit, multiple_regression, quadratic_form};
use super::{Estimation, FitError, FittedModel, Model, Regressors};
use crate::config::ModelKind;

/// Factor-model settings: which model (its factor columns come with the estimation rows).
#[derive(Debug, Clone, Copy)]
pub struct FactorModel {
    /// `ff3`, `carhart`, `ff5` or `factors`.
    pub kind: ModelKind,
}

/// One estimated coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coefficient {
    /// `const` for the intercept, else the factor's canonical name (`mkt_rf`, `smb`, ...).
    pub name: String,
    /// Estimate.
    pub coef: f64,
    /// Standard error `sqrt(sigma2 [(X'X)^-1]_jj)`.
    pub se: f64,
    /// `coef / se`.
    pub t: f64,
}

/// A fitted factor model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedFactorModel {
    /// Which factor model.
    pub kind: ModelKind,
    /// `const` then one per factor, in the model's column order.
    pub coefficients: Vec<Coefficient>,
    /// `(X'WX)^-1`, row-major `p × p`, columns `[s, factors...]`.
    pub xtx_inv: Vec<f64>,
    /// `SSR / (M - p)`.
    pub sigma2: f64,
    /// `M`, rows used.
    pub n: usize,
    /// Coefficient of determination of the excess return (weighted, about the weighted mean).
    pub r2: f64,
}

impl Model for FactorModel {
    type Fitted = FittedFactorModel;

    fn fit(&self, est: &Estimation<'_>) -> Result<FittedFactorModel, FitError> {
        let k = est.factor_names.len();
        let p = k + 1;
        let (mut y, mut rows, mut w) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..est.len() {
            let Some(f) = est.factors.get(i * k..(i + 1) * k) else {
                continue;
            };
            let rf = est.rf.get(i).copied().unwrap_or(0.0);
            if !(f.iter().all(|v| v.is_finite()) && rf.is_finite()) {
                continue;
            }
            let s = est.span_of(i);
            y.push(est.stock[i] - rf);
            rows.push(s);
            rows.extend_from_slice(f);
            w.push(1.0 / s);
        }
        let MultipleFit { fit, n, sigma2, r2 } = multiple_regression(&y, &rows, p, &w)?;
        let names = std::iter::once("const").chain(est.factor_names.iter().map(String::as_str));
        let coefficients = names
            .zip(&fit.theta)
            .enumerate()
            .map(|(j, (name, &coef))| {
                let se = (sigma2 * fit.xtx_inv[j * p + j]).sqrt();
                Coefficient {
                    name: name.to_string(),
                    coef,
                    se,
                    t: coef / se,
                }
            })
            .collect();
        Ok(FittedFactorModel {
            kind: self.kind,
            coefficients,
            xtx_inv: fit.xtx_inv,
            sigma2,
            n,
            r2,
        })
    }
}

impl FittedFactorModel {
    /// Number of factors `k`.
    fn k(&self) -> usize {
        self.coefficients.len() - 1
    }

    /// The design row `[s, factors...]` of a row's regressors.
    fn design(&self, x: &Regressors) -> Vec<f64> {
        std::iter::once(x.span)
            .chain(x.factors[..self.k()].iter().copied())
            .collect()
    }

    /// `z' theta`: the fitted excess return of a design row.
    fn fitted_excess(&self, z: &[f64]) -> f64 {
        z.iter()
            .zip(&self.coefficients)
            .map(|(z, c)| z * c.coef)
            .sum()
    }
}

impl FittedModel for FittedFactorModel {
    fn normal(&self, x: &Regressors) -> f64 {
        x.rf + self.fitted_excess(&self.design(x))
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
        self.coefficients.len()
    }

    fn alpha(&self) -> Option<f64> {
        self.coefficients.first().map(|c| c.coef)
    }

    /// The loading on the market factor `mkt_rf`, when the model has one.
    fn beta(&self) -> Option<f64> {
        self.coefficients
            .iter()
            .find(|c| c.name == "mkt_rf")
            .map(|c| c.coef)
    }

    fn r2(&self) -> Option<f64> {
        Some(self.r2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fit `kind` on the stock returns, row-major factors, `RF` (empty: 0) and names.
    fn fit_factors(
        kind: ModelKind,
        stock: &[f64],
        factors: &[f64],
        rf: &[f64],
        names: &[String],
    ) -> Result<FittedFactorModel, FitError> {
        FactorModel { kind }.fit(&Estimation {
            stock,
            market: stock,
            factors,
            rf,
            factor_names: names,
            ..Estimation::default()
        })
    }

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    /// Three deterministic, non-collinear factor series of `n` days.
    fn factors(n: usize) -> Vec<[f64; 3]> {
        (0..n)
            .map(|i| {
                let t = i as f64;
                [
                    0.01 * (0.7 * t).sin(),
                    0.006 * (1.3 * t + 0.4).cos(),
                    0.004 * (0.37 * t * t).sin(),
                ]
            })
            .collect()
    }

    #[test]
    fn ff3_recovers_the_coefficients_of_an_exact_linear_combination() {
        // y = R - RF = 0.001 + 1.2 MKT - 0.3 SMB + 0.5 HML exactly.
        let f = factors(120);
        let rf: Vec<f64> = (0..120).map(|i| 0.0001 + 1e-6 * f64::from(i)).collect();
        let stock: Vec<f64> = f
            .iter()
            .zip(&rf)
            .map(|(x, rf)| rf + 0.001 + 1.2 * x[0] - 0.3 * x[1] + 0.5 * x[2])
            .collect();
        let flat: Vec<f64> = f.iter().flatten().copied().collect();
        let n = names(&["mkt_rf", "smb", "hml"]);
        let fit = fit_factors(ModelKind::Ff3, &stock, &flat, &rf, &n).unwrap();
        let want = [0.001, 1.2, -0.3, 0.5];
        for (c, w) in fit.coefficients.iter().zip(want) {
            assert!((c.coef - w).abs() < 1e-12, "{} {} vs {w}", c.name, c.coef);
        }
        assert_eq!(fit.coefficients[2].name, "smb");
        assert_eq!((fit.n, fit.params()), (120, 4));
        assert!(fit.sigma2 < 1e-28);
        assert!((fit.r2 - 1.0).abs() < 1e-12);
        // normal = RF + z'theta: on a new day it is exact too.
        let mut x = Regressors::daily(0.0);
        x.factors[..3].copy_from_slice(&[0.02, -0.01, 0.005]);
        x.rf = 0.0002;
        let want = 0.0002 + 0.001 + 1.2 * 0.02 + 0.3 * 0.01 + 0.5 * 0.005;
        assert!((fit.normal(&x) - want).abs() < 1e-14);
        assert_eq!(fit.beta(), Some(fit.coefficients[1].coef));
    }

    #[test]
    fn hand_numbers_of_a_one_factor_model_match_simple_regression() {
        // With one factor the model is the simple regression of R - RF on it: the usual
        // closed forms. Five rows, hand-checkable: x = 1..5 (percent), y = 2x + noise.
        let x = [0.01, 0.02, 0.03, 0.04, 0.05];
        let e = [0.001, -0.002, 0.0, 0.002, -0.001];
        let y: Vec<f64> = x
            .iter()
            .zip(&e)
            .map(|(x, e)| 0.5 * 0.01 + 2.0 * x + e)
            .collect();
        let n = names(&["liq"]);
        let fit = fit_factors(ModelKind::Factors, &y, &x, &[], &n).unwrap();
        // xbar = 0.03, SS_x = 0.001, S_xy = sum (x - xbar) e = 0 (e is orthogonal to x - xbar
        // up to -0.02*0.001 -0.01*-0.002 + 0 + 0.01*0.002 + 0.02*-0.001 = 0): slope exactly 2,
        // intercept 0.005; SSR = sum e^2 = 1e-5; sigma2 = 1e-5 / 3.
        assert!((fit.coefficients[1].coef - 2.0).abs() < 1e-12);
        assert!((fit.coefficients[0].coef - 0.005).abs() < 1e-14);
        assert!((fit.sigma2 - 1e-5 / 3.0).abs() < 1e-18);
        // se(slope) = sqrt(sigma2 / SS_x); se(const) = sqrt(sigma2 (1/n + xbar^2 / SS_x)).
        let se_b = (1e-5 / 3.0 / 0.001_f64).sqrt();
        let se_a = (1e-5 / 3.0 * (0.2 + 0.0009 / 0.001_f64)).sqrt();
        assert!((fit.coefficients[1].se - se_b).abs() < 1e-12);
        assert!((fit.coefficients[0].se - se_a).abs() < 1e-14);
        assert!((fit.coefficients[1].t - 2.0 / se_b).abs() < 1e-9);
        assert_eq!(fit.beta(), None);
    }

    #[test]
    fn collinear_factors_are_a_fit_error_not_a_nan() {
        let f = factors(60);
        let flat: Vec<f64> = f.iter().flat_map(|x| [x[0], x[1], 2.0 * x[0]]).collect();
        let stock: Vec<f64> = f.iter().map(|x| x[0] + x[1]).collect();
        let n = names(&["a", "b", "c"]);
        let r = fit_factors(ModelKind::Factors, &stock, &flat, &[], &n);
        assert!(matches!(r, Err(FitError::Collinear(_))), "{r:?}");
    }

    #[test]
    fn rows_without_factors_are_left_out_of_the_fit() {
        let f = factors(50);
        let mut flat: Vec<f64> = f.iter().flatten().copied().collect();
        let stock: Vec<f64> = f.iter().map(|x| 0.5 * x[0] - x[2]).collect();
        flat[3 * 7 + 1] = f64::NAN;
        let mut rf = vec![0.0; 50];
        rf[11] = f64::NAN;
        let n = names(&["mkt_rf", "smb", "hml"]);
        let fit = fit_factors(ModelKind::Ff3, &stock, &flat, &rf, &n).unwrap();
        assert_eq!(fit.n, 48);
        assert!((fit.coefficients[1].coef - 0.5).abs() < 1e-12);
    }
}
