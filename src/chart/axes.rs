//! The relative-day plot inside the frame: a linear day axis and a percent or price axis
//! with 1-2-5 ticks spaced so their labels never touch, grid lines on the ticks, and labels
//! drawn here (not by plotters' mesh) so PNG text gets the glyph placement of `text.rs`. For a
//! single event the trading date of each ticked day is printed under its relative day.

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::{
    Cartesian2d, ChartBuilder, ChartContext, DrawingArea, DrawingBackend, PathElement, Rectangle,
};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{Color, RGBColor, TRANSPARENT};

use super::frame::{DrawResult, LegendItem, Swatch};
use super::text;
use super::theme::{self, Theme, anchored};

/// The coordinate system of every plot: relative day × value, with chosen ticks.
pub type Xy = Cartesian2d<Axis, Axis>;

/// A chart context on [`Xy`].
pub type Plot<'a, DB> = ChartContext<'a, DB, Xy>;

/// A linear `f64` axis whose grid lines sit exactly on the given ticks.
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
        let mut y_step = theme::nice_step(axes.y.1 - axes.y.0, max_y);
        for _ in 0..6 {
            if theme::ticks(axes.y.0, axes.y.1, y_step).len() >= 3 {
                break;
            }
            y_step = theme::finer_step(y_step);
        }
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

/// Build the plot in `area`: grid, axis lines, tick labels, axis texts, dates.
pub fn plot<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    th: Theme,
    axes: &Axes,
) -> DrawResult<Plot<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let m = th.margin();
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let top = (th.tick_px() * 2.0) as i32;
    let rows = if axes.dates.is_empty() { 1 } else { 2 };
    let bottom = gutter(th) + rows * row(th) + (th.desc_px() * 1.5) as i32;
    let right = m * 3 / 2;
    let plot_h = f64::from(h - top - bottom);
    let label_w = f64::from(text::width(area, "00-00", &th.tick())?);
    let probe = Ticks::new(th, axes, f64::from(w), plot_h, label_w);
    let left = m + widest(area, th, &probe)? + gutter(th);
    let t = Ticks::new(th, axes, f64::from(w - left - right), plot_h, label_w);
    let mut chart = ChartBuilder::on(area)
        .margin_left(left)
        .margin_right(right)
        .margin_top(top)
        .margin_bottom(bottom)
        .build_cartesian_2d(
            Axis::new(x_range(axes.days), t.x.clone()),
            Axis::new(axes.y.0..axes.y.1, t.y.clone()),
        )?;
    chart
        .configure_mesh()
        .bold_line_style(theme::GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .draw()?;
    y_labels(area, &chart, th, &t, true)?;
    x_labels(area, &chart, th, &t, &axes.dates, true)?;
    let desc = theme::text(th.desc_px());
    text::draw(
        area,
        th,
        &axes.y_desc,
        (m, top / 2),
        &anchored(&desc, HPos::Left, VPos::Center),
    )?;
    let (px, _) = chart.plotting_area().get_pixel_range();
    let ox = area.get_base_pixel().0;
    text::draw(
        area,
        th,
        &axes.x_desc,
        (
            i32::midpoint(px.start, px.end) - ox,
            h - (th.desc_px() * 0.25) as i32,
        ),
        &anchored(&desc, HPos::Center, VPos::Bottom),
    )?;
    Ok(chart)
}

/// Tick-mark length plus the gap to its label.
fn gutter(th: Theme) -> i32 {
    (th.tick_px() * 0.75) as i32
}

/// Height of one row of tick labels.
fn row(th: Theme) -> i32 {
    (th.tick_px() * 1.3) as i32
}

/// Width of the widest y tick label.
pub fn widest<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    th: Theme,
    t: &Ticks,
) -> DrawResult<i32>
where
    DB::ErrorType: 'static,
{
    let tick = th.tick();
    t.y.iter().try_fold(0, |acc, v| {
        Ok(acc.max(text::width(area, &t.label(*v), &tick)?))
    })
}

/// The y axis line, its tick marks and labels, left of `chart`, drawn on `area`.
pub fn y_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    th: Theme,
    t: &Ticks,
    labels: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (ox, oy) = area.get_base_pixel();
    let ink = theme::MUTED.stroke_width(1);
    let x = px.start - ox;
    area.draw(&PathElement::new(
        vec![(x, py.start - oy), (x, py.end - oy)],
        ink,
    ))?;
    let mark = (th.tick_px() * 0.3) as i32;
    let style = anchored(&th.tick(), HPos::Right, VPos::Center);
    for &v in &t.y {
        let y = chart.backend_coord(&(0.0, v)).1 - oy;
        area.draw(&PathElement::new(vec![(x - mark, y), (x, y)], ink))?;
        if labels {
            text::draw(area, th, &t.label(v), (x - gutter(th), y), &style)?;
        }
    }
    Ok(())
}

/// The x axis line, its tick marks, relative-day labels and (when given) trading dates
/// under `chart`, drawn on `area`.
pub fn x_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    th: Theme,
    t: &Ticks,
    dates: &[(i32, NaiveDate)],
    labels: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (px, py) = chart.plotting_area().get_pixel_range();
    let (ox, oy) = area.get_base_pixel();
    let ink = theme::MUTED.stroke_width(1);
    let y = py.end - oy;
    area.draw(&PathElement::new(
        vec![(px.start - ox, y), (px.end - ox, y)],
        ink,
    ))?;
    let mark = (th.tick_px() * 0.3) as i32;
    let day_style = anchored(&th.tick(), HPos::Center, VPos::Top);
    for &d in &t.x {
        let x = chart.backend_coord(&(d, 0.0)).0 - ox;
        area.draw(&PathElement::new(vec![(x, y), (x, y + mark)], ink))?;
        if !labels {
            continue;
        }
        let day = d.round() as i32;
        let top = y + gutter(th);
        text::draw(area, th, &theme::rel_day(day), (x, top), &day_style)?;
        if let Some((_, date)) = dates.iter().find(|(k, _)| *k == day) {
            let style = if day == 0 {
                theme::bold(th.tick_px())
            } else {
                th.tick()
            };
            let style = anchored(&style, HPos::Center, VPos::Top);
            let label = date.format("%m-%d").to_string();
            text::draw(area, th, &label, (x, top + row(th)), &style)?;
        }
    }
    Ok(())
}

/// Shade whole days (no trade that day) across the plot.
pub fn shade_days<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, days: &[i32]) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = (chart.y_range().start, chart.y_range().end);
    chart.draw_series(days.iter().map(|&d| {
        let x = f64::from(d);
        Rectangle::new([(x - 0.5, lo), (x + 0.5, hi)], theme::SHADE.filled())
    }))?;
    Ok(())
}

/// The legend entry of [`shade_days`].
pub fn shade_legend() -> LegendItem {
    LegendItem::new(Swatch::Shade(theme::SHADE), "no trade that day")
}

/// A dashed vertical line at day `x` across the plot.
pub fn vline<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    th: Theme,
    x: f64,
    color: RGBColor,
    weight: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = (chart.y_range().start, chart.y_range().end);
    let dash = (th.tick_px() * 0.25 * weight).max(3.0) as i32;
    chart.draw_series(plotters::series::DashedLineSeries::new(
        [(x, lo), (x, hi)],
        dash,
        dash * 3 / 4,
        color.stroke_width(th.stroke(weight)),
    ))?;
    Ok(())
}

/// The normal quantile of the charts' 95% CAR bands.
pub const Z95: f64 = 1.96;

/// The 95% band `car ± Z95·se` over one unbroken run of `(day, (car, se))` points.
pub fn band<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    run: &[(i32, (f64, f64))],
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let halves: Vec<(i32, (f64, f64))> = run.iter().map(|&(d, (c, s))| (d, (c, Z95 * s))).collect();
    band_around(chart, &halves, color)
}

/// The band `value ± half` over one unbroken run of `(day, (value, half))` points.
pub fn band_around<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    run: &[(i32, (f64, f64))],
    color: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let upper = run.iter().map(|&(d, (c, h))| (f64::from(d), c + h));
    let lower = run.iter().rev().map(|&(d, (c, h))| (f64::from(d), c - h));
    chart.draw_series(std::iter::once(plotters::prelude::Polygon::new(
        upper.chain(lower).collect::<Vec<_>>(),
        super::frame::band_style(color),
    )))?;
    Ok(())
}

/// A thin horizontal line at zero, when zero is inside the y range.
pub fn zero_line<DB: DrawingBackend>(chart: &mut Plot<'_, DB>, th: Theme, weight: f64) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let (x, y) = (chart.x_range(), chart.y_range());
    if y.start < 0.0 && y.end > 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x.start, 0.0), (x.end, 0.0)],
            theme::MUTED.stroke_width(th.stroke(weight)),
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
