//! The benchmark's scaling chart (#13): wall time against input size on log-log axes, one
//! line per measured series, drawn with the study charts' theme, fonts and frame. It reads
//! plain points (the CLI benchmark's `benches/cli_results.json`), not a [`crate::Study`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::frame::{self, DrawResult, LegendItem, Swatch};
use super::theme::{self, Theme};
use super::{Chart, ChartError, ChartFormat, register_font, render};

/// One measured series: `(x, seconds)` points, in x order.
#[derive(Debug, Clone)]
pub struct ScalingSeries {
    /// Legend text.
    pub label: String,
    /// The points.
    pub points: Vec<(f64, f64)>,
}

/// A log-log chart of wall seconds against size.
#[derive(Debug, Clone)]
pub struct ScalingChart {
    /// Title.
    pub title: String,
    /// Subtitle (machine, commit).
    pub subtitle: String,
    /// What x counts (`events`, `price rows`).
    pub x_desc: String,
    /// The series.
    pub series: Vec<ScalingSeries>,
}

impl ScalingChart {
    /// Render to `format` bytes at `width` × `height`.
    ///
    /// # Errors
    /// `Size` outside the accepted sizes, `Font`, or `Draw`.
    pub fn render(
        &self,
        format: ChartFormat,
        width: u32,
        height: u32,
    ) -> Result<Vec<u8>, ChartError> {
        if width < super::MIN_SIZE.0
            || height < super::MIN_SIZE.1
            || width > super::MAX_SIDE
            || height > super::MAX_SIDE
        {
            return Err(ChartError::Size { width, height });
        }
        register_font()?;
        render(self, format, Theme::new(width, height, false)).map_err(|source| ChartError::Draw {
            file: format!("scaling.{}", format.extension()),
            source,
        })
    }
}

/// `[lo, hi]` widened to whole powers of ten.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return (1.0, 10.0);
    }
    let lo = 10f64.powf(lo.log10().floor());
    let hi = 10f64.powf(hi.log10().ceil()).max(lo * 10.0);
    (lo, hi)
}

/// `1k`, `100k`, `10M`, `0.1 s`…
fn short(v: f64) -> String {
    let (scaled, unit) = if v >= 1e6 {
        (v / 1e6, "M")
    } else if v >= 1e3 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = if scaled >= 1.0 && (scaled - scaled.round()).abs() < 1e-9 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled}")
    };
    format!("{text}{unit}")
}

impl Chart for ScalingChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, th: Theme) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let color = |k: usize| theme::SERIES[k % theme::SERIES.len()];
        let legend: Vec<LegendItem> = self
            .series
            .iter()
            .enumerate()
            .map(|(k, s)| {
                LegendItem::new(
                    Swatch::Line {
                        color: color(k),
                        dashed: false,
                    },
                    s.label.clone(),
                )
            })
            .collect();
        let area = frame::frame(root, th, &self.title, &self.subtitle, &legend)?;
        let all = || self.series.iter().flat_map(|s| s.points.iter().copied());
        let (x0, x1) = decades(all().map(|p| p.0));
        let (y0, y1) = decades(all().map(|p| p.1));
        let m = th.margin();
        let tick = th.tick();
        let mut chart = ChartBuilder::on(&area)
            .margin_left(m / 2)
            .margin_right(m * 3 / 2)
            .margin_top((th.tick_px() * 1.5) as i32)
            .margin_bottom(m / 2)
            .x_label_area_size((th.tick_px() * 3.2) as i32)
            .y_label_area_size((th.tick_px() * 5.0) as i32)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())?;
        chart
            .configure_mesh()
            .bold_line_style(theme::GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(theme::MUTED.stroke_width(1))
            .label_style(tick.clone())
            .axis_desc_style(theme::text(th.desc_px()))
            .x_desc(self.x_desc.as_str())
            .y_desc("wall seconds")
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| short(*v))
            .draw()?;
        for (k, s) in self.series.iter().enumerate() {
            let style = color(k).stroke_width(th.stroke(2.0));
            let points: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|(x, y)| *x > 0.0 && *y > 0.0)
                .collect();
            chart.draw_series(LineSeries::new(points.iter().copied(), style))?;
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| Circle::new(p, th.stroke(3.5), color(k).filled())),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_chart_renders_png_and_svg() {
        let chart = ScalingChart {
            title: "t".into(),
            subtitle: "s".into(),
            x_desc: "events".into(),
            series: vec![ScalingSeries {
                label: "a".into(),
                points: vec![(500.0, 0.2), (5000.0, 0.9), (100_000.0, 7.5)],
            }],
        };
        let png = chart.render(ChartFormat::Png, 900, 500).unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let svg = String::from_utf8(chart.render(ChartFormat::Svg, 900, 500).unwrap()).unwrap();
        assert!(svg.contains("<svg") && svg.contains("events") && svg.contains("100k"));
        assert!(matches!(
            chart.render(ChartFormat::Png, 10, 10),
            Err(ChartError::Size { .. })
        ));
        assert_eq!(
            (short(1e5), short(5e6), short(0.5)),
            ("100k".into(), "5M".into(), "0.5".into())
        );
        assert_eq!(decades([3.0, 250.0].into_iter()), (1.0, 1000.0));
    }
}
