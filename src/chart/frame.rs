//! The frame every chart shares: a title block on top and a legend strip at the bottom,
//! drawn outside the data so they never hide a point; the area between them is the plot's
//! (see `axes.rs`). Also the marker shapes shared by the legend and the plots.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::{
    Circle, DrawingArea, DrawingBackend, EmptyElement, PathElement, Polygon, Rectangle, ShapeStyle,
    WHITE,
};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, TextStyle};

use super::text;
use super::theme::{self, Theme, anchored};

/// Result of a drawing step; backend errors are boxed (they differ per backend).
pub type DrawResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A line; dashed when `dashed`.
    Line { color: RGBColor, dashed: bool },
    /// A translucent band.
    Band(RGBColor),
    /// A filled bar.
    Bar(RGBColor),
    /// An error bar.
    Whisker(RGBColor),
    /// A triangle marker pointing up or down.
    Triangle {
        color: RGBColor,
        up: bool,
        filled: bool,
    },
    /// A candle body.
    Candle { filled: bool },
    /// A shaded day.
    Shade(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendItem {
    /// Its symbol.
    pub swatch: Swatch,
    /// Its text.
    pub label: String,
}

impl LegendItem {
    /// An entry.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Self {
        LegendItem {
            swatch,
            label: label.into(),
        }
    }
}

/// `text` shortened (with an ellipsis) until it is at most `max_w` pixels wide in `style`.
pub fn fit<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    let width = |t: &str| text::width(area, t, style);
    if width(label)? <= max_w {
        return Ok(label.to_string());
    }
    let (mut lo, mut hi) = (0usize, label.chars().count());
    while lo + 1 < hi {
        let mid = usize::midpoint(lo, hi);
        if width(&theme::truncate(label, mid))? <= max_w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(theme::truncate(label, lo.max(1)))
}

/// Fill the image, draw the title block and the legend; return the area left for the plot.
pub fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: Theme,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> DrawResult<DrawingArea<DB, Shift>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let m = th.margin();
    let w = th.width as i32;
    let title_style = anchored(&theme::bold(th.title_px()), HPos::Left, VPos::Top);
    let sub_style = anchored(
        &theme::text(th.subtitle_px()).color(&theme::MUTED),
        HPos::Left,
        VPos::Top,
    );
    let title = fit(root, title, &title_style, w - 2 * m)?;
    text::draw(root, th, &title, (m, m), &title_style)?;
    let mut top = m + (th.title_px() * 1.3) as i32;
    if !subtitle.is_empty() {
        let sub = fit(root, subtitle, &sub_style, w - 2 * m)?;
        text::draw(root, th, &sub, (m, top), &sub_style)?;
        top += (th.subtitle_px() * 1.4) as i32;
    }
    let legend_h = draw_legend(root, th, legend)?;
    let bottom = th.height as i32 - legend_h;
    Ok(root
        .clone()
        .shrink((0, top), (th.width, (bottom - top).max(1) as u32)))
}

/// Lay the legend out in rows from the bottom edge up; return its height.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: Theme,
    items: &[LegendItem],
) -> DrawResult<i32>
where
    DB::ErrorType: 'static,
{
    let m = th.margin();
    if items.is_empty() {
        return Ok(m);
    }
    let px = th.tick_px();
    let style = anchored(&theme::text(px), HPos::Left, VPos::Center);
    let (sw, gap, space) = ((px * 2.2) as i32, (px * 0.5) as i32, (px * 1.4) as i32);
    let avail = th.width as i32 - 2 * m;
    let mut rows: Vec<Vec<(i32, &LegendItem, String)>> = vec![Vec::new()];
    let mut x = 0;
    for item in items {
        let label = fit(root, &item.label, &style, avail - sw - gap)?;
        let tw = text::width(root, &label, &style)?;
        let need = sw + gap + tw;
        if x > 0 && x + need > avail {
            rows.push(Vec::new());
            x = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push((x, item, label));
        }
        x += need + space;
    }
    let row_h = (px * 1.7) as i32;
    let height = rows.len() as i32 * row_h + m;
    let y0 = th.height as i32 - height + row_h / 2;
    for (r, row) in rows.iter().enumerate() {
        let y = y0 + r as i32 * row_h;
        for (x, item, label) in row {
            swatch(root, th, item.swatch, (m + x, y), sw)?;
            text::draw(root, th, label, (m + x + sw + gap, y), &style)?;
        }
    }
    Ok(height + (px * 0.4) as i32)
}

/// Draw a legend symbol `w` pixels wide, vertically centred on `(x, y)`.
fn swatch<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    th: Theme,
    kind: Swatch,
    (x, y): (i32, i32),
    w: i32,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let h = (th.tick_px() * 0.45) as i32;
    let mid = x + w / 2;
    match kind {
        Swatch::Line { color, dashed } => {
            let style = color.stroke_width(th.stroke(3.0));
            if dashed {
                let dash = w / 5;
                for k in [0, 2, 4] {
                    root.draw(&PathElement::new(
                        vec![(x + k * dash, y), (x + (k + 1) * dash, y)],
                        style,
                    ))?;
                }
            } else {
                root.draw(&PathElement::new(vec![(x, y), (x + w, y)], style))?;
            }
        }
        Swatch::Band(color) => {
            root.draw(&Rectangle::new(
                [(x, y - h), (x + w, y + h)],
                band_style(color),
            ))?;
        }
        Swatch::Shade(color) => {
            root.draw(&Rectangle::new(
                [(x + w / 4, y - h - h / 2), (x + 3 * w / 4, y + h + h / 2)],
                color.filled(),
            ))?;
        }
        Swatch::Bar(color) => {
            root.draw(&Rectangle::new(
                [(x + w / 4, y - h), (x + 3 * w / 4, y + h)],
                color.filled(),
            ))?;
        }
        Swatch::Whisker(color) => {
            let style = color.stroke_width(th.stroke(2.0));
            root.draw(&PathElement::new(vec![(mid, y - h), (mid, y + h)], style))?;
            for yy in [y - h, y + h] {
                root.draw(&PathElement::new(
                    vec![(mid - h / 2, yy), (mid + h / 2, yy)],
                    style,
                ))?;
            }
        }
        Swatch::Triangle { color, up, filled } => {
            root.draw(&(EmptyElement::at((mid, y)) + triangle(th, color, up, filled, 0)))?;
            root.draw(&(EmptyElement::at((mid, y)) + triangle_outline(th, color, up, 0)))?;
        }
        Swatch::Candle { filled } => {
            let style = candle_style(th, filled);
            let wick = theme::BLACK.mix(0.85).stroke_width(th.stroke(1.5));
            root.draw(&PathElement::new(
                vec![(mid, y - h - h / 2), (mid, y + h + h / 2)],
                wick,
            ))?;
            let body = [(mid - h * 3 / 4, y - h), (mid + h * 3 / 4, y + h)];
            root.draw(&Rectangle::new(body, WHITE.filled()))?;
            root.draw(&Rectangle::new(body, style))?;
        }
    }
    Ok(())
}

/// The translucent fill of a confidence band.
pub fn band_style(color: RGBColor) -> ShapeStyle {
    color.mix(0.22).filled()
}

/// Outline (hollow) or filled candle style.
pub fn candle_style(th: Theme, filled: bool) -> ShapeStyle {
    let c = theme::BLACK.mix(0.85);
    if filled {
        c.filled()
    } else {
        c.stroke_width(th.stroke(1.5))
    }
}

/// A triangle marker `dy` pixels below its anchor, pointing up or down, hollow or filled.
pub fn triangle(
    th: Theme,
    color: RGBColor,
    up: bool,
    filled: bool,
    dy: i32,
) -> Polygon<(i32, i32)> {
    let style = if filled {
        color.filled()
    } else {
        color.mix(0.25).filled()
    };
    Polygon::new(triangle_points(th, up, dy)[..3].to_vec(), style)
}

/// The outline that goes with [`triangle`].
pub fn triangle_outline(th: Theme, color: RGBColor, up: bool, dy: i32) -> PathElement<(i32, i32)> {
    PathElement::new(
        triangle_points(th, up, dy).to_vec(),
        color.stroke_width(th.stroke(2.0)),
    )
}

/// Tip, two base corners and the tip again.
fn triangle_points(th: Theme, up: bool, dy: i32) -> [(i32, i32); 4] {
    let r = (th.tick_px() * 0.5).round() as i32;
    let (tip, base) = if up { (-r, r * 4 / 5) } else { (r, -r * 4 / 5) };
    [
        (0, tip + dy),
        (-r, base + dy),
        (r, base + dy),
        (0, tip + dy),
    ]
}

/// A dot marker.
pub fn dot(th: Theme, color: RGBColor, scale: f64) -> Circle<(i32, i32), i32> {
    Circle::new(
        (0, 0),
        (th.tick_px() * 0.22 * scale).round() as i32,
        color.filled(),
    )
}
