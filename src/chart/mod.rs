//! Charts: pure functions from a finished [`Study`] to PNG or SVG bytes (STYLE.md §5). They
//! read the study and compute no statistic; the caller writes the files (atomically, with
//! [`crate::report::write::write_all`]).
//!
//! One file per chart kind:
//!
//! - `car`: `charts/car_<event_id>`, one event's CAR path with its 95% band and limit days;
//! - `aar`: `charts/aar_<group>`, AAR bars with cross-sectional 95% intervals and the CAAR;
//! - `price`: `charts/price_<event_id>`, daily candles with the limit prices;
//! - `overview`: `charts/overview_<group>`, every CAR path of a group (small multiples
//!   past 8 events).
//!
//! Shared: `frame` (title block, legend strip), `axes` (relative-day plot, ticks, dates),
//! `theme` (Okabe–Ito palette, sizes scaled to the width), `text` (glyph placement for PNG),
//! and `limits` (the only reader of the study's price-limit fields).
//!
//! Text uses the embedded DejaVu Sans (the `dejavu` crate), never a system font, and nothing
//! time- or machine-dependent is written, so the same study renders byte-identical files on
//! every machine.

mod aar;
mod axes;
mod car;
mod frame;
mod limits;
mod overview;
mod price;
mod scaling;
mod text;
mod theme;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend};
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::config::ChartFormat;
use crate::result::{EventResult, GroupResults, Study};
use frame::DrawResult;
pub use scaling::{ScalingChart, ScalingSeries};
use theme::Theme;

/// What to render.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartOptions {
    /// One file per chart and format.
    pub formats: Vec<ChartFormat>,
    /// Image width in pixels (fonts scale with it).
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: vec![ChartFormat::Png],
            width: 1200,
            height: 675,
        }
    }
}

/// Smallest accepted image size, in pixels (the settings check it first: #15).
pub const MIN_SIZE: (u32, u32) = crate::config::MIN_CHART_SIZE;
/// Largest accepted image side.
pub const MAX_SIDE: u32 = crate::config::MAX_CHART_SIDE;

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// An image size outside the accepted range.
    #[error(
        "chart size {width}x{height} is out of range (width {min_w}..={max}, height {min_h}..={max} pixels)",
        min_w = MIN_SIZE.0, min_h = MIN_SIZE.1, max = MAX_SIDE
    )]
    Size { width: u32, height: u32 },
    /// The embedded DejaVu Sans could not be registered with plotters.
    #[error("cannot load the embedded chart font (DejaVu Sans)")]
    Font,
    /// The drawing backend or the PNG encoder failed.
    #[error("chart {file}: {source}")]
    Draw {
        file: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A chart kind: draws itself on any plotters backend.
trait Chart {
    /// Draw on `root`, which covers the whole image.
    ///
    /// # Errors
    /// Backend errors.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// Render every chart of `study` in every requested format.
///
/// Returns `(relative file name, bytes)` pairs such as `("charts/car_SANC1-600101.png", …)`,
/// in a stable order: per event `car_` then `price_`, then per group `aar_` then
/// `overview_`. Names keep `[A-Za-z0-9._-]` of the id and replace anything else by `_`.
///
/// # Errors
/// `Size` for an image size out of range, `Font` if the embedded font cannot be loaded,
/// `Draw` naming the chart whose rendering failed.
pub fn render_all(
    study: &Study,
    opts: &ChartOptions,
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    render_all_with_progress(study, opts, &mut |_, _| {})
}

/// The number of chart files [`render_all`] draws for `study` in `formats` formats.
pub fn chart_count(study: &Study, formats: usize) -> usize {
    (2 * study.events.len() + 2 * study.groups.len()) * formats
}

/// [`render_all`], calling `progress(done, total)` after each chart file.
///
/// # Errors
/// As [`render_all`].
pub fn render_all_with_progress(
    study: &Study,
    opts: &ChartOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let total = chart_count(study, opts.formats.len());
    let (w, h) = (opts.width, opts.height);
    if w < MIN_SIZE.0 || h < MIN_SIZE.1 || w > MAX_SIDE || h > MAX_SIDE {
        return Err(ChartError::Size {
            width: w,
            height: h,
        });
    }
    register_font()?;
    let th = Theme::new(w, h, false);
    let model = study.config.model.name();
    let mut names = Names::default();
    let mut out = Vec::new();
    for ev in &study.events {
        let limits = limits::event_limits(ev);
        let car = car::CarChart {
            event: ev,
            limits: limits.clone(),
            model,
        };
        let price = price::PriceChart { event: ev, limits };
        let stem = names.unique(&format!("car_{}", file_safe(&ev.event_id)));
        render_formats(&car, &stem, th, opts, &mut out)?;
        let stem = names.unique(&format!("price_{}", file_safe(&ev.event_id)));
        render_formats(&price, &stem, th, opts, &mut out)?;
        progress(out.len(), total);
    }
    for g in &study.groups {
        let aar = aar::AarChart {
            group: g,
            config: &study.config,
        };
        let stem = names.unique(&format!("aar_{}", file_safe(&g.group)));
        render_formats(&aar, &stem, th, opts, &mut out)?;
        let events = members(study, g);
        let overview = overview::OverviewChart {
            group: &g.group,
            events: &events,
            model,
        };
        let stem = names.unique(&format!("overview_{}", file_safe(&g.group)));
        render_formats(&overview, &stem, th, opts, &mut out)?;
        progress(out.len(), total);
    }
    Ok(out)
}

/// The events of a group, as the result lists them.
fn members<'a>(study: &'a Study, group: &GroupResults) -> Vec<&'a EventResult> {
    group
        .members
        .iter()
        .filter_map(|&i| study.events.get(i))
        .collect()
}

/// How a group is named in a chart title.
fn group_title(group: &str) -> String {
    match group {
        "all" => "all events".to_string(),
        crate::result::LIMIT_DAY0 => "events with day 0 at a price limit".to_string(),
        crate::result::NO_LIMIT_DAY0 => "events with day 0 not at a price limit".to_string(),
        g => format!("group {g}"),
    }
}

/// Render one chart in each requested format.
fn render_formats(
    chart: &impl Chart,
    stem: &str,
    th: Theme,
    opts: &ChartOptions,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<(), ChartError> {
    for &format in &opts.formats {
        let file = format!("charts/{stem}.{}", format.extension());
        let bytes = render(chart, format, th).map_err(|source| ChartError::Draw {
            file: file.clone(),
            source,
        })?;
        out.push((file, bytes));
    }
    Ok(())
}

/// One chart as PNG or SVG bytes.
fn render(chart: &impl Chart, format: ChartFormat, th: Theme) -> DrawResult<Vec<u8>> {
    let (w, h) = (th.width, th.height);
    let th = Theme::new(w, h, format == ChartFormat::Png);
    match format {
        ChartFormat::Png => {
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                chart.draw(&root, th)?;
                root.present()?;
            }
            encode_png(&rgb, w, h)
        }
        ChartFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
                chart.draw(&root, th)?;
                root.present()?;
            }
            Ok(svg.into_bytes())
        }
    }
}

/// An 8-bit RGB buffer as PNG bytes (no timestamp or other metadata chunk).
fn encode_png(rgb: &[u8], w: u32, h: u32) -> DrawResult<Vec<u8>> {
    use image::ImageEncoder;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(rgb, w, h, image::ColorType::Rgb8)?;
    Ok(png)
}

/// Register DejaVu Sans (regular and bold) as `sans-serif`, once per process.
fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(theme::FAMILY, FontStyle::Normal, dejavu::sans::regular())
            .is_ok()
            && plotters::style::register_font(theme::FAMILY, FontStyle::Bold, dejavu::sans::bold())
                .is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

/// `id` with every character outside `[A-Za-z0-9._-]` replaced by `_`.
///
/// A stem longer than [`MAX_STEM_ID`] characters is cut and ends in `-` and 16 hex digits of
/// the SHA-256 of the whole id, so a 300-character event id gives a file name the disk
/// accepts, the same on every run, and two long ids with a common start stay apart (#15).
fn file_safe(id: &str) -> String {
    let s = file_safe_chars(id);
    if s.len() <= MAX_STEM_ID {
        return s;
    }
    let hash = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash[..8]);
    // `s` is ASCII, so any byte index is a character boundary.
    format!(
        "{}-{:016x}",
        &s[..MAX_STEM_ID - 17],
        u64::from_be_bytes(first)
    )
}

/// Longest id part of a chart file stem, in characters (file names on common disks stop
/// at 255 bytes; the kind prefix, a `_N` repeat suffix, the extension and the writer's
/// temporary-file prefix must fit beside it).
pub const MAX_STEM_ID: usize = 100;

/// The id with every character outside `[A-Za-z0-9._-]` replaced by `_`, never starting with a dot.
fn file_safe_chars(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

/// File stems handed out so far; a repeat (two ids that differ only in replaced characters,
/// or in case on a case-insensitive disk) gets `_2`, `_3`, …
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    fn unique(&mut self, stem: &str) -> String {
        let mut candidate = stem.to_string();
        let mut k = 2;
        while !self.0.insert(candidate.to_ascii_lowercase()) {
            candidate = format!("{stem}_{k}");
            k += 1;
        }
        candidate
    }
}
