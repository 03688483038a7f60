//! Least squares shared by the models: means and the two-pass simple regression of `y` on
//! `[1, x]` (sums taken about the means, which keeps them exact to rounding for returns of
//! any scale; CLM 1997 §4.4).
//!
//! ```text
//! beta = sum (x - xbar)(y - ybar) / SS_x ,  SS_x = sum (x - xbar)^2 ,  alpha = ybar - beta xbar
//! ```

/// Arithmetic mean (`NaN` for an empty slice).
pub(crate) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Sum of squared deviations from the mean, `sum (v - vbar)^2`.
pub(crate) fn sum_sq_dev(v: &[f64], mean: f64) -> f64 {
    v.iter().map(|a| (a - mean).powi(2)).sum()
}

/// Weighted least squares of `y` on `[s, x]` with weights `1/s`: the simple regression of
/// trade-to-trade rows (Maynes–Rumsey 1993), in deviations from the weighted means
/// `ybar = sum y / S`, `xbar = sum x / S`, `S = sum s`:
///
/// ```text
/// beta = sum (x - s xbar)(y - s ybar)/s / SS_x ,  SS_x = sum (x - s xbar)^2 / s
/// alpha = ybar - beta xbar ,  SSR = sum (y - alpha s - beta x)^2 / s
/// ```
///
/// With every `s = 1` these are the ordinary two-pass sums, operation for operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SimpleRegression {
    pub alpha: f64,
    pub beta: f64,
    /// `S = sum s` (the row count when every span is 1).
    pub sum_span: f64,
    /// `xbar`.
    pub mean_x: f64,
    /// `SS_x`.
    pub ss_x: f64,
    /// `SS_y = sum (y - s ybar)^2 / s`.
    pub ss_y: f64,
    /// Weighted residual sum of squares.
    pub ssr: f64,
}

/// [`SimpleRegression`] of `y` on `[s, x]` over the first `min(len)` rows; `None` when `SS_x`
/// is zero or not finite (`X'WX` singular).
pub(crate) fn simple_regression(y: &[f64], x: &[f64], s: &[f64]) -> Option<SimpleRegression> {
    let n = y.len().min(x.len()).min(s.len());
    let (y, x, s) = (&y[..n], &x[..n], &s[..n]);
    let sum_span: f64 = s.iter().sum();
    let (my, mx) = (
        y.iter().sum::<f64>() / sum_span,
        x.iter().sum::<f64>() / sum_span,
    );
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for ((&yi, &xi), &si) in y.iter().zip(x).zip(s) {
        let (dx, dy) = (xi - si * mx, yi - si * my);
        sxx += dx * dx / si;
        sxy += dx * dy / si;
        syy += dy * dy / si;
    }
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let beta = sxy / sxx;
    let alpha = my - beta * mx;
    let ssr = y
        .iter()
        .zip(x)
        .zip(s)
        .map(|((&yi, &xi), &si)| (yi - alpha * si - beta * xi).powi(2) / si)
        .sum();
    Some(SimpleRegression {
        alpha,
        beta,
        sum_span,
        mean_x: mx,
        ss_x: sxx,
        ss_y: syy,
        ssr,
    })
}

/// The market-model leverage of a row `x = [s, R_m]`:
/// `x'(X'WX)^-1 x = s^2 / S + (R_m - s Rbar_m)^2 / SS_m` (MacKinlay 1997 eq. 7 for `s = 1`).
pub(crate) fn market_leverage(s: f64, rm: f64, sessions: f64, mean_m: f64, ss_m: f64) -> f64 {
    s * s / sessions + (rm - s * mean_m).powi(2) / ss_m
}

/// `sum s + g'(X'WX)^-1 g` for a window whose rows sum to `g = [s, R_m]`, summed left to
/// right as MacKinlay's `L2 + L2^2/M + (...)^2/SS_m` (so `s = L2` gives the same bits).
pub(crate) fn market_window_factor(s: f64, rm: f64, sessions: f64, mean_m: f64, ss_m: f64) -> f64 {
    s + s * s / sessions + (rm - s * mean_m).powi(2) / ss_m
}

/// A weighted least-squares fit of `y` on the columns of `X` (METHODS-SPEC §3.1).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinearFit {
    /// `theta = (X'WX)^-1 X'Wy`.
    pub theta: Vec<f64>,
    /// `(X'WX)^-1`, row-major `p × p`.
    pub xtx_inv: Vec<f64>,
    /// Weighted residual sum of squares `sum w e^2`.
    pub ssr: f64,
}

/// Largest condition estimate of the equilibrated `X'WX` accepted as full rank.
const MAX_CONDITION: f64 = 1e12;

/// Weighted least squares by Cholesky on the equilibrated normal equations (columns scaled
/// to unit diagonal, which makes the condition estimate scale-free). `rows` holds `n` rows of
/// `p` regressors, row-major; `w` the weights (`1/s`).
///
/// # Errors
/// [`super::FitError::Collinear`] when `X'WX` is singular or its condition estimate (the
/// squared ratio of the largest to the smallest Cholesky pivot) exceeds `1e12`.
pub(crate) fn weighted_least_squares(
    y: &[f64],
    rows: &[f64],
    p: usize,
    w: &[f64],
) -> Result<LinearFit, super::FitError> {
    let n = y.len();
    let mut a = vec![0.0; p * p];
    let mut b = vec![0.0; p];
    for i in 0..n {
        let x = &rows[i * p..(i + 1) * p];
        for r in 0..p {
            b[r] += w[i] * x[r] * y[i];
            for c in 0..p {
                a[r * p + c] += w[i] * x[r] * x[c];
            }
        }
    }
    let scale: Vec<f64> = (0..p).map(|r| a[r * p + r].sqrt()).collect();
    if scale.iter().any(|d| !(d.is_finite() && *d > 0.0)) {
        return Err(super::FitError::Collinear(f64::INFINITY));
    }
    let mut e = vec![0.0; p * p];
    for r in 0..p {
        for c in 0..p {
            e[r * p + c] = a[r * p + c] / (scale[r] * scale[c]);
        }
    }
    let l = cholesky(&e, p).ok_or(super::FitError::Collinear(f64::INFINITY))?;
    let pivots: Vec<f64> = (0..p).map(|i| l[i * p + i]).collect();
    let (lo, hi) = pivots
        .iter()
        .fold((f64::INFINITY, 0.0_f64), |(lo, hi), &d| {
            (lo.min(d), hi.max(d))
        });
    let condition = (hi / lo).powi(2);
    if !(condition.is_finite() && condition <= MAX_CONDITION) {
        return Err(super::FitError::Collinear(condition));
    }
    // (X'WX)^-1 = D^-1 E^-1 D^-1, E^-1 column by column from L L' = E.
    let mut inv = vec![0.0; p * p];
    for c in 0..p {
        let mut unit = vec![0.0; p];
        unit[c] = 1.0;
        let col = cholesky_solve(&l, p, &unit);
        for r in 0..p {
            inv[r * p + c] = col[r] / (scale[r] * scale[c]);
        }
    }
    let theta: Vec<f64> = (0..p)
        .map(|r| (0..p).map(|c| inv[r * p + c] * b[c]).sum())
        .collect();
    let ssr = (0..n)
        .map(|i| {
            let x = &rows[i * p..(i + 1) * p];
            let fitted: f64 = x.iter().zip(&theta).map(|(a, t)| a * t).sum();
            w[i] * (y[i] - fitted).powi(2)
        })
        .sum();
    Ok(LinearFit {
        theta,
        xtx_inv: inv,
        ssr,
    })
}

/// A weighted multiple regression as the models with `p` regressors report it: the
/// [`LinearFit`] plus `M`, `sigma2 = SSR / (M - p)` and the weighted R² about the weighted
/// mean (`ybar = sum y / sum s`, `SST = sum (y - s ybar)^2 / s` with `s = 1/w`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MultipleFit {
    pub fit: LinearFit,
    pub n: usize,
    pub sigma2: f64,
    pub r2: f64,
}

/// [`weighted_least_squares`] with the hard minimum of rows, the residual variance and R²
/// (shared by the Dimson and factor models).
///
/// # Errors
/// [`super::FitError::TooFew`] below `p + 3` rows, the errors of
/// [`weighted_least_squares`], and [`super::FitError::DegenerateVariance`].
pub(crate) fn multiple_regression(
    y: &[f64],
    rows: &[f64],
    p: usize,
    w: &[f64],
) -> Result<MultipleFit, super::FitError> {
    let n = y.len();
    let need = super::hard_minimum(p);
    if n < need {
        return Err(super::FitError::TooFew { got: n, need });
    }
    let fit = weighted_least_squares(y, rows, p, w)?;
    let sigma2 = fit.ssr / (n - p) as f64;
    if !(sigma2 >= 0.0 && sigma2.is_finite()) {
        return Err(super::FitError::DegenerateVariance(sigma2));
    }
    let spans: Vec<f64> = w.iter().map(|w| 1.0 / w).collect();
    let ybar = y.iter().sum::<f64>() / spans.iter().sum::<f64>();
    let sst: f64 = y
        .iter()
        .zip(&spans)
        .map(|(y, s)| (y - ybar * s).powi(2) / s)
        .sum();
    let r2 = if sst > 0.0 { 1.0 - fit.ssr / sst } else { 0.0 };
    Ok(MultipleFit { fit, n, sigma2, r2 })
}

/// `x' A x` for a row-major `p × p` matrix.
pub(crate) fn quadratic_form(a: &[f64], x: &[f64]) -> f64 {
    let p = x.len();
    (0..p)
        .map(|r| x[r] * (0..p).map(|c| a[r * p + c] * x[c]).sum::<f64>())
        .sum()
}

/// Lower-triangular `L` with `L L' = a`, or `None` when `a` is not positive definite.
fn cholesky(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let mut sum = a[i * p + j];
            for k in 0..j {
                sum -= l[i * p + k] * l[j * p + k];
            }
            if i == j {
                if !(sum > 0.0) {
                    return None;
                }
                l[i * p + i] = sum.sqrt();
            } else {
                l[i * p + j] = sum / l[j * p + j];
            }
        }
    }
    Some(l)
}

/// Solve `L L' x = b`.
fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut z = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|k| l[i * p + k] * z[k]).sum();
        z[i] = (b[i] - s) / l[i * p + i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|k| l[k * p + i] * x[k]).sum();
        x[i] = (z[i] - s) / l[i * p + i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_regression_recovers_an_exact_line() {
        let x = [0.01, -0.02, 0.005, 0.03];
        let y: Vec<f64> = x.iter().map(|v| 0.002 + 0.8 * v).collect();
        let r = simple_regression(&y, &x, &[1.0; 4]).unwrap();
        assert!((r.alpha - 0.002).abs() < 1e-15);
        assert!((r.beta - 0.8).abs() < 1e-14);
        assert!(r.ssr < 1e-30);
        assert!((r.mean_x - 0.006_25).abs() < 1e-17);
    }

    #[test]
    fn constant_regressor_is_singular() {
        assert_eq!(
            simple_regression(&[1.0, 2.0, 3.0], &[0.5; 3], &[1.0; 3]),
            None
        );
    }

    #[test]
    fn weighted_regression_of_a_span_three_row_matches_the_normal_equations() {
        // y = 0.001 s + 1.2 x exactly, one row spanning 3 sessions: recovered exactly.
        let s = [1.0, 1.0, 3.0, 1.0, 1.0];
        let x = [0.01, -0.02, 0.03, 0.015, -0.005];
        let y: Vec<f64> = x.iter().zip(&s).map(|(x, s)| 0.001 * s + 1.2 * x).collect();
        let r = simple_regression(&y, &x, &s).unwrap();
        assert!((r.alpha - 0.001).abs() < 1e-15);
        assert!((r.beta - 1.2).abs() < 1e-13);
        assert_eq!(r.sum_span, 7.0);
        let rows: Vec<f64> = s.iter().zip(&x).flat_map(|(s, x)| [*s, *x]).collect();
        let w: Vec<f64> = s.iter().map(|s| 1.0 / s).collect();
        let f = weighted_least_squares(&y, &rows, 2, &w).unwrap();
        assert!((f.theta[0] - 0.001).abs() < 1e-14);
        assert!((f.theta[1] - 1.2).abs() < 1e-12);
    }

    #[test]
    fn weighted_least_squares_recovers_three_coefficients_and_the_inverse() {
        // Rows [1, a, b]; y = 0.5 + 2a - b exactly; (X'X)^-1 checked against X'X.
        let a = [0.1, 0.4, -0.3, 0.2, 0.0, -0.1];
        let b = [0.3, -0.2, 0.1, 0.5, -0.4, 0.2];
        let rows: Vec<f64> = a.iter().zip(&b).flat_map(|(a, b)| [1.0, *a, *b]).collect();
        let y: Vec<f64> = a.iter().zip(&b).map(|(a, b)| 0.5 + 2.0 * a - b).collect();
        let f = weighted_least_squares(&y, &rows, 3, &[1.0; 6]).unwrap();
        for (t, want) in f.theta.iter().zip([0.5, 2.0, -1.0]) {
            assert!((t - want).abs() < 1e-12, "{t} vs {want}");
        }
        assert!(f.ssr < 1e-25);
        // (X'X) (X'X)^-1 = I
        let mut xtx = [0.0; 9];
        for i in 0..6 {
            for r in 0..3 {
                for c in 0..3 {
                    xtx[r * 3 + c] += rows[i * 3 + r] * rows[i * 3 + c];
                }
            }
        }
        for r in 0..3 {
            for c in 0..3 {
                let v: f64 = (0..3).map(|k| xtx[r * 3 + k] * f.xtx_inv[k * 3 + c]).sum();
                assert!((v - f64::from(u8::from(r == c))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn collinear_columns_are_refused() {
        let a = [0.1, 0.4, -0.3, 0.2];
        let rows: Vec<f64> = a.iter().flat_map(|a| [1.0, *a, 2.0 * a]).collect();
        let r = weighted_least_squares(&[1.0, 2.0, 3.0, 4.0], &rows, 3, &[1.0; 4]);
        assert!(matches!(r, Err(crate::models::FitError::Collinear(_))));
    }

    #[test]
    fn mean_and_squared_deviations_of_one_two_three() {
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(sum_sq_dev(&[1.0, 2.0, 3.0], 2.0), 2.0);
    }
}
