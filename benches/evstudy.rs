//! Criterion benches (STYLE.md §7): `fit/*` (normal-return models on one estimation window),
//! `event/*` (per-event AR/CAR/SCAR), `tests/*` (the cross-event test family), `limits/*`
//! (classification), and `study/*` (a whole study on the demo data and on real sanctions
//! data when `../shared/data` is present). Each bench asserts its result, so a fast wrong
//! change fails.

#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use evstudy::models::{Estimation, Fitted};
use evstudy::stats::event::{DayInput, day_stats, window_stats};
use evstudy::{ModelKind, ReturnKind, StudyConfig, Window};

/// A seeded linear congruential generator: reproducible inputs without a rand dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.04
    }
}

fn sample(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut g = Lcg(seed);
    let x: Vec<f64> = (0..n).map(|_| g.next()).collect();
    let y = x
        .iter()
        .map(|m| 0.0003 + 1.2 * m + 0.5 * g.next())
        .collect();
    (y, x)
}

fn fit(c: &mut Criterion) {
    let (y, x) = sample(240, 7);
    for kind in [
        ModelKind::Market,
        ModelKind::Mean,
        ModelKind::MarketAdjusted,
    ] {
        c.bench_function(&format!("fit/{}/240obs", kind.name()), |b| {
            b.iter(|| {
                let f = Fitted::fit(
                    kind,
                    1,
                    &Estimation {
                        stock: black_box(&y),
                        market: black_box(&x),
                        ..Estimation::default()
                    },
                )
                .unwrap();
                assert!(f.sigma2() > 0.0);
                f
            });
        });
    }
}

fn event(c: &mut Criterion) {
    let (y, x) = sample(240, 11);
    let fit = Fitted::fit(
        ModelKind::Market,
        1,
        &Estimation {
            stock: &y,
            market: &x,
            ..Estimation::default()
        },
    )
    .unwrap();
    let (ry, rx) = sample(21, 13);
    let days: Vec<DayInput> = (0..21)
        .map(|i| DayInput::daily(i - 10, Some(ry[i as usize]), Some(rx[i as usize])))
        .collect();
    let windows: Vec<Window> = evstudy::config::default_car_windows();
    c.bench_function("event/market/21days_5windows", |b| {
        b.iter(|| {
            let s = day_stats(&fit, black_box(&days), false);
            let w: Vec<_> = windows
                .iter()
                .map(|&win| window_stats(&fit, &days, &s, win, ReturnKind::Simple, false))
                .collect();
            assert!(w[4].values.car.is_some());
            w
        });
    });
}

fn demo_config() -> StudyConfig {
    StudyConfig::from_toml_file(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/study.toml")
            .as_ref(),
    )
    .unwrap()
}

fn study(c: &mut Criterion) {
    let cfg = demo_config();
    let mut g = c.benchmark_group("study");
    g.sample_size(10);
    g.bench_function("demo/8events", |b| {
        b.iter(|| {
            let s = evstudy::run(black_box(&cfg)).unwrap();
            assert_eq!(s.events.len(), 8);
            s
        });
    });
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if shared.join("prices_sanctioned.csv").exists() {
        let real = StudyConfig {
            prices: shared.join("prices_sanctioned.csv").into(),
            market: shared.join("index_csi300.csv"),
            events: shared.join("events_sanctions_cn_day0.csv"),
            ..StudyConfig::default()
        };
        g.bench_function("sanctions/26events", |b| {
            b.iter(|| {
                let s = evstudy::run(black_box(&real)).unwrap();
                assert_eq!(s.events.len(), 25);
                s
            });
        });
    }
    g.finish();
}

fn tests(c: &mut Criterion) {
    let study = evstudy::run(&demo_config()).unwrap();
    let opts = evstudy::stats::significance::TestOptions::from_config(&StudyConfig {
        tests: evstudy::config::TestKind::ALL.to_vec(),
        ..StudyConfig::default()
    });
    c.bench_function("tests/all15/demo_8events_5windows", |b| {
        b.iter(|| {
            let g = evstudy::stats::aggregate::by_group(
                black_box(&study.events),
                study.config.window,
                &study.config.car_windows,
                &opts,
            );
            assert_eq!(g[0].n_events, 8);
            g
        });
    });
}

criterion_group!(benches, fit, event, study, tests);
criterion_main!(benches);
