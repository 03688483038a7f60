//! p-values from statrs survival functions (never `1 - cdf`, which loses the tails).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Two-sided p of `x` against Student t with `df` degrees of freedom: `2 sf(|x|)`.
pub fn student_t_two_sided(x: f64, df: f64) -> Option<f64> {
    if !x.is_finite() || !(df > 0.0) {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    Some((2.0 * t.sf(x.abs())).min(1.0))
}

/// Two-sided p of `z` against N(0,1): `2 sf(|z|)`.
pub fn normal_two_sided(z: f64) -> Option<f64> {
    if !z.is_finite() {
        return None;
    }
    let n = Normal::standard();
    Some((2.0 * n.sf(z.abs())).min(1.0))
}
