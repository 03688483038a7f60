//! Cross-event test statistics (placeholder until the test family lands).

use serde::{Deserialize, Serialize};

/// A test statistic across events (METHODS-SPEC §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// Cross-sectional t.
    CsectT,
}

impl TestKind {
    /// The default set.
    pub const DEFAULT: &'static [TestKind] = &[TestKind::CsectT];
}
