//! Across events (METHODS-SPEC §5.0): AAR per relative day, CAAR per day (mean of the
//! events' running CARs) and per CAR window (mean of the CARs of the window's events, the
//! same events as every one of its tests), ABHAR, and every requested test statistic — for
//! all events and for each `group` of the events file. Which events enter which test is
//! decided once (`test_events.rs`); the events a window leaves out are reported by reason.
//!
//! ```text
//! AAR_t = (1/N_t) sum_i AR_it        CAAR(t1,t2) = (1/N_W) sum_i CAR_i(t1,t2)
//! ```
//!
//! The CAAR path (the mean running CAR from the event window's first day `T1` through each
//! day `t`) is tested per day like a CAR window `[T1, t]` by the cross-sectional t (on
//! `CAR_i(T1,t)`) and BMP (on `SCAR_i(T1,t) = CAR_i / car_se_i`), over the events with a
//! running CAR that day; its 95% band is `CAAR_t ± t_{0.975, N-1} |CAAR_t / t_csect|` (#14).

use super::cross_section::{EventSeries, TestStat, WindowValues};
use super::event::DayStats;
pub use super::group_rows::{AarRow, CaarRow, FreeRow, GroupResults};
use super::significance::{
    CrossCorrelation, PairSums, RbarMethod, Sample, SharedRanks, TestOptions, day_tests,
    grouped_correlations, map_parallel, target_correlations, window_tests,
};
pub use super::test_events::Exclusion;
use super::test_events::{Plan, WindowEvents};
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
    /// Why the event has no CAR over window `w` (a short code such as `missing_car`), or
    /// `None` when it has one. The events without a CAR are left out of every test of the
    /// window and counted under this reason.
    fn window_missing_reason(&self, w: Window) -> Option<&'static str> {
        self.window(w)
            .and_then(|v| v.car)
            .is_none()
            .then_some("missing_car")
    }
}

/// The limit-adjusted reaction of one event (METHODS-SPEC §7.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeValues {
    /// `CAR(0, f)`, `BHAR(0, f)`, `SCAR(0, f)` and the number of AR days, as window values.
    pub values: WindowValues,
    /// The first free day `f` (the window is `[0, f]`).
    pub first_free_day: Option<i32>,
    /// Whether the post-free-day CAR continues (`Some(true)`) or reverses the reaction.
    pub continuation: Option<bool>,
    /// Whether day 0 closed at a limit (the `limit_day0` subsample).
    pub limit_day0: bool,
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
    let spec = [(group, (0..events.len()).collect())];
    let mut g = aggregate_groups(events, &spec, window, car_windows, opts).swap_remove(0);
    g.members = Vec::new();
    g
}

/// The `rbar`s of one group's tests.
struct GroupRhos {
    group: CrossCorrelation,
    days: Vec<CrossCorrelation>,
    windows: Vec<CrossCorrelation>,
    free: CrossCorrelation,
}

impl GroupRhos {
    fn zero(plan: &Plan) -> Self {
        GroupRhos {
            group: CrossCorrelation::ZERO,
            days: vec![CrossCorrelation::ZERO; plan.days.len()],
            windows: vec![CrossCorrelation::ZERO; plan.windows.len()],
            free: CrossCorrelation::ZERO,
        }
    }

    /// From the sums of the targets of [`Plan::targets`], in their order.
    fn new(sums: &[PairSums], plan: &Plan, method: RbarMethod) -> Self {
        let (nd, nw) = (plan.days.len(), plan.windows.len());
        let of = |s: &[PairSums]| s.iter().map(|s| s.rbar(method)).collect();
        GroupRhos {
            group: sums[0].rbar(RbarMethod::Calendar).without_overlap(),
            days: of(&sums[1..=nd]),
            windows: of(&sums[1 + nd..1 + nd + nw]),
            free: sums
                .get(1 + nd + nw)
                .map_or(CrossCorrelation::ZERO, |s| s.rbar(method)),
        }
    }
}

/// Aggregate each group `(name, positions of its events in events)`, in order: which events
/// enter which test, then every `rbar` of every group from one pass over the pairs of all
/// events (a group's pairs are among them, with the same values as the group alone), then
/// the groups' tests on all cores, with the same results on any number of them.
fn aggregate_groups<E: EventOutcome>(
    events: &[&E],
    groups: &[(&str, Vec<usize>)],
    window: Window,
    car_windows: &[Window],
    opts: &TestOptions,
) -> Vec<GroupResults> {
    let members_of =
        |positions: &[usize]| -> Vec<&E> { positions.iter().map(|&i| events[i]).collect() };
    let plans: Vec<Plan> = map_parallel(groups, |(_, positions)| {
        Plan::new(&members_of(positions), window, car_windows)
    });
    let ranks = SharedRanks::new(events.iter().map(|e| e.series()));
    let rhos: Vec<GroupRhos> = if needs_rho(opts) {
        let all: Vec<usize> = (0..events.len()).collect();
        let sample = ranks.sample(&all);
        let per_group: Vec<Vec<_>> = plans
            .iter()
            .zip(groups)
            .map(|(plan, (_, positions))| plan.targets(positions, opts.rbar))
            .collect();
        // Moved, not cloned: at 100,000 events the targets' member lists are ~130 MB.
        let lens: Vec<usize> = per_group.iter().map(Vec::len).collect();
        let targets: Vec<_> = per_group.into_iter().flatten().collect();
        let sums = if sample.len() > opts.rbar_exact_max {
            grouped_correlations(&sample, opts.min_common_dates, &targets)
        } else {
            target_correlations(&sample, opts.min_common_dates, &targets)
        };
        let mut rest = &sums[..];
        plans
            .iter()
            .zip(&lens)
            .map(|(plan, &len)| {
                let (mine, tail) = rest.split_at(len);
                rest = tail;
                GroupRhos::new(mine, plan, opts.rbar)
            })
            .collect()
    } else {
        plans.iter().map(GroupRhos::zero).collect()
    };
    // Each event is ranked once for every group's rank tests (on all cores, up front), once
    // the correlations' standardised series and day-0 sums are freed (#13: they and the
    // ranks are each a few hundred MB at 100,000 events).
    ranks.prepare(&opts.tests);
    let jobs: Vec<usize> = (0..groups.len()).collect();
    map_parallel(&jobs, |&g| {
        let (name, positions) = &groups[g];
        let members = members_of(positions);
        let sample = ranks.sample(positions);
        let mut out = aggregate_with(
            name,
            &members,
            &sample,
            &plans[g],
            &rhos[g],
            car_windows,
            opts,
        );
        out.members.clone_from(positions);
        out
    })
}

/// The tests of one group, from its [`Plan`] and `rbar`s.
/// `sample` holds the group's events, in order.
fn aggregate_with<E: EventOutcome>(
    group: &str,
    events: &[&E],
    sample: &Sample<'_>,
    plan: &Plan,
    rhos: &GroupRhos,
    car_windows: &[Window],
    opts: &TestOptions,
) -> GroupResults {
    let path_opts = TestOptions {
        tests: vec![TestKind::CsectT, TestKind::BmpT],
        ..opts.clone()
    };
    let start = plan.days.first().map_or(0, |&(t, _)| t);
    let day_list: Vec<i32> = plan.days.iter().map(|&(t, _)| t).collect();
    sample.prepare_day_ranks(&day_list, opts);
    let mut running = 0.0;
    let days = plan
        .days
        .iter()
        .zip(&rhos.days)
        .map(|(&(t, _), rho)| {
            let day = |e: &&E| e.day(t);
            let (n, aar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.ar)));
            let (_, caar) = mean(events.iter().filter_map(|e| day(e).and_then(|s| s.car)));
            running += aar.unwrap_or(0.0);
            let tests = day_tests(sample, t, rho, opts);
            let path: Vec<WindowValues> = events.iter().map(|e| running_car(day(e))).collect();
            let caar_tests = window_tests(sample, &path, start, t, rho, &path_opts);
            sample.forget_days();
            AarRow {
                rel_day: t,
                n,
                aar,
                caar,
                caar_sum: aar.map(|_| running),
                aar_half95: aar.and_then(|a| half_width_95(a, &tests)),
                caar_half95: caar.and_then(|c| half_width_95(c, &caar_tests)),
                caar_tests,
                tests,
            }
        })
        .collect();
    let mut subsamples = Subsamples::new(events, sample);
    let windows = car_windows
        .iter()
        .zip(&plan.windows)
        .zip(&rhos.windows)
        .map(|((&w, set), rho)| {
            let (n, caar) = mean(set.values.iter().filter_map(|v| v.car));
            let (_, abhar) = mean(set.values.iter().filter_map(|v| v.bhar));
            let on = subsamples.of(&set.members);
            CaarRow {
                window: w,
                n,
                n_excluded: set.n_excluded(),
                excluded: set.excluded.clone(),
                caar,
                abhar,
                tests: window_tests(on, &set.values, w.from, w.to, rho, opts),
            }
        })
        .collect();
    let car_free = plan
        .free
        .as_ref()
        .map(|set| car_free_row(events, set, subsamples.of(&set.members), &rhos.free, opts));
    GroupResults {
        group: group.to_string(),
        n_events: events.len(),
        members: Vec::new(),
        cross_correlation: rhos.group,
        days,
        windows,
        car_free,
    }
}

/// The samples of a group's window tests: the group's own when a window keeps every event,
/// else a subsample of just the window's events (built once per distinct set of events,
/// sharing the group's per-event ranks).
struct Subsamples<'s, 'a, E> {
    events: &'s [&'a E],
    group: &'s Sample<'a>,
    built: Vec<(Vec<usize>, Sample<'a>)>,
}

impl<'s, 'a, E: EventOutcome> Subsamples<'s, 'a, E> {
    fn new(events: &'s [&'a E], group: &'s Sample<'a>) -> Self {
        Subsamples {
            events,
            group,
            built: Vec::new(),
        }
    }

    fn of(&mut self, members: &[usize]) -> &Sample<'a> {
        if members.len() == self.events.len() {
            return self.group;
        }
        let found = self.built.iter().position(|(m, _)| m == members);
        let k = found.unwrap_or_else(|| {
            self.built
                .push((members.to_vec(), self.group.subsample(members)));
            self.built.len() - 1
        });
        &self.built[k].1
    }
}

/// `t_{0.975, df} · |AAR / t|` from the day's cross-sectional t (1.96 for a normal reference).
/// An event's running CAR through a day as the values of the CAR window `[T1, t]`: `CAR`
/// and `SCAR = CAR / car_se` (missing from the first missing AR on).
fn running_car(day: Option<DayStats>) -> WindowValues {
    let Some(d) = day else {
        return WindowValues::MISSING;
    };
    let scar = d
        .car
        .zip(d.car_se)
        .map(|(c, se)| c / se)
        .filter(|v| v.is_finite());
    WindowValues {
        car: d.car,
        scar,
        ..WindowValues::MISSING
    }
}

/// Half-width of the 95% interval of a mean (AAR or CAAR) from its cross-sectional t test:
/// `t_{0.975, df} · |mean / t|` (1.96 for a normal reference).
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
    set: &WindowEvents,
    sample: &Sample<'_>,
    rho: &CrossCorrelation,
    opts: &TestOptions,
) -> FreeRow {
    let (n, caar_free) = mean(set.values.iter().filter_map(|v| v.car));
    let (_, abhar_free) = mean(set.values.iter().filter_map(|v| v.bhar));
    let cont = |want: bool| {
        events
            .iter()
            .filter(|e| e.free().and_then(|f| f.continuation) == Some(want))
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
    FreeRow {
        n,
        n_excluded: set.n_excluded(),
        excluded: set.excluded.clone(),
        caar_free,
        abhar_free,
        n_continuation: cont(true),
        n_reversal: cont(false),
        tests: window_tests(sample, &set.values, 0, 0, rho, &free_opts),
    }
}

/// Subsample of the events whose day 0 closed at a daily limit.
pub const LIMIT_DAY0: &str = "limit_day0";
/// Subsample of the events whose day 0 did not close at a limit.
pub const NO_LIMIT_DAY0: &str = "no_limit_day0";

/// `all` first, then each named group in ascending order (only when the events file names
/// any), then `limit_day0` and `no_limit_day0` when some event closed at a limit on day 0.
///
/// Every `rbar` of every group comes from one pass over the pairs of all events, with the
/// same value as [`aggregate`] of the group alone; the pairs and then the groups are computed
/// on all cores, with the same results on any number of them.
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
    let all: Vec<usize> = (0..events.len()).collect();
    let mut groups: Vec<(&str, Vec<usize>)> = vec![("all", all.clone())];
    for g in &names {
        let members = all
            .iter()
            .copied()
            .filter(|&i| events[i].group() == *g)
            .collect();
        groups.push((g, members));
    }
    // The Kim-Rhee comparison: events whose day 0 closed at a limit versus the others.
    let limited = |e: &E| e.free().is_some_and(|f| f.limit_day0);
    if events.iter().any(limited) {
        let (hit, free): (Vec<usize>, Vec<usize>) =
            all.iter().copied().partition(|&i| limited(&events[i]));
        groups.push((LIMIT_DAY0, hit));
        groups.push((NO_LIMIT_DAY0, free));
    }
    let refs: Vec<&E> = events.iter().collect();
    aggregate_groups(&refs, &groups, window, car_windows, opts)
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
            correlation: None,
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

    /// The events file refuses exactly the names `by_group` gives its own subsamples. See #15.
    #[test]
    fn reserved_group_names_are_the_built_in_subsamples() {
        assert_eq!(
            crate::data::events::RESERVED_GROUPS,
            ["all", LIMIT_DAY0, NO_LIMIT_DAY0]
        );
    }
}
