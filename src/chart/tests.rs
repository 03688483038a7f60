//! Chart tests on the demo study (`data/study.toml`): every chart renders in both formats,
//! PNGs decode at the requested size and are not blank, SVGs are well-formed, rendering is
//! byte-identical run to run, and one SVG is snapshot-tested. To look at the charts:
//! `cargo run --example review_charts -- OUTDIR`.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

use super::limits::LimitMark;
use super::*;
use crate::result::EventResult;

fn demo() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/study.toml");
        let config = crate::StudyConfig::from_toml_file(&path).unwrap();
        crate::run(&config).unwrap()
    })
}

fn opts(formats: &[ChartFormat], width: u32, height: u32) -> ChartOptions {
    ChartOptions {
        formats: formats.to_vec(),
        width,
        height,
    }
}

fn event(id: &str) -> &'static EventResult {
    demo().events.iter().find(|e| e.event_id == id).unwrap()
}

fn render_one(chart: &impl Chart, format: ChartFormat, width: u32, height: u32) -> Vec<u8> {
    register_font().unwrap();
    render(chart, format, Theme::new(width, height, false)).unwrap()
}

/// Distinct RGB colours of a PNG, after checking its size.
fn colours(png: &[u8], width: u32, height: u32) -> usize {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .unwrap()
        .to_rgb8();
    assert_eq!(img.dimensions(), (width, height));
    img.pixels().map(|p| p.0).collect::<BTreeSet<_>>().len()
}

/// A tiny well-formedness check: one `<svg>` root, every element closed in order.
fn assert_well_formed_svg(svg: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').unwrap() + start;
        let tag = &rest[start + 1..end];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "unbalanced </{name}>"
            );
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            let name = tag.split_whitespace().next().unwrap();
            stack.push(name.to_string());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn render_all_names_every_chart_of_every_event_and_group() {
    let study = demo();
    let files = render_all(
        study,
        &opts(&[ChartFormat::Png, ChartFormat::Svg], 600, 338),
    )
    .unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names.len(),
        2 * 2 * (study.events.len() + study.groups.len())
    );
    assert_eq!(names[0], "charts/car_SANC1-000102.png");
    assert_eq!(names[1], "charts/car_SANC1-000102.svg");
    for want in [
        "charts/price_FCC2-000108.png",
        "charts/aar_all.svg",
        "charts/aar_entity_list.png",
        "charts/overview_fcc.png",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
}

#[test]
fn pngs_decode_at_the_requested_size_and_are_not_blank() {
    for (w, h) in [(1200, 675), (600, 338)] {
        let files = render_all(demo(), &opts(&[ChartFormat::Png], w, h)).unwrap();
        for (name, bytes) in &files {
            let n = colours(bytes, w, h);
            assert!(n >= 8, "{name} at {w}x{h} has only {n} colours");
        }
    }
}

#[test]
fn svgs_are_well_formed() {
    let files = render_all(demo(), &opts(&[ChartFormat::Svg], 1200, 675)).unwrap();
    for (_, bytes) in &files {
        assert_well_formed_svg(std::str::from_utf8(bytes).unwrap());
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let o = opts(&[ChartFormat::Png, ChartFormat::Svg], 1200, 675);
    assert_eq!(
        render_all(demo(), &o).unwrap(),
        render_all(demo(), &o).unwrap()
    );
}

#[test]
fn car_svg_snapshot() {
    let files = render_all(demo(), &opts(&[ChartFormat::Svg], 1200, 675)).unwrap();
    let (_, svg) = files
        .iter()
        .find(|(n, _)| n == "charts/car_SANC1-600101.svg")
        .unwrap();
    insta::assert_snapshot!(std::str::from_utf8(svg).unwrap());
}

#[test]
fn limit_facts_are_read_from_the_study() {
    let l = limits::event_limits(event("SANC1-600101")).unwrap();
    let day0 = l.days.iter().find(|d| d.rel_day == 0).unwrap();
    assert_eq!(day0.mark, Some(LimitMark::DownClose));
    assert_eq!((day0.up, day0.down), (Some(77.94), Some(63.77)));
    assert_eq!(l.first_free_day, Some(1));
    assert!((l.car_free.unwrap() - -0.167_423_5).abs() < 1e-6);
    let lock = limits::event_limits(event("SANC1-000102")).unwrap();
    assert_eq!(
        lock.days.iter().find(|d| d.rel_day == 0).unwrap().mark,
        Some(LimitMark::DownLock)
    );
    let ids = |g: &str| -> Vec<&str> {
        let group = demo().groups.iter().find(|x| x.group == g).unwrap();
        members(demo(), group)
            .iter()
            .map(|e| e.event_id.as_str())
            .collect()
    };
    assert_eq!(
        ids("limit_day0"),
        ["SANC1-000102", "SANC1-600101", "RELIEF3-688105"]
    );
    assert_eq!(ids("fcc").len(), 3);
    assert_eq!(
        ids("all").len() - ids("limit_day0").len(),
        ids("no_limit_day0").len()
    );
}

#[test]
fn limit_markers_and_first_free_day_draw_in_their_colours() {
    let has = |png: &[u8], c: plotters::style::RGBColor| {
        let img = image::load_from_memory(png).unwrap().to_rgb8();
        img.pixels().any(|p| p.0 == [c.0, c.1, c.2])
    };
    let car = |id: &str| {
        let ev = event(id);
        let chart = car::CarChart {
            event: ev,
            limits: limits::event_limits(ev),
            model: "market",
        };
        render_one(&chart, ChartFormat::Png, 1200, 675)
    };
    let down = car("SANC1-600101");
    assert!(has(&down, theme::DOWN) && has(&down, theme::ORANGE) && !has(&down, theme::UP));
    assert!(has(&car("RELIEF3-688105"), theme::UP));
    let ev = event("SANC1-600101");
    let price = price::PriceChart {
        event: ev,
        limits: limits::event_limits(ev),
    };
    let png = render_one(&price, ChartFormat::Png, 1200, 675);
    assert!(has(&png, theme::UP) && has(&png, theme::DOWN));
}

#[test]
fn more_than_eight_events_become_small_multiples() {
    let events: Vec<&EventResult> = demo().events.iter().cycle().take(11).collect();
    let chart = overview::OverviewChart {
        group: "all",
        events: &events,
        model: "market",
    };
    for (w, h) in [(1200, 675), (600, 338)] {
        let png = render_one(&chart, ChartFormat::Png, w, h);
        assert!(colours(&png, w, h) >= 8);
    }
}

#[test]
fn bad_sizes_and_formats_are_refused_with_the_range() {
    let err = render_all(demo(), &opts(&[ChartFormat::Png], 100, 675)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "chart size 100x675 is out of range (width 320..=8000, height 240..=8000 pixels)"
    );
    let err = "jpg".parse::<ChartFormat>().unwrap_err();
    assert_eq!(
        err.to_string(),
        "unknown chart format \"jpg\" (expected one of: png, svg)"
    );
    assert_eq!("SVG".parse::<ChartFormat>().unwrap(), ChartFormat::Svg);
}

#[test]
fn file_names_keep_safe_characters_and_never_collide() {
    assert_eq!(file_safe("SANC1-600101"), "SANC1-600101");
    assert_eq!(file_safe("a/b c"), "a_b_c");
    assert_eq!(file_safe("..x"), "_..x");
    let mut names = Names::default();
    assert_eq!(names.unique("car_a_b"), "car_a_b");
    assert_eq!(names.unique("car_A_B"), "car_A_B_2");
}

/// A 300-character event id gives a bounded stem: the first 83 safe characters, `-` and
/// 16 hex digits of the SHA-256 of the whole id, the same on every call. See #15.
#[test]
fn long_ids_are_cut_to_100_characters_with_a_stable_hash() {
    let long = "E".repeat(300);
    let stem = file_safe(&long);
    assert_eq!(stem.len(), MAX_STEM_ID);
    assert_eq!(&stem[..84], format!("{}-", "E".repeat(83)));
    // python3 -c "import hashlib; print(hashlib.sha256(b'E' * 300).hexdigest()[:16])"
    assert_eq!(&stem[84..], "76251503db02c7ef");
    assert_eq!(file_safe(&long), stem, "stable across calls");
    // Two long ids that share their first 100 characters get different stems.
    let other = format!("{}F", "E".repeat(299));
    assert_ne!(file_safe(&other), stem);
    // An id of exactly 100 safe characters is kept as it is.
    assert_eq!(file_safe(&"x".repeat(100)), "x".repeat(100));
}
