//! p-values, the one helper every statistic uses: statrs survival functions for the upper
//! tail (never `1 - cdf`, which loses the tails), `cdf` for the lower one.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::config::Alternative;

/// Reference distribution of a statistic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reference {
    /// Standard normal.
    Normal,
    /// Student t with the given degrees of freedom.
    StudentT(f64),
    /// An exact distribution the test computes itself.
    Exact,
}

impl Reference {
    /// Name written in `tests.csv`'s `distribution` column.
    pub fn label(self) -> &'static str {
        match self {
            Reference::Normal => "normal",
            Reference::StudentT(_) => "t",
            Reference::Exact => "exact",
        }
    }

    /// Degrees of freedom, for Student t.
    pub fn df(self) -> Option<f64> {
        match self {
            Reference::StudentT(df) => Some(df),
            Reference::Normal | Reference::Exact => None,
        }
    }
}

/// p-value of `x` under `reference` for `alternative`: two-sided `2 sf(|x|)`, `less`
/// `cdf(x)`, `greater` `sf(x)`. `None` for an exact reference (the test computes its own),
/// a non-finite `x` or an unusable `df`.
pub fn p_value(x: f64, reference: Reference, alternative: Alternative) -> Option<f64> {
    if !x.is_finite() {
        return None;
    }
    let p = match alternative {
        Alternative::TwoSided => 2.0 * upper_tail(x.abs(), reference)?,
        Alternative::Less => lower_tail(x, reference)?,
        Alternative::Greater => upper_tail(x, reference)?,
    };
    p.is_finite().then_some(p.clamp(0.0, 1.0))
}

/// `P(X >= x)` by the distribution's survival function.
fn upper_tail(x: f64, reference: Reference) -> Option<f64> {
    match reference {
        Reference::Normal => Some(Normal::standard().sf(x)),
        Reference::StudentT(df) => Some(StudentsT::new(0.0, 1.0, df).ok()?.sf(x)),
        Reference::Exact => None,
    }
}

/// `P(X <= x)` by the distribution's cdf.
fn lower_tail(x: f64, reference: Reference) -> Option<f64> {
    match reference {
        Reference::Normal => Some(Normal::standard().cdf(x)),
        Reference::StudentT(df) => Some(StudentsT::new(0.0, 1.0, df).ok()?.cdf(x)),
        Reference::Exact => None,
    }
}
