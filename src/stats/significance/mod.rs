//! Cross-event test statistics for AARs (one relative day) and CAARs (one window), METHODS-SPEC
//! §5. One file per test family, each opening with its formula and sources:
//!
//! | file | tests | § |
//! |---|---|---|
//! | `cross_sectional.rs` | `csect_t` | 5.1 |
//! | `brown_warner.rs` | `bw_t`, `j1` | 5.2 |
//! | `patell.rs` | `patell_z`, `patell_z_kp` | 5.3 |
//! | `bmp.rs` | `bmp_t`, `kp_bmp_t` | 5.4, 5.5 |
//! | `corrado.rs` | `corrado`, `corrado_zivney` | 5.6 |
//! | `sign.rs` | `sign`, `gen_sign` | 5.7 |
//! | `grank.rs` | `grank_t`, `grank_z` | 5.8 |
//! | `wilcoxon.rs` | `wilcoxon` | 5.9 |
//! | `skewness.rs` | `skew_t` | 5.10 |
//! | `correlation.rs`, `pairwise.rs`, `overlap.rs` | `rbar` for the Kolari–Pynnönen adjustments | 5.5 |
//!
//! Every test reads a [`Sample`] (`sample.rs`): one group's events plus what the tests derive
//! from all of them (rank sums, estimation AARs, ...), computed once per group rather than
//! once per day and window. `parallel.rs` shares the pairs of `rbar` (and, in
//! `stats::aggregate`, the groups) among the cores; results never depend on the core count.
//!
//! Conventions shared by every test: an event missing the day's value (or the window's) is
//! left out and `n` counts the events used — the aggregation hands a window's tests only the
//! window's events, as a sample of their own, so that all of them use the same events
//! (`stats::test_events`; see #10); a statistic whose denominator is zero or not
//! finite, or whose sample is too small, is returned with `statistic: None` and a `note`
//! (`n<2`, `zero_variance`, ...); p-values follow [`Alternative`] (two-sided `2 sf(|x|)`).
//! Nothing here panics or returns a non-finite number.

mod bmp;
mod brown_warner;
mod common;
mod corrado;
mod correlation;
mod cross_sectional;
mod grank;
mod grouped;
mod options;
mod overlap;
mod pairwise;
mod parallel;
mod patell;
mod sample;
mod sign;
mod skewness;
mod wilcoxon;

#[cfg(test)]
mod equivalence_tests;
#[cfg(test)]
mod fixtures_tests;
#[cfg(test)]
mod properties_tests;
#[cfg(test)]
mod timing_tests;

pub use crate::config::{Alternative, GrankVariant, RbarMethod, TestKind, UnknownName};
pub use correlation::{CrossCorrelation, PairSums, cross_correlation, target_correlations};
pub use grouped::grouped_correlations;
pub use options::TestOptions;
pub use overlap::Target;
pub(crate) use parallel::map_parallel;
pub use sample::{Sample, SharedRanks};

use common::Span;

use crate::stats::cross_section::{TestStat, WindowValues};

/// The requested tests on relative day `day` (AAR tests), in the order of `opts.tests`.
///
/// Each test uses the events of `sample` with a value on that day (`AR_it` or `SAR_it`); the
/// tests that need estimation-window data read it from the sample too, and what they derive
/// from the whole sample (rank sums, estimation AARs) is computed on the first call and
/// reused by the later ones. `rho` feeds the Kolari–Pynnönen adjustments: the `rbar` of the
/// day's events ([`target_correlations`]; [`cross_correlation`] for the calendar `rbar` of a
/// whole sample).
pub fn day_tests(
    sample: &Sample<'_>,
    day: i32,
    rho: &CrossCorrelation,
    opts: &TestOptions,
) -> Vec<TestStat> {
    run(sample, Span::Day(day), rho, opts)
}

/// The requested tests on the window `[from, to]` (CAAR tests), in the order of `opts.tests`.
///
/// `values[i]` holds the CAR, SCAR and CSAR over the window of the sample's `i`-th event;
/// events beyond the shorter of the two are ignored. Each test uses the events whose needed
/// window value is present; to run every test on the same events, pass a sample of just the
/// events with all of them (as `stats::aggregate` does). `rho` is the `rbar` of those events.
pub fn window_tests(
    sample: &Sample<'_>,
    values: &[WindowValues],
    from: i32,
    to: i32,
    rho: &CrossCorrelation,
    opts: &TestOptions,
) -> Vec<TestStat> {
    run(sample, Span::Window { values, from, to }, rho, opts)
}

fn run(
    sample: &Sample<'_>,
    span: Span<'_>,
    rho: &CrossCorrelation,
    opts: &TestOptions,
) -> Vec<TestStat> {
    let mut memo = grank::Memo::default();
    opts.tests
        .iter()
        .map(|&kind| one(kind, sample, span, rho, opts, &mut memo))
        .collect()
}

fn one(
    kind: TestKind,
    sample: &Sample<'_>,
    span: Span<'_>,
    rho: &CrossCorrelation,
    opts: &TestOptions,
    memo: &mut grank::Memo,
) -> TestStat {
    let alt = opts.alternative;
    match kind {
        TestKind::CsectT => cross_sectional::csect_t(sample, span, alt),
        TestKind::BwT => brown_warner::bw_t(sample, span, alt),
        TestKind::J1 => brown_warner::j1(sample, span, alt),
        TestKind::PatellZ => patell::patell_z(sample, span, alt),
        TestKind::PatellZKp => patell::patell_z_kp(sample, span, rho, alt),
        TestKind::BmpT => bmp::bmp_t(sample, span, alt),
        TestKind::KpBmpT => bmp::kp_bmp_t(sample, span, rho, alt),
        TestKind::Corrado => corrado::corrado(sample, span, alt),
        TestKind::CorradoZivney => corrado::corrado_zivney(sample, span, alt),
        TestKind::Sign => sign::sign(sample, span, alt),
        TestKind::GenSign => sign::gen_sign(sample, span, alt),
        TestKind::GrankT => grank::grank_t(sample, span, opts.grank_variant, alt, memo),
        TestKind::GrankZ => grank::grank_z(sample, span, alt, memo),
        TestKind::Wilcoxon => wilcoxon::wilcoxon(sample, span, alt),
        TestKind::SkewT => skewness::skew_t(sample, span, alt),
    }
}
