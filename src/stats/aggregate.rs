//! Across events (METHODS-SPEC §5.0): AAR per relative day, CAAR per day (mean of the
//! events' running CARs) and per CAR window (mean of available CARs, the same events as
//! its tests), ABHAR, and every requested test statistic — for all events and for each
//! `group` of the events file.
//!
//! ```text
//! AAR_t = (1/N_t) sum_i AR_it        CAAR(t1,t2) = (1/N_W) sum_i CAR_i(t1,t2)
//! ```

use serde::{Deserialize, Serialize};

use super::cross_section::{EventSeries, TestStat, WindowValues};
use super::event::DayStats;
use super::significance::{
    CrossCorrelation, Sample, TestOptions, cross_correlation, day_tests, map_parallel,
    partitioned_cross_correlation, window_tests,
};
use crate::config::{TestKind, Window};

/// What the aggregation reads of one computed event (the result schema implements it, so
/// this layer never names the schema's types).
pub trait EventOutcome: Sync {
    /// The event's `group` from the events file.
    fn group(&self) -> &str;
    /// Estimation and event-window ARs for the tests.
    fn series(&self) -> &EventSeries;
    /// The figures of relative day `rel_day`, when it is in the event window.
    fn day(&self, rel_day: i32) -> Option<DayStats>;
    /// The values of CAR window `w`, when it was computed.
    fn window(&self, w: Window) -> Option<WindowValues>;
    /// The limit-adjusted reaction, when the event has limit analysis.
    fn free(&self) -> Option<FreeValues>;
}

/// The limit-adjusted reaction of one event (METHODS-SPEC §7.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeValues {
    /// `CAR(0, f)`, `BHAR(0, f)`, `SCAR(0, f)` and the number of AR days, as window values.
    pub values: WindowValues,
    /// Whether the post-free-day CAR continues (`Some(true)`) or reverses the reaction.
    pub continuation: Option<bool>,
    /// Whether day 0 closed at a limit (the `limit_day0` subsample).
    pub limit_day0: bool,
}

/// One relative day across the events of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AarRow {
    /// Relative day.
    pub rel_day: i32,
    /// Events with an AR that day.
    pub n: usize,
    /// Average abnormal return.
    pub aar: Option<f64>,
    /// Mean of the events' CARs from the window start through this day.
    pub caar: Option<f64>,
    /// Running sum of AAR (for charts; differs from `caar` when ARs are missing).
    pub caar_sum: Option<f64>,
    /// Half-width of the 95% interval of AAR from the day's cross-sectional t:
    /// `t_{0.975, df} · |AAR / t|` (1.96 for a normal reference); `None` without `csect_t`.
    #[serde(default)]
    pub aar_half95: Option<f64>,
    /// Day tests.
    pub tests: Vec<TestStat>,
}

/// One CAR window across the events of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaarRow {
    /// The window.
    pub window: Window,
    /// Events with a CAR over it.
    pub n: usize,
    /// Mean CAR.
    pub caar: Option<f64>,
    /// Mean BHAR (events with a complete window).
    pub abhar: Option<f64>,
    /// Window tests.
    pub tests: Vec<TestStat>,
}

/// Cross-event results of one group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupResults {
    /// `all`, or a value of the events file's `group` column.
    pub group: String,
    /// Computed events in the group.
    pub n_events: usize,
    /// Positions of the group's events in the study's event list.
    #[serde(default)]
    pub members: Vec<usize>,
    /// Average residual cross-correlation used by the Kolari–Pynnönen tests.
    pub cross_correlation: CrossCorrelation,
    /// Per relative day.
    pub days: Vec<AarRow>,
    /// Per CAR window.
    pub windows: Vec<CaarRow>,
    /// The limit-adjusted reaction `CAR_free = CAR(0, f)` across events (METHODS-SPEC §7.2),
    /// when any event of the group has limit analysis.
    pub car_free: Option<FreeRow>,
}

/// `CAR_free` across events: each event over its own window `[0, f_i]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FreeRow {
    /// Events with a `CAR_free`.
    pub n: usize,
    /// Mean `CAR_free`.
    pub caar_free: Option<f64>,
    /// Mean `BHAR_free`.
    pub abhar_free: Option<f64>,
    /// Events whose post-free-day CAR continues the reaction (delayed price discovery).
    pub n_continuation: usize,
    /// Events whose post-free-day CAR reverses it (overreaction).
    pub n_reversal: usize,
    /// csect_t, bmp_t, kp_bmp_t and grank_t on `CAR_free` / `sar_free` (BW needs a common
    /// window and is not reported).
    pub tests: Vec<TestStat>,
}

fn mean(v: impl Iterator<Item = f64>) -> (usize, Option<f64>) {
    let (n, s) = v.fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
    (n, (n > 0).then(|| s / n as f64))
}

/// Whether the requested tests need the cross-correlation `rbar`.
fn needs_rho(opts: &TestOptions) -> bool {
    opts.tests
        .iter()
        .any(|t| matches!(t.name(), "kp_bmp_t" | "patell_z_kp"))
}

/// Aggregate the events of one group.
pub fn aggregate<E: EventOutcome>(
    group: &str,
    events: &[&E],
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> GroupResults {
    let sample = Sample::new(events.iter().map(|e| e.series()));
    let rho = if needs_rho(opts) && sample.len() > 1 {
        cross_correlation(&sample, opts.min_common_dates)
    } else {
        CrossCorrelation::ZERO
    };
    aggregate_with(group, events, &sample, rho, window, car_windows, opts)
}

/// [`aggregate`] with the group's sample and `rbar` already at hand.
fn aggregate_with<E: EventOutcome>(
    group: &str,
    events: &[&E],
    sample: &Sample<'_>,
    rho: CrossCorrelation,
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> GroupResults {
    let mut running = 0.0;
    let days = (window.from..=window.to)
        .map(|t| {
            let day = |e: &&E| e.day(t);
            let (n, aar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.ar)));
            let (_, caar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.car)));
            running += aar.unwrap_or(0.0);
            let tests = day_tests(sample, t, &rho, opts);
            AarRow {
                rel_day: t,
                n,
                aar,
                caar,
                caar_sum: aar.map(|_| running),
                aar_half95: aar.and_then(|a| half_width_95(a, &tests)),
                tests,
            }
        })
        .collect();
    let windows = car_windows
        .iter()
        .map(|&w| {
            let values: Vec<WindowValues> = events
                .iter()
                .map(|e| e.window(w).unwrap_or(WindowValues::MISSING))
                .collect();
            let (n, caar) = mean(values.iter().filter_map(|v| v.car));
            let (_, abhar) = mean(values.iter().filter_map(|v| v.bhar));
            CaarRow {
                window: w,
                n,
                caar,
                abhar,
                tests: window_tests(sample, &values, w.from, w.to, &rho, opts),
            }
        })
        .collect();
    let car_free = car_free_row(events, sample, &rho, opts);
    GroupResults {
        group: group.to_string(),
        n_events: events.len(),
        members: Vec::new(),
        cross_correlation: rho,
        days,
        windows,
        car_free,
    }
}

/// `t_{0.975, df} · |AAR / t|` from the day's cross-sectional t (1.96 for a normal reference).
fn half_width_95(aar: f64, tests: &[TestStat]) -> Option<f64> {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let aar = Some(aar).filter(|a| a.is_finite())?;
    let test = tests.iter().find(|t| t.name == TestKind::CsectT.name())?;
    let t = test.statistic.filter(|t| t.is_finite() && *t != 0.0)?;
    let crit = match test.df {
        Some(df) if df > 0.0 => StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975),
        _ => 1.96,
    };
    let half = crit * (aar / t).abs();
    half.is_finite().then_some(half)
}

fn car_free_row<E: EventOutcome>(
    events: &[&E],
    sample: &Sample<'_>,
    rho: &CrossCorrelation,
    opts: &TestOptions,
) -> Option<FreeRow> {
    let free: Vec<Option<FreeValues>> = events.iter().map(|e| e.free()).collect();
    if free.iter().all(Option::is_none) {
        return None;
    }
    let values: Vec<WindowValues> = free
        .iter()
        .map(|f| f.map_or(WindowValues::MISSING, |f| f.values))
        .collect();
    let (n, caar_free) = mean(values.iter().filter_map(|v| v.car));
    let (_, abhar_free) = mean(values.iter().filter_map(|v| v.bhar));
    let cont = |want: bool| {
        free.iter()
            .filter(|f| f.and_then(|f| f.continuation) == Some(want))
            .count()
    };
    let free_opts = TestOptions {
        tests: [
            TestKind::CsectT,
            TestKind::BmpT,
            TestKind::KpBmpT,
            TestKind::GrankT,
        ]
        .into_iter()
        .filter(|t| opts.tests.contains(t) || matches!(t, TestKind::CsectT | TestKind::BmpT))
        .collect(),
        ..opts.clone()
    };
    Some(FreeRow {
        n,
        caar_free,
        abhar_free,
        n_continuation: cont(true),
        n_reversal: cont(false),
        tests: window_tests(sample, &values, 0, 0, rho, &free_opts),
    })
}

/// Subsample of the events whose day 0 closed at a daily limit.
pub const LIMIT_DAY0: &str = "limit_day0";
/// Subsample of the events whose day 0 did not close at a limit.
pub const NO_LIMIT_DAY0: &str = "no_limit_day0";

/// `all` first, then each named group in ascending order (only when the events file names any).
///
/// `rbar` of every group comes from one pass over the pairs of all events (a group's pairs
/// are among them), with the same value as [`aggregate`] of the group alone; the pairs and
/// then the groups are computed on all cores, with the same results on any number of them.
pub fn by_group<E: EventOutcome>(
    events: &[E],
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> Vec<GroupResults> {
    let mut names: Vec<&str> = events
        .iter()
        .map(EventOutcome::group)
        .filter(|g| *g != "all")
        .collect();
    names.sort_unstable();
    names.dedup();
    // The Kim-Rhee comparison: events whose day 0 closed at a limit versus the others.
    let limited = |e: &E| e.free().is_some_and(|f| f.limit_day0);
    let any_limited = events.iter().any(limited);
    let named: Vec<Option<usize>> = events
        .iter()
        .map(|e| names.binary_search(&e.group()).ok())
        .collect();
    let limit_class: Vec<Option<usize>> = events
        .iter()
        .map(|e| Some(usize::from(!limited(e))))
        .collect();
    let rho = needs_rho(opts).then(|| {
        let sample = Sample::new(events.iter().map(EventOutcome::series));
        let partitions: [&[Option<usize>]; 2] = [&named, &limit_class];
        partitioned_cross_correlation(&sample, opts.min_common_dates, &partitions)
    });
    let rho_of = |partition: Option<usize>, class: usize| {
        rho.as_ref()
            .map_or(CrossCorrelation::ZERO, |r| match partition {
                None => r.all,
                Some(p) => r.classes[p]
                    .get(class)
                    .copied()
                    .unwrap_or(CrossCorrelation::ZERO),
            })
    };
    // (name, member positions, rbar) of every group, in output order.
    let all: Vec<usize> = (0..events.len()).collect();
    let mut groups: Vec<(&str, Vec<usize>, CrossCorrelation)> =
        vec![("all", all.clone(), rho_of(None, 0))];
    for (k, g) in names.iter().enumerate() {
        let members = all
            .iter()
            .copied()
            .filter(|&i| events[i].group() == *g)
            .collect();
        groups.push((g, members, rho_of(Some(0), k)));
    }
    if any_limited {
        let (hit, free): (Vec<usize>, Vec<usize>) =
            all.iter().copied().partition(|&i| limited(&events[i]));
        groups.push((LIMIT_DAY0, hit, rho_of(Some(1), 0)));
        groups.push((NO_LIMIT_DAY0, free, rho_of(Some(1), 1)));
    }
    // Groups are independent: aggregate them on all cores (results in this order).
    map_parallel(&groups, |(name, positions, rho)| {
        let members: Vec<&E> = positions.iter().map(|&i| &events[i]).collect();
        let sample = Sample::new(members.iter().map(|e| e.series()));
        let mut g = aggregate_with(name, &members, &sample, *rho, window, car_windows, opts);
        g.members.clone_from(positions);
        g
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csect(stat: f64, df: Option<f64>) -> Vec<TestStat> {
        vec![TestStat {
            name: TestKind::CsectT.name().to_string(),
            statistic: Some(stat),
            p_value: None,
            df,
            n: 8,
            distribution: "t".to_string(),
            note: String::new(),
        }]
    }

    #[test]
    fn aar_interval_is_t_quantile_times_aar_over_t() {
        // AAR 2%, t = 4 → SE 0.5%; t_{0.975, 7} = 2.364624.
        let h = half_width_95(0.02, &csect(4.0, Some(7.0))).unwrap();
        assert!((h - 2.364_624 * 0.005).abs() < 1e-7);
        let h = half_width_95(0.02, &csect(4.0, None)).unwrap();
        assert!((h - 1.96 * 0.005).abs() < 1e-14);
        assert!(half_width_95(0.02, &csect(0.0, Some(7.0))).is_none());
        assert!(half_width_95(0.02, &[]).is_none());
    }
}
