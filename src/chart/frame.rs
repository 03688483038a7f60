//! The frame every chart shares: a title block on top, a legend strip at the bottom (drawn
//! outside the data, so it never hides a point), and between them a relative-day plot with
//! percent or price ticks chosen here (1-2-5 steps, no overlapping labels) and, for a single
//! event, its trading dates printed above the plot.

use std::error::Error;

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, Circle, DrawingArea, DrawingBackend, EmptyElement,
    PathElement, Polygon, Rectangle, ShapeStyle, Text, WHITE,
};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, TextStyle};

use super::theme::{self, Theme, anchored};

/// Result of a drawing step; backend errors are boxed (they differ per backend).
pub type DrawResult<T = ()> = Result<T, Box<dyn Error + Send + Sync>>;

/// The coordinate system of every plot: relative day × value, with chosen ticks.
pub type Xy = Cartesian2d<Axis, Axis>;

/// A linear `f64` axis whose grid lines and labels sit exactly on the given ticks (plotters'
/// own `WithKeyPoints` cannot take a label formatter on `f64` axes).
#[derive(Clone)]
pub struct Axis {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Axis {
    /// `range` with grid lines at `ticks`.
    pub fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Self {
        Axis {
            linear: range.into(),
            ticks,
        }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.linear.range()
    }
}

/// A chart context on [`Xy`].
pub type Plot<'a, DB> = ChartContext<'a, DB, Xy>;

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
    text: &str,
    style: &TextStyle<'_>,
    max_w: i32,
) -> DrawResult<String>
where
    DB::ErrorType: 'static,
{
    let width = |t: &str| -> DrawResult<i32> { Ok(area.estimate_text_size(t, style)?.0 as i32) };
    if width(text)? <= max_w {
        return Ok(text.to_string());
    }
    let (mut lo, mut hi) = (0usize, text.chars().count());
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if width(&theme::truncate(text, mid))? <= max_w {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(theme::truncate(text, lo.max(1)))
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
    let title_style = anchored(th.bold(th.title_px()), HPos::Left, VPos::Top);
    let sub_style = anchored(
        th.text(th.subtitle_px()).color(&theme::MUTED),
        HPos::Left,
        VPos::Top,
    );
    let title = fit(root, title, &title_style, w - 2 * m)?;
    root.draw(&Text::new(title, (m, m), title_style))?;
    let mut top = m + (th.title_px() * 1.3) as i32;
    if !subtitle.is_empty() {
        let sub = fit(root, subtitle, &sub_style, w - 2 * m)?;
        root.draw(&Text::new(sub, (m, top), sub_style))?;
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
    let style = anchored(th.text(px), HPos::Left, VPos::Center);
    let (sw, gap, space) = ((px * 2.2) as i32, (px * 0.5) as i32, (px * 1.4) as i32);
    let avail = th.width as i32 - 2 * m;
    let mut rows: Vec<Vec<(i32, &LegendItem, String)>> = vec![Vec::new()];
    let mut x = 0;
    for item in items {
        let label = fit(root, &item.label, &style, avail - sw - gap)?;
        let tw = root.estimate_text_size(&label, &style)?.0 as i32;
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
            root.draw(&Text::new(
                label.clone(),
                (m + x + sw + gap, y),
                style.clone(),
            ))?;
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
            root.draw(&PathElement::new(
                vec![(mid, y - h - h / 2), (mid, y + h + h / 2)],
                style,
            ))?;
            root.draw(&Rectangle::new(
                [(mid - h / 2, y - h), (mid + h / 2, y + h)],
                WHITE.filled(),
            ))?;
            root.draw(&Rectangle::new(
                [(mid - h / 2, y - h), (mid + h / 2, y + h)],
                style,
            ))?;
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

/// How the y axis is labelled.
#[derive(Debug, Clone, Copy)]
pub enum YUnit {
    /// Values are fractions; ticks are printed as percent.
    Percent,
    /// Values are prices.
    Price,
}

/// What a relative-day plot shows on its axes.
#[derive(Debug, Clone)]
pub struct Axes {
    /// First and last relative day.
    pub days: (i32, i32),
    /// y range in plotted units (percent units for `Percent`).
    pub y: (f64, f64),
    /// Unit of the y axis.
    pub unit: YUnit,
    /// Text under the x axis.
    pub x_desc: String,
    /// Text beside the y axis.
    pub y_desc: String,
    /// Trading date of each day, printed above the plot when given.
    pub dates: Vec<(i32, NaiveDate)>,
}

/// Tick positions of a plot and how its y ticks read.
#[derive(Debug, Clone)]
pub struct Ticks {
    /// Ticked relative days.
    pub x: Vec<f64>,
    /// Ticked y values.
    pub y: Vec<f64>,
    /// Unit of the y axis.
    pub unit: YUnit,
    /// Decimals of the y labels.
    pub decimals: usize,
}

impl Ticks {
    /// Ticks for a plot `w × h` pixels whose x labels are `label_w` pixels wide.
    pub fn new(th: Theme, axes: &Axes, w: f64, h: f64, label_w: f64) -> Self {
        let (d0, d1) = axes.days;
        let n_days = (d1 - d0 + 1).max(1) as usize;
        let step = theme::day_step(n_days, w, label_w);
        let x = (d0..=d1)
            .filter(|d| d.rem_euclid(step) == 0)
            .map(f64::from)
            .collect();
        let max_y = (h / (th.tick_px() * 3.2)).max(2.0) as usize;
        let y_step = theme::nice_step(axes.y.1 - axes.y.0, max_y);
        Ticks {
            x,
            y: theme::ticks(axes.y.0, axes.y.1, y_step),
            unit: axes.unit,
            decimals: theme::decimals_for(y_step),
        }
    }

    /// The label of y tick `v`.
    pub fn label(&self, v: f64) -> String {
        match self.unit {
            YUnit::Percent => theme::pct_tick(v, self.decimals),
            YUnit::Price => format!("{v:.*}", self.decimals),
        }
    }
}

/// The x range of days `(d0, d1)`, with room for bars and candles at both ends.
pub fn x_range((d0, d1): (i32, i32)) -> std::ops::Range<f64> {
    f64::from(d0) - 0.6..f64::from(d1) + 0.6
}

/// Build the plot in `area`: mesh, tick labels, axis texts, and the dates above.
pub fn plot<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    th: Theme,
    axes: &Axes,
) -> DrawResult<Plot<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let tick = th.tick();
    let (w, h) = area.dim_in_pixel();
    let label_w = area.estimate_text_size("00-00", &tick)?.0 as f64;
    let t = Ticks::new(th, axes, f64::from(w) * 0.85, f64::from(h) * 0.8, label_w);
    let (x_ticks, y_ticks) = (t.x.clone(), t.y.clone());
    let y_fmt = move |v: &f64| t.label(*v);
    let widest = y_ticks
        .iter()
        .map(|v| area.estimate_text_size(&y_fmt(v), &tick).map(|s| s.0))
        .try_fold(0u32, |acc, s| s.map(|s| acc.max(s)))?;
    let top_pad = if axes.dates.is_empty() {
        (th.tick_px() * 0.8) as i32
    } else {
        (th.tick_px() * 2.0) as i32
    };
    let mut chart = ChartBuilder::on(area)
        .margin_left(th.margin())
        .margin_right(th.margin() * 3 / 2)
        .margin_top(top_pad)
        .x_label_area_size((th.tick_px() * 1.8 + th.desc_px() * 1.6) as i32)
        .y_label_area_size(widest as i32 + (th.desc_px() * 2.2) as i32)
        .build_cartesian_2d(
            Axis::new(x_range(axes.days), x_ticks.clone()),
            Axis::new(axes.y.0..axes.y.1, y_ticks),
        )?;
    chart
        .configure_mesh()
        .bold_line_style(theme::GRID.stroke_width(1))
        .axis_style(theme::MUTED.stroke_width(1))
        .label_style(tick.clone())
        .axis_desc_style(th.text(th.desc_px()))
        .x_label_formatter(&|v: &f64| theme::rel_day(v.round() as i32))
        .y_label_formatter(&y_fmt)
        .x_desc(axes.x_desc.as_str())
        .y_desc(axes.y_desc.as_str())
        .set_all_tick_mark_size((th.tick_px() * 0.3) as i32)
        .draw()?;
    draw_dates(area, &chart, th, axes, &x_ticks)?;
    Ok(chart)
}

/// Trading dates (`MM-DD`) of the ticked days, just above the plot; day 0's in bold.
fn draw_dates<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    th: Theme,
    axes: &Axes,
    x_ticks: &[f64],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let top = chart.plotting_area().get_pixel_range().1.start;
    let (ox, oy) = area.get_base_pixel();
    for &x in x_ticks {
        let day = x.round() as i32;
        let Some((_, date)) = axes.dates.iter().find(|(d, _)| *d == day) else {
            continue;
        };
        let (px, _) = chart.backend_coord(&(x, axes.y.1));
        let style = if day == 0 {
            th.bold(th.tick_px())
        } else {
            th.tick()
        };
        let style = anchored(style, HPos::Center, VPos::Bottom);
        let label = date.format("%m-%d").to_string();
        let y = top - (th.tick_px() * 0.35) as i32;
        area.draw(&Text::new(label, (px - ox, y - oy), style))?;
    }
    Ok(())
}

/// A dashed vertical line at day `x` across the plot.
pub fn vline<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    th: Theme,
    x: f64,
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = (chart.y_range().start, chart.y_range().end);
    let dash = (th.tick_px() * 0.5) as i32;
    chart.draw_series(plotters::series::DashedLineSeries::new(
        [(x, lo), (x, hi)],
        dash,
        dash * 3 / 4,
        color.stroke_width(th.stroke(2.0)),
    ))?;
    Ok(())
}

/// A thin horizontal line at zero, when zero is inside the y range.
pub fn zero_line<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, th: Theme) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = (chart.x_range(), chart.y_range());
    if y.start < 0.0 && y.end > 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x.start, 0.0), (x.end, 0.0)],
            theme::MUTED.stroke_width(th.stroke(1.5)),
        )))?;
    }
    Ok(())
}

/// Runs of consecutive days whose value is present: `[(day, value), …]` per run.
pub fn runs<T: Copy>(points: impl Iterator<Item = (i32, Option<T>)>) -> Vec<Vec<(i32, T)>> {
    let mut out: Vec<Vec<(i32, T)>> = Vec::new();
    let mut prev: Option<i32> = None;
    for (day, value) in points {
        match value {
            Some(v) => {
                if prev != Some(day - 1) || out.is_empty() {
                    out.push(Vec::new());
                }
                if let Some(run) = out.last_mut() {
                    run.push((day, v));
                }
                prev = Some(day);
            }
            None => prev = None,
        }
    }
    out
}
