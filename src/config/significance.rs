//! Settings of the cross-event tests: the test names (stable, used as the `test` column of
//! `tests.csv`), the alternative hypothesis, the GRANK variant and the `rbar` of the
//! Kolari–Pynnönen adjustments (METHODS-SPEC §5.5, §5.8, §5.11). The statistics themselves live in `stats::significance`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One cross-event test statistic (METHODS-SPEC §5.1–§5.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    /// Cross-sectional t (§5.1).
    CsectT,
    /// Brown–Warner crude-dependence-adjusted time-series t (§5.2).
    BwT,
    /// Campbell–Lo–MacKinlay `J1` (§5.2).
    J1,
    /// Patell standardized-residual Z (§5.3).
    PatellZ,
    /// Kolari–Pynnönen adjusted Patell Z (§5.3).
    PatellZKp,
    /// Boehmer–Musumeci–Poulsen standardized cross-sectional t (§5.4).
    BmpT,
    /// Kolari–Pynnönen adjusted BMP t (§5.5).
    KpBmpT,
    /// Corrado rank test; Cowan's CAR version on windows (§5.6).
    Corrado,
    /// Corrado–Zivney standardized rank test, days only (§5.6).
    CorradoZivney,
    /// Simple sign test (§5.7).
    Sign,
    /// Cowan generalized sign test (§5.7).
    GenSign,
    /// Kolari–Pynnönen generalized rank t (§5.8).
    GrankT,
    /// Generalized rank Z with the independence variance (§5.8).
    GrankZ,
    /// Wilcoxon signed-rank test (§5.9).
    Wilcoxon,
    /// Hall skewness-adjusted t (§5.10).
    SkewT,
}

impl TestKind {
    /// Every test, in the order of METHODS-SPEC §5.
    pub const ALL: &[TestKind] = &[
        TestKind::CsectT,
        TestKind::BwT,
        TestKind::J1,
        TestKind::PatellZ,
        TestKind::PatellZKp,
        TestKind::BmpT,
        TestKind::KpBmpT,
        TestKind::Corrado,
        TestKind::CorradoZivney,
        TestKind::Sign,
        TestKind::GenSign,
        TestKind::GrankT,
        TestKind::GrankZ,
        TestKind::Wilcoxon,
        TestKind::SkewT,
    ];

    /// The set a referee expects to see: parametric with and without event-induced variance
    /// and clustering corrections, plus rank, sign and skewness-robust alternatives.
    pub const DEFAULT: &[TestKind] = &[
        TestKind::CsectT,
        TestKind::BwT,
        TestKind::PatellZ,
        TestKind::BmpT,
        TestKind::KpBmpT,
        TestKind::Corrado,
        TestKind::GenSign,
        TestKind::GrankT,
        TestKind::Wilcoxon,
        TestKind::SkewT,
    ];

    /// Short stable name, e.g. `patell_z_kp`.
    pub const fn name(self) -> &'static str {
        match self {
            TestKind::CsectT => "csect_t",
            TestKind::BwT => "bw_t",
            TestKind::J1 => "j1",
            TestKind::PatellZ => "patell_z",
            TestKind::PatellZKp => "patell_z_kp",
            TestKind::BmpT => "bmp_t",
            TestKind::KpBmpT => "kp_bmp_t",
            TestKind::Corrado => "corrado",
            TestKind::CorradoZivney => "corrado_zivney",
            TestKind::Sign => "sign",
            TestKind::GenSign => "gen_sign",
            TestKind::GrankT => "grank_t",
            TestKind::GrankZ => "grank_z",
            TestKind::Wilcoxon => "wilcoxon",
            TestKind::SkewT => "skew_t",
        }
    }
}

impl fmt::Display for TestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the known option values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being parsed, e.g. `test`.
    pub what: &'static str,
    /// The name given.
    pub given: String,
    /// The accepted names.
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected one of: {})",
            self.what,
            self.given,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

impl FromStr for TestKind {
    type Err = UnknownName;

    /// # Errors
    /// [`UnknownName`] when `s` is not one of the names of [`TestKind::name`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TestKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownName {
                what: "test",
                given: s.to_owned(),
                expected: TestKind::ALL.iter().map(|k| k.name()).collect(),
            })
    }
}

/// The alternative hypothesis of every p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// `H1: mean != 0`; `p = 2 sf(|stat|)`.
    #[default]
    TwoSided,
    /// `H1: mean < 0`; `p = cdf(stat)`.
    Less,
    /// `H1: mean > 0`; `p = sf(stat)`.
    Greater,
}

impl Alternative {
    /// How the p-values read in the reports: `two-sided`, `one-sided (less)`,
    /// `one-sided (greater)`.
    pub fn label(self) -> &'static str {
        match self {
            Alternative::TwoSided => "two-sided",
            Alternative::Less => "one-sided (less)",
            Alternative::Greater => "one-sided (greater)",
        }
    }
}

impl FromStr for Alternative {
    type Err = UnknownName;

    /// # Errors
    /// [`UnknownName`] unless `s` is `two-sided`, `less` or `greater`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "two-sided" => Ok(Alternative::TwoSided),
            "less" => Ok(Alternative::Less),
            "greater" => Ok(Alternative::Greater),
            _ => Err(UnknownName {
                what: "alternative",
                given: s.to_owned(),
                expected: vec!["two-sided", "less", "greater"],
            }),
        }
    }
}

/// Which reading of Kolari–Pynnönen (2011) GRANK to compute (METHODS-SPEC §5.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GrankVariant {
    /// The paper as described in §5.8: `U = rank/(T_i+1) - 1/2`, `T = L1 + 1`.
    #[default]
    Paper,
    /// Stata `estudy`: `U = rank/T_i - 1/2`, sum divided by `L1`, `T = L1`, `t(L1 - 2)`.
    Estudy,
}

impl FromStr for GrankVariant {
    type Err = UnknownName;

    /// # Errors
    /// [`UnknownName`] unless `s` is `paper` or `estudy`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "paper" => Ok(GrankVariant::Paper),
            "estudy" => Ok(GrankVariant::Estudy),
            _ => Err(UnknownName {
                what: "grank variant",
                given: s.to_owned(),
                expected: vec!["paper", "estudy"],
            }),
        }
    }
}

/// Which average cross-correlation `rbar` the Kolari–Pynnönen adjustments use (METHODS-SPEC
/// §5.5; METHODS.md §4.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RbarMethod {
    /// Kolari, Pape & Pynnönen (2018): each pair's residual correlation weighted by the share
    /// of the CAR window that the two events' windows have in common (`0` when they never meet).
    #[default]
    Overlap,
    /// Kolari & Pynnönen (2010): the plain mean of the calendar-aligned residual correlations.
    Calendar,
}

impl RbarMethod {
    /// Stable name used on the command line and in files.
    pub const fn name(self) -> &'static str {
        match self {
            RbarMethod::Overlap => "overlap",
            RbarMethod::Calendar => "calendar",
        }
    }
}

impl FromStr for RbarMethod {
    type Err = UnknownName;

    /// # Errors
    /// [`UnknownName`] unless `s` is `overlap` or `calendar`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "overlap" => Ok(RbarMethod::Overlap),
            "calendar" => Ok(RbarMethod::Calendar),
            _ => Err(UnknownName {
                what: "rbar method",
                given: s.to_owned(),
                expected: vec!["overlap", "calendar"],
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    #[test]
    fn every_name_parses_back_to_its_kind() {
        for &k in TestKind::ALL {
            assert_eq!(k.name().parse::<TestKind>().unwrap(), k);
        }
        assert_eq!(TestKind::ALL.len(), 15);
    }

    #[test]
    fn serde_names_are_the_stable_names() {
        for &k in TestKind::ALL {
            let de: StrDeserializer<'_, ValueError> = k.name().into_deserializer();
            assert_eq!(TestKind::deserialize(de).unwrap(), k);
        }
        let de: StrDeserializer<'_, ValueError> = "two-sided".into_deserializer();
        assert_eq!(Alternative::deserialize(de).unwrap(), Alternative::TwoSided);
    }

    #[test]
    fn unknown_test_name_lists_the_accepted_ones() {
        let err = "patell".parse::<TestKind>().unwrap_err().to_string();
        assert!(err.starts_with("unknown test \"patell\" (expected one of: csect_t, bw_t"));
    }

    #[test]
    fn rbar_methods_parse_from_their_names() {
        for m in [RbarMethod::Overlap, RbarMethod::Calendar] {
            assert_eq!(m.name().parse::<RbarMethod>().unwrap(), m);
            let de: StrDeserializer<'_, ValueError> = m.name().into_deserializer();
            assert_eq!(RbarMethod::deserialize(de).unwrap(), m);
        }
        assert_eq!(RbarMethod::default(), RbarMethod::Overlap);
        assert!("pairs".parse::<RbarMethod>().is_err());
    }

    #[test]
    fn default_set_is_a_subset_of_all() {
        assert_eq!(TestKind::DEFAULT.len(), 10);
        assert!(TestKind::DEFAULT.iter().all(|k| TestKind::ALL.contains(k)));
    }
}
