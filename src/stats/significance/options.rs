//! Settings of the test layer, taken once from the study's settings: which tests, the
//! alternative hypothesis, the GRANK variant, which `rbar` the Kolari–Pynnönen adjustments
//! use and the minimum common dates of a pair in it (METHODS-SPEC §5.5, §5.8, §5.11).

use serde::{Deserialize, Serialize};

use crate::config::{Alternative, GrankVariant, RbarMethod, StudyConfig, TestKind};

/// Settings of the test layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TestOptions {
    /// Tests to compute, in output order.
    pub tests: Vec<TestKind>,
    /// Alternative hypothesis of every p-value.
    pub alternative: Alternative,
    /// GRANK variant (§5.8).
    pub grank_variant: GrankVariant,
    /// Minimum common estimation dates for a pair to enter `rbar` (§5.5; default 30).
    pub min_common_dates: usize,
    /// `rbar` of the Kolari–Pynnönen tests: overlap-weighted (default) or calendar.
    pub rbar: RbarMethod,
    /// Largest sample whose `rbar` is the exact average over its pairs; a larger one uses
    /// the day-0 groups (`grouped.rs`, linear in events; default [`RBAR_EXACT_MAX`]).
    pub rbar_exact_max: usize,
}

impl Default for TestOptions {
    fn default() -> Self {
        TestOptions {
            tests: TestKind::DEFAULT.to_vec(),
            alternative: Alternative::TwoSided,
            grank_variant: GrankVariant::Paper,
            min_common_dates: 30,
            rbar: RbarMethod::Overlap,
            rbar_exact_max: crate::config::RBAR_EXACT_MAX,
        }
    }
}

impl TestOptions {
    /// The test options of a study.
    pub fn from_config(cfg: &StudyConfig) -> Self {
        TestOptions {
            tests: cfg.tests.clone(),
            alternative: cfg.alternative,
            grank_variant: cfg.grank_variant,
            min_common_dates: 30,
            rbar: cfg.rbar,
            rbar_exact_max: cfg.rbar_exact_max,
        }
    }
}
