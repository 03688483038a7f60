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

/// OLS of `y` on `[1, x]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SimpleRegression {
    pub alpha: f64,
    pub beta: f64,
    /// `xbar`.
    pub mean_x: f64,
    /// `SS_x`.
    pub ss_x: f64,
    /// `SS_y = sum (y - ybar)^2`.
    pub ss_y: f64,
    /// Residual sum of squares.
    pub ssr: f64,
}

/// OLS of `y` on `[1, x]` over the first `min(len)` rows; `None` when `SS_x` is zero or not
/// finite (`X'X` singular).
pub(crate) fn simple_regression(y: &[f64], x: &[f64]) -> Option<SimpleRegression> {
    let n = y.len().min(x.len());
    let (y, x) = (&y[..n], &x[..n]);
    let (my, mx) = (mean(y), mean(x));
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (&yi, &xi) in y.iter().zip(x) {
        let (dx, dy) = (xi - mx, yi - my);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let beta = sxy / sxx;
    let alpha = my - beta * mx;
    let ssr = y
        .iter()
        .zip(x)
        .map(|(&yi, &xi)| (yi - alpha - beta * xi).powi(2))
        .sum();
    Some(SimpleRegression {
        alpha,
        beta,
        mean_x: mx,
        ss_x: sxx,
        ss_y: syy,
        ssr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_regression_recovers_an_exact_line() {
        let x = [0.01, -0.02, 0.005, 0.03];
        let y: Vec<f64> = x.iter().map(|v| 0.002 + 0.8 * v).collect();
        let r = simple_regression(&y, &x).unwrap();
        assert!((r.alpha - 0.002).abs() < 1e-15);
        assert!((r.beta - 0.8).abs() < 1e-14);
        assert!(r.ssr < 1e-30);
        assert!((r.mean_x - 0.006_25).abs() < 1e-17);
    }

    #[test]
    fn constant_regressor_is_singular() {
        assert_eq!(simple_regression(&[1.0, 2.0, 3.0], &[0.5; 3]), None);
    }

    #[test]
    fn mean_and_squared_deviations_of_one_two_three() {
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(sum_sq_dev(&[1.0, 2.0, 3.0], 2.0), 2.0);
    }
}
